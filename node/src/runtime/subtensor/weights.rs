//! `set_weights` (subtensor's `subnets/weights.rs`), with every check of SPEC §11 in subtensor's
//! order and subtensor's error for each. Commit-reveal is off on this chain, so the rate limit
//! always applies and `LastUpdate` is set at once.

use substrate_fixed::types::I32F32;

use crate::runtime::{DispatchResult, Ext, Origin};

use super::Error;
use super::events::Event;
use super::storage as s;
use super::types::NetUid;
use super::{now, registration, subnets};

fn fixed(v: u16) -> I32F32 {
    I32F32::saturating_from_num(v)
}

fn safe_div(a: I32F32, b: I32F32) -> I32F32 {
    a.checked_div(b).unwrap_or_else(|| I32F32::from_num(0))
}

/// `vec_u16_max_upscale_to_u16`: scale the weights so the largest becomes 65 535, rounding as
/// subtensor does in I32F32 (SPEC §11).
pub fn max_upscale(values: &[u16]) -> Vec<u16> {
    let u16_max = fixed(u16::MAX);
    let Some(max) = values.iter().copied().max().map(fixed) else { return Vec::new() };
    let zero = I32F32::from_num(0);
    if max == zero {
        return values
            .iter()
            .map(|e| fixed(*e).saturating_mul(u16_max).saturating_to_num())
            .collect();
    }
    if max > fixed(32_768) {
        let ratio = safe_div(u16_max, max);
        return values
            .iter()
            .map(|e| fixed(*e).saturating_mul(ratio).round().saturating_to_num())
            .collect();
    }
    values
        .iter()
        .map(|e| safe_div(fixed(*e).saturating_mul(u16_max), max).round().saturating_to_num())
        .collect()
}

/// `check_vec_max_limited`: after normalising to sum 1, no weight exceeds `limit / 65 535`.
pub fn is_max_limited(values: &[u16], limit: u16) -> bool {
    let limit = safe_div(fixed(limit), fixed(u16::MAX));
    let sum = values.iter().fold(I32F32::from_num(0), |acc, v| acc.saturating_add(fixed(*v)));
    let normalised = |v: u16| {
        if sum == I32F32::from_num(0) { fixed(v) } else { safe_div(fixed(v), sum) }
    };
    values.iter().map(|v| normalised(*v)).max().is_none_or(|m| m <= limit)
}

/// A single weight on oneself (allowed without a permit and below `MinAllowedWeights`).
pub fn is_self_weight(uid: u16, dests: &[u16], weights: &[u16]) -> bool {
    weights.len() == 1 && dests.first() == Some(&uid)
}

fn has_duplicates(dests: &[u16]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    dests.iter().any(|d| !seen.insert(*d))
}

/// `set_weights` (the signer is the hotkey).
pub fn do_set_weights(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    dests: &[u16],
    weights: &[u16],
    version_key: u64,
) -> DispatchResult {
    let hotkey = origin.signed()?;
    if netuid.is_root() {
        return Err(Error::CanNotSetRootNetworkWeights.into());
    }
    if dests.len() != weights.len() {
        return Err(Error::WeightVecNotEqualSize.into());
    }
    if !subnets::exists(ext, netuid) || s::MECHANISM_COUNT_CURRENT.get(ext, &netuid) == 0 {
        return Err(Error::MechanismDoesNotExist.into());
    }
    let n = s::SUBNETWORK_N.get(ext, &netuid);
    if dests.len() > usize::from(n) {
        return Err(Error::UidsLengthExceedUidsInSubNet.into());
    }
    let uid = s::UIDS.try_get(ext, &netuid, &hotkey).ok_or(Error::HotKeyNotRegisteredInSubNet)?;
    let owner_uid = subnets::owner_uid(ext, netuid);
    let stake = super::staking::hotkey_stake(ext, &hotkey, netuid);
    if owner_uid != Some(uid) && stake < s::STAKE_THRESHOLD.get(ext) {
        return Err(Error::NotEnoughStakeToSetWeights.into());
    }
    let required_key = s::WEIGHTS_VERSION_KEY.get(ext, &netuid);
    if required_key != 0 && version_key < required_key {
        return Err(Error::IncorrectWeightVersionKey.into());
    }
    let block = now(ext);
    let last = registration::last_update(ext, netuid).get(usize::from(uid)).copied().unwrap_or(0);
    let limit = s::WEIGHTS_SET_RATE_LIMIT.get(ext, &netuid);
    if last != 0 && block.saturating_sub(last) < limit {
        return Err(Error::SettingWeightsTooFast.into());
    }
    let self_weight = is_self_weight(uid, dests, weights);
    let permitted = s::VALIDATOR_PERMIT.get(ext, &netuid).get(usize::from(uid)).copied();
    if !self_weight && owner_uid != Some(uid) && permitted != Some(true) {
        return Err(Error::NeuronNoValidatorPermit.into());
    }
    if has_duplicates(dests) {
        return Err(Error::DuplicateUids.into());
    }
    for d in dests {
        if s::KEYS.try_get(ext, &netuid, d).is_none() {
            return Err(Error::UidVecContainInvalidOne.into());
        }
    }
    let min_len = s::MIN_ALLOWED_WEIGHTS.get(ext, &netuid).min(n);
    if !self_weight && weights.len() < usize::from(min_len) {
        return Err(Error::WeightVecLengthIsLow.into());
    }
    let upscaled = max_upscale(weights);
    let max_limit = s::MAX_WEIGHTS_LIMIT.get(ext, &netuid);
    if !self_weight && max_limit != u16::MAX && !is_max_limited(&upscaled, max_limit) {
        return Err(Error::MaxWeightExceeded.into());
    }
    let row: Vec<(u16, u16)> = dests.iter().copied().zip(upscaled).collect();
    s::WEIGHTS.insert(ext, &netuid, &uid, &row);
    registration::set_last_update(ext, netuid, uid, block);
    ext.deposit_event(Event::WeightsSet(netuid, uid));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_upscale_matches_the_reference_rounding() {
        assert_eq!(max_upscale(&[]), Vec::<u16>::new());
        assert_eq!(max_upscale(&[0, 0]), vec![0, 0]);
        assert_eq!(max_upscale(&[1, 2]), vec![32_768, 65_535]);
        assert_eq!(max_upscale(&[65_535, 1]), vec![65_535, 1]);
        // Large max: the ratio is truncated first, then rounded.
        assert_eq!(max_upscale(&[40_000, 20_000]), vec![65_535, 32_767]);
        // The yuma crate's implementation of the same function agrees on a sweep.
        for a in (0..=65_535u16).step_by(997) {
            for b in [1u16, 3, 255, 32_768, 32_769, 65_535] {
                let v = [a, b, a / 2];
                assert_eq!(max_upscale(&v), yuma::math::vector::vec_u16_max_upscale_to_u16(&v));
            }
        }
    }

    #[test]
    fn max_limited() {
        assert!(is_max_limited(&[1, 1], 32_768));
        assert!(!is_max_limited(&[3, 1], 32_768));
        assert!(is_max_limited(&[], 0));
    }
}
