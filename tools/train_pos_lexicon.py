#!/usr/bin/env python3
"""Builds whosaid's part-of-speech lexicon (crates/whosaid-core/lexicon/pos.tsv).

Fits a most-frequent-tag model: for every lowercased word seen at least MIN_COUNT times in
the *silver* CoreNLP annotations of the PolNeAR train split, the most frequent Penn Treebank
tag, and a second tag when it covers a sizeable share of the occurrences.

Provenance of the data it learns from: PolNeAR v1.0.0 (Newell, Margolin & Ruths, LREC 2018),
train split only, with the Stanford CoreNLP output that PolNeAR ships (converted to CoNLL-U
style in ../shared/data/polnear-corenlp/). Never the dev split.

Usage: python3 tools/train_pos_lexicon.py ../shared/data/polnear-corenlp/train.conllu.gz \
           > crates/whosaid-core/lexicon/pos.tsv
"""
import collections
import gzip
import sys

MIN_COUNT = 2
SECOND_SHARE = 0.2


def main(path):
    counts = collections.defaultdict(collections.Counter)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4:
                continue
            word, tag = cols[1], cols[3]
            if any(c.isspace() for c in word):
                continue
            counts[word.lower()][tag] += 1
    print("# Part-of-speech lexicon: most frequent Penn Treebank tag per lowercased word.")
    print("# Learned by tools/train_pos_lexicon.py from the Stanford CoreNLP (silver) annotations")
    print("# of the PolNeAR v1.0.0 train split (Newell, Margolin & Ruths, LREC 2018). Never dev.")
    print("# Columns: word  tag  [second tag, when it covers >= 20% of occurrences]")
    for word in sorted(counts):
        c = counts[word]
        total = sum(c.values())
        if total < MIN_COUNT:
            continue
        (t1, n1), *rest = c.most_common(2)
        row = [word, t1]
        if rest and rest[0][1] / total >= SECOND_SHARE:
            row.append(rest[0][0])
        print("\t".join(row))


if __name__ == "__main__":
    main(sys.argv[1])
