//! §5.2: Yuma3 bonds and dividends, with and without liquid alpha.

use super::super::common::at;
use super::super::csr::Csr;
use super::Row;
use super::ema::{
    BondsContext, BondsOut, column_divisors, column_sums_and_maxes, divide, ema_union,
    strictly_ascending_pairs,
};
use crate::fixed::{I32F32, fixed_proportion_to_u16, u16_proportion_to_fixed};
use crate::hyperparameters::Hyperparameters;
use crate::input::SparseRow;
use crate::math::liquid_alpha::{
    AlphaSigmoid, ema_alpha_yuma3, liquid_alpha_matrix_sparse, merge_walk_row,
};
use crate::math::vector::inplace_normalize;

/// §5.2, Yuma3.
#[inline(never)]
pub(super) fn yuma3_bonds(
    ctx: &BondsContext<'_>,
    hp: &Hyperparameters,
    consensus: &[I32F32],
) -> BondsOut {
    let n = ctx.n;
    let use_liquid = hp.liquid_alpha && consensus.iter().any(|c| *c != I32F32::ZERO);
    let mut liquid_alphas = None;
    let ema = if use_liquid {
        let sigmoid = AlphaSigmoid::new(hp.alpha_low, hp.alpha_high, hp.alpha_sigmoid_steepness);
        if ctx.want_trace {
            let bonds: Vec<Row> =
                (0..n).map(|i| ctx.bonds.decoded(i, u16_proportion_to_fixed)).collect();
            let wfb: Vec<Row> = (0..n).map(|i| ctx.wfb.entries(i).collect()).collect();
            liquid_alphas = Some(liquid_alpha_matrix_sparse(&sigmoid, &wfb, &bonds, consensus));
        }
        ema_liquid(ctx, consensus, &sigmoid)
    } else {
        let alpha = ema_alpha_yuma3(hp.bonds_moving_average);
        let one_minus_alpha = I32F32::ONE.saturating_sub(alpha);
        ema_union(
            ctx,
            |_| Some(I32F32::ONE),
            |_, w, _| alpha.saturating_mul(w),
            |_, b| one_minus_alpha.saturating_mul(u16_proportion_to_fixed(b)),
        )
    };

    // Dividends from the column-normalised EMA; the EMA itself is stored.
    let (sums, _) = column_sums_and_maxes(&ema, n);
    let divs = column_divisors(&sums);
    let mut bonds: Vec<SparseRow> = vec![Vec::new(); n];
    let mut dividends: Vec<I32F32> = bonds
        .iter_mut()
        .enumerate()
        .map(|(i, out)| {
            let (cols, vals) = ema.row(i);
            let keep = at(ctx.new_permits, i);
            if keep {
                out.reserve_exact(cols.len());
            }
            let mut tbv = I32F32::ZERO;
            for (j, v) in cols.iter().zip(vals) {
                if let Some(x) = ctx.incentive.get(usize::from(*j)) {
                    tbv = tbv.wrapping_add(divide(&divs, *j, *v).saturating_mul(*x));
                }
                if keep {
                    out.push((*j, fixed_proportion_to_u16(*v)));
                }
            }
            tbv.checked_mul(at(ctx.active_stake, i)).unwrap_or_default()
        })
        .collect();
    inplace_normalize(&mut dividends);
    let trace_ema = if ctx.want_trace {
        Some(ema)
    } else {
        ema.recycle();
        None
    };
    BondsOut { dividends, bonds, trace_ema, liquid_alphas }
}

/// `mat_ema_alpha_sparse` with the alphas of `liquid_alpha_matrix_sparse`, evaluated only for the
/// entries of `weights_for_bonds`.
#[inline(never)]
pub(super) fn ema_liquid(
    ctx: &BondsContext<'_>,
    consensus: &[I32F32],
    sigmoid: &AlphaSigmoid,
) -> Csr {
    let n = ctx.n;
    let mut out = Csr::recycled(n, ctx.wfb.nnz());
    let mut last_bond: Vec<Option<I32F32>> = Vec::new();
    let mut w_row = Row::new();
    let emit = |out: &mut Csr, j: u16, w: I32F32, alpha: I32F32, old: Option<I32F32>| {
        let decayed =
            old.map_or(I32F32::ZERO, |b| I32F32::ONE.saturating_sub(alpha).saturating_mul(b));
        let inc = alpha.saturating_mul(w).max(I32F32::ZERO);
        let v = decayed.saturating_add(inc).min(I32F32::ONE);
        if v > I32F32::ZERO {
            out.push(j, v);
        }
    };
    for i in 0..n {
        let old = ctx.bonds.raw(i);
        if ctx.wfb.ascending(i) && strictly_ascending_pairs(old) {
            // The merge walk sees exactly the stored values; the only old entry of a column is
            // the one the decay uses. Masked entries do not exist for it.
            let mut p = 0_usize;
            for (j, w) in ctx.wfb.entries(i) {
                while old.get(p).is_some_and(|(c, _)| *c < j || !ctx.bonds.kept(*c)) {
                    p = p.saturating_add(1);
                }
                let bond =
                    old.get(p).filter(|(c, _)| *c == j).map(|(_, b)| u16_proportion_to_fixed(*b));
                let c = at(consensus, usize::from(j));
                let alpha = sigmoid.alpha(c, w, bond.unwrap_or_default());
                emit(&mut out, j, w, alpha, bond);
            }
        } else {
            // Unsorted or repeated columns: reproduce what the walk reads (it can miss entries)
            // and the decay's "last assignment wins".
            ctx.wfb.decode(i, &mut w_row);
            let b_row = ctx.bonds.decoded(i, u16_proportion_to_fixed);
            let seen_w = merge_walk_row(&w_row, n);
            let seen_b = merge_walk_row(&b_row, n);
            last_bond.clear();
            last_bond.resize(n, None);
            for (j, b) in &b_row {
                if let Some(l) = last_bond.get_mut(usize::from(*j)) {
                    *l = Some(*b);
                }
            }
            for (j, w) in &w_row {
                let ju = usize::from(*j);
                let alpha = sigmoid.alpha(at(consensus, ju), at(&seen_w, ju), at(&seen_b, ju));
                emit(&mut out, *j, *w, alpha, last_bond.get(ju).copied().flatten());
            }
        }
        out.end_row();
    }
    out
}
