//! Exact I32F32 products and quotients of non-negative raw values carried in `f64` lanes.
//!
//! The fused epoch's column kernels multiply and divide raw I32F32 values that are non-negative
//! integers far below 2^52. In `f64` such integers are exact, and with a fused multiply-add the
//! floors the integer operations give can be recovered exactly — which lets the compiler run
//! four of them at once in AVX2 registers instead of one 64 × 64-bit multiply at a time.
//!
//! * [`mul_floor`]: `floor(x · y / 2^32)`. The rounded product `p` and its exact error
//!   `e = x·y − p` (one FMA) give `x·y / 2^32 = p/2^32 + e/2^32`, where `p/2^32` is exact (a power
//!   of two). With `f = floor(p/2^32)`: if `p/2^32` is not an integer, `|e/2^32|` is at most half
//!   its ulp, so it cannot cross `f` or `f + 1`; if it is an integer, the floor is `f − 1` exactly
//!   when `e < 0`.
//! * [`div_floor`]: `floor(a · 2^32 / d)`. `a · 2^32` is exact (a power-of-two scaling); a
//!   quotient through the reciprocal is within far less than 1 of the true one, so its floor `m`
//!   is off by at most one; the remainder `a·2^32 − m·d` is an integer below 2^53 in magnitude, so
//!   one FMA computes it exactly, and its sign and size say which way to correct `m`.
//!
//! Both are checked against the integer operations on random and edge inputs (tests below and
//! `tests/it/fast_paths.rs`).

/// 2^32.
pub(crate) const TWO_32: f64 = 4_294_967_296.0;
/// 2^-32.
const INV_TWO_32: f64 = 1.0 / TWO_32;

/// `floor(x · y / 2^32)` for non-negative integers `x, y` whose product is below 2^85 (the
/// raw-bits product of two I32F32 values, floored as `saturating_mul` does when nothing
/// saturates).
#[inline(always)]
#[must_use]
// On x86-64 the kernels use the four-lane form; this one is its specification (tested here).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn mul_floor(x: f64, y: f64) -> f64 {
    let p = x * y;
    let e = x.mul_add(y, -p);
    let h = p * INV_TWO_32;
    let f = h.floor();
    if h == f && e < 0.0 { f - 1.0 } else { f }
}

/// A divisor `d` (a positive integer below 2^52) with its reciprocal, for [`div_floor`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct FloatDivisor {
    d: f64,
    inv: f64,
}

impl FloatDivisor {
    /// The divisor `d`; `None` unless `0 < d < 2^52`.
    #[must_use]
    pub(crate) fn new(d: u64) -> Option<Self> {
        if d == 0 || d >> 52 != 0 {
            return None;
        }
        #[allow(clippy::cast_precision_loss)] // below 2^52: exact
        let d = d as f64;
        Some(Self { d, inv: 1.0 / d })
    }

    /// The divisor and its reciprocal.
    #[must_use]
    pub(crate) fn parts(self) -> (f64, f64) {
        (self.d, self.inv)
    }

    /// Dividing by raw 2^32 (I32F32 one): the identity on raw values.
    #[must_use]
    pub(crate) fn one() -> Self {
        Self { d: TWO_32, inv: INV_TWO_32 }
    }
}

/// `floor(a · 2^32 / d)` for a non-negative integer `a` with `a · 2^32 / d < 2^52` (the raw-bits
/// quotient of two I32F32 values, floored as `checked_div` truncates for non-negative operands).
#[inline(always)]
#[must_use]
pub(crate) fn div_floor(a: f64, d: FloatDivisor) -> f64 {
    let num = a * TWO_32;
    let m = (num * d.inv).floor();
    let r = (-m).mul_add(d.d, num);
    let m = if r < 0.0 { m - 1.0 } else { m };
    if r >= d.d { m + 1.0 } else { m }
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn mul_floor_is_exact() {
        let mut seed = 7;
        for _ in 0..2_000_000 {
            let x = value(&mut seed, 40);
            let y = value(&mut seed, 40);
            let want = (u128::from(x) * u128::from(y)) >> 32;
            let got = mul_floor(from_u52(x), from_u52(y));
            assert_eq!(u128::from(to_u52(got)), want, "x={x} y={y}");
        }
    }

    #[test]
    fn div_floor_is_exact() {
        let mut seed = 11;
        for _ in 0..2_000_000 {
            let d = value(&mut seed, 48).max(1);
            // Quotients up to about 2^40.
            let a = value(&mut seed, 40) % (d.saturating_mul(256)).max(1);
            let want = (u128::from(a) << 32) / u128::from(d);
            let got = div_floor(from_u52(a), FloatDivisor::new(d).unwrap());
            assert_eq!(u128::from(to_u52(got)), want, "a={a} d={d}");
        }
        assert_eq!(to_u52(div_floor(from_u52(12_345), FloatDivisor::one())), 12_345);
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
