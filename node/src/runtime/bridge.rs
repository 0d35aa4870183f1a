//! Bridge (index 40): TAO custody for wTAO on Ethereum.
//!
//! * `lock(amount, eth_recipient)` moves TAO into the custody account and emits
//!   `Locked { nonce, from, eth_recipient, amount }` with a strictly increasing nonce. The locks of
//!   each block are also kept in `LocksByBlock`, in nonce order: that list is the mint batch the
//!   relayers sign (DESIGN §5), so `attest` can recompute the digest later.
//! * `approve_release(eth_chain_id, burn_nonce, recipient, amount)` from a registered relayer
//!   account. Approvals for one `(eth_chain_id, burn_nonce)` must all name the same
//!   `(recipient, amount)`; at `Threshold` approvals the custody pays the recipient and emits
//!   `Released`. A mismatching approval emits `ReleaseConflict` and blocks the nonce until root
//!   (sudo on the devnet) calls `resolve_conflict`. A released nonce is never released again.
//! * Releases are rate limited: at most `RateLimit.max_amount` rao per window of
//!   `RateLimit.window_blocks` blocks (0 = unlimited). A release over the limit fails (the last
//!   approval is rolled back), so the relayer simply retries in a later window.
//! * Relayer set, threshold, rate limit and the EVM domain (chain id, bridge contract) are storage,
//!   changed by root.
//! * `attest(block, signature)` stores a relayer's EIP-712 signature of block `block`'s mint batch
//!   after checking it: the digest is recomputed (`wtao-bridge-types::mint_batch_digest`) from
//!   `LocksByBlock[block]` with the EVM domain in storage, and the recovered address (low-s, v
//!   27/28, exactly what TaoBridge accepts) must be in the relayer set. Whoever collects
//!   `Threshold` attestations of a block can submit `TaoBridge.mint(batch, sigs)`.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::DispatchError;
use crate::primitives::{AccountId32, Balance, BlockNumber, H160};
use crate::storage::{Hasher, StorageDoubleMap, StorageMap, StorageValue};

use super::balances::{self, Existence};
use super::{DispatchResult, Ext, Origin, index};

const P: &str = "Bridge";

/// `PalletId` of the bridge; the custody account is `b"modl" ++ id ++ zeros`, as FRAME derives
/// pallet accounts.
pub const PALLET_ID: [u8; 8] = *b"wtao/brg";

/// Most `lock`s one block takes. A block's locks are one mint batch, minted on Ethereum in one
/// transaction: 512 fresh mints cost about 15 M gas and 66 KB of calldata, inside a 30 M gas
/// block and the usual 128 KB transaction limit. Further locks wait in the pool for the next
/// block (the extrinsic is not failed, so no fee is lost).
pub const MAX_LOCKS_PER_BLOCK: usize = 512;

/// Whether the block being built already holds [`MAX_LOCKS_PER_BLOCK`] locks.
pub fn locks_full(ext: &mut Ext<'_>) -> bool {
    let block = ext.block_number();
    LOCKS_BY_BLOCK.get(ext, &block).len() >= MAX_LOCKS_PER_BLOCK
}

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

/// A lock as recorded for the mint batch.
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
}

impl From<Event> for super::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::Bridge(e)
    }
}

/// Bridge errors.
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
    /// That block has no locks to attest (or is not finished yet).
    NoLocksInBlock = 11,
    /// The signature is malformed, malleable (high s) or recovers to no key.
    BadSignature = 12,
    /// The signature recovers to an address outside the relayer set.
    UnknownSigner = 13,
    /// This relayer already attested this block.
    AlreadyAttested = 14,
}
super::module_error!(Error, index::BRIDGE);

/// Dispatch a Bridge call.
pub fn dispatch(ext: &mut Ext<'_>, origin: Origin, call: Call) -> DispatchResult {
    match call {
        Call::lock { amount, eth_recipient } => lock(ext, origin.signed()?, amount, eth_recipient),
        Call::attest { block, signature } => {
            origin.signed()?;
            attest(ext, block, signature)
        }
        Call::approve_release { eth_chain_id, burn_nonce, recipient, amount } => {
            approve_release(ext, origin.signed()?, (eth_chain_id, burn_nonce), recipient, amount)
        }
        Call::set_relayers { relayers, threshold } => {
            origin.root()?;
            set_relayers(ext, relayers, threshold)
        }
        Call::resolve_conflict { eth_chain_id, burn_nonce, release } => {
            origin.root()?;
            resolve_conflict(ext, (eth_chain_id, burn_nonce), release)
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
    }
}

fn lock(
    ext: &mut Ext<'_>,
    from: AccountId32,
    amount: Balance,
    eth_recipient: H160,
) -> DispatchResult {
    if amount == 0 {
        return Err(Error::ZeroAmount.into());
    }
    balances::transfer(ext, &from, &custody_account(), amount, Existence::KeepAlive)?;
    let nonce = NEXT_LOCK_NONCE.get(ext);
    NEXT_LOCK_NONCE.put(ext, &nonce.checked_add(1).ok_or(Error::NonceOverflow)?);
    let block = ext.block_number();
    let mut locks = LOCKS_BY_BLOCK.get(ext, &block);
    locks.push(LockRecord { nonce, from, eth_recipient, amount });
    LOCKS_BY_BLOCK.insert(ext, &block, &locks);
    ext.deposit_event(Event::Locked { nonce, from, eth_recipient, amount });
    Ok(())
}

/// The EIP-712 digest of block `block`'s mint batch under the stored domain.
pub fn batch_digest(ext: &mut Ext<'_>, block: BlockNumber) -> Option<wtao_bridge_types::B256> {
    use wtao_bridge_types::{Address, B256, BridgeDomain, Mint, Rao};
    let locks = LOCKS_BY_BLOCK.get(ext, &block);
    if locks.is_empty() {
        return None;
    }
    let mints: Vec<Mint> = locks
        .iter()
        .map(|l| {
            Mint::new(
                l.nonce,
                B256::from(l.from.0),
                Address::from(l.eth_recipient.0),
                Rao(l.amount),
            )
        })
        .collect();
    let d = DOMAIN.get(ext);
    let domain = BridgeDomain::new(d.chain_id, Address::from(d.verifying_contract.0));
    Some(wtao_bridge_types::mint_batch_digest(&domain, &mints))
}

fn attest(ext: &mut Ext<'_>, block: BlockNumber, signature: Vec<u8>) -> DispatchResult {
    // Only finished blocks: the current block's batch may still grow.
    if block >= ext.block_number() {
        return Err(Error::NoLocksInBlock.into());
    }
    let digest = batch_digest(ext, block).ok_or(Error::NoLocksInBlock)?;
    let signer =
        wtao_bridge_types::recover_signer(digest, &signature).map_err(|_| Error::BadSignature)?;
    let relayer = H160(signer.into_array());
    if !RELAYERS.get(ext).iter().any(|r| r.eth_address == relayer) {
        return Err(Error::UnknownSigner.into());
    }
    if ATTESTATIONS.try_get(ext, &block, &relayer).is_some() {
        return Err(Error::AlreadyAttested.into());
    }
    ATTESTATIONS.insert(ext, &block, &relayer, &signature);
    ext.deposit_event(Event::Attested { block, relayer, signature });
    Ok(())
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

fn approve_release(
    ext: &mut Ext<'_>,
    relayer: AccountId32,
    key: (u64, u64),
    recipient: AccountId32,
    amount: Balance,
) -> DispatchResult {
    if !RELAYERS.get(ext).iter().any(|r| r.account == relayer) {
        return Err(Error::NotRelayer.into());
    }
    if RELEASED.try_get(ext, &key).is_some() {
        return Err(Error::AlreadyReleased.into());
    }
    if amount == 0 {
        return Err(Error::ZeroAmount.into());
    }
    let (eth_chain_id, burn_nonce) = key;
    let mut pending = match PENDING.try_get(ext, &key) {
        None => PendingRelease { recipient, amount, approvals: vec![], conflicted: false },
        Some(p) if p.conflicted => return Err(Error::ReleaseInConflict.into()),
        Some(p) => p,
    };
    if pending.approvals.contains(&relayer) {
        return Err(Error::AlreadyApproved.into());
    }
    if pending.recipient != recipient || pending.amount != amount {
        // Keep the conflict on chain (this call succeeds) so governance sees and settles it.
        pending.conflicted = true;
        PENDING.insert(ext, &key, &pending);
        ext.deposit_event(Event::ReleaseConflict {
            eth_chain_id,
            burn_nonce,
            relayer,
            recipient,
            amount,
        });
        return Ok(());
    }
    pending.approvals.push(relayer);
    let approvals = u32::try_from(pending.approvals.len()).unwrap_or(u32::MAX);
    ext.deposit_event(Event::ReleaseApproved { eth_chain_id, burn_nonce, relayer, approvals });
    if approvals >= THRESHOLD.get(ext).max(1) {
        release(ext, key, recipient, amount)?;
        PENDING.remove(ext, &key);
    } else {
        PENDING.insert(ext, &key, &pending);
    }
    Ok(())
}

/// Pay out a release: rate limit, custody transfer, mark released.
fn release(
    ext: &mut Ext<'_>,
    key: (u64, u64),
    recipient: AccountId32,
    amount: Balance,
) -> DispatchResult {
    if RELEASED.try_get(ext, &key).is_some() {
        return Err(Error::AlreadyReleased.into());
    }
    let limit = LIMIT.get(ext);
    let now = ext.block_number();
    if limit.window_blocks > 0 {
        let mut usage = WINDOW.get(ext);
        if now.saturating_sub(usage.start) >= limit.window_blocks {
            usage = WindowUsage { start: now, released: 0 };
        }
        let total = usage.released.checked_add(amount).ok_or(Error::RateLimited)?;
        if total > limit.max_amount {
            return Err(Error::RateLimited.into());
        }
        WINDOW.put(ext, &WindowUsage { start: usage.start, released: total });
    }
    let custody = custody_account();
    if balances::free_balance(ext, &custody) < amount {
        return Err(Error::InsufficientCustody.into());
    }
    balances::transfer(ext, &custody, &recipient, amount, Existence::AllowDeath)?;
    RELEASED.insert(ext, &key, &now);
    let (eth_chain_id, burn_nonce) = key;
    ext.deposit_event(Event::Released { eth_chain_id, burn_nonce, recipient, amount });
    Ok(())
}

fn resolve_conflict(
    ext: &mut Ext<'_>,
    key: (u64, u64),
    pay: Option<(AccountId32, Balance)>,
) -> DispatchResult {
    if RELEASED.try_get(ext, &key).is_some() {
        return Err(Error::AlreadyReleased.into());
    }
    if PENDING.try_get(ext, &key).is_none() && pay.is_none() {
        return Err(Error::NothingToResolve.into());
    }
    PENDING.remove(ext, &key);
    if let Some((recipient, amount)) = pay {
        release(ext, key, recipient, amount)?;
    }
    let (eth_chain_id, burn_nonce) = key;
    ext.deposit_event(Event::ConflictResolved {
        eth_chain_id,
        burn_nonce,
        released: pay.is_some(),
    });
    Ok(())
}

/// Errors a test may want to compare against.
pub fn err(e: Error) -> DispatchError {
    e.into()
}
