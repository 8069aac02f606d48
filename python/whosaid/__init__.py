"""whosaid: who said what, in news articles.

Quotations (direct, indirect, mixed) with their speaker, cue and date, found by the Rust
engine of whosaid. Three functions:

- :func:`extract` — one article to one ``whosaid/1`` record (a dict, the same as the CLI's
  JSON output);
- :func:`extract_many` — many articles, in parallel on all cores, to a list of records;
- :func:`extract_arrow` — an Arrow record batch of articles to a ``pyarrow.RecordBatch``
  with one row per quotation (for pandas, Polars, DuckDB and Spark's ``mapInArrow``).

>>> import whosaid
>>> record = whosaid.extract("“We will appeal,” the lawyer said.")
>>> record["quotes"][0]["speaker"]["text"]
'the lawyer'
"""

from whosaid._native import (
    QUOTE_ROW_COLUMNS,
    SCHEMA,
    SPARK_SCHEMA,
    __version__,
    extract,
    extract_arrow,
    extract_many,
    quote_rows_schema,
)

__all__ = [
    "QUOTE_ROW_COLUMNS",
    "SCHEMA",
    "SPARK_SCHEMA",
    "__version__",
    "extract",
    "extract_arrow",
    "extract_many",
    "quote_rows_schema",
]
