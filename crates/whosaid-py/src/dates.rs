//! Publication dates from Python values and from date strings.
//!
//! A date may be given as `None`, a `datetime.date` (a `datetime.datetime` or a pandas
//! `Timestamp` counts: its calendar date is used) or a string. Strings are read as news
//! sources write them: `2020-02-15`, `2020/02/15` or `20200215`, optionally followed by a
//! time (`2020-02-15 10:32:00`, news-please's form, or `2020-02-15T10:32:00Z`), or an
//! RFC 2822 date (`Sat, 15 Feb 2020 10:32:00 GMT`). The date is taken as written, whatever
//! the time zone. These are the forms the JSON Lines reader of the CLI understands.

use jiff::civil::Date;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyType};

use crate::text::{quoted, type_name};

/// The calendar date at the start of `s`, or `None` when `s` is not a date.
///
/// ```text
/// "2020-02-15" "2020/02/15" "20200215" "2020-02-15 10:32:00" "2020-02-15T10:32:00+01:00"
/// "Sat, 15 Feb 2020 10:32:00 GMT"  -> 2020-02-15
/// ```
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    iso_date(s).or_else(|| jiff::fmt::rfc2822::parse(s).ok().map(|zoned| zoned.date()))
}

/// `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`, alone or followed by `T`/space and a time.
fn iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let separated = b.len() >= 10 && matches!(b[4], b'-' | b'/') && b[7] == b[4];
    let (year, month, day, rest) = if separated {
        (&b[..4], &b[5..7], &b[8..10], &b[10..])
    } else if b.len() >= 8 {
        (&b[..4], &b[4..6], &b[6..8], &b[8..])
    } else {
        return None;
    };
    let time_follows = match rest {
        [] => true,
        [sep, digit, ..] => matches!(sep, b'T' | b't' | b' ') && digit.is_ascii_digit(),
        [_] => false,
    };
    if !time_follows {
        return None;
    }
    let year = i16::try_from(digits(year)?).ok()?;
    let month = i8::try_from(digits(month)?).ok()?;
    let day = i8::try_from(digits(day)?).ok()?;
    Date::new(year, month, day).ok()
}

/// The value of a run of ASCII digits, or `None` if anything else is in it.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// The date `days` days after 1970-01-01 (an Arrow `Date32` value).
pub fn from_days(days: i64) -> Option<Date> {
    let days = i32::try_from(days).ok()?;
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().try_days(days).ok()?)
        .ok()
}

/// Reads a date argument: `None`, a `datetime.date` or a date string; `what` names the
/// argument in messages ("date", "dates[2]").
///
/// # Errors
///
/// `ValueError` for a string that is not a date, `TypeError` for any other type.
pub fn date_arg(obj: &Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<Option<Date>> {
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow()?;
        if s.trim().is_empty() {
            return Ok(None);
        }
        return parse_date(&s).map(Some).ok_or_else(|| {
            PyValueError::new_err(format!(
                "{} is {}, which is not a date; expected a date like '2020-02-15'",
                what(),
                quoted(&s)
            ))
        });
    }
    if obj.is_instance(date_type(obj.py())?)? {
        let part = |name: &str| obj.getattr(name)?.extract::<i64>();
        let (y, m, d) = match (part("year"), part("month"), part("day")) {
            (Ok(y), Ok(m), Ok(d)) => (y, m, d),
            // pandas.NaT is a datetime whose parts are NaN: a missing date.
            _ => return Ok(None),
        };
        let date = (|| {
            Date::new(
                i16::try_from(y).ok()?,
                i8::try_from(m).ok()?,
                i8::try_from(d).ok()?,
            )
            .ok()
        })();
        return date.map(Some).ok_or_else(|| {
            PyValueError::new_err(format!("{} is not a valid date ({y}-{m}-{d})", what()))
        });
    }
    Err(PyTypeError::new_err(format!(
        "{} has type {}; expected None, a datetime.date or a string like '2020-02-15'",
        what(),
        type_name(obj)
    )))
}

/// `datetime.date`, imported once.
fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DATE.import(py, "datetime", "date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_strings_as_news_sources_write_them() {
        let cases = [
            ("2020-02-15", Some("2020-02-15")),
            (" 2020-02-15 10:32:00 ", Some("2020-02-15")),
            ("2020/02/15", Some("2020-02-15")),
            ("20200215", Some("2020-02-15")),
            ("2020-02-15T23:30:00-05:00", Some("2020-02-15")),
            ("Sat, 15 Feb 2020 10:32:00 GMT", Some("2020-02-15")),
            ("2020-02-30", None),
            ("2020-02-15x", None),
            ("2020-02-15 ", Some("2020-02-15")),
            ("15/02/2020", None),
            ("soon", None),
            ("", None),
        ];
        for (input, expected) in cases {
            let got = parse_date(input).map(|d| d.to_string());
            assert_eq!(got.as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn days_since_the_epoch() {
        assert_eq!(
            from_days(0).map(|d| d.to_string()).as_deref(),
            Some("1970-01-01")
        );
        assert_eq!(
            from_days(18307).map(|d| d.to_string()).as_deref(),
            Some("2020-02-15")
        );
        assert_eq!(
            from_days(-1).map(|d| d.to_string()).as_deref(),
            Some("1969-12-31")
        );
        assert_eq!(from_days(i64::from(i32::MAX)), None);
    }
}
