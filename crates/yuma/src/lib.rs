//! Yuma Consensus, bit-exact with subtensor.
//!
//! One epoch turns validators' weights and stake into miners' incentive, validators' dividends,
//! new bonds and per-uid emission. This crate computes it exactly as subtensor's
//! `epoch_mechanism` does — same fixed-point types, same rounding at every step — so a node using
//! it agrees with the chain bit for bit. The behaviour is specified in words in `SPEC.md` (the
//! `§` references in the docs point there) and pinned by the upstream-derived cases in
//! `tests/vectors/vectors.json`.
//!
//! # Using it from a node
//!
//! The API is one function: [`epoch()`] takes an [`EpochInput`] (one subnet's state, read from
//! storage) and returns an [`EpochOutput`] (what to write back and the rao to pay). It is total
//! — it never fails and never panics, whatever the state — and deterministic across CPUs (the
//! vector kernels give the same bits as the integer ones). Fill the input from subtensor's
//! storage items of the subnet:
//!
//! | `EpochInput` | subtensor storage |
//! |---|---|
//! | `n` | `SubnetworkN` |
//! | `current_block`, `last_mechanism_step_block` | the block, `LastMechansimStepBlock` |
//! | `rao_emission` | the emission accumulated for the subnet since its last epoch |
//! | `stake`, `tao_stake` | stake per uid's hotkey on the subnet; root stake (empty: none) |
//! | `weights`, `bonds` | `Weights`, `Bonds` (one row per uid) |
//! | `last_update`, `block_at_registration`, `validator_permit` | `LastUpdate`, `BlockAtRegistration`, `ValidatorPermit` |
//! | `commit_blocks` | `None` while commit-reveal is off |
//! | `hyperparameters` | [`Hyperparameters`]: `Kappa`, `BondsPenalty`, `Tempo`, …; `activity_cutoff` via [`activity_cutoff()`] |
//!
//! and store the output: `Active`, `ValidatorPermit` (`new_validator_permit`), `Consensus`,
//! `Incentive`, `Dividends`, `ValidatorTrust`, `Emission` (`combined_emission`), `Bonds`; pay
//! `server_emission` (miners' incentive) and `validator_emission` (validators' dividends), whose
//! sum never exceeds `rao_emission`. Per-uid vectors shorter than `n` read as zero-padded;
//! [`EpochInput::validate`] reports an inconsistent input for callers that treat it as a bug.
//!
//! # Test scaffolding (feature `test-utils`)
//!
//! Off for the node, on for this crate's tests, examples and benches (a self dev-dependency):
//!
//! * `fixed`: `I32F32`/`I64F64` with substrate-fixed 0.6.0 semantics, `exp`, exact reciprocal
//!   division (without the feature, private to the epoch);
//! * `math`: the primitives of subtensor's `epoch/math.rs` (reference semantics);
//! * `epoch_with_trace` (the intermediates), `epoch_dense` (the test-only dense variant),
//!   `epoch_reference` (a literal transcription the optimised epoch is checked against);
//! * `vectors`: runner for test-vector files, behind
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
// Without `test-utils` only the epoch uses these; parts serve the reference and dense variants.
#[cfg(feature = "test-utils")]
pub mod fixed;
#[cfg(not(feature = "test-utils"))]
#[allow(dead_code, unreachable_pub, unused_imports)]
mod fixed;
mod hyperparameters;
mod input;
#[cfg(feature = "test-utils")]
pub mod math;
#[cfg(not(feature = "test-utils"))]
#[allow(dead_code, unreachable_pub, unused_imports)]
mod math;
// The production epoch builds a trace only when asked, which only `test-utils` can do.
#[cfg_attr(not(feature = "test-utils"), allow(dead_code, unreachable_pub))]
mod trace;
#[cfg(feature = "test-utils")]
pub mod vectors;

pub use epoch::epoch;
#[cfg(feature = "test-utils")]
pub use epoch::{epoch_dense, epoch_dense_with_trace, epoch_reference, epoch_with_trace};
pub use error::InputError;
#[cfg(feature = "test-utils")]
pub use fixed::{I32F32, I64F64};
pub use hyperparameters::{DEFAULT_ACTIVITY_CUTOFF_FACTOR_MILLI, Hyperparameters, activity_cutoff};
#[cfg(feature = "test-utils")]
pub use input::Variant;
pub use input::{EpochInput, EpochOutput, SparseRow};
#[cfg(feature = "test-utils")]
pub use trace::{EpochTrace, TraceMatrix};
