//! The coinbase (subtensor's `coinbase/`): per-block emission from the halving curve, its
//! split across subnets, pending emission, epoch scheduling (SPEC §6) and the payout of each
//! epoch into stake.
//!
//! Every block ([`block_step`], run from `on_initialize`):
//! 1. registration prices decay ([`registration::update_registration_prices`]);
//! 2. `E = block_emission_for_issuance(TotalIssuance)` (bit-exact with subtensor: I96F32 and
//!    substrate-fixed's `log2`), capped so issuance never passes 21 M TAO;
//! 3. `E` is split across the emitting subnets in proportion to `SubnetEmissionShare` (floor;
//!    the rounding remainder goes to the first), and each subnet's part is minted into its
//!    pending emission: `SubnetOwnerCut` (18 %) to `PendingOwnerCut`, half the rest (floor, as
//!    subtensor's U96F32) to `PendingServerEmission`, the remainder to
//!    `PendingValidatorEmission`, so exactly `E` is minted;
//! 4. each non-root subnet's schedule advances: an epoch is due when `tempo` blocks passed
//!    since `LastEpochBlock`, a triggered/deferred `PendingEpochAt` is reached, or
//!    `BlocksSinceLastStep > 50 400`; at most `MaxEpochsPerBlock` run, the others are deferred
//!    to the next block (`EpochDeferred`);
//! 5. each subnet that runs drains its pending emission into one epoch and pays out
//!    ([`distribute_emission`]): the owner cut to the owner hotkey's stake; each miner's
//!    incentive to its owner coldkey's stake on it (burned for the subnet owner's own
//!    hotkeys); the validators' part in proportion to their epoch dividends (all of
//!    pending server + validator when no miner earned incentive), credited pro rata to the
//!    stakers of each validator hotkey; the validators' pool is capped so that incentive plus
//!    dividends never exceed the drained emission. Whatever rounding leaves undistributed is
//!    burned.

use std::collections::BTreeMap;

use substrate_fixed::transcendental::log2;
use substrate_fixed::types::I96F32;
use substrate_fixed::types::U96F32;

use crate::primitives::{AccountId32, Balance};
use crate::runtime::{Ext, balances};
use crate::{ArithmeticError, DispatchError};

use super::events::Event;
use super::hyperparameters::{DEFAULT_BLOCK_EMISSION, MAX_TEMPO, TOTAL_SUPPLY};
use super::storage as s;
use super::types::NetUid;
use super::{epoch, now, registration, staking, subnets};

/// Half the supply cap (10.5 M TAO): the first halving point.
const HALF_SUPPLY: u64 = 10_500_000_000_000_000;

/// TAO minted per block at issuance `issuance` (rao): `floor(10^9 / 2^floor(log2(1 / (1 −
/// issuance / 21 M TAO))))`, 0 at or above the cap. Exactly subtensor's
/// `get_block_emission_for_issuance` (I96F32, substrate-fixed `log2`); a failed logarithm gives
/// 0 as there.
pub fn block_emission_for_issuance(issuance: Balance) -> Balance {
    let total = I96F32::saturating_from_num(issuance);
    if total >= I96F32::saturating_from_num(TOTAL_SUPPLY) {
        return 0;
    }
    let one = I96F32::saturating_from_num(1);
    let two = I96F32::saturating_from_num(2);
    let cap = two.saturating_mul(I96F32::saturating_from_num(HALF_SUPPLY));
    let Some(x) = total
        .checked_div(cap)
        .and_then(|ratio| one.checked_sub(ratio))
        .and_then(|rest| one.checked_div(rest))
    else {
        return 0;
    };
    let Ok(residual) = log2::<I96F32, I96F32>(x) else { return 0 };
    let halvings: u64 = residual.floor().saturating_to_num();
    let mut multiplier = one;
    // log2 of an I96F32 is below 96, so this loop is short.
    for _ in 0..halvings.min(128) {
        multiplier = multiplier.saturating_mul(two);
    }
    let fraction = one.checked_div(multiplier).unwrap_or_else(|| I96F32::saturating_from_num(0));
    fraction.saturating_mul(I96F32::saturating_from_num(DEFAULT_BLOCK_EMISSION)).saturating_to_num()
}

/// The ledgers `TotalIssuance` is the sum of (see the accounting note in [`super`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IssuanceTerms {
    /// `Balances.TotalIssuance`: free + reserved of every account, bridge custody included.
    pub balances: Balance,
    /// `TotalStake`.
    pub stake: Balance,
    /// Σ `SubnetLocked`.
    pub locked: Balance,
    /// Σ pending server, validator, root and owner emission.
    pub pending: Balance,
}

impl IssuanceTerms {
    /// Their sum.
    pub fn total(&self) -> Option<Balance> {
        self.balances.checked_add(self.stake)?.checked_add(self.locked)?.checked_add(self.pending)
    }
}

fn overflow() -> DispatchError {
    DispatchError::Arithmetic(ArithmeticError::Overflow)
}

/// Σ of a subnet's pending emission.
fn pending_of(ext: &mut Ext<'_>, netuid: NetUid) -> Result<Balance, DispatchError> {
    [
        s::PENDING_SERVER_EMISSION.get(ext, &netuid),
        s::PENDING_VALIDATOR_EMISSION.get(ext, &netuid),
        s::PENDING_ROOT_ALPHA_DIVS.get(ext, &netuid),
        s::PENDING_OWNER_CUT.get(ext, &netuid),
    ]
    .into_iter()
    .try_fold(0u64, |acc, v| acc.checked_add(v))
    .ok_or_else(overflow)
}

/// The current values of the issuance ledgers.
pub fn issuance_terms(ext: &mut Ext<'_>) -> Result<IssuanceTerms, DispatchError> {
    let (mut pending, mut locked): (Balance, Balance) = (0, 0);
    for netuid in subnets::all_netuids(ext) {
        pending = pending.checked_add(pending_of(ext, netuid)?).ok_or_else(overflow)?;
        locked = locked.checked_add(s::SUBNET_LOCKED.get(ext, &netuid)).ok_or_else(overflow)?;
    }
    Ok(IssuanceTerms {
        balances: balances::TOTAL_ISSUANCE.get(ext),
        stake: s::TOTAL_STAKE.get(ext),
        locked,
        pending,
    })
}

/// `TotalIssuance := Σ ledgers` (only written when it changed).
pub fn sync_total_issuance(ext: &mut Ext<'_>) {
    match issuance_terms(ext).ok().and_then(|t| t.total()) {
        Some(total) => {
            if s::TOTAL_ISSUANCE.get(ext) != total {
                s::TOTAL_ISSUANCE.put(ext, &total);
            }
        }
        None => tracing::error!(target: "subtensor", "issuance ledgers overflow u64"),
    }
}

/// Everything SubtensorModule does at the start of a block.
///
/// `TotalIssuance` is current here: the previous block's `on_finalize` (or genesis) synced it,
/// and nothing runs in between.
pub fn block_step(ext: &mut Ext<'_>) {
    let netuids = subnets::all_netuids(ext);
    registration::update_registration_prices(ext, &netuids);
    let issuance = s::TOTAL_ISSUANCE.get(ext);
    let emission = block_emission_for_issuance(issuance).min(TOTAL_SUPPLY.saturating_sub(issuance));
    if s::BLOCK_EMISSION.get(ext) != emission {
        s::BLOCK_EMISSION.put(ext, &emission);
    }
    run_coinbase(ext, emission, &netuids);
}

/// Non-root subnets that receive emission: started, staking enabled, registration open (as
/// subtensor), emission enabled and a non-zero share.
pub fn subnets_to_emit_to(ext: &mut Ext<'_>, subnets: &[NetUid]) -> Vec<NetUid> {
    let mut out = Vec::with_capacity(subnets.len());
    for n in subnets.iter().filter(|n| !n.is_root()) {
        if s::FIRST_EMISSION_BLOCK_NUMBER.try_get(ext, n).is_some()
            && s::SUBTOKEN_ENABLED.get(ext, n)
            && s::NETWORK_REGISTRATION_ALLOWED.get(ext, n)
            && s::SUBNET_EMISSION_ENABLED.get(ext, n)
            && s::SUBNET_EMISSION_SHARE.get(ext, n) > 0
        {
            out.push(*n);
        }
    }
    out
}

/// Split `emission` across `subnets` by `SubnetEmissionShare` (floor, remainder to the first).
pub fn split_emission(
    ext: &mut Ext<'_>,
    subnets: &[NetUid],
    emission: Balance,
) -> Vec<(NetUid, Balance)> {
    let weights: Vec<(NetUid, u128)> =
        subnets.iter().map(|n| (*n, u128::from(s::SUBNET_EMISSION_SHARE.get(ext, n)))).collect();
    let total: u128 = weights.iter().map(|(_, w)| *w).sum();
    let mut parts: Vec<(NetUid, Balance)> = weights
        .iter()
        .map(|(n, w)| {
            let part = u128::from(emission)
                .saturating_mul(*w)
                .checked_div(total)
                .and_then(|p| u64::try_from(p).ok())
                .unwrap_or(0);
            (*n, part)
        })
        .collect();
    let given: Balance = parts.iter().fold(0, |acc, (_, p)| acc.saturating_add(*p));
    if let Some((_, first)) = parts.first_mut() {
        *first = first.saturating_add(emission.saturating_sub(given));
    }
    parts
}

/// Mint `amount` into `netuid`'s pending emission: owner cut, then half of the rest to miners,
/// the remainder to validators.
pub fn emit_to_subnet(ext: &mut Ext<'_>, netuid: NetUid, amount: Balance) {
    s::SUBNET_ALPHA_OUT_EMISSION.insert(ext, &netuid, &amount);
    let mut alpha_out = U96F32::saturating_from_num(amount);
    let mut owner_cut: Balance = 0;
    if s::OWNER_CUT_ENABLED.get(ext, &netuid) {
        let cut_percent = U96F32::saturating_from_num(s::SUBNET_OWNER_CUT.get(ext))
            .checked_div(U96F32::saturating_from_num(u16::MAX))
            .unwrap_or_else(|| U96F32::saturating_from_num(0));
        let cut = alpha_out.saturating_mul(cut_percent);
        alpha_out = alpha_out.saturating_sub(cut);
        owner_cut = cut.saturating_to_num();
    }
    let half = U96F32::from_bits(2_147_483_648);
    let server: Balance = alpha_out.saturating_mul(half).saturating_to_num();
    let validator = amount.saturating_sub(owner_cut).saturating_sub(server);
    s::PENDING_OWNER_CUT.mutate(ext, &netuid, |v| *v = v.saturating_add(owner_cut));
    s::PENDING_SERVER_EMISSION.mutate(ext, &netuid, |v| *v = v.saturating_add(server));
    s::PENDING_VALIDATOR_EMISSION.mutate(ext, &netuid, |v| *v = v.saturating_add(validator));
}

/// Whether `netuid`'s epoch is due at `block` (SPEC §6).
pub fn should_run_epoch(ext: &mut Ext<'_>, netuid: NetUid, block: u64) -> bool {
    let tempo = s::TEMPO.get(ext, &netuid);
    if tempo == 0 {
        return false;
    }
    let pending = s::PENDING_EPOCH_AT.get(ext, &netuid);
    if pending > 0 && block >= pending {
        return true;
    }
    if s::BLOCKS_SINCE_LAST_STEP.get(ext, &netuid) > u64::from(MAX_TEMPO) {
        return true;
    }
    block.saturating_sub(s::LAST_EPOCH_BLOCK.get(ext, &netuid)) >= u64::from(tempo)
}

/// A subnet's drained pending emission.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drained {
    /// `PendingServerEmission`.
    pub server: Balance,
    /// `PendingValidatorEmission`.
    pub validator: Balance,
    /// `PendingRootAlphaDivs` (always 0 here).
    pub root: Balance,
    /// `PendingOwnerCut`.
    pub owner_cut: Balance,
}

fn take(ext: &mut Ext<'_>, item: &s::MapD<NetUid, Balance>, netuid: NetUid) -> Balance {
    let v = item.get(ext, &netuid);
    if v != 0 {
        item.insert(ext, &netuid, &0);
    }
    v
}

/// Advance every subnet's schedule and drain the pending emission of those whose epoch runs
/// this block (at most `MaxEpochsPerBlock`; the others are deferred one block).
pub fn drain_pending(ext: &mut Ext<'_>, subnets: &[NetUid], block: u64) -> Vec<(NetUid, Drained)> {
    let cap = u32::from(s::MAX_EPOCHS_PER_BLOCK.get(ext));
    let mut run: u32 = 0;
    let mut out = Vec::new();
    for &netuid in subnets {
        s::BLOCKS_SINCE_LAST_STEP.mutate(ext, &netuid, |v| *v = v.saturating_add(1));
        if !should_run_epoch(ext, netuid, block) {
            continue;
        }
        if run >= cap {
            let next = block.saturating_add(1);
            s::PENDING_EPOCH_AT.insert(ext, &netuid, &next);
            ext.deposit_event(Event::EpochDeferred { netuid, from_block: block, to_block: next });
            continue;
        }
        s::BLOCKS_SINCE_LAST_STEP.insert(ext, &netuid, &0);
        let drained = Drained {
            server: take(ext, &s::PENDING_SERVER_EMISSION, netuid),
            validator: take(ext, &s::PENDING_VALIDATOR_EMISSION, netuid),
            root: take(ext, &s::PENDING_ROOT_ALPHA_DIVS, netuid),
            owner_cut: take(ext, &s::PENDING_OWNER_CUT, netuid),
        };
        out.push((netuid, drained));
        run = run.saturating_add(1);
        s::LAST_EPOCH_BLOCK.insert(ext, &netuid, &block);
        s::PENDING_EPOCH_AT.insert(ext, &netuid, &0);
        s::SUBNET_EPOCH_INDEX.mutate(ext, &netuid, |v| *v = v.saturating_add(1));
    }
    out
}

/// One block's coinbase over the existing `netuids`: mint and split `emission`, then run and
/// pay the due epochs.
pub fn run_coinbase(ext: &mut Ext<'_>, emission: Balance, netuids: &[NetUid]) {
    let block = now(ext);
    let subnets: Vec<NetUid> = netuids.iter().copied().filter(|n| !n.is_root()).collect();
    let emitting = subnets_to_emit_to(ext, &subnets);
    for (netuid, amount) in split_emission(ext, &emitting, emission) {
        emit_to_subnet(ext, netuid, amount);
    }
    for (netuid, drained) in drain_pending(ext, &subnets, block) {
        let paid = ext.transactional(|ext| distribute_emission(ext, netuid, drained));
        if let Err(e) = paid {
            tracing::error!(target: "subtensor", %netuid, ?e, "epoch payout failed; its emission is burned");
        }
        s::LAST_MECHANSIM_STEP_BLOCK.insert(ext, &netuid, &block);
    }
}

/// The owner coldkey's hotkeys registered on `netuid`, plus the owner hotkey: their miner
/// incentive is burned, as subtensor does.
fn owner_hotkeys(ext: &mut Ext<'_>, netuid: NetUid) -> Vec<AccountId32> {
    let owner = s::SUBNET_OWNER.get(ext, &netuid);
    let mut out: Vec<AccountId32> = s::OWNED_HOTKEYS
        .get(ext, &owner)
        .into_iter()
        .filter(|h| s::UIDS.try_get(ext, &netuid, h).is_some())
        .collect();
    if let Some(h) = s::SUBNET_OWNER_HOTKEY.try_get(ext, &netuid)
        && s::UIDS.try_get(ext, &netuid, &h).is_some()
        && !out.contains(&h)
    {
        out.push(h);
    }
    out
}

/// What an epoch paid out (rao); the rest of the drained emission was burned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Payout {
    /// Owner cut staked to the owner hotkey.
    pub owner_cut: Balance,
    /// Miner incentive staked.
    pub incentive: Balance,
    /// Validator dividends staked.
    pub dividends: Balance,
}

/// Run `netuid`'s epoch on its drained emission and stake the results (subtensor's
/// `distribute_emission`, without root dividends, child keys or takes).
pub fn distribute_emission(
    ext: &mut Ext<'_>,
    netuid: NetUid,
    drained: Drained,
) -> Result<Payout, DispatchError> {
    let total = drained
        .server
        .checked_add(drained.validator)
        .and_then(|t| t.checked_add(drained.root))
        .ok_or_else(overflow)?;
    let emissions = epoch::run(ext, netuid, total);
    let incentive_sum = emissions.iter().fold(0u64, |acc, e| acc.saturating_add(e.server));
    let validator_alpha = if incentive_sum != 0 {
        drained.validator
    } else {
        drained.validator.saturating_add(drained.server)
    };
    // Alpha is TAO here, so a payout may not exceed what was minted: Yuma's split can give the
    // miners a rao or two more than the pending server part, which comes out of the
    // validators' pool.
    let validator_alpha = validator_alpha.min(total.saturating_sub(incentive_sum));

    let mut incentives: BTreeMap<AccountId32, Balance> = BTreeMap::new();
    let mut dividends: BTreeMap<AccountId32, U96F32> = BTreeMap::new();
    for e in &emissions {
        let inc = incentives.entry(e.hotkey).or_insert(0);
        *inc = inc.saturating_add(e.server);
        let div = dividends.entry(e.hotkey).or_insert_with(|| U96F32::saturating_from_num(0));
        *div = div.saturating_add(U96F32::saturating_from_num(e.validator));
    }
    let total_divs =
        dividends.values().fold(U96F32::saturating_from_num(0), |acc, d| acc.saturating_add(*d));

    let mut payout = Payout::default();
    if let (Some(owner), Some(owner_hotkey)) =
        (s::SUBNET_OWNER.try_get(ext, &netuid), s::SUBNET_OWNER_HOTKEY.try_get(ext, &netuid))
    {
        staking::increase_stake(ext, &owner_hotkey, &owner, netuid, drained.owner_cut)?;
        payout.owner_cut = drained.owner_cut;
    }
    let burned_keys = owner_hotkeys(ext, netuid);
    for (hotkey, incentive) in incentives {
        if incentive == 0 || burned_keys.contains(&hotkey) {
            continue;
        }
        let coldkey = s::OWNER.get(ext, &hotkey);
        staking::increase_stake(ext, &hotkey, &coldkey, netuid, incentive)?;
        payout.incentive = payout.incentive.saturating_add(incentive);
    }
    if incentive_sum > 0 && total_divs > U96F32::saturating_from_num(0) {
        crate::crash::point("epoch_payout");
    }
    for (hotkey, divs) in dividends {
        let share = divs.checked_div(total_divs).unwrap_or_else(|| U96F32::saturating_from_num(0));
        let amount: Balance =
            U96F32::saturating_from_num(validator_alpha).saturating_mul(share).saturating_to_num();
        let credited = staking::credit_stakers(ext, &hotkey, netuid, amount)?;
        payout.dividends = payout.dividends.saturating_add(credited);
    }
    tracing::debug!(target: "subtensor", %netuid, ?drained, ?payout, "epoch paid");
    Ok(payout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_curve() {
        const TAO: u64 = 1_000_000_000;
        assert_eq!(block_emission_for_issuance(0), TAO);
        assert_eq!(block_emission_for_issuance(6_000_000 * TAO), TAO);
        assert_eq!(block_emission_for_issuance(10_500_000 * TAO - 1), TAO);
        assert_eq!(block_emission_for_issuance(10_500_000 * TAO), TAO / 2);
        assert_eq!(block_emission_for_issuance(15_750_000 * TAO - 1), TAO / 2);
        assert_eq!(block_emission_for_issuance(15_750_000 * TAO), TAO / 4);
        assert_eq!(block_emission_for_issuance(21_000_000 * TAO), 0);
        assert_eq!(block_emission_for_issuance(u64::MAX), 0);
    }
}
