//! `substrate_fixed::transcendental::exp` for I32F32 (SPEC §1.1), bit for bit, and subtensor's
//! `exp_safe`.
//!
//! substrate-fixed evaluates the Taylor series `1 + x + Σ_{i=2}^{31} term_i` with
//! `term_i = checked_div(checked_mul(term_{i-1}, x), i)` (each step floors), on `|x|`, and inverts
//! the result for negative inputs. On raw bits with `x ≥ 0` that is
//! `t_i = floor(floor(t_{i-1} · x / 2^32) / i)`: a 64×64→128 multiply, a shift and a division by
//! a small constant. The loop below is unrolled so every division is by a literal (the compiler
//! turns those into multiplications), and stops once a term is 0, because every later term is
//! then 0 as well. Liquid alpha evaluates this once per (validator, miner) pair, so this is the hot
//! spot of the Yuma3 epoch. `tests/it/fixed_equivalence.rs` compares it with the crate itself.

use super::I32F32;

/// substrate-fixed's constant `E` (an I9F23, 23 fractional bits) widened to I32F32: `exp(1)` is
/// special-cased to it and is not the series value.
const E_BITS: i64 = 11_674_931_200;

/// `substrate_fixed::transcendental::exp::<I32F32, I32F32>`; `None` where it returns `Err`
/// (an intermediate overflows: `x` above ~21.48, or [`I32F32::MIN`]).
#[inline]
#[must_use]
pub fn exp(x: I32F32) -> Option<I32F32> {
    if x == I32F32::ZERO {
        return Some(I32F32::ONE);
    }
    if x == I32F32::ONE {
        return Some(I32F32::from_bits(E_BITS));
    }
    let negative = x.to_bits() < 0;
    let operand = if negative { x.checked_neg()? } else { x };
    let operand = operand.to_bits().unsigned_abs();
    let series = series(operand)?;
    if negative {
        // checked_div(1, result) = 2^64 / result; result ≥ 1 so the quotient ≤ 2^32.
        let q = (1_u128 << 64).checked_div(u128::from(series))?;
        return i64::try_from(q).ok().map(I32F32::from_bits);
    }
    i64::try_from(series).ok().map(I32F32::from_bits)
}

/// subtensor's `exp_safe`: clamp the input to [-20, 20], then `exp`; on error 0 for a
/// non-positive input and [`I32F32::MAX`] otherwise (neither happens inside the clamp).
#[inline]
#[must_use]
pub fn exp_safe(x: I32F32) -> I32F32 {
    let clamped = x.max(I32F32::from_i32(-20)).min(I32F32::from_i32(20));
    match exp(clamped) {
        Some(v) => v,
        None if clamped <= I32F32::ZERO => I32F32::ZERO,
        None => I32F32::MAX,
    }
}

/// Raw bits of `1 + x + Σ term_i` for raw `x ≥ 0`, or `None` where substrate-fixed's checked
/// operations fail (the I32F32 range is exceeded).
#[inline]
fn series(x: u64) -> Option<u64> {
    const MAX: u64 = i64::MAX.unsigned_abs();
    if x > MAX {
        return None;
    }
    // result = checked_add(x, 1).
    let mut result = x.checked_add(1 << 32).filter(|r| *r <= MAX)?;
    let mut term = x;
    macro_rules! step {
        ($($i:literal)*) => {$(
            // checked_mul: floor(term · x / 2^32) must fit an i64.
            // term, x < 2^63: the product is < 2^126.
            let product = u128::from(term).wrapping_mul(u128::from(x)) >> 32;
            if product > u128::from(MAX) {
                return None;
            }
            // checked_div by the integer i: (t · 2^32) / (i · 2^32) = t / i, truncated.
            term = u64::try_from(product).unwrap_or(u64::MAX) / $i;
            result = result.checked_add(term).filter(|r| *r <= MAX)?;
            if term == 0 {
                // Every further term is floor(0 · x) / i = 0.
                return Some(result);
            }
        )*};
    }
    step!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_vector_points() {
        let cases: [(f64, i64); 6] = [
            (0.0, 4_294_967_296),
            (1.0, 11_674_931_200),
            (-20.0, 8),
            (-21.0, 8),
            (20.0, 2_066_907_302_758_576_256),
            (21.0, 2_066_907_302_758_576_256),
        ];
        for (x, bits) in cases {
            assert_eq!(exp_safe(I32F32::saturating_from_f64(x)).to_bits(), bits, "x = {x}");
        }
    }
}
