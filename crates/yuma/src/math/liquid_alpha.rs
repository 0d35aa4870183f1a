//! Bond EMA coefficients: the constant one (`1 − bonds_moving_average / 10^6`) and Yuma3's
//! liquid alpha (a sigmoid per validator–miner pair, SPEC §5.2.3).

use crate::fixed::{I32F32, I64F64, exp_safe, u16_proportion_to_fixed};
use crate::math::vector::clamp_value;

/// EMA alpha of original Yuma (`ema_bonds_normal_sparse`):
/// `1 − I32F32::saturating_from_num(I64F64::saturating_from_num(bma) safe_div 10^6)`; the I64F64
/// quotient is truncated to 32 fractional bits before the subtraction (900 000 → raw 429 496 730).
#[must_use]
pub fn ema_alpha_normal(bonds_moving_average: u64) -> I32F32 {
    let ratio = I64F64::saturating_from_u64(bonds_moving_average)
        .safe_div(I64F64::saturating_from_u64(1_000_000));
    I32F32::ONE.saturating_sub(ratio.saturating_to_i32f32())
}

/// EMA alpha of Yuma3 without liquid alpha (`bonds_moving_average_alpha`): the same formula with
/// `from_num`, which wraps instead of saturating in the runtime's release build. Identical to
/// [`ema_alpha_normal`] for every `bonds_moving_average < 2^31 · 10^6`.
#[must_use]
pub fn ema_alpha_yuma3(bonds_moving_average: u64) -> I32F32 {
    let ratio = I64F64::wrapping_from_u64(bonds_moving_average)
        .saturating_div(I64F64::wrapping_from_u64(1_000_000));
    I32F32::ONE.saturating_sub(ratio.wrapping_to_i32f32())
}

/// The liquid-alpha sigmoid with its per-subnet constants folded in (`liquid_alpha_sigmoid`).
#[derive(Clone, Copy, Debug)]
pub struct AlphaSigmoid {
    low: I32F32,
    high: I32F32,
    /// `steepness saturating_div -100`.
    slope: I32F32,
    /// `alpha_high − alpha_low` (saturating).
    span: I32F32,
    /// The value at `combined_diff == 0`, by far the most frequent argument.
    at_zero: I32F32,
}

impl AlphaSigmoid {
    /// Constants from the stored hyperparameters: `AlphaValues` (u16 proportions) and
    /// `AlphaSigmoidSteepness`.
    #[must_use]
    pub fn new(alpha_low: u16, alpha_high: u16, steepness: i16) -> Self {
        Self::from_fixed(
            u16_proportion_to_fixed(alpha_low),
            u16_proportion_to_fixed(alpha_high),
            I32F32::from_i32(i32::from(steepness)),
        )
    }

    /// Constants given as fixed-point numbers (the upstream function's arguments).
    #[must_use]
    pub fn from_fixed(low: I32F32, high: I32F32, steepness: I32F32) -> Self {
        let slope = steepness.saturating_div(I32F32::from_i32(-100));
        let span = high.saturating_sub(low);
        let mut s = Self { low, high, slope, span, at_zero: I32F32::ZERO };
        s.at_zero = s.for_diff(I32F32::ZERO);
        s
    }

    /// `alpha_low + sigmoid(d) · (alpha_high − alpha_low)` clamped to `[alpha_low, alpha_high]`,
    /// with `sigmoid(d) = 1 / (1 + exp_safe(steepness / −100 · (d − 0.5)))`.
    #[inline]
    #[must_use]
    pub fn for_diff(&self, combined_diff: I32F32) -> I32F32 {
        let x = self.slope.saturating_mul(combined_diff.saturating_sub(I32F32::HALF));
        let sigmoid = I32F32::ONE.saturating_div(I32F32::ONE.saturating_add(exp_safe(x)));
        let alpha = self.low.saturating_add(sigmoid.saturating_mul(self.span));
        clamp_value(alpha, self.low, self.high)
    }

    /// The pair's alpha: `d = clamp(w − c, 0, 1)` if `w ≥ b` ("buying") else `clamp(b − w, 0, 1)`.
    #[inline]
    #[must_use]
    pub fn alpha(&self, consensus: I32F32, weight: I32F32, bond: I32F32) -> I32F32 {
        let d = if weight >= bond {
            clamp_value(weight.saturating_sub(consensus), I32F32::ZERO, I32F32::ONE)
        } else {
            clamp_value(bond.saturating_sub(weight), I32F32::ZERO, I32F32::ONE)
        };
        if d == I32F32::ZERO { self.at_zero } else { self.for_diff(d) }
    }
}

/// `liquid_alpha_matrix_sparse`: the dense `rows × consensus.len()` alpha matrix. Weight and bond
/// of column `j` are found by a merge walk that assumes ascending columns (an unsorted row makes
/// it miss entries, which then read as 0) — reproduced literally by [`merge_walk_row`].
#[must_use]
pub fn liquid_alpha_matrix_sparse(
    sigmoid: &AlphaSigmoid,
    weights: &[Vec<(u16, I32F32)>],
    bonds: &[Vec<(u16, I32F32)>],
    consensus: &[I32F32],
) -> Vec<Vec<I32F32>> {
    if weights.len() != bonds.len() {
        return Vec::new();
    }
    weights
        .iter()
        .zip(bonds)
        .map(|(w_row, b_row)| {
            let seen_w = merge_walk_row(w_row, consensus.len());
            let seen_b = merge_walk_row(b_row, consensus.len());
            consensus
                .iter()
                .zip(seen_w.iter().zip(&seen_b))
                .map(|(c, (w, b))| sigmoid.alpha(*c, *w, *b))
                .collect()
        })
        .collect()
}

/// The value the upstream merge walk reads for each column `0..columns` of one sparse row: for
/// column `j` it skips entries with index `< j` and takes the next entry's value if its index is
/// exactly `j` (without consuming it), else 0.
#[must_use]
pub fn merge_walk_row(row: &[(u16, I32F32)], columns: usize) -> Vec<I32F32> {
    let mut out = vec![I32F32::ZERO; columns];
    let mut it = row.iter().peekable();
    for (j, cell) in out.iter_mut().enumerate() {
        while let Some(&&(idx, v)) = it.peek() {
            if usize::from(idx) < j {
                it.next();
            } else {
                if usize::from(idx) == j {
                    *cell = v;
                }
                break;
            }
        }
    }
    out
}

/// `liquid_alpha_matrix_dense`: the sigmoid over zipped dense rows and consensus.
#[must_use]
pub fn liquid_alpha_matrix_dense(
    sigmoid: &AlphaSigmoid,
    weights: &[Vec<I32F32>],
    bonds: &[Vec<I32F32>],
    consensus: &[I32F32],
) -> Vec<Vec<I32F32>> {
    if weights.len() != bonds.len() {
        return Vec::new();
    }
    weights
        .iter()
        .zip(bonds)
        .map(|(w_row, b_row)| {
            w_row
                .iter()
                .zip(b_row)
                .zip(consensus)
                .map(|((w, b), c)| sigmoid.alpha(*c, *w, *b))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ema_alphas_match_vectors() {
        assert_eq!(ema_alpha_normal(900_000).to_bits(), 429_496_730);
        assert_eq!(ema_alpha_yuma3(900_000).to_bits(), 429_496_730);
        assert_eq!(ema_alpha_normal(0), I32F32::ONE);
        assert_eq!(ema_alpha_normal(1_000_000), I32F32::ZERO);
    }

    #[test]
    fn merge_walk_misses_unsorted_entries() {
        let one = I32F32::ONE;
        let row = [(5, one), (2, one), (7, one)];
        let seen = merge_walk_row(&row, 8);
        assert_eq!(seen[2], I32F32::ZERO);
        assert_eq!(seen[5], one);
        assert_eq!(seen[7], one);
    }
}
