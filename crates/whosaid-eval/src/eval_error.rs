//! The error type of the loaders.

use std::path::PathBuf;

/// What can go wrong while loading evaluation data. Scoring itself never fails.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file or directory could not be read. (The I/O error is the error's `source`, which
    /// error reporters such as anyhow print after this message.)
    #[error("reading {}", path.display())]
    Io {
        /// The path that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A file was read but its content is not what the format requires.
    #[error("{}:{line}: {message}", path.display())]
    Format {
        /// The offending file.
        path: PathBuf,
        /// 1-based line number (0 when the problem concerns the whole file).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Two inputs that must agree do not (e.g. a CofeNet id with no PolNeAR article).
    #[error("{0}")]
    Mismatch(String),
}

impl EvalError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EvalError::Io {
            path: path.into(),
            source,
        }
    }
}
