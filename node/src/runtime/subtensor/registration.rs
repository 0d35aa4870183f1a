//! `burned_register`, uid allocation and pruning, and the registration price (subtensor's
//! `subnets/registration.rs`, `subnets/uids.rs`).
//!
//! The price (`Burn`) rises by `BurnIncreaseMult` (×1.26) with each registration and decays
//! every block with half-life `BurnHalfLife` (360 blocks), clamped to `[MinBurn, MaxBurn]`. The
//! burn leaves the system (subtensor puts it in the subnet's pool; there is no pool here). A full
//! subnet replaces the neuron with the lowest emission, then the oldest registration, then the
//! lowest uid, preferring neurons past their `ImmunityPeriod` while more than
//! `MinNonImmuneUids` of them remain; the owner's hotkeys (up to `ImmuneOwnerUidsLimit`, the
//! owner hotkey first) are never replaced.

use substrate_fixed::types::U64F64;

use crate::primitives::AccountId32;
use crate::runtime::balances::{self, EXISTENTIAL_DEPOSIT};
use crate::runtime::{DispatchResult, Ext, Origin};

use super::Error;
use super::events::Event;
use super::storage as s;
use super::types::NetUid;
use super::{now, staking, subnets};

/// `burned_register`: register `hotkey` (owned by, or now assigned to, the signer coldkey) on
/// `netuid`, burning the current price.
pub fn do_burned_register(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    hotkey: &AccountId32,
) -> DispatchResult {
    let coldkey = origin.signed()?;
    if netuid.is_root() {
        return Err(Error::RegistrationNotPermittedOnRootSubnet.into());
    }
    if !subnets::exists(ext, netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    if !s::NETWORK_REGISTRATION_ALLOWED.get(ext, &netuid) {
        return Err(Error::SubNetRegistrationDisabled.into());
    }
    if s::UIDS.try_get(ext, &netuid, hotkey).is_some() {
        return Err(Error::HotKeyAlreadyRegisteredInSubNet.into());
    }
    let cost = s::BURN.get(ext, &netuid);
    let free = balances::free_balance(ext, &coldkey);
    // The price is taken whole and the coldkey kept alive.
    let left = free
        .checked_sub(cost)
        .filter(|l| *l >= EXISTENTIAL_DEPOSIT || cost == 0)
        .ok_or(Error::NotEnoughBalanceToStake)?;
    staking::create_account_if_non_existent(ext, &coldkey, hotkey);
    if !staking::coldkey_owns_hotkey(ext, &coldkey, hotkey) {
        return Err(Error::NonAssociatedColdKey.into());
    }
    let max_n = s::MAX_ALLOWED_UIDS.get(ext, &netuid);
    if max_n == 0 {
        return Err(Error::NoNeuronIdAvailable.into());
    }
    let block = now(ext);
    let n = s::SUBNETWORK_N.get(ext, &netuid);
    let uid = if n < max_n {
        append_neuron(ext, netuid, hotkey, block);
        n
    } else {
        let uid = neuron_to_prune(ext, netuid).ok_or(Error::NoNeuronIdAvailable)?;
        replace_neuron(ext, netuid, uid, hotkey, block);
        uid
    };
    balances::set_free(ext, &coldkey, left)?;
    bump_price_after_registration(ext, netuid);
    s::REGISTRATIONS_THIS_BLOCK.mutate(ext, &netuid, |v| *v = v.saturating_add(1));
    s::RAO_RECYCLED_FOR_REGISTRATION.mutate(ext, &netuid, |v| *v = v.saturating_add(cost));
    tracing::debug!(target: "subtensor", %netuid, uid, %hotkey, cost, "neuron registered");
    ext.deposit_event(Event::NeuronRegistered(netuid, uid, *hotkey));
    Ok(())
}

/// Set `v[index] = value` when `index` is in range.
fn set_at<T>(v: &mut [T], index: u16, value: T) {
    if let Some(e) = v.get_mut(usize::from(index)) {
        *e = value;
    }
}

/// `LastUpdate` padded with zeros to `SubnetworkN` (as subtensor's getter).
pub fn last_update(ext: &mut Ext<'_>, netuid: NetUid) -> Vec<u64> {
    let n = usize::from(s::SUBNETWORK_N.get(ext, &netuid));
    let mut v = s::LAST_UPDATE.get(ext, &netuid);
    if v.len() < n {
        v.resize(n, 0);
    }
    v
}

/// Set `LastUpdate[uid]` (after padding to `SubnetworkN`).
pub fn set_last_update(ext: &mut Ext<'_>, netuid: NetUid, uid: u16, block: u64) {
    let mut v = last_update(ext, netuid);
    if usize::from(uid) < v.len() {
        set_at(&mut v, uid, block);
        s::LAST_UPDATE.insert(ext, &netuid, &v);
    }
}

/// Add `hotkey` as uid `SubnetworkN` (the subnet is not full).
pub fn append_neuron(ext: &mut Ext<'_>, netuid: NetUid, hotkey: &AccountId32, block: u64) {
    let uid = s::SUBNETWORK_N.get(ext, &netuid);
    s::SUBNETWORK_N.insert(ext, &netuid, &uid.saturating_add(1));
    s::ACTIVE.mutate(ext, &netuid, |v| v.push(true));
    s::EMISSION.mutate(ext, &netuid, |v| v.push(0));
    s::CONSENSUS.mutate(ext, &netuid, |v| v.push(0));
    s::INCENTIVE.mutate(ext, &netuid, |v| v.push(0));
    set_last_update(ext, netuid, uid, block);
    s::DIVIDENDS.mutate(ext, &netuid, |v| v.push(0));
    s::VALIDATOR_TRUST.mutate(ext, &netuid, |v| v.push(0));
    s::VALIDATOR_PERMIT.mutate(ext, &netuid, |v| v.push(false));
    s::KEYS.insert(ext, &netuid, &uid, hotkey);
    s::UIDS.insert(ext, &netuid, hotkey, &uid);
    s::BLOCK_AT_REGISTRATION.insert(ext, &netuid, &uid, &block);
    s::IS_NETWORK_MEMBER.insert(ext, hotkey, &netuid, &true);
}

/// Put `hotkey` in the place of uid `uid` (deregistering its hotkey; its stake stays with it).
pub fn replace_neuron(
    ext: &mut Ext<'_>,
    netuid: NetUid,
    uid: u16,
    hotkey: &AccountId32,
    block: u64,
) {
    let old = s::KEYS.get(ext, &netuid, &uid);
    if s::SUBNET_OWNER_HOTKEY.try_get(ext, &netuid) == Some(old) {
        return;
    }
    s::UIDS.remove(ext, &netuid, &old);
    s::IS_NETWORK_MEMBER.remove(ext, &old, &netuid);
    s::ACTIVE.mutate(ext, &netuid, |v| set_at(v, uid, true));
    s::KEYS.insert(ext, &netuid, &uid, hotkey);
    s::UIDS.insert(ext, &netuid, hotkey, &uid);
    s::BLOCK_AT_REGISTRATION.insert(ext, &netuid, &uid, &block);
    s::IS_NETWORK_MEMBER.insert(ext, hotkey, &netuid, &true);
    s::AXONS.remove(ext, &netuid, &old);
    s::PROMETHEUS.remove(ext, &netuid, &old);
    clear_neuron(ext, netuid, uid);
    set_last_update(ext, netuid, uid, block);
    tracing::debug!(target: "subtensor", %netuid, uid, old = %old, new = %hotkey, "neuron replaced");
}

/// Zero a uid's epoch outputs, drop its weight and bond rows, and zero weights set on it
/// (entries kept, as subtensor).
pub fn clear_neuron(ext: &mut Ext<'_>, netuid: NetUid, uid: u16) {
    s::EMISSION.mutate(ext, &netuid, |v| set_at(v, uid, 0));
    s::CONSENSUS.mutate(ext, &netuid, |v| set_at(v, uid, 0));
    s::INCENTIVE.mutate(ext, &netuid, |v| set_at(v, uid, 0));
    s::BONDS.remove(ext, &netuid, &uid);
    s::WEIGHTS.remove(ext, &netuid, &uid);
    let n = s::SUBNETWORK_N.get(ext, &netuid);
    for row in 0..n {
        let Some(mut weights) = s::WEIGHTS.try_get(ext, &netuid, &row) else { continue };
        let mut changed = false;
        for (j, w) in weights.iter_mut() {
            if *j == uid && *w != 0 {
                *w = 0;
                changed = true;
            }
        }
        if changed {
            s::WEIGHTS.insert(ext, &netuid, &row, &weights);
        }
    }
    s::DIVIDENDS.mutate(ext, &netuid, |v| set_at(v, uid, 0));
    s::STAKE_WEIGHT.mutate(ext, &netuid, |v| set_at(v, uid, 0));
    s::VALIDATOR_TRUST.mutate(ext, &netuid, |v| set_at(v, uid, 0));
    s::VALIDATOR_PERMIT.mutate(ext, &netuid, |v| set_at(v, uid, false));
}

/// Whether `uid` is still within its `ImmunityPeriod`.
pub fn is_immune(ext: &mut Ext<'_>, netuid: NetUid, uid: u16) -> bool {
    let registered = s::BLOCK_AT_REGISTRATION.get(ext, &netuid, &uid);
    let period = u64::from(s::IMMUNITY_PERIOD.get(ext, &netuid));
    now(ext).saturating_sub(registered) < period
}

/// The owner's hotkeys on `netuid` that are never pruned: the oldest registrations up to
/// `ImmuneOwnerUidsLimit`, with the owner hotkey always first.
pub fn immune_owner_hotkeys(ext: &mut Ext<'_>, netuid: NetUid) -> Vec<AccountId32> {
    let owner = s::SUBNET_OWNER.get(ext, &netuid);
    let mut triples: Vec<(u64, u16, AccountId32)> = Vec::new();
    for hotkey in s::OWNED_HOTKEYS.get(ext, &owner) {
        if let Some(uid) = s::UIDS.try_get(ext, &netuid, &hotkey) {
            triples.push((s::BLOCK_AT_REGISTRATION.get(ext, &netuid, &uid), uid, hotkey));
        }
    }
    triples.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let limit = usize::from(s::IMMUNE_OWNER_UIDS_LIMIT.get(ext, &netuid));
    triples.truncate(limit);
    let mut out: Vec<AccountId32> = triples.into_iter().map(|(_, _, h)| h).collect();
    if let Some(owner_hotkey) = s::SUBNET_OWNER_HOTKEY.try_get(ext, &netuid)
        && s::UIDS.try_get(ext, &netuid, &owner_hotkey).is_some()
        && !out.contains(&owner_hotkey)
    {
        out.insert(0, owner_hotkey);
        out.truncate(limit);
    }
    out
}

/// The uid a registration on a full subnet replaces, if any.
pub fn neuron_to_prune(ext: &mut Ext<'_>, netuid: NetUid) -> Option<u16> {
    let n = s::SUBNETWORK_N.get(ext, &netuid);
    if n == 0 {
        return None;
    }
    let immortal = immune_owner_hotkeys(ext, netuid);
    let emission = s::EMISSION.get(ext, &netuid);
    let mut free_count: u16 = 0;
    // (emission, registration block, uid): the smallest tuple is pruned first.
    let mut best_free: Option<(u64, u64, u16)> = None;
    let mut best_immune: Option<(u64, u64, u16)> = None;
    for uid in 0..n {
        let Some(hotkey) = s::KEYS.try_get(ext, &netuid, &uid) else { continue };
        if immortal.contains(&hotkey) {
            continue;
        }
        let candidate = (
            emission.get(usize::from(uid)).copied().unwrap_or(0),
            s::BLOCK_AT_REGISTRATION.get(ext, &netuid, &uid),
            uid,
        );
        let slot = if is_immune(ext, netuid, uid) {
            &mut best_immune
        } else {
            free_count = free_count.saturating_add(1);
            &mut best_free
        };
        if slot.is_none_or(|b| candidate < b) {
            *slot = Some(candidate);
        }
    }
    let min_free = s::MIN_NON_IMMUNE_UIDS.get(ext, &netuid);
    if free_count > min_free
        && let Some((_, _, uid)) = best_free
    {
        return Some(uid);
    }
    best_immune.map(|(_, _, uid)| uid)
}

/// `value · factor` for a Q32 factor, floored and clamped to u64.
fn mul_q32(value: u64, factor_q32: u64) -> u64 {
    let product = u128::from(value).saturating_mul(u128::from(factor_q32));
    u64::try_from(product.checked_shr(32).unwrap_or(0)).unwrap_or(u64::MAX)
}

/// 1.0 in Q32.
const ONE_Q32: u64 = 4_294_967_296;

/// `base^exp` in Q32 by squaring, each product floored.
fn pow_q32(base_q32: u64, exp: u16) -> u64 {
    let mut result = ONE_Q32;
    let mut factor = base_q32;
    let mut power = u32::from(exp);
    while power > 0 {
        if power & 1 == 1 {
            result = mul_q32(result, factor);
        }
        power = power.checked_shr(1).unwrap_or(0);
        if power > 0 {
            factor = mul_q32(factor, factor);
        }
    }
    result
}

/// The per-block decay factor in Q32: the largest `f` with `f^half_life ≤ 1/2` (bisection).
pub fn decay_factor_q32(half_life: u16) -> u64 {
    if half_life == 0 {
        return ONE_Q32;
    }
    let half: u64 = 2_147_483_648;
    let (mut lo, mut hi) = (0u64, ONE_Q32);
    while lo.saturating_add(1) < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo).checked_shr(1).unwrap_or(0));
        if pow_q32(mid, half_life) > half {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// Each block: decay the price of every subnet in `netuids` towards `MinBurn` and reset
/// `RegistrationsThisBlock`.
pub fn update_registration_prices(ext: &mut Ext<'_>, netuids: &[NetUid]) {
    let block = now(ext);
    for &netuid in netuids {
        let burn = s::BURN.get(ext, &netuid);
        let half_life = s::BURN_HALF_LIFE.get(ext, &netuid);
        let mut new_burn = burn;
        if half_life > 0 && block > 1 {
            new_burn = mul_q32(burn, decay_factor_q32(half_life));
        }
        new_burn = new_burn.max(s::MIN_BURN.get(ext, &netuid)).min(s::MAX_BURN.get(ext, &netuid));
        if new_burn != burn {
            s::BURN.insert(ext, &netuid, &new_burn);
        }
        if s::REGISTRATIONS_THIS_BLOCK.get(ext, &netuid) != 0 {
            s::REGISTRATIONS_THIS_BLOCK.insert(ext, &netuid, &0);
        }
    }
}

/// After a registration: price × `BurnIncreaseMult` (at least 1), clamped.
pub fn bump_price_after_registration(ext: &mut Ext<'_>, netuid: NetUid) {
    if netuid.is_root() {
        return;
    }
    let one = U64F64::from_num(1);
    let mult = s::BURN_INCREASE_MULT.get(ext, &netuid).max(one);
    let burn = s::BURN.get(ext, &netuid);
    let bumped: u64 = U64F64::saturating_from_num(burn).saturating_mul(mult).saturating_to_num();
    let new_burn = bumped.max(s::MIN_BURN.get(ext, &netuid)).min(s::MAX_BURN.get(ext, &netuid));
    s::BURN.insert(ext, &netuid, &new_burn);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_halves_over_the_half_life() {
        let f = decay_factor_q32(360);
        // f^360 ≤ 1/2 < (f+1)^360
        assert!(pow_q32(f, 360) <= 1 << 31);
        assert!(pow_q32(f + 1, 360) > 1 << 31);
        assert_eq!(decay_factor_q32(0), 1 << 32);
        assert_eq!(decay_factor_q32(1), 1 << 31);
    }

    #[test]
    fn q32_multiplication_floors() {
        assert_eq!(mul_q32(3, 1 << 31), 1);
        assert_eq!(mul_q32(u64::MAX, 1 << 33), u64::MAX);
    }
}
