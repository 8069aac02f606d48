//! WARC files (ISO 28500, WARC/1.0 and 1.1), such as Common Crawl's CC-NEWS.
//!
//! [`WarcReader`] splits a (decompressed) WARC stream into records, one at a time;
//! [`WarcDocuments`] turns the HTML `response` records among them into documents.
//!
//! ```
//! use whosaid_ingest::warc::WarcReader;
//!
//! let warc = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n\
//!              WARC/1.1\r\nWARC-Type: metadata\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n";
//! let records: Vec<_> = WarcReader::new(&warc[..]).collect::<Result<_, _>>().unwrap();
//! assert_eq!(records.len(), 2);
//! assert_eq!(records[0].record_type(), Some("warcinfo"));
//! assert_eq!(records[1].block, b"hi");
//! assert_eq!(records[1].offset, 61);
//! ```
//!
//! A record that cannot be read (a malformed header, no `Content-Length`, a block that
//! runs past the end of the input or does not end with `CRLF CRLF`, corrupt compressed
//! data) yields one [`WarcError`]. The reader then resynchronises: if the damaged block
//! contains the start of another record it goes back to it, otherwise it skips to the next
//! line that starts with `WARC/`. Records before and after a damaged one are not lost.

mod documents;
mod http;
mod stream;

use std::fmt;
use std::io::{BufRead, ErrorKind, Read};

pub use documents::WarcDocuments;

use crate::bounded::{Line, read_line};
use crate::gzip::is_corrupt_member;
use stream::Pushback;

const MAX_HEADER_LINE: usize = 64 * 1024;
const MAX_HEADER_LINES: usize = 1024;

/// One WARC record: its named fields and its content block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcRecord {
    /// The byte offset of the record's first line in the (decompressed) stream.
    pub offset: u64,
    /// The version line, such as `WARC/1.1`.
    pub version: String,
    /// The named fields in file order (`WARC-Type`, `WARC-Target-URI`, ...).
    pub headers: Vec<(String, String)>,
    /// The content block: exactly `Content-Length` bytes.
    pub block: Vec<u8>,
}

impl WarcRecord {
    /// The first field with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`, such as `response`, `request`, `warcinfo` or `metadata`.
    pub fn record_type(&self) -> Option<&str> {
        self.header("WARC-Type")
    }
}

/// A record that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcError {
    /// The byte offset in the (decompressed) stream where the damaged record starts.
    pub offset: u64,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for WarcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for WarcError {}

/// Reads WARC records one by one from a decompressed stream.
///
/// Memory holds one record block at a time; blocks larger than the limit given to
/// [`WarcReader::with_max_block`] are skipped without being held, with an error.
pub struct WarcReader<R> {
    input: Pushback<R>,
    max_block: usize,
    line: Vec<u8>,
    /// After an error: skip input until the next `WARC/` line, reporting nothing.
    resyncing: bool,
    /// An error met while checking the end of a good record, reported next.
    pending: Option<WarcError>,
    done: bool,
}

impl<R: BufRead> WarcReader<R> {
    /// Reads records from `reader`, holding blocks of up to 256 MiB.
    pub fn new(reader: R) -> Self {
        WarcReader {
            input: Pushback::new(reader),
            max_block: 256 * 1024 * 1024,
            line: Vec::new(),
            resyncing: false,
            pending: None,
            done: false,
        }
    }

    /// Sets the largest block held in memory.
    pub fn with_max_block(mut self, max_block: usize) -> Self {
        self.max_block = max_block;
        self
    }

    fn error(&self, offset: u64, message: impl Into<String>) -> WarcError {
        WarcError {
            offset,
            message: message.into(),
        }
    }

    /// Handles a read error: corrupt compressed data is reported once and skipped, other
    /// errors end the stream.
    fn read_failed(&mut self, offset: u64, e: &std::io::Error) -> Option<WarcError> {
        if e.kind() == ErrorKind::InvalidData {
            let report = !self.resyncing;
            self.resyncing = true;
            report.then(|| self.error(offset, e.to_string()))
        } else {
            self.done = true;
            Some(self.error(offset, format!("read error: {e}")))
        }
    }

    /// Reads the rest of a record whose version line was just read.
    fn read_record(&mut self, offset: u64, version: String) -> Result<WarcRecord, WarcError> {
        let headers = self.read_headers(offset)?;
        let length = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("Content-Length"))
            .and_then(|(_, value)| value.trim().parse::<u64>().ok());
        let Some(length) = length else {
            self.resyncing = true;
            return Err(self.error(offset, "record has no valid Content-Length"));
        };
        let block = self.read_block(offset, length)?;
        Ok(WarcRecord {
            offset,
            version,
            headers,
            block,
        })
    }

    fn read_headers(&mut self, offset: u64) -> Result<Vec<(String, String)>, WarcError> {
        let mut headers: Vec<(String, String)> = Vec::new();
        for _ in 0..MAX_HEADER_LINES {
            match read_line(&mut self.input, &mut self.line, MAX_HEADER_LINE) {
                Ok(Line::Complete) => {}
                Ok(Line::Eof) => {
                    self.done = true;
                    return Err(self.error(offset, "input ends inside a record header"));
                }
                Ok(Line::TooLong(len)) => {
                    self.resyncing = true;
                    return Err(
                        self.error(offset, format!("header line of {len} bytes is too long"))
                    );
                }
                Err(e) => {
                    let err = self.read_failed(offset, &e);
                    self.resyncing = true;
                    return Err(err.unwrap_or_else(|| self.error(offset, e.to_string())));
                }
            }
            let line = String::from_utf8_lossy(trim_eol(&self.line)).into_owned();
            if line.is_empty() {
                return Ok(headers);
            }
            if line.starts_with([' ', '\t'])
                && let Some((_, value)) = headers.last_mut()
            {
                value.push(' ');
                value.push_str(line.trim());
                continue;
            }
            match line.split_once(':') {
                Some((name, value)) => {
                    headers.push((name.trim().to_string(), value.trim().to_string()))
                }
                None => {
                    self.resyncing = true;
                    return Err(self.error(
                        offset,
                        format!("malformed header line {:?}", preview(&line)),
                    ));
                }
            }
        }
        self.resyncing = true;
        Err(self.error(offset, format!("more than {MAX_HEADER_LINES} header lines")))
    }

    fn read_block(&mut self, offset: u64, length: u64) -> Result<Vec<u8>, WarcError> {
        if length > self.max_block as u64 {
            let skipped = std::io::copy(&mut (&mut self.input).take(length), &mut std::io::sink());
            return Err(match skipped {
                Ok(n) if n < length => {
                    self.done = true;
                    self.error(offset, format!("Content-Length {length} runs past the end of the input ({n} bytes left)"))
                }
                Ok(_) => self.error(
                    offset,
                    format!(
                        "block of {length} bytes is larger than the limit of {} bytes; skipped",
                        self.max_block
                    ),
                ),
                Err(e) => self
                    .read_failed(offset, &e)
                    .unwrap_or_else(|| self.error(offset, e.to_string())),
            });
        }
        let mut block = Vec::with_capacity(usize::try_from(length.min(1 << 20)).unwrap_or(0));
        if let Err(e) = (&mut self.input).take(length).read_to_end(&mut block) {
            let err = self.read_failed(offset, &e);
            self.resyncing = true;
            return Err(err.unwrap_or_else(|| self.error(offset, e.to_string())));
        }
        let end = self.input.position();
        let terminated = match self.input.peek(9) {
            Ok(next) => ends_record(next),
            // The member holding this record failed its checksum: the block is suspect.
            Err(e) if is_corrupt_member(&e) => {
                self.resyncing = true;
                return Err(self.error(offset, e.to_string()));
            }
            Err(e) => {
                self.pending = self.read_failed(end, &e);
                true
            }
        };
        if block.len() as u64 == length && terminated {
            return Ok(block);
        }
        let message = if (block.len() as u64) < length {
            format!(
                "Content-Length {length} runs past the end of the input ({} bytes left)",
                block.len()
            )
        } else {
            format!("block does not end where Content-Length {length} says (no CRLF CRLF after it)")
        };
        // The damaged block may hold the next records: read them again from there.
        match next_record_start(&block) {
            Some(at) => self.input.unread(&block[at..]),
            None => self.resyncing = true,
        }
        Err(self.error(offset, message))
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = Result<WarcRecord, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(err) = self.pending.take() {
            return Some(Err(err));
        }
        while !self.done {
            let offset = self.input.position();
            match read_line(&mut self.input, &mut self.line, MAX_HEADER_LINE) {
                Ok(Line::Eof) => self.done = true,
                Ok(Line::TooLong(_)) if self.resyncing => {}
                Ok(Line::TooLong(len)) => {
                    self.resyncing = true;
                    return Some(Err(self.error(
                        offset,
                        format!("expected a WARC record, found a line of {len} bytes"),
                    )));
                }
                Ok(Line::Complete) => {
                    let line = trim_eol(&self.line);
                    if line.is_empty() {
                        continue;
                    }
                    if is_version_line(line) {
                        self.resyncing = false;
                        let version = String::from_utf8_lossy(line).into_owned();
                        return Some(self.read_record(offset, version));
                    }
                    if !self.resyncing {
                        self.resyncing = true;
                        let found = String::from_utf8_lossy(line);
                        return Some(Err(self.error(
                            offset,
                            format!(
                                "expected a WARC record, found {:?}; skipping to the next record",
                                preview(&found)
                            ),
                        )));
                    }
                }
                Err(e) => {
                    if let Some(err) = self.read_failed(offset, &e) {
                        return Some(Err(err));
                    }
                }
            }
        }
        None
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `WARC/` followed by a digit.
fn is_version_line(line: &[u8]) -> bool {
    line.strip_prefix(b"WARC/")
        .and_then(|rest| rest.first())
        .is_some_and(u8::is_ascii_digit)
}

/// Whether the bytes after a block end the record: `CRLF CRLF` (or a lenient `LF LF`, or a
/// single line break before the next record), or the end of the input.
fn ends_record(next: &[u8]) -> bool {
    if next.is_empty() || next.starts_with(b"\r\n\r\n") || next.starts_with(b"\n\n") {
        return true;
    }
    let after = next
        .strip_prefix(b"\r\n")
        .or_else(|| next.strip_prefix(b"\n"));
    after.is_some_and(|rest| rest.is_empty() || b"WARC/".starts_with(&rest[..rest.len().min(5)]))
}

/// Where the next record starts inside a damaged block: a `WARC/1.` line.
fn next_record_start(block: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(block, b"WARC/")
        .find(|&at| (at == 0 || block[at - 1] == b'\n') && is_version_line(&block[at..]))
        .filter(|&at| at > 0)
}

fn preview(s: &str) -> String {
    let mut p: String = s.chars().take(40).collect();
    if p.len() < s.len() {
        p.push('…');
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, block: &str) -> String {
        format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    }

    fn read(input: &str) -> Vec<Result<String, String>> {
        WarcReader::new(input.as_bytes())
            .map(|r| {
                r.map(|rec| String::from_utf8_lossy(&rec.block).into_owned())
                    .map_err(|e| e.to_string())
            })
            .collect()
    }

    #[test]
    fn reads_records_with_folded_headers() {
        let input = "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a/\r\n  continued\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n";
        let records: Vec<_> = WarcReader::new(input.as_bytes()).collect();
        assert_eq!(records.len(), 1);
        let rec = records[0].as_ref().ok();
        assert_eq!(
            rec.and_then(|r| r.header("warc-target-uri")),
            Some("http://a/ continued")
        );
        assert_eq!(rec.map(|r| r.version.as_str()), Some("WARC/1.0"));
    }

    #[test]
    fn damaged_records_do_not_hide_their_neighbours() {
        let a = record("response", "first");
        let b = record("response", "second");
        let c = record("response", "third");
        // Content-Length too long: the block swallows the next record.
        let too_long = "WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 20\r\n\r\nshort\r\n\r\n";
        let got = read(&format!("{a}{too_long}{b}"));
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], Ok("first".into()));
        assert!(
            got[1]
                .as_ref()
                .is_err_and(|e| e.contains("does not end where Content-Length")),
            "{got:?}"
        );
        assert_eq!(got[2], Ok("second".into()));

        // Content-Length too short: the rest of the block is skipped.
        let too_short = "WARC/1.1\r\nContent-Length: 2\r\n\r\nshort\r\n\r\n";
        let got = read(&format!("{a}{too_short}{b}"));
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[2], Ok("second".into()));

        // Garbage between records, a header without Content-Length, a malformed header.
        let got = read(&format!(
            "{a}junk line\r\nmore junk\r\n{b}WARC/1.0\r\nWARC-Type: x\r\n\r\nbody\r\n\r\n{c}WARC/1.0\r\nno colon\r\n\r\n{a}"
        ));
        let oks: Vec<_> = got.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(oks, ["first", "second", "third", "first"], "{got:?}");
        assert_eq!(got.iter().filter(|r| r.is_err()).count(), 3, "{got:?}");

        // Content-Length past the end of the input, with a whole record inside it.
        let past_end = "WARC/1.1\r\nContent-Length: 9999\r\n\r\npartial\r\n\r\n";
        let got = read(&format!("{a}{past_end}{b}"));
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[1]
                .as_ref()
                .is_err_and(|e| e.contains("runs past the end")),
            "{got:?}"
        );
        assert_eq!(got[2], Ok("second".into()));

        // Truncated in the header.
        let got = read(&format!("{a}WARC/1.1\r\nWARC-Type: resp"));
        assert_eq!(got.len(), 2);
        assert!(got[1].is_err());
    }

    #[test]
    fn oversized_blocks_are_skipped() {
        let input = format!(
            "{}{}",
            record("response", "0123456789"),
            record("response", "ok")
        );
        let got: Vec<_> = WarcReader::new(input.as_bytes())
            .with_max_block(5)
            .collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].is_err());
        assert_eq!(
            got[1].as_ref().map(|r| r.block.clone()).ok(),
            Some(b"ok".to_vec())
        );
    }

    #[test]
    fn record_ends() {
        assert!(ends_record(b""));
        assert!(ends_record(b"\r\n\r\nWARC/1.0"));
        assert!(ends_record(b"\n\n"));
        assert!(ends_record(b"\r\nWARC/1.0\r\n"));
        assert!(ends_record(b"\r\n"));
        assert!(!ends_record(b"abc"));
        assert!(!ends_record(b"\r\nabc"));
    }
}
