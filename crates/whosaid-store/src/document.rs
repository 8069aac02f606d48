//! Reading one stored document back: its text and its record, rebuilt from the rows.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use whosaid_core::schema::{EntityRecord, MetaRecord, Record, SCHEMA};

use crate::codec::{from_json, parse_date, parse_entity_kind};
use crate::search::read_quote;

/// A stored document: enough to show its text with the quotations highlighted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentDetail {
    /// The document's id.
    pub id: String,
    /// Its URL, if known.
    pub url: Option<String>,
    /// Its date, if known.
    pub date: Option<Date>,
    /// Its title, if known.
    pub title: Option<String>,
    /// The full text; the record's spans are code-point offsets into it.
    pub text: String,
    /// The extraction record as indexed (its `id` and `url` are the document's).
    pub record: Record,
    /// The store's speaker id of each entity that has one (entity id `E1` → speaker id).
    pub entity_speakers: BTreeMap<String, i64>,
}

/// Loads document `id`.
pub(crate) fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<DocumentDetail>> {
    let row = conn
        .prepare_cached("SELECT id, url, date, title, text, meta FROM documents WHERE doc_id = ?1")?
        .query_row([id], |r| {
            let meta: String = r.get(5)?;
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                from_json::<MetaRecord>(5, &meta)?,
            ))
        })
        .optional()?;
    let Some((row, url, date, title, text, meta)) = row else {
        return Ok(None);
    };
    let mut entity_speakers = BTreeMap::new();
    let mut entities = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT eid, name, kind, titles, mentions, speaker FROM entities WHERE doc = ?1 ORDER BY ord")?;
    let mut rows = stmt.query([row])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(2)?;
        let e = EntityRecord {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: parse_entity_kind(&kind),
            titles: from_json(3, &r.get::<_, String>(3)?)?,
            mentions: from_json(4, &r.get::<_, String>(4)?)?,
        };
        if let Some(s) = r.get::<_, Option<i64>>(5)? {
            entity_speakers.entry(e.id.clone()).or_insert(s);
        }
        entities.push(e);
    }
    let quotes = conn
        .prepare_cached(
            "SELECT qid, kind, text, content, cue, speaker, when_said, confidence FROM quotes WHERE doc = ?1 ORDER BY ord",
        )?
        .query_map([row], |r| read_quote(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    let record = Record {
        schema: SCHEMA.to_string(),
        id: Some(id.to_string()),
        url: url.clone(),
        meta,
        entities,
        quotes,
    };
    Ok(Some(DocumentDetail {
        id: id.to_string(),
        url,
        date: parse_date(date),
        title,
        text,
        record,
        entity_speakers,
    }))
}
