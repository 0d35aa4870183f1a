//! The validator's side of an epoch: check every miner's commitment and served proofs, recompute
//! all sampled tiles of all miners in one engine call, score, and convert to weights.
//!
//! A miner scores `min(tile_count, max_tiles)` when its commitment names this epoch, every
//! sampled tile has a proof against its root, and every sampled digest equals the recomputed
//! one; anything else scores 0. Faking a fraction f of tiles survives s samples with
//! probability at most (1 − f)^s, and over-claiming c tiles when h were computed has expected
//! score at most c·(h/c)^s = h·(h/c)^(s−1) ≤ h (sampling without replacement only lowers both):
//! honesty is the best strategy whenever s ≥ 2.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{
    challenge::{BlockHash, Challenge, Hotkey, TileJob},
    commitment::Commitment,
    engine::TileEngine,
    error::{EngineError, WeightsError},
    miner::TileProof,
    weights::weights_u16,
};

/// What a validator gathered about one miner: its commitment (if any) and the proofs it served
/// for the sampled tiles ([`Challenge::sample_tiles`] says which to ask for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinerSubmission {
    /// The miner's uid on the subnet.
    pub uid: u16,
    /// Its hotkey (the seeds are per hotkey).
    pub hotkey: Hotkey,
    /// Its commitment, `None` when it committed nothing readable.
    pub commitment: Option<Commitment>,
    /// Proofs it served (extra ones are ignored; missing ones fail it).
    pub proofs: Vec<TileProof>,
}

/// Why a miner got the score it got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Every sample checked out.
    Valid,
    /// No commitment.
    NoCommitment,
    /// The commitment names another epoch (stale, copied forward, or late).
    WrongEpoch {
        /// The epoch committed.
        committed: u64,
    },
    /// The commitment claims no tiles.
    NoTiles,
    /// A sampled tile had no proof.
    MissingProof {
        /// The tile.
        tile: u64,
    },
    /// A proof did not lead to the committed root.
    BadProof {
        /// The tile.
        tile: u64,
    },
    /// The served digest differs from the recomputed one.
    WrongDigest {
        /// The tile.
        tile: u64,
    },
}

/// A miner's result for the epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinerScore {
    /// The miner's uid.
    pub uid: u16,
    /// Tiles it claimed (0 without a commitment).
    pub tiles_claimed: u64,
    /// Its score: `min(tiles_claimed, max_tiles)` when valid, else 0.
    pub score: u64,
    /// Why.
    pub verdict: Verdict,
}

/// Scores every miner for the epoch `epoch` whose challenge is `challenge`, sampling from
/// `sample_block_hash` (a block after the commit deadline). All sampled tiles of all miners go
/// to `engine` in one call. Results are in the order of `miners`.
pub fn score_epoch(
    engine: &dyn TileEngine,
    challenge: &Challenge,
    epoch: u64,
    sample_block_hash: &BlockHash,
    miners: &[MinerSubmission],
) -> Result<Vec<MinerScore>, EngineError> {
    let mut scores = Vec::with_capacity(miners.len());
    // (miner position, tile, served digest) for each job, in job order.
    let mut checks: Vec<(usize, u64, u64)> = Vec::new();
    let mut jobs: Vec<TileJob> = Vec::new();
    for (position, miner) in miners.iter().enumerate() {
        let tiles_claimed = miner.commitment.map_or(0, |c| c.tile_count);
        let verdict = match check_proofs(challenge, epoch, sample_block_hash, miner) {
            Ok(sampled) => {
                let seeds = challenge.miner(&miner.hotkey);
                for (tile, digest) in sampled {
                    checks.push((position, tile, digest));
                    jobs.push(seeds.job(tile));
                }
                Verdict::Valid
            }
            Err(verdict) => verdict,
        };
        scores.push(MinerScore { uid: miner.uid, tiles_claimed, score: 0, verdict });
    }
    let recomputed = engine.digests(challenge.params(), challenge.b_seed(), &jobs)?;
    if recomputed.len() != jobs.len() {
        return Err(EngineError::Internal {
            engine: engine.name(),
            what: "returned a different number of digests than jobs",
        });
    }
    for ((position, tile, served), fresh) in checks.into_iter().zip(recomputed) {
        if let Some(score) = scores.get_mut(position)
            && served != fresh
            && score.verdict == Verdict::Valid
        {
            score.verdict = Verdict::WrongDigest { tile };
        }
    }
    let max_tiles = challenge.params().max_tiles;
    for score in &mut scores {
        if score.verdict == Verdict::Valid {
            score.score = score.tiles_claimed.min(max_tiles);
        }
    }
    Ok(scores)
}

/// The commitment and Merkle checks of one miner; on success the sampled (tile, served digest).
fn check_proofs(
    challenge: &Challenge,
    epoch: u64,
    sample_block_hash: &BlockHash,
    miner: &MinerSubmission,
) -> Result<Vec<(u64, u64)>, Verdict> {
    let commitment = miner.commitment.ok_or(Verdict::NoCommitment)?;
    if commitment.epoch != epoch {
        return Err(Verdict::WrongEpoch { committed: commitment.epoch });
    }
    if commitment.tile_count == 0 {
        return Err(Verdict::NoTiles);
    }
    let served: HashMap<u64, &TileProof> = miner.proofs.iter().map(|p| (p.tile, p)).collect();
    challenge
        .sample_tiles(sample_block_hash, &miner.hotkey, commitment.tile_count)
        .into_iter()
        .map(|tile| {
            let proof = served.get(&tile).ok_or(Verdict::MissingProof { tile })?;
            if proof.proof.verify(
                &commitment.merkle_root,
                commitment.tile_count,
                tile,
                proof.digest,
            ) {
                Ok((tile, proof.digest))
            } else {
                Err(Verdict::BadProof { tile })
            }
        })
        .collect()
}

/// The weights to set for these scores, as the bittensor SDK computes them ([`weights_u16`]).
pub fn weights_for(scores: &[MinerScore]) -> Result<Vec<(u16, u16)>, WeightsError> {
    weights_u16(&scores.iter().map(|s| (s.uid, s.score)).collect::<Vec<_>>())
}
