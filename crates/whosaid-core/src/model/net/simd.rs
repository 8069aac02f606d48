//! The LSTM recurrence for x86-64 CPUs with AVX2 and FMA, in integers: each step's
//! recurrent product streams quantised weights through eight accumulator registers — 16-bit
//! products ([`lstm_direction_i16`], `vpmaddwd`) on plain AVX2, 8-bit ones
//! ([`lstm_direction_i8`], `vpdpbusd`) where the CPU has byte dot products — and the gate
//! activations run a register of units at a time in `f32`, with the same exponential as
//! [`super::math`] (fused multiply-adds in its polynomial, so values may differ from the
//! portable path in the last bits). Also the tokens' input sums over 16-bit projection
//! tables ([`QuantizedInputs`]). The 8-bit recurrence and the input sums are written once
//! over [`super::lanes::Lanes`] and run in 512-bit registers where the CPU has AVX-512
//! (with its byte dot products), in 256-bit ones otherwise; the two widths compute the
//! same integers and the same float operations per lane, so their results are identical.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use super::cpu::Level;
use super::lanes::{Lanes, sigmoid_v, tanh_v};

/// The largest hidden size the kernel handles (its state lives on the stack).
pub const MAX_HIDDEN: usize = 256;

/// Whether the kernel can run a network of hidden size `hidden` in this process (the CPU
/// has AVX2 and FMA, and [`Level::current`] allows them).
pub fn supported(hidden: usize) -> bool {
    hidden.is_multiple_of(16) && hidden <= MAX_HIDDEN && Level::current() >= Level::Avx2
}

/// Whether the integer kernels run in 512-bit registers (AVX-512 with its byte and word
/// instructions and byte dot products, allowed by [`Level::current`]).
fn wide() -> bool {
    Level::current() >= Level::Avx512
}

/// The recurrence the kernels share, over `n = out.len() / hidden` steps: at each step
/// `product(x, pre, h)` writes the gate pre-activations `pre[..4·hidden]` (the step's input
/// part `x[..4·hidden]` plus the recurrent product with the previous state `h[..hidden]`);
/// the gates then update the cell and the state, a register of units at a time, and the
/// state is copied to `out[t · hidden ..]`.
///
/// # Safety
/// The CPU must support `V`'s instructions, and `product` must write all of
/// `pre[..4·hidden]` (it may read `x[..4·hidden]` and `h[..hidden]`).
#[inline(always)]
unsafe fn recurrence<V: Lanes>(
    xp: &[f32],
    stride: usize,
    offset: usize,
    hidden: usize,
    reverse: bool,
    out: &mut [f32],
    mut product: impl FnMut(*const f32, *mut f32, *const f32),
) {
    let g = 4 * hidden;
    assert!(hidden.is_multiple_of(16) && hidden.is_multiple_of(V::N) && hidden <= MAX_HIDDEN);
    let n = out.len() / hidden;
    if n == 0 {
        return;
    }
    assert!(xp.len() >= (n - 1) * stride + offset + g);
    // The gate pre-activations are written before they are read, at every step; only the
    // state starts at zero (and only its first `hidden` units are used).
    let mut pre_buf = std::mem::MaybeUninit::<[f32; 4 * MAX_HIDDEN]>::uninit();
    let mut c_buf = std::mem::MaybeUninit::<[f32; MAX_HIDDEN]>::uninit();
    let mut h_buf = std::mem::MaybeUninit::<[f32; MAX_HIDDEN]>::uninit();
    let pre = pre_buf.as_mut_ptr().cast::<f32>();
    let c = c_buf.as_mut_ptr().cast::<f32>();
    let h = h_buf.as_mut_ptr().cast::<f32>();
    // SAFETY: the state arrays hold MAX_HIDDEN >= hidden floats.
    unsafe {
        std::ptr::write_bytes(c, 0, hidden);
        std::ptr::write_bytes(h, 0, hidden);
    }
    for step in 0..n {
        let t = if reverse { n - 1 - step } else { step };
        let x = xp[t * stride + offset..t * stride + offset + g].as_ptr();
        product(x, pre, h);
        // SAFETY: the gates read pre[..g] (written by `product`) and c[..hidden],
        // h[..hidden] (written before), all inside their arrays.
        unsafe {
            let mut u = 0;
            while u < hidden {
                let gi = sigmoid_v(V::load(pre.add(u)));
                let gf = sigmoid_v(V::load(pre.add(hidden + u)));
                let gg = tanh_v(V::load(pre.add(2 * hidden + u)));
                let go = sigmoid_v(V::load(pre.add(3 * hidden + u)));
                let cv = gf.mul_add(V::load(c.add(u)), gi.mul(gg));
                cv.store(c.add(u));
                go.mul(tanh_v(cv)).store(h.add(u));
                u += V::N;
            }
            std::ptr::copy_nonoverlapping(
                h,
                out[t * hidden..(t + 1) * hidden].as_mut_ptr(),
                hidden,
            );
        }
    }
}

/// Recurrent weights in 16 bits for [`lstm_direction_i16`]: for each pair of hidden units
/// `(2p, 2p + 1)` and each gate `j`, the two weights side by side (one 32-bit lane), each
/// gate's row on a step of its own, the largest for which no product sum of a step can
/// leave the `i32` range.
#[derive(Clone, Debug)]
pub struct Quantized16 {
    w: Vec<i16>,
    /// Per gate: multiplies an integer dot product back into the gate's scale.
    dequant: Vec<f32>,
}

/// The state's scale in [`lstm_direction_i16`]: `h · 4095`, rounded.
const H16_SCALE: f32 = 4095.0;

impl Quantized16 {
    /// Quantises transposed recurrent weights (`hidden` rows of `4 · hidden`, `hidden`
    /// even).
    pub fn new(wt: &[f32], hidden: usize) -> Quantized16 {
        let g = 4 * hidden;
        // |h| <= 1, so a step's sum of `hidden` products stays below 2^31 when every weight
        // is at most this many steps (and fits an i16).
        let top = ((i32::MAX as f32) / (hidden as f32 * H16_SCALE))
            .min(32767.0)
            .floor();
        let mut w = vec![0i16; hidden * g];
        let mut dequant = vec![0f32; g];
        for j in 0..g {
            let max = (0..hidden)
                .map(|k| wt[k * g + j].abs())
                .fold(f32::MIN_POSITIVE, f32::max);
            let scale = top / max;
            for k in 0..hidden {
                let v = (wt[k * g + j] * scale).round().clamp(-top, top) as i16;
                w[((k / 2) * g + j) * 2 + k % 2] = v;
            }
            dequant[j] = 1.0 / (scale * H16_SCALE);
        }
        Quantized16 { w, dequant }
    }
}

/// Runs one LSTM direction over `n = out.len() / hidden` steps, with 16-bit recurrent
/// products (for AVX2 CPUs without byte dot products). Step `t`'s input pre-activations
/// (gates `4 · hidden` wide) are `xp[t · stride + offset ..]`; `q` holds the recurrent
/// weights; the hidden state of step `t` is written to `out[t · hidden ..]`. Steps run
/// backwards when `reverse`.
///
/// The hidden state is rounded to 1/[`H16_SCALE`], each gate's weights to a step of their
/// own, and `vpmaddwd` multiplies sixteen pairs and adds them pairwise into eight 32-bit
/// sums (an FMA does eight products, and `vpaddd` runs beside it); the input part, the
/// gates and the cell stay in `f32`. On PolNeAR train + dev its output is byte-identical
/// to the `f32` recurrence it replaced.
///
/// # Panics
/// When a slice is too short for `n = out.len() / hidden` steps.
///
/// # Safety
/// The CPU must support AVX2 and FMA, and `hidden` must pass [`supported`].
#[target_feature(enable = "avx2,fma")]
pub unsafe fn lstm_direction_i16(
    xp: &[f32],
    stride: usize,
    offset: usize,
    q: &Quantized16,
    hidden: usize,
    reverse: bool,
    out: &mut [f32],
) {
    let g = 4 * hidden;
    assert!(q.w.len() >= hidden * g && q.dequant.len() >= g && hidden <= MAX_HIDDEN);
    assert!(hidden.is_multiple_of(16));
    let w = q.w.as_ptr();
    let mut hq_buf = std::mem::MaybeUninit::<[i16; MAX_HIDDEN]>::uninit();
    let hq = hq_buf.as_mut_ptr().cast::<i16>();
    let product = |x: *const f32, pre: *mut f32, h: *const f32| {
        // SAFETY: the state is read 16 units at a time up to `hidden` (a multiple of 16)
        // and written as `hidden` i16 into `hq`; the weights of pair p and gates j..j + 64
        // are the 128 values from (p·g + j)·2, inside `q.w`; `x`, `pre` and `q.dequant`
        // hold g values.
        unsafe {
            let scale = _mm256_set1_ps(H16_SCALE);
            let mut u = 0;
            while u < hidden {
                let a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(h.add(u)), scale));
                let b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(h.add(u + 8)), scale));
                // The pack interleaves per 128-bit lane; the permutation restores the order.
                let v = _mm256_permute4x64_epi64::<0xD8>(_mm256_packs_epi32(a, b));
                _mm256_storeu_si256(hq.add(u).cast(), v);
                u += 16;
            }
            let pairs = hq.cast::<i32>();
            let mut j = 0;
            while j < g {
                let mut acc = [_mm256_setzero_si256(); 8];
                for p in 0..hidden / 2 {
                    let b = _mm256_set1_epi32(pairs.add(p).read_unaligned());
                    let row = w.add((p * g + j) * 2);
                    for (i, a) in acc.iter_mut().enumerate() {
                        let wv = _mm256_loadu_si256(row.add(16 * i).cast());
                        *a = _mm256_add_epi32(*a, _mm256_madd_epi16(b, wv));
                    }
                }
                for (i, a) in acc.iter().enumerate() {
                    let k = j + 8 * i;
                    let v = _mm256_fmadd_ps(
                        _mm256_cvtepi32_ps(*a),
                        _mm256_loadu_ps(q.dequant.as_ptr().add(k)),
                        _mm256_loadu_ps(x.add(k)),
                    );
                    _mm256_storeu_ps(pre.add(k), v);
                }
                j += 64;
            }
        }
    };
    // SAFETY: the caller guarantees AVX2 and FMA; `product` writes all of pre[..g].
    unsafe { recurrence::<__m256>(xp, stride, offset, hidden, reverse, out, product) }
}

/// The input projections in 16-bit fixed point, for [`QuantizedInputs::sum`]: every
/// column's projected rows and the gate biases as integers of one common step, chosen so
/// that no sum of one row per column and the bias can leave the `i16` range. Half the bytes
/// of the `f32` tables, and sixteen additions an instruction instead of eight.
#[derive(Clone, Debug)]
pub struct QuantizedInputs {
    tables: Vec<Vec<i16>>,
    /// The index of each table's last row (computed once: a division per column and
    /// token showed in profiles).
    last: Vec<usize>,
    /// The columns whose tables are larger than [`LARGE_TABLE`] bytes.
    large: Vec<usize>,
    bias: Vec<i16>,
    width: usize,
    /// The value of one integer step.
    step: f32,
    /// Whether [`QuantizedInputs::sum`] runs in 512-bit registers.
    wide: bool,
}

/// Tables larger than this many bytes (half a typical L2 cache) are prefetched a few
/// tokens ahead; the smaller ones stay cached.
const LARGE_TABLE: usize = 512 * 1024;

/// `x` rounded to the nearest integer (halves away from zero) and saturated to `i16`:
/// `f32::round` is a library call on baseline x86-64, this compiles to vector conversions.
#[inline(always)]
fn round_i16(x: f32) -> i16 {
    (x + 0.5f32.copysign(x)) as i16
}

impl QuantizedInputs {
    /// Quantises the biases (`bias.len()` values, a multiple of 128) and `rows[c]` rows of
    /// each column `c`, which `project(c, r, out)` writes into `out` (`bias.len()` values).
    /// The `f32` tables are never held: each row is first rounded to 16 bits on a step of
    /// its own, then, once the range of every sum is known, rescaled to the common step
    /// (two roundings, so each value is within one common step of its `f32` value).
    pub fn new(
        bias: &[f32],
        rows: &[usize],
        project: impl Fn(usize, usize, &mut [f32]),
    ) -> QuantizedInputs {
        let width = bias.len();
        assert!(width.is_multiple_of(128));
        let mut row = vec![0f32; width];
        // The largest magnitude a sum can reach at each position.
        let mut bound: Vec<f32> = bias.iter().map(|b| b.abs()).collect();
        let mut col = vec![0f32; width];
        let mut tables: Vec<Vec<i16>> = Vec::with_capacity(rows.len());
        let mut row_steps: Vec<Vec<f32>> = Vec::with_capacity(rows.len());
        for (c, &n) in rows.iter().enumerate() {
            col.fill(0.0);
            let mut t = vec![0i16; n * width];
            let mut steps = Vec::with_capacity(n);
            for (r, out) in t.chunks_exact_mut(width).enumerate() {
                project(c, r, &mut row);
                // Eight running maxima, so that the loop vectorises.
                let mut top = [0f32; 8];
                for (m, v) in col.chunks_exact_mut(8).zip(row.chunks_exact(8)) {
                    for k in 0..8 {
                        m[k] = m[k].max(v[k].abs());
                        top[k] = top[k].max(v[k].abs());
                    }
                }
                let top = top.iter().fold(0f32, |a, &b| a.max(b));
                let s = if top > 0.0 { top / 32767.0 } else { 1.0 };
                let inv = 1.0 / s;
                for (o, v) in out.iter_mut().zip(&row) {
                    *o = round_i16(v * inv);
                }
                steps.push(s);
            }
            for (b, m) in bound.iter_mut().zip(&col) {
                *b += m;
            }
            tables.push(t);
            row_steps.push(steps);
        }
        let max = bound.iter().fold(f32::MIN_POSITIVE, |m, &b| m.max(b));
        // Each of the (columns + 1) terms is off by at most one step: keep that margin.
        let step = max / (32767.0 - 2.0 * (rows.len() as f32 + 1.0));
        for (t, steps) in tables.iter_mut().zip(&row_steps) {
            for (chunk, &s) in t.chunks_exact_mut(width).zip(steps) {
                let k = s / step;
                for v in chunk {
                    *v = round_i16(*v as f32 * k).max(-32767);
                }
            }
        }
        QuantizedInputs {
            last: tables.iter().map(|t| t.len() / width - 1).collect(),
            large: (0..tables.len())
                .filter(|&c| 2 * tables[c].len() > LARGE_TABLE)
                .collect(),
            tables,
            bias: bias.iter().map(|v| round_i16(v / step)).collect(),
            wide: wide() && width.is_multiple_of(256),
            width,
            step,
        }
    }

    /// Asks the CPU to start loading the rows `rows` selects in the tables too large for its
    /// caches (words and suffixes), ahead of their [`QuantizedInputs::sum`].
    #[inline]
    pub fn prefetch(&self, rows: &[u32]) {
        for &c in &self.large {
            let (t, r) = (&self.tables[c], rows.get(c).copied().unwrap_or(0) as usize);
            let Some(row) = t.get(r * self.width..(r + 1) * self.width) else {
                continue;
            };
            for line in row.chunks(32) {
                // SAFETY: prefetching has no effect on memory; the address is in `row`.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast()) };
            }
        }
    }

    /// Writes into `out` (`width` values) the bias plus row `rows[c]` of every column `c`
    /// (rows past a table's end read its last row), in 512-bit registers where the CPU
    /// has AVX-512.
    ///
    /// # Panics
    /// When `rows` or `out` do not match the tables.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn sum(&self, rows: &[u32], out: &mut [f32]) {
        assert!(rows.len() == self.tables.len() && out.len() == self.width);
        let mut ptrs = [std::ptr::null::<i16>(); 32];
        assert!(rows.len() <= ptrs.len());
        for (((p, t), &last), &r) in ptrs.iter_mut().zip(&self.tables).zip(&self.last).zip(rows) {
            // In bounds: the row is at most the last one, and the table holds whole rows.
            *p = t[(r as usize).min(last) * self.width..].as_ptr();
        }
        let ptrs = &ptrs[..rows.len()];
        // SAFETY: `wide` is only set where the CPU has AVX-512 (and the width is a multiple
        // of 256); the caller guarantees AVX2.
        unsafe {
            if self.wide {
                self.sum_avx512(ptrs, out)
            } else {
                self.sum_lanes::<__m256>(ptrs, out)
            }
        }
    }

    #[target_feature(enable = "avx512f,avx512bw")]
    unsafe fn sum_avx512(&self, ptrs: &[*const i16], out: &mut [f32]) {
        // SAFETY: the CPU has AVX-512 (see `sum`).
        unsafe { self.sum_lanes::<__m512>(ptrs, out) }
    }

    /// [`QuantizedInputs::sum`] of the rows at `ptrs` (each `width` values), eight
    /// registers of sixteen-bit lanes at a time.
    ///
    /// # Safety
    /// The CPU must support `V`'s instructions, `width` must be a multiple of `16 · V::N`,
    /// and every pointer must start `width` readable values.
    #[inline(always)]
    unsafe fn sum_lanes<V: Lanes>(&self, ptrs: &[*const i16], out: &mut [f32]) {
        let (w, block) = (self.width, 16 * V::N);
        assert!(w.is_multiple_of(block) && out.len() == w && self.bias.len() == w);
        // SAFETY: for each block j..j + 16·V::N <= w (w is a multiple of the block), every
        // pointer starts a row of w values (or the bias, w values); `out` holds w values.
        unsafe {
            let step = V::splat(self.step);
            let mut j = 0;
            while j < w {
                let mut acc: [V::I; 8] =
                    std::array::from_fn(|i| V::load_i(self.bias.as_ptr().add(j + 2 * V::N * i)));
                for p in ptrs {
                    for (i, a) in acc.iter_mut().enumerate() {
                        *a = V::add_i16(*a, V::load_i(p.add(j + 2 * V::N * i)));
                    }
                }
                for (i, a) in acc.iter().enumerate() {
                    V::store_i16_scaled(*a, step, out.as_mut_ptr().add(j + 2 * V::N * i));
                }
                j += block;
            }
        }
    }
}

/// Both directions' recurrent weights in the integer form this process's kernels take:
/// 8 bits where [`supported_i8`] holds, else 16 bits where [`supported`] does. Only
/// [`Recurrent::new`] builds one, after those checks, so running it is safe.
#[derive(Clone, Debug)]
pub enum Recurrent {
    /// For [`lstm_direction_i8`].
    I8([Quantized; 2]),
    /// For [`lstm_direction_i16`].
    I16([Quantized16; 2]),
}

impl Recurrent {
    /// Quantises both directions' transposed recurrent weights for the widest kernel this
    /// process runs; `None` where no integer kernel runs (the portable loop then does).
    pub fn new(w_hh_t: &[Vec<f32>; 2], hidden: usize) -> Option<Recurrent> {
        if supported_i8(hidden) {
            Some(Recurrent::I8(
                w_hh_t.each_ref().map(|t| Quantized::new(t, hidden)),
            ))
        } else if supported(hidden) {
            Some(Recurrent::I16(
                w_hh_t.each_ref().map(|t| Quantized16::new(t, hidden)),
            ))
        } else {
            None
        }
    }

    /// Runs direction `dir` (1 backwards) over `n = out.len() / hidden` steps, whose input
    /// pre-activations are `xp[t · stride + dir · 4 · hidden ..]`.
    ///
    /// # Panics
    /// When a slice is too short for `n` steps, or `hidden` is not the size it was built
    /// for.
    pub fn run(&self, dir: usize, xp: &[f32], stride: usize, hidden: usize, out: &mut [f32]) {
        let (offset, reverse) = (dir * 4 * hidden, dir == 1);
        // SAFETY: `new` built this variant only where its kernel's CPU checks held (the
        // checks are fixed for the process), and the kernels assert their slice lengths.
        unsafe {
            match self {
                Recurrent::I8(q) => {
                    lstm_direction_i8(xp, stride, offset, &q[dir], hidden, reverse, out)
                }
                Recurrent::I16(q) => {
                    lstm_direction_i16(xp, stride, offset, &q[dir], hidden, reverse, out)
                }
            }
        }
    }
}

/// Whether [`lstm_direction_i8`] can run a network of hidden size `hidden` in this process
/// ([`Level::Avx2Vnni`] or wider on top of [`supported`], and whole groups of 32 units).
pub fn supported_i8(hidden: usize) -> bool {
    supported(hidden) && hidden.is_multiple_of(32) && Level::current() >= Level::Avx2Vnni
}

/// Recurrent weights in 8 bits for [`lstm_direction_i8`]: for each quad of hidden units
/// `(4p .. 4p + 3)` and each gate `j`, the four weights side by side (one 32-bit lane),
/// each gate's row on a step of its own; with each row's sum, which removes the offset
/// of the unsigned state.
#[derive(Clone, Debug)]
pub struct Quantized {
    w: Vec<i8>,
    /// Per gate: 128 × the sum of its row's integer weights.
    offset: Vec<i32>,
    /// Per gate: multiplies an integer dot product back into the gate's scale.
    dequant: Vec<f32>,
    /// Whether [`lstm_direction_i8`] runs in 512-bit registers.
    wide: bool,
}

/// The state's scale in [`lstm_direction_i8`]: `h · 127`, rounded, plus 128 (an unsigned
/// byte).
pub(super) const H8_SCALE: f32 = 127.0;

impl Quantized {
    /// Quantises transposed recurrent weights (`hidden` rows of `4 · hidden`).
    pub fn new(wt: &[f32], hidden: usize) -> Quantized {
        let g = 4 * hidden;
        let mut w = vec![0i8; hidden * g];
        let mut offset = vec![0i32; g];
        let mut dequant = vec![0f32; g];
        for j in 0..g {
            let max = (0..hidden)
                .map(|k| wt[k * g + j].abs())
                .fold(f32::MIN_POSITIVE, f32::max);
            let scale = 127.0 / max;
            let mut sum = 0i32;
            for k in 0..hidden {
                let v = (wt[k * g + j] * scale).round().clamp(-127.0, 127.0) as i8;
                w[((k / 4) * g + j) * 4 + k % 4] = v;
                sum += v as i32;
            }
            offset[j] = 128 * sum;
            dequant[j] = 1.0 / (scale * H8_SCALE);
        }
        Quantized {
            w,
            offset,
            dequant,
            wide: wide() && hidden.is_multiple_of(32),
        }
    }
}

/// [`lstm_direction_i16`] with 8-bit recurrent products: the hidden state is rounded to
/// 1/[`H8_SCALE`] and offset into an unsigned byte, each gate's weights to 1/127 of their
/// largest, and `vpdpbusd` multiplies and accumulates 32 pairs an instruction (64 with
/// AVX-512; an FMA does eight) in 32 bits; the input part, the gates and the cell stay in
/// `f32`. The scores differ from the `f32` recurrence by rounding only.
///
/// # Panics
/// When a slice is too short for `n = out.len() / hidden` steps.
///
/// # Safety
/// `hidden` must pass [`supported_i8`] (which checks the CPU), and `q` must have been
/// built on this CPU.
pub unsafe fn lstm_direction_i8(
    xp: &[f32],
    stride: usize,
    offset: usize,
    q: &Quantized,
    hidden: usize,
    reverse: bool,
    out: &mut [f32],
) {
    // SAFETY: `supported_i8` found AVX2, FMA and AVX-VNNI or AVX-512 (with its byte dot
    // products); `wide` is only set where the CPU has the latter.
    unsafe {
        if q.wide {
            lstm_i8_avx512(xp, stride, offset, q, hidden, reverse, out)
        } else {
            lstm_i8_avx2(xp, stride, offset, q, hidden, reverse, out)
        }
    }
}

#[target_feature(enable = "avx2,fma,avxvnni")]
unsafe fn lstm_i8_avx2(
    xp: &[f32],
    stride: usize,
    offset: usize,
    q: &Quantized,
    hidden: usize,
    reverse: bool,
    out: &mut [f32],
) {
    // SAFETY: the target features above.
    unsafe { lstm_i8::<__m256>(xp, stride, offset, q, hidden, reverse, out) }
}

#[target_feature(enable = "avx2,fma,avx512f,avx512bw,avx512vnni")]
unsafe fn lstm_i8_avx512(
    xp: &[f32],
    stride: usize,
    offset: usize,
    q: &Quantized,
    hidden: usize,
    reverse: bool,
    out: &mut [f32],
) {
    // SAFETY: the target features above.
    unsafe { lstm_i8::<__m512>(xp, stride, offset, q, hidden, reverse, out) }
}

/// [`lstm_direction_i8`] in registers `V`.
///
/// # Safety
/// The CPU must support `V`'s instructions (with its byte dot product).
#[inline(always)]
unsafe fn lstm_i8<V: Lanes>(
    xp: &[f32],
    stride: usize,
    offset: usize,
    q: &Quantized,
    hidden: usize,
    reverse: bool,
    out: &mut [f32],
) {
    let g = 4 * hidden;
    // Eight accumulators of V::N gates per block.
    let block = 8 * V::N;
    assert!(q.w.len() >= hidden * g && q.offset.len() >= g && q.dequant.len() >= g);
    assert!(hidden <= MAX_HIDDEN && hidden.is_multiple_of(V::STATE) && g.is_multiple_of(block));
    let mut hq_buf = std::mem::MaybeUninit::<[i32; MAX_HIDDEN / 4]>::uninit();
    let hq = hq_buf.as_mut_ptr().cast::<i32>();
    let product = |x: *const f32, pre: *mut f32, h: *const f32| {
        // SAFETY: `recurrence` passes x and pre with g values and h with `hidden`, and the
        // assertions above hold.
        unsafe { product_i8::<V>(q, hidden, hq, x, pre, h) }
    };
    // SAFETY: the caller guarantees V's instructions; `product` writes pre[..g].
    unsafe { recurrence::<V>(xp, stride, offset, hidden, reverse, out, product) }
}

/// `pre[..g] = x[..g] + Wᵀ·h` for the 8-bit weights `q` (`hidden` rows of `g = 4 · hidden`)
/// and the state `h` (`hidden` values in −1..1, rounded to bytes in `hq`); `x` may be
/// `pre`.
///
/// # Safety
/// The CPU must support `V`'s instructions; `x` and `pre` must hold `g` values, `h`
/// `hidden`, `hq` `hidden / 4`; `hidden` a multiple of `V::STATE` and `g` of `8 · V::N`,
/// and `q` built for `hidden`.
#[inline(always)]
unsafe fn product_i8<V: Lanes>(
    q: &Quantized,
    hidden: usize,
    hq: *mut i32,
    x: *const f32,
    pre: *mut f32,
    h: *const f32,
) {
    // SAFETY: as the caller guarantees.
    unsafe {
        state_bytes::<V>(h, hq, hidden);
        products_i8::<V, 1>(q, hidden, [hq], [x], [pre]);
    }
}

/// Rounds the state `h` (`hidden` values in −1..1) to unsigned bytes in `hq`.
///
/// # Safety
/// The CPU must support `V`'s instructions; `h` must hold `hidden` values (a multiple of
/// `V::STATE`) and `hq` `hidden / 4`.
#[inline(always)]
unsafe fn state_bytes<V: Lanes>(h: *const f32, hq: *mut i32, hidden: usize) {
    let mut u = 0;
    while u < hidden {
        // SAFETY: the state is read V::STATE units at a time up to `hidden` (a multiple of
        // it) and written as hidden/4 quads of bytes into `hq`.
        unsafe { V::state_bytes(h.add(u), hq.cast::<u8>().add(u)) };
        u += V::STATE;
    }
}

/// `pre[k][..g] = x[k][..g] + Wᵀ·h_k` for `T` states at once, already rounded to bytes
/// (`hq[k]`), so that each weight register loaded serves all `T`; `x[k]` may be `pre[k]`.
///
/// # Safety
/// As [`product_i8`], for each of the `T` pointers.
// The loops index the accumulators of every state with the same weight register.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn products_i8<V: Lanes, const T: usize>(
    q: &Quantized,
    hidden: usize,
    hq: [*const i32; T],
    x: [*const f32; T],
    pre: [*mut f32; T],
) {
    let g = 4 * hidden;
    let block = 8 * V::N;
    let w = q.w.as_ptr();
    // SAFETY: the weights of quad p and gates j..j + block are the 4·block bytes from
    // (p·g + j)·4, inside `q.w`, and `q.offset` and `q.dequant` hold g values; each block
    // reads x[k][j..] before it writes pre[k][j..].
    unsafe {
        let mut j = 0;
        while j < g {
            let mut acc = [[V::zero_i(); 8]; T];
            for p in 0..hidden / 4 {
                let b: [V::I; T] = std::array::from_fn(|k| V::splat_i32(*hq[k].add(p)));
                let row = w.add((p * g + j) * 4);
                for i in 0..8 {
                    let wv = V::load_i(row.add(4 * V::N * i));
                    for k in 0..T {
                        acc[k][i] = V::dot_u8i8(acc[k][i], b[k], wv);
                    }
                }
            }
            for k in 0..T {
                for (i, a) in acc[k].iter().enumerate() {
                    let at = j + V::N * i;
                    let (off, dq) = (q.offset.as_ptr().add(at), q.dequant.as_ptr().add(at));
                    V::dequant(*a, off, dq, x[k].add(at)).store(pre[k].add(at));
                }
            }
            j += block;
        }
    }
}

/// The input weights of a second LSTM layer in 8 bits: per direction, the part that reads
/// the first layer's forward states and the part that reads its backward states, each laid
/// out like recurrent weights ([`Quantized`]), so the same byte dot products compute them.
#[derive(Clone, Debug)]
pub struct Projection {
    q: [[Quantized; 2]; 2],
    hidden: usize,
}

impl Projection {
    /// Quantises both directions' transposed input weights (`2 · hidden` rows of
    /// `4 · hidden`: the forward states' rows, then the backward states'); `None` where the
    /// 8-bit kernels do not run ([`supported_i8`]).
    pub fn new(w_ih_t: &[Vec<f32>; 2], hidden: usize) -> Option<Projection> {
        if !supported_i8(hidden) {
            return None;
        }
        let g = 4 * hidden;
        let q = w_ih_t.each_ref().map(|t| {
            [
                Quantized::new(&t[..hidden * g], hidden),
                Quantized::new(&t[hidden * g..2 * hidden * g], hidden),
            ]
        });
        Some(Projection { q, hidden })
    }

    /// For each of the `n` tokens, both directions' gate inputs `xp[t · 8h ..][..8h]`:
    /// `bias` (`8h` values) plus the weights times the token's states of the layer below
    /// (`low[0]`: forward, `low[1]`: backward, `h` values a token).
    ///
    /// # Panics
    /// When a slice is too short for `n` tokens.
    pub fn run(&self, bias: &[f32], low: &[Vec<f32>; 2], n: usize, xp: &mut [f32]) {
        let h = self.hidden;
        assert!(bias.len() >= 8 * h && xp.len() >= n * 8 * h);
        assert!(low.iter().all(|l| l.len() >= n * h));
        // SAFETY: `new` built this only where `supported_i8` held (fixed for the process),
        // and `wide` only where the CPU has AVX-512's byte dot products; lengths asserted.
        unsafe {
            if self.q[0][0].wide {
                project_avx512(self, bias, low, n, xp)
            } else {
                project_avx2(self, bias, low, n, xp)
            }
        }
    }
}

#[target_feature(enable = "avx2,fma,avxvnni")]
unsafe fn project_avx2(
    p: &Projection,
    bias: &[f32],
    low: &[Vec<f32>; 2],
    n: usize,
    xp: &mut [f32],
) {
    // SAFETY: the target features above; the caller checked the lengths.
    unsafe { project::<__m256>(p, bias, low, n, xp) }
}

#[target_feature(enable = "avx2,fma,avx512f,avx512bw,avx512vnni")]
unsafe fn project_avx512(
    p: &Projection,
    bias: &[f32],
    low: &[Vec<f32>; 2],
    n: usize,
    xp: &mut [f32],
) {
    // SAFETY: the target features above; the caller checked the lengths.
    unsafe { project::<__m512>(p, bias, low, n, xp) }
}

/// [`Projection::run`] in registers `V`.
///
/// # Safety
/// The CPU must support `V`'s instructions; the slices must hold `n` tokens.
#[inline(always)]
unsafe fn project<V: Lanes>(
    p: &Projection,
    bias: &[f32],
    low: &[Vec<f32>; 2],
    n: usize,
    xp: &mut [f32],
) {
    let h = p.hidden;
    let g = 4 * h;
    assert!(h <= MAX_HIDDEN && h.is_multiple_of(V::STATE) && g.is_multiple_of(8 * V::N));
    // Each token's two states rounded to bytes: forward then backward, two tokens at a
    // time, so that each weight register serves both (the last token of an odd count
    // alone).
    let mut hq_buf = std::mem::MaybeUninit::<[[i32; MAX_HIDDEN / 4]; 4]>::uninit();
    let hq = hq_buf.as_mut_ptr().cast::<[i32; MAX_HIDDEN / 4]>();
    // Every output pointer comes from this one, so that none invalidates another.
    let base = xp.as_mut_ptr();
    let mut t = 0;
    while t < n {
        let pair = t + 1 < n;
        // SAFETY: the caller asserted that `low` holds n·h states and `xp` n·2g values;
        // `hq` holds four quads of h/4 (h ≤ MAX_HIDDEN); the products read and write as
        // `products_i8` requires.
        unsafe {
            for (k, tk) in [t, t + 1].into_iter().enumerate().take(1 + pair as usize) {
                for (half, l) in low.iter().enumerate() {
                    let to = hq.add(2 * k + half).cast::<i32>();
                    state_bytes::<V>(l[tk * h..].as_ptr(), to, h);
                }
            }
            let q_of = |k: usize, half: usize| hq.add(2 * k + half).cast::<i32>() as *const i32;
            for dir in 0..2 {
                let [fw, bw] = &p.q[dir];
                let b = bias[dir * g..].as_ptr();
                let out0 = base.add(t * 2 * g + dir * g);
                if pair {
                    let out1 = base.add((t + 1) * 2 * g + dir * g);
                    products_i8::<V, 2>(fw, h, [q_of(0, 0), q_of(1, 0)], [b, b], [out0, out1]);
                    products_i8::<V, 2>(
                        bw,
                        h,
                        [q_of(0, 1), q_of(1, 1)],
                        [out0, out1],
                        [out0, out1],
                    );
                } else {
                    products_i8::<V, 1>(fw, h, [q_of(0, 0)], [b], [out0]);
                    products_i8::<V, 1>(bw, h, [q_of(0, 1)], [out0], [out0]);
                }
            }
        }
        t += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::net::cell_step;
    use crate::model::net::math;

    /// The portable recurrence, for comparison.
    fn portable(xp: &[f32], wt: &[f32], hidden: usize, n: usize, reverse: bool) -> Vec<f32> {
        let g = 4 * hidden;
        let mut out = vec![0f32; n * hidden];
        let (mut c, mut h) = (vec![0f32; hidden], vec![0f32; hidden]);
        for step in 0..n {
            let t = if reverse { n - 1 - step } else { step };
            let mut pre = xp[t * g..(t + 1) * g].to_vec();
            for (k, &hk) in h.iter().enumerate() {
                math::axpy(&mut pre, hk, &wt[k * g..(k + 1) * g]);
            }
            cell_step(&mut pre, &mut c, &mut h);
            out[t * hidden..(t + 1) * hidden].copy_from_slice(&h);
        }
        out
    }

    /// Deterministic inputs (`n` steps) and transposed recurrent weights.
    fn fixture(hidden: usize, n: usize) -> (Vec<f32>, Vec<f32>) {
        let g = 4 * hidden;
        let xp = (0..n * g)
            .map(|k| ((k * 37) % 23) as f32 / 7.0 - 1.5)
            .collect();
        let wt = (0..hidden * g)
            .map(|k| ((k * 11) % 17) as f32 / 40.0 - 0.2)
            .collect();
        (xp, wt)
    }

    #[test]
    fn quantized_input_sums_stay_within_a_step_per_term() {
        if !supported(16) {
            return;
        }
        let w = 256;
        // Three columns of different sizes and ranges, one of them with a single row.
        let tables: Vec<Vec<f32>> = [(5usize, 3.0f32), (1, 40.0), (9, 0.01)]
            .iter()
            .map(|&(rows, range)| {
                (0..rows * w)
                    .map(|k| (((k * 29) % 101) as f32 / 50.0 - 1.0) * range)
                    .collect()
            })
            .collect();
        let bias: Vec<f32> = (0..w).map(|k| (k % 7) as f32 - 3.0).collect();
        let rows: Vec<usize> = tables.iter().map(|t| t.len() / w).collect();
        let q = QuantizedInputs::new(&bias, &rows, |c, r, o| {
            o.copy_from_slice(&tables[c][r * w..(r + 1) * w])
        });
        assert_eq!(q.tables.iter().map(Vec::len).sum::<usize>(), 15 * w);
        for rows in [[0u32, 0, 0], [4, 0, 8], [2, 7, 100]] {
            let mut out = vec![0f32; w];
            // SAFETY: supported() checked AVX2.
            unsafe { q.sum(&rows, &mut out) };
            for (j, o) in out.iter().enumerate() {
                let expected: f32 = bias[j]
                    + tables
                        .iter()
                        .zip(rows)
                        .map(|(t, r)| t[(r as usize).min(t.len() / w - 1) * w + j])
                        .sum::<f32>();
                assert!(
                    (o - expected).abs() <= 4.0 * q.step + 1e-4 * expected.abs(),
                    "{o} vs {expected} at {j} (step {})",
                    q.step
                );
            }
        }
    }

    /// The recurrence with the recurrent part of the gates' pre-activations computed by
    /// `recurrent(h)` (all `4 · hidden` of them) from the previous state, in scalar code.
    fn emulated(
        xp: &[f32],
        hidden: usize,
        n: usize,
        reverse: bool,
        recurrent: impl Fn(&[f32]) -> Vec<f32>,
    ) -> Vec<f32> {
        let g = 4 * hidden;
        let mut out = vec![0f32; n * hidden];
        let (mut c, mut h) = (vec![0f32; hidden], vec![0f32; hidden]);
        for step in 0..n {
            let t = if reverse { n - 1 - step } else { step };
            let r = recurrent(&h);
            let mut pre: Vec<f32> = (0..g).map(|j| xp[t * g + j] + r[j]).collect();
            cell_step(&mut pre, &mut c, &mut h);
            out[t * hidden..(t + 1) * hidden].copy_from_slice(&h);
        }
        out
    }

    /// The 8-bit kernel's states over the `n` steps of `xp`.
    fn run_i8(xp: &[f32], q: &Quantized, hidden: usize, n: usize, reverse: bool) -> Vec<f32> {
        assert!(supported_i8(hidden));
        let mut out = vec![0f32; n * hidden];
        // SAFETY: supported_i8() holds (asserted above).
        unsafe { lstm_direction_i8(xp, 4 * hidden, 0, q, hidden, reverse, &mut out) };
        out
    }

    /// The largest difference between two series.
    fn max_diff(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max)
    }

    /// The recurrent part of every gate in integer arithmetic, as the kernels compute it:
    /// the state rounded to `1/scale.0` (ties to even) plus `scale.1`, its dot product with
    /// gate `j`'s integer weights `weight(k, j)`, minus `offset(j)`, times `dequant[j]`.
    fn integer_product(
        h: &[f32],
        scale: (f32, i32),
        weight: impl Fn(usize, usize) -> i32,
        offset: impl Fn(usize) -> i32,
        dequant: &[f32],
    ) -> Vec<f32> {
        let hq: Vec<i32> = h
            .iter()
            .map(|v| (v * scale.0).round_ties_even() as i32 + scale.1)
            .collect();
        (0..dequant.len())
            .map(|j| {
                let acc: i32 = hq.iter().enumerate().map(|(k, &x)| weight(k, j) * x).sum();
                (acc - offset(j)) as f32 * dequant[j]
            })
            .collect()
    }

    /// The integer kernels this CPU runs, on transposed weights `wt`: for each, its name,
    /// its states over the `n` steps of `xp`, the scalar emulation of its integer
    /// arithmetic, and how far it may stray from the `f32` recurrence.
    fn integer_kernels(
        xp: &[f32],
        wt: &[f32],
        hidden: usize,
        n: usize,
        reverse: bool,
    ) -> Vec<(&'static str, Vec<f32>, Vec<f32>, f32)> {
        let g = 4 * hidden;
        let mut kernels = Vec::new();
        if supported(hidden) {
            let q = Quantized16::new(wt, hidden);
            let mut out = vec![0f32; n * hidden];
            // SAFETY: supported() checked AVX2, FMA and the hidden size.
            unsafe { lstm_direction_i16(xp, g, 0, &q, hidden, reverse, &mut out) };
            let emu = emulated(xp, hidden, n, reverse, |h| {
                let weight = |k: usize, j: usize| q.w[((k / 2) * g + j) * 2 + k % 2] as i32;
                integer_product(h, (H16_SCALE, 0), weight, |_| 0, &q.dequant)
            });
            // Rounding h to 1/4095 and each weight to a step of 1/8193 of its gate's largest.
            kernels.push(("16-bit", out, emu, 1e-3));
        }
        if supported_i8(hidden) {
            let q = Quantized::new(wt, hidden);
            let emu = emulated(xp, hidden, n, reverse, |h| {
                let weight = |k: usize, j: usize| q.w[((k / 4) * g + j) * 4 + k % 4] as i32;
                integer_product(h, (H8_SCALE, 128), weight, |j| q.offset[j], &q.dequant)
            });
            // Rounding h to 1/127 and each weight to 1/127 of its gate's largest moves a
            // pre-activation by about 0.01 per step; the gates keep it from growing.
            kernels.push(("8-bit", run_i8(xp, &q, hidden, n, reverse), emu, 2e-2));
        }
        kernels
    }

    #[test]
    fn the_integer_recurrences_compute_their_products_exactly() {
        for hidden in [16usize, 32, 64] {
            let n = 40;
            let (xp, wt) = fixture(hidden, n);
            for reverse in [false, true] {
                for (name, out, emu, _) in integer_kernels(&xp, &wt, hidden, n, reverse) {
                    let worst = max_diff(&out, &emu);
                    assert!(worst < 1e-4, "{name}, hidden {hidden}: {worst}");
                }
            }
        }
    }

    #[test]
    fn the_integer_recurrences_stay_close_to_the_f32_one() {
        for hidden in [16usize, 32, 64] {
            let (g, n) = (4 * hidden, 40);
            let (xp, _) = fixture(hidden, n);
            // Weights like a trained network's: spread over ±1/√hidden.
            let mut rng = super::super::train::Rng::new(5);
            let k = 1.0 / (hidden as f32).sqrt();
            let wt: Vec<f32> = (0..hidden * g)
                .map(|_| (rng.unit() * 2.0 - 1.0) * k)
                .collect();
            for reverse in [false, true] {
                let expected = portable(&xp, &wt, hidden, n, reverse);
                for (name, out, _, tolerance) in integer_kernels(&xp, &wt, hidden, n, reverse) {
                    let worst = max_diff(&out, &expected);
                    assert!(worst < tolerance, "{name}, hidden {hidden}: {worst}");
                }
            }
        }
    }

    /// The second layer's 8-bit input products stay within rounding of the `f32` ones,
    /// in both register widths, and the two widths agree bit for bit.
    #[test]
    fn second_layer_inputs_stay_close_to_the_f32_ones() {
        let (hidden, n) = (64, 12);
        if !supported_i8(hidden) {
            return;
        }
        let (g, mut rng) = (4 * hidden, super::super::train::Rng::new(9));
        let k = 1.0 / (hidden as f32).sqrt();
        let mut draw = |len: usize, range: f32| -> Vec<f32> {
            (0..len).map(|_| (rng.unit() * 2.0 - 1.0) * range).collect()
        };
        let w: [Vec<f32>; 2] = [draw(2 * hidden * g, k), draw(2 * hidden * g, k)];
        let low: [Vec<f32>; 2] = [draw(n * hidden, 1.0), draw(n * hidden, 1.0)];
        let bias = draw(2 * g, 1.0);
        let p = Projection::new(&w, hidden).expect("supported");
        let mut xp = vec![0f32; n * 2 * g];
        p.run(&bias, &low, n, &mut xp);
        for t in 0..n {
            for dir in 0..2 {
                let mut expected = bias[dir * g..(dir + 1) * g].to_vec();
                for (half, l) in low.iter().enumerate() {
                    let rows = &w[dir][half * hidden * g..(half + 1) * hidden * g];
                    math::add_matvec(&mut expected, &l[t * hidden..(t + 1) * hidden], rows);
                }
                let got = &xp[t * 2 * g + dir * g..][..g];
                let worst = max_diff(got, &expected);
                assert!(worst < 0.05, "token {t}, direction {dir}: {worst}");
            }
        }
        if p.q[0][0].wide && Level::Avx2Vnni.available() {
            let mut narrow = p.clone();
            for q in narrow.q.iter_mut().flatten() {
                q.wide = false;
            }
            let mut other = vec![0f32; n * 2 * g];
            narrow.run(&bias, &low, n, &mut other);
            assert_eq!(xp, other);
        }
    }

    /// The 512-bit kernels compute the same integers and the same float operations per
    /// lane as the 256-bit ones, so their results must be identical bit for bit.
    #[test]
    fn the_512_bit_kernels_equal_the_256_bit_ones() {
        if !wide() || !supported_i8(64) || !Level::Avx2Vnni.available() {
            return;
        }
        let (hidden, n) = (64, 30);
        let mut rng = super::super::train::Rng::new(11);
        let g = 4 * hidden;
        let xp: Vec<f32> = (0..n * g).map(|_| rng.unit() * 4.0 - 2.0).collect();
        let wt: Vec<f32> = (0..hidden * g).map(|_| rng.unit() * 0.25 - 0.125).collect();
        let wide_q = Quantized::new(&wt, hidden);
        let narrow_q = Quantized {
            wide: false,
            ..wide_q.clone()
        };
        assert!(wide_q.wide);
        for reverse in [false, true] {
            let a = run_i8(&xp, &wide_q, hidden, n, reverse);
            let b = run_i8(&xp, &narrow_q, hidden, n, reverse);
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
            assert!(a.iter().any(|&v| v != 0.0));
        }
        // Input sums: two columns, 512 values a row.
        let w = 512;
        let tables: Vec<Vec<f32>> = [3usize, 40]
            .iter()
            .map(|&rows| (0..rows * w).map(|_| rng.unit() * 2.0 - 1.0).collect())
            .collect();
        let bias: Vec<f32> = (0..w).map(|_| rng.unit() - 0.5).collect();
        let wide_s = QuantizedInputs::new(&bias, &[3, 40], |c, r, o| {
            o.copy_from_slice(&tables[c][r * w..(r + 1) * w])
        });
        let narrow_s = QuantizedInputs {
            wide: false,
            ..wide_s.clone()
        };
        assert!(wide_s.wide);
        for rows in [[0u32, 0], [2, 39], [1, 17], [9, 99]] {
            let (mut a, mut b) = (vec![0f32; w], vec![0f32; w]);
            // SAFETY: supported_i8() checked AVX2, wide() AVX-512.
            unsafe {
                wide_s.sum(&rows, &mut a);
                narrow_s.sum(&rows, &mut b);
            }
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
        }
    }
}
