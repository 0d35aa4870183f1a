//! What a relayer's tick costs as its history grows: N finished transfers (half lock→mint
//! batches, half burn→release) written through the real sled store, a constant set of open
//! items, and the time of one tick's store work — every stage's open-item scan (due items,
//! depth, the failed list, the open batches' records) — at each size, beside what the old
//! full scan of every batch and burn cost. Also the store's size on disk.
//!
//! ```text
//! cargo run -p wtao-relayer --example store_scale            # 1k, 10k, 100k transfers
//! cargo run -p wtao-relayer --example store_scale -- 1000000  # or any sizes, ascending
//! ```
//!
//! The integration test `store_scale` runs the same code and asserts the tick stays flat.

#![allow(missing_docs, dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use alloy::primitives::{Address, B256, Bytes, U256};
use wtao_relayer::pipeline::queue;
use wtao_relayer::store::{
    Attempt, Batch, Burn, BurnStatus, Change, Kind, MintRecord, MintStatus, Stage, Store,
};

/// Open items per stage: what a busy relayer has in flight at any time.
pub const OPEN: u64 = 50;
/// Records per commit while filling.
const CHUNK: u64 = 2_000;
/// Ticks timed per size (the median is reported).
const TICKS: usize = 101;

/// One size's figures.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    /// Finished transfers in the store.
    pub transfers: u64,
    /// Median time of one tick's store work.
    pub tick: Duration,
    /// One full scan of every batch and burn (what the minter and EVM poll did per tick).
    pub full_scan: Duration,
    /// The store's size on disk (bytes).
    pub bytes: u64,
}

fn batch(block: u64, status: MintStatus) -> Batch {
    let mut signatures = BTreeMap::new();
    signatures.insert(Address::repeat_byte(7), Bytes::from(vec![1; 65]));
    signatures.insert(Address::repeat_byte(8), Bytes::from(vec![2; 65]));
    Batch {
        block,
        mints: vec![MintRecord {
            nonce: block,
            tao_sender: B256::repeat_byte(1),
            recipient: Address::repeat_byte(2),
            amount: 1_000_000_000,
        }],
        digest: B256::repeat_byte(3),
        own_signature: Bytes::from(vec![4; 65]),
        attested: true,
        attest_error: None,
        signatures,
        seen_at_ms: 1,
        ready_at_ms: Some(2),
        status,
    }
}

fn burn(nonce: u64, status: BurnStatus) -> Burn {
    Burn {
        nonce,
        from: Address::repeat_byte(5),
        tao_recipient: B256::repeat_byte(6),
        amount: U256::from(1_000_000_000u64),
        block: nonce,
        block_hash: B256::repeat_byte(9),
        tx: Some(B256::repeat_byte(10)),
        log_index: Some(0),
        seen_at_ms: 1,
        status,
    }
}

/// Ids of the open items: above any finished one.
const OPEN_BASE: u64 = 1 << 40;

async fn add_open(store: &Store) {
    let mut c = Change::new();
    for i in 0..OPEN {
        let id = OPEN_BASE + i;
        let mut b = batch(id, MintStatus::Pending);
        b.attested = false;
        let mut a = Attempt::new(1);
        if i % 5 == 0 {
            // Some parked, as in life.
            a = Attempt {
                attempts: 3,
                next_at_ms: u64::MAX,
                last_error: Some("rpc".into()),
                since_ms: 1,
            };
        }
        c.batch(&b).enqueue(Stage::Attest, id, &a).enqueue(Stage::Mint, id, &a);
        c.burn(&burn(id, BurnStatus::Pending)).enqueue(Stage::Approve, id, &a);
    }
    store.commit(c).await.unwrap();
}

/// Finished transfers `from..to` (even: a minted batch, odd: an approved burn).
async fn add_finished(store: &Store, from: u64, to: u64) {
    let mut n = from;
    while n < to {
        let end = (n + CHUNK).min(to);
        let mut c = Change::new();
        for i in n..end {
            if i % 2 == 0 {
                c.batch(&batch(i, MintStatus::Minted { tx: Some(B256::repeat_byte(11)) }));
                c.finished(Kind::Batch, i, 1_000 + i, false);
            } else {
                c.burn(&burn(i, BurnStatus::Approved { released: true }));
                c.finished(Kind::Burn, i, 1_000 + i, false);
            }
        }
        store.commit(c).await.unwrap();
        n = end;
    }
}

/// One tick's store work, as the three stage tasks do it.
fn tick(store: &Store) -> usize {
    let now = 1_000_000;
    let mut seen = 0;
    for stage in Stage::ALL {
        seen += queue::due(store, stage, now).unwrap().len();
        seen += queue::depth(store, stage, now).unwrap().open;
    }
    for (block, _) in store.open_items(Stage::Mint).unwrap() {
        seen += store.batch(block).unwrap().map_or(0, |b| b.mints.len());
    }
    seen + store.failed().unwrap().len()
}

fn median_tick(store: &Store) -> Duration {
    let mut times: Vec<Duration> = (0..TICKS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(tick(store));
            t.elapsed()
        })
        .collect();
    times.sort();
    times[TICKS / 2]
}

/// Fill a store in `dir` up to each of `sizes` (ascending) and measure at each.
pub async fn measure(dir: &Path, sizes: &[u64]) -> Vec<Figures> {
    let store = Store::open(dir).unwrap();
    add_open(&store).await;
    let expected = tick(&store);
    let mut have = 0;
    let mut out = Vec::new();
    for &size in sizes {
        add_finished(&store, have, size).await;
        have = size;
        store.commit(Change::new()).await.unwrap();
        assert_eq!(tick(&store), expected, "the tick sees the open items only");
        let tick = median_tick(&store);
        let t = Instant::now();
        let all = store.batches().unwrap().len() + store.burns().unwrap().len();
        let full_scan = t.elapsed();
        assert_eq!(all as u64, size + 2 * OPEN);
        out.push(Figures {
            transfers: size,
            tick,
            full_scan,
            bytes: store.size_on_disk().unwrap(),
        });
    }
    out
}

/// The table this prints.
pub fn table(figures: &[Figures]) -> String {
    let mut s =
        String::from("finished transfers  tick (open-item index)  old full scan  store on disk\n");
    for f in figures {
        s.push_str(&format!(
            "{:>18}  {:>20.1?}  {:>13.1?}  {:>9.1} MiB\n",
            f.transfers,
            f.tick,
            f.full_scan,
            f.bytes as f64 / (1024.0 * 1024.0)
        ));
    }
    s
}

#[tokio::main]
async fn main() {
    let sizes: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![1_000, 10_000, 100_000] } else { sizes };
    let dir = tempfile::tempdir().unwrap();
    let figures = measure(dir.path(), &sizes).await;
    println!("{OPEN} open items per stage ({} parked)", OPEN / 5);
    print!("{}", table(&figures));
}
