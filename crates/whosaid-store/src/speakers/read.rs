//! Reading speakers: summaries for the "who is quoted most" list and a speaker's page.

use rusqlite::Connection;
use serde::Serialize;
use whosaid_core::EntityKind;

use crate::codec::{count, parse_date, parse_entity_kind, sql_int};

/// Quotation counts by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    /// Direct quotations.
    pub direct: usize,
    /// Indirect (reported) quotations.
    pub indirect: usize,
    /// Mixed quotations.
    pub mixed: usize,
}

/// A speaker across the corpus: who they are and how often they are quoted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpeakerSummary {
    /// The speaker's id in this store.
    pub id: i64,
    /// The display name: the full name first seen.
    pub name: String,
    /// Person, organisation, group or unknown.
    pub kind: EntityKind,
    /// Every title seen with the name, most frequent first.
    pub titles: Vec<String>,
    /// Every name and naming mention seen, most frequent first.
    pub aliases: Vec<String>,
    /// Quotations attributed to the speaker.
    pub quote_count: usize,
    /// The same, by kind.
    pub kinds: KindCounts,
    /// The earliest date of a document that mentions the speaker.
    pub first_date: Option<jiff::civil::Date>,
    /// The latest such date.
    pub last_date: Option<jiff::civil::Date>,
}

/// A speaker and their quotations, oldest first (a timeline).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpeakerDetail {
    /// Who they are.
    pub speaker: SpeakerSummary,
    /// Every quotation attributed to them, oldest first (undated last).
    pub quotes: Vec<crate::search::QuoteHit>,
}

const SUMMARY_COLUMNS: &str =
    "id, name, kind, n_quotes, n_direct, n_indirect, n_mixed, first_date, last_date";

fn read_summary(conn: &Connection, r: &rusqlite::Row<'_>) -> rusqlite::Result<SpeakerSummary> {
    let id: i64 = r.get(0)?;
    let kind: String = r.get(2)?;
    Ok(SpeakerSummary {
        id,
        name: r.get(1)?,
        kind: parse_entity_kind(&kind),
        titles: strings(
            conn,
            "SELECT title FROM speaker_titles WHERE speaker = ?1 ORDER BY n DESC, title",
            id,
        )?,
        aliases: strings(
            conn,
            "SELECT alias FROM speaker_aliases WHERE speaker = ?1 ORDER BY n DESC, alias",
            id,
        )?,
        quote_count: count(r.get(3)?),
        kinds: KindCounts {
            direct: count(r.get(4)?),
            indirect: count(r.get(5)?),
            mixed: count(r.get(6)?),
        },
        first_date: parse_date(r.get(7)?),
        last_date: parse_date(r.get(8)?),
    })
}

fn strings(conn: &Connection, sql: &str, id: i64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(sql)?
        .query_map([id], |r| r.get(0))?
        .collect()
}

/// The `top` most quoted speakers, most quoted first (ties by name).
pub(crate) fn most_quoted(conn: &Connection, top: usize) -> rusqlite::Result<Vec<SpeakerSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM speakers WHERE n_quotes > 0 ORDER BY n_quotes DESC, name, id LIMIT ?1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([sql_int(top)])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read_summary(conn, r)?);
    }
    Ok(out)
}

/// One speaker's summary.
pub(crate) fn summary(conn: &Connection, id: i64) -> rusqlite::Result<Option<SpeakerSummary>> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM speakers WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => read_summary(conn, r).map(Some),
        None => Ok(None),
    }
}
