#!/usr/bin/env python3
"""Generates benchmark inputs from a directory of article texts (nothing is stored in the
repository: the corpora are written under /tmp or wherever OUT points).

  make_corpus.py jsonl SOURCE_DIR OUT.jsonl MEGABYTES   news-please-style JSON Lines
  make_corpus.py warc  SOURCE_DIR OUT.warc.gz COUNT     CC-NEWS-style WARC.gz (gzip member
                                                        per record, HTML payloads)
  make_corpus.py line  SOURCE_DIR OUT.txt MEGABYTES     one document of one paragraph: the
                                                        texts' lines joined by spaces
"""
import gzip
import html
import io
import json
import os
import sys


def texts(source):
    paths = sorted(os.path.join(source, f) for f in os.listdir(source) if f.endswith(".txt"))
    while True:
        for p in paths:
            with open(p, encoding="utf-8") as f:
                yield os.path.basename(p), f.read()


def jsonl(source, out, megabytes):
    limit = int(float(megabytes) * 1e6)
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        for n, (name, text) in enumerate(texts(source)):
            rec = {"url": f"https://bench.example/{n}/{name}", "maintext": text,
                   "date_publish": "2016-10-0%d 12:00:00" % (1 + n % 9), "title": name}
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            if written >= limit:
                break


def warc(source, out, count):
    count = int(count)
    with open(out, "wb") as f:
        for n, (name, text) in enumerate(texts(source)):
            if n >= count:
                break
            paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
            page = f"<html><head><title>{html.escape(name)}</title></head><body><article>{paras}</article></body></html>"
            body = page.encode("utf-8")
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body) + body
            head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bench.example/{n}/{name}\r\n"
                    f"WARC-Date: 2016-10-01T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:bench-{n}>\r\n"
                    f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
            buf = io.BytesIO()
            with gzip.GzipFile(fileobj=buf, mode="wb") as g:
                g.write(head + http + b"\r\n\r\n")
            f.write(buf.getvalue())


def line(source, out, megabytes):
    limit = int(float(megabytes) * 1e6)
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        for _, text in texts(source):
            chunk = " ".join(text.split()) + " "
            data = chunk.encode("utf-8")[: limit - written].decode("utf-8", errors="ignore")
            f.write(data)
            written += len(data.encode("utf-8"))
            if written >= limit - 3:
                break


if __name__ == "__main__":
    kind, source, out, amount = sys.argv[1:5]
    {"jsonl": jsonl, "warc": warc, "line": line}[kind](source, out, amount)
