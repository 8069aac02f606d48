"""Quotations from news-please JSON Lines with Spark: one Parquet row per quotation.

    spark-submit quotes_job.py INPUT OUTPUT [--threads N]

INPUT is a JSON Lines file, a directory or a glob of them, one article per line with the
news-please fields ``maintext`` (the text), ``date_publish`` ("2020-02-15 10:32:00"),
``url``, ``title`` and optionally ``id``. OUTPUT is a directory of Parquet files with the
columns of ``whosaid.QUOTE_ROW_COLUMNS`` — the same rows ``whosaid extract`` gives for the
same texts and dates.

Each Spark task hands its Arrow batches to ``whosaid.extract_arrow`` through
``DataFrame.mapInArrow``: the text goes from the JVM to the Rust engine without being
turned into Python strings. Spark already runs one task per core, so each task uses one
engine thread unless ``--threads`` says otherwise. The job sets no master and no paths of
its own: ``--master local[2]`` runs it on one machine, a cluster's ``spark-submit`` runs it
there (see README.md for shipping the wheel).
"""

from __future__ import annotations

import argparse
import glob
import importlib
import os
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from types import ModuleType

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

# The news-please fields the job reads. A fixed schema (rather than inference) reads an id
# written as a number as its text, and works when no record has an id at all.
NEWS_PLEASE_SCHEMA = StructType([
    StructField("id", StringType()),
    StructField("url", StringType()),
    StructField("title", StringType()),
    StructField("date_publish", StringType()),
    StructField("maintext", StringType()),
])


def import_whosaid() -> ModuleType:
    """Imports whosaid: installed, or from a wheel shipped with ``spark-submit --py-files``.

    Spark puts each ``--py-files`` file on ``sys.path`` as it is, and Python imports only
    pure-Python modules from a zip archive (which a wheel is), never a native extension.
    So when a whosaid wheel is on ``sys.path``, it is unpacked once per machine into the
    temporary directory, and that directory goes first on ``sys.path``.
    """
    try:
        return importlib.import_module("whosaid")
    except ImportError:
        wheels = shipped_wheels()
        if not wheels:
            raise
    wheel = wheels[0]
    # Named by the wheel and its size, so that a rebuilt wheel is unpacked anew.
    name = f"{os.path.basename(wheel)[:-4]}-{os.path.getsize(wheel)}"
    target = os.path.join(tempfile.gettempdir(), "whosaid-wheels", name)
    if not os.path.isdir(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        unpacking = tempfile.mkdtemp(dir=os.path.dirname(target))
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(unpacking)
        try:
            os.rename(unpacking, target)  # atomic: another worker may have won the race
        except OSError:
            pass
    sys.path.insert(0, target)
    importlib.invalidate_caches()
    return importlib.import_module("whosaid")


def shipped_wheels() -> list[str]:
    """whosaid wheels given to ``--py-files``: on ``sys.path`` (the driver) or among the
    files Spark shipped to this executor (which adds only .zip, .egg and .jar to its path)."""
    from pyspark import SparkFiles

    places = [os.path.dirname(p) if p.endswith(".whl") else p for p in sys.path]
    try:
        places.append(SparkFiles.getRootDirectory())
    except Exception:  # no SparkContext or worker here
        pass
    found = []
    for place in dict.fromkeys(p for p in places if p and os.path.isdir(p)):
        found += sorted(glob.glob(os.path.join(place, "whosaid-*.whl")))
    return found


def articles(spark: SparkSession, path: str) -> DataFrame:
    """The articles in ``path`` as columns ``id``, ``url``, ``date``, ``text``.

    The id is the record's ``id``, else its ``url``, else a hash of its text (as the
    whosaid CLI also falls back to the URL). ``date`` stays the string news-please wrote:
    ``extract_arrow`` reads the calendar date from it as written, like the CLI does.
    """
    raw = spark.read.schema(NEWS_PLEASE_SCHEMA).json(path)
    return raw.select(
        F.coalesce(F.col("id"), F.col("url"), F.sha1(F.col("maintext"))).alias("id"),
        F.col("url"),
        F.col("date_publish").alias("date"),
        F.col("maintext").alias("text"),
    )


def quotations(df: DataFrame, threads: int = 1) -> DataFrame:
    """One row per quotation of the articles in ``df`` (columns id, url, date, text)."""

    def extract(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        whosaid = import_whosaid()  # on the executor
        for batch in batches:
            yield whosaid.extract_arrow(
                batch, text_column="text", id_column="id", date_column="date", threads=threads
            )

    return df.mapInArrow(extract, import_whosaid().SPARK_SCHEMA)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="news-please JSON Lines: a file, directory or glob")
    parser.add_argument("output", help="directory to write the Parquet quotation rows to")
    parser.add_argument("--threads", type=int, default=1,
                        help="engine threads per Spark task (default 1: Spark runs a task per core)")
    args = parser.parse_args(argv)

    spark = SparkSession.builder.appName("whosaid-quotes").getOrCreate()
    try:
        rows = quotations(articles(spark, args.input), threads=args.threads)
        rows.write.mode("overwrite").parquet(args.output)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
