//! The reference engine: the definition of a tile digest, written as plainly as possible.
//! Every other engine is tested against it (feature `test-utils`; far too slow for real work).

// The products of two i8 fit an i32 and a sum of at most 2^16 of them too (k ≤ 65536), and the
// row/position arithmetic is bounded by the validated parameters; the plain operators are the
// point of this file.
#![allow(clippy::arithmetic_side_effects)]

use crate::{
    challenge::{
        ChallengeParams, TileJob,
        prng::{a_elem, b_elem, digest_term},
    },
    engine::{TileEngine, check_params},
    error::EngineError,
};

/// The obvious triple loop over the PRNG, element by element.
#[derive(Debug, Clone, Copy, Default)]
pub struct RefEngine;

impl RefEngine {
    /// The digest of one tile.
    pub fn digest(params: &ChallengeParams, b_seed: u64, job: &TileJob) -> u64 {
        let ChallengeParams { k: k_dim, n: n_dim, rows_per_tile, .. } = *params;
        let mut digest = 0u64;
        for r in 0..rows_per_tile {
            for n in 0..n_dim {
                let mut c: i32 = 0;
                for k in 0..k_dim {
                    let a = a_elem(job.a_seed, k_dim, rows_per_tile, job.tile, r, k);
                    let b = b_elem(b_seed, n_dim, k, n);
                    c += i32::from(a) * i32::from(b);
                }
                let position = u64::from(r) * u64::from(n_dim) + u64::from(n);
                digest = digest.wrapping_add(digest_term(job.digest_key, position, c));
            }
        }
        digest
    }
}

impl TileEngine for RefEngine {
    fn name(&self) -> &'static str {
        "reference"
    }

    fn digests(
        &self,
        params: &ChallengeParams,
        b_seed: u64,
        jobs: &[TileJob],
    ) -> Result<Vec<u64>, EngineError> {
        check_params(params)?;
        Ok(jobs.iter().map(|job| Self::digest(params, b_seed, job)).collect())
    }
}
