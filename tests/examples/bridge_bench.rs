//! Bridge benchmark: a sustained stream of locks on tao-node → wTAO minted on anvil through
//! three real relayer processes (threshold 2), with the latency of every transfer and where it
//! went.
//!
//! ```text
//! cargo build --release -p wtao-e2e -p tao-node -p wtao-relayer \
//!     --bin tao-node --bin wtao-relayer --example bridge_bench
//! TAO_NODE_BIN=$CARGO_TARGET_DIR/release/tao-node \
//! WTAO_E2E_RELAYER_BIN=$CARGO_TARGET_DIR/release/wtao-relayer \
//!     $CARGO_TARGET_DIR/release/examples/bridge_bench \
//!     [--transfers 10000] [--rate 500] [--submitters 40] [--tao-block-time 250ms] \
//!     [--anvil-block-time-ms 250] [--poll-ms 100] [--json]
//! ```
//!
//! Without the two variables the binaries are built in the bench's own profile (see
//! `tao_node::test_utils::build_binary`).
//!
//! SUBMITTERS fresh TAO accounts are funded first; then lock `i` is due at `i / RATE` seconds
//! after the start and is sent by account `i mod SUBMITTERS` with that account's next nonce
//! (tao-node's pool holds at most 64 nonces ahead per account), each lock to its own fresh
//! Ethereum address (the dearer case for the mint). A transfer's latency runs from the moment
//! tao-node accepted the lock into its pool to the moment the bench saw the `BatchMinted` log
//! holding its nonce on anvil (polled every 50 ms); it is split at the moment the bench saw the
//! lock in a finalized TAO block. Prints (or, with `--json`, writes one JSON object) p50/p99/max
//! latency, the offered and achieved rates, and the gas of every mint transaction per transfer.

#![allow(
    clippy::print_stdout,
    clippy::expect_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::Address;
use alloy::providers::Provider;
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use futures::StreamExt;
use serde_json::json;
use tao_client::api::bridge::Event as BridgeEvent;
use tao_client::{Keypair, Rao, dev};
use wtao_e2e::{ITaoBridge, Net, NetConfig};

/// 0.01 TAO in rao: small, so 10,000 of them stay far inside the mint rate limit.
const AMOUNT: u64 = 10_000_000;

/// The bench's settings (`--name value` flags).
#[derive(Debug)]
struct Args {
    transfers: usize,
    rate: f64,
    submitters: usize,
    tao_block_time: String,
    anvil_block_time: Duration,
    poll: Duration,
    json: bool,
}

impl Args {
    fn parse() -> eyre::Result<Self> {
        let mut a = Self {
            transfers: 10_000,
            rate: 500.0,
            submitters: 40,
            tao_block_time: "250ms".into(),
            anvil_block_time: Duration::from_millis(250),
            poll: Duration::from_millis(100),
            json: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            if flag == "--json" {
                a.json = true;
                continue;
            }
            let value = it.next().ok_or_else(|| eyre::eyre!("{flag} needs a value"))?;
            let bad = |e: &dyn std::fmt::Display| eyre::eyre!("{flag} {value}: {e}");
            match flag.as_str() {
                "--transfers" => a.transfers = value.parse().map_err(|e| bad(&e))?,
                "--rate" => a.rate = value.parse().map_err(|e| bad(&e))?,
                "--submitters" => a.submitters = value.parse().map_err(|e| bad(&e))?,
                "--tao-block-time" => a.tao_block_time = value,
                "--anvil-block-time-ms" => {
                    a.anvil_block_time = Duration::from_millis(value.parse().map_err(|e| bad(&e))?);
                }
                "--poll-ms" => a.poll = Duration::from_millis(value.parse().map_err(|e| bad(&e))?),
                other => eyre::bail!(
                    "unknown flag {other}; flags: --transfers N --rate PER_S --submitters N \
                     --tao-block-time 250ms --anvil-block-time-ms 250 --poll-ms 100 --json"
                ),
            }
        }
        eyre::ensure!(a.transfers > 0 && a.rate > 0.0, "--transfers and --rate must be positive");
        a.submitters = a.submitters.clamp(1, 500);
        Ok(a)
    }
}

fn recipient(i: usize) -> Address {
    let mut a = [0u8; 20];
    a[0] = 0xbe;
    a[12..].copy_from_slice(&(i as u64 + 1).to_be_bytes());
    Address::from(a)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)].as_secs_f64()
}

fn stats(mut v: Vec<Duration>) -> serde_json::Value {
    v.sort_unstable();
    json!({
        "p50_s": percentile(&v, 0.50),
        "p99_s": percentile(&v, 0.99),
        "max_s": v.last().map_or(0.0, Duration::as_secs_f64),
        "n": v.len(),
    })
}

/// Per transfer: when the pool took it, when its lock was seen finalized, when it was minted.
#[derive(Clone, Copy, Default)]
struct Times {
    submitted: Option<Instant>,
    finalized: Option<Instant>,
    minted: Option<Instant>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> eyre::Result<()> {
    let args = Args::parse()?;
    let (transfers, submitters) = (args.transfers, args.submitters);
    eprintln!("starting anvil, tao-node and 3 relayers ({args:?}) …");
    let mut net = Net::start(NetConfig {
        relayer_log: "info".into(),
        tao_block_time: args.tao_block_time.clone(),
        anvil_block_time: args.anvil_block_time,
        poll_interval: args.poll,
        ..NetConfig::default()
    })
    .await?;
    eprintln!("network up; bridge {}", net.bridge);

    // Locked events → nonce ↔ transfer index (by recipient), from the finalized stream.
    let times: Arc<Mutex<Vec<Times>>> = Arc::new(Mutex::new(vec![Times::default(); transfers]));
    let start_block = net.tao.subxt().at_current_block().await?.block_number();
    let nonce_of: Arc<Mutex<HashMap<u64, usize>>> = Arc::default();
    let by_recipient: HashMap<Address, usize> = (0..transfers).map(|i| (recipient(i), i)).collect();
    {
        let (nonce_of, times) = (nonce_of.clone(), times.clone());
        let mut blocks = net.tao.finalized_blocks_from(start_block).await?;
        tokio::spawn(async move {
            while let Some(Ok(b)) = blocks.next().await {
                let now = Instant::now();
                for ev in b.events {
                    if let BridgeEvent::Locked { nonce, eth_recipient, .. } = ev
                        && let Some(i) = by_recipient.get(&Address::from(eth_recipient.0))
                    {
                        nonce_of.lock().expect("lock").insert(nonce, *i);
                        times.lock().expect("lock")[*i].finalized = Some(now);
                    }
                }
            }
        });
    }

    let keys: Vec<Keypair> = (0..submitters)
        .map(|k| wtao_relayer::keys::parse_suri(&format!("//bench/{k}")))
        .collect::<Result<_, _>>()?;
    let per_account = transfers.div_ceil(submitters) as u64;
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

    // Follow BatchMinted on anvil from here on.
    let mut from_block = net.eth.get_block_number().await?;
    let t0 = tokio::time::Instant::now() + Duration::from_millis(200);
    let mut tasks = Vec::new();
    for (k, key) in keys.into_iter().enumerate() {
        let tao = net.tao.clone();
        let times = times.clone();
        let rate = args.rate;
        tasks.push(tokio::spawn(async move {
            let mut nonce = tao.account_nonce(&key.public_key().to_account_id()).await?;
            for i in (k..transfers).step_by(submitters) {
                tokio::time::sleep_until(t0 + Duration::from_secs_f64(i as f64 / rate)).await;
                tao.submit_lock(&key, Rao(AMOUNT), recipient(i), nonce)
                    .await
                    .map_err(|e| eyre::eyre!("lock {i} (account {k}, nonce {nonce}): {e}"))?;
                times.lock().expect("lock")[i].submitted = Some(Instant::now());
                nonce += 1;
            }
            eyre::Ok(())
        }));
    }
    let t0 = t0.into_std();
    let submitting = tokio::spawn(async move {
        for t in tasks {
            t.await??;
        }
        eyre::Ok(t0.elapsed())
    });

    let mut minted = 0usize;
    let mut first_mint: Option<(Instant, usize)> = None;
    let mut last_mint = t0;
    let mut gas: Vec<(u64, u64, u64)> = Vec::new(); // (EVM block, gas used, transfers) per mint tx
    let deadline = Instant::now()
        + Duration::from_secs_f64(transfers as f64 / args.rate)
        + Duration::from_secs(300);
    while minted < transfers {
        if Instant::now() >= deadline {
            eyre::bail!("only {minted} of {transfers} minted in time\n{}", net.logs());
        }
        if submitting.is_finished() && minted == 0 && t0.elapsed() > Duration::from_secs(120) {
            eyre::bail!("nothing minted after 120 s\n{}", net.logs());
        }
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
                {
                    let nonces = nonce_of.lock().expect("lock");
                    let mut t = times.lock().expect("lock");
                    for nonce in ev.firstNonce..=ev.lastNonce {
                        if let Some(i) = nonces.get(&nonce) {
                            t[*i].minted = Some(now);
                        }
                    }
                }
                minted += count;
                first_mint.get_or_insert((now, count));
                last_mint = now;
                if let Some(tx) = log.transaction_hash
                    && let Some(r) = net.eth.get_transaction_receipt(tx).await?
                {
                    gas.push((log.block_number.unwrap_or_default(), r.gas_used, count as u64));
                }
                if !args.json {
                    eprintln!("  batch of {count} minted ({minted}/{transfers})");
                }
            }
            from_block = head + 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let submit_wall = submitting.await??;

    // Where the time went.
    let times = times.lock().expect("lock").clone();
    let span = |a: fn(&Times) -> Option<Instant>, b: fn(&Times) -> Option<Instant>| {
        times
            .iter()
            .filter_map(|t| Some(b(t)?.saturating_duration_since(a(t)?)))
            .collect::<Vec<_>>()
    };
    let total = span(|t| t.submitted, |t| t.minted);
    let to_final = span(|t| t.submitted, |t| t.finalized);
    let to_mint = span(|t| t.finalized, |t| t.minted);
    let e2e = (last_mint - t0).as_secs_f64();
    let sustained =
        first_mint.map(|(f, n)| ((transfers - n) as f64, (last_mint - f).as_secs_f64()));
    let mut per_block: BTreeMap<u64, u64> = BTreeMap::new();
    for (b, _, _) in &gas {
        *per_block.entry(*b).or_default() += 1;
    }
    let (g, n) = gas.iter().fold((0u64, 0u64), |(g, n), (_, a, b)| (g + a, n + b));
    let report = json!({
        "transfers": transfers,
        "submitters": submitters,
        "amount_rao": AMOUNT,
        "tao_block_time": args.tao_block_time,
        "anvil_block_time_ms": args.anvil_block_time.as_millis() as u64,
        "relayer_poll_ms": args.poll.as_millis() as u64,
        "offered_rate_per_s": args.rate,
        "submit_wall_s": submit_wall.as_secs_f64(),
        "achieved_submit_rate_per_s": transfers as f64 / submit_wall.as_secs_f64(),
        "end_to_end_s": e2e,
        "end_to_end_rate_per_s": transfers as f64 / e2e,
        "sustained_mint_rate_per_s": sustained.map(|(n, s)| if s > 0.0 { n / s } else { 0.0 }),
        "lock_to_mint": stats(total),
        "lock_to_finalized": stats(to_final),
        "finalized_to_mint": stats(to_mint),
        "mint_txs": gas.len(),
        "max_mint_txs_per_evm_block": per_block.values().max().copied().unwrap_or(0),
        "gas_per_transfer": g / n.max(1),
        "locks_per_mint_tx": n as f64 / gas.len().max(1) as f64,
    });
    // Every lock minted exactly once, supply ≤ custody throughout (the e2e audit).
    let audit = net.finish().await?;
    eprintln!("invariants: {audit}");
    if args.json {
        println!("{report}");
        return Ok(());
    }
    let r = |path: &str| report.pointer(path).cloned().unwrap_or_default();
    println!(
        "transfers: {transfers} from {submitters} TAO accounts, {AMOUNT} rao each, offered at {} /s",
        args.rate
    );
    println!(
        "blocks: TAO {}, anvil {} ms; relayer poll {} ms",
        args.tao_block_time,
        args.anvil_block_time.as_millis(),
        args.poll.as_millis()
    );
    println!(
        "locks submitted in {:.2} s ({:.1} /s)",
        submit_wall.as_secs_f64(),
        transfers as f64 / submit_wall.as_secs_f64()
    );
    for (name, key) in [
        ("lock→mint", "/lock_to_mint"),
        ("  lock→finalized on TAO", "/lock_to_finalized"),
        ("  finalized→minted on EVM", "/finalized_to_mint"),
    ] {
        println!(
            "{name}: p50 {:.2} s, p99 {:.2} s, max {:.2} s ({} measured)",
            r(&format!("{key}/p50_s")).as_f64().unwrap_or_default(),
            r(&format!("{key}/p99_s")).as_f64().unwrap_or_default(),
            r(&format!("{key}/max_s")).as_f64().unwrap_or_default(),
            r(&format!("{key}/n"))
        );
    }
    println!(
        "end to end: {:.1} transfers/s (first submit → last mint, {e2e:.2} s)",
        transfers as f64 / e2e
    );
    if let Some((n, s)) = sustained
        && s > 0.0
    {
        println!(
            "sustained mint rate: {:.1} transfers/s (first → last minted batch, {s:.2} s)",
            n / s
        );
    }
    println!(
        "gas per transfer: {} gas over {} mint txs ({:.1} transfers per tx, up to {} txs per EVM block)",
        g / n.max(1),
        gas.len(),
        n as f64 / gas.len().max(1) as f64,
        per_block.values().max().copied().unwrap_or(0)
    );
    Ok(())
}
