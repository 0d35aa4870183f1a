//! Original Yuma (§3.4–§5.1) in one pass over column blocks.
//!
//! Everything original Yuma computes per weight after the row normalisation is a function of the
//! weight's *column*: the consensus median, the clipping threshold, ΔB's column sum (the ranks),
//! the stored bonds' column sum, the EMA's column sum and maximum. So instead of a median pass,
//! an EMA pass writing a whole matrix and a final pass reading it back, each cache-sized block of
//! columns is transposed once (weights and stored bonds) and then, column by column:
//!
//! 1. the median selects the consensus;
//! 2. one walk over the column's weights adds its clipped weights to the validators' trust and
//!    sums the ranks (ΔB's column sum), keeping each row's ΔB numerator;
//! 3. one merge of those with the column's stored bonds (both in row order) gives the EMA
//!    entries with their column sum and maximum;
//! 4. one walk over the EMA entries writes the stored u16 bonds (appended to their rows: columns
//!    are visited in ascending order, which is the row order upstream emits) and keeps the
//!    column-normalised entries, the only thing the dividends still need;
//! 5. after the last block, the dividends are one pass over the kept entries, weighted by
//!    incentive (which needs the sum of *all* ranks, hence the wait).
//!
//! Steps 1–5 run on `f64` lanes where the CPU has AVX2 and FMA ([`super::lanes`]: exact floors,
//! the same bits) — the normalisation four slots per register, steps 2–4 four columns per
//! register (one column per lane; twice that per register with AVX-512) — and on the integer
//! kernels below otherwise. Blocks are transposed four slots at a time with the cursors in
//! registers, dense stretches in one call; columns without weights or bonds are skipped
//! (consensus, rank and EMA 0).
//!
//! Only the unit-range case runs here (see [`original_fused`] for the conditions): every operand
//! is then in [0, 1] and every sum stays far below 2^63, so the saturating products and sums are
//! plain multiply-and-shifts and exact additions, which do not depend on the order terms are
//! added in. That order is the one thing that changes (columns first instead of rows first), so
//! exactness rests on it; anything else falls back to the row-wise path.

use std::cell::RefCell;

use super::super::common::at;
use super::ema::{StoredBonds, strictly_ascending_pairs};
use super::lanes::{Lanes, QUAD, QuadIn, RUN, available as lanes_available};
use super::original::column_divisor;
use super::raw::RawWeights;
use super::{clip_value, is_unit};
use crate::fixed::float::FloatDivisor;
use crate::fixed::{FixedDivisor, I32F32, U64Divisor, UnitDivisor, sum, u16_proportion_to_fixed};
use crate::hyperparameters::Hyperparameters;
use crate::input::SparseRow;
use crate::math::liquid_alpha::ema_alpha_normal;
use crate::math::median::PackedMedian;
use crate::math::vector::inplace_normalize;

/// The hyperparameters the fused path computes with, from [`applies`].
#[derive(Clone, Copy, Debug)]
pub(super) struct FusedParams {
    /// Consensus majority.
    pub(super) kappa: I32F32,
    /// Original Yuma's EMA keep-fraction (times 10^6).
    pub(super) bonds_moving_average: u64,
    /// `weights_for_bonds` are the clipped weights (bonds penalty 1), else the weights (0).
    pub(super) clip: bool,
}

/// Whether the fused path may compute an epoch with `hp` (`want_trace`: the caller wants the
/// intermediates, which the fused path never materialises), and with which parameters.
///
/// The one place that decides which hyperparameters the fused path handles. Every field of
/// [`Hyperparameters`] is named below (no `..`), so a new hyperparameter does not compile until it
/// is classified here: read before the paths split (both honour it), passed to the fused path,
/// or a reason to fall back to the row-wise path. Data-dependent preconditions (unit-range rows,
/// sorted bonds, …) are checked by [`original_fused`] itself.
pub(super) fn applies(hp: &Hyperparameters, want_trace: bool) -> Option<FusedParams> {
    let Hyperparameters {
        // Read before the split, by `common` (stake, permits, activity, registration masks) and
        // `RawWeights::scan` (owner self-weight): both paths see their effect.
        max_allowed_validators: _,
        activity_cutoff: _,
        tempo: _,
        stake_threshold: _,
        owner_uid: _,
        tao_weight: _,
        // Passed through.
        kappa,
        bonds_moving_average,
        // Decide the path.
        yuma3,
        bonds_penalty,
        // Yuma3 only (SPEC §5.2): original Yuma ignores them.
        liquid_alpha: _,
        alpha_low: _,
        alpha_high: _,
        alpha_sigmoid_steepness: _,
    } = hp;
    if *yuma3 || want_trace {
        return None;
    }
    let bp = u16_proportion_to_fixed(*bonds_penalty);
    let clip = if bp == I32F32::ZERO {
        false
    } else if bp == I32F32::ONE {
        true
    } else {
        return None;
    };
    Some(FusedParams {
        kappa: u16_proportion_to_fixed(*kappa),
        bonds_moving_average: *bonds_moving_average,
        clip,
    })
}

/// What [`original_fused`] reads.
pub(super) struct FusedInput<'a> {
    pub(super) n: usize,
    pub(super) weights: &'a RawWeights<'a>,
    /// Block at registration per uid.
    pub(super) registered: &'a [u64],
    pub(super) active_stake: &'a [I32F32],
    pub(super) bonds: &'a StoredBonds<'a>,
    pub(super) new_permits: &'a [bool],
    /// The hyperparameters, as [`applies`] passed them.
    pub(super) params: FusedParams,
    /// Use the integer column kernels even where the `f64` lanes could run (tests compare both).
    pub(super) integer_only: bool,
}

/// The epoch's outputs up to the emission split.
pub(super) struct Fused {
    pub(super) consensus: Vec<I32F32>,
    pub(super) validator_trust: Vec<I32F32>,
    pub(super) incentive: Vec<I32F32>,
    pub(super) dividends: Vec<I32F32>,
    /// Rows to store (u16), empty for uids without a new permit.
    pub(super) bonds: Vec<SparseRow>,
}

/// `floor(x · y / 2^32)` for `x, y ≤ 2^32`: at most 2^32, so the narrowing is exact.
#[inline(always)]
fn mul(x: u64, y: u64) -> u64 {
    #[allow(clippy::cast_possible_truncation)]
    let p = (u128::from(x).wrapping_mul(u128::from(y)) >> 32) as u64;
    p
}

/// Slot number in the low 16 bits of a packed entry.
#[inline(always)]
fn row_of(x: u64) -> usize {
    usize::from(x as u16)
}

/// Original Yuma with a bonds penalty of 0 or 1, or `None` when a precondition fails (the caller
/// then runs the row-wise path, which handles every input). Preconditions, checked up front
/// where possible and per column otherwise:
///
/// * every row with active stake is sorted and in [0, 1], and every active stake is below 1
///   (so each ΔB numerator `w · s` is below 2^32);
/// * the median's packed form applies (exact stake sums, see [`PackedMedian::new`]);
/// * `α ∈ [0, 1]`, stored bond rows are sorted and their column sums (u16 integers) are below
///   2^31, so the old terms `B / ΣB` stay in [0, 1];
/// * each EMA column passes the unit test of original Yuma's last pass (`FinalColumn::unit`).
///
/// Under them every term below is the floor the saturating operation gives, and every sum is
/// exact: trust, ranks, EMA column sums and dividends add at most 2^16 terms of at most 2^32.
#[inline(never)]
pub(super) fn original_fused(x: &FusedInput<'_>) -> Option<Fused> {
    let n = x.n;
    let w = x.weights;
    let rows: Vec<usize> = (0..n).filter(|&i| at(x.active_stake, i) > I32F32::ZERO).collect();
    if rows.is_empty()
        || !rows.iter().all(|&i| w.unit_ascending(i))
        || !(0..n).all(|i| w.sum(i) < 1 << 31)
        || !x.active_stake.iter().all(|s| s.to_bits().cast_unsigned() < 1 << 32)
    {
        return None;
    }
    let mut use_stake: Vec<I32F32> = rows.iter().map(|&i| at(x.active_stake, i)).collect();
    inplace_normalize(&mut use_stake);
    let total = sum(&use_stake);
    let members = PackedMedian::new(&use_stake, total, total.saturating_sub(x.params.kappa))?;

    // Stored bonds: exact column sums of the u16 values (fewer than 2^16 rows cannot wrap a
    // u64), masked columns excluded.
    let alpha = ema_alpha_normal(x.params.bonds_moving_average);
    if !is_unit(alpha) {
        return None;
    }
    let alpha = alpha.to_bits().cast_unsigned();
    let one_minus_alpha = (1_u64 << 32).wrapping_sub(alpha);
    // With the lanes, the column sums come from the transposed block (see `Lanes::bond_sum`)
    // and the order is checked after the walk (a row out of order stalls its cursor).
    let use_lanes = !x.integer_only && lanes_available();
    let mut exact = vec![0_u64; n];
    let mut bond_rows: Vec<usize> = Vec::new();
    for i in 0..n {
        let raw = x.bonds.raw(i);
        if raw.is_empty() {
            continue;
        }
        bond_rows.push(i);
        if use_lanes {
            continue;
        }
        if !strictly_ascending_pairs(raw) {
            return None;
        }
        for (j, b) in raw {
            if let Some(s) = exact.get_mut(usize::from(*j)) {
                *s = s.wrapping_add(u64::from(*b));
            }
        }
    }
    let kept: Vec<bool> = (0..n).map(|j| u16::try_from(j).is_ok_and(|j| x.bonds.kept(j))).collect();
    for (s, k) in exact.iter_mut().zip(&kept) {
        if !*k {
            *s = 0;
        }
        if *s >= 1 << 31 {
            return None;
        }
    }
    // The integer kernels' divisors (a 128-bit division each), only where they will run.
    let bond_divs: Vec<FixedDivisor> = if !use_lanes {
        exact.iter().map(|s| column_divisor(I32F32::from_bits((*s << 32).cast_signed()))).collect()
    } else {
        Vec::new()
    };

    // Slots: the rows with active stake (their weights) or stored bonds, in row order. A block
    // of columns is a dense `columns × slots` table of weights and of bonds, 0 where a row has
    // no entry. An absent entry and a 0 give the same EMA terms (0), so every column is
    // processed positionally, without merging rows. Sparse weight matrices would make the
    // tables mostly zeros: they take the row-wise path.
    let mut slot_rows: Vec<usize> = Vec::with_capacity(rows.len().max(bond_rows.len()));
    {
        let (mut a, mut b) = (rows.iter().peekable(), bond_rows.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(&&i), None) | (None, Some(&&i)) => i,
                (Some(&&i), Some(&&j)) => i.min(j),
            };
            a.next_if(|&&i| i == next);
            b.next_if(|&&j| j == next);
            slot_rows.push(next);
        }
    }
    let r = slot_rows.len();
    let listed_nnz: usize = rows.iter().map(|&i| w.kept(i)).sum();
    if r > usize::from(u16::MAX) || listed_nnz < r.saturating_mul(n) / 4 {
        return None;
    }
    let slot_stake: Vec<u64> =
        slot_rows.iter().map(|&i| at(x.active_stake, i).to_bits().cast_unsigned()).collect();
    let mut stake_by_slot = vec![I32F32::ZERO; r];
    {
        let mut listed = rows.iter().zip(&use_stake).peekable();
        for (&i, s) in slot_rows.iter().zip(stake_by_slot.iter_mut()) {
            if let Some((_, u)) = listed.next_if(|(row, _)| **row == i) {
                *s = *u;
            }
        }
    }
    let median = members.with_row_stakes(&stake_by_slot);
    // Columns per block: a multiple of four (the lanes take four columns at a time).
    let block = 32_768_usize.checked_div(r).unwrap_or(1).clamp(1, n.max(1)).next_multiple_of(QUAD);
    let stride = r.next_multiple_of(TILE);
    let mut wblk = vec![0_u16; block.saturating_mul(stride)];
    let mut bblk = vec![0_u16; block.saturating_mul(stride)];
    // Per slot: its weights as given (rows with active stake only; masked and normalised per
    // column) and its stored bonds, each with a cursor.
    let wrows: Vec<&[(u16, u16)]> = slot_rows
        .iter()
        .map(|&i| if at(x.active_stake, i) > I32F32::ZERO { w.row(i) } else { &[] })
        .collect();
    let mut wpos: Vec<(usize, usize)> = wrows.iter().map(|r| (0, r.len())).collect();
    // Columns where some slot's entry may be masked: registered at or after the earliest mask
    // block, or a listed row's own column (the diagonal: `diagonal[c]` is row c's slot).
    // Elsewhere no mask applies.
    let min_limit = w.min_limit(&rows);
    let mut diagonal: Vec<Option<usize>> = vec![None; n];
    for (k, &i) in slot_rows.iter().enumerate() {
        if at(x.active_stake, i) > I32F32::ZERO
            && let Some(d) = diagonal.get_mut(i)
        {
            *d = Some(k);
        }
    }
    let divisors: Vec<Option<U64Divisor>> = slot_rows.iter().map(|&i| w.divisor(i)).collect();
    // Stored bonds of the slots, with cursors as for the weights.
    let brows: Vec<&[(u16, u16)]> = slot_rows.iter().map(|&i| x.bonds.raw(i)).collect();
    let mut bpos: Vec<(usize, usize)> = brows.iter().map(|b| (0, b.len())).collect();

    let mut consensus = vec![I32F32::ZERO; n];
    let mut ranks = vec![I32F32::ZERO; n];
    let mut trust = vec![0_u64; r];
    // The new bond rows, with room for every entry a slot can get.
    let capacity: Vec<usize> =
        wrows.iter().zip(&brows).map(|(a, b)| a.len().saturating_add(b.len()).min(n)).collect();
    let mut bonds = RowSink::new(&capacity);
    let row_sums: Vec<u64> = slot_rows.iter().map(|&i| w.sum(i)).collect();
    let mut lanes =
        if use_lanes { Lanes::new(&slot_stake, &row_sums, alpha, x.params.clip, n) } else { None };
    // The setup above left the integer kernels' inputs out for the lanes: without them (the
    // same check, so not expected) the row-wise path runs instead.
    if use_lanes && lanes.is_none() {
        return None;
    }
    let width = lanes.as_ref().map_or(r, Lanes::len);
    // Integer kernels: column-normalised EMA entries `E << 16 | slot`, column after column;
    // `ends[c]` closes column c (the lanes keep their own table). Written before read, so the
    // reused buffer is grown without clearing.
    let mut normalised = take_spare();
    let most = if lanes.is_some() { 0 } else { listed_nnz.saturating_add(x.bonds.nnz()) };
    if normalised.len() < most {
        normalised.resize(most, 0);
    }
    let mut normalised_len = 0_usize;
    let mut ends: Vec<usize> = Vec::with_capacity(n);
    let mut scratch: Vec<u64> = Vec::with_capacity(width);
    let mut wcol: Vec<u64> = vec![0; r];
    let mut fresh: Vec<u64> = vec![0; r];
    let mut olds: Vec<u64> = vec![0; r];
    let mut ema: Vec<u64> = vec![0; r];
    let terms = Terms { alpha, one_minus_alpha };

    // Zeroes the masked entries of column c's weights (by slot) and says whether any is left.
    let mask = |raw: &mut [u16], c: usize| {
        let reg = at(x.registered, c);
        if reg >= min_limit {
            for (&i, v) in slot_rows.iter().zip(raw.iter_mut()) {
                if w.masked(i, c, reg) {
                    *v = 0;
                }
            }
        } else if let Some(v) = diagonal.get(c).copied().flatten().and_then(|k| raw.get_mut(k)) {
            // Below every row's registration limit only the diagonal can be masked: the entry
            // of row c itself (unless it is the owner's).
            if w.masked(c, c, reg) {
                *v = 0;
            }
        }
        any(raw)
    };
    // The bonds of lanes past the last column.
    let no_bonds = vec![0_u16; width];

    let mut c0 = 0_usize;
    while c0 < n {
        let c1 = c0.saturating_add(block).min(n);
        for k0 in (0..r).step_by(GROUP) {
            let k1 = k0.saturating_add(GROUP).min(r);
            let wtile = wpos.get_mut(k0..k1).unwrap_or(&mut []);
            let wsrc = wrows.get(k0..k1).unwrap_or(&[]);
            let table = wblk.get_mut(k0..).unwrap_or(&mut []);
            let weights_ordered = gather(wsrc, wtile, (c0, c1), stride, table, lanes.as_ref());
            let btile = bpos.get_mut(k0..k1).unwrap_or(&mut []);
            let bsrc = brows.get(k0..k1).unwrap_or(&[]);
            let table = bblk.get_mut(k0..).unwrap_or(&mut []);
            let bonds_ordered = gather(bsrc, btile, (c0, c1), stride, table, lanes.as_ref());
            // A run out of order (stored bonds are checked for order only as they are read).
            if !(weights_ordered && bonds_ordered) {
                return None;
            }
        }

        if let Some(l) = lanes.as_mut() {
            // Steps 1–4 four columns at a time (one per lane; blocks start at multiples of
            // four). Lanes past the block or the last column, and empty columns, hold no weights
            // and no bonds: their EMA is 0, so they add nothing and store no entry.
            for g0 in (c0..c1).step_by(QUAD) {
                let mut old_q = [&no_bonds[..]; QUAD];
                let mut consensus_q = [0_u64; QUAD];
                let mut bond_q: [Option<FloatDivisor>; QUAD] = [None; QUAD];
                let mut live = false;
                let lanes_q = old_q.iter_mut().zip(consensus_q.iter_mut()).zip(bond_q.iter_mut());
                for (j, ((old_j, consensus_j), bond_j)) in lanes_q.enumerate() {
                    let c = g0.wrapping_add(j);
                    let start = c.wrapping_sub(c0).wrapping_mul(stride);
                    let cells = start..start.wrapping_add(width);
                    let (Some(raw), Some(old), true) =
                        (wblk.get_mut(cells.clone()), bblk.get(cells), c < c1)
                    else {
                        l.clear(j);
                        continue;
                    };
                    if !mask(raw, c) && !any(old) {
                        l.clear(j);
                        continue;
                    }
                    live = true;
                    // 1. Normalised weights (§3.3.4) and the consensus over the positive ones.
                    scratch.resize(width, 0);
                    let (listed, range) = l.normalise(j, raw, &mut scratch);
                    let t = median.column_in(scratch.get_mut(..listed).unwrap_or(&mut []), range);
                    if let Some(out) = consensus.get_mut(c) {
                        *out = t;
                    }
                    *consensus_j = t.to_bits().cast_unsigned();
                    // Exact (fewer than 2^16 u16 terms); the unit-range precondition as above.
                    if at(&kept, c) {
                        let s = l.bond_sum(old);
                        if s >= 1 << 31 {
                            return None;
                        }
                        *bond_j = Some(FloatDivisor::new(s).unwrap_or_else(FloatDivisor::one));
                    }
                    *old_j = old;
                }
                let quad =
                    QuadIn { group: g0 / QUAD, old: old_q, consensus: consensus_q, bond: bond_q };
                if live {
                    // Steps 2–4 on f64 lanes (same bits, see `lanes`).
                    let rank = l.quad(&quad, &mut bonds.rows);
                    for (c, r) in (g0..c1).zip(rank) {
                        if let Some(rk) = ranks.get_mut(c) {
                            *rk = I32F32::from_bits(r.cast_signed());
                        }
                    }
                }
            }
            c0 = c1;
            continue;
        }

        for c in c0..c1 {
            let start = c.wrapping_sub(c0).wrapping_mul(stride);
            let raw = wblk.get_mut(start..start.wrapping_add(width)).unwrap_or(&mut []);
            let old = bblk.get(start..start.wrapping_add(width)).unwrap_or(&[]);
            // A column without weights or bonds has consensus, rank and EMA 0: nothing to do.
            if !mask(raw, c) && !any(old) {
                ends.push(normalised_len);
                continue;
            }

            // 1. Normalised weights (§3.3.4) and the consensus over the positive ones, keyed
            // `w << 16 | slot`.
            scratch.resize(width, 0);
            let (mut listed, mut lo, mut hi) = (0_usize, u64::MAX, 0_u64);
            for (k, ((v, d), wc)) in (0_u64..).zip(raw.iter().zip(&divisors).zip(wcol.iter_mut())) {
                *wc = RawWeights::normalised(*d, *v);
                let key = (*wc << 16) | k;
                if let Some(slot) = scratch.get_mut(listed) {
                    *slot = key;
                }
                listed = listed.wrapping_add(usize::from(*wc != 0));
                if *wc != 0 {
                    lo = lo.min(key);
                    hi = hi.max(key);
                }
            }
            let t_fixed = median.column_in(scratch.get_mut(..listed).unwrap_or(&mut []), (lo, hi));
            if let Some(out) = consensus.get_mut(c) {
                *out = t_fixed;
            }
            let t = t_fixed.to_bits().cast_unsigned();

            // 2. Trust, ranks (ΔB's column sum), ΔB numerators and old terms.
            let bond_div = at(&kept, c).then(|| {
                UnitDivisor::new(&bond_divs.get(c).copied().unwrap_or_else(FixedDivisor::identity))
            });
            let slots = Slots { weights: &wcol, old, stake: &slot_stake };
            let out = (&mut trust[..], &mut fresh[..], &mut olds[..]);
            let (rank, delta_sum) = if x.params.clip {
                fold::<true>(&slots, t, &terms, bond_div, out)
            } else {
                fold::<false>(&slots, t, &terms, bond_div, out)
            };
            if let Some(rk) = ranks.get_mut(c) {
                *rk = I32F32::from_bits(rank.cast_signed());
            }

            // 3. EMA entries with their column sum and maximum. Every numerator below is at
            // most its divisor (a term of the sum, or of the maximum), as `UnitDivisor` needs.
            let delta_div =
                UnitDivisor::new(&column_divisor(I32F32::from_bits(delta_sum.cast_signed())));
            let (col_sum, col_max) = terms.ema(&fresh, &olds, delta_div, &mut ema);

            // 4. Storage form and normalised entries (original Yuma's last pass, per column).
            if col_max != 0 {
                let max = I32F32::from_bits(col_max.cast_signed());
                let sum_div = column_divisor(I32F32::from_bits(col_sum.cast_signed()));
                let normalised_max = sum_div.safe_div(max);
                let max_div = column_divisor(normalised_max);
                if !(sum_div.in_range_up_to(max)
                    && is_unit(normalised_max)
                    && max_div.in_range_up_to(normalised_max))
                {
                    return None;
                }
                let col = u16::try_from(c).ok()?;
                let divs = (UnitDivisor::new(&sum_div), UnitDivisor::new(&max_div));
                normalised_len =
                    finish(&ema, col, divs, &mut bonds, (&mut normalised, normalised_len));
            }
            ends.push(normalised_len);
        }
        c0 = c1;
    }

    // Every stored bond row was strictly ascending: its cursor passed all columns below n, and
    // what is left (columns ≥ n, never read) is ascending too.
    if use_lanes
        && !brows.iter().zip(&bpos).all(|(row, (p, _))| {
            let rest = row.get(*p..).unwrap_or(&[]);
            rest.first().is_none_or(|e| usize::from(e.0) >= n) && strictly_ascending_pairs(rest)
        })
    {
        return None;
    }

    // Trust: listed rows from the slots; rows without active stake (not listed) are their
    // clipped row sums.
    let mut validator_trust = vec![I32F32::ZERO; n];
    if let Some(l) = &lanes {
        trust.iter_mut().zip(l.trust()).for_each(|(t, l)| *t = l);
    }
    for (&i, t) in slot_rows.iter().zip(&trust) {
        if let Some(v) = validator_trust.get_mut(i) {
            *v = I32F32::from_bits(t.cast_signed());
        }
    }
    for i in (0..n).filter(|&i| at(x.active_stake, i) == I32F32::ZERO) {
        let divisor = w.divisor(i);
        let mut row_sum = I32F32::ZERO;
        for &(j, v) in w.row(i) {
            let ju = usize::from(j);
            if ju >= n || w.masked(i, ju, at(x.registered, ju)) {
                continue;
            }
            let v = I32F32::from_bits(RawWeights::normalised(divisor, v).cast_signed());
            if let Some(v) = clip_value(v, at(&consensus, ju)) {
                row_sum = row_sum.wrapping_add(v);
            }
        }
        if let Some(t) = validator_trust.get_mut(i) {
            *t = row_sum;
        }
    }
    let bonds = bonds.into_rows(&slot_rows, x.new_permits, n);

    let mut incentive = ranks;
    inplace_normalize(&mut incentive);
    // Non-negative ranks over their exact sum: always in [0, 1].
    if !incentive.iter().all(|v| is_unit(*v)) {
        return None;
    }
    let mut slot_dividends = vec![0_u64; r];
    if let Some(l) = lanes {
        let inc: Vec<u64> = incentive.iter().map(|v| v.to_bits().cast_unsigned()).collect();
        slot_dividends = l.dividends(&inc, r);
        l.recycle();
    }
    let mut begin = 0_usize;
    for (inc, &end) in incentive.iter().zip(&ends) {
        let inc = inc.to_bits().cast_unsigned();
        for e in normalised.get(begin..end).unwrap_or(&[]) {
            if let Some(d) = slot_dividends.get_mut(row_of(*e)) {
                *d = d.wrapping_add(mul(inc, e >> 16));
            }
        }
        begin = end;
    }
    give_spare(normalised);
    let mut dividend_sums = vec![0_u64; n];
    for (&i, d) in slot_rows.iter().zip(&slot_dividends) {
        if let Some(slot) = dividend_sums.get_mut(i) {
            *slot = *d;
        }
    }
    let mut dividends: Vec<I32F32> =
        dividend_sums.iter().map(|d| I32F32::from_bits(d.cast_signed())).collect();
    inplace_normalize(&mut dividends);
    Some(Fused { consensus, validator_trust, incentive, dividends, bonds })
}

/// Whether any entry is nonzero: a bitwise OR over the whole slice, which vectorises (a test per
/// entry that stops at the first nonzero one does not).
fn any(v: &[u16]) -> bool {
    v.iter().fold(0_u16, |a, x| a | x) != 0
}

/// Table rows (slots) are padded to a multiple of this.
const TILE: usize = 8;

/// Slots transposed together (their cursors stay in registers).
const GROUP: usize = 4;

/// Transposes one tile of at most [`GROUP`] slots over the columns `c0..c1`: `rows[t]` is slot
/// t's row (strictly ascending `(column, value)` pairs) and `pos[t]` its cursor and end;
/// `out[(c − c0) · stride + t]` becomes slot t's value in column c, 0 where it has none. The
/// cursors move past the columns taken. Every cell of the tile is written, so nothing needs
/// clearing first. The cursors live in registers for the whole walk; where every slot of a full
/// tile has the next [`RUN`] columns or more, the lanes (if any) transpose them in registers.
///
/// Returns false where the lanes found a row out of order inside a run (then the tile is
/// wrong and the caller must not use it). A row out of order elsewhere stalls its cursor, which
/// the caller checks after the walk.
#[inline(always)]
fn gather(
    rows: &[&[(u16, u16)]],
    pos: &mut [(usize, usize)],
    (c0, c1): (usize, usize),
    stride: usize,
    out: &mut [u16],
    lanes: Option<&Lanes>,
) -> bool {
    let mut cur = [0_usize; GROUP];
    let mut end = [0_usize; GROUP];
    let mut row: [&[(u16, u16)]; GROUP] = [&[]; GROUP];
    for (((c, e), r), ((p, q), src)) in
        cur.iter_mut().zip(end.iter_mut()).zip(row.iter_mut()).zip(pos.iter().zip(rows))
    {
        *c = *p;
        *e = (*q).min(src.len());
        *r = src;
    }
    let col_at = |t: usize, p: usize| -> Option<usize> {
        row.get(t).and_then(|r| r.get(p)).map(|e| usize::from(e.0))
    };
    let mut c = c0;
    while c < c1 {
        // Fast path: every slot has the next RUN columns as its next RUN entries (rows are
        // strictly ascending, so the first and the last decide): copy without merging.
        let run_end = c.wrapping_add(RUN);
        let full = run_end <= c1
            && cur.iter().zip(&end).enumerate().all(|(t, (p, e))| {
                let last = p.wrapping_add(RUN - 1);
                last < *e
                    && col_at(t, *p) == Some(c)
                    && col_at(t, last) == Some(run_end.wrapping_sub(1))
            });
        if full {
            // As many whole runs as every slot has from here on: usually most of the block, so
            // the runs go to the lanes in few calls.
            let most = c1.wrapping_sub(c);
            let take = cur
                .iter()
                .zip(&end)
                .zip(&row)
                .fold(most, |k, ((p, e), r)| {
                    k.min(dense_len(r.get(*p..(*e).min(p.saturating_add(k))).unwrap_or(&[]), c))
                })
                .checked_div(RUN)
                .unwrap_or(0)
                .wrapping_mul(RUN);
            // At least the one run `full` found (a row out of order can fool the bisection).
            let take = take.max(RUN);
            let base = c.wrapping_sub(c0).wrapping_mul(stride);
            let runs: [&[(u16, u16)]; GROUP] = core::array::from_fn(|t| {
                let p = cur.get(t).copied().unwrap_or(0);
                row.get(t).and_then(|r| r.get(p..p.wrapping_add(take))).unwrap_or(&[])
            });
            match (lanes, out.get_mut(base..)) {
                (Some(l), Some(out)) => {
                    if !l.transpose_runs(runs, c, out, stride) {
                        return false;
                    }
                }
                _ => {
                    for (t, run) in runs.iter().enumerate() {
                        for (j, e) in run.iter().enumerate() {
                            let at = c.wrapping_add(j).wrapping_sub(c0).wrapping_mul(stride);
                            if let Some(cell) = out.get_mut(at.wrapping_add(t)) {
                                *cell = e.1;
                            }
                        }
                    }
                }
            }
            for p in &mut cur {
                *p = p.wrapping_add(take);
            }
            c = c.wrapping_add(take);
            continue;
        }
        // Columns before every slot's next entry (the validators' own columns, say) are zeros:
        // written without looking at the rows.
        let next = cur
            .iter()
            .zip(&end)
            .enumerate()
            .map(|(t, (p, e))| if p < e { col_at(t, *p).unwrap_or(c1) } else { c1 })
            .min()
            .unwrap_or(c1)
            .min(c1);
        if next > c.wrapping_add(1) {
            for z in c..next {
                let base = z.wrapping_sub(c0).wrapping_mul(stride);
                if let Some(line) = out.get_mut(base..base.wrapping_add(GROUP)) {
                    line.fill(0);
                }
            }
            c = next;
            continue;
        }
        let base = c.wrapping_sub(c0).wrapping_mul(stride);
        let Some(line) = out.get_mut(base..base.wrapping_add(GROUP)) else { break };
        for (((p, e), cell), r) in cur.iter_mut().zip(&end).zip(line).zip(&row) {
            let entry = r.get(*p).copied().unwrap_or((0, 0));
            let hit = *p < *e && usize::from(entry.0) == c;
            *cell = if hit { entry.1 } else { 0 };
            *p = p.wrapping_add(usize::from(hit));
        }
        c = c.wrapping_add(1);
    }
    for (p, c) in pos.iter_mut().zip(cur) {
        p.0 = c;
    }
    true
}

/// The number of leading entries of `row` that hold the columns `c, c + 1, …` (for a strictly
/// ascending row, where `column − position` never decreases, these are a prefix: found by
/// bisection; for other rows a guess that the transposition then checks).
fn dense_len(row: &[(u16, u16)], c: usize) -> usize {
    let dense = |len: usize| {
        row.get(len.wrapping_sub(1))
            .is_some_and(|e| usize::from(e.0) == c.wrapping_add(len.wrapping_sub(1)))
    };
    // Most often the whole row is (the rest of a block of a row without gaps): one test.
    if dense(row.len()) {
        return row.len();
    }
    // Invariant: the first `lo` entries are dense, and no prefix longer than `hi` is. The
    // outcome of each test is data, not a pattern: selected without a branch.
    let (mut lo, mut hi) = (0_usize, row.len());
    while lo < hi {
        let mid = lo.wrapping_add(hi.wrapping_sub(lo).div_ceil(2));
        let yes = dense(mid);
        lo = if yes { mid } else { lo };
        hi = if yes { hi } else { mid.wrapping_sub(1) };
    }
    lo
}

/// EMA weights `α` and `1 − α` (raw bits, in [0, 2^32]).
struct Terms {
    alpha: u64,
    one_minus_alpha: u64,
}

impl Terms {
    /// One column of `mat_ema_sparse` by slot: `out[k] = α · ΔB_k / ΣΔB + olds[k]` (the old
    /// term); 0 where the row has neither term (not stored, as upstream keeps positive entries
    /// only). `fresh[k] ≤ ΣΔB` and `fresh[k] < 2^32`: in the divisor's range, quotient ≤ 2^32.
    /// Returns the entries' sum and maximum.
    #[inline(never)]
    fn ema(
        &self,
        fresh: &[u64],
        olds: &[u64],
        delta_div: UnitDivisor,
        out: &mut [u64],
    ) -> (u64, u64) {
        let (mut sum, mut max) = (0_u64, 0_u64);
        for ((p, o), v) in fresh.iter().zip(olds).zip(out.iter_mut()) {
            let x = mul(self.alpha, delta_div.divide(*p)).wrapping_add(*o);
            *v = x;
            sum = sum.wrapping_add(x);
            max = max.max(x);
        }
        (sum, max)
    }
}

/// One column of a block, by slot: weights (raw bits, 0 where absent), stored bonds (0 where
/// absent) and the slots' active stake (raw bits).
struct Slots<'a> {
    weights: &'a [u64],
    old: &'a [u16],
    stake: &'a [u64],
}

/// Trust and ranks terms, ΔB numerators and old terms of one column with consensus `t`.
///
/// `clip_value(w, t)` for w > 0 is dropped when t = 0, else min(w, t): in both cases the trust
/// and rank terms are those of `min(w, t)` (0 for a dropped entry), and so are those of absent
/// and zero weights. The ΔB numerator is the clipped weight's (`CLIP`, bonds penalty 1) or the
/// weight's (bonds penalty 0) product with the stake; `olds[k]` is `(1 − α) · B / ΣB` (0 for a
/// masked column, `bond_div` None). Adds the clipped weights to `trust` and returns the rank
/// and ΔB's column sum.
#[inline(never)]
fn fold<const CLIP: bool>(
    slots: &Slots<'_>,
    t: u64,
    terms: &Terms,
    bond_div: Option<UnitDivisor>,
    (trust, fresh, olds): (&mut [u64], &mut [u64], &mut [u64]),
) -> (u64, u64) {
    let (mut rank, mut unclipped) = (0_u64, 0_u64);
    // A masked column (`bond_div` None) has no old terms: its bonds read as 0.
    let mut old = if bond_div.is_some() { slots.old } else { &[] }.iter();
    let bond_div = bond_div.unwrap_or_else(|| UnitDivisor::new(&FixedDivisor::identity()));
    for (((w, s), tr), (f, o)) in slots
        .weights
        .iter()
        .zip(slots.stake)
        .zip(trust.iter_mut())
        .zip(fresh.iter_mut().zip(olds.iter_mut()))
    {
        let v = (*w).min(t);
        *tr = tr.wrapping_add(v);
        let clipped = mul(*s, v);
        rank = rank.wrapping_add(clipped);
        let p = if CLIP { clipped } else { mul(*w, *s) };
        unclipped = unclipped.wrapping_add(p);
        *f = p;
        // b · 2^32 ≤ ΣB · 2^32 (exact integer column sum): quotient ≤ 2^32.
        let b = old.next().copied().unwrap_or(0);
        *o = mul(terms.one_minus_alpha, bond_div.divide(u64::from(b) << 32));
    }
    (rank, if CLIP { rank } else { unclipped })
}

/// Original Yuma's last pass on one EMA column by slot (`ema[k]`, 0: no entry): `E = v / Σv`
/// written to `out[len..]` as `E << 16 | slot`, and `u16(E / max E)` to the slot's bonds.
/// Returns the new length of `out`. The caller checked the column's unit conditions, so both
/// divisions are in range and E ≤ 1.
#[inline(never)]
fn finish(
    ema: &[u64],
    col: u16,
    (sum_div, max_div): (UnitDivisor, UnitDivisor),
    bonds: &mut RowSink,
    (out, mut len): (&mut [u64], usize),
) -> usize {
    for (k, &v) in ema.iter().enumerate() {
        if v == 0 {
            continue;
        }
        let norm = sum_div.divide(v);
        let upscaled = max_div.divide(norm);
        // upscaled ≤ 2^32: the product's high part is at most 65 535.
        #[allow(clippy::cast_possible_truncation)]
        let stored = (upscaled.wrapping_mul(65_535) >> 32) as u16;
        bonds.push(k, (col, stored));
        if let Some(slot) = out.get_mut(len) {
            *slot = (norm << 16) | k as u64;
        }
        len = len.wrapping_add(1);
    }
    len
}

/// The new bond rows, filled in column order directly in the vectors they are returned in (a
/// staging copy of the whole matrix cost a copy of every entry into freshly allocated rows): by
/// the integer kernels entry by entry, by the lanes four columns at a time ([`Lanes::quad`]).
/// Every slot's row gets entries; the rows without a new permit are dropped at the end (cheaper
/// than testing the permit per entry).
struct RowSink {
    rows: Vec<SparseRow>,
}

impl RowSink {
    /// Room for `capacity[k]` entries in slot `k`'s row (never exceeded: at most one entry per
    /// weight or stored bond of the row).
    fn new(capacity: &[usize]) -> Self {
        Self { rows: capacity.iter().map(|c| Vec::with_capacity(*c)).collect() }
    }

    /// Appends `entry` to slot `k`'s row.
    #[inline(always)]
    fn push(&mut self, k: usize, entry: (u16, u16)) {
        if let Some(row) = self.rows.get_mut(k) {
            row.push(entry);
        }
    }

    /// Rows of all `n` uids: the slots' rows (slot `k` is row `slot_rows[k]`) where the uid has
    /// a new permit, every other row empty.
    fn into_rows(self, slot_rows: &[usize], new_permits: &[bool], n: usize) -> Vec<SparseRow> {
        let mut rows: Vec<SparseRow> = vec![Vec::new(); n];
        for (&i, row) in slot_rows.iter().zip(self.rows) {
            if at(new_permits, i)
                && let Some(slot) = rows.get_mut(i)
            {
                *slot = row;
            }
        }
        rows
    }
}

thread_local! {
    /// Buffer of the normalised entries, kept between epochs on a thread (see
    /// `Csr::recycled` for why fresh pages are avoided).
    static SPARE: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

fn take_spare() -> Vec<u64> {
    SPARE
        .try_with(|s| s.try_borrow_mut().map(|mut s| core::mem::take(&mut *s)).ok())
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn give_spare(v: Vec<u64>) {
    let _ = SPARE.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = v;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::dense_len;

    /// The bisection (with its one-test shortcut) finds what a walk from the front finds, on
    /// sorted rows with gaps anywhere, none, or at every entry.
    #[test]
    fn dense_len_equals_a_walk() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % m
        };
        for _ in 0..20_000 {
            let c = next(300) as u16;
            let len = next(140) as usize;
            // Gaps with a probability from 0 to 1/2 per entry.
            let odds = 1 + next(60);
            let mut col = c.wrapping_add(u16::from(next(8) == 0));
            let row: Vec<(u16, u16)> = (0..len)
                .map(|_| {
                    let e = (col, 1);
                    col += 1 + u16::from(next(odds) == 0 && odds > 1);
                    e
                })
                .collect();
            let walk = row
                .iter()
                .zip(usize::from(c)..)
                .take_while(|(e, j)| usize::from(e.0) == *j)
                .count();
            assert_eq!(dense_len(&row, usize::from(c)), walk, "c={c} row={row:?}");
        }
    }
}
