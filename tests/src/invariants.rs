//! The bridge's invariants as pure functions of what was read from both chains (no I/O here, so
//! each check is tested below with a violating history; [`crate::audit`] does the reading).
//!
//! ```text
//!  supply ≤ custody   wTAO totalSupply ≤ TAO in custody above its floor, read race-free:
//!                     custody C1, then supply S, then custody C2; S ≤ max(C1, C2)
//!  locks              every Bridge.Locked nonce is minted exactly once (in a BatchMinted range)
//!                     or voided on Ethereum and then refunded or re-locked on TAO: never both,
//!                     never twice, and (at the end) never neither
//!  burns              every TaoBridge.Burned nonce is released at most once, to its recipient,
//!                     for its amount; at the end exactly once unless a conflict was raised
//! ```
//!
//! Why `max(C1, C2)`: the chains cannot be read atomically. A lock raises custody before its
//! mint raises supply, and a burn lowers supply before its release lowers custody, so any supply
//! S read between two custody reads is covered by at least one of them when the bridge is sound.
//!
//! Each check returns [`Findings`]: `violations` are broken invariants (a state no correct
//! bridge reaches), `pending` are transfers not settled yet — fine mid-scenario, a failure only
//! once the relayers had time to drain.

use std::collections::{BTreeMap, BTreeSet};

use alloy::primitives::Address;

/// A balance read on one chain at one block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The amount, rao (TAO) or wTAO base units (also rao: both have 9 decimals).
    pub rao: u128,
    /// The block it was read at (TAO finalized block, or EVM block).
    pub block: u64,
}

/// One race-free poll of supply against custody (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SupplyPoll {
    /// Custody's free balance before the supply read (TAO).
    pub custody_before: Reading,
    /// wTAO `totalSupply()` (EVM).
    pub supply: Reading,
    /// Custody's free balance after the supply read (TAO).
    pub custody_after: Reading,
    /// Custody's balance before the first lock (its existential deposit), rao: not backing.
    pub custody_floor: u128,
}

impl SupplyPoll {
    /// TAO locked in custody at the two reads: balance above the floor, rao.
    pub fn locked(&self) -> (u128, u128) {
        (
            self.custody_before.rao.saturating_sub(self.custody_floor),
            self.custody_after.rao.saturating_sub(self.custody_floor),
        )
    }
}

/// wTAO supply ≤ TAO in custody: `Err` names both numbers and the blocks read.
pub fn check_supply(poll: &SupplyPoll) -> Result<(), String> {
    let (before, after) = poll.locked();
    if poll.supply.rao <= before.max(after) {
        return Ok(());
    }
    Err(format!(
        "supply invariant broken: wTAO supply {} (base units = rao) at EVM block {} > TAO in \
         custody {} rao at TAO block {} and {} rao at TAO block {} (custody balance {} and {} rao \
         minus its floor {} rao)",
        poll.supply.rao,
        poll.supply.block,
        before,
        poll.custody_before.block,
        after,
        poll.custody_after.block,
        poll.custody_before.rao,
        poll.custody_after.rao,
        poll.custody_floor,
    ))
}

/// A `Bridge.Locked` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lock {
    /// Lock nonce.
    pub nonce: u64,
    /// Amount, rao.
    pub amount: u64,
    /// wTAO recipient.
    pub recipient: Address,
    /// TAO block of the event.
    pub block: u64,
}

/// A `Bridge.LockRefunded` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refund {
    /// The refunded lock's nonce.
    pub nonce: u64,
    /// Amount paid back, rao.
    pub amount: u64,
    /// TAO block of the event.
    pub block: u64,
}

/// A `Bridge.LockRelocked` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Relock {
    /// The old (voided) nonce.
    pub old_nonce: u64,
    /// The new nonce.
    pub new_nonce: u64,
    /// TAO block of the event.
    pub block: u64,
}

/// A `Bridge.Released` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    /// EVM chain id of the burn.
    pub chain_id: u64,
    /// Burn nonce.
    pub burn_nonce: u64,
    /// TAO account paid (32-byte public key).
    pub recipient: [u8; 32],
    /// Amount paid, rao.
    pub amount: u64,
    /// TAO block of the event.
    pub block: u64,
}

/// Everything on TAO that settles a lock or a burn, in chain order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaoHistory {
    /// `Bridge.Locked`.
    pub locks: Vec<Lock>,
    /// `Bridge.LockRefunded`.
    pub refunds: Vec<Refund>,
    /// `Bridge.LockRelocked`.
    pub relocks: Vec<Relock>,
    /// `Bridge.Released`.
    pub releases: Vec<Release>,
    /// `Bridge.ReleaseConflict`: `(chain id, burn nonce)`.
    pub conflicts: Vec<(u64, u64)>,
}

/// A `TaoBridge.BatchMinted` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MintedBatch {
    /// First nonce of the batch.
    pub first_nonce: u64,
    /// Last nonce of the batch.
    pub last_nonce: u64,
    /// Mints in the batch.
    pub count: u64,
    /// Sum of the amounts, rao.
    pub total: u128,
    /// EVM block of the event.
    pub block: u64,
}

/// A `TaoBridge.Burned` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Burn {
    /// Burn nonce.
    pub nonce: u64,
    /// TAO recipient (32-byte public key).
    pub recipient: [u8; 32],
    /// Amount burned, rao.
    pub amount: u128,
    /// EVM block of the event.
    pub block: u64,
}

/// Everything on Ethereum that settles a lock or starts a burn (canonical chain only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EthHistory {
    /// The EVM chain id (releases are keyed by it on TAO).
    pub chain_id: u64,
    /// `TaoBridge.BatchMinted`.
    pub batches: Vec<MintedBatch>,
    /// `TaoBridge.NoncesVoided`, flattened.
    pub voided: Vec<u64>,
    /// `TaoBridge.Burned`.
    pub burns: Vec<Burn>,
}

/// What a check found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Broken invariants: states a correct bridge never reaches.
    pub violations: Vec<String>,
    /// Transfers not settled yet: a failure only once the relayers have drained.
    pub pending: Vec<String>,
}

impl Findings {
    /// Neither violations nor pending transfers.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty() && self.pending.is_empty()
    }

    fn extend(&mut self, other: Self) {
        self.violations.extend(other.violations);
        self.pending.extend(other.pending);
    }
}

/// How many transfers a check looked at, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// `Locked` nonces.
    pub locks: usize,
    /// Of those, minted on Ethereum.
    pub minted: usize,
    /// Of those, refunded on TAO.
    pub refunded: usize,
    /// Of those, re-locked under a new nonce.
    pub relocked: usize,
    /// `Burned` nonces.
    pub burns: usize,
    /// Of those, released on TAO.
    pub released: usize,
    /// Of those, blocked by a release conflict (and not released).
    pub conflicted: usize,
}

/// Batches larger than this are not walked nonce by nonce (a garbled event must not make the
/// checker allocate without bound); far above what a block can hold on the devnet.
const MAX_BATCH: u64 = 1_000_000;

/// Every accepted lock minted exactly once or refunded/re-locked after a void, never both.
pub fn check_locks(tao: &TaoHistory, eth: &EthHistory, tally: &mut Tally) -> Findings {
    let mut f = Findings::default();
    let mut locks: BTreeMap<u64, Lock> = BTreeMap::new();
    for l in &tao.locks {
        if let Some(first) = locks.insert(l.nonce, *l) {
            f.violations.push(format!(
                "lock nonce {} emitted twice: TAO blocks {} and {}",
                l.nonce, first.block, l.block
            ));
        }
    }
    let mut minted: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for b in &eth.batches {
        let span = b.last_nonce.checked_sub(b.first_nonce).and_then(|d| d.checked_add(1));
        let Some(span) = span.filter(|s| *s == b.count && *s <= MAX_BATCH) else {
            f.violations.push(format!(
                "BatchMinted at EVM block {} is not a contiguous range: nonces {}..={} with \
                 count {}",
                b.block, b.first_nonce, b.last_nonce, b.count
            ));
            continue;
        };
        let mut locked_total: u128 = 0;
        for n in b.first_nonce..b.first_nonce.saturating_add(span) {
            minted.entry(n).or_default().push(b.block);
            match locks.get(&n) {
                Some(l) => locked_total = locked_total.saturating_add(u128::from(l.amount)),
                None => f.violations.push(format!(
                    "nonce {n} minted at EVM block {} was never locked on TAO (no Bridge.Locked)",
                    b.block
                )),
            }
        }
        if locked_total != b.total {
            f.violations.push(format!(
                "BatchMinted {}..={} at EVM block {} minted {} rao but its locks on TAO hold {} \
                 rao",
                b.first_nonce, b.last_nonce, b.block, b.total, locked_total
            ));
        }
    }
    let voided: BTreeSet<u64> = eth.voided.iter().copied().collect();
    let mut refunds: BTreeMap<u64, Vec<Refund>> = BTreeMap::new();
    for r in &tao.refunds {
        refunds.entry(r.nonce).or_default().push(*r);
    }
    let mut relocks: BTreeMap<u64, Vec<Relock>> = BTreeMap::new();
    for r in &tao.relocks {
        relocks.entry(r.old_nonce).or_default().push(*r);
    }
    for n in refunds.keys().chain(relocks.keys()) {
        if !locks.contains_key(n) {
            f.violations.push(format!("nonce {n} refunded or re-locked but never locked"));
        }
    }
    for (n, lock) in &locks {
        let mint_blocks = minted.get(n).map_or(&[][..], Vec::as_slice);
        let mints = mint_blocks.len();
        let refunded = refunds.get(n).map_or(&[][..], Vec::as_slice);
        let relocked = relocks.get(n).map_or(&[][..], Vec::as_slice);
        let settled_on_tao = refunded.len() + relocked.len();
        let is_voided = voided.contains(n);
        tally.locks += 1;
        if mints > 0 {
            tally.minted += 1;
        }
        if !refunded.is_empty() {
            tally.refunded += 1;
        }
        if !relocked.is_empty() {
            tally.relocked += 1;
        }
        if mints > 1 {
            f.violations.push(format!(
                "lock nonce {n} ({} rao) minted {mints} times, at EVM blocks {mint_blocks:?}",
                lock.amount
            ));
        }
        if mints > 0 && settled_on_tao > 0 {
            f.violations.push(format!(
                "lock nonce {n} ({} rao) both minted (EVM blocks {mint_blocks:?}) and refunded {} \
                 / re-locked {} times on TAO",
                lock.amount,
                refunded.len(),
                relocked.len()
            ));
        }
        if mints > 0 && is_voided {
            f.violations.push(format!("lock nonce {n} both minted and voided on Ethereum"));
        }
        if settled_on_tao > 1 {
            f.violations.push(format!(
                "lock nonce {n} settled on TAO {settled_on_tao} times (refunded {}, re-locked {})",
                refunded.len(),
                relocked.len()
            ));
        }
        if settled_on_tao > 0 && !is_voided {
            f.violations.push(format!(
                "lock nonce {n} refunded or re-locked on TAO but never voided on Ethereum: it can \
                 still mint"
            ));
        }
        for r in refunded {
            if r.amount != lock.amount {
                f.violations.push(format!(
                    "lock nonce {n} of {} rao refunded {} rao at TAO block {}",
                    lock.amount, r.amount, r.block
                ));
            }
        }
        for r in relocked {
            match locks.get(&r.new_nonce) {
                Some(new) if new.amount == lock.amount && new.recipient == lock.recipient => {}
                Some(new) => f.violations.push(format!(
                    "lock nonce {n} ({} rao to {}) re-locked as nonce {} with {} rao to {}",
                    lock.amount, lock.recipient, r.new_nonce, new.amount, new.recipient
                )),
                None => f.violations.push(format!(
                    "lock nonce {n} re-locked as nonce {} at TAO block {}, which was never locked",
                    r.new_nonce, r.block
                )),
            }
        }
        // The re-locked nonce is a lock of its own and is checked as one.
        if mints == 0 && !(is_voided && settled_on_tao > 0) {
            f.pending.push(format!(
                "lock nonce {n} ({} rao to {}, TAO block {}) neither minted nor refunded{}",
                lock.amount,
                lock.recipient,
                lock.block,
                if is_voided { " (voided on Ethereum, not yet settled on TAO)" } else { "" }
            ));
        }
    }
    f
}

/// Every burn released at most once, to its recipient and for its amount; every release has its
/// burn; at the end every burn is released unless a conflict was raised for it.
pub fn check_burns(tao: &TaoHistory, eth: &EthHistory, tally: &mut Tally) -> Findings {
    let mut f = Findings::default();
    let mut burns: BTreeMap<u64, Burn> = BTreeMap::new();
    for b in &eth.burns {
        if let Some(first) = burns.insert(b.nonce, *b) {
            f.violations.push(format!(
                "burn nonce {} emitted twice: EVM blocks {} and {}",
                b.nonce, first.block, b.block
            ));
        }
    }
    let mut releases: BTreeMap<u64, Vec<Release>> = BTreeMap::new();
    for r in &tao.releases {
        if r.chain_id != eth.chain_id {
            f.violations.push(format!(
                "release of burn nonce {} for EVM chain {} at TAO block {}: this bridge is on \
                 chain {}",
                r.burn_nonce, r.chain_id, r.block, eth.chain_id
            ));
            continue;
        }
        releases.entry(r.burn_nonce).or_default().push(*r);
    }
    let conflicts: BTreeSet<u64> =
        tao.conflicts.iter().filter(|(c, _)| *c == eth.chain_id).map(|(_, n)| *n).collect();
    for (n, rs) in &releases {
        if !burns.contains_key(n) {
            let blocks: Vec<u64> = rs.iter().map(|r| r.block).collect();
            f.violations.push(format!(
                "burn nonce {n} released at TAO blocks {blocks:?} but no Burned event with that \
                 nonce is on the canonical EVM chain"
            ));
        }
    }
    for (n, burn) in &burns {
        let rs = releases.get(n).map_or(&[][..], Vec::as_slice);
        tally.burns += 1;
        if !rs.is_empty() {
            tally.released += 1;
        } else if conflicts.contains(n) {
            tally.conflicted += 1;
        }
        if rs.len() > 1 {
            let blocks: Vec<u64> = rs.iter().map(|r| r.block).collect();
            f.violations.push(format!(
                "burn nonce {n} ({} rao) released {} times, at TAO blocks {blocks:?}",
                burn.amount,
                rs.len()
            ));
        }
        for r in rs {
            if r.recipient != burn.recipient || u128::from(r.amount) != burn.amount {
                f.violations.push(format!(
                    "burn nonce {n} of {} rao to 0x{} released as {} rao to 0x{} at TAO block {}",
                    burn.amount,
                    alloy::hex::encode(burn.recipient),
                    r.amount,
                    alloy::hex::encode(r.recipient),
                    r.block
                ));
            }
        }
        if rs.is_empty() && !conflicts.contains(n) {
            f.pending.push(format!(
                "burn nonce {n} ({} rao, EVM block {}) not released and no conflict raised",
                burn.amount, burn.block
            ));
        }
    }
    f
}

/// Both history checks together.
pub fn check_histories(tao: &TaoHistory, eth: &EthHistory) -> (Findings, Tally) {
    let mut tally = Tally::default();
    let mut f = check_locks(tao, eth, &mut tally);
    f.extend(check_burns(tao, eth, &mut tally));
    (f, tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAIN: u64 = 31_337;
    const ALICE: [u8; 32] = [0xa1; 32];
    const BOB: [u8; 32] = [0xb0; 32];

    fn lock(nonce: u64, amount: u64) -> Lock {
        Lock { nonce, amount, recipient: Address::repeat_byte(0x11), block: 10 + nonce }
    }

    fn batch(first: u64, last: u64, total: u128) -> MintedBatch {
        MintedBatch {
            first_nonce: first,
            last_nonce: last,
            count: last - first + 1,
            total,
            block: 5,
        }
    }

    fn burn(nonce: u64, amount: u128) -> Burn {
        Burn { nonce, recipient: ALICE, amount, block: 7 }
    }

    fn release(nonce: u64, amount: u64) -> Release {
        Release { chain_id: CHAIN, burn_nonce: nonce, recipient: ALICE, amount, block: 40 }
    }

    /// Two locks minted in one batch, one burn released: the sound history.
    fn sound() -> (TaoHistory, EthHistory) {
        let tao = TaoHistory {
            locks: vec![lock(0, 100), lock(1, 50)],
            releases: vec![release(0, 30)],
            ..TaoHistory::default()
        };
        let eth = EthHistory {
            chain_id: CHAIN,
            batches: vec![batch(0, 1, 150)],
            burns: vec![burn(0, 30)],
            ..EthHistory::default()
        };
        (tao, eth)
    }

    fn poll(c1: u128, s: u128, c2: u128) -> SupplyPoll {
        SupplyPoll {
            custody_before: Reading { rao: c1, block: 100 },
            supply: Reading { rao: s, block: 200 },
            custody_after: Reading { rao: c2, block: 101 },
            custody_floor: 500,
        }
    }

    #[test]
    fn supply_within_either_custody_read_passes() {
        // A lock landed between the reads and was minted: C2 covers S.
        assert_eq!(check_supply(&poll(500, 1_000, 1_500)), Ok(()));
        // A burn and its release between the reads: C1 covers S.
        assert_eq!(check_supply(&poll(1_500, 1_000, 500)), Ok(()));
        assert_eq!(check_supply(&poll(500, 0, 500)), Ok(()));
    }

    #[test]
    fn supply_above_custody_fails_naming_numbers_and_blocks() {
        let err = check_supply(&poll(1_400, 1_000, 1_450)).unwrap_err();
        for part in
            ["1000", "EVM block 200", "900 rao at TAO block 100", "950 rao at TAO block 101"]
        {
            assert!(err.contains(part), "{part:?} missing from: {err}");
        }
        // Custody below its floor counts as nothing locked.
        assert!(check_supply(&poll(0, 1, 0)).is_err());
    }

    #[test]
    fn sound_history_is_clean() {
        let (tao, eth) = sound();
        let (f, tally) = check_histories(&tao, &eth);
        assert!(f.is_clean(), "{f:?}");
        assert_eq!(tally, Tally { locks: 2, minted: 2, burns: 1, released: 1, ..Tally::default() });
    }

    #[test]
    fn nonce_minted_and_refunded_is_a_violation() {
        let (mut tao, mut eth) = sound();
        eth.voided.push(1);
        tao.refunds.push(Refund { nonce: 1, amount: 50, block: 60 });
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("both minted")), "{f:?}");
        assert!(f.violations.iter().any(|v| v.contains("minted and voided")), "{f:?}");
    }

    #[test]
    fn nonce_minted_twice_is_a_violation() {
        let (tao, mut eth) = sound();
        eth.batches.push(batch(1, 1, 50));
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("minted 2 times")), "{f:?}");
    }

    #[test]
    fn mint_without_lock_or_with_wrong_total_is_a_violation() {
        let (tao, mut eth) = sound();
        eth.batches[0].total = 151;
        eth.batches.push(batch(7, 7, 1));
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("never locked on TAO")), "{f:?}");
        assert!(f.violations.iter().any(|v| v.contains("minted 151 rao")), "{f:?}");
        let mut gap = eth.clone();
        gap.batches = vec![MintedBatch { count: 1, ..batch(0, 1, 150) }];
        let (f, _) = check_histories(&tao, &gap);
        assert!(f.violations.iter().any(|v| v.contains("not a contiguous range")), "{f:?}");
    }

    #[test]
    fn lock_neither_minted_nor_refunded_is_pending() {
        let (mut tao, eth) = sound();
        tao.locks.push(lock(2, 9));
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.is_empty(), "{f:?}");
        assert_eq!(f.pending.len(), 1, "{f:?}");
        assert!(f.pending[0].contains("lock nonce 2"), "{f:?}");
    }

    #[test]
    fn refund_needs_a_void_first_and_only_once() {
        let (mut tao, mut eth) = sound();
        tao.locks.push(lock(2, 9));
        tao.refunds.push(Refund { nonce: 2, amount: 9, block: 60 });
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("never voided")), "{f:?}");
        // Voided then refunded: settled.
        eth.voided.push(2);
        let (f, tally) = check_histories(&tao, &eth);
        assert!(f.is_clean(), "{f:?}");
        assert_eq!(tally.refunded, 1);
        // Refunded and re-locked as well: twice.
        tao.locks.push(lock(3, 9));
        tao.relocks.push(Relock { old_nonce: 2, new_nonce: 3, block: 61 });
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("settled on TAO 2 times")), "{f:?}");
        // Refunded the wrong amount.
        tao.relocks.clear();
        tao.refunds[0].amount = 10;
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("refunded 10 rao")), "{f:?}");
    }

    #[test]
    fn relocked_lock_is_settled_when_its_new_nonce_mints() {
        let (mut tao, mut eth) = sound();
        tao.locks.push(lock(2, 9));
        eth.voided.push(2);
        tao.locks.push(lock(3, 9));
        tao.relocks.push(Relock { old_nonce: 2, new_nonce: 3, block: 61 });
        // Nonce 3 not minted yet: pending, no violation.
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.is_empty(), "{f:?}");
        assert!(f.pending.iter().any(|p| p.contains("lock nonce 3")), "{f:?}");
        eth.batches.push(batch(3, 3, 9));
        let (f, tally) = check_histories(&tao, &eth);
        assert!(f.is_clean(), "{f:?}");
        assert_eq!(tally.relocked, 1);
        // Re-locked with another amount.
        tao.locks[3].amount = 8;
        eth.batches[1].total = 8;
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("re-locked as nonce 3 with 8")), "{f:?}");
    }

    #[test]
    fn release_twice_is_a_violation() {
        let (mut tao, eth) = sound();
        tao.releases.push(Release { block: 41, ..release(0, 30) });
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("released 2 times")), "{f:?}");
    }

    #[test]
    fn release_mismatch_or_without_burn_is_a_violation() {
        let (mut tao, eth) = sound();
        tao.releases[0].recipient = BOB;
        tao.releases.push(release(5, 1));
        tao.releases.push(Release { chain_id: 1, ..release(0, 30) });
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("released as 30 rao to 0xb0b0")), "{f:?}");
        assert!(f.violations.iter().any(|v| v.contains("no Burned event")), "{f:?}");
        assert!(f.violations.iter().any(|v| v.contains("for EVM chain 1 ")), "{f:?}");
        let (mut tao, eth) = sound();
        tao.releases[0].amount = 31;
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.iter().any(|v| v.contains("released as 31 rao")), "{f:?}");
    }

    #[test]
    fn unreleased_burn_is_pending_unless_conflicted() {
        let (mut tao, mut eth) = sound();
        eth.burns.push(burn(1, 5));
        let (f, _) = check_histories(&tao, &eth);
        assert!(f.violations.is_empty(), "{f:?}");
        assert!(f.pending.iter().any(|p| p.contains("burn nonce 1")), "{f:?}");
        tao.conflicts.push((CHAIN, 1));
        let (f, tally) = check_histories(&tao, &eth);
        assert!(f.is_clean(), "{f:?}");
        assert_eq!(tally.conflicted, 1);
        // A conflict on another chain's nonce 1 does not excuse this one.
        tao.conflicts = vec![(1, 1)];
        let (f, _) = check_histories(&tao, &eth);
        assert_eq!(f.pending.len(), 1, "{f:?}");
    }
}
