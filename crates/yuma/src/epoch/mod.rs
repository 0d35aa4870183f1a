//! The epoch: from an [`EpochInput`] to an [`EpochOutput`] (SPEC §3–§5, §8).
//!
//! ```text
//!  stake ──► normalise ──► permits ──► active stake ─────────────┐
//!  weights ─► mask (permit, diagonal, outdated, commit-reveal) ──► row-normalise = W
//!  W, active stake ──► weighted median = consensus ──► clip = Wc ──► trust, ranks ──► incentive
//!  W, Wc ──► interpolate(bonds_penalty) ──► bond EMA (original Yuma or Yuma3 [+ liquid alpha])
//!       ──► dividends ──► emission split ──► rao per uid; new bonds, new permits
//! ```

mod common;
mod csr;
#[cfg(feature = "test-utils")]
mod dense;
#[cfg(feature = "test-utils")]
mod reference;
mod sparse;

#[cfg(feature = "test-utils")]
pub use dense::epoch_dense_with_trace;
#[cfg(feature = "test-utils")]
pub use reference::epoch_reference;

use crate::input::{EpochInput, EpochOutput};
#[cfg(feature = "test-utils")]
use crate::trace::{EpochTrace, TraceMatrix};

/// The production epoch (`epoch_mechanism`, sparse matrices), bit-exact with subtensor.
#[must_use]
pub fn epoch(input: &EpochInput) -> EpochOutput {
    sparse::run(input, false).0
}

/// [`epoch()`] plus its intermediate I32F32 values.
#[cfg(feature = "test-utils")]
#[must_use]
pub fn epoch_with_trace(input: &EpochInput) -> (EpochOutput, EpochTrace) {
    match sparse::run(input, true) {
        (output, Some(trace)) => (output, trace),
        // `run` always builds the trace when asked; fall back to the literal path regardless.
        (_, None) => epoch_reference(input),
    }
}

/// The dense variant (`epoch_dense_mechanism`, SPEC §8), as used by subtensor's tests. Uses
/// `O(n²)` memory.
#[cfg(feature = "test-utils")]
#[must_use]
pub fn epoch_dense(input: &EpochInput) -> EpochOutput {
    epoch_dense_with_trace(input).0
}

/// Output and trace of a subnet without uids.
#[cfg(feature = "test-utils")]
fn empty_output() -> (EpochOutput, EpochTrace) {
    let trace = EpochTrace {
        stake: Vec::new(),
        active_stake: Vec::new(),
        weights_norm: TraceMatrix::Dense(Vec::new()),
        consensus: Vec::new(),
        clipped_weights: TraceMatrix::Dense(Vec::new()),
        validator_trust: Vec::new(),
        incentive: Vec::new(),
        weights_for_bonds: TraceMatrix::Dense(Vec::new()),
        last_tempo: 0,
        liquid_alphas: None,
        ema_bonds: TraceMatrix::Dense(Vec::new()),
        dividends: Vec::new(),
    };
    (EpochOutput::default(), trace)
}
