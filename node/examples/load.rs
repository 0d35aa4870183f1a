//! WebSocket load client: signed sr25519 transfers, end to end over JSON-RPC, loopback only.
//!
//! ```text
//! # 1. a spec funding the bench accounts, and a node on it (release build):
//! cargo run --release -p tao-node --example load -- spec 2048 > /tmp/bench-spec.json
//! target/release/tao-node --chain /tmp/bench-spec.json --base-path /tmp/bench-db --instant-seal --rpc-port 9955 &
//! # 2. the load: 20,480 transfers over 8 connections × 4 in flight each:
//! cargo run --release -p tao-node --example load -- run ws://127.0.0.1:9955 2048 20480 8 4 [NODE_PID]
//! ```
//!
//! `run URL ACCOUNTS TXS CONNS INFLIGHT [PID]` pre-signs TXS transfers (sender `i % ACCOUNTS`,
//! nonces continuing from the chain's), then `author_submitExtrinsic`s them over CONNS
//! connections with INFLIGHT sequential submitters per connection (each sender's transfers stay
//! on one submitter, in nonce order; "pool full" is retried after 5 ms). A separate connection
//! follows `chain_subscribeNewHeads` and reads each block's body; a transfer is "in block" when
//! the head announcing it arrives. Prints submitted/included counts, sustained tx/s (first
//! submit → last inclusion), p50/p99 submit→in-block latency, and the node's VmRSS (if PID).
//! Gives up 120 s after the last submission.

#[path = "common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jsonrpsee::core::client::{ClientT, SubscriptionClientT};
use jsonrpsee::rpc_params;
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};
use tao_node::primitives::{H256, blake2_256};

type Shared<T> = Arc<Mutex<T>>;

fn h256(s: &str) -> H256 {
    let mut h = H256::default();
    hex::decode_to_slice(s.trim_start_matches("0x"), &mut h.0).expect("32-byte hex");
    h
}

async fn connect(url: &str) -> WsClient {
    WsClientBuilder::default()
        .max_concurrent_requests(4096)
        .request_timeout(Duration::from_secs(60))
        .build(url)
        .await
        .expect("connect")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, name: &str| -> usize {
        args.get(i).unwrap_or_else(|| panic!("missing {name}")).parse().expect(name)
    };
    match args.first().map(String::as_str) {
        Some("spec") => {
            let keys = common::keys(u32::try_from(arg(1, "ACCOUNTS")).expect("ACCOUNTS"));
            println!("{}", serde_json::to_string_pretty(&common::spec(&keys)).expect("json"));
        }
        Some("run") => {
            let url = args.get(1).expect("URL").clone();
            let pid = args.get(6).cloned();
            run(&url, arg(2, "ACCOUNTS"), arg(3, "TXS"), arg(4, "CONNS"), arg(5, "INFLIGHT"), pid)
                .await;
        }
        _ => {
            eprintln!("usage: load spec ACCOUNTS | load run URL ACCOUNTS TXS CONNS INFLIGHT [PID]")
        }
    }
}

async fn run(
    url: &str,
    accounts: usize,
    total: usize,
    conns: usize,
    inflight: usize,
    pid: Option<String>,
) {
    assert!(
        url.starts_with("ws://127.0.0.1:") || url.starts_with("ws://localhost:"),
        "loopback only"
    );
    assert!(total.is_multiple_of(accounts), "TXS must be a multiple of ACCOUNTS");
    let keys = common::keys(u32::try_from(accounts).expect("ACCOUNTS"));
    let head = connect(url).await;
    let genesis: String =
        head.request("chain_getBlockHash", rpc_params![0]).await.expect("genesis");
    let genesis = h256(&genesis);
    let who = tao_node::primitives::ss58::encode(&common::account(&keys[0]), 42);
    let first_nonce: u32 =
        head.request("system_accountNextIndex", rpc_params![who]).await.expect("nonce");
    let t = Instant::now();
    let txs = common::transfers(genesis, &keys, first_nonce, total);
    println!(
        "signed {total} transfers in {:.2}s (nonces from {first_nonce})",
        t.elapsed().as_secs_f64()
    );

    let submitted: Shared<HashMap<H256, Instant>> = Arc::new(Mutex::new(HashMap::new()));
    let included: Shared<Vec<(Instant, Duration)>> = Arc::new(Mutex::new(Vec::new()));
    let mut heads = head
        .subscribe::<serde_json::Value, _>(
            "chain_subscribeNewHeads",
            rpc_params![],
            "chain_unsubscribeNewHeads",
        )
        .await
        .expect("subscribe");
    let tracker = {
        let (submitted, included) = (submitted.clone(), included.clone());
        tokio::spawn(async move {
            let mut blocks = 0usize;
            while let Some(Ok(h)) = heads.next().await {
                let at = Instant::now();
                let number = h["number"].as_str().expect("number").to_owned();
                let n = u32::from_str_radix(number.trim_start_matches("0x"), 16).expect("hex");
                let hash: String =
                    head.request("chain_getBlockHash", rpc_params![n]).await.expect("hash");
                let block: serde_json::Value =
                    head.request("chain_getBlock", rpc_params![hash]).await.expect("block");
                let xts = block["block"]["extrinsics"].as_array().cloned().unwrap_or_default();
                let sub = submitted.lock().expect("lock");
                let mut inc = included.lock().expect("lock");
                for x in xts {
                    let bytes = hex::decode(x.as_str().unwrap_or("").trim_start_matches("0x"))
                        .expect("hex");
                    if let Some(s) = sub.get(&H256(blake2_256(&bytes))) {
                        inc.push((at, at.duration_since(*s)));
                    }
                }
                blocks += 1;
            }
            blocks
        })
    };

    // Submitter j of conns × inflight gets senders s ≡ j (mod submitters), in nonce order.
    let submitters = conns * inflight;
    let mut queues: Vec<Vec<Vec<u8>>> = vec![Vec::new(); submitters];
    for (i, x) in txs.into_iter().enumerate() {
        queues[(i % accounts) % submitters].push(x);
    }
    let errors = Arc::new(Mutex::new(HashMap::<String, usize>::new()));
    let start = Instant::now();
    let mut tasks = Vec::new();
    let mut clients = Vec::new();
    for _ in 0..conns {
        clients.push(Arc::new(connect(url).await));
    }
    for (j, q) in queues.into_iter().enumerate() {
        let client = clients[j % conns].clone();
        let (submitted, errors) = (submitted.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            for x in q {
                let hash = H256(blake2_256(&x));
                let hex = format!("0x{}", hex::encode(&x));
                loop {
                    submitted.lock().expect("lock").insert(hash, Instant::now());
                    let r: Result<String, _> =
                        client.request("author_submitExtrinsic", rpc_params![hex.clone()]).await;
                    match r {
                        Ok(_) => break,
                        Err(jsonrpsee::core::ClientError::Call(e)) if e.code() == 1016 => {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                        Err(e) => {
                            submitted.lock().expect("lock").remove(&hash);
                            *errors.lock().expect("lock").entry(e.to_string()).or_default() += 1;
                            break;
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("submitter");
    }
    let submit_secs = start.elapsed().as_secs_f64();
    let ok = submitted.lock().expect("lock").len();
    let deadline = Instant::now() + Duration::from_secs(120);
    while included.lock().expect("lock").len() < ok && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tracker.abort();
    let load = common::loadavg();
    let mut inc = included.lock().expect("lock").clone();
    let last = inc.iter().map(|(at, _)| *at).max().unwrap_or(start);
    let mut lat: Vec<Duration> = inc.drain(..).map(|(_, d)| d).collect();
    lat.sort();
    let pct = |p: f64| lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)));
    let secs = last.duration_since(start).as_secs_f64();
    println!("conns {conns} × inflight {inflight}, accounts {accounts}");
    println!(
        "submitted ok {ok}/{total} in {submit_secs:.2}s ({:.0} tx/s accepted)",
        ok as f64 / submit_secs
    );
    println!("errors: {:?}", errors.lock().expect("lock"));
    println!(
        "included {} in {secs:.2}s → {:.0} tx/s sustained (first submit → last inclusion)",
        lat.len(),
        lat.len() as f64 / secs
    );
    println!(
        "submit→in-block latency: p50 {:?}, p99 {:?}, max {:?}",
        pct(0.50),
        pct(0.99),
        lat.last()
    );
    if let Some(pid) = pid {
        println!("node VmRSS: {} KiB", common::vm_rss_kib(&pid).unwrap_or(0));
    }
    println!("load average: {load}");
}
