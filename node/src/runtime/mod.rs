//! The runtime: System, Timestamp, Balances, TransactionPayment, Sudo and Bridge as plain Rust
//! modules, dispatched by pallet index exactly as subtensor's `construct_runtime!` numbers them.
//!
//! A block goes through [`Runtime::initialize_block`] → [`Runtime::apply_extrinsic`] per
//! extrinsic → [`Runtime::finalize_block`], all writing into one [`Ext`] (a state overlay plus the
//! block's events). `apply_extrinsic` runs the transaction-extension checks (signature, era, nonce,
//! fee) and then the call inside a transactional layer: a failed call is rolled back, but its fee
//! and nonce bump stay, and it is reported as `System.ExtrinsicFailed` with a
//! `DispatchError::Module { index, error }` that clients decode by name from the metadata.
//! The rest of the node sees only bytes in, state changes and events out.
//!
//! SubtensorModule slots in as one more module at index 7: a `subtensor.rs` with its `Call`,
//! `Event`, `Error` and storage, one variant in each outer enum below, and one entry in
//! `metadata::pallets`.

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
pub mod extrinsic;
pub mod genesis;
pub mod metadata;
pub mod payment;
pub mod subtensor;
pub mod sudo;
pub mod system;
pub mod timestamp;

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::DispatchError;
use crate::primitives::{AccountId32, Balance, BlockNumber, H256};
use crate::state::{Overlay, StateRead};

use extrinsic::{Era, Mode, UncheckedExtrinsic};

/// `spec_name` in `Core_version`.
pub const SPEC_NAME: &str = "node-subtensor";
/// `impl_name`.
pub const IMPL_NAME: &str = "tao-node";
/// Bump whenever the metadata changes (clients cache metadata by spec version).
///
/// 2: `MultiAddress` and `EventRecord` carry their type parameters (polkadot.js needs them).
/// 3: SubtensorModule, AdminUtils, Commitments, SubtensorModule's runtime APIs, and the outer
///    enums published as `node_subtensor_runtime::*`.
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
    /// SubtensorModule.
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

/// `sp_weights::Weight` (v2).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct Weight {
    /// Computation time.
    #[codec(compact)]
    pub ref_time: u64,
    /// Proof size.
    #[codec(compact)]
    pub proof_size: u64,
}

/// `frame_support::dispatch::DispatchClass`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum DispatchClass {
    /// Normal.
    Normal,
    /// Operational.
    Operational,
    /// Mandatory.
    Mandatory,
}

/// `frame_support::dispatch::Pays`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Pays {
    /// Pays fees.
    Yes,
    /// Does not.
    No,
}

/// `frame_system::DispatchEventInfo`, carried by `ExtrinsicSuccess`/`ExtrinsicFailed`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct DispatchEventInfo {
    /// Weight.
    pub weight: Weight,
    /// Class.
    pub class: DispatchClass,
    /// Whether it paid fees.
    pub pays_fee: Pays,
}

/// `frame_system::Phase`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Phase {
    /// While applying extrinsic `n`.
    ApplyExtrinsic(u32),
    /// While finalizing the block.
    Finalization,
    /// While initializing the block.
    Initialization,
}

/// `frame_system::EventRecord<RuntimeEvent, H256>`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct EventRecord {
    /// When it happened.
    pub phase: Phase,
    /// What happened.
    pub event: RuntimeEvent,
    /// Indexed topics.
    pub topics: Vec<H256>,
}

/// Written out to carry FRAME's path and type parameters: polkadot.js finds the runtime's event
/// type only through the `E` parameter of a type at path `frame_system::EventRecord`.
impl TypeInfo for EventRecord {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::{Path, TypeParameter, build::Fields, meta_type};
        scale_info::Type::builder()
            .path(Path::new("EventRecord", "frame_system"))
            .type_params(vec![
                TypeParameter::new("E", Some(meta_type::<RuntimeEvent>())),
                TypeParameter::new("T", Some(meta_type::<H256>())),
            ])
            .composite(
                Fields::named()
                    .field(|f| f.ty::<Phase>().name("phase").type_name("Phase"))
                    .field(|f| f.ty::<RuntimeEvent>().name("event").type_name("E"))
                    .field(|f| f.ty::<Vec<H256>>().name("topics").type_name("Vec<T>")),
            )
    }
}

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
    /// Weight and class of this call (flat per call: fees need only be charged and queryable).
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
            Self::SubtensorModule(c) => subtensor::dispatch(ext, origin, c),
            Self::Sudo(c) => sudo::dispatch(ext, origin, c),
            Self::Commitments(c) => commitments::dispatch::<commitments::Subtensor>(ext, origin, c),
            Self::AdminUtils(c) => subtensor::admin_utils::dispatch(ext, origin, c),
            Self::Bridge(c) => bridge::dispatch(ext, origin, c),
        }
    }
}

/// Everything the runtime writes while executing: the state overlay and this block's events.
pub struct Ext<'a> {
    /// State writes.
    pub overlay: Overlay<'a>,
    events: Vec<EventRecord>,
    event_marks: Vec<usize>,
    phase: Phase,
    block_number: BlockNumber,
}

impl<'a> Ext<'a> {
    /// A fresh context over `backend`.
    pub fn new(backend: &'a dyn StateRead) -> Self {
        Self {
            overlay: Overlay::new(backend),
            events: Vec::new(),
            event_marks: Vec::new(),
            phase: Phase::Initialization,
            block_number: 0,
        }
    }

    /// The block being built.
    pub fn block_number(&self) -> BlockNumber {
        self.block_number
    }

    /// Record an event in the current phase.
    pub fn deposit_event(&mut self, event: impl Into<RuntimeEvent>) {
        self.events.push(EventRecord { phase: self.phase, event: event.into(), topics: vec![] });
    }

    /// Events so far.
    pub fn events(&self) -> &[EventRecord] {
        &self.events
    }

    /// Run `f` in a transactional layer: its writes and events are kept only if it succeeds.
    pub fn transactional<T, E>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E> {
        self.overlay.start();
        self.event_marks.push(self.events.len());
        let r = f(self);
        let mark = self.event_marks.pop().unwrap_or(self.events.len());
        match r {
            Ok(v) => {
                self.overlay.commit();
                Ok(v)
            }
            Err(e) => {
                self.overlay.rollback();
                self.events.truncate(mark);
                Err(e)
            }
        }
    }
}

/// Why a transaction is invalid (`sp_runtime::transaction_validity::InvalidTransaction`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum InvalidTransaction {
    /// The call is not expected.
    #[error("Transaction call is not expected")]
    Call,
    /// Cannot pay the fee.
    #[error("Inability to pay some fees (e.g. account balance too low)")]
    Payment,
    /// Nonce too high.
    #[error("Transaction will be valid in the future")]
    Future,
    /// Nonce too low.
    #[error("Transaction is outdated")]
    Stale,
    /// Bad signature.
    #[error("Transaction has a bad signature")]
    BadProof,
    /// Unknown birth block.
    #[error("Transaction has an ancient birth block")]
    AncientBirthBlock,
    /// Block is full.
    #[error("Transaction would exhaust the block limits")]
    ExhaustsResources,
    /// Pallet-specific.
    #[error("Custom error: {0}")]
    Custom(u8),
    /// Mandatory dispatch error.
    #[error("A call was labelled as mandatory, but resulted in an Error.")]
    BadMandatory,
    /// Mandatory validation.
    #[error("Transaction dispatch is mandatory; transactions must not be validated.")]
    MandatoryValidation,
    /// Bad signer.
    #[error("Invalid signing address")]
    BadSigner,
}

/// `sp_runtime::transaction_validity::UnknownTransaction`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum UnknownTransaction {
    /// Cannot look up the signer.
    #[error("Could not lookup information required to validate the transaction")]
    CannotLookup,
    /// Unsigned transactions are not accepted.
    #[error("Could not find an unsigned validator for the unsigned transaction")]
    NoUnsignedValidator,
    /// Pallet-specific.
    #[error("Unknown reason: {0}")]
    Custom(u8),
}

/// `sp_runtime::transaction_validity::TransactionValidityError`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum TransactionValidityError {
    /// Invalid.
    #[error("Invalid Transaction: {0}")]
    Invalid(InvalidTransaction),
    /// Unknown validity.
    #[error("Unknown Transaction Validity: {0}")]
    Unknown(UnknownTransaction),
}

/// Why an extrinsic was refused before dispatch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// Not decodable.
    #[error("Extrinsic has invalid format: {0}")]
    BadFormat(#[from] extrinsic::DecodeXtError),
    /// Decodable but invalid.
    #[error(transparent)]
    Validity(#[from] TransactionValidityError),
}

impl From<InvalidTransaction> for TxError {
    fn from(e: InvalidTransaction) -> Self {
        Self::Validity(TransactionValidityError::Invalid(e))
    }
}

impl From<UnknownTransaction> for TxError {
    fn from(e: UnknownTransaction) -> Self {
        Self::Validity(TransactionValidityError::Unknown(e))
    }
}

/// A transaction that passed the checks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ValidTx {
    /// Signer.
    pub signer: AccountId32,
    /// Its nonce.
    pub nonce: u32,
    /// The signer's nonce in state: `nonce > account_nonce` means it must wait (future).
    pub account_nonce: u32,
    /// Fee that will be charged (incl. tip).
    pub fee: Balance,
    /// Blocks it stays valid for.
    pub longevity: u64,
    /// The decoded extrinsic.
    pub xt: UncheckedExtrinsic,
    /// Encoded length (incl. prefix).
    pub len: u32,
}

/// Facts about the block being built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BlockContext {
    /// Its number.
    pub number: BlockNumber,
    /// Its parent's hash.
    pub parent_hash: H256,
    /// Its timestamp (ms since the epoch).
    pub timestamp_ms: u64,
}

/// What applying one extrinsic did.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ApplyOutcome {
    /// The call's result (the fee was charged either way).
    pub result: DispatchResult,
    /// The signer.
    pub signer: AccountId32,
}

/// The runtime of one chain (identified by its genesis hash, which every signature commits to).
#[derive(Clone, Copy, Debug)]
pub struct Runtime {
    /// The chain's genesis hash.
    pub genesis_hash: H256,
}

impl Runtime {
    /// Start block `ctx.number`: reset events, record the parent hash, set the timestamp.
    pub fn initialize_block(&self, ext: &mut Ext<'_>, ctx: &BlockContext) {
        ext.block_number = ctx.number;
        ext.phase = Phase::Initialization;
        ext.events.clear();
        system::initialize(ext, ctx);
        timestamp::NOW.put(ext, &ctx.timestamp_ms);
    }

    /// FRAME's `initialize_block`: [`Self::initialize_block`], then every module's
    /// `on_initialize` (SubtensorModule's coinbase: emission, epochs, payouts). Block production
    /// uses this; transaction validation uses `initialize_block` alone, as FRAME's
    /// `validate_transaction` runs no hooks.
    pub fn begin_block(&self, ext: &mut Ext<'_>, ctx: &BlockContext) {
        self.initialize_block(ext, ctx);
        subtensor::on_initialize(ext);
    }

    /// Run the extension checks on an opaque extrinsic against the current overlay (which must be
    /// initialized for the block it would go into). `allow_future` admits nonces above the
    /// account's (the pool queues them).
    pub fn validate(
        &self,
        ext: &mut Ext<'_>,
        bytes: &[u8],
        allow_future: bool,
    ) -> Result<ValidTx, TxError> {
        let xt = UncheckedExtrinsic::decode_opaque(bytes)?;
        let len = u32::try_from(bytes.len()).map_err(|_| InvalidTransaction::ExhaustsResources)?;
        let Some(signed) = &xt.signed else {
            return Err(UnknownTransaction::NoUnsignedValidator.into());
        };
        let signer = signed.address.account().ok_or(UnknownTransaction::CannotLookup)?;
        if signer == AccountId32::default() {
            return Err(InvalidTransaction::BadSigner.into());
        }
        let current = u64::from(ext.block_number);
        let birth = signed.extra.era.birth(current);
        let birth_hash = if birth > current {
            return Err(InvalidTransaction::AncientBirthBlock.into());
        } else {
            let n =
                BlockNumber::try_from(birth).map_err(|_| InvalidTransaction::AncientBirthBlock)?;
            system::BLOCK_HASH.try_get(ext, &n).ok_or(InvalidTransaction::AncientBirthBlock)?
        };
        if signed.extra.mode == Mode::Enabled {
            // No metadata hash is known to this runtime, so an "enabled" payload cannot match.
            return Err(InvalidTransaction::BadProof.into());
        }
        let implicit = extrinsic::implicit(SPEC_VERSION, TX_VERSION, self.genesis_hash, birth_hash);
        let payload = extrinsic::signing_payload(&xt.call_bytes, &signed.extra_bytes, &implicit);
        if !signed.signature.verify(&payload, &signer) {
            return Err(InvalidTransaction::BadProof.into());
        }
        let account = system::ACCOUNT.get(ext, &signer);
        let nonce = signed.extra.nonce;
        if nonce < account.nonce {
            return Err(InvalidTransaction::Stale.into());
        }
        if nonce > account.nonce && !allow_future {
            return Err(InvalidTransaction::Future.into());
        }
        let fee = payment::compute_fee(len, &xt.call.info(), signed.extra.tip)
            .ok_or(InvalidTransaction::Payment)?;
        if !balances::can_withdraw_fee(&account.data, fee) {
            return Err(InvalidTransaction::Payment.into());
        }
        let longevity = match signed.extra.era {
            Era::Immortal => u64::MAX,
            Era::Mortal { period, .. } => birth.saturating_add(period).saturating_sub(current),
        };
        Ok(ValidTx {
            signer,
            nonce,
            account_nonce: account.nonce,
            fee,
            longevity,
            xt: xt.clone(),
            len,
        })
    }

    /// Apply one extrinsic as number `index` of the block: check it, charge the fee, bump the
    /// nonce, dispatch transactionally, and record `ExtrinsicSuccess`/`ExtrinsicFailed`.
    pub fn apply_extrinsic(
        &self,
        ext: &mut Ext<'_>,
        bytes: &[u8],
        index: u32,
    ) -> Result<ApplyOutcome, TxError> {
        ext.phase = Phase::ApplyExtrinsic(index);
        let valid = self.validate(ext, bytes, false)?;
        if matches!(valid.xt.call, RuntimeCall::Bridge(bridge::Call::lock { .. }))
            && bridge::locks_full(ext)
        {
            // Block full of locks (one mint batch): the transaction waits for the next block.
            return Err(InvalidTransaction::ExhaustsResources.into());
        }
        let info = valid.xt.call.info();
        let tip = valid.xt.signed.as_ref().map_or(0, |s| s.extra.tip);
        payment::charge(ext, &valid.signer, valid.fee, tip)
            .map_err(|_| InvalidTransaction::Payment)?;
        system::inc_nonce(ext, &valid.signer);
        let result = ext
            .transactional(|ext| valid.xt.call.clone().dispatch(ext, Origin::Signed(valid.signer)));
        match result {
            Ok(()) => ext.deposit_event(system::Event::ExtrinsicSuccess { dispatch_info: info }),
            Err(e) => ext.deposit_event(system::Event::ExtrinsicFailed {
                dispatch_error: e,
                dispatch_info: info,
            }),
        }
        system::note_applied(ext);
        Ok(ApplyOutcome { result, signer: valid.signer })
    }

    /// Finish the block: module `on_finalize` hooks, then write its events to `System.Events`.
    pub fn finalize_block(&self, ext: &mut Ext<'_>) {
        ext.phase = Phase::Finalization;
        subtensor::on_finalize(ext);
        let events = std::mem::take(&mut ext.events);
        system::store_events(ext, &events);
        ext.events = events;
    }
}

#[cfg(test)]
pub(crate) mod tests;
