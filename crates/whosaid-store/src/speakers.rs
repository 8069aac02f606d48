//! Speakers across documents: one record per person or organisation, keyed by kind and
//! folded full name.
//!
//! Within a document the engine already resolves "NATO Secretary General Jens
//! Stoltenberg", "Stoltenberg" and "he" to one entity named "Jens Stoltenberg"; here
//! entities of different documents meet. An entity joins the speaker whose key is
//! `kind:folded name` ("person:jens stoltenberg"). A person known by one word only
//! ("Stoltenberg") joins the one multi-word person with that surname when there is
//! exactly one; and when a multi-word person arrives after such a one-word speaker was
//! created on its own, the one-word speaker is merged into it, so the result does not
//! depend on the order in which documents are indexed (as long as it stays unambiguous).
//!
//! Titles and aliases are reference-counted (one count per document entity carrying
//! them), so removing a document removes exactly what it contributed. Quotation counts
//! are kept as counters; first and last dates are widened on insert and recomputed for
//! the speakers a batch removed something from.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use whosaid_core::schema::{EntityRecord, SpanText};
use whosaid_core::{EntityKind, QuoteKind};

use crate::codec::{count, entity_kind_str, from_json, parse_date, parse_entity_kind, sql_int};
use crate::groups;
use crate::index::Touched;
use crate::normalize::{fold, surname, words};

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

/// The distinct aliases an entity contributes: its name and each mention that shares a
/// word with the name (so "Stoltenberg" and "NATO chief Jens Stoltenberg" but not "he"
/// or "the alliance"), plus all-capital acronyms of organisations ("WMO").
pub(crate) fn entity_aliases<'a>(name: &str, kind: EntityKind, mentions: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let name_folded = fold(name);
    let name_words: BTreeSet<&str> = words(&name_folded).collect();
    let mut out: Vec<String> = Vec::new();
    let push = |s: &str, out: &mut Vec<String>| {
        let clean = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if !clean.is_empty() && !out.contains(&clean) {
            out.push(clean);
        }
    };
    push(name, &mut out);
    for m in mentions {
        let folded = fold(m);
        let shares = words(&folded).any(|w| name_words.contains(w));
        let acronym = kind != EntityKind::Person
            && m.chars().count() >= 2
            && m.chars().all(|c| c.is_uppercase() || c == '.' || c == '&');
        if shares || acronym {
            push(m, &mut out);
        }
    }
    out
}

fn distinct_titles(titles: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for t in titles.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Links a document's entity to its speaker record (creating or merging records as
/// needed) and adds the entity's titles, aliases and date. `None` for an entity whose
/// name has no letters or digits.
pub(crate) fn attach(conn: &Connection, e: &EntityRecord, date: Option<&str>, touched: &mut Touched) -> rusqlite::Result<Option<i64>> {
    let folded = fold(&e.name);
    if folded.is_empty() {
        return Ok(None);
    }
    let id = resolve(conn, e.kind, &folded, &e.name, touched)?;
    let mentions = e.mentions.iter().map(|m: &SpanText| m.text.as_str());
    for alias in entity_aliases(&e.name, e.kind, mentions) {
        conn.prepare_cached(
            "INSERT INTO speaker_aliases (speaker, alias, n) VALUES (?1, ?2, 1) \
             ON CONFLICT (speaker, alias) DO UPDATE SET n = n + 1",
        )?
        .execute(params![id, alias])?;
    }
    for title in distinct_titles(&e.titles) {
        conn.prepare_cached(
            "INSERT INTO speaker_titles (speaker, title, n) VALUES (?1, ?2, 1) \
             ON CONFLICT (speaker, title) DO UPDATE SET n = n + 1",
        )?
        .execute(params![id, title])?;
    }
    if let Some(d) = date {
        conn.prepare_cached(
            "UPDATE speakers SET first_date = coalesce(min(first_date, ?2), ?2), \
             last_date = coalesce(max(last_date, ?2), ?2) WHERE id = ?1",
        )?
        .execute(params![id, d])?;
    }
    Ok(Some(id))
}

/// Removes what a stored entity contributed to speaker `id` (its aliases and titles);
/// the speaker's dates are recomputed, and the speaker deleted if unused, by
/// [`finalize`].
pub(crate) fn detach(conn: &Connection, id: i64, name: &str, kind: EntityKind, titles: &[String], mentions: &[SpanText], touched: &mut Touched) -> rusqlite::Result<()> {
    for alias in entity_aliases(name, kind, mentions.iter().map(|m| m.text.as_str())) {
        conn.prepare_cached("UPDATE speaker_aliases SET n = n - 1 WHERE speaker = ?1 AND alias = ?2")?.execute(params![id, alias])?;
        conn.prepare_cached("DELETE FROM speaker_aliases WHERE speaker = ?1 AND alias = ?2 AND n <= 0")?.execute(params![id, alias])?;
    }
    for title in distinct_titles(titles) {
        conn.prepare_cached("UPDATE speaker_titles SET n = n - 1 WHERE speaker = ?1 AND title = ?2")?.execute(params![id, title])?;
        conn.prepare_cached("DELETE FROM speaker_titles WHERE speaker = ?1 AND title = ?2 AND n <= 0")?.execute(params![id, title])?;
    }
    touched.speakers.insert(id);
    Ok(())
}

/// Adds `delta` (1 or -1) quotations of `kind` to speaker `id`'s counters.
pub(crate) fn count_quote(conn: &Connection, id: i64, kind: QuoteKind, delta: i64) -> rusqlite::Result<()> {
    let by_kind = |k: QuoteKind| if k == kind { delta } else { 0 };
    conn.prepare_cached(
        "UPDATE speakers SET n_quotes = n_quotes + ?2, n_direct = n_direct + ?3, \
         n_indirect = n_indirect + ?4, n_mixed = n_mixed + ?5 WHERE id = ?1",
    )?
    .execute(params![id, delta, by_kind(QuoteKind::Direct), by_kind(QuoteKind::Indirect), by_kind(QuoteKind::Mixed)])?;
    Ok(())
}

/// Recomputes the dates of speakers a batch removed entities from, and deletes those no
/// document mentions any more.
pub(crate) fn finalize(conn: &Connection, touched: &BTreeSet<i64>) -> rusqlite::Result<()> {
    for &id in touched {
        let used: bool =
            conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM entities WHERE speaker = ?1)")?.query_row([id], |r| r.get(0))?;
        if used {
            refresh_dates(conn, id)?;
        } else {
            for sql in [
                "DELETE FROM speaker_aliases WHERE speaker = ?1",
                "DELETE FROM speaker_titles WHERE speaker = ?1",
                "DELETE FROM speakers WHERE id = ?1",
            ] {
                conn.prepare_cached(sql)?.execute([id])?;
            }
        }
    }
    Ok(())
}

fn refresh_dates(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE speakers SET (first_date, last_date) = (SELECT min(d.date), max(d.date) \
         FROM entities e JOIN documents d ON d.id = e.doc WHERE e.speaker = ?1) WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

fn find_key(conn: &Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM speakers WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()
}

/// The one multi-word person with this surname, if there is exactly one.
fn unique_with_surname(conn: &Connection, surname: &str) -> rusqlite::Result<Option<i64>> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM speakers WHERE kind = 'person' AND surname = ?1 LIMIT 2")?
        .query_map([surname], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if ids.len() == 1 { Some(ids[0]) } else { None })
}

fn resolve(conn: &Connection, kind: EntityKind, folded: &str, name: &str, touched: &mut Touched) -> rusqlite::Result<i64> {
    let key = format!("{}:{folded}", entity_kind_str(kind));
    if let Some(id) = find_key(conn, &key)? {
        return Ok(id);
    }
    let person = kind == EntityKind::Person;
    if person && !folded.contains(' ') {
        if let Some(id) = unique_with_surname(conn, folded)? {
            return Ok(id);
        }
    }
    let surname = if person { surname(folded) } else { None };
    let display = name.split_whitespace().collect::<Vec<_>>().join(" ");
    conn.prepare_cached("INSERT INTO speakers (key, kind, name, surname) VALUES (?1, ?2, ?3, ?4)")?.execute(params![
        key,
        entity_kind_str(kind),
        display,
        surname
    ])?;
    let id = conn.last_insert_rowid();
    if let Some(s) = surname {
        if let Some(orphan) = find_key(conn, &format!("person:{s}"))? {
            if unique_with_surname(conn, s)? == Some(id) {
                merge(conn, orphan, id, touched)?;
            }
        }
    }
    Ok(id)
}

/// Merges speaker `from` into `into`: entities, aliases, titles and quotations move,
/// the moved quotations are grouped anew under `into`, and `from` is deleted.
fn merge(conn: &Connection, from: i64, into: i64, touched: &mut Touched) -> rusqlite::Result<()> {
    let moved: Vec<i64> = conn
        .prepare_cached("SELECT id FROM quotes WHERE speaker_id = ?1 ORDER BY id")?
        .query_map([from], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for sql in [
        "UPDATE entities SET speaker = ?2 WHERE speaker = ?1",
        "UPDATE quotes SET speaker_id = ?2 WHERE speaker_id = ?1",
        "INSERT INTO speaker_aliases (speaker, alias, n) SELECT ?2, alias, n FROM speaker_aliases \
         WHERE speaker = ?1 ON CONFLICT (speaker, alias) DO UPDATE SET n = n + excluded.n",
        "INSERT INTO speaker_titles (speaker, title, n) SELECT ?2, title, n FROM speaker_titles \
         WHERE speaker = ?1 ON CONFLICT (speaker, title) DO UPDATE SET n = n + excluded.n",
        "UPDATE speakers SET (n_quotes, n_direct, n_indirect, n_mixed) = (SELECT s.n_quotes + f.n_quotes, \
         s.n_direct + f.n_direct, s.n_indirect + f.n_indirect, s.n_mixed + f.n_mixed \
         FROM speakers s, speakers f WHERE s.id = ?2 AND f.id = ?1) WHERE id = ?2",
    ] {
        conn.prepare_cached(sql)?.execute(params![from, into])?;
    }
    for sql in [
        "DELETE FROM speaker_aliases WHERE speaker = ?1",
        "DELETE FROM speaker_titles WHERE speaker = ?1",
        "DELETE FROM speakers WHERE id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([from])?;
    }
    refresh_dates(conn, into)?;
    groups::regroup(conn, &moved, into, touched)
}

const SUMMARY_COLUMNS: &str = "id, name, kind, n_quotes, n_direct, n_indirect, n_mixed, first_date, last_date";

fn read_summary(conn: &Connection, r: &rusqlite::Row<'_>) -> rusqlite::Result<SpeakerSummary> {
    let id: i64 = r.get(0)?;
    let kind: String = r.get(2)?;
    Ok(SpeakerSummary {
        id,
        name: r.get(1)?,
        kind: parse_entity_kind(&kind),
        titles: strings(conn, "SELECT title FROM speaker_titles WHERE speaker = ?1 ORDER BY n DESC, title", id)?,
        aliases: strings(conn, "SELECT alias FROM speaker_aliases WHERE speaker = ?1 ORDER BY n DESC, alias", id)?,
        quote_count: count(r.get(3)?),
        kinds: KindCounts { direct: count(r.get(4)?), indirect: count(r.get(5)?), mixed: count(r.get(6)?) },
        first_date: parse_date(r.get(7)?),
        last_date: parse_date(r.get(8)?),
    })
}

fn strings(conn: &Connection, sql: &str, id: i64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(sql)?.query_map([id], |r| r.get(0))?.collect()
}

/// The `top` most quoted speakers, most quoted first (ties by name).
pub(crate) fn most_quoted(conn: &Connection, top: usize) -> rusqlite::Result<Vec<SpeakerSummary>> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM speakers WHERE n_quotes > 0 ORDER BY n_quotes DESC, name, id LIMIT ?1");
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

/// Decodes the titles and mentions columns of a stored entity.
pub(crate) fn stored_entity_parts(titles: &str, mentions: &str) -> rusqlite::Result<(Vec<String>, Vec<SpanText>)> {
    Ok((from_json(0, titles)?, from_json(1, mentions)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_keep_names_and_drop_pronouns() {
        let got = entity_aliases(
            "Jens Stoltenberg",
            EntityKind::Person,
            ["NATO Secretary General Jens Stoltenberg", "who", "he", "Stoltenberg", "Stoltenberg", "the NATO chief"],
        );
        assert_eq!(got, ["Jens Stoltenberg", "NATO Secretary General Jens Stoltenberg", "Stoltenberg"]);
        let org = entity_aliases("World Meteorological Organization", EntityKind::Organization, ["WMO", "its", "the agency"]);
        assert_eq!(org, ["World Meteorological Organization", "WMO"]);
        let person = entity_aliases("Ann Lee", EntityKind::Person, ["HE", "I"]);
        assert_eq!(person, ["Ann Lee"]);
    }

    #[test]
    fn titles_are_distinct_and_trimmed() {
        let titles = vec![" Mayor ".to_string(), "Mayor".to_string(), String::new()];
        assert_eq!(distinct_titles(&titles), ["Mayor"]);
    }
}
