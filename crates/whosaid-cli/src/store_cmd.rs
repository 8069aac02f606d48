//! The corpus store commands: `whosaid index`, `search`, `speakers` and `show`.
//!
//! Each command is a plain function of already-parsed arguments that writes to `out`;
//! `color` turns on ANSI styles (the caller decides, from the terminal and `--color`).

use std::io::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use whosaid_core::QuoteKind;
use whosaid_store::{
    BatchStats, DocumentInput, OpenMode, QuoteHit, QuoteQuery, SpeakerSummary, Store, StoreStats,
};

/// The styles of the text output; all plain when colour is off.
struct Styles {
    bold: Style,
    dim: Style,
    speaker: Style,
    cue: Style,
    matched: Style,
    quote: Style,
}

impl Styles {
    fn new(color: bool) -> Styles {
        let pick = |s: Style| if color { s } else { Style::new() };
        Styles {
            bold: pick(Style::new().bold()),
            dim: pick(Style::new().dimmed()),
            speaker: pick(AnsiColor::Cyan.on_default().bold()),
            cue: pick(AnsiColor::Yellow.on_default()),
            matched: pick(AnsiColor::Yellow.on_default().bold().underline()),
            quote: pick(AnsiColor::Green.on_default()),
        }
    }
}

/// Output formats of `search` and `speakers`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// Readable lines, with matches highlighted on a terminal.
    Text,
    /// One JSON array.
    Json,
    /// A header line, then one row per item.
    Csv,
}

/// Writes documents to a store in batches: the body of `whosaid index`.
///
/// Each full batch is committed as it fills, so an interrupted run keeps what it
/// committed, and rerunning it skips the documents already stored unchanged.
pub struct Indexer {
    store: Store,
    pending: Vec<DocumentInput>,
    batch_size: usize,
    totals: BatchStats,
}

impl Indexer {
    /// Opens (creating it if needed) the store at `db`; `rebuild` empties it first (the
    /// fix for a store written by another version of whosaid).
    ///
    /// # Errors
    /// When the store cannot be opened or has another schema version.
    pub fn open(db: &Path, rebuild: bool, batch_size: usize) -> anyhow::Result<Indexer> {
        let mode = if rebuild {
            OpenMode::Recreate
        } else {
            OpenMode::ReadWrite
        };
        let store = Store::open(db, mode)?;
        Ok(Indexer {
            store,
            pending: Vec::new(),
            batch_size: batch_size.max(1),
            totals: BatchStats::default(),
        })
    }

    /// Queues one document, committing a batch when enough are queued.
    ///
    /// # Errors
    /// When a batch cannot be written (it is then rolled back whole).
    pub fn add(&mut self, doc: DocumentInput) -> anyhow::Result<()> {
        self.pending.push(doc);
        if self.pending.len() >= self.batch_size {
            self.flush()?;
        }
        Ok(())
    }

    /// Commits the queued documents.
    ///
    /// # Errors
    /// When the batch cannot be written.
    pub fn flush(&mut self) -> anyhow::Result<()> {
        if !self.pending.is_empty() {
            self.totals += self.store.index_batch(&self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }

    /// Commits the rest and returns the run's totals and what the store now holds.
    ///
    /// # Errors
    /// When the last batch cannot be written.
    pub fn finish(mut self) -> anyhow::Result<(BatchStats, StoreStats)> {
        self.flush()?;
        Ok((self.totals, self.store.stats()?))
    }
}

/// Writes the one-line summary of an indexing run.
///
/// # Errors
/// When writing to `out` fails.
pub fn index_summary(
    out: &mut dyn Write,
    db: &Path,
    run: BatchStats,
    store: StoreStats,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{}: {} new, {} replaced, {} unchanged documents ({} quotations written); the store holds {} documents, {} quotations, {} speakers",
        db.display(),
        run.added,
        run.replaced,
        run.unchanged,
        run.quotes,
        store.documents,
        store.quotes,
        store.speakers
    )?;
    Ok(())
}

/// `whosaid search`: quotations matching `query`, in the given format.
///
/// # Errors
/// When the store cannot be opened or read, or writing to `out` fails.
pub fn search(
    db: &Path,
    query: &QuoteQuery,
    format: ListFormat,
    out: &mut dyn Write,
    color: bool,
) -> anyhow::Result<()> {
    let store = Store::open(db, OpenMode::ReadOnly)?;
    let page = store.search(query)?;
    match format {
        ListFormat::Text => {
            let st = Styles::new(color);
            for hit in &page.quotes {
                write_hit(out, hit, &st)?;
            }
            let shown = page.quotes.len();
            let range = if shown == 0 {
                String::new()
            } else {
                format!(", showing {}–{}", query.offset + 1, query.offset + shown)
            };
            let dim = st.dim;
            writeln!(out, "{dim}{} quotations match{range}{dim:#}", page.total)?;
        }
        ListFormat::Json => {
            let hits: Vec<serde_json::Value> =
                page.quotes.iter().map(hit_json).collect::<Result<_, _>>()?;
            serde_json::to_writer_pretty(&mut *out, &hits)?;
            writeln!(out)?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "doc_id",
                "date",
                "quote_id",
                "kind",
                "speaker_name",
                "speaker_id",
                "speaker_text",
                "cue",
                "text",
                "url",
                "group_id",
                "group_size",
                "confidence",
            ])?;
            for h in &page.quotes {
                w.write_record([
                    h.doc_id.clone(),
                    opt(h.date),
                    h.quote.id.clone(),
                    kind_word(h.quote.kind).to_string(),
                    h.speaker_name.clone().unwrap_or_default(),
                    opt(h.speaker_id),
                    h.quote
                        .speaker
                        .as_ref()
                        .map(|s| s.text.clone())
                        .unwrap_or_default(),
                    h.quote
                        .cue
                        .as_ref()
                        .map(|c| c.text.clone())
                        .unwrap_or_default(),
                    h.quote.text.clone(),
                    h.url.clone().unwrap_or_default(),
                    opt(h.group_id),
                    h.group_size.to_string(),
                    h.quote.confidence.to_string(),
                ])?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

/// The JSON object of a hit: the schema's quotation fields plus `doc_id`, `date`,
/// `speaker_name` and the store's ids (no snippet: `text` is the whole quotation).
fn hit_json(hit: &QuoteHit) -> serde_json::Result<serde_json::Value> {
    let mut value = serde_json::to_value(hit)?;
    if let Some(map) = value.as_object_mut() {
        map.remove("snippet");
    }
    Ok(value)
}

fn write_hit(out: &mut dyn Write, hit: &QuoteHit, st: &Styles) -> std::io::Result<()> {
    let who = match (&hit.speaker_name, &hit.quote.speaker) {
        (Some(name), _) => name.clone(),
        (None, Some(s)) => s.text.clone(),
        (None, None) => "(unattributed)".to_string(),
    };
    let date = hit
        .date
        .map(|d| d.to_string())
        .unwrap_or_else(|| "undated".to_string());
    let also = if hit.group_size > 1 {
        format!(" · in {} documents", hit.group_size)
    } else {
        String::new()
    };
    let (speaker, dim, matched) = (st.speaker, st.dim, st.matched);
    let (id, kind) = (&hit.quote.id, kind_word(hit.quote.kind));
    writeln!(
        out,
        "{speaker}{who}{speaker:#} {dim}{date} · {} {id} · {kind}{also}{dim:#}",
        hit.doc_id
    )?;
    let snippet = whosaid_store::highlight(
        &one_line(&hit.snippet),
        &matched.to_string(),
        &format!("{matched:#}"),
    );
    writeln!(out, "    “{snippet}”")?;
    writeln!(out)
}

/// `whosaid speakers`: the `top` most quoted speakers.
///
/// # Errors
/// When the store cannot be opened or read, or writing to `out` fails.
pub fn speakers(
    db: &Path,
    top: usize,
    format: ListFormat,
    out: &mut dyn Write,
    color: bool,
) -> anyhow::Result<()> {
    let store = Store::open(db, OpenMode::ReadOnly)?;
    let list = store.speakers(top)?;
    match format {
        ListFormat::Text => {
            let st = Styles::new(color);
            for (rank, s) in list.iter().enumerate() {
                write_speaker(out, rank + 1, s, &st)?;
            }
            if list.is_empty() {
                let dim = st.dim;
                writeln!(out, "{dim}no quoted speakers in {}{dim:#}", db.display())?;
            }
        }
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "name",
                "kind",
                "quotes",
                "direct",
                "indirect",
                "mixed",
                "first_date",
                "last_date",
                "titles",
                "aliases",
            ])?;
            for s in &list {
                w.write_record([
                    s.id.to_string(),
                    s.name.clone(),
                    entity_word(s.kind),
                    s.quote_count.to_string(),
                    s.kinds.direct.to_string(),
                    s.kinds.indirect.to_string(),
                    s.kinds.mixed.to_string(),
                    opt(s.first_date),
                    opt(s.last_date),
                    s.titles.join("; "),
                    s.aliases.join("; "),
                ])?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

fn write_speaker(
    out: &mut dyn Write,
    rank: usize,
    s: &SpeakerSummary,
    st: &Styles,
) -> std::io::Result<()> {
    let dates = match (s.first_date, s.last_date) {
        (Some(a), Some(b)) if a == b => format!(" · {a}"),
        (Some(a), Some(b)) => format!(" · {a} – {b}"),
        _ => String::new(),
    };
    let (speaker, dim, k) = (st.speaker, st.dim, s.kinds);
    writeln!(
        out,
        "{rank:>4}. {speaker}{}{speaker:#} {dim}({}) · {} quotations: {} direct, {} indirect, {} mixed{dates} · id {}{dim:#}",
        s.name,
        entity_word(s.kind),
        s.quote_count,
        k.direct,
        k.indirect,
        k.mixed,
        s.id,
    )?;
    if !s.titles.is_empty() {
        writeln!(out, "      {dim}{}{dim:#}", s.titles.join("; "))?;
    }
    Ok(())
}

/// `whosaid show`: one document's text with its quotations highlighted, then the list
/// of its quotations.
///
/// # Errors
/// When the store cannot be opened or read, the document is not in it, or writing to
/// `out` fails.
pub fn show(db: &Path, doc_id: &str, out: &mut dyn Write, color: bool) -> anyhow::Result<()> {
    let store = Store::open(db, OpenMode::ReadOnly)?;
    let Some(doc) = store.document(doc_id)? else {
        anyhow::bail!(
            "{}: no document {doc_id:?} (list some with `whosaid search --db {}`)",
            db.display(),
            db.display()
        );
    };
    let st = Styles::new(color);
    let (bold, dim, speaker) = (st.bold, st.dim, st.speaker);
    writeln!(
        out,
        "{bold}{}{bold:#}",
        doc.title.as_deref().unwrap_or(&doc.id)
    )?;
    let meta: Vec<String> = [
        Some(doc.id.clone()),
        doc.date.map(|d| d.to_string()),
        doc.url.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    writeln!(out, "{dim}{}{dim:#}", meta.join(" · "))?;
    writeln!(out)?;
    write_marked_text(out, &doc.text, &doc.record.quotes, &st, color)?;
    writeln!(out)?;
    for q in &doc.record.quotes {
        let who = q
            .speaker
            .as_ref()
            .map(|s| {
                let name = s
                    .entity
                    .as_ref()
                    .and_then(|e| doc.record.entities.iter().find(|x| &x.id == e))
                    .map(|e| e.name.as_str());
                match name {
                    Some(n) if n != s.text => format!("{n} ({})", s.text),
                    _ => s.text.clone(),
                }
            })
            .unwrap_or_else(|| "(unattributed)".to_string());
        writeln!(
            out,
            "{bold}{:<4}{bold:#} {speaker}{who}{speaker:#} {dim}[{}]{dim:#}",
            q.id,
            kind_word(q.kind)
        )?;
        writeln!(out, "     “{}”", one_line(&q.text))?;
    }
    Ok(())
}

/// Writes the text with quotation content, speakers and cues styled (plain without color).
fn write_marked_text(
    out: &mut dyn Write,
    text: &str,
    quotes: &[whosaid_core::schema::QuoteRecord],
    st: &Styles,
    color: bool,
) -> std::io::Result<()> {
    if !color {
        return writeln!(out, "{text}");
    }
    // One style per character; speakers and cues win over the content around them.
    let n = text.chars().count();
    let mut marks: Vec<Option<Style>> = vec![None; n];
    let mut paint = |span: [usize; 2], s: Style| {
        for m in marks.iter_mut().take(span[1].min(n)).skip(span[0]) {
            *m = Some(s);
        }
    };
    for q in quotes {
        q.content.iter().for_each(|c| paint(c.span, st.quote));
    }
    for q in quotes {
        if let Some(c) = &q.cue {
            paint(c.span, st.cue);
        }
        if let Some(s) = &q.speaker {
            paint(s.span, st.speaker);
        }
    }
    let mut current: Option<Style> = None;
    for (c, mark) in text.chars().zip(marks) {
        if mark != current {
            if let Some(s) = current {
                write!(out, "{s:#}")?;
            }
            if let Some(s) = mark {
                write!(out, "{s}")?;
            }
            current = mark;
        }
        write!(out, "{c}")?;
    }
    if let Some(s) = current {
        write!(out, "{s:#}")?;
    }
    writeln!(out)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn kind_word(kind: QuoteKind) -> &'static str {
    match kind {
        QuoteKind::Direct => "direct",
        QuoteKind::Indirect => "indirect",
        QuoteKind::Mixed => "mixed",
    }
}

fn entity_word(kind: whosaid_core::EntityKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_store(dir: &Path) -> std::path::PathBuf {
        let db = dir.join("corpus.db");
        let mut indexer = Indexer::open(&db, false, 2).unwrap();
        for (id, date, text) in [
            (
                "a",
                "2020-02-15",
                "“We will not back down, whatever it costs us,” said Jane Doe, the union leader.",
            ),
            (
                "b",
                "2020-02-16",
                "“We will not back down, whatever it costs us,” Jane Doe said on Sunday.",
            ),
            (
                "c",
                "2020-02-17",
                "“The port stays open, with or without the union,” said John Roe.",
            ),
        ] {
            let options = whosaid_core::Options {
                published: date.parse().ok(),
                ..Default::default()
            };
            let record = whosaid_core::schema::to_record(
                &whosaid_core::extract(text, &options),
                Some(id),
                None,
            );
            indexer.add(DocumentInput::new(id, text, record)).unwrap();
        }
        let (run, stats) = indexer.finish().unwrap();
        assert_eq!((run.added, stats.documents), (3, 3));
        db
    }

    fn text_of(f: impl FnOnce(&mut Vec<u8>) -> anyhow::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn search_in_three_formats() {
        let dir = tempfile::tempdir().unwrap();
        let db = sample_store(dir.path());
        let query = QuoteQuery {
            q: "back down".into(),
            ..QuoteQuery::default()
        };
        let plain = text_of(|o| search(&db, &query, ListFormat::Text, o, false));
        assert!(plain.contains("Jane Doe"), "{plain}");
        assert!(plain.contains("2 quotations match"), "{plain}");
        assert!(
            !plain.contains('\u{1b}') && !plain.contains(whosaid_store::MATCH_START),
            "{plain}"
        );
        let colored = text_of(|o| search(&db, &query, ListFormat::Text, o, true));
        let matched = Styles::new(true).matched;
        assert!(
            colored.contains(&format!("{matched}back{matched:#}")),
            "{colored}"
        );

        let json: serde_json::Value = serde_json::from_str(&text_of(|o| {
            search(&db, &query, ListFormat::Json, o, false)
        }))
        .unwrap();
        let first = &json.as_array().unwrap()[0];
        for field in [
            "id",
            "kind",
            "text",
            "content",
            "doc_id",
            "date",
            "speaker_name",
        ] {
            assert!(first.get(field).is_some(), "{field} missing in {first}");
        }
        assert!(first.get("snippet").is_none());

        let csv = text_of(|o| search(&db, &QuoteQuery::default(), ListFormat::Csv, o, false));
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("doc_id,date,quote_id"));
        assert_eq!(lines.len(), 4, "{csv}");
        assert!(
            lines[1].contains("\"The port stays open, with or without the union"),
            "{csv}"
        );
    }

    #[test]
    fn speakers_and_show() {
        let dir = tempfile::tempdir().unwrap();
        let db = sample_store(dir.path());
        let list = text_of(|o| speakers(&db, 10, ListFormat::Text, o, false));
        assert!(list.contains("1. Jane Doe"), "{list}");
        let json: serde_json::Value =
            serde_json::from_str(&text_of(|o| speakers(&db, 10, ListFormat::Json, o, false)))
                .unwrap();
        assert_eq!(json[0]["name"], "Jane Doe");
        let csv = text_of(|o| speakers(&db, 1, ListFormat::Csv, o, false));
        assert_eq!(csv.lines().count(), 2);

        let shown = text_of(|o| show(&db, "c", o, true));
        assert!(shown.contains("John Roe"), "{shown}");
        assert!(
            shown.contains(&Styles::new(true).quote.to_string()),
            "{shown}"
        );
        let plain = text_of(|o| show(&db, "c", o, false));
        assert!(plain.contains("“The port stays open, with or without the union,” said John Roe."));
        let mut sink = Vec::new();
        let err = show(&db, "missing", &mut sink, false).unwrap_err();
        assert!(err.to_string().contains("no document \"missing\""), "{err}");
        let err = search(
            &dir.path().join("none.db"),
            &QuoteQuery::default(),
            ListFormat::Text,
            &mut sink,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("no such store"), "{err}");
    }
}
