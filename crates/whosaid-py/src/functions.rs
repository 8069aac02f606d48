//! The functions of the `whosaid` module. Their doc comments are the Python docstrings.

use std::borrow::Cow;

use jiff::civil::Date;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString};
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::{PyRecordBatch, PySchema};
use whosaid_core::schema::{QuoteRow, Record, quote_rows, to_record};
use whosaid_core::{Options, Tagger, extract as run_engine};

use crate::arrow_io::{Role, Strings, dates, find_column, readable};
use crate::convert::{Converter, GcPause};
use crate::dates::date_arg;
use crate::pool::{map_consume, map_parallel, runtime_error, thread_count};
use crate::text::{quoted, read_text, type_name, warn_lossy};

/// One article to run the engine on, borrowed from the caller's objects where possible.
struct Article<'a> {
    text: Cow<'a, str>,
    date: Option<Date>,
    id: Option<Cow<'a, str>>,
    url: Option<Cow<'a, str>>,
    /// Whether to tag with every shipped network (`Tagger::Ensemble`).
    ensemble: bool,
}

impl Article<'_> {
    /// Runs the engine and serialises the result as a `whosaid/1` record.
    fn record(&self) -> Record {
        let options = Options {
            published: self.date,
            tagger: if self.ensemble {
                Tagger::Ensemble
            } else {
                Tagger::Builtin
            },
        };
        let doc = run_engine(&self.text, &options);
        to_record(&doc, self.id.as_deref(), self.url.as_deref())
    }
}

/// Extract the quotations of one news article.
///
/// Returns the ``whosaid/1`` record as a dict: exactly what ``whosaid extract --format json``
/// prints for the same text (``schema``, ``id``, ``meta``, ``entities``, ``quotes``). Spans are
/// ``[start, end]`` offsets in code points, so ``text[start:end]`` is the quoted piece.
///
/// Args:
///     text: The article text. A ``str`` is used as it is. ``bytes`` are decoded as UTF-8
///         like the CLI decodes files: a byte-order mark is dropped and invalid sequences are
///         replaced with U+FFFD (with a ``UnicodeWarning``); offsets then refer to the
///         decoded text.
///     date: The publication date, which anchors relative dates ("on Saturday"): ``None``,
///         a ``datetime.date`` (or ``datetime``), or a string such as ``"2020-02-15"`` or
///         ``"2020-02-15 10:32:00"``.
///     id: The document id written in the record (``None`` by default).
///     url: The document URL written in the record, if known.
///     ensemble: Tag with both shipped networks, their scores averaged, like the CLI's
///         ``--ensemble``: +0.2 to +1.1 F1 on PolNeAR at about 0.55× the speed.
///
/// Raises:
///     TypeError: ``text`` is not ``str`` or ``bytes`` (``None`` included), or ``date`` has
///         another type.
///     ValueError: ``date`` is a string that is not a date.
///
/// Example:
///     >>> import whosaid
///     >>> record = whosaid.extract("“We will appeal,” the lawyer said.", date="2020-02-15")
///     >>> record["schema"], record["meta"]["published"]
///     ('whosaid/1', '2020-02-15')
///     >>> quote = record["quotes"][0]
///     >>> quote["kind"], quote["speaker"]["text"]
///     ('direct', 'the lawyer')
#[pyfunction]
#[pyo3(signature = (text, date=None, *, id=None, url=None, ensemble=false))]
pub fn extract<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    date: Option<&Bound<'py, PyAny>>,
    id: Option<&str>,
    url: Option<&str>,
    ensemble: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let read = read_text(text, &|| "text".to_string())?;
    let date = date.map_or(Ok(None), |d| date_arg(d, &|| "date".to_string()))?;
    warn_lossy(
        py,
        usize::from(read.lossy),
        read.lossy.then(|| "text".to_string()),
    )?;
    let article = Article {
        text: read.text,
        date,
        id: id.map(Cow::Borrowed),
        url: url.map(Cow::Borrowed),
        ensemble,
    };
    let record = py.detach(|| map_parallel(1, std::slice::from_ref(&article), Article::record));
    let record = record
        .map_err(runtime_error)?
        .pop()
        .ok_or_else(|| runtime_error("no record".into()))?;
    let _gc = GcPause::new(py);
    Converter::new(py).convert(&record)
}

/// Extract the quotations of many articles in parallel.
///
/// The Rust engine runs on ``threads`` threads with the GIL released, so other Python
/// threads keep running; the calling thread is one of them and builds the records while
/// the others extract. The result is a list of ``whosaid/1`` records (see :func:`extract`)
/// in the order of ``texts``.
///
/// Args:
///     texts: An iterable of texts (``str`` or UTF-8 ``bytes``), e.g. a list or a pandas
///         Series.
///     dates: ``None``; one date for every text (a ``datetime.date`` or a string); or an
///         iterable of dates (each ``None``, a ``datetime.date`` or a string) as long as
///         ``texts``.
///     threads: How many threads to use: ``None`` for one per core, ``1`` to run on the
///         calling thread.
///     ids: ``None``, or an iterable of ids (``str`` or ``None``) as long as ``texts``.
///     ensemble: Tag with both shipped networks, their scores averaged, like the CLI's
///         ``--ensemble``: +0.2 to +1.1 F1 on PolNeAR at about 0.55× the speed.
///
/// Raises:
///     TypeError: ``texts`` is a single string or not iterable, or an item has the wrong
///         type (the message names its index).
///     ValueError: ``dates`` or ``ids`` has another length than ``texts``, a date string is
///         not a date, or ``threads`` is below 1.
///
/// Example:
///     >>> import whosaid
///     >>> texts = ["“Yes,” she said.", "Officials said that the bridge would reopen."]
///     >>> records = whosaid.extract_many(texts, dates="2020-02-15", threads=2, ids=["a", "b"])
///     >>> [r["id"] for r in records], [len(r["quotes"]) for r in records]
///     (['a', 'b'], [1, 1])
#[pyfunction]
#[pyo3(signature = (texts, dates=None, threads=None, *, ids=None, ensemble=false))]
pub fn extract_many<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    dates: Option<&Bound<'py, PyAny>>,
    threads: Option<i64>,
    ids: Option<&Bound<'py, PyAny>>,
    ensemble: bool,
) -> PyResult<Bound<'py, PyList>> {
    let threads = thread_count(threads)?;
    if texts.is_instance_of::<PyString>()
        || texts.is_instance_of::<PyBytes>()
        || texts.is_instance_of::<PyByteArray>()
    {
        return Err(PyTypeError::new_err(
            "texts must be an iterable of texts, not a single text; use whosaid.extract() for one",
        ));
    }
    let items = collect("texts", texts)?;
    let n = items.len();
    let dates = per_text_dates(dates, n)?;
    let ids = per_text_ids(ids, n)?;
    let mut articles = Vec::with_capacity(n);
    let mut lossy = (0, None);
    for (k, (item, (date, id))) in items.iter().zip(dates.into_iter().zip(ids)).enumerate() {
        let read = read_text(item, &|| format!("texts[{k}]"))?;
        if read.lossy {
            lossy.0 += 1;
            lossy.1.get_or_insert_with(|| format!("texts[{k}]"));
        }
        articles.push(Article {
            text: read.text,
            date,
            id: id.map(Cow::Owned),
            url: None,
            ensemble,
        });
    }
    warn_lossy(py, lossy.0, lossy.1)?;
    let mut converter = Converter::new(py);
    let mut records = Vec::with_capacity(n);
    // One pause for the whole call: pausing per stretch of ready records let a collection
    // run over the young objects at each resume (a tenth of the time on two threads).
    let _gc = GcPause::new(py);
    map_consume(py, threads, &articles, Article::record, |ready| {
        for record in &ready {
            records.push(converter.convert(record)?);
        }
        Ok(())
    })?;
    drop(articles);
    PyList::new(py, records)
}

/// The items of an iterable argument.
fn collect<'py>(what: &str, obj: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} has type {}; expected an iterable",
            type_name(obj)
        ))
    })?;
    iter.collect()
}

/// The `dates` argument of `extract_many`, one per text.
fn per_text_dates(dates: Option<&Bound<'_, PyAny>>, n: usize) -> PyResult<Vec<Option<Date>>> {
    let Some(dates) = dates else {
        return Ok(vec![None; n]);
    };
    let single = dates.is_none() || dates.is_instance_of::<PyString>() || dates.try_iter().is_err();
    if single {
        let date = date_arg(dates, &|| "dates".to_string())?;
        return Ok(vec![date; n]);
    }
    let items = collect("dates", dates)?;
    same_length("dates", items.len(), n)?;
    items
        .iter()
        .enumerate()
        .map(|(k, d)| date_arg(d, &|| format!("dates[{k}]")))
        .collect()
}

/// The `ids` argument of `extract_many`, one per text.
fn per_text_ids(ids: Option<&Bound<'_, PyAny>>, n: usize) -> PyResult<Vec<Option<String>>> {
    let Some(ids) = ids else {
        return Ok(vec![None; n]);
    };
    if ids.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "ids must be an iterable of ids, not a single string",
        ));
    }
    let items = collect("ids", ids)?;
    same_length("ids", items.len(), n)?;
    items
        .iter()
        .enumerate()
        .map(|(k, id)| {
            if id.is_none() {
                return Ok(None);
            }
            id.cast::<PyString>()
                .map(|s| Some(s.to_string_lossy().into_owned()))
                .map_err(|_| {
                    PyTypeError::new_err(format!(
                        "ids[{k}] has type {}; expected str or None",
                        type_name(id)
                    ))
                })
        })
        .collect()
}

fn same_length(what: &str, len: usize, n: usize) -> PyResult<()> {
    if len == n {
        return Ok(());
    }
    Err(PyValueError::new_err(format!(
        "{what} has {len} items but texts has {n}; give one per text"
    )))
}

/// Extract the quotations of a batch of articles into a batch of quotation rows.
///
/// Reads an Arrow record batch (``pyarrow.RecordBatch``, ``pyarrow.Table``, a pandas
/// DataFrame, or anything with ``__arrow_c_array__`` / ``__arrow_c_stream__``) through the
/// Arrow C data interface without copying the text, runs the engine on its rows in
/// parallel with the GIL released, and returns a ``pyarrow.RecordBatch`` with one row per
/// quotation, in row order, with the columns of the CLI's CSV and Parquet output (see
/// :data:`QUOTE_ROW_COLUMNS` and :func:`quote_rows_schema`). This is the function to call
/// from Spark's ``DataFrame.mapInArrow`` (with :data:`SPARK_SCHEMA` as its schema).
///
/// Args:
///     batch: The articles.
///     text_column: The column of article texts: strings, or binary decoded as UTF-8. Rows
///         whose text is null have no quotations.
///     id_column: The column of document ids (strings or integers), copied to ``doc_id``; a
///         null id gives an empty ``doc_id``. ``None`` numbers the rows instead ("0", "1", …).
///     date_column: The column of publication dates, if any: ``date32``, ``date64``,
///         ``timestamp`` (its calendar date in the column's time zone), or strings such as
///         ``"2020-02-15 10:32:00"``. Nulls, and strings that are not dates (with a
///         ``UserWarning`` counting them), mean no date.
///     url_column: The column of URLs, copied to ``url`` when the batch has it.
///     threads: How many threads to use: ``None`` for one per core, ``1`` to run on the
///         calling thread (best inside Spark, which already runs one task per core).
///     ensemble: Tag with both shipped networks, their scores averaged, like the CLI's
///         ``--ensemble``: +0.2 to +1.1 F1 on PolNeAR at about 0.55× the speed.
///
/// Raises:
///     TypeError: ``batch`` is not an Arrow object, or a column has the wrong type.
///     ValueError: a named column is missing (``url_column`` excepted).
///
/// Example:
///     >>> import pyarrow as pa, whosaid
///     >>> batch = pa.record_batch({"id": ["a", "b"],
///     ...                          "text": ["“Yes,” she said.", None]})
///     >>> rows = whosaid.extract_arrow(batch)
///     >>> rows.num_rows, rows.column("doc_id").to_pylist(), rows.column("kind").to_pylist()
///     (1, ['a'], ['direct'])
#[pyfunction]
#[pyo3(
    signature = (batch, text_column="text", id_column=Some("id"), date_column=None, *, url_column="url", threads=None, ensemble=false),
    text_signature = "(batch, text_column='text', id_column='id', date_column=None, *, url_column='url', threads=None, ensemble=False)"
)]
// One Rust parameter per Python keyword argument, as PyO3 maps them.
#[allow(clippy::too_many_arguments)]
pub fn extract_arrow<'py>(
    py: Python<'py>,
    batch: &Bound<'py, PyAny>,
    text_column: &str,
    id_column: Option<&str>,
    date_column: Option<&str>,
    url_column: &str,
    threads: Option<i64>,
    ensemble: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let threads = thread_count(threads)?;
    let (batches, schema) = read_batches(py, batch)?;
    let text_at = find_column(&schema, text_column, Role::Text)?;
    let id_at = id_column
        .map(|name| find_column(&schema, name, Role::Id))
        .transpose()?;
    let date_at = date_column
        .map(|name| find_column(&schema, name, Role::Date))
        .transpose()?;
    let url_at = schema
        .index_of(url_column)
        .ok()
        .map(|_| find_column(&schema, url_column, Role::Url))
        .transpose()?;

    // Columns in readable form, per batch; the articles below borrow from them.
    struct Columns {
        text: arrow_array::ArrayRef,
        id: Option<arrow_array::ArrayRef>,
        url: Option<arrow_array::ArrayRef>,
        dates: Vec<Option<Date>>,
    }
    let mut columns = Vec::with_capacity(batches.len());
    let mut not_dates = 0;
    for b in &batches {
        let (dates, bad) = match date_at {
            Some(at) => dates(&readable(b, at)?)?,
            None => (vec![None; b.num_rows()], 0),
        };
        not_dates += bad;
        columns.push(Columns {
            text: readable(b, text_at)?,
            id: id_at.map(|at| readable(b, at)).transpose()?,
            url: url_at.map(|at| readable(b, at)).transpose()?,
            dates,
        });
    }
    let mut articles = Vec::new();
    let mut lossy = (0, None);
    let mut row = 0usize;
    for c in &columns {
        let (texts, ids, urls) = (
            Strings::new(&c.text),
            c.id.as_ref().map(Strings::new),
            c.url.as_ref().map(Strings::new),
        );
        for i in 0..c.text.len() {
            let at = row + i;
            let Some((text, bad)) = texts.get(i) else {
                continue;
            };
            if bad {
                lossy.0 += 1;
                lossy
                    .1
                    .get_or_insert_with(|| format!("row {at} of column {}", quoted(text_column)));
            }
            let id = match &ids {
                Some(ids) => ids.get(i).map(|(s, _)| s),
                None => Some(Cow::Owned(at.to_string())),
            };
            let url = urls.as_ref().and_then(|u| u.get(i)).map(|(s, _)| s);
            articles.push(Article {
                text,
                date: c.dates[i],
                id,
                url,
                ensemble,
            });
        }
        row += c.text.len();
    }
    warn_lossy(py, lossy.0, lossy.1)?;
    if not_dates > 0 {
        let message = format!(
            "whosaid: {not_dates} value(s) of column {} are not dates and were ignored",
            quoted(date_column.unwrap_or_default())
        );
        let message = std::ffi::CString::new(message).unwrap_or_default();
        PyErr::warn(
            py,
            &py.get_type::<pyo3::exceptions::PyUserWarning>(),
            &message,
            1,
        )?;
    }
    let out = py.detach(|| {
        let rows = map_parallel(threads, &articles, |a| quote_rows(&a.record()))?;
        let rows: Vec<QuoteRow> = rows.into_iter().flatten().collect();
        whosaid_core::arrow::quote_rows_to_batch(&rows)
            .map_err(|e| format!("building the quotation batch: {e}"))
    });
    PyRecordBatch::new(out.map_err(runtime_error)?).into_pyarrow(py)
}

/// The record batches of an Arrow argument, and their schema.
fn read_batches(
    py: Python<'_>,
    batch: &Bound<'_, PyAny>,
) -> PyResult<(Vec<arrow_array::RecordBatch>, arrow_schema::SchemaRef)> {
    let arrow = batch.hasattr(pyo3::intern!(py, "__arrow_c_array__"))?
        || batch.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))?;
    if !arrow {
        return Err(PyTypeError::new_err(format!(
            "batch has type {}; expected a pyarrow.RecordBatch or Table (any object with \
             __arrow_c_array__ or __arrow_c_stream__)",
            type_name(batch)
        )));
    }
    match batch.extract::<AnyRecordBatch>()? {
        AnyRecordBatch::RecordBatch(b) => {
            let b = b.into_inner();
            let schema = b.schema();
            Ok((vec![b], schema))
        }
        AnyRecordBatch::Stream(stream) => {
            let reader = stream.into_reader()?;
            let schema = reader.schema();
            let batches = reader
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| PyValueError::new_err(format!("reading the batch: {e}")))?;
            Ok((batches, schema))
        }
    }
}

/// The Arrow schema of the batches :func:`extract_arrow` returns, as a ``pyarrow.Schema``.
///
/// Text columns are ``string`` (nullable where a quotation may lack the field), ``date``
/// and ``when_date`` are ``date32``, span offsets are ``int64`` (Spark has no unsigned
/// integers) and ``confidence`` is ``float64``. ``content_spans`` is the JSON text of all
/// content pieces' ``[start, end]`` pairs.
///
/// Example:
///     >>> import whosaid
///     >>> schema = whosaid.quote_rows_schema()
///     >>> schema.names == list(whosaid.QUOTE_ROW_COLUMNS), str(schema.field("date").type)
///     (True, 'date32[day]')
#[pyfunction]
pub fn quote_rows_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    PySchema::new(whosaid_core::arrow::quote_rows_schema()).into_pyarrow(py)
}
