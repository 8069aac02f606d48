//! Token labels: BIO over the three roles of an attribution.

use crate::attribution::QuoteKind;
use crate::document::Document;
use crate::segment::TokenRange;

/// A label: an index into [`LABELS`].
pub type Label = u8;

/// Number of labels.
pub const N_LABELS: usize = 7;

/// Outside any role.
pub const O: Label = 0;
/// First token of a source.
pub const B_SOURCE: Label = 1;
/// Later token of a source.
pub const I_SOURCE: Label = 2;
/// First token of a cue.
pub const B_CUE: Label = 3;
/// Later token of a cue.
pub const I_CUE: Label = 4;
/// First token of a content piece.
pub const B_CONTENT: Label = 5;
/// Later token of a content piece.
pub const I_CONTENT: Label = 6;

/// Label names, as in the CofeNet tag file.
pub const LABELS: [&str; N_LABELS] = [
    "O",
    "B-source",
    "I-source",
    "B-cue",
    "I-cue",
    "B-content",
    "I-content",
];

/// Whether label `to` may follow label `from` (an I- only continues its own role).
#[inline]
pub fn allowed(from: Label, to: Label) -> bool {
    match to {
        I_SOURCE => matches!(from, B_SOURCE | I_SOURCE),
        I_CUE => matches!(from, B_CUE | I_CUE),
        I_CONTENT => matches!(from, B_CONTENT | I_CONTENT),
        _ => true,
    }
}

/// The role (1 source, 2 cue, 3 content) of a label, 0 for O.
#[inline]
pub fn role(l: Label) -> u8 {
    l.div_ceil(2)
}

/// Writes role pieces as BIO labels: each piece starts with B-; where pieces overlap, the
/// longer piece wins (the scorers' projection rule).
pub fn project(n: usize, pieces: &mut [(TokenRange, u8)]) -> Vec<Label> {
    let mut labels = vec![O; n];
    let mut owner_len = vec![0usize; n];
    pieces.sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
    for (r, role) in pieces.iter() {
        let (b, i) = match role {
            1 => (B_SOURCE, I_SOURCE),
            2 => (B_CUE, I_CUE),
            _ => (B_CONTENT, I_CONTENT),
        };
        let free = r.range().all(|k| k < n && owner_len[k] == 0);
        if !free {
            continue;
        }
        for k in r.range() {
            labels[k] = if k == r.start as usize { b } else { i };
            owner_len[k] = r.len();
        }
    }
    labels
}

/// The rule-based attributions of `doc` as token labels, with, for each token, the kind
/// of the attribution it belongs to (0 none, 1 direct, 2 indirect, 3 mixed) plus 4 times
/// a confidence bucket (0 below 0.6, 1 below 0.8, 2 below 0.9, 3 above), and the
/// attribution's [`crate::Shape`] plus one (0 for none).
pub fn role_labels(doc: &Document) -> (Vec<Label>, Vec<u8>, Vec<u8>) {
    let n = doc.tokens.len();
    let mut pieces = Vec::new();
    let mut kind = vec![0u8; n];
    let mut shape = vec![0u8; n];
    for a in &doc.attributions {
        let sh = a.shape as u8 + 1;
        for r in a
            .speaker_tokens
            .iter()
            .chain(a.cue_tokens.iter())
            .chain(a.content_tokens.iter())
        {
            for v in shape
                .iter_mut()
                .take((r.end as usize).min(n))
                .skip(r.start as usize)
            {
                *v = sh;
            }
        }
        let conf = match a.confidence {
            c if c < 0.6 => 0,
            c if c < 0.8 => 1,
            c if c < 0.9 => 2,
            _ => 3,
        };
        let k = conf * 4
            + match a.kind {
                QuoteKind::Direct => 1,
                QuoteKind::Indirect => 2,
                QuoteKind::Mixed => 3,
            };
        for r in a.speaker_tokens.iter().chain(a.cue_tokens.iter()) {
            for i in r.range() {
                if i < n && kind[i] == 0 {
                    kind[i] = k;
                }
            }
        }
        if let Some(r) = a.speaker_tokens {
            pieces.push((r, 1));
        }
        if let Some(r) = a.cue_tokens {
            pieces.push((r, 2));
        }
        for r in &a.content_tokens {
            pieces.push((*r, 3));
            for i in r.range() {
                if i < n {
                    kind[i] = k;
                }
            }
        }
    }
    (project(n, &mut pieces), kind, shape)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Options, Tagger, extract};

    /// Reads role pieces back from labels: a B- starts a piece, I- of the same role extend
    /// it.
    fn decode(labels: &[Label]) -> Vec<(TokenRange, u8)> {
        let mut out: Vec<(TokenRange, u8)> = Vec::new();
        for (k, &l) in labels.iter().enumerate() {
            if l == O {
                continue;
            }
            let continues = l % 2 == 0
                && out
                    .last()
                    .is_some_and(|(r, role_)| r.end as usize == k && *role_ == role(l));
            if continues {
                out.last_mut().unwrap().0.end += 1;
            } else {
                out.push((TokenRange::new(k, k + 1), role(l)));
            }
        }
        out
    }

    fn names(labels: &[Label]) -> Vec<&'static str> {
        labels.iter().map(|&l| LABELS[l as usize]).collect()
    }

    #[test]
    fn label_names_and_roles() {
        assert_eq!(LABELS[O as usize], "O");
        assert_eq!(LABELS[B_SOURCE as usize], "B-source");
        assert_eq!(LABELS[I_SOURCE as usize], "I-source");
        assert_eq!(LABELS[B_CUE as usize], "B-cue");
        assert_eq!(LABELS[I_CUE as usize], "I-cue");
        assert_eq!(LABELS[B_CONTENT as usize], "B-content");
        assert_eq!(LABELS[I_CONTENT as usize], "I-content");
        let roles: Vec<u8> = (0..N_LABELS as Label).map(role).collect();
        assert_eq!(roles, [0, 1, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn inside_labels_only_continue_their_role() {
        for from in 0..N_LABELS as Label {
            for to in 0..N_LABELS as Label {
                let expected = to % 2 == 1 || to == O || role(from) == role(to);
                assert_eq!(allowed(from, to), expected, "{from} -> {to}");
            }
        }
        assert!(allowed(B_CUE, I_CUE));
        assert!(allowed(I_CONTENT, I_CONTENT));
        assert!(!allowed(O, I_SOURCE));
        assert!(!allowed(B_SOURCE, I_CUE));
        assert!(!allowed(I_CUE, I_CONTENT));
    }

    #[test]
    fn projection_round_trips() {
        // Source, cue, two adjacent content pieces (kept apart by their B-), a gap.
        let pieces = vec![
            (TokenRange::new(0, 2), 1),
            (TokenRange::new(2, 3), 2),
            (TokenRange::new(3, 6), 3),
            (TokenRange::new(6, 8), 3),
            (TokenRange::new(9, 10), 3),
        ];
        let labels = project(11, &mut pieces.clone());
        assert_eq!(
            names(&labels),
            [
                "B-source",
                "I-source",
                "B-cue",
                "B-content",
                "I-content",
                "I-content",
                "B-content",
                "I-content",
                "O",
                "B-content",
                "O"
            ]
        );
        assert_eq!(decode(&labels), pieces);
        // And labels → pieces → labels.
        assert_eq!(project(11, &mut decode(&labels)), labels);
        assert!(labels.windows(2).all(|w| allowed(w[0], w[1])));
    }

    #[test]
    fn projection_longer_piece_wins_overlaps() {
        let mut pieces = vec![(TokenRange::new(1, 3), 1), (TokenRange::new(0, 6), 3)];
        let labels = project(6, &mut pieces);
        assert_eq!(decode(&labels), [(TokenRange::new(0, 6), 3)]);
        // Pieces beyond the end are dropped, not clipped.
        let labels = project(
            4,
            &mut [(TokenRange::new(2, 6), 3), (TokenRange::new(0, 1), 2)],
        );
        assert_eq!(names(&labels), ["B-cue", "O", "O", "O"]);
        assert_eq!(project(0, &mut []), Vec::<Label>::new());
    }

    #[test]
    fn rule_attributions_as_labels() {
        let doc = extract(
            "“We will appeal,” the lawyer said. Officials said the plan was late.",
            &Options {
                tagger: Tagger::RulesOnly,
                ..Options::default()
            },
        );
        assert_eq!(doc.attributions.len(), 2);
        let (labels, kind, shape) = role_labels(&doc);
        assert_eq!(labels.len(), doc.tokens.len());
        let mut expected = Vec::new();
        for a in &doc.attributions {
            expected.push((a.speaker_tokens.unwrap(), 1));
            expected.push((a.cue_tokens.unwrap(), 2));
            expected.extend(a.content_tokens.iter().map(|r| (*r, 3)));
        }
        expected.sort_by_key(|(r, _)| r.start);
        assert_eq!(decode(&labels), expected);
        let roles: Vec<(&str, u8)> = decode(&labels)
            .iter()
            .map(|(r, k)| {
                (
                    doc.slice(doc.token_span(r.start as usize, r.end as usize)),
                    *k,
                )
            })
            .collect();
        assert_eq!(
            roles,
            [
                ("“We will appeal,”", 3),
                ("the lawyer", 1),
                ("said", 2),
                ("Officials", 1),
                ("said", 2),
                ("the plan was late", 3)
            ]
        );
        // Kind and confidence bucket: direct at 0.95 → 3 * 4 + 1; indirect at 0.85 → 2 * 4 + 2.
        let (a, b) = (&doc.attributions[0], &doc.attributions[1]);
        assert_eq!((a.kind, b.kind), (QuoteKind::Direct, QuoteKind::Indirect));
        let conf = |c: f32| {
            if c < 0.6 {
                0
            } else if c < 0.8 {
                1
            } else if c < 0.9 {
                2
            } else {
                3
            }
        };
        let ka = conf(a.confidence) * 4 + 1;
        let kb = conf(b.confidence) * 4 + 2;
        for (i, (&k, &s)) in kind.iter().zip(&shape).enumerate() {
            let in_a = a.content_tokens[0].contains(i)
                || a.speaker_tokens.unwrap().contains(i)
                || a.cue_tokens.unwrap().contains(i);
            let in_b = b.content_tokens[0].contains(i)
                || b.speaker_tokens.unwrap().contains(i)
                || b.cue_tokens.unwrap().contains(i);
            let (ek, es) = match (in_a, in_b) {
                (true, _) => (ka, a.shape as u8 + 1),
                (_, true) => (kb, b.shape as u8 + 1),
                _ => (0, 0),
            };
            assert_eq!((k, s), (ek, es), "token {i} {:?}", doc.word(i));
        }
    }
}
