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

try:
    from whosaid._native import (
        KERNELS,
        QUOTE_ROW_COLUMNS,
        SCHEMA,
        SPARK_SCHEMA,
        __version__,
        extract,
        extract_arrow,
        extract_many,
        quote_rows_schema,
    )
except ModuleNotFoundError as e:  # pragma: no cover - a source checkout, not an install
    if e.name != "whosaid._native":
        raise
    raise ImportError(
        f"whosaid's native module is missing from {__path__[0]}: this is the source tree, not "
        "an installed wheel. Build and install it with scripts/build-wheel.sh --install, and "
        "run Python from another directory (or with -P) so that the installed package is found."
    ) from e

__all__ = [
    "KERNELS",
    "QUOTE_ROW_COLUMNS",
    "SCHEMA",
    "SPARK_SCHEMA",
    "__version__",
    "extract",
    "extract_arrow",
    "extract_many",
    "quote_rows_schema",
]
