//! Stake-weighted median (SPEC §7): the literal algorithm, its column-wise forms, and the closed
//! form the production epoch uses.
//!
//! # Why a closed form is exact
//!
//! `weighted_median` keeps a partition `P` of indices, the stake `lo` below it and `hi = lo +
//! stake(P)` (an invariant: recursing left sets `hi = lo + lo_stake`, recursing right sets
//! `lo = hi − hi_stake`; with non-negative stakes summing to ≤ ~1 nothing saturates, so all sums
//! are exact). For a pivot value `v`, `lo + lo_stake = F(v)` is the total stake with score `< v`
//! and `hi − hi_stake = G(v)` the total stake with score `≤ v`. With `0 ≤ minority < total` the
//! invariant `lo ≤ minority < hi` holds throughout, which makes the "partition non-empty" tests
//! redundant, and the loop returns the unique score `v` with `F(v) ≤ minority < G(v)`: the
//! smallest score whose cumulative stake exceeds `minority`. With `minority < 0` it always
//! descends and returns the smallest score; with `minority ≥ total` it always ascends and returns
//! the largest. Those three cases depend only on the multiset of (score, stake) pairs, not on the
//! pivot order, so any selection algorithm gives the same bits. `tests/it/fast_paths.rs` checks
//! this against the literal loop on random inputs, including ties and zero stakes.

use crate::fixed::{I32F32, sum};
use crate::math::vector::inplace_normalize;

/// subtensor's `weighted_median`, literally: mid-index pivot, three-way split that sets aside
/// values equal to the pivot, strict `<` on the left test and `≤` on the right test.
#[must_use]
pub fn weighted_median(
    stake: &[I32F32],
    score: &[I32F32],
    partition_idx: &[usize],
    minority: I32F32,
    partition_lo: I32F32,
    partition_hi: I32F32,
) -> I32F32 {
    if stake.len() != score.len() {
        return I32F32::ZERO;
    }
    let get = |v: &[I32F32], i: usize| v.get(i).copied().unwrap_or_default();
    let (mut lo, mut hi) = (partition_lo, partition_hi);
    let mut current: Vec<usize> = partition_idx.to_vec();
    let mut lower: Vec<usize> = Vec::new();
    let mut upper: Vec<usize> = Vec::new();
    let limit = partition_idx.len();
    let mut iterations: usize = 0;
    loop {
        match current.as_slice() {
            [] => return I32F32::ZERO,
            [only] => return get(score, *only),
            _ => {}
        }
        let mid = current.len() / 2;
        let pivot = get(score, current.get(mid).copied().unwrap_or(0));
        let (mut lo_stake, mut hi_stake) = (I32F32::ZERO, I32F32::ZERO);
        for &idx in &current {
            let s = get(score, idx);
            if s == pivot {
                continue;
            }
            if s < pivot {
                lo_stake = lo_stake.saturating_add(get(stake, idx));
                lower.push(idx);
            } else {
                hi_stake = hi_stake.saturating_add(get(stake, idx));
                upper.push(idx);
            }
        }
        if minority < lo.saturating_add(lo_stake) && !lower.is_empty() {
            core::mem::swap(&mut current, &mut lower);
            hi = lo.saturating_add(lo_stake);
        } else if hi.saturating_sub(hi_stake) <= minority && !upper.is_empty() {
            core::mem::swap(&mut current, &mut upper);
            lo = hi.saturating_sub(hi_stake);
        } else {
            return pivot;
        }
        lower.clear();
        upper.clear();
        iterations = iterations.saturating_add(1);
        if iterations > limit {
            return I32F32::ZERO;
        }
    }
}

/// `weighted_median_col`: per column of a dense matrix, over the rows with positive stake (the
/// stake of those rows renormalised per column, as upstream does).
#[must_use]
pub fn weighted_median_col(
    stake: &[I32F32],
    score: &[Vec<I32F32>],
    majority: I32F32,
) -> Vec<I32F32> {
    let columns = score.first().map_or(0, Vec::len);
    (0..columns)
        .map(|c| {
            let mut use_stake = Vec::new();
            let mut use_score = Vec::new();
            for (r, st) in stake.iter().enumerate() {
                if *st > I32F32::ZERO {
                    match score.get(r) {
                        Some(row) if row.len() == columns => {
                            use_stake.push(*st);
                            use_score.push(row.get(c).copied().unwrap_or_default());
                        }
                        _ => {
                            use_stake.push(I32F32::ZERO);
                            use_score.push(I32F32::ZERO);
                        }
                    }
                }
            }
            if use_stake.is_empty() {
                return I32F32::ZERO;
            }
            inplace_normalize(&mut use_stake);
            let stake_sum = sum(&use_stake);
            let minority = stake_sum.saturating_sub(majority);
            let idx: Vec<usize> = (0..use_stake.len()).collect();
            weighted_median(&use_stake, &use_score, &idx, minority, I32F32::ZERO, stake_sum)
        })
        .collect()
}

/// `weighted_median_col_sparse`, literally (a dense `columns × rows` score table). The
/// production epoch transposes only the positive scores and selects with the closed form (see
/// the module docs); the tests check it returns the same bits.
#[must_use]
pub fn weighted_median_col_sparse(
    stake: &[I32F32],
    score: &[Vec<(u16, I32F32)>],
    columns: u16,
    majority: I32F32,
) -> Vec<I32F32> {
    let mut use_stake: Vec<I32F32> = stake.iter().copied().filter(|s| *s > I32F32::ZERO).collect();
    inplace_normalize(&mut use_stake);
    let stake_sum = sum(&use_stake);
    let minority = stake_sum.saturating_sub(majority);
    let idx: Vec<usize> = (0..use_stake.len()).collect();
    let mut use_score = vec![vec![I32F32::ZERO; use_stake.len()]; usize::from(columns)];
    let mut k = 0_usize;
    for (s, row) in stake.iter().zip(score) {
        if *s > I32F32::ZERO {
            for (c, v) in row {
                if let Some(cell) =
                    use_score.get_mut(usize::from(*c)).and_then(|col| col.get_mut(k))
                {
                    *cell = *v;
                }
            }
            k = k.saturating_add(1);
        }
    }
    use_score
        .iter()
        .map(|col| weighted_median(&use_stake, col, &idx, minority, I32F32::ZERO, stake_sum))
        .collect()
}

/// [`weighted_median`] over all of `stake`/`score` (`lo = 0`, `hi = Σ stake`), computed with the
/// closed form of the module docs (a selection instead of the pivot loop). Stakes must be
/// non-negative with a sum that does not overflow, which holds for normalised stake.
#[must_use]
pub fn weighted_median_closed_form(stake: &[I32F32], score: &[I32F32], minority: I32F32) -> I32F32 {
    if stake.len() != score.len() {
        return I32F32::ZERO;
    }
    let total = sum(stake);
    let mut entries: Vec<(I32F32, I32F32)> =
        score.iter().copied().zip(stake.iter().copied()).collect();
    weighted_quantile(&mut entries, 0, I32F32::ZERO, minority, total)
}

/// Closed form of [`weighted_median`] started on a whole population (`lo = 0`, `hi = total`),
/// see the module docs. `entries` holds `(score, stake)` pairs for the explicitly listed members;
/// `zero_count`/`zero_stake` describe further members whose score is 0 (absent sparse entries).
/// `total` must equal the exact sum of all stakes, which must all be non-negative.
///
/// `entries` is reordered.
pub(crate) fn weighted_quantile(
    entries: &mut [(I32F32, I32F32)],
    zero_count: usize,
    zero_stake: I32F32,
    minority: I32F32,
    total: I32F32,
) -> I32F32 {
    let has_zero_member = zero_count > 0;
    if entries.is_empty() && !has_zero_member {
        return I32F32::ZERO;
    }
    if minority < I32F32::ZERO {
        let min = entries.iter().map(|e| e.0).min();
        return match min {
            Some(m) if !has_zero_member || m < I32F32::ZERO => m,
            _ => I32F32::ZERO,
        };
    }
    if minority >= total {
        let max = entries.iter().map(|e| e.0).max();
        return match max {
            Some(m) if !has_zero_member || m > I32F32::ZERO => m,
            _ => I32F32::ZERO,
        };
    }
    // Smallest score whose cumulative stake exceeds `minority`, with the zero-score members
    // inserted as one group at score 0.
    let (negatives, rest) = partition_in_place(entries, |e| e.0 < I32F32::ZERO);
    let neg_mass = mass(negatives);
    if minority < neg_mass {
        return select(negatives, minority);
    }
    let below_positive = neg_mass.saturating_add(zero_stake);
    let (zeros, positives) = partition_in_place(rest, |e| e.0 == I32F32::ZERO);
    let zero_mass = below_positive.saturating_add(mass(zeros));
    if minority < zero_mass {
        return I32F32::ZERO;
    }
    select(positives, minority.saturating_sub(zero_mass))
}

/// The production epoch's column median: the closed form over positive scores packed with their
/// row as `score << 16 | row` (unique keys, one u64 compare each), members without a positive
/// score forming the zero group. Built once per epoch for the rows with positive stake.
pub(crate) struct PackedMedian<'a> {
    /// Stake by the row number that keys carry.
    stakes: &'a [I32F32],
    /// Rows with positive stake: the population, including members without a listed key.
    members: usize,
    total: I32F32,
    minority: I32F32,
    /// The CPU has AVX2 (the selection's filter then tests four keys at once).
    #[cfg(target_arch = "x86_64")]
    avx2: bool,
}

impl<'a> PackedMedian<'a> {
    /// `None` unless the closed form applies: non-negative stakes whose sum (`total`, as the
    /// runtime computes it) is exact, and at most 2^16 rows.
    pub(crate) fn new(stakes: &'a [I32F32], total: I32F32, minority: I32F32) -> Option<Self> {
        let exact = stakes.iter().try_fold(0_i64, |acc, s| {
            if s.to_bits() < 0 { None } else { acc.checked_add(s.to_bits()) }
        });
        (exact == Some(total.to_bits()) && stakes.len() <= 1 << 16).then_some(Self {
            stakes,
            members: stakes.len(),
            total,
            minority,
            #[cfg(target_arch = "x86_64")]
            avx2: std::is_x86_feature_detected!("avx2"),
        })
    }

    /// The same median for keys that carry a row number of the whole matrix instead of an index
    /// into the members: `by_row[row]` is that row's (member) stake. The population and its
    /// total are unchanged, so the selections give the same results.
    pub(crate) fn with_row_stakes<'b>(&self, by_row: &'b [I32F32]) -> PackedMedian<'b> {
        PackedMedian {
            stakes: by_row,
            members: self.members,
            total: self.total,
            minority: self.minority,
            #[cfg(target_arch = "x86_64")]
            avx2: self.avx2,
        }
    }

    /// Key of a positive score of row `k`; `None` if it does not fit (score ≥ 2^47).
    #[inline]
    pub(crate) fn key(score: I32F32, row: usize) -> Option<u64> {
        let s = u64::try_from(score.to_bits()).ok().filter(|s| s >> 47 == 0)?;
        let k = u64::try_from(row).ok().filter(|k| k >> 16 == 0)?;
        Some((s << 16) | k)
    }

    /// Score of a key.
    #[inline]
    pub(crate) fn score(key: u64) -> I32F32 {
        I32F32::from_bits(i64::try_from(key >> 16).unwrap_or(0))
    }

    #[inline]
    fn stake(&self, key: u64) -> I32F32 {
        self.stakes
            .get(usize::try_from(key & 0xFFFF).unwrap_or(usize::MAX))
            .copied()
            .unwrap_or_default()
    }

    /// Median of one column whose positive scores are `keys` (reordered).
    pub(crate) fn column(&self, keys: &mut [u64]) -> I32F32 {
        let lo = keys.iter().copied().min().unwrap_or(0);
        let hi = keys.iter().copied().max().unwrap_or(0);
        self.column_in(keys, (lo, hi))
    }

    /// [`PackedMedian::column`] with the keys' minimum and maximum already known.
    pub(crate) fn column_in(&self, keys: &mut [u64], (lo, hi): (u64, u64)) -> I32F32 {
        if keys.is_empty() {
            return I32F32::ZERO; // every member scores 0 (or there are no members)
        }
        let has_zero_member = keys.len() < self.members;
        if self.minority < I32F32::ZERO {
            return if has_zero_member { I32F32::ZERO } else { Self::score(lo) };
        }
        if self.minority >= self.total {
            return Self::score(hi);
        }
        if !has_zero_member {
            return self.select(keys, self.minority, (lo, hi));
        }
        let listed = keys.iter().fold(I32F32::ZERO, |acc, k| acc.saturating_add(self.stake(*k)));
        let zero_stake = self.total.saturating_sub(listed);
        if self.minority < zero_stake {
            return I32F32::ZERO;
        }
        self.select(keys, self.minority.saturating_sub(zero_stake), (lo, hi))
    }

    /// Smallest key whose cumulative stake exceeds `target` (< the keys' total stake): its score.
    /// Radix selection: bucket the live keys by their top 8 significant bits (relative to the
    /// smallest), find the bucket where the cumulative stake crosses `target`, keep only that
    /// bucket; small remainders are sorted. Linear, with no dependence on the key order.
    ///
    /// Stakes are non-negative with an exact sum (checked in [`PackedMedian::new`]), so every
    /// partial sum here is exact: plain (wrapping) additions give the saturating results.
    fn select(&self, keys: &mut [u64], target: I32F32, range: (u64, u64)) -> I32F32 {
        // Below 2^32 in all, every bucket's stake fits a u32: half the histogram to clear and
        // scan per round.
        if self.total.to_bits() < 1 << 32 {
            self.select_in::<u32>(keys, target, range)
        } else {
            self.select_in::<i64>(keys, target, range)
        }
    }

    /// [`PackedMedian::select`] with buckets of type `M`, which must hold the total stake.
    fn select_in<M: Mass>(&self, keys: &mut [u64], target: I32F32, range: (u64, u64)) -> I32F32 {
        let mut target = target.to_bits();
        let mut len = keys.len();
        // The range of the live keys: given for the first round, tracked by the filter after.
        let (mut lo, mut hi) = range;
        let mut hist = [M::ZERO; 256];
        loop {
            let live = keys.get_mut(..len).unwrap_or(&mut []);
            if len <= 16 {
                live.sort_unstable();
                let mut cum = 0_i64;
                for k in live.iter() {
                    cum = cum.wrapping_add(self.stake(*k).to_bits());
                    if target < cum {
                        return Self::score(*k);
                    }
                }
                // Unreachable while `target` is below the keys' stake; the largest is the answer
                // the loop would give for target == total.
                return live.last().map_or(I32F32::ZERO, |k| Self::score(*k));
            }
            // 256 buckets: scores cluster (a few outliers stretch the range), so fewer buckets
            // would leave most keys in one bucket and take more rounds.
            let bits = 8_u32;
            let buckets = hist.get_mut(..1 << bits).unwrap_or(&mut []);
            let shift =
                64_u32.wrapping_sub((hi.wrapping_sub(lo)).leading_zeros()).saturating_sub(bits);
            let mask = (1_u64 << bits).wrapping_sub(1);
            buckets.iter_mut().for_each(|h| *h = M::ZERO);
            for k in live.iter() {
                // (k − lo) >> shift < 2^bits by the choice of `shift`; the mask only drops the
                // bounds check.
                let b = usize::try_from((k.wrapping_sub(lo) >> shift) & mask).unwrap_or(0);
                if let Some(h) = buckets.get_mut(b) {
                    *h = h.add(self.stake(*k).to_bits());
                }
            }
            // The bucket where the cumulative stake passes `target`: eight buckets at a time
            // (one compare per group, the sums vectorise), then one by one inside the group.
            let mut below = 0_i64;
            let mut chosen = mask;
            let mut first = 0_u64;
            for group in buckets.chunks_exact(8) {
                let upto = below.wrapping_add(group.iter().fold(M::ZERO, |a, h| a.plus(*h)).get());
                if target < upto {
                    break;
                }
                below = upto;
                first = first.wrapping_add(8);
            }
            let rest = buckets.get(usize::try_from(first).unwrap_or(usize::MAX)..).unwrap_or(&[]);
            for (b, h) in (first..).zip(rest) {
                let upto = below.wrapping_add(h.get());
                if target < upto {
                    chosen = b;
                    break;
                }
                below = upto;
            }
            target = target.wrapping_sub(below);
            // Keep the chosen bucket's keys (few) and their range.
            let bucket = Bucket { lo, shift, chosen };
            #[cfg(target_arch = "x86_64")]
            let kept = if self.avx2 {
                // SAFETY: `avx2` is set only where the CPU has AVX2 (see `new`).
                unsafe { keep_avx2(live, bucket) }
            } else {
                keep(live, bucket)
            };
            #[cfg(not(target_arch = "x86_64"))]
            let kept = keep(live, bucket);
            // The bucket width shrinks 2^bits-fold per round (keys are distinct), so this ends.
            (len, lo, hi) = kept;
        }
    }
}

/// A histogram bucket: a sum of stakes (raw, non-negative), exact while the total fits.
trait Mass: Copy {
    const ZERO: Self;
    /// `self + stake`, for a `stake` that keeps the sum within the type.
    fn add(self, stake: i64) -> Self;
    /// `self + other`, for buckets whose sum is within the type (any that sum to at most the
    /// total: the sums of a group of buckets stay in the buckets' own type).
    fn plus(self, other: Self) -> Self;
    fn get(self) -> i64;
}

impl Mass for i64 {
    const ZERO: Self = 0;
    #[inline(always)]
    fn add(self, stake: i64) -> Self {
        self.wrapping_add(stake)
    }
    #[inline(always)]
    fn plus(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
    #[inline(always)]
    fn get(self) -> i64 {
        self
    }
}

/// For totals below 2^32: every stake and every bucket's sum is then below 2^32.
impl Mass for u32 {
    const ZERO: Self = 0;
    #[inline(always)]
    fn add(self, stake: i64) -> Self {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        self.wrapping_add(stake as u32)
    }
    #[inline(always)]
    fn plus(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
    #[inline(always)]
    fn get(self) -> i64 {
        i64::from(self)
    }
}

/// One round's chosen bucket: the keys `k` with `(k − lo) >> shift == chosen`.
#[derive(Clone, Copy)]
struct Bucket {
    lo: u64,
    shift: u32,
    chosen: u64,
}

impl Bucket {
    #[inline(always)]
    fn holds(self, k: u64) -> bool {
        k.wrapping_sub(self.lo) >> self.shift == self.chosen
    }
}

/// Moves the keys of `bucket` to the front of `keys` (in order); returns their number, smallest
/// and largest.
#[inline(always)]
fn keep(keys: &mut [u64], bucket: Bucket) -> (usize, u64, u64) {
    keep_from(keys, 0, (0, u64::MAX, 0), bucket)
}

/// [`keep`] for `keys[from..]`, the keys before `from` already kept as `found`.
#[inline(always)]
fn keep_from(
    keys: &mut [u64],
    from: usize,
    found: (usize, u64, u64),
    bucket: Bucket,
) -> (usize, u64, u64) {
    let (mut w, mut lo, mut hi) = found;
    for r in from..keys.len() {
        let k = keys.get(r).copied().unwrap_or(0);
        // Few keys match: a branch that is rarely taken.
        if bucket.holds(k) {
            if let Some(slot) = keys.get_mut(w) {
                *slot = k;
            }
            w = w.wrapping_add(1);
            lo = lo.min(k);
            hi = hi.max(k);
        }
    }
    (w, lo, hi)
}

/// [`keep`] testing four keys per instruction: the hits of 64 keys are gathered into a bitmap
/// first (no branch, no store), then only the (few) hits are moved, one per set bit. A branch
/// per key or per group of four mispredicts at every hit; storing every group whole (compacted
/// by a permutation) costs a store per group.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn keep_avx2(keys: &mut [u64], bucket: Bucket) -> (usize, u64, u64) {
    use core::arch::x86_64::{
        _mm_cvtsi64_si128, _mm256_castsi256_pd, _mm256_cmpeq_epi64, _mm256_loadu_si256,
        _mm256_movemask_pd, _mm256_set1_epi64x, _mm256_srl_epi64, _mm256_sub_epi64,
    };
    let len = keys.len();
    let whole = len.wrapping_sub(len % 4);
    // Bit patterns of the u64 operands (wrapping subtraction and logical shift are sign-blind).
    let lo = _mm256_set1_epi64x(bucket.lo.cast_signed());
    let chosen = _mm256_set1_epi64x(bucket.chosen.cast_signed());
    let count = _mm_cvtsi64_si128(i64::from(bucket.shift));
    let (mut w, mut min, mut max) = (0_usize, u64::MAX, 0_u64);
    let p = keys.as_mut_ptr();
    for base in (0..whole).step_by(64) {
        let end = base.wrapping_add(64).min(whole);
        let mut hits = 0_u64;
        for r in (base..end).step_by(4) {
            // SAFETY: r + 4 ≤ end ≤ whole ≤ len.
            let v = unsafe { _mm256_loadu_si256(p.add(r).cast()) };
            let hit = _mm256_cmpeq_epi64(_mm256_srl_epi64(_mm256_sub_epi64(v, lo), count), chosen);
            let mask = u64::from(_mm256_movemask_pd(_mm256_castsi256_pd(hit)).cast_unsigned());
            hits |= mask << (r.wrapping_sub(base) & 63);
        }
        while hits != 0 {
            let r = base.wrapping_add(hits.trailing_zeros() as usize);
            hits &= hits.wrapping_sub(1);
            // SAFETY: r < end ≤ len, and w ≤ r (one key kept per key read, in order): the
            // write lands on a key already passed over, never on a hit still to be read.
            unsafe {
                let k = *p.add(r);
                *p.add(w) = k;
                min = min.min(k);
                max = max.max(k);
            }
            w = w.wrapping_add(1);
        }
    }
    keep_from(keys, whole, (w, min, max), bucket)
}

fn mass(entries: &[(I32F32, I32F32)]) -> I32F32 {
    entries.iter().fold(I32F32::ZERO, |acc, e| acc.saturating_add(e.1))
}

/// Splits `v` so that elements satisfying `pred` come first; returns both halves.
fn partition_in_place<T, F: Fn(&T) -> bool>(v: &mut [T], pred: F) -> (&mut [T], &mut [T]) {
    let mut first = 0_usize;
    for i in 0..v.len() {
        if v.get(i).is_some_and(&pred) {
            v.swap(first, i);
            first = first.saturating_add(1);
        }
    }
    v.split_at_mut(first)
}

/// Smallest score `s` in `entries` whose cumulative stake (over scores `≤ s`) exceeds `target`;
/// `target` must be below the total stake of `entries`. Quickselect on the scores.
fn select(mut entries: &mut [(I32F32, I32F32)], mut target: I32F32) -> I32F32 {
    loop {
        let n = entries.len();
        let Some(&(pivot, _)) = entries.get(n / 2) else {
            // Unreachable while `target` is below the total; keep the type total anyway.
            return I32F32::ZERO;
        };
        // Three-way split: [< pivot | == pivot | > pivot].
        let (less, rest) = partition_in_place(entries, |e| e.0 < pivot);
        let less_mass = mass(less);
        if target < less_mass {
            entries = less;
            continue;
        }
        let (equal, greater) = partition_in_place(rest, |e| e.0 == pivot);
        let upto = less_mass.saturating_add(mass(equal));
        if target < upto || greater.is_empty() {
            return pivot;
        }
        target = target.saturating_sub(upto);
        entries = greater;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> I32F32 {
        I32F32::saturating_from_f64(x)
    }

    /// Pseudo-random numbers below a bound (a 64-bit LCG's high bits), from `seed`.
    fn below(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % m
        }
    }

    /// The packed selection against the literal loop on pseudo-random populations with ties,
    /// zero scores and zero stakes.
    #[test]
    fn packed_median_matches_literal() {
        let mut next = below(0x1234_5678);
        for round in 0..20_000 {
            // Mostly small populations (every branch of the closed form), some large enough
            // for several radix rounds.
            let m = 1 + next(if round % 8 == 0 { 400 } else { 24 }) as usize;
            let mut stake: Vec<I32F32> = (0..m)
                .map(|_| I32F32::from_bits(if next(5) == 0 { 0 } else { next(1 << 32) as i64 }))
                .collect();
            if next(2) == 0 {
                inplace_normalize(&mut stake);
            }
            let score: Vec<I32F32> = (0..m)
                .map(|_| match next(4) {
                    0 => I32F32::ZERO,
                    1 => I32F32::from_bits((next(4) as i64) << 30),
                    _ => I32F32::from_bits(next((1 << 32) + 1) as i64),
                })
                .collect();
            let total = sum(&stake);
            let minority = match next(4) {
                0 => I32F32::from_bits(next(1 << 33) as i64 - (1 << 32)),
                1 => {
                    total.saturating_sub(crate::fixed::u16_proportion_to_fixed(next(65_536) as u16))
                }
                2 => total,
                _ => I32F32::from_bits(-1),
            };
            let idx: Vec<usize> = (0..m).collect();
            let literal = weighted_median(&stake, &score, &idx, minority, I32F32::ZERO, total);
            let packed = PackedMedian::new(&stake, total, minority).unwrap();
            let mut keys: Vec<u64> = score
                .iter()
                .enumerate()
                .filter(|(_, s)| **s > I32F32::ZERO)
                .map(|(k, s)| PackedMedian::key(*s, k).unwrap())
                .collect();
            assert_eq!(
                packed.column(&mut keys),
                literal,
                "stake {stake:?} score {score:?} minority {minority:?}"
            );
        }
    }

    /// The vector filter keeps the same keys, in the same order, with the same range.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn keep_avx2_matches_keep() {
        if !std::is_x86_feature_detected!("avx2") {
            return;
        }
        let mut next = below(0x9e37_79b9);
        for _ in 0..5_000 {
            let len = next(70) as usize;
            // Scores below 2^10, buckets of 2^0 to 2^7 scores: from one key to most per bucket.
            let keys: Vec<u64> = (0..len).map(|k| (next(1 << 10) << 16) | k as u64).collect();
            let lo = keys.iter().copied().min().unwrap_or(0);
            let shift = 16 + next(8) as u32;
            let chosen = match keys.get(next(len.max(1) as u64) as usize) {
                Some(k) if next(4) != 0 => (k - lo) >> shift,
                _ => next(1 << (26 - shift)),
            };
            let bucket = Bucket { lo, shift, chosen };
            let (mut a, mut b) = (keys.clone(), keys);
            let plain = keep(&mut a, bucket);
            // SAFETY: AVX2 was detected above.
            let vector = unsafe { keep_avx2(&mut b, bucket) };
            assert_eq!(plain, vector);
            assert_eq!(a[..plain.0], b[..vector.0]);
        }
    }

    #[test]
    fn literal_median_examples() {
        let stake = [f(0.1); 10];
        let score =
            [f(0.8), f(0.8), f(0.2), f(0.2), f(1.0), f(1.0), f(0.6), f(0.6), f(0.4), f(0.4)];
        let mut stake_n = stake.to_vec();
        inplace_normalize(&mut stake_n);
        let total = sum(&stake_n);
        let minority = total.saturating_sub(f(0.51));
        let idx: Vec<usize> = (0..10).collect();
        let lit = weighted_median(&stake_n, &score, &idx, minority, I32F32::ZERO, total);
        let mut entries: Vec<_> = score.iter().copied().zip(stake_n.iter().copied()).collect();
        assert_eq!(weighted_quantile(&mut entries, 0, I32F32::ZERO, minority, total), lit);
    }
}
