//! Double-width integer helpers behind the 128-bit fixed-point types.
//!
//! substrate-fixed multiplies and divides `I64F64`/`I96F32` through a full 256-bit intermediate
//! (`mul_div_fallback!` in its `arith.rs`). These functions reproduce those results exactly:
//! products are floored (arithmetic shift of the exact product), quotients truncate toward zero,
//! and "overflow" means the exact result does not fit the 128-bit destination.

/// Low 64 bits of a `u128`.
const LO64: u128 = u64::MAX as u128;

/// Exact unsigned 128 × 128 → 256-bit product, returned as `(hi, lo)`.
#[inline]
pub(crate) fn mul_u128(a: u128, b: u128) -> (u128, u128) {
    let (a1, a0) = (a >> 64, a & LO64);
    let (b1, b0) = (b >> 64, b & LO64);
    // Each partial product of two 64-bit halves is < 2^128, so `wrapping_mul` never wraps.
    let p00 = a0.wrapping_mul(b0);
    let p01 = a0.wrapping_mul(b1);
    let p10 = a1.wrapping_mul(b0);
    let p11 = a1.wrapping_mul(b1);
    // mid < 3 · 2^64: no wrap.
    let mid = (p00 >> 64).wrapping_add(p01 & LO64).wrapping_add(p10 & LO64);
    let lo = (p00 & LO64) | ((mid & LO64) << 64);
    // The full product is < 2^256, so the high half cannot wrap either.
    let hi = p11.wrapping_add(p01 >> 64).wrapping_add(p10 >> 64).wrapping_add(mid >> 64);
    (hi, lo)
}

/// `floor(a · b / 2^shift)` on the exact product; `None` when it does not fit an `i128`.
///
/// `shift` must be in `1..=127` (the fixed-point types use 32 and 64).
#[inline]
pub(crate) fn mul_shr_i128(a: i128, b: i128, shift: u32) -> Option<i128> {
    let negative = (a < 0) != (b < 0);
    let (hi, lo) = mul_u128(a.unsigned_abs(), b.unsigned_abs());
    // Magnitude shifted right: q = P >> shift (256-bit, keep the low 129 bits we care about).
    let q_lo = (lo >> shift) | hi.checked_shl(128_u32.wrapping_sub(shift)).unwrap_or(0);
    let q_hi = hi >> shift;
    if negative {
        // floor(-P / 2^s) = -ceil(P / 2^s).
        let remainder_nonzero = lo.checked_shl(128_u32.wrapping_sub(shift)).unwrap_or(0) != 0;
        let (q_lo, carry) = q_lo.overflowing_add(u128::from(remainder_nonzero));
        if q_hi != 0 || carry {
            return None;
        }
        // Magnitude up to 2^127 is representable as a negative i128.
        if q_lo > i128::MIN.unsigned_abs() {
            return None;
        }
        Some(0_i128.wrapping_sub_unsigned(q_lo))
    } else {
        if q_hi != 0 || q_lo > i128::MAX.unsigned_abs() {
            return None;
        }
        i128::try_from(q_lo).ok()
    }
}

/// `trunc(a · 2^shift / b)` (truncation toward zero, as substrate-fixed's wide division);
/// `None` when `b == 0` or the quotient does not fit an `i128`.
///
/// `shift` must be in `0..=64`.
#[inline]
pub(crate) fn div_shl_i128(a: i128, b: i128, shift: u32) -> Option<i128> {
    if b == 0 {
        return None;
    }
    let negative = (a < 0) != (b < 0);
    let q = div_shl_u128(a.unsigned_abs(), b.unsigned_abs(), shift)?;
    if negative {
        if q > i128::MIN.unsigned_abs() {
            return None;
        }
        Some(0_i128.wrapping_sub_unsigned(q))
    } else {
        i128::try_from(q).ok()
    }
}

/// `floor(n · 2^shift / d)` for `n ≤ 2^127`, `0 < d ≤ 2^127`, `shift ≤ 64`; `None` if the
/// quotient needs more than 128 bits.
#[inline]
fn div_shl_u128(n: u128, d: u128, shift: u32) -> Option<u128> {
    // Fast path: the shifted numerator still fits 128 bits.
    if let Some(shifted) = n.checked_shl(shift).filter(|s| s >> shift == n) {
        return shifted.checked_div(d);
    }
    // Cancel common factors of two first: exact for floor division.
    let tz = d.trailing_zeros().min(shift);
    let (d, shift) = (d >> tz, shift.wrapping_sub(tz));
    if let Some(shifted) = n.checked_shl(shift).filter(|s| s >> shift == n) {
        return shifted.checked_div(d);
    }
    // Long division: integer part, then `shift` fraction bits one at a time.
    let q_int = n.checked_div(d)?;
    let mut r = n.checked_rem(d)?;
    let q_hi = q_int.checked_shl(shift).filter(|q| q >> shift == q_int)?;
    if d >> 64 == 0 {
        // r < d < 2^64, so r · 2^shift < 2^128.
        let frac = (r << shift).checked_div(d)?;
        return q_hi.checked_add(frac);
    }
    let mut frac: u128 = 0;
    for _ in 0..shift {
        // r < d ≤ 2^127, so 2r < 2^128.
        r <<= 1;
        frac <<= 1;
        if r >= d {
            r = r.wrapping_sub(d);
            frac |= 1;
        }
    }
    q_hi.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_u128_matches_small_products() {
        assert_eq!(mul_u128(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(mul_u128(1 << 64, 1 << 64), (1, 0));
        assert_eq!(mul_u128(3, 5), (0, 15));
    }

    #[test]
    fn mul_shr_floors_negative_products() {
        // -1 * 1 / 2^32 = -2^-32 -> floor = -1.
        assert_eq!(mul_shr_i128(-1, 1, 32), Some(-1));
        assert_eq!(mul_shr_i128(-(1 << 32), 1 << 32, 32), Some(-(1 << 32)));
        assert_eq!(mul_shr_i128(i128::MAX, i128::MAX, 64), None);
        assert_eq!(mul_shr_i128(i128::MIN, 1 << 64, 64), Some(i128::MIN));
    }

    #[test]
    fn div_shl_truncates_toward_zero() {
        assert_eq!(div_shl_i128(-1, 3, 0), Some(0));
        assert_eq!(div_shl_i128(-7, 2, 0), Some(-3));
        assert_eq!(div_shl_i128(1, 3, 64), Some(((1_u128 << 64) / 3) as i128));
        assert_eq!(div_shl_i128(1, 0, 64), None);
        assert_eq!(div_shl_i128(i128::MAX, 1, 64), None);
        let big = (1_i128 << 100) + 12345;
        let d = (1_i128 << 90) + 7;
        // Reference via repeated subtraction-free identity: (big << 64) / d computed in two steps.
        let q = div_shl_i128(big, d, 64).unwrap();
        // q ≈ 2^74; check q·d ≤ big·2^64 < (q+1)·d using the wide multiply.
        let (h1, l1) = mul_u128(q as u128, d as u128);
        let (h2, l2) = mul_u128((q + 1) as u128, d as u128);
        let n = ((big as u128) >> 64, (big as u128) << 64);
        assert!((h1, l1) <= n && n < (h2, l2));
    }
}
