//! `epoch_dense_mechanism` (SPEC §8): the dense variant subtensor's tests use. Differences from
//! the sparse epoch: no owner handling (no threshold exemption, no forced permit, and the diagonal
//! is masked twice so even the owner's self-weight goes), no commit-reveal mask, the recent
//! registration mask zeroes whole bond columns, zeros are ordinary values (clipping keeps them,
//! liquid alpha decays every old bond), and bond rows of uids that neither keep nor lose a permit
//! are left as they were.

use super::common::{
    self, Emissions, Permits, Stake, at, bonds_penalty, emissions, inactive, kappa, last_tempo,
    permits, to_u16,
};
use crate::fixed::{I32F32, fixed_proportion_to_u16, fixed_to_fixed_u16_proportion};
use crate::input::{EpochInput, EpochOutput};
use crate::math::dense::{
    DenseMatrix, inplace_col_clip, inplace_col_max_upscale, inplace_col_normalize,
    inplace_mask_cols, inplace_mask_diag, inplace_mask_diag_except_index, inplace_mask_matrix,
    inplace_mask_rows, inplace_row_normalize, interpolate, mat_ema, mat_ema_alpha, mat_vec_mul,
    matmul, matmul_transpose, row_hadamard, row_sum,
};
use crate::math::liquid_alpha::{
    AlphaSigmoid, ema_alpha_normal, ema_alpha_yuma3, liquid_alpha_matrix_dense,
};
use crate::math::median::weighted_median_col;
use crate::math::vector::{inplace_normalize, vec_mul};
use crate::trace::{EpochTrace, TraceMatrix};

/// A dense `n × n` matrix from stored sparse rows (columns `≥ n` dropped, later duplicates win).
fn densify(rows: &[Vec<(u16, u16)>], n: usize, value: impl Fn(u16) -> I32F32) -> DenseMatrix {
    (0..n)
        .map(|i| {
            let mut row = vec![I32F32::ZERO; n];
            for &(j, v) in rows.get(i).into_iter().flatten() {
                if let Some(cell) = row.get_mut(usize::from(j)) {
                    *cell = value(v);
                }
            }
            row
        })
        .collect()
}

/// The dense epoch (test-only upstream; `O(n²)` memory). See [`crate::epoch_dense`].
#[must_use]
pub fn epoch_dense_with_trace(input: &EpochInput) -> (EpochOutput, EpochTrace) {
    let n = input.len();
    let hp = &input.hyperparameters;
    if n == 0 {
        return super::empty_output();
    }

    let inactive = inactive(input);
    let Stake { stake, total } = common::stake(input, false);
    let Permits { permits, new_permits, active_stake } = permits(input, &stake, &inactive, None);
    let forbids: Vec<bool> = permits.iter().map(|p| !p).collect();

    let last_update: Vec<u64> = (0..n).map(|i| at(&input.last_update, i)).collect();
    let registered: Vec<u64> = (0..n).map(|i| at(&input.block_at_registration, i)).collect();
    let outdated: Vec<Vec<bool>> =
        last_update.iter().map(|u| registered.iter().map(|r| u <= r).collect()).collect();
    let last_tempo = last_tempo(input);
    let recently_registered: Vec<bool> = registered.iter().map(|r| last_tempo <= *r).collect();

    let mut weights = densify(&input.weights, n, I32F32::from_u16);
    inplace_mask_rows(&forbids, &mut weights);
    if let Some(owner) = hp.owner_uid {
        inplace_mask_diag_except_index(&mut weights, owner);
    }
    inplace_mask_diag(&mut weights);
    inplace_mask_matrix(&outdated, &mut weights);
    inplace_row_normalize(&mut weights);

    let consensus = weighted_median_col(&active_stake, &weights, kappa(input));
    let mut clipped = weights.clone();
    inplace_col_clip(&mut clipped, &consensus);
    let validator_trust = row_sum(&clipped);
    let mut incentive = matmul(&clipped, &active_stake);
    inplace_normalize(&mut incentive);

    let weights_for_bonds = interpolate(&weights, &clipped, bonds_penalty(input));

    let mut liquid_alphas = None;
    let (dividends, ema) = if hp.yuma3 {
        let mut bonds =
            densify(&input.bonds, n, |b| fixed_to_fixed_u16_proportion(I32F32::from_u16(b)));
        inplace_mask_cols(&recently_registered, &mut bonds);
        let use_liquid = hp.liquid_alpha && consensus.iter().any(|c| *c != I32F32::ZERO);
        let ema = if use_liquid {
            let sigmoid =
                AlphaSigmoid::new(hp.alpha_low, hp.alpha_high, hp.alpha_sigmoid_steepness);
            let alphas =
                liquid_alpha_matrix_dense(&sigmoid, &weights_for_bonds, &bonds, &consensus);
            let ema = mat_ema_alpha(&weights_for_bonds, &bonds, &alphas);
            liquid_alphas = Some(alphas);
            ema
        } else {
            mat_ema(&weights_for_bonds, &bonds, ema_alpha_yuma3(hp.bonds_moving_average))
        };
        let mut ema_norm = ema.clone();
        inplace_col_normalize(&mut ema_norm);
        let tbv = row_sum(&mat_vec_mul(&ema_norm, &incentive));
        let mut dividends = vec_mul(&tbv, &active_stake);
        inplace_normalize(&mut dividends);
        (dividends, ema)
    } else {
        let mut bonds = densify(&input.bonds, n, I32F32::from_u16);
        inplace_mask_cols(&recently_registered, &mut bonds);
        inplace_col_normalize(&mut bonds);
        let mut delta = row_hadamard(&weights_for_bonds, &active_stake);
        inplace_col_normalize(&mut delta);
        let mut ema = mat_ema(&delta, &bonds, ema_alpha_normal(hp.bonds_moving_average));
        inplace_col_normalize(&mut ema);
        let mut dividends = matmul_transpose(&ema, &incentive);
        inplace_normalize(&mut dividends);
        inplace_col_max_upscale(&mut ema);
        (dividends, ema)
    };

    let Emissions { server, validator, combined } =
        emissions(&incentive, &dividends, &stake, &active_stake, input.rao_emission);

    // Rows with a new permit get the full dense row, rows losing a permit are emptied, others
    // keep what storage had.
    let bonds = (0..n)
        .map(|i| {
            if at(&new_permits, i) {
                ema.get(i)
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .filter_map(|(j, v)| {
                        Some((u16::try_from(j).ok()?, fixed_proportion_to_u16(*v)))
                    })
                    .collect()
            } else if at(&permits, i) {
                Vec::new()
            } else {
                input.bonds.get(i).cloned().unwrap_or_default()
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
        weights_norm: TraceMatrix::Dense(weights),
        consensus,
        clipped_weights: TraceMatrix::Dense(clipped),
        validator_trust,
        incentive,
        weights_for_bonds: TraceMatrix::Dense(weights_for_bonds),
        last_tempo,
        liquid_alphas,
        ema_bonds: TraceMatrix::Dense(ema),
        dividends,
    };
    (output, trace)
}
