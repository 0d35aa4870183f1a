//! GPU-scored subnet work: a task whose answers every validator scores to the same bits on any
//! GPU or CPU, so the weights they set agree and Yuma's consensus means something.
//!
//! **The task** (`wtao-gemm-v1`, `shared/research/gpu-scoring.md`): each epoch, every miner
//! computes tiles of C = A·B in INT8×INT8→INT32, where B (K×N) is shared by the epoch and A is
//! the miner's own (R rows per tile, unbounded), both drawn from a counter PRNG seeded by BLAKE3
//! over the epoch's block hash, the netuid, the parameters and (for A) the hotkey. Each tile
//! is reduced to a 64-bit digest (a wrapping sum of `fmix64` over its elements: order-free, so
//! atomics and SIMD give the same bits; nonlinear, so no Freivalds shortcut). The miner commits
//! a Merkle root over its digests; validators sample tiles from a block after the commit
//! deadline, check the proofs, recompute the samples, and score the tile count or 0. Integer
//! arithmetic is exact, so a CPU and any GPU agree bit for bit.
//!
//! ```text
//!  chain: block hash of the epoch's first block ──► Challenge::new(params, netuid, hash)
//!                                                         │ b_seed, miner(hotkey) → seeds
//!  miner:  MinerWork::compute_until(engine, deadline)  ── tiles 0..T ──► digests
//!          MinerWork::seal(epoch) ──► SealedWork: Commitment {epoch, root, T} ──► chain
//!                                          └── proof(tile) ──► served over HTTP (TileProof)
//!  validator: commitments + sample block hash ──► Challenge::sample_tiles ──► fetch proofs
//!          score_epoch(engine, …, &[MinerSubmission])   one engine call for every sample
//!            ──► [MinerScore] ──► weights_for ──► u16 weights (as the bittensor SDK) ──► set_weights
//! ```
//!
//! **Engines** ([`TileEngine`]): [`CpuEngine`] (rayon; B transposed and packed; AVX2 `vpmaddwd`
//! micro-kernel chosen at run time, portable fallback), [`CudaEngine`] (feature `cuda`: a fused
//! `__dp4a` kernel compiled by NVRTC at start-up, driver and NVRTC loaded at run time), and
//! `RefEngine` (feature `test-utils`: the definition as a triple loop). [`select_engine`] takes
//! a [`Scorer`] (`auto|cpu|cuda`, env `WTAO_SCORER` via [`Scorer::from_env`]); `auto` logs the
//! engine it chose and why under the `scoring` tracing target. [`mod@bench`] measures them.
//!
//! **API for the commands.** Miner: [`Challenge::new`] → [`MinerWork::new`] →
//! [`MinerWork::compute_until`] → [`MinerWork::seal`] → publish [`Commitment::to_bytes`];
//! answer requests with [`SealedWork::proofs`]. Validator: read commitments
//! ([`Commitment::from_bytes`]), ask each miner for [`Challenge::sample_tiles`], build
//! [`MinerSubmission`]s, [`score_epoch`], [`weights_for`] → `set_weights`.
//!
//! ```
//! use wtao_scoring::{
//!     BlockHash, Challenge, ChallengeParams, Commitment, CpuEngine, Hotkey, MinerSubmission,
//!     MinerWork, Profile, score_epoch, weights_for,
//! };
//!
//! let challenge = Challenge::new(ChallengeParams::profile(Profile::Ci), 1, BlockHash([7; 32]))?;
//! let engine = CpuEngine::new();
//!
//! // Miner: compute, seal, publish the commitment's bytes.
//! let hotkey = Hotkey([1; 32]);
//! let mut work = MinerWork::new(&challenge, &hotkey);
//! work.compute(&engine, 20)?;
//! let sealed = work.seal(100)?;
//! let on_chain = sealed.commitment().to_bytes();
//!
//! // Validator, after the deadline: sample, fetch proofs, score, weigh.
//! let commitment = Commitment::from_bytes(&on_chain)?;
//! let sample_block = BlockHash([8; 32]);
//! let tiles = challenge.sample_tiles(&sample_block, &hotkey, commitment.tile_count);
//! let proofs = sealed.proofs(&tiles)?; // over HTTP in real life
//! let miners = [MinerSubmission { uid: 0, hotkey, commitment: Some(commitment), proofs }];
//! let scores = score_epoch(&engine, &challenge, 100, &sample_block, &miners)?;
//! assert_eq!(scores[0].score, 20);
//! assert_eq!(weights_for(&scores)?, vec![(0, 65_535)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Feature flags
//! * `cuda` (default): the CUDA engine. Builds anywhere — cudarc with `dynamic-loading` needs no
//!   CUDA toolkit; `libcuda.so.1` and `libnvrtc.so.13` are opened at run time. Without them
//!   [`CudaEngine::try_new`] returns [`EngineError::Unavailable`] with the reason, never panics.
//! * `test-utils`: `RefEngine`, for tests, golden vectors (`examples/gen_vectors.rs`) and benches.
//!
//! # Running on a GPU machine
//! Build here (same x86-64, glibc ≥ 2.34 there) and carry the binaries: `gpu/stage.sh` builds the
//! release `bench` example and the integration-test binary into `crates/scoring/.gpu/`
//! (git-ignored); on the GPU machine `gpu/run.sh` puts the directory of `libnvrtc.so.13` on
//! `LD_LIBRARY_PATH` (`/usr/local/cuda/lib64`, or the `nvidia-cuda-nvrtc` wheel's
//! `nvidia/cu13/lib`; `libcuda.so.1` comes with the driver, usually already on the loader path),
//! runs `cuda_matches_cpu` with `WTAO_REQUIRE_CUDA=1` (so it fails rather than skips) and the
//! benchmark. Use an NVRTC no newer than the driver's CUDA version: newer NVRTC emits PTX the
//! driver refuses to load (the engine says so).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::panic
    )
)]

pub mod bench;
pub mod challenge;
mod commitment;
pub mod engine;
mod error;
mod hex32;
mod merkle;
pub mod miner;
pub mod validator;
mod weights;

pub use challenge::{BlockHash, Challenge, ChallengeParams, Hotkey, MinerSeeds, Profile, TileJob};
pub use commitment::Commitment;
#[cfg(feature = "cuda")]
pub use engine::cuda::CudaEngine;
#[cfg(any(test, feature = "test-utils"))]
pub use engine::reference::RefEngine;
pub use engine::{Scorer, Selected, TileEngine, choose_engine, cpu::CpuEngine, select_engine};
pub use error::{CommitmentError, EngineError, MerkleError, ParamsError, WeightsError};
pub use merkle::{Hash32, MerkleProof, MerkleTree, leaf_hash};
pub use miner::{MinerWork, SealedWork, TileProof};
pub use validator::{MinerScore, MinerSubmission, Verdict, score_epoch, weights_for};
pub use weights::{MAX_EXACT_SCORE, weights_u16};
