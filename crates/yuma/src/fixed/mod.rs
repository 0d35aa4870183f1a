//! Fixed-point numbers with exactly the semantics of `substrate-fixed` 0.6.0 (SPEC §1).
//!
//! Why our own types and not `substrate_fixed` itself: that crate drags `parity-scale-codec` and
//! `scale-info` into a library that is meant to have no chain dependencies, its operators panic in
//! debug builds where the runtime (a release build) wraps, and the epoch's hot loops want
//! specialised paths (a reciprocal for a repeated divisor, an unrolled `exp`) that must be proven
//! equal to the general operation anyway. The types here are thin wrappers over the raw bits; every
//! operation is the integer identity substrate-fixed computes:
//!
//! * multiplication: exact double-width product, arithmetic shift right (floor);
//! * division: `(a << F) / b` truncating toward zero; `checked_div` fails on zero or overflow;
//! * `safe_div` (subtensor's `safe-math`): `checked_div(..).unwrap_or(0)`;
//! * `+`/`Sum`: plain integer addition; the chain is a release build, so it wraps ([`sum`]);
//! * conversions to fewer fractional bits floor; to integers floor and saturate.
//!
//! `tests/it/fixed_equivalence.rs` compares every operation with `substrate_fixed` on random
//! inputs.

mod divisor;
mod exp;
pub(crate) mod float;
pub(crate) mod wide;

pub(crate) use divisor::UnitDivisor;
pub use divisor::{FixedDivisor, U64Divisor};
pub use exp::{exp, exp_safe};

use core::fmt;

/// Signed fixed point, 32 integer and 32 fractional bits (`substrate_fixed::types::I32F32`): the
/// epoch's working type. The raw value `v` means `v / 2^32`.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct I32F32(i64);

/// Signed fixed point, 64 integer and 64 fractional bits (`substrate_fixed::types::I64F64`): used
/// for stake normalisation and the bonds moving average. The raw value `v` means `v / 2^64`.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct I64F64(i128);

/// `2^32` as `i64`, the raw value of `I32F32` one.
const ONE_32: i64 = 1 << 32;

impl I32F32 {
    /// Number of fractional bits.
    pub const FRAC_BITS: u32 = 32;
    /// Zero.
    pub const ZERO: Self = Self(0);
    /// One.
    pub const ONE: Self = Self(ONE_32);
    /// One half.
    pub const HALF: Self = Self(1 << 31);
    /// Largest value, just below 2^31.
    pub const MAX: Self = Self(i64::MAX);
    /// Smallest value, -2^31.
    pub const MIN: Self = Self(i64::MIN);
    /// `u16::MAX` as a number (65 535), the denominator of every u16 proportion.
    pub const U16_MAX: Self = Self((u16::MAX as i64) << 32);

    /// The number with raw bits `bits`.
    #[inline]
    #[must_use]
    pub const fn from_bits(bits: i64) -> Self {
        Self(bits)
    }

    /// Raw bits.
    #[inline]
    #[must_use]
    pub const fn to_bits(self) -> i64 {
        self.0
    }

    /// An integer from a `u16` (exact, as `saturating_from_num(u16)`).
    #[inline]
    #[must_use]
    pub const fn from_u16(x: u16) -> Self {
        Self((x as i64) << 32)
    }

    /// An integer from an `i32` (exact).
    #[inline]
    #[must_use]
    pub const fn from_i32(x: i32) -> Self {
        Self((x as i64) << 32)
    }

    /// `saturating_from_num(u64)`: exact when `x < 2^31`, else [`I32F32::MAX`].
    #[inline]
    #[must_use]
    pub const fn saturating_from_u64(x: u64) -> Self {
        if x >> 31 != 0 { Self::MAX } else { Self((x as i64) << 32) }
    }

    /// `from_num(f64)`/`saturating_from_num(f64)`: round to nearest, ties to even, saturating.
    ///
    /// Only constants and test inputs are floats; the epoch never converts from floating point.
    #[must_use]
    pub fn saturating_from_f64(x: f64) -> Self {
        let scaled = x * 4_294_967_296.0;
        if scaled.is_nan() {
            return Self::ZERO;
        }
        // `round_ties_even` of a scaled finite f64 is exact: the scaling is a power of two.
        let r = scaled.round_ties_even();
        if r >= 9_223_372_036_854_775_808.0 {
            Self::MAX
        } else if r < -9_223_372_036_854_775_808.0 {
            Self::MIN
        } else {
            // In range by the checks above.
            #[allow(clippy::cast_possible_truncation)]
            Self(r as i64)
        }
    }

    /// The value as `f64` (for display and tolerances only).
    #[must_use]
    pub fn to_f64(self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let v = self.0 as f64;
        v / 4_294_967_296.0
    }

    /// Plain `+` of the runtime (a release build): wraps on overflow.
    #[inline]
    #[must_use]
    pub const fn wrapping_add(self, rhs: Self) -> Self {
        Self(self.0.wrapping_add(rhs.0))
    }

    /// Saturating addition.
    #[inline]
    #[must_use]
    pub const fn saturating_add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }

    /// Saturating subtraction.
    #[inline]
    #[must_use]
    pub const fn saturating_sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0))
    }

    /// Checked negation (`None` for [`I32F32::MIN`]).
    #[inline]
    #[must_use]
    pub const fn checked_neg(self) -> Option<Self> {
        match self.0.checked_neg() {
            Some(v) => Some(Self(v)),
            None => None,
        }
    }

    /// `checked_add`.
    #[inline]
    #[must_use]
    pub const fn checked_add(self, rhs: Self) -> Option<Self> {
        match self.0.checked_add(rhs.0) {
            Some(v) => Some(Self(v)),
            None => None,
        }
    }

    /// Both operands in `[0, 1)`: the product fits 64 bits and cannot overflow, so
    /// `floor(a · b / 2^32)` is one 64-bit multiply and a shift. Almost every product in the
    /// epoch (weights, stake, bonds, alphas are proportions) takes this path.
    #[inline(always)]
    fn unit_product(self, rhs: Self) -> Option<Self> {
        let (a, b) = (self.0.cast_unsigned(), rhs.0.cast_unsigned());
        if (a | b) >> 32 == 0 {
            // a, b < 2^32: a · b < 2^64 and the result is < 2^32.
            return Some(Self((a.wrapping_mul(b) >> 32).cast_signed()));
        }
        None
    }

    /// `checked_mul`: `floor(a · b / 2^32)`, `None` if it does not fit.
    #[inline]
    #[must_use]
    pub fn checked_mul(self, rhs: Self) -> Option<Self> {
        if let Some(p) = self.unit_product(rhs) {
            return Some(p);
        }
        // |a · b| ≤ 2^126: the i128 product never overflows.
        let p = i128::from(self.0).wrapping_mul(i128::from(rhs.0)) >> 32;
        i64::try_from(p).ok().map(Self)
    }

    /// `saturating_mul`: `floor(a · b / 2^32)`, clamped to MIN/MAX by the sign of the operands.
    #[inline(always)]
    #[must_use]
    pub fn saturating_mul(self, rhs: Self) -> Self {
        if let Some(p) = self.unit_product(rhs) {
            return p;
        }
        match self.checked_mul(rhs) {
            Some(v) => v,
            None if (self.0 < 0) != (rhs.0 < 0) => Self::MIN,
            None => Self::MAX,
        }
    }

    /// `checked_div`: `trunc((a << 32) / b)`, `None` when `b == 0` or the quotient overflows.
    #[inline]
    #[must_use]
    pub fn checked_div(self, rhs: Self) -> Option<Self> {
        let (a, b) = (self.0, rhs.0);
        if a >= 0 && b > 0 {
            // Non-negative fast paths (every division in the epoch); same quotient as below.
            let (ua, ub) = (a.unsigned_abs(), b.unsigned_abs());
            let q = if ua >> 32 == 0 {
                (ua << 32).checked_div(ub)?
            } else {
                let q = (u128::from(ua) << 32).checked_div(u128::from(ub))?;
                u64::try_from(q).ok()?
            };
            return i64::try_from(q).ok().map(Self);
        }
        let q = (i128::from(a) << 32).checked_div(i128::from(b))?;
        i64::try_from(q).ok().map(Self)
    }

    /// `saturating_div`. substrate-fixed panics on a zero divisor; here that case saturates like
    /// an overflow (it never happens in the epoch: every divisor is ≥ 1 there).
    #[inline]
    #[must_use]
    pub fn saturating_div(self, rhs: Self) -> Self {
        match self.checked_div(rhs) {
            Some(v) => v,
            None if (self.0 < 0) != (rhs.0 < 0) => Self::MIN,
            None => Self::MAX,
        }
    }

    /// subtensor's `SafeDiv`: the quotient, or 0 when the divisor is 0 **or the quotient
    /// overflows**.
    #[inline]
    #[must_use]
    pub fn safe_div(self, rhs: Self) -> Self {
        self.checked_div(rhs).unwrap_or(Self::ZERO)
    }

    /// `safe_div_or`: the quotient, or `default` when the divisor is 0 or the quotient overflows.
    #[inline]
    #[must_use]
    pub fn safe_div_or(self, rhs: Self, default: Self) -> Self {
        self.checked_div(rhs).unwrap_or(default)
    }

    /// `saturating_to_num::<u16>()`: floor, negative → 0, too big → `u16::MAX`.
    #[inline]
    #[must_use]
    pub fn saturating_to_u16(self) -> u16 {
        u16::try_from((self.0 >> 32).max(0)).unwrap_or(u16::MAX)
    }

    /// `saturating_to_num::<u64>()`: floor, negative → 0.
    #[inline]
    #[must_use]
    pub fn saturating_to_u64(self) -> u64 {
        u64::try_from((self.0 >> 32).max(0)).unwrap_or(0)
    }

    /// `round()`: nearest integer, ties away from zero; wraps on overflow like a release build.
    #[inline]
    #[must_use]
    pub const fn round(self) -> Self {
        let int = self.0 & !(ONE_32 - 1);
        if self.0 & (1 << 31) == 0 {
            return Self(int);
        }
        let tie = self.0 & (ONE_32 - 1) == 1 << 31;
        if tie && self.0 < 0 {
            return Self(int);
        }
        Self(int.wrapping_add(ONE_32))
    }

    /// Smaller of two (raw comparison).
    #[inline]
    #[must_use]
    pub fn min(self, other: Self) -> Self {
        Ord::min(self, other)
    }

    /// Larger of two (raw comparison).
    #[inline]
    #[must_use]
    pub fn max(self, other: Self) -> Self {
        Ord::max(self, other)
    }

    /// Exact widening to `I64F64`.
    #[inline]
    #[must_use]
    pub const fn to_i64f64(self) -> I64F64 {
        I64F64((self.0 as i128) << 32)
    }
}

impl fmt::Debug for I32F32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.to_f64(), self.0)
    }
}

impl fmt::Display for I32F32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_f64(), f)
    }
}

/// `x.iter().sum()` on I32F32 as the runtime computes it: a plain fold with `+`, which wraps in a
/// release build (substrate-fixed's `Sum`). Never overflows for the epoch's quantities.
#[inline]
#[must_use]
pub fn sum(x: &[I32F32]) -> I32F32 {
    x.iter().fold(I32F32::ZERO, |acc, v| acc.wrapping_add(*v))
}

impl I64F64 {
    /// Zero.
    pub const ZERO: Self = Self(0);
    /// One.
    pub const ONE: Self = Self(1 << 64);
    /// Largest value, just below 2^63.
    pub const MAX: Self = Self(i128::MAX);

    /// The number with raw bits `bits`.
    #[inline]
    #[must_use]
    pub const fn from_bits(bits: i128) -> Self {
        Self(bits)
    }

    /// Raw bits.
    #[inline]
    #[must_use]
    pub const fn to_bits(self) -> i128 {
        self.0
    }

    /// `saturating_from_num(u64)`: exact below 2^63, else [`I64F64::MAX`].
    #[inline]
    #[must_use]
    pub const fn saturating_from_u64(x: u64) -> Self {
        if x >> 63 != 0 { Self::MAX } else { Self((x as i128) << 64) }
    }

    /// `from_num(u64)` in a release build: the bits of `x · 2^64` wrapped to 128 bits.
    #[inline]
    #[must_use]
    pub const fn wrapping_from_u64(x: u64) -> Self {
        Self((x as i128) << 64)
    }

    /// Plain `+` of a release build (wraps).
    #[inline]
    #[must_use]
    pub const fn wrapping_add(self, rhs: Self) -> Self {
        Self(self.0.wrapping_add(rhs.0))
    }

    /// Saturating addition.
    #[inline]
    #[must_use]
    pub const fn saturating_add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }

    /// `checked_mul`: `floor(a · b / 2^64)` of the exact 256-bit product.
    #[inline]
    #[must_use]
    pub fn checked_mul(self, rhs: Self) -> Option<Self> {
        wide::mul_shr_i128(self.0, rhs.0, 64).map(Self)
    }

    /// `saturating_mul`.
    #[inline]
    #[must_use]
    pub fn saturating_mul(self, rhs: Self) -> Self {
        match self.checked_mul(rhs) {
            Some(v) => v,
            None if (self.0 < 0) != (rhs.0 < 0) => Self(i128::MIN),
            None => Self::MAX,
        }
    }

    /// `checked_div`: `trunc((a << 64) / b)`; `None` on a zero divisor or overflow.
    #[inline]
    #[must_use]
    pub fn checked_div(self, rhs: Self) -> Option<Self> {
        wide::div_shl_i128(self.0, rhs.0, 64).map(Self)
    }

    /// `saturating_div` (a zero divisor saturates instead of panicking; see
    /// [`I32F32::saturating_div`]).
    #[inline]
    #[must_use]
    pub fn saturating_div(self, rhs: Self) -> Self {
        match self.checked_div(rhs) {
            Some(v) => v,
            None if (self.0 < 0) != (rhs.0 < 0) => Self(i128::MIN),
            None => Self::MAX,
        }
    }

    /// `safe_div`: quotient or 0 on a zero divisor or overflow.
    #[inline]
    #[must_use]
    pub fn safe_div(self, rhs: Self) -> Self {
        self.checked_div(rhs).unwrap_or(Self::ZERO)
    }

    /// `saturating_to_num::<u64>()`: floor, negative → 0, too big → `u64::MAX`.
    #[inline]
    #[must_use]
    pub fn saturating_to_u64(self) -> u64 {
        u64::try_from((self.0 >> 64).max(0)).unwrap_or(u64::MAX)
    }

    /// `I32F32::saturating_from_num(I64F64)`: drop 32 fractional bits (floor), saturate.
    #[inline]
    #[must_use]
    pub fn saturating_to_i32f32(self) -> I32F32 {
        let v = self.0 >> 32;
        match i64::try_from(v) {
            Ok(v) => I32F32(v),
            Err(_) if v < 0 => I32F32::MIN,
            Err(_) => I32F32::MAX,
        }
    }

    /// `I32F32::from_num(I64F64)` in a release build: floor, then the bits wrap to 64.
    #[inline]
    #[must_use]
    pub const fn wrapping_to_i32f32(self) -> I32F32 {
        // Truncating cast = two's-complement wrap, which is what a release build returns.
        #[allow(clippy::cast_possible_truncation)]
        I32F32((self.0 >> 32) as i64)
    }
}

impl fmt::Debug for I64F64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[allow(clippy::cast_precision_loss)]
        let v = self.0 as f64 / 18_446_744_073_709_551_616.0;
        write!(f, "{v}({})", self.0)
    }
}

/// `I96F32::saturating_from_num(x).saturating_mul(I96F32::saturating_from_num(rao))
/// .saturating_to_num::<u64>()`: how the epoch turns a normalised emission share into rao.
///
/// Both operands have 32 fractional bits in I96F32, so the product is exactly `x · rao` (raw,
/// 32 fractional bits; it always fits 128 bits) and the conversion floors it.
#[inline]
#[must_use]
pub fn emission_share(x: I32F32, rao: u64) -> u64 {
    // |x| < 2^63 and rao < 2^64: the product magnitude is < 2^127, no overflow.
    let p = i128::from(x.0).wrapping_mul(i128::from(rao)) >> 32;
    u64::try_from(p.max(0)).unwrap_or(u64::MAX)
}

/// `I64F64(U96F32(tao_weight) safe_div U96F32(u64::MAX))`: the chain's `TaoWeight` (a u64 where
/// `u64::MAX` means 1) as the I64F64 factor applied to root stake.
///
/// In U96F32 the quotient is `floor(w · 2^32 / (2^64 - 1))` raw (32 fractional bits); widening to
/// I64F64 appends 32 zero bits.
#[must_use]
pub fn tao_weight_factor(tao_weight: u64) -> I64F64 {
    let q = (u128::from(tao_weight) << 32).checked_div(u128::from(u64::MAX)).unwrap_or(0);
    // q ≤ 2^32, so q << 32 ≤ 2^64 fits easily.
    I64F64(i128::try_from(q << 32).unwrap_or(0))
}

/// `u16_proportion_to_fixed`: `I32F32(x) safe_div I32F32(65535)`, i.e. `floor(x · 2^32 / 65535)`.
#[inline]
#[must_use]
pub const fn u16_proportion_to_fixed(x: u16) -> I32F32 {
    // (x · 2^64) / (65535 · 2^32) = x · 2^32 / 65535 exactly; it never overflows.
    I32F32((((x as u64) << 32) / 65_535) as i64)
}

/// `fixed_proportion_to_u16`: `floor(saturating_mul(x, 65535))` saturated to u16 — how every
/// stored u16 output is produced (floor, not round).
#[inline]
#[must_use]
pub fn fixed_proportion_to_u16(x: I32F32) -> u16 {
    let bits = x.to_bits().cast_unsigned();
    if bits <= 1 << 32 {
        // 0 ≤ x ≤ 1: x · 65535 < 2^49 cannot saturate, and floor(x · 65535) ≤ 65535.
        return u16::try_from(bits.wrapping_mul(65_535) >> 32).unwrap_or(u16::MAX);
    }
    x.saturating_mul(I32F32::U16_MAX).saturating_to_u16()
}

/// `fixed_to_fixed_u16_proportion`: `x safe_div I32F32(65535)`.
#[inline]
#[must_use]
pub fn fixed_to_fixed_u16_proportion(x: I32F32) -> I32F32 {
    x.safe_div(I32F32::U16_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u16_proportions_match_vectors() {
        assert_eq!(u16_proportion_to_fixed(32_767).to_bits(), 2_147_450_879);
        assert_eq!(u16_proportion_to_fixed(65_535), I32F32::ONE);
        assert_eq!(fixed_proportion_to_u16(I32F32::ONE), 65_535);
        assert_eq!(fixed_proportion_to_u16(I32F32::saturating_from_f64(0.3)), 19_660);
    }

    #[test]
    fn round_is_ties_away_from_zero() {
        assert_eq!(I32F32::saturating_from_f64(2.5).round(), I32F32::from_i32(3));
        assert_eq!(I32F32::saturating_from_f64(-2.5).round(), I32F32::from_i32(-3));
        assert_eq!(I32F32::saturating_from_f64(-2.4).round(), I32F32::from_i32(-2));
        assert_eq!(I32F32::saturating_from_f64(2.4).round(), I32F32::from_i32(2));
    }

    #[test]
    fn emission_floors() {
        // 0.1 of 1e9 with 0.1 = floor(2^32/10)/2^32 -> 99_999_999.
        let tenth = I32F32::from_bits(429_496_729);
        assert_eq!(emission_share(tenth, 1_000_000_000), 99_999_999);
        assert_eq!(emission_share(I32F32::MAX, u64::MAX), u64::MAX);
        assert_eq!(emission_share(I32F32::from_bits(-1), 5), 0);
    }

    #[test]
    fn tao_weight_one_is_exactly_one() {
        assert_eq!(tao_weight_factor(u64::MAX), I64F64::ONE);
        assert_eq!(tao_weight_factor(0), I64F64::ZERO);
    }
}
