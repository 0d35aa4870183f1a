//! A stage's durable queue: which open items are due, and what an attempt's outcome does to
//! the item's persisted attempt state.

use tokio::sync::Mutex;

use crate::error::StoreError;
use crate::store::{Attempt, Change, Stage, Store};

use super::Outcome;
use super::backoff::backoff;

/// What to do with an item after an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing to write.
    Keep,
    /// Write this attempt state.
    Update(Attempt),
    /// Out of the queue; `failed`: it finished for good without succeeding.
    Remove {
        /// Whether it failed.
        failed: bool,
    },
}

/// The attempt state after `outcome` at `now_ms` (pure).
pub fn step(attempt: &Attempt, outcome: &Outcome, now_ms: u64) -> Step {
    match outcome {
        Outcome::Done => Step::Remove { failed: false },
        Outcome::Failed(_) => Step::Remove { failed: true },
        Outcome::Retry(error) => {
            let attempts = attempt.attempts.saturating_add(1);
            let delay_ms = u64::try_from(backoff(attempts).as_millis()).unwrap_or(u64::MAX);
            Step::Update(Attempt {
                attempts,
                next_at_ms: now_ms.saturating_add(delay_ms),
                last_error: Some(error.clone()),
                since_ms: attempt.since_ms,
            })
        }
        Outcome::Wait if attempt.parked() || attempt.next_at_ms != 0 => {
            // Whatever failed before is past: the item flows again.
            Step::Update(Attempt::new(attempt.since_ms))
        }
        Outcome::Wait => Step::Keep,
    }
}

/// Open items of `stage` whose next attempt is due at `now_ms`, by id.
pub fn due(store: &Store, stage: Stage, now_ms: u64) -> Result<Vec<(u64, Attempt)>, StoreError> {
    let mut items = store.open_items(stage)?;
    items.retain(|(_, a)| a.next_at_ms <= now_ms);
    Ok(items)
}

/// Write the effect of `outcome` on item `id` (one atomic commit); a finished batch or burn
/// also gets its entry in the finished index (for pruning) and, if it failed, the failed list.
/// Returns the step taken.
///
/// `attempt` is the state the attempt started from. If the entry changed meanwhile (a watcher
/// queued the item afresh, e.g. a burn seen again after a reorg) or is gone, the attempt's
/// result is stale and nothing is written: the item keeps its newer state. `write` is the lock
/// every writer of queue entries holds, which makes that check and the write one step.
pub async fn settle(
    store: &Store,
    write: &Mutex<()>,
    stage: Stage,
    id: u64,
    attempt: &Attempt,
    outcome: &Outcome,
    now_ms: u64,
) -> Result<Step, StoreError> {
    let step = step(attempt, outcome, now_ms);
    if step == Step::Keep {
        return Ok(step);
    }
    let _w = write.lock().await;
    if store.attempt(stage, id)?.as_ref() != Some(attempt) {
        return Ok(Step::Keep);
    }
    let mut change = Change::new();
    match &step {
        Step::Keep => return Ok(step),
        Step::Update(a) => {
            change.enqueue(stage, id, a);
        }
        Step::Remove { failed } => {
            change.dequeue(stage, id);
            // A batch's record finishes with its mint; its attestation may end earlier or
            // later without finishing it.
            if stage != Stage::Attest {
                change.finished(stage.kind(), id, now_ms, *failed);
            }
        }
    }
    store.commit(change).await?;
    Ok(step)
}

/// How a stage's queue stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    /// Open items.
    pub open: usize,
    /// Of which parked (failed at least once since they last moved).
    pub parked: usize,
    /// When the earliest item not due now is due (unix ms).
    pub next_due_ms: Option<u64>,
    /// When the oldest open item entered the stage (unix ms).
    pub oldest_since_ms: Option<u64>,
}

/// Count `stage`'s open and parked items (a scan of the index only).
pub fn depth(store: &Store, stage: Stage, now_ms: u64) -> Result<Depth, StoreError> {
    let mut d = Depth::default();
    for (_, a) in store.open_items(stage)? {
        d.open += 1;
        if a.parked() {
            d.parked += 1;
        }
        if a.next_at_ms > now_ms {
            d.next_due_ms = Some(d.next_due_ms.map_or(a.next_at_ms, |t| t.min(a.next_at_ms)));
        }
        d.oldest_since_ms = Some(d.oldest_since_ms.map_or(a.since_ms, |t| t.min(a.since_ms)));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_counts_and_schedules_done_and_failed_remove() {
        let a = Attempt::new(5);
        let Step::Update(b) = step(&a, &Outcome::Retry("rpc down".into()), 1_000) else {
            panic!("a retry updates")
        };
        assert_eq!((b.attempts, b.next_at_ms, b.since_ms), (1, 1_500, 5));
        assert_eq!(b.last_error.as_deref(), Some("rpc down"));
        let Step::Update(c) = step(&b, &Outcome::Retry("again".into()), 2_000) else { panic!() };
        assert_eq!((c.attempts, c.next_at_ms), (2, 3_000));
        assert_eq!(step(&c, &Outcome::Done, 3_000), Step::Remove { failed: false });
        assert_eq!(step(&c, &Outcome::Failed("x".into()), 3_000), Step::Remove { failed: true });
        // Waiting after a failure: flowing again, attempts reset; a fresh wait writes nothing.
        assert_eq!(step(&c, &Outcome::Wait, 3_000), Step::Update(Attempt::new(5)));
        assert_eq!(step(&a, &Outcome::Wait, 3_000), Step::Keep);
    }

    #[tokio::test]
    async fn a_parked_item_is_not_due_until_its_time_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let w = Mutex::new(());
        {
            let store = Store::open(dir.path()).unwrap();
            let mut c = Change::new();
            c.enqueue(Stage::Approve, 1, &Attempt::new(0)).enqueue(
                Stage::Approve,
                2,
                &Attempt::new(0),
            );
            store.commit(c).await.unwrap();
            let a = store.attempt(Stage::Approve, 1).unwrap().unwrap();
            settle(&store, &w, Stage::Approve, 1, &a, &Outcome::Retry("busy".into()), 10_000)
                .await
                .unwrap();
            let ids: Vec<u64> =
                due(&store, Stage::Approve, 10_000).unwrap().into_iter().map(|(i, _)| i).collect();
            assert_eq!(ids, [2], "the parked item waits, the next one flows");
            let d = depth(&store, Stage::Approve, 10_000).unwrap();
            assert_eq!((d.open, d.parked, d.next_due_ms), (2, 1, Some(10_500)));
        }
        let store = Store::open(dir.path()).unwrap();
        let ids: Vec<u64> =
            due(&store, Stage::Approve, 10_500).unwrap().into_iter().map(|(i, _)| i).collect();
        assert_eq!(ids, [1, 2], "due again after its backoff, after a restart too");
        let a = store.attempt(Stage::Approve, 1).unwrap().unwrap();
        assert_eq!((a.attempts, a.last_error.as_deref()), (1, Some("busy")));
        // Queued afresh meanwhile (a burn seen again): the stale attempt's result is dropped.
        let mut c = Change::new();
        c.enqueue(Stage::Approve, 2, &Attempt::new(9));
        store.commit(c).await.unwrap();
        let step = settle(&store, &w, Stage::Approve, 2, &Attempt::new(0), &Outcome::Done, 11_000)
            .await
            .unwrap();
        assert_eq!(step, Step::Keep);
        assert_eq!(store.attempt(Stage::Approve, 2).unwrap(), Some(Attempt::new(9)));
        settle(&store, &w, Stage::Approve, 1, &a, &Outcome::Done, 11_000).await.unwrap();
        assert_eq!(store.attempt(Stage::Approve, 1).unwrap(), None);
        // Settling a retry of an item finished meanwhile does not resurrect it.
        let step =
            settle(&store, &w, Stage::Approve, 1, &a, &Outcome::Retry("late".into()), 11_000)
                .await
                .unwrap();
        assert_eq!(step, Step::Keep);
        assert_eq!(store.attempt(Stage::Approve, 1).unwrap(), None);
    }
}
