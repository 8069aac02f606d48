"""The Spark example job, run with spark-submit in local[2] mode, against the CLI.

Generates a few hundred fictional news-please records, runs ``examples/spark/quotes_job.py``
on them exactly as a user would (``spark-submit --master local[2] …``), and checks that the
Parquet rows it writes are the rows the CLI gives for the same texts and dates: same count,
same documents, every field equal.

Needs pyspark (4.x) and Java 17. Without them the test is skipped, unless
``WHOSAID_REQUIRE_SPARK=1`` (set by ``scripts/python-tests.sh``), which makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cliref import compare_rows, flatten, run_cli
from newsgen import records, write_jsonl

pytestmark = pytest.mark.spark

DOCUMENTS = 300
INPUT_FILES = 4  # several files: local[2] then runs several tasks, two at a time


def spark_submit() -> Path:
    def missing(why: str):
        if os.environ.get("WHOSAID_REQUIRE_SPARK") == "1":
            pytest.fail(why)
        pytest.skip(why)

    try:
        import pyspark
    except ImportError:
        missing("pyspark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing("Java is not installed")
    script = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    if not script.exists():
        missing(f"no spark-submit at {script}")
    return script


def test_spark_job_rows_equal_the_cli(repo, cli, tmp_path):
    submit = spark_submit()
    recs = records(DOCUMENTS, seed=2020)
    news = tmp_path / "news"
    news.mkdir()
    for k in range(INPUT_FILES):
        write_jsonl(news / f"part-{k}.jsonl", recs[k::INPUT_FILES])
    out = tmp_path / "quotes.parquet"

    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable,
               SPARK_LOCAL_IP="127.0.0.1")
    cmd = [
        str(submit), "--master", "local[2]",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.sql.shuffle.partitions=2",
        str(repo / "examples" / "spark" / "quotes_job.py"), str(news), str(out),
    ]
    # Not from python/: Spark's workers start with `python -m`, which puts the working
    # directory on sys.path, and python/whosaid is the source package, not the wheel.
    job = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert job.returncode == 0, f"spark-submit failed:\n{job.stderr[-6000:]}"
    got = pq.read_table(out).to_pylist()

    # The same documents through the CLI: the text as it is, the date as written.
    articles = [r for r in recs if r["maintext"] is not None]
    doc_id = {f"r{k}": r.get("id") or r["url"] for k, r in enumerate(articles)}
    docs = {f"r{k}": (r["maintext"], r["date_publish"][:10] if r["date_publish"] else None)
            for k, r in enumerate(articles)}
    by_stem = run_cli(cli, docs, tmp_path / "cli")
    assert len(by_stem) == len(articles)
    expected = []
    for k, r in enumerate(articles):
        expected += flatten(by_stem[f"r{k}"], doc_id=doc_id[f"r{k}"], url=r["url"])

    assert len(got) == len(expected) > DOCUMENTS
    assert {r["doc_id"] for r in got} == {r["doc_id"] for r in expected}
    assert compare_rows(got, expected) == []
