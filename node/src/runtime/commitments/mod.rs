//! Commitments (index 18): a neuron publishes a few small fields on its subnet, as Bittensor's
//! `pallet_commitments` — same call indices, storage, events, errors, limits and types, so the
//! `bittensor` SDK's metagraph (which reads `CommitmentOf` and `RevealedCommitments` on every
//! call) and miners publishing their work use it unchanged.
//!
//! `set_commitment(netuid, info)` is allowed to a hotkey registered on `netuid`; `info` holds at
//! most [`MAX_FIELDS`] fields, and the bytes committed by one `(netuid, hotkey)` within one epoch
//! of the subnet may not exceed `MaxSpace` (3100 by default; every commitment counts at least
//! 100). A `ResetBondsFlag` field asks SubtensorModule to reset the committer's bonds. What the
//! pallet needs of SubtensorModule is the [`SubnetHooks`] trait (subtensor's `CanCommit`,
//! `GetTempoInterface` and `OnMetadataCommitment`).
//!
//! Left out, and why: deposits (subtensor's runtime sets both to zero, so none is reserved), and
//! the reveal of `TimelockEncrypted` fields, which needs drand pulses this chain does not have;
//! such fields are stored and indexed in `TimelockedIndex` but never move to
//! `RevealedCommitments`, which stays declared (and empty) for clients.

pub mod types;

use std::collections::BTreeSet;

use frame_metadata::v14::{PalletConstantMetadata, StorageEntryMetadata};
use parity_scale_codec::{Decode, Encode};
use scale_info::{TypeInfo, meta_type};

use crate::primitives::{AccountId32, Balance, BlockNumber};
use crate::storage::{Hasher, StorageDoubleMap, StorageValue};

use super::{DispatchResult, Ext, Origin, index, subtensor};

pub use types::{BoundedVec, CommitmentInfo, Data, Registration, UsageTracker};

const P: &str = "Commitments";

pub use super::subtensor::NetUid;

/// Most fields one commitment may hold (subtensor's `MaxCommitFields`).
pub const MAX_FIELDS: u32 = 3;
/// Deposit for a commitment (subtensor's `CommitmentInitialDeposit`: free).
pub const INITIAL_DEPOSIT: Balance = 0;
/// Deposit per field (subtensor's `CommitmentFieldDeposit`: free).
pub const FIELD_DEPOSIT: Balance = 0;
/// `MaxSpace` until root sets another.
pub const DEFAULT_MAX_SPACE: u32 = 3100;
/// Least space one `set_commitment` uses, however small.
pub const MIN_USED_SPACE: u64 = 100;

/// `Commitments.TimelockedIndex`: every `(netuid, hotkey)` whose commitment has a timelocked
/// field.
pub const TIMELOCKED_INDEX: StorageValue<BTreeSet<(NetUid, AccountId32)>> =
    StorageValue::new(P, "TimelockedIndex");
/// `Commitments.CommitmentOf`: the current commitment of a hotkey on a subnet.
pub const COMMITMENT_OF: StorageDoubleMap<NetUid, AccountId32, Registration> =
    StorageDoubleMap::new(P, "CommitmentOf", Hasher::Identity, Hasher::Twox64Concat);
/// `Commitments.LastCommitment`: block of the last commitment.
pub const LAST_COMMITMENT: StorageDoubleMap<NetUid, AccountId32, BlockNumber> =
    StorageDoubleMap::new(P, "LastCommitment", Hasher::Identity, Hasher::Twox64Concat);
/// `Commitments.LastBondsReset`: block of the last `ResetBondsFlag`.
pub const LAST_BONDS_RESET: StorageDoubleMap<NetUid, AccountId32, BlockNumber> =
    StorageDoubleMap::new(P, "LastBondsReset", Hasher::Identity, Hasher::Twox64Concat);
/// `Commitments.RevealedCommitments`: revealed timelocked data and the block of its reveal.
pub const REVEALED_COMMITMENTS: StorageDoubleMap<NetUid, AccountId32, Vec<(Vec<u8>, u64)>> =
    StorageDoubleMap::new(P, "RevealedCommitments", Hasher::Identity, Hasher::Twox64Concat);
/// `Commitments.UsedSpaceOf`: space used in the current epoch.
pub const USED_SPACE_OF: StorageDoubleMap<NetUid, AccountId32, UsageTracker> =
    StorageDoubleMap::new(P, "UsedSpaceOf", Hasher::Identity, Hasher::Twox64Concat);
/// `Commitments.MaxSpace`: bytes one hotkey may commit per subnet epoch.
pub const MAX_SPACE: StorageValue<u32> = StorageValue::new(P, "MaxSpace");

/// Commitments calls (indices as `pallet_commitments`).
#[allow(non_camel_case_types)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Set the signer's commitment on `netuid`.
    #[codec(index = 0)]
    set_commitment {
        /// The subnet.
        netuid: NetUid,
        /// The fields.
        info: Box<CommitmentInfo>,
    },
    /// Root: set `MaxSpace`.
    #[codec(index = 2)]
    set_max_space {
        /// Bytes per hotkey, subnet and epoch.
        new_limit: u32,
    },
}

/// Commitments events (indices as `pallet_commitments`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A commitment was set.
    #[codec(index = 0)]
    Commitment {
        /// The subnet.
        netuid: NetUid,
        /// The committer (a hotkey).
        who: AccountId32,
    },
    /// A timelock-encrypted commitment was set.
    #[codec(index = 1)]
    TimelockCommitment {
        /// The subnet.
        netuid: NetUid,
        /// The committer.
        who: AccountId32,
        /// The drand round that reveals it.
        reveal_round: u64,
    },
    /// A timelock-encrypted commitment was revealed.
    #[codec(index = 2)]
    CommitmentRevealed {
        /// The subnet.
        netuid: NetUid,
        /// The committer.
        who: AccountId32,
    },
}

impl From<Event> for super::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::Commitments(e)
    }
}

/// Commitments errors (order as `pallet_commitments`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[repr(u8)]
pub enum Error {
    /// The commitment has more than [`MAX_FIELDS`] fields.
    TooManyFieldsInCommitmentInfo = 0,
    /// The signer is not a hotkey registered on the subnet.
    AccountNotAllowedCommit = 1,
    /// The signer used up its space for this epoch (`MaxSpace`).
    SpaceLimitExceeded = 2,
    /// A deposit could not be returned in full.
    UnexpectedUnreserveLeftover = 3,
}
super::module_error!(Error, index::COMMITMENTS);

/// What the pallet needs of SubtensorModule.
pub trait SubnetHooks {
    /// May `who` commit on `netuid` (is it a hotkey registered there)?
    fn can_commit(ext: &mut Ext<'_>, netuid: NetUid, who: &AccountId32) -> bool;
    /// The subnet's epoch at `block`: the space limit counts per epoch.
    fn epoch_index(ext: &mut Ext<'_>, netuid: NetUid, block: u64) -> u64;
    /// `who` committed a `ResetBondsFlag` on `netuid`.
    fn on_reset_bonds(ext: &mut Ext<'_>, netuid: NetUid, who: &AccountId32);
}

/// The hooks of this runtime: SubtensorModule's registrations and epochs.
pub struct Subtensor;

impl SubnetHooks for Subtensor {
    fn can_commit(ext: &mut Ext<'_>, netuid: NetUid, who: &AccountId32) -> bool {
        subtensor::storage::UIDS.try_get(ext, &netuid, who).is_some()
    }
    fn epoch_index(ext: &mut Ext<'_>, netuid: NetUid, _block: u64) -> u64 {
        subtensor::storage::SUBNET_EPOCH_INDEX.get(ext, &netuid)
    }
    fn on_reset_bonds(_ext: &mut Ext<'_>, _netuid: NetUid, _who: &AccountId32) {}
}

/// The pallet's storage entries for the metadata, in declaration order.
pub fn storage_metadata() -> Vec<StorageEntryMetadata> {
    vec![
        TIMELOCKED_INDEX.meta(
            Some(BTreeSet::new()),
            "Tracks all CommitmentOf that have at least one timelocked field.",
        ),
        COMMITMENT_OF.meta(None, "Identity data by account"),
        LAST_COMMITMENT.meta(None, "Block of the last commitment."),
        LAST_BONDS_RESET.meta(None, "Block of the last bonds reset."),
        REVEALED_COMMITMENTS.meta(None, "Revealed commitments and the block of their reveal."),
        USED_SPACE_OF.meta(None, "Maps (netuid, who) -> usage in the current epoch."),
        MAX_SPACE.meta(Some(DEFAULT_MAX_SPACE), "The maximum space per user per epoch."),
    ]
}

/// The pallet's constants for the metadata: `(name, SCALE value, type, docs)`.
pub fn constants_metadata() -> Vec<PalletConstantMetadata> {
    fn constant<T: Encode + TypeInfo + 'static>(
        name: &'static str,
        value: T,
        doc: &'static str,
    ) -> PalletConstantMetadata {
        PalletConstantMetadata {
            name,
            ty: meta_type::<T>(),
            value: value.encode(),
            docs: vec![doc],
        }
    }
    vec![
        constant("MaxFields", MAX_FIELDS, "The maximum number of additional fields."),
        constant("InitialDeposit", INITIAL_DEPOSIT, "The deposit held for a commitment."),
        constant("FieldDeposit", FIELD_DEPOSIT, "The deposit held per additional field."),
    ]
}

/// Dispatch a Commitments call; `H` connects it to SubtensorModule.
pub fn dispatch<H: SubnetHooks>(ext: &mut Ext<'_>, origin: Origin, call: Call) -> DispatchResult {
    match call {
        Call::set_commitment { netuid, info } => set_commitment::<H>(ext, origin, netuid, *info),
        Call::set_max_space { new_limit } => {
            origin.root()?;
            MAX_SPACE.put(ext, &new_limit);
            Ok(())
        }
    }
}

/// `MaxSpace`, or its default when never set.
pub fn max_space(ext: &mut Ext<'_>) -> u32 {
    MAX_SPACE.try_get(ext).unwrap_or(DEFAULT_MAX_SPACE)
}

fn set_commitment<H: SubnetHooks>(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    info: CommitmentInfo,
) -> DispatchResult {
    let who = origin.signed()?;
    if !H::can_commit(ext, netuid, &who) {
        return Err(Error::AccountNotAllowedCommit.into());
    }
    let fields = info.fields.as_slice();
    // Decoding already refuses more than MAX_FIELDS; kept as subtensor checks it.
    if fields.len() > MAX_FIELDS as usize {
        return Err(Error::TooManyFieldsInCommitmentInfo.into());
    }
    let block = ext.block_number();
    let required = fields
        .iter()
        .fold(0u64, |sum, f| sum.saturating_add(f.len_for_rate_limit()))
        .max(MIN_USED_SPACE);
    let epoch = H::epoch_index(ext, netuid, u64::from(block));
    let mut usage = USED_SPACE_OF.try_get(ext, &netuid, &who).unwrap_or_default();
    if usage.last_epoch != epoch {
        usage = UsageTracker { last_epoch: epoch, used_space: 0 };
    }
    if fields.iter().any(|f| matches!(f, Data::ResetBondsFlag)) {
        LAST_BONDS_RESET.insert(ext, &netuid, &who, &block);
        H::on_reset_bonds(ext, netuid, &who);
    }
    let used = usage.used_space.saturating_add(required);
    if used > u64::from(max_space(ext)) {
        return Err(Error::SpaceLimitExceeded.into());
    }
    usage.used_space = used;
    USED_SPACE_OF.insert(ext, &netuid, &who, &usage);

    let reveal_round = fields.iter().find_map(|f| match f {
        Data::TimelockEncrypted { reveal_round, .. } => Some(*reveal_round),
        _ => None,
    });
    // Deposits are zero (INITIAL_DEPOSIT, FIELD_DEPOSIT), so nothing is reserved or returned.
    let deposit = INITIAL_DEPOSIT.saturating_add(FIELD_DEPOSIT.saturating_mul(fields.len() as u64));
    COMMITMENT_OF.insert(ext, &netuid, &who, &Registration { deposit, block, info });
    LAST_COMMITMENT.insert(ext, &netuid, &who, &block);

    let mut index = TIMELOCKED_INDEX.try_get(ext).unwrap_or_default();
    match reveal_round {
        Some(reveal_round) => {
            ext.deposit_event(Event::TimelockCommitment { netuid, who, reveal_round });
            index.insert((netuid, who));
        }
        None => {
            ext.deposit_event(Event::Commitment { netuid, who });
            index.remove(&(netuid, who));
        }
    }
    TIMELOCKED_INDEX.put(ext, &index);
    Ok(())
}

#[cfg(test)]
mod tests;
