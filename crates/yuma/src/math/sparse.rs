//! Sparse-matrix primitives of subtensor's `epoch/math.rs`, transcribed literally.
//!
//! A sparse matrix is a list of rows; a row is a list of `(column, value)` in storage order.
//! Column indices outside `0..columns` are ignored by the column operations (they read and write
//! through `get`/`get_mut`), exactly as upstream. These are the reference semantics; the
//! production epoch ([`crate::epoch()`]) runs fused versions on a compressed layout and is checked
//! against these.

use crate::fixed::{FixedDivisor, I32F32};

/// A sparse matrix: rows of `(column, value)` pairs in storage order.
pub type SparseMatrix = Vec<Vec<(u16, I32F32)>>;

/// `mask_rows_sparse`: empty the rows where `mask` is true (missing mask entries count as true).
#[must_use]
pub fn mask_rows_sparse(mask: &[bool], matrix: &[Vec<(u16, I32F32)>]) -> SparseMatrix {
    matrix
        .iter()
        .enumerate()
        .map(|(i, row)| if mask.get(i).copied().unwrap_or(true) { Vec::new() } else { row.clone() })
        .collect()
}

/// `mask_diag_sparse`: drop `(i, i)` entries.
#[must_use]
pub fn mask_diag_sparse(matrix: &[Vec<(u16, I32F32)>]) -> SparseMatrix {
    matrix
        .iter()
        .enumerate()
        .map(|(i, row)| row.iter().filter(|(j, _)| usize::from(*j) != i).copied().collect())
        .collect()
}

/// `mask_diag_sparse_except_index`: drop `(i, i)` entries except `(except, except)`.
#[must_use]
pub fn mask_diag_sparse_except_index(matrix: &[Vec<(u16, I32F32)>], except: u16) -> SparseMatrix {
    matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .filter(|(j, _)| usize::from(*j) != i || (i == usize::from(except) && *j == except))
                .copied()
                .collect()
        })
        .collect()
}

/// `vec_mask_sparse_matrix`: drop `(i, j)` where `mask_fn(first[i], second[j])` (missing vector
/// entries read as 0).
#[must_use]
pub fn vec_mask_sparse_matrix(
    matrix: &[Vec<(u16, I32F32)>],
    first: &[u64],
    second: &[u64],
    mask_fn: impl Fn(u64, u64) -> bool,
) -> SparseMatrix {
    matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let fv = first.get(i).copied().unwrap_or(0);
            row.iter()
                .filter(|(j, _)| !mask_fn(fv, second.get(usize::from(*j)).copied().unwrap_or(0)))
                .copied()
                .collect()
        })
        .collect()
}

/// `scalar_vec_mask_sparse_matrix`: drop `(i, j)` where `mask_fn(scalar, vector[j])`.
#[must_use]
pub fn scalar_vec_mask_sparse_matrix(
    matrix: &[Vec<(u16, I32F32)>],
    scalar: u64,
    vector: &[u64],
    mask_fn: impl Fn(u64, u64) -> bool,
) -> SparseMatrix {
    matrix
        .iter()
        .map(|row| {
            row.iter()
                .filter(|(j, _)| {
                    !mask_fn(scalar, vector.get(usize::from(*j)).copied().unwrap_or(0))
                })
                .copied()
                .collect()
        })
        .collect()
}

/// `inplace_row_normalize_sparse`: divide each row by its plain sum when that sum is > 0.
pub fn inplace_row_normalize_sparse(matrix: &mut [Vec<(u16, I32F32)>]) {
    for row in matrix.iter_mut() {
        let row_sum = row.iter().fold(I32F32::ZERO, |acc, (_, v)| acc.wrapping_add(*v));
        if row_sum > I32F32::ZERO {
            let d = FixedDivisor::new(row_sum);
            for (_, v) in row.iter_mut() {
                *v = d.safe_div(*v);
            }
        }
    }
}

/// `row_sum_sparse`: plain (wrapping) sum of each row.
#[must_use]
pub fn row_sum_sparse(matrix: &[Vec<(u16, I32F32)>]) -> Vec<I32F32> {
    matrix
        .iter()
        .map(|row| row.iter().fold(I32F32::ZERO, |acc, (_, v)| acc.wrapping_add(*v)))
        .collect()
}

/// Saturating column sums over columns `0..columns`.
#[must_use]
pub fn col_sum_sparse(matrix: &[Vec<(u16, I32F32)>], columns: u16) -> Vec<I32F32> {
    let mut sums = vec![I32F32::ZERO; usize::from(columns)];
    for row in matrix {
        for (j, v) in row {
            if let Some(s) = sums.get_mut(usize::from(*j)) {
                *s = s.saturating_add(*v);
            }
        }
    }
    sums
}

/// `inplace_col_normalize_sparse`: divide each entry by its column's saturating sum when that is
/// non-zero.
pub fn inplace_col_normalize_sparse(matrix: &mut [Vec<(u16, I32F32)>], columns: u16) {
    let divisors: Vec<FixedDivisor> =
        col_sum_sparse(matrix, columns).into_iter().map(FixedDivisor::new).collect();
    divide_columns(matrix, &divisors);
}

/// `inplace_col_max_upscale_sparse`: divide each entry by its column maximum when that is
/// non-zero (maxima start at 0).
pub fn inplace_col_max_upscale_sparse(matrix: &mut [Vec<(u16, I32F32)>], columns: u16) {
    let mut maxes = vec![I32F32::ZERO; usize::from(columns)];
    for row in matrix.iter() {
        for (j, v) in row {
            if let Some(m) = maxes.get_mut(usize::from(*j))
                && *m < *v
            {
                *m = *v;
            }
        }
    }
    let divisors: Vec<FixedDivisor> = maxes.into_iter().map(FixedDivisor::new).collect();
    divide_columns(matrix, &divisors);
}

fn divide_columns(matrix: &mut [Vec<(u16, I32F32)>], divisors: &[FixedDivisor]) {
    for row in matrix.iter_mut() {
        for (j, v) in row.iter_mut() {
            if let Some(d) = divisors.get(usize::from(*j))
                && d.divisor() != I32F32::ZERO
            {
                *v = d.safe_div(*v);
            }
        }
    }
}

/// `col_clip_sparse`: an entry above its column threshold `t` becomes `t` if `t > 0` and is
/// dropped otherwise; other entries are kept (missing thresholds read as 0).
#[must_use]
pub fn col_clip_sparse(matrix: &[Vec<(u16, I32F32)>], threshold: &[I32F32]) -> SparseMatrix {
    matrix
        .iter()
        .map(|row| {
            row.iter()
                .filter_map(|&(j, v)| {
                    let t = threshold.get(usize::from(j)).copied().unwrap_or_default();
                    if t < v { (t > I32F32::ZERO).then_some((j, t)) } else { Some((j, v)) }
                })
                .collect()
        })
        .collect()
}

/// `matmul_sparse`: `result_j = Σ_i vector_i · m_ij` (saturating), columns `0..columns`.
#[must_use]
pub fn matmul_sparse(
    matrix: &[Vec<(u16, I32F32)>],
    vector: &[I32F32],
    columns: u16,
) -> Vec<I32F32> {
    let mut result = vec![I32F32::ZERO; usize::from(columns)];
    for (i, row) in matrix.iter().enumerate() {
        let scale = vector.get(i).copied().unwrap_or_default();
        for (j, v) in row {
            if let Some(r) = result.get_mut(usize::from(*j)) {
                *r = r.saturating_add(scale.saturating_mul(*v));
            }
        }
    }
    result
}

/// `matmul_transpose_sparse`: `result_i = Σ_j vector_j · m_ij` (saturating).
#[must_use]
pub fn matmul_transpose_sparse(matrix: &[Vec<(u16, I32F32)>], vector: &[I32F32]) -> Vec<I32F32> {
    matrix
        .iter()
        .map(|row| {
            row.iter().fold(I32F32::ZERO, |acc, (j, v)| {
                let x = vector.get(usize::from(*j)).copied().unwrap_or_default();
                acc.saturating_add(x.saturating_mul(*v))
            })
        })
        .collect()
}

/// `row_hadamard_sparse`: multiply row `i` by `vector[i]` (saturating); rows beyond the vector
/// are dropped.
#[must_use]
pub fn row_hadamard_sparse(matrix: &[Vec<(u16, I32F32)>], vector: &[I32F32]) -> SparseMatrix {
    matrix
        .iter()
        .zip(vector)
        .map(|(row, s)| row.iter().map(|&(j, v)| (j, v.saturating_mul(*s))).collect())
        .collect()
}

/// `mat_vec_mul_sparse`: `m_ij · vector_j` (saturating), keeping non-zero products whose column
/// is inside the vector.
#[must_use]
pub fn mat_vec_mul_sparse(matrix: &[Vec<(u16, I32F32)>], vector: &[I32F32]) -> SparseMatrix {
    matrix
        .iter()
        .map(|row| {
            row.iter()
                .filter_map(|&(j, v)| {
                    let x = vector.get(usize::from(j))?;
                    let p = v.saturating_mul(*x);
                    (p != I32F32::ZERO).then_some((j, p))
                })
                .collect()
        })
        .collect()
}

/// Densifies a sparse row into `columns` entries; later duplicates overwrite earlier ones.
fn densify(row: Option<&Vec<(u16, I32F32)>>, columns: u16) -> Vec<I32F32> {
    let mut dense = vec![I32F32::ZERO; usize::from(columns)];
    for (j, v) in row.into_iter().flatten() {
        if let Some(d) = dense.get_mut(usize::from(*j)) {
            *d = *v;
        }
    }
    dense
}

/// `interpolate_sparse`: `A + ratio · (B − A)`. `ratio == 0` returns `A` and `ratio == 1`
/// returns `B` unchanged (same entries, same order, zeros kept); otherwise each row is densified
/// and positive results are emitted in ascending column order.
#[must_use]
pub fn interpolate_sparse(
    mat1: &[Vec<(u16, I32F32)>],
    mat2: &[Vec<(u16, I32F32)>],
    columns: u16,
    ratio: I32F32,
) -> SparseMatrix {
    if ratio == I32F32::ZERO {
        return mat1.to_vec();
    }
    if ratio == I32F32::ONE {
        return mat2.to_vec();
    }
    if mat1.len() != mat2.len() {
        return mat2.to_vec();
    }
    (0..mat1.len())
        .map(|i| {
            let r1 = densify(mat1.get(i), columns);
            let r2 = densify(mat2.get(i), columns);
            r1.iter()
                .zip(&r2)
                .enumerate()
                .filter_map(|(j, (v1, v2))| {
                    let v = v1.saturating_add(ratio.saturating_mul(v2.saturating_sub(*v1)));
                    let j = u16::try_from(j).ok()?;
                    (v > I32F32::ZERO).then_some((j, v))
                })
                .collect()
        })
        .collect()
}

/// `mat_ema_sparse`: per row, a dense accumulator of length `new.len()` (the matrix is square):
/// `+= alpha · new_ij` for every new entry, then `+= (1 − alpha) · old_ij` for every old entry
/// (saturating), then the positive cells in ascending column order. No clamping.
#[must_use]
pub fn mat_ema_sparse(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: I32F32,
) -> SparseMatrix {
    let n = new.len();
    let one_minus_alpha = I32F32::ONE.saturating_sub(alpha);
    new.iter()
        .enumerate()
        .map(|(i, new_row)| {
            let mut acc = vec![I32F32::ZERO; n];
            for (j, v) in new_row {
                if let Some(c) = acc.get_mut(usize::from(*j)) {
                    *c = c.saturating_add(alpha.saturating_mul(*v));
                }
            }
            for (j, v) in old.get(i).into_iter().flatten() {
                if let Some(c) = acc.get_mut(usize::from(*j)) {
                    *c = c.saturating_add(one_minus_alpha.saturating_mul(*v));
                }
            }
            positive_cells(&acc)
        })
        .collect()
}

fn positive_cells(acc: &[I32F32]) -> Vec<(u16, I32F32)> {
    acc.iter()
        .enumerate()
        .filter_map(|(j, v)| (*v > I32F32::ZERO).then_some((u16::try_from(j).ok()?, *v)))
        .collect()
}

/// `mat_ema_alpha_sparse` (Yuma3 liquid alpha): per row, `decayed_j = (1 − α_ij) · old_ij` for the
/// old entries (assignment: a later duplicate wins), then for each new entry **in row order**
/// `v = min(1, decayed_j + max(0, α_ij · new_ij))`, emitted when `v > 0`. Old bonds whose column
/// has no new entry are dropped. Shape mismatches return `new` unchanged, as upstream.
#[must_use]
pub fn mat_ema_alpha_sparse(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: &[Vec<I32F32>],
) -> SparseMatrix {
    if new.len() != old.len() || new.len() != alpha.len() {
        return new.to_vec();
    }
    new.iter()
        .zip(old)
        .zip(alpha)
        .map(|((new_row, old_row), alpha_row)| {
            let mut decayed = vec![I32F32::ZERO; alpha_row.len()];
            for (j, v) in old_row {
                let j = usize::from(*j);
                if let (Some(a), Some(d)) = (alpha_row.get(j), decayed.get_mut(j)) {
                    *d = I32F32::ONE.saturating_sub(*a).saturating_mul(*v);
                }
            }
            new_row
                .iter()
                .filter_map(|&(j, w)| {
                    let a = alpha_row.get(usize::from(j))?;
                    let d = decayed.get(usize::from(j))?;
                    let inc = a.saturating_mul(w).max(I32F32::ZERO);
                    let v = d.saturating_add(inc).min(I32F32::ONE);
                    (v > I32F32::ZERO).then_some((j, v))
                })
                .collect()
        })
        .collect()
}
