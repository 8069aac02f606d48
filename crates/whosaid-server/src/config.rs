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

/// Parses a size in bytes: `2097152`, `512K`, `2M`, `1G` (binary multiples; `KiB`, `MB`
/// and lowercase spellings are accepted too). For command-line flags.
///
/// ```
/// use whosaid_server::parse_size;
/// assert_eq!(parse_size("2M"), Ok(2 * 1024 * 1024));
/// assert_eq!(parse_size("512kb"), Ok(512 * 1024));
/// assert_eq!(parse_size("100"), Ok(100));
/// assert!(parse_size("0").is_err());
/// assert!(parse_size("lots").is_err());
/// ```
///
/// # Errors
/// A message saying what is expected, for a malformed or zero size.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let multiple: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{s}` is not a size like 2097152, 512K or 2M")),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(multiple))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{s}` is not a size like 2097152, 512K or 2M (above zero)"))
}

/// Parses a duration: `30` or `30s` (seconds, fractions allowed), `500ms`, `2m`. For
/// command-line flags.
///
/// ```
/// use std::time::Duration;
/// use whosaid_server::parse_duration;
/// assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
/// assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
/// assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
/// assert!(parse_duration("0").is_err());
/// assert!(parse_duration("soon").is_err());
/// ```
///
/// # Errors
/// A message saying what is expected, for a malformed, zero or negative duration.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let seconds_per: f64 = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        _ => return Err(format!("`{s}` is not a duration like 30, 30s, 500ms or 2m")),
    };
    number
        .parse::<f64>()
        .ok()
        .map(|n| n * seconds_per)
        .filter(|n| n.is_finite() && *n > 0.0 && *n < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("`{s}` is not a duration like 30, 30s, 500ms or 2m (above zero)"))
}
