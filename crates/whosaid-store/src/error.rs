//! The store's error type: every error names the store file it concerns.

use std::path::{Path, PathBuf};

/// What went wrong with a store. Each variant names the store's path, so the message
/// reads well on its own (`whosaid: corpus.db: …`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite reported an error (I/O, corruption, a locked database, …), or a stored
    /// value could not be decoded.
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The store file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file was written by a whosaid whose store layout differs from this one.
    #[error(
        "{}: the store has schema version {found}, but this whosaid reads and writes version \
         {expected}; re-create it with `whosaid index --db {} --rebuild INPUTS...`",
        path.display(),
        path.display()
    )]
    SchemaMismatch {
        /// The store file.
        path: PathBuf,
        /// The version recorded in the file.
        found: i64,
        /// The version this build uses.
        expected: i64,
    },
    /// The file is an SQLite database, but not a whosaid store (or an empty file opened
    /// read-only).
    #[error("{}: not a whosaid store (it has no whosaid schema table)", path.display())]
    NotAStore {
        /// The file.
        path: PathBuf,
    },
    /// A read-only open of a file that does not exist.
    #[error("{}: no such store (create it with `whosaid index --db {} INPUTS...`)", path.display(), path.display())]
    NotFound {
        /// The missing file.
        path: PathBuf,
    },
    /// A write was attempted on a store opened read-only.
    #[error("{}: the store is open read-only; indexing needs it opened for writing", path.display())]
    ReadOnly {
        /// The store file.
        path: PathBuf,
    },
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches a store path to SQLite errors.
pub(crate) trait Context<T> {
    /// Wraps the error with the store's path.
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Turns a JSON error met while encoding a value for the database into an SQLite error.
pub(crate) fn to_sql_err(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

/// Turns a JSON error met while decoding a stored value into an SQLite error.
pub(crate) fn from_sql_err(column: usize, e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
}
