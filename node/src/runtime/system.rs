//! System (index 0): accounts and nonces, block number and hashes, events.
//!
//! Storage and types mirror `frame_system` as subtensor configures it (`AccountInfo<u32,
//! AccountData<u64>>`, `BlockHash` kept for 2400 blocks for era checks), so a client reading
//! `System.Account` or `System.Events` gets the shapes it expects.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::DispatchError;
use crate::primitives::{AccountId32, Balance, BlockNumber, Digest, H256, Nonce, blake2_256};
use crate::storage::{Hasher, StorageMap, StorageValue};

use super::{BlockContext, DispatchEventInfo, DispatchResult, EventRecord, Ext, Origin, index};

const P: &str = "System";

/// Block hashes kept for era checks (as subtensor's `BlockHashCount`).
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;

/// `pallet_balances::AccountData<u64>`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct AccountData {
    /// Free balance.
    pub free: Balance,
    /// Reserved balance.
    pub reserved: Balance,
    /// Frozen balance.
    pub frozen: Balance,
    /// `ExtraFlags(u128)`.
    pub flags: u128,
}

/// `frame_system::AccountInfo<u32, AccountData>`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct AccountInfo {
    /// Transactions sent.
    pub nonce: Nonce,
    /// Consumers.
    pub consumers: u32,
    /// Providers (1 while the account holds at least the existential deposit).
    pub providers: u32,
    /// Sufficients.
    pub sufficients: u32,
    /// Balances.
    pub data: AccountData,
}

/// `System.Account`.
pub const ACCOUNT: StorageMap<AccountId32, AccountInfo> =
    StorageMap::new(P, "Account", Hasher::Blake2_128Concat);
/// `System.ExtrinsicCount`.
pub const EXTRINSIC_COUNT: StorageValue<u32> = StorageValue::new(P, "ExtrinsicCount");
/// `System.BlockHash`.
pub const BLOCK_HASH: StorageMap<BlockNumber, H256> =
    StorageMap::new(P, "BlockHash", Hasher::Twox64Concat);
/// `System.Number`.
pub const NUMBER: StorageValue<BlockNumber> = StorageValue::new(P, "Number");
/// `System.ParentHash`.
pub const PARENT_HASH: StorageValue<H256> = StorageValue::new(P, "ParentHash");
/// `System.Digest`.
pub const DIGEST: StorageValue<Digest> = StorageValue::new(P, "Digest");
/// `System.Events`.
pub const EVENTS: StorageValue<Vec<EventRecord>> = StorageValue::new(P, "Events");
/// `System.EventCount`.
pub const EVENT_COUNT: StorageValue<u32> = StorageValue::new(P, "EventCount");

/// System calls (indices as `frame_system`).
#[allow(non_camel_case_types)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Make some on-chain remark.
    #[codec(index = 0)]
    remark {
        /// Remark bytes.
        remark: Vec<u8>,
    },
    /// Make an on-chain remark and emit `Remarked`.
    #[codec(index = 7)]
    remark_with_event {
        /// Remark bytes.
        remark: Vec<u8>,
    },
}

/// System events (indices as `frame_system`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An extrinsic completed successfully.
    #[codec(index = 0)]
    ExtrinsicSuccess {
        /// Weight, class, fee.
        dispatch_info: DispatchEventInfo,
    },
    /// An extrinsic failed.
    #[codec(index = 1)]
    ExtrinsicFailed {
        /// Why.
        dispatch_error: DispatchError,
        /// Weight, class, fee.
        dispatch_info: DispatchEventInfo,
    },
    /// A new account was created.
    #[codec(index = 3)]
    NewAccount {
        /// The account.
        account: AccountId32,
    },
    /// An account was reaped.
    #[codec(index = 4)]
    KilledAccount {
        /// The account.
        account: AccountId32,
    },
    /// On-chain remark happened.
    #[codec(index = 5)]
    Remarked {
        /// Who.
        sender: AccountId32,
        /// blake2-256 of the remark.
        hash: H256,
    },
}

impl From<Event> for super::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::System(e)
    }
}

/// System errors (order as `frame_system`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[repr(u8)]
pub enum Error {
    /// The name of specification does not match between the current runtime and the new one.
    InvalidSpecName = 0,
    /// The specification version is not allowed to decrease.
    SpecVersionNeedsToIncrease = 1,
    /// Failed to extract the runtime version from the new runtime.
    FailedToExtractRuntimeVersion = 2,
    /// Suicide called when the account has non-default composite data.
    NonDefaultComposite = 3,
    /// There is a non-zero reference count preventing the account from being purged.
    NonZeroRefCount = 4,
    /// The origin filter prevent the call to be dispatched.
    CallFiltered = 5,
}
super::module_error!(Error, index::SYSTEM);

/// Dispatch a System call.
pub fn dispatch(ext: &mut Ext<'_>, origin: Origin, call: Call) -> DispatchResult {
    let who = origin.signed();
    match call {
        Call::remark { .. } => Ok(()),
        Call::remark_with_event { remark } => {
            let sender = who?;
            ext.deposit_event(Event::Remarked { sender, hash: H256(blake2_256(&remark)) });
            Ok(())
        }
    }
}

/// Block start: number, parent hash, `BlockHash[n-1]`, prune the hash older than the window.
pub fn initialize(ext: &mut Ext<'_>, ctx: &BlockContext) {
    NUMBER.put(ext, &ctx.number);
    PARENT_HASH.put(ext, &ctx.parent_hash);
    DIGEST.put(ext, &Digest::default());
    EVENTS.kill(ext);
    EVENT_COUNT.kill(ext);
    EXTRINSIC_COUNT.kill(ext);
    if let Some(parent) = ctx.number.checked_sub(1) {
        BLOCK_HASH.insert(ext, &parent, &ctx.parent_hash);
        if let Some(old) = parent.checked_sub(BLOCK_HASH_COUNT)
            && old > 0
        {
            BLOCK_HASH.remove(ext, &old);
        }
    }
}

/// Bump `who`'s nonce.
pub fn inc_nonce(ext: &mut Ext<'_>, who: &AccountId32) {
    let mut acc = ACCOUNT.get(ext, who);
    acc.nonce = acc.nonce.wrapping_add(1);
    ACCOUNT.insert(ext, who, &acc);
}

/// Count one applied extrinsic.
pub fn note_applied(ext: &mut Ext<'_>) {
    let n = EXTRINSIC_COUNT.get(ext).saturating_add(1);
    EXTRINSIC_COUNT.put(ext, &n);
}

/// Write the block's events.
pub fn store_events(ext: &mut Ext<'_>, events: &[EventRecord]) {
    EVENTS.put(ext, &events.to_vec());
    EVENT_COUNT.put(ext, &u32::try_from(events.len()).unwrap_or(u32::MAX));
}
