//! Token ranges and the segments (paragraphs, sentences) built from them.

use crate::span::Span;

/// A half-open range `[start, end)` of token indices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TokenRange {
    /// First token.
    pub start: u32,
    /// One past the last token.
    pub end: u32,
}

impl TokenRange {
    /// A range from `start` to `end` (swapped if given in the wrong order).
    #[inline]
    pub fn new(start: usize, end: usize) -> TokenRange {
        let (start, end) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        TokenRange {
            start: start as u32,
            end: end as u32,
        }
    }

    /// Number of tokens.
    #[inline]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the range holds no token.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.start >= self.end
    }

    /// The range as a `Range<usize>` for slicing and iteration.
    #[inline]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether token index `i` lies in the range.
    #[inline]
    pub fn contains(self, i: usize) -> bool {
        (self.start as usize) <= i && i < self.end as usize
    }

    /// Whether the two ranges share at least one token.
    #[inline]
    pub fn overlaps(self, other: TokenRange) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A stretch of the document: its text span and the tokens it holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// Text covered, from the first token's start to the last token's end.
    pub span: Span,
    /// Tokens covered.
    pub tokens: TokenRange,
}

/// Builds segments from the indices of tokens that start a new segment.
pub(crate) fn segments_from_starts(
    tokens: &[crate::token::Token],
    starts: impl Iterator<Item = usize>,
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut prev: Option<usize> = None;
    let push = |a: usize, b: usize, out: &mut Vec<Segment>| {
        if a < b {
            out.push(Segment {
                span: Span::new(
                    tokens[a].span.start as usize,
                    tokens[b - 1].span.end as usize,
                ),
                tokens: TokenRange::new(a, b),
            });
        }
    };
    for s in starts {
        if let Some(p) = prev {
            push(p, s, &mut out);
        }
        prev = Some(s);
    }
    if let Some(p) = prev {
        push(p, tokens.len(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ranges() {
        let r = TokenRange::new(2, 5);
        assert_eq!((r.len(), r.is_empty(), r.range()), (3, false, 2..5));
        assert!(r.contains(2) && r.contains(4) && !r.contains(5) && !r.contains(1));
        assert!(r.overlaps(TokenRange::new(4, 9)) && r.overlaps(TokenRange::new(0, 3)));
        assert!(r.overlaps(TokenRange::new(3, 4)) && r.overlaps(r));
        // Touching is not overlapping.
        assert!(!r.overlaps(TokenRange::new(5, 7)) && !r.overlaps(TokenRange::new(0, 2)));
        assert!(TokenRange::new(4, 4).is_empty());
    }
}
