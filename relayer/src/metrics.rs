//! Prometheus metrics, `/health` and `/status`, on one small HTTP/1.1 listener.
//!
//! The metric set is fixed and small, so it is a struct of atomics rendered in the text
//! exposition format by hand rather than a registry: nothing to register, nothing to forget.
//! `/health` answers 200 while both directions made progress (scanned a block or found nothing
//! new) within [`STALL_AFTER`], 503 otherwise; `/status` is the same JSON `wtao-relayer status`
//! prints.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::store::now_ms;

/// A direction is unhealthy when it has not made progress for this long.
pub const STALL_AFTER: Duration = Duration::from_secs(60);

macro_rules! metrics {
    ($( $(#[$doc:meta])* $field:ident : $kind:literal, $help:literal; )*) => {
        /// Counters and gauges of one relayer.
        #[derive(Debug, Default)]
        pub struct Metrics {
            $( $(#[$doc])* pub $field: AtomicU64, )*
        }

        impl Metrics {
            /// The Prometheus text exposition of every metric.
            pub fn render(&self) -> String {
                let mut out = String::new();
                $(
                    let name = concat!("wtao_relayer_", stringify!($field));
                    let _ = writeln!(out, "# HELP {name} {}", $help);
                    let _ = writeln!(out, "# TYPE {name} {}", $kind);
                    let _ = writeln!(out, "{name} {}", self.$field.load(Ordering::Relaxed));
                )*
                out
            }
        }
    };
}

metrics! {
    /// TAO blocks scanned.
    tao_blocks_scanned: "counter", "Finalized TAO blocks scanned for bridge events.";
    /// Locks seen.
    tao_locks_seen: "counter", "Bridge.Locked events seen in finalized TAO blocks.";
    /// Batches signed.
    tao_batches_signed: "counter", "Mint batches this relayer signed.";
    /// Attestations posted.
    tao_attestations_posted: "counter", "Attestations this relayer got onto tao-node.";
    /// Attestations seen.
    tao_attestations_seen: "counter", "Valid attestations (any relayer) seen on tao-node.";
    /// Mint transactions sent.
    eth_mints_submitted: "counter", "TaoBridge.mint transactions sent (fee bumps included).";
    /// Fee bumps.
    eth_mint_fee_bumps: "counter", "Mint transactions replaced with higher fees.";
    /// Batches confirmed minted.
    eth_batches_minted: "counter", "Batches whose nonces are used on TaoBridge (by anyone).";
    /// Mints minted by us.
    eth_batches_minted_by_us: "counter", "Batches minted by this relayer's transaction.";
    /// Transfers minted.
    eth_transfers_minted: "counter", "Transfers (locks) in batches confirmed minted.";
    /// Held batches.
    eth_mints_held: "counter", "Mint attempts held back (bridge paused or rate limited).";
    /// EVM blocks scanned.
    eth_blocks_scanned: "counter", "Confirmed EVM blocks scanned for Burned events.";
    /// Burns seen.
    eth_burns_seen: "counter", "Burned events seen at the required confirmations.";
    /// Approvals posted.
    tao_approvals_posted: "counter", "Bridge.approve_release calls that landed.";
    /// Releases completed.
    tao_releases: "counter", "Burns released on tao-node (by any relayer's approval).";
    /// Conflicts.
    conflicts: "counter", "Conflicts seen: release conflicts on tao-node, bad attestations.";
    /// Reorgs.
    eth_reorgs: "counter", "EVM reorgs detected (cursor rolled back).";
    /// Retries.
    retries: "counter", "Operations retried after a transient error.";
    /// Errors.
    errors: "counter", "Errors logged (transient or not).";
    /// TAO lag.
    tao_lag_blocks: "gauge", "Finalized TAO head minus the next block to scan.";
    /// EVM lag.
    eth_lag_blocks: "gauge", "Confirmed EVM head minus the next block to scan.";
    /// TAO cursor.
    tao_next_block: "gauge", "Next finalized TAO block to scan (the stored cursor).";
    /// EVM cursor.
    eth_next_block: "gauge", "Next EVM block to scan (the stored cursor).";
    /// Pending batches.
    eth_pending_batches: "gauge", "Batches not yet minted.";
    /// Oldest pending batch.
    eth_oldest_pending_seconds: "gauge", "Age of the oldest batch not yet minted (s).";
    /// Pending burns.
    tao_pending_burns: "gauge", "Burns this relayer has not yet approved.";
    /// Oldest pending burn.
    tao_oldest_pending_seconds: "gauge", "Age of the oldest burn not yet approved (s).";
    /// Last TAO progress.
    tao_progress_ms: "gauge", "Unix time (ms) the TAO watcher last made progress.";
    /// Last EVM progress.
    eth_progress_ms: "gauge", "Unix time (ms) the EVM watcher last made progress.";
}

impl Metrics {
    /// Add one to a counter.
    pub fn inc(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Set a gauge.
    pub fn set(g: &AtomicU64, v: u64) {
        g.store(v, Ordering::Relaxed);
    }

    /// Whether both watchers progressed recently.
    pub fn healthy(&self) -> bool {
        let now = now_ms();
        let stall = u64::try_from(STALL_AFTER.as_millis()).unwrap_or(u64::MAX);
        [&self.tao_progress_ms, &self.eth_progress_ms]
            .iter()
            .all(|g| now.saturating_sub(g.load(Ordering::Relaxed)) < stall)
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
                let request = String::from_utf8_lossy(&buf[..n]);
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let (code, kind, body) = match path {
                    "/metrics" => (200, "text/plain; version=0.0.4", metrics.render()),
                    "/health" if metrics.healthy() => (200, "text/plain", "ok\n".to_owned()),
                    "/health" => (503, "text/plain", "stalled\n".to_owned()),
                    "/status" => (200, "application/json", status().to_string()),
                    _ => (404, "text/plain", "try /metrics, /health or /status\n".to_owned()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_metric_with_help_and_type() {
        let m = Metrics::default();
        Metrics::inc(&m.eth_reorgs);
        Metrics::set(&m.tao_lag_blocks, 7);
        let text = m.render();
        assert!(
            text.contains("# TYPE wtao_relayer_eth_reorgs counter\nwtao_relayer_eth_reorgs 1\n")
        );
        assert!(
            text.contains(
                "# TYPE wtao_relayer_tao_lag_blocks gauge\nwtao_relayer_tao_lag_blocks 7\n"
            )
        );
        assert_eq!(text.matches("# HELP").count(), text.matches("# TYPE").count());
    }

    #[tokio::test]
    async fn health_reflects_progress() {
        let m = Arc::new(Metrics::default());
        let addr =
            serve("127.0.0.1:0".parse().unwrap(), m.clone(), Arc::new(|| serde_json::json!({})))
                .await
                .unwrap();
        let fetch = |path: &'static str| async move { get(addr, path).await.unwrap() };
        assert!(fetch("/health").await.starts_with("HTTP/1.1 503"));
        Metrics::set(&m.tao_progress_ms, now_ms());
        Metrics::set(&m.eth_progress_ms, now_ms());
        assert!(fetch("/health").await.starts_with("HTTP/1.1 200"));
        assert!(fetch("/metrics").await.contains("wtao_relayer_errors 0"));
    }
}
