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
) -> Vec<I32F32> {
    let rows: Vec<usize> = (0..n).filter(|&i| at(active_stake, i) > I32F32::ZERO).collect();
    let mut use_stake: Vec<I32F32> = rows.iter().map(|&i| at(active_stake, i)).collect();
    inplace_normalize(&mut use_stake);
    let total = sum(&use_stake);
    let minority = total.saturating_sub(kappa);
    let literal = || {
        let n16 = u16::try_from(n).unwrap_or(u16::MAX);
        weighted_median_col_sparse(active_stake, &weights.csr.to_sparse(), n16, kappa)
    };
    // The packed selection needs exact (non-wrapping) stake sums and scores below 2^47; both
    // always hold for normalised inputs (stake totals beyond 2^63 rao, impossible on chain, can
    // break the first through wrapped sums). Otherwise the literal loop runs.
    let Some(median) = PackedMedian::new(&use_stake, total, minority) else {
        return literal();
    };
    if rows.is_empty() {
        return vec![I32F32::ZERO; n];
    }
    let result = if rows.iter().all(|&i| at(&weights.ascending, i)) {
        consensus_blocked(weights, &rows, &median, n)
    } else {
        consensus_scattered(weights, &rows, &median, n)
    };
    result.unwrap_or_else(literal)
}

/// Sorted rows: transpose a block of columns at a time into a cache-sized buffer (each row's
/// entries for the block are contiguous), then select. `None` if a score cannot be packed.
pub(super) fn consensus_blocked(
    weights: &Weights,
    rows: &[usize],
    median: &PackedMedian<'_>,
    n: usize,
) -> Option<Vec<I32F32>> {
    let m = rows.len();
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
        for (k, p) in pos.iter_mut().enumerate() {
            let end = at(&ends, k);
            while *p < end {
                let j = usize::from(at(cols, *p));
                if j >= c1 {
                    break;
                }
                let v = at(vals, *p);
                *p = p.saturating_add(1);
                if v <= I32F32::ZERO {
                    continue;
                }
                let key = PackedMedian::key(v, k)?;
                let local = j.wrapping_sub(c0);
                if let Some(cnt) = count.get_mut(local)
                    && let Some(slot) = buf.get_mut(local.saturating_mul(m).saturating_add(*cnt))
                {
                    *slot = key;
                    *cnt = cnt.saturating_add(1);
                }
            }
        }
        for (c, out) in (c0..c1).zip(result.get_mut(c0..c1).unwrap_or(&mut [])) {
            let local = c.wrapping_sub(c0);
            let start = local.saturating_mul(m);
            let len = at(&count, local);
            *out = buf
                .get_mut(start..start.saturating_add(len))
                .map_or(I32F32::ZERO, |col| median.column(col));
        }
        c0 = c1;
    }
    Some(result)
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
