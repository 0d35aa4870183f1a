//! §5.1: original Yuma's bonds and dividends.

use super::super::common::at;
use super::super::csr::Csr;
use super::ema::{
    BondsContext, BondsOut, column_divisors, merge_row, scratch_row, strictly_ascending_pairs,
};
use super::{Scratch, Wfb, clip_value, is_unit};
use crate::fixed::{FixedDivisor, I32F32, fixed_proportion_to_u16};
use crate::input::SparseRow;
use crate::math::liquid_alpha::ema_alpha_normal;
use crate::math::vector::inplace_normalize;

/// §5.1, original Yuma. `delta_sums`: ΔB's column sums when already known.
#[inline(never)]
pub(super) fn original_bonds(
    ctx: &BondsContext<'_>,
    bonds_moving_average: u64,
    delta_sums: Option<Vec<I32F32>>,
) -> BondsOut {
    let n = ctx.n;
    // Column sums of the kept stored bonds as I32F32 integers: the saturating sum of
    // non-negative terms is min(exact, MAX).
    // All columns < n are summed, then the masked ones reset: fewer than 2^16 rows of u16
    // values cannot wrap a u64.
    let mut exact = vec![0_u64; n];
    for i in 0..n {
        for (j, b) in ctx.bonds.raw(i) {
            if let Some(s) = exact.get_mut(usize::from(*j)) {
                *s = s.wrapping_add(u64::from(*b));
            }
        }
    }
    for (j, s) in exact.iter_mut().enumerate() {
        if !u16::try_from(j).is_ok_and(|j| ctx.bonds.kept(j)) {
            *s = 0;
        }
    }
    let bond_sums: Vec<I32F32> = exact
        .iter()
        .map(|s| I32F32::from_bits(i64::try_from(s.saturating_mul(1 << 32)).unwrap_or(i64::MAX)))
        .collect();
    let bond_divs = column_divisors(&bond_sums);

    // ΔB = W ∘ S column sums. Rows without active stake only contribute zeros, which change
    // nothing downstream, so they are skipped here and in the EMA.
    let delta_sums = delta_sums.unwrap_or_else(|| {
        let mut sums = vec![I32F32::ZERO; n];
        for i in 0..n {
            let s = at(ctx.active_stake, i);
            if s == I32F32::ZERO {
                continue;
            }
            for (j, w) in ctx.wfb.entries(i) {
                if let Some(d) = sums.get_mut(usize::from(j)) {
                    *d = d.saturating_add(w.saturating_mul(s));
                }
            }
        }
        sums
    });
    let delta_divs = column_divisors(&delta_sums);

    // EMA of the normalised ΔB and the normalised bonds, with its column sums and maxima.
    let alpha = ema_alpha_normal(bonds_moving_average);
    let one_minus_alpha = I32F32::ONE.saturating_sub(alpha);
    let consensus = match ctx.wfb {
        Wfb::Clipped(_, c) => Some(*c),
        _ => None,
    };
    let columns: Vec<EmaColumn> = (0..n)
        .map(|j| EmaColumn {
            delta: delta_divs.get(j).copied().unwrap_or_else(FixedDivisor::identity),
            bond: bond_divs.get(j).copied().unwrap_or_else(FixedDivisor::identity),
            consensus: consensus.map_or(I32F32::ZERO, |c| at(c, j)),
            kept: u16::try_from(j).is_ok_and(|j| ctx.bonds.kept(j)),
        })
        .collect();
    let unit = is_unit(alpha) && exact.iter().all(|s| *s < 1 << 31);
    let terms = OriginalTerms {
        alpha,
        one_minus_alpha,
        columns: &columns,
        clip: consensus.is_some(),
        unit,
    };
    let (ema, sums, maxes) = original_ema(ctx, &terms);

    // The maximum of a normalised column is the normalised maximum: flooring division by a
    // positive divisor is monotone and cannot overflow here (entries are at most their sum).
    let finals: Vec<FinalColumn> = sums
        .iter()
        .zip(&maxes)
        .enumerate()
        .map(|(j, (sum, max))| {
            let sum_div = column_divisor(*sum);
            let normalised_max = sum_div.safe_div(*max);
            let max_div = column_divisor(normalised_max);
            let incentive = at(ctx.incentive, j);
            // Unit column: every entry is at most its column sum and below the sum divisor's
            // fast limit, E is at most its (normalised) maximum ≤ 1, incentive ∈ [0, 1]: the
            // last pass needs no overflow checks (see `final_unit`).
            let unit = *max >= I32F32::ZERO
                && sum_div.in_range_up_to(*max)
                && is_unit(normalised_max)
                && max_div.in_range_up_to(normalised_max)
                && is_unit(incentive);
            FinalColumn { max: max_div, sum: sum_div, incentive, unit }
        })
        .collect();

    let all_unit = finals.iter().all(|f| f.unit);
    // E = EMA / column sum → dividends; E / column max → storage.
    let mut dividends = vec![I32F32::ZERO; n];
    let mut bonds: Vec<SparseRow> = vec![Vec::new(); n];
    let mut trace_ema = ctx.want_trace.then(|| Csr::with_capacity(n, ema.nnz()));
    for (i, (d, out)) in dividends.iter_mut().zip(bonds.iter_mut()).enumerate() {
        let keep = at(ctx.new_permits, i);
        let (cols, vals) = ema.row(i);
        let mut acc = I32F32::ZERO;
        if keep && trace_ema.is_none() && all_unit {
            // As below with every column unit: the dividend terms are in [0, 1] and fewer than
            // 2^16 of them add up exactly in a u64 (so the saturating sum is the plain one).
            let mut row = vec![(0_u16, 0_u16); cols.len()];
            let mut sum = 0_u64;
            for ((j, v), slot) in cols.iter().zip(vals).zip(row.iter_mut()) {
                let Some(f) = finals.get(usize::from(*j)) else { continue };
                let (dividend, stored) = final_unit(f, *v);
                sum = sum.wrapping_add(dividend.to_bits().cast_unsigned());
                *slot = (*j, stored);
            }
            *out = row;
            acc = I32F32::from_bits(sum.cast_signed());
        } else if keep && trace_ema.is_none() {
            // Every EMA entry of a row is stored: fill a row of the final length in place.
            let mut row = vec![(0_u16, 0_u16); cols.len()];
            for ((j, v), slot) in cols.iter().zip(vals).zip(row.iter_mut()) {
                let Some(f) = finals.get(usize::from(*j)) else { continue };
                let (dividend, stored) = if f.unit {
                    final_unit(f, *v)
                } else {
                    let e = f.sum.safe_div(*v);
                    (f.incentive.saturating_mul(e), fixed_proportion_to_u16(f.max.safe_div(e)))
                };
                acc = acc.saturating_add(dividend);
                *slot = (*j, stored);
            }
            *out = row;
        } else if keep || trace_ema.is_some() {
            for (j, v) in cols.iter().zip(vals) {
                let Some(f) = finals.get(usize::from(*j)) else { continue };
                let e = f.sum.safe_div(*v);
                acc = acc.saturating_add(f.incentive.saturating_mul(e));
                let upscaled = f.max.safe_div(e);
                if keep {
                    out.push((*j, fixed_proportion_to_u16(upscaled)));
                }
                if let Some(t) = trace_ema.as_mut() {
                    t.push(*j, upscaled);
                }
            }
        } else {
            for (j, v) in cols.iter().zip(vals) {
                let Some(f) = finals.get(usize::from(*j)) else { continue };
                acc = acc.saturating_add(f.incentive.saturating_mul(f.sum.safe_div(*v)));
            }
        }
        if let Some(t) = trace_ema.as_mut() {
            t.end_row();
        }
        *d = acc;
    }
    ema.recycle();
    inplace_normalize(&mut dividends);
    BondsOut { dividends, bonds, trace_ema, liquid_alphas: None }
}

/// Per-column constants of original Yuma's EMA.
#[derive(Clone, Copy)]
pub(super) struct EmaColumn {
    /// Division by ΔB's column sum.
    delta: FixedDivisor,
    /// Division by the stored bonds' column sum.
    bond: FixedDivisor,
    /// Consensus (the clipping threshold when `weights_for_bonds` are the clipped weights).
    consensus: I32F32,
    /// Not registered since the last tempo (old bonds survive).
    kept: bool,
}

/// Per-column constants of original Yuma's last pass.
#[derive(Clone, Copy)]
pub(super) struct FinalColumn {
    sum: FixedDivisor,
    max: FixedDivisor,
    incentive: I32F32,
    /// The unit-range conditions of [`final_unit`] hold for the whole column.
    unit: bool,
}

/// Dividend term and stored u16 of one EMA entry `v` of a unit column: `E = v / sum`,
/// `incentive · E`, `u16(E / max)`, each the floor the saturating operations give (nothing can
/// saturate: every value is in [0, 1]).
#[inline(always)]
pub(super) fn final_unit(f: &FinalColumn, v: I32F32) -> (I32F32, u16) {
    let e = f.sum.div_in_range(v.to_bits().cast_unsigned());
    let inc = u128::from(f.incentive.to_bits().cast_unsigned());
    // Both factors are at most 2^32, so each narrowing below is exact.
    #[allow(clippy::cast_possible_truncation)]
    let dividend = (inc.wrapping_mul(u128::from(e)) >> 32) as u64;
    let upscaled = f.max.div_in_range(e);
    #[allow(clippy::cast_possible_truncation)]
    let stored = (upscaled.wrapping_mul(65_535) >> 32) as u16;
    (I32F32::from_bits(dividend.cast_signed()), stored)
}

pub(super) fn column_divisor(sum: I32F32) -> FixedDivisor {
    if sum == I32F32::ZERO { FixedDivisor::identity() } else { FixedDivisor::new(sum) }
}

/// Original Yuma's EMA terms: `α · (ΔB_ij / ΔS_j)` and `(1 − α) · (B_ij / BS_j)`.
pub(super) struct OriginalTerms<'a> {
    alpha: I32F32,
    one_minus_alpha: I32F32,
    columns: &'a [EmaColumn],
    /// `weights_for_bonds` are the clipped weights.
    clip: bool,
    /// `α ∈ [0, 1]` and every stored-bond column sum is exact (not saturated): with unit-range
    /// weights and stake every term then stays in [0, 1] and nothing can overflow.
    unit: bool,
}

impl OriginalTerms<'_> {
    #[inline(always)]
    fn new_term(&self, col: &EmaColumn, w: I32F32, stake: I32F32) -> I32F32 {
        self.alpha.saturating_mul(col.delta.safe_div(w.saturating_mul(stake)))
    }

    #[inline(always)]
    fn old_term(&self, col: &EmaColumn, b: u16) -> I32F32 {
        self.one_minus_alpha.saturating_mul(col.bond.safe_div(I32F32::from_u16(b)))
    }

    #[inline(always)]
    fn column(&self, j: u16) -> Option<&EmaColumn> {
        self.columns.get(usize::from(j))
    }
}

/// Pushes an EMA entry when positive and folds it into the column sums and maxima.
#[inline(always)]
pub(super) fn emit(out: &mut Csr, acc: &mut [(I32F32, I32F32)], j: u16, v: I32F32) {
    if v > I32F32::ZERO {
        out.push(j, v);
        if let Some((s, m)) = acc.get_mut(usize::from(j)) {
            *s = s.saturating_add(v);
            if *m < v {
                *m = v;
            }
        }
    }
}

/// One row of [`original_ema`] in the unit range (`t.unit`, row weights in [0, 1], stake < 1,
/// sorted rows): the same floors as the saturating operations, which cannot saturate or overflow
/// here, so the terms are plain 64-bit multiply-and-shifts. Every quotient is at most 1 because
/// each numerator is part of the column sum it is divided by.
#[inline(always)]
pub(super) fn unit_row<const CLIP: bool, const STAKED: bool>(
    ema: &mut Csr,
    acc: &mut [(I32F32, I32F32)],
    t: &OriginalTerms<'_>,
    (cols, vals): (&[u16], &[I32F32]),
    old: &[(u16, u16)],
    s: I32F32,
) {
    let stake = s.to_bits().cast_unsigned();
    let alpha = u128::from(t.alpha.to_bits().cast_unsigned());
    let oma = u128::from(t.one_minus_alpha.to_bits().cast_unsigned());
    // floor(x · y / 2^32) for x, y ≤ 2^32: at most 2^32, so the narrowing is exact.
    #[allow(clippy::cast_possible_truncation)]
    let mul = |x: u128, y: u64| -> u64 { (x.wrapping_mul(u128::from(y)) >> 32) as u64 };
    let old_term = |col: &EmaColumn, b: u16| -> u64 {
        // b · 2^32 < 2^48 and the column sum is an exact integer (shift 0): in range.
        mul(oma, col.bond.div_in_range(u64::from(b) << 32))
    };
    let put = |ema: &mut Csr, acc: &mut [(I32F32, I32F32)], j: u16, v: u64| {
        emit(ema, acc, j, I32F32::from_bits(v.cast_signed()));
    };
    if !STAKED {
        // No new terms: the row's entries are its positive old terms, in order.
        for &(oj, ob) in old {
            if let Some(col) = t.column(oj).filter(|c| c.kept) {
                put(ema, acc, oj, old_term(col, ob));
            }
        }
    } else if old.len() == cols.len() && old.iter().zip(cols).all(|(o, j)| o.0 == *j) {
        within_row::<CLIP, STAKED, true>(ema, acc, t, (cols, vals), old, s);
    } else if old_within(old, cols) {
        within_row::<CLIP, STAKED, false>(ema, acc, t, (cols, vals), old, s);
    } else {
        let mut b = 0_usize;
        for (j, w) in cols.iter().zip(vals) {
            while let Some(&(oj, ob)) = old.get(b) {
                if oj >= *j {
                    break;
                }
                b = b.wrapping_add(1);
                if let Some(col) = t.column(oj).filter(|c| c.kept) {
                    put(ema, acc, oj, old_term(col, ob));
                }
            }
            let Some(col) = t.column(*j) else { continue };
            let new = if !STAKED {
                None
            } else if CLIP {
                clip_value(*w, col.consensus)
            } else {
                Some(*w)
            };
            let mut v = 0_u64;
            if let Some(x) = new {
                // x ≤ 1 and stake < 1: x · stake < 2^64, and the product is below 2^32, so
                // below the divisor's fast limit.
                let p = x.to_bits().cast_unsigned().wrapping_mul(stake) >> 32;
                v = mul(alpha, col.delta.div_in_range(p));
            }
            if let Some(&(oj, ob)) = old.get(b)
                && oj == *j
            {
                b = b.wrapping_add(1);
                if col.kept {
                    v = v.wrapping_add(old_term(col, ob));
                }
            }
            // Entries without a new or an old term are 0 and not stored, as upstream.
            put(ema, acc, *j, v);
        }
        for &(oj, ob) in old.get(b..).unwrap_or(&[]) {
            if let Some(col) = t.column(oj).filter(|c| c.kept) {
                put(ema, acc, oj, old_term(col, ob));
            }
        }
    }
    ema.end_row();
}

/// [`unit_row`] when every old column is a weight column (the common case: bonds from the
/// previous epoch, less the entries stored as 0); `EQUAL`: the columns are the same. One entry
/// per weight column, in order, written in place.
#[inline(always)]
fn within_row<const CLIP: bool, const STAKED: bool, const EQUAL: bool>(
    ema: &mut Csr,
    acc: &mut [(I32F32, I32F32)],
    t: &OriginalTerms<'_>,
    (cols, vals): (&[u16], &[I32F32]),
    old: &[(u16, u16)],
    s: I32F32,
) {
    let stake = s.to_bits().cast_unsigned();
    let alpha = u128::from(t.alpha.to_bits().cast_unsigned());
    let oma = u128::from(t.one_minus_alpha.to_bits().cast_unsigned());
    // floor(x · y / 2^32) for x, y ≤ 2^32: at most 2^32, so the narrowing is exact.
    #[allow(clippy::cast_possible_truncation)]
    let mul = |x: u128, y: u64| -> u64 { (x.wrapping_mul(u128::from(y)) >> 32) as u64 };
    let (out_cols, out_vals) = ema.open_slots(cols.len(), I32F32::ZERO);
    // Every entry is written at the next free slot, which only advances past positive ones (zero
    // entries are not stored upstream). Adding a zero changes neither column sum nor maximum.
    let mut k = 0_usize;
    let mut b = 0_usize;
    for (i, (j, w)) in cols.iter().zip(vals).enumerate() {
        let ob = if EQUAL {
            old.get(i).map(|o| o.1)
        } else {
            match old.get(b) {
                Some(&(oj, ob)) if oj == *j => {
                    b = b.wrapping_add(1);
                    Some(ob)
                }
                _ => None,
            }
        };
        let Some(col) = t.column(*j) else { continue };
        let new = if !STAKED {
            None
        } else if CLIP {
            clip_value(*w, col.consensus)
        } else {
            Some(*w)
        };
        let mut v = 0_u64;
        if let Some(x) = new {
            // As in `unit_row`: below the divisor's fast limit.
            let p = x.to_bits().cast_unsigned().wrapping_mul(stake) >> 32;
            v = mul(alpha, col.delta.div_in_range(p));
        }
        if let Some(ob) = ob
            && col.kept
        {
            // As in `unit_row`: b · 2^32 < 2^48 over an exact integer column sum.
            v = v.wrapping_add(mul(oma, col.bond.div_in_range(u64::from(ob) << 32)));
        }
        let positive = v != 0;
        let v = I32F32::from_bits(v.cast_signed());
        if let (Some(oc), Some(ov)) = (out_cols.get_mut(k), out_vals.get_mut(k)) {
            *oc = *j;
            *ov = v;
        }
        k = k.wrapping_add(usize::from(positive));
        if let Some((s, m)) = acc.get_mut(usize::from(*j)) {
            *s = s.saturating_add(v);
            if *m < v {
                *m = v;
            }
        }
    }
    ema.truncate_row(k);
}

/// Whether every column of the strictly ascending `old` is one of the strictly ascending `cols`.
#[inline(always)]
fn old_within(old: &[(u16, u16)], cols: &[u16]) -> bool {
    if old.len() > cols.len() {
        return false;
    }
    let mut b = 0_usize;
    for j in cols {
        if old.get(b).is_some_and(|o| o.0 == *j) {
            b = b.wrapping_add(1);
        }
    }
    b == old.len()
}

/// `mat_ema_sparse(ΔB normalised, bonds normalised)` plus column sums and maxima of the result.
/// Rows of sorted weights and bonds are merged in one tight pass (clipping, ΔB and both
/// normalisations on the fly); other rows go through the generic merge or scratch row.
#[inline(never)]
pub(super) fn original_ema(
    ctx: &BondsContext<'_>,
    t: &OriginalTerms<'_>,
) -> (Csr, Vec<I32F32>, Vec<I32F32>) {
    let n = ctx.n;
    let mut ema = Csr::recycled(n, ctx.wfb.nnz().saturating_add(ctx.bonds.nnz()));
    let mut acc = vec![(I32F32::ZERO, I32F32::ZERO); n];
    let mut scratch: Option<Scratch> = None;
    for i in 0..n {
        let s = at(ctx.active_stake, i);
        let old = ctx.bonds.raw(i);
        let fast = match ctx.wfb {
            Wfb::Weights(w) | Wfb::Clipped(w, _) => Some(*w),
            Wfb::Interpolated(_) => None,
        }
        .filter(|w| at(&w.ascending, i) && strictly_ascending_pairs(old));
        if let Some(weights) = fast
            && t.unit
            && at(&weights.unit, i)
            && s.to_bits().cast_unsigned() < 1 << 32
        {
            // The loop-invariant choices become separate loops.
            let row = weights.csr.row(i);
            match (t.clip, s != I32F32::ZERO) {
                (true, true) => unit_row::<true, true>(&mut ema, &mut acc, t, row, old, s),
                (false, true) => unit_row::<false, true>(&mut ema, &mut acc, t, row, old, s),
                (_, false) => unit_row::<false, false>(&mut ema, &mut acc, t, row, old, s),
            }
            continue;
        } else if let Some(weights) = fast {
            let (cols, vals) = weights.csr.row(i);
            let mut b = 0_usize;
            for (j, w) in cols.iter().zip(vals) {
                // Old entries at columns before j (a column ≥ n never matches, see below).
                while let Some(&(oj, ob)) = old.get(b) {
                    if oj >= *j {
                        break;
                    }
                    b = b.saturating_add(1);
                    if let Some(col) = t.column(oj).filter(|c| c.kept) {
                        emit(&mut ema, &mut acc, oj, t.old_term(col, ob));
                    }
                }
                let Some(col) = t.column(*j) else { continue };
                let new = if s == I32F32::ZERO {
                    None
                } else if t.clip {
                    clip_value(*w, col.consensus)
                } else {
                    Some(*w)
                };
                let mut old_here = None;
                if let Some(&(oj, ob)) = old.get(b)
                    && oj == *j
                {
                    b = b.saturating_add(1);
                    if col.kept {
                        old_here = Some(ob);
                    }
                }
                let v = match (new, old_here) {
                    (Some(w), Some(ob)) => {
                        t.new_term(col, w, s).saturating_add(t.old_term(col, ob))
                    }
                    (Some(w), None) => t.new_term(col, w, s),
                    (None, Some(ob)) => t.old_term(col, ob),
                    (None, None) => continue,
                };
                emit(&mut ema, &mut acc, *j, v);
            }
            for &(oj, ob) in old.get(b..).unwrap_or(&[]) {
                if let Some(col) = t.column(oj).filter(|c| c.kept) {
                    emit(&mut ema, &mut acc, oj, t.old_term(col, ob));
                }
            }
        } else {
            let new = ctx.wfb.entries(i).take(if s == I32F32::ZERO { 0 } else { usize::MAX });
            let new_term =
                |j: u16, w: I32F32| t.column(j).map_or(I32F32::ZERO, |c| t.new_term(c, w, s));
            let old_term = |j: u16, b: u16| t.column(j).map_or(I32F32::ZERO, |c| t.old_term(c, b));
            if ctx.wfb.ascending(i) && strictly_ascending_pairs(old) {
                merge_row(&mut ema, ctx.bonds, new, old, new_term, old_term);
            } else {
                let sc = scratch.get_or_insert_with(|| Scratch::new(n));
                scratch_row(&mut ema, sc, ctx.bonds, new, old, new_term, old_term);
            }
            let (cols, vals) = ema.open_row_mut();
            for (j, v) in cols.iter().zip(vals.iter()) {
                if let Some((s, m)) = acc.get_mut(usize::from(*j)) {
                    *s = s.saturating_add(*v);
                    if *m < *v {
                        *m = *v;
                    }
                }
            }
        }
        ema.end_row();
    }
    let (sums, maxes) = acc.into_iter().unzip();
    (ema, sums, maxes)
}
