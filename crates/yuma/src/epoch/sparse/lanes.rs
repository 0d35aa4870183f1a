//! The fused path's per-column arithmetic on `f64` lanes (four per AVX2 register, eight per
//! AVX-512 one).
//!
//! For one column, by slot (four slots per AVX2 register, eight per AVX-512 one): the row
//! normalisation of the weights (with the median's keys). For four columns at once (one per
//! lane), by slot (one slot per AVX2 register, two per AVX-512 one): clipped weights, trust, ΔB
//! numerators, old bond terms, EMA entries with their sums and maxima, and the last pass's
//! normalised and stored values — a column's sums are then lanes, not horizontal reductions, its
//! divisors are built four at a time, and each slot's new bond entries come out in column order.
//! After the last column, the dividends; and the transposition of dense stretches of a column
//! block, which also checks their columns. Every quantity is a non-negative raw I32F32 value far
//! below 2^52, so it is an exact `f64`; every product and quotient is the exact floor of
//! [`crate::fixed::float`]; every sum (at most 2^16 terms of at most 2^33) is exact too, in any
//! order. The results are therefore the integer kernels' bits, which the tests check by running
//! all of them.
//!
//! The kernels are AVX2 + FMA intrinsics (the compiler does not vectorise the floors and fused
//! multiply-adds of the scalar forms on its own), used only when the CPU has both: a [`Lanes`]
//! exists only then ([`Lanes::new`]); otherwise the fused path keeps its integer kernels. Where
//! the CPU also has AVX-512F, the same operations run on 512-bit registers ([`avx512`]).

use crate::fixed::float::{FloatDivisor, from_u52, scaled, to_u52};
use crate::input::SparseRow;

/// Proof that the lanes kernels can run here: a unit on x86-64 (made only after the CPU check),
/// uninhabited elsewhere, so that on other architectures no [`Lanes`] exists and its methods
/// are statically unreachable.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct Arch;
#[cfg(not(target_arch = "x86_64"))]
#[derive(Clone, Copy)]
enum Arch {}

/// Lanes per chunk (one AVX2 register of `f64`).
pub(super) const WIDTH: usize = 4;

/// Columns per [`Lanes::quad`]: one per lane.
pub(super) const QUAD: usize = WIDTH;

/// Columns per run of [`Lanes::transpose_runs`]: copied at once when every slot of a group
/// has all of them.
pub(super) const RUN: usize = 8;

/// A slot without a bond entry in the pairs [`Lanes::quad`] writes: column 65 535, which no row
/// of a subnet (n ≤ 65 535 uids, columns below n) can have.
const ABSENT: u32 = u32::MAX;

/// A pair's `(column, stored)`.
#[inline(always)]
fn split(p: u32) -> (u16, u16) {
    #[allow(clippy::cast_possible_truncation)]
    (p as u16, (p >> 16) as u16)
}

/// Four consecutive columns' inputs (lane `j`: column `4 · group + j`), the weights being those
/// [`Lanes::normalise`] or [`Lanes::clear`] left in the lanes.
pub(super) struct QuadIn<'a> {
    /// The group: columns `4 · group ..`.
    pub(super) group: usize,
    /// Stored bonds (u16) by slot, 0 where absent, per column (at least [`Lanes::len`] each).
    pub(super) old: [&'a [u16]; QUAD],
    /// Consensus (raw) per column.
    pub(super) consensus: [u64; QUAD],
    /// Division by the column's stored-bond sum; `None`: the column is masked (no old terms).
    pub(super) bond: [Option<FloatDivisor>; QUAD],
}

/// Per-slot scratch of the column kernels, kept across columns.
///
/// The column kernels take four columns at once, one per lane, so that a column's sums (rank,
/// ΔB, the EMA's sum and maximum) are lanes of a vector, its divisors are built four at a time,
/// and the new bond entries come out slot by slot, four columns each — the order they are
/// appended to the rows in. Per-slot buffers hold four lanes per slot (`4 · slot + lane`).
pub(super) struct Lanes {
    // Matched on only where it is uninhabited (see `Arch`).
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    arch: Arch,
    /// Each slot's stake, [`scaled`] (the first operand of every product it takes part in).
    stake: Vec<f64>,
    /// Each slot's row sum (the divisor of its weights; 1 for a zero row) as
    /// [`FloatDivisor::parts`]: scaled, and the biased reciprocal.
    row_sum: Vec<f64>,
    row_inv: Vec<f64>,
    /// The quad's normalised weights (raw I32F32 in [0, 2^32]) by column: lane `j`'s at
    /// `j · len`.
    weights: Vec<f64>,
    /// Per slot and lane: Σ of the clipped weights (the slot's trust is the sum of its lanes).
    trust: Vec<f64>,
    fresh: Vec<f64>,
    olds: Vec<f64>,
    ema: Vec<f64>,
    /// Column-normalised EMA entries of every quad, `4 · len` per group (group `g` at
    /// `g · 4 · len`, slot-major), for the dividends once the incentive is known. Reused across
    /// epochs on a thread.
    table: Vec<f64>,
    /// Groups whose part of `table` was written this epoch (the rest is stale).
    filled: Vec<bool>,
    /// `α` and `1 − α`, [`scaled`].
    alpha: f64,
    one_minus_alpha: f64,
    clip: bool,
    /// Run the AVX-512 kernels ([`avx512`]: two slots per register; the same layout and bits).
    wide: bool,
}

impl Lanes {
    /// Scratch for the slots with stake `stake` (raw, each below 2^32) and weight row sums
    /// `row_sums` (Σ of kept u16 weights, below 2^31), for `columns` columns; `None` when the
    /// CPU lacks AVX2 or FMA (or the architecture is not x86-64).
    pub(super) fn new(
        stake: &[u64],
        row_sums: &[u64],
        alpha: u64,
        clip: bool,
        columns: usize,
    ) -> Option<Self> {
        let arch = arch()?;
        // A multiple of two registers' slots, so that the AVX-512 kernels (two slots of four
        // lanes per register, or eight slots of one column) need no tail.
        let len = stake.len().next_multiple_of(2 * WIDTH);
        let groups = columns.div_ceil(QUAD);
        let mut table = TABLE
            .try_with(|t| t.try_borrow_mut().map(|mut t| core::mem::take(&mut *t)).ok())
            .ok()
            .flatten()
            .unwrap_or_default();
        // Stale contents are never read (see `filled`), so the buffer is only grown.
        let cells = len.saturating_mul(QUAD).saturating_mul(groups);
        if table.len() < cells {
            table.resize(cells, 0.0);
        }
        let mut lanes = vec![0.0; len];
        for (l, s) in lanes.iter_mut().zip(stake) {
            *l = scaled(*s);
        }
        let zeros = vec![0.0; len.saturating_mul(QUAD)];
        // A zero row divides its zero weights by 1.
        let (row_sum, row_inv) = (0..len)
            .map(|k| {
                let s = row_sums.get(k).copied().unwrap_or(0).max(1);
                FloatDivisor::new(s).unwrap_or_else(FloatDivisor::one).parts()
            })
            .unzip();
        Some(Self {
            arch,
            stake: lanes,
            row_sum,
            row_inv,
            weights: zeros.clone(),
            trust: zeros.clone(),
            fresh: zeros.clone(),
            olds: zeros.clone(),
            ema: zeros,
            table,
            filled: vec![false; groups],
            alpha: scaled(alpha),
            one_minus_alpha: scaled((1_u64 << 32).saturating_sub(alpha)),
            clip,
            wide: wide_available(),
        })
    }

    /// Number of padded lanes: column slices must have at least this many entries.
    pub(super) fn len(&self) -> usize {
        self.stake.len()
    }

    /// Lane `lane`'s column from its kept u16 weights by slot (`raw`, masked entries 0): each
    /// divided by its row's sum, `floor(w · 2^32 / sum)` as the row normalisation computes it.
    /// Writes the median keys of the positive ones to the front of `keys` (at least
    /// [`Lanes::len`] long) and returns their number with the smallest and largest of them.
    pub(super) fn normalise(
        &mut self,
        lane: usize,
        raw: &[u16],
        keys: &mut [u64],
    ) -> (usize, (u64, u64)) {
        let len = self.len();
        let start = lane.min(QUAD - 1).saturating_mul(len);
        let Some(out) = self.weights.get_mut(start..start.saturating_add(len)) else {
            return (0, (u64::MAX, 0));
        };
        let (row_sum, row_inv) = (&self.row_sum[..], &self.row_inv[..]);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `quad`.
        unsafe {
            if self.wide {
                avx512::normalise((row_sum, row_inv), raw, out, keys)
            } else {
                normalise_avx2((row_sum, row_inv), raw, out, keys)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        match self.arch {}
    }

    /// Lane `lane`'s column without weights (an empty column, or past the last one).
    pub(super) fn clear(&mut self, lane: usize) {
        let len = self.len();
        let start = lane.min(QUAD - 1).saturating_mul(len);
        if let Some(out) = self.weights.get_mut(start..start.saturating_add(len)) {
            out.fill(0.0);
        }
    }

    /// Transposes four runs of `(column, value)` pairs (one run per slot, equally long, a
    /// multiple of [`RUN`]) into `out[j · stride + t]` = value `j` of run `t`, and says whether
    /// every run's columns were `first, first + 1, …` as the caller expects (rows it has not
    /// checked for order could break that between a run's ends).
    pub(super) fn transpose_runs(
        &self,
        runs: [&[(u16, u16)]; 4],
        first: usize,
        out: &mut [u16],
        stride: usize,
    ) -> bool {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `quad`.
        unsafe {
            transpose_runs_avx2(runs, first, out, stride)
        }
        #[cfg(not(target_arch = "x86_64"))]
        match self.arch {}
    }

    /// Σ of a column's stored bonds (u16 by slot, at least [`Lanes::len`] of them; exact).
    pub(super) fn bond_sum(&self, old: &[u16]) -> u64 {
        // A sub-slice rather than `take`: the sum then vectorises (u16 terms, at most 2^16 of
        // them, so u32 partial sums cannot wrap before widening).
        let old = old.get(..self.len()).unwrap_or(old);
        u64::from(old.iter().fold(0_u32, |a, b| a.wrapping_add(u32::from(*b))))
    }

    /// Steps 2–4 for four columns: trust, ΔB, old terms, the EMA entries with their sums and
    /// maxima, then the last pass — `E = v / Σv` (kept for [`Lanes::dividends`]) and the stored
    /// `u16(E / (max / Σv))` — appending each slot's entries (`(column, stored)`, columns in
    /// order) to its row in `rows` (by slot). Returns the four ranks.
    pub(super) fn quad(&mut self, x: &QuadIn<'_>, rows: &mut [SparseRow]) -> [u64; QUAD] {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Lanes` exists only when `available()` found AVX2 and FMA on this CPU, and
        // `wide` is set only where `wide_available()` found AVX-512F too.
        unsafe {
            if self.wide { avx512::quad(self, x, rows) } else { quad_avx2(self, x, rows) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        match self.arch {}
    }

    /// Step 5: each slot's Σ over the columns of `incentive_c · E` (raw, floored per term), for
    /// the first `slots` slots. `incentive` is raw I32F32 in [0, 2^32] per column.
    pub(super) fn dividends(&self, incentive: &[u64], slots: usize) -> Vec<u64> {
        let mut acc = vec![0.0_f64; self.len().saturating_mul(QUAD)];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `quad`.
        unsafe {
            if self.wide {
                avx512::dividends(self, incentive, &mut acc);
            } else {
                dividends_avx2(self, incentive, &mut acc);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        match self.arch {}
        lane_sums(&acc).take(slots).collect()
    }

    /// The quad's per-column constants, lane j for column j: consensus, the stored-bond
    /// divisor's two parts and the old terms' factor `1 − α` (0 and a division by one for a
    /// masked column).
    fn columns(&self, x: &QuadIn<'_>) -> [[f64; QUAD]; 4] {
        let parts = x.bond.map(|b| match b {
            Some(d) => (d.parts(), self.one_minus_alpha),
            None => (FloatDivisor::one().parts(), 0.0),
        });
        [x.consensus.map(from_u52), parts.map(|p| p.0.0), parts.map(|p| p.0.1), parts.map(|p| p.1)]
    }

    /// Asserts that every buffer a quad kernel touches covers the quad; returns the number of
    /// slots, the cells of one group (four per slot) and where the group starts in the table.
    fn check(&self, x: &QuadIn<'_>) -> (usize, usize, usize) {
        let len = self.len();
        let cells = len.saturating_mul(QUAD);
        let start = x.group.saturating_mul(cells);
        assert!(
            x.old.iter().all(|o| o.len() >= len)
                && [&self.weights, &self.trust, &self.fresh, &self.olds, &self.ema]
                    .iter()
                    .all(|v| v.len() >= cells)
                && self.table.len() >= start.saturating_add(cells)
                && len.is_multiple_of(2 * WIDTH),
            "every buffer covers the quad"
        );
        (len, cells, start)
    }

    /// Hands the table back for the next epoch on this thread.
    pub(super) fn recycle(self) {
        let table = self.table;
        let _ = TABLE.try_with(|t| {
            if let Ok(mut t) = t.try_borrow_mut() {
                *t = table;
            }
        });
    }

    /// Each slot's trust (Σ of its clipped weights over the columns so far).
    pub(super) fn trust(&self) -> impl Iterator<Item = u64> + '_ {
        lane_sums(&self.trust)
    }
}

/// Per slot, the sum of its four lanes: exact (integers whose sum is below 2^53).
fn lane_sums(v: &[f64]) -> impl Iterator<Item = u64> + '_ {
    v.chunks_exact(QUAD).map(|l| to_u52(l.iter().sum()))
}

thread_local! {
    /// [`Lanes::table`], kept between epochs (fresh pages would cost a fault each).
    static TABLE: core::cell::RefCell<Vec<f64>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// [`Arch`] where the kernels can run.
fn arch() -> Option<Arch> {
    #[cfg(target_arch = "x86_64")]
    {
        available().then_some(Arch)
    }
    #[cfg(not(target_arch = "x86_64"))]
    None
}

/// Whether the lanes kernels can run: AVX2 and FMA (detected once per process; cheap), and the
/// floating-point environment every exactness argument assumes — round to nearest, subnormal
/// numbers kept (a host that set flush-to-zero or denormals-are-zero, as some fast-math builds
/// do, gets the integer kernels instead of wrong floors).
pub(super) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("fma")
            && default_float_environment()
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Whether the AVX-512 kernels can run (on top of [`available`]): AVX-512F. Tests can turn
/// them off on a thread to compare them with the AVX2 ones.
fn wide_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f") && !avx2_forced()
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

#[cfg(not(test))]
const fn avx2_forced() -> bool {
    false
}

#[cfg(test)]
thread_local! {
    /// Tests set this to run the AVX2 kernels where the AVX-512 ones would run.
    pub(super) static AVX2_ONLY: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

#[cfg(test)]
fn avx2_forced() -> bool {
    AVX2_ONLY.with(core::cell::Cell::get)
}

/// MXCSR has round-to-nearest and neither flush-to-zero nor denormals-are-zero.
#[cfg(target_arch = "x86_64")]
fn default_float_environment() -> bool {
    /// Rounding control (bits 13–14), flush-to-zero (15), denormals-are-zero (6).
    const NON_DEFAULT: u32 = 0x6000 | 0x8000 | 0x0040;
    mxcsr() & NON_DEFAULT == 0
}

/// This thread's SSE control and status register.
#[cfg(target_arch = "x86_64")]
fn mxcsr() -> u32 {
    let mut csr = 0_u32;
    // SAFETY: `stmxcsr` stores the 32-bit control register to the given address (SSE, always
    // present on x86-64) and changes nothing else.
    unsafe {
        core::arch::asm!("stmxcsr [{}]", in(reg) &raw mut csr, options(nostack, preserves_flags));
    }
    csr
}

#[cfg(target_arch = "x86_64")]
use avx2::{dividends_avx2, normalise_avx2, quad_avx2, transpose_runs_avx2};

#[cfg(target_arch = "x86_64")]
mod avx512;

/// The kernels in AVX2 + FMA intrinsics, four lanes per register (the compiler does not
/// vectorise the portable versions on its own: their floors and fused multiply-adds stay scalar).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use core::arch::x86_64::{
        __m128i, __m256d, __m256i, _CMP_EQ_OQ, _CMP_GE_OQ, _CMP_LT_OQ, _mm_add_epi16,
        _mm_and_si128, _mm_loadl_epi64, _mm_loadu_si128, _mm_or_si128, _mm_packus_epi32,
        _mm_set1_epi16, _mm_set1_epi32, _mm_setr_epi16, _mm_setzero_si128, _mm_srli_epi32,
        _mm_storel_epi64, _mm_storeu_si128, _mm_test_all_zeros, _mm_unpackhi_epi16,
        _mm_unpackhi_epi32, _mm_unpackhi_epi64, _mm_unpacklo_epi16, _mm_unpacklo_epi32,
        _mm_xor_si128, _mm256_add_epi64, _mm256_add_pd, _mm256_and_pd, _mm256_blendv_pd,
        _mm256_broadcast_sd, _mm256_castpd_si256, _mm256_castsi256_pd, _mm256_cmp_pd,
        _mm256_cvtepu16_epi64, _mm256_cvttpd_epi32, _mm256_div_pd, _mm256_floor_pd,
        _mm256_fmadd_pd, _mm256_fmsub_pd, _mm256_fnmadd_pd, _mm256_loadu_pd, _mm256_loadu2_m128d,
        _mm256_max_pd, _mm256_min_pd, _mm256_movemask_pd, _mm256_mul_pd, _mm256_or_pd,
        _mm256_or_si256, _mm256_set_epi64x, _mm256_set_pd, _mm256_set1_epi64x, _mm256_set1_pd,
        _mm256_setzero_pd, _mm256_slli_epi64, _mm256_storeu_pd, _mm256_storeu_si256, _mm256_sub_pd,
        _mm256_unpackhi_pd, _mm256_unpacklo_pd, _mm256_xor_si256,
    };

    use super::{Lanes, QUAD, QuadIn, RUN, WIDTH};
    use crate::fixed::float::{INV_TWO_32, RECIPROCAL_BIAS, TWO_32, scaled, to_u52};
    use crate::input::SparseRow;

    /// 2^31: the offset of a u32 in a signed 32-bit conversion.
    const TWO_31: f64 = 2_147_483_648.0;

    /// 2^52 as bits and as a number: `from_u52` on four lanes.
    pub(super) const MAGIC: f64 = 4_503_599_627_370_496.0;

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn lanes_from_u52(x: __m256i) -> __m256d {
        #[allow(clippy::cast_possible_wrap)]
        let bits = _mm256_set1_epi64x(MAGIC.to_bits() as i64);
        _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(x, bits)), _mm256_set1_pd(MAGIC))
    }

    /// `mul_floor` on four lanes (`x` pre-scaled, see [`crate::fixed::float`]).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn mul_floor(x_scaled: __m256d, y: __m256d) -> __m256d {
        let p = _mm256_mul_pd(x_scaled, y);
        let e = _mm256_fmsub_pd(x_scaled, y, p);
        // All ones (−1 as an integer) where e < 0: the next double below p.
        let below = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_LT_OQ>(e, _mm256_setzero_pd()));
        _mm256_floor_pd(_mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(p), below)))
    }

    /// `div_floor` on four lanes by one divisor per lane ([`FloatDivisor::parts`]).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn div_floor4(a: __m256d, d_scaled: __m256d, inv: __m256d) -> __m256d {
        let m = _mm256_floor_pd(_mm256_mul_pd(a, inv));
        let r = _mm256_fnmadd_pd(m, d_scaled, a);
        let short = _mm256_cmp_pd::<_CMP_GE_OQ>(r, d_scaled);
        _mm256_add_pd(m, _mm256_and_pd(short, _mm256_set1_pd(1.0)))
    }

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn horizontal(v: __m256d) -> [f64; WIDTH] {
        let mut out = [0.0; WIDTH];
        // SAFETY: `out` has room for four f64.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
        out
    }

    // The pair layout the loads below rely on: column at byte 0, value at byte 2.
    const _: () = assert!(
        core::mem::offset_of!((u16, u16), 0) == 0
            && core::mem::offset_of!((u16, u16), 1) == 2
            && core::mem::size_of::<(u16, u16)>() == 4
    );

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn transpose_runs_avx2(
        runs: [&[(u16, u16)]; 4],
        first: usize,
        out: &mut [u16],
        stride: usize,
    ) -> bool {
        let len = runs[0].len();
        assert!(
            len.is_multiple_of(RUN)
                && runs.iter().all(|r| r.len() == len)
                && (len == 0
                    || out.len() >= stride.saturating_mul(len.wrapping_sub(1)).saturating_add(4)),
            "equal runs of whole eights; room for their columns of four slots"
        );
        let [a, b, c, d] = runs.map(<[(u16, u16)]>::as_ptr);
        let o = out.as_mut_ptr();
        // Columns as u16 lanes (they are below 2^16, so equality mod 2^16 is equality).
        #[allow(clippy::cast_possible_truncation)]
        let mut expected =
            _mm_add_epi16(_mm_set1_epi16(first as i16), _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7));
        let step = _mm_set1_epi16(RUN as i16);
        let mut wrong = _mm_setzero_si128();
        for k in (0..len).step_by(RUN) {
            // One run: its values (the high u16 of each 32-bit pair) packed to eight u16, and
            // any difference of its columns (the low u16) from the expected ones.
            let mut values = |run: *const (u16, u16)| {
                // SAFETY: k + 8 ≤ len pairs of 4 bytes: two unaligned 16-byte loads.
                unsafe {
                    let p: *const __m128i = run.add(k).cast();
                    let (lo, hi) = (_mm_loadu_si128(p), _mm_loadu_si128(p.add(1)));
                    let low = _mm_set1_epi32(0xFFFF);
                    let columns = _mm_packus_epi32(_mm_and_si128(lo, low), _mm_and_si128(hi, low));
                    wrong = _mm_or_si128(wrong, _mm_xor_si128(columns, expected));
                    _mm_packus_epi32(_mm_srli_epi32::<16>(lo), _mm_srli_epi32::<16>(hi))
                }
            };
            let [a, b, c, d] = [a, b, c, d].map(&mut values);
            expected = _mm_add_epi16(expected, step);
            let (ab_lo, ab_hi) = (_mm_unpacklo_epi16(a, b), _mm_unpackhi_epi16(a, b));
            let (cd_lo, cd_hi) = (_mm_unpacklo_epi16(c, d), _mm_unpackhi_epi16(c, d));
            let pairs = [
                _mm_unpacklo_epi32(ab_lo, cd_lo),
                _mm_unpackhi_epi32(ab_lo, cd_lo),
                _mm_unpacklo_epi32(ab_hi, cd_hi),
                _mm_unpackhi_epi32(ab_hi, cd_hi),
            ];
            for (j, pair) in pairs.iter().enumerate() {
                let at = k.wrapping_add(j.wrapping_mul(2)).wrapping_mul(stride);
                // SAFETY: columns k + 2j and k + 2j + 1 (below `len`) start at their index
                // times `stride`, and four u16 from there lie inside `out` (asserted).
                unsafe {
                    _mm_storel_epi64(o.add(at).cast(), *pair);
                    _mm_storel_epi64(
                        o.add(at.wrapping_add(stride)).cast(),
                        _mm_unpackhi_epi64(*pair, *pair),
                    );
                }
            }
        }
        _mm_test_all_zeros(wrong, wrong) == 1
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn normalise_avx2(
        (row_sum, row_inv): (&[f64], &[f64]),
        raw: &[u16],
        out: &mut [f64],
        keys: &mut [u64],
    ) -> (usize, (u64, u64)) {
        let len = out.len();
        assert!(
            len.is_multiple_of(WIDTH)
                && [raw.len(), keys.len(), row_sum.len(), row_inv.len()].iter().all(|l| *l >= len),
            "column slices cover every lane"
        );
        let (r, d, inv) = (raw.as_ptr(), row_sum.as_ptr(), row_inv.as_ptr());
        let (out, dst) = (out.as_mut_ptr(), keys.as_mut_ptr());
        #[allow(clippy::cast_possible_wrap)]
        let magic = _mm256_set1_epi64x(MAGIC.to_bits() as i64);
        let mut slot = _mm256_set_epi64x(3, 2, 1, 0);
        let step = _mm256_set1_epi64x(4);
        // Keys are below 2^49: read as `f64` bits they are non-negative subnormal numbers,
        // which compare (and so take their minimum and maximum, one operation each) exactly as
        // the integers do. A zero weight's key becomes a NaN (all ones), which the minimum skips:
        // `min(a, b)` returns `b` when `a` is a NaN.
        // (The minimum starts at +∞, above every key, not at a NaN, which it would keep.)
        let (mut lo, mut hi) = (_mm256_set1_pd(f64::INFINITY), _mm256_setzero_pd());
        let mut listed = 0_usize;
        for k in (0..len).step_by(WIDTH) {
            // SAFETY: k + 4 ≤ len ≤ the length of every buffer (asserted; the scratch vectors
            // are `len` long); `listed ≤ k`, so the four keys stored at `listed` fit too.
            unsafe {
                let v = lanes_from_u52(_mm256_cvtepu16_epi64(_mm_loadl_epi64(r.add(k).cast())));
                let w = div_floor4(v, _mm256_loadu_pd(d.add(k)), _mm256_loadu_pd(inv.add(k)));
                _mm256_storeu_pd(out.add(k), w);
                // The integer of `w` (below 2^33) from the bits of 2^52 + w.
                let sum = _mm256_add_pd(w, _mm256_set1_pd(MAGIC));
                let bits = _mm256_xor_si256(_mm256_castpd_si256(sum), magic);
                let key = _mm256_or_si256(_mm256_slli_epi64::<16>(bits), slot);
                slot = _mm256_add_epi64(slot, step);
                let zero = _mm256_cmp_pd::<_CMP_EQ_OQ>(w, _mm256_setzero_pd());
                let positive = _mm256_or_pd(_mm256_castsi256_pd(key), zero);
                lo = _mm256_min_pd(positive, lo);
                hi = _mm256_max_pd(_mm256_castsi256_pd(key), hi);
                // Four positive weights (the common case): the keys in place; else one by one.
                match _mm256_movemask_pd(zero) {
                    0 => {
                        _mm256_storeu_si256(dst.add(listed).cast(), key);
                        listed = listed.wrapping_add(WIDTH);
                    }
                    zeros => {
                        let mut four = [0_u64; WIDTH];
                        _mm256_storeu_si256(four.as_mut_ptr().cast(), key);
                        for (j, key) in four.iter().enumerate() {
                            if zeros >> j & 1 == 0 {
                                *dst.add(listed) = *key;
                                listed = listed.wrapping_add(1);
                            }
                        }
                    }
                }
            }
        }
        // The four lanes' extremes (+∞ where no weight was positive: no key, u64::MAX).
        let lo = horizontal(lo).map(f64::to_bits).into_iter().min().unwrap_or(u64::MAX);
        let lo = if lo == f64::INFINITY.to_bits() { u64::MAX } else { lo };
        let hi = horizontal(hi).map(f64::to_bits).into_iter().max().unwrap_or(0);
        (listed, (lo, hi))
    }

    /// Four divisors, one per lane, as [`FloatDivisor::new`] makes them (the same operations,
    /// so the same bits); a zero lane (a column whose terms are all 0) divides by one.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn divisors4(d: __m256d) -> (__m256d, __m256d) {
        let zero = _mm256_cmp_pd::<_CMP_EQ_OQ>(d, _mm256_setzero_pd());
        let d = _mm256_blendv_pd(d, _mm256_set1_pd(TWO_32), zero);
        let inv = _mm256_mul_pd(
            _mm256_div_pd(_mm256_set1_pd(TWO_32), d),
            _mm256_set1_pd(RECIPROCAL_BIAS),
        );
        (_mm256_mul_pd(d, _mm256_set1_pd(INV_TWO_32)), inv)
    }

    /// Four lanes from an array (lane j = `v[j]`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn lanes(v: [f64; WIDTH]) -> __m256d {
        // SAFETY: `v` holds four f64.
        unsafe { _mm256_loadu_pd(v.as_ptr()) }
    }

    /// Slots `k..k + 4` of a quad, from the layouts by column to the layout by slot: each
    /// slot's four weights (one per column), and the stored bonds as u16, four columns of slots
    /// k and k + 1 in the first vector, of k + 2 and k + 3 in the second.
    ///
    /// # Safety
    /// `k + 4 ≤ l.len()`, and [`Lanes::check`] passed for `x`: lane j's weights are `len` long
    /// from `j · len`, and each column of bonds has at least `len` entries.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn slots4(
        l: &Lanes,
        x: &QuadIn<'_>,
        k: usize,
    ) -> ([__m256d; 4], [__m128i; 2]) {
        let (w, len) = (l.weights.as_ptr(), l.len());
        // SAFETY: the caller's bounds.
        unsafe {
            // By column → by slot: [c0, c0', c2, c2'] and [c1, c1', c3, c3'] (' = the next
            // slot) interleave to a slot's four columns.
            let half = |slot: usize| {
                let at = |j: usize| w.add(j.wrapping_mul(len).wrapping_add(slot));
                let even = _mm256_loadu2_m128d(at(2), at(0));
                let odd = _mm256_loadu2_m128d(at(3), at(1));
                (_mm256_unpacklo_pd(even, odd), _mm256_unpackhi_pd(even, odd))
            };
            let (w0, w1) = half(k);
            let (w2, w3) = half(k.wrapping_add(2));
            // Bonds the same way on u16: four per column, then each slot's four.
            let [b0, b1, b2, b3] =
                x.old.map(|o| _mm_loadl_epi64(o.as_ptr().add(k).cast::<__m128i>()));
            let (ab, cd) = (_mm_unpacklo_epi16(b0, b1), _mm_unpacklo_epi16(b2, b3));
            ([w0, w1, w2, w3], [_mm_unpacklo_epi32(ab, cd), _mm_unpackhi_epi32(ab, cd)])
        }
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn quad_avx2(l: &mut Lanes, x: &QuadIn<'_>, rows: &mut [SparseRow]) -> [u64; QUAD] {
        let (len, cells, start) = l.check(x);
        let [t, bd, binv, oma] = l.columns(x).map(|c| lanes(c));
        let (mut rank, mut delta) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let (stake, trust) = (l.stake.as_ptr(), l.trust.as_mut_ptr());
        let (fresh, olds) = (l.fresh.as_mut_ptr(), l.olds.as_mut_ptr());
        for k in (0..len).step_by(WIDTH) {
            // SAFETY: k + 4 ≤ len; the per-slot buffers have 4 · len (asserted by `check`).
            unsafe {
                let (weights, [lo, hi]) = slots4(l, x, k);
                let bonds = [lo, _mm_unpackhi_epi64(lo, lo), hi, _mm_unpackhi_epi64(hi, hi)];
                for (i, (wv, bv)) in weights.into_iter().zip(bonds).enumerate() {
                    let slot = k.wrapping_add(i);
                    let at = slot.wrapping_mul(QUAD);
                    let bv = lanes_from_u52(_mm256_cvtepu16_epi64(bv));
                    let s = _mm256_broadcast_sd(&*stake.add(slot));
                    let v = _mm256_min_pd(wv, t);
                    let tr = _mm256_add_pd(_mm256_loadu_pd(trust.add(at)), v);
                    _mm256_storeu_pd(trust.add(at), tr);
                    let clipped = mul_floor(s, v);
                    rank = _mm256_add_pd(rank, clipped);
                    let p = if l.clip { clipped } else { mul_floor(s, wv) };
                    delta = _mm256_add_pd(delta, p);
                    _mm256_storeu_pd(fresh.add(at), p);
                    _mm256_storeu_pd(olds.add(at), mul_floor(oma, div_floor4(bv, bd, binv)));
                }
            }
        }
        let (dd, dinv) = divisors4(delta);
        let alpha = _mm256_set1_pd(l.alpha);
        let (mut sum, mut max) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let ema = l.ema.as_mut_ptr();
        for at in (0..cells).step_by(QUAD) {
            // SAFETY: at + 4 ≤ 4 · len ≤ the length of each buffer.
            unsafe {
                let f = _mm256_loadu_pd(fresh.add(at));
                let o = _mm256_loadu_pd(olds.add(at));
                let e = _mm256_add_pd(mul_floor(alpha, div_floor4(f, dd, dinv)), o);
                _mm256_storeu_pd(ema.add(at), e);
                sum = _mm256_add_pd(sum, e);
                max = _mm256_max_pd(max, e);
            }
        }
        // The last pass: `E = v / Σv`, then `E / (max / Σv)` to u16.
        let (sd, sinv) = divisors4(sum);
        let (md, minv) = divisors4(div_floor4(max, sd, sinv));
        let scale = _mm256_set1_pd(65_535.0 / TWO_32);
        // The pair `column | stored << 16` as a signed 32-bit value (offset by 2^31, exact:
        // stored is an integer below 2^16), converted exactly and flipped back to the unsigned
        // bits; absent entries become ABSENT the same way.
        let (offset, absent) = pair_offsets(x.group);
        let flip = _mm_set1_epi32(i32::MIN);
        let norm = l.table.get_mut(start..).unwrap_or(&mut []).as_mut_ptr();
        for (slot, row) in rows.iter_mut().enumerate().take(len) {
            let at = slot.wrapping_mul(QUAD);
            // SAFETY: at + 4 ≤ 4 · len: inside `ema` and the group's part of `table`.
            let (pair, none) = unsafe {
                let e = _mm256_loadu_pd(ema.add(at));
                let n = div_floor4(e, sd, sinv);
                _mm256_storeu_pd(norm.add(at), n);
                let up = div_floor4(n, md, minv);
                let stored = _mm256_floor_pd(_mm256_mul_pd(up, scale));
                let pair = _mm256_fmadd_pd(stored, _mm256_set1_pd(65_536.0), offset);
                let none = _mm256_cmp_pd::<_CMP_EQ_OQ>(e, _mm256_setzero_pd());
                let pair = _mm256_cvttpd_epi32(_mm256_blendv_pd(pair, absent, none));
                (_mm_xor_si128(pair, flip), _mm256_movemask_pd(none))
            };
            append(row, pair, none);
        }
        // Slots past the rows (padding: no weights, no bonds) keep 0 in the table.
        for slot in rows.len()..len {
            let at = slot.wrapping_mul(QUAD);
            // SAFETY: as above.
            unsafe { _mm256_storeu_pd(norm.add(at), _mm256_setzero_pd()) };
        }
        if let Some(f) = l.filled.get_mut(x.group) {
            *f = true;
        }
        horizontal(rank).map(to_u52)
    }

    /// The pairs' offsets per lane (the group's columns less 2^31) and the offset value of an
    /// absent entry, for the conversion in the quad kernels' last pass.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn pair_offsets(group: usize) -> (__m256d, __m256d) {
        let first = group.wrapping_mul(QUAD) as f64 - TWO_31;
        let offset = _mm256_add_pd(_mm256_set1_pd(first), _mm256_set_pd(3.0, 2.0, 1.0, 0.0));
        (offset, _mm256_set1_pd(f64::from(super::ABSENT) - TWO_31))
    }

    /// Appends a slot's four pairs (`column | stored << 16` per u32 lane, [`super::ABSENT`]
    /// where `none` has the lane's bit) to its bond row.
    #[inline(always)]
    pub(super) fn append(row: &mut SparseRow, pair: __m128i, none: i32) {
        match none & 0b1111 {
            0 => {
                row.reserve(QUAD);
                // SAFETY: room for four more pairs was just reserved; a `(u16, u16)` is the u32
                // `column | value << 16` (layout asserted above). SSE2 is part of x86-64.
                unsafe {
                    _mm_storeu_si128(row.as_mut_ptr().add(row.len()).cast(), pair);
                    row.set_len(row.len().wrapping_add(QUAD));
                }
            }
            0b1111 => {}
            _ => {
                let mut four = [0_u32; QUAD];
                // SAFETY: `four` has room for four u32.
                unsafe { _mm_storeu_si128(four.as_mut_ptr().cast(), pair) };
                for p in four.into_iter().filter(|p| *p != super::ABSENT) {
                    row.push(super::split(p));
                }
            }
        }
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn dividends_avx2(l: &Lanes, incentive: &[u64], acc: &mut [f64]) {
        let cells = l.len().saturating_mul(QUAD);
        assert!(acc.len() >= cells, "accumulators cover every lane");
        let out = acc.as_mut_ptr();
        for (g, (quad, filled)) in l.table.chunks_exact(cells).zip(&l.filled).enumerate() {
            if !*filled {
                continue;
            }
            let first = g.wrapping_mul(QUAD);
            let inc = lanes(core::array::from_fn(|j| {
                scaled(incentive.get(first.wrapping_add(j)).copied().unwrap_or(0))
            }));
            let quad = quad.as_ptr();
            for at in (0..cells).step_by(QUAD) {
                // SAFETY: at + 4 ≤ cells = the length of `quad` and at most that of `acc`.
                unsafe {
                    let e = _mm256_loadu_pd(quad.add(at));
                    let d = _mm256_add_pd(_mm256_loadu_pd(out.add(at)), mul_floor(inc, e));
                    _mm256_storeu_pd(out.add(at), d);
                }
            }
        }
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use core::arch::x86_64::{
        __m256d, __m512d, _mm256_loadu_pd, _mm512_loadu_pd, _mm512_storeu_pd,
    };

    use super::{available, avx2, avx512, mxcsr};
    use crate::fixed::float::{FloatDivisor, cases, from_u52, scaled, to_u52};

    type Narrow = fn(__m256d, __m256d, __m256d) -> __m256d;
    type Wide = fn(__m512d, __m512d, __m512d) -> __m512d;

    /// At most eight operand pairs, as lanes (`lanes`: three operands per pair), through
    /// `narrow` on two AVX2 registers and `wide` on one AVX-512 register; both results (as
    /// integers) must equal `want`. The caller has checked the CPU features of what it passes.
    fn check8(
        pairs: &[(u64, u64)],
        lanes: impl Fn(u64, u64) -> [f64; 3],
        want: impl Fn(u64, u64) -> u128,
        narrow: Narrow,
        wide: Option<Wide>,
    ) {
        let mut ops = [[0.0_f64; 8]; 3];
        for (k, (a, b)) in pairs.iter().enumerate() {
            for (op, v) in ops.iter_mut().zip(lanes(*a, *b)) {
                op[k] = v;
            }
        }
        let [a, b, c] = ops.each_ref().map(|o| o.as_ptr());
        // SAFETY: each operand array holds eight f64 (four from offset 4); the features are
        // the caller's check.
        let got: Vec<f64> = [0, 4]
            .into_iter()
            .flat_map(|at| unsafe {
                let v = |p: *const f64| _mm256_loadu_pd(p.add(at));
                avx2::horizontal(narrow(v(a), v(b), v(c)))
            })
            .collect();
        let wide = wide.map(|op| {
            let mut out = [0.0; 8];
            // SAFETY: as above.
            unsafe {
                let v = |p: *const f64| _mm512_loadu_pd(p);
                _mm512_storeu_pd(out.as_mut_ptr(), op(v(a), v(b), v(c)));
            }
            out
        });
        for (k, (a, b)) in pairs.iter().enumerate() {
            let want = want(*a, *b);
            assert_eq!(u128::from(to_u52(got[k])), want, "AVX2: {a}, {b}");
            if let Some(w) = &wide {
                assert_eq!(u128::from(to_u52(w[k])), want, "AVX-512: {a}, {b}");
            }
        }
    }

    /// Feeds `cases` to `check` eight at a time.
    fn in_eights(cases: impl FnOnce(&mut dyn FnMut(u64, u64)), check: impl Fn(&[(u64, u64)])) {
        let mut batch = Vec::with_capacity(8);
        cases(&mut |a, b| {
            batch.push((a, b));
            if batch.len() == 8 {
                check(&batch);
                batch.clear();
            }
        });
        check(&batch);
    }

    /// The kernels' vector floors equal the integer operations on the operands the scalar forms
    /// are tested on (`fixed::float`), on AVX2 and, where the CPU has it, AVX-512.
    #[test]
    fn vector_floors_are_exact() {
        if !available() {
            return;
        }
        let has_wide = std::is_x86_feature_detected!("avx512f");
        // SAFETY (the four kernels): AVX2 + FMA checked by `available`, AVX-512F by `has_wide`.
        let mul: (Narrow, Wide) = (
            |x, y, _| unsafe { avx2::mul_floor(x, y) },
            |x, y, _| unsafe { avx512::mul_floor(x, y) },
        );
        let div: (Narrow, Wide) = (
            |a, d, inv| unsafe { avx2::div_floor4(a, d, inv) },
            |a, d, inv| unsafe { avx512::div_floor(a, d, inv) },
        );
        in_eights(
            |f| cases::products(400_000, 100_000, f),
            |pairs| {
                check8(
                    pairs,
                    |x, y| [scaled(x), from_u52(y), 0.0],
                    |x, y| (u128::from(x) * u128::from(y)) >> 32,
                    mul.0,
                    has_wide.then_some(mul.1),
                );
            },
        );
        in_eights(
            |f| cases::quotients(400_000, 100_000, f),
            |pairs| {
                check8(
                    pairs,
                    |a, d| {
                        let (d, inv) = FloatDivisor::new(d).unwrap().parts();
                        [from_u52(a), d, inv]
                    },
                    |a, d| (u128::from(a) << 32) / u128::from(d),
                    div.0,
                    has_wide.then_some(div.1),
                );
            },
        );
    }

    fn set_mxcsr(csr: u32) {
        // SAFETY: loads the control register of this (test) thread only.
        unsafe { core::arch::asm!("ldmxcsr [{}]", in(reg) &raw const csr, options(nostack)) };
    }

    /// Flush-to-zero, denormals-are-zero or another rounding mode turn the lanes off.
    #[test]
    fn lanes_need_the_default_float_environment() {
        if !(std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")) {
            return;
        }
        let default = mxcsr();
        assert!(available());
        for bits in [0x0040, 0x8000, 0x2000, 0x4000, 0x6000] {
            set_mxcsr(default | bits);
            let on = available();
            set_mxcsr(default);
            assert!(!on, "MXCSR {:#x}", default | bits);
        }
        assert!(available());
    }
}
