//! TAO→ETH, the mint stage: once a batch has `threshold` signatures of TaoBridge's current
//! relayers and it is this relayer's turn (a deterministic order per batch, then
//! `submit_delay_ms` per rank), check the bridge (nonces used, paused, rate limit), simulate,
//! sign → record → send, then follow the transaction to `confirmations`, bump its fees when it
//! is stuck, and rebroadcast it after a restart. The chain is behind [`EthChain`], so the stage
//! runs against a fake in tests.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use alloy::primitives::{Address, B256, Bytes, U256};
use tracing::{debug, error, info, warn};

use super::classify::{self, MintRefusal};
use super::{Ctx, Outcome};
use crate::config::EthConfig;
use crate::error::RelayerError;
use crate::eth::{BridgeRevert, EthClient, Fees, SignedTx, Simulation};
use crate::metrics::{Direction, Metrics};
use crate::store::{Batch, Change, MintRecord, MintStatus, Submission, now_ms};

/// Tracing target of the stage.
pub const TARGET: &str = "relayer::submit";
const SUBMIT: &str = TARGET;

/// A mint transaction's receipt, as far as the stage reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MintReceipt {
    /// The block it was mined in.
    pub block_number: Option<u64>,
    /// Whether it succeeded.
    pub success: bool,
}

/// The EVM calls of the mint stage (implemented by [`EthClient`]).
pub trait EthChain: Send + Sync {
    /// Latest block number.
    fn head(&self) -> impl Future<Output = Result<u64, RelayerError>> + Send;
    /// Whether mint nonce `n` is used on TaoBridge.
    fn nonce_used(&self, n: u64) -> impl Future<Output = Result<bool, RelayerError>> + Send;
    /// Whether TaoBridge is paused.
    fn paused(&self) -> impl Future<Output = Result<bool, RelayerError>> + Send;
    /// What the mint rate limit allows now (rao).
    fn available_mint(&self) -> impl Future<Output = Result<U256, RelayerError>> + Send;
    /// Dry-run `mint(batch, sigs)`.
    fn simulate_mint(
        &self,
        mints: &[MintRecord],
        sigs: &[Bytes],
    ) -> impl Future<Output = Result<Simulation, RelayerError>> + Send;
    /// Our account nonce (`pending`: with the mempool).
    fn account_nonce(
        &self,
        pending: bool,
    ) -> impl Future<Output = Result<u64, RelayerError>> + Send;
    /// A fee suggestion.
    fn fees(&self) -> impl Future<Output = Result<Fees, RelayerError>> + Send;
    /// Sign `mint(batch, sigs)`.
    fn sign_mint(
        &self,
        mints: &[MintRecord],
        sigs: &[Bytes],
        nonce: u64,
        gas: u64,
        fees: Fees,
    ) -> impl Future<Output = Result<SignedTx, RelayerError>> + Send;
    /// Broadcast a signed transaction ("already known" is success).
    fn send_raw(&self, raw: &[u8]) -> impl Future<Output = Result<(), RelayerError>> + Send;
    /// The receipt of `hash`, if mined.
    fn receipt(
        &self,
        hash: B256,
    ) -> impl Future<Output = Result<Option<MintReceipt>, RelayerError>> + Send;
}

impl EthChain for EthClient {
    async fn head(&self) -> Result<u64, RelayerError> {
        EthClient::head(self).await
    }
    async fn nonce_used(&self, n: u64) -> Result<bool, RelayerError> {
        EthClient::nonce_used(self, n).await
    }
    async fn paused(&self) -> Result<bool, RelayerError> {
        EthClient::paused(self).await
    }
    async fn available_mint(&self) -> Result<U256, RelayerError> {
        EthClient::available_mint(self).await
    }
    async fn simulate_mint(
        &self,
        mints: &[MintRecord],
        sigs: &[Bytes],
    ) -> Result<Simulation, RelayerError> {
        EthClient::simulate_mint(self, mints, sigs).await
    }
    async fn account_nonce(&self, pending: bool) -> Result<u64, RelayerError> {
        EthClient::account_nonce(self, pending).await
    }
    async fn fees(&self) -> Result<Fees, RelayerError> {
        EthClient::fees(self).await
    }
    async fn sign_mint(
        &self,
        mints: &[MintRecord],
        sigs: &[Bytes],
        nonce: u64,
        gas: u64,
        fees: Fees,
    ) -> Result<SignedTx, RelayerError> {
        EthClient::sign_mint(self, mints, sigs, nonce, gas, fees).await
    }
    async fn send_raw(&self, raw: &[u8]) -> Result<(), RelayerError> {
        EthClient::send_raw(self, raw).await
    }
    async fn receipt(&self, hash: B256) -> Result<Option<MintReceipt>, RelayerError> {
        Ok(EthClient::receipt(self, hash)
            .await?
            .map(|r| MintReceipt { block_number: r.block_number, success: r.status() }))
    }
}

/// TaoBridge's relayer set: whose signatures count, and how many are needed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelayerSet {
    /// The relayers' addresses, sorted.
    pub sorted: Vec<Address>,
    /// Signatures needed.
    pub threshold: u64,
}

/// The settings the mint stage uses (from `[eth]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MintSettings {
    /// Wait per rank before a backup relayer submits (ms).
    pub submit_delay_ms: u64,
    /// Blocks a mint must be buried under before it counts as minted.
    pub confirmations: u64,
    /// Replace a pending mint with higher fees after this long (ms).
    pub bump_after_ms: u64,
    /// Never pay more per gas (wei).
    pub max_fee_wei: u128,
}

impl From<&EthConfig> for MintSettings {
    fn from(c: &EthConfig) -> Self {
        Self {
            submit_delay_ms: c.submit_delay_ms,
            confirmations: c.confirmations,
            bump_after_ms: c.bump_after_ms,
            max_fee_wei: c.max_fee_wei(),
        }
    }
}

/// The mint stage of one relayer.
#[derive(Debug)]
pub struct MintStage<'a, E> {
    /// The EVM chain.
    pub eth: &'a E,
    /// Store, write lock, metrics.
    pub ctx: Ctx<'a>,
    /// This relayer's Ethereum address (its place in the submitter order).
    pub me: Address,
    /// Settings.
    pub settings: MintSettings,
    /// When this process started (ms): submissions older than this may need a rebroadcast.
    pub started_ms: u64,
    /// Batches whose submission was rebroadcast since this process started.
    pub rebroadcast_done: &'a std::sync::Mutex<HashSet<u64>>,
    /// Set when a mint reverts on its signatures: the caller re-reads the relayer set.
    pub set_changed: &'a AtomicBool,
}

impl<E: EthChain> MintStage<'_, E> {
    /// One attempt at batch `block`'s mint: submit it when it is ready and our turn, or follow
    /// the transaction in flight. An RPC error parks this batch only.
    pub async fn mint(&self, block: u64, set: &RelayerSet) -> Outcome {
        let result = async {
            let Some(batch) = self.ctx.store.batch(block)? else { return Ok(Outcome::Done) };
            match batch.status.clone() {
                MintStatus::Minted { .. } => Ok(Outcome::Done),
                MintStatus::Failed { reason } => Ok(Outcome::Failed(reason)),
                MintStatus::Submitted(sub) => self.track(&batch, sub).await,
                MintStatus::Pending => self.maybe_submit(&batch, set).await,
            }
        }
        .await;
        result.unwrap_or_else(|e: RelayerError| Outcome::Retry(e.to_string()))
    }

    async fn set_status(&self, block: u64, status: MintStatus) -> Result<(), RelayerError> {
        let _w = self.ctx.write.lock().await;
        if let Some(mut b) = self.ctx.store.batch(block)? {
            b.status = status;
            let mut c = Change::new();
            c.batch(&b);
            self.ctx.store.commit(c).await?;
        }
        Ok(())
    }

    async fn mark_minted(&self, batch: &Batch, tx: Option<B256>) -> Result<Outcome, RelayerError> {
        let m = self.ctx.metrics;
        m.batches_minted.inc();
        Metrics::dir(&m.transfers_completed, Direction::TaoToEth).inc_by(batch.mints.len() as u64);
        for _ in &batch.mints {
            m.latency(Direction::TaoToEth, batch.seen_at_ms);
        }
        if tx.is_some() {
            m.batches_minted_by_us.inc();
        }
        info!(target: SUBMIT, block = batch.block, locks = batch.mints.len(), ?tx, "batch minted");
        self.set_status(batch.block, MintStatus::Minted { tx }).await?;
        Ok(Outcome::Done)
    }

    /// Whether the batch's nonces are already used on the bridge (minted by anyone). A batch is
    /// all-or-nothing on chain, so its first and last nonces decide; a mix means some other
    /// batch used some of them, which `simulate_mint` turns into a failure.
    async fn already_minted(&self, batch: &Batch) -> Result<bool, RelayerError> {
        let (Some(first), Some(last)) = (batch.mints.first(), batch.mints.last()) else {
            return Ok(true);
        };
        Ok(self.eth.nonce_used(first.nonce).await? && self.eth.nonce_used(last.nonce).await?)
    }

    async fn maybe_submit(&self, batch: &Batch, set: &RelayerSet) -> Result<Outcome, RelayerError> {
        let Some(ready_at) = batch.ready_at_ms else { return Ok(Outcome::Wait) };
        let me = self.me;
        let Some(my_index) = set.sorted.iter().position(|a| *a == me) else {
            // Not a submitter (any more): another relayer mints it; we see it minted.
            return if self.already_minted(batch).await? {
                self.mark_minted(batch, None).await
            } else {
                Ok(Outcome::Wait)
            };
        };
        let n = set.sorted.len() as u64;
        // Deterministic submitter order per batch: relayer (block mod N) first, then the next
        // one after `submit_delay`, and so on, so one transaction is sent in the common case
        // and a dead relayer delays a mint by one step only.
        let rank = (my_index as u64 + n - batch.block % n) % n;
        let my_turn = ready_at + rank * self.settings.submit_delay_ms;
        if now_ms() < my_turn {
            return Ok(Outcome::Wait);
        }
        if self.already_minted(batch).await? {
            return self.mark_minted(batch, None).await;
        }
        if self.eth.paused().await? {
            self.ctx.metrics.mints_held.inc();
            debug!(target: SUBMIT, block = batch.block, "bridge paused; holding the batch");
            return Ok(Outcome::Retry("TaoBridge is paused".into()));
        }
        let available = self.eth.available_mint().await?;
        if available < U256::from(batch.total()) {
            self.ctx.metrics.mints_held.inc();
            debug!(target: SUBMIT, block = batch.block, "mint rate limit reached; holding the batch");
            return Ok(Outcome::Retry(format!(
                "TaoBridge's mint rate limit: {} rao needed, {available} rao available now",
                batch.total()
            )));
        }
        let sigs: Vec<Bytes> = batch
            .signatures
            .iter()
            .filter(|(a, _)| set.sorted.contains(a))
            .take(usize::try_from(set.threshold).unwrap_or(usize::MAX))
            .map(|(_, s)| s.clone())
            .collect();
        if (sigs.len() as u64) < set.threshold {
            return Ok(Outcome::Wait);
        }
        let gas = match self.eth.simulate_mint(&batch.mints, &sigs).await? {
            Simulation::Ok(gas) => gas,
            Simulation::Revert(r) => return self.on_revert(batch, r).await,
        };
        let nonce = self.eth.account_nonce(true).await?;
        let fees = self.eth.fees().await?;
        let fees = Fees {
            max_fee_per_gas: fees.max_fee_per_gas.min(self.settings.max_fee_wei),
            max_priority_fee_per_gas: fees.max_priority_fee_per_gas.min(self.settings.max_fee_wei),
        };
        let tx = self.eth.sign_mint(&batch.mints, &sigs, nonce, gas, fees).await?;
        let sub = Submission {
            nonce,
            gas,
            sigs,
            hashes: vec![tx.hash],
            raw: tx.raw.clone(),
            max_fee_per_gas: fees.max_fee_per_gas,
            max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
            sent_at_ms: now_ms(),
        };
        // Write-ahead: the transaction is on disk before it is on the wire.
        self.set_status(batch.block, MintStatus::Submitted(sub)).await?;
        crate::crash::point("mint_recorded");
        self.eth.send_raw(&tx.raw).await?;
        crate::crash::point("mint_sent");
        self.ctx.metrics.mint_transactions_sent.inc();
        info!(target: SUBMIT, block = batch.block, tx = %tx.hash, nonce, gas, rank, "mint submitted");
        Ok(Outcome::Wait)
    }

    async fn on_revert(
        &self,
        batch: &Batch,
        revert: BridgeRevert,
    ) -> Result<Outcome, RelayerError> {
        match classify::mint(&revert) {
            MintRefusal::NonceUsed => {
                if self.already_minted(batch).await? {
                    return self.mark_minted(batch, None).await;
                }
                Metrics::dir(&self.ctx.metrics.conflicts, Direction::TaoToEth).inc();
                let reason = format!("{revert:?}: some of its nonces were minted by another batch");
                error!(target: SUBMIT, block = batch.block, %reason, "batch can never be minted");
                self.set_status(batch.block, MintStatus::Failed { reason: reason.clone() }).await?;
                Ok(Outcome::Failed(reason))
            }
            MintRefusal::Permanent(reason) => {
                error!(target: SUBMIT, block = batch.block, %reason, "batch can never be minted");
                self.set_status(batch.block, MintStatus::Failed { reason: reason.clone() }).await?;
                Ok(Outcome::Failed(reason))
            }
            MintRefusal::Held(reason) => {
                // Paused or rate limited: keep the batch; it is retried on its schedule until
                // the contract lets it through.
                self.ctx.metrics.mints_held.inc();
                Ok(Outcome::Retry(reason))
            }
            MintRefusal::Signers(reason) => {
                // The relayer set changed since the signatures were collected: re-read it now
                // (not at the next periodic refresh), so the next attempt uses the signatures
                // that count.
                self.set_changed.store(true, Ordering::Relaxed);
                self.ctx.metrics.mints_held.inc();
                Ok(Outcome::Retry(reason))
            }
        }
    }

    async fn track(&self, batch: &Batch, sub: Submission) -> Result<Outcome, RelayerError> {
        let head = self.eth.head().await?;
        for hash in sub.hashes.iter().rev() {
            let Some(receipt) = self.eth.receipt(*hash).await? else { continue };
            let mined_in = receipt.block_number.unwrap_or(head);
            if !receipt.success {
                warn!(target: SUBMIT, block = batch.block, tx = %hash, "mint transaction reverted");
                if self.already_minted(batch).await? {
                    return self.mark_minted(batch, None).await;
                }
                self.set_status(batch.block, MintStatus::Pending).await?;
                return Ok(Outcome::Wait);
            }
            if head + 1 >= mined_in + self.settings.confirmations {
                return self.mark_minted(batch, Some(*hash)).await;
            }
            return Ok(Outcome::Wait); // mined, waiting for confirmations
        }
        // Not mined (yet).
        if self.already_minted(batch).await? {
            return self.mark_minted(batch, None).await;
        }
        if self.eth.account_nonce(false).await? > sub.nonce {
            // Our nonce went to some other transaction (or a receipt is not indexed yet; the
            // next round sees it): start over with a fresh nonce.
            warn!(
                target: SUBMIT,
                block = batch.block,
                nonce = sub.nonce,
                "mint nonce consumed elsewhere; resubmitting"
            );
            self.set_status(batch.block, MintStatus::Pending).await?;
            return Ok(Outcome::Wait);
        }
        let first_look =
            self.rebroadcast_done.lock().map(|mut done| done.insert(batch.block)).unwrap_or(false);
        if first_look && sub.sent_at_ms < self.started_ms {
            // First look after a restart: make sure the node still has it.
            self.eth.send_raw(&sub.raw).await?;
        }
        if now_ms().saturating_sub(sub.sent_at_ms) >= self.settings.bump_after_ms {
            self.bump(batch, sub).await?;
        }
        Ok(Outcome::Wait)
    }

    /// Replace a stuck mint with the same nonce and fees raised by 25 % (nodes require ≥ 10 %),
    /// capped at `max_fee_gwei`.
    async fn bump(&self, batch: &Batch, mut sub: Submission) -> Result<(), RelayerError> {
        let cap = self.settings.max_fee_wei;
        let raise = |v: u128| (v + v / 4 + 1).min(cap);
        let fees = Fees {
            max_fee_per_gas: raise(sub.max_fee_per_gas),
            max_priority_fee_per_gas: raise(sub.max_priority_fee_per_gas),
        };
        if fees.max_fee_per_gas <= sub.max_fee_per_gas {
            warn!(target: SUBMIT, block = batch.block, "mint pending at the fee cap; waiting");
            return Ok(());
        }
        let tx = self.eth.sign_mint(&batch.mints, &sub.sigs, sub.nonce, sub.gas, fees).await?;
        sub.hashes.push(tx.hash);
        sub.raw = tx.raw.clone();
        sub.max_fee_per_gas = fees.max_fee_per_gas;
        sub.max_priority_fee_per_gas = fees.max_priority_fee_per_gas;
        sub.sent_at_ms = now_ms();
        self.set_status(batch.block, MintStatus::Submitted(sub)).await?;
        self.eth.send_raw(&tx.raw).await?;
        self.ctx.metrics.mint_fee_bumps.inc();
        self.ctx.metrics.mint_transactions_sent.inc();
        info!(target: SUBMIT, block = batch.block, tx = %tx.hash, max_fee_wei = fees.max_fee_per_gas, "mint fee bumped");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};
    use std::sync::Mutex as SyncMutex;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    use alloy::primitives::{Address, B256, Bytes, U256};
    use tokio::sync::Mutex;

    use super::*;
    use crate::eth::ITaoBridge;
    use crate::pipeline::queue;
    use crate::store::{Attempt, Kind, Stage, Store};

    /// TaoBridge and its chain as a script.
    struct FakeEth {
        used: SyncMutex<HashSet<u64>>,
        paused: AtomicBool,
        /// `nonce_used(n)` fails (an RPC error) for these `n`.
        down_for: SyncMutex<HashSet<u64>>,
        /// `simulate_mint` reverts for the batch starting at this nonce.
        reverts: SyncMutex<BTreeMap<u64, BridgeRevert>>,
        sent: SyncMutex<Vec<Bytes>>,
        receipts: SyncMutex<BTreeMap<B256, MintReceipt>>,
        head: AtomicU64,
        nonce: AtomicU64,
    }

    impl Default for FakeEth {
        fn default() -> Self {
            Self {
                used: SyncMutex::default(),
                paused: AtomicBool::new(false),
                down_for: SyncMutex::default(),
                reverts: SyncMutex::default(),
                sent: SyncMutex::default(),
                receipts: SyncMutex::default(),
                head: AtomicU64::new(100),
                nonce: AtomicU64::new(0),
            }
        }
    }

    fn tx_hash(first_nonce: u64) -> B256 {
        B256::from(U256::from(first_nonce))
    }

    impl EthChain for FakeEth {
        async fn head(&self) -> Result<u64, RelayerError> {
            Ok(self.head.load(Ordering::Relaxed))
        }
        async fn nonce_used(&self, n: u64) -> Result<bool, RelayerError> {
            if self.down_for.lock().unwrap().contains(&n) {
                return Err(RelayerError::Eth {
                    context: "reading isNonceUsed",
                    reason: "connection refused".into(),
                });
            }
            Ok(self.used.lock().unwrap().contains(&n))
        }
        async fn paused(&self) -> Result<bool, RelayerError> {
            Ok(self.paused.load(Ordering::Relaxed))
        }
        async fn available_mint(&self) -> Result<U256, RelayerError> {
            Ok(U256::MAX)
        }
        async fn simulate_mint(
            &self,
            mints: &[MintRecord],
            _: &[Bytes],
        ) -> Result<Simulation, RelayerError> {
            let first = mints.first().map_or(0, |m| m.nonce);
            Ok(match self.reverts.lock().unwrap().get(&first) {
                Some(r) => Simulation::Revert(r.clone()),
                None => Simulation::Ok(100_000),
            })
        }
        async fn account_nonce(&self, _: bool) -> Result<u64, RelayerError> {
            Ok(self.nonce.load(Ordering::Relaxed))
        }
        async fn fees(&self) -> Result<Fees, RelayerError> {
            Ok(Fees { max_fee_per_gas: 10, max_priority_fee_per_gas: 1 })
        }
        async fn sign_mint(
            &self,
            mints: &[MintRecord],
            _: &[Bytes],
            _: u64,
            _: u64,
            _: Fees,
        ) -> Result<SignedTx, RelayerError> {
            let first = mints.first().map_or(0, |m| m.nonce);
            Ok(SignedTx { hash: tx_hash(first), raw: Bytes::from(first.to_be_bytes().to_vec()) })
        }
        async fn send_raw(&self, raw: &[u8]) -> Result<(), RelayerError> {
            self.sent.lock().unwrap().push(Bytes::from(raw.to_vec()));
            Ok(())
        }
        async fn receipt(&self, hash: B256) -> Result<Option<MintReceipt>, RelayerError> {
            Ok(self.receipts.lock().unwrap().get(&hash).copied())
        }
    }

    const ME: Address = Address::repeat_byte(0xaa);
    const OTHER: Address = Address::repeat_byte(0xbb);

    fn set() -> RelayerSet {
        RelayerSet { sorted: vec![ME, OTHER], threshold: 2 }
    }

    /// A batch of one lock (nonce = block) with both relayers' signatures, ready long ago.
    fn ready(block: u64) -> Batch {
        let mut signatures = std::collections::BTreeMap::new();
        signatures.insert(ME, Bytes::from(vec![1; 65]));
        signatures.insert(OTHER, Bytes::from(vec![2; 65]));
        Batch {
            own_signature: Bytes::from(vec![1; 65]),
            attested: true,
            signatures,
            ready_at_ms: Some(0),
            ..crate::store::test_batch(block)
        }
    }

    struct World {
        _dir: tempfile::TempDir,
        store: Store,
        write: Mutex<()>,
        metrics: Metrics,
        eth: FakeEth,
        rebroadcast: std::sync::Mutex<HashSet<u64>>,
        set_changed: AtomicBool,
    }

    impl World {
        async fn with(blocks: &[u64]) -> Self {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            let mut c = Change::new();
            for &b in blocks {
                c.batch(&ready(b)).enqueue(Stage::Mint, b, &Attempt::new(0));
            }
            store.commit(c).await.unwrap();
            Self {
                _dir: dir,
                store,
                write: Mutex::new(()),
                metrics: Metrics::new(),
                eth: FakeEth::default(),
                rebroadcast: std::sync::Mutex::default(),
                set_changed: AtomicBool::new(false),
            }
        }

        /// One tick of the stage at `now`: every due batch once.
        async fn tick(&self, now: u64) {
            let stage = MintStage {
                eth: &self.eth,
                ctx: Ctx { store: &self.store, write: &self.write, metrics: &self.metrics },
                me: ME,
                settings: MintSettings {
                    submit_delay_ms: 0,
                    confirmations: 2,
                    bump_after_ms: u64::MAX,
                    max_fee_wei: 1_000,
                },
                started_ms: 0,
                rebroadcast_done: &self.rebroadcast,
                set_changed: &self.set_changed,
            };
            for (id, a) in queue::due(&self.store, Stage::Mint, now).unwrap() {
                let outcome = stage.mint(id, &set()).await;
                queue::settle(&self.store, &self.write, Stage::Mint, id, &a, &outcome, now)
                    .await
                    .unwrap();
            }
        }

        fn status(&self, block: u64) -> MintStatus {
            self.store.batch(block).unwrap().unwrap().status
        }
    }

    #[tokio::test]
    async fn an_rpc_error_on_one_batch_parks_it_while_the_next_is_submitted() {
        let w = World::with(&[1, 2]).await;
        w.eth.down_for.lock().unwrap().insert(1);
        let now = now_ms();
        w.tick(now).await;
        let a = w.store.attempt(Stage::Mint, 1).unwrap().unwrap();
        assert_eq!(a.attempts, 1);
        assert!(a.last_error.unwrap().contains("connection refused"));
        assert_eq!(w.status(1), MintStatus::Pending);
        assert!(matches!(w.status(2), MintStatus::Submitted(_)), "the next batch did not wait");
        assert_eq!(w.eth.sent.lock().unwrap().len(), 1);
        // The endpoint is back: at its next attempt the parked batch goes out, attempts reset.
        w.eth.down_for.lock().unwrap().clear();
        w.tick(now + 100).await;
        assert_eq!(w.status(1), MintStatus::Pending, "not before its backoff");
        w.tick(a.next_at_ms).await;
        assert!(matches!(w.status(1), MintStatus::Submitted(_)));
        assert_eq!(w.store.attempt(Stage::Mint, 1).unwrap().unwrap().attempts, 0);
    }

    #[tokio::test]
    async fn nonces_minted_by_another_batch_fail_the_batch_for_good_and_the_next_flows() {
        let w = World::with(&[1, 2]).await;
        let used = ITaoBridge::TaoBridgeNonceUsed { nonce: 1 };
        w.eth.reverts.lock().unwrap().insert(1, BridgeRevert::TaoBridgeNonceUsed(used));
        w.tick(now_ms()).await;
        assert!(
            matches!(w.status(1), MintStatus::Failed { reason } if reason.contains("another batch"))
        );
        assert!(matches!(w.status(2), MintStatus::Submitted(_)));
        assert_eq!(w.store.attempt(Stage::Mint, 1).unwrap(), None, "finished, not retried");
        let failed: Vec<_> =
            w.store.failed().unwrap().into_iter().map(|i| (i.kind, i.id)).collect();
        assert_eq!(failed, [(Kind::Batch, 1)]);
    }

    #[tokio::test]
    async fn a_paused_bridge_parks_every_batch_until_unpaused() {
        let w = World::with(&[1, 2]).await;
        w.eth.paused.store(true, Ordering::Relaxed);
        let now = now_ms();
        w.tick(now).await;
        for b in [1, 2] {
            let a = w.store.attempt(Stage::Mint, b).unwrap().unwrap();
            assert_eq!((a.attempts, a.last_error.as_deref()), (1, Some("TaoBridge is paused")));
        }
        assert!(w.eth.sent.lock().unwrap().is_empty());
        w.eth.paused.store(false, Ordering::Relaxed);
        w.tick(now + 60_000).await;
        assert!(matches!(w.status(1), MintStatus::Submitted(_)));
        assert!(matches!(w.status(2), MintStatus::Submitted(_)));
    }

    #[tokio::test]
    async fn a_revert_on_signatures_asks_for_the_relayer_set_again() {
        let w = World::with(&[1]).await;
        let bad = ITaoBridge::TaoBridgeInvalidSigner { signer: OTHER };
        w.eth.reverts.lock().unwrap().insert(1, BridgeRevert::TaoBridgeInvalidSigner(bad));
        w.tick(now_ms()).await;
        assert!(w.set_changed.load(Ordering::Relaxed));
        assert_eq!(w.store.attempt(Stage::Mint, 1).unwrap().unwrap().attempts, 1);
        assert_eq!(w.status(1), MintStatus::Pending);
    }

    #[tokio::test]
    async fn a_mint_is_done_at_its_confirmations() {
        let w = World::with(&[1]).await;
        let now = now_ms();
        w.tick(now).await;
        assert!(matches!(w.status(1), MintStatus::Submitted(_)));
        // Mined at the head: 1 confirmation of 2.
        w.eth
            .receipts
            .lock()
            .unwrap()
            .insert(tx_hash(1), MintReceipt { block_number: Some(100), success: true });
        w.tick(now).await;
        assert!(matches!(w.status(1), MintStatus::Submitted(_)));
        w.eth.head.store(101, Ordering::Relaxed);
        w.tick(now).await;
        assert_eq!(w.status(1), MintStatus::Minted { tx: Some(tx_hash(1)) });
        assert_eq!(w.store.attempt(Stage::Mint, 1).unwrap(), None);
        assert_eq!(w.metrics.batches_minted_by_us.get(), 1);
        assert_eq!(w.eth.sent.lock().unwrap().len(), 1, "sent once");
    }
}
