//! The outer enums (`RuntimeCall`, `RuntimeEvent`, `RuntimeError`) and dispatch: the one place
//! that lists every pallet, as `construct_runtime!` does. Variant indices are pallet indices
//! ([`super::index`]).
//!
//! Adding a pallet: one variant in each enum here, one arm in [`RuntimeCall::info`] and
//! [`RuntimeCall::dispatch`], and its entry in `metadata::pallets`.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::DispatchError;
use crate::primitives::AccountId32;

use super::{
    DispatchClass, DispatchEventInfo, Ext, Pays, Weight, balances, bridge, commitments, payment,
    subtensor, sudo, system,
};

/// Who dispatches a call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Origin {
    /// Root (via sudo).
    Root,
    /// A signed account.
    Signed(AccountId32),
}

impl Origin {
    /// The signer, or `BadOrigin`.
    pub fn signed(self) -> Result<AccountId32, DispatchError> {
        match self {
            Self::Signed(a) => Ok(a),
            Self::Root => Err(DispatchError::BadOrigin),
        }
    }
    /// `Ok` only for root.
    pub fn root(self) -> Result<(), DispatchError> {
        match self {
            Self::Root => Ok(()),
            Self::Signed(_) => Err(DispatchError::BadOrigin),
        }
    }
}

/// Result of a dispatch.
pub type DispatchResult = Result<(), DispatchError>;

/// The outer call enum; variant indices are pallet indices.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum RuntimeCall {
    /// System.
    #[codec(index = 0)]
    System(system::Call),
    /// Balances.
    #[codec(index = 5)]
    Balances(balances::Call),
    /// SubtensorModule.
    #[codec(index = 7)]
    SubtensorModule(subtensor::Call),
    /// Sudo.
    #[codec(index = 12)]
    Sudo(sudo::Call),
    /// Commitments.
    #[codec(index = 18)]
    Commitments(commitments::Call),
    /// AdminUtils.
    #[codec(index = 19)]
    AdminUtils(subtensor::admin_utils::Call),
    /// Bridge.
    #[codec(index = 40)]
    Bridge(bridge::Call),
}

/// The outer event enum; variant indices are pallet indices.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum RuntimeEvent {
    /// System.
    #[codec(index = 0)]
    System(system::Event),
    /// Balances.
    #[codec(index = 5)]
    Balances(balances::Event),
    /// TransactionPayment.
    #[codec(index = 6)]
    TransactionPayment(payment::Event),
    /// SubtensorModule.
    #[codec(index = 7)]
    SubtensorModule(subtensor::Event),
    /// Sudo.
    #[codec(index = 12)]
    Sudo(sudo::Event),
    /// Commitments.
    #[codec(index = 18)]
    Commitments(commitments::Event),
    /// AdminUtils.
    #[codec(index = 19)]
    AdminUtils(subtensor::admin_utils::Event),
    /// Bridge.
    #[codec(index = 40)]
    Bridge(bridge::Event),
}

/// The outer error enum (metadata only: errors travel as `DispatchError::Module`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum RuntimeError {
    /// System.
    #[codec(index = 0)]
    System(system::Error),
    /// Balances.
    #[codec(index = 5)]
    Balances(balances::Error),
    /// SubtensorModule.
    #[codec(index = 7)]
    SubtensorModule(subtensor::Error),
    /// Sudo.
    #[codec(index = 12)]
    Sudo(sudo::Error),
    /// Commitments.
    #[codec(index = 18)]
    Commitments(commitments::Error),
    /// AdminUtils.
    #[codec(index = 19)]
    AdminUtils(subtensor::admin_utils::Error),
    /// Bridge.
    #[codec(index = 40)]
    Bridge(bridge::Error),
}

impl RuntimeCall {
    /// Weight, class and whether it pays a fee (weights are flat per call: fees need only be
    /// charged and queryable).
    pub fn info(&self) -> DispatchEventInfo {
        let (ref_time, class) = match self {
            Self::System(_) => (50_000_000, DispatchClass::Normal),
            Self::Balances(_) => (200_000_000, DispatchClass::Normal),
            Self::SubtensorModule(_) => (300_000_000, DispatchClass::Normal),
            Self::Sudo(_) => (100_000_000, DispatchClass::Operational),
            Self::Commitments(_) => (50_000_000, DispatchClass::Normal),
            Self::AdminUtils(_) => (100_000_000, DispatchClass::Operational),
            Self::Bridge(_) => (300_000_000, DispatchClass::Normal),
        };
        // As subtensor: a neuron's commitment is free (its size is limited per epoch instead),
        // and so are weights and serving (`Pays::No` in its dispatches; rate limits bound them),
        // so a validator or miner hotkey needs no TAO of its own.
        let pays_fee = match self {
            Self::Commitments(commitments::Call::set_commitment { .. })
            | Self::SubtensorModule(
                subtensor::Call::set_weights { .. }
                | subtensor::Call::serve_axon { .. }
                | subtensor::Call::serve_prometheus { .. },
            ) => Pays::No,
            _ => Pays::Yes,
        };
        DispatchEventInfo { weight: Weight { ref_time, proof_size: 4_000 }, class, pays_fee }
    }

    /// Dispatch with `origin`.
    pub fn dispatch(self, ext: &mut Ext<'_>, origin: Origin) -> DispatchResult {
        match self {
            Self::System(c) => system::dispatch(ext, origin, c),
            Self::Balances(c) => balances::dispatch(ext, origin, c),
            Self::SubtensorModule(c) => subtensor::dispatch(ext, origin, c),
            Self::Sudo(c) => sudo::dispatch(ext, origin, c),
            Self::Commitments(c) => commitments::dispatch::<commitments::Subtensor>(ext, origin, c),
            Self::AdminUtils(c) => subtensor::admin_utils::dispatch(ext, origin, c),
            Self::Bridge(c) => bridge::dispatch(ext, origin, c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_and_serving_pay_no_fee_as_subtensor() {
        let weights = RuntimeCall::SubtensorModule(subtensor::Call::set_weights {
            netuid: subtensor::NetUid(1),
            dests: vec![1],
            weights: vec![1],
            version_key: 0,
        });
        assert_eq!(weights.info().pays_fee, Pays::No);
        let stake = RuntimeCall::SubtensorModule(subtensor::Call::add_stake {
            hotkey: AccountId32([1; 32]),
            netuid: subtensor::NetUid(1),
            amount_staked: 1,
        });
        assert_eq!(stake.info().pays_fee, Pays::Yes);
    }
}
