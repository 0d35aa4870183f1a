//! TAO→ETH, the attest stage: post our signature of a batch on tao-node, where the other
//! relayers (and anyone who submits the mint) collect the signatures. The mint stage is
//! [`super::mint`].

use tracing::{debug, error};

use super::classify::{self, TaoRefusal};
use super::{Ctx, Outcome, TaoChain};
use crate::error::RelayerError;
use crate::store::Change;

/// Tracing target of the stage.
pub const TARGET: &str = "relayer::sign";

/// One attempt at attesting the batch of TAO block `block`.
pub async fn attest<C: TaoChain>(chain: &C, ctx: Ctx<'_>, block: u64) -> Outcome {
    attest_inner(chain, ctx, block).await.unwrap_or_else(|e| Outcome::Retry(e.to_string()))
}

async fn attest_inner<C: TaoChain>(
    chain: &C,
    ctx: Ctx<'_>,
    block: u64,
) -> Result<Outcome, RelayerError> {
    let Some(batch) = ctx.store.batch(block)? else { return Ok(Outcome::Done) };
    if batch.attested {
        return Ok(batch.attest_error.map_or(Outcome::Done, Outcome::Failed));
    }
    let Ok(block32) = u32::try_from(block) else {
        return finish(ctx, block, Some(format!("TAO block {block} exceeds u32"))).await;
    };
    let refusal = match chain.attest(block32, &batch.own_signature).await {
        Ok(()) => {
            crate::crash::point("attested");
            ctx.metrics.attestations_posted.inc();
            debug!(target: TARGET, block, "attested");
            None
        }
        Err(e) => match classify::tao(&e) {
            TaoRefusal::AlreadyDone { .. } => None,
            TaoRefusal::Permanent(reason) => Some(reason),
            TaoRefusal::Conflict | TaoRefusal::Transient => {
                return Ok(Outcome::Retry(e.to_string()));
            }
        },
    };
    finish(ctx, block, refusal).await
}

/// Record that our attestation is on tao-node, or that tao-node refused it for good.
async fn finish(
    ctx: Ctx<'_>,
    block: u64,
    refusal: Option<String>,
) -> Result<Outcome, RelayerError> {
    let _w = ctx.write.lock().await;
    let Some(mut batch) = ctx.store.batch(block)? else { return Ok(Outcome::Done) };
    batch.attested = true;
    batch.attest_error = refusal.clone();
    let mut c = Change::new();
    c.batch(&batch);
    ctx.store.commit(c).await?;
    Ok(match refusal {
        None => Outcome::Done,
        Some(reason) => {
            error!(target: TARGET, block, %reason, "tao-node refused our attestation for good");
            Outcome::Failed(reason)
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, VecDeque};
    use std::sync::Mutex as SyncMutex;

    use tao_client::{AccountId32, BridgeError, Rao, ReleaseOutcome, TaoClientError};
    use tokio::sync::Mutex;

    use super::*;
    use crate::metrics::Metrics;
    use crate::pipeline::queue;
    use crate::store::{Attempt, Batch, Stage, Store};

    /// tao-node as a script: each call takes the next answer for its block.
    #[derive(Default)]
    struct FakeTao {
        answers: SyncMutex<BTreeMap<u32, VecDeque<Result<(), TaoClientError>>>>,
        calls: SyncMutex<Vec<u32>>,
    }

    impl FakeTao {
        fn answer(&self, block: u32, r: Result<(), TaoClientError>) {
            self.answers.lock().unwrap().entry(block).or_default().push_back(r);
        }
    }

    impl TaoChain for FakeTao {
        async fn attest(&self, block: u32, _: &[u8]) -> Result<(), TaoClientError> {
            self.calls.lock().unwrap().push(block);
            self.answers
                .lock()
                .unwrap()
                .get_mut(&block)
                .and_then(VecDeque::pop_front)
                .unwrap_or(Ok(()))
        }
        async fn approve_release(
            &self,
            _: u64,
            _: AccountId32,
            _: Rao,
        ) -> Result<ReleaseOutcome, TaoClientError> {
            unreachable!("the attest stage approves nothing")
        }
    }

    fn refused(error: BridgeError) -> Result<(), TaoClientError> {
        Err(TaoClientError::Bridge { call: "Bridge.attest", name: format!("{error:?}"), error })
    }

    fn batch(block: u64) -> Batch {
        crate::store::test_batch(block)
    }

    async fn store_with(blocks: &[u64]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut c = Change::new();
        for &b in blocks {
            c.batch(&batch(b)).enqueue(Stage::Attest, b, &Attempt::new(0));
        }
        store.commit(c).await.unwrap();
        (dir, store)
    }

    /// One tick of the stage at `now`: every due item once, as the relayer's task runs it.
    async fn tick(chain: &FakeTao, ctx: Ctx<'_>, now: u64) {
        for (id, a) in queue::due(ctx.store, Stage::Attest, now).unwrap() {
            let outcome = attest(chain, ctx, id).await;
            queue::settle(ctx.store, ctx.write, Stage::Attest, id, &a, &outcome, now)
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn not_a_relayer_finishes_the_item_and_the_next_one_still_flows() {
        let (_dir, store) = store_with(&[10, 11]).await;
        let (write, metrics) = (Mutex::new(()), Metrics::new());
        let ctx = Ctx { store: &store, write: &write, metrics: &metrics };
        let tao = FakeTao::default();
        tao.answer(10, refused(BridgeError::UnknownSigner));
        tick(&tao, ctx, 1_000).await;
        assert!(store.open_items(Stage::Attest).unwrap().is_empty(), "both left the queue");
        let b10 = store.batch(10).unwrap().unwrap();
        assert!(b10.attested);
        assert!(b10.attest_error.unwrap().contains("UnknownSigner"));
        let b11 = store.batch(11).unwrap().unwrap();
        assert_eq!((b11.attested, b11.attest_error), (true, None));
        // Finished for good: never tried again.
        tick(&tao, ctx, 100_000).await;
        assert_eq!(*tao.calls.lock().unwrap(), [10, 11]);
        assert_eq!(metrics.attestations_posted.get(), 1);
    }

    #[tokio::test]
    async fn a_transient_error_backs_off_then_succeeds_while_others_flow() {
        let (_dir, store) = store_with(&[20, 21]).await;
        let (write, metrics) = (Mutex::new(()), Metrics::new());
        let ctx = Ctx { store: &store, write: &write, metrics: &metrics };
        let tao = FakeTao::default();
        let down = || Err(TaoClientError::MissingEvent { call: "Bridge.attest", event: "x" });
        tao.answer(20, down());
        tao.answer(20, down());
        tick(&tao, ctx, 1_000).await;
        let a = store.attempt(Stage::Attest, 20).unwrap().unwrap();
        assert_eq!((a.attempts, a.next_at_ms), (1, 1_500));
        assert!(store.batch(21).unwrap().unwrap().attested, "the next item did not wait");
        tick(&tao, ctx, 1_400).await; // not due yet
        assert_eq!(tao.calls.lock().unwrap().len(), 2);
        tick(&tao, ctx, 1_500).await; // fails again: 1 s now
        let a = store.attempt(Stage::Attest, 20).unwrap().unwrap();
        assert_eq!((a.attempts, a.next_at_ms), (2, 2_500));
        assert!(a.last_error.unwrap().contains("emitted no"));
        tick(&tao, ctx, 2_500).await;
        assert_eq!(store.attempt(Stage::Attest, 20).unwrap(), None);
        assert!(store.batch(20).unwrap().unwrap().attested);
        assert_eq!(*tao.calls.lock().unwrap(), [20, 21, 20, 20]);
    }

    #[tokio::test]
    async fn a_replay_after_a_crash_counts_as_done() {
        let (_dir, store) = store_with(&[30]).await;
        let (write, metrics) = (Mutex::new(()), Metrics::new());
        let ctx = Ctx { store: &store, write: &write, metrics: &metrics };
        let tao = FakeTao::default();
        tao.answer(30, refused(BridgeError::AlreadyAttested));
        tick(&tao, ctx, 1_000).await;
        let b = store.batch(30).unwrap().unwrap();
        assert_eq!((b.attested, b.attest_error), (true, None));
        assert!(store.failed().unwrap().is_empty());
    }
}
