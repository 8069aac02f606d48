"""Type stubs of the whosaid package (the functions are implemented in Rust)."""

import datetime
from collections.abc import Iterable
from typing import Literal, TypedDict

from typing_extensions import NotRequired

import pyarrow

__version__: str
SCHEMA: Literal["whosaid/1"]
"""The schema identifier written in every record."""
QUOTE_ROW_COLUMNS: tuple[str, ...]
"""The columns of :func:`extract_arrow`'s rows (and of the CLI's CSV/Parquet output)."""
SPARK_SCHEMA: str
"""The rows' schema as Spark DDL, for ``DataFrame.mapInArrow(fn, whosaid.SPARK_SCHEMA)``."""
KERNELS: Literal["avx512", "avx2-vnni", "avx2", "portable"]
"""The instruction set of the tagger's kernels in this process: the widest the CPU has, capped
by the environment variable ``WHOSAID_CPU`` when it is set before the import (a name no level
has raises ``ValueError``). Levels differ in rounding only; a common cap gives the same output
on every machine of a cluster."""

DateLike = datetime.date | str | None
"""A publication date: ``None``, a ``datetime.date``/``datetime``, or e.g. ``"2020-02-15"``."""
TextLike = str | bytes | bytearray
"""An article text; bytes are decoded as UTF-8 (invalid sequences become U+FFFD)."""

class SpanText(TypedDict):
    span: list[int]
    text: str

class Meta(TypedDict):
    headline: str | None
    source: str | None
    dateline: SpanText | None
    agency: NotRequired[str]
    published: str | None

class Entity(TypedDict):
    id: str
    name: str
    kind: Literal["person", "organization", "group", "unknown"]
    titles: list[str]
    mentions: list[SpanText]

# "class" is a keyword, hence the functional form.
Cue = TypedDict(
    "Cue",
    {
        "span": list[int],
        "text": str,
        "lemma": NotRequired[str],
        "class": NotRequired[Literal["speech", "thought", "intent", "evidence", "stance"]],
    },
)

class Speaker(TypedDict):
    span: list[int]
    text: str
    entity: str | None

class When(TypedDict):
    text: str
    span: list[int]
    date: str | None
    precision: Literal["day", "week", "month", "year"]

class Quote(TypedDict):
    id: str
    kind: Literal["direct", "indirect", "mixed"]
    text: str
    content: list[SpanText]
    cue: Cue | None
    speaker: Speaker | None
    when: When | None
    confidence: float

class Record(TypedDict):
    """A ``whosaid/1`` record, as ``whosaid extract --format json`` prints it."""

    schema: str
    id: str | None
    url: NotRequired[str]
    meta: Meta
    entities: list[Entity]
    quotes: list[Quote]

def extract(
    text: TextLike,
    date: DateLike = None,
    *,
    id: str | None = None,
    url: str | None = None,
    ensemble: bool = False,
) -> Record:
    """Extract the quotations of one news article as a ``whosaid/1`` record.

    >>> whosaid.extract("“We will appeal,” the lawyer said.")["quotes"][0]["kind"]
    'direct'
    """

def extract_many(
    texts: Iterable[TextLike],
    dates: DateLike | Iterable[DateLike] = None,
    threads: int | None = None,
    *,
    ids: Iterable[str | None] | None = None,
    ensemble: bool = False,
) -> list[Record]:
    """Extract the quotations of many articles in parallel (GIL released); input order kept."""

def extract_arrow(
    batch: object,
    text_column: str = "text",
    id_column: str | None = "id",
    date_column: str | None = None,
    *,
    url_column: str = "url",
    threads: int | None = None,
    ensemble: bool = False,
) -> pyarrow.RecordBatch:
    """Extract the quotations of a batch of articles into one row per quotation.

    ``batch`` is a ``pyarrow.RecordBatch``, ``pyarrow.Table``, pandas DataFrame, or any
    object with ``__arrow_c_array__`` or ``__arrow_c_stream__``.
    """

def quote_rows_schema() -> pyarrow.Schema:
    """The Arrow schema of the batches :func:`extract_arrow` returns."""
