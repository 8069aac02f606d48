#!/usr/bin/env bash
# Time per MB of `whosaid extract` on one document of one paragraph (no paragraph or
# document boundary to bound any pass) at growing sizes, generated from the PolNeAR train
# texts under /tmp. Every pass should be linear: the last column stays near 1.00, and
# anything quadratic shows as a ratio that grows with the size.
#
# Usage: bench/scaling.sh [MEGABYTES...]   (default: 2 8 32)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source="$root/../shared/data/polnear/train/text"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2 8 32)
(cd "$root" && cargo build --release --quiet -p whosaid-cli)
for mb in "${sizes[@]}"; do
    file="/tmp/whosaid-line-${mb}mb.txt"
    [ -s "$file" ] || python3 "$root/bench/make_corpus.py" line "$source" "$file" "$mb"
done
python3 - "$root/target/release/whosaid" "${sizes[@]}" <<'PY'
import resource, subprocess, sys, time
exe, sizes = sys.argv[1], sys.argv[2:]
first = None
print(f"{'MB':>6} {'seconds':>8} {'s/MB':>7} {'peak MB':>8} {'s/MB ratio to first':>20}")
for mb in sizes:
    path = f"/tmp/whosaid-line-{mb}mb.txt"
    start = time.perf_counter()
    subprocess.run([exe, "extract", "-q", "--threads", "1", "--format", "jsonl", "-o", "/dev/null", path], check=True)
    secs = time.perf_counter() - start
    # The largest child so far: the sizes ascend, so it is this run's.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    per = secs / float(mb)
    first = first or per
    print(f"{mb:>6} {secs:>8.2f} {per:>7.3f} {peak:>8.0f} {per / first:>20.2f}")
PY
