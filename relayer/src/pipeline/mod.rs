//! The relayer's two pipelines, each stage a task over a durable queue in the store (hyperlane's
//! relayer, `rust/main/agents/relayer`, is the model: per-operation attempt state, each failing
//! operation retried on its own schedule while the others flow).
//!
//! ```text
//!  TAO→ETH   tao_watch (cursor) ──▶ q/attest: post our signature on tao-node
//!                               └─▶ q/mint:   submit TaoBridge.mint, track it to confirmations
//!                                             (mint.rs)
//!  ETH→TAO   eth_watch (cursor) ──▶ q/approve: EVM quorum, then approve the release on tao-node
//! ```
//!
//! An item's attempt ends in an [`Outcome`]. [`Outcome::Retry`] parks it: its attempt count,
//! next-attempt time ([`backoff::backoff`] of the count) and last error are persisted, so the
//! schedule survives a restart and `wtao-relayer status` can show it. A refusal that no retry
//! can change ([`classify`]: not a relayer any more, nonce already used, conflict) ends the item
//! with [`Outcome::Failed`] and its reason, instead of retrying it forever. Finished items
//! leave the queue, so a stage's tick costs what is open, not the bridge's history; their
//! records are pruned after `store.retention_hours`.

pub mod backoff;
pub mod classify;
pub mod eth_to_tao;
pub mod mint;
pub mod queue;
pub mod tao_to_eth;

use std::future::Future;

use tao_client::{AccountId32, Rao, ReleaseOutcome, TaoClientError};
use tokio::sync::Mutex;

use crate::metrics::Metrics;
use crate::quorum::Verdict;
use crate::store::{Burn, Store};

/// How one attempt at an item ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The stage is done with it.
    Done,
    /// It can never succeed (the reason is also in its record): out of the queue, listed as
    /// failed for an operator.
    Failed(String),
    /// It failed now and may succeed later: parked, tried again after its backoff.
    Retry(String),
    /// Not ready yet (signatures, its turn, confirmations): looked at again next tick.
    Wait,
}

/// The tao-node transactions the TAO-side stages send, behind a trait so the stages run
/// against fakes in tests (the relayer implements it over its endpoint pool and sr25519 key).
pub trait TaoChain: Send + Sync {
    /// `Bridge.attest(block, signature)`.
    fn attest(
        &self,
        block: u32,
        signature: &[u8],
    ) -> impl Future<Output = Result<(), TaoClientError>> + Send;

    /// `Bridge.approve_release(…)` for the configured EVM chain.
    fn approve_release(
        &self,
        burn_nonce: u64,
        recipient: AccountId32,
        amount: Rao,
    ) -> impl Future<Output = Result<ReleaseOutcome, TaoClientError>> + Send;
}

/// Whether the configured EVM providers still report a burn (the quorum), behind a trait for
/// the same reason.
pub trait BurnCheck: Send + Sync {
    /// The providers' verdict on `burn`.
    fn check(&self, burn: &Burn) -> impl Future<Output = Verdict> + Send;
}

/// What every stage writes to: the store, the lock that serialises read-modify-writes of one
/// record across tasks, and the metrics.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// The store.
    pub store: &'a Store,
    /// Held around every read-modify-write of a batch or burn.
    pub write: &'a Mutex<()>,
    /// Counters.
    pub metrics: &'a Metrics,
}
