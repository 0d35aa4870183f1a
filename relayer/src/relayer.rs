//! The relayer proper: four tasks over one [`Store`].
//!
//! ```text
//!  tao_watch   finalized TAO blocks from the cursor ──▶ new Batch (signed here) + others'
//!              attestations; cursor and batch written in one commit        ──▶ queue Attest
//!  tao_tx      one TAO transaction at a time: Attest(block) / Approve(burn nonce); the chain
//!              refuses a second attestation or approval from us, so a replay after a crash is
//!              harmless and recognised as "already done"
//!  minter      batches with ≥ threshold signatures: whose turn (deterministic order, then a
//!              timeout per rank), paused / rate limit / nonces already used, sign → record →
//!              send, receipts to `confirmations`, fee bumps, rebroadcast after a restart
//!  eth_watch   EVM blocks up to head − confirmations, parent-hash chain checked against the
//!              stored hashes (reorg ⇒ roll back), Burned logs by block hash ──▶ queue Approve
//! ```

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use alloy::primitives::{Address, B256, Bytes, U256};
use futures::StreamExt;
use tao_client::api::bridge::Event as BridgeEvent;
use tao_client::{AccountId32, Rao, ReleaseOutcome, TaoClientError};

use crate::failover::{TaoPool, tao_endpoint_failed};
use crate::quorum::{self, Verdict};
use tokio::sync::{Mutex, Notify, mpsc};
use tracing::{Instrument as _, debug, error, info, info_span, warn};
use url::Url;
use wtao_bridge_types::{BridgeDomain, mint_batch_digest, recover_signer, sign_digest};

use crate::config::RelayerConfig;
use crate::error::RelayerError;
use crate::eth::{BridgeRevert, EthClient, Fees, Simulation};
use crate::keys::RelayerKeys;
use crate::metrics::{Chain, Direction, Metrics};
use crate::store::{
    Batch, Burn, BurnStatus, Change, KEPT_HASHES, MintRecord, MintStatus, Store, Submission, now_ms,
};
use crate::tls::ClientTls;

/// A TAO-side transaction this relayer owes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum TaoJob {
    /// Post our signature of block `.0`'s batch.
    Attest(u64),
    /// Approve the release of burn nonce `.0`.
    Approve(u64),
}

/// The relayer's tasks: the `task` label of `errors_total` / `retries_total`, and the last part
/// of each task's tracing target (`relayer::<task>`).
pub const TASKS: [&str; 5] = ["tao_watch", "sign", "submit", "eth_watch", "approve"];

/// Tracing targets, one per task (filter with e.g. `RUST_LOG=info,relayer::approve=debug`).
const TAO_WATCH: &str = "relayer::tao_watch";
const SIGN: &str = "relayer::sign";
const SUBMIT: &str = "relayer::submit";
const ETH_WATCH: &str = "relayer::eth_watch";
const APPROVE: &str = "relayer::approve";

/// How often the signer's balance is read.
const BALANCE_REFRESH: Duration = Duration::from_secs(15);

/// How far back the EVM watcher scans per poll, at most.
const EVM_BLOCKS_PER_POLL: u64 = 200;
/// Backoff bounds for transient errors.
const BACKOFF_MIN: Duration = Duration::from_millis(200);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// How often the relayer set and threshold are re-read from the bridge.
const SET_REFRESH: Duration = Duration::from_secs(30);

/// Exponential backoff with full jitter.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { next: BACKOFF_MIN }
    }
}

impl Backoff {
    /// The delay before the next retry (doubling up to the cap, uniformly jittered).
    pub fn delay(&mut self) -> Duration {
        use rand::Rng;
        let cap = self.next;
        self.next = (self.next * 2).min(BACKOFF_MAX);
        let ms = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::thread_rng().gen_range(ms / 2..=ms))
    }
    /// Back to the shortest delay after a success.
    pub fn reset(&mut self) {
        self.next = BACKOFF_MIN;
    }
}

/// The relayer set as the bridge reports it.
#[derive(Clone, Debug, Default)]
struct RelayerSet {
    sorted: Vec<Address>,
    threshold: u64,
    fetched_ms: u64,
}

/// Shared state of the tasks.
struct Inner {
    config: RelayerConfig,
    keys: RelayerKeys,
    store: Store,
    metrics: Arc<Metrics>,
    tao: TaoPool,
    eth: EthClient,
    domain: BridgeDomain,
    set: Mutex<RelayerSet>,
    /// Wakes the minter when signatures arrive.
    mint_wake: Notify,
    jobs: mpsc::UnboundedSender<TaoJob>,
    /// Serialises every store read-modify-write of a batch or burn across tasks.
    write: Mutex<()>,
    /// When this process started (ms): submissions older than this may need a rebroadcast.
    started_ms: u64,
    /// Parked items (batch blocks, burn nonces), for the `parked_items` gauge.
    parked: std::sync::Mutex<(HashSet<u64>, HashSet<u64>)>,
    /// When the signer balance was last read (ms).
    balance_checked_ms: std::sync::atomic::AtomicU64,
}

/// A running relayer.
pub struct Relayer {
    inner: Arc<Inner>,
    jobs: mpsc::UnboundedReceiver<TaoJob>,
}

impl std::fmt::Debug for Relayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relayer").field("keys", &self.inner.keys).finish_non_exhaustive()
    }
}

impl Relayer {
    /// Connect to both chains, check that they match the configuration, and open the store.
    pub async fn connect(
        config: RelayerConfig,
        keys: RelayerKeys,
        metrics: Arc<Metrics>,
    ) -> Result<Self, RelayerError> {
        let store = Store::open(&config.data_dir)?;
        let tls = ClientTls::new(&config.tls)?;
        let tao = TaoPool::connect(
            config.tao.endpoints(),
            config.tao.stale_after(),
            tls.clone(),
            metrics.clone(),
        )
        .await?;
        let eth = EthClient::connect_all(
            &config.eth.endpoints(),
            config.eth.chain_id,
            config.eth.bridge,
            keys.eth.clone(),
            &tls,
            config.eth.stale_after(),
            metrics.clone(),
        )
        .await?;
        let (node_chain, node_bridge) = tao.client().1.bridge_domain().await?;
        if (node_chain, node_bridge) != (config.eth.chain_id, config.eth.bridge) {
            return Err(RelayerError::Setup(format!(
                "tao-node's bridge domain is chain {node_chain} / {node_bridge}, but this relayer is configured for chain {} / {}: its attestations would be rejected",
                config.eth.chain_id, config.eth.bridge
            )));
        }
        let (sorted, threshold) = eth.relayer_set().await?;
        if threshold == 0 || threshold > sorted.len() as u64 {
            return Err(RelayerError::Setup(format!(
                "TaoBridge reports threshold {threshold} for {} relayers",
                sorted.len()
            )));
        }
        if !sorted.contains(&keys.eth_address()) {
            warn!(
                target: "relayer",
                address = %keys.eth_address(),
                "this relayer's key is not in TaoBridge's relayer set: its signatures will not count"
            );
        }
        let domain = BridgeDomain::new(config.eth.chain_id, config.eth.bridge);
        let (jobs_tx, jobs) = mpsc::unbounded_channel();
        let set = RelayerSet { sorted, threshold, fetched_ms: now_ms() };
        info!(
            target: "relayer",
            eth = %keys.eth_address(),
            tao = %keys.tao_account(),
            threshold = set.threshold,
            relayers = set.sorted.len(),
            "relayer connected"
        );
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                keys,
                store,
                metrics,
                tao,
                eth,
                domain,
                set: Mutex::new(set),
                mint_wake: Notify::new(),
                jobs: jobs_tx,
                write: Mutex::new(()),
                started_ms: now_ms(),
                parked: std::sync::Mutex::default(),
                balance_checked_ms: std::sync::atomic::AtomicU64::new(0),
            }),
            jobs,
        })
    }

    /// The store (for `/status`).
    pub fn store(&self) -> Store {
        self.inner.store.clone()
    }

    /// Run until `shutdown` resolves. Every step is committed before the next external action,
    /// so stopping at any await point leaves a state the next start resumes from.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), RelayerError> {
        let Self { inner, jobs } = self;
        inner.requeue()?;
        let tasks = [
            tokio::spawn(forever("tao_watch", inner.clone(), |i| Box::pin(i.tao_watch()))),
            tokio::spawn(forever("eth_watch", inner.clone(), |i| Box::pin(i.eth_watch()))),
            tokio::spawn(forever("submit", inner.clone(), |i| Box::pin(i.minter()))),
            tokio::spawn(inner.clone().tao_tx(jobs)),
        ];
        shutdown.await;
        info!(target: "relayer", "shutting down");
        for t in &tasks {
            t.abort();
        }
        for t in tasks {
            let _ = t.await;
        }
        inner.store.commit(Change::new()).await?;
        Ok(())
    }
}

type StepFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), RelayerError>> + Send>>;

/// Run a task body forever: a transient error is logged and retried after a backoff; so is any
/// other error, because a relayer that exits loses liveness for everyone.
async fn forever(name: &'static str, inner: Arc<Inner>, body: fn(Arc<Inner>) -> StepFuture) {
    let mut backoff = Backoff::default();
    loop {
        match body(inner.clone()).await {
            Ok(()) => backoff.reset(),
            Err(e) => {
                inner.metrics.error(name, true);
                let delay = backoff.delay();
                task_failed(name, &e, delay);
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// Log a failed step of task `name` under the task's own target.
fn task_failed(name: &str, e: &RelayerError, delay: Duration) {
    macro_rules! log {
        ($target:expr) => {
            if e.is_transient() {
                warn!(target: $target, error = %e, retry_in = ?delay, "transient error");
            } else {
                error!(target: $target, error = %e, retry_in = ?delay, "error");
            }
        };
    }
    match name {
        "tao_watch" => log!(TAO_WATCH),
        "sign" => log!(SIGN),
        "submit" => log!(SUBMIT),
        "eth_watch" => log!(ETH_WATCH),
        _ => log!(APPROVE),
    }
}

impl Inner {
    /// After a restart: owed attestations and approvals go back on the queue.
    fn requeue(&self) -> Result<(), RelayerError> {
        for b in self.store.batches()? {
            if !b.attested {
                let _ = self.jobs.send(TaoJob::Attest(b.block));
            }
        }
        for r in self.store.burns()? {
            if r.status == BurnStatus::Pending {
                let _ = self.jobs.send(TaoJob::Approve(r.nonce));
            }
        }
        self.mint_wake.notify_one();
        Ok(())
    }

    async fn relayer_set(&self) -> Result<RelayerSet, RelayerError> {
        let mut set = self.set.lock().await;
        if now_ms().saturating_sub(set.fetched_ms) > SET_REFRESH.as_millis() as u64 {
            let (sorted, threshold) = self.eth.relayer_set().await?;
            *set = RelayerSet { sorted, threshold, fetched_ms: now_ms() };
        }
        Ok(set.clone())
    }

    // ------------------------------------------------------------------ TAO → ETH: scanning

    async fn tao_watch(self: Arc<Self>) -> Result<(), RelayerError> {
        let start = self.store.tao_cursor()?.unwrap_or(self.config.tao.start_block);
        let (index, client) = self.tao.client();
        let mut blocks =
            self.tao_call(index, "subscribe", client.finalized_blocks_from(start)).await?;
        let stale = self.config.tao.stale_after();
        loop {
            let block = match tokio::time::timeout(stale, blocks.next()).await {
                Ok(Some(Ok(block))) => block,
                Ok(Some(Err(e))) => {
                    if tao_endpoint_failed(&e) {
                        self.tao.failed(index, &e.to_string()).await;
                    }
                    return Err(e.into());
                }
                Ok(None) => {
                    self.tao.failed(index, "the finalized block subscription ended").await;
                    break;
                }
                Err(_) => {
                    let url = self.tao.endpoints().urls().get(index).map(Url::to_string);
                    let e = RelayerError::TaoStale {
                        url: url.unwrap_or_default(),
                        secs: stale.as_secs(),
                    };
                    self.tao.failed(index, &e.to_string()).await;
                    return Err(e);
                }
            };
            Metrics::set_chain(&self.metrics.head_block, Chain::Tao, block.finalized);
            Metrics::set_chain(
                &self.metrics.lag_blocks,
                Chain::Tao,
                block.finalized.saturating_sub(block.number),
            );
            self.tao_block(block.number, block.events)
                .instrument(info_span!(target: TAO_WATCH, "tao_block", number = block.number))
                .await?;
        }
        Err(RelayerError::Tao(TaoClientError::MissingEvent {
            call: "finalized block stream",
            event: "next block (the subscription ended)",
        }))
    }

    async fn tao_block(&self, number: u64, events: Vec<BridgeEvent>) -> Result<(), RelayerError> {
        let m = &self.metrics;
        let set = self.relayer_set().await?;
        let _w = self.write.lock().await;
        let mut change = Change::new();
        let mut mints = Vec::new();
        let mut touched: Vec<Batch> = Vec::new();
        for ev in events {
            match ev {
                BridgeEvent::Locked { nonce, from, eth_recipient, amount } => {
                    Metrics::dir(&m.items_seen, Direction::TaoToEth).inc();
                    mints.push(MintRecord {
                        nonce,
                        tao_sender: B256::from(from.0),
                        recipient: Address::from(eth_recipient.0),
                        amount,
                    });
                }
                BridgeEvent::Attested { block, relayer, signature } => {
                    let relayer = Address::from(relayer.0);
                    let pos = touched.iter().position(|b| b.block == u64::from(block));
                    let mut batch = match pos {
                        Some(i) => touched.swap_remove(i),
                        None => match self.store.batch(u64::from(block))? {
                            Some(b) => b,
                            None => {
                                debug!(target: TAO_WATCH, block, "attestation for a batch before our start block");
                                continue;
                            }
                        },
                    };
                    match recover_signer(batch.digest, &signature) {
                        Ok(a) if a == relayer && set.sorted.contains(&a) => {
                            m.attestations_seen.inc();
                            batch.signatures.insert(a, Bytes::from(signature));
                        }
                        other => {
                            // tao-node verified it against its domain; a mismatch here means the
                            // node and this relayer disagree on the digest or the set.
                            Metrics::dir(&m.conflicts, Direction::TaoToEth).inc();
                            warn!(target: TAO_WATCH, block, %relayer, ?other, "attestation does not verify here; ignored");
                        }
                    }
                    touched.push(batch);
                }
                BridgeEvent::Released { eth_chain_id, burn_nonce, .. } => {
                    Metrics::dir(&m.transfers_completed, Direction::EthToTao).inc();
                    if eth_chain_id == self.config.eth.chain_id
                        && let Some(burn) = self.store.burn(burn_nonce)?
                    {
                        m.latency(Direction::EthToTao, burn.seen_at_ms);
                    }
                }
                BridgeEvent::ReleaseConflict {
                    eth_chain_id, burn_nonce, relayer, amount, ..
                } => {
                    Metrics::dir(&m.conflicts, Direction::EthToTao).inc();
                    error!(target: TAO_WATCH, eth_chain_id, burn_nonce, %relayer, amount, "release conflict on tao-node: governance must resolve it");
                }
                _ => {}
            }
        }
        let mut new_batch = None;
        if !mints.is_empty() {
            mints.sort_by_key(|m| m.nonce);
            let list: Vec<_> = mints.iter().map(|m| m.to_mint()).collect();
            let digest = mint_batch_digest(&self.domain, &list);
            let sig = Bytes::from(sign_digest(self.keys.signing_key(), digest)?.to_vec());
            let mut signatures = std::collections::BTreeMap::new();
            signatures.insert(self.keys.eth_address(), sig.clone());
            let batch = Batch {
                block: number,
                mints,
                digest,
                own_signature: sig,
                attested: false,
                attest_error: None,
                signatures,
                seen_at_ms: now_ms(),
                ready_at_ms: None,
                status: MintStatus::Pending,
            };
            m.batches_signed.inc();
            info!(target: SIGN, block = number, locks = batch.mints.len(), total_rao = %batch.total(), %digest, "signed mint batch");
            new_batch = Some(batch);
        }
        for b in touched.iter_mut().chain(new_batch.as_mut()) {
            if b.ready_at_ms.is_none() && b.signatures.len() as u64 >= set.threshold {
                b.ready_at_ms = Some(now_ms());
            }
            change.batch(b);
        }
        change.tao_cursor(number + 1);
        self.store.commit(change).await?;
        m.blocks_scanned.with_label_values(&[Chain::Tao.label()]).inc();
        Metrics::set_chain(&m.next_block, Chain::Tao, number + 1);
        m.progress(Chain::Tao);
        if new_batch.is_some() {
            crate::crash::point("signed");
            let _ = self.jobs.send(TaoJob::Attest(number));
        }
        if new_batch.is_some() || !touched.is_empty() {
            self.mint_wake.notify_one();
        }
        Ok(())
    }

    // ------------------------------------------------------------------ TAO transactions

    async fn tao_tx(self: Arc<Self>, mut jobs: mpsc::UnboundedReceiver<TaoJob>) {
        let mut done: HashSet<TaoJob> = HashSet::new();
        while let Some(job) = jobs.recv().await {
            if done.contains(&job) {
                continue;
            }
            let mut backoff = Backoff::default();
            let (task, span) = match job {
                TaoJob::Attest(block) => ("sign", info_span!(target: SIGN, "attest", block)),
                TaoJob::Approve(nonce) => ("approve", info_span!(target: APPROVE, "burn", nonce)),
            };
            loop {
                match self.tao_job(job).instrument(span.clone()).await {
                    Ok(true) => {
                        done.insert(job);
                        break;
                    }
                    Ok(false) => break, // not finished (e.g. rate limited): requeued inside
                    Err(e) => {
                        self.metrics.error(task, true);
                        let delay = backoff.delay();
                        let _span = span.enter();
                        task_failed(task, &e, delay);
                        drop(_span);
                        tokio::time::sleep(delay).await;
                    }
                }
            }
        }
    }

    /// `Ok(true)`: the job is finished for good.
    async fn tao_job(&self, job: TaoJob) -> Result<bool, RelayerError> {
        match job {
            TaoJob::Attest(block) => self.attest(block).await,
            TaoJob::Approve(nonce) => self.approve(nonce).await,
        }
    }

    async fn attest(&self, block: u64) -> Result<bool, RelayerError> {
        let Some(batch) = self.store.batch(block)? else { return Ok(true) };
        if batch.attested {
            return Ok(true);
        }
        let block32 = u32::try_from(block)
            .map_err(|_| RelayerError::Setup(format!("TAO block {block} exceeds u32")))?;
        let (index, client) = self.tao.client();
        let outcome = self
            .tao_call(index, "submit", client.attest(&self.keys.tao, block32, &batch.own_signature))
            .await;
        if outcome.is_ok() {
            crate::crash::point("attested");
        }
        let error = match outcome {
            Ok(_) => None,
            Err(e) => match e.module_error() {
                Some(("Bridge", "AlreadyAttested")) => None,
                Some(("Bridge", name)) => Some(name.to_owned()),
                _ => return Err(e.into()),
            },
        };
        let _w = self.write.lock().await;
        let Some(mut batch) = self.store.batch(block)? else { return Ok(true) };
        batch.attested = true;
        if let Some(name) = &error {
            self.metrics.error("sign", false);
            error!(target: SIGN, block, error = %name, "tao-node refused our attestation");
        } else {
            self.metrics.attestations_posted.inc();
            debug!(target: SIGN, block, "attested");
        }
        batch.attest_error = error;
        let mut c = Change::new();
        c.batch(&batch);
        self.store.commit(c).await?;
        Ok(true)
    }

    async fn approve(&self, nonce: u64) -> Result<bool, RelayerError> {
        let Some(burn) = self.store.burn(nonce)? else { return Ok(true) };
        if burn.status != BurnStatus::Pending {
            return Ok(true);
        }
        // The burn's block must still be canonical (a reorg deeper than `confirmations` after
        // we saw it must not turn into a release), and `eth.quorum` providers must report the
        // same block and log (one lying provider must not move money).
        let k = self.config.eth.quorum();
        match quorum::vote(self.eth.voters(k), &burn, k).await {
            Verdict::Confirmed { .. } => {}
            Verdict::Reorged { .. } => {
                return self
                    .finish_burn(
                        nonce,
                        BurnStatus::Dropped { reason: "its block is no longer canonical".into() },
                    )
                    .await;
            }
            v @ Verdict::Undecided { agree, other_log, other_block, silent } => {
                if v.disagreement() {
                    self.metrics.quorum_disagreements.inc();
                    warn!(
                        target: APPROVE,
                        nonce,
                        quorum = k,
                        agree,
                        other_log,
                        other_block,
                        silent,
                        "EVM providers disagree about this burn; it waits"
                    );
                } else {
                    debug!(target: APPROVE, nonce, quorum = k, agree, silent, "not enough EVM providers answered; the burn waits");
                }
                self.defer_burn(nonce);
                return Ok(false);
            }
        }
        let Ok(amount) = u64::try_from(burn.amount) else {
            return self
                .finish_burn(
                    nonce,
                    BurnStatus::Dropped {
                        reason: format!(
                            "amount {} rao does not fit tao-node's u64 balance",
                            burn.amount
                        ),
                    },
                )
                .await;
        };
        let recipient = AccountId32(burn.tao_recipient.0);
        let (index, client) = self.tao.client();
        let call = client.approve_release(
            &self.keys.tao,
            self.eth.chain_id(),
            nonce,
            recipient,
            Rao(amount),
        );
        let outcome = self.tao_call(index, "submit", call).await;
        if outcome.is_ok() {
            crate::crash::point("approved");
        }
        let status = match outcome {
            Ok(ReleaseOutcome::Approved { approvals }) => {
                info!(target: APPROVE, nonce, approvals, "release approved");
                BurnStatus::Approved { released: false }
            }
            Ok(ReleaseOutcome::Released { amount, .. }) => {
                info!(target: APPROVE, nonce, amount_rao = amount.0, "release completed by our approval");
                BurnStatus::Approved { released: true }
            }
            Ok(ReleaseOutcome::Conflict { .. }) => {
                Metrics::dir(&self.metrics.conflicts, Direction::EthToTao).inc();
                error!(
                    target: APPROVE,
                    nonce,
                    "our approval conflicts with earlier ones: the nonce is blocked until governance resolves it"
                );
                BurnStatus::Conflict
            }
            Err(e) => match e.module_error() {
                Some(("Bridge", "AlreadyApproved")) => BurnStatus::Approved { released: false },
                Some(("Bridge", "AlreadyReleased")) => BurnStatus::Approved { released: true },
                Some(("Bridge", "ReleaseInConflict")) => {
                    Metrics::dir(&self.metrics.conflicts, Direction::EthToTao).inc();
                    BurnStatus::Conflict
                }
                Some(("Bridge", "RateLimited" | "InsufficientCustody")) => {
                    self.metrics.retries.with_label_values(&["approve"]).inc();
                    warn!(target: APPROVE, nonce, error = ?e.module_error(), "release deferred; retrying later");
                    self.defer_burn(nonce);
                    return Ok(false);
                }
                _ => return Err(e.into()),
            },
        };
        self.metrics.approvals_posted.inc();
        self.finish_burn(nonce, status).await
    }

    /// Run a tao-node call of endpoint `index`, timed as `method`; an endpoint failure moves
    /// the pool to the next endpoint.
    async fn tao_call<T>(
        &self,
        index: usize,
        method: &'static str,
        call: impl std::future::Future<Output = Result<T, TaoClientError>>,
    ) -> Result<T, TaoClientError> {
        let started = std::time::Instant::now();
        let result = call.await;
        self.metrics.rpc(Chain::Tao, method, started.elapsed());
        if let Err(e) = &result
            && tao_endpoint_failed(e)
        {
            self.tao.failed(index, &e.to_string()).await;
        }
        result
    }

    /// Park burn `nonce` and queue its approval again after a while (rate limit, custody, an
    /// EVM quorum not reached): the queue keeps flowing meanwhile.
    fn defer_burn(&self, nonce: u64) {
        self.park(Direction::EthToTao, nonce, true);
        let jobs = self.jobs.clone();
        let delay = self.config.eth.poll_interval() * 5;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = jobs.send(TaoJob::Approve(nonce));
        });
    }

    /// Mark item `id` of `d` as parked or not, and update the gauge.
    fn park(&self, d: Direction, id: u64, parked: bool) {
        let Ok(mut sets) = self.parked.lock() else { return };
        let set = match d {
            Direction::TaoToEth => &mut sets.0,
            Direction::EthToTao => &mut sets.1,
        };
        let changed = if parked { set.insert(id) } else { set.remove(&id) };
        if changed {
            Metrics::dir_gauge(&self.metrics.parked, d)
                .set(i64::try_from(set.len()).unwrap_or(i64::MAX));
        }
    }

    async fn finish_burn(&self, nonce: u64, status: BurnStatus) -> Result<bool, RelayerError> {
        self.park(Direction::EthToTao, nonce, false);
        let _w = self.write.lock().await;
        if let Some(mut burn) = self.store.burn(nonce)? {
            if let BurnStatus::Dropped { reason } = &status {
                warn!(target: APPROVE, nonce, %reason, "burn dropped");
            }
            burn.status = status;
            let mut c = Change::new();
            c.burn(&burn);
            self.store.commit(c).await?;
        }
        Ok(true)
    }

    // ------------------------------------------------------------------ TAO → ETH: minting

    async fn minter(self: Arc<Self>) -> Result<(), RelayerError> {
        let mut rebroadcast_done = HashSet::new();
        loop {
            self.mint_round(&mut rebroadcast_done).await?;
            let tick = self.config.eth.poll_interval().min(Duration::from_millis(500));
            tokio::select! {
                () = self.mint_wake.notified() => {}
                () = tokio::time::sleep(tick) => {}
            }
        }
    }

    async fn mint_round(&self, rebroadcast_done: &mut HashSet<u64>) -> Result<(), RelayerError> {
        let set = self.relayer_set().await?;
        let batches = self.store.batches()?;
        let mut pending = 0u64;
        let mut locks = 0u64;
        let mut failed = 0u64;
        let mut oldest = u64::MAX;
        for batch in batches {
            if matches!(batch.status, MintStatus::Failed { .. }) {
                failed += 1;
            }
            if matches!(batch.status, MintStatus::Minted { .. } | MintStatus::Failed { .. }) {
                continue;
            }
            pending += 1;
            locks += batch.mints.len() as u64;
            oldest = oldest.min(batch.seen_at_ms);
            match &batch.status {
                MintStatus::Submitted(sub) => {
                    self.track(&batch, sub.clone(), rebroadcast_done).await?;
                }
                MintStatus::Pending => {
                    self.maybe_submit(&batch, &set)
                        .instrument(info_span!(target: SUBMIT, "batch", block = batch.block))
                        .await?;
                }
                _ => {}
            }
        }
        let m = &self.metrics;
        let gauge = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let d = Direction::TaoToEth.label();
        m.queue_depth.with_label_values(&[d, "batches"]).set(gauge(pending));
        m.queue_depth.with_label_values(&[d, "locks"]).set(gauge(locks));
        Metrics::dir_gauge(&m.failed, Direction::TaoToEth).set(gauge(failed));
        let age = if oldest == u64::MAX { 0 } else { now_ms().saturating_sub(oldest) / 1000 };
        Metrics::dir_gauge(&m.oldest_pending, Direction::TaoToEth).set(gauge(age));
        Ok(())
    }

    async fn set_status(&self, block: u64, status: MintStatus) -> Result<(), RelayerError> {
        let _w = self.write.lock().await;
        if let Some(mut b) = self.store.batch(block)? {
            b.status = status;
            let mut c = Change::new();
            c.batch(&b);
            self.store.commit(c).await?;
        }
        Ok(())
    }

    async fn mark_minted(&self, batch: &Batch, tx: Option<B256>) -> Result<(), RelayerError> {
        let m = &self.metrics;
        m.batches_minted.inc();
        Metrics::dir(&m.transfers_completed, Direction::TaoToEth).inc_by(batch.mints.len() as u64);
        for _ in &batch.mints {
            m.latency(Direction::TaoToEth, batch.seen_at_ms);
        }
        if tx.is_some() {
            m.batches_minted_by_us.inc();
        }
        self.park(Direction::TaoToEth, batch.block, false);
        info!(target: SUBMIT, block = batch.block, locks = batch.mints.len(), ?tx, "batch minted");
        self.set_status(batch.block, MintStatus::Minted { tx }).await
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

    async fn maybe_submit(&self, batch: &Batch, set: &RelayerSet) -> Result<(), RelayerError> {
        let Some(ready_at) = batch.ready_at_ms else { return Ok(()) };
        let me = self.keys.eth_address();
        let Some(my_index) = set.sorted.iter().position(|a| *a == me) else { return Ok(()) };
        let n = set.sorted.len() as u64;
        // Deterministic submitter order per batch: relayer (block mod N) first, then the next
        // one after `submit_delay`, and so on, so one transaction is sent in the common case
        // and a dead relayer delays a mint by one step only.
        let rank = (my_index as u64 + n - batch.block % n) % n;
        let my_turn = ready_at + rank * self.config.eth.submit_delay_ms;
        if now_ms() < my_turn {
            return Ok(());
        }
        if self.already_minted(batch).await? {
            return self.mark_minted(batch, None).await;
        }
        if self.eth.paused().await? {
            self.metrics.mints_held.inc();
            self.park(Direction::TaoToEth, batch.block, true);
            debug!(target: SUBMIT, block = batch.block, "bridge paused; holding the batch");
            return Ok(());
        }
        if self.eth.available_mint().await? < U256::from(batch.total()) {
            self.metrics.mints_held.inc();
            self.park(Direction::TaoToEth, batch.block, true);
            debug!(target: SUBMIT, block = batch.block, "mint rate limit reached; holding the batch");
            return Ok(());
        }
        let sigs: Vec<Bytes> = batch
            .signatures
            .iter()
            .filter(|(a, _)| set.sorted.contains(a))
            .take(usize::try_from(set.threshold).unwrap_or(usize::MAX))
            .map(|(_, s)| s.clone())
            .collect();
        if (sigs.len() as u64) < set.threshold {
            return Ok(());
        }
        let gas = match self.eth.simulate_mint(&batch.mints, &sigs).await? {
            Simulation::Ok(gas) => gas,
            Simulation::Revert(r) => return self.on_revert(batch, r).await,
        };
        let nonce = self.eth.account_nonce(true).await?;
        let fees = self.eth.fees().await?;
        let fees = Fees {
            max_fee_per_gas: fees.max_fee_per_gas.min(self.config.eth.max_fee_wei()),
            max_priority_fee_per_gas: fees
                .max_priority_fee_per_gas
                .min(self.config.eth.max_fee_wei()),
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
        self.metrics.mint_transactions_sent.inc();
        self.park(Direction::TaoToEth, batch.block, false);
        info!(target: SUBMIT, block = batch.block, tx = %tx.hash, nonce, gas, rank, "mint submitted");
        Ok(())
    }

    async fn on_revert(&self, batch: &Batch, revert: BridgeRevert) -> Result<(), RelayerError> {
        match revert {
            BridgeRevert::TaoBridgeNonceUsed(_) => {
                if self.already_minted(batch).await? {
                    self.mark_minted(batch, None).await
                } else {
                    Metrics::dir(&self.metrics.conflicts, Direction::TaoToEth).inc();
                    self.park(Direction::TaoToEth, batch.block, false);
                    let reason =
                        format!("{revert:?}: some of its nonces were minted by another batch");
                    error!(target: SUBMIT, block = batch.block, %reason, "batch can never be minted");
                    self.set_status(batch.block, MintStatus::Failed { reason }).await
                }
            }
            BridgeRevert::TaoBridgePaused(_) | BridgeRevert::TaoBridgeRateLimited(_) => {
                self.metrics.mints_held.inc();
                self.park(Direction::TaoToEth, batch.block, true);
                Ok(())
            }
            other => {
                // A bad signature or a relayer-set change between signing and minting: keep the
                // batch; it is retried and reported every round until governance or the
                // operators fix the set.
                self.metrics.mints_held.inc();
                self.metrics.error("submit", true);
                self.park(Direction::TaoToEth, batch.block, true);
                warn!(target: SUBMIT, block = batch.block, revert = ?other, "mint would revert; holding the batch");
                Ok(())
            }
        }
    }

    async fn track(
        &self,
        batch: &Batch,
        sub: Submission,
        rebroadcast_done: &mut HashSet<u64>,
    ) -> Result<(), RelayerError> {
        let head = self.eth.head().await?;
        for hash in sub.hashes.iter().rev() {
            let Some(receipt) = self.eth.receipt(*hash).await? else { continue };
            let mined_in = receipt.block_number.unwrap_or(head);
            if !receipt.status() {
                warn!(target: SUBMIT, block = batch.block, tx = %hash, "mint transaction reverted");
                if self.already_minted(batch).await? {
                    return self.mark_minted(batch, None).await;
                }
                return self.set_status(batch.block, MintStatus::Pending).await;
            }
            if head + 1 >= mined_in + self.config.eth.confirmations {
                return self.mark_minted(batch, Some(*hash)).await;
            }
            return Ok(()); // mined, waiting for confirmations
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
            return self.set_status(batch.block, MintStatus::Pending).await;
        }
        if rebroadcast_done.insert(batch.block) && sub.sent_at_ms < self.started_ms {
            // First look after a restart: make sure the node still has it.
            self.eth.send_raw(&sub.raw).await?;
        }
        if now_ms().saturating_sub(sub.sent_at_ms) >= self.config.eth.bump_after_ms {
            self.bump(batch, sub).await?;
        }
        Ok(())
    }

    /// Replace a stuck mint with the same nonce and fees raised by 25 % (nodes require ≥ 10 %),
    /// capped at `max_fee_gwei`.
    async fn bump(&self, batch: &Batch, mut sub: Submission) -> Result<(), RelayerError> {
        let cap = self.config.eth.max_fee_wei();
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
        self.metrics.mint_fee_bumps.inc();
        self.metrics.mint_transactions_sent.inc();
        info!(target: SUBMIT, block = batch.block, tx = %tx.hash, max_fee_wei = fees.max_fee_per_gas, "mint fee bumped");
        Ok(())
    }

    // ------------------------------------------------------------------ ETH → TAO

    async fn eth_watch(self: Arc<Self>) -> Result<(), RelayerError> {
        loop {
            self.eth_round().await?;
            self.metrics.progress(Chain::Eth);
            self.update_burn_gauges()?;
            self.check_balance().await;
            tokio::time::sleep(self.config.eth.poll_interval()).await;
        }
    }

    fn update_burn_gauges(&self) -> Result<(), RelayerError> {
        let burns = self.store.burns()?;
        let failed = burns
            .iter()
            .filter(|b| matches!(b.status, BurnStatus::Conflict | BurnStatus::Dropped { .. }))
            .count();
        let pending: Vec<Burn> =
            burns.into_iter().filter(|b| b.status == BurnStatus::Pending).collect();
        let m = &self.metrics;
        let gauge = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        m.queue_depth
            .with_label_values(&[Direction::EthToTao.label(), "burns"])
            .set(gauge(pending.len()));
        Metrics::dir_gauge(&m.failed, Direction::EthToTao).set(gauge(failed));
        let oldest = pending.iter().map(|b| b.seen_at_ms).min();
        let age = oldest.map_or(0, |t| now_ms().saturating_sub(t) / 1000);
        Metrics::dir_gauge(&m.oldest_pending, Direction::EthToTao)
            .set(i64::try_from(age).unwrap_or(i64::MAX));
        Ok(())
    }

    /// Refresh `signer_balance_wei` every [`BALANCE_REFRESH`]; warn (once per crossing) when it
    /// falls under `eth.low_balance_gwei`. A failed read is only logged: the next poll retries.
    async fn check_balance(&self) {
        let last = self.balance_checked_ms.load(std::sync::atomic::Ordering::Relaxed);
        if now_ms().saturating_sub(last) < BALANCE_REFRESH.as_millis() as u64 {
            return;
        }
        self.balance_checked_ms.store(now_ms(), std::sync::atomic::Ordering::Relaxed);
        let balance = match self.eth.balance().await {
            Ok(b) => b,
            Err(e) => {
                debug!(target: SUBMIT, error = %e, "could not read the signer balance");
                return;
            }
        };
        let m = &self.metrics;
        m.signer_balance_wei.set(f64::from(balance));
        let low = balance < U256::from(self.config.eth.low_balance_wei());
        let was_low = m.signer_balance_low.get() == 1;
        m.signer_balance_low.set(i64::from(low));
        if low && !was_low {
            warn!(
                target: SUBMIT,
                address = %self.eth.from(),
                balance_wei = %balance,
                threshold_gwei = self.config.eth.low_balance_gwei,
                "signer balance is low: fund it, or this relayer cannot pay for mints"
            );
        }
    }

    async fn eth_round(&self) -> Result<(), RelayerError> {
        let head = self.eth.head().await?;
        let target = head.saturating_sub(self.config.eth.confirmations);
        let mut next = self.store.eth_cursor()?.unwrap_or(self.config.eth.start_block);
        Metrics::set_chain(&self.metrics.head_block, Chain::Eth, target);
        Metrics::set_chain(&self.metrics.lag_blocks, Chain::Eth, (target + 1).saturating_sub(next));
        let end = target.min(next + EVM_BLOCKS_PER_POLL - 1);
        while next <= end {
            let Some(block) = self.eth.block(next).await? else { return Ok(()) };
            if next > 0
                && let Some(prev) = self.store.eth_hash(next - 1)?
                && prev != block.parent
            {
                next = self.rewind(next - 1).await?;
                continue;
            }
            let burns = self.eth.burns_in(block).await?;
            let _w = self.write.lock().await;
            let mut change = Change::new();
            let mut queued = Vec::new();
            for burn in burns {
                Metrics::dir(&self.metrics.items_seen, Direction::EthToTao).inc();
                let known = self.store.burn(burn.nonce)?;
                let handled = known.as_ref().is_some_and(|old| match old.status {
                    BurnStatus::Approved { .. } | BurnStatus::Conflict => true,
                    BurnStatus::Pending => old.block_hash == burn.block_hash,
                    BurnStatus::Dropped { .. } => false,
                });
                match known {
                    Some(old) if handled => {
                        if old.tx != burn.tx || old.amount != burn.amount {
                            warn!(
                                target: ETH_WATCH,
                                nonce = burn.nonce,
                                "burn nonce seen again with different contents; keeping the first"
                            );
                        }
                    }
                    _ => {
                        info!(target: ETH_WATCH, nonce = burn.nonce, amount_rao = %burn.amount, block = next, "burn confirmed");
                        change.burn(&burn);
                        queued.push(burn.nonce);
                    }
                }
            }
            change.eth_hash(next, Some(block.hash)).eth_cursor(next + 1);
            if next >= KEPT_HASHES {
                change.eth_hash(next - KEPT_HASHES, None);
            }
            self.store.commit(change).await?;
            drop(_w);
            if !queued.is_empty() {
                crate::crash::point("burn_seen");
            }
            for nonce in queued {
                let _ = self.jobs.send(TaoJob::Approve(nonce));
            }
            self.metrics.blocks_scanned.with_label_values(&[Chain::Eth.label()]).inc();
            next += 1;
            Metrics::set_chain(&self.metrics.next_block, Chain::Eth, next);
        }
        Ok(())
    }

    /// A reorg reached below the cursor: walk back from `last` to the newest stored block that
    /// is still canonical; forget the hashes above it and rescan from there. Burns already
    /// approved from the dropped blocks cannot be taken back — that needs a reorg deeper than
    /// `confirmations`, and is logged as an error.
    async fn rewind(&self, last: u64) -> Result<u64, RelayerError> {
        self.metrics.eth_reorgs.inc();
        let mut n = last;
        let mut change = Change::new();
        loop {
            let stored = self.store.eth_hash(n)?;
            let canonical = self.eth.block(n).await?.map(|b| b.hash);
            if stored.is_none() || stored == canonical {
                break;
            }
            change.eth_hash(n, None);
            if n == 0 {
                break;
            }
            n -= 1;
        }
        let resume = n + 1;
        let _w = self.write.lock().await;
        for burn in self.store.burns()? {
            if burn.block >= resume {
                if burn.status == BurnStatus::Pending {
                    let mut b = burn;
                    b.status = BurnStatus::Dropped { reason: "reorged out before approval".into() };
                    change.burn(&b);
                } else {
                    Metrics::dir(&self.metrics.conflicts, Direction::EthToTao).inc();
                    error!(
                        target: ETH_WATCH,
                        nonce = burn.nonce,
                        block = burn.block,
                        "an approved burn was reorged out: reorg deeper than `confirmations`"
                    );
                }
            }
        }
        change.eth_cursor(resume);
        self.store.commit(change).await?;
        Metrics::set_chain(&self.metrics.next_block, Chain::Eth, resume);
        warn!(target: ETH_WATCH, from_block = resume, to_block = last, "EVM reorg: rescanning");
        Ok(resume)
    }
}
