//! Several RPC endpoints per chain: which one is in use, when to leave it, when to try a failed
//! one again.
//!
//! [`Endpoints`] is the policy, shared by both chains and free of I/O so it is unit-tested on its
//! own: the endpoint in use stays in use while it answers; a transport error or a stale head (no
//! new block for `stale_after`) moves the relayer to the next endpoint in configured order, and
//! the failed one rests for a backoff (1 s doubling to 30 s) before it is tried again. When every
//! endpoint rests, the one whose rest ends first is tried anyway — a relayer never stops asking.
//! Each switch is logged once (target `relayer::rpc`) and counted in
//! `wtao_relayer_rpc_failovers_total{chain}`.
//!
//! [`TaoPool`] applies it to tao-node: a new WebSocket client to the next endpoint when the
//! current one fails; `crate::rpc::FailoverTransport` applies it to every EVM request.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tao_client::{TaoClient, TaoClientError};
use tracing::{info, warn};
use url::Url;

use crate::error::RelayerError;
use crate::metrics::{Chain, Metrics};
use crate::tls::ClientTls;

/// First rest of a failed endpoint.
const REST_MIN: Duration = Duration::from_secs(1);
/// Longest rest.
const REST_MAX: Duration = Duration::from_secs(30);
/// Tracing target of endpoint switches.
pub const TARGET: &str = "relayer::rpc";

#[derive(Debug)]
struct Health {
    failures: u32,
    rest_until: Option<Instant>,
    /// Highest head seen from this endpoint, and when it last grew.
    head: u64,
    head_grew_at: Instant,
}

#[derive(Debug)]
struct State {
    active: usize,
    health: Vec<Health>,
    /// Why the endpoint in use was left (for the switch's log line).
    reason: Option<String>,
}

/// The endpoints of one chain and the failover policy (see the module docs).
#[derive(Debug)]
pub struct Endpoints {
    chain: Chain,
    urls: Vec<Url>,
    stale_after: Duration,
    state: Mutex<State>,
    metrics: Arc<Metrics>,
}

impl Endpoints {
    /// `urls` in order of preference (at least one); an endpoint whose head does not grow for
    /// `stale_after` counts as failed.
    pub fn new(chain: Chain, urls: Vec<Url>, stale_after: Duration, metrics: Arc<Metrics>) -> Self {
        let now = Instant::now();
        let health = urls
            .iter()
            .map(|_| Health { failures: 0, rest_until: None, head: 0, head_grew_at: now })
            .collect();
        Metrics::set_chain(&metrics.rpc_endpoint, chain, 0);
        Self {
            chain,
            urls,
            stale_after,
            state: Mutex::new(State { active: 0, health, reason: None }),
            metrics,
        }
    }

    /// The endpoints, as configured.
    pub fn urls(&self) -> &[Url] {
        &self.urls
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The endpoint in use.
    pub fn active(&self) -> usize {
        self.state().active
    }

    /// Which endpoints to try for the next request, in order: the one in use, then the others
    /// in configured order, skipping those that rest; never empty.
    pub fn order(&self) -> Vec<usize> {
        let s = self.state();
        let now = Instant::now();
        let n = self.urls.len();
        let resting =
            |i: usize| s.health.get(i).and_then(|h| h.rest_until).is_some_and(|t| t > now);
        let order: Vec<usize> =
            (0..n).map(|k| (s.active + k) % n).filter(|&i| !resting(i)).collect();
        if !order.is_empty() {
            return order;
        }
        let first = (0..n).min_by_key(|&i| s.health.get(i).and_then(|h| h.rest_until));
        vec![first.unwrap_or(0)]
    }

    /// Endpoint `i` failed (`reason`): it rests for a backoff.
    pub fn failed(&self, i: usize, reason: &str) {
        let mut s = self.state();
        if let Some(h) = s.health.get_mut(i) {
            h.failures = h.failures.saturating_add(1);
            let exp = h.failures.saturating_sub(1).min(8);
            h.rest_until = Some(Instant::now() + (REST_MIN * (1 << exp)).min(REST_MAX));
        }
        if s.active == i {
            s.reason = Some(reason.to_owned());
        }
    }

    /// Endpoint `i` answered: it is the one in use from now on (a switch is logged and counted).
    pub fn succeeded(&self, i: usize) {
        let mut s = self.state();
        if let Some(h) = s.health.get_mut(i) {
            h.failures = 0;
            h.rest_until = None;
        }
        if s.active == i {
            return;
        }
        let from = s.active;
        s.active = i;
        let reason = s.reason.take().unwrap_or_else(|| "it failed".to_owned());
        drop(s);
        self.metrics.rpc_failovers.with_label_values(&[self.chain.label()]).inc();
        Metrics::set_chain(&self.metrics.rpc_endpoint, self.chain, i as u64);
        let url = |k: usize| self.urls.get(k).map(Url::as_str).unwrap_or_default().to_owned();
        warn!(
            target: TARGET,
            chain = self.chain.label(),
            from = %url(from),
            to = %url(i),
            %reason,
            "switched RPC endpoint"
        );
    }

    /// Endpoint `i` reports head `head`: whether it is stale (no growth for `stale_after`).
    /// Never stale with a single endpoint: there is nowhere to go, and the watcher's `/health`
    /// already reports a stall.
    pub fn head(&self, i: usize, head: u64) -> bool {
        self.head_at(i, head, Instant::now())
    }

    fn head_at(&self, i: usize, head: u64, now: Instant) -> bool {
        if self.urls.len() < 2 {
            return false;
        }
        let mut s = self.state();
        let Some(h) = s.health.get_mut(i) else { return false };
        if head > h.head {
            h.head = head;
            h.head_grew_at = now;
            return false;
        }
        now.saturating_duration_since(h.head_grew_at) >= self.stale_after
    }

    /// The reason text of a stale endpoint.
    pub fn stale_reason(&self) -> String {
        format!("no new block for {} s", self.stale_after.as_secs())
    }
}

/// tao-node clients over several endpoints: [`TaoPool::client`] is the one in use;
/// [`TaoPool::failed`] moves to the next endpoint that accepts a connection.
#[derive(Debug)]
pub struct TaoPool {
    endpoints: Endpoints,
    tls: ClientTls,
    current: RwLock<(usize, TaoClient)>,
    /// One reconnection at a time.
    switching: tokio::sync::Mutex<()>,
}

impl TaoPool {
    /// Connect to the first endpoint that answers, in configured order.
    pub async fn connect(
        urls: Vec<Url>,
        stale_after: Duration,
        tls: ClientTls,
        metrics: Arc<Metrics>,
    ) -> Result<Self, RelayerError> {
        let endpoints = Endpoints::new(Chain::Tao, urls, stale_after, metrics);
        let mut first_error = None;
        for (i, url) in endpoints.urls().iter().enumerate() {
            match tls.connect_tao(url).await {
                Ok(client) => {
                    endpoints.succeeded(i);
                    return Ok(Self {
                        endpoints,
                        tls,
                        current: RwLock::new((i, client)),
                        switching: tokio::sync::Mutex::new(()),
                    });
                }
                Err(e) => {
                    warn!(target: TARGET, chain = "tao", %url, error = %e, "endpoint not usable");
                    endpoints.failed(i, &e.to_string());
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| RelayerError::Setup("no tao.url configured".into())))
    }

    /// The client in use, and its endpoint index (for [`Self::failed`]).
    pub fn client(&self) -> (usize, TaoClient) {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The client of endpoint `index` failed (`reason`): connect to the next endpoint that
    /// accepts (the same one again when it is the only one). A no-op when another task already
    /// moved on from `index`.
    pub async fn failed(&self, index: usize, reason: &str) {
        let _one = self.switching.lock().await;
        if self.client().0 != index {
            return;
        }
        self.endpoints.failed(index, reason);
        let order = self.endpoints.order();
        for i in order {
            let Some(url) = self.endpoints.urls().get(i) else { continue };
            match self.tls.connect_tao(url).await {
                Ok(client) => {
                    *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
                        (i, client);
                    if i == index {
                        info!(target: TARGET, chain = "tao", %url, "reconnected");
                    }
                    self.endpoints.succeeded(i);
                    return;
                }
                Err(e) => self.endpoints.failed(i, &e.to_string()),
            }
        }
    }
}

/// Whether a tao-client error says the endpoint (connection, RPC, subscription) failed, as
/// opposed to the chain answering (a dispatch error, a missing event): by the error's type.
pub fn tao_endpoint_failed(e: &TaoClientError) -> bool {
    matches!(
        e,
        TaoClientError::Connect { .. }
            | TaoClientError::Handshake { .. }
            | TaoClientError::Subxt { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(n: usize) -> Endpoints {
        let urls = (0..n).map(|i| format!("http://10.0.0.{i}:8545").parse().unwrap()).collect();
        Endpoints::new(Chain::Eth, urls, Duration::from_secs(60), Arc::new(Metrics::new()))
    }

    fn failovers(e: &Endpoints) -> u64 {
        e.metrics.rpc_failovers.with_label_values(&["eth"]).get()
    }

    #[test]
    fn a_dead_endpoint_rests_and_the_next_takes_over() {
        let e = endpoints(3);
        assert_eq!(e.order(), vec![0, 1, 2]);
        e.failed(0, "connection refused");
        assert_eq!(e.order(), vec![1, 2], "0 rests");
        e.succeeded(1);
        assert_eq!(e.active(), 1);
        assert_eq!(failovers(&e), 1);
        // Staying on 1 is no switch.
        e.succeeded(1);
        assert_eq!(failovers(&e), 1);
        assert_eq!(e.order(), vec![1, 2]);
        assert_eq!(e.metrics.rpc_endpoint.with_label_values(&["eth"]).get(), 1);
    }

    #[test]
    fn when_all_rest_the_earliest_is_tried_anyway() {
        let e = endpoints(2);
        e.failed(1, "x");
        std::thread::sleep(Duration::from_millis(5));
        e.failed(0, "y");
        e.failed(0, "y again: a longer rest");
        assert_eq!(e.order(), vec![1]);
        let single = endpoints(1);
        single.failed(0, "down");
        assert_eq!(single.order(), vec![0], "the only endpoint is always tried");
    }

    #[test]
    fn rests_grow_and_reset() {
        let e = endpoints(2);
        for _ in 0..20 {
            e.failed(0, "down");
        }
        let until = e.state().health[0].rest_until.unwrap();
        assert!(until <= Instant::now() + REST_MAX);
        e.succeeded(0);
        assert!(e.state().health[0].rest_until.is_none());
        assert_eq!(e.state().health[0].failures, 0);
    }

    #[test]
    fn a_head_that_stops_growing_is_stale() {
        let e = endpoints(2);
        let t0 = Instant::now();
        assert!(!e.head_at(0, 10, t0));
        assert!(!e.head_at(0, 10, t0 + Duration::from_secs(59)));
        assert!(e.head_at(0, 10, t0 + Duration::from_secs(60)), "stale after 60 s");
        assert!(!e.head_at(0, 11, t0 + Duration::from_secs(61)), "growing again");
        // One endpoint: never stale, there is nowhere to go.
        let one = endpoints(1);
        assert!(!one.head_at(0, 1, t0));
        assert!(!one.head_at(0, 1, t0 + Duration::from_secs(3600)));
    }
}
