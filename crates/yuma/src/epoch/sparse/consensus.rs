//! §3.4.2 / §7: the consensus median of the production epoch.

use super::super::common::at;
use super::{Row, Weights};
use crate::fixed::{I32F32, sum};
use crate::math::median::{PackedMedian, weighted_median_col_sparse};
use crate::math::vector::inplace_normalize;

/// §3.4.2 / §7: stake-weighted median per column over the rows with positive active stake.
#[inline(never)]
pub(super) fn consensus(
    weights: &Weights,
    active_stake: &[I32F32],
    kappa: I32F32,
    n: usize,
    unclipped: bool,
) -> (Vec<I32F32>, Option<TrustRanks>) {
    let rows: Vec<usize> = (0..n).filter(|&i| at(active_stake, i) > I32F32::ZERO).collect();
    let mut use_stake: Vec<I32F32> = rows.iter().map(|&i| at(active_stake, i)).collect();
    inplace_normalize(&mut use_stake);
    let total = sum(&use_stake);
    let minority = total.saturating_sub(kappa);
    let literal = || {
        let n16 = u16::try_from(n).unwrap_or(u16::MAX);
        (weighted_median_col_sparse(active_stake, &weights.csr.to_sparse(), n16, kappa), None)
    };
    // The packed selection needs exact (non-wrapping) stake sums and scores below 2^47; both
    // always hold for normalised inputs (stake totals beyond 2^63 rao, impossible on chain, can
    // break the first through wrapped sums). Otherwise the literal loop runs.
    let Some(median) = PackedMedian::new(&use_stake, total, minority) else {
        return literal();
    };
    if rows.is_empty() {
        return (vec![I32F32::ZERO; n], None);
    }
    let result = if rows.iter().all(|&i| at(&weights.ascending, i)) {
        // Trust and ranks fuse into the median's column blocks when every row is in [0, 1].
        let fuse =
            weights.unit.iter().all(|u| *u) && active_stake.iter().all(|s| super::is_unit(*s));
        consensus_blocked(weights, &rows, &median, n, fuse.then_some((active_stake, unclipped)))
    } else {
        consensus_scattered(weights, &rows, &median, n).map(|c| (c, None))
    };
    result.unwrap_or_else(literal)
}

/// `(validator trust, ranks, unclipped ranks)` as [`super::trust_and_ranks`] returns them.
pub(super) type TrustRanks = (Vec<I32F32>, Vec<I32F32>, Option<Vec<I32F32>>);

/// Sorted rows: transpose a block of columns at a time into a cache-sized buffer (each row's
/// entries for the block are contiguous), then select. `None` if a score cannot be packed.
pub(super) fn consensus_blocked(
    weights: &Weights,
    rows: &[usize],
    median: &PackedMedian<'_>,
    n: usize,
    fuse: Option<(&[I32F32], bool)>,
) -> Option<(Vec<I32F32>, Option<TrustRanks>)> {
    let m = rows.len();
    // Fused §3.4.3–5 (see `fold_block`): per listed row (index into `rows`) its clipped row sum;
    // per column the stake-weighted sums of clipped and unclipped weights.
    let row_stake: Vec<u64> =
        rows.iter().map(|&i| fuse.map_or(0, |f| at(f.0, i).to_bits().cast_unsigned())).collect();
    let mut trust_k = vec![0_u64; if fuse.is_some() { m } else { 0 }];
    let mut ranks = vec![I32F32::ZERO; if fuse.is_some() { n } else { 0 }];
    let mut preranks = fuse.is_some_and(|f| f.1).then(|| vec![I32F32::ZERO; n]);
    let mut scratch: Vec<u64> = Vec::with_capacity(m);
    let block = 32_768_usize.checked_div(m).unwrap_or(1).clamp(1, n.max(1));
    let mut buf = vec![0_u64; block.saturating_mul(m)];
    let mut count = vec![0_usize; block];
    let (cols, vals) = weights.csr.entries();
    let mut pos: Vec<usize> = rows.iter().map(|&i| weights.csr.range(i).start).collect();
    let ends: Vec<usize> = rows.iter().map(|&i| weights.csr.range(i).end).collect();
    let mut result = vec![I32F32::ZERO; n];
    let mut c0 = 0_usize;
    while c0 < n {
        let c1 = c0.saturating_add(block).min(n);
        count.iter_mut().for_each(|c| *c = 0);
        for (k, (p, &end)) in pos.iter_mut().zip(&ends).enumerate() {
            // The row's key bits (`PackedMedian::key` with the checks hoisted: a row index fits
            // 16 bits, as `PackedMedian::new` guarantees, and scores must be below 2^47).
            let row_key = u64::try_from(k).ok().filter(|k| k >> 16 == 0)?;
            let row_cols = cols.get(*p..end).unwrap_or(&[]);
            let row_vals = vals.get(*p..end).unwrap_or(&[]);
            let mut taken = 0_usize;
            for (&j, v) in row_cols.iter().zip(row_vals) {
                let j = usize::from(j);
                if j >= c1 {
                    break;
                }
                taken = taken.wrapping_add(1);
                let bits = v.to_bits();
                if bits <= 0 {
                    continue;
                }
                if bits >> 47 != 0 {
                    return None;
                }
                let key = (bits.cast_unsigned() << 16) | row_key;
                let local = j.wrapping_sub(c0);
                if let Some(cnt) = count.get_mut(local) {
                    if let Some(slot) = buf.get_mut(local.wrapping_mul(m).wrapping_add(*cnt)) {
                        *slot = key;
                    }
                    *cnt = cnt.wrapping_add(1);
                }
            }
            *p = p.wrapping_add(taken);
        }
        for (c, out) in (c0..c1).zip(result.get_mut(c0..c1).unwrap_or(&mut [])) {
            let local = c.wrapping_sub(c0);
            let start = local.saturating_mul(m);
            let len = at(&count, local);
            let Some(col) = buf.get_mut(start..start.saturating_add(len)) else { continue };
            if fuse.is_none() {
                *out = median.column(col);
            } else {
                // The selection overwrites its keys: select on a copy, fold the originals.
                scratch.clear();
                scratch.extend_from_slice(col);
                *out = median.column(&mut scratch);
                let pre = preranks.as_mut().and_then(|p| p.get_mut(c));
                let rank = fold_column(col, *out, &row_stake, &mut trust_k, pre);
                if let Some(r) = ranks.get_mut(c) {
                    *r = rank;
                }
            }
        }
        c0 = c1;
    }
    let Some((active_stake, _)) = fuse else { return Some((result, None)) };
    // Rows outside `rows` have no active stake: they add nothing to the column sums, but their
    // clipped row sums are still the validator trust.
    let mut trust = vec![I32F32::ZERO; n];
    let mut listed = rows.iter().zip(&trust_k).peekable();
    for (i, t) in trust.iter_mut().enumerate() {
        if let Some((_, v)) = listed.next_if(|(r, _)| **r == i) {
            *t = I32F32::from_bits(v.cast_signed());
            continue;
        }
        debug_assert!(at(active_stake, i) == I32F32::ZERO);
        let (cols, vals) = weights.csr.row(i);
        let mut row_sum = I32F32::ZERO;
        for (j, w) in cols.iter().zip(vals) {
            if let Some(v) = super::clip_value(*w, at(&result, usize::from(*j))) {
                row_sum = row_sum.wrapping_add(v);
            }
        }
        *t = row_sum;
    }
    Some((result, Some((trust, ranks, preranks))))
}

/// Trust and ranks terms of one column's positive entries (`keys`, any order) given its
/// consensus: adds each clipped weight to its row's trust (`trust_k`, raw bits) and returns the
/// column's stake-weighted sum of clipped weights (and stores the unclipped one in `pre`).
///
/// The entries' order differs from upstream's row order, which changes nothing: every weight and
/// stake is in [0, 1] (the caller checks), so all terms are non-negative products of at most
/// 2^32 · 2^32 (floored to at most 2^32 raw), and a saturating sum of non-negative terms is
/// `min(exact sum, MAX)` in any order; with at most 2^16 rows no sum here exceeds 2^48, so plain
/// additions are exact. Entries left out (zero weights, zero-stake rows) add exactly 0 upstream.
#[inline]
fn fold_column(
    keys: &[u64],
    consensus: I32F32,
    row_stake: &[u64],
    trust_k: &mut [u64],
    pre: Option<&mut I32F32>,
) -> I32F32 {
    // floor(x · y / 2^32) for x, y ≤ 2^32: at most 2^32, so the narrowing is exact.
    #[allow(clippy::cast_possible_truncation)]
    let mul = |x: u64, y: u64| -> u64 { (u128::from(x).wrapping_mul(u128::from(y)) >> 32) as u64 };
    // `clip_value(w, t)` for w > 0: dropped when t ≤ 0, else min(t, w); t ≥ 0 here.
    let t = consensus.to_bits().cast_unsigned();
    let mut rank = 0_u64;
    if let Some(p) = pre {
        let mut unclipped = 0_u64;
        for &key in keys {
            let (w, k) = (key >> 16, usize::from(key as u16));
            unclipped = unclipped.wrapping_add(mul(w, at(row_stake, k)));
        }
        *p = I32F32::from_bits(unclipped.cast_signed());
    }
    if t != 0 {
        for &key in keys {
            let (w, k) = (key >> 16, usize::from(key as u16));
            let v = w.min(t);
            if let Some(tr) = trust_k.get_mut(k) {
                *tr = tr.wrapping_add(v);
            }
            rank = rank.wrapping_add(mul(at(row_stake, k), v));
        }
    }
    I32F32::from_bits(rank.cast_signed())
}

/// Any rows: counting sort of all positive scores by column; a repeated column keeps the last
/// value written, as upstream's score table does. `None` if a score cannot be packed.
pub(super) fn consensus_scattered(
    weights: &Weights,
    rows: &[usize],
    median: &PackedMedian<'_>,
    n: usize,
) -> Option<Vec<I32F32>> {
    let mut decoded_rows: Vec<Row> = Vec::with_capacity(rows.len());
    let mut last_of: Vec<Option<I32F32>> = Vec::new();
    for &i in rows {
        let (cols, vals) = weights.csr.row(i);
        let mut row: Row = cols.iter().copied().zip(vals.iter().copied()).collect();
        if at(&weights.duplicate, i) {
            last_of.clear();
            last_of.resize(n, None);
            for (c, v) in &row {
                if let Some(l) = last_of.get_mut(usize::from(*c)) {
                    *l = Some(*v);
                }
            }
            row = last_of
                .iter()
                .enumerate()
                .filter_map(|(c, l)| Some((u16::try_from(c).ok()?, (*l)?)))
                .collect();
        }
        row.retain(|(_, v)| *v > I32F32::ZERO);
        decoded_rows.push(row);
    }
    let mut start = vec![0_usize; n.saturating_add(1)];
    for row in &decoded_rows {
        for (c, _) in row {
            if let Some(s) = start.get_mut(usize::from(*c).saturating_add(1)) {
                *s = s.saturating_add(1);
            }
        }
    }
    for c in 0..n {
        let prev = at(&start, c);
        if let Some(s) = start.get_mut(c.saturating_add(1)) {
            *s = s.saturating_add(prev);
        }
    }
    let mut fill: Vec<usize> = start.get(..n).map(<[usize]>::to_vec).unwrap_or_default();
    let mut keys = vec![0_u64; at(&start, n)];
    for (k, row) in decoded_rows.iter().enumerate() {
        for (c, v) in row {
            let key = PackedMedian::key(*v, k)?;
            if let Some(f) = fill.get_mut(usize::from(*c))
                && let Some(slot) = keys.get_mut(*f)
            {
                *slot = key;
                *f = f.saturating_add(1);
            }
        }
    }
    Some(
        (0..n)
            .map(|c| {
                keys.get_mut(at(&start, c)..at(&fill, c))
                    .map_or(I32F32::ZERO, |col| median.column(col))
            })
            .collect(),
    )
}
