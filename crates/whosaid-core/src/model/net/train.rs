//! Training the neural tagger: the CRF's negative log-likelihood, backpropagated through the
//! output layer, both LSTM directions and the embeddings; Adam steps on mini-batches of
//! paragraphs with dropout and gradient clipping. Deterministic for a given seed and thread
//! count (every random draw comes from a seed of its own paragraph and epoch).

use super::math::{self, gemm};
use super::{N_COLUMNS, Net, Shape, Vocab, allowed_after, cell_step};
use crate::model::labels::{Label, N_LABELS};

/// Training settings.
#[derive(Clone, Debug)]
pub struct NetConfig {
    /// Embedding width of each input column.
    pub dims: [usize; N_COLUMNS],
    /// Fewest occurrences a value needs to get an embedding row of its own.
    pub min_count: [u32; N_COLUMNS],
    /// LSTM hidden size per direction.
    pub hidden: usize,
    /// Stacked bidirectional LSTM layers (1 or 2).
    pub layers: usize,
    /// Passes over the data.
    pub epochs: usize,
    /// Adam learning rate.
    pub lr: f32,
    /// Dropout rate on the embeddings and on the LSTM outputs.
    pub dropout: f32,
    /// Tokens per mini-batch (at least; whole paragraphs).
    pub batch_tokens: usize,
    /// Largest gradient norm of a step.
    pub clip: f32,
    /// Seed of the initial weights, the shuffling and dropout.
    pub seed: u64,
    /// Threads computing gradients.
    pub threads: usize,
    /// Share of word inputs replaced by the unknown word while training, so that the
    /// unknown row learns from real contexts.
    pub word_dropout: f32,
    /// The network kept is the mean of the parameters at the end of each epoch from this
    /// one on (1-based; beyond `epochs`: the last parameters), an ensemble at no cost.
    pub average_from: usize,
    /// Weight of the teachers' label probabilities ([`Sequence::soft`]) in each token's
    /// target: the CRF learns towards `(1 - distill) * gold + distill * teacher` (the
    /// expected log-likelihood under that mixture, emissions only). 0: gold alone.
    pub distill: f32,
}

impl Default for NetConfig {
    fn default() -> Self {
        // Column order: see FeatureContext::inputs.
        let dims = [
            64, 16, 4, 16, 8, 8, 8, 4, 8, 4, 16, 16, 16, 8, 8, 8, 4, 4, 8, 8, 8,
        ];
        let mut min_count = [1; N_COLUMNS];
        min_count[0] = 2;
        min_count[1] = 2;
        NetConfig {
            dims,
            min_count,
            hidden: 64,
            layers: 2,
            epochs: 32,
            lr: 2e-3,
            dropout: 0.3,
            batch_tokens: 3000,
            clip: 5.0,
            seed: 1,
            threads: 2,
            average_from: 17,
            word_dropout: 0.05,
            distill: 0.0,
        }
    }
}

/// One training sequence (a paragraph): each token's raw input values and gold label.
#[derive(Clone, Debug)]
pub struct Sequence {
    /// Raw input values per token ([`crate::model::features::FeatureContext::inputs`]).
    pub inputs: Vec<[u64; N_COLUMNS]>,
    /// Gold labels.
    pub gold: Vec<Label>,
    /// A teacher's label probabilities per token (its CRF marginals), or empty: with
    /// [`NetConfig::distill`] above 0 the network learns towards them as well as towards
    /// the gold labels.
    pub soft: Vec<[f32; N_LABELS]>,
}

/// xorshift64*: small, fast and reproducible.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f32 {
        let u = self.unit().max(1e-7);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f32::consts::PI * v).cos()
    }
}

/// Vocabularies of the input columns: the values seen at least `min_count` times, most
/// frequent first (ties by value, so the result does not depend on hashing).
pub fn build_vocabs(seqs: &[Sequence], cfg: &NetConfig) -> Vec<Vocab> {
    (0..N_COLUMNS)
        .map(|c| {
            let mut counts: rustc_hash::FxHashMap<u64, u32> = Default::default();
            for s in seqs {
                for v in &s.inputs {
                    *counts.entry(v[c]).or_default() += 1;
                }
            }
            let mut kept: Vec<(u32, u64)> = counts
                .into_iter()
                .filter(|&(_, n)| n >= cfg.min_count[c])
                .map(|(v, n)| (n, v))
                .collect();
            kept.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            Vocab::new(&kept.into_iter().map(|(_, v)| v).collect::<Vec<_>>())
        })
        .collect()
}

/// A network with fresh random weights: embeddings standard normal, LSTM and output weights
/// uniform in ±1/√fan-in, transitions zero.
pub fn init(vocabs: Vec<Vocab>, cfg: &NetConfig) -> Net {
    let rows = std::array::from_fn(|c| vocabs[c].values().len() + 1);
    let shape = Shape {
        dims: cfg.dims,
        rows,
        hidden: cfg.hidden,
        layers: cfg.layers.clamp(1, 2),
    };
    let layout = super::Layout::new(&shape);
    let mut p = vec![0f32; layout.len];
    let mut rng = Rng::new(cfg.seed);
    for r in &layout.emb {
        for v in &mut p[r.clone()] {
            *v = rng.normal();
        }
    }
    let k = 1.0 / (cfg.hidden as f32).sqrt();
    let first = layout.w_ih.iter().chain(&layout.w_hh).chain(&layout.b);
    uniform(&mut p, first.cloned(), k, &mut rng);
    let k_out = 1.0 / (2.0 * cfg.hidden as f32).sqrt();
    uniform(
        &mut p,
        [layout.w_out.clone(), layout.b_out.clone()],
        k_out,
        &mut rng,
    );
    // The second layer last, so that a one-layer network draws what it always drew.
    let second = layout.w_ih2.iter().chain(&layout.w_hh2).chain(&layout.b2);
    uniform(&mut p, second.cloned(), k, &mut rng);
    Net::from_parts(shape, vocabs, p)
}

/// Draws the parameters in `ranges`, in order, uniformly from `−k..k`.
fn uniform(
    p: &mut [f32],
    ranges: impl IntoIterator<Item = std::ops::Range<usize>>,
    k: f32,
    rng: &mut Rng,
) {
    for r in ranges {
        for v in &mut p[r] {
            *v = (rng.unit() * 2.0 - 1.0) * k;
        }
    }
}

/// Buffers of one forward and backward pass, reused across sequences.
#[derive(Default)]
pub struct Work {
    x: Vec<f32>,
    mask_x: Vec<f32>,
    low: LayerWork,
    /// The first layer's outputs as the second layer's input (two layers only), with
    /// dropout, and their gradient.
    mid: Vec<f32>,
    mask_mid: Vec<f32>,
    dmid: Vec<f32>,
    high: LayerWork,
    hcat: Vec<f32>,
    mask_h: Vec<f32>,
    em: Vec<[f32; N_LABELS]>,
    alpha: Vec<[f32; N_LABELS]>,
    beta: Vec<[f32; N_LABELS]>,
    dem: Vec<[f32; N_LABELS]>,
    dhcat: Vec<f32>,
    back: BackWork,
    dx: Vec<f32>,
    c: Vec<f32>,
    h: Vec<f32>,
}

/// What one bidirectional layer's forward pass keeps for its backward pass: per direction,
/// each token's gate activations, cell states and hidden states.
#[derive(Default)]
struct LayerWork {
    gates: [Vec<f32>; 2],
    cs: [Vec<f32>; 2],
    hs: [Vec<f32>; 2],
}

/// Buffers of a layer's backward pass.
#[derive(Default)]
struct BackWork {
    dpre: Vec<f32>,
    hprev: Vec<f32>,
    dh: Vec<f32>,
    dc: Vec<f32>,
}

/// Where one layer's tensors live in the parameters: input weights, recurrent weights and
/// biases, per direction.
type LayerRanges<'a> = (
    &'a [std::ops::Range<usize>; 2],
    &'a [std::ops::Range<usize>; 2],
    &'a [std::ops::Range<usize>; 2],
);

/// One bidirectional layer forward over `x` (`t_len × d`), into `lw`; `c` and `hb` are
/// the running state.
#[allow(clippy::too_many_arguments)]
fn layer_forward(
    params: &[f32],
    (w_ih, w_hh, b): LayerRanges,
    x: &[f32],
    d: usize,
    h: usize,
    t_len: usize,
    lw: &mut LayerWork,
    (c, hb): (&mut Vec<f32>, &mut Vec<f32>),
) {
    let g = 4 * h;
    c.resize(h, 0.0);
    hb.resize(h, 0.0);
    for dir in 0..2 {
        let w_ih = &params[w_ih[dir].clone()];
        let w_hh = &params[w_hh[dir].clone()];
        let b = &params[b[dir].clone()];
        let gates = &mut lw.gates[dir];
        gates.clear();
        for _ in 0..t_len {
            gates.extend_from_slice(b);
        }
        gemm(t_len, d, g, x, (d, 1), w_ih, (1, d), gates, g);
        let cs = &mut lw.cs[dir];
        let hs = &mut lw.hs[dir];
        cs.clear();
        cs.resize(t_len * h, 0.0);
        hs.clear();
        hs.resize(t_len * h, 0.0);
        c.fill(0.0);
        hb.fill(0.0);
        for step in 0..t_len {
            let t = if dir == 0 { step } else { t_len - 1 - step };
            let pre = &mut gates[t * g..(t + 1) * g];
            for (r, v) in pre.iter_mut().enumerate() {
                *v += math::dot(&w_hh[r * h..(r + 1) * h], hb);
            }
            cell_step(pre, c, hb);
            cs[t * h..(t + 1) * h].copy_from_slice(c);
            hs[t * h..(t + 1) * h].copy_from_slice(hb);
        }
    }
}

/// One bidirectional layer backward: from the gradient of its outputs `dtop`
/// (`t_len × 2·hidden`, forward then backward direction per token) to its parameters'
/// gradients (added to `grad`) and its input's gradient `dx` (`t_len × d`, overwritten).
#[allow(clippy::too_many_arguments)]
fn layer_backward(
    params: &[f32],
    (w_ih_r, w_hh_r, b_r): LayerRanges,
    x: &[f32],
    d: usize,
    h: usize,
    t_len: usize,
    lw: &LayerWork,
    dtop: &[f32],
    dx: &mut Vec<f32>,
    bw: &mut BackWork,
    grad: &mut [f32],
) {
    let (g, h2) = (4 * h, 2 * h);
    dx.clear();
    dx.resize(t_len * d, 0.0);
    bw.dh.resize(h, 0.0);
    bw.dc.resize(h, 0.0);
    for dir in 0..2 {
        let w_ih = &params[w_ih_r[dir].clone()];
        let w_hh = &params[w_hh_r[dir].clone()];
        let gates = &lw.gates[dir];
        let cs = &lw.cs[dir];
        let hs = &lw.hs[dir];
        bw.dpre.clear();
        bw.dpre.resize(t_len * g, 0.0);
        bw.hprev.clear();
        bw.hprev.resize(t_len * h, 0.0);
        bw.dh.fill(0.0);
        bw.dc.fill(0.0);
        for step in (0..t_len).rev() {
            let t = if dir == 0 { step } else { t_len - 1 - step };
            let prev = if dir == 0 {
                t.checked_sub(1)
            } else {
                (t + 1 < t_len).then_some(t + 1)
            };
            if let Some(pt) = prev {
                bw.hprev[t * h..(t + 1) * h].copy_from_slice(&hs[pt * h..(pt + 1) * h]);
            }
            let gt = &gates[t * g..(t + 1) * g];
            let dp = &mut bw.dpre[t * g..(t + 1) * g];
            for k in 0..h {
                let (i, f, gg, o) = (gt[k], gt[h + k], gt[2 * h + k], gt[3 * h + k]);
                let c = cs[t * h + k];
                let c_prev = prev.map_or(0.0, |pt| cs[pt * h + k]);
                let tc = math::tanh(c);
                let dhk = dtop[t * h2 + dir * h + k] + bw.dh[k];
                let dc = dhk * o * (1.0 - tc * tc) + bw.dc[k];
                dp[k] = dc * gg * i * (1.0 - i);
                dp[h + k] = dc * c_prev * f * (1.0 - f);
                dp[2 * h + k] = dc * i * (1.0 - gg * gg);
                dp[3 * h + k] = dhk * tc * o * (1.0 - o);
                bw.dc[k] = dc * f;
            }
            bw.dh.fill(0.0);
            for r in 0..g {
                math::axpy(&mut bw.dh, dp[r], &w_hh[r * h..(r + 1) * h]);
            }
        }
        {
            let gb = &mut grad[b_r[dir].clone()];
            for t in 0..t_len {
                math::add(gb, &bw.dpre[t * g..(t + 1) * g]);
            }
        }
        gemm(
            g,
            t_len,
            h,
            &bw.dpre,
            (1, g),
            &bw.hprev,
            (h, 1),
            &mut grad[w_hh_r[dir].clone()],
            h,
        );
        gemm(
            g,
            t_len,
            d,
            &bw.dpre,
            (1, g),
            x,
            (d, 1),
            &mut grad[w_ih_r[dir].clone()],
            d,
        );
        gemm(t_len, g, d, &bw.dpre, (g, 1), w_ih, (d, 1), dx, d);
    }
}

/// Both directions' hidden states side by side per token (`t_len × 2·hidden`), times a
/// dropout mask drawn from `rng`.
fn concat_dropped(
    lw: &LayerWork,
    h: usize,
    t_len: usize,
    p: f32,
    rng: &mut Rng,
    mask: &mut Vec<f32>,
    out: &mut Vec<f32>,
) {
    dropout_mask(mask, t_len * 2 * h, p, rng);
    out.clear();
    for t in 0..t_len {
        out.extend_from_slice(&lw.hs[0][t * h..(t + 1) * h]);
        out.extend_from_slice(&lw.hs[1][t * h..(t + 1) * h]);
    }
    for (x, m) in out.iter_mut().zip(mask.iter()) {
        *x *= m;
    }
}

fn dropout_mask(mask: &mut Vec<f32>, n: usize, p: f32, rng: &mut Rng) {
    mask.clear();
    let keep = 1.0 / (1.0 - p);
    mask.extend((0..n).map(|_| if rng.unit() < p { 0.0 } else { keep }));
}

/// What one sequence is trained towards: its gold labels, and what to add to the gradient
/// of each token's emission scores on top of the gold labels' (see [`soft_shift`]; empty
/// for none).
#[derive(Clone, Copy)]
pub struct Target<'a> {
    /// Gold labels.
    pub gold: &'a [Label],
    /// Per-token shift of the emission gradient.
    pub shift: &'a [[f32; N_LABELS]],
}

/// The emission-gradient shift that turns the CRF's target from the gold labels into the
/// mixture `(1 - w) * gold + w * soft`: the gradient of the expected negative
/// log-likelihood is `marginal - target` at each token, so the shift is
/// `w * (onehot(gold) - soft)`.
pub fn soft_shift(gold: &[Label], soft: &[[f32; N_LABELS]], w: f32) -> Vec<[f32; N_LABELS]> {
    if w <= 0.0 || soft.len() != gold.len() {
        return Vec::new();
    }
    gold.iter()
        .zip(soft)
        .map(|(&g, q)| {
            std::array::from_fn(|l| w * (if l == g as usize { 1.0 } else { 0.0 } - q[l]))
        })
        .collect()
}

/// The negative log-likelihood of one sequence's gold labels and the gradient of its loss
/// (with the target's shift), added to `grad` (laid out like the parameters). `p` is the
/// dropout rate (0 to evaluate).
pub fn backprop(
    net: &Net,
    rows: &[[u32; N_COLUMNS]],
    target: Target,
    p: f32,
    rng: &mut Rng,
    w: &mut Work,
    grad: &mut [f32],
) -> f32 {
    let t_len = rows.len();
    if t_len == 0 {
        return 0.0;
    }
    let s = &net.shape;
    let lay = net.layout();
    let (d, h) = (s.input(), s.hidden);
    let params = &net.params;

    // Embeddings, concatenated, with dropout.
    w.x.clear();
    w.x.resize(t_len * d, 0.0);
    for (t, r) in rows.iter().enumerate() {
        let mut off = 0;
        for (c, &row) in r.iter().enumerate() {
            let dim = s.dims[c];
            let row = row as usize;
            let e = &params[lay.emb[c].clone()][row * dim..(row + 1) * dim];
            w.x[t * d + off..t * d + off + dim].copy_from_slice(e);
            off += dim;
        }
    }
    dropout_mask(&mut w.mask_x, t_len * d, p, rng);
    for (x, m) in w.x.iter_mut().zip(&w.mask_x) {
        *x *= m;
    }

    // The LSTM layers, and dropout on each one's outputs.
    let low = (&lay.w_ih, &lay.w_hh, &lay.b);
    let high = (&lay.w_ih2, &lay.w_hh2, &lay.b2);
    let stacked = s.layers >= 2;
    let h2 = 2 * h;
    layer_forward(
        params,
        low,
        &w.x,
        d,
        h,
        t_len,
        &mut w.low,
        (&mut w.c, &mut w.h),
    );
    if stacked {
        concat_dropped(&w.low, h, t_len, p, rng, &mut w.mask_mid, &mut w.mid);
        layer_forward(
            params,
            high,
            &w.mid,
            h2,
            h,
            t_len,
            &mut w.high,
            (&mut w.c, &mut w.h),
        );
    }
    let top = if stacked { &w.high } else { &w.low };
    concat_dropped(top, h, t_len, p, rng, &mut w.mask_h, &mut w.hcat);
    let w_out = &params[lay.w_out.clone()];
    let b_out = &params[lay.b_out.clone()];
    w.em.clear();
    for t in 0..t_len {
        let hc = &w.hcat[t * h2..(t + 1) * h2];
        w.em.push(std::array::from_fn(|l| {
            b_out[l] + math::dot(&w_out[l * h2..(l + 1) * h2], hc)
        }));
    }

    // The CRF: loss, emission and transition gradients.
    let loss = crf(
        &w.em,
        target.gold,
        net.transitions(),
        &mut w.alpha,
        &mut w.beta,
        &mut w.dem,
        &mut grad[lay.trans.clone()],
    );
    for (e, sh) in w.dem.iter_mut().zip(target.shift) {
        for (a, b) in e.iter_mut().zip(sh) {
            *a += b;
        }
    }

    // Back through the output layer.
    {
        let gb = &mut grad[lay.b_out.clone()];
        for e in &w.dem {
            for l in 0..N_LABELS {
                gb[l] += e[l];
            }
        }
    }
    {
        let gw = &mut grad[lay.w_out.clone()];
        for (t, e) in w.dem.iter().enumerate() {
            let hc = &w.hcat[t * h2..(t + 1) * h2];
            for l in 0..N_LABELS {
                math::axpy(&mut gw[l * h2..(l + 1) * h2], e[l], hc);
            }
        }
    }
    w.dhcat.clear();
    w.dhcat.resize(t_len * h2, 0.0);
    for (t, e) in w.dem.iter().enumerate() {
        let dst = &mut w.dhcat[t * h2..(t + 1) * h2];
        for l in 0..N_LABELS {
            math::axpy(dst, e[l], &w_out[l * h2..(l + 1) * h2]);
        }
    }
    for (x, m) in w.dhcat.iter_mut().zip(&w.mask_h) {
        *x *= m;
    }

    // Back through the layers.
    if stacked {
        layer_backward(
            params,
            high,
            &w.mid,
            h2,
            h,
            t_len,
            &w.high,
            &w.dhcat,
            &mut w.dmid,
            &mut w.back,
            grad,
        );
        for (x, m) in w.dmid.iter_mut().zip(&w.mask_mid) {
            *x *= m;
        }
    }
    let dlow = if stacked { &w.dmid } else { &w.dhcat };
    layer_backward(
        params,
        low,
        &w.x,
        d,
        h,
        t_len,
        &w.low,
        dlow,
        &mut w.dx,
        &mut w.back,
        grad,
    );

    // Into the embeddings (through the dropout mask).
    for (x, m) in w.dx.iter_mut().zip(&w.mask_x) {
        *x *= m;
    }
    for (t, r) in rows.iter().enumerate() {
        let mut off = 0;
        for (c, &row) in r.iter().enumerate() {
            let dim = s.dims[c];
            let at = lay.emb[c].start + row as usize * dim;
            math::add(
                &mut grad[at..at + dim],
                &w.dx[t * d + off..t * d + off + dim],
            );
            off += dim;
        }
    }
    loss
}

/// The CRF's forward and backward passes over emissions `em` (`alpha[t][y]`: log-score of
/// the label paths up to `t` that end in `y`; `beta[t][y]`: of those from `t` on that start
/// there) under transitions `trans` (forbidden ones included); returns the log partition
/// function (0 for an empty sequence). [`marginal`] reads label probabilities from them.
pub fn forward_backward(
    em: &[[f32; N_LABELS]],
    trans: &[[f32; N_LABELS]; N_LABELS + 1],
    alpha: &mut Vec<[f32; N_LABELS]>,
    beta: &mut Vec<[f32; N_LABELS]>,
) -> f32 {
    let n = em.len();
    alpha.clear();
    beta.clear();
    if n == 0 {
        return 0.0;
    }
    let mut buf = [0f32; N_LABELS];
    alpha.push(std::array::from_fn(|y| trans[N_LABELS][y] + em[0][y]));
    for t in 1..n {
        let prev = alpha[t - 1];
        alpha.push(std::array::from_fn(|y| {
            for a in 0..N_LABELS {
                buf[a] = prev[a] + trans[a][y];
            }
            em[t][y] + math::log_sum_exp(&buf)
        }));
    }
    beta.resize(n, [0.0; N_LABELS]);
    for t in (0..n - 1).rev() {
        let next = beta[t + 1];
        beta[t] = std::array::from_fn(|a| {
            for b in 0..N_LABELS {
                buf[b] = trans[a][b] + em[t + 1][b] + next[b];
            }
            math::log_sum_exp(&buf)
        });
    }
    math::log_sum_exp(&alpha[n - 1])
}

/// The probability that token `t` has label `l`, from [`forward_backward`]'s passes.
#[inline]
pub fn marginal(
    alpha: &[[f32; N_LABELS]],
    beta: &[[f32; N_LABELS]],
    log_z: f32,
    t: usize,
    l: usize,
) -> f32 {
    (alpha[t][l] + beta[t][l] - log_z).exp()
}

/// The CRF's negative log-likelihood of `gold` under emissions `em` and transitions
/// `trans` (forbidden ones included); writes the emission gradient into `dem` and adds the
/// transition gradient (allowed entries only) to `gtrans`.
pub fn crf(
    em: &[[f32; N_LABELS]],
    gold: &[Label],
    trans: &[[f32; N_LABELS]; N_LABELS + 1],
    alpha: &mut Vec<[f32; N_LABELS]>,
    beta: &mut Vec<[f32; N_LABELS]>,
    dem: &mut Vec<[f32; N_LABELS]>,
    gtrans: &mut [f32],
) -> f32 {
    let n = em.len();
    dem.clear();
    let log_z = forward_backward(em, trans, alpha, beta);
    if n == 0 {
        return 0.0;
    }
    let y = |t: usize| gold[t] as usize;
    let mut score = trans[N_LABELS][y(0)] + em[0][y(0)];
    for t in 1..n {
        score += trans[y(t - 1)][y(t)] + em[t][y(t)];
    }
    for t in 0..n {
        dem.push(std::array::from_fn(|l| {
            marginal(alpha, beta, log_z, t, l) - if l == y(t) { 1.0 } else { 0.0 }
        }));
    }
    // Transition gradients: pair marginals minus gold transitions.
    for l in 0..N_LABELS {
        if allowed_after(N_LABELS, l) {
            gtrans[N_LABELS * N_LABELS + l] += marginal(alpha, beta, log_z, 0, l);
        }
    }
    gtrans[N_LABELS * N_LABELS + y(0)] -= 1.0;
    for t in 1..n {
        for a in 0..N_LABELS {
            for b in 0..N_LABELS {
                if allowed_after(a, b) {
                    gtrans[a * N_LABELS + b] +=
                        (alpha[t - 1][a] + trans[a][b] + em[t][b] + beta[t][b] - log_z).exp();
                }
            }
        }
        gtrans[y(t - 1) * N_LABELS + y(t)] -= 1.0;
    }
    log_z - score
}

/// Gold labels of a sequence as a valid BIO sequence: a sequence cannot start inside a
/// role (a quotation continued from the paragraph before starts again with `B-`).
pub fn valid_gold(gold: &[Label]) -> Vec<Label> {
    let mut out = gold.to_vec();
    if let Some(first) = out.first_mut()
        && *first != 0
        && *first % 2 == 0
    {
        *first -= 1;
    }
    out
}

/// Adam's moment estimates.
struct Adam {
    m: Vec<f32>,
    v: Vec<f32>,
    step: i32,
}

impl Adam {
    fn new(n: usize) -> Adam {
        Adam {
            m: vec![0.0; n],
            v: vec![0.0; n],
            step: 0,
        }
    }

    fn update(&mut self, params: &mut [f32], grad: &[f32], lr: f32) {
        const B1: f32 = 0.9;
        const B2: f32 = 0.999;
        const EPS: f32 = 1e-8;
        self.step += 1;
        let c1 = 1.0 - B1.powi(self.step);
        let c2 = 1.0 - B2.powi(self.step);
        for (((p, g), m), v) in params
            .iter_mut()
            .zip(grad)
            .zip(&mut self.m)
            .zip(&mut self.v)
        {
            *m = B1 * *m + (1.0 - B1) * g;
            *v = B2 * *v + (1.0 - B2) * g * g;
            *p -= lr * (*m / c1) / ((*v / c2).sqrt() + EPS);
        }
    }
}

/// Trains a network on `seqs`. `log` receives a line per epoch.
pub fn train(seqs: &[Sequence], cfg: &NetConfig, log: &dyn Fn(String)) -> Net {
    let vocabs = build_vocabs(seqs, cfg);
    let mut net = init(vocabs, cfg);
    type Data = (Vec<[u32; N_COLUMNS]>, Vec<Label>, Vec<[f32; N_LABELS]>);
    let data: Vec<Data> = seqs
        .iter()
        .filter(|s| !s.gold.is_empty() && s.gold.len() == s.inputs.len())
        .map(|s| {
            let gold = valid_gold(&s.gold);
            let shift = soft_shift(&gold, &s.soft, cfg.distill);
            (
                s.inputs.iter().map(|v| net.rows_of(v)).collect(),
                gold,
                shift,
            )
        })
        .collect();
    let n_params = net.params.len();
    let threads = cfg.threads.max(1);
    let mut grads: Vec<Vec<f32>> = vec![vec![0.0; n_params]; threads];
    let mut works: Vec<Work> = (0..threads).map(|_| Work::default()).collect();
    let mut adam = Adam::new(n_params);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut shuffler = Rng::new(cfg.seed ^ 0x5EED);
    let mut average: Option<Vec<f32>> = None;
    let mut averaged = 0usize;
    for epoch in 0..cfg.epochs {
        for i in (1..order.len()).rev() {
            let j = (shuffler.next_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let mut total = 0f64;
        let mut start = 0;
        while start < order.len() {
            let mut end = start;
            let mut tokens = 0;
            while end < order.len() && tokens < cfg.batch_tokens {
                tokens += data[order[end]].0.len();
                end += 1;
            }
            let batch = &order[start..end];
            start = end;
            let losses: Vec<f32> = std::thread::scope(|scope| {
                let handles: Vec<_> = grads
                    .iter_mut()
                    .zip(works.iter_mut())
                    .enumerate()
                    .map(|(k, (grad, work))| {
                        let (net, data) = (&net, &data);
                        scope.spawn(move || {
                            grad.fill(0.0);
                            let mut loss = 0f32;
                            for &i in batch.iter().skip(k).step_by(threads) {
                                let mut rng = Rng::new(
                                    cfg.seed ^ (epoch as u64) << 40 ^ (i as u64).wrapping_mul(31),
                                );
                                let (rows, gold, shift) = &data[i];
                                let dropped: Vec<[u32; N_COLUMNS]>;
                                let rows = if cfg.word_dropout > 0.0 {
                                    dropped = rows
                                        .iter()
                                        .map(|r| {
                                            let mut r = *r;
                                            if rng.unit() < cfg.word_dropout {
                                                r[0] = 0;
                                            }
                                            r
                                        })
                                        .collect();
                                    &dropped
                                } else {
                                    rows
                                };
                                let target = Target { gold, shift };
                                loss +=
                                    backprop(net, rows, target, cfg.dropout, &mut rng, work, grad);
                            }
                            loss
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or(0.0))
                    .collect()
            });
            total += losses.iter().map(|&l| l as f64).sum::<f64>();
            let (first, rest) = grads.split_at_mut(1);
            for other in rest.iter() {
                math::add(&mut first[0], other);
            }
            let norm = first[0].iter().map(|g| g * g).sum::<f32>().sqrt();
            if norm > cfg.clip {
                let k = cfg.clip / norm;
                for v in first[0].iter_mut() {
                    *v *= k;
                }
            }
            adam.update(&mut net.params, &first[0], cfg.lr);
            // Forbidden transitions stay where they were: only allowed ones learn.
            net.refresh_transitions();
        }
        log(format!("epoch {}: loss {:.0}", epoch + 1, total));
        if epoch + 1 >= cfg.average_from {
            let sum = average.get_or_insert_with(|| vec![0.0; n_params]);
            math::add(sum, &net.params);
            averaged += 1;
        }
    }
    if let Some(sum) = average {
        let k = 1.0 / averaged as f32;
        for (p, s) in net.params.iter_mut().zip(sum) {
            *p = s * k;
        }
    }
    net.refresh();
    net
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::net::Layout;

    fn tiny_cfg(hidden: usize) -> NetConfig {
        let mut dims = [1usize; N_COLUMNS];
        dims[0] = 3;
        dims[1] = 2;
        NetConfig {
            dims,
            min_count: [1; N_COLUMNS],
            hidden,
            layers: 1,
            epochs: 60,
            lr: 0.05,
            dropout: 0.0,
            batch_tokens: 4,
            clip: 5.0,
            seed: 3,
            threads: 2,
            average_from: usize::MAX,
            word_dropout: 0.0,
            distill: 0.0,
        }
    }

    fn seq(words: &[u64], gold: &[Label]) -> Sequence {
        Sequence {
            inputs: words
                .iter()
                .enumerate()
                .map(|(k, &w)| {
                    std::array::from_fn(|c| match c {
                        0 => w,
                        1 => k as u64,
                        _ => 0,
                    })
                })
                .collect(),
            gold: gold.to_vec(),
            soft: Vec::new(),
        }
    }

    /// The loss as a function of one parameter, for finite differences.
    fn loss_at(net: &Net, rows: &[[u32; N_COLUMNS]], gold: &[Label]) -> f64 {
        let mut grad = vec![0f32; net.params.len()];
        let mut w = Work::default();
        let target = Target { gold, shift: &[] };
        backprop(net, rows, target, 0.0, &mut Rng::new(1), &mut w, &mut grad) as f64
    }

    #[test]
    fn gradients_match_finite_differences() {
        for layers in [1, 2] {
            check_gradients(NetConfig {
                layers,
                ..tiny_cfg(3)
            });
        }
    }

    fn check_gradients(cfg: NetConfig) {
        let seqs = [seq(&[10, 20, 30, 20], &[1, 3, 5, 6])];
        let net = init(build_vocabs(&seqs, &cfg), &cfg);
        let mut net = Net::from_parts(net.shape.clone(), net.vocabs.clone(), net.params.clone());
        // Non-zero transitions, so their gradient path is exercised too.
        let lay: Layout = net.layout().clone();
        for (k, v) in net.params[lay.trans.clone()].iter_mut().enumerate() {
            *v = ((k * 7) % 5) as f32 * 0.1 - 0.2;
        }
        net.refresh();
        let rows: Vec<[u32; N_COLUMNS]> = seqs[0].inputs.iter().map(|v| net.rows_of(v)).collect();
        let gold = &seqs[0].gold;
        let mut grad = vec![0f32; net.params.len()];
        let target = Target { gold, shift: &[] };
        backprop(
            &net,
            &rows,
            target,
            0.0,
            &mut Rng::new(1),
            &mut Work::default(),
            &mut grad,
        );
        // A sample of parameters from every tensor (used embedding rows only).
        let mut probe: Vec<usize> = Vec::new();
        for r in [
            lay.w_ih[0].clone(),
            lay.w_ih[1].clone(),
            lay.w_hh[0].clone(),
            lay.w_hh[1].clone(),
            lay.b[0].clone(),
            lay.b[1].clone(),
            lay.w_out.clone(),
            lay.b_out.clone(),
            lay.w_ih2[0].clone(),
            lay.w_ih2[1].clone(),
            lay.w_hh2[0].clone(),
            lay.w_hh2[1].clone(),
            lay.b2[0].clone(),
            lay.b2[1].clone(),
        ] {
            probe.extend(r.clone().step_by(5).take(6));
        }
        assert_eq!(lay.w_ih2[1].is_empty(), cfg.layers == 1);
        probe.push(lay.trans.start + N_LABELS + 2); // B-source → I-source
        probe.push(lay.trans.start + N_LABELS * N_LABELS + 1); // start → B-source
        probe.push(lay.trans.start + 5 * N_LABELS + 6);
        let row_of_20 = net.vocabs[0].row(20) as usize;
        probe.push(lay.emb[0].start + row_of_20 * 3 + 1);
        probe.push(lay.emb[1].start + 3 * 2);
        let eps = 1e-2f32;
        for &k in &probe {
            let mut plus = net.clone();
            plus.params[k] += eps;
            plus.refresh();
            let mut minus = net.clone();
            minus.params[k] -= eps;
            minus.refresh();
            let numeric =
                (loss_at(&plus, &rows, gold) - loss_at(&minus, &rows, gold)) / (2.0 * eps as f64);
            let analytic = grad[k] as f64;
            assert!(
                (numeric - analytic).abs() < 2e-2 * (1.0 + numeric.abs()),
                "parameter {k}: numeric {numeric} vs analytic {analytic}"
            );
        }
    }

    #[test]
    fn crf_loss_is_the_negative_log_probability() {
        // With zero scores every allowed path is equally likely.
        let em = vec![[0f32; N_LABELS]; 2];
        let mut trans = [[0f32; N_LABELS]; N_LABELS + 1];
        for (from, row) in trans.iter_mut().enumerate() {
            for (to, v) in row.iter_mut().enumerate() {
                if !allowed_after(from, to) {
                    *v = super::super::FORBIDDEN;
                }
            }
        }
        let paths: usize = (0..N_LABELS)
            .filter(|&a| allowed_after(N_LABELS, a))
            .map(|a| (0..N_LABELS).filter(|&b| allowed_after(a, b)).count())
            .sum();
        let (mut a, mut b, mut d) = (Vec::new(), Vec::new(), Vec::new());
        let mut gt = vec![0f32; (N_LABELS + 1) * N_LABELS];
        let loss = crf(&em, &[1, 2], &trans, &mut a, &mut b, &mut d, &mut gt);
        assert!(
            (loss - (paths as f32).ln()).abs() < 1e-4,
            "{loss} vs ln {paths}"
        );
        // Gradients of the emissions sum to zero at each position.
        for row in &d {
            assert!(row.iter().sum::<f32>().abs() < 1e-5);
        }
    }

    #[test]
    fn marginals_match_path_enumeration() {
        // Three tokens, uneven scores: every label's probability at every position is the
        // sum over the allowed label paths through it, each weighted by exp(its score).
        let em: Vec<[f32; N_LABELS]> = (0..3)
            .map(|t| std::array::from_fn(|l| ((t * 7 + l * 3) % 5) as f32 * 0.4 - 0.6))
            .collect();
        let mut trans = [[0f32; N_LABELS]; N_LABELS + 1];
        for (from, row) in trans.iter_mut().enumerate() {
            for (to, v) in row.iter_mut().enumerate() {
                *v = if allowed_after(from, to) {
                    ((from * 5 + to) % 4) as f32 * 0.3 - 0.4
                } else {
                    super::super::FORBIDDEN
                };
            }
        }
        let (mut alpha, mut beta) = (Vec::new(), Vec::new());
        let log_z = forward_backward(&em, &trans, &mut alpha, &mut beta);
        let mut expect = [[0f64; N_LABELS]; 3];
        let mut z = 0f64;
        for path in 0..N_LABELS.pow(3) {
            let y = [
                path % N_LABELS,
                path / N_LABELS % N_LABELS,
                path / N_LABELS / N_LABELS,
            ];
            if !(allowed_after(N_LABELS, y[0])
                && allowed_after(y[0], y[1])
                && allowed_after(y[1], y[2]))
            {
                continue;
            }
            let score = trans[N_LABELS][y[0]]
                + em[0][y[0]]
                + trans[y[0]][y[1]]
                + em[1][y[1]]
                + trans[y[1]][y[2]]
                + em[2][y[2]];
            let w = f64::from(score).exp();
            z += w;
            for (t, &l) in y.iter().enumerate() {
                expect[t][l] += w;
            }
        }
        assert!(
            (f64::from(log_z) - z.ln()).abs() < 1e-4,
            "{log_z} vs {}",
            z.ln()
        );
        for (t, row) in expect.iter().enumerate() {
            for (l, &w) in row.iter().enumerate() {
                let p = marginal(&alpha, &beta, log_z, t, l);
                assert!(
                    (f64::from(p) - w / z).abs() < 1e-5,
                    "t {t} label {l}: {p} vs {}",
                    w / z
                );
            }
        }
        // An empty sequence has nothing to sum over.
        assert_eq!(forward_backward(&[], &trans, &mut alpha, &mut beta), 0.0);
        assert!(alpha.is_empty() && beta.is_empty());
    }

    #[test]
    fn soft_targets_shift_the_emission_gradient() {
        let gold = [0, 5];
        let mut soft = [[0f32; N_LABELS]; 2];
        soft[0][0] = 0.75;
        soft[0][5] = 0.25;
        soft[1][5] = 1.0;
        let shift = soft_shift(&gold, &soft, 0.5);
        assert_eq!(shift.len(), 2);
        // w * (onehot(gold) - soft): 0.5 * (1 - 0.75) on O, 0.5 * (0 - 0.25) on B-content.
        assert_eq!(shift[0][0], 0.125);
        assert_eq!(shift[0][5], -0.125);
        assert!(shift[1].iter().all(|&x| x == 0.0));
        // Off (weight 0) or without teacher: no shift at all.
        assert!(soft_shift(&gold, &soft, 0.0).is_empty());
        assert!(soft_shift(&gold, &[], 0.5).is_empty());
    }

    #[test]
    fn valid_gold_starts_outside_or_with_b() {
        assert_eq!(valid_gold(&[6, 6, 0]), [5, 6, 0]);
        assert_eq!(valid_gold(&[0, 6]), [0, 6]);
        assert_eq!(valid_gold(&[]), Vec::<Label>::new());
    }

    #[test]
    fn tagging_computes_what_training_computes() {
        for layers in [1, 2] {
            let cfg = NetConfig {
                layers,
                ..tiny_cfg(3)
            };
            let seqs = [seq(&[10, 20, 30, 20, 10], &[1, 3, 5, 6, 0])];
            let net = init(build_vocabs(&seqs, &cfg), &cfg);
            let rows: Vec<[u32; N_COLUMNS]> =
                seqs[0].inputs.iter().map(|v| net.rows_of(v)).collect();
            let mut w = Work::default();
            let mut grad = vec![0f32; net.params.len()];
            let target = Target {
                gold: &seqs[0].gold,
                shift: &[],
            };
            backprop(
                &net,
                &rows,
                target,
                0.0,
                &mut Rng::new(1),
                &mut w,
                &mut grad,
            );
            let mut em = Vec::new();
            net.emissions(&rows, &mut Default::default(), &mut em);
            assert_eq!(em.len(), w.em.len());
            for (a, b) in em.iter().flatten().zip(w.em.iter().flatten()) {
                assert!((a - b).abs() < 1e-4, "{layers} layers: {a} vs {b}");
            }
        }
    }

    #[test]
    fn training_learns_a_small_pattern() {
        for layers in [1, 2] {
            learns_a_small_pattern(NetConfig {
                layers,
                ..tiny_cfg(4)
            });
        }
    }

    fn learns_a_small_pattern(cfg: NetConfig) {
        // The word after 7 ("said") is a content start; 5 is a source.
        let seqs = vec![
            seq(&[5, 7, 1, 2, 3], &[1, 3, 5, 6, 6]),
            seq(&[1, 2, 5, 7, 4], &[0, 0, 1, 3, 5]),
            seq(&[3, 3, 3], &[0, 0, 0]),
            seq(&[5, 7, 2, 2], &[1, 3, 5, 6]),
        ];
        let net = train(&seqs, &cfg, &|_| {});
        let mut scratch = super::super::NetScratch::default();
        let mut em = Vec::new();
        let mut out = Vec::new();
        for s in &seqs {
            let rows: Vec<[u32; N_COLUMNS]> = s.inputs.iter().map(|v| net.rows_of(v)).collect();
            net.emissions(&rows, &mut scratch, &mut em);
            out.clear();
            crate::model::decode(net.transitions(), &em, &mut Default::default(), &mut out);
            assert_eq!(out, s.gold);
        }
        // The same seed gives the same network.
        assert_eq!(train(&seqs, &cfg, &|_| {}), net);
    }
}
