//! Counting true positives: exact, begin, token-overlap and attribution-level matching.
//!
//! Functions here work on already normalised role spans (see
//! [`normalize_pieces`](crate::normalize_pieces)); a role span is the full list of its pieces.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::span::{Attribution, CharSpan, Role};
use crate::text::covered_tokens;

/// Pooled counts: matched, predicted and gold items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Matched items (true positives).
    pub tp: usize,
    /// Predicted items.
    pub predicted: usize,
    /// Gold items.
    pub gold: usize,
}

impl Counts {
    /// Adds another set of counts to this one.
    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }
}

/// Precision, recall and F1 (fractions in `0..=1`) with the counts they come from.
///
/// A ratio with a zero denominator is 0 (no predictions means precision 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// `tp / predicted`.
    pub precision: f64,
    /// `tp / gold`.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Matched items.
    #[serde(default)]
    pub tp: usize,
    /// Predicted items.
    #[serde(default)]
    pub predicted: usize,
    /// Gold items.
    #[serde(default)]
    pub gold: usize,
}

impl From<Counts> for Score {
    fn from(c: Counts) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(c.tp, c.predicted);
        let recall = ratio(c.tp, c.gold);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Score {
            precision,
            recall,
            f1,
            tp: c.tp,
            predicted: c.predicted,
            gold: c.gold,
        }
    }
}

/// The distinct non-empty spans of one role, sorted. A span shared by several relations
/// (one source with two cues) counts once.
pub fn role_spans(attributions: &[Attribution], role: Role) -> Vec<Vec<CharSpan>> {
    let set: BTreeSet<&[CharSpan]> = attributions
        .iter()
        .map(|a| a.role(role))
        .filter(|p| !p.is_empty())
        .collect();
    set.into_iter().map(<[CharSpan]>::to_vec).collect()
}

/// Exact match: a predicted span counts when the same list of pieces is in gold.
pub fn exact_counts(gold: &[Vec<CharSpan>], predicted: &[Vec<CharSpan>]) -> Counts {
    let gold_set: HashSet<&Vec<CharSpan>> = gold.iter().collect();
    let pred_set: HashSet<&Vec<CharSpan>> = predicted.iter().collect();
    Counts {
        tp: gold_set.intersection(&pred_set).count(),
        predicted: pred_set.len(),
        gold: gold_set.len(),
    }
}

/// Begin match: spans are paired one-to-one by the start of their first piece.
pub fn begin_counts(gold: &[Vec<CharSpan>], predicted: &[Vec<CharSpan>]) -> Counts {
    let starts = |spans: &[Vec<CharSpan>]| {
        let mut m: BTreeMap<usize, usize> = BTreeMap::new();
        for s in spans.iter().filter_map(|s| s.first()) {
            *m.entry(s.start).or_default() += 1;
        }
        m
    };
    let (g, p) = (starts(gold), starts(predicted));
    Counts {
        tp: g
            .iter()
            .map(|(k, n)| (*n).min(*p.get(k).unwrap_or(&0)))
            .sum(),
        predicted: p.values().sum(),
        gold: g.values().sum(),
    }
}

/// Token overlap: counts over the sets of word tokens covered by gold and by predicted spans.
pub fn overlap_counts(
    tokens: &[CharSpan],
    gold: &[Vec<CharSpan>],
    predicted: &[Vec<CharSpan>],
) -> Counts {
    let cover = |spans: &[Vec<CharSpan>]| -> BTreeSet<usize> {
        spans
            .iter()
            .flat_map(|s| covered_tokens(tokens, s))
            .collect()
    };
    let (g, p) = (cover(gold), cover(predicted));
    Counts {
        tp: g.intersection(&p).count(),
        predicted: p.len(),
        gold: g.len(),
    }
}

/// Jaccard similarity of the word tokens covered by two role spans (1 when both are empty).
pub fn token_jaccard(tokens: &[CharSpan], a: &[CharSpan], b: &[CharSpan]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let ta: BTreeSet<usize> = covered_tokens(tokens, a).into_iter().collect();
    let tb: BTreeSet<usize> = covered_tokens(tokens, b).into_iter().collect();
    let union = ta.union(&tb).count();
    if union == 0 {
        return if a == b { 1.0 } else { 0.0 };
    }
    ta.intersection(&tb).count() as f64 / union as f64
}

/// Minimum token Jaccard for a role to match under the lenient attribution criterion.
pub const LENIENT_JACCARD: f64 = 0.5;

/// How strictly attribution-level matching compares roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributionMatch {
    /// Content equal; source and cue equal where gold has them.
    Exact,
    /// Token Jaccard ≥ [`LENIENT_JACCARD`] for content, and for source and cue where gold
    /// has them.
    Lenient,
}

/// Pairs gold and predicted attributions one-to-one, greedily in gold order.
///
/// Returns, for each gold attribution, the index of its predicted partner. Under
/// [`AttributionMatch::Lenient`] the free candidate with the highest summed Jaccard is taken
/// (ties: lowest index); under [`AttributionMatch::Exact`] the first free candidate.
pub fn match_attributions(
    tokens: &[CharSpan],
    gold: &[Attribution],
    predicted: &[Attribution],
    mode: AttributionMatch,
) -> Vec<Option<usize>> {
    let mut used = vec![false; predicted.len()];
    gold.iter()
        .map(|g| {
            let mut best: Option<(usize, f64)> = None;
            for (i, p) in predicted.iter().enumerate() {
                if used[i] {
                    continue;
                }
                let Some(score) = attribution_score(tokens, g, p, mode) else {
                    continue;
                };
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((i, score));
                    if mode == AttributionMatch::Exact {
                        break;
                    }
                }
            }
            let (i, _) = best?;
            used[i] = true;
            Some(i)
        })
        .collect()
}

/// `Some(similarity)` when `p` matches `g` under `mode`.
fn attribution_score(
    tokens: &[CharSpan],
    g: &Attribution,
    p: &Attribution,
    mode: AttributionMatch,
) -> Option<f64> {
    let mut total = 0.0;
    for role in Role::ALL {
        let (gs, ps) = (g.role(role), p.role(role));
        if role != Role::Content && gs.is_empty() {
            continue;
        }
        let similarity = match mode {
            AttributionMatch::Exact => f64::from(u8::from(gs == ps)),
            AttributionMatch::Lenient => token_jaccard(tokens, gs, ps),
        };
        let needed = match mode {
            AttributionMatch::Exact => 1.0,
            AttributionMatch::Lenient => LENIENT_JACCARD,
        };
        if similarity < needed {
            return None;
        }
        total += similarity;
    }
    Some(total)
}

/// Attribution-level counts: matched pairs, predicted and gold relations.
pub fn attribution_counts(
    tokens: &[CharSpan],
    gold: &[Attribution],
    predicted: &[Attribution],
    mode: AttributionMatch,
) -> Counts {
    let matches = match_attributions(tokens, gold, predicted, mode);
    Counts {
        tp: matches.iter().flatten().count(),
        predicted: predicted.len(),
        gold: gold.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::word_tokens;

    fn s(a: usize, b: usize) -> CharSpan {
        CharSpan::new(a, b)
    }

    #[test]
    fn score_from_counts() {
        let sc = Score::from(Counts {
            tp: 2,
            predicted: 4,
            gold: 8,
        });
        assert_eq!((sc.precision, sc.recall), (0.5, 0.25));
        assert!((sc.f1 - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(Score::from(Counts::default()).f1, 0.0);
    }

    #[test]
    fn exact_and_begin_with_discontinuous_spans() {
        let gold = vec![vec![s(0, 5), s(10, 20)], vec![s(30, 35)]];
        let pred = vec![vec![s(0, 5)], vec![s(30, 35)], vec![s(40, 41)]];
        assert_eq!(
            exact_counts(&gold, &pred),
            Counts {
                tp: 1,
                predicted: 3,
                gold: 2
            }
        );
        assert_eq!(
            begin_counts(&gold, &pred),
            Counts {
                tp: 2,
                predicted: 3,
                gold: 2
            }
        );
        let pred2 = vec![vec![s(0, 5), s(10, 20)]];
        assert_eq!(exact_counts(&gold, &pred2).tp, 1);
    }

    #[test]
    fn begin_is_one_to_one() {
        let gold = vec![vec![s(0, 5)]];
        let pred = vec![vec![s(0, 3)], vec![s(0, 9)]];
        assert_eq!(
            begin_counts(&gold, &pred),
            Counts {
                tp: 1,
                predicted: 2,
                gold: 1
            }
        );
    }

    #[test]
    fn overlap_counts_tokens() {
        let text: Vec<char> = "aa bb cc dd ee".chars().collect();
        let toks = word_tokens(&text);
        let gold = vec![vec![s(0, 8)]];
        let pred = vec![vec![s(3, 11)]];
        assert_eq!(
            overlap_counts(&toks, &gold, &pred),
            Counts {
                tp: 2,
                predicted: 3,
                gold: 3
            }
        );
    }

    #[test]
    fn role_spans_dedupe_shared_source() {
        let a = Attribution {
            source: vec![s(0, 2)],
            cue: vec![s(3, 7)],
            content: vec![],
        };
        let b = Attribution {
            source: vec![s(0, 2)],
            cue: vec![s(9, 12)],
            content: vec![],
        };
        assert_eq!(
            role_spans(&[a.clone(), b], Role::Source),
            vec![vec![s(0, 2)]]
        );
        assert!(role_spans(&[a], Role::Content).is_empty());
    }

    #[test]
    fn attribution_matching_exact_and_lenient() {
        //                     0         1         2         3
        //                     0123456789012345678901234567890123456
        let text: Vec<char> = "He said the plan is very good indeed".chars().collect();
        let toks = word_tokens(&text);
        let gold = vec![Attribution {
            source: vec![s(0, 2)],
            cue: vec![s(3, 7)],
            content: vec![s(8, 29)],
        }];
        // Exact content, no source predicted: fails (gold has a source).
        let no_source = Attribution {
            source: vec![],
            cue: vec![s(3, 7)],
            content: vec![s(8, 29)],
        };
        // Content one word longer: lenient only.
        let longer = Attribution {
            source: vec![s(0, 2)],
            cue: vec![s(3, 7)],
            content: vec![s(8, 36)],
        };
        let exact = gold[0].clone();
        let c = |p: &[Attribution], m| attribution_counts(&toks, &gold, p, m);
        assert_eq!(
            c(std::slice::from_ref(&no_source), AttributionMatch::Exact).tp,
            0
        );
        assert_eq!(c(&[no_source], AttributionMatch::Lenient).tp, 0);
        assert_eq!(
            c(std::slice::from_ref(&longer), AttributionMatch::Exact).tp,
            0
        );
        assert_eq!(
            c(std::slice::from_ref(&longer), AttributionMatch::Lenient).tp,
            1
        );
        assert_eq!(
            c(&[longer, exact], AttributionMatch::Lenient),
            Counts {
                tp: 1,
                predicted: 2,
                gold: 1
            }
        );
        assert_eq!(
            match_attributions(
                &toks,
                &gold,
                &[gold[0].clone(), gold[0].clone()],
                AttributionMatch::Lenient
            ),
            vec![Some(0)]
        );
    }

    #[test]
    fn gold_without_source_accepts_any_predicted_source() {
        let text: Vec<char> = "It is expected to rain".chars().collect();
        let toks = word_tokens(&text);
        let gold = vec![Attribution {
            source: vec![],
            cue: vec![s(3, 14)],
            content: vec![s(15, 22)],
        }];
        let pred = vec![Attribution {
            source: vec![s(0, 2)],
            cue: vec![s(3, 14)],
            content: vec![s(15, 22)],
        }];
        assert_eq!(
            attribution_counts(&toks, &gold, &pred, AttributionMatch::Exact).tp,
            1
        );
    }
}
