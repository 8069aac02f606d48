//! How schema values are written to and read from columns: kinds as the schema's
//! lowercase words, dates as `YYYY-MM-DD` text (which sorts chronologically), nested
//! parts as JSON.

use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;
use whosaid_core::{EntityKind, QuoteKind};

use crate::error::{from_sql_err, to_sql_err};

/// The schema word for a quotation kind.
pub(crate) fn quote_kind_str(kind: QuoteKind) -> &'static str {
    match kind {
        QuoteKind::Direct => "direct",
        QuoteKind::Indirect => "indirect",
        QuoteKind::Mixed => "mixed",
    }
}

/// The quotation kind of a schema word (`indirect` for anything unknown).
pub(crate) fn parse_quote_kind(s: &str) -> QuoteKind {
    match s {
        "direct" => QuoteKind::Direct,
        "mixed" => QuoteKind::Mixed,
        _ => QuoteKind::Indirect,
    }
}

/// The schema word for an entity kind.
pub(crate) fn entity_kind_str(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Group => "group",
        EntityKind::Unknown => "unknown",
    }
}

/// The entity kind of a schema word (`unknown` for anything else).
pub(crate) fn parse_entity_kind(s: &str) -> EntityKind {
    match s {
        "person" => EntityKind::Person,
        "organization" => EntityKind::Organization,
        "group" => EntityKind::Group,
        _ => EntityKind::Unknown,
    }
}

/// A stored date, `None` when absent or unreadable.
pub(crate) fn parse_date(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

/// A date as stored: `YYYY-MM-DD`.
pub(crate) fn date_str(d: Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

/// A value as JSON text for a column.
pub(crate) fn to_json<T: Serialize + ?Sized>(v: &T) -> rusqlite::Result<String> {
    serde_json::to_string(v).map_err(to_sql_err)
}

/// A value decoded from the JSON text of column `column`.
pub(crate) fn from_json<T: DeserializeOwned>(column: usize, s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| from_sql_err(column, e))
}

/// An optional value decoded from a nullable JSON column.
pub(crate) fn from_json_opt<T: DeserializeOwned>(
    column: usize,
    s: Option<String>,
) -> rusqlite::Result<Option<T>> {
    s.map(|s| from_json(column, &s)).transpose()
}

/// A count column as `usize` (negative values, which the store never writes, read as 0).
pub(crate) fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// A `usize` limit or offset as SQLite's `i64`, saturating.
pub(crate) fn sql_int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in [QuoteKind::Direct, QuoteKind::Indirect, QuoteKind::Mixed] {
            assert_eq!(parse_quote_kind(quote_kind_str(k)), k);
            assert_eq!(serde_json::to_value(k).unwrap(), quote_kind_str(k));
        }
        for k in [
            EntityKind::Person,
            EntityKind::Organization,
            EntityKind::Group,
            EntityKind::Unknown,
        ] {
            assert_eq!(parse_entity_kind(entity_kind_str(k)), k);
            assert_eq!(serde_json::to_value(k).unwrap(), entity_kind_str(k));
        }
    }

    #[test]
    fn dates_sort_as_text() {
        let d = Date::new(2020, 2, 5).unwrap();
        assert_eq!(date_str(d), "2020-02-05");
        assert_eq!(parse_date(Some(date_str(d))), Some(d));
        assert_eq!(parse_date(Some("garbage".into())), None);
    }
}
