//! TransactionPayment (index 6): a simple length + weight fee, withdrawn from the signer before
//! dispatch and burned.
//!
//! `fee = BASE_FEE + BYTE_FEE × len + ref_time / WEIGHT_PER_RAO + tip`. The same function serves
//! `TransactionPaymentApi_query_info`, so the estimate a client gets is the fee it pays. The
//! estimate's `partial_fee` is declared `u128` (not subtensor's u64) because subxt 0.51 decodes it
//! as u128.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::DispatchError;
use crate::primitives::{AccountId32, Balance};
use crate::storage::StorageValue;

use super::{DispatchClass, DispatchEventInfo, Ext, Pays, Weight, balances};

const P: &str = "TransactionPayment";

/// Flat part of every fee (rao).
pub const BASE_FEE: Balance = 100_000;
/// Per encoded byte (rao).
pub const BYTE_FEE: Balance = 1_000;
/// ref_time units per rao of weight fee.
pub const WEIGHT_PER_RAO: u64 = 1_000_000;
/// Declared for clients (`TransactionPayment.OperationalFeeMultiplier`).
pub const OPERATIONAL_FEE_MULTIPLIER: u8 = 5;

/// `TransactionPayment.NextFeeMultiplier` (FixedU128, always 1 here).
pub const NEXT_FEE_MULTIPLIER: StorageValue<u128> = StorageValue::new(P, "NextFeeMultiplier");

/// TransactionPayment events.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A transaction fee `actual_fee`, of which `tip` was added to the minimum inclusion fee,
    /// has been paid by `who`.
    #[codec(index = 0)]
    TransactionFeePaid {
        /// Payer.
        who: AccountId32,
        /// Fee incl. tip.
        actual_fee: Balance,
        /// Tip.
        tip: Balance,
    },
}

impl From<Event> for super::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::TransactionPayment(e)
    }
}

/// `pallet_transaction_payment::RuntimeDispatchInfo<u128>`, the `query_info` answer.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct RuntimeDispatchInfo {
    /// Weight.
    pub weight: Weight,
    /// Class.
    pub class: DispatchClass,
    /// The inclusion fee (without tip).
    pub partial_fee: u128,
}

/// The fee for an extrinsic of `len` bytes with `info`, plus `tip`; `None` on overflow. A call
/// with `Pays::No` pays only its tip (as `pallet_transaction_payment`).
pub fn compute_fee(len: u32, info: &DispatchEventInfo, tip: Balance) -> Option<Balance> {
    if info.pays_fee == Pays::No {
        return Some(tip);
    }
    BYTE_FEE
        .checked_mul(Balance::from(len))?
        .checked_add(BASE_FEE)?
        .checked_add(info.weight.ref_time / WEIGHT_PER_RAO)?
        .checked_add(tip)
}

/// Withdraw (burn) the fee and record `TransactionFeePaid`.
pub fn charge(
    ext: &mut Ext<'_>,
    who: &AccountId32,
    fee: Balance,
    tip: Balance,
) -> Result<(), DispatchError> {
    balances::burn_from(ext, who, fee)?;
    ext.deposit_event(Event::TransactionFeePaid { who: *who, actual_fee: fee, tip });
    Ok(())
}
