//! The proof protocol between a miner's axon and validators: plain HTTP/1.1, one request per
//! connection, JSON answers.
//!
//! ```text
//!  GET /proofs?epoch=E&tiles=3,17,40   200 {"epoch": E, "proofs": [TileProof, …]}  (in order)
//!                                      404 no work for epoch E · 400 bad query or tile
//!  GET /health                         200 {"epochs": [E, …]}  the epochs it can prove
//! ```
//!
//! The server keeps the last [`KEPT_EPOCHS`] epochs. The client reads at most
//! [`MAX_RESPONSE_BYTES`] and gives up after its timeout: a slow or broken miner costs a
//! validator one timeout, never a stuck loop.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{Arc, RwLock},
    time::Duration,
};

use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use wtao_scoring::TileProof;

use crate::{
    error::{AgentError, FetchError},
    work::ServedWork,
};

/// Epochs a miner keeps serving (the current one and a few late validators' worth).
pub const KEPT_EPOCHS: usize = 4;
/// Largest answer the client reads.
pub const MAX_RESPONSE_BYTES: usize = 4 << 20;
/// Largest request the server reads.
const MAX_REQUEST_BYTES: usize = 16 << 10;
/// Most tiles one request may ask for.
pub const MAX_TILES_PER_REQUEST: usize = 1_024;

/// The body of a `200` answer to `/proofs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofsResponse {
    /// The epoch asked for.
    pub epoch: u64,
    /// The proofs, in the order of the request's tiles.
    pub proofs: Vec<TileProof>,
}

/// The work a miner serves, by epoch; shared by its loop (which inserts) and its server.
#[derive(Clone, Debug, Default)]
pub struct ProofStore {
    inner: Arc<RwLock<BTreeMap<u64, ServedWork>>>,
}

impl ProofStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serve `work` for its epoch, dropping all but the newest [`KEPT_EPOCHS`].
    pub fn insert(&self, work: ServedWork) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        map.insert(work.commitment().epoch, work);
        while map.len() > KEPT_EPOCHS {
            map.pop_first();
        }
    }

    /// The epochs served.
    pub fn epochs(&self) -> Vec<u64> {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).keys().copied().collect()
    }

    /// The answer to a request: `(status, body)`.
    fn answer(&self, target: &str) -> (u16, String) {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        match path {
            "/health" => (200, serde_json::json!({"epochs": self.epochs()}).to_string()),
            "/proofs" => match parse_query(query) {
                Err(reason) => (400, error_body(&reason)),
                Ok((epoch, tiles)) => {
                    let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
                    match map.get(&epoch).map(|w| w.proofs(&tiles)) {
                        None => (404, error_body(&format!("no work for epoch {epoch}"))),
                        Some(Err(e)) => (400, error_body(&e.to_string())),
                        Some(Ok(proofs)) => {
                            let body = ProofsResponse { epoch, proofs };
                            (200, serde_json::to_string(&body).unwrap_or_default())
                        }
                    }
                }
            },
            _ => (404, error_body("try GET /proofs?epoch=E&tiles=1,2,3 or /health")),
        }
    }
}

fn error_body(reason: &str) -> String {
    serde_json::json!({ "error": reason }).to_string()
}

/// `epoch=E&tiles=1,2,3` → (E, [1, 2, 3]).
fn parse_query(query: &str) -> Result<(u64, Vec<u64>), String> {
    let mut epoch = None;
    let mut tiles = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "epoch" => epoch = Some(value.parse::<u64>().map_err(|_| "epoch is not a number")?),
            "tiles" => {
                let list = value
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::parse::<u64>)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| "tiles must be comma-separated numbers")?;
                tiles = Some(list);
            }
            _ => {}
        }
    }
    let epoch = epoch.ok_or("missing epoch=")?;
    let tiles = tiles.ok_or("missing tiles=")?;
    if tiles.len() > MAX_TILES_PER_REQUEST {
        return Err(format!("at most {MAX_TILES_PER_REQUEST} tiles per request"));
    }
    Ok((epoch, tiles))
}

/// A running proof server.
#[derive(Debug)]
pub struct ProofServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl ProofServer {
    /// Listens on `addr` (port 0: any free port) and answers from `store` until dropped.
    pub async fn bind(addr: SocketAddr, store: ProofStore) -> Result<Self, AgentError> {
        let listener =
            TcpListener::bind(addr).await.map_err(|source| AgentError::Listen { addr, source })?;
        let local = listener.local_addr().map_err(|source| AgentError::Listen { addr, source })?;
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    // Out of descriptors or the like: do not spin on it.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let store = store.clone();
                tokio::spawn(async move {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(10), handle(sock, &store)).await;
                });
            }
        });
        Ok(Self { addr: local, task })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for ProofServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(mut sock: TcpStream, store: &ProofStore) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await?;
        if n == 0 || buf.len() > MAX_REQUEST_BYTES {
            return Ok(());
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
    let request = String::from_utf8_lossy(&buf);
    let mut parts = request.split_whitespace();
    let (status, body) = match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => store.answer(target),
        _ => (405, error_body("only GET")),
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        body.len()
    );
    sock.write_all(head.as_bytes()).await?;
    sock.write_all(body.as_bytes()).await?;
    sock.shutdown().await
}

/// Asks the miner at `addr` for the proofs of `tiles` of `epoch`, giving up after `timeout`.
pub async fn fetch_proofs(
    addr: SocketAddr,
    epoch: u64,
    tiles: &[u64],
    timeout: Duration,
) -> Result<Vec<TileProof>, FetchError> {
    let list: Vec<String> = tiles.iter().map(u64::to_string).collect();
    let target = format!("/proofs?epoch={epoch}&tiles={}", list.join(","));
    let timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
    let (status, body) = tokio::time::timeout(timeout, get(addr, &target))
        .await
        .map_err(|_| FetchError::Timeout { addr, timeout_ms })?
        .map_err(|source| FetchError::Io { addr, source })?;
    if status != 200 {
        let body = body.chars().take(200).collect();
        return Err(FetchError::Status { addr, status, body });
    }
    let response: ProofsResponse = serde_json::from_str(&body)
        .map_err(|e| FetchError::BadResponse { addr, reason: e.to_string() })?;
    if response.epoch != epoch {
        return Err(FetchError::BadResponse {
            addr,
            reason: format!("asked for epoch {epoch}, got {}", response.epoch),
        });
    }
    Ok(response.proofs)
}

/// One `GET`: (status, body). Reads to EOF (the server closes), at most
/// [`MAX_RESPONSE_BYTES`].
async fn get(addr: SocketAddr, target: &str) -> std::io::Result<(u16, String)> {
    let mut sock = TcpStream::connect(addr).await?;
    let request = format!("GET {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    sock.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    let limit = u64::try_from(MAX_RESPONSE_BYTES).unwrap_or(u64::MAX).saturating_add(1);
    (&mut sock).take(limit).read_to_end(&mut raw).await?;
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    if raw.len() > MAX_RESPONSE_BYTES {
        return Err(invalid("answer larger than 4 MiB"));
    }
    let text = String::from_utf8(raw).map_err(|_| invalid("answer is not UTF-8"))?;
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| invalid("no HTTP header"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| invalid("no HTTP status"))?;
    Ok((status, body.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::work::Mode;

    fn work(epoch: u64, n: u64) -> ServedWork {
        ServedWork::new(epoch, Mode::Honest.digests(&(0..n).map(|i| i * 7).collect::<Vec<_>>()))
            .unwrap()
    }

    #[tokio::test]
    async fn proofs_round_trip_over_http() {
        let store = ProofStore::new();
        let server =
            ProofServer::bind("127.0.0.1:0".parse().unwrap(), store.clone()).await.unwrap();
        let addr = server.local_addr();
        let t = Duration::from_secs(5);
        // Nothing yet: 404 with the reason.
        let err = fetch_proofs(addr, 5, &[0], t).await.unwrap_err();
        assert!(matches!(err, FetchError::Status { status: 404, .. }), "{err}");
        assert!(err.to_string().contains("no work for epoch 5"), "{err}");

        let w = work(5, 20);
        store.insert(w.clone());
        let proofs = fetch_proofs(addr, 5, &[3, 0, 19], t).await.unwrap();
        assert_eq!(proofs, w.proofs(&[3, 0, 19]).unwrap());
        let root = w.commitment().merkle_root;
        for p in &proofs {
            assert!(p.proof.verify(&root, 20, p.tile, p.digest));
        }
        // A tile beyond the tree, and a bad query, are 400s.
        let err = fetch_proofs(addr, 5, &[20], t).await.unwrap_err();
        assert!(matches!(err, FetchError::Status { status: 400, .. }), "{err}");
        let (status, body) = get(addr, "/proofs?epoch=x&tiles=1").await.unwrap();
        assert_eq!(status, 400, "{body}");
        let (status, body) = get(addr, "/health").await.unwrap();
        assert_eq!((status, body.as_str()), (200, r#"{"epochs":[5]}"#));
    }

    #[tokio::test]
    async fn old_epochs_are_dropped_and_dead_miners_time_out() {
        let store = ProofStore::new();
        for epoch in 0..10 {
            store.insert(work(epoch, 2));
        }
        assert_eq!(store.epochs(), [6, 7, 8, 9]);

        // A listener that never answers: the timeout, not a hang.
        let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = silent.local_addr().unwrap();
        let err = fetch_proofs(addr, 1, &[0], Duration::from_millis(200)).await.unwrap_err();
        assert!(matches!(err, FetchError::Timeout { timeout_ms: 200, .. }), "{err}");
        drop(silent);
        // Nobody listening at all.
        let err = fetch_proofs(addr, 1, &[0], Duration::from_secs(2)).await.unwrap_err();
        assert!(matches!(err, FetchError::Io { .. }), "{err}");
    }

    #[test]
    fn queries() {
        assert_eq!(parse_query("epoch=3&tiles=1,2"), Ok((3, vec![1, 2])));
        assert_eq!(parse_query("tiles=&epoch=3"), Ok((3, vec![])));
        assert!(parse_query("epoch=3").is_err());
        assert!(parse_query("tiles=1").is_err());
        let many: Vec<String> = (0..=MAX_TILES_PER_REQUEST).map(|i| i.to_string()).collect();
        assert!(parse_query(&format!("epoch=1&tiles={}", many.join(","))).is_err());
    }
}
