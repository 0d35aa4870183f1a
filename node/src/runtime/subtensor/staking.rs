//! The stake ledger, `add_stake` and `remove_stake` (subtensor's `staking/`).
//!
//! Stake is TAO held by the module: staking moves rao from the coldkey's free balance into the
//! ledger, unstaking moves it back, and neither changes the total (see the accounting note in
//! [`super`]). One entry per (hotkey, coldkey, netuid) in `Alpha`, stored as U64F64 shares at one
//! share per rao; the hotkey's total in `TotalHotkeyAlpha` (= `TotalHotkeyShares`), the subnet's
//! in `SubnetTAO` (= `SubnetAlphaOut`), everything in `TotalStake`. Every change goes through
//! [`increase_stake`] / [`decrease_stake`], which keep the four levels equal to the rao.
//!
//! Epoch payouts add to stake: incentive and the owner cut to the hotkey's owner coldkey,
//! dividends pro rata to every coldkey staked on the validator's hotkey ([`credit_stakers`];
//! subtensor's share-pool value increase, done exactly, without a delegate take).

use substrate_fixed::types::U64F64;

use crate::primitives::{AccountId32, Balance};
use crate::runtime::balances::{self, EXISTENTIAL_DEPOSIT};
use crate::runtime::{DispatchResult, Ext, Origin};
use crate::{ArithmeticError, DispatchError};

use super::Error;
use super::events::Event;
use super::hyperparameters::DEFAULT_MIN_STAKE;
use super::storage as s;
use super::types::NetUid;

fn overflow() -> DispatchError {
    DispatchError::Arithmetic(ArithmeticError::Overflow)
}

fn underflow() -> DispatchError {
    DispatchError::Arithmetic(ArithmeticError::Underflow)
}

/// Shares for `amount` rao (one share per rao).
fn shares(amount: Balance) -> U64F64 {
    U64F64::from_bits(u128::from(amount).checked_shl(64).unwrap_or(0))
}

/// Rao of `shares` (the integer part; shares are always whole here).
fn rao(shares: U64F64) -> Balance {
    u64::try_from(shares.to_bits().checked_shr(64).unwrap_or(0)).unwrap_or(u64::MAX)
}

/// `coldkey`'s stake on `hotkey` in `netuid` (rao).
pub fn stake_of(
    ext: &mut Ext<'_>,
    hotkey: &AccountId32,
    coldkey: &AccountId32,
    netuid: NetUid,
) -> Balance {
    rao(s::ALPHA.get(ext, hotkey, coldkey, &netuid))
}

/// All stake on `hotkey` in `netuid` (rao).
pub fn hotkey_stake(ext: &mut Ext<'_>, hotkey: &AccountId32, netuid: NetUid) -> Balance {
    s::TOTAL_HOTKEY_ALPHA.get(ext, hotkey, &netuid)
}

/// Whether some coldkey owns `hotkey` (it was registered somewhere).
pub fn hotkey_account_exists(ext: &mut Ext<'_>, hotkey: &AccountId32) -> bool {
    s::OWNER.try_get(ext, hotkey).is_some()
}

/// Whether `coldkey` owns `hotkey`.
pub fn coldkey_owns_hotkey(ext: &mut Ext<'_>, coldkey: &AccountId32, hotkey: &AccountId32) -> bool {
    s::OWNER.try_get(ext, hotkey).is_some_and(|o| o == *coldkey)
}

/// Make `coldkey` the owner of `hotkey` unless it already has one.
pub fn create_account_if_non_existent(
    ext: &mut Ext<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
) {
    if hotkey_account_exists(ext, hotkey) {
        return;
    }
    s::OWNER.insert(ext, hotkey, coldkey);
    push_unique(ext, &s::OWNED_HOTKEYS, coldkey, hotkey);
    push_unique(ext, &s::STAKING_HOTKEYS, coldkey, hotkey);
}

fn push_unique(
    ext: &mut Ext<'_>,
    item: &s::MapD<AccountId32, Vec<AccountId32>>,
    key: &AccountId32,
    value: &AccountId32,
) {
    let mut list = item.get(ext, key);
    if !list.contains(value) {
        list.push(*value);
        item.insert(ext, key, &list);
    }
}

fn add_to(value: Balance, amount: Balance) -> Result<Balance, DispatchError> {
    value.checked_add(amount).ok_or_else(overflow)
}

fn sub_from(value: Balance, amount: Balance) -> Result<Balance, DispatchError> {
    value.checked_sub(amount).ok_or_else(underflow)
}

/// Add `amount` rao to `coldkey`'s stake on `hotkey` in `netuid`, and to every total.
pub fn increase_stake(
    ext: &mut Ext<'_>,
    hotkey: &AccountId32,
    coldkey: &AccountId32,
    netuid: NetUid,
    amount: Balance,
) -> DispatchResult {
    if amount == 0 {
        return Ok(());
    }
    let old = stake_of(ext, hotkey, coldkey, netuid);
    let new = add_to(old, amount)?;
    let hotkey_total = add_to(hotkey_stake(ext, hotkey, netuid), amount)?;
    let subnet_tao = add_to(s::SUBNET_TAO.get(ext, &netuid), amount)?;
    let alpha_out = add_to(s::SUBNET_ALPHA_OUT.get(ext, &netuid), amount)?;
    let total = add_to(s::TOTAL_STAKE.get(ext), amount)?;
    s::ALPHA.insert(ext, hotkey, coldkey, &netuid, &shares(new));
    s::TOTAL_HOTKEY_ALPHA.insert(ext, hotkey, &netuid, &hotkey_total);
    s::TOTAL_HOTKEY_SHARES.insert(ext, hotkey, &netuid, &shares(hotkey_total));
    s::SUBNET_TAO.insert(ext, &netuid, &subnet_tao);
    s::SUBNET_ALPHA_OUT.insert(ext, &netuid, &alpha_out);
    s::TOTAL_STAKE.put(ext, &total);
    if old == 0 {
        let mut stakers = s::HOTKEY_STAKERS.get(ext, hotkey, &netuid);
        if !stakers.contains(coldkey) {
            stakers.push(*coldkey);
            s::HOTKEY_STAKERS.insert(ext, hotkey, &netuid, &stakers);
        }
        push_unique(ext, &s::STAKING_HOTKEYS, coldkey, hotkey);
    }
    Ok(())
}

/// Take `amount` rao from `coldkey`'s stake on `hotkey` in `netuid`, and from every total.
pub fn decrease_stake(
    ext: &mut Ext<'_>,
    hotkey: &AccountId32,
    coldkey: &AccountId32,
    netuid: NetUid,
    amount: Balance,
) -> DispatchResult {
    if amount == 0 {
        return Ok(());
    }
    let old = stake_of(ext, hotkey, coldkey, netuid);
    let new = old.checked_sub(amount).ok_or(Error::NotEnoughStakeToWithdraw)?;
    let hotkey_total = sub_from(hotkey_stake(ext, hotkey, netuid), amount)?;
    let subnet_tao = sub_from(s::SUBNET_TAO.get(ext, &netuid), amount)?;
    let alpha_out = sub_from(s::SUBNET_ALPHA_OUT.get(ext, &netuid), amount)?;
    let total = sub_from(s::TOTAL_STAKE.get(ext), amount)?;
    if new == 0 {
        s::ALPHA.remove(ext, hotkey, coldkey, &netuid);
        let mut stakers = s::HOTKEY_STAKERS.get(ext, hotkey, &netuid);
        stakers.retain(|c| c != coldkey);
        if stakers.is_empty() {
            s::HOTKEY_STAKERS.remove(ext, hotkey, &netuid);
        } else {
            s::HOTKEY_STAKERS.insert(ext, hotkey, &netuid, &stakers);
        }
    } else {
        s::ALPHA.insert(ext, hotkey, coldkey, &netuid, &shares(new));
    }
    s::TOTAL_HOTKEY_ALPHA.insert(ext, hotkey, &netuid, &hotkey_total);
    s::TOTAL_HOTKEY_SHARES.insert(ext, hotkey, &netuid, &shares(hotkey_total));
    s::SUBNET_TAO.insert(ext, &netuid, &subnet_tao);
    s::SUBNET_ALPHA_OUT.insert(ext, &netuid, &alpha_out);
    s::TOTAL_STAKE.put(ext, &total);
    Ok(())
}

/// Credit `amount` rao of dividends on `hotkey` to its stakers in proportion to their stake
/// (floor), the rounding remainder to the hotkey's owner. With no stake at all, everything goes
/// to the owner. Returns the amount credited (always `amount`).
pub fn credit_stakers(
    ext: &mut Ext<'_>,
    hotkey: &AccountId32,
    netuid: NetUid,
    amount: Balance,
) -> Result<Balance, DispatchError> {
    if amount == 0 {
        return Ok(0);
    }
    let owner = s::OWNER.get(ext, hotkey);
    let total = hotkey_stake(ext, hotkey, netuid);
    let stakers = s::HOTKEY_STAKERS.get(ext, hotkey, &netuid);
    let mut credits: Vec<(AccountId32, Balance)> = Vec::with_capacity(stakers.len());
    let mut credited: Balance = 0;
    if total > 0 {
        for coldkey in &stakers {
            let stake = stake_of(ext, hotkey, coldkey, netuid);
            let share = u128::from(amount)
                .checked_mul(u128::from(stake))
                .and_then(|p| p.checked_div(u128::from(total)))
                .and_then(|q| u64::try_from(q).ok())
                .ok_or_else(overflow)?;
            credited = add_to(credited, share)?;
            credits.push((*coldkey, share));
        }
    }
    let remainder = sub_from(amount, credited)?;
    for (coldkey, share) in credits {
        increase_stake(ext, hotkey, &coldkey, netuid, share)?;
    }
    increase_stake(ext, hotkey, &owner, netuid, remainder)?;
    Ok(amount)
}

/// `add_stake`: move `amount` rao (at most the free balance above the existential deposit) from
/// the signer coldkey to its stake on `hotkey` in `netuid`.
pub fn do_add_stake(
    ext: &mut Ext<'_>,
    origin: Origin,
    hotkey: &AccountId32,
    netuid: NetUid,
    amount: Balance,
) -> DispatchResult {
    let coldkey = origin.signed()?;
    if !super::subnets::exists(ext, netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    if !s::SUBTOKEN_ENABLED.get(ext, &netuid) {
        return Err(Error::SubtokenDisabled.into());
    }
    if amount < DEFAULT_MIN_STAKE {
        return Err(Error::AmountTooLow.into());
    }
    let free = balances::free_balance(ext, &coldkey);
    if amount > free {
        return Err(Error::NotEnoughBalanceToStake.into());
    }
    if !hotkey_account_exists(ext, hotkey) {
        return Err(Error::HotKeyAccountNotExists.into());
    }
    // As subtensor's `transfer_tao_to_subnet`: the coldkey is kept alive.
    let staked = amount.min(free.saturating_sub(EXISTENTIAL_DEPOSIT));
    if staked == 0 {
        return Err(Error::InsufficientBalance.into());
    }
    balances::set_free(ext, &coldkey, sub_from(free, staked)?)?;
    increase_stake(ext, hotkey, &coldkey, netuid, staked)?;
    ext.deposit_event(Event::StakeAdded(coldkey, *hotkey, staked, staked, netuid, 0));
    Ok(())
}

/// `remove_stake`: move up to `amount` rao of the signer coldkey's stake on `hotkey` in `netuid`
/// back to its free balance.
pub fn do_remove_stake(
    ext: &mut Ext<'_>,
    origin: Origin,
    hotkey: &AccountId32,
    netuid: NetUid,
    amount: Balance,
) -> DispatchResult {
    let coldkey = origin.signed()?;
    if !s::SUBTOKEN_ENABLED.get(ext, &netuid) {
        return Err(Error::SubtokenDisabled.into());
    }
    let available = stake_of(ext, hotkey, &coldkey, netuid);
    let amount = amount.min(available);
    if !super::subnets::exists(ext, netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    if amount == 0 {
        return Err(Error::AmountTooLow.into());
    }
    // A partial unstake must take at least the minimum stake.
    if available > amount && amount < DEFAULT_MIN_STAKE {
        return Err(Error::AmountTooLow.into());
    }
    if !hotkey_account_exists(ext, hotkey) {
        return Err(Error::HotKeyAccountNotExists.into());
    }
    decrease_stake(ext, hotkey, &coldkey, netuid, amount)?;
    let free = balances::free_balance(ext, &coldkey);
    balances::set_free(ext, &coldkey, add_to(free, amount)?)?;
    ext.deposit_event(Event::StakeRemoved(coldkey, *hotkey, amount, amount, netuid, 0));
    Ok(())
}
