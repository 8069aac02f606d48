//! Reads with a size limit: lines of any length and whole inputs, in bounded memory.

use std::io::{self, BufRead, ErrorKind, Read};

/// What [`read_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    /// The input is exhausted; nothing was read.
    Eof,
    /// A line (without its `\n`) is in the buffer.
    Complete,
    /// The line was longer than the limit; it was consumed and discarded. Holds its length.
    TooLong(u64),
}

/// Reads one line into `buf` (cleared first, `\n` not included, `\r` kept), never holding
/// more than `max` bytes: the rest of a longer line is consumed and dropped.
///
/// # Errors
///
/// Any I/O error of `reader`; the partial line is then left in `buf`.
pub(crate) fn read_line<R: BufRead + ?Sized>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Line> {
    buf.clear();
    let mut total: u64 = 0;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (total, too_long) {
                (0, _) => Line::Eof,
                (n, true) => Line::TooLong(n),
                (_, false) => Line::Complete,
            });
        }
        let (chunk, used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long {
            if buf.len().saturating_add(chunk.len()) > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        total = total.saturating_add(used as u64);
        reader.consume(used);
        if done {
            return Ok(if too_long {
                Line::TooLong(total)
            } else {
                Line::Complete
            });
        }
    }
}

/// Reads all of `reader` if it holds at most `max` bytes; `Ok(None)` if it holds more
/// (then at most `max + 1` bytes were read).
///
/// # Errors
///
/// Any I/O error of `reader`.
pub(crate) fn read_all<R: Read>(reader: R, max: usize) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(limit).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= max).then_some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_and_bounded() {
        let mut input: &[u8] = b"one\r\ntoolongline\nlast";
        let mut buf = Vec::new();
        assert_eq!(
            read_line(&mut input, &mut buf, 5).ok(),
            Some(Line::Complete)
        );
        assert_eq!(buf, b"one\r");
        assert_eq!(
            read_line(&mut input, &mut buf, 5).ok(),
            Some(Line::TooLong(12))
        );
        assert_eq!(
            read_line(&mut input, &mut buf, 5).ok(),
            Some(Line::Complete)
        );
        assert_eq!(buf, b"last");
        assert_eq!(read_line(&mut input, &mut buf, 5).ok(), Some(Line::Eof));
    }

    #[test]
    fn read_all_respects_the_limit() {
        assert_eq!(read_all(&b"abc"[..], 3).ok(), Some(Some(b"abc".to_vec())));
        assert_eq!(read_all(&b"abcd"[..], 3).ok(), Some(None));
    }
}
