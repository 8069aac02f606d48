//! The neural tagger: embeddings of the tagger's per-token inputs, two stacked bidirectional
//! LSTMs over each paragraph, and a linear-chain CRF over the seven BIO labels.
//!
//! The inputs are the values [`FeatureContext::inputs`] computes for each token: the
//! word, its suffix and shape, its part of speech, the role the rule-based passes gave it,
//! the quotation state, the cue lexicon and learned cue statistics, distances to cues,
//! mentions and the position in the sentence. Each input column has its own vocabulary and
//! embedding table; the concatenated embeddings run through one LSTM left to right and one
//! right to left, so every token's label scores see the whole paragraph — where the cue is,
//! whether a quotation closed, whether a `, he said` follows — which a window of hashed
//! features cannot. A second bidirectional layer reads both directions' states of the
//! first at each token, so its states combine the two sides of the paragraph before the
//! output layer does (one-layer networks, the shape shipped until 2026-12-08, still load
//! and run). Viterbi decoding over the CRF's transition scores then picks the best
//! label sequence that respects BIO order.
//!
//! Tagging is cheap because the LSTM's input projection is linear: the projection of each
//! embedding row is computed once (on first use) and a token's input is the sum of its
//! columns' projected rows, so only the small recurrent products run per token (and, with
//! two layers, the second layer's input product: 128 states to 512 gate inputs). On CPUs
//! with AVX2 the projected rows are stored in 16-bit fixed point (half the memory, sixteen
//! additions an instruction), and the recurrent products run in 16-bit integers, or in 8-bit
//! ones with AVX-VNNI or AVX-512; [`cpu::Level`] decides once per process which kernels
//! run.
//!
//! [`train`] fits the network by backpropagation (Adam, dropout, gradient clipping) on the
//! PolNeAR train split; see `model/README.md` for the provenance of the shipped weights.
//!
//! [`FeatureContext::inputs`]: super::features::FeatureContext::inputs

pub mod cpu;
#[cfg(target_arch = "x86_64")]
mod lanes;
pub mod math;
#[cfg(target_arch = "x86_64")]
mod simd;
pub mod train;

use rustc_hash::FxHashMap;

use super::labels::{Label, N_LABELS};

/// How many tokens ahead the large projection tables are prefetched.
const PREFETCH_AHEAD: usize = 2;

/// Number of input columns per token (see [`crate::model::features::FeatureContext::inputs`]).
pub const N_COLUMNS: usize = 21;

/// Score added to the transitions BIO order forbids (an `I-` that does not continue its
/// own role): low enough that no path takes them, finite so that sums stay finite.
pub const FORBIDDEN: f32 = -1e4;

/// The vocabulary of one input column: raw value → embedding row (row 0 is "unknown").
#[derive(Clone, Debug)]
pub enum Vocab {
    /// Small values (below 256): a direct table.
    Table(Box<[u32; 256]>),
    /// Hashes (words, suffixes, lemmas).
    Map(FxHashMap<u64, u32>),
}

impl Vocab {
    /// A vocabulary of `values`, in row order from row 1.
    pub fn new(values: &[u64]) -> Vocab {
        if values.iter().all(|&v| v < 256) {
            let mut t = Box::new([0u32; 256]);
            for (k, &v) in values.iter().enumerate() {
                t[v as usize] = k as u32 + 1;
            }
            Vocab::Table(t)
        } else {
            Vocab::Map(
                values
                    .iter()
                    .enumerate()
                    .map(|(k, &v)| (v, k as u32 + 1))
                    .collect(),
            )
        }
    }

    /// The embedding row of a raw value (0 when unknown).
    #[inline]
    pub fn row(&self, value: u64) -> u32 {
        match self {
            Vocab::Table(t) => {
                if value < 256 {
                    t[value as usize]
                } else {
                    0
                }
            }
            Vocab::Map(m) => m.get(&value).copied().unwrap_or(0),
        }
    }

    /// The known values, in row order (row 1 first).
    pub fn values(&self) -> Vec<u64> {
        let mut out: Vec<(u32, u64)> = match self {
            Vocab::Table(t) => t
                .iter()
                .enumerate()
                .filter(|(_, r)| **r != 0)
                .map(|(v, &r)| (r, v as u64))
                .collect(),
            Vocab::Map(m) => m.iter().map(|(&v, &r)| (r, v)).collect(),
        };
        out.sort_unstable();
        out.into_iter().map(|(_, v)| v).collect()
    }
}

/// Shapes of the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Embedding width of each column.
    pub dims: [usize; N_COLUMNS],
    /// Rows of each column's embedding table (known values plus the unknown row).
    pub rows: [usize; N_COLUMNS],
    /// LSTM hidden size per direction.
    pub hidden: usize,
    /// Stacked bidirectional LSTM layers (1 or 2): the second reads both directions'
    /// hidden states of the first.
    pub layers: usize,
}

impl Shape {
    /// Width of the concatenated embeddings.
    pub fn input(&self) -> usize {
        self.dims.iter().sum()
    }

    /// Width of the gate pre-activations (input, forget, cell, output).
    pub fn gates(&self) -> usize {
        4 * self.hidden
    }
}

/// Where each tensor lives in the flat parameter vector.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Embedding table of each column (`rows × dim`, row-major).
    pub emb: [std::ops::Range<usize>; N_COLUMNS],
    /// Input weights of each direction (`gates × input`).
    pub w_ih: [std::ops::Range<usize>; 2],
    /// Recurrent weights of each direction (`gates × hidden`).
    pub w_hh: [std::ops::Range<usize>; 2],
    /// Gate biases of each direction.
    pub b: [std::ops::Range<usize>; 2],
    /// Output weights (`labels × 2·hidden`).
    pub w_out: std::ops::Range<usize>,
    /// Output biases.
    pub b_out: std::ops::Range<usize>,
    /// Transition scores: `(labels + 1) × labels`, the last row holding the start scores.
    pub trans: std::ops::Range<usize>,
    /// The second layer's input weights of each direction (`gates × 2·hidden`; empty with
    /// one layer). The second layer's tensors come after all the first's, so a one-layer
    /// network's layout is the same as before stacking existed.
    pub w_ih2: [std::ops::Range<usize>; 2],
    /// The second layer's recurrent weights of each direction (`gates × hidden`).
    pub w_hh2: [std::ops::Range<usize>; 2],
    /// The second layer's gate biases of each direction.
    pub b2: [std::ops::Range<usize>; 2],
    /// Total number of parameters.
    pub len: usize,
}

impl Layout {
    /// The layout of a network of shape `s`.
    pub fn new(s: &Shape) -> Layout {
        let mut at = 0;
        let mut take = |n: usize| {
            let r = at..at + n;
            at += n;
            r
        };
        let emb = std::array::from_fn(|c| take(s.rows[c] * s.dims[c]));
        let (g, d, h) = (s.gates(), s.input(), s.hidden);
        let w_ih = [take(g * d), take(g * d)];
        let w_hh = [take(g * h), take(g * h)];
        let b = [take(g), take(g)];
        let w_out = take(N_LABELS * 2 * h);
        let b_out = take(N_LABELS);
        let trans = take((N_LABELS + 1) * N_LABELS);
        let upper = if s.layers >= 2 { 1 } else { 0 };
        let w_ih2 = [take(upper * g * 2 * h), take(upper * g * 2 * h)];
        let w_hh2 = [take(upper * g * h), take(upper * g * h)];
        let b2 = [take(upper * g), take(upper * g)];
        Layout {
            emb,
            w_ih,
            w_hh,
            b,
            w_out,
            b_out,
            trans,
            w_ih2,
            w_hh2,
            b2,
            len: at,
        }
    }
}

/// Whether label `to` may follow `from` (`N_LABELS` for the start of a sequence).
pub fn allowed_after(from: usize, to: usize) -> bool {
    if from == N_LABELS {
        // A sequence starts outside or with a B-.
        to == 0 || to % 2 == 1
    } else {
        super::labels::allowed(from as Label, to as Label)
    }
}

/// The network: shape, vocabularies, parameters, and the caches tagging fills.
#[derive(Debug)]
pub struct Net {
    /// Shapes.
    pub shape: Shape,
    /// Vocabulary of each column.
    pub vocabs: Vec<Vocab>,
    /// All parameters, laid out by [`Layout`].
    pub params: Vec<f32>,
    layout: Layout,
    /// Offset of each column in the concatenated input.
    offsets: [usize; N_COLUMNS],
    /// Projection of each embedding row through both directions' input weights: per
    /// column, `rows × 2·gates` values (forward gates, then backward gates). Empty when
    /// `proj_q` holds them.
    proj: Vec<Vec<f32>>,
    /// The same and the biases in 16 bits, when the CPU runs the AVX2 kernels
    /// (`simd::supported`).
    #[cfg(target_arch = "x86_64")]
    proj_q: Option<simd::QuantizedInputs>,
    /// Both directions' gate biases, concatenated. Empty when `proj_q` holds them.
    bias: Vec<f32>,
    /// Recurrent weights transposed (`hidden × gates`), per direction.
    w_hh_t: [Vec<f32>; 2],
    /// The same in 8 or 16 bits for the integer kernels, where they run.
    #[cfg(target_arch = "x86_64")]
    recurrent: Option<simd::Recurrent>,
    /// The second layer (two layers only): input weights transposed (`2·hidden × gates`,
    /// per direction), recurrent weights transposed, and their integer form.
    w_ih2_t: [Vec<f32>; 2],
    w_hh2_t: [Vec<f32>; 2],
    #[cfg(target_arch = "x86_64")]
    recurrent2: Option<simd::Recurrent>,
    /// The second layer's input weights in 8 bits, where those kernels run.
    #[cfg(target_arch = "x86_64")]
    projection2: Option<simd::Projection>,
    /// The second layer's gate biases, both directions concatenated.
    bias2: Vec<f32>,
    /// Transition scores with the forbidden ones added.
    trans: [[f32; N_LABELS]; N_LABELS + 1],
}

impl Clone for Net {
    fn clone(&self) -> Net {
        Net::from_parts(self.shape.clone(), self.vocabs.clone(), self.params.clone())
    }
}

impl PartialEq for Net {
    fn eq(&self, other: &Net) -> bool {
        self.shape == other.shape
            && self.params == other.params
            && self.vocabs.len() == other.vocabs.len()
            && self
                .vocabs
                .iter()
                .zip(&other.vocabs)
                .all(|(a, b)| a.values() == b.values())
    }
}

/// Buffers reused across the sequences of one tagging run.
#[derive(Default)]
pub struct NetScratch {
    /// Per token, the input part of both directions' gate pre-activations.
    xp: Vec<f32>,
    hs: [Vec<f32>; 2],
    /// The first layer's hidden states, when a second layer reads them.
    low: [Vec<f32>; 2],
    pre: Vec<f32>,
    c: Vec<f32>,
    h: Vec<f32>,
}

impl Net {
    /// A network from its parts (the parameters laid out by [`Layout::new`]).
    ///
    /// # Panics
    /// When `params` or `vocabs` do not fit `shape`.
    pub fn from_parts(shape: Shape, vocabs: Vec<Vocab>, params: Vec<f32>) -> Net {
        let layout = Layout::new(&shape);
        assert_eq!(params.len(), layout.len, "parameter count");
        assert_eq!(vocabs.len(), N_COLUMNS, "vocabulary count");
        let mut offsets = [0; N_COLUMNS];
        let mut at = 0;
        for (o, d) in offsets.iter_mut().zip(shape.dims) {
            *o = at;
            at += d;
        }
        let mut net = Net {
            shape,
            vocabs,
            params,
            layout,
            offsets,
            proj: Vec::new(),
            #[cfg(target_arch = "x86_64")]
            proj_q: None,
            bias: Vec::new(),
            w_hh_t: [Vec::new(), Vec::new()],
            #[cfg(target_arch = "x86_64")]
            recurrent: None,
            w_ih2_t: [Vec::new(), Vec::new()],
            w_hh2_t: [Vec::new(), Vec::new()],
            #[cfg(target_arch = "x86_64")]
            recurrent2: None,
            #[cfg(target_arch = "x86_64")]
            projection2: None,
            bias2: Vec::new(),
            trans: [[0.0; N_LABELS]; N_LABELS + 1],
        };
        net.refresh();
        net
    }

    /// Recomputes the caches after the parameters changed (training does this after each
    /// step it evaluates with).
    pub fn refresh(&mut self) {
        let (g, h) = (self.shape.gates(), self.shape.hidden);
        for d in 0..2 {
            self.w_hh_t[d] = math::transpose(&self.params[self.layout.w_hh[d].clone()], g, h);
        }
        #[cfg(target_arch = "x86_64")]
        {
            self.recurrent = simd::Recurrent::new(&self.w_hh_t, h);
        }
        if self.shape.layers >= 2 {
            for d in 0..2 {
                self.w_ih2_t[d] =
                    math::transpose(&self.params[self.layout.w_ih2[d].clone()], g, 2 * h);
                self.w_hh2_t[d] = math::transpose(&self.params[self.layout.w_hh2[d].clone()], g, h);
            }
            self.bias2 = self.params[self.layout.b2[0].clone()].to_vec();
            self.bias2
                .extend_from_slice(&self.params[self.layout.b2[1].clone()]);
            #[cfg(target_arch = "x86_64")]
            {
                self.recurrent2 = simd::Recurrent::new(&self.w_hh2_t, h);
                self.projection2 = simd::Projection::new(&self.w_ih2_t, h);
            }
        }
        self.refresh_transitions();
        self.project_embeddings();
    }

    /// Computes every embedding row's input projection (the weights transposed so that each
    /// row is a sum of scaled gate rows): in 16 bits where the AVX2 kernels run, else in
    /// `f32`.
    fn project_embeddings(&mut self) {
        let (g, d) = (self.shape.gates(), self.shape.input());
        let transposed: Vec<Vec<f32>> = (0..2)
            .map(|dir| math::transpose(&self.params[self.layout.w_ih[dir].clone()], g, d))
            .collect();
        // Row `e` of column `c` projected through both directions into `o` (2·g values).
        let project = |c: usize, e: &[f32], o: &mut [f32]| {
            o.fill(0.0);
            for (dir, t) in transposed.iter().enumerate() {
                let at = self.offsets[c] * g;
                math::add_matvec(&mut o[dir * g..(dir + 1) * g], e, &t[at..]);
            }
        };
        let mut bias = self.params[self.layout.b[0].clone()].to_vec();
        bias.extend_from_slice(&self.params[self.layout.b[1].clone()]);
        #[cfg(target_arch = "x86_64")]
        if simd::supported(self.shape.hidden) {
            let emb = |c: usize, r: usize| {
                let dim = self.shape.dims[c];
                &self.params[self.layout.emb[c].clone()][r * dim..(r + 1) * dim]
            };
            let q = simd::QuantizedInputs::new(&bias, &self.shape.rows, |c, r, o| {
                project(c, emb(c, r), o)
            });
            self.proj = Vec::new();
            self.proj_q = Some(q);
            self.bias = Vec::new();
            return;
        }
        self.proj = (0..N_COLUMNS)
            .map(|c| {
                let emb = &self.params[self.layout.emb[c].clone()];
                let mut out = vec![0f32; self.shape.rows[c] * 2 * g];
                let rows = emb.chunks_exact(self.shape.dims[c]);
                for (e, o) in rows.zip(out.chunks_exact_mut(2 * g)) {
                    project(c, e, o);
                }
                out
            })
            .collect();
        self.bias = bias;
    }

    /// Recomputes the transition scores (with the forbidden ones) from the parameters.
    pub fn refresh_transitions(&mut self) {
        let tr = &self.params[self.layout.trans.clone()];
        for from in 0..=N_LABELS {
            for to in 0..N_LABELS {
                self.trans[from][to] = tr[from * N_LABELS + to]
                    + if allowed_after(from, to) {
                        0.0
                    } else {
                        FORBIDDEN
                    };
            }
        }
    }

    /// The layout of the parameters.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The embedding rows of one token's raw input values.
    #[inline]
    pub fn rows_of(&self, values: &[u64; N_COLUMNS]) -> [u32; N_COLUMNS] {
        std::array::from_fn(|c| self.vocabs[c].row(values[c]))
    }

    /// Label scores (emissions) of a sequence of tokens given their embedding rows.
    pub fn emissions(
        &self,
        rows: &[[u32; N_COLUMNS]],
        scratch: &mut NetScratch,
        em: &mut Vec<[f32; N_LABELS]>,
    ) {
        em.clear();
        if rows.is_empty() {
            return;
        }
        #[cfg(target_arch = "x86_64")]
        if cpu::Level::current() >= cpu::Level::Avx2 {
            // SAFETY: the CPU supports AVX2 and FMA (`Level::current` is always available).
            unsafe { self.emissions_avx2(rows, scratch, em) };
            return;
        }
        self.emissions_body(rows, scratch, em);
    }

    /// [`Net::emissions`] compiled for AVX2 and FMA (the recurrent products fuse their
    /// multiply-adds, so scores may differ from the portable build's in the last bits).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn emissions_avx2(
        &self,
        rows: &[[u32; N_COLUMNS]],
        scratch: &mut NetScratch,
        em: &mut Vec<[f32; N_LABELS]>,
    ) {
        self.emissions_body(rows, scratch, em);
    }

    #[inline(always)]
    fn emissions_body(
        &self,
        rows: &[[u32; N_COLUMNS]],
        scratch: &mut NetScratch,
        em: &mut Vec<[f32; N_LABELS]>,
    ) {
        let n = rows.len();
        let (g, h) = (self.shape.gates(), self.shape.hidden);
        // Input projections: the biases plus each column's projected row.
        let g2 = 2 * g;
        scratch.xp.resize(n * g2, 0.0);
        for (t, (r, xp)) in rows.iter().zip(scratch.xp.chunks_exact_mut(g2)).enumerate() {
            #[cfg(target_arch = "x86_64")]
            if let Some(q) = &self.proj_q {
                if let Some(next) = rows.get(t + PREFETCH_AHEAD) {
                    q.prefetch(next);
                }
                // SAFETY: `proj_q` is only built when `simd::supported` found AVX2.
                unsafe { q.sum(r, xp) };
                continue;
            }
            let parts: [&[f32]; N_COLUMNS] = std::array::from_fn(|c| {
                let row = (r[c] as usize).min(self.shape.rows[c] - 1);
                &self.proj[c][row * g2..(row + 1) * g2]
            });
            math::sum_rows(xp, &self.bias, &parts);
        }
        // The two recurrences.
        // Every step writes its hidden state, so the buffers only grow (no zero-fill).
        let layers = if self.shape.layers >= 2 { 2 } else { 1 };
        for hs in scratch
            .hs
            .iter_mut()
            .chain(&mut scratch.low)
            .take(2 * layers)
        {
            if hs.len() < n * h {
                hs.resize(n * h, 0.0);
            }
        }
        recurrences(
            self.kernel(1),
            &self.w_hh_t,
            &scratch.xp,
            n,
            g,
            h,
            &mut scratch.hs,
            (&mut scratch.pre, &mut scratch.c, &mut scratch.h),
        );
        if self.shape.layers >= 2 {
            // The second layer reads both directions' states of the first at each token.
            std::mem::swap(&mut scratch.hs, &mut scratch.low);
            self.second_inputs(&scratch.low, n, &mut scratch.xp);
            recurrences(
                self.kernel(2),
                &self.w_hh2_t,
                &scratch.xp,
                n,
                g,
                h,
                &mut scratch.hs,
                (&mut scratch.pre, &mut scratch.c, &mut scratch.h),
            );
        }
        self.output_layer(scratch, n, em);
    }

    /// The second layer's gate inputs of `n` tokens into `xp` (per token, the forward
    /// gates then the backward ones) from the first layer's states `low`.
    #[inline(always)]
    fn second_inputs(&self, low: &[Vec<f32>; 2], n: usize, xp: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if let Some(p) = &self.projection2 {
            p.run(&self.bias2, low, n, xp);
            return;
        }
        let (g, h) = (self.shape.gates(), self.shape.hidden);
        for xp in xp.chunks_exact_mut(2 * g).take(n) {
            xp.copy_from_slice(&self.bias2);
        }
        if cpu::Level::current() == cpu::Level::Portable {
            for (t, xp) in xp.chunks_exact_mut(2 * g).take(n).enumerate() {
                for (dir, y) in xp.chunks_exact_mut(g).enumerate() {
                    let wt = &self.w_ih2_t[dir];
                    math::add_matvec(y, &low[0][t * h..(t + 1) * h], &wt[..h * g]);
                    math::add_matvec(y, &low[1][t * h..(t + 1) * h], &wt[h * g..]);
                }
            }
            return;
        }
        // A matrix product over all the tokens at once: for each direction, the states of
        // both directions below times their halves of the transposed weights.
        for (dir, wt) in self.w_ih2_t.iter().enumerate() {
            for (half, l) in low.iter().enumerate() {
                math::gemm(
                    n,
                    h,
                    g,
                    &l[..n * h],
                    (h, 1),
                    &wt[half * h * g..(half + 1) * h * g],
                    (g, 1),
                    &mut xp[dir * g..n * 2 * g],
                    2 * g,
                );
            }
        }
    }

    /// The integer recurrence kernels of layer `layer` (1 or 2), where they were built.
    #[inline(always)]
    fn kernel(&self, layer: usize) -> Option<&RecurrentKernel> {
        #[cfg(target_arch = "x86_64")]
        return if layer >= 2 {
            self.recurrent2.as_ref()
        } else {
            self.recurrent.as_ref()
        };
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = layer;
            None
        }
    }

    /// The label scores of the first `n` steps from both directions' hidden states.
    #[inline(always)]
    fn output_layer(&self, scratch: &NetScratch, n: usize, em: &mut Vec<[f32; N_LABELS]>) {
        let h = self.shape.hidden;
        let w_out = &self.params[self.layout.w_out.clone()];
        let b_out = &self.params[self.layout.b_out.clone()];
        for t in 0..n {
            let hf = &scratch.hs[0][t * h..(t + 1) * h];
            let hb = &scratch.hs[1][t * h..(t + 1) * h];
            let mut e = [0f32; N_LABELS];
            for (l, v) in e.iter_mut().enumerate() {
                let w = &w_out[l * 2 * h..(l + 1) * 2 * h];
                *v = b_out[l] + math::dot(&w[..h], hf) + math::dot(&w[h..], hb);
            }
            em.push(e);
        }
    }

    /// Transition scores, the forbidden ones included (row `N_LABELS`: start scores).
    pub fn transitions(&self) -> &[[f32; N_LABELS]; N_LABELS + 1] {
        &self.trans
    }
}

/// The integer recurrence kernels (none off x86-64).
#[cfg(target_arch = "x86_64")]
type RecurrentKernel = simd::Recurrent;
#[cfg(not(target_arch = "x86_64"))]
type RecurrentKernel = std::convert::Infallible;

/// Both directions' recurrences of one layer over `n` tokens, from the input parts of their
/// gate pre-activations (`xp`: per token, the forward gates then the backward ones) into
/// `hs`: the integer kernels where their weights were built, else a portable loop over the
/// transposed recurrent weights `w_hh_t`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn recurrences(
    recurrent: Option<&RecurrentKernel>,
    w_hh_t: &[Vec<f32>; 2],
    xp: &[f32],
    n: usize,
    g: usize,
    h: usize,
    hs: &mut [Vec<f32>; 2],
    (pre, c, hb): (&mut Vec<f32>, &mut Vec<f32>, &mut Vec<f32>),
) {
    let g2 = 2 * g;
    #[cfg(not(target_arch = "x86_64"))]
    let _ = recurrent;
    #[cfg(target_arch = "x86_64")]
    if let Some(recurrent) = recurrent {
        for (dir, hs) in hs.iter_mut().enumerate() {
            recurrent.run(dir, xp, g2, h, &mut hs[..n * h]);
        }
        return;
    }
    pre.resize(g, 0.0);
    c.resize(h, 0.0);
    hb.resize(h, 0.0);
    for (dir, hs) in hs.iter_mut().enumerate() {
        c.fill(0.0);
        hb.fill(0.0);
        let wt = &w_hh_t[dir];
        for step in 0..n {
            let t = if dir == 0 { step } else { n - 1 - step };
            let pre = &mut pre[..g];
            pre.copy_from_slice(&xp[t * g2 + dir * g..t * g2 + (dir + 1) * g]);
            math::add_matvec(pre, hb, wt);
            cell_step(pre, c, hb);
            hs[t * h..(t + 1) * h].copy_from_slice(hb);
        }
    }
}

/// One LSTM step: `pre` holds the gate pre-activations (input, forget, cell, output) and
/// becomes the activations; `c` and `h` go from the previous step's state to this one's.
#[inline(always)]
pub fn cell_step(pre: &mut [f32], c: &mut [f32], h: &mut [f32]) {
    let n = c.len();
    let (i, rest) = pre.split_at_mut(n);
    let (f, rest) = rest.split_at_mut(n);
    let (g, o) = rest.split_at_mut(n);
    let (o, h) = (&mut o[..n], &mut h[..n]);
    // Eight units at a time through local arrays, which cannot alias, so the loop body
    // vectorises without run-time overlap checks.
    let chunks = i
        .chunks_exact_mut(8)
        .zip(f.chunks_exact_mut(8))
        .zip(g.chunks_exact_mut(8))
        .zip(o.chunks_exact_mut(8))
        .zip(c.chunks_exact_mut(8))
        .zip(h.chunks_exact_mut(8));
    for (((((i8, f8), g8), o8), c8), h8) in chunks {
        let load = |s: &[f32]| -> [f32; 8] { std::array::from_fn(|l| s[l]) };
        let (mut vi, mut vf, mut vg, mut vo, mut vc) =
            (load(i8), load(f8), load(g8), load(o8), load(c8));
        let mut vh = [0f32; 8];
        for l in 0..8 {
            unit_step(
                [&mut vi[l], &mut vf[l], &mut vg[l], &mut vo[l]],
                &mut vc[l],
                &mut vh[l],
            );
        }
        i8.copy_from_slice(&vi);
        f8.copy_from_slice(&vf);
        g8.copy_from_slice(&vg);
        o8.copy_from_slice(&vo);
        c8.copy_from_slice(&vc);
        h8.copy_from_slice(&vh);
    }
    for k in n - n % 8..n {
        unit_step(
            [&mut i[k], &mut f[k], &mut g[k], &mut o[k]],
            &mut c[k],
            &mut h[k],
        );
    }
}

/// One unit of [`cell_step`]: the gate pre-activations become activations, the cell and
/// hidden state step on.
#[inline(always)]
fn unit_step([i, f, g, o]: [&mut f32; 4], c: &mut f32, h: &mut f32) {
    *i = math::sigmoid(*i);
    *f = math::sigmoid(*f);
    *g = math::tanh(*g);
    *o = math::sigmoid(*o);
    *c = *f * *c + *i * *g;
    *h = *o * math::tanh(*c);
}

/// Magic bytes of a network in a weights file (one layer).
const NET_MAGIC: &[u8; 4] = b"BLST";
/// Magic bytes of a network of two stacked layers.
const NET_MAGIC_2: &[u8; 4] = b"BLS2";

impl Net {
    /// Appends the network to `out`: shape, vocabularies, then the parameters as `f32`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.shape.layers >= 2 {
            NET_MAGIC_2
        } else {
            NET_MAGIC
        });
        out.extend_from_slice(&(self.shape.hidden as u32).to_le_bytes());
        for c in 0..N_COLUMNS {
            let values = self.vocabs[c].values();
            out.extend_from_slice(&(self.shape.dims[c] as u32).to_le_bytes());
            out.extend_from_slice(&(values.len() as u32).to_le_bytes());
            for v in values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        for p in &self.params {
            out.extend_from_slice(&p.to_le_bytes());
        }
    }

    /// Reads a network written by [`Net::write`]; returns it and the bytes read.
    pub fn read(bytes: &[u8]) -> Option<(Net, usize)> {
        let mut at = 0;
        let mut take = |n: usize| -> Option<&[u8]> {
            let s = bytes.get(at..at + n)?;
            at += n;
            Some(s)
        };
        let layers = match take(4)? {
            m if m == NET_MAGIC => 1,
            m if m == NET_MAGIC_2 => 2,
            _ => return None,
        };
        let u32_of = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let hidden = u32_of(take(4)?);
        if hidden == 0 || hidden > 1024 {
            return None;
        }
        let mut dims = [0usize; N_COLUMNS];
        let mut rows = [0usize; N_COLUMNS];
        let mut vocabs = Vec::with_capacity(N_COLUMNS);
        for c in 0..N_COLUMNS {
            dims[c] = u32_of(take(4)?);
            let n = u32_of(take(4)?);
            if dims[c] > 4096 || n > 10_000_000 {
                return None;
            }
            let raw = take(n * 8)?;
            let values: Vec<u64> = raw
                .chunks_exact(8)
                .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                .collect();
            rows[c] = n + 1;
            vocabs.push(Vocab::new(&values));
        }
        let shape = Shape {
            dims,
            rows,
            hidden,
            layers,
        };
        let len = Layout::new(&shape).len;
        let raw = take(len * 4)?;
        let params: Vec<f32> = raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if params.iter().any(|p| !p.is_finite()) {
            return None;
        }
        Some((Net::from_parts(shape, vocabs, params), at))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small network with arbitrary weights: word column of 3 values, others of 3.
    pub(crate) fn tiny(hidden: usize, seed: u64) -> Net {
        tiny_layers(hidden, seed, 1)
    }

    /// [`tiny`] with `layers` stacked LSTM layers (the first layer's weights the same).
    pub(crate) fn tiny_layers(hidden: usize, seed: u64, layers: usize) -> Net {
        let mut dims = [1usize; N_COLUMNS];
        dims[0] = 3;
        let vocabs: Vec<Vocab> = (0..N_COLUMNS)
            .map(|c| {
                if c == 0 {
                    Vocab::new(&[1000, 2000, 3000])
                } else {
                    Vocab::new(&[0, 1, 2])
                }
            })
            .collect();
        let rows = [4usize; N_COLUMNS];
        let shape = Shape {
            dims,
            rows,
            hidden,
            layers,
        };
        let len = Layout::new(&shape).len;
        let mut s = seed | 1;
        let params = (0..len)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s % 2001) as f32 / 1000.0 - 1.0
            })
            .collect();
        Net::from_parts(shape, vocabs, params)
    }

    #[test]
    fn vocabularies_map_values_to_rows() {
        let t = Vocab::new(&[5, 0, 9]);
        assert!(matches!(t, Vocab::Table(_)));
        assert_eq!(
            (t.row(5), t.row(0), t.row(9), t.row(7), t.row(300)),
            (1, 2, 3, 0, 0)
        );
        assert_eq!(t.values(), [5, 0, 9]);
        let m = Vocab::new(&[1 << 40, 3]);
        assert!(matches!(m, Vocab::Map(_)));
        assert_eq!((m.row(1 << 40), m.row(3), m.row(4)), (1, 2, 0));
        assert_eq!(m.values(), [1 << 40, 3]);
    }

    #[test]
    fn start_and_inside_transitions() {
        assert!(allowed_after(N_LABELS, 0));
        assert!(allowed_after(N_LABELS, 1));
        assert!(!allowed_after(N_LABELS, 2));
        assert!(allowed_after(1, 2));
        assert!(!allowed_after(3, 2));
        let net = tiny(4, 3);
        assert!(net.transitions()[N_LABELS][2] < FORBIDDEN / 2.0);
        assert!(net.transitions()[1][2] > FORBIDDEN / 2.0);
    }

    #[test]
    fn emissions_depend_on_both_sides() {
        let net = tiny(5, 7);
        let tok = |w: u64| net.rows_of(&std::array::from_fn(|c| if c == 0 { w } else { 1 }));
        let mut scratch = NetScratch::default();
        let mut a = Vec::new();
        let mut b = Vec::new();
        net.emissions(&[tok(1000), tok(2000), tok(3000)], &mut scratch, &mut a);
        net.emissions(&[tok(1000), tok(2000), tok(1000)], &mut scratch, &mut b);
        assert_eq!(a.len(), 3);
        // The first token's scores change with the last token (the backward direction).
        assert_ne!(a[0], b[0]);
        // Deterministic, and unknown words take the unknown row.
        let mut c = Vec::new();
        net.emissions(&[tok(1000), tok(2000), tok(3000)], &mut scratch, &mut c);
        assert_eq!(a, c);
        assert_eq!(tok(99)[0], 0);
        net.emissions(&[], &mut scratch, &mut c);
        assert!(c.is_empty());
    }

    #[test]
    fn round_trips_through_bytes() {
        for layers in [1, 2] {
            let net = tiny_layers(3, 11, layers);
            let mut bytes = Vec::new();
            net.write(&mut bytes);
            assert_eq!(&bytes[..4], if layers == 1 { b"BLST" } else { b"BLS2" });
            let (back, used) = Net::read(&bytes).unwrap();
            assert_eq!(used, bytes.len());
            assert_eq!(back, net);
            assert_eq!(back.shape.layers, layers);
            assert!(Net::read(&bytes[..bytes.len() - 1]).is_none());
        }
        assert!(Net::read(b"nope").is_none());
    }

    #[test]
    fn a_second_layer_changes_the_scores() {
        let one = tiny_layers(4, 5, 1);
        let two = tiny_layers(4, 5, 2);
        // The first layer's weights are the same; the second layer adds its own.
        assert_eq!(one.params[..], two.params[..one.params.len()]);
        let tok = |w: u64| one.rows_of(&std::array::from_fn(|c| if c == 0 { w } else { 1 }));
        let rows = [tok(1000), tok(2000), tok(3000)];
        let (mut a, mut b) = (Vec::new(), Vec::new());
        one.emissions(&rows, &mut NetScratch::default(), &mut a);
        two.emissions(&rows, &mut NetScratch::default(), &mut b);
        assert_eq!(a.len(), b.len());
        assert_ne!(a, b);
    }
}
