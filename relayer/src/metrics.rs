//! Operator metrics (Prometheus), `/health` and `/status`, on one small HTTP/1.1 listener.
//!
//! The metrics live in a `prometheus` registry of their own (prefix `wtao_relayer_`), rendered
//! in the text exposition format. Conventions: counters end in `_total`; a unit is the last word
//! of a name (`_seconds`, `_wei`, `_blocks`); items that flow both ways carry a `direction` label
//! (`tao_to_eth`: lock → mint, `eth_to_tao`: burn → release); per-chain values carry `chain`
//! (`tao`, `eth`). The README's operator guide has the full table; a test checks it against
//! [`Metrics::render`].
//!
//! `/health` answers 200 while both watchers made progress (scanned a block or found nothing
//! new) within [`STALL_AFTER`], 503 otherwise; `/status` is the same JSON `wtao-relayer status`
//! prints.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use prometheus::{
    Encoder as _, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec,
    IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::store::now_ms;

/// A direction is unhealthy when it has not made progress for this long.
pub const STALL_AFTER: Duration = Duration::from_secs(60);

/// The prefix of every metric name.
pub const PREFIX: &str = "wtao_relayer";

/// Which way an item moves across the bridge (the `direction` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// TAO lock → wTAO mint.
    TaoToEth,
    /// wTAO burn → TAO release.
    EthToTao,
}

impl Direction {
    /// The pipeline a queue stage belongs to.
    pub const fn of(stage: crate::store::Stage) -> Self {
        match stage {
            crate::store::Stage::Attest | crate::store::Stage::Mint => Self::TaoToEth,
            crate::store::Stage::Approve => Self::EthToTao,
        }
    }

    /// The label value.
    pub const fn label(self) -> &'static str {
        match self {
            Self::TaoToEth => "tao_to_eth",
            Self::EthToTao => "eth_to_tao",
        }
    }
}

/// Which chain (the `chain` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chain {
    /// tao-node.
    Tao,
    /// The EVM chain.
    Eth,
}

impl Chain {
    /// The label value.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Tao => "tao",
            Self::Eth => "eth",
        }
    }
}

/// Buckets of the lock → mint and burn → release latency (seconds): a devnet transfer takes a
/// few seconds, a mainnet one minutes (EVM confirmations), a held one hours.
const LATENCY_BUCKETS: &[f64] =
    &[0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0];
/// Buckets of one RPC call (seconds).
const RPC_BUCKETS: &[f64] =
    &[0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Every metric of one relayer.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// `blocks_scanned_total{chain}`: finalized TAO / confirmed EVM blocks scanned.
    pub blocks_scanned: IntCounterVec,
    /// `items_seen_total{direction}`: locks in finalized TAO blocks, burns at the required
    /// confirmations.
    pub items_seen: IntCounterVec,
    /// `batches_signed_total`.
    pub batches_signed: IntCounter,
    /// `attestations_posted_total`.
    pub attestations_posted: IntCounter,
    /// `attestations_seen_total`.
    pub attestations_seen: IntCounter,
    /// `mint_transactions_sent_total` (fee bumps included).
    pub mint_transactions_sent: IntCounter,
    /// `mint_fee_bumps_total`.
    pub mint_fee_bumps: IntCounter,
    /// `batches_minted_total` (by anyone).
    pub batches_minted: IntCounter,
    /// `batches_minted_by_us_total`.
    pub batches_minted_by_us: IntCounter,
    /// `mints_held_total`: mint attempts held back (paused, rate limited, would revert).
    pub mints_held: IntCounter,
    /// `approvals_posted_total`.
    pub approvals_posted: IntCounter,
    /// `transfers_completed_total{direction}`: locks minted, burns released.
    pub transfers_completed: IntCounterVec,
    /// `conflicts_total{direction}`.
    pub conflicts: IntCounterVec,
    /// `eth_reorgs_total`.
    pub eth_reorgs: IntCounter,
    /// `errors_total{task}`: every error logged, retried or not.
    pub errors: IntCounterVec,
    /// `retries_total{task}`: operations retried after a transient error.
    pub retries: IntCounterVec,
    /// `rpc_failovers_total{chain}`: switches to another endpoint.
    pub rpc_failovers: IntCounterVec,
    /// `eth_quorum_disagreements_total`: burn checks where the EVM providers did not agree.
    pub quorum_disagreements: IntCounter,
    /// `transfer_latency_seconds{direction}`: lock seen → mint confirmed, burn seen → released.
    pub transfer_latency: HistogramVec,
    /// `rpc_call_seconds{chain,method}`.
    pub rpc_call: HistogramVec,
    /// `queue_depth{direction,queue}`: open items per stage (`attest`, `mint`, `approve`);
    /// pending batches and their locks, pending burns.
    pub queue_depth: IntGaugeVec,
    /// `oldest_pending_seconds{direction}`.
    pub oldest_pending: IntGaugeVec,
    /// `parked_items{direction}`: open items whose last attempt failed, waiting for their own
    /// next attempt (an RPC error, rate limit, pause, a mint that would revert, an EVM quorum
    /// not reached).
    pub parked: IntGaugeVec,
    /// `failed_items{direction}`: items finished for good without success (failed batches;
    /// burns in conflict, dropped or refused), until pruned.
    pub failed: IntGaugeVec,
    /// `head_block{chain}`: last finalized TAO block, last confirmed EVM block.
    pub head_block: IntGaugeVec,
    /// `next_block{chain}`: the stored scan cursor.
    pub next_block: IntGaugeVec,
    /// `lag_blocks{chain}`: head minus the next block to scan.
    pub lag_blocks: IntGaugeVec,
    /// `last_progress_timestamp_seconds{chain}`.
    pub last_progress: GaugeVec,
    /// `rpc_endpoint_index{chain}`: which configured endpoint is in use (0-based).
    pub rpc_endpoint: IntGaugeVec,
    /// `signer_balance_wei`: gas money of the mint-transaction signer.
    pub signer_balance_wei: Gauge,
    /// `signer_balance_low`: 1 while the balance is under `eth.low_balance_gwei`.
    pub signer_balance_low: IntGauge,
    tao_progress_ms: AtomicU64,
    eth_progress_ms: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn reg<C: prometheus::core::Collector + Clone + 'static>(r: &Registry, c: C) -> C {
    // Registration fails only for a duplicate name, which the test of the full set would catch.
    let _ = r.register(Box::new(c.clone()));
    c
}

fn counter(r: &Registry, name: &str, help: &str) -> IntCounter {
    reg(r, IntCounter::new(name, help).unwrap_or_else(|_| unreachable_metric(name)))
}

fn counter_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    reg(
        r,
        IntCounterVec::new(Opts::new(name, help), labels)
            .unwrap_or_else(|_| unreachable_metric(name)),
    )
}

fn gauge_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    reg(
        r,
        IntGaugeVec::new(Opts::new(name, help), labels)
            .unwrap_or_else(|_| unreachable_metric(name)),
    )
}

fn histogram(r: &Registry, name: &str, help: &str, b: &[f64], labels: &[&str]) -> HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(b.to_vec());
    reg(r, HistogramVec::new(opts, labels).unwrap_or_else(|_| unreachable_metric(name)))
}

/// The names and label sets are constants checked by the tests; prometheus refuses only a
/// malformed name, so this is never reached.
#[allow(clippy::panic)]
fn unreachable_metric(name: &str) -> ! {
    panic!("malformed metric definition {name}")
}

impl Metrics {
    /// A fresh set, every labelled series the relayer uses created at zero (so a dashboard sees
    /// `0`, not "no data", before the first event).
    pub fn new() -> Self {
        let r = Registry::new_custom(Some(PREFIX.to_owned()), None)
            .unwrap_or_else(|_| unreachable_metric(PREFIX));
        let dir = &["direction"];
        let chain = &["chain"];
        let m = Self {
            blocks_scanned: counter_vec(
                &r,
                "blocks_scanned_total",
                "Finalized TAO blocks and confirmed EVM blocks scanned for bridge events.",
                chain,
            ),
            items_seen: counter_vec(
                &r,
                "items_seen_total",
                "Transfers seen: Bridge.Locked in finalized TAO blocks (tao_to_eth), Burned at the required EVM confirmations (eth_to_tao).",
                dir,
            ),
            batches_signed: counter(
                &r,
                "batches_signed_total",
                "Mint batches this relayer signed.",
            ),
            attestations_posted: counter(
                &r,
                "attestations_posted_total",
                "Attestations this relayer got onto tao-node.",
            ),
            attestations_seen: counter(
                &r,
                "attestations_seen_total",
                "Valid attestations (any relayer) seen on tao-node.",
            ),
            mint_transactions_sent: counter(
                &r,
                "mint_transactions_sent_total",
                "TaoBridge.mint transactions sent (fee bumps included).",
            ),
            mint_fee_bumps: counter(
                &r,
                "mint_fee_bumps_total",
                "Mint transactions replaced with higher fees.",
            ),
            batches_minted: counter(
                &r,
                "batches_minted_total",
                "Batches whose nonces are used on TaoBridge (minted by anyone).",
            ),
            batches_minted_by_us: counter(
                &r,
                "batches_minted_by_us_total",
                "Batches minted by this relayer's transaction.",
            ),
            mints_held: counter(
                &r,
                "mints_held_total",
                "Mint attempts held back: bridge paused, rate limited, or the mint would revert.",
            ),
            approvals_posted: counter(
                &r,
                "approvals_posted_total",
                "Bridge.approve_release calls of this relayer that landed.",
            ),
            transfers_completed: counter_vec(
                &r,
                "transfers_completed_total",
                "Transfers done: locks in batches confirmed minted (tao_to_eth), burns released on tao-node (eth_to_tao).",
                dir,
            ),
            conflicts: counter_vec(
                &r,
                "conflicts_total",
                "Conflicts: bad attestations and nonces minted by another batch (tao_to_eth), release conflicts and approved burns reorged out (eth_to_tao).",
                dir,
            ),
            eth_reorgs: counter(
                &r,
                "eth_reorgs_total",
                "EVM reorgs detected below the scan cursor (cursor rolled back).",
            ),
            errors: counter_vec(
                &r,
                "errors_total",
                "Errors logged, by task, whether retried or not.",
                &["task"],
            ),
            retries: counter_vec(
                &r,
                "retries_total",
                "Operations retried after a transient error, by task.",
                &["task"],
            ),
            rpc_failovers: counter_vec(
                &r,
                "rpc_failovers_total",
                "Switches to another RPC endpoint after a transport error or a stale head.",
                chain,
            ),
            quorum_disagreements: counter(
                &r,
                "eth_quorum_disagreements_total",
                "Burn checks where fewer than eth.quorum EVM providers reported the same block hash and log; the burn waits.",
            ),
            transfer_latency: histogram(
                &r,
                "transfer_latency_seconds",
                "Seconds from seeing a lock in a finalized TAO block to its mint confirmed (tao_to_eth), from seeing a confirmed burn to its release on tao-node (eth_to_tao).",
                LATENCY_BUCKETS,
                dir,
            ),
            rpc_call: histogram(
                &r,
                "rpc_call_seconds",
                "Seconds per RPC call, by chain and method class.",
                RPC_BUCKETS,
                &["chain", "method"],
            ),
            queue_depth: gauge_vec(
                &r,
                "queue_depth",
                "Open items: batches not yet minted and their locks (tao_to_eth), burns not yet approved (eth_to_tao).",
                &["direction", "queue"],
            ),
            oldest_pending: gauge_vec(
                &r,
                "oldest_pending_seconds",
                "Age of the oldest open item (s).",
                dir,
            ),
            parked: gauge_vec(
                &r,
                "parked_items",
                "Open items held by a condition other than a network error: paused, rate limited, a mint that would revert, an EVM quorum not reached.",
                dir,
            ),
            failed: gauge_vec(
                &r,
                "failed_items",
                "Items that need an operator: failed batches (tao_to_eth), burns in conflict or dropped (eth_to_tao).",
                dir,
            ),
            head_block: gauge_vec(
                &r,
                "head_block",
                "Last finalized TAO block / last confirmed EVM block (head minus eth.confirmations).",
                chain,
            ),
            next_block: gauge_vec(
                &r,
                "next_block",
                "Next block to scan (the stored cursor).",
                chain,
            ),
            lag_blocks: gauge_vec(
                &r,
                "lag_blocks",
                "Blocks between the next block to scan and the finalized / confirmed head.",
                chain,
            ),
            last_progress: reg(
                &r,
                GaugeVec::new(
                    Opts::new(
                        "last_progress_timestamp_seconds",
                        "Unix time the watcher last made progress (/health fails 60 s after it).",
                    ),
                    chain,
                )
                .unwrap_or_else(|_| unreachable_metric("last_progress")),
            ),
            rpc_endpoint: gauge_vec(
                &r,
                "rpc_endpoint_index",
                "Index (0-based, as configured) of the RPC endpoint in use.",
                chain,
            ),
            signer_balance_wei: reg(
                &r,
                Gauge::new(
                    "signer_balance_wei",
                    "Balance of the mint-transaction signer (wei); refreshed every poll.",
                )
                .unwrap_or_else(|_| unreachable_metric("signer_balance_wei")),
            ),
            signer_balance_low: reg(
                &r,
                IntGauge::new(
                    "signer_balance_low",
                    "1 while the signer balance is under eth.low_balance_gwei, else 0.",
                )
                .unwrap_or_else(|_| unreachable_metric("signer_balance_low")),
            ),
            tao_progress_ms: AtomicU64::new(0),
            eth_progress_ms: AtomicU64::new(0),
            registry: r,
        };
        for d in [Direction::TaoToEth, Direction::EthToTao] {
            let d = &[d.label()];
            m.items_seen.with_label_values(d);
            m.transfers_completed.with_label_values(d);
            m.conflicts.with_label_values(d);
            m.transfer_latency.with_label_values(d);
            m.oldest_pending.with_label_values(d);
            m.parked.with_label_values(d);
            m.failed.with_label_values(d);
        }
        m.queue_depth.with_label_values(&[Direction::TaoToEth.label(), "batches"]);
        m.queue_depth.with_label_values(&[Direction::TaoToEth.label(), "locks"]);
        m.queue_depth.with_label_values(&[Direction::EthToTao.label(), "burns"]);
        for stage in crate::store::Stage::ALL {
            m.queue_depth.with_label_values(&[Direction::of(stage).label(), stage.label()]);
        }
        for c in [Chain::Tao, Chain::Eth] {
            let c = &[c.label()];
            m.blocks_scanned.with_label_values(c);
            m.rpc_failovers.with_label_values(c);
            m.head_block.with_label_values(c);
            m.next_block.with_label_values(c);
            m.lag_blocks.with_label_values(c);
            m.last_progress.with_label_values(c);
            m.rpc_endpoint.with_label_values(c);
        }
        for task in crate::relayer::TASKS {
            m.errors.with_label_values(&[task]);
            m.retries.with_label_values(&[task]);
        }
        m
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into a Vec fails only on a metric family without metrics, which
        // `Registry::gather` never returns.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Record that the `chain` watcher made progress now.
    pub fn progress(&self, chain: Chain) {
        let now = now_ms();
        let cell = match chain {
            Chain::Tao => &self.tao_progress_ms,
            Chain::Eth => &self.eth_progress_ms,
        };
        cell.store(now, Ordering::Relaxed);
        self.last_progress.with_label_values(&[chain.label()]).set(now as f64 / 1000.0);
    }

    /// Whether both watchers progressed recently.
    pub fn healthy(&self) -> bool {
        let now = now_ms();
        let stall = u64::try_from(STALL_AFTER.as_millis()).unwrap_or(u64::MAX);
        [&self.tao_progress_ms, &self.eth_progress_ms]
            .iter()
            .all(|g| now.saturating_sub(g.load(Ordering::Relaxed)) < stall)
    }

    /// A `direction`-labelled counter.
    pub fn dir(vec: &IntCounterVec, d: Direction) -> IntCounter {
        vec.with_label_values(&[d.label()])
    }

    /// A `direction`-labelled gauge.
    pub fn dir_gauge(vec: &IntGaugeVec, d: Direction) -> IntGauge {
        vec.with_label_values(&[d.label()])
    }

    /// A `chain`-labelled gauge set to `v` (saturating at `i64::MAX`).
    pub fn set_chain(vec: &IntGaugeVec, c: Chain, v: u64) {
        vec.with_label_values(&[c.label()]).set(i64::try_from(v).unwrap_or(i64::MAX));
    }

    /// An error in `task`; `retried` when the task tries again.
    pub fn error(&self, task: &str, retried: bool) {
        self.errors.with_label_values(&[task]).inc();
        if retried {
            self.retries.with_label_values(&[task]).inc();
        }
    }

    /// One RPC call of `method` class on `chain` took `elapsed`.
    pub fn rpc(&self, chain: Chain, method: &str, elapsed: Duration) {
        self.rpc_call.with_label_values(&[chain.label(), method]).observe(elapsed.as_secs_f64());
    }

    /// A transfer of `d` finished `seen_at_ms` after it was seen.
    pub fn latency(&self, d: Direction, seen_at_ms: u64) {
        let secs = now_ms().saturating_sub(seen_at_ms) as f64 / 1000.0;
        self.transfer_latency.with_label_values(&[d.label()]).observe(secs);
    }
}

/// What `/status` returns (set by the caller: the store summary).
pub type StatusFn = Arc<dyn Fn() -> serde_json::Value + Send + Sync>;

/// Serve `/metrics`, `/health` and `/status` on `addr` until the task is dropped.
pub async fn serve(
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    status: StatusFn,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { continue };
            let (metrics, status) = (metrics.clone(), status.clone());
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let n =
                    match tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf)).await {
                        Ok(Ok(n)) => n,
                        _ => return,
                    };
                let request = String::from_utf8_lossy(buf.get(..n).unwrap_or_default());
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let (code, kind, body) = match path {
                    "/metrics" => {
                        (200, TextEncoder::new().format_type().to_owned(), metrics.render())
                    }
                    "/health" if metrics.healthy() => (200, "text/plain".into(), "ok\n".to_owned()),
                    "/health" => (503, "text/plain".into(), "stalled\n".to_owned()),
                    "/status" => (200, "application/json".into(), status().to_string()),
                    _ => {
                        (404, "text/plain".into(), "try /metrics, /health or /status\n".to_owned())
                    }
                };
                let reason = match code {
                    200 => "OK",
                    503 => "Service Unavailable",
                    _ => "Not Found",
                };
                let head = format!(
                    "HTTP/1.1 {code} {reason}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(body.as_bytes()).await;
            });
        }
    });
    Ok(local)
}

/// `GET path` from a relayer's metrics endpoint at `addr`: the whole HTTP response (status line,
/// headers, body). The server closes the connection after one response, so this reads to EOF.
/// Used by `wtao-relayer status` and the end-to-end tests.
pub async fn get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes()).await?;
    let mut out = String::new();
    s.read_to_string(&mut out).await?;
    Ok(out)
}

/// The sum of every series of metric `name` (without the prefix) in a `/metrics` text whose
/// labels include all of `labels`; `None` when no series matches. For tests and `status`.
pub fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let full = format!("{PREFIX}_{name}");
    let mut found = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some(rest) = line.strip_prefix(&full) else { continue };
        let (set, value) = match rest.strip_prefix('{') {
            Some(r) => match r.split_once("} ") {
                Some(parts) => parts,
                None => continue,
            },
            None => match rest.strip_prefix(' ') {
                Some(v) => ("", v),
                None => continue,
            },
        };
        if !labels.iter().all(|(k, v)| set.split(',').any(|p| p == format!("{k}=\"{v}\""))) {
            continue;
        }
        if let Ok(v) = value.trim().parse::<f64>() {
            found = Some(found.unwrap_or(0.0) + v);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_units_and_labels() {
        let m = Metrics::new();
        m.eth_reorgs.inc();
        Metrics::set_chain(&m.lag_blocks, Chain::Tao, 7);
        Metrics::dir(&m.transfers_completed, Direction::TaoToEth).inc_by(3);
        m.latency(Direction::TaoToEth, now_ms().saturating_sub(2_500));
        m.rpc(Chain::Eth, "logs", Duration::from_millis(3));
        m.signer_balance_wei.set(1.5e18);
        let text = m.render();
        assert!(
            text.contains(
                "# TYPE wtao_relayer_eth_reorgs_total counter\nwtao_relayer_eth_reorgs_total 1\n"
            ),
            "{text}"
        );
        assert!(text.contains("wtao_relayer_lag_blocks{chain=\"tao\"} 7\n"), "{text}");
        // Every stage's queue and both directions' parked items are there from the start.
        for (d, q) in [("tao_to_eth", "attest"), ("tao_to_eth", "mint"), ("eth_to_tao", "approve")]
        {
            let line = format!("wtao_relayer_queue_depth{{direction=\"{d}\",queue=\"{q}\"}} 0\n");
            assert!(text.contains(&line), "{line} in {text}");
        }
        for d in ["tao_to_eth", "eth_to_tao"] {
            let line = format!("wtao_relayer_parked_items{{direction=\"{d}\"}} 0\n");
            assert!(text.contains(&line), "{line} in {text}");
        }
        assert!(
            text.contains("wtao_relayer_transfers_completed_total{direction=\"tao_to_eth\"} 3\n")
        );
        assert!(
            text.contains("wtao_relayer_transfers_completed_total{direction=\"eth_to_tao\"} 0\n")
        );
        assert!(text.contains("# TYPE wtao_relayer_transfer_latency_seconds histogram\n"));
        assert!(text.contains("wtao_relayer_transfer_latency_seconds_bucket{direction=\"tao_to_eth\",le=\"2\"} 0\n"), "{text}");
        assert!(text.contains("wtao_relayer_transfer_latency_seconds_bucket{direction=\"tao_to_eth\",le=\"3\"} 1\n"), "{text}");
        assert!(
            text.contains(
                "wtao_relayer_transfer_latency_seconds_count{direction=\"tao_to_eth\"} 1\n"
            )
        );
        assert!(
            text.contains("wtao_relayer_rpc_call_seconds_count{chain=\"eth\",method=\"logs\"} 1\n")
        );
        assert!(text.contains("wtao_relayer_signer_balance_wei 1500000000000000000\n"), "{text}");
        assert_eq!(text.matches("# HELP").count(), text.matches("# TYPE").count());
        // Conventions: every counter ends in _total; every series starts with the prefix.
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').unwrap();
                assert!(name.starts_with("wtao_relayer_"), "{name}");
                assert_eq!(kind == "counter", name.ends_with("_total"), "{name} is a {kind}");
            }
        }
        assert_eq!(sample(&text, "transfers_completed_total", &[]), Some(3.0));
        assert_eq!(
            sample(&text, "transfers_completed_total", &[("direction", "eth_to_tao")]),
            Some(0.0)
        );
        assert_eq!(sample(&text, "no_such", &[]), None);
    }

    #[test]
    fn the_readme_table_lists_every_metric() {
        let readme = include_str!("../../README.md");
        for line in Metrics::new().render().lines() {
            let Some(rest) = line.strip_prefix("# TYPE wtao_relayer_") else { continue };
            let name = rest.split(' ').next().unwrap();
            assert!(readme.contains(&format!("`{name}`")), "README's metrics table lacks `{name}`");
        }
    }

    #[tokio::test]
    async fn health_reflects_progress() {
        let m = Arc::new(Metrics::new());
        let addr =
            serve("127.0.0.1:0".parse().unwrap(), m.clone(), Arc::new(|| serde_json::json!({})))
                .await
                .unwrap();
        let fetch = |path: &'static str| async move { get(addr, path).await.unwrap() };
        assert!(fetch("/health").await.starts_with("HTTP/1.1 503"));
        m.progress(Chain::Tao);
        assert!(fetch("/health").await.starts_with("HTTP/1.1 503"), "one watcher is not enough");
        m.progress(Chain::Eth);
        assert!(fetch("/health").await.starts_with("HTTP/1.1 200"));
        // A watcher that stops is a stall again.
        m.tao_progress_ms.store(now_ms() - STALL_AFTER.as_millis() as u64 - 1, Ordering::Relaxed);
        assert!(fetch("/health").await.starts_with("HTTP/1.1 503"));
        let body = fetch("/metrics").await;
        assert!(body.contains("content-type: text/plain; version=0.0.4"), "{body}");
        assert!(body.contains("wtao_relayer_errors_total{task=\"tao_watch\"} 0"), "{body}");
    }
}
