//! Steps shared by the sparse and dense epochs: activity, stake, permits, emission split.

use crate::fixed::{
    I32F32, I64F64, emission_share, fixed_proportion_to_u16, sum, tao_weight_factor,
    u16_proportion_to_fixed,
};
use crate::input::EpochInput;
use crate::math::vector::{
    inplace_mask_vector, inplace_normalize, inplace_normalize_64, is_topk_nonzero,
};

/// Element `i` of a per-uid vector, 0/false past its end (the chain pads to `n`).
#[inline]
pub(crate) fn at<T: Copy + Default>(v: &[T], i: usize) -> T {
    v.get(i).copied().unwrap_or_default()
}

/// §3.1: `inactive_i = last_update_i + cutoff < current_block` (saturating add).
pub(crate) fn inactive(input: &EpochInput) -> Vec<bool> {
    let cutoff = input.hyperparameters.activity_cutoff;
    (0..input.len())
        .map(|i| at(&input.last_update, i).saturating_add(cutoff) < input.current_block)
        .collect()
}

/// Stake vectors of §3.2.
pub(crate) struct Stake {
    /// Threshold-filtered, normalised stake, truncated to I32F32.
    pub(crate) stake: Vec<I32F32>,
    /// `floor(total_i)` before the filter.
    pub(crate) total: Vec<u64>,
}

/// §3.2: total = alpha + tao · tao_weight (I64F64, saturating); stake below the threshold is
/// zeroed (except the owner's when `owner_exempt`); normalised in I64F64; truncated to I32F32.
pub(crate) fn stake(input: &EpochInput, owner_exempt: bool) -> Stake {
    let hp = &input.hyperparameters;
    let tw = tao_weight_factor(hp.tao_weight);
    let owner = if owner_exempt { hp.owner_uid.map(usize::from) } else { None };
    let mut totals: Vec<I64F64> = (0..input.len())
        .map(|i| {
            let alpha = I64F64::saturating_from_u64(at(&input.stake, i));
            let tao = I64F64::saturating_from_u64(at(&input.tao_stake, i));
            alpha.saturating_add(tao.saturating_mul(tw))
        })
        .collect();
    let total: Vec<u64> = totals.iter().map(|t| t.saturating_to_u64()).collect();
    for (i, t) in totals.iter_mut().enumerate() {
        if Some(i) != owner && t.saturating_to_u64() < hp.stake_threshold {
            *t = I64F64::ZERO;
        }
    }
    inplace_normalize_64(&mut totals);
    Stake { stake: totals.iter().map(|t| t.saturating_to_i32f32()).collect(), total }
}

/// §3.3.1–3: stored permits (plus the owner when `owner_uid` applies), new permits (top-k
/// non-zero stake, plus the owner), and the normalised stake of active permitted validators.
pub(crate) struct Permits {
    /// Permits from the previous epoch (owner forced on in the sparse variant).
    pub(crate) permits: Vec<bool>,
    /// Permits to store for the next epoch.
    pub(crate) new_permits: Vec<bool>,
    /// Active stake, normalised.
    pub(crate) active_stake: Vec<I32F32>,
}

pub(crate) fn permits(
    input: &EpochInput,
    stake: &[I32F32],
    inactive: &[bool],
    owner: Option<usize>,
) -> Permits {
    let n = input.len();
    let mut permits: Vec<bool> = (0..n).map(|i| at(&input.validator_permit, i)).collect();
    let mut new_permits =
        is_topk_nonzero(stake, usize::from(input.hyperparameters.max_allowed_validators));
    if let Some(o) = owner {
        if let Some(p) = permits.get_mut(o) {
            *p = true;
        }
        if let Some(p) = new_permits.get_mut(o) {
            *p = true;
        }
    }
    let forbids: Vec<bool> = permits.iter().map(|p| !p).collect();
    let mut active_stake = stake.to_vec();
    inplace_mask_vector(inactive, &mut active_stake);
    inplace_mask_vector(&forbids, &mut active_stake);
    inplace_normalize(&mut active_stake);
    Permits { permits, new_permits, active_stake }
}

/// §5.1.2: `LastMechansimStepBlock + 1`, or `current_block − tempo` before the first epoch.
pub(crate) fn last_tempo(input: &EpochInput) -> u64 {
    if input.last_mechanism_step_block == 0 {
        input.current_block.saturating_sub(u64::from(input.hyperparameters.tempo))
    } else {
        input.last_mechanism_step_block.saturating_add(1)
    }
}

/// `kappa` and `bonds_penalty` as fixed-point proportions.
pub(crate) fn kappa(input: &EpochInput) -> I32F32 {
    u16_proportion_to_fixed(input.hyperparameters.kappa)
}

pub(crate) fn bonds_penalty(input: &EpochInput) -> I32F32 {
    u16_proportion_to_fixed(input.hyperparameters.bonds_penalty)
}

/// Per-uid emission in rao (§4).
pub(crate) struct Emissions {
    pub(crate) server: Vec<u64>,
    pub(crate) validator: Vec<u64>,
    pub(crate) combined: Vec<u64>,
}

/// §4: incentive and dividends normalised by their joint sum; with nothing to distribute the
/// validators' share follows (active) stake.
pub(crate) fn emissions(
    incentive: &[I32F32],
    dividends: &[I32F32],
    stake: &[I32F32],
    active_stake: &[I32F32],
    rao_emission: u64,
) -> Emissions {
    let combined: Vec<I32F32> =
        incentive.iter().zip(dividends).map(|(i, d)| i.saturating_add(*d)).collect();
    let emission_sum = sum(&combined);
    let mut nse = incentive.to_vec();
    let mut nve = dividends.to_vec();
    let mut nce = combined;
    crate::math::vector::inplace_normalize_using_sum(&mut nse, emission_sum);
    crate::math::vector::inplace_normalize_using_sum(&mut nve, emission_sum);
    inplace_normalize(&mut nce);
    if emission_sum == I32F32::ZERO {
        let fallback = if sum(active_stake) == I32F32::ZERO { stake } else { active_stake };
        nve = fallback.to_vec();
        nce = fallback.to_vec();
    }
    let rao = |v: &[I32F32]| v.iter().map(|x| emission_share(*x, rao_emission)).collect();
    Emissions { server: rao(&nse), validator: rao(&nve), combined: rao(&nce) }
}

/// u16 storage form of a proportion vector.
pub(crate) fn to_u16(v: &[I32F32]) -> Vec<u16> {
    v.iter().map(|x| fixed_proportion_to_u16(*x)).collect()
}
