//! Math cases: one primitive applied to `args_bits`, compared with `expected` (within
//! `tolerance`) and, when present, bit for bit with `harness_output`.

use serde_json::Value;

use super::compare::{Got, check};
use super::json::{
    bits, bits_dense, bits_sparse, bits_vec, bool_vec, int, list, looks_sparse, u16_vec, u64_vec,
};
use crate::fixed::{I64F64, exp, exp_safe, fixed_proportion_to_u16, u16_proportion_to_fixed};
use crate::math::{dense, liquid_alpha, median, sparse, vector};

/// Evaluates the named primitive. `Err` explains malformed arguments or an unknown function.
pub(crate) fn evaluate(function: &str, args: &[Value]) -> Result<Got, String> {
    let arg = |i: usize| args.get(i).ok_or_else(|| format!("missing argument {i}"));
    let bad = |i: usize, what: &str| format!("argument {i} is not {what}");
    let a_bits = |i: usize| arg(i).and_then(|v| bits(v).ok_or_else(|| bad(i, "raw bits")));
    let a_vec = |i: usize| arg(i).and_then(|v| bits_vec(v).ok_or_else(|| bad(i, "a bits list")));
    let a_dense =
        |i: usize| arg(i).and_then(|v| bits_dense(v).ok_or_else(|| bad(i, "a dense matrix")));
    let a_sparse =
        |i: usize| arg(i).and_then(|v| bits_sparse(v).ok_or_else(|| bad(i, "a sparse matrix")));
    let a_int = |i: usize| arg(i).and_then(|v| int(v).ok_or_else(|| bad(i, "an integer")));
    let a_u16 = |i: usize| a_int(i).and_then(|x| u16::try_from(x).map_err(|_| bad(i, "a u16")));
    let a_usize =
        |i: usize| a_int(i).and_then(|x| usize::try_from(x).map_err(|_| bad(i, "a size")));
    let a_bools = |i: usize| arg(i).and_then(|v| bool_vec(v).ok_or_else(|| bad(i, "a bool list")));

    // Upstream test names sometimes carry a note in parentheses.
    let name = function.split_whitespace().next().unwrap_or(function);
    let got = match name {
        "weighted_median" => {
            // Argument 2 is the `minority` passed to the function (`1 - majority`, as the upstream
            // test computes it before the call).
            let (stake, score, minority) = (a_vec(0)?, a_vec(1)?, a_bits(2)?);
            let idx: Vec<usize> = (0..stake.len()).collect();
            Got::Bits(median::weighted_median(
                &stake,
                &score,
                &idx,
                minority,
                a_bits(3)?,
                a_bits(4)?,
            ))
        }
        "weighted_median_col" => {
            Got::BitsVec(median::weighted_median_col(&a_vec(0)?, &a_dense(1)?, a_bits(2)?))
        }
        "weighted_median_col_sparse" => Got::BitsVec(median::weighted_median_col_sparse(
            &a_vec(0)?,
            &a_sparse(1)?,
            a_u16(2)?,
            a_bits(3)?,
        )),
        "vec_max_upscale_to_u16" => Got::U16s(vector::vec_max_upscale_to_u16(&a_vec(0)?)),
        "vec_u16_max_upscale_to_u16" => {
            let v = arg(0).and_then(|v| u16_vec(v).ok_or_else(|| bad(0, "a u16 list")))?;
            Got::U16s(vector::vec_u16_max_upscale_to_u16(&v))
        }
        "is_topk" => Got::Bools(vector::is_topk(&a_vec(0)?, a_usize(1)?)),
        "is_topk_nonzero" => Got::Bools(vector::is_topk_nonzero(&a_vec(0)?, a_usize(1)?)),
        "inplace_normalize" | "normalize" => {
            let mut v = a_vec(0)?;
            vector::inplace_normalize(&mut v);
            Got::BitsVec(v)
        }
        "inplace_row_normalize_sparse" => {
            let mut m = a_sparse(0)?;
            sparse::inplace_row_normalize_sparse(&mut m);
            Got::Sparse(m)
        }
        "inplace_col_normalize_sparse" => {
            let mut m = a_sparse(0)?;
            sparse::inplace_col_normalize_sparse(&mut m, a_u16(1)?);
            Got::Sparse(m)
        }
        "inplace_col_max_upscale_sparse" => {
            let mut m = a_sparse(0)?;
            sparse::inplace_col_max_upscale_sparse(&mut m, a_u16(1)?);
            Got::Sparse(m)
        }
        "inplace_row_normalize" => {
            let mut m = a_dense(0)?;
            dense::inplace_row_normalize(&mut m);
            Got::Dense(m)
        }
        "inplace_col_normalize" => {
            let mut m = a_dense(0)?;
            dense::inplace_col_normalize(&mut m);
            Got::Dense(m)
        }
        "inplace_col_max_upscale" => {
            let mut m = a_dense(0)?;
            dense::inplace_col_max_upscale(&mut m);
            Got::Dense(m)
        }
        "col_clip_sparse" => Got::Sparse(sparse::col_clip_sparse(&a_sparse(0)?, &a_vec(1)?)),
        "inplace_col_clip" | "col_clip" => {
            let mut m = a_dense(0)?;
            dense::inplace_col_clip(&mut m, &a_vec(1)?);
            Got::Dense(m)
        }
        "mat_ema_alpha" => {
            Got::Dense(dense::mat_ema_alpha(&a_dense(0)?, &a_dense(1)?, &a_dense(2)?))
        }
        "mat_ema_alpha_sparse" => {
            Got::Sparse(sparse::mat_ema_alpha_sparse(&a_sparse(0)?, &a_sparse(1)?, &a_dense(2)?))
        }
        "mat_ema" => Got::Dense(dense::mat_ema(&a_dense(0)?, &a_dense(1)?, a_bits(2)?)),
        "mat_ema_sparse" => {
            Got::Sparse(sparse::mat_ema_sparse(&a_sparse(0)?, &a_sparse(1)?, a_bits(2)?))
        }
        "interpolate_sparse" => Got::Sparse(sparse::interpolate_sparse(
            &a_sparse(0)?,
            &a_sparse(1)?,
            a_u16(2)?,
            a_bits(3)?,
        )),
        "interpolate" => Got::Dense(dense::interpolate(&a_dense(0)?, &a_dense(1)?, a_bits(2)?)),
        "exp_safe" => Got::Bits(exp_safe(a_bits(0)?)),
        "exp" => Got::Bits(exp(a_bits(0)?).ok_or("exp returns Err for this input")?),
        "fixed_proportion_to_u16" => Got::U16(fixed_proportion_to_u16(a_bits(0)?)),
        "u16_proportion_to_fixed" => Got::Bits(u16_proportion_to_fixed(a_u16(0)?)),
        "compute_ema_alpha_normal" => {
            let bma = a_int(0).and_then(|x| u64::try_from(x).map_err(|_| bad(0, "a u64")))?;
            Got::Bits(liquid_alpha::ema_alpha_normal(bma))
        }
        "stake_to_fixed32" => {
            let stake = arg(0).and_then(|v| u64_vec(v).ok_or_else(|| bad(0, "a u64 list")))?;
            let mut s: Vec<I64F64> = stake.into_iter().map(I64F64::saturating_from_u64).collect();
            vector::inplace_normalize_64(&mut s);
            Got::BitsVec(s.iter().map(|x| x.saturating_to_i32f32()).collect())
        }
        "alpha_sigmoid" | "liquid_alpha_sigmoid" => {
            let sig = liquid_alpha::AlphaSigmoid::from_fixed(a_bits(3)?, a_bits(4)?, a_bits(5)?);
            Got::Bits(sig.alpha(a_bits(0)?, a_bits(1)?, a_bits(2)?))
        }
        "is_zero" => Got::Bools(vec![vector::is_zero(&a_vec(0)?)]),
        "vec_mul" => Got::BitsVec(vector::vec_mul(&a_vec(0)?, &a_vec(1)?)),
        "inplace_mask_vector" => {
            let mut v = a_vec(1)?;
            vector::inplace_mask_vector(&a_bools(0)?, &mut v);
            Got::BitsVec(v)
        }
        "row_sum" => Got::BitsVec(dense::row_sum(&a_dense(0)?)),
        "row_sum_sparse" => Got::BitsVec(sparse::row_sum_sparse(&a_sparse(0)?)),
        "col_sum_sparse" => Got::BitsVec(sparse::col_sum_sparse(&a_sparse(0)?, a_u16(1)?)),
        "matmul" => Got::BitsVec(dense::matmul(&a_dense(0)?, &a_vec(1)?)),
        "matmul_sparse" => {
            Got::BitsVec(sparse::matmul_sparse(&a_sparse(0)?, &a_vec(1)?, a_u16(2)?))
        }
        "matmul_transpose" => Got::BitsVec(dense::matmul_transpose(&a_dense(0)?, &a_vec(1)?)),
        "matmul_transpose_sparse" => {
            Got::BitsVec(sparse::matmul_transpose_sparse(&a_sparse(0)?, &a_vec(1)?))
        }
        "row_hadamard" => Got::Dense(dense::row_hadamard(&a_dense(0)?, &a_vec(1)?)),
        "row_hadamard_sparse" => {
            Got::Sparse(sparse::row_hadamard_sparse(&a_sparse(0)?, &a_vec(1)?))
        }
        "mat_vec_mul" => Got::Dense(dense::mat_vec_mul(&a_dense(0)?, &a_vec(1)?)),
        "mat_vec_mul_sparse" => Got::Sparse(sparse::mat_vec_mul_sparse(&a_sparse(0)?, &a_vec(1)?)),
        "mask_rows_sparse" => Got::Sparse(sparse::mask_rows_sparse(&a_bools(0)?, &a_sparse(1)?)),
        "mask_diag_sparse" => Got::Sparse(sparse::mask_diag_sparse(&a_sparse(0)?)),
        "mask_diag_sparse_except_index" => {
            Got::Sparse(sparse::mask_diag_sparse_except_index(&a_sparse(0)?, a_u16(1)?))
        }
        "inplace_mask_rows" => {
            let mut m = a_dense(1)?;
            dense::inplace_mask_rows(&a_bools(0)?, &mut m);
            Got::Dense(m)
        }
        "inplace_mask_cols" => {
            let mut m = a_dense(1)?;
            dense::inplace_mask_cols(&a_bools(0)?, &mut m);
            Got::Dense(m)
        }
        "inplace_mask_diag" => {
            let mut m = a_dense(0)?;
            dense::inplace_mask_diag(&mut m);
            Got::Dense(m)
        }
        "inplace_mask_matrix" => {
            let mask =
                arg(0).and_then(|v| list(v, bool_vec).ok_or_else(|| bad(0, "a bool matrix")))?;
            let mut m = a_dense(1)?;
            dense::inplace_mask_matrix(&mask, &mut m);
            Got::Dense(m)
        }
        "clamp_value" => Got::Bits(vector::clamp_value(a_bits(0)?, a_bits(1)?, a_bits(2)?)),
        other => return Err(format!("unsupported function `{other}`")),
    };
    Ok(got)
}

/// Runs one math case; the returned list holds its failures (empty = pass).
pub(crate) fn run_case(case: &Value, assertions_only: bool) -> Vec<String> {
    let function = case.get("function").and_then(Value::as_str).unwrap_or("");
    let Some(args) = case.get("args_bits").and_then(Value::as_array) else {
        return vec!["no `args_bits` list".to_owned()];
    };
    let got = match evaluate(function, args) {
        Ok(g) => g,
        Err(e) => return vec![e],
    };
    let mut failures = Vec::new();
    let tolerance = case
        .get("tolerance")
        .and_then(|t| t.as_u64().map(u128::from).or_else(|| t.as_f64().map(tolerance_bits)))
        .unwrap_or(0);
    match case.get("expected") {
        Some(expected) => {
            if let Err(e) = check(&got, expected, tolerance) {
                failures.push(format!("{function}: {e}"));
            }
        }
        None => failures.push("no `expected` value".to_owned()),
    }
    if !assertions_only
        && let Some(harness) = case.get("harness_output")
        && !(harness.is_null() || matches!(got, Got::Sparse(_)) && !looks_sparse(harness))
        && let Err(e) = check(&got, harness, 0)
    {
        failures.push(format!("{function} vs harness_output (exact): {e}"));
    }
    failures
}

/// A float tolerance on raw bits (rounded up; negative or NaN count as 0).
fn tolerance_bits(t: f64) -> u128 {
    if t.is_finite() && t > 0.0 {
        // Bounded by the check above and u128's range for any realistic tolerance.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let v = t.ceil() as u128;
        v
    } else {
        0
    }
}
