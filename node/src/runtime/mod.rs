//! The runtime: System, Timestamp, Balances, TransactionPayment, SubtensorModule, Sudo,
//! Commitments, AdminUtils and Bridge as plain Rust modules, dispatched by pallet index exactly as subtensor's
//! `construct_runtime!` numbers them.
//!
//! A block goes through [`Runtime::begin_block`] (context, then module hooks) →
//! [`Runtime::apply_extrinsic`] per extrinsic → [`Runtime::finalize_block`], all writing into one [`Ext`] (a state overlay plus the
//! block's events). A failed call is rolled back, but its fee and nonce bump stay, and it is
//! reported as `System.ExtrinsicFailed` with a `DispatchError::Module { index, error }` that
//! clients decode by name from the metadata. The rest of the node sees only bytes in, state
//! changes and events out.
//!
//! This file is the index: the pallet-index table ([`index`]), the version constants,
//! `module_error!`, and re-exports, so a pallet writes `use super::{Ext, Origin, ...}`. The jobs
//! live in their own files:
//!
//! | file | job |
//! |---|---|
//! | [`ext`] | [`Ext`]: overlay + events + transactional layers; storage items read through it |
//! | [`outer`] | `RuntimeCall`/`RuntimeEvent`/`RuntimeError`, [`Origin`], call weight and dispatch |
//! | [`frame`] | FRAME's `Weight`, `DispatchClass`, `Pays`, `DispatchEventInfo`, `Phase`, `EventRecord` |
//! | [`validity`] | transaction-validity errors and [`TxError`] |
//! | [`executive`] | [`Runtime`]: initialize, validate, apply, finalize |
//! | [`extrinsic`] | the v4 extrinsic format and subtensor's 13 transaction extensions |
//! | [`api`] | the runtime-API table and the types the APIs exchange |
//! | [`state_call`] | serving the runtime APIs of [`api`] |
//! | [`metadata`] | V14/V15 metadata from the pallets' types and the [`api`] table |
//! | [`genesis`] | chain specs and the genesis state |
//! | `system`, `timestamp`, `balances`, `payment`, `sudo`, `commitments`, `bridge` | the pallets |
//! | [`subtensor`] | SubtensorModule (7) and AdminUtils (19): subnets, stake, weights, emission, Yuma epochs |
//!
//! Dependencies go one way: pallets use [`Ext`] and the FRAME types; [`outer`] lists the
//! pallets; [`api`] ← [`metadata`] ← [`state_call`]. (Pallets and the outer enums name each other,
//! as in FRAME: a pallet's `Event` converts into `RuntimeEvent`.)
//!
//! Adding a pallet: a module with its `Call`, `Event`, `Error` and storage items; one variant in
//! each outer enum ([`outer`]); one entry in `metadata::pallets`; block hooks, if any, in
//! [`executive`] (as SubtensorModule's coinbase in `begin_block`).

#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used
    )
)]

pub mod api;
pub mod balances;
pub mod bridge;
pub mod commitments;
pub mod executive;
pub mod ext;
pub mod extrinsic;
pub mod frame;
pub mod genesis;
pub mod metadata;
pub mod outer;
pub mod payment;
pub mod state_call;
pub mod subtensor;
pub mod sudo;
pub mod system;
pub mod timestamp;
pub mod validity;

pub use executive::{ApplyOutcome, BlockContext, Runtime, ValidTx};
pub use ext::Ext;
pub use frame::{DispatchClass, DispatchEventInfo, EventRecord, Pays, Phase, Weight};
pub use outer::{DispatchResult, Origin, RuntimeCall, RuntimeError, RuntimeEvent};
pub use validity::{InvalidTransaction, TransactionValidityError, TxError, UnknownTransaction};

/// `spec_name` in `Core_version`.
pub const SPEC_NAME: &str = "node-subtensor";
/// `impl_name`.
pub const IMPL_NAME: &str = "tao-node";
/// Bump whenever the metadata changes (clients cache metadata by spec version).
///
/// 2: `MultiAddress` and `EventRecord` carry their type parameters (polkadot.js needs them).
/// 3: SubtensorModule (7), AdminUtils (19), Commitments (18), SubtensorModule's runtime APIs,
///    and the outer enums published as `node_subtensor_runtime::*`.
pub const SPEC_VERSION: u32 = 3;
/// Transaction version (part of every signed payload).
pub const TX_VERSION: u32 = 1;
/// SS58 prefix.
pub const SS58_PREFIX: u16 = 42;

/// Pallet indices, as subtensor's.
pub mod index {
    /// System.
    pub const SYSTEM: u8 = 0;
    /// Timestamp.
    pub const TIMESTAMP: u8 = 2;
    /// Balances.
    pub const BALANCES: u8 = 5;
    /// TransactionPayment.
    pub const TRANSACTION_PAYMENT: u8 = 6;
    /// SubtensorModule (reserved for the subtensor module).
    pub const SUBTENSOR: u8 = 7;
    /// Sudo.
    pub const SUDO: u8 = 12;
    /// Commitments.
    pub const COMMITMENTS: u8 = 18;
    /// AdminUtils (SubtensorModule's sudo and owner setters).
    pub const ADMIN_UTILS: u8 = 19;
    /// Bridge: a free index in subtensor's numbering.
    pub const BRIDGE: u8 = 40;
}

/// Implement `From<Error> for DispatchError` for a pallet's `#[repr(u8)]` error enum.
macro_rules! module_error {
    ($err:ty, $index:expr) => {
        impl From<$err> for $crate::DispatchError {
            fn from(e: $err) -> Self {
                $crate::DispatchError::Module($crate::ModuleError {
                    index: $index,
                    error: [e as u8, 0, 0, 0],
                })
            }
        }
    };
}
pub(crate) use module_error;

#[cfg(test)]
pub(crate) mod tests;
