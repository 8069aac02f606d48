//! Multi-member gzip that survives a corrupt member.
//!
//! Common Crawl ships WARC.gz files as one gzip member per record, and large JSON Lines
//! dumps are often concatenations of gzip files. [`flate2::read::MultiGzDecoder`] reads
//! such files but stops for good at the first corrupt member. [`GzMembers`] decodes the
//! same members one at a time with [`flate2::bufread::GzDecoder`]; when one is corrupt or
//! truncated it reports the error once, goes back to where that member started, and
//! resumes at the next gzip header after it, so the members after a bad one are not lost.

use std::io::{self, BufRead, ErrorKind, Read};

use flate2::bufread::GzDecoder;

const CHUNK: usize = 64 * 1024;
/// How many compressed bytes of one member are kept so that decoding can restart after
/// it if it turns out to be corrupt. Members are small in practice (one WARC record).
const MAX_REPLAY: usize = 16 * 1024 * 1024;
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// A buffered reader that can go back to a marked position (the start of the current gzip
/// member), as long as fewer than [`MAX_REPLAY`] bytes were read since.
struct Replay<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    mark: Option<usize>,
    /// Absolute offset of `buf[0]` in the input.
    base: u64,
    /// The underlying reader failed: its errors are not gzip corruption.
    inner_failed: bool,
}

impl<R: Read> Replay<R> {
    fn new(inner: R) -> Self {
        Replay {
            inner,
            buf: Vec::new(),
            pos: 0,
            mark: None,
            base: 0,
            inner_failed: false,
        }
    }

    fn position(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn set_mark(&mut self) {
        self.mark = Some(self.pos);
    }

    /// Moves back to one byte after the mark, to search for the next member from there.
    fn rewind_past_mark(&mut self) {
        if let Some(mark) = self.mark.take() {
            self.pos = (mark + 1).min(self.buf.len());
        }
    }

    /// Drops bytes that can no longer be needed, then reads more. Returns how many bytes
    /// were added (0 at end of input).
    fn read_more(&mut self) -> io::Result<usize> {
        if self
            .mark
            .is_some_and(|mark| self.buf.len().saturating_sub(mark) > MAX_REPLAY)
        {
            self.mark = None;
        }
        let keep_from = self.mark.unwrap_or(self.pos).min(self.pos);
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            self.pos -= keep_from;
            self.mark = self.mark.map(|mark| mark - keep_from);
            self.base += keep_from as u64;
        }
        let old_len = self.buf.len();
        self.buf.resize(old_len + CHUNK, 0);
        let result = loop {
            match self.inner.read(&mut self.buf[old_len..]) {
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match result {
            Ok(n) => {
                self.buf.truncate(old_len + n);
                Ok(n)
            }
            Err(e) => {
                self.buf.truncate(old_len);
                self.inner_failed = true;
                Err(e)
            }
        }
    }

    /// Skips to the next gzip magic number. Returns whether one was found and how many
    /// bytes were skipped on the way, not counting zero bytes (padding).
    fn skip_to_magic(&mut self) -> io::Result<(bool, u64)> {
        let mut skipped = 0;
        loop {
            let available = &self.buf[self.pos..];
            let found = memchr::memmem::find(available, &GZIP_MAGIC);
            // Without a match, keep a possible partial magic number at the end.
            let skip = found.unwrap_or(available.len().saturating_sub(GZIP_MAGIC.len() - 1));
            skipped += available[..skip].iter().filter(|&&b| b != 0).count() as u64;
            self.pos += skip;
            if found.is_some() {
                return Ok((true, skipped));
            }
            if self.read_more()? == 0 {
                skipped += self.buf[self.pos..].iter().filter(|&&b| b != 0).count() as u64;
                self.pos = self.buf.len();
                return Ok((false, skipped));
            }
        }
    }
}

impl<R: Read> Read for Replay<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Replay<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.buf.len() {
            self.read_more()?;
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = self.pos.saturating_add(amt).min(self.buf.len());
    }
}

enum State<R> {
    /// Between members: the next read looks for a gzip header.
    Between(Replay<R>),
    /// Inside a member that started at the given compressed offset.
    Member(GzDecoder<Replay<R>>, u64),
    /// The underlying reader failed or is exhausted.
    Done,
}

/// Decompresses a stream of gzip members, resuming after corrupt ones.
///
/// A corrupt or truncated member yields one [`ErrorKind::InvalidData`] error; reading again
/// continues with the next intact member. Errors of the underlying reader are passed on and
/// end the stream.
pub(crate) struct GzMembers<R> {
    state: State<R>,
    /// A member failed and no member has been decoded completely since: further failures
    /// are part of the same damage and are not reported again.
    recovering: bool,
    members: u64,
}

impl<R: Read> GzMembers<R> {
    pub(crate) fn new(inner: R) -> Self {
        GzMembers {
            state: State::Between(Replay::new(inner)),
            recovering: false,
            members: 0,
        }
    }
}

fn corrupt(message: String) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, message)
}

/// The error payload of a corrupt or truncated member: data already read from that member
/// is suspect. (Other [`ErrorKind::InvalidData`] errors of [`GzMembers`], such as stray bytes
/// between members, lose no data that was read before them.)
#[derive(Debug)]
pub(crate) struct CorruptMember(String);

impl std::fmt::Display for CorruptMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CorruptMember {}

/// Whether `e` says that the data read before it belongs to a corrupt gzip member.
pub(crate) fn is_corrupt_member(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<CorruptMember>())
}

impl<R: Read> Read for GzMembers<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(0),
                State::Between(mut replay) => {
                    let start = replay.position();
                    let (found, skipped) = replay.skip_to_magic()?;
                    let report = skipped > 0 && !self.recovering;
                    if found {
                        let member_start = replay.position();
                        replay.set_mark();
                        self.state = State::Member(GzDecoder::new(replay), member_start);
                    }
                    if report {
                        return Err(corrupt(format!(
                            "gzip: skipped {skipped} bytes that are not gzip data at compressed byte {start}"
                        )));
                    }
                    if !found {
                        return Ok(0);
                    }
                }
                State::Member(mut decoder, member_start) => match decoder.read(out) {
                    Ok(0) => {
                        self.members += 1;
                        self.recovering = false;
                        let mut replay = decoder.into_inner();
                        replay.mark = None;
                        self.state = State::Between(replay);
                    }
                    Ok(n) => {
                        self.state = State::Member(decoder, member_start);
                        return Ok(n);
                    }
                    Err(e) => {
                        let mut replay = decoder.into_inner();
                        if replay.inner_failed {
                            return Err(e);
                        }
                        replay.rewind_past_mark();
                        self.state = State::Between(replay);
                        if !self.recovering {
                            self.recovering = true;
                            return Err(io::Error::new(
                                ErrorKind::InvalidData,
                                CorruptMember(format!(
                                    "gzip member {} (at compressed byte {member_start}) is corrupt or truncated: {e}",
                                    self.members + 1
                                )),
                            ));
                        }
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn member(data: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data).ok();
        enc.finish().unwrap_or_default()
    }

    /// Reads everything, collecting the data and the errors.
    fn read_all<R: Read>(mut r: R) -> (Vec<u8>, Vec<String>) {
        let mut data = Vec::new();
        let mut errors = Vec::new();
        let mut buf = [0u8; 7];
        for _ in 0..10_000 {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => data.extend_from_slice(&buf[..n]),
                Err(e) => errors.push(e.to_string()),
            }
        }
        (data, errors)
    }

    #[test]
    fn reads_all_members() {
        let mut input = member(b"one ");
        input.extend(member(b"two "));
        input.extend(member(b""));
        input.extend(member(b"three"));
        let (data, errors) = read_all(GzMembers::new(&input[..]));
        assert_eq!(data, b"one two three");
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn resumes_after_a_truncated_member() {
        let good1 = member(b"first.");
        let bad = member(&[b'x'; 5000]);
        let good2 = member(b"last.");
        let mut input = good1.clone();
        input.extend_from_slice(&bad[..bad.len() / 2]);
        input.extend_from_slice(&good2);
        let (data, errors) = read_all(GzMembers::new(&input[..]));
        assert!(data.starts_with(b"first."), "{data:?}");
        assert!(data.ends_with(b"last."), "{data:?}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("gzip member 2"), "{errors:?}");
    }

    #[test]
    fn resumes_after_a_corrupt_member() {
        let mut bad = member("word ".repeat(400).as_bytes());
        let middle = bad.len() / 2;
        for b in &mut bad[middle..middle + 8] {
            *b ^= 0x5a;
        }
        let mut input = member(b"first.");
        input.extend_from_slice(&bad);
        input.extend_from_slice(&member(b"last."));
        let (data, errors) = read_all(GzMembers::new(&input[..]));
        assert!(data.starts_with(b"first."));
        assert!(data.ends_with(b"last."));
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn zero_padding_is_ignored_and_garbage_reported() {
        let mut input = member(b"data");
        input.extend_from_slice(&[0; 100]);
        let (data, errors) = read_all(GzMembers::new(&input[..]));
        assert_eq!(data, b"data");
        assert!(errors.is_empty());

        let mut input = member(b"data");
        input.extend_from_slice(b"garbage");
        let (data, errors) = read_all(GzMembers::new(&input[..]));
        assert_eq!(data, b"data");
        assert_eq!(errors.len(), 1);
    }
}
