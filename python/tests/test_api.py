"""The Python API: extract, extract_many, extract_arrow — answers, inputs, errors."""

from __future__ import annotations

import ast
import datetime
import doctest
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import whosaid
from cliref import compare_rows, flatten, run_cli
from newsgen import records

SAMPLE = (
    "KELSEY BAY — “We will not accept the new bridge as it stands,” Amara Okafor, the mayor, "
    "said on Saturday.\n"
    "Officials said that the budget was rushed through without consultation.\n"
    "“This is not over,” Okafor told reporters. “We will be back next week.”"
)
DATE = "2020-02-15"


def texts(n: int, seed: int = 3) -> list[str]:
    return [r["maintext"] for r in records(n, seed=seed) if r["maintext"]]


def spans_index_text(record: dict, text: str) -> None:
    for q in record["quotes"]:
        for piece in q["content"]:
            start, end = piece["span"]
            assert text[start:end] == piece["text"]
        for part in ("speaker", "cue"):
            if q[part]:
                start, end = q[part]["span"]
                assert text[start:end] == q[part]["text"]


# --- extract ------------------------------------------------------------------------------

def test_extract_returns_a_whosaid_1_record():
    record = whosaid.extract(SAMPLE, DATE, id="kelsey")
    assert list(record) == ["schema", "id", "meta", "entities", "quotes"]
    assert (record["schema"], record["id"], record["meta"]["published"]) == ("whosaid/1", "kelsey", DATE)
    assert len(record["quotes"]) >= 3
    assert {q["kind"] for q in record["quotes"]} >= {"direct", "indirect"}
    spans_index_text(record, SAMPLE)
    on_saturday = [q["when"] for q in record["quotes"] if q["when"]]
    assert on_saturday and on_saturday[0]["date"] == "2020-02-15"


def test_extract_equals_the_cli_json(cli, tmp_path):
    docs = {"sample": (SAMPLE, DATE), "undated": (SAMPLE, None), "empty": ("", None)}
    docs |= {f"gen{k}": (t, "2020-02-03") for k, t in enumerate(texts(6))}
    for stem, (text, date) in docs.items():
        path = tmp_path / f"{stem}.txt"
        path.write_text(text, encoding="utf-8", newline="")
        cmd = [str(cli), "extract", "--format", "json", str(path)]
        cmd += ["--date", date] if date else []
        expected = json.loads(subprocess.run(cmd, capture_output=True, check=True).stdout)
        assert whosaid.extract(text, date, id=stem) == expected, stem


def test_ensemble_equals_the_cli_with_ensemble(cli, tmp_path):
    # The keyword picks the same tagger as the CLI's --ensemble, in every entry point.
    docs = {f"gen{k}": t for k, t in enumerate(texts(8, seed=5))} | {"sample": SAMPLE}
    expected = {}
    for stem, text in docs.items():
        path = tmp_path / f"{stem}.txt"
        path.write_text(text, encoding="utf-8", newline="")
        cmd = [str(cli), "extract", "--ensemble", "--format", "json", "--date", DATE, str(path)]
        expected[stem] = json.loads(subprocess.run(cmd, capture_output=True, check=True).stdout)
        assert same_json(whosaid.extract(text, DATE, id=stem, ensemble=True), expected[stem]), stem
    stems = list(docs)
    got = whosaid.extract_many([docs[s] for s in stems], DATE, ids=stems, ensemble=True)
    assert all(same_json(r, expected[s]) for s, r in zip(stems, got))
    table = pa.table({"id": stems, "text": [docs[s] for s in stems]})
    rows = whosaid.extract_arrow(table, ensemble=True)
    assert rows.num_rows == sum(len(expected[s]["quotes"]) for s in stems)


def test_url_is_written_only_when_given():
    assert "url" not in whosaid.extract(SAMPLE)
    assert whosaid.extract(SAMPLE, url="https://news.example/a")["url"] == "https://news.example/a"


@pytest.mark.parametrize("date", [
    DATE, "2020-02-15 10:32:00", "2020-02-15T23:59:00-05:00", "2020/02/15", "20200215",
    "Sat, 15 Feb 2020 10:32:00 GMT", datetime.date(2020, 2, 15),
    datetime.datetime(2020, 2, 15, 10, 32), pd.Timestamp("2020-02-15 10:32"),
])
def test_date_forms(date):
    assert whosaid.extract(SAMPLE, date)["meta"]["published"] == DATE


@pytest.mark.parametrize("date", [None, "", "  ", pd.NaT])
def test_missing_dates(date):
    assert whosaid.extract(SAMPLE, date)["meta"]["published"] is None


def test_bad_dates_raise():
    with pytest.raises(ValueError, match="'soon', which is not a date"):
        whosaid.extract(SAMPLE, "soon")
    with pytest.raises(ValueError, match="not a date"):
        whosaid.extract(SAMPLE, "2020-02-30")
    with pytest.raises(TypeError, match="date has type int"):
        whosaid.extract(SAMPLE, 20200215)


@pytest.mark.parametrize("bad, message", [
    (None, "text is None"),
    (42, "text has type int"),
    (["a list"], "text has type list"),
])
def test_text_of_the_wrong_type_raises_type_error(bad, message):
    with pytest.raises(TypeError, match=message):
        whosaid.extract(bad)


def test_bad_keyword_types_raise_type_error():
    with pytest.raises(TypeError):
        whosaid.extract(SAMPLE, id=5)
    with pytest.raises(TypeError):
        whosaid.extract(SAMPLE, bogus=1)


def test_utf8_bytes_are_decoded_like_the_cli():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert whosaid.extract(SAMPLE.encode()) == whosaid.extract(SAMPLE)
        assert whosaid.extract(b"\xef\xbb\xbf" + SAMPLE.encode()) == whosaid.extract(SAMPLE)
        assert whosaid.extract(bytearray(SAMPLE.encode())) == whosaid.extract(SAMPLE)


def test_non_utf8_bytes_are_replaced_with_a_warning():
    raw = SAMPLE.encode().replace("Okafor".encode(), b"Ok\xe1for")
    with pytest.warns(UnicodeWarning, match="invalid UTF-8"):
        record = whosaid.extract(raw)
    decoded = raw.decode("utf-8", errors="replace")
    assert record == whosaid.extract(decoded)
    spans_index_text(record, decoded)


def test_lone_surrogates_keep_offsets():
    text = SAMPLE.replace("mayor", "may\udcffr")
    with pytest.warns(UnicodeWarning):
        record = whosaid.extract(text)
    clean = text.replace("\udcff", "\ufffd")
    assert record == whosaid.extract(clean)
    spans_index_text(record, clean)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\x00\x01binary\x00", "“" * 1000, "said " * 2000])
def test_odd_texts_get_an_answer(text):
    record = whosaid.extract(text)
    assert record["schema"] == "whosaid/1"
    spans_index_text(record, text)


def test_a_one_megabyte_text():
    paragraphs = texts(400)
    big = "\n".join(paragraphs)
    while len(big.encode()) < 1_000_000:
        big += "\n" + big
    record = whosaid.extract(big, DATE)
    assert len(record["quotes"]) > 1000
    spans_index_text(record, big)
    rows = whosaid.extract_arrow(pa.record_batch({"id": ["big"], "text": [big]}))
    assert rows.num_rows == len(record["quotes"])


# --- extract_many -------------------------------------------------------------------------

def test_extract_many_keeps_order_and_equals_extract():
    sample = texts(60)
    one_by_one = [whosaid.extract(t, DATE) for t in sample]
    for threads in (1, 2, None, 7):
        assert whosaid.extract_many(sample, DATE, threads=threads) == one_by_one


POLNEAR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polnear"


def same_json(got, expected) -> bool:
    """Equal values, and also equal JSON texts: key order and int/float/bool types count."""
    return got == expected and json.dumps(got) == json.dumps(expected)


def test_extract_many_equals_the_cli_json(cli, tmp_path):
    # Generated news (dates, URLs-free records, non-ASCII punctuation), one CLI run per date.
    docs = {f"gen{k}": (t, DATE if k % 2 else None) for k, t in enumerate(texts(40, seed=11))}
    docs |= {"sample": (SAMPLE, DATE), "empty": ("", None), "accents": ("« Oui », dit Zoë. " * 5, None)}
    expected = run_cli(cli, docs, tmp_path)
    stems = list(docs)
    for threads in (1, None):
        got = whosaid.extract_many([docs[s][0] for s in stems], [docs[s][1] for s in stems],
                                   threads=threads, ids=stems)
        for stem, record in zip(stems, got):
            assert same_json(record, expected[stem]), stem
    for stem in stems[:8]:
        text, date = docs[stem]
        assert same_json(whosaid.extract(text, date, id=stem), expected[stem]), stem


@pytest.mark.parametrize("split", ["train", "dev"])
def test_extract_many_equals_the_cli_json_on_polnear(cli, split):
    # Every PolNeAR article (../shared/data, when present), read from the files by the CLI.
    directory = POLNEAR / split / "text"
    if not directory.is_dir():
        pytest.skip(f"{directory} is not there")
    paths = sorted(p for p in directory.iterdir() if p.is_file())
    out = subprocess.run([str(cli), "extract", "--format", "jsonl", *map(str, paths)],
                         capture_output=True, check=True).stdout
    expected = {r["id"]: r for r in map(json.loads, out.splitlines())}
    got = whosaid.extract_many([p.read_bytes() for p in paths], ids=[p.stem for p in paths])
    assert len(got) == len(expected) == len(paths)
    differ = [p.stem for p, record in zip(paths, got) if not same_json(record, expected[p.stem])]
    assert differ == []


def test_extract_many_inputs():
    sample = texts(5)
    expected = [whosaid.extract(t) for t in sample]
    assert whosaid.extract_many(iter(sample)) == expected
    assert whosaid.extract_many(tuple(sample)) == expected
    assert whosaid.extract_many(pd.Series(sample)) == expected
    assert whosaid.extract_many([t.encode() for t in sample]) == expected
    assert whosaid.extract_many([]) == []
    dates = [DATE, None, datetime.date(2020, 3, 1), "2020-04-01 08:00:00", ""]
    published = [r["meta"]["published"] for r in whosaid.extract_many(sample, dates)]
    assert published == [DATE, None, "2020-03-01", "2020-04-01", None]
    one_date = whosaid.extract_many(sample, datetime.date(2020, 2, 15))
    assert {r["meta"]["published"] for r in one_date} == {DATE}
    ids = ["a", None, "c", "d", "e"]
    assert [r["id"] for r in whosaid.extract_many(sample, ids=ids)] == ids


@pytest.mark.parametrize("call, error, message", [
    (lambda: whosaid.extract_many("one text"), TypeError, "not a single text"),
    (lambda: whosaid.extract_many(b"one text"), TypeError, "not a single text"),
    (lambda: whosaid.extract_many(None), TypeError, "texts has type NoneType"),
    (lambda: whosaid.extract_many(5), TypeError, "texts has type int"),
    (lambda: whosaid.extract_many(["ok", None]), TypeError, r"texts\[1\] is None"),
    (lambda: whosaid.extract_many(["ok", 3.5]), TypeError, r"texts\[1\] has type float"),
    (lambda: whosaid.extract_many(["a", "b"], [DATE]), ValueError, "dates has 1 items but texts has 2"),
    (lambda: whosaid.extract_many(["a"], ["soon"]), ValueError, r"dates\[0\] is 'soon'"),
    (lambda: whosaid.extract_many(["a"], 5), TypeError, "dates has type int"),
    (lambda: whosaid.extract_many(["a"], ids=["x", "y"]), ValueError, "ids has 2 items"),
    (lambda: whosaid.extract_many(["a"], ids=[1]), TypeError, r"ids\[0\] has type int"),
    (lambda: whosaid.extract_many(["a"], ids="x"), TypeError, "not a single string"),
    (lambda: whosaid.extract_many(["a"], threads=0), ValueError, "threads must be"),
    (lambda: whosaid.extract_many(["a"], threads=-2), ValueError, "threads must be"),
    (lambda: whosaid.extract_many(["a"], threads=10**6), ValueError, "threads must be"),
    (lambda: whosaid.extract_many(["a"], threads="2"), TypeError, "threads"),
])
def test_extract_many_bad_inputs(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_extract_many_warns_once_for_bad_utf8():
    with pytest.warns(UnicodeWarning, match=r"texts\[1\] \(and 1 more\)"):
        whosaid.extract_many([b"fine", b"caf\xe9", b"na\xefve"])


def test_extract_many_releases_the_gil():
    sample = texts(150) * 4
    window = {}

    def work():
        window["start"] = time.perf_counter()
        whosaid.extract_many(sample, threads=1)
        window["end"] = time.perf_counter()

    worker = threading.Thread(target=work)
    ticks = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    during = [t for t in ticks if window["start"] < t < window["end"]]
    assert window["end"] - window["start"] > 0.05
    assert len(during) >= 10, "the main thread did not run while extract_many worked"


def _fork_child(queue):
    queue.put(len(whosaid.extract_many(texts(20), threads=2)))


def test_pools_survive_fork():
    whosaid.extract_many(texts(20), threads=2)  # the parent now has a 2-thread pool
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_fork_child, args=(queue,))
    child.start()
    child.join(timeout=120)
    if child.is_alive():
        child.kill()
        pytest.fail("extract_many deadlocked in a forked child")
    assert child.exitcode == 0
    assert queue.get(timeout=5) == len(texts(20))


# --- extract_arrow ------------------------------------------------------------------------

def news_batch(n: int = 40) -> tuple[pa.RecordBatch, list[dict]]:
    recs = [r for r in records(n, seed=11) if r["maintext"] is not None]
    batch = pa.record_batch({
        "id": [r.get("id") or r["url"] for r in recs],
        "url": [r["url"] for r in recs],
        "date": [r["date_publish"] for r in recs],
        "text": [r["maintext"] for r in recs],
    })
    return batch, recs


def expected_rows(recs: list[dict]) -> list[dict]:
    rows = []
    for r in recs:
        date = r["date_publish"][:10] if r["date_publish"] else None
        record = whosaid.extract(r["maintext"], date, id=r.get("id") or r["url"], url=r["url"])
        rows += flatten(record)
    return rows


def test_extract_arrow_rows_equal_the_records():
    batch, recs = news_batch()
    rows = whosaid.extract_arrow(batch, date_column="date")
    assert isinstance(rows, pa.RecordBatch)
    assert rows.schema == whosaid.quote_rows_schema()
    assert tuple(rows.schema.names) == whosaid.QUOTE_ROW_COLUMNS
    got, expected = rows.to_pylist(), expected_rows(recs)
    assert compare_rows(got, expected) == []
    # Rows come in input order, then quotation order.
    assert [(r["doc_id"], r["quote_id"]) for r in got] == [(r["doc_id"], r["quote_id"]) for r in expected]


def test_extract_arrow_rows_equal_the_cli(cli, tmp_path):
    batch, recs = news_batch(30)
    docs = {f"r{k}": (r["maintext"], r["date_publish"][:10] if r["date_publish"] else None)
            for k, r in enumerate(recs)}
    by_stem = run_cli(cli, docs, tmp_path)
    expected = []
    for k, r in enumerate(recs):
        expected += flatten(by_stem[f"r{k}"], doc_id=f"r{k}", url=r["url"])
    batch = batch.set_column(0, "id", pa.array([f"r{k}" for k in range(len(recs))]))
    got = whosaid.extract_arrow(batch, date_column="date").to_pylist()
    assert compare_rows(got, expected) == []


def test_threads_do_not_change_the_rows():
    batch, _ = news_batch(60)
    one = whosaid.extract_arrow(batch, date_column="date", threads=1)
    for threads in (2, None):
        assert whosaid.extract_arrow(batch, date_column="date", threads=threads).equals(one)


def test_column_types_accepted():
    batch, _ = news_batch(12)
    base = whosaid.extract_arrow(batch, date_column="date", threads=1)
    text, ids, dates = batch.column("text"), batch.column("id"), batch.column("date")
    parsed = pa.array([datetime.datetime.fromisoformat(d) if d else None for d in dates.to_pylist()])
    variants = {
        "large_string": text.cast(pa.large_string()),
        "string_view": text.cast(pa.string_view()),
        "dictionary": text.dictionary_encode(),
        "binary": text.cast(pa.binary()),
        "large_binary": text.cast(pa.large_binary()),
    }
    for name, column in variants.items():
        b = batch.set_column(3, "text", column)
        assert whosaid.extract_arrow(b, date_column="date").equals(base), name
    date_variants = {
        "date32": parsed.cast(pa.date32()),
        "date64": parsed.cast(pa.date64()),
        "timestamp": parsed.cast(pa.timestamp("us")),
        "timestamp_utc": parsed.cast(pa.timestamp("ms", tz="UTC")),
        "large_string": dates.cast(pa.large_string()),
    }
    for name, column in date_variants.items():
        b = batch.set_column(2, "date", column)
        assert whosaid.extract_arrow(b, date_column="date").equals(base), name
    table = pa.Table.from_batches([batch.slice(0, 5), batch.slice(5)])
    assert whosaid.extract_arrow(table, date_column="date").equals(base)
    frame = batch.to_pandas()
    assert whosaid.extract_arrow(frame, date_column="date").equals(base)


def test_timestamps_give_the_date_in_their_time_zone():
    text = "“We will be back,” she said on Friday."
    instant = datetime.datetime(2020, 2, 15, 3, 0, tzinfo=datetime.timezone.utc)
    column = pa.array([instant], pa.timestamp("s", tz="America/New_York"))
    rows = whosaid.extract_arrow(pa.record_batch({"text": [text], "d": column}),
                                 id_column=None, date_column="d")
    assert rows.column("date").to_pylist() == [datetime.date(2020, 2, 14)]


def test_integer_ids_and_numbered_rows():
    text = "“Yes,” she said."
    rows = whosaid.extract_arrow(pa.record_batch({"id": [7, None], "text": [text, text]}))
    assert rows.column("doc_id").to_pylist() == ["7", ""]
    rows = whosaid.extract_arrow(pa.record_batch({"text": [None, text, text]}), id_column=None)
    assert rows.column("doc_id").to_pylist() == ["1", "2"]
    rows = whosaid.extract_arrow(pa.record_batch({"i": ["x"], "t": [text], "u": ["https://u"]}),
                                 text_column="t", id_column="i", url_column="u")
    assert rows.column("url").to_pylist() == ["https://u"]


def test_null_and_empty_texts_have_no_rows():
    text = "“Yes,” she said."
    batch = pa.record_batch({"id": ["a", "b", "c", "d"], "text": [None, "", text, None]})
    rows = whosaid.extract_arrow(batch)
    assert rows.column("doc_id").to_pylist() == ["c"]
    nulls = pa.record_batch({"id": ["a"], "text": pa.array([None], pa.null())})
    assert whosaid.extract_arrow(nulls).num_rows == 0


def test_an_empty_batch_gives_an_empty_batch():
    empty = pa.record_batch({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())})
    rows = whosaid.extract_arrow(empty)
    assert rows.num_rows == 0 and rows.schema == whosaid.quote_rows_schema()
    assert whosaid.extract_arrow(pa.table({"id": pa.array([], pa.string()),
                                           "text": pa.array([], pa.string())})).num_rows == 0


def test_bad_binary_and_bad_dates_warn():
    batch = pa.record_batch({
        "id": ["a", "b"],
        "text": pa.array([b"\xe9 \xe2\x80\x9cYes,\xe2\x80\x9d she said.", b"fine"], pa.binary()),
        "date": ["soon", "2020-02-15"],
    })
    with pytest.warns(UnicodeWarning, match="row 0 of column 'text'"):
        with pytest.warns(UserWarning, match="1 value"):
            rows = whosaid.extract_arrow(batch, date_column="date")
    assert rows.column("date").to_pylist() == [None]
    assert rows.column("doc_id").to_pylist() == ["a"] and "Yes," in rows.column("text")[0].as_py()


@pytest.mark.parametrize("call, error, message", [
    (lambda b: whosaid.extract_arrow({"text": ["x"]}), TypeError, "batch has type dict"),
    (lambda b: whosaid.extract_arrow(None), TypeError, "batch has type NoneType"),
    (lambda b: whosaid.extract_arrow(["x"]), TypeError, "batch has type list"),
    (lambda b: whosaid.extract_arrow(b, text_column="body"), ValueError,
     "text_column: the batch has no column 'body'"),
    (lambda b: whosaid.extract_arrow(b.drop_columns(["id"])), ValueError, "id_column=None"),
    (lambda b: whosaid.extract_arrow(b, date_column="when"), ValueError, "no column 'when'"),
    (lambda b: whosaid.extract_arrow(b, text_column="n"), TypeError,
     "column 'n' has type Int64; expected strings"),
    (lambda b: whosaid.extract_arrow(b, id_column="f"), TypeError, "column 'f' has type Float64"),
    (lambda b: whosaid.extract_arrow(b, date_column="f"), TypeError, "expected date32"),
    (lambda b: whosaid.extract_arrow(b, url_column="n"), TypeError, "url_column"),
    (lambda b: whosaid.extract_arrow(b, threads=0), ValueError, "threads must be"),
    (lambda b: whosaid.extract_arrow(b, text_column=None), TypeError, "text_column"),
])
def test_extract_arrow_bad_inputs(call, error, message):
    batch = pa.record_batch({"id": ["a"], "text": ["“Yes,” she said."], "n": [1], "f": [1.5]})
    with pytest.raises(error, match=message):
        call(batch)


def test_pandas_round_trip():
    batch, _ = news_batch(20)
    rows = whosaid.extract_arrow(batch, date_column="date")
    frame = rows.to_pandas()
    assert list(frame.columns) == list(whosaid.QUOTE_ROW_COLUMNS)
    assert len(frame) == rows.num_rows > 0
    assert str(frame["content_start"].dtype) == "int64"
    assert str(frame["confidence"].dtype) == "float64"
    assert isinstance(frame["date"].dropna().iloc[0], datetime.date)
    back = pa.RecordBatch.from_pandas(frame, schema=whosaid.quote_rows_schema(), preserve_index=False)
    assert back.equals(rows)
    assert frame.groupby("kind").size().sum() == rows.num_rows


# --- documentation ------------------------------------------------------------------------

@pytest.mark.parametrize("obj", [whosaid, whosaid.extract, whosaid.extract_many,
                                 whosaid.extract_arrow, whosaid.quote_rows_schema])
def test_docstring_examples_run(obj):
    assert obj.__doc__ and ">>>" in obj.__doc__
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(obj, getattr(obj, "__name__", "whosaid"), globs={}):
        runner.run(test)
    assert runner.failures == 0


def test_stub_declares_the_module_api():
    stub = Path(whosaid.__file__).with_name("__init__.pyi")
    tree = ast.parse(stub.read_text())
    declared = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    declared |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}
    assert set(whosaid.__all__) <= declared
    assert Path(whosaid.__file__).with_name("py.typed").exists()


def _import_in_a_child(cpu: str) -> subprocess.CompletedProcess:
    """Imports whosaid in a new interpreter with ``WHOSAID_CPU=cpu`` and extracts a quote."""
    env = {**os.environ, "WHOSAID_CPU": cpu}
    code = (
        "import whosaid; print(whosaid.KERNELS); "
        "print(len(whosaid.extract('“No,” she said.')['quotes']))"
    )
    return subprocess.run([sys.executable, "-P", "-c", code], env=env, capture_output=True, text=True)


def test_kernels_follow_the_whosaid_cpu_cap():
    assert whosaid.KERNELS in ("avx512", "avx2-vnni", "avx2", "portable")
    child = _import_in_a_child("portable")
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["portable", "1"]


def test_a_misspelt_cap_fails_the_import():
    child = _import_in_a_child("avx-512")
    assert child.returncode != 0
    assert "ValueError" in child.stderr and "WHOSAID_CPU" in child.stderr
