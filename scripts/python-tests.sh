#!/usr/bin/env bash
# Python tests of whosaid (python/tests, the Spark job included).
#
# Creates or reuses a venv (WHOSAID_VENV, default .venv), installs the pinned test packages
# (python/requirements-test.txt: maturin, pytest, pyarrow, pandas, pyspark) when they changed,
# builds and installs the wheel, builds the release CLI the tests compare with, and runs
# pytest. Arguments are passed to pytest (e.g. `-m "not spark"`, `-k arrow`).
# Re-runs are quick: pip and cargo skip what is already there.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${WHOSAID_VENV:-$root/.venv}
requirements=$root/python/requirements-test.txt
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
export WHOSAID_VENV=$venv

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "Python venv: $venv"
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" --version

step "Test packages: $(grep -v '^#' "$requirements" | tr '\n' ' ')"
stamp=$venv/.whosaid-requirements
if [[ -f $stamp ]] && cmp -s "$stamp" "$requirements"; then
    echo "up to date"
else
    # The first install of pyspark builds its wheel from the sdist: about 1.5 minutes.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$stamp"
fi

step "Java (for PySpark)"
if ! command -v java > /dev/null && [[ -z ${JAVA_HOME:-} ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
        apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless > /dev/null
    else
        echo "python-tests: Java 17 is needed for the Spark test" >&2
        exit 1
    fi
fi
java -version 2>&1 | head -n 1

step "whosaid-py checks: rustfmt, clippy, Rust unit tests (+ whosaid-core's arrow feature)"
# crates/whosaid-py is a workspace of its own, so the root's cargo fmt/clippy/test skip it.
py_manifest=$root/crates/whosaid-py/Cargo.toml
(cd "$root" && cargo fmt --check --manifest-path "$py_manifest")
PYO3_PYTHON="$venv/bin/python" cargo clippy --manifest-path "$py_manifest" --all-targets -- -D warnings
PYO3_PYTHON="$venv/bin/python" cargo test --manifest-path "$py_manifest"
# scripts/test.sh already ran the workspace tests, arrow feature included.
if [[ -z ${WHOSAID_SKIP_CORE_TESTS:-} ]]; then
    (cd "$root" && cargo test -p whosaid-core --features arrow --lib arrow \
        && cargo test -p whosaid-core --features arrow --doc arrow)
fi

step "whosaid wheel (maturin build --release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
bash "$root/scripts/build-wheel.sh" --install

step "whosaid CLI (cargo build --release -p whosaid-cli)"
(cd "$root" && cargo build --release -p whosaid-cli)
cli=$CARGO_TARGET_DIR/release/whosaid

step "pytest python/tests"
cd "$root/python"
# -P: import the installed wheel, not the source package in python/whosaid.
WHOSAID_CLI=$cli WHOSAID_REQUIRE_CLI=1 WHOSAID_REQUIRE_SPARK=1 \
    PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python" \
    SPARK_LOCAL_IP=127.0.0.1 \
    "$venv/bin/python" -P -m pytest -ra -p no:cacheprovider "$@"
echo "python-tests: done in $((SECONDS - started)) s"
