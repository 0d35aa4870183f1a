//! The EVM quorum: a burn is approved for release only when `eth.quorum` of the configured
//! providers report the same block hash at the burn's confirmed height **and** the same
//! `Burned` log (transaction hash, log index, nonce, sender, recipient, amount).
//!
//! What it protects against: one provider that lies (a compromised or misconfigured node, a
//! man in the middle of a plain-HTTP endpoint, a node on a fork) cannot make this relayer
//! approve a burn that did not happen, or approve it with another recipient or amount: it is
//! outvoted by the honest ones. A provider that is stale (has not reached the block) or dead
//! counts as no vote. With fewer than `quorum` matching votes the burn waits and is checked again
//! (never approved on a minority); a disagreement is logged and counted in
//! `wtao_relayer_eth_quorum_disagreements_total`. It does not protect against `quorum` providers
//! that lie together — choose independent operators.

use std::future::Future;
use std::time::Duration;

use alloy::primitives::{Address, B256, U256};

use crate::error::RelayerError;
use crate::store::Burn;

/// How long one provider gets to answer a vote.
pub const VOTE_TIMEOUT: Duration = Duration::from_secs(10);

/// One `Burned` log as a provider reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BurnLog {
    /// Burn nonce.
    pub nonce: u64,
    /// Who burned.
    pub from: Address,
    /// TAO recipient.
    pub tao_recipient: B256,
    /// Amount (rao).
    pub amount: U256,
    /// The transaction.
    pub tx: Option<B256>,
    /// Index of the log in its block.
    pub log_index: Option<u64>,
}

impl BurnLog {
    /// Whether this log is the burn `b` (a stored record without a log index, written before
    /// the index was kept, matches on the rest).
    pub fn is(&self, b: &Burn) -> bool {
        self.nonce == b.nonce
            && self.from == b.from
            && self.tao_recipient == b.tao_recipient
            && self.amount == b.amount
            && self.tx == b.tx
            && (b.log_index.is_none() || self.log_index == b.log_index)
    }
}

/// What one provider says about a block height.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockView {
    /// The hash of its canonical block at that height.
    pub hash: B256,
    /// The bridge's `Burned` logs in that block.
    pub burns: Vec<BurnLog>,
}

/// One EVM provider, as the quorum sees it.
pub trait BurnSource {
    /// Its name in logs (the endpoint URL).
    fn name(&self) -> String;
    /// Its canonical block at height `block` and the bridge's `Burned` logs in it; `None` when
    /// it has no such block (yet).
    fn view(
        &self,
        block: u64,
    ) -> impl Future<Output = Result<Option<BlockView>, RelayerError>> + Send;
}

/// The outcome of a vote on one burn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// At least `quorum` providers report the burn's block and log.
    Confirmed {
        /// Providers that agree.
        agree: usize,
    },
    /// At least `quorum` providers report another block at that height: the burn's block was
    /// reorged out.
    Reorged {
        /// Providers with another block there.
        other_block: usize,
    },
    /// Neither: the burn waits.
    Undecided {
        /// Providers that agree.
        agree: usize,
        /// Providers that report the block but not this log (or another version of it).
        other_log: usize,
        /// Providers with another block at that height.
        other_block: usize,
        /// Providers that did not answer, or have not reached the block.
        silent: usize,
    },
}

impl Verdict {
    /// Whether some provider contradicted the burn (not only silence).
    pub fn disagreement(&self) -> bool {
        matches!(self, Self::Undecided { other_log, other_block, .. } if other_log + other_block > 0)
    }
}

/// Ask every source about `burn` at once and count.
pub async fn vote<S: BurnSource + Sync>(sources: &[S], burn: &Burn, quorum: usize) -> Verdict {
    vote_within(sources, burn, quorum, VOTE_TIMEOUT).await
}

async fn vote_within<S: BurnSource + Sync>(
    sources: &[S],
    burn: &Burn,
    quorum: usize,
    deadline: Duration,
) -> Verdict {
    let answers = futures::future::join_all(
        sources.iter().map(|s| tokio::time::timeout(deadline, s.view(burn.block))),
    )
    .await;
    let (mut agree, mut other_log, mut other_block, mut silent) = (0, 0, 0, 0);
    for (source, answer) in sources.iter().zip(answers) {
        match answer {
            Ok(Ok(Some(view))) if view.hash != burn.block_hash => other_block += 1,
            Ok(Ok(Some(view))) if view.burns.iter().any(|l| l.is(burn)) => agree += 1,
            Ok(Ok(Some(_))) => other_log += 1,
            Ok(Ok(None)) => silent += 1,
            Ok(Err(e)) => {
                tracing::debug!(target: "relayer::approve", source = %source.name(), error = %e, "no vote");
                silent += 1;
            }
            Err(_) => silent += 1,
        }
    }
    if agree >= quorum {
        Verdict::Confirmed { agree }
    } else if other_block >= quorum {
        Verdict::Reorged { other_block }
    } else {
        Verdict::Undecided { agree, other_log, other_block, silent }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::BurnStatus;

    fn burn() -> Burn {
        Burn {
            nonce: 7,
            from: Address::repeat_byte(1),
            tao_recipient: B256::repeat_byte(2),
            amount: U256::from(5_000u64),
            block: 100,
            block_hash: B256::repeat_byte(0xbb),
            tx: Some(B256::repeat_byte(0x77)),
            log_index: Some(3),
            seen_at_ms: 0,
            status: BurnStatus::Pending,
        }
    }

    fn log_of(b: &Burn) -> BurnLog {
        BurnLog {
            nonce: b.nonce,
            from: b.from,
            tao_recipient: b.tao_recipient,
            amount: b.amount,
            tx: b.tx,
            log_index: b.log_index,
        }
    }

    /// Providers as the quorum meets them.
    enum Fake {
        Honest(Burn),
        /// Same block, the log changed (another recipient).
        LyingLog(Burn),
        /// Another chain: another hash at that height, with a forged burn in it.
        LyingChain(Burn),
        /// Has not reached the block.
        Stale,
        /// Does not answer.
        Dead,
        /// Answers after the vote's deadline.
        Hung,
    }

    impl BurnSource for Fake {
        fn name(&self) -> String {
            "fake".into()
        }
        async fn view(&self, _block: u64) -> Result<Option<BlockView>, RelayerError> {
            match self {
                Self::Honest(b) => {
                    Ok(Some(BlockView { hash: b.block_hash, burns: vec![log_of(b)] }))
                }
                Self::LyingLog(b) => {
                    let mut l = log_of(b);
                    l.tao_recipient = B256::repeat_byte(0xee);
                    Ok(Some(BlockView { hash: b.block_hash, burns: vec![l] }))
                }
                Self::LyingChain(b) => {
                    Ok(Some(BlockView { hash: B256::repeat_byte(0xcc), burns: vec![log_of(b)] }))
                }
                Self::Stale => Ok(None),
                Self::Dead => Err(RelayerError::Eth {
                    context: "reading a block",
                    reason: "connection refused".into(),
                }),
                Self::Hung => {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    Ok(None)
                }
            }
        }
    }

    #[tokio::test]
    async fn two_honest_outvote_a_liar() {
        let b = burn();
        let v = vote(
            &[Fake::Honest(b.clone()), Fake::LyingLog(b.clone()), Fake::Honest(b.clone())],
            &b,
            2,
        )
        .await;
        assert_eq!(v, Verdict::Confirmed { agree: 2 });
        let v = vote(
            &[Fake::LyingChain(b.clone()), Fake::Honest(b.clone()), Fake::Honest(b.clone())],
            &b,
            2,
        )
        .await;
        assert_eq!(v, Verdict::Confirmed { agree: 2 });
    }

    #[tokio::test]
    async fn a_minority_never_confirms() {
        let b = burn();
        // 2 of 2 with one liar: waits, and it is a disagreement.
        let v = vote(&[Fake::Honest(b.clone()), Fake::LyingLog(b.clone())], &b, 2).await;
        assert_eq!(v, Verdict::Undecided { agree: 1, other_log: 1, other_block: 0, silent: 0 });
        assert!(v.disagreement());
        // The forged burn as the liar shows it: the honest ones do not have it.
        let mut forged = b.clone();
        forged.tao_recipient = B256::repeat_byte(0xee);
        let v = vote(
            &[Fake::Honest(b.clone()), Fake::LyingLog(b.clone()), Fake::Honest(b.clone())],
            &forged,
            2,
        )
        .await;
        assert!(matches!(v, Verdict::Undecided { agree: 1, other_log: 2, .. }), "{v:?}");
    }

    #[tokio::test]
    async fn stale_dead_and_hung_providers_are_silent_not_against() {
        let b = burn();
        let sources = [Fake::Honest(b.clone()), Fake::Stale, Fake::Dead, Fake::Hung];
        let v = vote_within(&sources, &b, 2, Duration::from_millis(200)).await;
        assert_eq!(v, Verdict::Undecided { agree: 1, other_log: 0, other_block: 0, silent: 3 });
        assert!(!v.disagreement(), "silence is no disagreement");
        let v = vote(&[Fake::Honest(b.clone()), Fake::Stale, Fake::Honest(b.clone())], &b, 2).await;
        assert_eq!(v, Verdict::Confirmed { agree: 2 });
    }

    #[tokio::test]
    async fn a_reorg_needs_a_quorum_too() {
        let b = burn();
        let v =
            vote(&[Fake::LyingChain(b.clone()), Fake::Honest(b.clone()), Fake::Stale], &b, 2).await;
        assert!(
            matches!(v, Verdict::Undecided { other_block: 1, .. }),
            "one provider cannot drop a burn: {v:?}"
        );
        let v = vote(&[Fake::LyingChain(b.clone()), Fake::LyingChain(b.clone())], &b, 2).await;
        assert_eq!(v, Verdict::Reorged { other_block: 2 });
        // k = 1, one provider: the old single-endpoint behaviour.
        assert_eq!(vote(&[Fake::Honest(b.clone())], &b, 1).await, Verdict::Confirmed { agree: 1 });
        assert_eq!(
            vote(&[Fake::LyingChain(b.clone())], &b, 1).await,
            Verdict::Reorged { other_block: 1 }
        );
    }

    #[test]
    fn an_old_record_without_a_log_index_matches_on_the_rest() {
        let mut b = burn();
        let mut l = log_of(&b);
        l.log_index = Some(9);
        assert!(!l.is(&b));
        b.log_index = None;
        assert!(l.is(&b));
        l.amount = U256::from(1u64);
        assert!(!l.is(&b));
    }
}
