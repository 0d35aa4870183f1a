//! Epoch arithmetic: which blocks open an epoch's window, end its commits, and seed its samples.
//!
//! tao-node runs a subnet's epoch (Yuma) in the first block `b` with `b − LastEpochBlock ≥
//! tempo` and then sets `LastEpochBlock = b`. A task **epoch** is the window that block opens:
//!
//! ```text
//!   start = LastEpochBlock          hash(start) seeds the challenge (Challenge::new)
//!   start+1 ..= deadline            miners compute and commit; a commit included later is late
//!   deadline = start + ⌊tempo/2⌋    (at least start + 1)
//!   sample = deadline + 1           hash(sample) picks the tiles each miner must prove
//!   sample+1 .. start+tempo         validators fetch proofs, score, set_weights
//!   start + tempo                   the chain's next epoch (Yuma reads the weights) = next start
//! ```
//!
//! The epoch number committed ([`wtao_scoring::Commitment::epoch`]) is `start`, a block number:
//! unique per window, and a commitment copied from an earlier window names the wrong one.

use serde::Serialize;

use crate::error::AgentError;

/// The least tempo the schedule supports: a commit block, the sample block, and a block to set
/// weights in before the next epoch.
pub const MIN_TEMPO: u16 = 3;

/// One task epoch of a subnet: the blocks that matter, from the chain's `LastEpochBlock` and
/// `Tempo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    /// The block that opened the window (`LastEpochBlock`): its hash seeds the challenge, and
    /// its number is the epoch miners commit to.
    pub start: u64,
    /// The subnet's tempo.
    pub tempo: u16,
}

impl Window {
    /// The window opened at `start` on a subnet with `tempo`; refuses a tempo below
    /// [`MIN_TEMPO`].
    pub fn new(netuid: u16, start: u64, tempo: u16) -> Result<Self, AgentError> {
        if tempo < MIN_TEMPO {
            return Err(AgentError::TempoTooShort { netuid, tempo, min: MIN_TEMPO });
        }
        Ok(Self { start, tempo })
    }

    /// The window the chain is in, from its [`tao_client::EpochInfo`].
    pub fn current(netuid: u16, info: &tao_client::EpochInfo) -> Result<Self, AgentError> {
        Self::new(netuid, info.last_epoch_block, info.tempo)
    }

    /// The epoch number committed: the start block.
    pub const fn epoch(&self) -> u64 {
        self.start
    }

    /// The last block a commitment may be included in.
    pub fn deadline(&self) -> u64 {
        self.start.saturating_add(u64::from(self.tempo / 2).max(1))
    }

    /// The block whose hash picks the sampled tiles (after the deadline, so no miner knows it
    /// when committing).
    pub fn sample_block(&self) -> u64 {
        self.deadline().saturating_add(1)
    }

    /// The block the chain's next epoch is due in (and the next window's start, unless an epoch
    /// is triggered or deferred).
    pub fn end(&self) -> u64 {
        self.start.saturating_add(u64::from(self.tempo))
    }

    /// Whether a commitment included in block `block` counts for this window.
    pub fn in_time(&self, block: u64) -> bool {
        block > self.start && block <= self.deadline()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_of_a_window() {
        let w = Window::new(1, 100, 10).unwrap();
        assert_eq!((w.epoch(), w.deadline(), w.sample_block(), w.end()), (100, 105, 106, 110));
        assert!(!w.in_time(100), "the challenge is not known before its block");
        assert!(w.in_time(101) && w.in_time(105));
        assert!(!w.in_time(106), "late");
        // An odd tempo rounds the commit window down; the shortest still has a block for
        // weights after the sample block.
        let w = Window::new(1, 7, 3).unwrap();
        assert_eq!((w.deadline(), w.sample_block(), w.end()), (8, 9, 10));
        assert!(w.sample_block() < w.end());
        let w = Window::new(1, 0, 360).unwrap();
        assert_eq!((w.deadline(), w.sample_block()), (180, 181));
    }

    #[test]
    fn the_sample_block_is_inside_the_window_for_every_supported_tempo() {
        for tempo in MIN_TEMPO..=2_000 {
            let w = Window::new(1, 1_000, tempo).unwrap();
            assert!(w.start < w.deadline() && w.deadline() < w.sample_block(), "{tempo}");
            assert!(w.sample_block() < w.end(), "tempo {tempo}");
        }
    }

    #[test]
    fn short_tempos_are_refused_with_the_minimum() {
        let err = Window::new(4, 0, 2).unwrap_err();
        assert!(matches!(err, AgentError::TempoTooShort { netuid: 4, tempo: 2, min: 3 }));
        assert!(err.to_string().contains("at least 3"), "{err}");
        let info =
            tao_client::EpochInfo { block: 50, tempo: 10, last_epoch_block: 40, epoch_index: 4 };
        assert_eq!(Window::current(1, &info).unwrap(), Window { start: 40, tempo: 10 });
    }
}
