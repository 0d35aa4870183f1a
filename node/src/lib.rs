//! # tao-node
//!
//! A TAO devnet chain written in plain Rust that speaks the Substrate JSON-RPC with real SCALE
//! metadata, so unmodified clients (subxt, `@polkadot/api`, the bittensor SDK) work against it.
//! It is not a FRAME runtime: there is no wasm, no `sp-io`. Instead:
//!
//! ```text
//!  JSON-RPC (rpc)  ──submit──▶ tx pool (chain::pool) ──▶ block producer (chain)
//!        │                                                   │ runtime::Runtime::execute_block
//!        │ state_call / getStorage                           ▼
//!        └────────────────────────────▶ sled store (chain::store): blocks + state + history,
//!                                        one atomic batch per block
//! ```
//!
//! * [`primitives`]: accounts, signatures, headers — encoded exactly as Substrate encodes them.
//! * [`state`]: the read backend and the layered overlay the runtime writes into.
//! * [`storage`]: typed storage items with Substrate's key layout (twox128 ++ twox128 ++ hasher),
//!   reading and writing through [`storage::StorageAccess`] (the overlay, or the runtime's `Ext`).
//! * [`runtime`]: System, Balances, TransactionPayment, SubtensorModule (+ AdminUtils), Sudo,
//!   Bridge — typed calls, events, errors, storage, all with `scale-info` types so the metadata is
//!   derived, never hand-written; the runtime APIs and metadata (see the table of files in
//!   [`runtime`]).
//! * [`chain`], [`rpc`], [`cli`]: block production and the sled store, JSON-RPC, the binary.
//! * [`crash`]: crash points for the restart tests (`--dev --crash-at <point>`).
//!
//! Layers, each using only those before it: `primitives` → `state` → `storage` → `runtime` →
//! `chain` → `rpc` → `cli`.
//!
//! Feature `test-utils`: `test_utils`, helpers to spawn the real binary in other crates' tests.
//!
//! [`DispatchError`] lives at the crate root only so its `TypeInfo` path can be rewritten to
//! `sp_runtime::DispatchError`, the one path subxt uses to find it.

pub mod chain;
pub mod cli;
pub mod crash;
pub mod primitives;
pub mod rpc;
pub mod runtime;
pub mod state;
pub mod storage;
#[cfg(feature = "test-utils")]
pub mod test_utils;

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

/// Why a dispatched call failed, encoded as `sp_runtime::DispatchError` (variant order matters).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tao_node", "sp_runtime"))]
pub enum DispatchError {
    /// Some other error (the message is not encoded).
    Other,
    /// Failed to look up an account.
    CannotLookup,
    /// Bad origin.
    BadOrigin,
    /// A pallet's own error.
    Module(ModuleError),
    /// Consumers remain.
    ConsumerRemaining,
    /// No providers.
    NoProviders,
    /// Too many consumers.
    TooManyConsumers,
    /// Token error.
    Token(TokenError),
    /// Arithmetic error.
    Arithmetic(ArithmeticError),
    /// Transactional layering error.
    Transactional(TransactionalError),
    /// Resources exhausted.
    Exhausted,
    /// State corruption.
    Corruption,
    /// Unavailable.
    Unavailable,
    /// Root origin is not allowed.
    RootNotAllowed,
}

/// `sp_runtime::ModuleError`: the pallet index and the error's variant index in `error[0]`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tao_node", "sp_runtime"))]
pub struct ModuleError {
    /// Pallet index.
    pub index: u8,
    /// Error bytes; `error[0]` is the variant index.
    pub error: [u8; 4],
}

/// `sp_runtime::TokenError`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tao_node", "sp_runtime"))]
#[allow(missing_docs)]
pub enum TokenError {
    FundsUnavailable,
    OnlyProvider,
    BelowMinimum,
    CannotCreate,
    UnknownAsset,
    Frozen,
    Unsupported,
    CannotCreateHold,
    NotExpendable,
    Blocked,
}

/// `sp_arithmetic::ArithmeticError`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tao_node", "sp_arithmetic"))]
#[allow(missing_docs)]
pub enum ArithmeticError {
    Underflow,
    Overflow,
    DivisionByZero,
}

/// `sp_runtime::TransactionalError`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tao_node", "sp_runtime"))]
#[allow(missing_docs)]
pub enum TransactionalError {
    LimitReached,
    NoLayer,
}
