//! Epochs inside block production, no RPC.
//!
//! Setup (not timed): a chain state with full synthetic subnets — 256 uids, 64 staked validators
//! weighting the other 192, bonds and permits from one earlier epoch
//! (`runtime::subtensor::fixtures`) — committed to a temporary sled store.
//!
//! * `one_full_subnet`: `begin_block` of the block at which one such subnet's epoch is due
//!   (coinbase, then the epoch: storage read through sled → `yuma::epoch` → outputs, bonds and
//!   stake written to the overlay), `finalize_block`, `into_changes`. No commit.
//! * `32_due_two_run`: the same with 32 such subnets due in one block: two epochs run
//!   (`MaxEpochsPerBlock` = 2), thirty are deferred to the next block.
//! * `no_epoch`: the same block one block earlier (coinbase only), for the baseline cost.
//! * `read_inputs` / `yuma_only`: the two first steps of one full-subnet epoch on their own
//!   (storage → `EpochInput` through sled; `yuma::epoch` on it); the rest of `one_full_subnet`
//!   is writing the outputs and staking the payouts.
//!
//! Run: `cargo bench -p tao-node --bench epoch` (release); the target is ≤ 50 ms for one
//! full-subnet epoch.

use std::collections::BTreeMap;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tao_node::chain::{StateView, Store};
use tao_node::primitives::{Block, Digest, H256, Header, extrinsics_root};
use tao_node::runtime::genesis::ChainSpec;
use tao_node::runtime::subtensor::fixtures::{FullSubnet, full_subnet};
use tao_node::runtime::subtensor::genesis::SubtensorSpec;
use tao_node::runtime::subtensor::{Event, NetUid, epoch};
use tao_node::runtime::{BlockContext, Ext, Runtime, RuntimeEvent};

const TEMPO: u16 = 100;
/// The block the fixtures' earlier epoch ran in.
const SETUP_BLOCK: u32 = 1_000;

/// A store holding the dev chain (root only) plus `subnets` full subnets, and its state view.
fn store_with(subnets: u16) -> (Store, StateView) {
    let mut spec = ChainSpec::dev();
    spec.genesis.subtensor = SubtensorSpec { root: true, ..SubtensorSpec::default() };
    let genesis = spec.build_state().expect("genesis");
    let rt = Runtime { genesis_hash: H256::default() };
    let mut ext = Ext::new(&genesis);
    let ctx = BlockContext { number: SETUP_BLOCK, parent_hash: H256::default(), timestamp_ms: 0 };
    rt.initialize_block(&mut ext, &ctx);
    for i in 0..subnets {
        let spec = FullSubnet { netuid: NetUid(1 + i), n: 256, validators: 64, tempo: TEMPO };
        full_subnet(&mut ext, spec, u64::from(SETUP_BLOCK));
    }
    let changes = ext.overlay.into_changes();
    let mut state: BTreeMap<Vec<u8>, Option<Vec<u8>>> =
        genesis.into_iter().map(|(k, v)| (k, Some(v))).collect();
    state.extend(changes);
    let store = Store::temporary(Some(256)).expect("store");
    let block = Block {
        header: Header {
            parent_hash: H256::default(),
            number: 0,
            state_root: Store::state_root(&H256::default(), &state),
            extrinsics_root: extrinsics_root(&[]),
            digest: Digest::default(),
        },
        extrinsics: vec![],
    };
    store.commit(&block, &state).expect("commit");
    let view = store.state_at(0, 0).expect("view");
    (store, view)
}

/// One block's runtime work at `number` over `view`; returns how many epochs ran.
fn block(view: &StateView, number: u32) -> usize {
    let rt = Runtime { genesis_hash: H256::default() };
    let mut ext = Ext::new(view);
    let ctx = BlockContext { number, parent_hash: H256::default(), timestamp_ms: 0 };
    rt.begin_block(&mut ext, &ctx);
    rt.finalize_block(&mut ext);
    assert!(ext.overlay.fatal().is_none());
    let epochs = ext
        .events()
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                RuntimeEvent::SubtensorModule(Event::IncentiveAlphaEmittedToMiners { .. })
            )
        })
        .count();
    let changes = ext.overlay.into_changes();
    assert!(!changes.is_empty());
    epochs
}

fn epochs(c: &mut Criterion) {
    let due = SETUP_BLOCK + u32::from(TEMPO);
    let mut g = c.benchmark_group("epoch");
    g.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));

    let (_one, view) = store_with(1);
    assert_eq!(block(&view, due), 1);
    assert_eq!(block(&view, due - 1), 0);
    g.bench_function("one_full_subnet", |b| b.iter(|| block(&view, due)));
    g.bench_function("no_epoch", |b| b.iter(|| block(&view, due - 1)));
    let read = || {
        let rt = Runtime { genesis_hash: H256::default() };
        let mut ext = Ext::new(&view);
        let ctx = BlockContext { number: due, parent_hash: H256::default(), timestamp_ms: 0 };
        rt.initialize_block(&mut ext, &ctx);
        epoch::input(&mut ext, NetUid(1), 1_000_000_000)
    };
    let input = read();
    assert_eq!((input.n, input.weights.iter().filter(|r| !r.is_empty()).count()), (256, 64));
    g.bench_function("read_inputs", |b| b.iter(read));
    g.bench_function("yuma_only", |b| b.iter(|| yuma::epoch(&input)));

    let (_many, view) = store_with(32);
    assert_eq!(block(&view, due), 2, "two run, thirty deferred");
    g.bench_function("32_due_two_run", |b| b.iter(|| block(&view, due)));
    g.finish();
}

criterion_group!(benches, epochs);
criterion_main!(benches);
