//! Shared helpers: a deterministic generator for random parameters and jobs, and the plain
//! tile arithmetic the cheaters use to fake answers.

use wtao_scoring::{
    ChallengeParams, TileJob,
    challenge::prng::{a_elem, b_elem, digest_term, splitmix_mix},
};

/// A tiny deterministic generator (SplitMix64), so every run tests the same cases.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        splitmix_mix(self.0)
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// A tile index: mostly small, sometimes huge (the row arithmetic wraps).
    pub(crate) fn tile(&mut self) -> u64 {
        match self.next() % 4 {
            0 => u64::MAX - self.range(0, 3),
            1 => self.next(),
            _ => self.range(0, 1_000),
        }
    }

    pub(crate) fn job(&mut self) -> TileJob {
        TileJob { a_seed: self.next(), digest_key: self.next(), tile: self.tile() }
    }

    pub(crate) fn jobs(&mut self, n: usize) -> Vec<TileJob> {
        (0..n).map(|_| self.job()).collect()
    }
}

/// C of one tile, computed plainly (row-major R×N).
pub(crate) fn tile_c(params: &ChallengeParams, b_seed: u64, job: &TileJob) -> Vec<i32> {
    let ChallengeParams { k, n, rows_per_tile, .. } = *params;
    let mut c = Vec::with_capacity((rows_per_tile * n) as usize);
    for r in 0..rows_per_tile {
        for col in 0..n {
            let mut sum = 0i32;
            for kk in 0..k {
                let a = a_elem(job.a_seed, k, rows_per_tile, job.tile, r, kk);
                sum += i32::from(a) * i32::from(b_elem(b_seed, n, kk, col));
            }
            c.push(sum);
        }
    }
    c
}

/// The digest of a C given in full.
pub(crate) fn digest_of(key: u64, c: &[i32]) -> u64 {
    c.iter().enumerate().fold(0u64, |d, (pos, &v)| d.wrapping_add(digest_term(key, pos as u64, v)))
}
