//! The relayer proper: the two pipelines (see [`crate::pipeline`]) over one [`Store`].
//!
//! ```text
//!  tao_watch   finalized TAO blocks from the cursor ──▶ new Batch (signed here) + others'
//!              attestations; cursor, batch and its queue entries written in one commit
//!  attest      q/attest: post our signature on tao-node (refused a second time, so a replay
//!              after a crash is recognised as done)
//!  mint        q/mint (pipeline::mint): batches with ≥ threshold signatures: whose turn (deterministic order,
//!              then a timeout per rank), paused / rate limit / nonces already used, sign →
//!              record → send, receipts to `confirmations`, fee bumps, rebroadcast after restart
//!  eth_watch   EVM blocks up to head − confirmations, parent-hash chain checked against the
//!              stored hashes (reorg ⇒ roll back), Burned logs by block hash ──▶ q/approve
//!  approve     q/approve: EVM quorum, then approve the release on tao-node
//!  prune       finished batches and burns older than `store.retention_hours`
//! ```
//!
//! Each queue stage takes its due items one at a time; a failing item is parked with its own
//! backoff (persisted) and the next item goes on. attest and approve share the sr25519 key, so
//! their tao-node transactions take turns (one account nonce).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use alloy::primitives::{Address, Bytes, U256};
use futures::StreamExt;
use tao_client::api::bridge::Event as BridgeEvent;
use tao_client::{AccountId32, Rao, ReleaseOutcome, TaoClientError};
use tokio::sync::{Mutex, Notify};
use tracing::{Instrument as _, debug, error, info, info_span, warn};
use url::Url;
use wtao_bridge_types::{BridgeDomain, mint_batch_digest, recover_signer, sign_digest};

use crate::config::RelayerConfig;
use crate::error::RelayerError;
use crate::eth::EthClient;
use crate::failover::{TaoPool, tao_endpoint_failed};
use crate::keys::RelayerKeys;
use crate::metrics::{Chain, Direction, Metrics};
use crate::pipeline::mint::{MintSettings, MintStage, RelayerSet};
use crate::pipeline::{self, BurnCheck, Ctx, Outcome, TaoChain, queue};
use crate::quorum::{self, Verdict};
use crate::store::{
    Attempt, Batch, Burn, BurnStatus, Change, KEPT_HASHES, MintStatus, Stage, Store, now_ms,
};
use crate::tls::ClientTls;

/// The relayer's tasks: the `task` label of `errors_total` / `retries_total`, and the last part
/// of each task's tracing target (`relayer::<task>`).
pub const TASKS: [&str; 5] = ["tao_watch", "sign", "submit", "eth_watch", "approve"];

/// Tracing targets, one per task (filter with e.g. `RUST_LOG=info,relayer::approve=debug`).
const TAO_WATCH: &str = "relayer::tao_watch";
const SIGN: &str = pipeline::tao_to_eth::TARGET;
const SUBMIT: &str = pipeline::mint::TARGET;
const ETH_WATCH: &str = "relayer::eth_watch";
const APPROVE: &str = pipeline::eth_to_tao::TARGET;

/// How often the signer's balance is read.
const BALANCE_REFRESH: Duration = Duration::from_secs(15);

/// How far back the EVM watcher scans per poll, at most.
const EVM_BLOCKS_PER_POLL: u64 = 200;
/// Backoff bounds for a task whose whole step failed (a watcher's subscription, the store).
const BACKOFF_MIN: Duration = Duration::from_millis(200);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// How often the relayer set and threshold are re-read from the bridge.
const SET_REFRESH: Duration = Duration::from_secs(30);
/// How often finished records are pruned, and at most how many per pass.
const PRUNE_EVERY: Duration = Duration::from_secs(60);
const PRUNE_BATCH: usize = 10_000;
/// A queue stage looks at its items at least this often, or every `eth.poll_interval_ms` if
/// that is shorter (a wake-up comes sooner).
const STAGE_TICK: Duration = Duration::from_millis(500);

/// Exponential backoff with full jitter, for a task whose whole step failed (an item's own
/// failures use [`pipeline::backoff`], persisted with the item).
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

/// The relayer set as the bridge reported it, and when.
#[derive(Clone, Debug, Default)]
struct CachedSet {
    set: RelayerSet,
    fetched_ms: u64,
}

fn stage_index(stage: Stage) -> usize {
    match stage {
        Stage::Attest => 0,
        Stage::Mint => 1,
        Stage::Approve => 2,
    }
}

/// The `task` label (and tracing target) a stage's errors count under.
fn stage_task(stage: Stage) -> &'static str {
    match stage {
        Stage::Attest => "sign",
        Stage::Mint => "submit",
        Stage::Approve => "approve",
    }
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
    set: Mutex<CachedSet>,
    /// Set by the mint stage when a mint reverts on its signatures: re-read the set now.
    set_changed: AtomicBool,
    /// Wakes a stage when items arrive (by [`stage_index`]).
    wake: [Notify; 3],
    /// Serialises every store read-modify-write of a batch or burn across tasks.
    write: Mutex<()>,
    /// One tao-node transaction at a time: attest and approve sign with the same account.
    tao_signer: Mutex<()>,
    /// When this process started (ms): submissions older than this may need a rebroadcast.
    started_ms: u64,
    /// Batches whose submission was rebroadcast since this process started.
    rebroadcast_done: std::sync::Mutex<HashSet<u64>>,
    /// Parked items per stage (by [`stage_index`]), for the `parked_items` gauge.
    parked: [AtomicUsize; 3],
    /// When the signer balance was last read (ms).
    balance_checked_ms: AtomicU64,
}

/// A running relayer.
pub struct Relayer {
    inner: Arc<Inner>,
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
        let set = RelayerSet { sorted, threshold };
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
                set: Mutex::new(CachedSet { set, fetched_ms: now_ms() }),
                set_changed: AtomicBool::new(false),
                wake: [Notify::new(), Notify::new(), Notify::new()],
                write: Mutex::new(()),
                tao_signer: Mutex::new(()),
                started_ms: now_ms(),
                rebroadcast_done: std::sync::Mutex::default(),
                parked: [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)],
                balance_checked_ms: AtomicU64::new(0),
            }),
        })
    }

    /// The store (for `/status`).
    pub fn store(&self) -> Store {
        self.inner.store.clone()
    }

    /// Run until `shutdown` resolves. Every step is committed before the next external action,
    /// so stopping at any await point leaves a state the next start resumes from; the queues
    /// are in the store, so a restart picks up every open item with its attempt state.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), RelayerError> {
        let Self { inner } = self;
        let tasks = [
            tokio::spawn(forever("tao_watch", inner.clone(), |i| Box::pin(i.tao_watch()))),
            tokio::spawn(forever("eth_watch", inner.clone(), |i| Box::pin(i.eth_watch()))),
            tokio::spawn(forever("sign", inner.clone(), |i| Box::pin(i.stage(Stage::Attest)))),
            tokio::spawn(forever("submit", inner.clone(), |i| Box::pin(i.stage(Stage::Mint)))),
            tokio::spawn(forever("approve", inner.clone(), |i| Box::pin(i.stage(Stage::Approve)))),
            tokio::spawn(forever("prune", inner.clone(), |i| Box::pin(i.prune()))),
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
        "prune" => log!("relayer::prune"),
        _ => log!(APPROVE),
    }
}

impl Inner {
    async fn relayer_set(&self) -> Result<RelayerSet, RelayerError> {
        let mut cached = self.set.lock().await;
        let changed = self.set_changed.swap(false, Ordering::Relaxed);
        if changed || now_ms().saturating_sub(cached.fetched_ms) > SET_REFRESH.as_millis() as u64 {
            let (sorted, threshold) = self.eth.relayer_set().await?;
            *cached = CachedSet { set: RelayerSet { sorted, threshold }, fetched_ms: now_ms() };
        }
        Ok(cached.set.clone())
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
                ref locked @ BridgeEvent::Locked { .. } => {
                    Metrics::dir(&m.items_seen, Direction::TaoToEth).inc();
                    mints.extend(tao_client::locked(locked));
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
            let list: Vec<_> = mints.iter().copied().map(wtao_bridge_types::Mint::from).collect();
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
        if let Some(b) = &new_batch {
            // Into both TAO→ETH queues in the same commit as the batch and the cursor.
            let item = Attempt::new(b.seen_at_ms);
            change.enqueue(Stage::Attest, b.block, &item).enqueue(Stage::Mint, b.block, &item);
        }
        change.tao_cursor(number + 1);
        self.store.commit(change).await?;
        m.blocks_scanned.with_label_values(&[Chain::Tao.label()]).inc();
        Metrics::set_chain(&m.next_block, Chain::Tao, number + 1);
        m.progress(Chain::Tao);
        if new_batch.is_some() {
            crate::crash::point("signed");
            self.wake[stage_index(Stage::Attest)].notify_one();
        }
        if new_batch.is_some() || !touched.is_empty() {
            self.wake[stage_index(Stage::Mint)].notify_one();
        }
        Ok(())
    }

    // ------------------------------------------------------------------ queue stages

    /// A queue stage's task: each tick, every due item once, in id order; a failing item is
    /// parked on its own schedule and the next item goes on. Returns only on a store error.
    async fn stage(self: Arc<Self>, stage: Stage) -> Result<(), RelayerError> {
        let direction = Direction::of(stage);
        loop {
            let set = match stage {
                Stage::Mint => Some(self.relayer_set().await?),
                _ => None,
            };
            for (id, attempt) in queue::due(&self.store, stage, now_ms())? {
                let outcome = match (stage, &set) {
                    (Stage::Attest, _) => {
                        let span = info_span!(target: SIGN, "attest", block = id);
                        pipeline::tao_to_eth::attest(&*self, self.ctx(), id).instrument(span).await
                    }
                    (Stage::Approve, _) => {
                        let span = info_span!(target: APPROVE, "burn", nonce = id);
                        pipeline::eth_to_tao::approve(&*self, &*self, self.ctx(), id)
                            .instrument(span)
                            .await
                    }
                    (Stage::Mint, set) => {
                        let span = info_span!(target: SUBMIT, "batch", block = id);
                        let stage = MintStage {
                            eth: &self.eth,
                            ctx: self.ctx(),
                            me: self.keys.eth_address(),
                            settings: MintSettings::from(&self.config.eth),
                            started_ms: self.started_ms,
                            rebroadcast_done: &self.rebroadcast_done,
                            set_changed: &self.set_changed,
                        };
                        let set = set.clone().unwrap_or_default();
                        stage.mint(id, &set).instrument(span).await
                    }
                };
                self.settle(stage, id, &attempt, &outcome).await?;
            }
            let depth = queue::depth(&self.store, stage, now_ms())?;
            self.stage_gauges(stage, direction, &depth)?;
            let tick = self.config.eth.poll_interval().min(STAGE_TICK);
            let wait = depth
                .next_due_ms
                .map_or(tick, |t| Duration::from_millis(t.saturating_sub(now_ms())))
                .min(tick);
            tokio::select! {
                () = self.wake[stage_index(stage)].notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx { store: &self.store, write: &self.write, metrics: &self.metrics }
    }

    /// Persist an attempt's outcome, with its log line and counters.
    async fn settle(
        &self,
        stage: Stage,
        id: u64,
        attempt: &Attempt,
        outcome: &Outcome,
    ) -> Result<(), RelayerError> {
        let task = stage_task(stage);
        let step =
            queue::settle(&self.store, &self.write, stage, id, attempt, outcome, now_ms()).await?;
        match (outcome, step) {
            (Outcome::Retry(error), queue::Step::Update(a)) => {
                self.metrics.error(task, true);
                let retry_in = Duration::from_millis(a.next_at_ms.saturating_sub(now_ms()));
                macro_rules! log {
                    ($target:expr) => {
                        warn!(target: $target, stage = stage.label(), id, attempts = a.attempts, ?retry_in, %error, "parked; retrying on its own schedule")
                    };
                }
                match stage {
                    Stage::Attest => log!(SIGN),
                    Stage::Mint => log!(SUBMIT),
                    Stage::Approve => log!(APPROVE),
                }
            }
            (Outcome::Failed(_), _) => self.metrics.error(task, false),
            _ => {}
        }
        Ok(())
    }

    /// Queue depth, parked items, failed items and the oldest open item's age, per stage.
    fn stage_gauges(
        &self,
        stage: Stage,
        direction: Direction,
        depth: &queue::Depth,
    ) -> Result<(), RelayerError> {
        let m = &self.metrics;
        let gauge = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        let d = direction.label();
        m.queue_depth.with_label_values(&[d, stage.label()]).set(gauge(depth.open));
        self.parked[stage_index(stage)].store(depth.parked, Ordering::Relaxed);
        let parked: usize = Stage::ALL
            .iter()
            .filter(|s| Direction::of(**s) == direction)
            .map(|s| self.parked[stage_index(*s)].load(Ordering::Relaxed))
            .sum();
        Metrics::dir_gauge(&m.parked, direction).set(gauge(parked));
        if stage == Stage::Attest {
            return Ok(()); // the mint stage reports the direction's other gauges
        }
        let kind = stage.kind();
        let failed = self.store.failed()?.iter().filter(|i| i.kind == kind).count();
        Metrics::dir_gauge(&m.failed, direction).set(gauge(failed));
        let age = depth.oldest_since_ms.map_or(0, |t| now_ms().saturating_sub(t) / 1000);
        Metrics::dir_gauge(&m.oldest_pending, direction)
            .set(i64::try_from(age).unwrap_or(i64::MAX));
        match stage {
            Stage::Mint => {
                let mut locks = 0usize;
                for (block, _) in self.store.open_items(Stage::Mint)? {
                    locks += self.store.batch(block)?.map_or(0, |b| b.mints.len());
                }
                m.queue_depth.with_label_values(&[d, "batches"]).set(gauge(depth.open));
                m.queue_depth.with_label_values(&[d, "locks"]).set(gauge(locks));
            }
            _ => m.queue_depth.with_label_values(&[d, "burns"]).set(gauge(depth.open)),
        }
        Ok(())
    }

    /// Delete finished records older than `store.retention_hours` (0 keeps them).
    async fn prune(self: Arc<Self>) -> Result<(), RelayerError> {
        loop {
            if let Some(retention) = self.config.store.retention() {
                let before = now_ms()
                    .saturating_sub(u64::try_from(retention.as_millis()).unwrap_or(u64::MAX));
                loop {
                    let pruned = self.store.prune(before, PRUNE_BATCH).await?;
                    if pruned > 0 {
                        info!(target: "relayer::prune", pruned, "pruned finished batches and burns");
                    }
                    if pruned < PRUNE_BATCH {
                        break;
                    }
                }
            }
            tokio::time::sleep(PRUNE_EVERY).await;
        }
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
}

/// The tao-node side of the stages: this relayer's key, over the endpoint pool, one
/// transaction at a time.
impl TaoChain for Inner {
    async fn attest(&self, block: u32, signature: &[u8]) -> Result<(), TaoClientError> {
        let _turn = self.tao_signer.lock().await;
        let (index, client) = self.tao.client();
        self.tao_call(index, "submit", client.attest(&self.keys.tao, block, signature))
            .await
            .map(drop)
    }

    async fn approve_release(
        &self,
        burn_nonce: u64,
        recipient: AccountId32,
        amount: Rao,
    ) -> Result<ReleaseOutcome, TaoClientError> {
        let _turn = self.tao_signer.lock().await;
        let (index, client) = self.tao.client();
        let call = client.approve_release(
            &self.keys.tao,
            self.eth.chain_id(),
            burn_nonce,
            recipient,
            amount,
        );
        self.tao_call(index, "submit", call).await
    }
}

/// The EVM quorum of `eth.quorum` providers.
impl BurnCheck for Inner {
    async fn check(&self, burn: &Burn) -> Verdict {
        let k = self.config.eth.quorum();
        quorum::vote(self.eth.voters(k), burn, k).await
    }
}

impl Inner {
    // ------------------------------------------------------------------ ETH → TAO

    async fn eth_watch(self: Arc<Self>) -> Result<(), RelayerError> {
        loop {
            self.eth_round().await?;
            self.metrics.progress(Chain::Eth);
            self.check_balance().await;
            tokio::time::sleep(self.config.eth.poll_interval()).await;
        }
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
                    BurnStatus::Approved { .. }
                    | BurnStatus::Conflict
                    | BurnStatus::Refused { .. } => true,
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
                        change.burn(&burn).enqueue(
                            Stage::Approve,
                            burn.nonce,
                            &Attempt::new(burn.seen_at_ms),
                        );
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
            if !queued.is_empty() {
                self.wake[stage_index(Stage::Approve)].notify_one();
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
        for burn in self.store.burns_since(resume)? {
            match burn.status {
                BurnStatus::Pending => {
                    let mut b = burn;
                    b.status = BurnStatus::Dropped { reason: "reorged out before approval".into() };
                    change.burn(&b);
                }
                BurnStatus::Approved { .. } | BurnStatus::Conflict => {
                    Metrics::dir(&self.metrics.conflicts, Direction::EthToTao).inc();
                    error!(
                        target: ETH_WATCH,
                        nonce = burn.nonce,
                        block = burn.block,
                        "an approved burn was reorged out: reorg deeper than `confirmations`"
                    );
                }
                // Never approved by us: nothing to take back.
                BurnStatus::Dropped { .. } | BurnStatus::Refused { .. } => {}
            }
        }
        change.eth_cursor(resume);
        self.store.commit(change).await?;
        Metrics::set_chain(&self.metrics.next_block, Chain::Eth, resume);
        warn!(target: ETH_WATCH, from_block = resume, to_block = last, "EVM reorg: rescanning");
        Ok(resume)
    }
}
