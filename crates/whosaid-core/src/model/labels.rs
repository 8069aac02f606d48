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
