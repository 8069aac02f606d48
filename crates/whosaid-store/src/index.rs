//! Writing documents: one transaction per batch, replacing earlier versions.
//!
//! A document is identified twice: by its id and by the SHA-256 of its text. Indexing a
//! document first removes every stored document with the same id or the same text (so
//! re-indexing, or indexing the same article under another name, replaces rather than
//! duplicates), unless the stored one is identical in every respect, in which case
//! nothing is written at all. Removal takes back exactly what the document contributed
//! to speakers and groups.

use std::collections::{BTreeSet, HashMap};
use std::ops::AddAssign;

use jiff::civil::Date;
use rusqlite::{Connection, params};
use serde::Serialize;
use whosaid_core::schema::{EntityRecord, QuoteRecord, Record};

use crate::codec::{
    date_str, entity_kind_str, parse_entity_kind, parse_quote_kind, quote_kind_str, to_json,
};
use crate::normalize::{fnv64, fold, sha256};
use crate::speakers::tally::Tally;
use crate::textindex::Pending;
use crate::{groups, speakers};

/// One document to index: its text, where it came from, and the engine's record of it.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentInput {
    /// The document's id in the store (a file name, URL or corpus id). Indexing another
    /// document with this id replaces it.
    pub id: String,
    /// The document's URL, if known.
    pub url: Option<String>,
    /// Publication date; when `None`, the record's `meta.published` is used.
    pub date: Option<Date>,
    /// Title; when `None`, the record's headline is used.
    pub title: Option<String>,
    /// The full text the record's spans refer to.
    pub text: String,
    /// The extraction result (`whosaid/1`).
    pub record: Record,
}

impl DocumentInput {
    /// A document with the given id, text and record; URL, date and title are taken from
    /// the record.
    ///
    /// ```
    /// use whosaid_store::DocumentInput;
    ///
    /// let text = "“We will win,” said Jane Doe.";
    /// let doc = whosaid_core::extract(text, &whosaid_core::Options::default());
    /// let record = whosaid_core::schema::to_record(&doc, Some("a1"), Some("https://example.com/a1"));
    /// let input = DocumentInput::new("a1", text, record);
    /// assert_eq!(input.url.as_deref(), Some("https://example.com/a1"));
    /// ```
    pub fn new(id: impl Into<String>, text: impl Into<String>, record: Record) -> DocumentInput {
        DocumentInput {
            id: id.into(),
            url: record.url.clone(),
            date: record
                .meta
                .published
                .as_deref()
                .and_then(|d| d.parse().ok()),
            title: record.meta.headline.clone(),
            text: text.into(),
            record,
        }
    }

    fn effective_date(&self) -> Option<String> {
        self.date
            .or_else(|| {
                self.record
                    .meta
                    .published
                    .as_deref()
                    .and_then(|d| d.parse().ok())
            })
            .map(date_str)
    }
}

/// What a batch (or a whole run, when added up) did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchStats {
    /// Documents new to the store.
    pub added: usize,
    /// Documents that replaced stored ones (same id or same text, something changed).
    pub replaced: usize,
    /// Documents already stored exactly as given: nothing was written.
    pub unchanged: usize,
    /// Stored documents removed because a new one replaced them.
    pub removed: usize,
    /// Quotations written.
    pub quotes: usize,
}

impl AddAssign for BatchStats {
    fn add_assign(&mut self, o: BatchStats) {
        self.added += o.added;
        self.replaced += o.replaced;
        self.unchanged += o.unchanged;
        self.removed += o.removed;
        self.quotes += o.quotes;
    }
}

/// What a batch changed and must bring up to date before it commits: group and speaker
/// statistics, and the full-text indexes.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// Groups that gained or lost quotations.
    pub groups: BTreeSet<i64>,
    /// Speakers that lost entities.
    pub speakers: BTreeSet<i64>,
    /// Speaker statistics to write.
    pub tally: Tally,
    /// Full-text index changes.
    pub text: Pending,
}

/// Writes a batch on an open transaction (the caller commits).
pub(crate) fn write_batch(
    conn: &Connection,
    docs: &[DocumentInput],
) -> rusqlite::Result<BatchStats> {
    let mut touched = Touched::default();
    let mut stats = BatchStats::default();
    for doc in docs {
        put(conn, doc, &mut touched, &mut stats)?;
    }
    touched.tally.apply(conn, &mut touched.text)?;
    groups::refresh(conn, &touched.groups)?;
    speakers::finalize(conn, &touched.speakers, &mut touched.text)?;
    touched.text.apply(conn)?;
    Ok(stats)
}

fn put(
    conn: &Connection,
    doc: &DocumentInput,
    touched: &mut Touched,
    stats: &mut BatchStats,
) -> rusqlite::Result<()> {
    let content_hash = sha256(&[doc.text.as_bytes()]);
    let date = doc.effective_date();
    let title = doc
        .title
        .clone()
        .or_else(|| doc.record.meta.headline.clone());
    let described = to_json(&(&doc.id, &doc.url, &date, &title, &doc.record))?;
    let record_hash = sha256(&[&content_hash, described.as_bytes()]);
    let existing: Vec<(i64, String, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT id, doc_id, record_hash FROM documents WHERE doc_id = ?1 OR content_hash = ?2",
        )?
        .query_map(params![doc.id, content_hash], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if let [(_, id, hash)] = existing.as_slice()
        && *id == doc.id
        && *hash == record_hash
    {
        stats.unchanged += 1;
        return Ok(());
    }
    for (row, _, _) in &existing {
        remove(conn, *row, touched)?;
        stats.removed += 1;
    }
    conn.prepare_cached(
        "INSERT INTO documents (doc_id, content_hash, record_hash, url, date, title, text, meta) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        doc.id,
        content_hash,
        record_hash,
        doc.url,
        date,
        title,
        doc.text,
        to_json(&doc.record.meta)?
    ])?;
    let row = conn.last_insert_rowid();
    insert_entities(conn, row, &doc.record.entities, date.as_deref(), touched)?;
    stats.quotes += insert_quotes(conn, row, &doc.record, date.as_deref(), touched)?;
    if existing.is_empty() {
        stats.added += 1;
    } else {
        stats.replaced += 1;
    }
    Ok(())
}

fn insert_entities(
    conn: &Connection,
    doc: i64,
    entities: &[EntityRecord],
    date: Option<&str>,
    touched: &mut Touched,
) -> rusqlite::Result<()> {
    for (ord, e) in entities.iter().enumerate() {
        let speaker = speakers::attach(conn, e, date, touched)?;
        conn.prepare_cached(
            "INSERT INTO entities (doc, ord, eid, name, kind, titles, mentions, speaker) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            doc,
            ord as i64,
            e.id,
            e.name,
            entity_kind_str(e.kind),
            to_json(&e.titles)?,
            to_json(&e.mentions)?,
            speaker
        ])?;
    }
    Ok(())
}

/// The speaker record of each entity id, read back after all entities are in (a later
/// entity may have merged an earlier one's speaker into its own).
fn entity_speakers(conn: &Connection, doc: i64) -> rusqlite::Result<HashMap<String, i64>> {
    let mut map = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT eid, speaker FROM entities WHERE doc = ?1 AND speaker IS NOT NULL ORDER BY ord",
    )?;
    for row in stmt.query_map([doc], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (eid, speaker) = row?;
        map.entry(eid).or_insert(speaker);
    }
    Ok(map)
}

/// The text the FTS index holds for a quotation's speaker: as written, and the
/// resolved name when it differs ("he" · "Jens Stoltenberg").
fn speaker_text(q: &QuoteRecord, record: &Record) -> String {
    let written = q.speaker.as_ref().map(|s| s.text.as_str()).unwrap_or("");
    let name = q
        .speaker
        .as_ref()
        .and_then(|s| s.entity.as_deref())
        .and_then(|eid| record.entities.iter().find(|e| e.id == eid))
        .map(|e| e.name.as_str())
        .unwrap_or("");
    if name.is_empty() || written.contains(name) {
        written.to_string()
    } else {
        format!("{written} · {name}")
    }
}

fn insert_quotes(
    conn: &Connection,
    doc: i64,
    record: &Record,
    date: Option<&str>,
    touched: &mut Touched,
) -> rusqlite::Result<usize> {
    let speakers_of = entity_speakers(conn, doc)?;
    for (ord, q) in record.quotes.iter().enumerate() {
        let speaker_id = q
            .speaker
            .as_ref()
            .and_then(|s| s.entity.as_ref())
            .and_then(|eid| speakers_of.get(eid))
            .copied();
        let folded = fold(&q.text);
        let speaker_text = speaker_text(q, record);
        let placement = groups::place(conn, speaker_id, &folded, 0, date, touched)?;
        conn.prepare_cached(
            "INSERT INTO quotes (doc, ord, qid, kind, text, speaker_text, content, cue, speaker, when_said, \
             confidence, speaker_id, date, norm_hash, grp) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            doc,
            ord as i64,
            q.id,
            quote_kind_str(q.kind),
            q.text,
            speaker_text,
            to_json(&q.content)?,
            q.cue.as_ref().map(to_json).transpose()?,
            q.speaker.as_ref().map(to_json).transpose()?,
            q.when.as_ref().map(to_json).transpose()?,
            q.confidence,
            speaker_id,
            date,
            fnv64(folded.as_bytes()),
            placement.group,
        ])?;
        let id = conn.last_insert_rowid();
        touched.text.quote_added(id, &q.text, &speaker_text);
        if let Some(s) = speaker_id {
            touched.tally.quote(s, q.kind, 1);
        }
        groups::remember(conn, speaker_id, &placement, id)?;
    }
    Ok(record.quotes.len())
}

/// Removes stored document `doc` (a row id) and everything it contributed.
fn remove(conn: &Connection, doc: i64, touched: &mut Touched) -> rusqlite::Result<()> {
    type Row = (i64, String, Option<i64>, Option<i64>, String, String);
    let quotes: Vec<Row> = conn
        .prepare_cached(
            "SELECT id, kind, speaker_id, grp, text, speaker_text FROM quotes WHERE doc = ?1",
        )?
        .query_map([doc], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, kind, speaker, group, text, speaker_text) in quotes {
        if let Some(s) = speaker {
            touched.tally.quote(s, parse_quote_kind(&kind), -1);
        }
        touched.groups.extend(group);
        groups::forget(conn, speaker, &text, id)?;
        touched.text.quote_removed(id, text, speaker_text);
    }
    conn.prepare_cached("DELETE FROM quotes WHERE doc = ?1")?
        .execute([doc])?;
    let entities: Vec<(i64, String, String, String, String)> = conn
        .prepare_cached("SELECT speaker, name, kind, titles, mentions FROM entities WHERE doc = ?1 AND speaker IS NOT NULL")?
        .query_map([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (speaker, name, kind, titles, mentions) in entities {
        let (titles, mentions) = speakers::stored_entity_parts(&titles, &mentions)?;
        speakers::detach(
            speaker,
            &name,
            parse_entity_kind(&kind),
            &titles,
            &mentions,
            touched,
        );
    }
    conn.prepare_cached("DELETE FROM entities WHERE doc = ?1")?
        .execute([doc])?;
    conn.prepare_cached("DELETE FROM documents WHERE id = ?1")?
        .execute([doc])?;
    Ok(())
}
