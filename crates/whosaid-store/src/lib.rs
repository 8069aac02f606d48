/*!
whosaid-store: the embedded corpus store of whosaid, with search.

It keeps indexed news reports — their text and the engine's `whosaid/1` record of each —
in one SQLite file, and answers the questions a reader of a corpus asks: which quotations
match these words, who is quoted most, everything one person said in date order, the same
quotation as reported by several outlets, and one document with its quotations.

```
use whosaid_store::{DocumentInput, OpenMode, QuoteQuery, Store};

let dir = tempfile::tempdir()?;
let mut store = Store::open(dir.path().join("corpus.db"), OpenMode::ReadWrite)?;

let text = "“We will not back down,” said Jane Doe, the union's leader.";
let options = whosaid_core::Options { published: "2020-02-15".parse().ok(), ..Default::default() };
let doc = whosaid_core::extract(text, &options);
let record = whosaid_core::schema::to_record(&doc, Some("strike-1"), None);
store.index_batch(&[DocumentInput::new("strike-1", text, record)])?;

let page = store.search(&QuoteQuery { q: "back down".into(), ..QuoteQuery::default() })?;
assert_eq!(page.total, 1);
assert_eq!(page.quotes[0].doc_id, "strike-1");
# Ok::<(), Box<dyn std::error::Error>>(())
```

# Design

**SQLite with FTS5.** A corpus store must be one file that a command-line user can copy,
that a web viewer can read while an indexer writes, and that survives a killed process.
SQLite gives all of this in-process, with no server, and its FTS5 extension (compiled in by
`rusqlite`'s `bundled` feature) gives ranked full-text search (bm25) and match snippets.
The quotation index uses the `quotes` table as external content, so the quotation text
is stored once; it is brought up to date once per batch, not row by row. The file runs in
WAL mode: readers never block the writer, and after a crash the last committed state is
what remains.

**One transaction per batch.** [`Store::index_batch`] writes a whole batch, and brings
the derived data (speaker statistics, quote groups) up to date, inside one transaction.
A process killed mid-run leaves every earlier batch complete and nothing of the current
one, and rerunning the same inputs finishes the job.

**Idempotent indexing.** A document is known by its id and by the SHA-256 of its text.
Indexing one removes every stored document with the same id or the same text first
(taking back what it contributed to speakers and groups), so a re-indexed or renamed
article replaces the old one instead of duplicating it; a document stored exactly as given
is skipped without writing.

**Speakers across documents.** The engine resolves names within one document ("NATO
Secretary General Jens Stoltenberg", "Stoltenberg", "he" → the entity "Jens Stoltenberg").
The store joins entities of different documents into one speaker record keyed by kind and
folded full name (lowercase, accents removed, punctuation collapsed: `person:jens
stoltenberg`); a surname alone joins the one person with that surname when there is
exactly one (and absorbs a surname-only record created before it arrived). Titles and
aliases are reference-counted, so removing a document takes back exactly what it added.

**Quote groups.** The same quotation of the same speaker in several documents (equal
folded text, or word 3-shingles with Jaccard similarity ≥ 0.8) forms a group that knows
its earliest date and how many documents carry it; groups are found incrementally through
an index of shingle prefixes and kept consistent when documents are replaced.

**Statistics written once per batch.** Speaker counters, dates, aliases and titles are
tallied in memory and written at the end of each batch, and so are both full-text
indexes: FTS5 flushes its buffered changes whenever a statement opens a savepoint, so
row-by-row maintenance (triggers) made indexing several times slower.

**No migrations.** The store is an index that can always be rebuilt from its inputs: a
file of another [`SCHEMA_VERSION`] is refused with a message that names both versions and
the command that re-creates it ([`OpenMode::Recreate`]).
*/
#![deny(missing_docs)]

mod codec;
mod document;
mod error;
mod groups;
mod index;
mod normalize;
mod schema;
mod search;
mod speakers;
mod syntax;
mod textindex;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior};
use serde::Serialize;

pub use document::DocumentDetail;
pub use error::{Error, Result};
pub use groups::{EXACT_MIN_WORDS, NEAR_MIN_WORDS};
pub use index::{BatchStats, DocumentInput};
pub use schema::SCHEMA_VERSION;
pub use search::{MATCH_END, MATCH_START, QuoteHit, QuotePage, QuoteQuery, highlight};
pub use speakers::{KindCounts, SpeakerDetail, SpeakerSummary};

use crate::error::Context;
use crate::search::Order;

/// How to open a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Read only; the file must exist and be a store of this version. Every write fails
    /// with [`Error::ReadOnly`].
    ReadOnly,
    /// Read and write; a missing or empty file becomes a new store.
    ReadWrite,
    /// Read and write, discarding whatever the store held (of any schema version): the
    /// fix for [`Error::SchemaMismatch`]. A database that is not a whosaid store is left
    /// untouched ([`Error::NotAStore`]).
    Recreate,
}

/// How much a store holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StoreStats {
    /// Documents.
    pub documents: usize,
    /// Quotations.
    pub quotes: usize,
    /// Speaker records (people, organisations and groups, quoted or only mentioned).
    pub speakers: usize,
    /// Quote groups (a quotation reported once is a group of one).
    pub groups: usize,
}

/// An open corpus store: one SQLite file.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    mode: OpenMode,
}

impl Store {
    /// Opens (or creates) the store at `path`.
    ///
    /// # Errors
    /// [`Error::NotFound`] when a read-only store does not exist, [`Error::SchemaMismatch`]
    /// when the file has another schema version, [`Error::NotAStore`] when it is another
    /// kind of database, [`Error::Sqlite`] when it cannot be opened or read.
    pub fn open(path: impl AsRef<Path>, mode: OpenMode) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let writable = mode != OpenMode::ReadOnly;
        let mut conn = schema::connect(&path, writable)?;
        if mode == OpenMode::Recreate {
            schema::recreate(&mut conn, &path)?;
        } else {
            schema::check_or_create(&mut conn, &path, writable)?;
        }
        Ok(Store { conn, path, mode })
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How the store was opened.
    pub fn mode(&self) -> OpenMode {
        self.mode
    }

    /// Indexes a batch of documents in one transaction: all of them or, on error, none.
    /// A document with the id or the text of a stored one replaces it; one stored exactly
    /// as given is skipped.
    ///
    /// # Errors
    /// [`Error::ReadOnly`] for a read-only store, [`Error::Sqlite`] when writing fails
    /// (the batch is then rolled back).
    pub fn index_batch(&mut self, docs: &[DocumentInput]) -> Result<BatchStats> {
        if self.mode == OpenMode::ReadOnly {
            return Err(Error::ReadOnly {
                path: self.path.clone(),
            });
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .at(&self.path)?;
        let stats = index::write_batch(&tx, docs).at(&self.path)?;
        tx.commit().at(&self.path)?;
        Ok(stats)
    }

    /// Searches quotations: by relevance when `query.q` has words, newest first
    /// otherwise. Any query string is accepted.
    ///
    /// # Errors
    /// [`Error::Sqlite`] when reading fails.
    pub fn search(&self, query: &QuoteQuery) -> Result<QuotePage> {
        search::run(&self.conn, query, Order::Best).at(&self.path)
    }

    /// The `top` most quoted speakers, most quoted first.
    ///
    /// # Errors
    /// [`Error::Sqlite`] when reading fails.
    pub fn speakers(&self, top: usize) -> Result<Vec<SpeakerSummary>> {
        speakers::most_quoted(&self.conn, top).at(&self.path)
    }

    /// One speaker and all their quotations, oldest first; `None` for an unknown id.
    ///
    /// # Errors
    /// [`Error::Sqlite`] when reading fails.
    pub fn speaker(&self, id: i64) -> Result<Option<SpeakerDetail>> {
        let Some(speaker) = speakers::summary(&self.conn, id).at(&self.path)? else {
            return Ok(None);
        };
        let query = QuoteQuery {
            speaker_id: Some(id),
            limit: usize::MAX,
            ..QuoteQuery::default()
        };
        let quotes = search::run(&self.conn, &query, Order::Oldest)
            .at(&self.path)?
            .quotes;
        Ok(Some(SpeakerDetail { speaker, quotes }))
    }

    /// One document with its text and record; `None` for an unknown id.
    ///
    /// # Errors
    /// [`Error::Sqlite`] when reading fails.
    pub fn document(&self, id: &str) -> Result<Option<DocumentDetail>> {
        document::load(&self.conn, id).at(&self.path)
    }

    /// How many documents, quotations, speakers and groups the store holds.
    ///
    /// # Errors
    /// [`Error::Sqlite`] when reading fails.
    pub fn stats(&self) -> Result<StoreStats> {
        let n = |table: &str| -> Result<usize> {
            let sql = format!("SELECT count(*) FROM {table}");
            self.conn
                .query_row(&sql, [], |r| r.get::<_, i64>(0))
                .map(codec::count)
                .at(&self.path)
        };
        Ok(StoreStats {
            documents: n("documents")?,
            quotes: n("quotes")?,
            speakers: n("speakers")?,
            groups: n("groups")?,
        })
    }

    /// Checks the file (SQLite's `integrity_check`) and, when open for writing, that both
    /// full-text indexes agree with their tables. Returns the problems found, none when
    /// all is well.
    ///
    /// # Errors
    /// [`Error::Sqlite`] when the checks cannot run.
    pub fn check(&self) -> Result<Vec<String>> {
        let mut problems: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .at(&self.path)?
            .into_iter()
            .filter(|m| m != "ok")
            .collect();
        if self.mode != OpenMode::ReadOnly {
            for table in ["quotes_fts", "alias_fts"] {
                let sql =
                    format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)");
                if let Err(e) = self.conn.execute(&sql, []) {
                    problems.push(format!("{table}: {e}"));
                }
            }
        }
        Ok(problems)
    }
}
