//! The attribution tagger: a small learned model stacked on the rule-based passes.
//!
//! The rules find attributions the way a grammar does; human annotators (PolNeAR) follow
//! conventions the rules only approximate — which auxiliaries belong to a cue, where an
//! indirect content ends, which beliefs and intentions count as attributions. The tagger
//! learns those conventions from the PolNeAR train split: a linear model over hashed
//! features ([`features`]) scores the seven BIO labels of each token, and Viterbi decoding
//! over each paragraph picks the best label sequence that respects BIO order. The rule
//! output is one of its features, so the tagger starts from what the rules know and only
//! has to learn where they differ.
//!
//! It is an averaged structured perceptron (Collins, 2002): fast to train (`whosaid train`,
//! about a minute on two cores), and fast to run — one table lookup per feature. The
//! weights ship in `model/tagger.bin`; see `model/README.md` for their provenance. When the
//! file is empty the engine runs on rules alone.

pub mod assemble;
pub mod features;
pub mod labels;
pub mod train;

use std::sync::LazyLock;

use features::FeatureContext;
use labels::{Label, N_LABELS, allowed};

use crate::segment::TokenRange;

/// Magic bytes at the start of a weights file.
const MAGIC: &[u8; 8] = b"WHOSAID1";

/// A trained tagger.
#[derive(Clone, Debug)]
pub struct Model {
    bits: u32,
    weights: Vec<f32>,
    /// Transition weights; row `N_LABELS` holds the start scores.
    trans: [[f32; N_LABELS]; N_LABELS + 1],
}

/// Why a weights file could not be read.
#[derive(Debug, PartialEq, Eq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid tagger weights: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

static BUILTIN: LazyLock<Option<Model>> = LazyLock::new(|| {
    let bytes: &[u8] = include_bytes!("../../model/tagger.bin");
    if bytes.is_empty() { None } else { Model::from_bytes(bytes).ok() }
});

/// The tagger shipped with the engine, if its weights are present.
pub fn builtin() -> Option<&'static Model> {
    BUILTIN.as_ref()
}

impl Model {
    /// A model with all weights zero and `2^bits` feature buckets.
    pub fn zeros(bits: u32) -> Model {
        Model { bits, weights: vec![0.0; (1usize << bits) * N_LABELS], trans: [[0.0; N_LABELS]; N_LABELS + 1] }
    }

    #[inline]
    fn bucket(&self, h: u64) -> usize {
        ((h >> 7) as usize & ((1usize << self.bits) - 1)) * N_LABELS
    }

    /// Emission scores of the seven labels for one token's features.
    #[inline]
    pub fn emission(&self, feats: &[u64], out: &mut [f32; N_LABELS]) {
        *out = [0.0; N_LABELS];
        for &f in feats {
            let b = self.bucket(f);
            let w = &self.weights[b..b + N_LABELS];
            for l in 0..N_LABELS {
                out[l] += w[l];
            }
        }
    }

    /// The best label sequence for the tokens of `range`.
    pub fn tag(&self, ctx: &FeatureContext, range: TokenRange) -> Vec<Label> {
        let n = range.len();
        if n == 0 {
            return Vec::new();
        }
        let mut feats = Vec::with_capacity(64);
        let mut delta = vec![[0f32; N_LABELS]; n];
        let mut back = vec![[0u8; N_LABELS]; n];
        let mut em = [0f32; N_LABELS];
        for (t, i) in range.range().enumerate() {
            feats.clear();
            ctx.features(i, &mut feats);
            self.emission(&feats, &mut em);
            for l in 0..N_LABELS {
                if t == 0 {
                    delta[0][l] = if allowed(0, l as Label) { self.trans[N_LABELS][l] + em[l] } else { f32::NEG_INFINITY };
                    continue;
                }
                let mut best = f32::NEG_INFINITY;
                let mut arg = 0u8;
                for p in 0..N_LABELS {
                    if !allowed(p as Label, l as Label) {
                        continue;
                    }
                    let s = delta[t - 1][p] + self.trans[p][l];
                    if s > best {
                        best = s;
                        arg = p as u8;
                    }
                }
                delta[t][l] = best + em[l];
                back[t][l] = arg;
            }
        }
        let mut out = vec![0u8; n];
        let last = &delta[n - 1];
        let mut l = (0..N_LABELS).max_by(|&a, &b| last[a].total_cmp(&last[b])).unwrap_or(0);
        for t in (0..n).rev() {
            out[t] = l as Label;
            if t > 0 {
                l = back[t][l] as usize;
            }
        }
        out
    }

    /// Serialises the weights: a header, then weights quantised to 16 bits.
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self.weights.iter().chain(self.trans.iter().flatten()).fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut out = Vec::with_capacity(self.weights.len() * 2 + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&(N_LABELS as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        let q = |w: f32| -> [u8; 2] { ((w / scale).round().clamp(-32767.0, 32767.0) as i16).to_le_bytes() };
        for w in self.trans.iter().flatten() {
            out.extend_from_slice(&q(*w));
        }
        for w in &self.weights {
            out.extend_from_slice(&q(*w));
        }
        out
    }

    /// Reads weights written by [`Model::to_bytes`].
    ///
    /// # Errors
    /// A wrong magic number, label count or length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let header = 8 + 4 + 4 + 4;
        if bytes.len() < header || &bytes[..8] != MAGIC {
            return Err(ModelError("not a whosaid weights file".into()));
        }
        let u32_at = |k: usize| u32::from_le_bytes([bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]]);
        let bits = u32_at(8);
        let labels = u32_at(12) as usize;
        let scale = f32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        if labels != N_LABELS || bits > 26 {
            return Err(ModelError(format!("unsupported shape: {bits} bits, {labels} labels")));
        }
        let n_trans = N_LABELS * (N_LABELS + 1);
        let n_weights = (1usize << bits) * N_LABELS;
        if bytes.len() != header + 2 * (n_trans + n_weights) {
            return Err(ModelError("truncated".into()));
        }
        let mut vals = bytes[header..].chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]]) as f32 * scale);
        let mut trans = [[0f32; N_LABELS]; N_LABELS + 1];
        for row in trans.iter_mut() {
            for v in row.iter_mut() {
                *v = vals.next().unwrap_or(0.0);
            }
        }
        let weights: Vec<f32> = vals.collect();
        Ok(Model { bits, weights, trans })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_bytes() {
        let mut m = Model::zeros(4);
        m.weights[3] = 1.5;
        m.weights[10] = -0.25;
        m.trans[1][2] = 0.75;
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.bits, 4);
        assert!((back.weights[3] - 1.5).abs() < 1e-3);
        assert!((back.weights[10] + 0.25).abs() < 1e-3);
        assert!((back.trans[1][2] - 0.75).abs() < 1e-3);
        assert!(Model::from_bytes(b"garbage").is_err());
        assert!(Model::from_bytes(&m.to_bytes()[..30]).is_err());
    }
}
