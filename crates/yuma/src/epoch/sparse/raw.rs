//! The weights as the fused path reads them: the input rows in place, with what the masks and
//! the row normalisation of §3.3.4 need per row, instead of a normalised copy.
//!
//! [`super::build_weights`] writes every kept weight, divided by its row sum, into a new matrix
//! that the fused path would only read once, column block by column block. Scanning the rows
//! for their sums and order costs a fraction of that; the fused path then masks and divides
//! each weight when its column is processed (the same masks and the same floors: see
//! [`RawWeights::masked`] and [`RawWeights::normalised`]).

use super::{at, row_masks};
use crate::fixed::U64Divisor;
use crate::input::{EpochInput, SparseRow};

/// Per-row facts about the input weights (rows of uids without a permit read as empty).
pub(super) struct RawWeights<'a> {
    rows: &'a [SparseRow],
    permitted: Vec<bool>,
    /// Each row's masks (see `row_masks`): columns registered at or after `limit`, and `diag`.
    limit: Vec<u64>,
    diag: Vec<usize>,
    /// Σ of the kept u16 weights.
    sum: Vec<u64>,
    /// Number of kept entries.
    kept: Vec<usize>,
    /// The row's columns strictly increase (all entries, kept or not).
    ascending: Vec<bool>,
}

impl<'a> RawWeights<'a> {
    /// One pass over the permitted rows (the masks of [`super::build_weights`]).
    pub(super) fn scan(
        input: &'a EpochInput,
        permits: &[bool],
        registered: &[u64],
        owner: Option<usize>,
    ) -> Self {
        let n = input.len();
        let (limit, diag) = (0..n).map(|i| row_masks(input, i, owner)).unzip();
        let mut raw = Self {
            rows: input.weights.get(..n).unwrap_or(&input.weights),
            permitted: (0..n).map(|i| at(permits, i)).collect(),
            limit,
            diag,
            sum: vec![0; n],
            kept: vec![0; n],
            ascending: vec![true; n],
        };
        // Columns some row could mask by registration: registered at or after the earliest
        // mask block of any permitted row (few: the recently registered). Every other entry of
        // a sorted row is kept unless it is on the diagonal or beyond n.
        let earliest = (0..n).filter(|&i| at(permits, i)).map(|i| at(&raw.limit, i)).min();
        let recent: Vec<usize> = earliest.map_or_else(Vec::new, |earliest| {
            (0..n).filter(|&j| at(registered, j) >= earliest).collect()
        });
        for i in (0..n).filter(|&i| at(permits, i)) {
            let (limit, diag) = (at(&raw.limit, i), at(&raw.diag, i));
            let row = input.weights.get(i).map_or(&[][..], Vec::as_slice);
            let (asc, all_sum) = order_and_sum(row);
            let (sum, kept) = if asc {
                // Entries below n are a prefix; sum them, then take out the masked ones (found
                // by binary search: the diagonal and the recent columns this row masks).
                let end = row.partition_point(|e| usize::from(e.0) < n);
                let listed = row.get(..end).unwrap_or(&[]);
                let mut sum = if end == row.len() {
                    all_sum
                } else {
                    listed.iter().map(|e| u64::from(e.1)).sum()
                };
                let mut kept = end;
                let masked = recent
                    .iter()
                    .copied()
                    .filter(|&j| j != diag && at(registered, j) >= limit)
                    .chain((diag < n).then_some(diag));
                for j in masked {
                    if let Ok(pos) = listed.binary_search_by_key(&j, |e| usize::from(e.0))
                        && let Some(e) = listed.get(pos)
                    {
                        sum = sum.wrapping_sub(u64::from(e.1));
                        kept = kept.wrapping_sub(1);
                    }
                }
                (sum, kept)
            } else {
                let (mut sum, mut kept) = (0_u64, 0_usize);
                for &(j, w) in row {
                    let ju = usize::from(j);
                    // Columns ≥ n are dropped like masked ones.
                    let Some(&reg) = registered.get(ju) else { continue };
                    if ju != diag && reg < limit {
                        sum = sum.wrapping_add(u64::from(w));
                        kept = kept.wrapping_add(1);
                    }
                }
                (sum, kept)
            };
            if let (Some(s), Some(k), Some(a)) =
                (raw.sum.get_mut(i), raw.kept.get_mut(i), raw.ascending.get_mut(i))
            {
                (*s, *k, *a) = (sum, kept, asc);
            }
        }
        raw
    }

    /// Row `i` as given (empty without a permit).
    pub(super) fn row(&self, i: usize) -> &'a [(u16, u16)] {
        if at(&self.permitted, i) { self.rows.get(i).map_or(&[], Vec::as_slice) } else { &[] }
    }

    /// Row `i` is usable by the fused path: strictly ascending, and its normalised weights lie
    /// in [0, 1] (an exact sum below 2^31, as [`super::build_weights`]'s fast division needs).
    pub(super) fn unit_ascending(&self, i: usize) -> bool {
        at(&self.ascending, i) && at(&self.sum, i) < 1 << 31
    }

    /// Kept entries of row `i`.
    pub(super) fn kept(&self, i: usize) -> usize {
        at(&self.kept, i)
    }

    /// Σ of row `i`'s kept weights.
    pub(super) fn sum(&self, i: usize) -> u64 {
        at(&self.sum, i)
    }

    /// The earliest block at which some listed row's mask starts (columns registered before it
    /// are masked in no row, except on the diagonal).
    pub(super) fn min_limit(&self, rows: &[usize]) -> u64 {
        rows.iter()
            .map(|&i| self.limit.get(i).copied().unwrap_or(u64::MAX))
            .min()
            .unwrap_or(u64::MAX)
    }

    /// Whether row `i`'s entry in column `j` (registered at `reg`) is masked.
    #[inline]
    pub(super) fn masked(&self, i: usize, j: usize, reg: u64) -> bool {
        j == self.diag.get(i).copied().unwrap_or(usize::MAX)
            || reg >= self.limit.get(i).copied().unwrap_or(u64::MAX)
    }

    /// Row `i`'s kept weight `w` normalised (raw I32F32 bits): `floor(w · 2^32 / sum)`, 0 for a
    /// zero row, as [`super::build_weights`] divides (requires [`RawWeights::unit_ascending`]).
    #[inline]
    pub(super) fn normalised(divisor: Option<U64Divisor>, w: u16) -> u64 {
        divisor.map_or(0, |d| d.divide(u64::from(w) << 32))
    }

    /// The divisor of row `i` for [`RawWeights::normalised`].
    pub(super) fn divisor(&self, i: usize) -> Option<U64Divisor> {
        U64Divisor::new(self.sum(i))
    }
}

/// Whether the row's columns strictly increase, and the sum of all its values: one pass, eight
/// entries at a time (rows are nearly always sorted, so nothing exits early). The sum is exact
/// for rows of up to 2^16 entries, which every strictly ascending row is; callers use it only
/// for those.
fn order_and_sum(row: &[(u16, u16)]) -> (bool, u64) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64 (the target's baseline).
    let (ok, sum, prev, rest) = unsafe { order_and_sum_sse2(row) };
    #[cfg(not(target_arch = "x86_64"))]
    let (ok, sum, prev, rest) = (true, 0_u64, None::<u16>, row);
    let (mut ok, mut sum, mut prev) = (ok, sum, prev);
    for &(c, v) in rest {
        ok &= prev.is_none_or(|p| p < c);
        sum = sum.wrapping_add(u64::from(v));
        prev = Some(c);
    }
    (ok, sum)
}

/// [`order_and_sum`]'s eight-entry steps in SSE2 (every x86-64 CPU has it; the compiler keeps
/// the portable form scalar). Returns the order so far, the sum, the last column and the
/// entries left over (fewer than eight).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn order_and_sum_sse2(row: &[(u16, u16)]) -> (bool, u64, Option<u16>, &[(u16, u16)]) {
    use core::arch::x86_64::{
        _mm_add_epi32, _mm_cmplt_epi16, _mm_extract_epi16, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_packs_epi32, _mm_set1_epi16, _mm_setzero_si128, _mm_slli_epi32, _mm_srai_epi32,
        _mm_srli_epi32, _mm_srli_si128, _mm_storeu_si128, _mm_xor_si128,
    };
    // The pair layout: column in the low 16 bits of each 32-bit entry, value in the high ones.
    const _: () = assert!(
        core::mem::offset_of!((u16, u16), 0) == 0
            && core::mem::offset_of!((u16, u16), 1) == 2
            && core::mem::size_of::<(u16, u16)>() == 4
    );
    let chunks = row.chunks_exact(8);
    let rest = chunks.remainder();
    let (mut ok, mut prev) = (true, None::<u16>);
    // Per 32-bit lane two values per chunk: below 2^30 for a row of up to 2^16 entries (longer
    // rows are not strictly ascending, and their sum is not used).
    let mut sums = _mm_setzero_si128();
    // Unsigned 16-bit order through signed compares: flip the top bit of both sides.
    let flip = _mm_set1_epi16(i16::MIN);
    for chunk in chunks {
        let p = chunk.as_ptr().cast::<core::arch::x86_64::__m128i>();
        // SAFETY: the chunk holds eight 4-byte pairs: two unaligned 16-byte loads.
        let (a, b) = unsafe { (_mm_loadu_si128(p), _mm_loadu_si128(p.add(1))) };
        // Columns, sign-extended from 16 bits and packed back: the same 16-bit patterns.
        let low = |x| _mm_srai_epi32::<16>(_mm_slli_epi32::<16>(x));
        let cols = _mm_xor_si128(_mm_packs_epi32(low(a), low(b)), flip);
        sums = _mm_add_epi32(sums, _mm_add_epi32(_mm_srli_epi32::<16>(a), _mm_srli_epi32::<16>(b)));
        // Lane j < lane j + 1 for j < 7 (the byte mask's low 14 bits).
        let rising = _mm_movemask_epi8(_mm_cmplt_epi16(cols, _mm_srli_si128::<2>(cols)));
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let (first, last) = (
            (_mm_extract_epi16::<0>(cols) as u16) ^ 0x8000,
            (_mm_extract_epi16::<7>(cols) as u16) ^ 0x8000,
        );
        ok &= rising & 0x3FFF == 0x3FFF && prev.is_none_or(|p| p < first);
        prev = Some(last);
    }
    let mut lanes = [0_u32; 4];
    // SAFETY: `lanes` has room for 16 bytes.
    unsafe { _mm_storeu_si128(lanes.as_mut_ptr().cast(), sums) };
    (ok, lanes.iter().map(|v| u64::from(*v)).sum(), prev, rest)
}

#[cfg(test)]
mod tests {
    use super::order_and_sum;

    #[test]
    fn order_and_sum_match_the_plain_definitions() {
        let mut seed = 9_u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            seed >> 33
        };
        for _ in 0..5_000 {
            let len = usize::try_from(next() % 40).unwrap_or(0);
            // Columns anywhere in u16, the top half included (unsigned order).
            let mut col = u16::try_from(next() % 65_536).unwrap_or(0);
            let row: Vec<(u16, u16)> = (0..len)
                .map(|_| {
                    // Mostly increasing; sometimes a repeat or a step back.
                    col = match next() % 20 {
                        0 => col,
                        1 => col.saturating_sub(3),
                        _ => col.saturating_add(1 + u16::try_from(next() % 5).unwrap_or(0)),
                    };
                    (col, u16::try_from(next() % 65_536).unwrap_or(0))
                })
                .collect();
            let ascending = row.windows(2).all(|w| w[0].0 < w[1].0);
            let sum: u64 = row.iter().map(|e| u64::from(e.1)).sum();
            assert_eq!(order_and_sum(&row), (ascending, sum), "{row:?}");
        }
    }
}
