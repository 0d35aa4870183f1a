//! ETH→TAO, the approve stage: once the EVM quorum still reports a confirmed burn, approve its
//! release on tao-node; tao-node releases at the threshold.

use tao_client::{AccountId32, Rao, ReleaseOutcome};
use tracing::{debug, error, info, warn};

use super::classify::{self, TaoRefusal};
use super::{BurnCheck, Ctx, Outcome, TaoChain};
use crate::error::RelayerError;
use crate::metrics::{Direction, Metrics};
use crate::quorum::Verdict;
use crate::store::{BurnStatus, Change};

/// Tracing target of the stage.
pub const TARGET: &str = "relayer::approve";

/// One attempt at approving the release of burn `nonce`.
pub async fn approve<C: TaoChain, Q: BurnCheck>(
    chain: &C,
    burns: &Q,
    ctx: Ctx<'_>,
    nonce: u64,
) -> Outcome {
    approve_inner(chain, burns, ctx, nonce).await.unwrap_or_else(|e| Outcome::Retry(e.to_string()))
}

/// The outcome a burn's recorded status means for the stage.
fn outcome_of(status: &BurnStatus) -> Outcome {
    match status {
        BurnStatus::Pending => Outcome::Wait,
        BurnStatus::Approved { .. } => Outcome::Done,
        BurnStatus::Conflict => Outcome::Failed(
            "approvals of this burn conflict on tao-node: governance must resolve it".into(),
        ),
        BurnStatus::Dropped { reason } | BurnStatus::Refused { reason } => {
            Outcome::Failed(reason.clone())
        }
    }
}

async fn approve_inner<C: TaoChain, Q: BurnCheck>(
    chain: &C,
    burns: &Q,
    ctx: Ctx<'_>,
    nonce: u64,
) -> Result<Outcome, RelayerError> {
    let Some(burn) = ctx.store.burn(nonce)? else { return Ok(Outcome::Done) };
    if burn.status != BurnStatus::Pending {
        return Ok(outcome_of(&burn.status));
    }
    // The burn's block must still be canonical (a reorg deeper than `confirmations` after we saw
    // it must not turn into a release), and `eth.quorum` providers must report the same block
    // and log (one lying provider must not move money).
    match burns.check(&burn).await {
        Verdict::Confirmed { .. } => {}
        Verdict::Reorged { .. } => {
            let reason = "its block is no longer canonical".to_owned();
            return finish(ctx, nonce, BurnStatus::Dropped { reason }).await;
        }
        v @ Verdict::Undecided { agree, other_log, other_block, silent } => {
            let why = if v.disagreement() {
                ctx.metrics.quorum_disagreements.inc();
                warn!(target: TARGET, nonce, agree, other_log, other_block, silent, "EVM providers disagree about this burn; it waits");
                format!(
                    "EVM providers disagree about this burn: {agree} agree, {other_log} report another log, {other_block} another block, {silent} silent"
                )
            } else {
                debug!(target: TARGET, nonce, agree, silent, "not enough EVM providers answered; the burn waits");
                format!("EVM quorum not reached: {agree} agree, {silent} silent")
            };
            return Ok(Outcome::Retry(why));
        }
    }
    let Ok(amount) = u64::try_from(burn.amount) else {
        let reason = format!("amount {} rao does not fit tao-node's u64 balance", burn.amount);
        return finish(ctx, nonce, BurnStatus::Dropped { reason }).await;
    };
    let result = chain.approve_release(nonce, AccountId32(burn.tao_recipient.0), Rao(amount)).await;
    if result.is_ok() {
        crate::crash::point("approved");
    }
    let status = match result {
        Ok(ReleaseOutcome::Approved { approvals }) => {
            info!(target: TARGET, nonce, approvals, "release approved");
            BurnStatus::Approved { released: false }
        }
        Ok(ReleaseOutcome::Released { amount, .. }) => {
            info!(target: TARGET, nonce, amount_rao = amount.0, "release completed by our approval");
            BurnStatus::Approved { released: true }
        }
        Ok(ReleaseOutcome::Conflict { .. }) => {
            Metrics::dir(&ctx.metrics.conflicts, Direction::EthToTao).inc();
            error!(target: TARGET, nonce, "our approval conflicts with earlier ones: the nonce is blocked until governance resolves it");
            BurnStatus::Conflict
        }
        Err(e) => match classify::tao(&e) {
            TaoRefusal::AlreadyDone { released } => BurnStatus::Approved { released },
            TaoRefusal::Conflict => {
                Metrics::dir(&ctx.metrics.conflicts, Direction::EthToTao).inc();
                BurnStatus::Conflict
            }
            TaoRefusal::Permanent(reason) => BurnStatus::Refused { reason },
            TaoRefusal::Transient => return Ok(Outcome::Retry(e.to_string())),
        },
    };
    if matches!(status, BurnStatus::Approved { .. } | BurnStatus::Conflict) {
        ctx.metrics.approvals_posted.inc();
    }
    finish(ctx, nonce, status).await
}

/// Record the burn's new status (if it is still pending: a rewind may have dropped it).
async fn finish(ctx: Ctx<'_>, nonce: u64, status: BurnStatus) -> Result<Outcome, RelayerError> {
    let _w = ctx.write.lock().await;
    let Some(mut burn) = ctx.store.burn(nonce)? else { return Ok(Outcome::Done) };
    match &status {
        BurnStatus::Dropped { reason } => warn!(target: TARGET, nonce, %reason, "burn dropped"),
        BurnStatus::Refused { reason } => {
            error!(target: TARGET, nonce, %reason, "tao-node refused our approval for good");
        }
        _ => {}
    }
    burn.status = status;
    let mut c = Change::new();
    c.burn(&burn);
    ctx.store.commit(c).await?;
    Ok(outcome_of(&burn.status))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, VecDeque};
    use std::sync::Mutex as SyncMutex;

    use alloy::primitives::{Address, B256, U256};
    use tao_client::{BridgeError, TaoClientError};
    use tokio::sync::Mutex;

    use super::*;
    use crate::pipeline::queue;
    use crate::store::{Attempt, Burn, Kind, Stage, Store};

    /// tao-node as a script, per burn nonce; unscripted calls approve.
    #[derive(Default)]
    struct FakeTao {
        answers: SyncMutex<BTreeMap<u64, VecDeque<Result<ReleaseOutcome, TaoClientError>>>>,
        calls: SyncMutex<Vec<u64>>,
    }

    impl FakeTao {
        fn answer(&self, nonce: u64, r: Result<ReleaseOutcome, TaoClientError>) {
            self.answers.lock().unwrap().entry(nonce).or_default().push_back(r);
        }
    }

    impl TaoChain for FakeTao {
        async fn attest(&self, _: u32, _: &[u8]) -> Result<(), TaoClientError> {
            unreachable!("the approve stage attests nothing")
        }
        async fn approve_release(
            &self,
            nonce: u64,
            _: AccountId32,
            _: Rao,
        ) -> Result<ReleaseOutcome, TaoClientError> {
            self.calls.lock().unwrap().push(nonce);
            self.answers
                .lock()
                .unwrap()
                .get_mut(&nonce)
                .and_then(VecDeque::pop_front)
                .unwrap_or(Ok(ReleaseOutcome::Approved { approvals: 1 }))
        }
    }

    /// The EVM quorum: confirms every burn except the ones listed as undecided.
    #[derive(Default)]
    struct FakeQuorum {
        undecided: SyncMutex<Vec<u64>>,
    }

    impl BurnCheck for FakeQuorum {
        async fn check(&self, burn: &Burn) -> Verdict {
            if self.undecided.lock().unwrap().contains(&burn.nonce) {
                Verdict::Undecided { agree: 1, other_log: 0, other_block: 0, silent: 1 }
            } else {
                Verdict::Confirmed { agree: 1 }
            }
        }
    }

    fn refused(error: BridgeError) -> Result<ReleaseOutcome, TaoClientError> {
        Err(TaoClientError::Bridge {
            call: "Bridge.approve_release",
            name: format!("{error:?}"),
            error,
        })
    }

    fn burn(nonce: u64) -> Burn {
        Burn {
            nonce,
            from: Address::repeat_byte(1),
            tao_recipient: B256::repeat_byte(2),
            amount: U256::from(1_000u64),
            block: 5,
            block_hash: B256::repeat_byte(5),
            tx: None,
            log_index: Some(0),
            seen_at_ms: 0,
            status: BurnStatus::Pending,
        }
    }

    async fn store_with(nonces: &[u64]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut c = Change::new();
        for &n in nonces {
            c.burn(&burn(n)).enqueue(Stage::Approve, n, &Attempt::new(0));
        }
        store.commit(c).await.unwrap();
        (dir, store)
    }

    async fn tick(tao: &FakeTao, q: &FakeQuorum, ctx: Ctx<'_>, now: u64) {
        for (id, a) in queue::due(ctx.store, Stage::Approve, now).unwrap() {
            let outcome = approve(tao, q, ctx, id).await;
            queue::settle(ctx.store, ctx.write, Stage::Approve, id, &a, &outcome, now)
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn not_a_relayer_finishes_the_burn_as_refused_and_the_next_one_still_flows() {
        let (_dir, store) = store_with(&[1, 2]).await;
        let (write, metrics) = (Mutex::new(()), Metrics::new());
        let ctx = Ctx { store: &store, write: &write, metrics: &metrics };
        let (tao, q) = (FakeTao::default(), FakeQuorum::default());
        tao.answer(1, refused(BridgeError::NotRelayer));
        tick(&tao, &q, ctx, 1_000).await;
        assert!(
            matches!(store.burn(1).unwrap().unwrap().status, BurnStatus::Refused { reason } if reason.contains("NotRelayer"))
        );
        assert_eq!(
            store.burn(2).unwrap().unwrap().status,
            BurnStatus::Approved { released: false }
        );
        assert!(store.open_items(Stage::Approve).unwrap().is_empty());
        let failed: Vec<_> = store.failed().unwrap().into_iter().map(|i| (i.kind, i.id)).collect();
        assert_eq!(failed, [(Kind::Burn, 1)], "listed for an operator");
        tick(&tao, &q, ctx, 1_000_000).await;
        assert_eq!(*tao.calls.lock().unwrap(), [1, 2], "never retried");
    }

    #[tokio::test]
    async fn rate_limited_backs_off_and_succeeds_later_without_holding_the_queue() {
        let (_dir, store) = store_with(&[7, 8]).await;
        let (write, metrics) = (Mutex::new(()), Metrics::new());
        let ctx = Ctx { store: &store, write: &write, metrics: &metrics };
        let (tao, q) = (FakeTao::default(), FakeQuorum::default());
        tao.answer(7, refused(BridgeError::RateLimited));
        tick(&tao, &q, ctx, 1_000).await;
        let a = store.attempt(Stage::Approve, 7).unwrap().unwrap();
        assert_eq!((a.attempts, a.next_at_ms), (1, 1_500));
        assert!(a.last_error.unwrap().contains("RateLimited"));
        assert_eq!(
            store.burn(8).unwrap().unwrap().status,
            BurnStatus::Approved { released: false }
        );
        tick(&tao, &q, ctx, 1_499).await;
        assert_eq!(tao.calls.lock().unwrap().len(), 2, "not before its time");
        tick(&tao, &q, ctx, 1_500).await;
        assert_eq!(
            store.burn(7).unwrap().unwrap().status,
            BurnStatus::Approved { released: false }
        );
        assert_eq!(store.attempt(Stage::Approve, 7).unwrap(), None);
        assert!(store.failed().unwrap().is_empty());
    }

    #[tokio::test]
    async fn quorum_not_reached_parks_and_already_released_is_done() {
        let (_dir, store) = store_with(&[3, 4]).await;
        let (write, metrics) = (Mutex::new(()), Metrics::new());
        let ctx = Ctx { store: &store, write: &write, metrics: &metrics };
        let (tao, q) = (FakeTao::default(), FakeQuorum::default());
        q.undecided.lock().unwrap().push(3);
        tao.answer(4, refused(BridgeError::AlreadyReleased));
        tick(&tao, &q, ctx, 1_000).await;
        assert_eq!(*tao.calls.lock().unwrap(), [4], "no approval without the quorum");
        assert!(
            store
                .attempt(Stage::Approve, 3)
                .unwrap()
                .unwrap()
                .last_error
                .unwrap()
                .contains("quorum")
        );
        assert_eq!(store.burn(4).unwrap().unwrap().status, BurnStatus::Approved { released: true });
        q.undecided.lock().unwrap().clear();
        tick(&tao, &q, ctx, 2_000).await;
        assert_eq!(
            store.burn(3).unwrap().unwrap().status,
            BurnStatus::Approved { released: false }
        );
    }
}
