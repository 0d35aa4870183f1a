//! Balances (index 5): transfers, existential deposit, total issuance.
//!
//! Balances live in `System.Account.data` as in FRAME. An account exists while its free balance is
//! at least [`EXISTENTIAL_DEPOSIT`] (500 rao, as subtensor); a transfer that would leave less is
//! refused by `transfer_keep_alive` and reaps the sender (the dust is burned, `DustLost`) under
//! `transfer_allow_death`. All arithmetic is checked: an overflow is an error, never a wrap.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::primitives::{AccountId32, Balance, MultiAddress};
use crate::storage::StorageValue;
use crate::{ArithmeticError, DispatchError};

use super::system::{self, ACCOUNT, AccountData, AccountInfo};
use super::{DispatchResult, Ext, Origin, index};

const P: &str = "Balances";

/// Minimum balance for an account to exist (rao).
pub const EXISTENTIAL_DEPOSIT: Balance = 500;

/// `Balances.TotalIssuance`.
pub const TOTAL_ISSUANCE: StorageValue<Balance> = StorageValue::new(P, "TotalIssuance");
/// `Balances.InactiveIssuance`.
pub const INACTIVE_ISSUANCE: StorageValue<Balance> = StorageValue::new(P, "InactiveIssuance");

/// Balances calls (indices as `pallet_balances`).
#[allow(non_camel_case_types)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Transfer, reaping the sender if it drops below the existential deposit.
    #[codec(index = 0)]
    transfer_allow_death {
        /// Recipient.
        dest: MultiAddress,
        /// Amount in rao.
        #[codec(compact)]
        value: Balance,
    },
    /// Root: transfer from any account.
    #[codec(index = 2)]
    force_transfer {
        /// Payer.
        source: MultiAddress,
        /// Recipient.
        dest: MultiAddress,
        /// Amount.
        #[codec(compact)]
        value: Balance,
    },
    /// Transfer, refusing to reap the sender.
    #[codec(index = 3)]
    transfer_keep_alive {
        /// Recipient.
        dest: MultiAddress,
        /// Amount.
        #[codec(compact)]
        value: Balance,
    },
    /// Transfer the whole free balance (minus the ED when `keep_alive`).
    #[codec(index = 4)]
    transfer_all {
        /// Recipient.
        dest: MultiAddress,
        /// Keep the sender alive.
        keep_alive: bool,
    },
    /// Root: set an account's free balance.
    #[codec(index = 8)]
    force_set_balance {
        /// Account.
        who: MultiAddress,
        /// New free balance.
        #[codec(compact)]
        new_free: Balance,
    },
}

/// Balances events (indices as `pallet_balances`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An account was created with some free balance.
    #[codec(index = 0)]
    Endowed {
        /// Account.
        account: AccountId32,
        /// Its balance.
        free_balance: Balance,
    },
    /// An account was removed whose balance was non-zero but below the ED.
    #[codec(index = 1)]
    DustLost {
        /// Account.
        account: AccountId32,
        /// Dust burned.
        amount: Balance,
    },
    /// Transfer succeeded.
    #[codec(index = 2)]
    Transfer {
        /// Payer.
        from: AccountId32,
        /// Payee.
        to: AccountId32,
        /// Amount.
        amount: Balance,
    },
    /// A balance was set by root.
    #[codec(index = 3)]
    BalanceSet {
        /// Account.
        who: AccountId32,
        /// New free balance.
        free: Balance,
    },
    /// Some amount was withdrawn from the account (e.g. for transaction fees).
    #[codec(index = 8)]
    Withdraw {
        /// Account.
        who: AccountId32,
        /// Amount.
        amount: Balance,
    },
}

impl From<Event> for super::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::Balances(e)
    }
}

/// Balances errors (order as `pallet_balances`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[repr(u8)]
pub enum Error {
    /// Vesting balance too high to send value.
    VestingBalance = 0,
    /// Account liquidity restrictions prevent withdrawal.
    LiquidityRestrictions = 1,
    /// Balance too low to send value.
    InsufficientBalance = 2,
    /// Value too low to create account due to existential deposit.
    ExistentialDeposit = 3,
    /// Transfer/payment would kill account.
    Expendability = 4,
    /// A vesting schedule already exists for this account.
    ExistingVestingSchedule = 5,
    /// Beneficiary account must pre-exist.
    DeadAccount = 6,
    /// Number of named reserves exceed `MaxReserves`.
    TooManyReserves = 7,
    /// Number of holds exceed `VariantCountOf<T::RuntimeHoldReason>`.
    TooManyHolds = 8,
    /// Number of freezes exceed `MaxFreezes`.
    TooManyFreezes = 9,
    /// The issuance cannot be modified since it is already deactivated.
    IssuanceDeactivated = 10,
    /// The delta cannot be zero.
    DeltaZero = 11,
}
super::module_error!(Error, index::BALANCES);

/// Whether to refuse reaping the payer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Existence {
    /// The payer must keep at least the ED.
    KeepAlive,
    /// The payer may be reaped.
    AllowDeath,
}

fn lookup(a: &MultiAddress) -> Result<AccountId32, DispatchError> {
    a.account().ok_or(DispatchError::CannotLookup)
}

/// Dispatch a Balances call.
pub fn dispatch(ext: &mut Ext<'_>, origin: Origin, call: Call) -> DispatchResult {
    match call {
        Call::transfer_allow_death { dest, value } => {
            transfer(ext, &origin.signed()?, &lookup(&dest)?, value, Existence::AllowDeath)
        }
        Call::transfer_keep_alive { dest, value } => {
            transfer(ext, &origin.signed()?, &lookup(&dest)?, value, Existence::KeepAlive)
        }
        Call::force_transfer { source, dest, value } => {
            origin.root()?;
            transfer(ext, &lookup(&source)?, &lookup(&dest)?, value, Existence::AllowDeath)
        }
        Call::transfer_all { dest, keep_alive } => {
            let from = origin.signed()?;
            let free = free_balance(ext, &from);
            let (value, existence) = if keep_alive {
                (free.saturating_sub(EXISTENTIAL_DEPOSIT), Existence::KeepAlive)
            } else {
                (free, Existence::AllowDeath)
            };
            transfer(ext, &from, &lookup(&dest)?, value, existence)
        }
        Call::force_set_balance { who, new_free } => {
            origin.root()?;
            let who = lookup(&who)?;
            set_free(ext, &who, new_free)?;
            ext.deposit_event(Event::BalanceSet { who, free: new_free });
            Ok(())
        }
    }
}

/// `who`'s free balance.
pub fn free_balance(ext: &mut Ext<'_>, who: &AccountId32) -> Balance {
    ACCOUNT.get(ext, who).data.free
}

/// Whether an account with `data` can pay `fee` and stay alive (fees never reap an account).
pub fn can_withdraw_fee(data: &AccountData, fee: Balance) -> bool {
    data.free.checked_sub(fee).is_some_and(|left| left >= EXISTENTIAL_DEPOSIT || fee == 0)
}

fn adjust_issuance(ext: &mut Ext<'_>, add: Balance, sub: Balance) -> DispatchResult {
    let total = TOTAL_ISSUANCE
        .get(ext)
        .checked_add(add)
        .and_then(|t| t.checked_sub(sub))
        .ok_or(DispatchError::Arithmetic(ArithmeticError::Overflow))?;
    TOTAL_ISSUANCE.put(ext, &total);
    Ok(())
}

/// Write `who`'s free balance, creating or reaping the account as the ED dictates.
/// Dust below the ED is burned. Returns the dust burned.
fn write_free(
    ext: &mut Ext<'_>,
    who: &AccountId32,
    mut info: AccountInfo,
    free: Balance,
) -> Balance {
    let existed = info.providers > 0;
    if free < EXISTENTIAL_DEPOSIT && info.data.reserved == 0 {
        if existed {
            ACCOUNT.remove(ext, who);
            if free > 0 {
                ext.deposit_event(Event::DustLost { account: *who, amount: free });
            }
            ext.deposit_event(system::Event::KilledAccount { account: *who });
        }
        return free;
    }
    info.data.free = free;
    if !existed {
        info.providers = 1;
        ext.deposit_event(system::Event::NewAccount { account: *who });
        ext.deposit_event(Event::Endowed { account: *who, free_balance: free });
    }
    ACCOUNT.insert(ext, who, &info);
    0
}

/// Move `value` from `from` to `to`.
pub fn transfer(
    ext: &mut Ext<'_>,
    from: &AccountId32,
    to: &AccountId32,
    value: Balance,
    existence: Existence,
) -> DispatchResult {
    if value == 0 || from == to {
        ext.deposit_event(Event::Transfer { from: *from, to: *to, amount: value });
        return Ok(());
    }
    let src = ACCOUNT.get(ext, from);
    let left = src.data.free.checked_sub(value).ok_or(Error::InsufficientBalance)?;
    if existence == Existence::KeepAlive && left < EXISTENTIAL_DEPOSIT {
        return Err(Error::Expendability.into());
    }
    let dst = ACCOUNT.get(ext, to);
    if dst.providers == 0 && value < EXISTENTIAL_DEPOSIT {
        return Err(Error::ExistentialDeposit.into());
    }
    let new_dst = dst.data.free.checked_add(value).ok_or(ArithmeticError::Overflow)?;
    let dust = write_free(ext, from, src, left);
    let dst = ACCOUNT.get(ext, to);
    write_free(ext, to, dst, new_dst);
    ext.deposit_event(Event::Transfer { from: *from, to: *to, amount: value });
    adjust_issuance(ext, 0, dust)
}

/// Remove `amount` from circulation out of `who` (fees). The caller checked affordability.
pub fn burn_from(ext: &mut Ext<'_>, who: &AccountId32, amount: Balance) -> DispatchResult {
    let info = ACCOUNT.get(ext, who);
    let left = info.data.free.checked_sub(amount).ok_or(Error::InsufficientBalance)?;
    let dust = write_free(ext, who, info, left);
    ext.deposit_event(Event::Withdraw { who: *who, amount });
    adjust_issuance(ext, 0, amount.saturating_add(dust))
}

/// Set `who`'s free balance, keeping `TotalIssuance` in step (root / genesis).
pub fn set_free(ext: &mut Ext<'_>, who: &AccountId32, new_free: Balance) -> DispatchResult {
    let info = ACCOUNT.get(ext, who);
    let old = info.data.free;
    let dust = write_free(ext, who, info, new_free);
    let kept = new_free.saturating_sub(dust);
    if kept >= old {
        adjust_issuance(ext, kept.saturating_sub(old), 0)
    } else {
        adjust_issuance(ext, 0, old.saturating_sub(kept))
    }
}

impl From<ArithmeticError> for DispatchError {
    fn from(e: ArithmeticError) -> Self {
        Self::Arithmetic(e)
    }
}
