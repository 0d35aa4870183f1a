//! The production (sparse) epoch transcribed step by step from SPEC §3–§5 with the literal
//! primitives of [`crate::math`]: slow (dense scratch rows, an `n × n` liquid-alpha matrix) but
//! easy to audit. The optimised [`crate::epoch()`] is checked against it on random inputs.

use super::common::{
    self, Emissions, Permits, Stake, at, bonds_penalty, emissions, inactive, kappa, last_tempo,
    permits, to_u16,
};
use crate::fixed::{I32F32, fixed_proportion_to_u16, fixed_to_fixed_u16_proportion};
use crate::input::{EpochInput, EpochOutput};
use crate::math::liquid_alpha::{
    AlphaSigmoid, ema_alpha_normal, ema_alpha_yuma3, liquid_alpha_matrix_sparse,
};
use crate::math::median::weighted_median_col_sparse;
use crate::math::sparse::{
    SparseMatrix, col_clip_sparse, inplace_col_max_upscale_sparse, inplace_col_normalize_sparse,
    inplace_row_normalize_sparse, interpolate_sparse, mask_diag_sparse,
    mask_diag_sparse_except_index, mask_rows_sparse, mat_ema_alpha_sparse, mat_ema_sparse,
    mat_vec_mul_sparse, matmul_sparse, matmul_transpose_sparse, row_hadamard_sparse,
    row_sum_sparse, scalar_vec_mask_sparse_matrix, vec_mask_sparse_matrix,
};
use crate::math::vector::{inplace_normalize, vec_mul};
use crate::trace::{EpochTrace, TraceMatrix};

/// The sparse epoch, literal transcription. Same results as [`crate::epoch_with_trace`].
#[must_use]
pub fn epoch_reference(input: &EpochInput) -> (EpochOutput, EpochTrace) {
    let n = input.n;
    let nu = input.len();
    let hp = &input.hyperparameters;
    let owner = hp.owner_uid;

    // §3.1–3.3.
    let inactive = inactive(input);
    let Stake { stake, total } = common::stake(input, true);
    let Permits { permits, new_permits, active_stake } =
        permits(input, &stake, &inactive, owner.map(usize::from));
    let forbids: Vec<bool> = permits.iter().map(|p| !p).collect();

    // §3.3.4: weights as I32F32 integers, rows < n, columns < n.
    let mut weights: SparseMatrix = (0..nu)
        .map(|i| {
            input
                .weights
                .get(i)
                .into_iter()
                .flatten()
                .filter(|(j, _)| *j < n)
                .map(|&(j, w)| (j, I32F32::from_u16(w)))
                .collect()
        })
        .collect();
    weights = mask_rows_sparse(&forbids, &weights);
    weights = match owner {
        Some(o) => mask_diag_sparse_except_index(&weights, o),
        None => mask_diag_sparse(&weights),
    };
    let last_update: Vec<u64> = (0..nu).map(|i| at(&input.last_update, i)).collect();
    let registered: Vec<u64> = (0..nu).map(|i| at(&input.block_at_registration, i)).collect();
    weights = vec_mask_sparse_matrix(&weights, &last_update, &registered, |u, r| u <= r);
    if let Some(commits) = &input.commit_blocks {
        let commits: Vec<u64> =
            (0..nu).map(|i| commits.get(i).copied().unwrap_or(u64::MAX)).collect();
        weights = vec_mask_sparse_matrix(&weights, &commits, &registered, |c, r| c < r);
    }
    inplace_row_normalize_sparse(&mut weights);

    // §3.4.
    let consensus = weighted_median_col_sparse(&active_stake, &weights, n, kappa(input));
    let clipped = col_clip_sparse(&weights, &consensus);
    let validator_trust = row_sum_sparse(&clipped);
    let mut ranks = matmul_sparse(&clipped, &active_stake, n);
    inplace_normalize(&mut ranks);
    let incentive = ranks;

    // §3.5.
    let weights_for_bonds = interpolate_sparse(&weights, &clipped, n, bonds_penalty(input));

    // §5.
    let last_tempo = last_tempo(input);
    let stored_bonds = |i: usize| -> Vec<(u16, I32F32)> {
        input.bonds.get(i).into_iter().flatten().map(|&(j, b)| (j, I32F32::from_u16(b))).collect()
    };
    let mut liquid_alphas = None;
    let (dividends, ema_bonds, storage): (Vec<I32F32>, SparseMatrix, SparseMatrix) = if hp.yuma3 {
        let mut bonds: SparseMatrix = (0..nu)
            .map(|i| {
                stored_bonds(i)
                    .into_iter()
                    .map(|(j, b)| (j, fixed_to_fixed_u16_proportion(b)))
                    .collect()
            })
            .collect();
        bonds = scalar_vec_mask_sparse_matrix(&bonds, last_tempo, &registered, |t, r| t <= r);
        let use_liquid = hp.liquid_alpha && consensus.iter().any(|c| *c != I32F32::ZERO);
        let ema = if use_liquid {
            let sigmoid =
                AlphaSigmoid::new(hp.alpha_low, hp.alpha_high, hp.alpha_sigmoid_steepness);
            let alphas =
                liquid_alpha_matrix_sparse(&sigmoid, &weights_for_bonds, &bonds, &consensus);
            let ema = mat_ema_alpha_sparse(&weights_for_bonds, &bonds, &alphas);
            liquid_alphas = Some(alphas);
            ema
        } else {
            mat_ema_sparse(&weights_for_bonds, &bonds, ema_alpha_yuma3(hp.bonds_moving_average))
        };
        let mut ema_norm = ema.clone();
        inplace_col_normalize_sparse(&mut ema_norm, n);
        let tbv = row_sum_sparse(&mat_vec_mul_sparse(&ema_norm, &incentive));
        let mut dividends = vec_mul(&tbv, &active_stake);
        inplace_normalize(&mut dividends);
        (dividends, ema.clone(), ema)
    } else {
        let mut bonds: SparseMatrix = (0..nu).map(stored_bonds).collect();
        bonds = scalar_vec_mask_sparse_matrix(&bonds, last_tempo, &registered, |t, r| t <= r);
        inplace_col_normalize_sparse(&mut bonds, n);
        let mut delta = row_hadamard_sparse(&weights_for_bonds, &active_stake);
        inplace_col_normalize_sparse(&mut delta, n);
        let mut ema = mat_ema_sparse(&delta, &bonds, ema_alpha_normal(hp.bonds_moving_average));
        inplace_col_normalize_sparse(&mut ema, n);
        let mut dividends = matmul_transpose_sparse(&ema, &incentive);
        inplace_normalize(&mut dividends);
        inplace_col_max_upscale_sparse(&mut ema, n);
        (dividends, ema.clone(), ema)
    };

    // §4.
    let Emissions { server, validator, combined } =
        emissions(&incentive, &dividends, &stake, &active_stake, input.rao_emission);

    // §5.3: every uid's row is written, the EMA row if it keeps a permit, else empty.
    let bonds = (0..nu)
        .map(|i| {
            if at(&new_permits, i) {
                storage
                    .get(i)
                    .into_iter()
                    .flatten()
                    .map(|&(j, v)| (j, fixed_proportion_to_u16(v)))
                    .collect()
            } else {
                Vec::new()
            }
        })
        .collect();

    let output = EpochOutput {
        active: inactive.iter().map(|x| !x).collect(),
        stake_weight: to_u16(&stake),
        total_stake: total,
        new_validator_permit: new_permits,
        consensus: to_u16(&consensus),
        incentive: to_u16(&incentive),
        dividends: to_u16(&dividends),
        validator_trust: to_u16(&validator_trust),
        server_emission: server,
        validator_emission: validator,
        combined_emission: combined,
        bonds,
    };
    let trace = EpochTrace {
        stake,
        active_stake,
        weights_norm: TraceMatrix::Sparse(weights),
        consensus,
        clipped_weights: TraceMatrix::Sparse(clipped),
        validator_trust,
        incentive,
        weights_for_bonds: TraceMatrix::Sparse(weights_for_bonds),
        last_tempo,
        liquid_alphas,
        ema_bonds: TraceMatrix::Sparse(ema_bonds),
        dividends,
    };
    (output, trace)
}
