//! Exact I32F32 products and quotients of non-negative raw values carried in `f64` lanes.
//!
//! The fused epoch's column kernels multiply and divide raw I32F32 values that are non-negative
//! integers far below 2^52. In `f64` such integers are exact, and with a fused multiply-add the
//! floors the integer operations give can be recovered exactly — which lets the compiler run
//! four of them at once in AVX2 registers instead of one 64 × 64-bit multiply at a time. The
//! forms below are the cheapest found (five and six vector operations): on CPUs that split
//! 256-bit operations in two, the kernels are bound by their operation count.
//!
//! * [`mul_floor`]: `floor(x · y / 2^32)`, with `x` passed pre-scaled as `x / 2^32` ([`scaled`]:
//!   exact, a power-of-two scaling, and done once per constant or per slot). The rounded product
//!   `p` of `x / 2^32` and `y` and its exact error `e` (one FMA) give the true value `p + e`, with
//!   `|e|` at most half an ulp of `p`. If `e ≥ 0` the floor is `floor(p)`: `p + e` cannot reach
//!   the next integer, which is representable and at least an ulp above `p`. If `e < 0` it is
//!   `floor` of the next double below `p` (`p`'s bits minus one, `p > 0` as `e ≠ 0`): that
//!   double is at least `floor(p + e)` (representable and below `p`) and below `p`, so it has the
//!   same floor as the true value whether or not `p` is an integer.
//! * [`div_floor`]: `floor(a · 2^32 / d)`. The quotient through a reciprocal biased low by about
//!   2^-49 (relative) is strictly below the true quotient `Q` and above `Q − 1` (for `Q < 2^48`),
//!   so its floor `m` is `floor(Q)` or one less. The remainder `(a · 2^32 − m · d) / 2^32` is an
//!   integer in `[0, 2d)` over 2^32, exact in `f64`, and one FMA computes it exactly from `a` and
//!   `d / 2^32`; it is at least `d / 2^32` exactly when `m` is one short.
//!
//! Both are checked against the integer operations on random and edge inputs (tests below and
//! `tests/it/fast_paths.rs`).

/// 2^32.
pub(crate) const TWO_32: f64 = 4_294_967_296.0;
/// 2^-32.
pub(crate) const INV_TWO_32: f64 = 1.0 / TWO_32;
/// `1 − 2^-49`: the factor that biases a divisor's reciprocal low ([`FloatDivisor::new`]).
#[allow(clippy::cast_precision_loss)]
pub(crate) const RECIPROCAL_BIAS: f64 = 1.0 - 1.0 / (1_u64 << 49) as f64;

/// `x / 2^32` for a non-negative integer `x` below 2^52: the first operand of [`mul_floor`].
#[inline(always)]
#[must_use]
pub(crate) fn scaled(x: u64) -> f64 {
    from_u52(x) * INV_TWO_32
}

/// `floor(x · y / 2^32)` for non-negative integers `x, y` whose product is below 2^85 (the
/// raw-bits product of two I32F32 values, floored as `saturating_mul` does when nothing
/// saturates), with `x` given as [`scaled`]`(x)`.
#[inline(always)]
#[must_use]
// On x86-64 the kernels use the four-lane form; this one is its specification (tested here).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn mul_floor(x_scaled: f64, y: f64) -> f64 {
    let p = x_scaled * y;
    let e = x_scaled.mul_add(y, -p);
    // e < 0 implies p > 0 (a zero product is exact): the bits minus one are the next double down.
    let p = if e < 0.0 { f64::from_bits(p.to_bits().wrapping_sub(1)) } else { p };
    p.floor()
}

/// A divisor `d` (a positive integer below 2^52) as [`div_floor`] uses it: `d / 2^32` and a
/// reciprocal `2^32 / d` biased low.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FloatDivisor {
    d_scaled: f64,
    inv: f64,
}

impl FloatDivisor {
    /// The divisor `d`; `None` unless `0 < d < 2^52`.
    #[must_use]
    pub(crate) fn new(d: u64) -> Option<Self> {
        if d == 0 || d >> 52 != 0 {
            return None;
        }
        let d = from_u52(d);
        // Each rounding adds at most 2^-53 (relative): the result is below
        // (2^32 / d)·(1 − 2^-50), and above (2^32 / d)·(1 − 2^-48).
        let inv = (TWO_32 / d) * RECIPROCAL_BIAS;
        Some(Self { d_scaled: d * INV_TWO_32, inv })
    }

    /// `d / 2^32` and the biased `2^32 / d`.
    #[must_use]
    pub(crate) fn parts(self) -> (f64, f64) {
        (self.d_scaled, self.inv)
    }

    /// Dividing by raw 2^32 (I32F32 one): the identity on raw values.
    #[must_use]
    pub(crate) fn one() -> Self {
        Self::new(1 << 32).unwrap_or(Self { d_scaled: 1.0, inv: 1.0 })
    }
}

/// `floor(a · 2^32 / d)` for a non-negative integer `a` with `a · 2^32 / d < 2^48` (the raw-bits
/// quotient of two I32F32 values, floored as `checked_div` truncates for non-negative operands).
#[inline(always)]
#[must_use]
// On x86-64 the kernels use the four-lane form; this one is its specification (tested here).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn div_floor(a: f64, d: FloatDivisor) -> f64 {
    let m = (a * d.inv).floor();
    let r = (-m).mul_add(d.d_scaled, a);
    if r >= d.d_scaled { m + 1.0 } else { m }
}

/// `x` (below 2^52) as `f64`, exactly, with operations that vectorise (AVX2 has no u64 → f64
/// conversion): the bits of 2^52 + x, minus 2^52.
#[inline(always)]
#[must_use]
pub(crate) fn from_u52(x: u64) -> f64 {
    const MAGIC: f64 = 4_503_599_627_370_496.0; // 2^52
    f64::from_bits(x | MAGIC.to_bits()) - MAGIC
}

/// A non-negative integral `f64` below 2^52 as `u64` (the inverse of [`from_u52`]).
#[inline(always)]
#[must_use]
pub(crate) fn to_u52(x: f64) -> u64 {
    const MAGIC: f64 = 4_503_599_627_370_496.0; // 2^52
    (x + MAGIC).to_bits() ^ MAGIC.to_bits()
}

/// Operands on which the floors are hard to get right, for the tests of every form (the scalar
/// one here, the vector kernels in `epoch::sparse::lanes`).
#[cfg(test)]
pub(crate) mod cases {
    fn next(seed: &mut u64) -> u64 {
        *seed =
            seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        *seed ^ (*seed >> 29)
    }

    /// A value of random magnitude up to 2^bits, with edges (0, 1, 2^k, 2^k ± 1) often.
    fn value(seed: &mut u64, bits: u32) -> u64 {
        let b = 1 + u32::try_from(next(seed) % u64::from(bits)).unwrap();
        match next(seed) % 6 {
            0 => 0,
            1 => 1 << (b - 1),
            2 => (1 << (b - 1)) - 1,
            3 => (1 << (b - 1)) + 1,
            _ => next(seed) >> (64 - b),
        }
    }

    /// `(x, y)` for `floor(x · y / 2^32)`: `random` pairs of random magnitude, then `edges`
    /// rounds of products at, just below and just above multiples of 2^32 (the floor's edges).
    pub(crate) fn products(random: usize, edges: usize, mut f: impl FnMut(u64, u64)) {
        let mut seed = 7;
        for _ in 0..random {
            let x = value(&mut seed, 40);
            let y = value(&mut seed, 40);
            f(x, y);
        }
        for _ in 0..edges {
            let x = value(&mut seed, 33).max(1);
            let k = value(&mut seed, 40);
            for target in [k << 32, (k << 32).saturating_sub(1), (k << 32) + 1] {
                let y = target / x;
                for y in [y.saturating_sub(1), y, y + 1].into_iter().filter(|y| *y < 1 << 52) {
                    f(x, y);
                }
            }
        }
    }

    /// `(a, d)` for `floor(a · 2^32 / d)`: `random` pairs with quotients up to about 2^40, then
    /// `edges` rounds each of quotients that are integers or one below or above one (`a · 2^32
    /// = q · d + r` for r ∈ {0, ±1, d − 1}, with d = m · 2^t so that `a = m · c` divides
    /// exactly), and of the largest quotients allowed (below 2^48) and the largest divisors.
    pub(crate) fn quotients(random: usize, edges: usize, mut f: impl FnMut(u64, u64)) {
        let mut seed = 11;
        for _ in 0..random {
            let d = value(&mut seed, 48).max(1);
            let a = value(&mut seed, 40) % (d.saturating_mul(256)).max(1);
            f(a, d);
        }
        for _ in 0..edges {
            let m = value(&mut seed, 24).max(1);
            let t = u32::try_from(next(&mut seed) % 28).unwrap();
            let d = m << t;
            let c = value(&mut seed, 16);
            for a in [m * c, (m * c).saturating_sub(1), m * c + 1] {
                f(a, d);
            }
        }
        for _ in 0..edges {
            let d = value(&mut seed, 51).max(1);
            let a = value(&mut seed, 52) % d.saturating_mul(1 << 16).clamp(1, 1 << 52);
            f(a, d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_floor_is_exact() {
        cases::products(2_000_000, 200_000, |x, y| {
            let want = (u128::from(x) * u128::from(y)) >> 32;
            let got = mul_floor(scaled(x), from_u52(y));
            assert_eq!(u128::from(to_u52(got)), want, "x={x} y={y}");
        });
    }

    #[test]
    fn div_floor_is_exact() {
        cases::quotients(2_000_000, 500_000, |a, d| {
            let want = (u128::from(a) << 32) / u128::from(d);
            let got = div_floor(from_u52(a), FloatDivisor::new(d).unwrap());
            assert_eq!(u128::from(to_u52(got)), want, "a={a} d={d}");
        });
        for a in [0_u64, 1, 12_345, 65_535, 1 << 32, (1 << 40) + 7] {
            assert_eq!(to_u52(div_floor(from_u52(a), FloatDivisor::one())), a);
        }
        assert!(FloatDivisor::new(0).is_none());
        assert!(FloatDivisor::new(1 << 52).is_none());
    }

    #[test]
    fn conversions_round_trip() {
        for x in [0_u64, 1, 2, 1 << 32, (1 << 52) - 1, 123_456_789] {
            #[allow(clippy::cast_precision_loss)]
            let f = x as f64;
            assert_eq!(from_u52(x), f);
            assert_eq!(to_u52(f), x);
        }
    }
}
