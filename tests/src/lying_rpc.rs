//! A lying EVM provider: an HTTP JSON-RPC proxy in front of the honest anvil that answers every
//! request as anvil does, except that `eth_getLogs` also returns `Burned` logs the test forged
//! ([`LyingRpc::forge`]) in a block that really exists (same number, same hash), so the lie is
//! only visible by asking another provider for that block's logs — what `eth.quorum` does.
//!
//! ```text
//!  relayer ──HTTP──▶ LyingRpc (127.0.0.1:<port>) ──HTTP──▶ anvil
//!                     eth_getLogs: + forged Burned logs of the block asked for
//! ```
//!
//! It speaks just enough HTTP/1.1 for JSON-RPC clients (keep-alive, `Content-Length` bodies);
//! each request goes upstream on a fresh connection, so an upstream restart is seen as the
//! client would see anvil's: connection refused, then answers again.

use std::sync::{Arc, Mutex, PoisonError};

use alloy::primitives::{Address, B256, U256};
use alloy::sol_types::SolEvent;
use eyre::{WrapErr, eyre};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::ITaoBridge;

/// One forged `Burned` log.
#[derive(Clone, Debug)]
pub struct ForgedBurn {
    /// The block it is put into (an existing block of the honest chain).
    pub block_number: u64,
    /// That block's hash.
    pub block_hash: B256,
    /// Burn nonce.
    pub nonce: u64,
    /// Claimed burner.
    pub from: Address,
    /// TAO account that would be paid.
    pub tao_recipient: B256,
    /// Amount (rao).
    pub amount: U256,
}

/// The running proxy; stops when dropped.
#[derive(Debug)]
pub struct LyingRpc {
    url: String,
    forged: Arc<Mutex<Vec<ForgedBurn>>>,
    served_forged: Arc<Mutex<u64>>,
    task: JoinHandle<()>,
}

impl LyingRpc {
    /// Listen on a free port and forward to `upstream` (`http://127.0.0.1:<port>`), lying about
    /// the logs of `bridge`.
    pub async fn start(upstream: &str, bridge: Address) -> eyre::Result<Self> {
        let upstream = upstream
            .strip_prefix("http://")
            .ok_or_else(|| eyre!("the lying proxy forwards to http:// only, not {upstream}"))?
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let forged: Arc<Mutex<Vec<ForgedBurn>>> = Arc::default();
        let served_forged: Arc<Mutex<u64>> = Arc::default();
        let state = Arc::new(Proxy {
            upstream,
            bridge,
            forged: forged.clone(),
            served_forged: served_forged.clone(),
        });
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    // A client that hangs up mid-request is no concern of the test.
                    let _ = state.serve(socket).await;
                });
            }
        });
        Ok(Self { url, forged, served_forged, task })
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// From now on, report `burn` among the logs of its block.
    pub fn forge(&self, burn: ForgedBurn) {
        self.forged.lock().unwrap_or_else(PoisonError::into_inner).push(burn);
    }

    /// How many times a forged log was handed out (a test that forges must see it was read).
    pub fn forged_served(&self) -> u64 {
        *self.served_forged.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for LyingRpc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Proxy {
    upstream: String,
    bridge: Address,
    forged: Arc<Mutex<Vec<ForgedBurn>>>,
    served_forged: Arc<Mutex<u64>>,
}

impl Proxy {
    /// One client connection: requests in order until it closes.
    async fn serve(&self, socket: TcpStream) -> eyre::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut read = BufReader::new(read);
        loop {
            let Some(body) = read_request(&mut read).await? else { return Ok(()) };
            let answer = match self.forward(&body).await {
                Ok(answer) => answer,
                // Upstream down: as a dead provider, refuse with a 502 the client reports.
                Err(e) => {
                    let text = format!("upstream unavailable: {e:#}");
                    let head = format!(
                        "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
                        text.len()
                    );
                    write.write_all(head.as_bytes()).await?;
                    write.write_all(text.as_bytes()).await?;
                    continue;
                }
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                answer.len()
            );
            write.write_all(head.as_bytes()).await?;
            write.write_all(&answer).await?;
        }
    }

    /// Send `body` upstream and return its answer, with forged logs added to `eth_getLogs`.
    async fn forward(&self, body: &[u8]) -> eyre::Result<Vec<u8>> {
        let answer = post(&self.upstream, body).await?;
        let Ok(request) = serde_json::from_slice::<Value>(body) else { return Ok(answer) };
        let mut response: Value = serde_json::from_slice(&answer).wrap_err("upstream answer")?;
        let changed = match (&request, &mut response) {
            (Value::Array(reqs), Value::Array(resps)) => {
                let mut changed = false;
                for r in reqs {
                    if let Some(resp) = resps.iter_mut().find(|x| x.get("id") == r.get("id")) {
                        changed |= self.lie(r, resp);
                    }
                }
                changed
            }
            (req, resp) => self.lie(req, resp),
        };
        if changed { Ok(serde_json::to_vec(&response)?) } else { Ok(answer) }
    }

    /// Add forged logs to the answer of an `eth_getLogs` request whose filter covers their
    /// block (by hash, or by a number range) and the bridge.
    fn lie(&self, request: &Value, response: &mut Value) -> bool {
        if request.get("method").and_then(Value::as_str) != Some("eth_getLogs") {
            return false;
        }
        let Some(filter) = request.get("params").and_then(|p| p.get(0)) else { return false };
        let Some(logs) = response.get_mut("result").and_then(Value::as_array_mut) else {
            return false;
        };
        if !covers_address(filter, self.bridge) {
            return false;
        }
        let forged = self.forged.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let mut added = 0;
        for f in forged.iter().filter(|f| covers_block(filter, f)) {
            logs.push(log_json(self.bridge, f));
            added += 1;
        }
        if added > 0 {
            *self.served_forged.lock().unwrap_or_else(PoisonError::into_inner) += added;
        }
        added > 0
    }
}

/// Whether the filter asks for logs of `bridge` (or of every address).
fn covers_address(filter: &Value, bridge: Address) -> bool {
    let want = |v: &Value| v.as_str().and_then(|s| s.parse::<Address>().ok()) == Some(bridge);
    match filter.get("address") {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.iter().any(want),
        Some(v) => want(v),
    }
}

/// Whether the filter's block (hash, or number range) holds the forged log.
fn covers_block(filter: &Value, f: &ForgedBurn) -> bool {
    if let Some(hash) = filter.get("blockHash").and_then(Value::as_str) {
        return hash.parse::<B256>().ok() == Some(f.block_hash);
    }
    let number = |key: &str| {
        filter
            .get(key)
            .and_then(Value::as_str)
            .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
    };
    match (number("fromBlock"), number("toBlock")) {
        (Some(from), Some(to)) => (from..=to).contains(&f.block_number),
        _ => false,
    }
}

/// The forged log as a node returns it.
fn log_json(bridge: Address, f: &ForgedBurn) -> Value {
    let event = ITaoBridge::Burned {
        nonce: f.nonce,
        from: f.from,
        taoRecipient: f.tao_recipient,
        amount: f.amount,
    };
    let data = event.encode_log_data();
    // A transaction hash no block has; a log index far above the block's real ones.
    let tx = B256::from(alloy::primitives::keccak256(f.nonce.to_be_bytes()));
    json!({
        "address": bridge,
        "topics": data.topics(),
        "data": data.data,
        "blockNumber": format!("{:#x}", f.block_number),
        "blockHash": f.block_hash,
        "transactionHash": tx,
        "transactionIndex": "0x0",
        "logIndex": "0x3e8",
        "removed": false,
    })
}

/// Read one request's body; `None` when the client closed the connection.
async fn read_request<R: tokio::io::AsyncBufRead + Unpin>(
    read: &mut R,
) -> eyre::Result<Option<Vec<u8>>> {
    let mut length = 0usize;
    let mut first = true;
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let line = line.trim_end();
        if first {
            first = false;
            eyre::ensure!(line.starts_with("POST "), "not a JSON-RPC request: {line}");
            continue;
        }
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse()?;
        }
    }
    let mut body = vec![0u8; length];
    read.read_exact(&mut body).await?;
    Ok(Some(body))
}

/// POST `body` to `host:port` on a fresh connection; the response body.
async fn post(host: &str, body: &[u8]) -> eyre::Result<Vec<u8>> {
    let mut s = TcpStream::connect(host).await?;
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await?;
    s.write_all(body).await?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await?;
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| eyre!("no HTTP header end in the upstream answer"))?;
    let (head, rest) = out.split_at(split + 4);
    let head = String::from_utf8_lossy(head);
    eyre::ensure!(head.starts_with("HTTP/1.1 200"), "upstream answered {}", head.trim());
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        return dechunk(rest);
    }
    Ok(rest.to_vec())
}

/// Decode a chunked body.
fn dechunk(mut rest: &[u8]) -> eyre::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| eyre!("bad chunk header in the upstream answer"))?;
        let size_text = String::from_utf8_lossy(&rest[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)?;
        rest = &rest[end + 2..];
        if size == 0 {
            return Ok(out);
        }
        eyre::ensure!(rest.len() >= size + 2, "short chunk in the upstream answer");
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}
