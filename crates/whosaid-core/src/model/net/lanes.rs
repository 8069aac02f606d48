//! One vector register of `f32` lanes and the integer operations the tagger's kernels need
//! at the same width ([`Lanes`]), implemented for AVX2's 256-bit registers and AVX-512's
//! 512-bit ones, and the gate activations (`e^x`, the logistic function, `tanh`) written
//! once over it. The kernels in [`super::simd`] are generic over it; the two widths run the
//! same float operations per lane, so they compute identical values.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use super::simd::H8_SCALE;

/// One vector register of `f32` lanes, and the integer operations the kernels need on a
/// register of the same width: AVX2's 256 bits ([`__m256`]) or AVX-512's 512 ([`__m512`]).
/// The kernels are written once over it; each width's entry point enables its
/// instructions, into which these methods inline.
///
/// # Safety
/// Every method needs the CPU to support its width's instructions (the integer dot
/// product: AVX-VNNI or AVX512-VNNI), and pointers valid for the lanes read or written.
pub(super) trait Lanes: Copy {
    /// `f32` (and `i32`) lanes a register.
    const N: usize;
    /// Hidden units [`Lanes::state_bytes`] converts at a time.
    const STATE: usize;
    /// An integer register of the same width.
    type I: Copy;
    unsafe fn splat(x: f32) -> Self;
    unsafe fn load(p: *const f32) -> Self;
    unsafe fn store(self, p: *mut f32);
    unsafe fn add(self, b: Self) -> Self;
    unsafe fn sub(self, b: Self) -> Self;
    unsafe fn mul(self, b: Self) -> Self;
    unsafe fn div(self, b: Self) -> Self;
    unsafe fn clamp(self, lo: f32, hi: f32) -> Self;
    /// `self · b + c`, fused.
    unsafe fn mul_add(self, b: Self, c: Self) -> Self;
    /// `c − self · b`, fused.
    unsafe fn neg_mul_add(self, b: Self, c: Self) -> Self;
    /// `2^n` for the integer `n` in the low mantissa bits of `y = n + 1.5 · 2^23`.
    unsafe fn pow2_shifted(y: Self) -> Self;
    unsafe fn zero_i() -> Self::I;
    unsafe fn load_i<T>(p: *const T) -> Self::I;
    unsafe fn splat_i32(x: i32) -> Self::I;
    /// Lane-wise 16-bit sum (wrapping).
    unsafe fn add_i16(a: Self::I, b: Self::I) -> Self::I;
    /// The `2 · N` 16-bit lanes of `a` times `step`, written as `f32` to `out[..2·N]`.
    unsafe fn store_i16_scaled(a: Self::I, step: Self, out: *mut f32);
    /// `a` plus, in each 32-bit lane, the four products of the unsigned bytes of `b` with
    /// the signed bytes of `w` (`vpdpbusd`).
    unsafe fn dot_u8i8(a: Self::I, b: Self::I, w: Self::I) -> Self::I;
    /// `(a − off) · scale + x`, lane-wise, from `i32` lanes to `f32`.
    unsafe fn dequant(a: Self::I, off: *const i32, scale: *const f32, x: *const f32) -> Self;
    /// `h[..STATE]` times [`H8_SCALE`], rounded, plus 128, as bytes to `out[..STATE]`
    /// (every value must lie in `−1..=1`).
    unsafe fn state_bytes(h: *const f32, out: *mut u8);
}

impl Lanes for __m256 {
    const N: usize = 8;
    const STATE: usize = 32;
    type I = __m256i;
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        unsafe { _mm256_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        unsafe { _mm256_storeu_ps(p, self) }
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        unsafe { _mm256_add_ps(self, b) }
    }
    #[inline(always)]
    unsafe fn sub(self, b: Self) -> Self {
        unsafe { _mm256_sub_ps(self, b) }
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        unsafe { _mm256_mul_ps(self, b) }
    }
    #[inline(always)]
    unsafe fn div(self, b: Self) -> Self {
        unsafe { _mm256_div_ps(self, b) }
    }
    #[inline(always)]
    unsafe fn clamp(self, lo: f32, hi: f32) -> Self {
        unsafe { _mm256_min_ps(_mm256_max_ps(self, _mm256_set1_ps(lo)), _mm256_set1_ps(hi)) }
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        unsafe { _mm256_fmadd_ps(self, b, c) }
    }
    #[inline(always)]
    unsafe fn neg_mul_add(self, b: Self, c: Self) -> Self {
        unsafe { _mm256_fnmadd_ps(self, b, c) }
    }
    #[inline(always)]
    unsafe fn pow2_shifted(y: Self) -> Self {
        unsafe {
            _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(
                _mm256_castps_si256(y),
                _mm256_set1_epi32(127 - 0x4B40_0000),
            )))
        }
    }
    #[inline(always)]
    unsafe fn zero_i() -> Self::I {
        unsafe { _mm256_setzero_si256() }
    }
    #[inline(always)]
    unsafe fn load_i<T>(p: *const T) -> Self::I {
        unsafe { _mm256_loadu_si256(p.cast()) }
    }
    #[inline(always)]
    unsafe fn splat_i32(x: i32) -> Self::I {
        unsafe { _mm256_set1_epi32(x) }
    }
    #[inline(always)]
    unsafe fn add_i16(a: Self::I, b: Self::I) -> Self::I {
        unsafe { _mm256_add_epi16(a, b) }
    }
    #[inline(always)]
    unsafe fn store_i16_scaled(a: Self::I, step: Self, out: *mut f32) {
        unsafe {
            let lo = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(a));
            let hi = _mm256_cvtepi16_epi32(_mm256_extracti128_si256::<1>(a));
            _mm256_storeu_ps(out, _mm256_mul_ps(_mm256_cvtepi32_ps(lo), step));
            _mm256_storeu_ps(out.add(8), _mm256_mul_ps(_mm256_cvtepi32_ps(hi), step));
        }
    }
    #[inline(always)]
    unsafe fn dot_u8i8(a: Self::I, b: Self::I, w: Self::I) -> Self::I {
        unsafe { _mm256_dpbusd_avx_epi32(a, b, w) }
    }
    #[inline(always)]
    unsafe fn dequant(a: Self::I, off: *const i32, scale: *const f32, x: *const f32) -> Self {
        unsafe {
            _mm256_fmadd_ps(
                _mm256_cvtepi32_ps(_mm256_sub_epi32(a, _mm256_loadu_si256(off.cast()))),
                _mm256_loadu_ps(scale),
                _mm256_loadu_ps(x),
            )
        }
    }
    #[inline(always)]
    unsafe fn state_bytes(h: *const f32, out: *mut u8) {
        unsafe {
            let (scale, bias) = (_mm256_set1_ps(H8_SCALE), _mm256_set1_epi32(128));
            let v: [__m256i; 4] = std::array::from_fn(|k| {
                let f = _mm256_loadu_ps(h.add(8 * k));
                _mm256_add_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(f, scale)), bias)
            });
            // 32 values in 1..=255 → 32 bytes: the packs interleave per 128-bit lane, the
            // permutation restores the order.
            let ab = _mm256_packs_epi32(v[0], v[1]);
            let cd = _mm256_packs_epi32(v[2], v[3]);
            let bytes = _mm256_packus_epi16(ab, cd);
            let bytes =
                _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
            _mm256_storeu_si256(out.cast(), bytes);
        }
    }
}

impl Lanes for __m512 {
    const N: usize = 16;
    const STATE: usize = 16;
    type I = __m512i;
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        unsafe { _mm512_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        unsafe { _mm512_storeu_ps(p, self) }
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        unsafe { _mm512_add_ps(self, b) }
    }
    #[inline(always)]
    unsafe fn sub(self, b: Self) -> Self {
        unsafe { _mm512_sub_ps(self, b) }
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        unsafe { _mm512_mul_ps(self, b) }
    }
    #[inline(always)]
    unsafe fn div(self, b: Self) -> Self {
        unsafe { _mm512_div_ps(self, b) }
    }
    #[inline(always)]
    unsafe fn clamp(self, lo: f32, hi: f32) -> Self {
        unsafe { _mm512_min_ps(_mm512_max_ps(self, _mm512_set1_ps(lo)), _mm512_set1_ps(hi)) }
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        unsafe { _mm512_fmadd_ps(self, b, c) }
    }
    #[inline(always)]
    unsafe fn neg_mul_add(self, b: Self, c: Self) -> Self {
        unsafe { _mm512_fnmadd_ps(self, b, c) }
    }
    #[inline(always)]
    unsafe fn pow2_shifted(y: Self) -> Self {
        unsafe {
            _mm512_castsi512_ps(_mm512_slli_epi32::<23>(_mm512_add_epi32(
                _mm512_castps_si512(y),
                _mm512_set1_epi32(127 - 0x4B40_0000),
            )))
        }
    }
    #[inline(always)]
    unsafe fn zero_i() -> Self::I {
        unsafe { _mm512_setzero_si512() }
    }
    #[inline(always)]
    unsafe fn load_i<T>(p: *const T) -> Self::I {
        unsafe { _mm512_loadu_si512(p.cast()) }
    }
    #[inline(always)]
    unsafe fn splat_i32(x: i32) -> Self::I {
        unsafe { _mm512_set1_epi32(x) }
    }
    #[inline(always)]
    unsafe fn add_i16(a: Self::I, b: Self::I) -> Self::I {
        unsafe { _mm512_add_epi16(a, b) }
    }
    #[inline(always)]
    unsafe fn store_i16_scaled(a: Self::I, step: Self, out: *mut f32) {
        unsafe {
            let lo = _mm512_cvtepi16_epi32(_mm512_castsi512_si256(a));
            let hi = _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64::<1>(a));
            _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_cvtepi32_ps(lo), step));
            _mm512_storeu_ps(out.add(16), _mm512_mul_ps(_mm512_cvtepi32_ps(hi), step));
        }
    }
    #[inline(always)]
    unsafe fn dot_u8i8(a: Self::I, b: Self::I, w: Self::I) -> Self::I {
        unsafe { _mm512_dpbusd_epi32(a, b, w) }
    }
    #[inline(always)]
    unsafe fn dequant(a: Self::I, off: *const i32, scale: *const f32, x: *const f32) -> Self {
        unsafe {
            _mm512_fmadd_ps(
                _mm512_cvtepi32_ps(_mm512_sub_epi32(a, _mm512_loadu_si512(off.cast()))),
                _mm512_loadu_ps(scale),
                _mm512_loadu_ps(x),
            )
        }
    }
    #[inline(always)]
    unsafe fn state_bytes(h: *const f32, out: *mut u8) {
        unsafe {
            let f = _mm512_mul_ps(_mm512_loadu_ps(h), _mm512_set1_ps(H8_SCALE));
            let v = _mm512_add_epi32(_mm512_cvtps_epi32(f), _mm512_set1_epi32(128));
            // Values in 1..=255: truncating each lane to its low byte keeps it.
            _mm_storeu_si128(out.cast(), _mm512_cvtepi32_epi8(v));
        }
    }
}

/// `e^x` lane-wise (see [`super::math::exp`]).
#[inline(always)]
pub(super) unsafe fn exp_v<V: Lanes>(x: V) -> V {
    unsafe {
        let x = x.clamp(-87.0, 87.0);
        let shifter = V::splat(12_582_912.0);
        let y = x.mul_add(V::splat(std::f32::consts::LOG2_E), shifter);
        let n = y.sub(shifter);
        let r = n.neg_mul_add(V::splat(0.693_145_75), x);
        let r = n.neg_mul_add(V::splat(1.428_606_8e-6), r);
        let mut p = V::splat(1.0 / 720.0);
        for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0] {
            p = p.mul_add(r, V::splat(c));
        }
        // 2^n from the low bits of y (see math::exp).
        p.mul(V::pow2_shifted(y))
    }
}

/// The logistic function lane-wise.
#[inline(always)]
pub(super) unsafe fn sigmoid_v<V: Lanes>(x: V) -> V {
    unsafe {
        let one = V::splat(1.0);
        one.div(one.add(exp_v(V::splat(0.0).sub(x))))
    }
}

/// The hyperbolic tangent lane-wise (`2 σ(2x) − 1`).
#[inline(always)]
pub(super) unsafe fn tanh_v<V: Lanes>(x: V) -> V {
    unsafe {
        let one = V::splat(1.0);
        let e = exp_v(x.mul(V::splat(-2.0)));
        V::splat(2.0).div(one.add(e)).sub(one)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::net::cpu::Level;
    use crate::model::net::math;

    /// `e^x`, `σ(x)` and `tanh(x)` of `xs` (`V::N` values) in registers `V`.
    #[inline(always)]
    unsafe fn activations<V: Lanes>(xs: &[f32]) -> [Vec<f32>; 3] {
        assert_eq!(xs.len(), V::N);
        let mut out = [vec![0f32; V::N], vec![0f32; V::N], vec![0f32; V::N]];
        // SAFETY: the caller guarantees V's instructions; each output holds V::N values.
        unsafe {
            let v = V::load(xs.as_ptr());
            exp_v(v).store(out[0].as_mut_ptr());
            sigmoid_v(v).store(out[1].as_mut_ptr());
            tanh_v(v).store(out[2].as_mut_ptr());
        }
        out
    }

    #[target_feature(enable = "avx2,fma")]
    unsafe fn activations_avx2(xs: &[f32]) -> [Vec<f32>; 3] {
        // SAFETY: the target features above.
        unsafe { activations::<__m256>(xs) }
    }

    #[target_feature(enable = "avx512f")]
    unsafe fn activations_avx512(xs: &[f32]) -> [Vec<f32>; 3] {
        // SAFETY: the target features above.
        unsafe { activations::<__m512>(xs) }
    }

    #[test]
    fn vector_activations_match_the_scalar_ones() {
        if !Level::Avx2.available() {
            return;
        }
        let xs = [-90.0f32, -20.0, -3.5, -0.1, 0.0, 0.7, 4.0, 100.0];
        let xs16: Vec<f32> = xs.iter().chain(&xs).map(|x| x * 0.9).collect();
        // SAFETY: the levels checked AVX2 and FMA, and AVX-512 before its run.
        let mut runs = vec![(xs.to_vec(), unsafe { activations_avx2(&xs) })];
        if Level::Avx512.available() {
            runs.push((xs16.clone(), unsafe { activations_avx512(&xs16) }));
        }
        for (xs, [e, s, t]) in runs {
            for (k, &x) in xs.iter().enumerate() {
                assert!(
                    (e[k] - math::exp(x)).abs() <= 1e-6 * math::exp(x).max(1e-30),
                    "{x}"
                );
                assert!((s[k] - math::sigmoid(x)).abs() < 1e-6, "{x}");
                assert!((t[k] - math::tanh(x)).abs() < 1e-6, "{x}");
            }
        }
    }
}
