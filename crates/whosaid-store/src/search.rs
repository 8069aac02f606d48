//! Finding quotations: full-text relevance, filters, and the pages of hits.
//!
//! ```
//! use whosaid_store::{QuoteQuery, Store, OpenMode};
//!
//! let dir = tempfile::tempdir()?;
//! let store = Store::open(dir.path().join("corpus.db"), OpenMode::ReadWrite)?;
//! let query = QuoteQuery { q: "climate (deal".into(), speaker: Some("Trump".into()), ..QuoteQuery::default() };
//! let page = store.search(&query)?;
//! assert_eq!(page.total, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use jiff::civil::Date;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use serde::Serialize;
use whosaid_core::QuoteKind;
use whosaid_core::schema::QuoteRecord;

use crate::codec::{
    count, date_str, from_json, from_json_opt, parse_date, parse_quote_kind, quote_kind_str,
    sql_int,
};
use crate::syntax;

/// Marks the start of a match in [`QuoteHit::snippet`] (ASCII STX).
pub const MATCH_START: &str = "\u{2}";
/// Marks the end of a match in [`QuoteHit::snippet`] (ASCII ETX).
pub const MATCH_END: &str = "\u{3}";

/// How many words a snippet shows.
const SNIPPET_WORDS: usize = 32;

/// A search for quotations. Every filter that is set must hold.
#[derive(Clone, Debug, PartialEq)]
pub struct QuoteQuery {
    /// Words to look for in the quotation or its speaker as written; `""` matches every
    /// quotation. Any string is accepted: `"a phrase"`, `prefix*` and `a OR b` are
    /// understood, every other character is taken literally.
    pub q: String,
    /// Quotations by speakers whose name or an alias contains all these words, in any
    /// case ("trump" finds "Donald Trump"). A blank string is no filter.
    pub speaker: Option<String>,
    /// Quotations from documents that mention someone whose name or an alias contains
    /// all these words. A blank string is no filter.
    pub mentions: Option<String>,
    /// Quotations from documents dated on or after this day.
    pub since: Option<Date>,
    /// Quotations from documents dated on or before this day.
    pub until: Option<Date>,
    /// Quotations of this kind.
    pub kind: Option<QuoteKind>,
    /// Quotations by the speaker with this id.
    pub speaker_id: Option<i64>,
    /// Quotations in the group with this id (the same quotation in other documents).
    pub group_id: Option<i64>,
    /// At most this many hits.
    pub limit: usize,
    /// Skip this many hits first.
    pub offset: usize,
}

impl Default for QuoteQuery {
    /// Everything, 20 hits at a time.
    fn default() -> QuoteQuery {
        QuoteQuery {
            q: String::new(),
            speaker: None,
            mentions: None,
            since: None,
            until: None,
            kind: None,
            speaker_id: None,
            group_id: None,
            limit: 20,
            offset: 0,
        }
    }
}

/// One page of search results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuotePage {
    /// How many quotations match in all.
    pub total: usize,
    /// The hits of this page, best first.
    pub quotes: Vec<QuoteHit>,
}

/// A quotation found: the schema's quotation object and where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuoteHit {
    /// The quotation as in the `whosaid/1` schema (spans refer to the document's text).
    #[serde(flatten)]
    pub quote: QuoteRecord,
    /// The document's id.
    pub doc_id: String,
    /// The document's date.
    pub date: Option<Date>,
    /// The document's URL.
    pub url: Option<String>,
    /// The speaker's id in the store, when the speaker was resolved.
    pub speaker_id: Option<i64>,
    /// The speaker's display name, when resolved.
    pub speaker_name: Option<String>,
    /// The quotation's group: the same quotation in other documents.
    pub group_id: Option<i64>,
    /// How many distinct documents carry the quotation (1 when only this one).
    pub group_size: usize,
    /// The earliest date of a document in the group.
    pub group_first_date: Option<Date>,
    /// An excerpt of the quotation with the matched words between [`MATCH_START`] and
    /// [`MATCH_END`] (no marks for an empty query).
    pub snippet: String,
}

/// The order of hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// Relevance for a text query, else newest first.
    Best,
    /// Oldest first (a timeline).
    Oldest,
}

/// The `FROM … WHERE …` part of a search and its parameters.
struct Filter {
    from: &'static str,
    where_: String,
    params: Vec<Value>,
    text: bool,
}

/// Builds the filter, or `None` when a filter cannot match anything (a speaker name
/// without a single letter or digit).
fn filter(query: &QuoteQuery) -> Option<Filter> {
    let mut params = Vec::new();
    let mut clauses: Vec<&str> = Vec::new();
    let text = syntax::match_query(&query.q);
    let from = if let Some(m) = &text {
        params.push(Value::Text(m.clone()));
        clauses.push("quotes_fts MATCH ?");
        "FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid"
    } else {
        "FROM quotes q"
    };
    let alias_match = "SELECT a.speaker FROM speaker_aliases a WHERE a.id IN (SELECT rowid FROM alias_fts WHERE alias_fts MATCH ?)";
    let speaker_clause = format!("q.speaker_id IN ({alias_match})");
    let mentions_clause =
        format!("q.doc IN (SELECT e.doc FROM entities e WHERE e.speaker IN ({alias_match}))");
    for (value, clause) in [
        (&query.speaker, &speaker_clause),
        (&query.mentions, &mentions_clause),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            params.push(Value::Text(syntax::all_words(v)?));
            clauses.push(clause);
        }
    }
    let optional = [
        (query.since.map(|d| Value::Text(date_str(d))), "q.date >= ?"),
        (query.until.map(|d| Value::Text(date_str(d))), "q.date <= ?"),
        (
            query.kind.map(|k| Value::Text(quote_kind_str(k).into())),
            "q.kind = ?",
        ),
        (query.speaker_id.map(Value::Integer), "q.speaker_id = ?"),
        (query.group_id.map(Value::Integer), "q.grp = ?"),
    ];
    for (value, clause) in optional {
        if let Some(v) = value {
            params.push(v);
            clauses.push(clause);
        }
    }
    let where_ = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    Some(Filter {
        from,
        where_,
        params,
        text: text.is_some(),
    })
}

const HIT_COLUMNS: &str = "q.qid, q.kind, q.text, q.content, q.cue, q.speaker, q.when_said, q.confidence, \
     d.doc_id, q.date, d.url, q.speaker_id, s.name, q.grp, g.n_docs, g.first_date";

/// Runs a search.
pub(crate) fn run(
    conn: &Connection,
    query: &QuoteQuery,
    order: Order,
) -> rusqlite::Result<QuotePage> {
    let Some(filter) = filter(query) else {
        return Ok(QuotePage {
            total: 0,
            quotes: Vec::new(),
        });
    };
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) {} {}",
            filter.from, filter.where_
        ))?
        .query_row(params_from_iter(filter.params.iter()), |r| r.get(0))?;
    if query.limit == 0 {
        return Ok(QuotePage {
            total: count(total),
            quotes: Vec::new(),
        });
    }
    let (snippet, order_by) = match (filter.text, order) {
        (true, Order::Best) => (
            format!("snippet(quotes_fts, 0, char(2), char(3), '…', {SNIPPET_WORDS})"),
            "bm25(quotes_fts, 1.0, 0.5), q.date DESC, q.id",
        ),
        (true, Order::Oldest) => (
            format!("snippet(quotes_fts, 0, char(2), char(3), '…', {SNIPPET_WORDS})"),
            "q.date IS NULL, q.date, q.id",
        ),
        (false, Order::Best) => ("NULL".to_string(), "q.date DESC, q.id"),
        (false, Order::Oldest) => ("NULL".to_string(), "q.date IS NULL, q.date, q.id"),
    };
    let sql = format!(
        "SELECT {HIT_COLUMNS}, {snippet} {} \
         JOIN documents d ON d.id = q.doc LEFT JOIN speakers s ON s.id = q.speaker_id \
         LEFT JOIN groups g ON g.id = q.grp {} ORDER BY {order_by} LIMIT ? OFFSET ?",
        filter.from, filter.where_
    );
    let mut params = filter.params.clone();
    params.push(Value::Integer(sql_int(query.limit)));
    params.push(Value::Integer(sql_int(query.offset)));
    let mut stmt = conn.prepare_cached(&sql)?;
    let quotes = stmt
        .query_map(params_from_iter(params.iter()), read_hit)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(QuotePage {
        total: count(total),
        quotes,
    })
}

/// Reads a quotation's schema fields from columns `first..first + 8` (qid, kind, text,
/// content, cue, speaker, when, confidence).
pub(crate) fn read_quote(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<QuoteRecord> {
    let kind: String = r.get(first + 1)?;
    Ok(QuoteRecord {
        id: r.get(first)?,
        kind: parse_quote_kind(&kind),
        text: r.get(first + 2)?,
        content: from_json(first + 3, &r.get::<_, String>(first + 3)?)?,
        cue: from_json_opt(first + 4, r.get(first + 4)?)?,
        speaker: from_json_opt(first + 5, r.get(first + 5)?)?,
        when: from_json_opt(first + 6, r.get(first + 6)?)?,
        confidence: r.get(first + 7)?,
    })
}

fn read_hit(r: &rusqlite::Row<'_>) -> rusqlite::Result<QuoteHit> {
    let quote = read_quote(r, 0)?;
    let snippet = match r.get::<_, Option<String>>(16)? {
        Some(s) => s,
        None => excerpt(&quote.text, SNIPPET_WORDS),
    };
    Ok(QuoteHit {
        doc_id: r.get(8)?,
        date: parse_date(r.get(9)?),
        url: r.get(10)?,
        speaker_id: r.get(11)?,
        speaker_name: r.get(12)?,
        group_id: r.get(13)?,
        group_size: count(r.get::<_, Option<i64>>(14)?.unwrap_or(1)),
        group_first_date: parse_date(r.get(15)?),
        snippet,
        quote,
    })
}

/// The first `n` words of a text, with `…` when there are more.
fn excerpt(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{}…", words[..n].join(" "))
    }
}

/// Replaces the match marks of a snippet with `start` and `end` (for example ANSI
/// styles, or `<mark>` tags after HTML-escaping the snippet).
///
/// ```
/// use whosaid_store::{highlight, MATCH_END, MATCH_START};
///
/// let snippet = format!("we {MATCH_START}will{MATCH_END} win");
/// assert_eq!(highlight(&snippet, "[", "]"), "we [will] win");
/// assert_eq!(highlight(&snippet, "", ""), "we will win");
/// ```
pub fn highlight(snippet: &str, start: &str, end: &str) -> String {
    snippet.replace(MATCH_START, start).replace(MATCH_END, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("a  b\nc", 5), "a b c");
        assert_eq!(excerpt("a b c d", 2), "a b…");
        assert_eq!(excerpt("", 2), "");
    }
}
