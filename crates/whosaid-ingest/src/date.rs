//! Publication dates as news sources write them, reduced to a calendar date.
//!
//! ```
//! use whosaid_ingest::date::parse_date;
//!
//! for s in ["2020-02-15", "2020-02-15 10:32:00", "2020-02-15T23:30:00-05:00",
//!           "2020-02-15T10:32:00Z", "Sat, 15 Feb 2020 10:32:00 GMT"] {
//!     assert_eq!(parse_date(s).map(|d| d.to_string()).as_deref(), Some("2020-02-15"));
//! }
//! assert_eq!(parse_date("last Tuesday"), None);
//! ```

use jiff::civil::Date;

/// The calendar date written at the start of `s`, or `None` if `s` is not a date.
///
/// Accepts `YYYY-MM-DD` (also with `/`), `YYYYMMDD`, either followed by a time
/// (`T` or a space, then a digit) with or without an offset (RFC 3339 / ISO 8601, news-please's
/// `2020-02-15 10:32:00`), and RFC 2822 dates (`Sat, 15 Feb 2020 10:32:00 GMT`). The date
/// is taken as written: `2020-02-15T23:30:00-05:00` is 15 February, not its UTC date.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    iso_date(s).or_else(|| jiff::fmt::rfc2822::parse(s).ok().map(|zoned| zoned.date()))
}

/// The UTC calendar date of a Unix timestamp in seconds (or milliseconds, for values
/// too large to be seconds of a plausible date).
pub fn date_from_unix(value: i64) -> Option<Date> {
    const MAX_PLAUSIBLE_SECONDS: i64 = 100_000_000_000; // year 5138
    let ts = if value.abs() >= MAX_PLAUSIBLE_SECONDS {
        jiff::Timestamp::from_millisecond(value).ok()?
    } else {
        jiff::Timestamp::from_second(value).ok()?
    };
    Some(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
}

fn iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let (year, month, day, rest) =
        if b.len() >= 10 && (b[4] == b'-' || b[4] == b'/') && b[7] == b[4] {
            (&b[0..4], &b[5..7], &b[8..10], &b[10..])
        } else if b.len() >= 8 && b[..8].iter().all(u8::is_ascii_digit) {
            (&b[0..4], &b[4..6], &b[6..8], &b[8..])
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
    Date::new(
        i16::try_from(number(year)?).ok()?,
        i8::try_from(number(month)?).ok()?,
        i8::try_from(number(day)?).ok()?,
    )
    .ok()
}

fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let cases = [
            ("2020-02-15", Some("2020-02-15")),
            ("  2020-02-15 10:32:00 ", Some("2020-02-15")),
            ("2020-02-15T10:32:00Z", Some("2020-02-15")),
            ("2020-02-15T10:32:00.123+01:00", Some("2020-02-15")),
            ("2020-02-15T23:30:00-05:00", Some("2020-02-15")),
            ("2020/02/15", Some("2020-02-15")),
            ("20200215", Some("2020-02-15")),
            ("20200215T103200Z", Some("2020-02-15")),
            ("Sat, 15 Feb 2020 10:32:00 GMT", Some("2020-02-15")),
            ("Sat, 15 Feb 2020 10:32:00 +0100", Some("2020-02-15")),
            ("2020-02-30", None),
            ("2020-13-01", None),
            ("2020-02-15junk", None),
            ("2020-02-1", None),
            ("yesterday", None),
            ("", None),
            ("２０２０-02-15", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_date(input).map(|d| d.to_string()).as_deref(),
                want,
                "{input:?}"
            );
        }
    }

    #[test]
    fn unix_timestamps() {
        assert_eq!(
            date_from_unix(1_581_762_720)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2020-02-15")
        );
        assert_eq!(
            date_from_unix(1_581_762_720_000)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2020-02-15")
        );
        assert_eq!(date_from_unix(i64::MAX), None);
    }
}
