//! The production epoch (`epoch_mechanism`, SPEC §3–§5) on compressed rows.
//!
//! Same arithmetic, step for step, as [`super::reference`] (the tests compare the two on random
//! inputs, intermediates included). What changes is the work avoided and the data moved:
//!
//! * masks and the row normalisation are one pass over the stored weights (the division by the
//!   row sum is a multiply-and-shift, [`FixedDivisor`]); clipped weights are derived on the fly,
//!   never stored, and their stake-weighted column sums double as ΔB's column sums;
//! * the stake-weighted median runs on cache-sized blocks of columns transposed from the sorted
//!   rows, selecting with the closed form proven in [`crate::math::median`]; when every row is in
//!   [0, 1], validator trust and the ranks (ΔB's column sums) are folded in per column right after
//!   its median (sums of non-negative terms: order-independent), with no second weight pass;
//! * the large matrices reuse their buffers from the previous epoch on the same thread
//!   ([`Csr::recycled`]) instead of faulting in fresh pages;
//! * repeated divisors (row sums, column sums, column maxima) are reciprocals;
//! * stored bonds are read where they lie (masked on the fly), and original Yuma's normalisations
//!   of old bonds and of ΔB happen inside the EMA pass, which also accumulates the EMA's column
//!   sums and maxima;
//! * EMA rows are merged in column order when both rows are sorted (otherwise through a scratch
//!   row, which reproduces upstream's dense accumulator);
//! * where every operand is provably in [0, 1] (checked once per epoch, row or column: α, the
//!   row's weights, its stake, exact bond sums) the original-Yuma EMA and last pass use plain
//!   64-bit multiply-and-shifts — the same floors, with no saturation or overflow possible;
//! * liquid alpha is evaluated only where it is used — the entries of `weights_for_bonds` — not
//!   for all `n × n` pairs; the merge walk's reading of unsorted rows is reproduced;
//! * the final pass writes the u16 storage rows directly;
//! * original Yuma with a bonds penalty of 0 or 1 runs fused over column blocks ([`fused`]), its
//!   per-column arithmetic on AVX2 or AVX-512 `f64` lanes with exact floors ([`lanes`],
//!   [`crate::fixed::float`]) where the CPU allows.

mod consensus;
mod ema;
mod fused;
mod lanes;
mod original;
mod raw;
mod yuma3;

use super::common::{
    self, Emissions, Permits, Stake, at, bonds_penalty, emissions, inactive, kappa, last_tempo,
    permits, to_u16,
};
use super::csr::Csr;
use crate::fixed::{FixedDivisor, I32F32, U64Divisor};
use crate::input::{EpochInput, EpochOutput};
use crate::math::vector::inplace_normalize;
use crate::trace::{EpochTrace, TraceMatrix};
use consensus::consensus;
use ema::{BondsContext, BondsOut, StoredBonds};
use fused::{Fused, FusedInput, original_fused};
use original::original_bonds;
use raw::RawWeights;
use yuma3::yuma3_bonds;

/// A decoded sparse row: `(column, value)` in row order.
type Row = Vec<(u16, I32F32)>;

/// Runs the production epoch; the trace is only assembled when asked for.
pub(crate) fn run(input: &EpochInput, want_trace: bool) -> (EpochOutput, Option<EpochTrace>) {
    let n = input.len();
    let hp = &input.hyperparameters;
    let owner = hp.owner_uid.map(usize::from);

    let inactive = inactive(input);
    let Stake { stake, total } = common::stake(input, true);
    let Permits { permits, new_permits, active_stake } = permits(input, &stake, &inactive, owner);
    let registered: Vec<u64> = (0..n).map(|i| at(&input.block_at_registration, i)).collect();

    let bp = bonds_penalty(input);
    let original = !hp.yuma3;
    let last_tempo = last_tempo(input);
    let bonds = StoredBonds::new(input, &registered, last_tempo);
    // The output from the per-uid scores `[consensus, validator trust, incentive, dividends]`.
    let finish = |new_validator_permit: Vec<bool>, scores: [&[I32F32]; 4], bonds| {
        let [consensus, validator_trust, incentive, dividends] = scores;
        let Emissions { server, validator, combined } =
            emissions(incentive, dividends, &stake, &active_stake, input.rao_emission);
        EpochOutput {
            active: inactive.iter().map(|x| !x).collect(),
            stake_weight: to_u16(&stake),
            total_stake: total,
            new_validator_permit,
            consensus: to_u16(consensus),
            incentive: to_u16(incentive),
            dividends: to_u16(dividends),
            validator_trust: to_u16(validator_trust),
            server_emission: server,
            validator_emission: validator,
            combined_emission: combined,
            bonds,
        }
    };

    if let Some(params) = fused::applies(hp, want_trace) {
        let raw = RawWeights::scan(input, &permits, &registered, owner);
        let fused = original_fused(&FusedInput {
            n,
            weights: &raw,
            registered: &registered,
            active_stake: &active_stake,
            bonds: &bonds,
            new_permits: &new_permits,
            params,
            integer_only: integer_kernels_forced(),
        });
        #[cfg(test)]
        FUSED_RUNS.with(|r| r.set(r.get().wrapping_add(u32::from(fused.is_some()))));
        if let Some(Fused { consensus, validator_trust, incentive, dividends, bonds }) = fused {
            let scores = [&consensus[..], &validator_trust, &incentive, &dividends];
            return (finish(new_permits, scores, bonds), None);
        }
    }

    let weights = build_weights(input, &permits, &registered, owner);
    let unclipped = original && bp == I32F32::ZERO;
    let (consensus, fused) = consensus(&weights, &active_stake, kappa(input), n, unclipped);
    let (validator_trust, ranks, preranks) =
        fused.unwrap_or_else(|| trust_and_ranks(&weights, &consensus, &active_stake, n, unclipped));
    // Original Yuma's ΔB column sums come for free for a bonds penalty of 0 or 1.
    let delta_sums = if !original {
        None
    } else if bp == I32F32::ONE {
        Some(ranks.clone())
    } else {
        preranks
    };
    let mut incentive = ranks;
    inplace_normalize(&mut incentive);

    let wfb = if bp == I32F32::ZERO {
        Wfb::Weights(&weights)
    } else if bp == I32F32::ONE {
        Wfb::Clipped(&weights, &consensus)
    } else {
        Wfb::Interpolated(interpolate(&weights, &consensus, bp, n))
    };

    let ctx = BondsContext {
        n,
        wfb: &wfb,
        bonds: &bonds,
        incentive: &incentive,
        active_stake: &active_stake,
        new_permits: &new_permits,
        want_trace,
    };
    let BondsOut { dividends, bonds: new_bonds, trace_ema, liquid_alphas } = if hp.yuma3 {
        yuma3_bonds(&ctx, hp, &consensus)
    } else {
        original_bonds(&ctx, hp.bonds_moving_average, delta_sums)
    };

    let scores = [&consensus[..], &validator_trust, &incentive, &dividends];
    let output = finish(new_permits, scores, new_bonds);
    let trace = if want_trace {
        let decoded = |w: &Wfb<'_>| {
            let mut row = Vec::new();
            (0..n)
                .map(|i| {
                    w.decode(i, &mut row);
                    row.clone()
                })
                .collect()
        };
        let weights_norm = TraceMatrix::Sparse(decoded(&Wfb::Weights(&weights)));
        let clipped_weights = TraceMatrix::Sparse(decoded(&Wfb::Clipped(&weights, &consensus)));
        let weights_for_bonds = TraceMatrix::Sparse(decoded(&wfb));
        drop(wfb);
        Some(EpochTrace {
            stake,
            active_stake,
            weights_norm,
            clipped_weights,
            weights_for_bonds,
            consensus,
            validator_trust,
            incentive,
            last_tempo,
            liquid_alphas,
            ema_bonds: TraceMatrix::Sparse(trace_ema.map(|m| m.to_sparse()).unwrap_or_default()),
            dividends,
        })
    } else {
        if let Wfb::Interpolated(m) = wfb {
            m.recycle();
        }
        None
    };
    weights.csr.recycle();
    (output, trace)
}

#[cfg(not(test))]
const fn integer_kernels_forced() -> bool {
    false
}

#[cfg(test)]
thread_local! {
    /// Tests set this to run the fused path's integer kernels where the `f64` lanes would run.
    static INTEGER_ONLY: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Epochs on this thread that the fused path completed (tests check that it ran).
    static FUSED_RUNS: core::cell::Cell<u32> = const { core::cell::Cell::new(0) };
}

#[cfg(test)]
fn integer_kernels_forced() -> bool {
    INTEGER_ONLY.with(core::cell::Cell::get)
}

/// §3.3.4's masks of row `i` as `(limit, diagonal)`: an entry is masked when its column was
/// registered at or after `limit`, or is `diagonal` (`usize::MAX` for the owner's row: a column
/// no entry can have).
fn row_masks(input: &EpochInput, i: usize, owner: Option<usize>) -> (u64, usize) {
    let last_update = at(&input.last_update, i);
    // Commit-reveal keeps columns registered at or before the commit block; without
    // commit-reveal every column passes (`reg ≤ u64::MAX`).
    let commit =
        input.commit_blocks.as_deref().map_or(u64::MAX, |c| c.get(i).copied().unwrap_or(u64::MAX));
    // `last_update <= reg || commit < reg` as one comparison: `reg >= limit`.
    let limit = last_update.min(commit.saturating_add(1));
    (limit, if owner == Some(i) { usize::MAX } else { i })
}

/// Masked, row-normalised weights (§3.3.4).
struct Weights {
    csr: Csr,
    /// Row values all lie in [0, 1] (always, unless the row sum wrapped).
    unit: Vec<bool>,
    /// Row columns strictly increase (sorted, no repeats).
    ascending: Vec<bool>,
    /// Row lists a column more than once (the median then keeps the last one).
    duplicate: Vec<bool>,
}

#[inline(never)]
fn build_weights(
    input: &EpochInput,
    permits: &[bool],
    registered: &[u64],
    owner: Option<usize>,
) -> Weights {
    let n = input.len();
    let nnz: usize = input.weights.iter().take(n).map(Vec::len).sum();
    let mut csr = Csr::recycled(n, nnz);
    let mut ascending = vec![true; n];
    let mut unit = vec![true; n];
    let mut duplicate = vec![false; n];
    let mut seen = vec![usize::MAX; n];
    for i in 0..n {
        if at(permits, i) {
            let (limit, diagonal) = row_masks(input, i, owner);
            let row = input.weights.get(i).map_or(&[][..], Vec::as_slice);
            // Written in place and cut to the kept count below.
            let (out_cols, out_vals) = csr.open_slots(row.len(), I32F32::ZERO);
            let mut kept = 0_usize;
            // Σ of the kept u16 weights (exact: fewer than 2^48 terms); the I32F32 row sum is
            // its value shifted by 32 bits, wrapping as upstream's wrapping sum does.
            let mut sum_u16: u64 = 0;
            let mut prev: i32 = -1;
            let mut asc = true;
            for &(j, w) in row {
                let ju = usize::from(j);
                let Some(&reg) = registered.get(ju) else { continue };
                // Diagonal (except the owner's), outdated, and commit-reveal masks.
                if ju == diagonal || reg >= limit {
                    continue;
                }
                if let (Some(c), Some(v)) = (out_cols.get_mut(kept), out_vals.get_mut(kept)) {
                    *c = j;
                    *v = I32F32::from_u16(w);
                }
                kept = kept.wrapping_add(1);
                sum_u16 = sum_u16.wrapping_add(u64::from(w));
                asc &= i32::from(j) > prev;
                prev = i32::from(j);
            }
            csr.truncate_row(kept);
            let row_sum = (sum_u16 << 32).cast_signed();
            let (cols, vals) = csr.open_row_mut();
            let mut is_unit_row = true;
            if row_sum > 0 && sum_u16 < 1 << 31 {
                // Exact sum S: `checked_div` by S·2^32 is floor(w · 2^32 / S), and w ≤ S makes
                // every quotient at most 1 (the row is unit).
                if let Some(d) = U64Divisor::new(sum_u16) {
                    for v in vals.iter_mut() {
                        *v = I32F32::from_bits(d.divide(v.to_bits().cast_unsigned()).cast_signed());
                    }
                }
            } else if row_sum > 0 {
                let d = FixedDivisor::new(I32F32::from_bits(row_sum));
                vals.iter_mut().for_each(|v| *v = d.safe_div(*v));
                is_unit_row = vals.iter().all(|v| is_unit(*v));
            } else {
                is_unit_row = vals.iter().all(|v| is_unit(*v));
            }
            if let Some(u) = unit.get_mut(i) {
                *u = is_unit_row;
            }
            if !asc {
                if let Some(a) = ascending.get_mut(i) {
                    *a = false;
                }
                for &c in cols {
                    if let Some(s) = seen.get_mut(usize::from(c)) {
                        if *s == i
                            && let Some(d) = duplicate.get_mut(i)
                        {
                            *d = true;
                        }
                        *s = i;
                    }
                }
            }
        }
        csr.end_row();
    }
    Weights { csr, unit, ascending, duplicate }
}

/// Whether `0 ≤ x ≤ 1`.
#[inline(always)]
fn is_unit(x: I32F32) -> bool {
    x.to_bits().cast_unsigned() <= 1 << 32
}

/// §3.4.3–5 without materialising the clipped weights: row sums of `Wc` (validator trust),
/// stake-weighted column sums of `Wc` (ranks) and, when asked, of `W` (both are ΔB's column sums
/// for a bonds penalty of 1 and 0: the products are the same saturating products, added in the
/// same order).
#[inline(never)]
fn trust_and_ranks(
    weights: &Weights,
    consensus: &[I32F32],
    active_stake: &[I32F32],
    n: usize,
    unclipped: bool,
) -> (Vec<I32F32>, Vec<I32F32>, Option<Vec<I32F32>>) {
    let mut trust = vec![I32F32::ZERO; n];
    let mut ranks = vec![I32F32::ZERO; n];
    let mut preranks = unclipped.then(|| vec![I32F32::ZERO; n]);
    for (i, t) in trust.iter_mut().enumerate() {
        let s = at(active_stake, i);
        let (cols, vals) = weights.csr.row(i);
        let mut row_sum = I32F32::ZERO;
        for (j, w) in cols.iter().zip(vals) {
            let ju = usize::from(*j);
            if let Some(p) = preranks.as_mut().and_then(|p| p.get_mut(ju)) {
                *p = p.saturating_add(w.saturating_mul(s));
            }
            let Some(v) = clip_value(*w, at(consensus, ju)) else { continue };
            row_sum = row_sum.wrapping_add(v);
            if let Some(r) = ranks.get_mut(ju) {
                *r = r.saturating_add(s.saturating_mul(v));
            }
        }
        *t = row_sum;
    }
    (trust, ranks, preranks)
}

/// `col_clip_sparse` of one entry: `min(w, t)`, except that an entry above a non-positive
/// threshold is dropped.
#[inline]
fn clip_value(w: I32F32, t: I32F32) -> Option<I32F32> {
    if t <= I32F32::ZERO && t < w { None } else { Some(t.min(w)) }
}

/// `weights_for_bonds` (§3.5): the weights, the clipped weights, or their interpolation.
enum Wfb<'a> {
    Weights(&'a Weights),
    Clipped(&'a Weights, &'a [I32F32]),
    Interpolated(Csr),
}

/// Entries of one `weights_for_bonds` row, in row order.
enum WfbEntries<'a> {
    Plain(core::iter::Zip<core::slice::Iter<'a, u16>, core::slice::Iter<'a, I32F32>>),
    Clipped(
        core::iter::Zip<core::slice::Iter<'a, u16>, core::slice::Iter<'a, I32F32>>,
        &'a [I32F32],
    ),
}

impl Iterator for WfbEntries<'_> {
    type Item = (u16, I32F32);

    #[inline]
    fn next(&mut self) -> Option<(u16, I32F32)> {
        match self {
            WfbEntries::Plain(it) => it.next().map(|(j, v)| (*j, *v)),
            WfbEntries::Clipped(it, consensus) => loop {
                let (j, w) = it.next()?;
                if let Some(v) = clip_value(*w, at(consensus, usize::from(*j))) {
                    return Some((*j, v));
                }
            },
        }
    }
}

impl Wfb<'_> {
    /// Entries of row `i`.
    #[inline]
    fn entries(&self, i: usize) -> WfbEntries<'_> {
        match self {
            Wfb::Weights(w) => {
                let (c, v) = w.csr.row(i);
                WfbEntries::Plain(c.iter().zip(v))
            }
            Wfb::Clipped(w, consensus) => {
                let (c, v) = w.csr.row(i);
                WfbEntries::Clipped(c.iter().zip(v), consensus)
            }
            Wfb::Interpolated(m) => {
                let (c, v) = m.row(i);
                WfbEntries::Plain(c.iter().zip(v))
            }
        }
    }

    /// Row `i` collected into `out` (cleared first).
    fn decode(&self, i: usize, out: &mut Row) {
        out.clear();
        out.extend(self.entries(i));
    }

    /// Whether row `i` is strictly ascending (clipping only removes entries).
    fn ascending(&self, i: usize) -> bool {
        match self {
            Wfb::Weights(w) | Wfb::Clipped(w, _) => at(&w.ascending, i),
            Wfb::Interpolated(_) => true,
        }
    }

    fn nnz(&self) -> usize {
        match self {
            Wfb::Weights(w) | Wfb::Clipped(w, _) => w.csr.nnz(),
            Wfb::Interpolated(m) => m.nnz(),
        }
    }
}

/// Scratch for rows that have to be densified: dense accumulators plus the list of touched
/// columns, reset after each row.
struct Scratch {
    acc: Vec<I32F32>,
    other: Vec<I32F32>,
    touched: Vec<u16>,
    mark: Vec<bool>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Self {
            acc: vec![I32F32::ZERO; n],
            other: vec![I32F32::ZERO; n],
            touched: Vec::new(),
            mark: vec![false; n],
        }
    }

    #[inline]
    fn touch(&mut self, j: u16) {
        if let Some(m) = self.mark.get_mut(usize::from(j))
            && !*m
        {
            *m = true;
            self.touched.push(j);
        }
    }

    /// Touched columns in ascending order; clears the marks.
    fn sorted_touched(&mut self) -> Vec<u16> {
        let mut t = core::mem::take(&mut self.touched);
        t.sort_unstable();
        for &j in &t {
            if let Some(m) = self.mark.get_mut(usize::from(j)) {
                *m = false;
            }
        }
        t
    }
}

/// §3.5 for `bonds_penalty ∉ {0, 1}`: `W + bp · (Wc − W)` per row, densified (later duplicates
/// overwrite), positive results in ascending column order.
#[inline(never)]
fn interpolate(weights: &Weights, consensus: &[I32F32], ratio: I32F32, n: usize) -> Csr {
    let mut out = Csr::recycled(n, weights.csr.nnz());
    let mut scratch = Scratch::new(n);
    let (mut w_row, mut c_row) = (Row::new(), Row::new());
    for i in 0..n {
        Wfb::Weights(weights).decode(i, &mut w_row);
        Wfb::Clipped(weights, consensus).decode(i, &mut c_row);
        for (j, v) in &w_row {
            scratch.touch(*j);
            if let Some(a) = scratch.acc.get_mut(usize::from(*j)) {
                *a = *v;
            }
        }
        for (j, v) in &c_row {
            scratch.touch(*j);
            if let Some(b) = scratch.other.get_mut(usize::from(*j)) {
                *b = *v;
            }
        }
        for j in scratch.sorted_touched() {
            let ju = usize::from(j);
            let a = at(&scratch.acc, ju);
            let b = at(&scratch.other, ju);
            let v = a.saturating_add(ratio.saturating_mul(b.saturating_sub(a)));
            if v > I32F32::ZERO {
                out.push(j, v);
            }
            if let (Some(x), Some(y)) = (scratch.acc.get_mut(ju), scratch.other.get_mut(ju)) {
                *x = I32F32::ZERO;
                *y = I32F32::ZERO;
            }
        }
        out.end_row();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lanes::AVX2_ONLY;
    use super::{FUSED_RUNS, INTEGER_ONLY};
    use crate::input::EpochInput;
    use crate::{Hyperparameters, epoch, epoch_reference};

    /// Validators `0..v` weight every miner (noisy, some at random), a few miners are new, bonds
    /// come from a first epoch: the fused path's shape.
    fn network(n: u16, v: u16, seed: u64, bonds_penalty: u16) -> EpochInput {
        let mut s = seed;
        let mut next = move || {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            s >> 33
        };
        let current_block = 10_000_u64;
        let nu = usize::from(n);
        let weights = (0..n)
            .map(|i| {
                if i >= v {
                    return Vec::new();
                }
                (v..n)
                    .filter_map(|j| {
                        let keep = next() % 50 != 0;
                        let w = (next() % 65_536) as u16;
                        keep.then_some((j, w))
                    })
                    .collect()
            })
            .collect();
        let mut input = EpochInput {
            n,
            current_block,
            last_mechanism_step_block: current_block - 360,
            rao_emission: 1_000_000_000,
            stake: (0..nu)
                .map(|i| if i < usize::from(v) { (1 + next()) << 20 } else { next() })
                .collect(),
            weights,
            last_update: (0..nu).map(|_| current_block - 1 - next() % 20).collect(),
            block_at_registration: (0..nu)
                .map(|_| if next() % 40 == 0 { current_block - 5 } else { 100 })
                .collect(),
            validator_permit: (0..nu).map(|i| i < usize::from(v)).collect(),
            hyperparameters: Hyperparameters {
                bonds_penalty,
                max_allowed_validators: v,
                ..Hyperparameters::default()
            },
            ..EpochInput::default()
        };
        let first = epoch(&input);
        input.bonds = first.bonds;
        input.validator_permit = first.new_validator_permit;
        input
    }

    /// The fused path's `f64` lanes (AVX-512 and AVX2 kernels) and its integer kernels give the
    /// same bits, and those of the reference, with and without stored bonds (on a CPU without
    /// AVX-512 the first two runs take the AVX2 kernels; without AVX2 + FMA all take the integer
    /// kernels). The sizes cover a last group of fewer than four columns and several
    /// column blocks.
    #[test]
    fn lanes_equal_integer_kernels() {
        for (seed, (n, v)) in
            [(8, 3), (40, 7), (130, 17), (300, 64), (530, 100), (700, 90)].into_iter().enumerate()
        {
            for bp in [0, 65_535] {
                // Bonds from the integer kernels: the inputs do not depend on the lanes.
                INTEGER_ONLY.with(|f| f.set(true));
                let bonded = network(n, v, seed as u64, bp);
                INTEGER_ONLY.with(|f| f.set(false));
                let fresh = EpochInput { bonds: Vec::new(), ..bonded.clone() };
                for input in [&fresh, &bonded] {
                    let runs = FUSED_RUNS.with(core::cell::Cell::get);
                    let lanes = epoch(input);
                    AVX2_ONLY.with(|f| f.set(true));
                    let narrow = epoch(input);
                    AVX2_ONLY.with(|f| f.set(false));
                    INTEGER_ONLY.with(|f| f.set(true));
                    let integer = epoch(input);
                    INTEGER_ONLY.with(|f| f.set(false));
                    let case =
                        format!("n={n} v={v} bonds_penalty={bp} bonds={}", input.bonds.len());
                    assert_eq!(FUSED_RUNS.with(core::cell::Cell::get), runs + 3, "fused: {case}");
                    assert_eq!(lanes, narrow, "AVX-512 and AVX2 kernels: {case}");
                    assert_eq!(lanes, integer, "{case}");
                    assert_eq!(lanes, epoch_reference(input).0, "{case}");
                    assert!(lanes.bonds.iter().any(|r| !r.is_empty()), "bonds were computed");
                }
            }
        }
    }

    /// Stored bond rows out of order, repeated or reaching past `n` are only found after the
    /// fused walk on the lanes; the result must still be the reference's.
    #[test]
    fn disordered_bond_rows_match_the_reference() {
        let base = network(120, 12, 5, 65_535);
        let row = base.bonds.iter().position(|r| r.len() > 3).expect("a bond row");
        let mut cases = Vec::new();
        let mut swapped = base.clone();
        swapped.bonds[row].swap(1, 2);
        cases.push(swapped);
        let mut repeated = base.clone();
        let first = repeated.bonds[row][0];
        repeated.bonds[row].insert(1, first);
        cases.push(repeated);
        let mut beyond = base.clone();
        beyond.bonds[row].push((500, 7));
        cases.push(beyond.clone());
        beyond.bonds[row].push((400, 9));
        cases.push(beyond);
        // Dense rows (every miner column), so that runs of whole eights go to the lanes, with
        // two entries swapped inside a run (its first and last columns still in place) and
        // inside a longer stretch.
        let mut dense = base.clone();
        for (i, b) in dense.bonds.iter_mut().enumerate().take(12) {
            *b = (12..120_u16).map(|j| (j, 1 + (j * 7 + i as u16 * 13) % 900)).collect();
        }
        cases.push(dense.clone());
        for (a, b) in [(2, 3), (41, 42), (0, 1)] {
            let mut swapped = dense.clone();
            swapped.bonds[4].swap(a, b);
            cases.push(swapped);
        }
        for input in &cases {
            for forced in [false, true] {
                INTEGER_ONLY.with(|f| f.set(forced));
                let fast = epoch(input);
                INTEGER_ONLY.with(|f| f.set(false));
                assert_eq!(fast, epoch_reference(input).0, "integer kernels: {forced}");
            }
        }
    }

    /// Every mask of §3.3.4 on the fused path: validators weight themselves (the diagonal, kept
    /// for the owner), commit-reveal hides columns registered after a commit, and recently
    /// registered columns are outdated for rows that set weights before.
    #[test]
    fn masks_on_the_fused_path_match_the_reference() {
        for seed in 0..6_u64 {
            let mut input = network(90, 10, seed, if seed % 2 == 0 { 65_535 } else { 0 });
            let mut s = seed.wrapping_add(99);
            let mut next = move || {
                s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                s >> 33
            };
            for (i, row) in input.weights.iter_mut().enumerate().take(10) {
                // Weights on every column, own column and other validators included.
                *row = (0..90_u16).map(|j| (j, (next() % 65_536) as u16)).collect();
                let _ = i;
            }
            input.hyperparameters.owner_uid = Some(u16::try_from(seed % 3).unwrap());
            // An inactive validator (no active stake: its trust is its clipped row sum) whose
            // row is out of order.
            input.last_update[9] = 1_000;
            input.weights[9].reverse();
            if seed >= 3 {
                input.commit_blocks =
                    Some((0..90).map(|_| input.current_block - 3 - next() % 8).collect());
                for (j, reg) in input.block_at_registration.iter_mut().enumerate() {
                    if j % 7 == 0 {
                        *reg = input.current_block - next() % 10;
                    }
                }
            }
            let reference = epoch_reference(&input).0;
            assert_ne!(reference.validator_trust[9], 0, "the inactive row's trust is computed");
            for forced in [false, true] {
                INTEGER_ONLY.with(|f| f.set(forced));
                let fast = epoch(&input);
                INTEGER_ONLY.with(|f| f.set(false));
                assert_eq!(fast, reference, "seed {seed}, integer kernels: {forced}");
            }
        }
    }
}
