//! The state every handler shares: the corpus store's connection pool, the limit on
//! concurrent extractions, and the configured limits.
//!
//! A `rusqlite` connection may move between threads but not be shared by them, so the
//! store is served by a small pool: idle [`Store`]s wait in a `Mutex<Vec<_>>`; a request
//! takes one (opening a new one when none is idle), uses it on a blocking thread and
//! puts it back. A semaphore bounds how many requests use the store at once, and so how
//! many connections can ever exist. SQLite in WAL mode lets all of them read while an
//! indexer writes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use whosaid_store::{OpenMode, Store};

use crate::config::ServeConfig;
use crate::error::ApiError;

/// What the handlers share. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    corpus: Option<Corpus>,
    extract_slots: Arc<Semaphore>,
    max_body_bytes: usize,
    request_timeout: Duration,
}

impl AppState {
    /// Opens the configured store (if any) and checks that it is a readable whosaid store.
    ///
    /// # Errors
    /// When the store does not exist, is not a whosaid store, has another schema version or
    /// cannot be read: the store's own error, which names the file.
    pub fn new(config: &ServeConfig) -> anyhow::Result<AppState> {
        let corpus = match &config.db {
            Some(path) => Some(Corpus::open(path, config.read_only)?),
            None => None,
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(AppState {
            inner: Arc::new(Inner {
                corpus,
                extract_slots: Arc::new(Semaphore::new(cores)),
                max_body_bytes: config.max_body_bytes,
                request_timeout: config.request_timeout,
            }),
        })
    }

    /// The store's path, when a store is served.
    pub fn db_path(&self) -> Option<&Path> {
        self.inner.corpus.as_ref().map(|c| c.path.as_path())
    }

    /// How the store's connections are opened, when a store is served.
    pub fn db_mode(&self) -> Option<OpenMode> {
        self.inner.corpus.as_ref().map(|c| c.mode)
    }

    /// The largest request body accepted.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// How long a request may take.
    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// The corpus, or the 404 every corpus endpoint answers without one.
    pub(crate) fn corpus(&self) -> Result<&Corpus, ApiError> {
        self.inner.corpus.as_ref().ok_or_else(|| {
            ApiError::not_found(
                "this server has no corpus store: start it with `whosaid serve --db corpus.db`",
            )
        })
    }

    /// Waits for a free extraction slot (one per core).
    pub(crate) async fn extract_slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.inner
            .extract_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(ApiError::internal)
    }
}

/// The corpus store and its connection pool.
#[derive(Debug)]
pub(crate) struct Corpus {
    path: PathBuf,
    mode: OpenMode,
    idle: Arc<Mutex<Vec<Store>>>,
    slots: Arc<Semaphore>,
}

impl Corpus {
    /// Opens a first connection, which checks the file, and keeps it in the pool.
    fn open(path: &Path, read_only: bool) -> anyhow::Result<Corpus> {
        // A read-only open refuses a missing file instead of creating an empty store.
        let check = Store::open(path, OpenMode::ReadOnly)?;
        let mode = if read_only {
            OpenMode::ReadOnly
        } else {
            OpenMode::ReadWrite
        };
        let first = if read_only {
            check
        } else {
            drop(check);
            Store::open(path, mode)?
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Corpus {
            path: path.to_path_buf(),
            mode,
            idle: Arc::new(Mutex::new(vec![first])),
            slots: Arc::new(Semaphore::new((2 * cores).clamp(4, 16))),
        })
    }

    /// Runs `f` with a pooled connection on a blocking thread.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        let idle = self.idle.clone();
        let (path, mode) = (self.path.clone(), self.mode);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let taken = idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let store = match taken {
                Some(store) => store,
                None => Store::open(&path, mode)?,
            };
            let out = f(&store);
            idle.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(store);
            out
        })
        .await
        .map_err(ApiError::internal)?
    }
}
