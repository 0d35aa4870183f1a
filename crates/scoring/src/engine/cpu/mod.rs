//! The CPU engine: rayon across tiles and column chunks, B transposed so every dot product reads
//! two contiguous rows, packed panels, and an AVX2 micro-kernel picked at run time.
//!
//! Per epoch, B is generated once as Bᵀ (N rows of K, i16, zero-padded) and cached; per tile, A
//! is generated as R rows of K. Both are stored packed for the 3×3 micro-kernel (see
//! `kernel.rs`): rows in groups of 3, each group one contiguous panel that interleaves its rows
//! 16 k at a time, so the kernel reads two sequential streams. (Unpacked, the rows it reads sit
//! 8 KiB apart at K = 4096 and fight over the same L1 sets.)
//!
//! A tile's columns are split into chunks of [`COLS_PER_CHUNK`] (the parallel work items). A
//! chunk walks K in blocks of [`K_BLOCK`] (one block up to K = 4096: with packed panels the
//! hardware prefetchers stream them well, and fewer blocks mean fewer partial sums to reduce);
//! for each group of 3 rows of A (one panel, L1) it runs the kernel against the chunk's Bᵀ
//! panels (8 × 24 KiB at K = 4096, L2), accumulates C in i32, and folds the chunk's C into the
//! digest at the end. A tile's digest is the wrapping sum of its chunks' digests, so the split
//! changes no bit.
//!
//! Measured on the 2-core development machine (AMD EPYC, AVX2, no AVX-512): about two thirds of
//! the exact AVX2 multiply-accumulate ceiling (`bench::measure_cpu_peak`); the crate README has
//! the figures.

// Loop bounds and indices are products of validated parameters (k, n ≤ 65536, R ≤ 4096, and
// buffers sized from them), so the plain operators cannot overflow; slices are reached with
// `get`, and a miss is reported as an internal error rather than a panic.
#![allow(clippy::arithmetic_side_effects)]

mod kernel;

use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use self::kernel::{K_STEP, Kernel, MR, NR};
use crate::{
    challenge::{
        ChallengeParams, TileJob,
        prng::{digest_term, prng_word},
    },
    engine::{TileEngine, check_params},
    error::EngineError,
};

/// Elements of K per block (a multiple of 16).
pub const K_BLOCK: usize = 4096;
/// Columns per parallel work item (a multiple of the micro-kernel's 3).
pub const COLS_PER_CHUNK: usize = 24;

const ENGINE: &str = "cpu";

/// The CPU engine. Cheap to construct; B is built on first use for an epoch and kept.
#[derive(Debug)]
pub struct CpuEngine {
    kernel: Kernel,
    b_cache: Mutex<Option<Arc<PreparedB>>>,
}

impl Default for CpuEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl CpuEngine {
    /// The engine with the best micro-kernel this CPU runs (AVX2 when present).
    pub fn new() -> Self {
        Self::with_kernel(Kernel::detect())
    }

    /// The engine with the portable micro-kernel only (to compare against, and to measure what
    /// the SIMD path buys).
    pub fn baseline() -> Self {
        Self::with_kernel(Kernel::Portable)
    }

    fn with_kernel(kernel: Kernel) -> Self {
        Self { kernel, b_cache: Mutex::new(None) }
    }

    /// The micro-kernel in use: `avx2` or `baseline`.
    pub fn simd(&self) -> &'static str {
        self.kernel.name()
    }

    /// Builds (or finds) Bᵀ for this epoch; the first `digests` call of an epoch does this
    /// itself, and a benchmark calls it first to time the tiles alone.
    pub fn prepare(&self, params: &ChallengeParams, b_seed: u64) -> Result<(), EngineError> {
        check_params(params)?;
        self.prepared_b(params, b_seed).map(drop)
    }

    fn prepared_b(
        &self,
        params: &ChallengeParams,
        b_seed: u64,
    ) -> Result<Arc<PreparedB>, EngineError> {
        let mut cache = self.b_cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(b) = cache.as_ref().filter(|b| b.matches(params, b_seed)) {
            return Ok(Arc::clone(b));
        }
        let b = Arc::new(PreparedB::new(params, b_seed)?);
        *cache = Some(Arc::clone(&b));
        Ok(b)
    }
}

impl TileEngine for CpuEngine {
    fn name(&self) -> &'static str {
        ENGINE
    }

    fn description(&self) -> String {
        format!("cpu ({}, {} threads)", self.kernel.name(), rayon::current_num_threads())
    }

    fn digests(
        &self,
        params: &ChallengeParams,
        b_seed: u64,
        jobs: &[TileJob],
    ) -> Result<Vec<u64>, EngineError> {
        check_params(params)?;
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let b = self.prepared_b(params, b_seed)?;
        let geometry = Geometry::new(params);
        let kernel = self.kernel;
        jobs.par_iter()
            .map(|job| {
                let a = generate_a(&geometry, job);
                (0..geometry.padded_n)
                    .into_par_iter()
                    .step_by(COLS_PER_CHUNK)
                    .map(|c0| {
                        let c1 = (c0 + COLS_PER_CHUNK).min(geometry.padded_n);
                        chunk_digest(kernel, &geometry, &a, &b, job.digest_key, c0, c1)
                    })
                    .try_reduce(|| 0, |x, y| Ok(x.wrapping_add(y)))
            })
            .collect()
    }
}

/// Sizes of one tile's buffers, derived from the parameters.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    k: usize,
    n: usize,
    rows: usize,
    /// K rounded up to the SIMD step (zeros beyond K).
    padded_k: usize,
    /// R rounded up to the micro-kernel's rows (zero rows beyond R).
    padded_rows: usize,
    /// N rounded up to the micro-kernel's columns (zero columns beyond N).
    padded_n: usize,
}

impl Geometry {
    fn new(params: &ChallengeParams) -> Self {
        let (k, n, rows) = (params.k as usize, params.n as usize, params.rows_per_tile as usize);
        Self {
            k,
            n,
            rows,
            padded_k: k.next_multiple_of(K_STEP),
            padded_rows: rows.next_multiple_of(MR),
            padded_n: n.next_multiple_of(NR),
        }
    }
}

/// Bᵀ for one epoch: column `n` of B is row `n` of Bᵀ, widened to i16 and packed in panels of
/// [`NR`] rows.
#[derive(Debug)]
struct PreparedB {
    k: u32,
    n: u32,
    b_seed: u64,
    /// `padded_n / NR` panels of `padded_k · NR`.
    packed: Vec<i16>,
}

impl PreparedB {
    fn new(params: &ChallengeParams, b_seed: u64) -> Result<Self, EngineError> {
        let g = Geometry::new(params);
        let mut packed = vec![0i16; g.padded_n * g.padded_k];
        // Columns in groups of GROUP panels: for each k, one run of the stream gives the group's
        // B[k][n0..n1]; the group's columns are collected, then packed.
        const GROUP: usize = 22;
        packed.par_chunks_mut(GROUP * NR * g.padded_k).enumerate().for_each(|(group, panels)| {
            let n0 = group * GROUP * NR;
            let width = (GROUP * NR).min(g.n.saturating_sub(n0));
            let mut columns = vec![0i16; width * g.padded_k];
            let mut run = vec![0i16; width];
            for k in 0..g.k {
                fill_stream(b_seed, (k as u64) * (g.n as u64) + n0 as u64, &mut run);
                for (column, &value) in columns.chunks_exact_mut(g.padded_k).zip(&run) {
                    if let Some(slot) = column.get_mut(k) {
                        *slot = value;
                    }
                }
            }
            for (j, column) in columns.chunks_exact(g.padded_k).enumerate() {
                if let Some(panel) = panels.chunks_exact_mut(NR * g.padded_k).nth(j / NR) {
                    pack_row(panel, j % NR, NR, column);
                }
            }
        });
        Ok(Self { k: params.k, n: params.n, b_seed, packed })
    }

    fn matches(&self, params: &ChallengeParams, b_seed: u64) -> bool {
        self.k == params.k && self.n == params.n && self.b_seed == b_seed
    }
}

/// Writes `row` (padded_k long) as row `i` of a panel of `rows` rows.
fn pack_row(panel: &mut [i16], i: usize, rows: usize, row: &[i16]) {
    for (step, src) in panel.chunks_exact_mut(rows * K_STEP).zip(row.chunks_exact(K_STEP)) {
        if let Some(dst) = step.get_mut(i * K_STEP..(i + 1) * K_STEP) {
            dst.copy_from_slice(src);
        }
    }
}

/// `out[i] = prng_i8(seed, start + i)` widened to i16, one PRNG word per 8 elements.
fn fill_stream(seed: u64, start: u64, out: &mut [i16]) {
    let mut idx = start;
    let mut rest = out;
    // Up to the next word boundary one element at a time, then whole words.
    while idx & 7 != 0 {
        let Some((slot, tail)) = rest.split_first_mut() else { return };
        *slot = i16::from(crate::challenge::prng::prng_i8(seed, idx));
        idx = idx.wrapping_add(1);
        rest = tail;
    }
    let mut words = rest.chunks_exact_mut(8);
    for chunk in &mut words {
        let word = prng_word(seed, idx >> 3).to_le_bytes();
        for (slot, byte) in chunk.iter_mut().zip(word) {
            *slot = i16::from(byte as i8);
        }
        idx = idx.wrapping_add(8);
    }
    let word = prng_word(seed, idx >> 3).to_le_bytes();
    for (slot, byte) in words.into_remainder().iter_mut().zip(word) {
        *slot = i16::from(byte as i8);
    }
}

/// The tile's A, packed in panels of [`MR`] rows (`padded_rows / MR` panels of `padded_k · MR`),
/// zeros in the padding.
fn generate_a(g: &Geometry, job: &TileJob) -> Vec<i16> {
    let mut a = vec![0i16; g.padded_rows * g.padded_k];
    let mut row = vec![0i16; g.padded_k];
    let first_row = job.tile.wrapping_mul(g.rows as u64);
    for r in 0..g.rows {
        let start = first_row.wrapping_add(r as u64).wrapping_mul(g.k as u64);
        if let Some(values) = row.get_mut(..g.k) {
            fill_stream(job.a_seed, start, values);
        }
        if let Some(panel) = a.chunks_exact_mut(MR * g.padded_k).nth(r / MR) {
            pack_row(panel, r % MR, MR, &row);
        }
    }
    a
}

fn internal(what: &'static str) -> EngineError {
    EngineError::Internal { engine: ENGINE, what }
}

/// Digest share of columns `c0..c1` (in padded column space, multiples of [`NR`]) of one tile.
fn chunk_digest(
    kernel: Kernel,
    g: &Geometry,
    a: &[i16],
    b: &PreparedB,
    digest_key: u64,
    c0: usize,
    c1: usize,
) -> Result<u64, EngineError> {
    let width = c1 - c0;
    let k_steps = g.padded_k / K_STEP;
    let block_steps = K_BLOCK / K_STEP;
    let mut acc = vec![0i32; g.padded_rows * width];
    for kb in (0..k_steps).step_by(block_steps) {
        let steps = block_steps.min(k_steps - kb);
        for i0 in (0..g.padded_rows).step_by(MR) {
            let start = (i0 / MR * k_steps + kb) * MR * K_STEP;
            let a_panel = a
                .get(start..start + steps * MR * K_STEP)
                .ok_or_else(|| internal("A panel out of bounds"))?;
            for j0 in (0..width).step_by(NR) {
                let start = ((c0 + j0) / NR * k_steps + kb) * NR * K_STEP;
                let b_panel = b
                    .packed
                    .get(start..start + steps * NR * K_STEP)
                    .ok_or_else(|| internal("B panel out of bounds"))?;
                let block = kernel.micro(a_panel, b_panel, steps);
                for (i, block_row) in block.iter().enumerate() {
                    let row_start = (i0 + i) * width + j0;
                    let acc_row = acc
                        .get_mut(row_start..row_start + NR)
                        .ok_or_else(|| internal("accumulator out of bounds"))?;
                    for (slot, v) in acc_row.iter_mut().zip(block_row) {
                        *slot = slot.wrapping_add(*v);
                    }
                }
            }
        }
    }
    let mut digest = 0u64;
    let valid_cols = g.n.saturating_sub(c0).min(width);
    for (r, acc_row) in acc.chunks_exact(width).take(g.rows).enumerate() {
        for (j, &c) in acc_row.iter().take(valid_cols).enumerate() {
            let position = (r * g.n + c0 + j) as u64;
            digest = digest.wrapping_add(digest_term(digest_key, position, c));
        }
    }
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::prng::prng_i8;

    #[test]
    fn fill_stream_is_the_prng_from_any_offset() {
        for start in [0u64, 1, 5, 7, 8, 13, u64::MAX - 20] {
            for len in [0usize, 1, 7, 8, 9, 31] {
                let mut out = vec![0i16; len];
                fill_stream(99, start, &mut out);
                let want: Vec<i16> = (0..len as u64)
                    .map(|i| i16::from(prng_i8(99, start.wrapping_add(i))))
                    .collect();
                assert_eq!(out, want, "start {start} len {len}");
            }
        }
    }

    /// All inputs −128 (the extreme the SIMD path must not saturate on): every C element is
    /// K·16384, for every kernel, across K blocks, column chunks and padding.
    #[test]
    fn all_minus_128_is_exact() {
        for (k, n, rows) in [(40usize, 7usize, 5usize), (K_BLOCK + 40, 50, 4)] {
            let params = ChallengeParams {
                k: k as u32,
                n: n as u32,
                rows_per_tile: rows as u32,
                samples: 1,
                max_tiles: 1,
            };
            let g = Geometry::new(&params);
            let mut full = vec![0i16; g.padded_k];
            full[..k].fill(-128);
            let mut packed = vec![0i16; g.padded_n * g.padded_k];
            for j in 0..n {
                let panel = packed.chunks_exact_mut(NR * g.padded_k).nth(j / NR).unwrap();
                pack_row(panel, j % NR, NR, &full);
            }
            let b = PreparedB { k: params.k, n: params.n, b_seed: 0, packed };
            let mut a = vec![0i16; g.padded_rows * g.padded_k];
            for r in 0..rows {
                let panel = a.chunks_exact_mut(MR * g.padded_k).nth(r / MR).unwrap();
                pack_row(panel, r % MR, MR, &full);
            }
            let c = (k as i32) * 128 * 128;
            let want =
                (0..rows * n).fold(0u64, |d, pos| d.wrapping_add(digest_term(7, pos as u64, c)));
            for kernel in [Kernel::detect(), Kernel::Portable] {
                let got = (0..g.padded_n).step_by(COLS_PER_CHUNK).fold(0u64, |d, c0| {
                    let c1 = (c0 + COLS_PER_CHUNK).min(g.padded_n);
                    d.wrapping_add(chunk_digest(kernel, &g, &a, &b, 7, c0, c1).unwrap())
                });
                assert_eq!(got, want, "{kernel:?} k={k} n={n} rows={rows}");
            }
        }
    }
}
