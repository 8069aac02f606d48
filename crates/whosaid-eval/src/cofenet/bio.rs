//! BIO labels and the CofeNet span metric.
//!
//! Decoding follows the paper's evaluation code: a span starts at `B-x`, continues over
//! `I-x`, and ends at any other label. An `I-x` that does not continue an open span of the
//! same role (after `O`, after another role, or at the start of a sentence) closes whatever
//! is open and starts nothing: it is ignored, like seqeval's strict mode and unlike the
//! lenient `conlleval` convention of treating it as a `B-x`.
//!
//! ```
//! use whosaid_eval::cofenet::bio::{decode, Tag};
//! use whosaid_eval::Role;
//! let tags: Vec<Tag> = ["B-source", "I-source", "I-cue", "B-cue", "O", "B-content", "I-content"]
//!     .iter().map(|t| Tag::parse(t).unwrap()).collect();
//! let spans = decode(&tags);
//! assert_eq!(spans[0], [(0, 2)]); // source
//! assert_eq!(spans[1], [(3, 4)]); // cue: the stray I-cue is ignored
//! assert_eq!(spans[2], [(5, 7)]); // content
//! # let _ = Role::Source;
//! ```

use std::collections::HashSet;
use std::fmt;

use crate::metrics::Counts;
use crate::span::Role;

/// One BIO label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Outside any span.
    O,
    /// First token of a span.
    B(Role),
    /// Continuation of a span.
    I(Role),
}

impl Tag {
    /// Parses `O`, `B-source`, `I-cue`, … (`None` for anything else).
    pub fn parse(label: &str) -> Option<Tag> {
        if label == "O" {
            return Some(Tag::O);
        }
        let (prefix, role) = label.split_once('-')?;
        let role = match role {
            "source" => Role::Source,
            "cue" => Role::Cue,
            "content" => Role::Content,
            _ => return None,
        };
        match prefix {
            "B" => Some(Tag::B(role)),
            "I" => Some(Tag::I(role)),
            _ => None,
        }
    }

    /// The role of a `B-`/`I-` label.
    pub fn role(self) -> Option<Role> {
        match self {
            Tag::O => None,
            Tag::B(r) | Tag::I(r) => Some(r),
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tag::O => f.write_str("O"),
            Tag::B(r) => write!(f, "B-{}", r.name()),
            Tag::I(r) => write!(f, "I-{}", r.name()),
        }
    }
}

/// Token spans `[start, end)` per role, indexed in [`Role::ALL`] order.
pub type RoleTokenSpans = [Vec<(usize, usize)>; 3];

fn role_index(role: Role) -> usize {
    match role {
        Role::Source => 0,
        Role::Cue => 1,
        Role::Content => 2,
    }
}

/// Decodes one sentence's labels into spans per role (see the module docs for the rules).
pub fn decode(tags: &[Tag]) -> RoleTokenSpans {
    let mut out: RoleTokenSpans = Default::default();
    let mut open: Option<(Role, usize)> = None;
    let mut close = |open: &mut Option<(Role, usize)>, end: usize| {
        if let Some((role, start)) = open.take() {
            out[role_index(role)].push((start, end));
        }
    };
    for (i, tag) in tags.iter().enumerate() {
        match *tag {
            Tag::B(role) => {
                close(&mut open, i);
                open = Some((role, i));
            }
            Tag::I(role) if open.is_some_and(|(r, _)| r == role) => {}
            Tag::I(_) | Tag::O => close(&mut open, i),
        }
    }
    close(&mut open, tags.len());
    out
}

/// Exact and begin counts of one sentence, per role in [`Role::ALL`] order.
///
/// A gold span is a true positive when the predicted spans of its role contain the same
/// `[start, end)`; every predicted span not among the gold ones is a false positive.
/// Begin match compares start indices only.
pub fn sentence_counts(gold: &[Tag], predicted: &[Tag]) -> ([Counts; 3], [Counts; 3]) {
    let (g, p) = (decode(gold), decode(predicted));
    let mut exact = [Counts::default(); 3];
    let mut begin = [Counts::default(); 3];
    for i in 0..3 {
        exact[i] = set_counts(g[i].iter().copied(), p[i].iter().copied());
        begin[i] = set_counts(g[i].iter().map(|s| s.0), p[i].iter().map(|s| s.0));
    }
    (exact, begin)
}

fn set_counts<T: Eq + std::hash::Hash>(
    gold: impl Iterator<Item = T>,
    predicted: impl Iterator<Item = T>,
) -> Counts {
    let g: HashSet<T> = gold.collect();
    let p: HashSet<T> = predicted.collect();
    Counts {
        tp: g.intersection(&p).count(),
        predicted: p.len(),
        gold: g.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<Tag> {
        s.split_whitespace()
            .map(|t| match t {
                "O" => Tag::O,
                _ => {
                    let role = match &t[2..] {
                        "s" => Role::Source,
                        "c" => Role::Cue,
                        _ => Role::Content,
                    };
                    if t.starts_with('B') {
                        Tag::B(role)
                    } else {
                        Tag::I(role)
                    }
                }
            })
            .collect()
    }

    #[test]
    fn parse_and_display_roundtrip() {
        for l in [
            "O",
            "B-source",
            "I-source",
            "B-cue",
            "I-cue",
            "B-content",
            "I-content",
        ] {
            assert_eq!(Tag::parse(l).unwrap().to_string(), l);
        }
        assert_eq!(Tag::parse("B-speaker"), None);
        assert_eq!(Tag::parse("X-cue"), None);
    }

    #[test]
    fn i_after_other_role_ends_span_and_starts_nothing() {
        let d = decode(&tags("B-s I-s I-c I-c B-c"));
        assert_eq!(d[0], [(0, 2)]);
        assert_eq!(d[1], [(4, 5)]);
    }

    #[test]
    fn i_at_sentence_start_or_after_o_is_ignored() {
        let d = decode(&tags("I-t I-t O I-s B-t"));
        assert!(d[0].is_empty());
        assert_eq!(d[2], [(4, 5)]);
    }

    #[test]
    fn adjacent_b_b_spans_are_separate() {
        let d = decode(&tags("B-c B-c I-c B-c"));
        assert_eq!(d[1], [(0, 1), (1, 3), (3, 4)]);
    }

    #[test]
    fn empty_sentence_has_no_spans() {
        assert_eq!(decode(&[]), RoleTokenSpans::default());
        let (e, b) = sentence_counts(&[], &[]);
        assert_eq!(e, [Counts::default(); 3]);
        assert_eq!(b, [Counts::default(); 3]);
    }

    #[test]
    fn span_runs_to_sentence_end() {
        assert_eq!(decode(&tags("O B-t I-t"))[2], [(1, 3)]);
    }

    #[test]
    fn metric_exact_and_begin() {
        let gold = tags("B-s I-s B-c B-t I-t I-t O");
        let pred = tags("B-s O B-c B-t I-t O B-t");
        let (exact, begin) = sentence_counts(&gold, &pred);
        // source: gold (0,2), pred (0,1) -> exact miss, begin hit.
        assert_eq!(
            exact[0],
            Counts {
                tp: 0,
                predicted: 1,
                gold: 1
            }
        );
        assert_eq!(
            begin[0],
            Counts {
                tp: 1,
                predicted: 1,
                gold: 1
            }
        );
        // cue: identical.
        assert_eq!(
            exact[1],
            Counts {
                tp: 1,
                predicted: 1,
                gold: 1
            }
        );
        // content: gold (3,6); pred (3,5), (6,7).
        assert_eq!(
            exact[2],
            Counts {
                tp: 0,
                predicted: 2,
                gold: 1
            }
        );
        assert_eq!(
            begin[2],
            Counts {
                tp: 1,
                predicted: 2,
                gold: 1
            }
        );
    }
}
