//! Projecting character-span attributions onto the BIO labels of aligned token sentences.
//!
//! The rule ([`PROJECTION`](super::PROJECTION)) was found by projecting the gold `.ann`
//! files and comparing with the labels of `valid.txt`:
//! - a token belongs to a piece when its **last character** is inside the piece. Annotators'
//!   spans sometimes start one character into a word (`ot to recommend`) — the file labels
//!   the whole word — or stop one character short (`the debat`) — the file leaves the word out;
//! - every **piece** is its own run: the pieces of a discontinuous span each start with `B-`,
//!   even when only whitespace separates them;
//! - when several pieces claim a token, the **longest** wins (ties: the earlier relation).
//!   Gold never has two roles on one token (PolNeAR is univocal), so this only matters for
//!   predictions: it keeps an outer quotation whole when an extractor also reports a relation
//!   nested inside it, as PolNeAR's annotators would have.

use super::bio::Tag;
use crate::span::{Attribution, CharSpan, Role};

/// When a token belongs to a piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))] // alternatives are measured by the data tests
pub(crate) enum Membership {
    /// All its characters are inside the piece.
    Inside,
    /// It shares at least one character with the piece.
    Overlap,
    /// Its last character is inside the piece.
    EndInside,
}

/// Which claim on a token wins when several pieces cover it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Priority {
    /// The relation listed last wins.
    LaterWins,
    /// The longest piece wins (ties: the relation listed first).
    Longest,
}

/// What makes consecutive tokens one run (one `B-` then `I-`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum RunKey {
    /// Same relation and role.
    AttributionRole,
    /// Same relation, role and piece.
    Piece,
}

/// A projection rule: membership, priority and run boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rule {
    pub(crate) membership: Membership,
    pub(crate) priority: Priority,
    pub(crate) run: RunKey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Claim {
    attribution: usize,
    role: Role,
    piece: usize,
    span: CharSpan,
}

impl Rule {
    fn claims(&self, piece: CharSpan, token: CharSpan) -> bool {
        match self.membership {
            Membership::Inside => piece.contains(token),
            Membership::Overlap => piece.overlaps(token),
            Membership::EndInside => piece.start < token.end && token.end <= piece.end,
        }
    }

    fn better(&self, a: &Claim, b: &Claim) -> bool {
        match self.priority {
            Priority::LaterWins => a.attribution > b.attribution,
            Priority::Longest => {
                a.span.len() > b.span.len()
                    || (a.span.len() == b.span.len() && a.attribution < b.attribution)
            }
        }
    }

    fn run_key(&self, c: &Claim) -> (usize, Role, usize) {
        match self.run {
            RunKey::AttributionRole => (c.attribution, c.role, 0),
            RunKey::Piece => (c.attribution, c.role, c.piece),
        }
    }
}

/// BIO labels for one sentence, given its tokens' character spans (empty spans are tokens
/// that could not be aligned: they are labelled `O`).
pub(crate) fn project(rule: &Rule, tokens: &[CharSpan], attributions: &[Attribution]) -> Vec<Tag> {
    let lo = tokens
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| t.start)
        .min();
    let hi = tokens.iter().map(|t| t.end).max();
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return vec![Tag::O; tokens.len()];
    };
    let sentence = CharSpan { start: lo, end: hi };
    // Only pieces that reach into the sentence can claim its tokens.
    let mut claims: Vec<Claim> = Vec::new();
    for (attribution, a) in attributions.iter().enumerate() {
        for role in Role::ALL {
            for (piece, &span) in a.role(role).iter().enumerate() {
                if span.overlaps(sentence) {
                    claims.push(Claim {
                        attribution,
                        role,
                        piece,
                        span,
                    });
                }
            }
        }
    }
    let mut tags = Vec::with_capacity(tokens.len());
    let mut previous: Option<Claim> = None;
    for &token in tokens {
        let owner = if token.is_empty() {
            None
        } else {
            claims
                .iter()
                .filter(|c| rule.claims(c.span, token))
                .fold(None, |best: Option<&Claim>, c| match best {
                    Some(b) if !rule.better(c, b) => Some(b),
                    _ => Some(c),
                })
                .copied()
        };
        tags.push(match owner {
            None => Tag::O,
            Some(c) if previous.is_some_and(|p| rule.run_key(&p) == rule.run_key(&c)) => {
                Tag::I(c.role)
            }
            Some(c) => Tag::B(c.role),
        });
        previous = owner;
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::super::PROJECTION;
    use super::*;

    fn s(a: usize, b: usize) -> CharSpan {
        CharSpan::new(a, b)
    }

    fn labels(tags: &[Tag]) -> Vec<String> {
        tags.iter().map(Tag::to_string).collect()
    }

    // "He said the plan works" as tokens.
    //  0  3    8   12   17
    const TOKENS: [CharSpan; 5] = [
        CharSpan { start: 0, end: 2 },
        CharSpan { start: 3, end: 7 },
        CharSpan { start: 8, end: 11 },
        CharSpan { start: 12, end: 16 },
        CharSpan { start: 17, end: 22 },
    ];

    #[test]
    fn basic_roles() {
        let a = Attribution {
            source: vec![s(0, 2)],
            cue: vec![s(3, 7)],
            content: vec![s(8, 22)],
        };
        assert_eq!(
            labels(&project(&PROJECTION, &TOKENS, &[a])),
            ["B-source", "B-cue", "B-content", "I-content", "I-content"]
        );
    }

    #[test]
    fn token_belongs_when_its_last_character_is_inside() {
        // Starts one character into "said", stops one character short of "works".
        let a = Attribution {
            source: vec![],
            cue: vec![s(4, 7)],
            content: vec![s(8, 21)],
        };
        assert_eq!(
            labels(&project(&PROJECTION, &TOKENS, &[a])),
            ["O", "B-cue", "B-content", "I-content", "O"]
        );
    }

    #[test]
    fn each_piece_starts_a_run() {
        let a = Attribution {
            source: vec![],
            cue: vec![],
            content: vec![s(0, 7), s(8, 16)],
        };
        assert_eq!(
            labels(&project(&PROJECTION, &TOKENS, &[a])),
            ["B-content", "I-content", "B-content", "I-content", "O"]
        );
    }

    #[test]
    fn adjacent_relations_get_separate_runs() {
        let a = Attribution {
            source: vec![s(0, 2)],
            ..Default::default()
        };
        let b = Attribution {
            source: vec![s(3, 7)],
            ..Default::default()
        };
        assert_eq!(
            labels(&project(&PROJECTION, &TOKENS, &[a, b])),
            ["B-source", "B-source", "O", "O", "O"]
        );
    }

    #[test]
    fn longest_piece_wins_overlaps() {
        let outer = Attribution {
            content: vec![s(0, 22)],
            ..Default::default()
        };
        let nested = Attribution {
            source: vec![s(8, 16)],
            cue: vec![s(17, 22)],
            ..Default::default()
        };
        assert_eq!(
            labels(&project(&PROJECTION, &TOKENS, &[nested, outer])),
            [
                "B-content",
                "I-content",
                "I-content",
                "I-content",
                "I-content"
            ]
        );
    }

    #[test]
    fn unaligned_tokens_and_empty_sentences() {
        let a = Attribution {
            content: vec![s(0, 22)],
            ..Default::default()
        };
        let tokens = [s(0, 2), s(2, 2), s(3, 7)];
        assert_eq!(
            labels(&project(&PROJECTION, &tokens, std::slice::from_ref(&a))),
            ["B-content", "O", "B-content"]
        );
        assert!(project(&PROJECTION, &[], std::slice::from_ref(&a)).is_empty());
        assert_eq!(project(&PROJECTION, &[s(5, 5)], &[a]), [Tag::O]);
    }
}
