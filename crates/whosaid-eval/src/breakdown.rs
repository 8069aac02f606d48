//! Breakdowns of exact-match scores by kind of span: direct-quote contents, pronoun sources,
//! and cue lemmas.
//!
//! Each protocol describes every gold and predicted role span by a match key (identical keys
//! are an exact match) and a few labels; this module turns those into per-label counts.

use std::collections::{BTreeMap, HashSet};
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use crate::metrics::{Counts, Score};

/// Exact-match scores per kind of span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Breakdowns {
    /// Contents containing quotation marks (direct and mixed quotes).
    pub content_direct_quote: Score,
    /// All other contents (indirect speech, reported thoughts…).
    pub content_other: Score,
    /// Sources that are a bare pronoun.
    pub source_pronoun: Score,
    /// Named and descriptive sources.
    pub source_other: Score,
    /// The most frequent gold cue lemmas, most frequent first (ties by lemma).
    pub cue_lemmas: Vec<LemmaScore>,
}

/// Exact-match score of the cues with one lemma.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LemmaScore {
    /// The lemma, as the lemma function returned it.
    pub lemma: String,
    /// Scores of the cues with that lemma (gold and predicted are grouped by their own lemma).
    #[serde(flatten)]
    pub score: Score,
}

/// Counts accumulated over documents before they become [`Breakdowns`].
#[derive(Debug, Clone, Default)]
pub(crate) struct BreakdownTally {
    pub(crate) content: BTreeMap<bool, Counts>,
    pub(crate) source: BTreeMap<bool, Counts>,
    pub(crate) cue: BTreeMap<String, Counts>,
}

impl BreakdownTally {
    /// Adds the tallies of another document.
    pub(crate) fn merge(&mut self, other: BreakdownTally) {
        merge_maps(&mut self.content, other.content);
        merge_maps(&mut self.source, other.source);
        merge_maps(&mut self.cue, other.cue);
    }

    /// Final scores; keeps the `top_cues` lemmas most frequent in gold.
    pub(crate) fn finish(&self, top_cues: usize) -> Breakdowns {
        let get = |m: &BTreeMap<bool, Counts>, k: bool| {
            Score::from(m.get(&k).copied().unwrap_or_default())
        };
        let mut lemmas: Vec<(&String, &Counts)> =
            self.cue.iter().filter(|(_, c)| c.gold > 0).collect();
        lemmas.sort_by(|a, b| b.1.gold.cmp(&a.1.gold).then_with(|| a.0.cmp(b.0)));
        Breakdowns {
            content_direct_quote: get(&self.content, true),
            content_other: get(&self.content, false),
            source_pronoun: get(&self.source, true),
            source_other: get(&self.source, false),
            cue_lemmas: lemmas
                .into_iter()
                .take(top_cues)
                .map(|(lemma, c)| LemmaScore {
                    lemma: lemma.clone(),
                    score: Score::from(*c),
                })
                .collect(),
        }
    }
}

fn merge_maps<K: Ord>(into: &mut BTreeMap<K, Counts>, from: BTreeMap<K, Counts>) {
    for (k, c) in from {
        into.entry(k).or_default().add(c);
    }
}

/// Per-label counts: a gold item is matched when a predicted item has the same key; the label
/// of each item is its own (matched items share their text, hence their label).
pub(crate) fn tally_by_label<K: Eq + Hash, L: Ord + Clone>(
    gold: &[(K, L)],
    predicted: &[(K, L)],
) -> BTreeMap<L, Counts> {
    let pred_keys: HashSet<&K> = predicted.iter().map(|(k, _)| k).collect();
    let mut out: BTreeMap<L, Counts> = BTreeMap::new();
    for (key, label) in gold {
        let c = out.entry(label.clone()).or_default();
        c.gold += 1;
        if pred_keys.contains(key) {
            c.tp += 1;
        }
    }
    for (_, label) in predicted {
        out.entry(label.clone()).or_default().predicted += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_and_top_lemmas() {
        let gold = [
            (1, "say".to_string()),
            (2, "say".to_string()),
            (3, "tell".to_string()),
        ];
        let pred = [(1, "say".to_string()), (4, "add".to_string())];
        let t = BreakdownTally {
            cue: tally_by_label(&gold, &pred),
            ..BreakdownTally::default()
        };
        let b = t.finish(1);
        assert_eq!(b.cue_lemmas.len(), 1);
        assert_eq!(b.cue_lemmas[0].lemma, "say");
        assert_eq!(
            (b.cue_lemmas[0].score.tp, b.cue_lemmas[0].score.gold),
            (1, 2)
        );
        assert_eq!(b.cue_lemmas[0].score.precision, 1.0);
    }
}
