"""The CLI as the reference: run ``whosaid extract`` on texts, flatten its records to rows.

``flatten`` applies the rules of ``whosaid_core::schema::quote_rows`` (the CSV/Parquet/Arrow
row shape) to a ``whosaid/1`` record in plain Python, so rows from ``extract_arrow`` or a
Spark job can be compared field by field with what the CLI says for the same input.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from collections import defaultdict
from pathlib import Path


def run_cli(cli: Path, docs: dict[str, tuple[str, str | None]], workdir: Path) -> dict[str, dict]:
    """Records the CLI gives for ``docs`` (file stem -> (text, date or None)), by stem.

    Texts are written to ``workdir/<stem>.txt`` (UTF-8, newlines as they are) and read by
    one ``whosaid extract --format jsonl [--date D]`` run per distinct date.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    by_date: dict[str | None, list[str]] = defaultdict(list)
    for stem, (text, date) in docs.items():
        path = workdir / f"{stem}.txt"
        path.write_text(text, encoding="utf-8", newline="")
        by_date[date].append(str(path))
    records: dict[str, dict] = {}
    for date, paths in by_date.items():
        cmd = [str(cli), "extract", "--format", "jsonl"]
        if date is not None:
            cmd += ["--date", date]
        out = subprocess.run(cmd + sorted(paths), capture_output=True, text=True, check=True,
                             encoding="utf-8")
        for line in out.stdout.splitlines():
            rec = json.loads(line)
            records[rec["id"]] = rec
    return records


def flatten(record: dict, doc_id: str | None = None, url: str | None = None) -> list[dict]:
    """The quotation rows of a ``whosaid/1`` record, as ``quote_rows`` makes them.

    ``doc_id`` and ``url`` replace the record's own (the CLI names documents by file stem).
    Dates are ``datetime.date`` values, as pyarrow reads the ``date32`` columns.
    """
    doc_id = doc_id if doc_id is not None else (record.get("id") or "")
    url = url if url is not None else record.get("url")
    entities = {e["id"]: e for e in record["entities"]}
    rows = []
    for q in record["quotes"]:
        speaker, cue, when = q["speaker"], q["cue"], q["when"]
        entity = entities.get(speaker["entity"]) if speaker and speaker["entity"] else None
        spans = [c["span"] for c in q["content"]]
        rows.append({
            "doc_id": doc_id,
            "url": url,
            "date": _date(record["meta"]["published"]),
            "quote_id": q["id"],
            "kind": q["kind"],
            "speaker_name": entity["name"] if entity else None,
            "speaker_text": speaker["text"] if speaker else None,
            "speaker_entity": entity["id"] if entity else None,
            "speaker_kind": entity["kind"] if entity else None,
            "titles": "; ".join(entity["titles"]) if entity and entity["titles"] else None,
            "cue": cue["text"] if cue else None,
            "cue_lemma": cue.get("lemma") if cue else None,
            "cue_class": cue.get("class") if cue else None,
            "text": q["text"],
            "content_start": spans[0][0] if spans else 0,
            "content_end": spans[-1][1] if spans else 0,
            "content_spans": json.dumps(spans, separators=(",", ":")),
            "speaker_start": speaker["span"][0] if speaker else None,
            "speaker_end": speaker["span"][1] if speaker else None,
            "cue_start": cue["span"][0] if cue else None,
            "cue_end": cue["span"][1] if cue else None,
            "when_text": when["text"] if when else None,
            "when_date": _date(when["date"]) if when else None,
            "confidence": q["confidence"],
        })
    return rows


def _date(s: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(s) if s else None


def compare_rows(got: list[dict], expected: list[dict]) -> list[str]:
    """Differences between two sets of quotation rows, keyed by (doc_id, quote_id)."""
    problems = []
    if len(got) != len(expected):
        problems.append(f"{len(got)} rows, expected {len(expected)}")
    got_by = {(r["doc_id"], r["quote_id"]): r for r in got}
    exp_by = {(r["doc_id"], r["quote_id"]): r for r in expected}
    if len(got_by) != len(got):
        problems.append("duplicate (doc_id, quote_id) keys in the rows")
    for key in sorted(exp_by.keys() - got_by.keys())[:5]:
        problems.append(f"missing row {key}: {exp_by[key]}")
    for key in sorted(got_by.keys() - exp_by.keys())[:5]:
        problems.append(f"unexpected row {key}: {got_by[key]}")
    for key in sorted(got_by.keys() & exp_by.keys()):
        g, e = got_by[key], exp_by[key]
        diffs = {f: (g.get(f), e[f]) for f in e if g.get(f) != e[f]}
        if set(g) != set(e):
            diffs["<columns>"] = (sorted(g), sorted(e))
        if diffs:
            problems.append(f"row {key} differs (got, expected): {diffs}")
    return problems[:20]
