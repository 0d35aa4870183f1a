//! Push many signed sr25519 transfers through the chain in-process (no RPC) — `Chain::submit`
//! then `Chain::produce_block`, on an on-disk sled store in a temp dir, pruning 256, as the node
//! runs — and print throughput and this process's VmRSS as it goes.
//!
//! `cargo run --release -p tao-node --example import_rss -- [TOTAL=1000000] [ACCOUNTS=1024]`
//!
//! Transfers are signed in batches of 8,192 just before submission (signing time is excluded
//! from the import rate but included in wall time), so the pre-signed set never inflates RSS.

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use tao_node::chain::{Chain, ChainConfig, Store};

const BATCH: usize = 8_192;

fn main() {
    let mut args = std::env::args().skip(1);
    let total: usize = args.next().map_or(1_000_000, |a| a.parse().expect("TOTAL"));
    let accounts: u32 = args.next().map_or(1024, |a| a.parse().expect("ACCOUNTS"));
    assert!(BATCH.is_multiple_of(accounts as usize), "ACCOUNTS must divide {BATCH}");
    let keys = common::keys(accounts);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path(), Some(256)).expect("store");
    let config = ChainConfig { pool_limit: BATCH, ..ChainConfig::default() };
    let chain = Chain::open(store, common::spec(&keys), config).expect("chain");
    let genesis = chain.genesis_hash();
    println!(
        "start: rss {} KiB, load {}",
        common::vm_rss_kib("self").unwrap_or(0),
        common::loadavg()
    );
    let wall = Instant::now();
    let mut import = Duration::ZERO;
    let mut done = 0usize;
    let mut next_report = 100_000;
    while done < total {
        let n = BATCH.min(total - done);
        let first_nonce = u32::try_from(done / accounts as usize).expect("nonce");
        let txs = common::transfers(genesis, &keys, first_nonce, n);
        let t = Instant::now();
        for x in txs {
            chain.submit(x).expect("admitted");
        }
        while !chain.pending().is_empty() {
            chain.produce_block().expect("block");
        }
        import += t.elapsed();
        done += n;
        if done >= next_report || done == total {
            next_report += 100_000;
            println!(
                "{done:>9} transfers, best #{}: import {:.0} tx/s (submit+produce), wall {:.1}s, rss {} KiB, load {}",
                chain.heads().best.number,
                done as f64 / import.as_secs_f64(),
                wall.elapsed().as_secs_f64(),
                common::vm_rss_kib("self").unwrap_or(0),
                common::loadavg(),
            );
        }
    }
}
