//! Byte spans into a document's text.

use std::ops::{Index, Range};

/// A half-open byte range `[start, end)` into a document's text.
///
/// Spans are small `Copy` values; every layer of a [`Document`](crate::Document) refers to
/// the text through them instead of copying it. The constructor keeps `start <= end`, and
/// `Index<Span>` for `str` makes `&text[span]` read naturally.
///
/// ```
/// use whosaid_core::Span;
/// let text = "Stoltenberg said";
/// let span = Span::new(12, 16);
/// assert_eq!(&text[span], "said");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte of the span.
    pub start: u32,
    /// One past the last byte of the span.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end`; the bounds are swapped if given in the wrong order.
    #[inline]
    pub fn new(start: usize, end: usize) -> Span {
        let (start, end) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// An empty span at `at`.
    #[inline]
    pub fn empty(at: usize) -> Span {
        Span::new(at, at)
    }

    /// Length in bytes.
    #[inline]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no byte.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span as a `Range<usize>`.
    #[inline]
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `other` lies entirely inside `self`.
    #[inline]
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the byte offset `at` lies inside `self`.
    #[inline]
    pub fn contains_offset(self, at: usize) -> bool {
        (self.start as usize) <= at && at < self.end as usize
    }

    /// Whether the two spans share at least one byte.
    #[inline]
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The smallest span covering both.
    #[inline]
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl Index<Span> for str {
    type Output = str;
    #[inline]
    fn index(&self, span: Span) -> &str {
        &self[span.range()]
    }
}

impl Index<Span> for String {
    type Output = str;
    #[inline]
    fn index(&self, span: Span) -> &str {
        &self.as_str()[span.range()]
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_orders_bounds() {
        assert_eq!(Span::new(5, 2), Span::new(2, 5));
        assert_eq!(Span::new(2, 5).len(), 3);
    }

    #[test]
    fn relations() {
        let a = Span::new(0, 10);
        let b = Span::new(3, 5);
        assert!(a.contains(b));
        assert!(!b.contains(a));
        assert!(a.overlaps(b));
        assert!(!Span::new(0, 3).overlaps(Span::new(3, 4)));
        assert_eq!(Span::new(0, 3).cover(Span::new(7, 9)), Span::new(0, 9));
        assert!(a.contains_offset(9) && !a.contains_offset(10));
    }
}
