//! The LSTM recurrence for x86-64 CPUs with AVX2 and FMA: each step's recurrent product
//! streams the transposed weights through eight accumulator registers, and the gate
//! activations run eight units to a register with the same exponential as [`super::math`]
//! (fused multiply-adds in its polynomial, so values may differ from the portable path in
//! the last bits).

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

/// The largest hidden size the kernel handles (its state lives on the stack).
pub const MAX_HIDDEN: usize = 256;

/// Whether the kernel can run a network of hidden size `hidden` on this CPU.
pub fn supported(hidden: usize) -> bool {
    hidden % 16 == 0
        && hidden <= MAX_HIDDEN
        && std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
}

/// `e^x` on eight lanes (see [`super::math::exp`]).
#[inline(always)]
unsafe fn exp8(x: __m256) -> __m256 {
    unsafe {
        let x = _mm256_min_ps(
            _mm256_max_ps(x, _mm256_set1_ps(-87.0)),
            _mm256_set1_ps(87.0),
        );
        let shifter = _mm256_set1_ps(12_582_912.0);
        let y = _mm256_fmadd_ps(x, _mm256_set1_ps(std::f32::consts::LOG2_E), shifter);
        let n = _mm256_sub_ps(y, shifter);
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693_145_75), x);
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428_606_8e-6), r);
        let mut p = _mm256_set1_ps(1.0 / 720.0);
        for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0] {
            p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(c));
        }
        // 2^n from the low bits of y (see math::exp).
        let bits = _mm256_slli_epi32::<23>(_mm256_add_epi32(
            _mm256_castps_si256(y),
            _mm256_set1_epi32(127 - 0x4B40_0000),
        ));
        _mm256_mul_ps(p, _mm256_castsi256_ps(bits))
    }
}

/// The logistic function on eight lanes.
#[inline(always)]
unsafe fn sigmoid8(x: __m256) -> __m256 {
    unsafe {
        let one = _mm256_set1_ps(1.0);
        let e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), x));
        _mm256_div_ps(one, _mm256_add_ps(one, e))
    }
}

/// The hyperbolic tangent on eight lanes (`2 σ(2x) − 1`).
#[inline(always)]
unsafe fn tanh8(x: __m256) -> __m256 {
    unsafe {
        let one = _mm256_set1_ps(1.0);
        let e = exp8(_mm256_mul_ps(x, _mm256_set1_ps(-2.0)));
        _mm256_sub_ps(
            _mm256_div_ps(_mm256_set1_ps(2.0), _mm256_add_ps(one, e)),
            one,
        )
    }
}

/// Runs one LSTM direction over `n = out.len() / hidden` steps. Step `t`'s input
/// pre-activations (gates `4 · hidden` wide) are `xp[t · stride + offset ..]`; `wt` holds
/// the recurrent weights transposed (`hidden` rows of `4 · hidden`); the hidden state of
/// step `t` is written to `out[t · hidden ..]`. Steps run backwards when `reverse`.
///
/// # Panics
/// When a slice is too short for `n` steps.
///
/// # Safety
/// The CPU must support AVX2 and FMA, and `hidden` must pass [`supported`].
#[target_feature(enable = "avx2,fma")]
pub unsafe fn lstm_direction(
    xp: &[f32],
    stride: usize,
    offset: usize,
    wt: &[f32],
    hidden: usize,
    reverse: bool,
    out: &mut [f32],
) {
    let g = 4 * hidden;
    assert!(hidden % 16 == 0 && hidden <= MAX_HIDDEN);
    let n = out.len() / hidden;
    assert!(wt.len() >= hidden * g);
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
    let w = wt.as_ptr();
    // SAFETY: the state arrays hold MAX_HIDDEN >= hidden floats.
    unsafe {
        std::ptr::write_bytes(c, 0, hidden);
        std::ptr::write_bytes(h, 0, hidden);
    }
    for step in 0..n {
        let t = if reverse { n - 1 - step } else { step };
        let x = xp[t * stride + offset..t * stride + offset + g].as_ptr();
        // SAFETY (the pointer arithmetic below): blocks of 64 gates (g is a multiple of
        // 64) read x[j..j+64] and wt[k·g + j .. k·g + j + 64] with k < hidden, inside the
        // slices checked above, and write pre[j..j+64] with j + 64 <= g <= 4·MAX_HIDDEN;
        // the gates read pre[..g] and c[..hidden], h[..hidden], all written before.
        unsafe {
            let mut j = 0;
            while j < g {
                let mut acc = [_mm256_setzero_ps(); 8];
                for (i, a) in acc.iter_mut().enumerate() {
                    *a = _mm256_loadu_ps(x.add(j + 8 * i));
                }
                // Two recurrent units per pass (hidden is even): the same additions in
                // the same order, with half the loop overhead.
                let mut k = 0;
                while k < hidden {
                    let b0 = _mm256_set1_ps(*h.add(k));
                    let b1 = _mm256_set1_ps(*h.add(k + 1));
                    let r0 = w.add(k * g + j);
                    let r1 = r0.add(g);
                    for (i, a) in acc.iter_mut().enumerate() {
                        *a = _mm256_fmadd_ps(b0, _mm256_loadu_ps(r0.add(8 * i)), *a);
                    }
                    for (i, a) in acc.iter_mut().enumerate() {
                        *a = _mm256_fmadd_ps(b1, _mm256_loadu_ps(r1.add(8 * i)), *a);
                    }
                    k += 2;
                }
                for (i, a) in acc.iter().enumerate() {
                    _mm256_storeu_ps(pre.add(j + 8 * i), *a);
                }
                j += 64;
            }
            // Gates, eight units at a time: i, f, g, o; then the cell and hidden state.
            let mut u = 0;
            while u < hidden {
                let gi = sigmoid8(_mm256_loadu_ps(pre.add(u)));
                let gf = sigmoid8(_mm256_loadu_ps(pre.add(hidden + u)));
                let gg = tanh8(_mm256_loadu_ps(pre.add(2 * hidden + u)));
                let go = sigmoid8(_mm256_loadu_ps(pre.add(3 * hidden + u)));
                let cv = _mm256_fmadd_ps(gf, _mm256_loadu_ps(c.add(u)), _mm256_mul_ps(gi, gg));
                _mm256_storeu_ps(c.add(u), cv);
                let hv = _mm256_mul_ps(go, tanh8(cv));
                _mm256_storeu_ps(h.add(u), hv);
                u += 8;
            }
            std::ptr::copy_nonoverlapping(
                h,
                out[t * hidden..(t + 1) * hidden].as_mut_ptr(),
                hidden,
            );
        }
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

    #[test]
    fn matches_the_portable_recurrence() {
        for hidden in [16usize, 32, 64] {
            if !supported(hidden) {
                return;
            }
            let g = 4 * hidden;
            let n = 5;
            let xp: Vec<f32> = (0..n * g)
                .map(|k| ((k * 37) % 23) as f32 / 7.0 - 1.5)
                .collect();
            let wt: Vec<f32> = (0..hidden * g)
                .map(|k| ((k * 11) % 17) as f32 / 40.0 - 0.2)
                .collect();
            for reverse in [false, true] {
                let expected = portable(&xp, &wt, hidden, n, reverse);
                let mut out = vec![0f32; n * hidden];
                // SAFETY: supported() checked the CPU and the hidden size.
                unsafe { lstm_direction(&xp, g, 0, &wt, hidden, reverse, &mut out) };
                for (a, b) in out.iter().zip(&expected) {
                    assert!((a - b).abs() < 1e-4, "{a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn vector_activations_match_the_scalar_ones() {
        if !supported(16) {
            return;
        }
        let xs = [-90.0f32, -20.0, -3.5, -0.1, 0.0, 0.7, 4.0, 100.0];
        let mut e = [0f32; 8];
        let mut s = [0f32; 8];
        let mut t = [0f32; 8];
        // SAFETY: supported() checked AVX2 and FMA.
        unsafe {
            let v = _mm256_loadu_ps(xs.as_ptr());
            _mm256_storeu_ps(e.as_mut_ptr(), exp8(v));
            _mm256_storeu_ps(s.as_mut_ptr(), sigmoid8(v));
            _mm256_storeu_ps(t.as_mut_ptr(), tanh8(v));
        }
        for k in 0..8 {
            let x = xs[k];
            assert!(
                (e[k] - math::exp(x)).abs() <= 1e-6 * math::exp(x).max(1e-30),
                "{x}"
            );
            assert!((s[k] - math::sigmoid(x)).abs() < 1e-6, "{x}");
            assert!((t[k] - math::tanh(x)).abs() < 1e-6, "{x}");
        }
    }
}
