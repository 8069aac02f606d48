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
pub mod cuestats;
pub mod features;
pub mod labels;
pub mod train;

use std::sync::LazyLock;

use cuestats::CueStats;
use features::FeatureContext;
use labels::{Label, N_LABELS, allowed};

use crate::document::Document;
use crate::lexicon::Lexicon;
use crate::segment::TokenRange;

/// The longest token sequence decoded at once: paragraphs longer than this (a 100 MB line)
/// are decoded in windows of whole sentences, so memory stays proportional to the window.
pub const MAX_SEQUENCE_TOKENS: usize = 4096;

/// The sequences the tagger decodes: paragraphs, cut into windows of whole sentences when
/// longer than [`MAX_SEQUENCE_TOKENS`].
pub fn sequences(doc: &Document) -> Vec<TokenRange> {
    let mut out = Vec::with_capacity(doc.paragraphs.len());
    for p in &doc.paragraphs {
        if p.tokens.len() <= MAX_SEQUENCE_TOKENS {
            out.push(p.tokens);
            continue;
        }
        let first = doc.token_sentence[p.tokens.start as usize] as usize;
        let last = doc.token_sentence[p.tokens.end as usize - 1] as usize;
        let mut start = p.tokens.start;
        for s in &doc.sentences[first..=last] {
            if s.tokens.end - start > MAX_SEQUENCE_TOKENS as u32 && s.tokens.start > start {
                out.push(TokenRange {
                    start,
                    end: s.tokens.start,
                });
                start = s.tokens.start;
            }
        }
        out.push(TokenRange {
            start,
            end: p.tokens.end,
        });
    }
    out
}

/// For each label, the labels that may precede it ([`allowed`]), in increasing order.
const PREDECESSORS: [&[Label]; N_LABELS] = {
    const ALL: &[Label] = &[0, 1, 2, 3, 4, 5, 6];
    [ALL, ALL, &[1, 2], ALL, &[3, 4], ALL, &[5, 6]]
};

/// Whether a sequence keeps its first-layer labels: where neither the first layer nor the
/// rules see any role, the stacked layer would only rescore evidence already judged empty.
fn nothing_to_stack(ctx: &FeatureContext, range: TokenRange, first: &[Label]) -> bool {
    first.iter().all(|&l| l == 0) && range.range().all(|i| ctx.rule_label(i) == 0)
}

/// Magic bytes at the start of a weights file.
const MAGIC: &[u8; 8] = b"WHOSAID2";

/// A trained tagger: cue statistics and one or two layers of weights. The second layer,
/// when present, is stacked on the first: it sees the first layer's labels as features.
#[derive(Clone, Debug)]
pub struct Model {
    /// Learned cue statistics.
    pub stats: CueStats,
    /// The first layer.
    pub first: Layer,
    /// The stacked second layer.
    pub second: Option<Layer>,
}

/// One linear layer: weights per feature bucket and label, and transition weights.
#[derive(Clone, Debug)]
pub struct Layer {
    bits: u32,
    weights: Weights,
    /// Transition weights; row `N_LABELS` holds the start scores.
    trans: [[f32; N_LABELS]; N_LABELS + 1],
}

/// Emission weights: one row per feature bucket, padded to eight labels so that a row is
/// one aligned load and the additions vectorise.
#[derive(Clone, Debug)]
enum Weights {
    /// Full precision, while training.
    Float(Vec<[f32; 8]>),
    /// Quantised to 16 bits (as stored on disk), held widened to 32 bits: a row is still
    /// one cache line, and adding it is two vector additions (widening 16-bit lanes costs
    /// a dozen instructions per row on baseline x86-64).
    Packed { rows: Vec<[i32; 8]>, scale: f32 },
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
    if bytes.is_empty() {
        None
    } else {
        Model::from_bytes(bytes).ok()
    }
});

/// The tagger shipped with the engine, if its weights are present.
pub fn builtin() -> Option<&'static Model> {
    BUILTIN.as_ref()
}

impl Model {
    /// Labels every token of `doc`, paragraph by paragraph. Each token's base features are
    /// hashed once and shared by both layers.
    pub fn tag_document(&self, doc: &Document, lexicon: &Lexicon) -> Vec<Label> {
        self.tag_document_with(doc, lexicon, &|_, _| {})
    }

    /// [`Model::tag_document`] with a hook that may add features (a parse) to the context.
    pub fn tag_document_with(
        &self,
        doc: &Document,
        lexicon: &Lexicon,
        hook: &dyn Fn(&Document, &mut FeatureContext),
    ) -> Vec<Label> {
        let mut ctx = FeatureContext::new(doc, lexicon, &self.stats);
        hook(doc, &mut ctx);
        let first = self.first.packed_view();
        let second = self.second.as_ref().map(Layer::packed_view);
        match (first, second) {
            (Some(first), None) => self.tag_packed(doc, &mut ctx, first, None),
            (Some(first), Some(Some(second))) => {
                self.tag_packed(doc, &mut ctx, first, Some(second))
            }
            _ => self.tag_general(doc, &mut ctx),
        }
    }

    /// [`Model::tag_document_with`] for quantised layers (the shipped weights): each token's
    /// base features are hashed once and added straight into both layers' integer sums, so
    /// no feature list is stored and the sums are exact whatever their order.
    fn tag_packed(
        &self,
        doc: &Document,
        ctx: &mut FeatureContext,
        first: PackedView<'_>,
        second: Option<PackedView<'_>>,
    ) -> Vec<Label> {
        let mut labels = vec![0 as Label; doc.tokens.len()];
        let mut scratch = Scratch::default();
        let mut em: Vec<[f32; N_LABELS]> = Vec::new();
        let mut first_labels: Vec<Label> = Vec::new();
        let mut out: Vec<Label> = Vec::new();
        // The base feature hashes of the sequence, token after token: `ends[t]` is where
        // those of its token `t` end.
        let mut base: Vec<u64> = Vec::new();
        let mut ends: Vec<usize> = Vec::new();
        let mut extra: Vec<u64> = Vec::with_capacity(32);
        for range in sequences(doc) {
            if !ctx.may_attribute(range) {
                continue;
            }
            base.clear();
            ends.clear();
            em.clear();
            for i in range.range() {
                let start = base.len();
                // Written into room made up front (cheaper than a push per feature); a token
                // with more features than that is hashed again with pushes.
                base.resize(start + ROOM, 0);
                let mut n = 0;
                let slots = &mut base[start..];
                ctx.base_features_with(i, |h| {
                    if let Some(slot) = slots.get_mut(n) {
                        *slot = h;
                    }
                    n += 1;
                });
                if n <= ROOM {
                    base.truncate(start + n);
                } else {
                    base.truncate(start);
                    ctx.base_features_with(i, |h| base.push(h));
                }
                em.push(first.scores(&first.sum(&base[start..], [0; 8])));
                ends.push(base.len());
            }
            first_labels.clear();
            self.first.viterbi(&em, &mut scratch, &mut first_labels);
            let empty = nothing_to_stack(ctx, range, &first_labels);
            match (&second, &self.second) {
                (Some(s), Some(layer)) if !empty => {
                    ctx.fill_stack(doc, range, &first_labels);
                    em.clear();
                    let mut start = 0;
                    for (i, &end) in range.range().zip(&ends) {
                        extra.clear();
                        ctx.stack_features_with(i, |h| extra.push(h));
                        let acc = s.sum(&extra, s.sum(&base[start..end], [0; 8]));
                        em.push(s.scores(&acc));
                        start = end;
                    }
                    out.clear();
                    layer.viterbi(&em, &mut scratch, &mut out);
                    labels[range.range()].copy_from_slice(&out);
                }
                _ => labels[range.range()].copy_from_slice(&first_labels),
            }
        }
        labels
    }

    /// [`Model::tag_document_with`] for layers of any precision.
    fn tag_general(&self, doc: &Document, ctx: &mut FeatureContext) -> Vec<Label> {
        let mut labels = vec![0 as Label; doc.tokens.len()];
        let mut scratch = Scratch::default();
        let mut base: Vec<u64> = Vec::new();
        let mut offsets: Vec<usize> = Vec::new();
        let mut extra: Vec<u64> = Vec::new();
        for range in sequences(doc) {
            if !ctx.may_attribute(range) {
                continue;
            }
            base.clear();
            offsets.clear();
            offsets.push(0);
            for i in range.range() {
                ctx.base_features(i, &mut base);
                offsets.push(base.len());
            }
            let a = range.start as usize;
            let feats_of = |i: usize| &base[offsets[i - a]..offsets[i - a + 1]];
            let mut first = Vec::with_capacity(range.len());
            self.first.tag_with(
                range,
                |i, out| out.extend_from_slice(feats_of(i)),
                &mut scratch,
                &mut first,
            );
            let empty = nothing_to_stack(ctx, range, &first);
            match &self.second {
                Some(second) if !empty => {
                    ctx.fill_stack(doc, range, &first);
                    let mut out = Vec::with_capacity(range.len());
                    second.tag_with(
                        range,
                        |i, f| {
                            f.extend_from_slice(feats_of(i));
                            extra.clear();
                            ctx.stack_features(i, &mut extra);
                            f.extend_from_slice(&extra);
                        },
                        &mut scratch,
                        &mut out,
                    );
                    labels[range.range()].copy_from_slice(&out);
                }
                _ => labels[range.range()].copy_from_slice(&first),
            }
        }
        labels
    }

    /// Serialises the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        self.stats.write(&mut out);
        let layers: Vec<&Layer> = std::iter::once(&self.first)
            .chain(self.second.as_ref())
            .collect();
        out.extend_from_slice(&(layers.len() as u32).to_le_bytes());
        for l in layers {
            l.write(&mut out);
        }
        out
    }

    /// Reads a model written by [`Model::to_bytes`].
    ///
    /// # Errors
    /// A wrong magic number, shape or length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(ModelError("not a whosaid weights file".into()));
        }
        let (stats, used) =
            CueStats::read(&bytes[8..]).ok_or_else(|| ModelError("bad cue statistics".into()))?;
        let mut at = 8 + used;
        let n = u32::from_le_bytes(
            bytes
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| ModelError("truncated".into()))?,
        );
        at += 4;
        if !(1..=2).contains(&n) {
            return Err(ModelError(format!("{n} layers")));
        }
        let (first, used) = Layer::read(&bytes[at..])?;
        at += used;
        let second = if n == 2 {
            let (l, used) = Layer::read(&bytes[at..])?;
            at += used;
            Some(l)
        } else {
            None
        };
        if at != bytes.len() {
            return Err(ModelError("trailing bytes".into()));
        }
        Ok(Model {
            stats,
            first,
            second,
        })
    }
}

/// Buffers reused across the paragraphs of one decoding.
#[derive(Default)]
pub struct Scratch {
    feats: Vec<u64>,
    emissions: Vec<[f32; N_LABELS]>,
    delta: Vec<[f32; N_LABELS]>,
    back: Vec<[u8; N_LABELS]>,
}

/// Feature hashes a token is expected to have at most (the base templates give 60, a parse
/// 8 more).
const ROOM: usize = 96;

/// A quantised layer's rows, borrowed for tagging: exactly `mask + 1` of them.
#[derive(Clone, Copy)]
struct PackedView<'a> {
    rows: &'a [[i32; 8]],
    mask: usize,
    scale: f32,
}

impl PackedView<'_> {
    /// `acc` plus the rows of the feature hashes `hashes` (integer sums: exact in any order).
    #[inline]
    fn sum(&self, hashes: &[u64], mut acc: [i32; 8]) -> [i32; 8] {
        // Sliced to exactly `mask + 1` rows here, so the indexing below needs no check.
        let rows = &self.rows[..=self.mask];
        for &h in hashes {
            let w = &rows[(h >> 7) as usize & self.mask];
            for l in 0..8 {
                acc[l] += w[l];
            }
        }
        acc
    }

    /// The label scores of integer sums (as [`Layer::emission`] computes them).
    #[inline]
    fn scores(&self, acc: &[i32; 8]) -> [f32; N_LABELS] {
        let mut out = [0f32; N_LABELS];
        for l in 0..N_LABELS {
            out[l] = acc[l] as f32 * self.scale;
        }
        out
    }
}

impl Layer {
    /// A layer with all weights zero and `2^bits` feature buckets.
    pub fn zeros(bits: u32) -> Layer {
        Layer {
            bits,
            weights: Weights::Float(vec![[0.0; 8]; 1usize << bits]),
            trans: [[0.0; N_LABELS]; N_LABELS + 1],
        }
    }

    /// The weight-wise mean of full-precision layers of the same shape (the first layer
    /// when there is only one).
    pub(crate) fn average(mut layers: Vec<Layer>) -> Layer {
        let count = layers.len() as f32;
        let mut first = layers.remove(0);
        if layers.is_empty() {
            return first;
        }
        let mut trans = first.trans;
        for l in &layers {
            for (a, b) in trans.iter_mut().flatten().zip(l.trans.iter().flatten()) {
                *a += b;
            }
        }
        for a in trans.iter_mut().flatten() {
            *a /= count;
        }
        first.trans = trans;
        let others: Vec<Vec<[f32; 8]>> = layers
            .into_iter()
            .filter_map(|mut l| l.float_rows_mut().map(std::mem::take))
            .collect();
        if let Some(rows) = first.float_rows_mut() {
            for (k, row) in rows.iter_mut().enumerate() {
                for (l, w) in row.iter_mut().enumerate() {
                    *w = (*w + others.iter().map(|o| o[k][l]).sum::<f32>()) / count;
                }
            }
        }
        first
    }

    /// The full-precision rows, while training (`None` once packed).
    pub(crate) fn float_rows_mut(&mut self) -> Option<&mut Vec<[f32; 8]>> {
        match &mut self.weights {
            Weights::Float(rows) => Some(rows),
            Weights::Packed { .. } => None,
        }
    }

    /// The bucket of a feature hash.
    #[inline]
    fn bucket(&self, h: u64) -> usize {
        (h >> 7) as usize & ((1usize << self.bits) - 1)
    }

    /// Emission scores of the seven labels for one token's features.
    #[inline]
    pub fn emission(&self, feats: &[u64], out: &mut [f32; N_LABELS]) {
        match &self.weights {
            Weights::Float(rows) => {
                let mut acc = [0f32; 8];
                for &f in feats {
                    let w = &rows[self.bucket(f)];
                    for l in 0..8 {
                        acc[l] += w[l];
                    }
                }
                out.copy_from_slice(&acc[..N_LABELS]);
            }
            Weights::Packed { rows, scale } => {
                // Exactly 2^bits rows: a bucket needs no bounds check.
                let rows = &rows[..=(1usize << self.bits) - 1];
                let mut acc = [0i32; 8];
                for &f in feats {
                    let w = &rows[self.bucket(f)];
                    for l in 0..8 {
                        acc[l] += w[l];
                    }
                }
                for l in 0..N_LABELS {
                    out[l] = acc[l] as f32 * scale;
                }
            }
        }
    }

    /// Labels every paragraph of `doc`.
    pub fn tag_paragraphs(&self, doc: &Document, ctx: &FeatureContext) -> Vec<Label> {
        let mut labels = vec![0 as Label; doc.tokens.len()];
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        for range in sequences(doc) {
            if ctx.may_attribute(range) {
                out.clear();
                self.tag_with(range, |i, f| ctx.features(i, f), &mut scratch, &mut out);
                labels[range.range()].copy_from_slice(&out);
            }
        }
        labels
    }

    /// The best label sequence for the tokens of `range`.
    pub fn tag(&self, ctx: &FeatureContext, range: TokenRange) -> Vec<Label> {
        let mut out = Vec::with_capacity(range.len());
        self.tag_with(
            range,
            |i, f| ctx.features(i, f),
            &mut Scratch::default(),
            &mut out,
        );
        out
    }

    /// Viterbi decoding of `range`: `features(i, out)` appends the feature hashes of token
    /// `i`; the best labels are appended to `out`.
    pub fn tag_with(
        &self,
        range: TokenRange,
        mut features: impl FnMut(usize, &mut Vec<u64>),
        scratch: &mut Scratch,
        out: &mut Vec<Label>,
    ) {
        let mut feats = std::mem::take(&mut scratch.feats);
        let mut em = std::mem::take(&mut scratch.emissions);
        em.clear();
        let mut e = [0f32; N_LABELS];
        for i in range.range() {
            feats.clear();
            features(i, &mut feats);
            self.emission(&feats, &mut e);
            em.push(e);
        }
        self.viterbi(&em, scratch, out);
        scratch.feats = feats;
        scratch.emissions = em;
    }

    /// Viterbi decoding of a sequence of emission scores; the best labels are appended to
    /// `out`.
    fn viterbi(&self, em: &[[f32; N_LABELS]], scratch: &mut Scratch, out: &mut Vec<Label>) {
        let n = em.len();
        if n == 0 {
            return;
        }
        let Scratch { delta, back, .. } = scratch;
        delta.clear();
        delta.resize(n, [0f32; N_LABELS]);
        back.clear();
        back.resize(n, [0u8; N_LABELS]);
        let trans = &self.trans;
        for (t, em) in em.iter().enumerate() {
            if t == 0 {
                for l in 0..N_LABELS {
                    delta[0][l] = if allowed(0, l as Label) {
                        self.trans[N_LABELS][l] + em[l]
                    } else {
                        f32::NEG_INFINITY
                    };
                }
                continue;
            }
            let prev = delta[t - 1];
            for l in 0..N_LABELS {
                // Only the allowed predecessors (I- continues its own role only) are tried.
                let mut best = f32::NEG_INFINITY;
                let mut arg = 0u8;
                for &p in PREDECESSORS[l] {
                    let s = prev[p as usize] + trans[p as usize][l];
                    if s > best {
                        best = s;
                        arg = p;
                    }
                }
                delta[t][l] = best + em[l];
                back[t][l] = arg;
            }
        }
        let start = out.len();
        out.resize(start + n, 0);
        let last = &delta[n - 1];
        let mut l = (0..N_LABELS)
            .max_by(|&a, &b| last[a].total_cmp(&last[b]))
            .unwrap_or(0);
        for t in (0..n).rev() {
            out[start + t] = l as Label;
            if t > 0 {
                l = back[t][l] as usize;
            }
        }
    }

    /// The quantised rows of the layer, for the fused tagging path (`None` while the weights
    /// are still full precision).
    fn packed_view(&self) -> Option<PackedView<'_>> {
        match &self.weights {
            Weights::Packed { rows, scale } => {
                let mask = (1usize << self.bits) - 1;
                Some(PackedView {
                    rows: rows.get(..=mask)?,
                    mask,
                    scale: *scale,
                })
            }
            Weights::Float(_) => None,
        }
    }

    /// Appends the layer: a header, then weights quantised to 16 bits.
    fn write(&self, out: &mut Vec<u8>) {
        let (rows, scale) = self.packed();
        let rows = rows.as_ref();
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&(N_LABELS as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        let q = |w: f32| -> [u8; 2] {
            ((w / scale).round().clamp(-32767.0, 32767.0) as i16).to_le_bytes()
        };
        for w in self.trans.iter().flatten() {
            out.extend_from_slice(&q(*w));
        }
        for row in rows {
            for w in &row[..N_LABELS] {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
    }

    /// Reads a layer; returns it and the bytes read.
    fn read(bytes: &[u8]) -> Result<(Layer, usize), ModelError> {
        let header = 12;
        if bytes.len() < header {
            return Err(ModelError("truncated layer".into()));
        }
        let u32_at =
            |k: usize| u32::from_le_bytes([bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]]);
        let bits = u32_at(0);
        let labels = u32_at(4) as usize;
        let scale = f32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if labels != N_LABELS || bits > 26 {
            return Err(ModelError(format!(
                "unsupported shape: {bits} bits, {labels} labels"
            )));
        }
        let n_trans = N_LABELS * (N_LABELS + 1);
        let n_weights = (1usize << bits) * N_LABELS;
        let len = header + 2 * (n_trans + n_weights);
        if bytes.len() < len {
            return Err(ModelError("truncated layer".into()));
        }
        let mut vals = bytes[header..len]
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]));
        let mut trans = [[0f32; N_LABELS]; N_LABELS + 1];
        for row in trans.iter_mut() {
            for v in row.iter_mut() {
                *v = vals.next().unwrap_or(0) as f32 * scale;
            }
        }
        let mut rows = vec![[0i32; 8]; 1usize << bits];
        for row in rows.iter_mut() {
            for w in row[..N_LABELS].iter_mut() {
                *w = i32::from(vals.next().unwrap_or(0));
            }
        }
        Ok((
            Layer {
                bits,
                weights: Weights::Packed { rows, scale },
                trans,
            },
            len,
        ))
    }

    /// The weights quantised to 16 bits, and the scale that turns them back into floats.
    fn packed(&self) -> (std::borrow::Cow<'_, [[i16; 8]]>, f32) {
        match &self.weights {
            Weights::Packed { rows, scale } => {
                // Every value was read from 16 bits, so narrowing it back is exact.
                let narrow = rows.iter().map(|r| r.map(|w| w as i16));
                (std::borrow::Cow::Owned(narrow.collect()), *scale)
            }
            Weights::Float(rows) => {
                let max = rows
                    .iter()
                    .flatten()
                    .chain(self.trans.iter().flatten())
                    .fold(0f32, |m, w| m.max(w.abs()));
                let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
                let q = |w: f32| (w / scale).round().clamp(-32767.0, 32767.0) as i16;
                let packed = rows.iter().map(|r| {
                    let mut o = [0i16; 8];
                    for (d, s) in o.iter_mut().zip(r) {
                        *d = q(*s);
                    }
                    o
                });
                (std::borrow::Cow::Owned(packed.collect()), scale)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predecessors_are_the_allowed_labels() {
        for (l, preds) in PREDECESSORS.iter().enumerate() {
            let expected: Vec<Label> = (0..N_LABELS as Label)
                .filter(|&p| allowed(p, l as Label))
                .collect();
            assert_eq!(preds.to_vec(), expected, "label {l}");
        }
    }

    #[test]
    fn round_trips_through_bytes() {
        let mut l = Layer::zeros(4);
        if let Some(rows) = l.float_rows_mut() {
            rows[0][3] = 1.5;
            rows[1][3] = -0.25;
        }
        l.trans[1][2] = 0.75;
        let mut c = cuestats::CueCounter::default();
        for _ in 0..5 {
            c.add("said", true);
        }
        let m = Model {
            stats: c.finish(),
            first: l.clone(),
            second: Some(l),
        };
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        let b = back.second.as_ref().unwrap();
        assert_eq!(b.bits, 4);
        let mut e = [0f32; N_LABELS];
        b.emission(&[0], &mut e);
        assert!((e[3] - 1.5).abs() < 1e-3);
        b.emission(&[1 << 7], &mut e);
        assert!((e[3] + 0.25).abs() < 1e-3);
        assert!((b.trans[1][2] - 0.75).abs() < 1e-3);
        assert_eq!(back.stats, m.stats);
        assert!(Model::from_bytes(b"garbage").is_err());
        assert!(Model::from_bytes(&m.to_bytes()[..30]).is_err());
    }
}
