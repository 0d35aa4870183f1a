//! GPU-scored subnet work (docs: see below).
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
pub use engine::{Scorer, TileEngine, cpu::CpuEngine, select_engine};
pub use error::{CommitmentError, EngineError, MerkleError, ParamsError, WeightsError};
pub use merkle::{Hash32, MerkleProof, MerkleTree, leaf_hash};
pub use miner::{MinerWork, SealedWork, TileProof};
pub use validator::{MinerScore, MinerSubmission, Verdict, score_epoch, weights_for};
pub use weights::{MAX_EXACT_SCORE, weights_u16};
