//! How a server is configured.

use std::path::PathBuf;
use std::time::Duration;

/// The address served when none is given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// The largest request body accepted when no limit is given: 2 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// How long a request may take when no limit is given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything `whosaid serve` needs to know.
///
/// ```
/// let config = whosaid_server::ServeConfig {
///     db: Some("corpus.db".into()),
///     read_only: true,
///     ..Default::default()
/// };
/// assert_eq!(config.addr, "127.0.0.1:8080");
/// assert_eq!(config.max_body_bytes, 2 * 1024 * 1024);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeConfig {
    /// The corpus store to serve; without one only extraction and the viewer's extract
    /// page are available, and the corpus endpoints answer 404.
    pub db: Option<PathBuf>,
    /// The address to listen on (`host:port`; port 0 picks a free one).
    pub addr: String,
    /// Open the store with SQLite's read-only flag: no write can reach the file.
    pub read_only: bool,
    /// The largest request body accepted (413 above it).
    pub max_body_bytes: usize,
    /// How long a request may take, body upload included (503 after it).
    pub request_timeout: Duration,
}

impl Default for ServeConfig {
    fn default() -> ServeConfig {
        ServeConfig {
            db: None,
            addr: DEFAULT_ADDR.to_string(),
            read_only: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout: DEFAULT_TIMEOUT,
        }
    }
}
