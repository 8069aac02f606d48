#!/usr/bin/env bash
# End-to-end test of the web viewer in headless Chromium.
#
# Installs what it needs when missing (Debian's chromium; playwright-core from npm, with
# the committed package-lock.json, and never a browser download), builds the release
# `whosaid`, indexes a small corpus (examples/*.txt, e2e/fixtures/*.jsonl and, when
# present, ../shared/seed/kabul-nato-report.txt) into a temporary store, starts
# `whosaid serve` on a free loopback port and runs e2e/viewer.test.mjs against it.
#
# Usage: scripts/browser-tests.sh [--screenshots]
#   --screenshots   also write the pages' screenshots to docs/screenshots/ (otherwise
#                   they go to the temporary directory and are deleted with it)
# Environment: WHOSAID_BIN (a whosaid binary to use instead of building one),
#              CARGO_TARGET_DIR (where cargo builds), CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'browser-tests: %s\n' "$*" >&2; exit 1; }

SCREENSHOTS=""
for arg in "$@"; do
  case "$arg" in
    --screenshots) SCREENSHOTS="$ROOT/docs/screenshots" ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
step "Chromium (Debian package chromium)"
if [ ! -x "$CHROMIUM" ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
[ -x "$CHROMIUM" ] || die "$CHROMIUM not found after installing chromium"
"$CHROMIUM" --version 2>/dev/null || true

step "Node.js and playwright-core (npm ci; no browser download)"
command -v node >/dev/null || die "Node.js (20 or later) is needed; it is not on PATH"
node --version
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
LOCKED=$(node -p "require('./e2e/package-lock.json').packages['node_modules/playwright-core'].version")
INSTALLED=$(node -p "try { require('./e2e/node_modules/playwright-core/package.json').version } catch { '' }")
if [ "$LOCKED" != "$INSTALLED" ]; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "playwright-core $LOCKED"

. scripts/lib/serve.sh
whosaid_binary
temp_dir_with_cleanup whosaid-e2e

step "index the test corpus into $TMP/corpus.db"
DB=$TMP/corpus.db
"$BIN" index --db "$DB" --quiet --date 2025-03-14 examples/*.txt
"$BIN" index --db "$DB" --quiet e2e/fixtures/harbor-followups.jsonl
SEED=../shared/seed/kabul-nato-report.txt
if [ -f "$SEED" ]; then
  "$BIN" index --db "$DB" --quiet --date 2020-02-15 "$SEED"
else
  echo "($SEED not found: indexed without it)"
fi

step "start whosaid serve on a free loopback port"
start_server --db "$DB" --read-only

step "viewer end-to-end test (headless Chromium)"
SHOTS=${SCREENSHOTS:-$TMP/screenshots}
mkdir -p "$SHOTS"
status=0
WHOSAID_URL=$URL CHROMIUM=$CHROMIUM SCREENSHOT_DIR=$SHOTS \
  WHOSAID_EXAMPLE=$ROOT/examples/harbor-strike.txt BROWSER_TMP=$TMP \
  node --test --test-reporter=spec e2e/viewer.test.mjs || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log ---" >&2
  tail -n 50 "$LOG" >&2
  die "the viewer test failed"
fi
if [ -n "$SCREENSHOTS" ]; then
  echo "screenshots written to ${SCREENSHOTS#"$ROOT"/}:"
  ls -l "$SCREENSHOTS"
fi
step "browser tests passed"
