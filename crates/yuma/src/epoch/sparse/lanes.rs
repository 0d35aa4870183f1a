//! The fused path's per-column arithmetic on `f64` lanes (four at a time with AVX2 + FMA).
//!
//! Steps 2–4 of [`super::fused`] for one column, by slot: clipped weights, trust, ΔB numerators,
//! old bond terms, EMA entries with their sum and maximum, and the last pass's normalised and
//! stored values. Every quantity is a non-negative raw I32F32 value far below 2^52, so it is an
//! exact `f64`; every product and quotient is the exact floor of [`crate::fixed::float`]; every
//! sum (at most 2^16 terms of at most 2^33) is exact too. The results are therefore the integer
//! path's bits, which the tests check on random networks by running both.
//!
//! The kernels are plain Rust written so that the compiler vectorises them (fixed-width chunks,
//! selects instead of branches, per-lane partial sums); they are compiled once for AVX2 + FMA
//! and used only when the CPU has both ([`Lanes::new`]). Without them the fused path keeps its
//! integer kernels: `mul_add` without hardware FMA is a slow library call.

use crate::fixed::float::{FloatDivisor, TWO_32, from_u52, to_u52};
#[cfg(not(target_arch = "x86_64"))]
use crate::fixed::float::{div_floor, mul_floor};

/// Lanes per chunk (one AVX2 register of `f64`).
pub(super) const WIDTH: usize = 4;

/// One column's inputs by slot (slices padded with zeros to a multiple of [`WIDTH`]).
pub(super) struct ColumnIn<'a> {
    /// Weights, raw I32F32 in [0, 2^32].
    pub(super) weights: &'a [u64],
    /// Stored bonds (u16), 0 where absent.
    pub(super) old: &'a [u16],
    /// Consensus (raw).
    pub(super) consensus: u64,
    /// Division by the column's stored-bond sum; `None`: the column is masked (no old terms).
    pub(super) bond: Option<FloatDivisor>,
}

/// One column's sums.
pub(super) struct ColumnSums {
    /// Σ stake · min(w, consensus): the rank.
    pub(super) rank: u64,
    /// Σ EMA entries.
    pub(super) sum: u64,
    /// max EMA entry.
    pub(super) max: u64,
}

/// Per-slot scratch of the column kernels, kept across columns.
pub(super) struct Lanes {
    stake: Vec<f64>,
    trust: Vec<f64>,
    fresh: Vec<f64>,
    olds: Vec<f64>,
    ema: Vec<f64>,
    stored: Vec<f64>,
    /// Column-normalised EMA entries, [`Lanes::len`] per column (column `c` at `c · len`), for
    /// the dividends once the incentive is known. Reused across epochs on a thread.
    table: Vec<f64>,
    /// Columns whose part of `table` was written this epoch (the rest is stale).
    filled: Vec<bool>,
    alpha: f64,
    one_minus_alpha: f64,
    clip: bool,
}

impl Lanes {
    /// Scratch for the slots with stake `stake` (raw, each below 2^32), or `None` when the CPU
    /// lacks AVX2 or FMA (or the architecture is not x86-64).
    pub(super) fn new(stake: &[u64], alpha: u64, clip: bool, columns: usize) -> Option<Self> {
        if !available() {
            return None;
        }
        let len = stake.len().next_multiple_of(WIDTH);
        let mut table = TABLE
            .try_with(|t| t.try_borrow_mut().map(|mut t| core::mem::take(&mut *t)).ok())
            .ok()
            .flatten()
            .unwrap_or_default();
        // Stale contents are never read (see `filled`), so the buffer is only grown.
        let cells = len.saturating_mul(columns);
        if table.len() < cells {
            table.resize(cells, 0.0);
        }
        let mut lanes = vec![0.0; len];
        for (l, s) in lanes.iter_mut().zip(stake) {
            *l = from_u52(*s);
        }
        let zeros = vec![0.0; len];
        Some(Self {
            stake: lanes,
            trust: zeros.clone(),
            fresh: zeros.clone(),
            olds: zeros.clone(),
            ema: zeros.clone(),
            stored: zeros,
            table,
            filled: vec![false; columns],
            alpha: from_u52(alpha),
            one_minus_alpha: TWO_32 - from_u52(alpha),
            clip,
        })
    }

    /// Number of padded lanes: column slices must have at least this many entries.
    pub(super) fn len(&self) -> usize {
        self.stake.len()
    }

    /// Σ of a column's stored bonds (u16 by slot, at least [`Lanes::len`] of them; exact).
    pub(super) fn bond_sum(&self, old: &[u16]) -> u64 {
        old.iter().take(self.len()).map(|b| u64::from(*b)).sum()
    }

    /// Steps 2 and 3 for one column: trust, ΔB, old terms and the EMA entries (kept for
    /// [`Lanes::finish`]), returning the rank and the EMA's sum and maximum.
    pub(super) fn column(&mut self, x: &ColumnIn<'_>) -> ColumnSums {
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: `Lanes` exists only when `available()` found AVX2 and FMA on this CPU.
            unsafe { column_avx2(self, x) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        column_generic(self, x)
    }

    /// Step 4's arithmetic for column `c` with EMA sum `sum` and maximum `max` (both positive):
    /// `E = v / sum` (kept for [`Lanes::dividends`]) and the stored `u16(E / (max / sum))`, for
    /// every slot; then `emit(slot, stored)` for the slots with an EMA entry, in slot order.
    pub(super) fn finish(&mut self, c: usize, sum: u64, max: u64, emit: impl FnMut(usize, u16)) {
        let len = self.len();
        let start = c.saturating_mul(len);
        let Some(norm) = self.table.get_mut(start..start.saturating_add(len)) else { return };
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `column`.
        unsafe {
            finish_avx2(&self.ema, norm, &mut self.stored, sum, max);
        }
        #[cfg(not(target_arch = "x86_64"))]
        finish_generic(&self.ema, norm, &mut self.stored, sum, max);
        if let Some(f) = self.filled.get_mut(c) {
            *f = true;
        }
        let mut emit = emit;
        for (k, (e, stored)) in self.ema.iter().zip(&self.stored).enumerate() {
            if *e != 0.0 {
                // `stored` ≤ 65 535 and integral: exact.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                emit(k, *stored as u16);
            }
        }
    }

    /// Step 5: each slot's Σ over the columns of `incentive_c · E` (raw, floored per term), for
    /// the first `slots` slots. `incentive` is raw I32F32 in [0, 2^32] per column.
    pub(super) fn dividends(&self, incentive: &[u64], slots: usize) -> Vec<u64> {
        let mut acc = vec![0.0_f64; self.len()];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `column`.
        unsafe {
            dividends_avx2(self, incentive, &mut acc);
        }
        #[cfg(not(target_arch = "x86_64"))]
        dividends_generic(self, incentive, &mut acc);
        acc.iter().take(slots).map(|d| to_u52(*d)).collect()
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
        self.trust.iter().map(|t| to_u52(*t))
    }
}

thread_local! {
    /// [`Lanes::table`], kept between epochs (fresh pages would cost a fault each).
    static TABLE: core::cell::RefCell<Vec<f64>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// Whether the lanes kernels can run (AVX2 and FMA, detected once per call; cheap).
pub(super) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

#[cfg(target_arch = "x86_64")]
use avx2::{column_avx2, dividends_avx2, finish_avx2};

/// The kernels in AVX2 + FMA intrinsics, four lanes per register (the compiler does not
/// vectorise the portable versions on its own: their floors and fused multiply-adds stay scalar).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use core::arch::x86_64::{
        __m256d, __m256i, _CMP_EQ_OQ, _CMP_GE_OQ, _CMP_LT_OQ, _mm_loadl_epi64, _mm256_add_pd,
        _mm256_and_pd, _mm256_castsi256_pd, _mm256_cmp_pd, _mm256_cvtepu16_epi64, _mm256_floor_pd,
        _mm256_fmsub_pd, _mm256_fnmadd_pd, _mm256_loadu_pd, _mm256_loadu_si256, _mm256_max_pd,
        _mm256_min_pd, _mm256_mul_pd, _mm256_or_si256, _mm256_set1_epi64x, _mm256_set1_pd,
        _mm256_setzero_pd, _mm256_storeu_pd, _mm256_sub_pd,
    };

    use super::{ColumnIn, ColumnSums, Lanes, WIDTH};
    use crate::fixed::float::{FloatDivisor, TWO_32, div_floor, from_u52, to_u52};

    /// 2^52 as bits and as a number: `from_u52` on four lanes.
    const MAGIC: f64 = 4_503_599_627_370_496.0;

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn lanes_from_u52(x: __m256i) -> __m256d {
        #[allow(clippy::cast_possible_wrap)]
        let bits = _mm256_set1_epi64x(MAGIC.to_bits() as i64);
        _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(x, bits)), _mm256_set1_pd(MAGIC))
    }

    /// `mul_floor` on four lanes.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn mul_floor(x: __m256d, y: __m256d) -> __m256d {
        let p = _mm256_mul_pd(x, y);
        let e = _mm256_fmsub_pd(x, y, p);
        let h = _mm256_mul_pd(p, _mm256_set1_pd(1.0 / TWO_32));
        let f = _mm256_floor_pd(h);
        let exact = _mm256_cmp_pd::<_CMP_EQ_OQ>(h, f);
        let below = _mm256_cmp_pd::<_CMP_LT_OQ>(e, _mm256_setzero_pd());
        let one = _mm256_and_pd(_mm256_and_pd(exact, below), _mm256_set1_pd(1.0));
        _mm256_sub_pd(f, one)
    }

    /// `div_floor` on four lanes by one divisor `(d, 1/d)`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn div_floor4(a: __m256d, d: __m256d, inv: __m256d) -> __m256d {
        let num = _mm256_mul_pd(a, _mm256_set1_pd(TWO_32));
        let m = _mm256_floor_pd(_mm256_mul_pd(num, inv));
        let r = _mm256_fnmadd_pd(m, d, num);
        let one = _mm256_set1_pd(1.0);
        let down = _mm256_and_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(r, _mm256_setzero_pd()), one);
        let up = _mm256_and_pd(_mm256_cmp_pd::<_CMP_GE_OQ>(r, d), one);
        _mm256_add_pd(_mm256_sub_pd(m, down), up)
    }

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn splat(d: FloatDivisor) -> (__m256d, __m256d) {
        let (d, inv) = d.parts();
        (_mm256_set1_pd(d), _mm256_set1_pd(inv))
    }

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn horizontal(v: __m256d) -> [f64; WIDTH] {
        let mut out = [0.0; WIDTH];
        // SAFETY: `out` has room for four f64.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
        out
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn column_avx2(l: &mut Lanes, x: &ColumnIn<'_>) -> ColumnSums {
        let len = l.stake.len();
        assert!(x.weights.len() >= len && x.old.len() >= len, "column slices cover every lane");
        let t = _mm256_set1_pd(from_u52(x.consensus));
        let (bond, oma) = match x.bond {
            Some(d) => (d, l.one_minus_alpha),
            None => (FloatDivisor::one(), 0.0),
        };
        let (bd, binv) = splat(bond);
        let oma = _mm256_set1_pd(oma);
        let (mut rank, mut delta) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let w = x.weights.as_ptr();
        let b = x.old.as_ptr();
        let (stake, trust) = (l.stake.as_ptr(), l.trust.as_mut_ptr());
        let (fresh, olds) = (l.fresh.as_mut_ptr(), l.olds.as_mut_ptr());
        for k in (0..len).step_by(WIDTH) {
            // SAFETY: k + 4 ≤ len, and every slice read or written has at least len entries
            // (asserted above; the scratch vectors are all `len` long).
            unsafe {
                let wv = lanes_from_u52(_mm256_loadu_si256(w.add(k).cast()));
                let bv = lanes_from_u52(_mm256_cvtepu16_epi64(_mm_loadl_epi64(b.add(k).cast())));
                let s = _mm256_loadu_pd(stake.add(k));
                let v = _mm256_min_pd(wv, t);
                _mm256_storeu_pd(trust.add(k), _mm256_add_pd(_mm256_loadu_pd(trust.add(k)), v));
                let clipped = mul_floor(s, v);
                rank = _mm256_add_pd(rank, clipped);
                let p = if l.clip { clipped } else { mul_floor(wv, s) };
                delta = _mm256_add_pd(delta, p);
                _mm256_storeu_pd(fresh.add(k), p);
                _mm256_storeu_pd(olds.add(k), mul_floor(oma, div_floor4(bv, bd, binv)));
            }
        }
        let delta_sum: f64 = horizontal(delta).iter().sum();
        let delta_div = FloatDivisor::new(to_u52(delta_sum)).unwrap_or_else(FloatDivisor::one);
        let (dd, dinv) = splat(delta_div);
        let alpha = _mm256_set1_pd(l.alpha);
        let (mut sum, mut max) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let ema = l.ema.as_mut_ptr();
        for k in (0..len).step_by(WIDTH) {
            // SAFETY: as above.
            unsafe {
                let f = _mm256_loadu_pd(fresh.add(k));
                let o = _mm256_loadu_pd(olds.add(k));
                let e = _mm256_add_pd(mul_floor(alpha, div_floor4(f, dd, dinv)), o);
                _mm256_storeu_pd(ema.add(k), e);
                sum = _mm256_add_pd(sum, e);
                max = _mm256_max_pd(max, e);
            }
        }
        let max = horizontal(max).iter().fold(0.0_f64, |a, b| if *b > a { *b } else { a });
        ColumnSums {
            rank: to_u52(horizontal(rank).iter().sum()),
            sum: to_u52(horizontal(sum).iter().sum()),
            max: to_u52(max),
        }
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn finish_avx2(
        ema: &[f64],
        norm: &mut [f64],
        stored: &mut [f64],
        sum: u64,
        max: u64,
    ) {
        let Some(sum_div) = FloatDivisor::new(sum) else { return };
        let normalised_max = div_floor(from_u52(max), sum_div);
        let Some(max_div) = FloatDivisor::new(to_u52(normalised_max)) else { return };
        let (sd, sinv) = splat(sum_div);
        let (md, minv) = splat(max_div);
        let scale = _mm256_set1_pd(65_535.0 / TWO_32);
        let len = ema.len();
        assert!(norm.len() >= len && stored.len() >= len, "outputs cover every lane");
        let (ema, norm, stored) = (ema.as_ptr(), norm.as_mut_ptr(), stored.as_mut_ptr());
        for k in (0..len).step_by(WIDTH) {
            // SAFETY: k + 4 ≤ len ≤ the length of each buffer.
            unsafe {
                let n = div_floor4(_mm256_loadu_pd(ema.add(k)), sd, sinv);
                _mm256_storeu_pd(norm.add(k), n);
                let up = div_floor4(n, md, minv);
                _mm256_storeu_pd(stored.add(k), _mm256_floor_pd(_mm256_mul_pd(up, scale)));
            }
        }
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn dividends_avx2(l: &Lanes, incentive: &[u64], acc: &mut [f64]) {
        let len = l.len();
        assert!(acc.len() >= len && len.is_multiple_of(WIDTH), "accumulators cover every lane");
        let out = acc.as_mut_ptr();
        for ((row, filled), inc) in l.table.chunks_exact(len).zip(&l.filled).zip(incentive) {
            if !*filled {
                continue;
            }
            let inc = _mm256_set1_pd(from_u52(*inc));
            let row = row.as_ptr();
            for k in (0..len).step_by(WIDTH) {
                // SAFETY: k + 4 ≤ len = the length of `row` and at most that of `acc`.
                unsafe {
                    let e = _mm256_loadu_pd(row.add(k));
                    let d = _mm256_add_pd(_mm256_loadu_pd(out.add(k)), mul_floor(inc, e));
                    _mm256_storeu_pd(out.add(k), d);
                }
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn column_generic(l: &mut Lanes, x: &ColumnIn<'_>) -> ColumnSums {
    let t = from_u52(x.consensus);
    // A masked column has no old terms: (1 − α) · anything = 0 with α's complement set to 0.
    let (bond, oma) = match x.bond {
        Some(d) => (d, l.one_minus_alpha),
        None => (FloatDivisor::one(), 0.0),
    };
    let clip = l.clip;
    let mut rank = [0.0_f64; WIDTH];
    let mut delta = [0.0_f64; WIDTH];
    let chunks = x
        .weights
        .chunks_exact(WIDTH)
        .zip(x.old.chunks_exact(WIDTH))
        .zip(l.stake.chunks_exact(WIDTH))
        .zip(l.trust.chunks_exact_mut(WIDTH))
        .zip(l.fresh.chunks_exact_mut(WIDTH).zip(l.olds.chunks_exact_mut(WIDTH)));
    for ((((w, b), s), tr), (f, o)) in chunks {
        let lanes = w.iter().zip(b).zip(s).zip(tr).zip(f.iter_mut().zip(o.iter_mut()));
        for (((((w, b), s), tr), (f, o)), (rk, dl)) in lanes.zip(rank.iter_mut().zip(&mut delta)) {
            let w = from_u52(*w);
            let v = if w < t { w } else { t };
            *tr += v;
            let clipped = mul_floor(*s, v);
            *rk += clipped;
            let p = if clip { clipped } else { mul_floor(w, *s) };
            *dl += p;
            *f = p;
            *o = mul_floor(oma, div_floor(f64::from(*b), bond));
        }
    }
    let delta_sum: f64 = delta.iter().sum();
    let delta_div = FloatDivisor::new(to_u52(delta_sum)).unwrap_or_else(FloatDivisor::one);
    let alpha = l.alpha;
    let mut sum = [0.0_f64; WIDTH];
    let mut max = [0.0_f64; WIDTH];
    let chunks = l
        .fresh
        .chunks_exact(WIDTH)
        .zip(l.olds.chunks_exact(WIDTH))
        .zip(l.ema.chunks_exact_mut(WIDTH));
    for ((f, o), e) in chunks {
        for (((f, o), e), (s, m)) in f.iter().zip(o).zip(e).zip(sum.iter_mut().zip(&mut max)) {
            let v = mul_floor(alpha, div_floor(*f, delta_div)) + *o;
            *e = v;
            *s += v;
            *m = if v > *m { v } else { *m };
        }
    }
    let max = max.iter().fold(0.0_f64, |a, b| if *b > a { *b } else { a });
    ColumnSums { rank: to_u52(rank.iter().sum()), sum: to_u52(sum.iter().sum()), max: to_u52(max) }
}

#[cfg(not(target_arch = "x86_64"))]
fn finish_generic(ema: &[f64], norm: &mut [f64], stored: &mut [f64], sum: u64, max: u64) {
    let Some(sum_div) = FloatDivisor::new(sum) else { return };
    // The normalised maximum, then division by it (floors of raw quotients, as the integer path).
    let normalised_max = div_floor(from_u52(max), sum_div);
    let Some(max_div) = FloatDivisor::new(to_u52(normalised_max)) else { return };
    const SCALE: f64 = 65_535.0 / TWO_32;
    for ((e, n), st) in ema.iter().zip(norm.iter_mut()).zip(stored.iter_mut()) {
        let v = div_floor(*e, sum_div);
        *n = v;
        // upscaled ≤ 2^32: upscaled · 65 535 < 2^48 is exact, and so is the scaling by 2^-32.
        *st = (div_floor(v, max_div) * SCALE).floor();
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn dividends_generic(l: &Lanes, incentive: &[u64], acc: &mut [f64]) {
    for ((row, filled), inc) in l.table.chunks_exact(l.len()).zip(&l.filled).zip(incentive) {
        if *filled {
            let inc = from_u52(*inc);
            acc.iter_mut().zip(row).for_each(|(d, e)| *d += mul_floor(inc, *e));
        }
    }
}
