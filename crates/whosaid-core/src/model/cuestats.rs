//! Learned cue statistics: how often each word is part of a cue in annotated text.
//!
//! The cue lexicon lists reporting verbs; annotators also mark words no reporting-verb
//! list holds ("has learned", "unleashed", "views"). For every word seen often enough in the
//! training split, [`CueStats`] keeps the share of its occurrences that fall inside a gold
//! cue, smoothed towards zero for rare words. The tagger reads it as a feature; the
//! statistics travel inside the weights file, so they always match the weights.

use rustc_hash::FxHashMap;

use crate::lexicon::{lower, with_lower, word_hash};

/// Fewest occurrences a word needs to get a statistic.
pub const MIN_COUNT: u32 = 3;
/// Pseudo-count pulling rare words towards zero.
const SMOOTHING: f32 = 3.0;

/// Share of occurrences inside a cue, per lowercased word.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CueStats {
    map: FxHashMap<String, f32>,
    /// The same by [`word_hash`], for lookups.
    by_hash: FxHashMap<u64, f32>,
}

/// Counts for building [`CueStats`].
#[derive(Clone, Debug, Default)]
pub struct CueCounter {
    counts: FxHashMap<String, (u32, u32)>,
}

impl CueCounter {
    /// Counts one occurrence of `word`, inside a cue or not.
    pub fn add(&mut self, word: &str, in_cue: bool) {
        let e = self.counts.entry(lower(word).into_owned()).or_default();
        e.0 += 1;
        if in_cue {
            e.1 += 1;
        }
    }

    /// The statistics: words seen at least [`MIN_COUNT`] times and inside a cue at least once.
    pub fn finish(&self) -> CueStats {
        let map = self
            .counts
            .iter()
            .filter(|(_, (n, c))| *n >= MIN_COUNT && *c > 0)
            .map(|(w, &(n, c))| (w.clone(), c as f32 / (n as f32 + SMOOTHING)))
            .collect();
        CueStats::new(map)
    }
}

impl CueStats {
    /// The share of `word`'s occurrences inside a cue (0 when unknown).
    pub fn get(&self, word: &str) -> f32 {
        with_lower(word, |w| self.get_by_hash(word_hash(w)))
    }

    /// [`CueStats::get`] for the lowercased word whose [`word_hash`] is `hash`
    /// ([`Document::lower_hash`]).
    ///
    /// [`Document::lower_hash`]: crate::document::Document::lower_hash
    #[inline]
    pub fn get_by_hash(&self, hash: u64) -> f32 {
        self.by_hash.get(&hash).copied().unwrap_or(0.0)
    }

    fn new(map: FxHashMap<String, f32>) -> CueStats {
        let by_hash = map.iter().map(|(w, &p)| (word_hash(w), p)).collect();
        CueStats { map, by_hash }
    }

    /// Number of words with a statistic.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no word has a statistic.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Appends the statistics to `out`: a count, then (length, UTF-8 word, f32) entries in
    /// sorted order (so that the same statistics always give the same bytes).
    pub fn write(&self, out: &mut Vec<u8>) {
        let mut entries: Vec<_> = self.map.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (w, p) in entries {
            let b = w.as_bytes();
            out.extend_from_slice(&(b.len().min(255) as u8).to_le_bytes());
            out.extend_from_slice(&b[..b.len().min(255)]);
            out.extend_from_slice(&p.to_le_bytes());
        }
    }

    /// Reads statistics written by [`CueStats::write`]; returns them and the bytes read.
    pub fn read(bytes: &[u8]) -> Option<(CueStats, usize)> {
        let n = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let mut at = 4;
        let mut map = FxHashMap::default();
        for _ in 0..n {
            let len = *bytes.get(at)? as usize;
            at += 1;
            let w = std::str::from_utf8(bytes.get(at..at + len)?)
                .ok()?
                .to_string();
            at += len;
            let p = f32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?);
            at += 4;
            map.insert(w, p);
        }
        Some((CueStats::new(map), at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_statistics_have_one_hash_per_word() {
        let stats = &crate::model::builtin().expect("built-in weights").stats;
        assert!(stats.len() > 1000);
        assert_eq!(stats.by_hash.len(), stats.map.len());
        assert_eq!(stats.get("SAID"), stats.get_by_hash(word_hash("said")));
        assert!(stats.get("said") > 0.5);
    }

    #[test]
    fn counts_smooth_and_round_trip() {
        let mut c = CueCounter::default();
        for k in 0..10 {
            c.add("Said", k < 9);
            c.add("the", false);
        }
        c.add("rare", true);
        let s = c.finish();
        assert!(s.get("said") > 0.6 && s.get("said") < 0.9);
        assert_eq!(s.get("the"), 0.0);
        assert_eq!(s.get("rare"), 0.0);
        let mut bytes = Vec::new();
        s.write(&mut bytes);
        let (back, used) = CueStats::read(&bytes).unwrap();
        assert_eq!(back, s);
        assert_eq!(used, bytes.len());
    }
}
