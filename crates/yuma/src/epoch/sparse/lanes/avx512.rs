//! The lanes kernels on AVX-512F: the same operations as [`super::avx2`] on twice the lanes.
//!
//! The layout stays the AVX2 one (four lanes per slot, one per column of the quad), so a
//! 512-bit register holds two consecutive slots' four columns, and the per-column constants are
//! the AVX2 vectors repeated in both halves. Column sums and maxima are folded from the two
//! halves at the end: every sum is exact (see the module above), so the order they are added in
//! does not change a bit. The normalisation takes eight slots of one column per register.
//! Products, quotients and floors are the AVX2 kernels' operations one for one (a mask
//! register where AVX2 uses a lane mask), so the results are the same bits, which the tests
//! check by running both.

use core::arch::x86_64::{
    __m256d, __m256i, __m512d, __m512i, _CMP_EQ_OQ, _CMP_GE_OQ, _CMP_LT_OQ, _CMP_NEQ_OQ,
    _MM_FROUND_NO_EXC, _MM_FROUND_TO_NEG_INF, _mm_loadu_si128, _mm256_add_pd,
    _mm256_castsi256_si128, _mm256_extracti128_si256, _mm256_loadu_pd, _mm256_max_pd,
    _mm256_set1_epi32, _mm256_xor_si256, _mm512_add_epi64, _mm512_add_pd, _mm512_broadcast_f64x4,
    _mm512_castpd_si512, _mm512_castpd256_pd512, _mm512_castpd512_pd256, _mm512_castsi512_pd,
    _mm512_cmp_pd_mask, _mm512_cvtepu16_epi64, _mm512_cvttpd_epi32, _mm512_extractf64x4_pd,
    _mm512_fmadd_pd, _mm512_fmsub_pd, _mm512_fnmadd_pd, _mm512_insertf64x4, _mm512_loadu_pd,
    _mm512_mask_add_pd, _mm512_mask_blend_pd, _mm512_mask_compressstoreu_epi64,
    _mm512_mask_min_epu64, _mm512_mask_sub_epi64, _mm512_max_epu64, _mm512_max_pd, _mm512_min_pd,
    _mm512_mul_pd, _mm512_or_si512, _mm512_reduce_max_epu64, _mm512_reduce_min_epu64,
    _mm512_roundscale_pd, _mm512_set_epi64, _mm512_set1_epi64, _mm512_set1_pd, _mm512_setzero_pd,
    _mm512_slli_epi64, _mm512_storeu_pd, _mm512_sub_pd, _mm512_xor_si512,
};

use super::avx2::{MAGIC, append, div_floor4, divisors4, horizontal, pair_offsets, slots4};
use super::{Lanes, QUAD, QuadIn, WIDTH};
use crate::fixed::float::{TWO_32, scaled, to_u52};
use crate::input::SparseRow;

/// Slots of one column per register in [`normalise`].
const EIGHT: usize = 2 * WIDTH;

/// `floor` (round toward −∞, no precision exception).
const FLOOR: i32 = _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC;

#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
fn from_u52(x: __m512i) -> __m512d {
    #[allow(clippy::cast_possible_wrap)]
    let bits = _mm512_set1_epi64(MAGIC.to_bits() as i64);
    _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(x, bits)), _mm512_set1_pd(MAGIC))
}

/// `mul_floor` ([`crate::fixed::float`]): the product, one below where the FMA residue is
/// negative, floored.
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) fn mul_floor(x_scaled: __m512d, y: __m512d) -> __m512d {
    let p = _mm512_mul_pd(x_scaled, y);
    let e = _mm512_fmsub_pd(x_scaled, y, p);
    let below = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(e, _mm512_setzero_pd());
    let bits = _mm512_castpd_si512(p);
    let p = _mm512_mask_sub_epi64(bits, below, bits, _mm512_set1_epi64(1));
    _mm512_roundscale_pd::<FLOOR>(_mm512_castsi512_pd(p))
}

/// `div_floor` by one divisor per lane ([`crate::fixed::float::FloatDivisor::parts`]).
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) fn div_floor(a: __m512d, d_scaled: __m512d, inv: __m512d) -> __m512d {
    let m = _mm512_roundscale_pd::<FLOOR>(_mm512_mul_pd(a, inv));
    let r = _mm512_fnmadd_pd(m, d_scaled, a);
    let short = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(r, d_scaled);
    _mm512_mask_add_pd(m, short, m, _mm512_set1_pd(1.0))
}

/// The four columns' vector in both halves (both slots of a register).
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
fn both(v: __m256d) -> __m512d {
    _mm512_broadcast_f64x4(v)
}

/// Two slots' four columns in one register: `a` low, `b` high.
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
fn pair(a: __m256d, b: __m256d) -> __m512d {
    _mm512_insertf64x4::<1>(_mm512_castpd256_pd512(a), b)
}

/// Per column: the sum of the two slots' lanes (exact).
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
fn fold_sum(v: __m512d) -> __m256d {
    _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd::<1>(v))
}

/// Per column: the larger of the two slots' lanes.
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
fn fold_max(v: __m512d) -> __m256d {
    _mm256_max_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd::<1>(v))
}

/// [`super::avx2::normalise_avx2`], eight slots per register.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) fn normalise(
    (row_sum, row_inv): (&[f64], &[f64]),
    raw: &[u16],
    out: &mut [f64],
    keys: &mut [u64],
) -> (usize, (u64, u64)) {
    let len = out.len();
    assert!(
        len.is_multiple_of(EIGHT)
            && [raw.len(), keys.len(), row_sum.len(), row_inv.len()].iter().all(|l| *l >= len),
        "column slices cover every lane"
    );
    let (r, d, inv) = (raw.as_ptr(), row_sum.as_ptr(), row_inv.as_ptr());
    let (out, dst) = (out.as_mut_ptr(), keys.as_mut_ptr());
    #[allow(clippy::cast_possible_wrap)]
    let magic = _mm512_set1_epi64(MAGIC.to_bits() as i64);
    let mut slot = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    let step = _mm512_set1_epi64(8);
    // Keys as integers: the smallest over the positive weights (all ones where none is), the
    // largest over all (as the AVX2 kernel takes them).
    let (mut lo, mut hi) = (_mm512_set1_epi64(-1), _mm512_set1_epi64(0));
    let mut listed = 0_usize;
    for k in (0..len).step_by(EIGHT) {
        // SAFETY: k + 8 ≤ len ≤ the length of every buffer (asserted; the scratch vectors are
        // `len` long); `listed ≤ k`, so the at most eight keys stored at `listed` fit too.
        unsafe {
            let v = from_u52(_mm512_cvtepu16_epi64(_mm_loadu_si128(r.add(k).cast())));
            let w = div_floor(v, _mm512_loadu_pd(d.add(k)), _mm512_loadu_pd(inv.add(k)));
            _mm512_storeu_pd(out.add(k), w);
            // The integer of `w` (below 2^33) from the bits of 2^52 + w.
            let sum = _mm512_add_pd(w, _mm512_set1_pd(MAGIC));
            let bits = _mm512_xor_si512(_mm512_castpd_si512(sum), magic);
            let key = _mm512_or_si512(_mm512_slli_epi64::<16>(bits), slot);
            slot = _mm512_add_epi64(slot, step);
            let positive = _mm512_cmp_pd_mask::<_CMP_NEQ_OQ>(w, _mm512_setzero_pd());
            lo = _mm512_mask_min_epu64(lo, positive, lo, key);
            hi = _mm512_max_epu64(hi, key);
            _mm512_mask_compressstoreu_epi64(dst.add(listed).cast(), positive, key);
            listed = listed.wrapping_add(positive.count_ones() as usize);
        }
    }
    (listed, (_mm512_reduce_min_epu64(lo), _mm512_reduce_max_epu64(hi)))
}

/// [`super::avx2::quad_avx2`], two slots per register.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) fn quad(l: &mut Lanes, x: &QuadIn<'_>, rows: &mut [SparseRow]) -> [u64; QUAD] {
    let (len, cells, start) = l.check(x);
    let [t, bd, binv, oma] = l.columns(x).map(|c| {
        // SAFETY: `c` holds four f64.
        both(unsafe { _mm256_loadu_pd(c.as_ptr()) })
    });
    let (mut rank, mut delta) = (_mm512_setzero_pd(), _mm512_setzero_pd());
    let (stake, trust) = (l.stake.as_ptr(), l.trust.as_mut_ptr());
    let (fresh, olds) = (l.fresh.as_mut_ptr(), l.olds.as_mut_ptr());
    for k in (0..len).step_by(WIDTH) {
        // SAFETY: k + 4 ≤ len; the per-slot buffers have 4 · len (asserted by `check`).
        unsafe {
            let ([w0, w1, w2, w3], bonds) = slots4(l, x, k);
            for (h, (wv, bv)) in [pair(w0, w1), pair(w2, w3)].into_iter().zip(bonds).enumerate() {
                let slot = k.wrapping_add(h.wrapping_mul(2));
                let at = slot.wrapping_mul(QUAD);
                let bv = from_u52(_mm512_cvtepu16_epi64(bv));
                let s = pair(
                    core::arch::x86_64::_mm256_broadcast_sd(&*stake.add(slot)),
                    core::arch::x86_64::_mm256_broadcast_sd(&*stake.add(slot.wrapping_add(1))),
                );
                let v = _mm512_min_pd(wv, t);
                let tr = _mm512_add_pd(_mm512_loadu_pd(trust.add(at)), v);
                _mm512_storeu_pd(trust.add(at), tr);
                let clipped = mul_floor(s, v);
                rank = _mm512_add_pd(rank, clipped);
                let p = if l.clip { clipped } else { mul_floor(s, wv) };
                delta = _mm512_add_pd(delta, p);
                _mm512_storeu_pd(fresh.add(at), p);
                _mm512_storeu_pd(olds.add(at), mul_floor(oma, div_floor(bv, bd, binv)));
            }
        }
    }
    let (dd, dinv) = divisors4(fold_sum(delta));
    let (dd, dinv) = (both(dd), both(dinv));
    let alpha = _mm512_set1_pd(l.alpha);
    let (mut sum, mut max) = (_mm512_setzero_pd(), _mm512_setzero_pd());
    let ema = l.ema.as_mut_ptr();
    for at in (0..cells).step_by(EIGHT) {
        // SAFETY: at + 8 ≤ 4 · len ≤ the length of each buffer (len is a multiple of 8).
        unsafe {
            let f = _mm512_loadu_pd(fresh.add(at));
            let o = _mm512_loadu_pd(olds.add(at));
            let e = _mm512_add_pd(mul_floor(alpha, div_floor(f, dd, dinv)), o);
            _mm512_storeu_pd(ema.add(at), e);
            sum = _mm512_add_pd(sum, e);
            max = _mm512_max_pd(max, e);
        }
    }
    // The last pass as in the AVX2 kernel, two slots at a time.
    let (sd, sinv) = divisors4(fold_sum(sum));
    let (md, minv) = divisors4(div_floor4(fold_max(max), sd, sinv));
    let [sd, sinv, md, minv] = [sd, sinv, md, minv].map(|v| both(v));
    let scale = _mm512_set1_pd(65_535.0 / TWO_32);
    let (offset, absent) = pair_offsets(x.group);
    let (offset, absent) = (both(offset), both(absent));
    let flip = _mm256_set1_epi32(i32::MIN);
    let norm = l.table.get_mut(start..).unwrap_or(&mut []).as_mut_ptr();
    for slot in (0..len).step_by(2) {
        let at = slot.wrapping_mul(QUAD);
        // SAFETY: at + 8 ≤ 4 · len: inside `ema` and the group's part of `table`. Slots past
        // the rows (padding: no weights, no bonds) have E = 0 and store 0.
        let (pairs, none) = unsafe {
            let e = _mm512_loadu_pd(ema.add(at));
            let n = div_floor(e, sd, sinv);
            _mm512_storeu_pd(norm.add(at), n);
            let up = div_floor(n, md, minv);
            let stored = _mm512_roundscale_pd::<FLOOR>(_mm512_mul_pd(up, scale));
            let p = _mm512_fmadd_pd(stored, _mm512_set1_pd(65_536.0), offset);
            let none = _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(e, _mm512_setzero_pd());
            let p: __m256i = _mm512_cvttpd_epi32(_mm512_mask_blend_pd(none, p, absent));
            (_mm256_xor_si256(p, flip), i32::from(none))
        };
        if let Some(row) = rows.get_mut(slot) {
            append(row, _mm256_castsi256_si128(pairs), none);
        }
        if let Some(row) = rows.get_mut(slot.wrapping_add(1)) {
            append(row, _mm256_extracti128_si256::<1>(pairs), none >> WIDTH);
        }
    }
    if let Some(f) = l.filled.get_mut(x.group) {
        *f = true;
    }
    horizontal(fold_sum(rank)).map(to_u52)
}

/// [`super::avx2::dividends_avx2`], two slots per register.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) fn dividends(l: &Lanes, incentive: &[u64], acc: &mut [f64]) {
    let cells = l.len().saturating_mul(QUAD);
    assert!(
        acc.len() >= cells && cells.is_multiple_of(EIGHT),
        "accumulators cover every lane, two slots per register"
    );
    let out = acc.as_mut_ptr();
    for (g, (quad, filled)) in l.table.chunks_exact(cells).zip(&l.filled).enumerate() {
        if !*filled {
            continue;
        }
        let first = g.wrapping_mul(QUAD);
        let inc: [f64; QUAD] = core::array::from_fn(|j| {
            scaled(incentive.get(first.wrapping_add(j)).copied().unwrap_or(0))
        });
        // SAFETY: `inc` holds four f64.
        let inc = both(unsafe { _mm256_loadu_pd(inc.as_ptr()) });
        let quad = quad.as_ptr();
        for at in (0..cells).step_by(EIGHT) {
            // SAFETY: at + 8 ≤ cells = the length of `quad` and at most that of `acc`.
            unsafe {
                let e = _mm512_loadu_pd(quad.add(at));
                let d = _mm512_add_pd(_mm512_loadu_pd(out.add(at)), mul_floor(inc, e));
                _mm512_storeu_pd(out.add(at), d);
            }
        }
    }
}
