//! The JSON schema `whosaid/1`: the serialised form of a [`Document`].
//!
//! Spans here are `[start, end)` in Unicode code points of the input text (as Python
//! indexes a `str`), and every `text` field is exactly that slice. Conversion from the
//! pipeline's byte offsets happens once per document in [`to_record`]: all offsets are
//! collected, sorted, and mapped in a single forward scan of the text (ASCII texts skip
//! the scan altogether). The full field reference is `docs/schema.md`.

use serde::{Deserialize, Serialize};

use crate::attribution::QuoteKind;
use crate::document::Document;
use crate::lexicon::{CueClass, EntityKind};
use crate::span::Span;
use crate::when::Precision;

/// The schema identifier written in every record.
pub const SCHEMA: &str = "whosaid/1";

/// One document's extraction result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The document's identifier (file name, URL, JSON id), if known.
    pub id: Option<String>,
    /// The document's URL, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Article metadata.
    pub meta: MetaRecord,
    /// People, organisations and groups.
    pub entities: Vec<EntityRecord>,
    /// Attributions, in text order.
    pub quotes: Vec<QuoteRecord>,
}

/// A span of the input and its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanText {
    /// `[start, end)` in code points.
    pub span: [usize; 2],
    /// The text of the span.
    pub text: String,
}

/// Article metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaRecord {
    /// The headline, when the first paragraph is one.
    pub headline: Option<String>,
    /// The source or byline line ("AT News Report").
    pub source: Option<String>,
    /// The dateline place ("KABUL").
    pub dateline: Option<SpanText>,
    /// The news agency named in the dateline ("Reuters").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Publication date (`YYYY-MM-DD`) when given.
    pub published: Option<String>,
}

/// An entity and its mentions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRecord {
    /// `E1`, `E2`, … in order of first mention.
    pub id: String,
    /// Canonical name without titles ("Mark Esper").
    pub name: String,
    /// `person`, `organization`, `group` or `unknown`.
    pub kind: EntityKind,
    /// Titles seen with the name ("US Defense Secretary").
    pub titles: Vec<String>,
    /// Every mention, in text order.
    pub mentions: Vec<SpanText>,
}

/// The cue of a quotation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CueRecord {
    /// `[start, end)` in code points.
    pub span: [usize; 2],
    /// The cue as written ("said", "pointed out").
    pub text: String,
    /// The cue's lemma ("say"), when it comes from the cue lexicon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lemma: Option<String>,
    /// What the cue reports: `speech`, `thought`, `intent`, `evidence` or `stance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<CueClass>,
}

/// The speaker of a quotation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakerRecord {
    /// `[start, end)` in code points.
    pub span: [usize; 2],
    /// The speaker as written ("US Defense Secretary Mark Esper", "he").
    pub text: String,
    /// The entity id the speaker resolves to, if any.
    pub entity: Option<String>,
}

/// When a quotation was said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhenRecord {
    /// The time expression ("on Saturday").
    pub text: String,
    /// `[start, end)` in code points.
    pub span: [usize; 2],
    /// Resolved date (`YYYY-MM-DD`) when a publication date was given.
    pub date: Option<String>,
    /// `day`, `week`, `month` or `year`: how precise `date` is.
    pub precision: Precision,
}

/// One quotation (attribution).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteRecord {
    /// `Q1`, `Q2`, … in text order.
    pub id: String,
    /// `direct`, `indirect` or `mixed`.
    pub kind: QuoteKind,
    /// The clean quotation: outer quotation marks stripped, pieces joined with a space.
    pub text: String,
    /// Content pieces, quotation marks and inner punctuation included.
    pub content: Vec<SpanText>,
    /// The cue, if any.
    pub cue: Option<CueRecord>,
    /// The speaker, if any.
    pub speaker: Option<SpeakerRecord>,
    /// When it was said, if the text says.
    pub when: Option<WhenRecord>,
    /// Extractor confidence in 0..1.
    pub confidence: f64,
}

/// Maps byte offsets of a text to code-point offsets.
pub struct CodePoints {
    ascii: bool,
    offsets: Vec<u32>,
    chars: Vec<u32>,
}

impl CodePoints {
    /// Prepares the mapping for the given byte offsets (any order, duplicates allowed).
    pub fn new(text: &str, offsets: impl IntoIterator<Item = u32>) -> CodePoints {
        if text.is_ascii() {
            return CodePoints {
                ascii: true,
                offsets: Vec::new(),
                chars: Vec::new(),
            };
        }
        let mut offsets: Vec<u32> = offsets.into_iter().collect();
        offsets.sort_unstable();
        offsets.dedup();
        let mut chars = Vec::with_capacity(offsets.len());
        let mut count = 0u32;
        let mut it = text.char_indices().peekable();
        for &off in &offsets {
            while let Some(&(b, _)) = it.peek() {
                if (b as u32) < off {
                    count += 1;
                    it.next();
                } else {
                    break;
                }
            }
            chars.push(count);
        }
        CodePoints {
            ascii: false,
            offsets,
            chars,
        }
    }

    /// The code-point offset of byte offset `b` (which must have been given to `new`).
    pub fn get(&self, b: u32) -> usize {
        if self.ascii {
            return b as usize;
        }
        match self.offsets.binary_search(&b) {
            Ok(k) => self.chars[k] as usize,
            Err(_) => 0,
        }
    }

    /// A byte span as a code-point `[start, end)`.
    pub fn span(&self, s: Span) -> [usize; 2] {
        [self.get(s.start), self.get(s.end)]
    }
}

fn round2(x: f32) -> f64 {
    (f64::from(x) * 100.0).round() / 100.0
}

/// Serialises a document as a `whosaid/1` record.
pub fn to_record(doc: &Document, id: Option<&str>, url: Option<&str>) -> Record {
    let mut offsets: Vec<u32> = Vec::new();
    let mut add = |s: Span| {
        offsets.push(s.start);
        offsets.push(s.end);
    };
    if let Some(s) = doc.meta.dateline {
        add(s);
    }
    for m in &doc.mentions {
        add(m.span);
    }
    for a in &doc.attributions {
        a.content.iter().for_each(|s| add(*s));
        a.cue.into_iter().chain(a.speaker).for_each(&mut add);
        if let Some(w) = a.when {
            add(w.span);
        }
    }
    let cp = CodePoints::new(&doc.text, offsets);
    let st = |s: Span| SpanText {
        span: cp.span(s),
        text: doc.slice(s).to_string(),
    };
    let entity_id = |e: u32| format!("E{}", e + 1);
    let entities = doc
        .entities
        .iter()
        .enumerate()
        .map(|(k, e)| EntityRecord {
            id: entity_id(k as u32),
            name: e.name.clone(),
            kind: e.kind,
            titles: e.titles.clone(),
            mentions: e
                .mentions
                .iter()
                .map(|&m| st(doc.mentions[m as usize].span))
                .collect(),
        })
        .collect();
    let quotes = doc
        .attributions
        .iter()
        .enumerate()
        .map(|(k, a)| QuoteRecord {
            id: format!("Q{}", k + 1),
            kind: a.kind,
            text: a.clean_text(doc),
            content: a.content.iter().map(|&s| st(s)).collect(),
            cue: a.cue.map(|s| CueRecord {
                span: cp.span(s),
                text: doc.slice(s).to_string(),
                lemma: a.cue_lemma.clone(),
                class: a.cue_class,
            }),
            speaker: a.speaker.map(|s| SpeakerRecord {
                span: cp.span(s),
                text: doc.slice(s).to_string(),
                entity: a.entity.map(entity_id),
            }),
            when: a.when.map(|w| WhenRecord {
                text: doc.slice(w.span).to_string(),
                span: cp.span(w.span),
                date: w.date.map(|d| d.to_string()),
                precision: w.precision,
            }),
            confidence: round2(a.confidence),
        })
        .collect();
    Record {
        schema: SCHEMA.to_string(),
        id: id.map(str::to_string),
        url: url.map(str::to_string),
        meta: MetaRecord {
            headline: doc.meta.headline.map(|s| doc.slice(s).to_string()),
            source: doc.meta.source.map(|s| doc.slice(s).to_string()),
            dateline: doc.meta.dateline.map(st),
            agency: doc.meta.agency.map(|s| doc.slice(s).to_string()),
            published: doc.published.map(|d| d.to_string()),
        },
        entities,
        quotes,
    }
}

/// Entity kinds serialise as lowercase words; re-exported for schema users.
pub type Kind = EntityKind;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_of_multibyte_text() {
        let text = "“Ünï” said";
        let cp = CodePoints::new(text, [0, 3, 11, 16]);
        assert_eq!(cp.get(0), 0);
        assert_eq!(cp.get(3), 1);
        assert_eq!(cp.get(11), 5);
        assert_eq!(cp.get(16), 10);
        let ascii = CodePoints::new("abc", [1]);
        assert_eq!(ascii.get(2), 2);
    }
}

/// One quotation as a flat row: the shape of the CSV, Parquet and Arrow outputs, where
/// each quotation is a row and nested fields are flattened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteRow {
    /// Document id.
    pub doc_id: String,
    /// Document URL, if known.
    pub url: Option<String>,
    /// Publication date (`YYYY-MM-DD`), if known.
    pub date: Option<String>,
    /// Quotation id within the document (`Q1`, …).
    pub quote_id: String,
    /// `direct`, `indirect` or `mixed`.
    pub kind: String,
    /// Resolved speaker name (the entity's canonical name), if resolved.
    pub speaker_name: Option<String>,
    /// The speaker as written.
    pub speaker_text: Option<String>,
    /// Entity id of the speaker (`E1`, …).
    pub speaker_entity: Option<String>,
    /// Entity kind of the speaker.
    pub speaker_kind: Option<String>,
    /// The speaker entity's titles, joined with `"; "`.
    pub titles: Option<String>,
    /// The cue as written.
    pub cue: Option<String>,
    /// The cue's lemma.
    pub cue_lemma: Option<String>,
    /// The cue's class (`speech`, `thought`, …).
    pub cue_class: Option<String>,
    /// The clean quotation text.
    pub text: String,
    /// Start of the first content piece (code points).
    pub content_start: u64,
    /// End of the last content piece (code points).
    pub content_end: u64,
    /// All content pieces as a JSON array of `[start, end]` pairs.
    pub content_spans: String,
    /// Speaker span start (code points).
    pub speaker_start: Option<u64>,
    /// Speaker span end (code points).
    pub speaker_end: Option<u64>,
    /// Cue span start (code points).
    pub cue_start: Option<u64>,
    /// Cue span end (code points).
    pub cue_end: Option<u64>,
    /// The time expression ("on Saturday").
    pub when_text: Option<String>,
    /// Its resolved date.
    pub when_date: Option<String>,
    /// Extractor confidence.
    pub confidence: f64,
}

/// Column names of [`QuoteRow`], in order (the CSV header).
pub const QUOTE_ROW_COLUMNS: [&str; 24] = [
    "doc_id",
    "url",
    "date",
    "quote_id",
    "kind",
    "speaker_name",
    "speaker_text",
    "speaker_entity",
    "speaker_kind",
    "titles",
    "cue",
    "cue_lemma",
    "cue_class",
    "text",
    "content_start",
    "content_end",
    "content_spans",
    "speaker_start",
    "speaker_end",
    "cue_start",
    "cue_end",
    "when_text",
    "when_date",
    "confidence",
];

fn enum_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Flattens a record into one row per quotation. `doc_id` falls back to an empty string
/// when the record has no id; `date` is the record's publication date.
pub fn quote_rows(record: &Record) -> Vec<QuoteRow> {
    let doc_id = record.id.clone().unwrap_or_default();
    record
        .quotes
        .iter()
        .map(|q| {
            let entity = q
                .speaker
                .as_ref()
                .and_then(|s| s.entity.as_ref())
                .and_then(|id| record.entities.iter().find(|e| &e.id == id));
            let spans: Vec<[usize; 2]> = q.content.iter().map(|c| c.span).collect();
            QuoteRow {
                doc_id: doc_id.clone(),
                url: record.url.clone(),
                date: record.meta.published.clone(),
                quote_id: q.id.clone(),
                kind: enum_name(&q.kind),
                speaker_name: entity.map(|e| e.name.clone()),
                speaker_text: q.speaker.as_ref().map(|s| s.text.clone()),
                speaker_entity: entity.map(|e| e.id.clone()),
                speaker_kind: entity.map(|e| enum_name(&e.kind)),
                titles: entity
                    .filter(|e| !e.titles.is_empty())
                    .map(|e| e.titles.join("; ")),
                cue: q.cue.as_ref().map(|c| c.text.clone()),
                cue_lemma: q.cue.as_ref().and_then(|c| c.lemma.clone()),
                cue_class: q.cue.as_ref().and_then(|c| c.class.as_ref()).map(enum_name),
                text: q.text.clone(),
                content_start: spans.first().map(|s| s[0] as u64).unwrap_or(0),
                content_end: spans.last().map(|s| s[1] as u64).unwrap_or(0),
                content_spans: serde_json::to_string(&spans).unwrap_or_default(),
                speaker_start: q.speaker.as_ref().map(|s| s.span[0] as u64),
                speaker_end: q.speaker.as_ref().map(|s| s.span[1] as u64),
                cue_start: q.cue.as_ref().map(|c| c.span[0] as u64),
                cue_end: q.cue.as_ref().map(|c| c.span[1] as u64),
                when_text: q.when.as_ref().map(|w| w.text.clone()),
                when_date: q.when.as_ref().and_then(|w| w.date.clone()),
                confidence: q.confidence,
            }
        })
        .collect()
}
