//! The challenge of one epoch: seeds derived from chain data, the tiles they define, and which
//! tiles a validator samples.
//!
//! Every seed is the first 8 bytes (little-endian) of a BLAKE3 hash in key-derivation mode, with
//! a context string per purpose (all starting with the task tag `wtao-gemm-v1`) over
//! fixed-length fields: the [`ChallengeParams`] encoding, the netuid (u16 LE), the epoch's block
//! hash and, where the seed is per miner, the miner's hotkey. Fixed lengths mean no two inputs
//! share an encoding; distinct contexts mean no two purposes share a seed.

mod params;
pub mod prng;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use params::{
    ChallengeParams, MAX_B_ELEMENTS, MAX_K, MAX_N, MAX_ROWS_PER_TILE, MAX_SAMPLES, MAX_TILES,
    Profile,
};

use crate::error::ParamsError;

/// The task tag: the name and version of the work, the prefix of every key-derivation context.
pub const TASK_TAG: &str = "wtao-gemm-v1";

const CONTEXT_B_SEED: &str = "wtao-gemm-v1 seed B";
const CONTEXT_A_SEED: &str = "wtao-gemm-v1 seed A";
const CONTEXT_DIGEST_KEY: &str = "wtao-gemm-v1 digest key";
const CONTEXT_SAMPLE_SEED: &str = "wtao-gemm-v1 sample seed";

/// A 32-byte block hash (the chain's `H256`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BlockHash(pub [u8; 32]);

/// A miner's 32-byte hotkey (the sr25519 public key, the chain's `AccountId32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hotkey(pub [u8; 32]);

impl From<[u8; 32]> for BlockHash {
    fn from(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl From<[u8; 32]> for Hotkey {
    fn from(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

/// One tile to compute: which miner's A (by its seeds) and which tile of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileJob {
    /// Seed of the miner's A.
    pub a_seed: u64,
    /// Key of the miner's tile digests.
    pub digest_key: u64,
    /// Tile index: rows `tile·R .. tile·R + R` of A.
    pub tile: u64,
}

/// The per-miner seeds of an epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MinerSeeds {
    /// Seed of the miner's A (so a copied answer is wrong for the copier).
    pub a_seed: u64,
    /// Key mixed into each digest term.
    pub digest_key: u64,
}

impl MinerSeeds {
    /// The job computing tile `tile` of this miner.
    pub const fn job(&self, tile: u64) -> TileJob {
        TileJob { a_seed: self.a_seed, digest_key: self.digest_key, tile }
    }
}

/// One epoch's challenge on one subnet: the parameters, the chain data the seeds come from, and
/// the shared B seed.
///
/// Miners and validators build it from the same three values — parameters, netuid and the hash
/// of the block that opens the epoch — so they agree on every tile without talking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    params: ChallengeParams,
    netuid: u16,
    block_hash: BlockHash,
    b_seed: u64,
}

impl Challenge {
    /// The challenge drawn from `block_hash` (the block that opens the epoch) on subnet `netuid`.
    pub fn new(
        params: ChallengeParams,
        netuid: u16,
        block_hash: BlockHash,
    ) -> Result<Self, ParamsError> {
        params.validate()?;
        let b_seed = derive_seed(CONTEXT_B_SEED, &params, netuid, &block_hash, &[]);
        Ok(Self { params, netuid, block_hash, b_seed })
    }

    /// The parameters.
    pub const fn params(&self) -> &ChallengeParams {
        &self.params
    }

    /// The subnet.
    pub const fn netuid(&self) -> u16 {
        self.netuid
    }

    /// The block hash the challenge was drawn from.
    pub const fn block_hash(&self) -> &BlockHash {
        &self.block_hash
    }

    /// Seed of B, shared by every miner of the epoch.
    pub const fn b_seed(&self) -> u64 {
        self.b_seed
    }

    /// The seeds of `hotkey`'s A and digests.
    pub fn miner(&self, hotkey: &Hotkey) -> MinerSeeds {
        let a_seed =
            derive_seed(CONTEXT_A_SEED, &self.params, self.netuid, &self.block_hash, &[&hotkey.0]);
        let digest_key = derive_seed(
            CONTEXT_DIGEST_KEY,
            &self.params,
            self.netuid,
            &self.block_hash,
            &[&hotkey.0],
        );
        MinerSeeds { a_seed, digest_key }
    }

    /// The tiles of `hotkey`'s commitment of `tile_count` tiles that a validator checks, drawn
    /// from `sample_block_hash` (a block after the commit deadline, so no miner knows it when
    /// committing). Sorted, distinct; all tiles when there are no more than `samples`.
    ///
    /// Sampling is without replacement (Floyd's algorithm over the counter PRNG), and the index
    /// range is the committed count, not the capped one: a tree is checked as committed.
    pub fn sample_tiles(
        &self,
        sample_block_hash: &BlockHash,
        hotkey: &Hotkey,
        tile_count: u64,
    ) -> Vec<u64> {
        let samples = u64::from(self.params.samples);
        if tile_count <= samples {
            return (0..tile_count).collect();
        }
        let seed = derive_seed(
            CONTEXT_SAMPLE_SEED,
            &self.params,
            self.netuid,
            &self.block_hash,
            &[&sample_block_hash.0, &hotkey.0],
        );
        let mut chosen = BTreeSet::new();
        let first = tile_count.wrapping_sub(samples);
        for (draw, j) in (first..tile_count).enumerate() {
            let x = prng::prng_word(seed, draw as u64);
            // Uniform in 0..=j by multiply-high (bias below (j+1)/2^64, and deterministic).
            let t = (u128::from(x).wrapping_mul(u128::from(j).wrapping_add(1)) >> 64) as u64;
            if !chosen.insert(t) {
                chosen.insert(j);
            }
        }
        chosen.into_iter().collect()
    }
}

/// First 8 bytes (LE) of BLAKE3-derive-key(`context`, params ‖ netuid ‖ block hash ‖ extra…).
fn derive_seed(
    context: &str,
    params: &ChallengeParams,
    netuid: u16,
    block_hash: &BlockHash,
    extra: &[&[u8; 32]],
) -> u64 {
    let mut hasher = blake3::Hasher::new_derive_key(context);
    hasher.update(&params.encode());
    hasher.update(&netuid.to_le_bytes());
    hasher.update(&block_hash.0);
    for part in extra {
        hasher.update(part.as_slice());
    }
    let mut out = [0u8; 8];
    hasher.finalize_xof().fill(&mut out);
    u64::from_le_bytes(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge() -> Challenge {
        Challenge::new(ChallengeParams::profile(Profile::Ci), 1, BlockHash([7; 32])).unwrap()
    }

    #[test]
    fn every_input_changes_the_seeds() {
        let base = challenge();
        let hk = Hotkey([1; 32]);
        let others = [
            Challenge::new(*base.params(), 2, BlockHash([7; 32])).unwrap(),
            Challenge::new(*base.params(), 1, BlockHash([8; 32])).unwrap(),
            Challenge::new(ChallengeParams { samples: 5, ..*base.params() }, 1, BlockHash([7; 32]))
                .unwrap(),
        ];
        for other in &others {
            assert_ne!(other.b_seed(), base.b_seed());
            assert_ne!(other.miner(&hk), base.miner(&hk));
        }
        assert_ne!(base.miner(&hk), base.miner(&Hotkey([2; 32])));
        let seeds = base.miner(&hk);
        assert_ne!(seeds.a_seed, seeds.digest_key, "purposes are domain-separated");
        assert_ne!(seeds.a_seed, base.b_seed());
    }

    #[test]
    fn samples_are_sorted_distinct_in_range_and_depend_on_the_sample_block() {
        let c = challenge();
        let hk = Hotkey([3; 32]);
        let s = c.params().samples as usize;
        for count in [1u64, 4, 5, 6, 10, 1_000, u64::MAX] {
            let picked = c.sample_tiles(&BlockHash([9; 32]), &hk, count);
            assert_eq!(picked.len(), s.min(count as usize));
            assert!(picked.windows(2).all(|w| w[0] < w[1]), "{picked:?}");
            assert!(picked.iter().all(|&t| t < count));
        }
        assert_eq!(c.sample_tiles(&BlockHash([9; 32]), &hk, 0), Vec::<u64>::new());
        let a = c.sample_tiles(&BlockHash([9; 32]), &hk, 1_000_000);
        let b = c.sample_tiles(&BlockHash([10; 32]), &hk, 1_000_000);
        let d = c.sample_tiles(&BlockHash([9; 32]), &Hotkey([4; 32]), 1_000_000);
        assert_ne!(a, b);
        assert_ne!(a, d);
    }

    #[test]
    fn sampling_covers_every_tile_over_many_blocks() {
        // Floyd's algorithm must reach every index, including the last ones it inserts as `j`.
        let c = challenge();
        let count = 12u64;
        let mut seen = [0u32; 12];
        for i in 0..600u32 {
            let mut h = [0u8; 32];
            h[..4].copy_from_slice(&i.to_le_bytes());
            for t in c.sample_tiles(&BlockHash(h), &Hotkey([5; 32]), count) {
                seen[t as usize] += 1;
            }
        }
        // Each tile is picked with probability 4/12: 200 of 600 expected.
        assert!(seen.iter().all(|&n| (140..260).contains(&n)), "{seen:?}");
    }
}
