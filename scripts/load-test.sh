#!/usr/bin/env bash
# Load test of `POST /v1/extract` on loopback: wrk with 64 connections for 30 s, posting
# the bundled example (examples/harbor-strike.txt) to a release `whosaid serve`.
# Prints requests/s, latency percentiles (p99 included) and the server's resident memory
# (VmRSS) at start, after a warm-up and after the run; fails on any socket error or
# non-2xx response.
#
# Usage: scripts/load-test.sh [DURATION [CONNECTIONS]]   (defaults: 30s 64)
# Environment: WHOSAID_BIN (a whosaid binary to use instead of building one),
#              CARGO_TARGET_DIR (where cargo builds), THREADS (wrk threads, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${1:-30s}
CONNECTIONS=${2:-64}
THREADS=${THREADS:-2}

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'load-test: %s\n' "$*" >&2; exit 1; }

step "wrk (Debian package wrk)"
if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
wrk --version 2>&1 | head -n 1 || true

. scripts/lib/serve.sh
whosaid_binary
temp_dir_with_cleanup whosaid-load

step "start whosaid serve (no corpus: extraction only)"
start_server

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }

# wrk posts the example as the body of every request.
BODY=$ROOT/examples/harbor-strike.txt
cat >"$TMP/post.lua" <<LUA
local f = assert(io.open("$BODY", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"
LUA
curl -fsS -o /dev/null -H 'Content-Type: text/plain' --data-binary "@$BODY" "$URL/v1/extract" \
  || die "a single request failed"

RSS_START=$(rss_kib)
step "warm-up: 5 s, $CONNECTIONS connections"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$TMP/post.lua" "$URL/v1/extract" >"$TMP/warmup.txt"
RSS_WARM=$(rss_kib)

step "load: $DURATION, $CONNECTIONS connections, $THREADS wrk threads, POST /v1/extract"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$TMP/post.lua" "$URL/v1/extract" | tee "$TMP/run.txt"
RSS_END=$(rss_kib)

step "second load run (memory must not keep growing)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$TMP/post.lua" "$URL/v1/extract" >"$TMP/run2.txt"
RSS_END2=$(rss_kib)
HWM=$(hwm_kib)

failures=0
for f in "$TMP/warmup.txt" "$TMP/run.txt" "$TMP/run2.txt"; do
  if grep -Eq 'Non-2xx or 3xx responses|Socket errors' "$f"; then
    grep -E 'Non-2xx or 3xx responses|Socket errors' "$f" >&2
    failures=1
  fi
done
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died under load"

step "summary"
field() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
printf 'example body:        %s (%s bytes)\n' "${BODY#"$ROOT"/}" "$(wc -c <"$BODY")"
printf 'requests/s:          %s (run 1), %s (run 2)\n' "$(field 'Requests/sec:' "$TMP/run.txt")" "$(field 'Requests/sec:' "$TMP/run2.txt")"
printf 'latency p50/p99:     %s / %s (run 1), %s / %s (run 2)\n' \
  "$(field '50%' "$TMP/run.txt")" "$(field '99%' "$TMP/run.txt")" \
  "$(field '50%' "$TMP/run2.txt")" "$(field '99%' "$TMP/run2.txt")"
printf 'requests:            %s (run 1), %s (run 2)\n' \
  "$(awk '/requests in/ {print $1}' "$TMP/run.txt")" "$(awk '/requests in/ {print $1}' "$TMP/run2.txt")"
printf 'server RSS (KiB):    start %s, after warm-up %s, after run 1 %s, after run 2 %s (peak %s)\n' \
  "$RSS_START" "$RSS_WARM" "$RSS_END" "$RSS_END2" "$HWM"
if [ "$failures" != 0 ]; then die "errors under load"; fi
# Growth between the two equal runs beyond 20% (and 8 MiB) counts as a leak.
if [ "$RSS_END2" -gt $(( RSS_END + RSS_END / 5 + 8192 )) ]; then
  die "resident memory grew from $RSS_END KiB to $RSS_END2 KiB between two equal runs"
fi
echo "no errors; memory steady"
