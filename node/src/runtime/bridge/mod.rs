//! Bridge (index 40): TAO custody for wTAO on Ethereum.
//!
//! TAO → Ethereum ([`mint`]):
//!
//! * `lock(amount, eth_recipient)` moves TAO into the custody account and emits
//!   `Locked { nonce, from, eth_recipient, amount }` with a strictly increasing nonce. The locks of
//!   each block are also kept in `LocksByBlock`, in nonce order: that list is the mint batch the
//!   relayers sign (DESIGN §5), so `attest` can recompute the digest later.
//! * `attest(block, signature)` stores a relayer's EIP-712 signature of block `block`'s mint batch
//!   after checking it: the digest is recomputed (`wtao-bridge-types::mint_batch_digest`) from
//!   `LocksByBlock[block]` with the EVM domain in storage, and the recovered address (low-s, v
//!   27/28, exactly what TaoBridge accepts) must be in the relayer set. Whoever collects
//!   `Threshold` attestations of a block can submit `TaoBridge.mint(batch, sigs)`.
//!
//! **A block's batch mints whole or not at all**, so the node refuses at `lock()` every lock
//! that would make TaoBridge refuse the batch (issue 17) — one bad lock must never strand the
//! other locks of its block:
//!
//! | TaoBridge refuses a batch when | the node, at `lock()` |
//! |---|---|
//! | an amount is zero | [`Error::ZeroAmount`] |
//! | a recipient is `address(0)` | [`Error::ZeroRecipient`] |
//! | a recipient is the bridge proxy (the domain's verifying contract) | [`Error::RecipientIsBridge`] |
//! | an amount is above `MAX_CAPACITY` (2^56 − 1 rao) | [`Error::AmountAboveMaxCapacity`] |
//! | the batch total is above the mint bucket's capacity: it can never mint | one lock above `MintCapacity`: [`Error::AmountAboveMintCapacity`]; a lock that would push its block's total above it waits for the next block, like a lock into a full block |
//! | the batch total is above what the bucket holds now, but within capacity | nothing: the batch mints once the bucket refills (at most one window) |
//! | a nonce was minted before | nonces come from `NextLockNonce`, strictly increasing; after a regenesis against a deployed bridge, genesis sets `nextLockNonce` past every nonce it used |
//! | the batch costs more gas than one transaction may use | at most [`MAX_LOCKS_PER_BLOCK`] locks per block |
//! | the batch is empty; a nonce or recipient has dirty high bits; nonces not increasing | cannot happen: only blocks with locks are batches; the types are `u64`/`H160`; nonces are assigned in order |
//!
//! **Capacity: mirrored, not split.** `MintCapacity` mirrors the capacity of TaoBridge's mint
//! bucket (`mintLimit().capacity`), set at genesis (`mintCapacity`, default the devnet's
//! 100,000 TAO) and by root (`set_mint_capacity`). A block's batch total never exceeds it, so
//! every batch fits a full bucket and mints within one refill window at most. The alternative —
//! cutting one block's locks into several batches — would change what a batch is (DESIGN §5: all
//! locks of one block) for the relayers, the attestations and the digest, and still needs the
//! node to know the capacity to cut at. A lock waiting for the next block costs nothing (it is
//! not applied, so no fee). The two values are kept equal by procedure (`contracts/README.md`,
//! "Changing the mint limit"): raise the EVM capacity first, then the node's; lower the node's
//! first, then the EVM's once every batch built under the old value has minted.
//!
//! **Gas: [`MAX_LOCKS_PER_BLOCK`] = 192, not 512.** One batch is one Ethereum transaction, and
//! EIP-7825 (Osaka) caps a transaction at 2^24 = 16,777,216 gas. Nothing on this side tells a
//! cheap recipient from an expensive one, and the most expensive is cheap to make: a fresh
//! address that delegated its (zero) votes to a delegatee with no checkpoint yet, so its mint
//! also writes that delegatee's first checkpoint — 79,282 gas per transfer instead of 29,696
//! (`TaoBridgeGasDelegatedTest` in `contracts/test/TaoBridge.gas.t.sol`). 512 such locks need
//! ~40 M gas, more than a 30 M block, and the cross-component property test found a batch of 327
//! out of gas under the cap. 192 of them, opening a new bitmap word and signed by the largest
//! set TaoBridge allows (255 of 255 relayers), measure 16,447,225 gas (`TaoBridgeGasMaxBatchTest`):
//! under the cap for any relayer set. Typical locks (~30,000 gas each) make a 192-lock batch of
//! ~6 M gas; 192 locks per 12 s block is still 16 locks a second.
//!
//! **Recovering a batch that is stuck anyway** (a capacity lowered out of order on Ethereum, a
//! domain changed under pending locks, a batch from before these checks): `recover_batch(block,
//! refund)` by root, only after governance voided every nonce of that batch on Ethereum
//! (`TaoBridge.voidNonces`, which reverts if any was minted) and that is final. Each lock of the
//! block is then settled once: refunded to its sender from custody (`LockRefunded`) if its nonce
//! is in `refund`, otherwise re-locked under a new nonce in the current block (`Locked` +
//! `LockRelocked`), passing the same checks as a new lock. The old batch is removed with its
//! attestations. Voiding first means no state allows both a mint and a refund: until the void,
//! the node still holds the locks; after it, the old nonces can never mint. The whole procedure
//! is in `contracts/README.md`.
//!
//! Ethereum → TAO ([`release`]):
//!
//! * `approve_release(eth_chain_id, burn_nonce, recipient, amount)` from a registered relayer
//!   account. Approvals for one `(eth_chain_id, burn_nonce)` must all name the same
//!   `(recipient, amount)`; at `Threshold` approvals the custody pays the recipient and emits
//!   `Released`. A mismatching approval emits `ReleaseConflict` and blocks the nonce until root
//!   (sudo on the devnet) calls `resolve_conflict`. A released nonce is never released again.
//! * Releases are rate limited: at most `RateLimit.max_amount` rao per window of
//!   `RateLimit.window_blocks` blocks (0 = unlimited). A release over the limit fails (the last
//!   approval is rolled back), so the relayer simply retries in a later window.
//!
//! Relayer set, threshold, rate limit, mint capacity and the EVM domain (chain id, bridge
//! contract) are storage, changed by root.

mod mint;
mod release;

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::DispatchError;
use crate::primitives::{AccountId32, Balance, BlockNumber, H160};
use crate::storage::{Hasher, StorageDoubleMap, StorageMap, StorageValue};

use super::{DispatchResult, Ext, Origin, index};

pub use mint::{batch_digest, lock_must_wait, locks_full, mint_capacity};

const P: &str = "Bridge";

/// `PalletId` of the bridge; the custody account is `b"modl" ++ id ++ zeros`, as FRAME derives
/// pallet accounts.
pub const PALLET_ID: [u8; 8] = *b"wtao/brg";

/// Most `lock`s one block takes: a block's locks are one mint batch, minted on Ethereum in one
/// transaction, which must fit EIP-7825's 2^24 gas even when every recipient is the most
/// expensive kind (see the module docs; `contracts/test/TaoBridge.gas.t.sol` checks this value).
/// Further locks wait in the pool for the next block (the extrinsic is not applied, so no fee is
/// lost).
pub const MAX_LOCKS_PER_BLOCK: usize = 192;

/// `TaoBridge.MAX_CAPACITY`: the contract refuses a single mint above 2^56 − 1 rao, and no
/// bucket capacity may exceed it.
pub const MAX_CAPACITY: Balance = (1 << 56) - 1;

/// The devnet's mint capacity, 100,000 TAO (what `Deploy.s.sol` deploys on the devnet): the
/// default of the chain spec's `mintCapacity`, and what a state without `Bridge.MintCapacity` (a
/// database from before it existed) reads.
pub const DEFAULT_MINT_CAPACITY: Balance = 100_000_000_000_000;

/// The custody account holding locked TAO.
pub fn custody_account() -> AccountId32 {
    let mut a = [0u8; 32];
    let (modl, rest) = a.split_at_mut(4);
    modl.copy_from_slice(b"modl");
    if let Some(id) = rest.get_mut(..8) {
        id.copy_from_slice(&PALLET_ID);
    }
    AccountId32(a)
}

/// A lock as recorded for the mint batch: [`wtao_bridge_types::Lock`] in the node's SCALE types.
///
/// Kept as its own type because storage and metadata name it (`Bridge.LocksByBlock`, with these
/// field names and the node's `AccountId32`/`H160`); the two convert 1:1 with `From`, here and
/// nowhere else.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct LockRecord {
    /// Lock nonce.
    pub nonce: u64,
    /// Who locked.
    pub from: AccountId32,
    /// Ethereum recipient.
    pub eth_recipient: H160,
    /// Amount (rao = wTAO base units).
    pub amount: Balance,
}

impl From<LockRecord> for wtao_bridge_types::Lock {
    fn from(record: LockRecord) -> Self {
        let LockRecord { nonce, from, eth_recipient, amount } = record;
        Self {
            nonce,
            tao_sender: wtao_bridge_types::B256::from(from.0),
            recipient: wtao_bridge_types::Address::from(eth_recipient.0),
            amount: wtao_bridge_types::Rao(amount),
        }
    }
}

impl From<wtao_bridge_types::Lock> for LockRecord {
    fn from(lock: wtao_bridge_types::Lock) -> Self {
        let wtao_bridge_types::Lock { nonce, tao_sender, recipient, amount } = lock;
        Self {
            nonce,
            from: AccountId32(tao_sender.0),
            eth_recipient: H160(recipient.into_array()),
            amount: amount.0,
        }
    }
}

impl From<LockRecord> for wtao_bridge_types::Mint {
    fn from(record: LockRecord) -> Self {
        wtao_bridge_types::Lock::from(record).into()
    }
}

/// One relayer: its TAO account (for `approve_release`) and Ethereum address (for `attest`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Relayer {
    /// sr25519 account.
    pub account: AccountId32,
    /// secp256k1 address.
    pub eth_address: H160,
}

/// The release everyone must agree on, and who approved it.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct PendingRelease {
    /// Recipient on TAO.
    pub recipient: AccountId32,
    /// Amount.
    pub amount: Balance,
    /// Relayers that approved.
    pub approvals: Vec<AccountId32>,
    /// Set when a mismatching approval arrived: the nonce is blocked until root resolves it.
    pub conflicted: bool,
}

/// Release rate limit.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct RateLimit {
    /// Window length in blocks (0 = no limit).
    pub window_blocks: BlockNumber,
    /// Max rao released per window.
    pub max_amount: Balance,
}

/// Usage of the current window.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct WindowUsage {
    /// First block of the window.
    pub start: BlockNumber,
    /// Released so far in it.
    pub released: Balance,
}

/// The EIP-712 domain the relayers sign mint batches for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct EvmDomain {
    /// EVM chain id.
    pub chain_id: u64,
    /// TaoBridge (proxy) address.
    pub verifying_contract: H160,
}

/// `Bridge.NextLockNonce`.
pub const NEXT_LOCK_NONCE: StorageValue<u64> = StorageValue::new(P, "NextLockNonce");
/// `Bridge.LocksByBlock`: the locks of each block, in nonce order (the mint batch).
pub const LOCKS_BY_BLOCK: StorageMap<BlockNumber, Vec<LockRecord>> =
    StorageMap::new(P, "LocksByBlock", Hasher::Twox64Concat);
/// `Bridge.Attestations`: relayer signatures of each block's mint batch, by signer address.
pub const ATTESTATIONS: StorageDoubleMap<BlockNumber, H160, Vec<u8>> =
    StorageDoubleMap::new(P, "Attestations", Hasher::Twox64Concat, Hasher::Identity);
/// `Bridge.Relayers`.
pub const RELAYERS: StorageValue<Vec<Relayer>> = StorageValue::new(P, "Relayers");
/// `Bridge.Threshold`.
pub const THRESHOLD: StorageValue<u32> = StorageValue::new(P, "Threshold");
/// `Bridge.Domain`.
pub const DOMAIN: StorageValue<EvmDomain> = StorageValue::new(P, "Domain");
/// `Bridge.Pending`: approvals per `(eth_chain_id, burn_nonce)`.
pub const PENDING: StorageMap<(u64, u64), PendingRelease> =
    StorageMap::new(P, "Pending", Hasher::Blake2_128Concat);
/// `Bridge.Released`: block in which `(eth_chain_id, burn_nonce)` was released.
pub const RELEASED: StorageMap<(u64, u64), BlockNumber> =
    StorageMap::new(P, "Released", Hasher::Blake2_128Concat);
/// `Bridge.Limit`.
pub const LIMIT: StorageValue<RateLimit> = StorageValue::new(P, "Limit");
/// `Bridge.Window`.
pub const WINDOW: StorageValue<WindowUsage> = StorageValue::new(P, "Window");
/// `Bridge.MintCapacity`: the capacity (rao) of TaoBridge's mint bucket, mirrored; no block's
/// batch total exceeds it. Absent reads as [`DEFAULT_MINT_CAPACITY`] ([`mint_capacity`]).
pub const MINT_CAPACITY: StorageValue<Balance> = StorageValue::new(P, "MintCapacity");

/// Bridge calls.
#[allow(non_camel_case_types)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Lock `amount` rao for `eth_recipient` on Ethereum.
    #[codec(index = 0)]
    lock {
        /// Amount (rao).
        #[codec(compact)]
        amount: Balance,
        /// Recipient of the wTAO.
        eth_recipient: H160,
    },
    /// Store a relayer's EIP-712 signature of block `block`'s mint batch.
    #[codec(index = 1)]
    attest {
        /// The TAO block whose locks form the batch.
        block: BlockNumber,
        /// 65-byte `r ++ s ++ v` signature of the batch digest.
        signature: Vec<u8>,
    },
    /// A relayer approves releasing a burn from Ethereum.
    #[codec(index = 2)]
    approve_release {
        /// EVM chain id the burn happened on.
        eth_chain_id: u64,
        /// The burn's nonce.
        burn_nonce: u64,
        /// TAO recipient.
        recipient: AccountId32,
        /// Amount (rao).
        #[codec(compact)]
        amount: Balance,
    },
    /// Root: replace the relayer set and threshold.
    #[codec(index = 3)]
    set_relayers {
        /// New set.
        relayers: Vec<Relayer>,
        /// Approvals (and signatures) needed.
        threshold: u32,
    },
    /// Root: settle a conflicted (or stuck) release: pay `release` if given, else clear the
    /// approvals so the relayers can approve afresh.
    #[codec(index = 4)]
    resolve_conflict {
        /// EVM chain id.
        eth_chain_id: u64,
        /// Burn nonce.
        burn_nonce: u64,
        /// The release to execute, if any.
        release: Option<(AccountId32, Balance)>,
    },
    /// Root: set the release rate limit.
    #[codec(index = 5)]
    set_rate_limit {
        /// Window length (0 = unlimited).
        window_blocks: BlockNumber,
        /// Max per window.
        max_amount: Balance,
    },
    /// Root: set the EIP-712 domain.
    #[codec(index = 6)]
    set_domain {
        /// The domain.
        domain: EvmDomain,
    },
    /// Root: mirror TaoBridge's mint capacity (`mintLimit().capacity`). Lower it here before
    /// lowering it on Ethereum; raise it here after raising it there.
    #[codec(index = 7)]
    set_mint_capacity {
        /// Capacity in rao, `1..=MAX_CAPACITY`.
        #[codec(compact)]
        capacity: Balance,
    },
    /// Root: settle every lock of block `block`'s batch after governance voided all of its
    /// nonces on Ethereum (`TaoBridge.voidNonces`): refund the locks in `refund` to their
    /// senders, re-lock the others under new nonces in the current block.
    #[codec(index = 8)]
    recover_batch {
        /// The TAO block whose batch can never mint.
        block: BlockNumber,
        /// Nonces of that batch to refund on TAO; the rest are re-locked.
        refund: Vec<u64>,
    },
}

/// Bridge events.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// TAO was locked for minting on Ethereum.
    #[codec(index = 0)]
    Locked {
        /// Lock nonce.
        nonce: u64,
        /// Who locked.
        from: AccountId32,
        /// Ethereum recipient.
        eth_recipient: H160,
        /// Amount.
        amount: Balance,
    },
    /// A relayer's signature of a block's mint batch was verified and stored.
    #[codec(index = 1)]
    Attested {
        /// The TAO block.
        block: BlockNumber,
        /// The relayer's Ethereum address (recovered from the signature).
        relayer: H160,
        /// The signature.
        signature: Vec<u8>,
    },
    /// A relayer approved a release.
    #[codec(index = 2)]
    ReleaseApproved {
        /// EVM chain id.
        eth_chain_id: u64,
        /// Burn nonce.
        burn_nonce: u64,
        /// Relayer.
        relayer: AccountId32,
        /// Approvals so far.
        approvals: u32,
    },
    /// A burn was released to its TAO recipient.
    #[codec(index = 3)]
    Released {
        /// EVM chain id.
        eth_chain_id: u64,
        /// Burn nonce.
        burn_nonce: u64,
        /// Recipient.
        recipient: AccountId32,
        /// Amount.
        amount: Balance,
    },
    /// A relayer's approval disagreed with earlier ones; the nonce is blocked.
    #[codec(index = 4)]
    ReleaseConflict {
        /// EVM chain id.
        eth_chain_id: u64,
        /// Burn nonce.
        burn_nonce: u64,
        /// The dissenting relayer.
        relayer: AccountId32,
        /// What it claimed.
        recipient: AccountId32,
        /// What it claimed.
        amount: Balance,
    },
    /// Root settled a release.
    #[codec(index = 5)]
    ConflictResolved {
        /// EVM chain id.
        eth_chain_id: u64,
        /// Burn nonce.
        burn_nonce: u64,
        /// Whether it was paid.
        released: bool,
    },
    /// The relayer set changed.
    #[codec(index = 6)]
    RelayersSet {
        /// Set size.
        count: u32,
        /// Threshold.
        threshold: u32,
    },
    /// The rate limit changed.
    #[codec(index = 7)]
    RateLimitSet {
        /// The limit.
        limit: RateLimit,
    },
    /// The EIP-712 domain changed.
    #[codec(index = 8)]
    DomainSet {
        /// The domain.
        domain: EvmDomain,
    },
    /// The mirrored mint capacity changed.
    #[codec(index = 9)]
    MintCapacitySet {
        /// Capacity in rao.
        capacity: Balance,
    },
    /// A lock of a recovered batch was paid back to its sender; its nonce never mints.
    #[codec(index = 10)]
    LockRefunded {
        /// The lock's (voided) nonce.
        nonce: u64,
        /// Its sender, who got the TAO back.
        to: AccountId32,
        /// Amount.
        amount: Balance,
    },
    /// A lock of a recovered batch was locked again under a new nonce (a `Locked` event with
    /// `new_nonce` comes with it); the old nonce never mints.
    #[codec(index = 11)]
    LockRelocked {
        /// The lock's old (voided) nonce.
        old_nonce: u64,
        /// Its nonce in the current block's batch.
        new_nonce: u64,
    },
    /// Every lock of block `block`'s batch was refunded or re-locked; the batch is gone.
    #[codec(index = 12)]
    BatchRecovered {
        /// The TAO block.
        block: BlockNumber,
        /// Locks refunded.
        refunded: u32,
        /// Locks re-locked.
        relocked: u32,
    },
}

impl From<Event> for super::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::Bridge(e)
    }
}

/// Bridge errors. New variants go at the end: clients decode errors by index.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[repr(u8)]
pub enum Error {
    /// The amount is zero.
    ZeroAmount = 0,
    /// The caller is not a registered relayer.
    NotRelayer = 1,
    /// This relayer already approved this release.
    AlreadyApproved = 2,
    /// This burn nonce was already released.
    AlreadyReleased = 3,
    /// This burn nonce is blocked by a conflict until root resolves it.
    ReleaseInConflict = 4,
    /// The release would exceed the rate limit for the current window; retry later.
    RateLimited = 5,
    /// The custody account cannot cover the release.
    InsufficientCustody = 6,
    /// Threshold must be between 1 and the number of relayers.
    InvalidThreshold = 7,
    /// The relayer set has duplicate accounts or addresses.
    DuplicateRelayer = 8,
    /// Nothing pending or conflicted for this nonce.
    NothingToResolve = 9,
    /// The lock nonce space is exhausted.
    NonceOverflow = 10,
    /// That block has no locks to attest or recover (or is not finished yet).
    NoLocksInBlock = 11,
    /// The signature is malformed, malleable (high s) or recovers to no key.
    BadSignature = 12,
    /// The signature recovers to an address outside the relayer set.
    UnknownSigner = 13,
    /// This relayer already attested this block.
    AlreadyAttested = 14,
    /// The Ethereum recipient is the zero address, which TaoBridge refuses to mint to: lock to
    /// an address you control.
    ZeroRecipient = 15,
    /// The Ethereum recipient is the TaoBridge contract itself, where wTAO could never move
    /// again (TaoBridge refuses it): lock to an address you control.
    RecipientIsBridge = 16,
    /// The amount is above TaoBridge's per-mint limit, 2^56 − 1 rao: lock less.
    AmountAboveMaxCapacity = 17,
    /// The amount is above the mint bucket's capacity (`MintCapacity`), so it could never be
    /// minted: lock at most that much at a time.
    AmountAboveMintCapacity = 18,
    /// The block already holds `MAX_LOCKS_PER_BLOCK` locks (only reachable by dispatching `lock`
    /// from another call; a signed `lock` waits for the next block): lock in a later block.
    BlockLocksFull = 19,
    /// The lock would push the block's batch total above `MintCapacity` (only reachable by
    /// dispatching `lock` from another call; a signed `lock` waits for the next block): lock in
    /// a later block.
    BlockMintCapacityFull = 20,
    /// The mint capacity must be between 1 rao and 2^56 − 1 rao, as TaoBridge's.
    InvalidMintCapacity = 21,
    /// A nonce in `refund` is not a lock of that block's batch.
    NotInBatch = 22,
}
super::module_error!(Error, index::BRIDGE);

/// Dispatch a Bridge call.
pub fn dispatch(ext: &mut Ext<'_>, origin: Origin, call: Call) -> DispatchResult {
    match call {
        Call::lock { amount, eth_recipient } => {
            mint::lock(ext, origin.signed()?, amount, eth_recipient)
        }
        Call::attest { block, signature } => {
            origin.signed()?;
            mint::attest(ext, block, signature)
        }
        Call::approve_release { eth_chain_id, burn_nonce, recipient, amount } => {
            release::approve_release(
                ext,
                origin.signed()?,
                (eth_chain_id, burn_nonce),
                recipient,
                amount,
            )
        }
        Call::set_relayers { relayers, threshold } => {
            origin.root()?;
            set_relayers(ext, relayers, threshold)
        }
        Call::resolve_conflict { eth_chain_id, burn_nonce, release } => {
            origin.root()?;
            release::resolve_conflict(ext, (eth_chain_id, burn_nonce), release)
        }
        Call::set_rate_limit { window_blocks, max_amount } => {
            origin.root()?;
            let limit = RateLimit { window_blocks, max_amount };
            LIMIT.put(ext, &limit);
            ext.deposit_event(Event::RateLimitSet { limit });
            Ok(())
        }
        Call::set_domain { domain } => {
            origin.root()?;
            DOMAIN.put(ext, &domain);
            ext.deposit_event(Event::DomainSet { domain });
            Ok(())
        }
        Call::set_mint_capacity { capacity } => {
            origin.root()?;
            set_mint_capacity(ext, capacity)
        }
        Call::recover_batch { block, refund } => {
            origin.root()?;
            mint::recover_batch(ext, block, &refund)
        }
    }
}

fn set_relayers(ext: &mut Ext<'_>, relayers: Vec<Relayer>, threshold: u32) -> DispatchResult {
    let count = u32::try_from(relayers.len()).map_err(|_| Error::InvalidThreshold)?;
    if threshold == 0 || threshold > count {
        return Err(Error::InvalidThreshold.into());
    }
    let mut accounts: Vec<_> = relayers.iter().map(|r| r.account).collect();
    let mut addrs: Vec<_> = relayers.iter().map(|r| r.eth_address).collect();
    accounts.sort();
    accounts.dedup();
    addrs.sort();
    addrs.dedup();
    if accounts.len() != relayers.len() || addrs.len() != relayers.len() {
        return Err(Error::DuplicateRelayer.into());
    }
    RELAYERS.put(ext, &relayers);
    THRESHOLD.put(ext, &threshold);
    ext.deposit_event(Event::RelayersSet { count, threshold });
    Ok(())
}

/// Set `Bridge.MintCapacity` (root and genesis): `1..=MAX_CAPACITY`, as TaoBridge's
/// `setMintLimit` requires.
pub fn set_mint_capacity(ext: &mut Ext<'_>, capacity: Balance) -> DispatchResult {
    if capacity == 0 || capacity > MAX_CAPACITY {
        return Err(Error::InvalidMintCapacity.into());
    }
    MINT_CAPACITY.put(ext, &capacity);
    ext.deposit_event(Event::MintCapacitySet { capacity });
    Ok(())
}

/// Errors a test may want to compare against.
pub fn err(e: Error) -> DispatchError {
    e.into()
}

#[cfg(test)]
mod tests;
