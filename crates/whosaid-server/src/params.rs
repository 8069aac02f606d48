//! Query parameters: parsed by hand so that every problem is a 422 naming the parameter.
//!
//! An unknown parameter is an error rather than ignored: a typo such as `?speakr=Okafor`
//! would otherwise silently return unfiltered results.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use jiff::civil::Date;
use whosaid_core::QuoteKind;

use crate::error::ApiError;

/// The parameters of one request, checked against the names an endpoint knows.
#[derive(Debug, Default)]
pub(crate) struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// Parses a raw query string, refusing names not in `known` and repeated names.
    pub(crate) fn parse(raw: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ApiError::invalid(format!("malformed query string: {e}")))?;
        let mut values = BTreeMap::new();
        for (name, value) in pairs {
            if !known.contains(&name.as_str()) {
                let list = if known.is_empty() {
                    "this endpoint takes none".to_string()
                } else {
                    format!("known: {}", known.join(", "))
                };
                return Err(ApiError::invalid(format!(
                    "unknown query parameter `{name}` ({list})"
                )));
            }
            if values.insert(name.clone(), value).is_some() {
                return Err(ApiError::invalid(format!(
                    "query parameter `{name}` is given more than once"
                )));
            }
        }
        Ok(Params { values })
    }

    /// A text parameter; `None` when absent.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    /// A `YYYY-MM-DD` date; `None` when absent or empty.
    pub(crate) fn date(&self, name: &str) -> Result<Option<Date>, ApiError> {
        match self.values.get(name).map(|v| v.trim()) {
            None | Some("") => Ok(None),
            Some(v) => parse_date(v)
                .map(Some)
                .map_err(|why| ApiError::invalid(format!("invalid `{name}`: {why}"))),
        }
    }

    /// A quotation kind: `direct`, `indirect` or `mixed`; `None` when absent or empty.
    pub(crate) fn kind(&self, name: &str) -> Result<Option<QuoteKind>, ApiError> {
        match self.values.get(name).map(|v| v.trim()) {
            None | Some("") => Ok(None),
            Some("direct") => Ok(Some(QuoteKind::Direct)),
            Some("indirect") => Ok(Some(QuoteKind::Indirect)),
            Some("mixed") => Ok(Some(QuoteKind::Mixed)),
            Some(other) => Err(ApiError::invalid(format!(
                "invalid `{name}`: `{other}` is not one of direct, indirect, mixed"
            ))),
        }
    }

    /// A whole number within `range`; `default` when absent.
    pub(crate) fn number(
        &self,
        name: &str,
        range: RangeInclusive<u64>,
        default: u64,
    ) -> Result<u64, ApiError> {
        let Some(v) = self.values.get(name) else {
            return Ok(default);
        };
        let out_of_range = || {
            ApiError::invalid(format!(
                "invalid `{name}`: `{v}` is not a whole number from {} to {}",
                range.start(),
                range.end()
            ))
        };
        let n: u64 = v.trim().parse().map_err(|_| out_of_range())?;
        if range.contains(&n) {
            Ok(n)
        } else {
            Err(out_of_range())
        }
    }

    /// An id (a positive whole number); `None` when absent.
    pub(crate) fn id(&self, name: &str) -> Result<Option<i64>, ApiError> {
        if !self.values.contains_key(name) {
            return Ok(None);
        }
        let n = self.number(name, 1..=i64::MAX as u64, 1)?;
        Ok(i64::try_from(n).ok())
    }
}

/// Parses a strict `YYYY-MM-DD` calendar date.
pub(crate) fn parse_date(v: &str) -> Result<Date, String> {
    let shape_ok = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let bad = || format!("`{v}` is not a calendar date like 2020-02-15");
    if !shape_ok {
        return Err(bad());
    }
    v.parse::<Date>().map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for (input, ok) in [
            ("2020-02-15", true),
            ("2020-02-30", false),
            ("2020-2-15", false),
            ("2020-02-15T10:00", false),
            ("yesterday", false),
            ("", false),
        ] {
            assert_eq!(parse_date(input).is_ok(), ok, "{input}");
        }
    }

    #[test]
    fn unknown_and_repeated_names_are_refused() {
        let e = Params::parse(Some("q=a&speakr=b"), &["q", "speaker"]).unwrap_err();
        assert!(e.message.contains("`speakr`"), "{}", e.message);
        let e = Params::parse(Some("q=a&q=b"), &["q"]).unwrap_err();
        assert!(e.message.contains("more than once"), "{}", e.message);
        let p = Params::parse(Some("q=a+b&limit=5"), &["q", "limit"]).unwrap();
        assert_eq!(p.text("q").as_deref(), Some("a b"));
        assert_eq!(p.number("limit", 1..=10, 20).unwrap(), 5);
        assert!(p.number("limit", 6..=10, 20).is_err());
    }
}
