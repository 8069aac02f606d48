//! Hand-built documents for the store's tests: a text made of `“…,” said NAME.` sentences
//! and the exact record of it, so tests do not depend on the extraction engine.

#![allow(dead_code)]

use std::path::Path;

use whosaid_core::schema::{
    CueRecord, EntityRecord, MetaRecord, QuoteRecord, Record, SCHEMA, SpanText, SpeakerRecord,
};
use whosaid_core::{EntityKind, QuoteKind};
use whosaid_store::{DocumentInput, OpenMode, Store};

/// Builds one document.
pub struct Doc {
    id: String,
    date: Option<String>,
    text: String,
    entities: Vec<EntityRecord>,
    quotes: Vec<QuoteRecord>,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

impl Doc {
    /// A document whose text starts with a line naming it (so two documents built alike
    /// under different ids still differ in text).
    pub fn new(id: &str, date: &str) -> Doc {
        Doc::with_header(id, date, &format!("Report {id}."))
    }

    /// A document whose text starts with `header`.
    pub fn with_header(id: &str, date: &str, header: &str) -> Doc {
        Doc {
            id: id.to_string(),
            date: (!date.is_empty()).then(|| date.to_string()),
            text: format!("{header}\n"),
            entities: Vec::new(),
            quotes: Vec::new(),
        }
    }

    fn entity(&mut self, name: &str, kind: EntityKind, titles: &[&str]) -> usize {
        if let Some(k) = self.entities.iter().position(|e| e.name == name) {
            return k;
        }
        self.entities.push(EntityRecord {
            id: format!("E{}", self.entities.len() + 1),
            name: name.to_string(),
            kind,
            titles: titles.iter().map(|t| t.to_string()).collect(),
            mentions: Vec::new(),
        });
        self.entities.len() - 1
    }

    /// Appends `“QUOTE,” said WRITTEN.` with WRITTEN resolved to the person `name`.
    pub fn said(self, written: &str, name: &str, quote: &str) -> Doc {
        self.said_by(
            written,
            Some((name, EntityKind::Person, &[])),
            QuoteKind::Direct,
            quote,
        )
    }

    /// Appends `“QUOTE,” said WRITTEN.` with full control.
    pub fn said_by(
        mut self,
        written: &str,
        entity: Option<(&str, EntityKind, &[&str])>,
        kind: QuoteKind,
        quote: &str,
    ) -> Doc {
        let start = chars(&self.text);
        let content_text = format!("“{quote},”");
        let speaker_start = start + chars(&content_text) + " said ".chars().count();
        let cue_start = start + chars(&content_text) + 1;
        self.text
            .push_str(&format!("{content_text} said {written}.\n"));
        let entity_id = entity.map(|(name, kind, titles)| {
            let k = self.entity(name, kind, titles);
            self.entities[k].mentions.push(SpanText {
                span: [speaker_start, speaker_start + chars(written)],
                text: written.to_string(),
            });
            self.entities[k].id.clone()
        });
        self.quotes.push(QuoteRecord {
            id: format!("Q{}", self.quotes.len() + 1),
            kind,
            text: quote.to_string(),
            content: vec![SpanText {
                span: [start, start + chars(&content_text)],
                text: content_text.clone(),
            }],
            cue: Some(CueRecord {
                span: [cue_start, cue_start + 4],
                text: "said".into(),
                lemma: Some("say".into()),
                class: None,
            }),
            speaker: Some(SpeakerRecord {
                span: [speaker_start, speaker_start + chars(written)],
                text: written.to_string(),
                entity: entity_id,
            }),
            when: None,
            confidence: 0.87,
        });
        self
    }

    /// Appends `WRITTEN was there.`, a mention of `name` without a quotation.
    pub fn mention(mut self, written: &str, name: &str, kind: EntityKind) -> Doc {
        let start = chars(&self.text);
        self.text.push_str(&format!("{written} was there.\n"));
        let k = self.entity(name, kind, &[]);
        self.entities[k].mentions.push(SpanText {
            span: [start, start + chars(written)],
            text: written.to_string(),
        });
        self
    }

    /// Adds a title to entity `name` (which must exist).
    pub fn title(mut self, name: &str, title: &str) -> Doc {
        if let Some(e) = self.entities.iter_mut().find(|e| e.name == name) {
            e.titles.push(title.to_string());
        }
        self
    }

    /// The record alone.
    pub fn record(&self) -> Record {
        Record {
            schema: SCHEMA.to_string(),
            id: Some(self.id.clone()),
            url: Some(format!("https://news.example/{}", self.id)),
            meta: MetaRecord {
                headline: None,
                source: None,
                dateline: None,
                agency: None,
                published: self.date.clone(),
            },
            entities: self.entities.clone(),
            quotes: self.quotes.clone(),
        }
    }

    /// The input for the store.
    pub fn build(self) -> DocumentInput {
        let record = self.record();
        DocumentInput::new(self.id, self.text, record)
    }
}

/// A new read-write store in a temporary directory (kept alive by the returned guard).
pub fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path().join("corpus.db"), OpenMode::ReadWrite).expect("open store");
    (dir, store)
}

/// Runs one SQL query returning a single integer, on a separate connection.
pub fn sql_count(path: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// A deterministic synthetic corpus: document `k`, with [`synthetic_quotes`] quotations
/// by a few recurring speakers.
pub fn synthetic(k: usize) -> DocumentInput {
    synthetic_version(k, 0)
}

/// Version `v` (0 or 1) of synthetic document `k`: version 1 is an edited text with one
/// more quotation.
pub fn synthetic_version(k: usize, v: usize) -> DocumentInput {
    let people = [
        "Jens Stoltenberg",
        "Ingrid Lindqvist",
        "Mark Esper",
        "Angela Merkel",
        "Ana Díaz",
        "Kofi Annan",
    ];
    let date = format!("2020-{:02}-{:02}", 1 + k % 12, 1 + k % 28);
    let mut doc = Doc::new(&format!("doc-{k:05}"), &date);
    for j in 0..(3 + k % 5) {
        let who = people[(k + j) % people.len()];
        let quote = format!(
            "Statement number {} of series {} says the talks on item {} will continue next week in the capital",
            j,
            k % 97,
            (k * 7 + j) % 101
        );
        doc = doc.said(who, who, &quote);
    }
    if v == 1 {
        doc = doc.said(
            "Ann Lee",
            "Ann Lee",
            "This correction was added in the second version of the story",
        );
    }
    doc.mention("NATO", "NATO", EntityKind::Organization)
        .build()
}

/// How many quotes [`synthetic`] document `k` has.
pub fn synthetic_quotes(k: usize) -> usize {
    3 + k % 5
}

/// Checks every derived value of the store against the rows it derives from: speaker
/// counters and dates, group statistics, and that nothing points to a missing row.
/// Panics with the names of the failed checks.
pub fn assert_consistent(path: &Path) {
    let checks = [
        (
            "speaker counters",
            "SELECT count(*) FROM speakers s WHERE \
             n_quotes <> (SELECT count(*) FROM quotes WHERE speaker_id = s.id) \
             OR n_direct <> (SELECT count(*) FROM quotes WHERE speaker_id = s.id AND kind = 'direct') \
             OR n_indirect <> (SELECT count(*) FROM quotes WHERE speaker_id = s.id AND kind = 'indirect') \
             OR n_mixed <> (SELECT count(*) FROM quotes WHERE speaker_id = s.id AND kind = 'mixed')",
        ),
        (
            "speaker dates",
            "SELECT count(*) FROM speakers s WHERE \
             first_date IS NOT (SELECT min(d.date) FROM entities e JOIN documents d ON d.id = e.doc WHERE e.speaker = s.id) \
             OR last_date IS NOT (SELECT max(d.date) FROM entities e JOIN documents d ON d.id = e.doc WHERE e.speaker = s.id)",
        ),
        (
            "unused speakers",
            "SELECT count(*) FROM speakers s WHERE NOT EXISTS (SELECT 1 FROM entities WHERE speaker = s.id)",
        ),
        (
            "speaker titles",
            "SELECT count(*) FROM speaker_titles WHERE n <= 0 OR speaker NOT IN (SELECT id FROM speakers)",
        ),
        (
            "speaker aliases",
            "SELECT count(*) FROM speaker_aliases WHERE n <= 0 OR speaker NOT IN (SELECT id FROM speakers)",
        ),
        (
            "group statistics",
            "SELECT count(*) FROM groups g WHERE n_quotes IS NOT (SELECT count(*) FROM quotes WHERE grp = g.id) \
             OR n_docs IS NOT (SELECT count(DISTINCT doc) FROM quotes WHERE grp = g.id) \
             OR first_date IS NOT (SELECT min(date) FROM quotes WHERE grp = g.id) OR n_quotes = 0",
        ),
        (
            "ungrouped quotes",
            "SELECT count(*) FROM quotes WHERE grp IS NULL OR grp NOT IN (SELECT id FROM groups)",
        ),
        (
            "dangling shingles",
            "SELECT count(*) FROM quote_shingles s LEFT JOIN quotes q ON q.id = s.quote \
             WHERE q.speaker_id IS NOT s.speaker",
        ),
        (
            "dangling quotes",
            "SELECT count(*) FROM quotes WHERE doc NOT IN (SELECT id FROM documents) \
             OR (speaker_id IS NOT NULL AND speaker_id NOT IN (SELECT id FROM speakers))",
        ),
        (
            "dangling entities",
            "SELECT count(*) FROM entities WHERE doc NOT IN (SELECT id FROM documents) \
             OR (speaker IS NOT NULL AND speaker NOT IN (SELECT id FROM speakers))",
        ),
    ];
    let failed: Vec<String> = checks
        .iter()
        .filter_map(|(name, sql)| {
            let n = sql_count(path, sql);
            (n != 0).then(|| format!("{name}: {n}"))
        })
        .collect();
    assert!(failed.is_empty(), "inconsistent store: {failed:?}");
    let store = Store::open(path, OpenMode::ReadWrite).expect("open store");
    let problems = store.check().expect("check");
    assert!(problems.is_empty(), "{problems:?}");
}
