//! TAO → Ethereum: `lock`, the per-block batch and its limits, `attest`, and `recover_batch`.
//! See the module docs of [`super`] for why each check exists.

use std::collections::BTreeSet;

use crate::primitives::{AccountId32, Balance, BlockNumber, H160};

use super::super::balances::{self, Existence};
use super::super::{DispatchResult, Ext};
use super::{
    ATTESTATIONS, DEFAULT_MINT_CAPACITY, DOMAIN, Error, Event, LOCKS_BY_BLOCK, LockRecord,
    MAX_CAPACITY, MAX_LOCKS_PER_BLOCK, MINT_CAPACITY, NEXT_LOCK_NONCE, RELAYERS, custody_account,
};

/// The mirrored capacity of TaoBridge's mint bucket: `Bridge.MintCapacity`, or
/// [`DEFAULT_MINT_CAPACITY`] in a state from before it existed.
pub fn mint_capacity(ext: &mut Ext<'_>) -> Balance {
    MINT_CAPACITY.try_get(ext).unwrap_or(DEFAULT_MINT_CAPACITY)
}

/// Whether the block being built already holds [`MAX_LOCKS_PER_BLOCK`] locks.
pub fn locks_full(ext: &mut Ext<'_>) -> bool {
    let block = ext.block_number();
    LOCKS_BY_BLOCK.get(ext, &block).len() >= MAX_LOCKS_PER_BLOCK
}

/// Whether a `lock` of `amount` must wait for a later block: this block's batch already holds
/// [`MAX_LOCKS_PER_BLOCK`] locks, or the lock fits the mint capacity alone but not on top of
/// this block's total. (A lock that can never fit — zero, above the capacity — does not wait:
/// it is applied and fails with its error.) The executive asks before applying a signed `lock`,
/// so such a lock is not applied, not charged, and stays in the pool, as for a full block.
pub fn lock_must_wait(ext: &mut Ext<'_>, amount: Balance) -> bool {
    let block = ext.block_number();
    let locks = LOCKS_BY_BLOCK.get(ext, &block);
    if locks.len() >= MAX_LOCKS_PER_BLOCK {
        return true;
    }
    let capacity = mint_capacity(ext);
    if amount == 0 || amount > capacity {
        return false;
    }
    batch_total(&locks).and_then(|t| t.checked_add(amount)).is_none_or(|t| t > capacity)
}

fn batch_total(locks: &[LockRecord]) -> Option<Balance> {
    locks.iter().try_fold(0, |sum: Balance, l| sum.checked_add(l.amount))
}

/// The checks of a lock that TaoBridge would otherwise refuse in the batch (see the table in
/// [`super`]), against the block being built.
fn check_lock(ext: &mut Ext<'_>, amount: Balance, eth_recipient: H160) -> DispatchResult {
    if amount == 0 {
        return Err(Error::ZeroAmount.into());
    }
    if eth_recipient == H160::default() {
        return Err(Error::ZeroRecipient.into());
    }
    if eth_recipient == DOMAIN.get(ext).verifying_contract {
        return Err(Error::RecipientIsBridge.into());
    }
    if amount > MAX_CAPACITY {
        return Err(Error::AmountAboveMaxCapacity.into());
    }
    let capacity = mint_capacity(ext);
    if amount > capacity {
        return Err(Error::AmountAboveMintCapacity.into());
    }
    // Reached only when `lock` is dispatched from another call (`sudo_as`): a signed lock that
    // does not fit waits in the pool (`lock_must_wait`).
    let block = ext.block_number();
    let locks = LOCKS_BY_BLOCK.get(ext, &block);
    if locks.len() >= MAX_LOCKS_PER_BLOCK {
        return Err(Error::BlockLocksFull.into());
    }
    if batch_total(&locks).and_then(|t| t.checked_add(amount)).is_none_or(|t| t > capacity) {
        return Err(Error::BlockMintCapacityFull.into());
    }
    Ok(())
}

/// Append a lock (its TAO already in custody) to the current block's batch under the next nonce.
fn record_lock(
    ext: &mut Ext<'_>,
    from: AccountId32,
    amount: Balance,
    eth_recipient: H160,
) -> Result<u64, Error> {
    let nonce = NEXT_LOCK_NONCE.get(ext);
    NEXT_LOCK_NONCE.put(ext, &nonce.checked_add(1).ok_or(Error::NonceOverflow)?);
    let block = ext.block_number();
    let mut locks = LOCKS_BY_BLOCK.get(ext, &block);
    locks.push(LockRecord { nonce, from, eth_recipient, amount });
    LOCKS_BY_BLOCK.insert(ext, &block, &locks);
    ext.deposit_event(Event::Locked { nonce, from, eth_recipient, amount });
    Ok(nonce)
}

pub(super) fn lock(
    ext: &mut Ext<'_>,
    from: AccountId32,
    amount: Balance,
    eth_recipient: H160,
) -> DispatchResult {
    check_lock(ext, amount, eth_recipient)?;
    balances::transfer(ext, &from, &custody_account(), amount, Existence::KeepAlive)?;
    record_lock(ext, from, amount, eth_recipient)?;
    Ok(())
}

/// The EIP-712 digest of block `block`'s mint batch under the stored domain.
pub fn batch_digest(ext: &mut Ext<'_>, block: BlockNumber) -> Option<wtao_bridge_types::B256> {
    use wtao_bridge_types::{Address, BridgeDomain, Mint};
    let locks = LOCKS_BY_BLOCK.get(ext, &block);
    if locks.is_empty() {
        return None;
    }
    let mints: Vec<Mint> = locks.into_iter().map(Mint::from).collect();
    let d = DOMAIN.get(ext);
    let domain = BridgeDomain::new(d.chain_id, Address::from(d.verifying_contract.0));
    Some(wtao_bridge_types::mint_batch_digest(&domain, &mints))
}

pub(super) fn attest(ext: &mut Ext<'_>, block: BlockNumber, signature: Vec<u8>) -> DispatchResult {
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

/// Settle every lock of block `block`'s batch, whose nonces governance voided on Ethereum:
/// refund those in `refund` from custody to their senders, re-lock the rest under new nonces in
/// the current block (each passing [`check_lock`] again; one that does not must be refunded).
/// The batch and its attestations are removed, so it is never attested or recovered again.
pub(super) fn recover_batch(
    ext: &mut Ext<'_>,
    block: BlockNumber,
    refund: &[u64],
) -> DispatchResult {
    if block >= ext.block_number() {
        return Err(Error::NoLocksInBlock.into());
    }
    let locks = LOCKS_BY_BLOCK.get(ext, &block);
    if locks.is_empty() {
        return Err(Error::NoLocksInBlock.into());
    }
    let refund: BTreeSet<u64> = refund.iter().copied().collect();
    if refund.iter().any(|n| !locks.iter().any(|l| l.nonce == *n)) {
        return Err(Error::NotInBatch.into());
    }
    LOCKS_BY_BLOCK.remove(ext, &block);
    for r in RELAYERS.get(ext) {
        ATTESTATIONS.remove(ext, &block, &r.eth_address);
    }
    let custody = custody_account();
    let (mut refunded, mut relocked) = (0u32, 0u32);
    for l in locks {
        if refund.contains(&l.nonce) {
            balances::transfer(ext, &custody, &l.from, l.amount, Existence::AllowDeath)?;
            ext.deposit_event(Event::LockRefunded { nonce: l.nonce, to: l.from, amount: l.amount });
            refunded = refunded.saturating_add(1);
        } else {
            check_lock(ext, l.amount, l.eth_recipient)?;
            let new_nonce = record_lock(ext, l.from, l.amount, l.eth_recipient)?;
            ext.deposit_event(Event::LockRelocked { old_nonce: l.nonce, new_nonce });
            relocked = relocked.saturating_add(1);
        }
    }
    ext.deposit_event(Event::BatchRecovered { block, refunded, relocked });
    Ok(())
}
