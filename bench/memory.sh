#!/usr/bin/env bash
# Peak memory of `whosaid extract` streaming a large JSON Lines file (default 1 GB),
# generated from the PolNeAR train texts under /tmp.
#
# Usage: bench/memory.sh [MEGABYTES] [SOURCE_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mb="${1:-1000}"
source="${2:-$root/../shared/data/polnear/train/text}"
file="/tmp/whosaid-bench-${mb}mb.jsonl"
[ -s "$file" ] || python3 "$root/bench/make_corpus.py" jsonl "$source" "$file" "$mb"
(cd "$root" && cargo build --release --quiet -p whosaid-cli)
python3 - "$root/target/release/whosaid" "$file" <<'PY'
import os, resource, subprocess, sys, time
exe, path = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
start = time.perf_counter()
subprocess.run([exe, "extract", "-q", "--format", "jsonl", "-o", "/dev/null", path], check=True)
secs = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"input: {size/1e6:.0f} MB JSON Lines; time {secs:.1f} s ({size/1e6/secs:.1f} MB/s, all threads)")
print(f"peak memory (max RSS): {peak:.0f} MB")
PY
