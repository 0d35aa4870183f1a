//! Owner control of the epoch schedule (subtensor's `coinbase/tempo_control.rs`): `set_tempo`,
//! `set_activity_cutoff_factor`, `trigger_epoch`.

use crate::runtime::{DispatchResult, Ext, Origin};

use super::Error;
use super::events::Event;
use super::hyperparameters::{
    MAX_ACTIVITY_CUTOFF_FACTOR_MILLI, MAX_TEMPO, MIN_ACTIVITY_CUTOFF_FACTOR_MILLI, MIN_TEMPO,
};
use super::now;
use super::storage as s;
use super::subnets::{self, passes_rate_limit};
use super::types::{Hyperparameter, NetUid};

/// `TransactionType::TempoUpdate` as a `TransactionKeyLastBlock` key part.
const TX_TEMPO_UPDATE: u16 = 11;

/// Set the tempo and restart the epoch cycle at the current block (no `TempoSet` rate limit
/// for root, which goes through AdminUtils).
pub fn apply_tempo_with_cycle_reset(ext: &mut Ext<'_>, netuid: NetUid, tempo: u16) {
    s::TEMPO.insert(ext, &netuid, &tempo);
    ext.deposit_event(Event::TempoSet(netuid, tempo));
    let block = now(ext);
    s::LAST_EPOCH_BLOCK.insert(ext, &netuid, &block);
}

/// `set_tempo`: owner, 360 ..= 50 400, outside the freeze window, once per 360 blocks.
pub fn do_set_tempo(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    tempo: u16,
) -> DispatchResult {
    let who = subnets::ensure_subnet_owner(ext, origin, netuid)?;
    if !(MIN_TEMPO..=MAX_TEMPO).contains(&tempo) {
        return Err(Error::TempoOutOfBounds.into());
    }
    subnets::ensure_admin_window_open(ext, netuid)?;
    let block = now(ext);
    let last = s::TRANSACTION_KEY_LAST_BLOCK.get(ext, &who, &netuid, &TX_TEMPO_UPDATE);
    if !passes_rate_limit(u64::from(MIN_TEMPO), block, last) {
        return Err(Error::TxRateLimitExceeded.into());
    }
    apply_tempo_with_cycle_reset(ext, netuid, tempo);
    s::TRANSACTION_KEY_LAST_BLOCK.insert(ext, &who, &netuid, &TX_TEMPO_UPDATE, &block);
    Ok(())
}

/// `set_activity_cutoff_factor`: owner (rate-limited, outside the freeze window) or root.
pub fn do_set_activity_cutoff_factor(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    factor_milli: u32,
) -> DispatchResult {
    let owner = subnets::ensure_subnet_owner_or_root(ext, origin, netuid)?;
    if !(MIN_ACTIVITY_CUTOFF_FACTOR_MILLI..=MAX_ACTIVITY_CUTOFF_FACTOR_MILLI)
        .contains(&factor_milli)
    {
        return Err(Error::ActivityCutoffFactorMilliOutOfBounds.into());
    }
    let param = Hyperparameter::ActivityCutoffFactorMilli;
    if owner.is_some() {
        subnets::ensure_admin_window_open(ext, netuid)?;
        subnets::ensure_owner_rate_limit(ext, netuid, param)?;
    }
    s::ACTIVITY_CUTOFF_FACTOR_MILLI.insert(ext, &netuid, &factor_milli);
    ext.deposit_event(Event::ActivityCutoffFactorMilliSet { netuid, factor_milli });
    subnets::record_owner_rate_limit(ext, owner, netuid, param);
    Ok(())
}

/// `trigger_epoch`: the owner asks for an epoch `AdminFreezeWindow` blocks from now (once per
/// rate-limit period, not when one is pending or the scheduled one is as close anyway).
pub fn do_trigger_epoch(ext: &mut Ext<'_>, origin: Origin, netuid: NetUid) -> DispatchResult {
    let who = subnets::ensure_subnet_owner(ext, origin, netuid)?;
    if s::COMMIT_REVEAL_WEIGHTS_ENABLED.get(ext, &netuid) {
        return Err(Error::DynamicTempoBlockedByCommitReveal.into());
    }
    if s::PENDING_EPOCH_AT.get(ext, &netuid) != 0 {
        return Err(Error::EpochTriggerAlreadyPending.into());
    }
    let block = now(ext);
    let window = u64::from(s::ADMIN_FREEZE_WINDOW.get(ext));
    if subnets::blocks_until_next_auto_epoch(ext, netuid, block) < window {
        return Err(Error::AutoEpochAlreadyImminent.into());
    }
    let param = Hyperparameter::TriggerEpoch;
    subnets::ensure_owner_rate_limit(ext, netuid, param)?;
    let fires_at = block.saturating_add(window);
    s::PENDING_EPOCH_AT.insert(ext, &netuid, &fires_at);
    subnets::record_owner_rate_limit(ext, Some(who), netuid, param);
    ext.deposit_event(Event::EpochTriggered { netuid, by: who, fires_at });
    Ok(())
}
