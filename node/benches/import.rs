//! Import throughput of signed sr25519 balance transfers, no RPC.
//!
//! Setup (not timed): 512 funded bench accounts in genesis; 4,096 `transfer_keep_alive`s signed
//! up front (distinct senders round-robin, 8 sequential nonces each, each to another account).
//!
//! * `runtime_apply`: one `Ext` over the genesis state (a temporary in-memory sled store):
//!   initialize → `apply_extrinsic` × 4,096 (decode, signature verification, era/nonce/fee
//!   checks, fee charge, dispatch, events) → finalize → `into_changes`. No commit.
//! * `produce_blocks`: the chain path: the 4,096 are already in the pool (submitted in setup),
//!   and `Chain::produce_block` builds, commits (state diff + block in one sled batch, flushed)
//!   and announces blocks of ≤ 1,024 until the pool is empty.
//! * `submit_and_produce`: as above but `Chain::submit` (pool admission, which verifies the
//!   signature once more) is timed too: what a node spends per RPC-submitted transfer, minus RPC.
//!
//! Run: `cargo bench -p tao-node --bench import`; tx/s is criterion's "thrpt" (elements/s).

#[path = "../examples/common/mod.rs"]
mod common;

use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tao_node::chain::{Chain, ChainConfig, Store};
use tao_node::runtime::{BlockContext, Ext};

const ACCOUNTS: u32 = 512;
const TXS: usize = 4_096;

fn import(c: &mut Criterion) {
    let keys = common::keys(ACCOUNTS);
    let spec = common::spec(&keys);
    let open = || {
        Chain::open(
            Store::temporary(Some(256)).expect("store"),
            spec.clone(),
            ChainConfig { pool_limit: TXS, ..ChainConfig::default() },
        )
        .expect("chain")
    };
    let chain = open();
    let genesis = chain.genesis_hash();
    let txs = common::transfers(genesis, &keys, 0, TXS);

    let mut g = c.benchmark_group("import");
    g.throughput(Throughput::Elements(TXS as u64));
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));

    g.bench_function("runtime_apply", |b| {
        let view = chain.state(None).expect("state").expect("genesis state");
        b.iter(|| {
            let mut ext = Ext::new(&view);
            let ctx = BlockContext { number: 1, parent_hash: genesis, timestamp_ms: 1 };
            chain.runtime.initialize_block(&mut ext, &ctx);
            for (i, x) in txs.iter().enumerate() {
                let out = chain.runtime.apply_extrinsic(&mut ext, x, i as u32).expect("valid");
                assert!(out.result.is_ok());
            }
            chain.runtime.finalize_block(&mut ext);
            ext.overlay.into_changes()
        })
    });

    g.bench_function("produce_blocks", |b| {
        b.iter_batched(
            || {
                let chain = open();
                for x in &txs {
                    chain.submit(x.clone()).expect("admitted");
                }
                chain
            },
            |chain| {
                let mut n = 0;
                while !chain.pending().is_empty() {
                    n += chain.produce_block().expect("block").number;
                }
                assert!(n > 0);
                chain
            },
            BatchSize::PerIteration,
        )
    });

    g.bench_function("submit_and_produce", |b| {
        b.iter_batched(
            open,
            |chain| {
                for x in &txs {
                    chain.submit(x.clone()).expect("admitted");
                }
                while !chain.pending().is_empty() {
                    chain.produce_block().expect("block");
                }
                chain
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
