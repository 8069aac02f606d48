# Shared by scripts/browser-tests.sh and scripts/load-test.sh: the release binary, a
# temporary directory cleaned up on exit, and a `whosaid serve` on a free loopback port.
# Source it after defining step() and die(), from the repository root (ROOT).

# Sets BIN to WHOSAID_BIN, or builds the release whosaid and uses it.
whosaid_binary() {
  local target=${CARGO_TARGET_DIR:-$ROOT/target}
  BIN=${WHOSAID_BIN:-$target/release/whosaid}
  if [ -z "${WHOSAID_BIN:-}" ]; then
    step "build the release whosaid (cargo build --release -p whosaid-cli)"
    cargo build --release -p whosaid-cli
  fi
  [ -x "$BIN" ] || die "no whosaid binary at $BIN"
}

# Sets TMP to a new directory named after $1; on exit the server (if any) is stopped and
# the directory removed.
temp_dir_with_cleanup() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  SERVER_PID=""
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}

# Starts `whosaid serve --addr 127.0.0.1:0 ARGS...` with its log in $TMP/server.log and
# waits until it reports its address: sets SERVER_PID, LOG and URL.
start_server() {
  LOG=$TMP/server.log
  WHOSAID_LOG=info "$BIN" serve "$@" --addr 127.0.0.1:0 2>"$LOG" &
  SERVER_PID=$!
  URL=""
  for _ in $(seq 1 100); do
    URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$LOG" | head -n 1 || true)
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG" >&2; die "the server exited at start"; }
    sleep 0.1
  done
  [ -n "$URL" ] || { cat "$LOG" >&2; die "the server did not report its address"; }
  echo "serving $URL (pid $SERVER_PID)"
}
