//! Ethereum → TAO: M-of-N `approve_release`, the release rate limit, and root's
//! `resolve_conflict`. See the module docs of [`super`].

use crate::primitives::{AccountId32, Balance};

use super::super::balances::{self, Existence};
use super::super::{DispatchResult, Ext};
use super::{
    Error, Event, LIMIT, PENDING, PendingRelease, RELAYERS, RELEASED, THRESHOLD, WINDOW,
    WindowUsage, custody_account,
};

pub(super) fn approve_release(
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

pub(super) fn resolve_conflict(
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
