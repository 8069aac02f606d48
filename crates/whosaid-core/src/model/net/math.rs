//! Small numeric kernels of the network: activations and vector loops written so that the
//! compiler vectorises them (no branches in the loop bodies).

/// `e^x`, to about 2e-7 relative error, for any finite `x` (clamped to ±87, where `f32`
/// stays finite and non-zero). Branch-free, so loops over slices of it vectorise; training
/// and tagging both use it, so a trained network sees the same function it learned with.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 87.0);
    // x = n ln 2 + r, |r| <= ln 2 / 2.
    // Rounded to nearest by adding and removing 1.5 · 2^23 (no SSE4.1 `round` needed); the
    // sum's low mantissa bits then hold n as an integer, read without a float-to-int
    // conversion (which would not vectorise).
    const SHIFTER: f32 = 12_582_912.0;
    let y = x * std::f32::consts::LOG2_E + SHIFTER;
    let n = y - SHIFTER;
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    // e^r by its Taylor series to degree 6 (Horner form).
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // 2^n from the exponent bits (n is in -126..=126 after the clamp).
    let ni = y.to_bits().wrapping_sub(0x4B40_0000);
    p * f32::from_bits(ni.wrapping_add(127) << 23)
}

/// The logistic function.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// The hyperbolic tangent (`2 σ(2x) − 1`).
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    2.0 / (1.0 + exp(-2.0 * x)) - 1.0
}

/// `y += a * x`.
#[inline(always)]
pub fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// `y += x`.
#[inline(always)]
pub fn add(y: &mut [f32], x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += x;
    }
}

/// The transpose of the row-major `rows × cols` matrix `m` (`cols × rows`, row-major).
pub fn transpose(m: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0f32; rows * cols];
    for r in 0..rows {
        for k in 0..cols {
            t[k * rows + r] = m[r * cols + k];
        }
    }
    t
}

/// `y += Σ_k x[k] · m[k]`, where `m` holds `x.len()` rows of `y.len()` values (a
/// matrix-vector product with the matrix stored transposed). Where the kernels' level
/// ([`super::cpu::Level::current`]) includes AVX2 and FMA the rows are streamed through
/// sixteen-lane register blocks with fused multiply-adds (which round differently).
#[inline(always)]
pub fn add_matvec(y: &mut [f32], x: &[f32], m: &[f32]) {
    let n = y.len();
    assert!(m.len() >= x.len() * n);
    #[cfg(target_arch = "x86_64")]
    if super::cpu::Level::current() >= super::cpu::Level::Avx2 && n.is_multiple_of(64) {
        // SAFETY: the level is available, so the CPU has AVX2 and FMA; the assertion keeps
        // every row read inside `m`.
        unsafe { add_matvec_fma(y, x, m) };
        return;
    }
    for (&xk, row) in x.iter().zip(m.chunks_exact(n)) {
        for (v, w) in y.iter_mut().zip(row) {
            *v += xk * w;
        }
    }
}

/// [`add_matvec`] for `y.len()` a multiple of 64: 64 outputs at a time stay in eight AVX
/// registers while every row adds its fused products.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn add_matvec_fma(y: &mut [f32], x: &[f32], m: &[f32]) {
    use std::arch::x86_64::*;
    let n = y.len();
    let mut j = 0;
    while j + 64 <= n {
        // SAFETY (all pointer reads and writes below): j + 64 <= n = y.len(), and row k
        // reads m[k·n + j .. k·n + j + 64] with k < x.len(), inside m (asserted by the caller).
        unsafe {
            let yp = y.as_mut_ptr().add(j);
            let mut acc = [_mm256_setzero_ps(); 8];
            for (i, a) in acc.iter_mut().enumerate() {
                *a = _mm256_loadu_ps(yp.add(8 * i));
            }
            for (k, &xk) in x.iter().enumerate() {
                let b = _mm256_set1_ps(xk);
                let row = m.as_ptr().add(k * n + j);
                for (i, a) in acc.iter_mut().enumerate() {
                    *a = _mm256_fmadd_ps(b, _mm256_loadu_ps(row.add(8 * i)), *a);
                }
            }
            for (i, a) in acc.iter().enumerate() {
                _mm256_storeu_ps(yp.add(8 * i), *a);
            }
        }
        j += 64;
    }
}

/// `out = base + Σ rows`, every slice as long as `out`. On x86-64 CPUs with AVX the sums
/// are kept in registers 64 values at a time, so `out` is written once.
#[inline(always)]
pub fn sum_rows(out: &mut [f32], base: &[f32], rows: &[&[f32]]) {
    let n = out.len();
    assert!(base.len() == n && rows.iter().all(|r| r.len() == n));
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") && n.is_multiple_of(64) {
        // SAFETY: AVX is available, checked just above; all slices have length n.
        unsafe { sum_rows_avx(out, base, rows) };
        return;
    }
    out.copy_from_slice(base);
    for r in rows {
        add(out, r);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn sum_rows_avx(out: &mut [f32], base: &[f32], rows: &[&[f32]]) {
    use std::arch::x86_64::*;
    let n = out.len();
    let mut j = 0;
    while j + 64 <= n {
        // SAFETY (all reads and writes below): j + 64 <= n, and every slice has length n
        // (asserted by the caller).
        unsafe {
            let mut acc = [_mm256_setzero_ps(); 8];
            for (i, a) in acc.iter_mut().enumerate() {
                *a = _mm256_loadu_ps(base.as_ptr().add(j + 8 * i));
            }
            for r in rows {
                let p = r.as_ptr().add(j);
                for (i, a) in acc.iter_mut().enumerate() {
                    *a = _mm256_add_ps(*a, _mm256_loadu_ps(p.add(8 * i)));
                }
            }
            for (i, a) in acc.iter().enumerate() {
                _mm256_storeu_ps(out.as_mut_ptr().add(j + 8 * i), *a);
            }
        }
        j += 64;
    }
}

/// The dot product, with eight partial sums so that the loop vectorises.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let n = a.len().min(b.len());
    let (a8, b8) = (a[..n].chunks_exact(8), b[..n].chunks_exact(8));
    let (ra, rb) = (a8.remainder(), b8.remainder());
    for (x, y) in a8.zip(b8) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// `log Σ e^{x_i}` of a short slice (exact `f32` functions: used by the training loss only).
pub fn log_sum_exp(x: &[f32]) -> f32 {
    let m = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if m == f32::NEG_INFINITY {
        return m;
    }
    m + x.iter().map(|v| (v - m).exp()).sum::<f32>().ln()
}

/// `C (m×n) += A (m×k) · B (k×n)`, all row-major with the given row strides (`B` may be a
/// transposed view: `rsb`/`csb` are its row and column strides).
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    (rsa, csa): (usize, usize),
    b: &[f32],
    (rsb, csb): (usize, usize),
    c: &mut [f32],
    rsc: usize,
) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    // The last element each operand reaches must lie inside its slice.
    assert!((m - 1) * rsa + (k - 1) * csa < a.len());
    assert!((k - 1) * rsb + (n - 1) * csb < b.len());
    assert!((m - 1) * rsc + n - 1 < c.len());
    // SAFETY: the assertions above keep every access of sgemm inside the three slices, and
    // `c` is borrowed mutably, so it aliases neither `a` nor `b`.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa as isize,
            csa as isize,
            b.as_ptr(),
            rsb as isize,
            csb as isize,
            1.0,
            c.as_mut_ptr(),
            rsc as isize,
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_close_to_std() {
        let mut x = -30.0f32;
        while x < 30.0 {
            let (a, b) = (exp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-6, "{x}: {a} vs {b}");
            x += 0.0137;
        }
        assert!(exp(-1000.0) > 0.0 && exp(-1000.0) < 1e-37);
        assert!(exp(1000.0).is_finite());
    }

    #[test]
    fn activations() {
        for &x in &[-20.0f32, -3.0, -0.5, 0.0, 0.25, 2.0, 15.0] {
            assert!((sigmoid(x) - 1.0 / (1.0 + (-x).exp())).abs() < 1e-6);
            assert!((tanh(x) - x.tanh()).abs() < 1e-6, "{x}");
        }
    }

    #[test]
    fn vector_loops() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 - i as f32 * 0.5).collect();
        let expected: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - expected).abs() < 1e-3);
        let mut y = b.clone();
        axpy(&mut y, 2.0, &a);
        assert_eq!(y[3], b[3] + 6.0);
        add(&mut y, &a);
        assert_eq!(y[3], b[3] + 9.0);
        assert!((log_sum_exp(&[1.0, 2.0, 3.0]) - 3.407_606).abs() < 1e-5);
        assert_eq!(log_sum_exp(&[f32::NEG_INFINITY; 2]), f32::NEG_INFINITY);
    }

    #[test]
    fn transpose_swaps_rows_and_columns() {
        // 2×3 → 3×2.
        assert_eq!(
            transpose(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3),
            [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
        );
    }

    #[test]
    fn matvec_adds_the_products_of_every_row() {
        for n in [64usize, 128, 5] {
            let x: Vec<f32> = (0..7).map(|k| k as f32 * 0.5 - 1.0).collect();
            let m: Vec<f32> = (0..7 * n).map(|k| ((k * 13) % 17) as f32 * 0.25).collect();
            let mut y: Vec<f32> = (0..n).map(|j| j as f32).collect();
            let expected: Vec<f32> = (0..n)
                .map(|j| j as f32 + (0..7).map(|k| x[k] * m[k * n + j]).sum::<f32>())
                .collect();
            add_matvec(&mut y, &x, &m);
            for (a, b) in y.iter().zip(&expected) {
                assert!((a - b).abs() < 1e-4, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn rows_are_summed_onto_the_base() {
        for n in [128usize, 6] {
            let base: Vec<f32> = (0..n).map(|j| j as f32).collect();
            let a: Vec<f32> = (0..n).map(|j| (j % 3) as f32).collect();
            let b: Vec<f32> = vec![0.5; n];
            let mut out = vec![0f32; n];
            sum_rows(&mut out, &base, &[&a, &b]);
            for j in 0..n {
                assert_eq!(out[j], base[j] + a[j] + b[j]);
            }
        }
    }

    #[test]
    fn gemm_multiplies_plain_and_transposed() {
        // A 2×3, B 3×2, C = A·B.
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [7.0, 8.0, 9.0, 10.0, 11.0, 12.0];
        let mut c = [0.0; 4];
        gemm(2, 3, 2, &a, (3, 1), &b, (2, 1), &mut c, 2);
        assert_eq!(c, [58.0, 64.0, 139.0, 154.0]);
        // B given transposed (2×3 row-major), read with swapped strides.
        let bt = [7.0, 9.0, 11.0, 8.0, 10.0, 12.0];
        let mut c2 = [1.0; 4];
        gemm(2, 3, 2, &a, (3, 1), &bt, (1, 3), &mut c2, 2);
        assert_eq!(c2, [59.0, 65.0, 140.0, 155.0]);
    }
}
