#!/usr/bin/env bash
# Runs every test of the project: formatting and lints, the Rust test suites (unit,
# integration, property tests, doc tests), the accuracy regression check against the
# recorded baseline (when ../shared/data is present), and the Python/Spark and browser
# end-to-end suites (their own scripts install what they need).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --release -- -D warnings

step "Rust tests"
cargo test --workspace --release

DATA=../shared/data
if [ -d "$DATA/polnear/dev" ]; then
  step "accuracy on PolNeAR dev (fails on a drop of more than 1 F1 point)"
  ./target/release/whosaid eval polnear "$DATA/polnear/dev" \
    --cofenet "$DATA/cofenet-polnear/valid.txt" --baseline docs/accuracy-baseline-cofenet.json
  ./target/release/whosaid eval polnear "$DATA/polnear/dev" --baseline docs/accuracy-baseline-document.json
  ./target/release/whosaid eval polnear "$DATA/polnear/dev" --ensemble \
    --cofenet "$DATA/cofenet-polnear/valid.txt" --baseline docs/accuracy-baseline-cofenet-ensemble.json
else
  step "accuracy check skipped: $DATA not found"
fi

export WHOSAID_SKIP_CORE_TESTS=1
for extra in scripts/python-tests.sh scripts/browser-tests.sh; do
  if [ -x "$extra" ]; then
    step "$extra"
    "$extra"
  fi
done

step "all tests passed"
