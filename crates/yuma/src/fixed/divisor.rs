//! Exact division by a divisor that is reused many times (a row sum, a column sum, a column max).
//!
//! Normalising a sparse matrix divides ~10^6 entries by a few thousand distinct divisors. A
//! hardware 128-bit division per entry would dominate the epoch, so each divisor is turned once
//! into a multiply-and-shift (Granlund & Montgomery, "Division by invariant integers using
//! multiplication", 1994, §4 / Fig. 4.1). The quotient is *exactly* `floor(x / d)` for every
//! 64-bit `x`; `tests/it/fast_paths.rs` checks it against `/` on random and edge inputs.

use super::I32F32;

/// Exact `floor(x / d)` for any `u64` numerator `x`, with `d ≥ 1` fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct U64Divisor {
    /// Low 64 bits of the 65-bit magic multiplier `2^64 + magic`.
    magic: u64,
    /// First shift, 0 for `d == 1`, else 1.
    shift1: u32,
    /// Second shift, `ceil(log2 d) - 1` (0 for `d ≤ 2`).
    shift2: u32,
}

impl U64Divisor {
    /// Precomputes the reciprocal of `d`; `None` for `d == 0`.
    #[must_use]
    pub fn new(d: u64) -> Option<Self> {
        if d == 0 {
            return None;
        }
        // l = ceil(log2 d), so 2^(l-1) < d ≤ 2^l.
        let l = 64_u32.wrapping_sub(d.wrapping_sub(1).leading_zeros());
        // magic = floor(2^64 · (2^l - d) / d) + 1; (2^l - d) < d, so magic < 2^64.
        let two_l = 1_u128.checked_shl(l).unwrap_or(0);
        let numer = two_l.wrapping_sub(u128::from(d)) << 64;
        let magic = numer.checked_div(u128::from(d)).unwrap_or(0).wrapping_add(1);
        Some(Self {
            magic: u64::try_from(magic).unwrap_or(u64::MAX),
            shift1: l.min(1),
            shift2: l.saturating_sub(1),
        })
    }

    /// `floor(x / d)`.
    #[inline(always)]
    #[must_use]
    pub fn divide(self, x: u64) -> u64 {
        // A 64 × 64-bit product never wraps in 128 bits; its high half fits 64 bits.
        #[allow(clippy::cast_possible_truncation)]
        let t1 = (u128::from(self.magic).wrapping_mul(u128::from(x)) >> 64) as u64;
        // t1 ≤ x, so x - t1 does not wrap; (t1 + ((x - t1) >> s1)) ≤ x does not overflow.
        let q = t1.wrapping_add(x.wrapping_sub(t1) >> self.shift1);
        q >> self.shift2
    }
}

/// `a.checked_div(divisor)` (I32F32) for a fixed divisor, fast for the epoch's numerators
/// (non-negative and below `2^(32 + t)` raw, where `t ≤ 32` counts the divisor's trailing zeros).
///
/// `(a · 2^32) / b = (a · 2^(32 - t)) / (b / 2^t)` exactly when `2^t` divides `b`: for
/// integer-valued divisors (row sums of u16 weights) the numerator is just `a`. Other numerators
/// and non-positive divisors take the general [`I32F32::checked_div`].
#[derive(Clone, Copy, Debug)]
pub struct FixedDivisor {
    /// Numerators with raw bits (as u64) below this take the fast path; 0 disables it.
    limit: u64,
    reduced: U64Divisor,
    /// `32 - t`.
    shift: u32,
    divisor: I32F32,
}

impl FixedDivisor {
    /// Prepares `checked_div` by `divisor` (any value).
    #[must_use]
    pub fn new(divisor: I32F32) -> Self {
        let b = divisor.to_bits();
        let t = b.trailing_zeros().min(32);
        match U64Divisor::new(b.unsigned_abs() >> t).filter(|_| b > 0) {
            Some(reduced) => Self {
                reduced,
                shift: 32_u32.wrapping_sub(t),
                // 2^(32 + t), capped at 2^63 (i64 numerators are below it anyway).
                limit: 1_u64 << 32_u32.wrapping_add(t).min(63),
                divisor,
            },
            None => Self {
                reduced: U64Divisor { magic: 1, shift1: 0, shift2: 0 },
                shift: 0,
                limit: 0,
                divisor,
            },
        }
    }

    /// Division by one, which leaves every value unchanged: stands for "skip this column" in
    /// upstream's column normalisations (a zero sum).
    #[must_use]
    pub fn identity() -> Self {
        Self::new(I32F32::ONE)
    }

    /// The divisor.
    #[must_use]
    pub fn divisor(&self) -> I32F32 {
        self.divisor
    }

    /// Same result as `a.checked_div(divisor)`.
    #[inline(always)]
    #[must_use]
    pub fn checked_div(&self, a: I32F32) -> Option<I32F32> {
        let bits = a.to_bits();
        // Negative numerators wrap to huge u64 values and fail the test.
        #[allow(clippy::cast_sign_loss)]
        let x = bits as u64;
        if x < self.limit {
            let q = self.reduced.divide(x << self.shift);
            return i64::try_from(q).ok().map(I32F32::from_bits);
        }
        a.checked_div(self.divisor)
    }

    /// `floor(a · 2^32 / divisor)` for a raw numerator the caller knows is below the fast-path
    /// limit `2^(32 + t)` (so the shifted value fits 64 bits) and whose quotient fits (e.g.
    /// `a ≤ divisor`); nothing is checked. Only for positive divisors (or the identity).
    #[inline(always)]
    pub(crate) fn div_in_range(&self, a: u64) -> u64 {
        self.reduced.divide(a << self.shift)
    }

    /// Whether [`FixedDivisor::div_in_range`] applies to every raw numerator `0 ≤ a ≤ max`.
    #[inline]
    pub(crate) fn in_range_up_to(&self, max: I32F32) -> bool {
        max.to_bits().cast_unsigned() < self.limit
    }

    /// Same result as `a.safe_div(divisor)`.
    #[inline(always)]
    #[must_use]
    pub fn safe_div(&self, a: I32F32) -> I32F32 {
        self.checked_div(a).unwrap_or(I32F32::ZERO)
    }
}

/// [`FixedDivisor::div_in_range`] for numerators that are also at most the divisor (quotients
/// in [0, 1]: a term divided by the sum it is part of, a value by its column maximum), with one
/// variable shift fewer: the reduced divisor 1 (a power-of-two divisor) is replaced by 2 with
/// the numerator shifted one more bit, so the second shift is always 1. Only for positive
/// divisors (or the identity).
#[derive(Clone, Copy, Debug)]
pub(crate) struct UnitDivisor {
    magic: u64,
    pre: u32,
    post: u32,
}

impl UnitDivisor {
    pub(crate) fn new(divisor: &FixedDivisor) -> Self {
        let r = divisor.reduced;
        if r.shift1 == 0 {
            // Reduced divisor 1, so the divisor is 2^t (t ≤ 32) and a numerator a ≤ 2^t shifted
            // by 33 − t bits stays below 2^34. U64Divisor::new(2) has magic 1, shifts 1 and 0.
            Self { magic: 1, pre: divisor.shift.wrapping_add(1), post: 0 }
        } else {
            Self { magic: r.magic, pre: divisor.shift, post: r.shift2 }
        }
    }

    /// `floor(a · 2^32 / divisor)` for `a ≤ divisor` below the fast-path limit (unchecked).
    #[inline(always)]
    pub(crate) fn divide(self, a: u64) -> u64 {
        let x = a << self.pre;
        // A 64 × 64-bit product never wraps in 128 bits; its high half fits 64 bits.
        #[allow(clippy::cast_possible_truncation)]
        let t1 = (u128::from(self.magic).wrapping_mul(u128::from(x)) >> 64) as u64;
        t1.wrapping_add(x.wrapping_sub(t1) >> 1) >> self.post
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u64_divisor_edges() {
        for d in
            [1_u64, 2, 3, 5, 7, 10, 641, 65_535, 1 << 32, (1 << 32) + 1, u64::MAX - 1, u64::MAX]
        {
            let r = U64Divisor::new(d).unwrap();
            for x in [0_u64, 1, 2, d - 1, d, d.wrapping_add(1), u64::MAX, u64::MAX - 1, 1 << 63] {
                assert_eq!(r.divide(x), x / d, "x={x} d={d}");
            }
        }
        assert!(U64Divisor::new(0).is_none());
    }

    /// UnitDivisor against `checked_div` on random divisors (every magnitude, power-of-two ones
    /// included) and numerators up to the divisor.
    #[test]
    fn unit_divisor_random() {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seed ^ (seed >> 29)
        };
        for _ in 0..200_000 {
            let bits = 1 + next() % 62;
            let b = match next() % 4 {
                0 => 1_i64 << (bits % 48),
                _ => ((next() >> (64 - bits)) as i64).max(1),
            };
            let fd = FixedDivisor::new(I32F32::from_bits(b));
            let ud = UnitDivisor::new(&fd);
            let a = match next() % 3 {
                0 => b,
                _ => (next() % (b as u64 + 1)) as i64,
            };
            if !fd.in_range_up_to(I32F32::from_bits(a)) {
                continue;
            }
            let want = I32F32::from_bits(a).checked_div(I32F32::from_bits(b)).unwrap();
            assert_eq!(ud.divide(a as u64), want.to_bits() as u64, "a={a} b={b}");
        }
    }

    #[test]
    fn fixed_divisor_matches_checked_div() {
        let divisors = [
            1_i64,
            3,
            1 << 32,
            3 << 32,
            65_535 << 32,
            7_777_777,
            i64::MAX,
            1 << 40,
            0,
            -5,
            i64::MIN,
        ];
        let numerators = [
            0_i64,
            1,
            1 << 31,
            (1 << 32) - 1,
            1 << 32,
            5 << 40,
            i64::MAX,
            -1,
            -(1 << 40),
            i64::MIN,
        ];
        for b in divisors {
            let fd = FixedDivisor::new(I32F32::from_bits(b));
            for a in numerators {
                let a = I32F32::from_bits(a);
                assert_eq!(fd.checked_div(a), a.checked_div(I32F32::from_bits(b)), "a={a:?} b={b}");
            }
        }
        // UnitDivisor: numerators up to the divisor (and below the fast limit).
        for b in
            [1_i64, 2, 3, 1 << 20, (1 << 32) - 1, 1 << 32, (1 << 32) + 1, 3 << 31, 5 << 33, 1 << 40]
        {
            let fd = FixedDivisor::new(I32F32::from_bits(b));
            let ud = UnitDivisor::new(&fd);
            let mut a = 0_i64;
            let mut step = 1_i64;
            while a <= b {
                if fd.in_range_up_to(I32F32::from_bits(a)) {
                    let want = I32F32::from_bits(a).checked_div(I32F32::from_bits(b)).unwrap();
                    assert_eq!(ud.divide(a as u64), want.to_bits() as u64, "a={a} b={b}");
                }
                for x in [b, b - 1, b / 2, b / 3] {
                    if x >= 0 && fd.in_range_up_to(I32F32::from_bits(x)) {
                        let want = I32F32::from_bits(x).checked_div(I32F32::from_bits(b)).unwrap();
                        assert_eq!(ud.divide(x as u64), want.to_bits() as u64, "a={x} b={b}");
                    }
                }
                a += step;
                step = step * 3 / 2 + 1;
            }
        }
        let id = FixedDivisor::identity();
        for a in numerators {
            assert_eq!(id.safe_div(I32F32::from_bits(a)), I32F32::from_bits(a));
        }
    }
}
