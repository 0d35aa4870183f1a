//! A miner's committed work as it serves it, and the dishonest modes the end-to-end test runs.

use std::{fmt, str::FromStr};

use serde::Serialize;
use wtao_scoring::{Commitment, MerkleError, MerkleTree, TileProof};

/// How a miner behaves. Only [`Mode::Honest`] is for real use; the others exist so the devnet
/// test can show that cheating earns nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Commits exactly the tiles it computed.
    #[default]
    Honest,
    /// Claims [`LAZY_FACTOR`]× the tiles it computed; the tiles it did not compute get made-up
    /// digests (a sample landing on one fails).
    Lazy,
    /// Computes honestly but flips the low bit of every digest before building the tree: its
    /// proofs verify against its root, the recomputed digests do not match.
    Lying,
}

/// How many times more tiles a [`Mode::Lazy`] miner claims than it computed. With s sampled
/// tiles it passes with probability about (1/10)^s (10^-4 on the ci profile's s = 4).
pub const LAZY_FACTOR: u64 = 10;

impl Mode {
    /// The name as `--mode` spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Honest => "honest",
            Self::Lazy => "lazy",
            Self::Lying => "lying",
        }
    }

    /// The digests this miner commits to, from the ones it computed.
    pub fn digests(self, computed: &[u64]) -> Vec<u64> {
        match self {
            Self::Honest => computed.to_vec(),
            Self::Lying => computed.iter().map(|d| d ^ 1).collect(),
            Self::Lazy => {
                let claimed = computed.len().saturating_mul(LAZY_FACTOR as usize);
                let fake = (computed.len()..claimed).map(|i| (i as u64).wrapping_mul(0x9E37_79B9));
                computed.iter().copied().chain(fake).collect()
            }
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Honest, Self::Lazy, Self::Lying]
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown mode `{s}`: honest, lazy or lying"))
    }
}

/// Work committed for one epoch: the commitment and the tree its proofs come from.
///
/// Built from digests the same way [`wtao_scoring::MinerWork::seal`] builds
/// [`wtao_scoring::SealedWork`] (a test checks they agree), so that the dishonest modes can
/// commit digests no engine produced.
#[derive(Clone, Debug)]
pub struct ServedWork {
    commitment: Commitment,
    tree: MerkleTree,
    digests: Vec<u64>,
}

impl ServedWork {
    /// The tree over `digests` and the commitment naming `epoch`.
    pub fn new(epoch: u64, digests: Vec<u64>) -> Result<Self, MerkleError> {
        let tree = MerkleTree::new(&digests)?;
        let commitment =
            Commitment { epoch, merkle_root: tree.root(), tile_count: tree.leaf_count() };
        Ok(Self { commitment, tree, digests })
    }

    /// What goes on chain.
    pub fn commitment(&self) -> Commitment {
        self.commitment
    }

    /// The proofs of `tiles`, in order.
    pub fn proofs(&self, tiles: &[u64]) -> Result<Vec<TileProof>, MerkleError> {
        tiles
            .iter()
            .map(|&tile| {
                let count = self.tree.leaf_count();
                let digest = usize::try_from(tile)
                    .ok()
                    .and_then(|i| self.digests.get(i))
                    .copied()
                    .ok_or(MerkleError::IndexOutOfRange { index: tile, count })?;
                Ok(TileProof { tile, digest, proof: self.tree.proof(tile)? })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use wtao_scoring::{
        BlockHash, Challenge, ChallengeParams, CpuEngine, Hotkey, MinerWork, Profile,
    };

    use super::*;

    #[test]
    fn honest_work_is_what_the_scoring_crate_seals() {
        let challenge =
            Challenge::new(ChallengeParams::profile(Profile::Ci), 1, BlockHash([3; 32])).unwrap();
        let mut work = MinerWork::new(&challenge, &Hotkey([9; 32]));
        work.compute(&CpuEngine::new(), 13).unwrap();
        let served = ServedWork::new(77, Mode::Honest.digests(work.digests())).unwrap();
        let sealed = work.seal(77).unwrap();
        assert_eq!(served.commitment(), sealed.commitment());
        let tiles = [0, 5, 12];
        assert_eq!(served.proofs(&tiles).unwrap(), sealed.proofs(&tiles).unwrap());
        assert!(served.proofs(&[13]).is_err());
    }

    #[test]
    fn dishonest_modes() {
        let computed = [10u64, 20, 30];
        assert_eq!(Mode::Lying.digests(&computed), [11, 21, 31]);
        let lazy = Mode::Lazy.digests(&computed);
        assert_eq!(lazy.len(), 30);
        assert_eq!(lazy[..3], computed);
        assert_eq!("LAZY".parse::<Mode>(), Ok(Mode::Lazy));
        assert!("greedy".parse::<Mode>().unwrap_err().contains("honest, lazy or lying"));
    }
}
