//! The invariant poller every [`crate::Net`] runs, and the end-of-scenario audit: the reading half
//! of [`crate::invariants`].
//!
//! ```text
//!  Net::start ──spawn──▶ poller, every relayer poll interval (250 ms):
//!                          custody C1 (TAO) → supply S (EVM, pinned block) → custody C2 (TAO)
//!                          → check_supply; then scan new finalized TAO blocks' Bridge events
//!  Net::finish ────────▶ audit until drained (deadline): EVM logs E1 → TAO scan to the head
//!                          → EVM logs E2 → check_histories(TAO, E1 mints + E2 voids/burns);
//!                          storage agrees (isNonceUsed, Bridge.Released / Pending); stop the
//!                          poller; one summary line
//! ```
//!
//! A read that fails (a node being restarted, a reorg removing the pinned block) is counted, not
//! a violation; the TAO client reconnects at the next poll. A read that succeeds and breaks an
//! invariant is recorded and fails the scenario at its next supply checkpoint and at the end.
//!
//! The TAO events are scanned while the scenario runs, not at its end, because the node keeps
//! only the last 256 blocks of state: a long scenario's first locks would be gone by then.
//!
//! Read order of the end audit: a mint needs its lock finalized first, so reading the EVM mints
//! (E1) before the TAO events finds every minted lock; a release needs its burn confirmed first,
//! and a refund needs its void, so reading burns and voids (E2) after the TAO events finds every
//! released burn and every voided nonce. Nothing mid-flight reads as a violation.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use alloy::eips::BlockId;
use alloy::primitives::{Address, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use eyre::{WrapErr, eyre};
use tao_client::{BridgeRecord, ReleaseState, TaoClient};
use tokio::task::JoinHandle;

use crate::invariants::{
    Burn, EthHistory, Lock, MintedBatch, Reading, Refund, Release, Relock, SupplyPoll, Tally,
    TaoHistory, check_histories, check_supply,
};
use crate::{IERC20View, ITaoBridge};

/// How long the end audit waits for the relayers to drain.
const DRAIN_DEADLINE: Duration = Duration::from_secs(60);

/// What the poller counted.
#[derive(Clone, Debug, Default)]
struct PollStats {
    polls: u64,
    supply_checks: u64,
    failed_reads: u64,
    last_failure: Option<String>,
    max_supply: u128,
    violations: Vec<String>,
    /// Time spent in polls, for the summary.
    busy: Duration,
}

/// The TAO side: a client (reconnected after a failure) and the Bridge events scanned so far.
struct TaoScan {
    url: String,
    client: Option<TaoClient>,
    /// The next TAO block to scan.
    next_block: u64,
    history: TaoHistory,
}

impl TaoScan {
    async fn client(&mut self) -> eyre::Result<TaoClient> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let c = TaoClient::connect(&self.url).await?;
        self.client = Some(c.clone());
        Ok(c)
    }

    /// Forget the client after a failed read, so the next one reconnects.
    fn failed<T>(&mut self, r: eyre::Result<T>) -> eyre::Result<T> {
        if r.is_err() {
            self.client = None;
        }
        r
    }

    /// Scan every finalized block up to the head; returns the head.
    async fn catch_up(&mut self) -> eyre::Result<u64> {
        let r = self.catch_up_inner().await;
        self.failed(r)
    }

    async fn catch_up_inner(&mut self) -> eyre::Result<u64> {
        let tao = self.client().await?;
        let head = tao.finalized_number().await?;
        while self.next_block <= head {
            let block = self.next_block;
            let records = tao
                .bridge_records(block)
                .await
                .wrap_err_with(|| format!("reading TAO block {block}'s Bridge events"))?;
            for r in records {
                push_record(&mut self.history, r, block);
            }
            self.next_block += 1;
        }
        Ok(head)
    }

    async fn supply_poll(
        &mut self,
        eth: &DynProvider,
        wtao: Address,
        floor: u128,
    ) -> eyre::Result<SupplyPoll> {
        let r = async {
            let tao = self.client().await?;
            read_supply(&tao, eth, wtao, floor).await
        }
        .await;
        self.failed(r)
    }
}

fn push_record(h: &mut TaoHistory, r: BridgeRecord, block: u64) {
    match r {
        BridgeRecord::Locked { nonce, eth_recipient, amount, .. } => {
            h.locks.push(Lock { nonce, amount: amount.0, recipient: eth_recipient, block });
        }
        BridgeRecord::LockRefunded { nonce, amount, .. } => {
            h.refunds.push(Refund { nonce, amount: amount.0, block });
        }
        BridgeRecord::LockRelocked { old_nonce, new_nonce } => {
            h.relocks.push(Relock { old_nonce, new_nonce, block });
        }
        BridgeRecord::Released { eth_chain_id, burn_nonce, recipient, amount } => {
            h.releases.push(Release {
                chain_id: eth_chain_id,
                burn_nonce,
                recipient: recipient.0,
                amount: amount.0,
                block,
            });
        }
        BridgeRecord::ReleaseConflict { eth_chain_id, burn_nonce } => {
            h.conflicts.push((eth_chain_id, burn_nonce));
        }
    }
}

/// Custody C1, supply S at a pinned EVM block, custody C2.
async fn read_supply(
    tao: &TaoClient,
    eth: &DynProvider,
    wtao: Address,
    floor: u128,
) -> eyre::Result<SupplyPoll> {
    let c1 = tao.custody_reading().await?;
    let block = eth.get_block_number().await?;
    let supply =
        IERC20View::new(wtao, eth).totalSupply().block(BlockId::number(block)).call().await?;
    let c2 = tao.custody_reading().await?;
    Ok(SupplyPoll {
        custody_before: Reading { rao: u128::from(c1.custody.0), block: c1.block },
        supply: Reading { rao: rao(supply), block },
        custody_after: Reading { rao: u128::from(c2.custody.0), block: c2.block },
        custody_floor: floor,
    })
}

/// The bridge's `BatchMinted`, `NoncesVoided` and `Burned` logs on the canonical EVM chain.
async fn eth_history(eth: &DynProvider, bridge: Address) -> eyre::Result<EthHistory> {
    let chain_id = eth.get_chain_id().await?;
    let head = eth.get_block_number().await?;
    let filter = Filter::new().address(bridge).from_block(0).to_block(head);
    let mut h = EthHistory { chain_id, ..EthHistory::default() };
    for log in eth.get_logs(&filter).await? {
        let block = log.block_number.unwrap_or(head);
        match log.topic0() {
            Some(&ITaoBridge::BatchMinted::SIGNATURE_HASH) => {
                let e = log.log_decode::<ITaoBridge::BatchMinted>()?.inner.data;
                h.batches.push(MintedBatch {
                    first_nonce: e.firstNonce,
                    last_nonce: e.lastNonce,
                    count: u64::try_from(e.count).unwrap_or(u64::MAX),
                    total: rao(e.total),
                    block,
                });
            }
            Some(&ITaoBridge::Burned::SIGNATURE_HASH) => {
                let e = log.log_decode::<ITaoBridge::Burned>()?.inner.data;
                h.burns.push(Burn {
                    nonce: e.nonce,
                    recipient: e.taoRecipient.0,
                    amount: rao(e.amount),
                    block,
                });
            }
            Some(&ITaoBridge::NoncesVoided::SIGNATURE_HASH) => {
                h.voided.extend(log.log_decode::<ITaoBridge::NoncesVoided>()?.inner.data.nonces);
            }
            _ => {}
        }
    }
    Ok(h)
}

/// What one scenario's invariant checks did.
#[derive(Clone, Debug, Default)]
pub struct AuditSummary {
    /// Poller rounds.
    pub polls: u64,
    /// Supply ≤ custody checks that read both chains and passed (poller and checkpoints).
    pub supply_checks: u64,
    /// Reads that failed (not violations).
    pub failed_reads: u64,
    /// Largest wTAO supply seen, rao.
    pub max_supply: u128,
    /// TAO blocks whose Bridge events were scanned.
    pub tao_blocks: u64,
    /// Rounds of the end audit until it was drained.
    pub end_rounds: u64,
    /// Transfers the end audit checked.
    pub tally: Tally,
    /// From the poller's start to the end audit.
    pub wall: Duration,
    /// Time the poller spent reading (both chains, all polls).
    pub poll_busy: Duration,
}

impl std::fmt::Display for AuditSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = &self.tally;
        write!(
            f,
            "{} polls in {:.1} s ({:.0} ms reading per poll), {} supply<=custody checks passed \
             (max supply {} rao), {} failed reads; {} TAO blocks scanned; end audit after {} \
             round(s): {} locks ({} minted, {} refunded, {} relocked), {} burns ({} released, {} \
             conflicted)",
            self.polls,
            self.wall.as_secs_f64(),
            self.poll_busy.as_secs_f64() * 1e3 / self.polls.max(1) as f64,
            self.supply_checks,
            self.max_supply,
            self.failed_reads,
            self.tao_blocks,
            self.end_rounds,
            t.locks,
            t.minted,
            t.refunded,
            t.relocked,
            t.burns,
            t.released,
            t.conflicted
        )
    }
}

/// The running poller and what the end audit needs.
pub(crate) struct Auditor {
    stats: Arc<Mutex<PollStats>>,
    scan: Arc<tokio::sync::Mutex<TaoScan>>,
    task: Option<JoinHandle<()>>,
    eth: DynProvider,
    bridge: Address,
    wtao: Address,
    floor: u128,
    started: Instant,
}

fn lock(stats: &Mutex<PollStats>) -> MutexGuard<'_, PollStats> {
    stats.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Auditor {
    /// Start polling every `interval`.
    pub(crate) fn start(
        tao: TaoClient,
        tao_url: String,
        eth: DynProvider,
        (bridge, wtao): (Address, Address),
        custody_floor: u64,
        interval: Duration,
    ) -> Self {
        let stats = Arc::new(Mutex::new(PollStats::default()));
        let scan = Arc::new(tokio::sync::Mutex::new(TaoScan {
            url: tao_url,
            client: Some(tao),
            next_block: 1,
            history: TaoHistory::default(),
        }));
        let floor = u128::from(custody_floor);
        let task = tokio::spawn(poll_loop(
            Arc::clone(&stats),
            Arc::clone(&scan),
            eth.clone(),
            wtao,
            floor,
            interval,
        ));
        Self { stats, scan, task: Some(task), eth, bridge, wtao, floor, started: Instant::now() }
    }

    /// The violations the poller recorded so far.
    pub(crate) fn violations(&self) -> Vec<String> {
        lock(&self.stats).violations.clone()
    }

    /// [`Self::violations`] for a message: the first few, and how many more.
    pub(crate) fn violations_report(&self) -> Option<String> {
        let v = self.violations();
        (!v.is_empty()).then(|| report(&v))
    }

    /// One race-free supply check now (a scenario checkpoint); returns `(supply, locked)` in rao,
    /// `locked` being the larger custody read. Fails on a violation, the poller's included.
    pub(crate) async fn check_supply_now(&self) -> eyre::Result<(u128, u128)> {
        let poll = self.scan.lock().await.supply_poll(&self.eth, self.wtao, self.floor).await?;
        let verdict = check_supply(&poll);
        let mut stats = lock(&self.stats);
        stats.max_supply = stats.max_supply.max(poll.supply.rao);
        match verdict {
            Ok(()) => stats.supply_checks += 1,
            Err(v) => stats.violations.push(v),
        }
        eyre::ensure!(
            stats.violations.is_empty(),
            "invariant broken:\n{}",
            report(&stats.violations)
        );
        let (before, after) = poll.locked();
        Ok((poll.supply.rao, before.max(after)))
    }

    /// The end-of-scenario audit: wait (with a deadline) until every lock and burn is settled,
    /// failing at once on a violation; then stop the poller. `logs` is added to a failure.
    pub(crate) async fn finish(&mut self) -> eyre::Result<AuditSummary> {
        let deadline = Instant::now() + DRAIN_DEADLINE;
        let mut rounds = 0;
        let tally = loop {
            rounds += 1;
            let round = async {
                let e1 = eth_history(&self.eth, self.bridge).await?;
                let tao = {
                    let mut scan = self.scan.lock().await;
                    scan.catch_up().await?;
                    scan.history.clone()
                };
                let e2 = eth_history(&self.eth, self.bridge).await?;
                let eth = EthHistory { batches: e1.batches, ..e2 };
                Ok::<_, eyre::Report>((check_histories(&tao, &eth), tao))
            }
            .await;
            let last = match round {
                Ok(((f, _), _)) if !f.violations.is_empty() => {
                    return Err(eyre!("invariant broken:\n{}", report(&f.violations)));
                }
                Ok(((f, tally), tao)) if f.pending.is_empty() => {
                    match self.check_end_state(&tao).await {
                        Ok(v) if v.is_empty() => break tally,
                        Ok(v) => return Err(eyre!("invariant broken:\n{}", report(&v))),
                        Err(e) => format!("read failed: {e:#}"),
                    }
                }
                Ok(((f, _), _)) => f.pending.join("\n"),
                Err(e) => format!("read failed: {e:#}"),
            };
            if Instant::now() >= deadline {
                return Err(eyre!(
                    "the relayers did not drain within {DRAIN_DEADLINE:?} of the scenario's end \
                     (after {rounds} audit rounds); last:\n{last}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        // A last supply check with the bridge at rest (a failed read is retried until the
        // deadline; a violation fails at once), then stop polling.
        while let Err(e) = self.check_supply_now().await {
            if !self.violations().is_empty() || Instant::now() >= deadline {
                return Err(e);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        self.stop();
        let stats = lock(&self.stats).clone();
        eyre::ensure!(
            stats.violations.is_empty(),
            "invariant broken:\n{}",
            report(&stats.violations)
        );
        eyre::ensure!(
            stats.polls > 0,
            "the invariant poller never ran (last failure: {:?})",
            stats.last_failure
        );
        let tao_blocks = self.scan.lock().await.next_block.saturating_sub(1);
        Ok(AuditSummary {
            polls: stats.polls,
            supply_checks: stats.supply_checks,
            failed_reads: stats.failed_reads,
            max_supply: stats.max_supply,
            tao_blocks,
            end_rounds: rounds,
            tally,
            wall: self.started.elapsed(),
            poll_busy: stats.busy,
        })
    }

    /// Both chains' storage agree with the events: every lock's nonce is used on TaoBridge
    /// (minted, or voided before a refund); every released burn is in `Bridge.Released` on TAO,
    /// and no burn blocked by a conflict is there without a `Released` event.
    async fn check_end_state(&self, tao: &TaoHistory) -> eyre::Result<Vec<String>> {
        let mut violations = Vec::new();
        let bridge = ITaoBridge::new(self.bridge, &self.eth);
        for l in &tao.locks {
            if !bridge.isNonceUsed(l.nonce).call().await? {
                violations.push(format!(
                    "lock nonce {} ({} rao) is settled by the events but TaoBridge.isNonceUsed \
                     says it is not used",
                    l.nonce, l.amount
                ));
            }
        }
        let client = self.scan.lock().await.client().await?;
        for r in &tao.releases {
            let state = client.release_state(r.chain_id, r.burn_nonce).await?;
            if !matches!(state, ReleaseState::Released { .. }) {
                violations.push(format!(
                    "burn nonce {} has a Released event (TAO block {}) but Bridge.Released \
                     storage says {state:?}",
                    r.burn_nonce, r.block
                ));
            }
        }
        for &(chain_id, nonce) in &tao.conflicts {
            if tao.releases.iter().any(|r| (r.chain_id, r.burn_nonce) == (chain_id, nonce)) {
                continue;
            }
            // Pending and conflicted, or settled by root without payment: anything but paid.
            let state = client.release_state(chain_id, nonce).await?;
            if matches!(state, ReleaseState::Released { .. }) {
                violations.push(format!(
                    "burn nonce {nonce} had a ReleaseConflict and no Released event, but \
                     Bridge.Released storage says {state:?}"
                ));
            }
        }
        Ok(violations)
    }

    /// Stop the poller (idempotent).
    pub(crate) fn stop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

impl Drop for Auditor {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn poll_loop(
    stats: Arc<Mutex<PollStats>>,
    scan: Arc<tokio::sync::Mutex<TaoScan>>,
    eth: DynProvider,
    wtao: Address,
    floor: u128,
    interval: Duration,
) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let started = Instant::now();
        let mut scan = scan.lock().await;
        let poll = scan.supply_poll(&eth, wtao, floor).await;
        let scanned = scan.catch_up().await;
        drop(scan);
        let mut s = lock(&stats);
        s.polls += 1;
        s.busy += started.elapsed();
        match poll {
            Ok(p) => {
                s.max_supply = s.max_supply.max(p.supply.rao);
                match check_supply(&p) {
                    Ok(()) => s.supply_checks += 1,
                    Err(v) => s.violations.push(v),
                }
            }
            Err(e) => {
                s.failed_reads += 1;
                s.last_failure = Some(format!("{e:#}"));
            }
        }
        if let Err(e) = scanned {
            s.failed_reads += 1;
            s.last_failure = Some(format!("{e:#}"));
        }
    }
}

/// The first violations (a poller repeats one each poll while it lasts) and how many in all.
fn report(violations: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut out: Vec<&str> = violations.iter().take(SHOWN).map(String::as_str).collect();
    let more = violations.len().saturating_sub(SHOWN);
    let tail = format!("... and {more} more");
    if more > 0 {
        out.push(&tail);
    }
    out.join("\n")
}

/// A `uint256` amount as rao; one beyond `u128` (never on a sound bridge) reads as `u128::MAX`,
/// which breaks any bound it is checked against rather than wrapping below it.
fn rao(v: U256) -> u128 {
    u128::try_from(v).unwrap_or(u128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_shows_the_first_violations_and_counts_the_rest() {
        let v: Vec<String> = (0..8).map(|i| format!("v{i}")).collect();
        assert_eq!(report(&v), "v0\nv1\nv2\nv3\nv4\n... and 3 more");
        assert_eq!(report(&v[..2]), "v0\nv1");
    }
}
