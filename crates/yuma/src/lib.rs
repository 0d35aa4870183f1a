//! Yuma Consensus, bit-exact with subtensor.
//!
//! One epoch turns validators' weights and stake into miners' incentive, validators' dividends,
//! new bonds and per-uid emission. This crate computes it exactly as subtensor's
//! `epoch_mechanism` does — same fixed-point types, same rounding at every step — so a node using
//! it agrees with the chain bit for bit. The behaviour is specified in words in `SPEC.md` (the
//! `§` references in the docs point there) and pinned by the upstream-derived cases in
//! `tests/vectors/vectors.json`.
//!
//! * [`fixed`]: `I32F32`/`I64F64` with substrate-fixed 0.6.0 semantics, `exp`, exact reciprocal
//!   division.
//! * [`math`]: the primitives of subtensor's `epoch/math.rs` (reference semantics).
//! * [`epoch()`]: the production (sparse) epoch, optimised; [`epoch_dense`]: the test-only dense
//!   variant; [`epoch_reference`]: a literal transcription used to check the optimised one.
//! * `vectors` (feature `vectors`): runner for test-vector files, behind
//!   `cargo run -p yuma --release --example vectors -- <file.json>`.
//!
//! How exactness is established: the fixed-point operations are compared with `substrate-fixed`
//! itself on random and exhaustive inputs (`tests/it/fixed_equivalence.rs`); every speed trick
//! (reciprocal division, unrolled `exp`, closed-form median, fused passes) is compared with the
//! plain operation it replaces (`tests/it/fast_paths.rs`, `tests/it/epoch_equivalence.rs`); and
//! all cases of the upstream-derived vectors pass bit for bit, intermediates included.
//!
//! ```
//! use yuma::{EpochInput, Hyperparameters, epoch};
//!
//! // Two validators weighting one miner; the first epoch only grants permits.
//! let input = EpochInput {
//!     n: 3,
//!     current_block: 10,
//!     rao_emission: 1_000_000_000,
//!     stake: vec![600, 400, 0],
//!     weights: vec![vec![(2, 65_535)], vec![(2, 65_535)], vec![]],
//!     last_update: vec![9, 9, 0],
//!     validator_permit: vec![true, true, false],
//!     hyperparameters: Hyperparameters::new_subnet(),
//!     ..EpochInput::default()
//! };
//! let out = epoch(&input);
//! assert_eq!(out.incentive[2], 65_535);
//! assert!(out.server_emission[2] + out.validator_emission.iter().sum::<u64>() <= 1_000_000_000);
//! ```
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

mod epoch;
mod error;
pub mod fixed;
mod hyperparameters;
mod input;
pub mod math;
#[cfg(feature = "vectors")]
pub mod vectors;

pub use epoch::{epoch, epoch_dense, epoch_dense_with_trace, epoch_reference, epoch_with_trace};
pub use error::InputError;
pub use fixed::{I32F32, I64F64};
pub use hyperparameters::{DEFAULT_ACTIVITY_CUTOFF_FACTOR_MILLI, Hyperparameters, activity_cutoff};
pub use input::{EpochInput, EpochOutput, EpochTrace, SparseRow, TraceMatrix, Variant};
