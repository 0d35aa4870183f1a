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
    DispatchClass, DispatchEventInfo, Ext, Pays, Weight, balances, bridge, payment, sudo, system,
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
    /// Sudo.
    #[codec(index = 12)]
    Sudo(sudo::Call),
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
    /// Sudo.
    #[codec(index = 12)]
    Sudo(sudo::Event),
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
    /// Sudo.
    #[codec(index = 12)]
    Sudo(sudo::Error),
    /// Bridge.
    #[codec(index = 40)]
    Bridge(bridge::Error),
}

impl RuntimeCall {
    /// Weight and class of this call (flat per call: fees need only be charged and queryable).
    pub fn info(&self) -> DispatchEventInfo {
        let (ref_time, class) = match self {
            Self::System(_) => (50_000_000, DispatchClass::Normal),
            Self::Balances(_) => (200_000_000, DispatchClass::Normal),
            Self::Sudo(_) => (100_000_000, DispatchClass::Operational),
            Self::Bridge(_) => (300_000_000, DispatchClass::Normal),
        };
        DispatchEventInfo {
            weight: Weight { ref_time, proof_size: 4_000 },
            class,
            pays_fee: Pays::Yes,
        }
    }

    /// Dispatch with `origin`.
    pub fn dispatch(self, ext: &mut Ext<'_>, origin: Origin) -> DispatchResult {
        match self {
            Self::System(c) => system::dispatch(ext, origin, c),
            Self::Balances(c) => balances::dispatch(ext, origin, c),
            Self::Sudo(c) => sudo::dispatch(ext, origin, c),
            Self::Bridge(c) => bridge::dispatch(ext, origin, c),
        }
    }
}
