//! The neutral data model: character spans, roles and attribution relations.
//!
//! Everything here is measured in Unicode code points (`char`s), exactly as Python indexes a
//! `str` and as PolNeAR's BRAT offsets count. Byte offsets never cross this crate's boundary.

use serde::{Deserialize, Serialize};

/// A span `[start, end)` in Unicode code points of an article text.
///
/// ```
/// use whosaid_eval::CharSpan;
/// let s = CharSpan::new(2, 5);
/// assert_eq!(s.len(), 3);
/// assert!(s.overlaps(CharSpan::new(4, 9)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CharSpan {
    /// First code point of the span.
    pub start: usize,
    /// One past the last code point of the span.
    pub end: usize,
}

impl CharSpan {
    /// Builds a span.
    ///
    /// # Panics
    /// Panics when `start > end`.
    pub fn new(start: usize, end: usize) -> Self {
        assert!(start <= end, "CharSpan start {start} > end {end}");
        CharSpan { start, end }
    }

    /// Number of code points covered (0 for an inverted span built by hand).
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no code point.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// True when `other` lies entirely inside `self`.
    pub fn contains(self, other: CharSpan) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the two spans share at least one code point.
    pub fn overlaps(self, other: CharSpan) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The characters of `text` (indexed by code point) covered by the span, clamped to the text.
    pub fn slice(self, text: &[char]) -> String {
        let end = self.end.min(text.len());
        let start = self.start.min(end);
        text[start..end].iter().collect()
    }
}

/// The three roles of an attribution relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Who is speaking or thinking ("the senator", "he").
    Source,
    /// The word or words that introduce the attribution ("said", "according to").
    Cue,
    /// What is attributed (the quote or the reported proposition).
    Content,
}

impl Role {
    /// All roles, in the order reports list them.
    pub const ALL: [Role; 3] = [Role::Source, Role::Cue, Role::Content];

    /// Lowercase name as used in JSON and BIO labels (`source`, `cue`, `content`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Cue => "cue",
            Role::Content => "content",
        }
    }

    /// Short tag used when marking spans in error examples (`SRC`, `CUE`, `CON`).
    pub fn short(self) -> &'static str {
        match self {
            Role::Source => "SRC",
            Role::Cue => "CUE",
            Role::Content => "CON",
        }
    }
}

/// One attribution relation. A role with no pieces is absent; a role with several pieces is a
/// discontinuous span (a quotation split by "he said").
///
/// Pieces are expected sorted and non-overlapping; scorers re-normalise them anyway
/// (see [`Attribution::normalized`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attribution {
    /// Pieces of the source span.
    pub source: Vec<CharSpan>,
    /// Pieces of the cue span.
    pub cue: Vec<CharSpan>,
    /// Pieces of the content span.
    pub content: Vec<CharSpan>,
}

impl Attribution {
    /// The pieces of one role.
    pub fn role(&self, role: Role) -> &[CharSpan] {
        match role {
            Role::Source => &self.source,
            Role::Cue => &self.cue,
            Role::Content => &self.content,
        }
    }

    /// Mutable access to the pieces of one role.
    pub fn role_mut(&mut self, role: Role) -> &mut Vec<CharSpan> {
        match role {
            Role::Source => &mut self.source,
            Role::Cue => &mut self.cue,
            Role::Content => &mut self.content,
        }
    }

    /// A copy with every role normalised by [`normalize_pieces`] against `text`.
    pub fn normalized(&self, text: &[char]) -> Attribution {
        Attribution {
            source: normalize_pieces(&self.source, text),
            cue: normalize_pieces(&self.cue, text),
            content: normalize_pieces(&self.content, text),
        }
    }
}

/// Canonical form of a role span used for exact comparison.
///
/// Pieces are clamped to the text, trimmed of whitespace at both edges, emptied pieces are
/// dropped, the rest sorted; pieces that overlap, touch, or are separated only by whitespace
/// are merged (they cover the same words, so they must compare equal).
///
/// ```
/// use whosaid_eval::{normalize_pieces, CharSpan};
/// let text: Vec<char> = "He said  it ".chars().collect();
/// let pieces = [CharSpan::new(8, 12), CharSpan::new(0, 2), CharSpan::new(2, 3)];
/// assert_eq!(normalize_pieces(&pieces, &text), vec![CharSpan::new(0, 2), CharSpan::new(9, 11)]);
/// ```
pub fn normalize_pieces(pieces: &[CharSpan], text: &[char]) -> Vec<CharSpan> {
    let mut trimmed: Vec<CharSpan> = pieces
        .iter()
        .filter_map(|p| {
            let mut end = p.end.min(text.len());
            let mut start = p.start.min(end);
            while start < end && text[start].is_whitespace() {
                start += 1;
            }
            while end > start && text[end - 1].is_whitespace() {
                end -= 1;
            }
            (start < end).then_some(CharSpan { start, end })
        })
        .collect();
    trimmed.sort();
    let mut merged: Vec<CharSpan> = Vec::with_capacity(trimmed.len());
    for piece in trimmed {
        match merged.last_mut() {
            Some(last)
                if piece.start <= last.end
                    || text[last.end..piece.start]
                        .iter()
                        .all(|c| c.is_whitespace()) =>
            {
                last.end = last.end.max(piece.end);
            }
            _ => merged.push(piece),
        }
    }
    merged
}

/// The text of a role span: its pieces joined by a single space.
pub fn pieces_text(pieces: &[CharSpan], text: &[char]) -> String {
    pieces
        .iter()
        .map(|p| p.slice(text))
        .collect::<Vec<_>>()
        .join(" ")
}
