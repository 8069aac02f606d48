#!/usr/bin/env bash
# Builds the whosaid Python wheel (crates/whosaid-py, PyO3 abi3 for CPython >= 3.10) with
# maturin, in release mode, into target/wheels/.
#
#   scripts/build-wheel.sh            build; prints the wheel's path on the last line
#   scripts/build-wheel.sh --install  build, then install it into the venv (replacing any)
#
# Environment: WHOSAID_VENV (default .venv; created with python3 when missing),
# WHOSAID_WHEEL_DIR (default target/wheels), CARGO_TARGET_DIR (default target/: the
# Python crate is a workspace of its own, and this keeps its build out of the source tree).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${WHOSAID_VENV:-$root/.venv}
wheels=${WHOSAID_WHEEL_DIR:-$root/target/wheels}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
maturin_version=1.16.0

if [[ ! -x $venv/bin/python ]]; then
    echo "build-wheel: creating $venv" >&2
    python3 -m venv "$venv"
fi
if [[ $("$venv/bin/python" -m maturin --version 2>/dev/null) != "maturin $maturin_version" ]]; then
    echo "build-wheel: installing maturin $maturin_version" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==$maturin_version"
fi

mkdir -p "$wheels"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "build-wheel: maturin build --release (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)" >&2
(cd "$root/python" && "$venv/bin/python" -m maturin build --release --out "$wheels" \
    --interpreter "$venv/bin/python") 2>&1 | tee "$log" >&2
# maturin's last line names the wheel it wrote: "📦 Built wheel for abi3 Python ≥ 3.10 to PATH".
wheel=$(sed -n 's/.*Built wheel.* to \(.*\.whl\).*/\1/p' "$log" | tail -n 1)
if [[ -z $wheel || ! -f $wheel ]]; then
    echo "build-wheel: could not find the wheel maturin built" >&2
    exit 1
fi
if [[ ${1:-} == --install ]]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
        --force-reinstall "$wheel"
    echo "build-wheel: installed into $venv" >&2
fi
echo "$wheel"
