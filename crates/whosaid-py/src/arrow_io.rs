//! Articles from an Arrow record batch: the columns `extract_arrow` reads, checked once and
//! then read row by row without copying.
//!
//! Text columns may be any Arrow string type (`utf8`, `large_utf8`, `string_view`, or a
//! dictionary of strings) or binary (decoded like the CLI decodes files). Id columns may also
//! be integers. Date columns may be `date32`, `date64`, `timestamp` (the calendar date in
//! the column's time zone, as Spark's `to_date` gives it) or strings read by
//! [`parse_date`](crate::dates::parse_date). Nulls are allowed everywhere: a row with a null
//! text has no quotations.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::temporal_conversions::{as_datetime, as_datetime_with_timezone};
use arrow_array::timezone::Tz;
use arrow_array::types::{
    ArrowTimestampType, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, LargeBinaryArray, LargeStringArray, RecordBatch,
    StringArray, StringViewArray,
};
use arrow_schema::{DataType, Schema, TimeUnit};
use chrono::Datelike;
use jiff::civil::Date;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::dates::{from_days, parse_date};
use crate::text::{decode_bytes, quoted};

/// What a column holds, for checking its type and for messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Article texts: strings or binary.
    Text,
    /// Document ids: strings or integers.
    Id,
    /// URLs: strings.
    Url,
    /// Publication dates: dates, timestamps or date strings.
    Date,
}

impl Role {
    /// The argument naming the column, for messages.
    fn argument(self) -> &'static str {
        match self {
            Role::Text => "text_column",
            Role::Id => "id_column",
            Role::Url => "url_column",
            Role::Date => "date_column",
        }
    }

    /// The types a column may have, for messages.
    fn expected(self) -> &'static str {
        match self {
            Role::Text => "strings (utf8, large_utf8, string_view) or binary",
            Role::Id => "strings or integers",
            Role::Url => "strings",
            Role::Date => "date32, date64, timestamp, or strings like '2020-02-15'",
        }
    }

    /// Whether a column of type `t` can serve in this role.
    fn accepts(self, t: &DataType) -> bool {
        let string = is_string(t) || matches!(t, DataType::Null);
        match self {
            Role::Text => string || is_binary(t),
            Role::Id => string || t.is_integer(),
            Role::Url => string,
            Role::Date => {
                string
                    || matches!(
                        t,
                        DataType::Date32 | DataType::Date64 | DataType::Timestamp(..)
                    )
            }
        }
    }
}

fn is_string(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_string(values),
        _ => false,
    }
}

fn is_binary(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView
    )
}

/// Finds column `name` in `schema` and checks that its type suits `role`; returns its index.
///
/// # Errors
///
/// `ValueError` naming the missing column and the columns there are; `TypeError` naming the
/// column, its type and the types expected.
pub fn find_column(schema: &Schema, name: &str, role: Role) -> PyResult<usize> {
    let Ok(index) = schema.index_of(name) else {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let hint = if role == Role::Id {
            "; pass id_column=None to number the rows instead"
        } else {
            ""
        };
        return Err(PyValueError::new_err(format!(
            "{}: the batch has no column {} (its columns: {}){hint}",
            role.argument(),
            quoted(name),
            names.join(", ")
        )));
    };
    let t = schema.field(index).data_type();
    if !role.accepts(t) {
        return Err(PyTypeError::new_err(format!(
            "{}: column {} has type {t}; expected {}",
            role.argument(),
            quoted(name),
            role.expected()
        )));
    }
    Ok(index)
}

/// A column in a form rows can be borrowed from: dictionaries and integers are cast to
/// `utf8` first, anything else is kept as it is.
///
/// # Errors
///
/// `ValueError` if Arrow cannot cast the column.
pub fn readable(batch: &RecordBatch, index: usize) -> PyResult<ArrayRef> {
    let column = batch.column(index);
    match column.data_type() {
        DataType::Dictionary(..) => arrow_cast::cast(column, &DataType::Utf8),
        t if t.is_integer() => arrow_cast::cast(column, &DataType::Utf8),
        _ => Ok(column.clone()),
    }
    .map_err(|e| {
        PyValueError::new_err(format!(
            "column {}: {e}",
            quoted(batch.schema().field(index).name())
        ))
    })
}

/// Row access to a string or binary column made [`readable`].
pub enum Strings<'a> {
    /// `utf8`.
    Utf8(&'a StringArray),
    /// `large_utf8`.
    Large(&'a LargeStringArray),
    /// `string_view`.
    View(&'a StringViewArray),
    /// `binary`.
    Binary(&'a BinaryArray),
    /// `large_binary`.
    LargeBinary(&'a LargeBinaryArray),
    /// `binary_view`.
    BinaryView(&'a BinaryViewArray),
    /// A column of nulls only.
    Null,
}

impl<'a> Strings<'a> {
    /// Row access to `array`, which must be a string, binary or null column.
    pub fn new(array: &'a ArrayRef) -> Strings<'a> {
        match array.data_type() {
            DataType::Utf8 => Strings::Utf8(array.as_string()),
            DataType::LargeUtf8 => Strings::Large(array.as_string()),
            DataType::Utf8View => Strings::View(array.as_string_view()),
            DataType::Binary => Strings::Binary(array.as_binary()),
            DataType::LargeBinary => Strings::LargeBinary(array.as_binary()),
            DataType::BinaryView => Strings::BinaryView(array.as_binary_view()),
            _ => Strings::Null,
        }
    }

    /// The value of row `i`: `None` for a null, else the text and whether decoding replaced
    /// invalid UTF-8.
    pub fn get(&self, i: usize) -> Option<(Cow<'a, str>, bool)> {
        fn text<'a, A: Array>(
            a: &A,
            i: usize,
            value: impl FnOnce() -> &'a str,
        ) -> Option<(Cow<'a, str>, bool)> {
            (!a.is_null(i)).then(|| (Cow::Borrowed(value()), false))
        }
        fn bytes<'a, A: Array>(
            a: &A,
            i: usize,
            value: impl FnOnce() -> &'a [u8],
        ) -> Option<(Cow<'a, str>, bool)> {
            (!a.is_null(i)).then(|| {
                let decoded = decode_bytes(value());
                (decoded.text, decoded.lossy)
            })
        }
        match self {
            Strings::Utf8(a) => text(*a, i, || a.value(i)),
            Strings::Large(a) => text(*a, i, || a.value(i)),
            Strings::View(a) => text(*a, i, || a.value(i)),
            Strings::Binary(a) => bytes(*a, i, || a.value(i)),
            Strings::LargeBinary(a) => bytes(*a, i, || a.value(i)),
            Strings::BinaryView(a) => bytes(*a, i, || a.value(i)),
            Strings::Null => None,
        }
    }
}

/// The publication date of every row of a date column (see the module docs for the types);
/// strings that are not dates count in the second value and give `None`.
///
/// # Errors
///
/// `ValueError` for a timestamp column whose time zone is unknown.
pub fn dates(array: &ArrayRef) -> PyResult<(Vec<Option<Date>>, usize)> {
    let rows = 0..array.len();
    let dates: Vec<Option<Date>> = match array.data_type() {
        DataType::Date32 => {
            let a = array.as_primitive::<arrow_array::types::Date32Type>();
            rows.map(|i| {
                a.is_valid(i)
                    .then(|| from_days(i64::from(a.value(i))))
                    .flatten()
            })
            .collect()
        }
        DataType::Date64 => {
            let a = array.as_primitive::<arrow_array::types::Date64Type>();
            rows.map(|i| {
                a.is_valid(i)
                    .then(|| from_days(a.value(i).div_euclid(86_400_000)))
                    .flatten()
            })
            .collect()
        }
        DataType::Timestamp(unit, tz) => {
            let tz = match tz {
                Some(name) => Some(name.parse::<Tz>().map_err(|e| {
                    PyValueError::new_err(format!(
                        "date_column: unknown time zone {}: {e}",
                        quoted(name)
                    ))
                })?),
                None => None,
            };
            match unit {
                TimeUnit::Second => timestamp_dates::<TimestampSecondType>(array, tz),
                TimeUnit::Millisecond => timestamp_dates::<TimestampMillisecondType>(array, tz),
                TimeUnit::Microsecond => timestamp_dates::<TimestampMicrosecondType>(array, tz),
                TimeUnit::Nanosecond => timestamp_dates::<TimestampNanosecondType>(array, tz),
            }
        }
        _ => {
            let strings = Strings::new(array);
            let mut not_dates = 0;
            let dates = rows
                .map(|i| {
                    let (s, _) = strings.get(i)?;
                    let date = parse_date(&s);
                    if date.is_none() && !s.trim().is_empty() {
                        not_dates += 1;
                    }
                    date
                })
                .collect();
            return Ok((dates, not_dates));
        }
    };
    Ok((dates, 0))
}

/// The calendar dates of a timestamp column: in time zone `tz` if it has one, else as written.
fn timestamp_dates<T: ArrowTimestampType>(array: &ArrayRef, tz: Option<Tz>) -> Vec<Option<Date>> {
    let a = array.as_primitive::<T>();
    (0..a.len())
        .map(|i| {
            if a.is_null(i) {
                return None;
            }
            let v = a.value(i);
            let day = match tz {
                Some(tz) => as_datetime_with_timezone::<T>(v, tz)?.date_naive(),
                None => as_datetime::<T>(v)?.date(),
            };
            let month = i8::try_from(day.month()).ok()?;
            let dom = i8::try_from(day.day()).ok()?;
            Date::new(i16::try_from(day.year()).ok()?, month, dom).ok()
        })
        .collect()
}

/// The Spark SQL schema (DDL) of the quotation rows, for `mapInArrow`.
pub fn spark_ddl() -> String {
    let schema = whosaid_core::arrow::quote_rows_schema();
    let columns: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| {
            let t = match f.data_type() {
                DataType::Date32 => "date",
                DataType::Int64 => "bigint",
                DataType::Float64 => "double",
                _ => "string",
            };
            format!("{} {t}", f.name())
        })
        .collect();
    columns.join(", ")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Date32Array, Date64Array, Int64Array, TimestampSecondArray};

    use super::*;

    fn day(s: &str) -> Option<Date> {
        s.parse().ok()
    }

    #[test]
    fn date_columns_of_every_kind() {
        let d32: ArrayRef = Arc::new(Date32Array::from(vec![Some(18307), None]));
        assert_eq!(dates(&d32).unwrap(), (vec![day("2020-02-15"), None], 0));
        let d64: ArrayRef = Arc::new(Date64Array::from(vec![
            Some(18307 * 86_400_000 + 5),
            Some(-1),
        ]));
        assert_eq!(
            dates(&d64).unwrap().0,
            vec![day("2020-02-15"), day("1969-12-31")]
        );
        let strings: ArrayRef = Arc::new(StringArray::from(vec![
            Some("2020-02-15 10:32:00"),
            Some("soon"),
            Some(""),
            None,
        ]));
        assert_eq!(
            dates(&strings).unwrap(),
            (vec![day("2020-02-15"), None, None, None], 1)
        );
        // 2020-02-15T03:00:00Z is still the 14th in New York.
        let utc = 1_581_735_600;
        let ts: ArrayRef =
            Arc::new(TimestampSecondArray::from(vec![utc]).with_timezone("America/New_York"));
        assert_eq!(dates(&ts).unwrap().0, vec![day("2020-02-14")]);
        let naive: ArrayRef = Arc::new(TimestampSecondArray::from(vec![utc]));
        assert_eq!(dates(&naive).unwrap().0, vec![day("2020-02-15")]);
        let offset: ArrayRef =
            Arc::new(TimestampSecondArray::from(vec![utc]).with_timezone("-05:00"));
        assert_eq!(dates(&offset).unwrap().0, vec![day("2020-02-14")]);
    }

    #[test]
    fn roles_accept_their_types() {
        assert!(Role::Text.accepts(&DataType::LargeUtf8));
        assert!(Role::Text.accepts(&DataType::Binary));
        assert!(!Role::Text.accepts(&DataType::Int64));
        assert!(Role::Id.accepts(&DataType::Int64));
        assert!(Role::Date.accepts(&DataType::Timestamp(TimeUnit::Microsecond, None)));
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        assert!(Role::Url.accepts(&dict));
        assert!(!Role::Date.accepts(&DataType::Float64));
    }

    #[test]
    fn integer_ids_read_as_strings() {
        let schema = Arc::new(Schema::new(vec![arrow_schema::Field::new(
            "id",
            DataType::Int64,
            true,
        )]));
        let batch = RecordBatch::try_new(
            schema,
            vec![Arc::new(Int64Array::from(vec![Some(7), None]))],
        )
        .unwrap();
        let column = readable(&batch, 0).unwrap();
        let ids = Strings::new(&column);
        assert_eq!(
            ids.get(0).map(|(s, _)| s.into_owned()).as_deref(),
            Some("7")
        );
        assert!(ids.get(1).is_none());
    }

    #[test]
    fn spark_schema_lists_every_column() {
        let ddl = spark_ddl();
        assert!(
            ddl.starts_with("doc_id string, url string, date date, "),
            "{ddl}"
        );
        assert!(
            ddl.contains("content_start bigint") && ddl.ends_with("confidence double"),
            "{ddl}"
        );
    }
}
