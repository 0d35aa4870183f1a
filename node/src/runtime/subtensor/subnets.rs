//! Subnets: `register_network`, netuid allocation, the lock cost, ownership checks, identities
//! and owner rate limits (subtensor's `subnets/subnet.rs`, `coinbase/root.rs`, `utils/misc.rs`).
//!
//! Netuids are allocated from 1 upwards and never freed (subnet dissolution and pruning are
//! left out), so the subnets are exactly the netuids `0..=TotalNetworks` with `NetworksAdded`
//! set; [`all_netuids`] walks that range instead of iterating storage.

use substrate_fixed::types::I96F32;

use crate::DispatchError;
use crate::primitives::{AccountId32, Balance};
use crate::runtime::balances::{self, EXISTENTIAL_DEPOSIT};
use crate::runtime::{DispatchResult, Ext, Origin};

use super::Error;
use super::events::Event;
use super::hyperparameters as hp;
use super::storage as s;
use super::types::{Hyperparameter, NetUid, RateLimitKey, SubnetIdentityV3};
use super::{now, registration, staking};

/// Whether `netuid` exists.
pub fn exists(ext: &mut Ext<'_>, netuid: NetUid) -> bool {
    s::NETWORKS_ADDED.get(ext, &netuid)
}

/// Every existing netuid, root included, in increasing order.
pub fn all_netuids(ext: &mut Ext<'_>) -> Vec<NetUid> {
    let total = s::TOTAL_NETWORKS.get(ext);
    (0..=total).map(NetUid).filter(|n| exists(ext, *n)).collect()
}

/// The smallest unused netuid above root.
fn next_netuid(ext: &mut Ext<'_>) -> Option<NetUid> {
    (1..=u16::MAX).map(NetUid).find(|n| !exists(ext, *n))
}

/// uid of the subnet owner's hotkey, when it is registered on the subnet.
pub fn owner_uid(ext: &mut Ext<'_>, netuid: NetUid) -> Option<u16> {
    let hotkey = s::SUBNET_OWNER_HOTKEY.try_get(ext, &netuid)?;
    s::UIDS.try_get(ext, &netuid, &hotkey)
}

/// The signer, if it owns `netuid`; `BadOrigin` otherwise (root included).
pub fn ensure_subnet_owner(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
) -> Result<AccountId32, DispatchError> {
    let who = origin.signed()?;
    if s::SUBNET_OWNER.get(ext, &netuid) == who { Ok(who) } else { Err(DispatchError::BadOrigin) }
}

/// `Some(owner)` for the owner, `None` for root, `BadOrigin` for anyone else.
pub fn ensure_subnet_owner_or_root(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
) -> Result<Option<AccountId32>, DispatchError> {
    match origin {
        Origin::Root => Ok(None),
        Origin::Signed(_) => ensure_subnet_owner(ext, origin, netuid).map(Some),
    }
}

/// Blocks until `netuid`'s next scheduled epoch (`u64::MAX` when epochs are off).
pub fn blocks_until_next_auto_epoch(ext: &mut Ext<'_>, netuid: NetUid, block: u64) -> u64 {
    let tempo = s::TEMPO.get(ext, &netuid);
    if tempo == 0 {
        return u64::MAX;
    }
    s::LAST_EPOCH_BLOCK.get(ext, &netuid).saturating_add(u64::from(tempo)).saturating_sub(block)
}

/// Whether owners are frozen out of hyperparameter changes: an epoch is pending, or the next one
/// is less than `AdminFreezeWindow` blocks away.
pub fn is_in_admin_freeze_window(ext: &mut Ext<'_>, netuid: NetUid, block: u64) -> bool {
    if s::TEMPO.get(ext, &netuid) == 0 {
        return false;
    }
    let pending = s::PENDING_EPOCH_AT.get(ext, &netuid);
    if pending > 0 && pending > block {
        return true;
    }
    let window = u64::from(s::ADMIN_FREEZE_WINDOW.get(ext));
    blocks_until_next_auto_epoch(ext, netuid, block) < window
}

/// `AdminActionProhibitedDuringWeightsWindow` inside the freeze window.
pub fn ensure_admin_window_open(ext: &mut Ext<'_>, netuid: NetUid) -> DispatchResult {
    let block = now(ext);
    if is_in_admin_freeze_window(ext, netuid, block) {
        return Err(Error::AdminActionProhibitedDuringWeightsWindow.into());
    }
    Ok(())
}

/// Whether `last` (0 = never) is at least `limit` blocks ago.
pub fn passes_rate_limit(limit: u64, block: u64, last: u64) -> bool {
    last == 0 || block.saturating_sub(last) >= limit
}

/// Owner rate limit of one hyperparameter: `OwnerHyperparamRateLimit` tempos.
pub fn ensure_owner_rate_limit(
    ext: &mut Ext<'_>,
    netuid: NetUid,
    param: Hyperparameter,
) -> DispatchResult {
    let tempo = u64::from(s::TEMPO.get(ext, &netuid));
    let limit = tempo.saturating_mul(u64::from(s::OWNER_HYPERPARAM_RATE_LIMIT.get(ext)));
    let last =
        s::LAST_RATE_LIMITED_BLOCK.get(ext, &RateLimitKey::OwnerHyperparamUpdate(netuid, param));
    if passes_rate_limit(limit, now(ext), last) {
        Ok(())
    } else {
        Err(Error::TxRateLimitExceeded.into())
    }
}

/// Record an owner's change of `param` (nothing for root).
pub fn record_owner_rate_limit(
    ext: &mut Ext<'_>,
    owner: Option<AccountId32>,
    netuid: NetUid,
    param: Hyperparameter,
) {
    if owner.is_some() {
        let block = now(ext);
        s::LAST_RATE_LIMITED_BLOCK.insert(
            ext,
            &RateLimitKey::OwnerHyperparamUpdate(netuid, param),
            &block,
        );
    }
}

/// The current subnet lock cost: the last lock doubled, decaying linearly back over
/// `NetworkLockReductionInterval` blocks, never below `NetworkMinLockCost`.
pub fn network_lock_cost(ext: &mut Ext<'_>) -> Balance {
    let last_lock = s::NETWORK_LAST_LOCK_COST.get(ext);
    let min_lock = s::NETWORK_MIN_LOCK_COST.get(ext);
    let last_block = s::LAST_RATE_LIMITED_BLOCK.get(ext, &RateLimitKey::NetworkLastRegistered);
    let interval = s::NETWORK_LOCK_REDUCTION_INTERVAL.get(ext);
    let mult: Balance = if last_block == 0 { 1 } else { 2 };
    let per_block = last_lock.checked_div(interval).unwrap_or(0);
    let decay = per_block.saturating_mul(now(ext).saturating_sub(last_block));
    last_lock.saturating_mul(mult).saturating_sub(decay).max(min_lock)
}

/// The token symbol of `netuid` (Greek letters by netuid, as subtensor's first symbols).
pub fn symbol_for(netuid: NetUid) -> Vec<u8> {
    const GREEK: [&str; 25] = [
        "Τ", "α", "β", "γ", "δ", "ε", "ζ", "η", "θ", "ι", "κ", "λ", "μ", "ν", "ξ", "ο", "π", "ρ",
        "σ", "t", "υ", "φ", "χ", "ψ", "ω",
    ];
    GREEK.get(usize::from(netuid.0)).copied().unwrap_or("Τ").as_bytes().to_vec()
}

/// `init_new_network`: a subnet's storage with subtensor's new-subnet values. The epoch cycle
/// is staggered by `netuid mod tempo` so subnets do not all fire in one block.
pub fn init_new_network(ext: &mut Ext<'_>, netuid: NetUid, tempo: u16) {
    let block = now(ext);
    s::SUBNETWORK_N.insert(ext, &netuid, &0);
    s::NETWORKS_ADDED.insert(ext, &netuid, &true);
    s::TEMPO.insert(ext, &netuid, &tempo);
    let stagger = u64::from(netuid.0).checked_rem(u64::from(tempo).max(1)).unwrap_or(0);
    s::LAST_EPOCH_BLOCK.insert(ext, &netuid, &block.saturating_sub(stagger));
    s::TOTAL_NETWORKS.mutate(ext, |n| *n = n.saturating_add(1));
    s::NETWORK_REGISTRATION_ALLOWED.insert(ext, &netuid, &true);
    s::MAX_ALLOWED_UIDS.insert(ext, &netuid, &hp::DEFAULT_MAX_ALLOWED_UIDS);
    s::MAX_ALLOWED_VALIDATORS.insert(ext, &netuid, &hp::NEW_SUBNET_MAX_VALIDATORS);
    s::MIN_ALLOWED_WEIGHTS.insert(ext, &netuid, &hp::NEW_SUBNET_MIN_ALLOWED_WEIGHTS);
    s::IMMUNITY_PERIOD.insert(ext, &netuid, &hp::NEW_SUBNET_IMMUNITY_PERIOD);
    s::YUMA3_ON.insert(ext, &netuid, &true);
    s::BURN.insert(ext, &netuid, &hp::NEW_SUBNET_BURN);
    s::SUBNET_EMISSION_ENABLED.insert(ext, &netuid, &true);
    s::KAPPA.insert(ext, &netuid, &hp::DEFAULT_KAPPA);
    s::ACTIVITY_CUTOFF.insert(ext, &netuid, &hp::DEFAULT_ACTIVITY_CUTOFF);
    // This chain has no commit-reveal: weights are always set directly.
    s::COMMIT_REVEAL_WEIGHTS_ENABLED.insert(ext, &netuid, &false);
    // No pools and no start_call: staking and emission start right away.
    s::SUBTOKEN_ENABLED.insert(ext, &netuid, &true);
    s::TOKEN_SYMBOL.insert(ext, &netuid, &symbol_for(netuid));
    s::NETWORK_REGISTERED_AT.insert(ext, &netuid, &block);
    if !netuid.is_root() {
        // Stake is TAO: alpha trades at exactly one TAO.
        s::SUBNET_MOVING_PRICE.insert(ext, &netuid, &I96F32::saturating_from_num(1));
    }
}

/// `register_network` / `register_network_with_identity`.
pub fn do_register_network(
    ext: &mut Ext<'_>,
    origin: Origin,
    hotkey: &AccountId32,
    identity: Option<SubnetIdentityV3>,
) -> DispatchResult {
    let coldkey = origin.signed()?;
    if staking::hotkey_account_exists(ext, hotkey)
        && !staking::coldkey_owns_hotkey(ext, &coldkey, hotkey)
    {
        return Err(Error::NonAssociatedColdKey.into());
    }
    let block = now(ext);
    let last = s::LAST_RATE_LIMITED_BLOCK.get(ext, &RateLimitKey::NetworkLastRegistered);
    if !passes_rate_limit(s::NETWORK_RATE_LIMIT.get(ext), block, last) {
        return Err(Error::NetworkTxRateLimitExceeded.into());
    }
    let subnets = all_netuids(ext).into_iter().filter(|n| !n.is_root()).count();
    if subnets >= usize::from(s::SUBNET_LIMIT.get(ext)) {
        return Err(Error::SubnetLimitReached.into());
    }
    let lock = network_lock_cost(ext);
    let free = balances::free_balance(ext, &coldkey);
    // The lock is taken whole and the coldkey kept alive (subtensor takes at most the free
    // balance above the existential deposit).
    let left = free
        .checked_sub(lock)
        .filter(|l| *l >= EXISTENTIAL_DEPOSIT)
        .ok_or(Error::CannotAffordLockCost)?;
    if let Some(id) = &identity
        && !id.is_valid()
    {
        return Err(Error::InvalidIdentity.into());
    }
    let netuid = next_netuid(ext).ok_or(Error::SubnetLimitReached)?;

    init_new_network(ext, netuid, hp::DEFAULT_TEMPO);
    balances::set_free(ext, &coldkey, left)?;
    s::SUBNET_LOCKED.insert(ext, &netuid, &lock);
    s::NETWORK_LAST_LOCK_COST.put(ext, &lock);
    s::LAST_RATE_LIMITED_BLOCK.insert(ext, &RateLimitKey::NetworkLastRegistered, &block);

    staking::create_account_if_non_existent(ext, &coldkey, hotkey);
    registration::append_neuron(ext, netuid, hotkey, block);
    s::SUBNET_OWNER.insert(ext, &netuid, &coldkey);
    s::SUBNET_OWNER_HOTKEY.insert(ext, &netuid, hotkey);
    ext.deposit_event(Event::SubnetOwnerHotkeySet(netuid, *hotkey));
    start_emission(ext, netuid);
    if let Some(id) = identity {
        s::SUBNET_IDENTITIES_V3.insert(ext, &netuid, &id);
        ext.deposit_event(Event::SubnetIdentitySet(netuid));
    }
    tracing::info!(target: "subtensor", %netuid, owner = %coldkey, lock, "subnet registered");
    let mechanism = s::SUBNET_MECHANISM.get(ext, &netuid);
    ext.deposit_event(Event::NetworkAdded(netuid, mechanism));
    Ok(())
}

/// Emission starts with the next block (subtensor's `start_call`, done at registration here).
pub fn start_emission(ext: &mut Ext<'_>, netuid: NetUid) {
    let first = now(ext).saturating_add(1);
    s::FIRST_EMISSION_BLOCK_NUMBER.insert(ext, &netuid, &first);
    ext.deposit_event(Event::FirstEmissionBlockNumberSet(netuid, first));
}

/// `set_subnet_identity`: owner only.
pub fn do_set_subnet_identity(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    identity: SubnetIdentityV3,
) -> DispatchResult {
    ensure_subnet_owner(ext, origin, netuid)?;
    if !identity.is_valid() {
        return Err(Error::InvalidIdentity.into());
    }
    s::SUBNET_IDENTITIES_V3.insert(ext, &netuid, &identity);
    ext.deposit_event(Event::SubnetIdentitySet(netuid));
    Ok(())
}

/// Change the owner hotkey of `netuid` (AdminUtils `sudo_set_sn_owner_hotkey`): owner or root,
/// at most once per 50 400 blocks.
pub fn do_set_sn_owner_hotkey(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    hotkey: &AccountId32,
) -> DispatchResult {
    ensure_subnet_owner_or_root(ext, origin, netuid)?;
    if !exists(ext, netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    let key = RateLimitKey::SetSNOwnerHotkey(netuid);
    let block = now(ext);
    if !passes_rate_limit(50_400, block, s::LAST_RATE_LIMITED_BLOCK.get(ext, &key)) {
        return Err(Error::TxRateLimitExceeded.into());
    }
    s::LAST_RATE_LIMITED_BLOCK.insert(ext, &key, &block);
    s::SUBNET_OWNER_HOTKEY.insert(ext, &netuid, hotkey);
    ext.deposit_event(Event::SubnetOwnerHotkeySet(netuid, *hotkey));
    Ok(())
}
