//! Stored bonds and the `mat_ema_sparse` row merge shared by the bond models.

use super::super::csr::Csr;
use super::{Row, Scratch, Wfb};
use crate::fixed::{FixedDivisor, I32F32};
use crate::input::{EpochInput, SparseRow};

/// Stored bonds of rows `< n` as they lie in the input; entries whose column registered since
/// `last_tempo` (§5.1.2) are skipped when read.
pub(super) struct StoredBonds<'a> {
    rows: &'a [SparseRow],
    /// Per column `< n`: masked as recently registered.
    recent: Vec<bool>,
    /// Whether columns `≥ n` (block at registration 0) are masked.
    recent_beyond: bool,
    n: usize,
}

impl<'a> StoredBonds<'a> {
    pub(super) fn new(input: &'a EpochInput, registered: &[u64], last_tempo: u64) -> Self {
        let n = input.len();
        Self {
            rows: input.bonds.get(..n).unwrap_or(&input.bonds),
            recent: registered.iter().map(|r| last_tempo <= *r).collect(),
            recent_beyond: last_tempo == 0,
            n,
        }
    }

    /// Stored row `i`, unmasked.
    pub(super) fn raw(&self, i: usize) -> &'a [(u16, u16)] {
        self.rows.get(i).map_or(&[], Vec::as_slice)
    }

    /// Whether an entry at column `j` survives the mask.
    #[inline]
    pub(super) fn kept(&self, j: u16) -> bool {
        !self.recent.get(usize::from(j)).copied().unwrap_or(self.recent_beyond)
    }

    /// Kept entries of row `i` with values mapped by `f`.
    pub(super) fn decoded(&self, i: usize, f: impl Fn(u16) -> I32F32) -> Row {
        self.raw(i).iter().filter(|(j, _)| self.kept(*j)).map(|&(j, b)| (j, f(b))).collect()
    }

    pub(super) fn nnz(&self) -> usize {
        self.rows.iter().map(Vec::len).sum()
    }
}

/// Merges one row of `mat_ema_sparse` in column order (new term added before the old one per
/// column, as upstream's accumulator); pushes positive sums. `new` must be strictly ascending
/// and `old` (the raw stored row) too; masked old entries and columns `≥ n` are skipped.
#[inline]
pub(super) fn merge_row(
    out: &mut Csr,
    bonds: &StoredBonds<'_>,
    new: impl Iterator<Item = (u16, I32F32)>,
    old: &[(u16, u16)],
    new_term: impl Fn(u16, I32F32) -> I32F32,
    old_term: impl Fn(u16, u16) -> I32F32,
) {
    let n = bonds.n;
    let mut old = old
        .iter()
        .copied()
        .take_while(|(j, _)| usize::from(*j) < n)
        .filter(|(j, _)| bonds.kept(*j));
    let mut pending = old.next();
    for (j, w) in new {
        while let Some((oj, ov)) = pending.filter(|(oj, _)| *oj < j) {
            let v = old_term(oj, ov);
            if v > I32F32::ZERO {
                out.push(oj, v);
            }
            pending = old.next();
        }
        let mut v = new_term(j, w);
        if let Some((oj, ov)) = pending.filter(|(oj, _)| *oj == j) {
            v = v.saturating_add(old_term(oj, ov));
            pending = old.next();
        }
        if v > I32F32::ZERO {
            out.push(j, v);
        }
    }
    while let Some((oj, ov)) = pending {
        let v = old_term(oj, ov);
        if v > I32F32::ZERO {
            out.push(oj, v);
        }
        pending = old.next();
    }
}

/// The scratch-row form of one `mat_ema_sparse` row, for unsorted or repeated columns:
/// accumulate all new terms, then all kept old terms, in row order; emit positive cells by
/// column.
pub(super) fn scratch_row(
    out: &mut Csr,
    s: &mut Scratch,
    bonds: &StoredBonds<'_>,
    new: impl Iterator<Item = (u16, I32F32)>,
    old: &[(u16, u16)],
    new_term: impl Fn(u16, I32F32) -> I32F32,
    old_term: impl Fn(u16, u16) -> I32F32,
) {
    for (j, v) in new {
        s.touch(j);
        if let Some(c) = s.acc.get_mut(usize::from(j)) {
            *c = c.saturating_add(new_term(j, v));
        }
    }
    for (j, v) in old.iter().filter(|(j, _)| bonds.kept(*j)) {
        s.touch(*j);
        if let Some(c) = s.acc.get_mut(usize::from(*j)) {
            *c = c.saturating_add(old_term(*j, *v));
        }
    }
    for j in s.sorted_touched() {
        if let Some(c) = s.acc.get_mut(usize::from(j)) {
            if *c > I32F32::ZERO {
                out.push(j, *c);
            }
            *c = I32F32::ZERO;
        }
    }
}

/// `mat_ema_sparse(weights_for_bonds ∘ scale, stored bonds)`: per row, `new_term(j, w, row
/// scale)` for the entries of `weights_for_bonds` (all rows, or only those with a non-zero
/// scale) and `old_term(j, b)` for the kept stored bonds.
pub(super) fn ema_union(
    ctx: &BondsContext<'_>,
    scale: impl Fn(usize) -> Option<I32F32>,
    new_term: impl Fn(u16, I32F32, I32F32) -> I32F32,
    old_term: impl Fn(u16, u16) -> I32F32 + Copy,
) -> Csr {
    let n = ctx.n;
    let mut ema = Csr::recycled(n, ctx.wfb.nnz().max(ctx.bonds.nnz()));
    let mut scratch: Option<Scratch> = None;
    for i in 0..n {
        let old = ctx.bonds.raw(i);
        let row_scale = scale(i);
        let new = ctx.wfb.entries(i).take(if row_scale.is_some() { usize::MAX } else { 0 });
        let s = row_scale.unwrap_or_default();
        let term = |j: u16, w: I32F32| new_term(j, w, s);
        if ctx.wfb.ascending(i) && strictly_ascending_pairs(old) {
            merge_row(&mut ema, ctx.bonds, new, old, term, old_term);
        } else {
            let sc = scratch.get_or_insert_with(|| Scratch::new(n));
            scratch_row(&mut ema, sc, ctx.bonds, new, old, term, old_term);
        }
        ema.end_row();
    }
    ema
}

pub(super) fn strictly_ascending_pairs(row: &[(u16, u16)]) -> bool {
    row.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0))
}

/// Everything the bond models read.
pub(super) struct BondsContext<'a> {
    pub(super) n: usize,
    pub(super) wfb: &'a Wfb<'a>,
    pub(super) bonds: &'a StoredBonds<'a>,
    pub(super) incentive: &'a [I32F32],
    pub(super) active_stake: &'a [I32F32],
    pub(super) new_permits: &'a [bool],
    pub(super) want_trace: bool,
}

pub(super) struct BondsOut {
    pub(super) dividends: Vec<I32F32>,
    /// Rows to store (u16), already emptied for uids without a new permit.
    pub(super) bonds: Vec<SparseRow>,
    /// New bonds before u16 conversion, for the trace.
    pub(super) trace_ema: Option<Csr>,
    pub(super) liquid_alphas: Option<Vec<Vec<I32F32>>>,
}

/// Divisors of `inplace_col_normalize_sparse`: a zero sum leaves its column unchanged, which is
/// division by one.
pub(super) fn column_divisors(sums: &[I32F32]) -> Vec<FixedDivisor> {
    sums.iter()
        .map(|s| if *s == I32F32::ZERO { FixedDivisor::identity() } else { FixedDivisor::new(*s) })
        .collect()
}

#[inline(always)]
pub(super) fn divide(divisors: &[FixedDivisor], j: u16, v: I32F32) -> I32F32 {
    divisors.get(usize::from(j)).map_or(v, |d| d.safe_div(v))
}

/// Saturating column sums (columns `< n`) and maxima (from 0).
pub(super) fn column_sums_and_maxes(m: &Csr, n: usize) -> (Vec<I32F32>, Vec<I32F32>) {
    let mut sums = vec![I32F32::ZERO; n];
    let mut maxes = vec![I32F32::ZERO; n];
    let (cols, vals) = m.entries();
    for (j, v) in cols.iter().zip(vals) {
        let ju = usize::from(*j);
        if let (Some(s), Some(x)) = (sums.get_mut(ju), maxes.get_mut(ju)) {
            *s = s.saturating_add(*v);
            if *x < *v {
                *x = *v;
            }
        }
    }
    (sums, maxes)
}
