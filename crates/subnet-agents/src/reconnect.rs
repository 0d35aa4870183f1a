//! Surviving tao-node restarts: connect, run until a chain call fails, report the outage once,
//! retry with backoff, carry on.

use std::{
    future::Future,
    time::{Duration, Instant},
};

use tao_client::TaoClient;

use crate::{
    error::AgentError,
    events::{Event, EventSink},
};

/// Exponential backoff: `first`, doubling up to `max`; [`Backoff::reset`] after a success.
#[derive(Clone, Debug)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    /// Starts at `first`, never waits longer than `max`.
    pub fn new(first: Duration, max: Duration) -> Self {
        Self { first, max, next: first }
    }

    /// The next wait, doubling the one after.
    pub fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = self.next.saturating_mul(2).min(self.max);
        d
    }

    /// Back to the first delay.
    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

impl Default for Backoff {
    /// 250 ms doubling to 5 s: a devnet node restarts in a second or two.
    fn default() -> Self {
        Self::new(Duration::from_millis(250), Duration::from_secs(5))
    }
}

/// Tracks one outage so it is reported once: the first failure emits
/// [`Event::Disconnected`], the first success after it [`Event::Reconnected`].
#[derive(Debug, Default)]
pub struct Outage {
    since: Option<Instant>,
}

impl Outage {
    /// A failure: the event to report, if this one starts an outage.
    pub fn failed(&mut self, error: &dyn std::fmt::Display) -> Option<Event> {
        if self.since.is_some() {
            tracing::debug!(target: crate::LOG_TARGET, %error, "still no tao-node");
            return None;
        }
        self.since = Some(Instant::now());
        Some(Event::Disconnected { error: error.to_string() })
    }

    /// A success: the event to report, if it ends an outage.
    pub fn ok(&mut self) -> Option<Event> {
        self.since.take().map(|t| Event::Reconnected { after_s: t.elapsed().as_secs() })
    }
}

/// Runs `body` with a connection to `url` forever: when it fails with [`AgentError::Chain`]
/// (or connecting fails), waits and reconnects; any other error ends the loop and is returned.
/// `body` gets the client and a callback to call after its first successful chain read (so an
/// outage ends when the chain answers, not merely when the socket opens).
pub async fn run_connected<F, Fut>(url: &str, events: &EventSink, mut body: F) -> AgentError
where
    F: FnMut(TaoClient) -> Fut,
    Fut: Future<Output = Result<(), AgentError>>,
{
    let mut backoff = Backoff::default();
    let mut outage = Outage::default();
    loop {
        let result = match TaoClient::connect(url).await {
            Ok(client) => {
                if let Some(e) = outage.ok() {
                    events(&e);
                }
                backoff.reset();
                body(client).await
            }
            Err(e) => Err(AgentError::Chain(e)),
        };
        match result {
            Err(AgentError::Chain(e)) => {
                if let Some(ev) = outage.failed(&e) {
                    events(&ev);
                }
            }
            Err(other) => return other,
            Ok(()) => {}
        }
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap_and_resets() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(500));
        let waits: Vec<u128> = (0..5).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 500, 500]);
        b.reset();
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }

    #[test]
    fn an_outage_is_reported_once() {
        let mut o = Outage::default();
        assert_eq!(o.ok(), None, "no outage, nothing to report");
        assert!(
            matches!(o.failed(&"refused"), Some(Event::Disconnected { error }) if error == "refused")
        );
        assert_eq!(o.failed(&"refused"), None);
        assert_eq!(o.failed(&"refused"), None);
        assert!(matches!(o.ok(), Some(Event::Reconnected { .. })));
        assert_eq!(o.ok(), None);
    }

    #[tokio::test]
    async fn a_dead_endpoint_is_retried_and_reported_once_until_a_fatal_error() {
        // Nothing listens on this port: every connect fails; the body never runs. After a few
        // failures the test ends the loop with a fatal error from... the connect path cannot
        // produce one, so stop it with a timeout and check what was reported.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink: EventSink = {
            let seen = seen.clone();
            Arc::new(move |e: &Event| seen.lock().unwrap().push(e.clone()))
        };
        let url = format!("ws://127.0.0.1:{port}");
        let run = run_connected(&url, &sink, |_client| async { Ok(()) });
        assert!(tokio::time::timeout(Duration::from_millis(1_500), run).await.is_err());
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "one report for the whole outage: {seen:?}");
        assert!(matches!(&seen[0], Event::Disconnected { .. }));
    }
}
