//! Dense-matrix primitives of subtensor's `epoch/math.rs`, used by the test-only dense epoch
//! ([`crate::epoch_dense`]). Rows may differ in length; operations walk the common prefix as
//! upstream does.

use crate::fixed::{FixedDivisor, I32F32, sum};

/// A dense matrix, row-major.
pub type DenseMatrix = Vec<Vec<I32F32>>;

/// `inplace_row_normalize`: divide each row by its plain sum when that sum is > 0.
pub fn inplace_row_normalize(x: &mut [Vec<I32F32>]) {
    for row in x.iter_mut() {
        let s = sum(row);
        if s > I32F32::ZERO {
            let d = FixedDivisor::new(s);
            for v in row.iter_mut() {
                *v = d.safe_div(*v);
            }
        }
    }
}

/// Saturating column sums over the widest row.
fn col_sums(x: &[Vec<I32F32>]) -> Vec<I32F32> {
    let width = x.iter().map(Vec::len).max().unwrap_or(0);
    let mut sums = vec![I32F32::ZERO; width];
    for row in x {
        for (s, v) in sums.iter_mut().zip(row) {
            *s = s.saturating_add(*v);
        }
    }
    sums
}

/// `inplace_col_normalize`: divide each entry by its column's saturating sum when non-zero.
pub fn inplace_col_normalize(x: &mut [Vec<I32F32>]) {
    let divisors: Vec<FixedDivisor> = col_sums(x).into_iter().map(FixedDivisor::new).collect();
    divide_columns(x, &divisors);
}

/// `inplace_col_max_upscale`: divide each entry by its column maximum (from 0) when non-zero.
pub fn inplace_col_max_upscale(x: &mut [Vec<I32F32>]) {
    let width = x.iter().map(Vec::len).max().unwrap_or(0);
    let mut maxes = vec![I32F32::ZERO; width];
    for row in x.iter() {
        for (m, v) in maxes.iter_mut().zip(row) {
            if *m < *v {
                *m = *v;
            }
        }
    }
    let divisors: Vec<FixedDivisor> = maxes.into_iter().map(FixedDivisor::new).collect();
    divide_columns(x, &divisors);
}

fn divide_columns(x: &mut [Vec<I32F32>], divisors: &[FixedDivisor]) {
    for row in x.iter_mut() {
        for (v, d) in row.iter_mut().zip(divisors) {
            if d.divisor() != I32F32::ZERO {
                *v = d.safe_div(*v);
            }
        }
    }
}

/// `inplace_mask_rows`: zero the rows where `mask` is true (missing entries count as true).
pub fn inplace_mask_rows(mask: &[bool], x: &mut [Vec<I32F32>]) {
    for (i, row) in x.iter_mut().enumerate() {
        if mask.get(i).copied().unwrap_or(true) {
            row.iter_mut().for_each(|v| *v = I32F32::ZERO);
        }
    }
}

/// `inplace_mask_cols`: zero the columns where `mask` is true (missing entries count as true).
pub fn inplace_mask_cols(mask: &[bool], x: &mut [Vec<I32F32>]) {
    for row in x.iter_mut() {
        for (j, v) in row.iter_mut().enumerate() {
            if mask.get(j).copied().unwrap_or(true) {
                *v = I32F32::ZERO;
            }
        }
    }
}

/// `inplace_mask_matrix`: zero `(i, j)` where `mask[i][j]` (missing entries count as true).
pub fn inplace_mask_matrix(mask: &[Vec<bool>], x: &mut [Vec<I32F32>]) {
    if mask.first().is_none_or(Vec::is_empty) {
        return;
    }
    for (i, row) in x.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            if mask.get(i).and_then(|m| m.get(j)).copied().unwrap_or(true) {
                *v = I32F32::ZERO;
            }
        }
    }
}

/// `inplace_mask_diag`: zero the diagonal of a square matrix (no-op otherwise).
pub fn inplace_mask_diag(x: &mut [Vec<I32F32>]) {
    let Some(first) = x.first() else { return };
    if first.is_empty() || first.len() != x.len() {
        return;
    }
    for (i, row) in x.iter_mut().enumerate() {
        if let Some(v) = row.get_mut(i) {
            *v = I32F32::ZERO;
        }
    }
}

/// `inplace_mask_diag_except_index`: as [`inplace_mask_diag`] but keep `(except, except)`.
pub fn inplace_mask_diag_except_index(x: &mut [Vec<I32F32>], except: u16) {
    let e = usize::from(except);
    let keep = x.get(e).and_then(|r| r.get(e)).copied();
    inplace_mask_diag(x);
    if let (Some(v), Some(cell)) = (keep, x.get_mut(e).and_then(|r| r.get_mut(e))) {
        *cell = v;
    }
}

/// `inplace_col_clip`: `v = min(v, threshold_j)` (zeros stay).
pub fn inplace_col_clip(x: &mut [Vec<I32F32>], threshold: &[I32F32]) {
    for row in x.iter_mut() {
        for (v, t) in row.iter_mut().zip(threshold) {
            *v = (*t).min(*v);
        }
    }
}

/// `row_sum`: plain sum per row (empty when the first row is empty).
#[must_use]
pub fn row_sum(x: &[Vec<I32F32>]) -> Vec<I32F32> {
    if x.first().is_some_and(Vec::is_empty) {
        return Vec::new();
    }
    x.iter().map(|row| sum(row)).collect()
}

/// `matmul`: `result_j = Σ_i vector_i · x_ij` (saturating), width of the first row.
#[must_use]
pub fn matmul(x: &[Vec<I32F32>], vector: &[I32F32]) -> Vec<I32F32> {
    let cols = x.first().map_or(0, Vec::len);
    let mut acc = vec![I32F32::ZERO; cols];
    for (i, row) in x.iter().enumerate() {
        let scale = vector.get(i).copied().unwrap_or_default();
        for (a, v) in acc.iter_mut().zip(row) {
            *a = a.saturating_add(scale.saturating_mul(*v));
        }
    }
    acc
}

/// `matmul_transpose`: `result_i = Σ_j x_ij · vector_j` (saturating).
#[must_use]
pub fn matmul_transpose(x: &[Vec<I32F32>], vector: &[I32F32]) -> Vec<I32F32> {
    if x.first().is_none_or(Vec::is_empty) {
        return Vec::new();
    }
    x.iter()
        .map(|row| {
            row.iter()
                .zip(vector)
                .fold(I32F32::ZERO, |acc, (m, v)| acc.saturating_add(m.saturating_mul(*v)))
        })
        .collect()
}

/// `row_hadamard`: multiply row `i` by `vector[i]` (saturating).
#[must_use]
pub fn row_hadamard(x: &[Vec<I32F32>], vector: &[I32F32]) -> DenseMatrix {
    if x.first().is_none_or(Vec::is_empty) {
        return vec![Vec::new()];
    }
    x.iter()
        .zip(vector)
        .map(|(row, s)| row.iter().map(|v| s.saturating_mul(*v)).collect())
        .collect()
}

/// `mat_vec_mul`: element-wise `checked_mul` of each row by `vector` (0 on overflow).
#[must_use]
pub fn mat_vec_mul(x: &[Vec<I32F32>], vector: &[I32F32]) -> DenseMatrix {
    if x.first().is_none_or(Vec::is_empty) {
        return vec![Vec::new()];
    }
    x.iter().map(|row| crate::math::vector::vec_mul(row, vector)).collect()
}

/// `interpolate`: `A + ratio · (B − A)` element-wise (`ratio` 0 or 1 return a copy).
#[must_use]
pub fn interpolate(mat1: &[Vec<I32F32>], mat2: &[Vec<I32F32>], ratio: I32F32) -> DenseMatrix {
    if ratio == I32F32::ZERO {
        return mat1.to_vec();
    }
    if ratio == I32F32::ONE {
        return mat2.to_vec();
    }
    if mat1.first().is_none_or(Vec::is_empty) {
        return vec![Vec::new()];
    }
    let cols = mat1.first().map_or(0, Vec::len);
    mat1.iter()
        .enumerate()
        .map(|(i, r1)| {
            let mut out = vec![I32F32::ZERO; cols];
            if let Some(r2) = mat2.get(i) {
                for ((o, v1), v2) in out.iter_mut().zip(r1).zip(r2) {
                    *o = v1.saturating_add(ratio.saturating_mul(v2.saturating_sub(*v1)));
                }
            }
            out
        })
        .collect()
}

/// `mat_ema`: `alpha · new + (1 − alpha) · old` element-wise (saturating, no clamp).
#[must_use]
pub fn mat_ema(new: &[Vec<I32F32>], old: &[Vec<I32F32>], alpha: I32F32) -> DenseMatrix {
    if new.first().is_none_or(Vec::is_empty) {
        return vec![Vec::new()];
    }
    let one_minus_alpha = I32F32::ONE.saturating_sub(alpha);
    new.iter()
        .zip(old)
        .map(|(nr, or)| {
            nr.iter()
                .zip(or)
                .map(|(n, o)| {
                    alpha.saturating_mul(*n).saturating_add(one_minus_alpha.saturating_mul(*o))
                })
                .collect()
        })
        .collect()
}

/// `mat_ema_alpha`: `min(1, (1 − α_ij) · old_ij + max(0, α_ij · new_ij))` element-wise. Shape
/// mismatches return `old` (outer) or `new` (rows) unchanged, as upstream.
#[must_use]
pub fn mat_ema_alpha(
    new: &[Vec<I32F32>],
    old: &[Vec<I32F32>],
    alpha: &[Vec<I32F32>],
) -> DenseMatrix {
    if new.first().is_none_or(Vec::is_empty) {
        return vec![Vec::new()];
    }
    if new.len() != old.len() || new.len() != alpha.len() {
        return old.to_vec();
    }
    let shapes_match =
        new.iter().zip(old).zip(alpha).all(|((n, o), a)| n.len() == o.len() && n.len() == a.len());
    if !shapes_match {
        return new.to_vec();
    }
    new.iter()
        .zip(old)
        .zip(alpha)
        .map(|((nr, or), ar)| {
            nr.iter()
                .zip(or)
                .zip(ar)
                .map(|((n, o), a)| {
                    let decayed = I32F32::ONE.saturating_sub(*a).saturating_mul(*o);
                    let inc = a.saturating_mul(*n).max(I32F32::ZERO);
                    decayed.saturating_add(inc).min(I32F32::ONE)
                })
                .collect()
        })
        .collect()
}
