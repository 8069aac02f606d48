#!/usr/bin/env python3
"""Old against new: extract_many / extract / extract_arrow of two whosaid builds and the CLI,
alternated pass by pass on a corpus, for machines too busy for separate runs.

    python scripts/py-ab.py CORPUS_DIR --old SITE_DIR [--new SITE_DIR] --cli BINARY [--rounds 7]

``--old`` / ``--new`` are directories put first on ``sys.path`` of a worker process each
(e.g. an unpacked wheel); without ``--new`` the installed package is the new one. Each
worker reads the corpus once, warms up, then runs one pass per request, so the two builds
and the CLI take turns within seconds of each other. Every measure is reported as the best
and the median of ``--rounds`` passes, in MB/s of UTF-8 text, wall clock and CPU time (the
calling thread's for ``threads=1``, the process's for all threads; the CLI's from rusage).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORKER = r'''
import json, sys, time
sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None
from pathlib import Path
import pyarrow as pa, whosaid
paths = sorted(p for p in Path(sys.argv[2]).iterdir() if p.is_file())
texts = [p.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace") for p in paths]
ids = [p.stem for p in paths]
batch = pa.record_batch({"id": ids, "text": texts})
runs = {
    "extract_many": lambda t: whosaid.extract_many(texts, threads=t, ids=ids),
    "extract": lambda t: [whosaid.extract(x, id=i) for x, i in zip(texts, ids)],
    "extract_arrow": lambda t: whosaid.extract_arrow(batch, threads=t),
}
for name in runs:
    runs[name](1)
print(json.dumps(whosaid.__file__), flush=True)
for line in sys.stdin:
    name, threads = line.split()
    threads = None if threads == "all" else int(threads)
    clock = time.thread_time if threads == 1 else time.process_time
    w, c = time.perf_counter(), clock()
    runs[name](threads)
    print(json.dumps([time.perf_counter() - w, clock() - c]), flush=True)
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--old", required=True, help="sys.path entry of the old build")
    parser.add_argument("--new", default="", help="sys.path entry of the new build (default: installed)")
    parser.add_argument("--cli", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    paths = sorted(p for p in args.corpus.iterdir() if p.is_file())
    mb = sum(len(p.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").encode())
             for p in paths) / 1e6
    cores = os.cpu_count() or 1
    workers = {}
    for label, site in (("old", args.old), ("new", args.new)):
        w = subprocess.Popen([sys.executable, "-P", "-c", WORKER, site, str(args.corpus)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        workers[label] = w
        print(f"{label}: {json.loads(w.stdout.readline())}")
    measures = [(f, t) for t in ("1", "all") for f in ("extract_many", "extract", "extract_arrow")
                if not (f == "extract" and t == "all")]
    results: dict[str, list[tuple[float, float]]] = {}

    def cli(threads: str) -> tuple[float, float]:
        cmd = [str(args.cli), "extract", "--format", "jsonl", "--threads", threads, *map(str, paths)]
        r0, w = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.perf_counter() - w, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

    for r in range(args.rounds):
        for f, t in measures:
            order = ("old", "new") if r % 2 == 0 else ("new", "old")
            for label in order:
                w = workers[label]
                w.stdin.write(f"{f} {t}\n")
                w.stdin.flush()
                results.setdefault(f"{label} {f} threads={t}", []).append(tuple(json.loads(w.stdout.readline())))
            if f == "extract_many":
                n = "1" if t == "1" else str(cores)
                results.setdefault(f"CLI jsonl threads={t}", []).append(cli(n))
    for w in workers.values():
        w.stdin.close()
        w.wait()
    print(f"{len(paths)} documents, {mb:.2f} MB, {cores} cores, {args.rounds} rounds; "
          "MB/s best / median (wall), best (CPU)")
    width = max(map(len, results))
    for name in sorted(results, key=lambda k: (k.split("threads=")[1], k.split()[1], k)):
        walls = [x[0] for x in results[name]]
        cpus = [x[1] for x in results[name]]
        print(f"{name:<{width}}  {mb / min(walls):6.2f} / {mb / statistics.median(walls):6.2f}   "
              f"cpu {mb / min(cpus):6.2f}")


if __name__ == "__main__":
    main()
