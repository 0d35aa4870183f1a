//! One Yuma epoch of one subnet: read its state into a [`yuma::EpochInput`], run
//! [`yuma::epoch`] (bit-exact with subtensor's `epoch_mechanism`), and store the outputs as
//! subtensor's `persist_*_epoch_terms` do (SPEC §2–§5).
//!
//! Stake is the hotkey's `TotalHotkeyAlpha` (no child keys, no root stake); commit-reveal is off,
//! so there is no commit mask; mechanism 0 only.

use crate::primitives::{AccountId32, Balance};
use crate::runtime::Ext;

use super::events::Event;
use super::hyperparameters::epoch_hyperparameters;
use super::storage as s;
use super::types::NetUid;
use super::{now, registration, staking};

/// What one uid earned in an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UidEmission {
    /// The uid.
    pub uid: u16,
    /// Its hotkey.
    pub hotkey: AccountId32,
    /// Miner (server) emission, rao.
    pub server: Balance,
    /// Validator emission, rao.
    pub validator: Balance,
}

/// The epoch input of `netuid` at the current block, distributing `rao_emission`.
pub fn input(ext: &mut Ext<'_>, netuid: NetUid, rao_emission: Balance) -> yuma::EpochInput {
    input_and_hotkeys(ext, netuid, rao_emission).0
}

/// [`input`] and each uid's hotkey (read once for both).
fn input_and_hotkeys(
    ext: &mut Ext<'_>,
    netuid: NetUid,
    rao_emission: Balance,
) -> (yuma::EpochInput, Vec<Option<AccountId32>>) {
    let n = s::SUBNETWORK_N.get(ext, &netuid);
    let mut hotkeys = Vec::with_capacity(usize::from(n));
    let mut stake = Vec::with_capacity(usize::from(n));
    let mut weights = Vec::with_capacity(usize::from(n));
    let mut bonds = Vec::with_capacity(usize::from(n));
    let mut block_at_registration = Vec::with_capacity(usize::from(n));
    for uid in 0..n {
        let hotkey = s::KEYS.try_get(ext, &netuid, &uid);
        stake.push(hotkey.map_or(0, |h| staking::hotkey_stake(ext, &h, netuid)));
        hotkeys.push(hotkey);
        weights.push(s::WEIGHTS.get(ext, &netuid, &uid));
        bonds.push(s::BONDS.get(ext, &netuid, &uid));
        block_at_registration.push(s::BLOCK_AT_REGISTRATION.get(ext, &netuid, &uid));
    }
    let input = yuma::EpochInput {
        n,
        current_block: now(ext),
        last_mechanism_step_block: s::LAST_MECHANSIM_STEP_BLOCK.get(ext, &netuid),
        rao_emission,
        stake,
        tao_stake: Vec::new(),
        weights,
        bonds,
        last_update: registration::last_update(ext, netuid),
        block_at_registration,
        validator_permit: s::VALIDATOR_PERMIT.get(ext, &netuid),
        commit_blocks: None,
        hyperparameters: epoch_hyperparameters(ext, netuid),
    };
    (input, hotkeys)
}

/// Store an epoch's outputs (`persist_mechanism_epoch_terms` + `persist_netuid_epoch_terms`).
pub fn persist(ext: &mut Ext<'_>, netuid: NetUid, out: &yuma::EpochOutput) {
    s::INCENTIVE.insert(ext, &netuid, &out.incentive);
    ext.deposit_event(Event::IncentiveAlphaEmittedToMiners {
        netuid,
        emissions: out.server_emission.clone(),
    });
    for (uid, row) in (0u16..).zip(&out.bonds) {
        s::BONDS.insert(ext, &netuid, &uid, row);
    }
    s::ACTIVE.insert(ext, &netuid, &out.active);
    s::EMISSION.insert(ext, &netuid, &out.combined_emission);
    s::CONSENSUS.insert(ext, &netuid, &out.consensus);
    s::DIVIDENDS.insert(ext, &netuid, &out.dividends);
    s::VALIDATOR_TRUST.insert(ext, &netuid, &out.validator_trust);
    s::VALIDATOR_PERMIT.insert(ext, &netuid, &out.new_validator_permit);
    s::STAKE_WEIGHT.insert(ext, &netuid, &out.stake_weight);
}

/// Run the epoch of `netuid` on `rao_emission`, store its outputs, and return each registered
/// uid's emission.
pub fn run(ext: &mut Ext<'_>, netuid: NetUid, rao_emission: Balance) -> Vec<UidEmission> {
    let (input, hotkeys) = input_and_hotkeys(ext, netuid, rao_emission);
    let started = std::time::Instant::now();
    let out = yuma::epoch(&input);
    tracing::debug!(
        target: "subtensor::epoch",
        %netuid,
        n = input.n,
        rao_emission,
        yuma_us = started.elapsed().as_micros() as u64,
        "epoch"
    );
    persist(ext, netuid, &out);
    let mut emissions = Vec::with_capacity(usize::from(input.n));
    for (uid, hotkey) in (0u16..).zip(hotkeys) {
        let Some(hotkey) = hotkey else { continue };
        let i = usize::from(uid);
        emissions.push(UidEmission {
            uid,
            hotkey,
            server: out.server_emission.get(i).copied().unwrap_or(0),
            validator: out.validator_emission.get(i).copied().unwrap_or(0),
        });
    }
    emissions
}
