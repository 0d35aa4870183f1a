//! The relayer store at scale and across versions.

use crate::store_scale;

/// 100,000 finished transfers through the real sled store: a tick's store work stays flat
/// (it reads the open-item index, not the history), where the old full scan grew with it.
#[tokio::test(flavor = "multi_thread")]
async fn tick_cost_stays_flat_up_to_100k_transfers() {
    let dir = tempfile::tempdir().unwrap();
    let figures = store_scale::measure(dir.path(), &[1_000, 10_000, 100_000]).await;
    println!("{}", store_scale::table(&figures));
    let (small, big) = (figures[0], figures[2]);
    // Within 2× (plus 1 ms for a busy machine's scheduling noise on a sub-millisecond tick).
    assert!(
        big.tick <= small.tick * 2 + std::time::Duration::from_millis(1),
        "tick at 100k {:?} vs at 1k {:?}",
        big.tick,
        small.tick
    );
    assert!(big.full_scan > small.full_scan * 10, "the old scan grew with the history");
    drop(dir); // removes the ~100 MB store now, not at process exit
}
