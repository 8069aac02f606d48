//! The database layout, its version, and opening, checking or re-creating a store file.
//!
//! There are no migrations: a store is an index that can always be rebuilt from the
//! inputs, so a file whose version differs from [`SCHEMA_VERSION`] is refused with a
//! message naming both versions and the command that re-creates it.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Context, Error, Result};

/// The layout version this build reads and writes. Bump it whenever a table, a column, an
/// index, a tokenizer or a rule that derives stored values (speaker keys, aliases, quote
/// normalisation) changes.
pub const SCHEMA_VERSION: i64 = 1;

/// The tables. `documents` holds the texts; `entities` and `quotes` each document's
/// extraction result (nested parts as JSON); `speakers` the people and organisations
/// across documents with ref-counted `speaker_titles` and `speaker_aliases`; `groups` the
/// same quotation reported by several documents, found through `quote_shingles`. Two FTS5
/// indexes use the `quotes` and `speaker_aliases` tables as external content, kept in step
/// at the end of each batch (see the `textindex` module for why not by triggers).
const DDL: &str = r#"
CREATE TABLE whosaid_schema (version INTEGER NOT NULL);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    content_hash BLOB NOT NULL UNIQUE,
    record_hash BLOB NOT NULL,
    url TEXT,
    date TEXT,
    title TEXT,
    text TEXT NOT NULL,
    meta TEXT NOT NULL
);

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    surname TEXT,
    first_date TEXT,
    last_date TEXT,
    n_quotes INTEGER NOT NULL DEFAULT 0,
    n_direct INTEGER NOT NULL DEFAULT 0,
    n_indirect INTEGER NOT NULL DEFAULT 0,
    n_mixed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX speakers_surname ON speakers(kind, surname) WHERE surname IS NOT NULL;
CREATE INDEX speakers_quoted ON speakers(n_quotes DESC);

CREATE TABLE speaker_titles (
    speaker INTEGER NOT NULL,
    title TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (speaker, title)
) WITHOUT ROWID;

CREATE TABLE speaker_aliases (
    id INTEGER PRIMARY KEY,
    speaker INTEGER NOT NULL,
    alias TEXT NOT NULL,
    n INTEGER NOT NULL,
    UNIQUE (speaker, alias)
);
CREATE VIRTUAL TABLE alias_fts USING fts5(
    alias, content='speaker_aliases', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE entities (
    doc INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    eid TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    titles TEXT NOT NULL,
    mentions TEXT NOT NULL,
    speaker INTEGER,
    PRIMARY KEY (doc, ord)
) WITHOUT ROWID;
CREATE INDEX entities_speaker ON entities(speaker, doc) WHERE speaker IS NOT NULL;

CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    first_date TEXT,
    n_docs INTEGER NOT NULL DEFAULT 0,
    n_quotes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    qid TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    speaker_text TEXT NOT NULL,
    content TEXT NOT NULL,
    cue TEXT,
    speaker TEXT,
    when_said TEXT,
    confidence REAL NOT NULL,
    speaker_id INTEGER,
    date TEXT,
    grp INTEGER,
    norm_hash INTEGER NOT NULL,
    UNIQUE (doc, ord)
);
CREATE INDEX quotes_date ON quotes(date DESC, id);
-- Serves both grouping (equal texts of a speaker) and the speaker filters.
CREATE INDEX quotes_speaker ON quotes(speaker_id, norm_hash) WHERE speaker_id IS NOT NULL;
CREATE INDEX quotes_group ON quotes(grp);

CREATE TABLE quote_shingles (
    speaker INTEGER NOT NULL,
    shingle INTEGER NOT NULL,
    quote INTEGER NOT NULL,
    PRIMARY KEY (speaker, shingle, quote)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, speaker_text, content='quotes', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
"#;

/// Opens a connection with the store's settings; `writable` connections switch the file
/// to WAL mode (readers then never block the writer, and a killed writer leaves the
/// last committed state intact).
pub(crate) fn connect(path: &Path, writable: bool) -> Result<Connection> {
    let flags = if writable {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    if !writable && !path.exists() {
        return Err(Error::NotFound {
            path: path.to_path_buf(),
        });
    }
    let conn = Connection::open_with_flags(path, flags).at(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .at(path)?;
    conn.set_prepared_statement_cache_capacity(128);
    let settings = if writable {
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 4000; \
         PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"
    } else {
        "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"
    };
    conn.execute_batch(settings).at(path)?;
    Ok(conn)
}

/// The schema version recorded in the file, `None` when it has no whosaid table.
fn recorded_version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'whosaid_schema'",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(None);
    }
    let version = conn.query_row("SELECT max(version) FROM whosaid_schema", [], |r| {
        r.get::<_, Option<i64>>(0)
    })?;
    Ok(Some(version.unwrap_or(0)))
}

fn is_empty(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) = 0 FROM sqlite_master", [], |r| r.get(0))
}

/// Checks the file's schema version, creating the tables in an empty writable file.
///
/// # Errors
/// [`Error::SchemaMismatch`] for another version, [`Error::NotAStore`] for a database
/// without the whosaid tables, [`Error::Sqlite`] when SQLite fails.
pub(crate) fn check_or_create(conn: &mut Connection, path: &Path, writable: bool) -> Result<()> {
    match recorded_version(conn).at(path)? {
        Some(found) if found == SCHEMA_VERSION => Ok(()),
        Some(found) => Err(Error::SchemaMismatch {
            path: path.to_path_buf(),
            found,
            expected: SCHEMA_VERSION,
        }),
        None if writable && is_empty(conn).at(path)? => create(conn).at(path),
        None => Err(Error::NotAStore {
            path: path.to_path_buf(),
        }),
    }
}

fn create(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have created the tables while this one waited for the lock.
    if recorded_version(&tx)?.is_none() {
        tx.execute_batch(DDL)?;
        tx.execute(
            "INSERT INTO whosaid_schema (version) VALUES (?1)",
            [SCHEMA_VERSION],
        )?;
    }
    tx.commit()
}

/// Drops every table of a whosaid store (of any version) or of an empty file and
/// creates the current layout, in one transaction.
///
/// # Errors
/// [`Error::NotAStore`] when the file holds a database that is not a whosaid store (it
/// is left untouched), [`Error::Sqlite`] when SQLite fails.
pub(crate) fn recreate(conn: &mut Connection, path: &Path) -> Result<()> {
    if recorded_version(conn).at(path)?.is_none() && !is_empty(conn).at(path)? {
        return Err(Error::NotAStore {
            path: path.to_path_buf(),
        });
    }
    drop_all(conn).at(path)?;
    conn.execute_batch("VACUUM").at(path)?;
    create(conn).at(path)
}

fn drop_all(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Virtual tables first: dropping one drops its shadow tables with it.
    for virtual_first in [true, false] {
        let names: Vec<String> = tx
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND (sql LIKE 'CREATE VIRTUAL%') = ?1",
            )?
            .query_map([virtual_first], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for name in names {
            tx.execute_batch(&format!(
                "DROP TABLE IF EXISTS \"{}\"",
                name.replace('"', "\"\"")
            ))?;
        }
    }
    tx.commit()
}
