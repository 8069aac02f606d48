//! A buffered reader that counts bytes and can take bytes back.

use std::io::{self, BufRead, Read};

/// Wraps a [`BufRead`]; bytes given to [`Pushback::unread`] are read again first. Knows
/// its position (bytes consumed so far, minus those taken back).
pub(crate) struct Pushback<R> {
    inner: R,
    front: Vec<u8>,
    front_pos: usize,
    position: u64,
}

impl<R: BufRead> Pushback<R> {
    pub(crate) fn new(inner: R) -> Self {
        Pushback {
            inner,
            front: Vec::new(),
            front_pos: 0,
            position: 0,
        }
    }

    /// Bytes consumed so far.
    pub(crate) fn position(&self) -> u64 {
        self.position
    }

    /// Makes `bytes` the next bytes read.
    pub(crate) fn unread(&mut self, bytes: &[u8]) {
        let mut front = Vec::with_capacity(bytes.len() + self.front.len() - self.front_pos);
        front.extend_from_slice(bytes);
        front.extend_from_slice(&self.front[self.front_pos..]);
        self.front = front;
        self.front_pos = 0;
        self.position = self.position.saturating_sub(bytes.len() as u64);
    }

    /// Up to `n` next bytes without consuming them (fewer only at end of input).
    ///
    /// # Errors
    ///
    /// Any I/O error of the inner reader.
    pub(crate) fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.front.len() - self.front_pos < n {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let take = available.len().min(n - (self.front.len() - self.front_pos));
            self.front.extend_from_slice(&available[..take]);
            self.inner.consume(take);
        }
        let end = self.front.len().min(self.front_pos + n);
        Ok(&self.front[self.front_pos..end])
    }
}

impl<R: BufRead> Read for Pushback<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Pushback<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.front_pos < self.front.len() {
            Ok(&self.front[self.front_pos..])
        } else {
            self.inner.fill_buf()
        }
    }

    fn consume(&mut self, amt: usize) {
        if self.front_pos < self.front.len() {
            let amt = amt.min(self.front.len() - self.front_pos);
            self.front_pos += amt;
            if self.front_pos == self.front.len() {
                self.front.clear();
                self.front_pos = 0;
            }
            self.position += amt as u64;
        } else {
            self.inner.consume(amt);
            self.position += amt as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unread_and_peek() {
        let mut p = Pushback::new(&b"abcdef"[..]);
        let mut two = [0u8; 2];
        assert!(p.read_exact(&mut two).is_ok());
        assert_eq!(&two, b"ab");
        assert_eq!(p.peek(3).ok(), Some(&b"cde"[..]));
        p.unread(b"xy");
        assert_eq!(p.position(), 0);
        let mut rest = Vec::new();
        assert!(p.read_to_end(&mut rest).is_ok());
        assert_eq!(rest, b"xycdef");
        assert_eq!(p.position(), 6);
        assert_eq!(p.peek(3).ok(), Some(&b""[..]));
    }
}
