//! Quotation rows as Apache Arrow record batches (feature `arrow`).
//!
//! [`quote_rows_to_batch`] turns the flat rows of [`quote_rows`](crate::schema::quote_rows)
//! into one [`RecordBatch`] with the columns of [`QUOTE_ROW_COLUMNS`], in that order. It is
//! the single definition of the columnar output: the Python package returns it to pandas,
//! Polars and Spark (`mapInArrow`), and the CLI's Parquet writer writes it.
//!
//! ```
//! use whosaid_core::{Options, extract, schema};
//! use whosaid_core::arrow::{quote_rows_schema, quote_rows_to_batch};
//!
//! let doc = extract("“We will appeal,” the lawyer said.", &Options::default());
//! let record = schema::to_record(&doc, Some("court-ruling"), None);
//! let batch = quote_rows_to_batch(&schema::quote_rows(&record)).unwrap();
//! assert_eq!(batch.num_rows(), 1);
//! assert_eq!(batch.schema(), quote_rows_schema());
//! ```
//!
//! # Column types
//!
//! Types are chosen for what pandas, Spark and DuckDB users do next, not to mirror the Rust
//! field types:
//!
//! | columns | Arrow type | why |
//! | --- | --- | --- |
//! | text columns | `Utf8`, nullable where the row field is an `Option` | |
//! | `date`, `when_date` | `Date32`, nullable | a real date: Spark `DATE`, DuckDB `DATE`, `datetime.date` in pandas; filters and joins on dates need no parsing |
//! | offsets (`content_start` … `cue_end`) | `Int64` | Spark has no unsigned types (a `UInt64` column fails in `mapInArrow` and reads back from Parquet as `DECIMAL(20,0)`), and pandas turns mixed `uint64`/`int64` arithmetic into floats; code-point offsets never approach `i64::MAX` |
//! | `confidence` | `Float64` | |
//!
//! `content_spans` stays the JSON text `[[start, end], …]` of the CSV output, so that every
//! columnar consumer sees the same values as a CSV reader. A `date` or `when_date` that is
//! not a `YYYY-MM-DD` date (the engine never writes one) becomes null.

use std::sync::{Arc, OnceLock};

use arrow_array::{ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use crate::schema::{QUOTE_ROW_COLUMNS, QuoteRow};

/// The Arrow schema of quotation rows: the columns of [`QUOTE_ROW_COLUMNS`], in order, with
/// the types listed in the [module documentation](self).
pub fn quote_rows_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let fields: Vec<Field> = QUOTE_ROW_COLUMNS
                .iter()
                .map(|&name| {
                    let (data_type, nullable) = column_type(name);
                    Field::new(name, data_type, nullable)
                })
                .collect();
            Arc::new(Schema::new(fields))
        })
        .clone()
}

/// The Arrow type of a column of [`QUOTE_ROW_COLUMNS`] and whether it may hold nulls.
fn column_type(name: &str) -> (DataType, bool) {
    match name {
        "doc_id" | "quote_id" | "kind" | "text" | "content_spans" => (DataType::Utf8, false),
        "date" | "when_date" => (DataType::Date32, true),
        "content_start" | "content_end" => (DataType::Int64, false),
        "speaker_start" | "speaker_end" | "cue_start" | "cue_end" => (DataType::Int64, true),
        "confidence" => (DataType::Float64, false),
        _ => (DataType::Utf8, true),
    }
}

/// Converts quotation rows to one record batch with [`quote_rows_schema`].
///
/// An empty slice gives a batch with the schema and no rows.
///
/// # Errors
///
/// An [`ArrowError`] if an offset does not fit an `Int64` (no text is that long) or the
/// columns fail Arrow's own validation; neither happens for rows made by
/// [`quote_rows`](crate::schema::quote_rows).
pub fn quote_rows_to_batch(rows: &[QuoteRow]) -> Result<RecordBatch, ArrowError> {
    let columns = QUOTE_ROW_COLUMNS
        .iter()
        .map(|&name| column(rows, name))
        .collect::<Result<Vec<ArrayRef>, ArrowError>>()?;
    RecordBatch::try_new(quote_rows_schema(), columns)
}

/// One column of `rows`, by name.
fn column(rows: &[QuoteRow], name: &str) -> Result<ArrayRef, ArrowError> {
    let text = |f: fn(&QuoteRow) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    let optional_text = |f: fn(&QuoteRow) -> Option<&str>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<StringArray>())
    };
    let date = |f: fn(&QuoteRow) -> Option<&str>| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|r| f(r).and_then(days_since_epoch))
                .collect::<Date32Array>(),
        )
    };
    let offset = |f: fn(&QuoteRow) -> Option<u64>| -> Result<ArrayRef, ArrowError> {
        let values = rows
            .iter()
            .map(|r| f(r).map(|v| to_i64(v, name)).transpose())
            .collect::<Result<Int64Array, ArrowError>>()?;
        Ok(Arc::new(values))
    };
    Ok(match name {
        "doc_id" => text(|r| &r.doc_id),
        "url" => optional_text(|r| r.url.as_deref()),
        "date" => date(|r| r.date.as_deref()),
        "quote_id" => text(|r| &r.quote_id),
        "kind" => text(|r| &r.kind),
        "speaker_name" => optional_text(|r| r.speaker_name.as_deref()),
        "speaker_text" => optional_text(|r| r.speaker_text.as_deref()),
        "speaker_entity" => optional_text(|r| r.speaker_entity.as_deref()),
        "speaker_kind" => optional_text(|r| r.speaker_kind.as_deref()),
        "titles" => optional_text(|r| r.titles.as_deref()),
        "cue" => optional_text(|r| r.cue.as_deref()),
        "cue_lemma" => optional_text(|r| r.cue_lemma.as_deref()),
        "cue_class" => optional_text(|r| r.cue_class.as_deref()),
        "text" => text(|r| &r.text),
        "content_start" => offset(|r| Some(r.content_start))?,
        "content_end" => offset(|r| Some(r.content_end))?,
        "content_spans" => text(|r| &r.content_spans),
        "speaker_start" => offset(|r| r.speaker_start)?,
        "speaker_end" => offset(|r| r.speaker_end)?,
        "cue_start" => offset(|r| r.cue_start)?,
        "cue_end" => offset(|r| r.cue_end)?,
        "when_text" => optional_text(|r| r.when_text.as_deref()),
        "when_date" => date(|r| r.when_date.as_deref()),
        "confidence" => Arc::new(rows.iter().map(|r| r.confidence).collect::<Float64Array>()),
        other => {
            return Err(ArrowError::SchemaError(format!(
                "no quotation row column {other:?}"
            )));
        }
    })
}

/// An offset as `Int64`, or an error naming the column.
fn to_i64(value: u64, column: &str) -> Result<i64, ArrowError> {
    i64::try_from(value).map_err(|_| {
        ArrowError::ComputeError(format!("{column}: offset {value} does not fit in Int64"))
    })
}

/// Days from 1970-01-01 to a `YYYY-MM-DD` date (the `Date32` value), or `None`.
fn days_since_epoch(date: &str) -> Option<i32> {
    let date: jiff::civil::Date = date.parse().ok()?;
    let span = jiff::civil::date(1970, 1, 1).until(date).ok()?;
    Some(span.get_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Float64Type, Int64Type};

    fn row() -> QuoteRow {
        QuoteRow {
            doc_id: "d1".into(),
            url: None,
            date: Some("2020-02-15".into()),
            quote_id: "Q1".into(),
            kind: "direct".into(),
            speaker_name: Some("Jane Doe".into()),
            speaker_text: Some("Jane Doe".into()),
            speaker_entity: Some("E1".into()),
            speaker_kind: Some("person".into()),
            titles: None,
            cue: Some("said".into()),
            cue_lemma: Some("say".into()),
            cue_class: Some("speech".into()),
            text: "We will appeal.".into(),
            content_start: 0,
            content_end: 17,
            content_spans: "[[0,17]]".into(),
            speaker_start: Some(18),
            speaker_end: Some(26),
            cue_start: Some(27),
            cue_end: Some(31),
            when_text: None,
            when_date: Some("not a date".into()),
            confidence: 0.93,
        }
    }

    #[test]
    fn schema_follows_the_row_columns() {
        let schema = quote_rows_schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, QUOTE_ROW_COLUMNS);
        assert_eq!(
            schema.field_with_name("date").unwrap().data_type(),
            &DataType::Date32
        );
        assert_eq!(
            schema.field_with_name("cue_end").unwrap().data_type(),
            &DataType::Int64
        );
        assert!(!schema.field_with_name("doc_id").unwrap().is_nullable());
        assert!(schema.field_with_name("url").unwrap().is_nullable());
    }

    #[test]
    fn rows_become_typed_columns() {
        let mut second = row();
        second.quote_id = "Q2".into();
        second.speaker_start = None;
        second.date = None;
        let batch = quote_rows_to_batch(&[row(), second]).unwrap();
        assert_eq!(batch.num_rows(), 2);
        let date = batch
            .column_by_name("date")
            .unwrap()
            .as_primitive::<Date32Type>();
        assert_eq!(date.value(0), 18307); // 2020-02-15
        assert!(date.is_null(1));
        let when = batch.column_by_name("when_date").unwrap();
        assert_eq!(when.null_count(), 2);
        let start = batch
            .column_by_name("speaker_start")
            .unwrap()
            .as_primitive::<Int64Type>();
        assert_eq!((start.value(0), start.is_null(1)), (18, true));
        let conf = batch
            .column_by_name("confidence")
            .unwrap()
            .as_primitive::<Float64Type>();
        assert_eq!(conf.value(1), 0.93);
        let url = batch.column_by_name("url").unwrap().as_string::<i32>();
        assert!(url.is_null(0));
        let text = batch.column_by_name("quote_id").unwrap().as_string::<i32>();
        assert_eq!(text.value(1), "Q2");
    }

    #[test]
    fn no_rows_give_an_empty_batch() {
        let batch = quote_rows_to_batch(&[]).unwrap();
        assert_eq!(
            (batch.num_rows(), batch.num_columns()),
            (0, QUOTE_ROW_COLUMNS.len())
        );
    }

    #[test]
    fn dates_before_and_after_the_epoch() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("1969-12-31"), Some(-1));
        assert_eq!(days_since_epoch("2000-03-01"), Some(11017));
        assert_eq!(days_since_epoch("2020-02-30"), None);
        assert_eq!(days_since_epoch(""), None);
    }
}
