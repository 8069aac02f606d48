#!/usr/bin/env python3
"""Throughput of the whosaid Python package on a corpus, in MB of text per second.

    python scripts/py-throughput.py CORPUS_DIR [--repeat 3] [--cli target/release/whosaid]

Reads every file of CORPUS_DIR (e.g. ../shared/data/polnear/train/text) as UTF-8, the way
the CLI does (byte-order mark dropped, invalid bytes replaced), then times
``extract_many`` and ``extract_arrow`` with one thread and with all threads, best of
``--repeat`` runs after a warm-up. MB are 10^6 bytes of UTF-8 text. With ``--cli`` it also
times ``whosaid extract --format jsonl --threads N`` on the same files (one process, output
discarded) with one thread and with all, the numbers to compare the Python ones with.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa

import whosaid


def read_corpus(directory: Path) -> tuple[list[Path], list[str]]:
    paths = sorted(p for p in directory.iterdir() if p.is_file())
    texts = []
    for p in paths:
        raw = p.read_bytes()
        texts.append(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace"))
    return paths, texts


def best_of(repeat: int, run) -> float:
    run()  # warm-up: lexicons and tagger loaded, pools started
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="directory of text files")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measure (best is kept)")
    parser.add_argument("--cli", type=Path, help="also time this whosaid binary on the same files")
    args = parser.parse_args()

    paths, texts = read_corpus(args.corpus)
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    ids = [p.stem for p in paths]
    batch = pa.record_batch({"id": ids, "text": texts})
    cores = os.cpu_count() or 1
    print(f"corpus: {args.corpus} — {len(texts)} documents, {megabytes:.2f} MB; "
          f"whosaid {whosaid.__version__}, {cores} cores, best of {args.repeat}")

    measures = []
    for threads in (1, None):
        label = "threads=1" if threads == 1 else f"threads=None ({cores})"
        seconds = best_of(args.repeat, lambda: whosaid.extract_many(texts, threads=threads, ids=ids))
        measures.append((f"extract_many, {label}", seconds))
        seconds = best_of(args.repeat, lambda: whosaid.extract_arrow(batch, threads=threads))
        measures.append((f"extract_arrow, {label}", seconds))
    if args.cli:
        for threads in ("1", str(cores)):
            cmd = [str(args.cli), "extract", "--format", "jsonl", "--threads", threads, *map(str, paths)]
            seconds = best_of(args.repeat, lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True))
            measures.append((f"CLI extract --format jsonl --threads {threads}", seconds))
        # The floor under extract_many: building the records' Python objects at all.
        lines = subprocess.run(cmd, capture_output=True, check=True).stdout.splitlines()
        seconds = best_of(args.repeat, lambda: [json.loads(line) for line in lines])
        measures.append(("json.loads of the CLI's output alone", seconds))

    width = max(len(name) for name, _ in measures)
    for name, seconds in measures:
        print(f"{name:<{width}}  {megabytes / seconds:7.2f} MB/s  ({seconds:.3f} s)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
