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
//! are counters; first and last dates are widened as documents arrive and recomputed for
//! the speakers a batch removed something from. All of these are tallied in memory and
//! written once per batch ([`tally`]).

mod read;
pub(crate) mod tally;

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};
use whosaid_core::EntityKind;
use whosaid_core::schema::{EntityRecord, SpanText};

pub use read::{KindCounts, SpeakerDetail, SpeakerSummary};
pub(crate) use read::{most_quoted, summary};

use crate::codec::{entity_kind_str, from_json};
use crate::groups;
use crate::index::Touched;
use crate::normalize::{fold, surname, words};
use crate::textindex::Pending;
use tally::delete_aliases;

/// The distinct aliases an entity contributes: its name and each mention that shares a
/// word with the name (so "Stoltenberg" and "NATO chief Jens Stoltenberg" but not "he"
/// or "the alliance"), plus all-capital acronyms of organisations ("WMO").
pub(crate) fn entity_aliases<'a>(
    name: &str,
    kind: EntityKind,
    mentions: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
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
/// needed) and tallies the entity's titles, aliases and date. `None` for an entity whose
/// name has no letters or digits.
pub(crate) fn attach(
    conn: &Connection,
    e: &EntityRecord,
    date: Option<&str>,
    touched: &mut Touched,
) -> rusqlite::Result<Option<i64>> {
    let folded = fold(&e.name);
    if folded.is_empty() {
        return Ok(None);
    }
    let id = resolve(conn, e.kind, &folded, &e.name, touched)?;
    for alias in entity_aliases(&e.name, e.kind, e.mentions.iter().map(|m| m.text.as_str())) {
        touched.tally.alias(id, alias, 1);
    }
    for title in distinct_titles(&e.titles) {
        touched.tally.title(id, title.to_string(), 1);
    }
    if let Some(d) = date {
        touched.tally.date(id, d);
    }
    Ok(Some(id))
}

/// Takes back what a stored entity contributed to speaker `id` (its aliases and titles);
/// the speaker's dates are recomputed, and the speaker deleted if unused, by
/// [`finalize`].
pub(crate) fn detach(
    id: i64,
    name: &str,
    kind: EntityKind,
    titles: &[String],
    mentions: &[SpanText],
    touched: &mut Touched,
) {
    for alias in entity_aliases(name, kind, mentions.iter().map(|m| m.text.as_str())) {
        touched.tally.alias(id, alias, -1);
    }
    for title in distinct_titles(titles) {
        touched.tally.title(id, title.to_string(), -1);
    }
    touched.speakers.insert(id);
}

/// Recomputes the dates of speakers a batch removed entities from, and deletes those no
/// document mentions any more. Runs after the batch's tally was applied.
pub(crate) fn finalize(
    conn: &Connection,
    touched: &BTreeSet<i64>,
    text: &mut Pending,
) -> rusqlite::Result<()> {
    for &id in touched {
        let used: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM entities WHERE speaker = ?1)")?
            .query_row([id], |r| r.get(0))?;
        if used {
            refresh_dates(conn, id)?;
        } else {
            delete_aliases(
                conn,
                "DELETE FROM speaker_aliases WHERE speaker = ?1 RETURNING id, alias",
                [id],
                text,
            )?;
            conn.prepare_cached("DELETE FROM speaker_titles WHERE speaker = ?1")?
                .execute([id])?;
            conn.prepare_cached("DELETE FROM speakers WHERE id = ?1")?
                .execute([id])?;
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
    conn.prepare_cached("SELECT id FROM speakers WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()
}

/// The one multi-word person with this surname, if there is exactly one.
fn unique_with_surname(conn: &Connection, surname: &str) -> rusqlite::Result<Option<i64>> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM speakers WHERE kind = 'person' AND surname = ?1 LIMIT 2")?
        .query_map([surname], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if ids.len() == 1 { Some(ids[0]) } else { None })
}

fn resolve(
    conn: &Connection,
    kind: EntityKind,
    folded: &str,
    name: &str,
    touched: &mut Touched,
) -> rusqlite::Result<i64> {
    let key = format!("{}:{folded}", entity_kind_str(kind));
    if let Some(id) = find_key(conn, &key)? {
        return Ok(id);
    }
    let person = kind == EntityKind::Person;
    if person
        && !folded.contains(' ')
        && let Some(id) = unique_with_surname(conn, folded)?
    {
        return Ok(id);
    }
    let surname = if person { surname(folded) } else { None };
    let display = name.split_whitespace().collect::<Vec<_>>().join(" ");
    conn.prepare_cached("INSERT INTO speakers (key, kind, name, surname) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![key, entity_kind_str(kind), display, surname])?;
    let id = conn.last_insert_rowid();
    if let Some(s) = surname
        && let Some(orphan) = find_key(conn, &format!("person:{s}"))?
        && unique_with_surname(conn, s)? == Some(id)
    {
        merge(conn, orphan, id, touched)?;
    }
    Ok(id)
}

/// Merges speaker `from` into `into`: entities, aliases, titles, counts and quotations
/// move, the moved quotations are grouped anew under `into`, and `from` is deleted.
fn merge(conn: &Connection, from: i64, into: i64, touched: &mut Touched) -> rusqlite::Result<()> {
    // Write what the batch tallied so far, then move the stored values through the tally.
    touched.tally.apply(conn, &mut touched.text)?;
    let counts: [i64; 4] = conn
        .prepare_cached(
            "SELECT n_quotes, n_direct, n_indirect, n_mixed FROM speakers WHERE id = ?1",
        )?
        .query_row([from], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))?;
    touched.tally.counts(into, counts);
    let rows = |sql: &str| -> rusqlite::Result<Vec<(String, i64)>> {
        conn.prepare_cached(sql)?
            .query_map([from], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect()
    };
    for (alias, n) in rows("SELECT alias, n FROM speaker_aliases WHERE speaker = ?1")? {
        touched.tally.alias(into, alias.clone(), n);
        touched.tally.alias(from, alias, -n);
    }
    for (title, n) in rows("SELECT title, n FROM speaker_titles WHERE speaker = ?1")? {
        touched.tally.title(into, title.clone(), n);
        touched.tally.title(from, title, -n);
    }
    touched.tally.apply(conn, &mut touched.text)?;
    let moved: Vec<i64> = conn
        .prepare_cached("SELECT id FROM quotes WHERE speaker_id = ?1 ORDER BY id")?
        .query_map([from], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for sql in [
        "UPDATE entities SET speaker = ?2 WHERE speaker = ?1",
        "UPDATE quotes SET speaker_id = ?2 WHERE speaker_id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute(params![from, into])?;
    }
    conn.prepare_cached("DELETE FROM speakers WHERE id = ?1")?
        .execute([from])?;
    refresh_dates(conn, into)?;
    groups::regroup(conn, &moved, from, into, touched)
}

/// Decodes the titles and mentions columns of a stored entity.
pub(crate) fn stored_entity_parts(
    titles: &str,
    mentions: &str,
) -> rusqlite::Result<(Vec<String>, Vec<SpanText>)> {
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
            [
                "NATO Secretary General Jens Stoltenberg",
                "who",
                "he",
                "Stoltenberg",
                "Stoltenberg",
                "the NATO chief",
            ],
        );
        assert_eq!(
            got,
            [
                "Jens Stoltenberg",
                "NATO Secretary General Jens Stoltenberg",
                "Stoltenberg"
            ]
        );
        let org = entity_aliases(
            "World Meteorological Organization",
            EntityKind::Organization,
            ["WMO", "its", "the agency"],
        );
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
