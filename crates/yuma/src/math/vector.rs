//! Vector primitives of subtensor's `epoch/math.rs` (normalisation, top-k, u16 upscaling).

use crate::fixed::{I32F32, I64F64, sum};

/// `inplace_normalize`: divide every entry by the plain (wrapping) sum; unchanged when the sum
/// is 0.
pub fn inplace_normalize(x: &mut [I32F32]) {
    let total = sum(x);
    inplace_normalize_using_sum(x, total);
}

/// `inplace_normalize_using_sum`: divide every entry by `x_sum` (`safe_div`) unless it is 0.
pub fn inplace_normalize_using_sum(x: &mut [I32F32], x_sum: I32F32) {
    if x_sum == I32F32::ZERO {
        return;
    }
    let divisor = crate::fixed::FixedDivisor::new(x_sum);
    for v in x.iter_mut() {
        *v = divisor.safe_div(*v);
    }
}

/// `inplace_normalize_64`: the I64F64 version (wrapping sum, `safe_div`).
pub fn inplace_normalize_64(x: &mut [I64F64]) {
    let total = x.iter().fold(I64F64::ZERO, |acc, v| acc.wrapping_add(*v));
    if total == I64F64::ZERO {
        return;
    }
    for v in x.iter_mut() {
        *v = v.safe_div(total);
    }
}

/// Whether the plain sum is 0 (`is_zero`).
#[must_use]
pub fn is_zero(x: &[I32F32]) -> bool {
    sum(x) == I32F32::ZERO
}

/// `is_topk`: true for the `k` largest entries. Indices are sorted by value with a *stable* sort,
/// so among equal values the lower index is dropped first; `k ≥ len` keeps everything.
#[must_use]
pub fn is_topk(vector: &[I32F32], k: usize) -> Vec<bool> {
    let mut result = vec![true; vector.len()];
    drop_smallest(vector, k, &mut result);
    result
}

/// `is_topk_nonzero`: like [`is_topk`] but starting from `v != 0`, so zeros never qualify.
#[must_use]
pub fn is_topk_nonzero(vector: &[I32F32], k: usize) -> Vec<bool> {
    let mut result: Vec<bool> = vector.iter().map(|v| *v != I32F32::ZERO).collect();
    drop_smallest(vector, k, &mut result);
    result
}

fn drop_smallest(vector: &[I32F32], k: usize, result: &mut [bool]) {
    let n = vector.len();
    if n < k {
        return;
    }
    // Upstream drops the first n − k of a stable sort by value: the n − k smallest under
    // (value, index) order, which a selection finds without sorting.
    let drop = n.saturating_sub(k);
    if drop == 0 {
        return;
    }
    let mut keyed: Vec<(I32F32, usize)> = vector.iter().copied().zip(0..).collect();
    if drop < n {
        keyed.select_nth_unstable(drop);
    }
    for &(_, i) in keyed.iter().take(drop) {
        if let Some(r) = result.get_mut(i) {
            *r = false;
        }
    }
}

/// `vec_max_upscale_to_u16`: scale so the maximum becomes 65 535 (rounded, ties away from zero).
///
/// * max == 0: `floor(e · 65535)` each;
/// * max > 32 768: `round(e · (65535 / max))` (the ratio is truncated first);
/// * otherwise `round((e · 65535) / max)`.
#[must_use]
pub fn vec_max_upscale_to_u16(vec: &[I32F32]) -> Vec<u16> {
    let u16_max = I32F32::U16_MAX;
    let threshold = I32F32::from_u16(32_768);
    let Some(&max) = vec.iter().max() else {
        return Vec::new();
    };
    if max == I32F32::ZERO {
        return vec.iter().map(|e| e.saturating_mul(u16_max).saturating_to_u16()).collect();
    }
    if max > threshold {
        let ratio = u16_max.safe_div(max);
        return vec.iter().map(|e| e.saturating_mul(ratio).round().saturating_to_u16()).collect();
    }
    vec.iter()
        .map(|e| e.saturating_mul(u16_max).safe_div(max).round().saturating_to_u16())
        .collect()
}

/// `vec_u16_max_upscale_to_u16`: the `set_weights` normalisation of submitted u16 weights.
#[must_use]
pub fn vec_u16_max_upscale_to_u16(vec: &[u16]) -> Vec<u16> {
    let fixed: Vec<I32F32> = vec.iter().map(|v| I32F32::from_u16(*v)).collect();
    vec_max_upscale_to_u16(&fixed)
}

/// `inplace_mask_vector`: zero entries where `mask` is true (missing mask entries count as true).
pub fn inplace_mask_vector(mask: &[bool], vector: &mut [I32F32]) {
    if mask.is_empty() {
        return;
    }
    for (i, v) in vector.iter_mut().enumerate() {
        if mask.get(i).copied().unwrap_or(true) {
            *v = I32F32::ZERO;
        }
    }
}

/// `vec_mul`: element-wise `checked_mul`, 0 on overflow.
#[must_use]
pub fn vec_mul(a: &[I32F32], b: &[I32F32]) -> Vec<I32F32> {
    a.iter().zip(b).map(|(x, y)| x.checked_mul(*y).unwrap_or_default()).collect()
}

/// `clamp_value`: `value.min(high).max(low)`.
#[inline]
#[must_use]
pub fn clamp_value(value: I32F32, low: I32F32, high: I32F32) -> I32F32 {
    value.min(high).max(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> I32F32 {
        I32F32::saturating_from_f64(x)
    }

    /// The selection drops exactly what upstream's stable sort drops, ties included.
    #[test]
    fn topk_selection_matches_a_stable_sort() {
        let mut seed = 3_u64;
        for round in 0..2_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let n = usize::try_from(seed >> 58).unwrap_or(0) + 1;
            let v: Vec<I32F32> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    I32F32::from_bits(i64::try_from(seed >> 61).unwrap_or(0) - 2) // many ties
                })
                .collect();
            let k = round % (n + 2);
            let mut idxs: Vec<usize> = (0..n).collect();
            idxs.sort_by_key(|&i| v[i]);
            let mut want = vec![true; n];
            for &i in idxs.iter().take(n.saturating_sub(k)) {
                want[i] = false;
            }
            assert_eq!(is_topk(&v, k), want, "v={v:?} k={k}");
        }
    }

    #[test]
    fn topk_stable_ties() {
        let v = [f(0.0), f(0.0), f(0.3), f(0.3), f(0.4)];
        assert_eq!(is_topk_nonzero(&v, 2), vec![false, false, false, true, true]);
        assert_eq!(is_topk(&v, 10), vec![true; 5]);
    }

    #[test]
    fn upscale_u16() {
        assert_eq!(
            vec_u16_max_upscale_to_u16(&[0, 1, 2, 3, 4, 65533, 65535]),
            vec![0, 1, 2, 3, 4, 65533, 65535]
        );
        assert_eq!(vec_u16_max_upscale_to_u16(&[1]), vec![65535]);
        assert_eq!(vec_max_upscale_to_u16(&[]), Vec::<u16>::new());
    }
}
