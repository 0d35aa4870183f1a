//! The miner's side of an epoch: compute tiles 0, 1, 2, … with an engine until the deadline,
//! seal them into a commitment, then answer proof requests for whichever tiles validators sample.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::{
    challenge::{Challenge, ChallengeParams, Hotkey, MinerSeeds, TileJob},
    commitment::Commitment,
    engine::TileEngine,
    error::{EngineError, MerkleError},
    merkle::{MerkleProof, MerkleTree},
};

/// A tile's digest with the proof that it is leaf `tile` of a committed tree: what a miner
/// serves and a validator checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TileProof {
    /// Tile index (the leaf).
    pub tile: u64,
    /// The tile's digest.
    pub digest: u64,
    /// Inclusion proof against the committed root.
    pub proof: MerkleProof,
}

/// Tiles computed so far for one epoch by one hotkey.
#[derive(Debug, Clone)]
pub struct MinerWork {
    params: ChallengeParams,
    b_seed: u64,
    seeds: MinerSeeds,
    digests: Vec<u64>,
}

impl MinerWork {
    /// No tiles yet, for `hotkey` in `challenge`.
    pub fn new(challenge: &Challenge, hotkey: &Hotkey) -> Self {
        Self {
            params: *challenge.params(),
            b_seed: challenge.b_seed(),
            seeds: challenge.miner(hotkey),
            digests: Vec::new(),
        }
    }

    /// Tiles computed.
    pub fn tile_count(&self) -> u64 {
        self.digests.len() as u64
    }

    /// Tiles that would still count (up to `max_tiles`).
    pub fn remaining(&self) -> u64 {
        self.params.max_tiles.saturating_sub(self.tile_count())
    }

    /// The digests so far, tile 0 first.
    pub fn digests(&self) -> &[u64] {
        &self.digests
    }

    /// Computes the next `count` tiles in one engine call (fewer when `max_tiles` is reached);
    /// returns how many were added.
    pub fn compute(&mut self, engine: &dyn TileEngine, count: u64) -> Result<u64, EngineError> {
        let count = count.min(self.remaining());
        let first = self.tile_count();
        let jobs: Vec<TileJob> =
            (first..first.saturating_add(count)).map(|t| self.seeds.job(t)).collect();
        let digests = engine.digests(&self.params, self.b_seed, &jobs)?;
        if digests.len() != jobs.len() {
            return Err(EngineError::Internal {
                engine: engine.name(),
                what: "returned a different number of digests than jobs",
            });
        }
        self.digests.extend(digests);
        Ok(count)
    }

    /// Computes batches of `batch` tiles while the next batch is expected to finish before
    /// `deadline` (judged by the last batch's time); returns the tiles added. Stops at
    /// `max_tiles`.
    pub fn compute_until(
        &mut self,
        engine: &dyn TileEngine,
        deadline: Instant,
        batch: u64,
    ) -> Result<u64, EngineError> {
        let batch = batch.max(1);
        let mut added = 0u64;
        let mut last = Duration::ZERO;
        loop {
            let now = Instant::now();
            if self.remaining() == 0 || now.checked_add(last).is_none_or(|end| end > deadline) {
                return Ok(added);
            }
            added = added.saturating_add(self.compute(engine, batch)?);
            last = now.elapsed();
        }
    }

    /// Builds the Merkle tree and the commitment for `epoch`.
    pub fn seal(self, epoch: u64) -> Result<SealedWork, MerkleError> {
        SealedWork::from_digests(epoch, self.digests)
    }
}

/// Committed work: the commitment to publish and the tree to prove tiles from.
#[derive(Debug, Clone)]
pub struct SealedWork {
    commitment: Commitment,
    tree: MerkleTree,
    digests: Vec<u64>,
}

impl SealedWork {
    /// The tree over `digests` (tile `i`'s digest at index `i`) and the commitment naming
    /// `epoch`: what [`MinerWork::seal`] does with the digests it computed. Public so that a
    /// test miner can commit digests no engine produced (the devnet's cheating miners).
    pub fn from_digests(epoch: u64, digests: Vec<u64>) -> Result<Self, MerkleError> {
        let tree = MerkleTree::new(&digests)?;
        let commitment =
            Commitment { epoch, merkle_root: tree.root(), tile_count: tree.leaf_count() };
        Ok(Self { commitment, tree, digests })
    }

    /// What to put on chain.
    pub fn commitment(&self) -> Commitment {
        self.commitment
    }

    /// The proof for `tile`.
    pub fn proof(&self, tile: u64) -> Result<TileProof, MerkleError> {
        let count = self.tree.leaf_count();
        let digest = usize::try_from(tile)
            .ok()
            .and_then(|i| self.digests.get(i))
            .copied()
            .ok_or(MerkleError::IndexOutOfRange { index: tile, count })?;
        Ok(TileProof { tile, digest, proof: self.tree.proof(tile)? })
    }

    /// The proofs for `tiles`, in order (a validator's request).
    pub fn proofs(&self, tiles: &[u64]) -> Result<Vec<TileProof>, MerkleError> {
        tiles.iter().map(|&t| self.proof(t)).collect()
    }
}
