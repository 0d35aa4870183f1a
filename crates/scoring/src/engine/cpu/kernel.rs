//! The CPU micro-kernel: an MR×NR block of dot products over a K-slice of A rows and Bᵀ rows,
//! both already widened to i16 and packed so that each side is one contiguous stream: a panel
//! holds, for each step of 16 k, its rows' 16 values one row after another
//! (`panel[(step·ROWS + row)·16 + l]`). AVX2 (`vpmaddwd`: 16 exact i16·i16→i32 multiply-adds
//! per instruction) when the CPU has it, chosen at run time; portable Rust otherwise.
//!
//! Why i16 and `vpmaddwd` and not `vpmaddubsw` (32 u8·i8 per instruction): the task multiplies
//! signed by signed bytes, and `vpmaddubsw` saturates its i16 pair sums (−128·−128·2 = 32768
//! does not fit), so it is not exact on the task's inputs. Exactness is the contract.

// Indices and lengths here are bounded by the slices they index (checked before any pointer is
// formed); the plain operators keep the hot loop readable.
#![allow(clippy::arithmetic_side_effects)]

/// Rows of A per micro-kernel call (3×3 is the largest block whose 9 accumulators, 3 Bᵀ
/// vectors, A vector and product fit the 16 ymm registers without spills).
pub(crate) const MR: usize = 3;
/// Rows of Bᵀ (columns of B) per micro-kernel call.
pub(crate) const NR: usize = 3;
/// Elements of K per SIMD step (and the padding of K).
pub(crate) const K_STEP: usize = 16;

/// Which micro-kernel the engine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// `vpmaddwd`/`vpaddd` on 256-bit registers; only constructed after run-time detection.
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// Plain Rust dot products (the compiler vectorises them for the baseline target).
    Portable,
}

impl Kernel {
    /// The best kernel this CPU runs.
    pub(crate) fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            return Self::Avx2;
        }
        Self::Portable
    }

    /// Name for logs and reports.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Avx2 => "avx2",
            Self::Portable => "baseline",
        }
    }

    /// `out[i][j] = Σ_k a_i[k]·b_j[k]` (wrapping i32) over `steps` steps of 16 k, from packed
    /// panels `a` (MR rows) and `b` (NR rows).
    #[inline]
    pub(crate) fn micro(self, a: &[i16], b: &[i16], steps: usize) -> [[i32; NR]; MR] {
        #[cfg(target_arch = "x86_64")]
        if self == Self::Avx2 && a.len() >= steps * MR * K_STEP && b.len() >= steps * NR * K_STEP {
            // SAFETY: `Avx2` is only constructed when the CPU reports AVX2 (`detect`), and both
            // panels were just checked to hold `steps` full steps.
            return unsafe { avx2::micro(a.as_ptr(), b.as_ptr(), steps) };
        }
        portable(a, b, steps)
    }
}

fn portable(a: &[i16], b: &[i16], steps: usize) -> [[i32; NR]; MR] {
    // Lane-wise accumulators (16 per output) keep the loop free of reductions, so the compiler
    // vectorises it for whatever the baseline target offers (SSE2 on x86-64, NEON on aarch64).
    let mut lanes = [[[0i32; K_STEP]; NR]; MR];
    for (a_step, b_step) in a.chunks_exact(MR * K_STEP).zip(b.chunks_exact(NR * K_STEP)).take(steps)
    {
        for (lanes_row, a_row) in lanes.iter_mut().zip(a_step.chunks_exact(K_STEP)) {
            for (acc, b_row) in lanes_row.iter_mut().zip(b_step.chunks_exact(K_STEP)) {
                for ((l, &x), &y) in acc.iter_mut().zip(a_row).zip(b_row) {
                    *l = l.wrapping_add(i32::from(x) * i32::from(y));
                }
            }
        }
    }
    lanes.map(|row| row.map(|acc| acc.iter().fold(0i32, |s, &v| s.wrapping_add(v))))
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    // The loops below run over the const block shape and are fully unrolled; the indices are
    // below MR and NR by construction.
    #![allow(clippy::indexing_slicing)]

    use std::arch::x86_64::{
        __m128i, __m256i, _mm_add_epi32, _mm_storeu_si128, _mm256_add_epi32,
        _mm256_castsi256_si128, _mm256_extracti128_si256, _mm256_hadd_epi32, _mm256_loadu_si256,
        _mm256_madd_epi16, _mm256_setzero_si256,
    };

    use super::{K_STEP, MR, NR};

    /// The MR×NR block: MR·NR accumulators, NR Bᵀ registers, one A register and one product
    /// register must fit the 16 ymm registers (4×3 needs 17, and the spills cost a third of the
    /// speed); each step loads MR + NR vectors from two contiguous streams for MR·NR `vpmaddwd`.
    ///
    /// # Safety
    /// The CPU must support AVX2; `a` must point to `steps·MR·16` and `b` to `steps·NR·16`
    /// readable i16.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn micro(a: *const i16, b: *const i16, steps: usize) -> [[i32; NR]; MR] {
        let mut c = [[_mm256_setzero_si256(); NR]; MR];
        for step in 0..steps {
            // SAFETY: step < steps, so every vector read is inside the panels (caller's contract).
            let (pa, pb) = unsafe { (a.add(step * MR * K_STEP), b.add(step * NR * K_STEP)) };
            let mut vb = [_mm256_setzero_si256(); NR];
            for (j, v) in vb.iter_mut().enumerate() {
                // SAFETY: as above.
                *v = unsafe { _mm256_loadu_si256(pb.add(j * K_STEP).cast::<__m256i>()) };
            }
            for (i, row) in c.iter_mut().enumerate() {
                // SAFETY: as above.
                let va = unsafe { _mm256_loadu_si256(pa.add(i * K_STEP).cast::<__m256i>()) };
                for (acc, vbj) in row.iter_mut().zip(&vb) {
                    *acc = _mm256_add_epi32(*acc, _mm256_madd_epi16(va, *vbj));
                }
            }
        }
        // Reduce four accumulators at a time (MR·NR rounded up to 4, zeros in the spare slots).
        const SLOTS: usize = (MR * NR).next_multiple_of(4);
        let mut flat = [_mm256_setzero_si256(); SLOTS];
        for (slot, v) in flat.iter_mut().zip(c.iter().flatten()) {
            *slot = *v;
        }
        let mut sums = [0i32; SLOTS];
        for (q, s) in flat.chunks_exact(4).zip(sums.chunks_exact_mut(4)) {
            s.copy_from_slice(&hsum4(q[0], q[1], q[2], q[3]));
        }
        let mut out = [[0i32; NR]; MR];
        for (slot, s) in out.iter_mut().flatten().zip(sums) {
            *slot = s;
        }
        out
    }

    /// Wrapping sums of the 8 i32 lanes of each of four vectors, with three `vphaddd` and one
    /// 128-bit add instead of four separate reductions.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn hsum4(a: __m256i, b: __m256i, c: __m256i, d: __m256i) -> [i32; 4] {
        // Per 128-bit half: [a0+a1, a2+a3, b0+b1, b2+b3], then [Σa, Σb, Σc, Σd] of that half.
        let ab = _mm256_hadd_epi32(a, b);
        let cd = _mm256_hadd_epi32(c, d);
        let abcd = _mm256_hadd_epi32(ab, cd);
        let s = _mm_add_epi32(_mm256_castsi256_si128(abcd), _mm256_extracti128_si256::<1>(abcd));
        let mut out = [0i32; 4];
        // SAFETY: `out` is 16 writable bytes; storeu has no alignment requirement.
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast::<__m128i>(), s) };
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Packs `rows` (each `steps·16` long) into a panel.
    fn pack(rows: &[&[i16]], steps: usize) -> Vec<i16> {
        let mut out = Vec::new();
        for step in 0..steps {
            for row in rows {
                out.extend_from_slice(&row[step * K_STEP..(step + 1) * K_STEP]);
            }
        }
        out
    }

    #[test]
    fn kernels_agree_with_plain_dot_products_on_extremes_and_random_values() {
        let steps = 4;
        let len = steps * K_STEP;
        let mut rows: Vec<Vec<i16>> = vec![vec![-128; len], vec![127; len]];
        let mut x = 1u64;
        while rows.len() < MR + NR {
            rows.push(
                (0..len)
                    .map(|_| {
                        x = crate::challenge::prng::splitmix_mix(x);
                        i16::from(x as u8 as i8)
                    })
                    .collect(),
            );
        }
        // A: the −128 row, the 127 row, random rows; B: the −128 row, then random rows.
        let a_rows: Vec<&[i16]> = rows[..MR].iter().map(Vec::as_slice).collect();
        let b_rows: Vec<&[i16]> =
            std::iter::once(&rows[0]).chain(&rows[MR..]).take(NR).map(Vec::as_slice).collect();
        let dot = |x: &[i16], y: &[i16]| -> i32 {
            x.iter().zip(y).map(|(&p, &q)| i32::from(p) * i32::from(q)).sum()
        };
        let want: Vec<Vec<i32>> =
            a_rows.iter().map(|a| b_rows.iter().map(|b| dot(a, b)).collect()).collect();
        assert_eq!(want[0][0], 64 * 128 * 128);
        assert_eq!(want[1][0], -64 * 127 * 128);
        let (a, b) = (pack(&a_rows, steps), pack(&b_rows, steps));
        for kernel in [Kernel::detect(), Kernel::Portable] {
            let got = kernel.micro(&a, &b, steps);
            assert_eq!(got.iter().map(|r| r.to_vec()).collect::<Vec<_>>(), want, "{kernel:?}");
        }
    }
}
