//! Bridge benchmark: TRANSFERS locks on tao-node → wTAO minted on anvil through three real
//! relayer processes (threshold 2), on the devnet settings (1 s TAO blocks, 1 s anvil blocks,
//! 1 confirmation).
//!
//! ```text
//! cargo run -p wtao-e2e --release --example bridge_bench -- [TRANSFERS=1000] [SUBMITTERS=20]
//! ```
//!
//! SUBMITTERS fresh TAO accounts are funded first (tao-node's pool holds at most 64 future
//! nonces per account, so one account cannot queue 1,000 locks); then every account sends its
//! share of the locks at once, each with its own nonce sequence, every lock to its own fresh
//! Ethereum address (the dearer case for the mint). A lock's latency
//! runs from the moment tao-node accepted it into the pool to the moment the `BatchMinted` log
//! holding its nonce was seen on anvil (polled every 50 ms). Prints p50/p99/max latency, the
//! end-to-end rate (first submit → last mint), the sustained mint rate (first → last minted
//! batch), and the gas of every mint transaction actually submitted, per transfer.

#![allow(clippy::print_stdout, clippy::expect_used, clippy::cast_precision_loss)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::Address;
use alloy::providers::Provider;
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use futures::StreamExt;
use tao_client::api::bridge::Event as BridgeEvent;
use tao_client::{Keypair, Rao, dev};
use wtao_e2e::{ITaoBridge, Net, NetConfig};

/// 0.01 TAO in rao: small, so 1,000 of them stay far inside the mint rate limit.
const AMOUNT: u64 = 10_000_000;

fn recipient(i: usize) -> Address {
    let mut a = [0u8; 20];
    a[0] = 0xbe;
    a[12..].copy_from_slice(&(i as u64 + 1).to_be_bytes());
    Address::from(a)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> eyre::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().expect("a number")).collect();
    let transfers = args.first().copied().unwrap_or(1_000);
    let submitters = args.get(1).copied().unwrap_or(20).clamp(1, 200);
    eprintln!("starting anvil, tao-node and 3 relayers …");
    let net = Net::start(NetConfig { relayer_log: "info", ..NetConfig::default() }).await?;
    eprintln!("network up; bridge {}", net.bridge);

    // Locked events → nonce ↔ transfer index (by recipient), from the finalized stream.
    let start_block = net.tao.subxt().at_current_block().await?.block_number();
    let nonce_of: Arc<Mutex<HashMap<u64, usize>>> = Arc::default();
    let by_recipient: HashMap<Address, usize> = (0..transfers).map(|i| (recipient(i), i)).collect();
    {
        let nonce_of = nonce_of.clone();
        let mut blocks = net.tao.finalized_blocks_from(start_block).await?;
        tokio::spawn(async move {
            while let Some(Ok(b)) = blocks.next().await {
                for ev in b.events {
                    if let BridgeEvent::Locked { nonce, eth_recipient, .. } = ev
                        && let Some(i) = by_recipient.get(&Address::from(eth_recipient.0))
                    {
                        nonce_of.lock().expect("lock").insert(nonce, *i);
                    }
                }
            }
        });
    }

    let keys: Vec<Keypair> = (0..submitters)
        .map(|k| wtao_relayer::keys::parse_suri(&format!("//bench/{k}")))
        .collect::<Result<_, _>>()?;
    let per_account = transfers.div_ceil(submitters) as u64;
    eyre::ensure!(per_account <= 64, "use at least {} submitters", transfers.div_ceil(64));
    let funders = [dev::alice(), dev::eve(), dev::ferdie()];
    let fund = Rao(per_account * AMOUNT + 1_000_000_000);
    let mut funding = Vec::new();
    for (f, funder) in funders.iter().enumerate() {
        let tao = net.tao.clone();
        let funder = funder.clone();
        let dests: Vec<_> = keys
            .iter()
            .skip(f)
            .step_by(funders.len())
            .map(|k| k.public_key().to_account_id())
            .collect();
        funding.push(tokio::spawn(async move {
            for d in dests {
                tao.transfer(&funder, d, fund).await?;
            }
            eyre::Ok(())
        }));
    }
    for f in funding {
        f.await??;
    }
    eprintln!("{submitters} submitter accounts funded with {} rao each", fund.0);
    let submitted: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; transfers]));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for (k, key) in keys.into_iter().enumerate() {
        let tao = net.tao.clone();
        let submitted = submitted.clone();
        tasks.push(tokio::spawn(async move {
            let mut nonce = tao.account_nonce(&key.public_key().to_account_id()).await?;
            for i in (k..transfers).step_by(submitters) {
                tao.submit_lock(&key, Rao(AMOUNT), recipient(i), nonce)
                    .await
                    .map_err(|e| eyre::eyre!("lock {i} (account {k}, nonce {nonce}): {e}"))?;
                submitted.lock().expect("lock")[i] = Some(Instant::now());
                nonce += 1;
            }
            eyre::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let submit_secs = t0.elapsed().as_secs_f64();
    eprintln!("{transfers} locks submitted in {submit_secs:.2} s");

    // Follow BatchMinted on anvil.
    let mut latencies = Vec::with_capacity(transfers);
    let mut minted = 0usize;
    let mut first_mint: Option<Instant> = None;
    let mut last_mint = t0;
    let mut gas: Vec<(u64, u64)> = Vec::new(); // (gas used, transfers) per mint transaction
    let mut from_block = net.eth.get_block_number().await?;
    let deadline = Instant::now() + Duration::from_secs(300);
    while minted < transfers {
        eyre::ensure!(
            Instant::now() < deadline,
            "only {minted} of {transfers} minted after 300 s\n{}",
            net.logs()
        );
        let head = net.eth.get_block_number().await?;
        if head >= from_block {
            let filter = Filter::new()
                .address(net.bridge)
                .event_signature(ITaoBridge::BatchMinted::SIGNATURE_HASH)
                .from_block(from_block)
                .to_block(head);
            let logs = net.eth.get_logs(&filter).await?;
            let now = Instant::now();
            for log in logs {
                let ev = ITaoBridge::BatchMinted::decode_log_data(log.data())?;
                let count = usize::try_from(ev.count)?;
                let nonces = nonce_of.lock().expect("lock").clone();
                let sub = submitted.lock().expect("lock").clone();
                for nonce in ev.firstNonce..=ev.lastNonce {
                    if let Some(at) = nonces.get(&nonce).and_then(|i| sub[*i]) {
                        latencies.push(now - at);
                    }
                }
                minted += count;
                first_mint.get_or_insert(now);
                last_mint = now;
                if let Some(tx) = log.transaction_hash
                    && let Some(r) = net.eth.get_transaction_receipt(tx).await?
                {
                    gas.push((r.gas_used, count as u64));
                }
                eprintln!("  batch of {count} minted ({minted}/{transfers})");
            }
            from_block = head + 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    latencies.sort_unstable();
    let e2e = (last_mint - t0).as_secs_f64();
    let sustained = first_mint.map_or(0.0, |f| (last_mint - f).as_secs_f64());
    println!("transfers: {transfers} (from {submitters} TAO accounts, {} rao each)", AMOUNT);
    println!("locks submitted in {submit_secs:.2} s");
    println!(
        "lock→mint latency: p50 {:.2} s, p99 {:.2} s, max {:.2} s ({} measured)",
        percentile(&latencies, 0.50).as_secs_f64(),
        percentile(&latencies, 0.99).as_secs_f64(),
        latencies.last().map_or(0.0, Duration::as_secs_f64),
        latencies.len()
    );
    println!(
        "end to end: {:.1} transfers/s (first submit → last mint, {e2e:.2} s)",
        transfers as f64 / e2e
    );
    if sustained > 0.0 {
        println!(
            "sustained mint rate: {:.1} transfers/s (first → last minted batch, {sustained:.2} s)",
            (transfers - gas.first().map_or(0, |g| g.1 as usize)) as f64 / sustained
        );
    }
    for (used, n) in &gas {
        println!("mint tx: {n} transfers, {used} gas, {} gas/transfer", used / n.max(&1));
    }
    let (g, n) = gas.iter().fold((0u64, 0u64), |(g, n), (a, b)| (g + a, n + b));
    println!("gas per transfer over all mint txs: {} gas ({} txs)", g / n.max(1), gas.len());
    Ok(())
}
