//! The intermediate values of an epoch ([`EpochTrace`]), which the tests and the vector runner
//! compare with the reference and with upstream's traces. The production epoch builds one only
//! when asked (`epoch_with_trace`, feature `test-utils`).

use crate::fixed::I32F32;
use crate::math::sparse::SparseMatrix;

/// A matrix in the layout of the variant that produced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceMatrix {
    /// Sparse rows in entry order.
    Sparse(SparseMatrix),
    /// Dense `n × n`.
    Dense(Vec<Vec<I32F32>>),
}

/// Intermediate I32F32 values of an epoch, for checking against reference traces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochTrace {
    /// Normalised, threshold-filtered stake.
    pub stake: Vec<I32F32>,
    /// Stake of active, permitted validators, normalised.
    pub active_stake: Vec<I32F32>,
    /// Masked, row-normalised weights.
    pub weights_norm: TraceMatrix,
    /// Stake-weighted median per column.
    pub consensus: Vec<I32F32>,
    /// Weights clipped at consensus.
    pub clipped_weights: TraceMatrix,
    /// Row sums of the clipped weights.
    pub validator_trust: Vec<I32F32>,
    /// Normalised ranks.
    pub incentive: Vec<I32F32>,
    /// Weights interpolated by the bonds penalty.
    pub weights_for_bonds: TraceMatrix,
    /// Block before which registrations count as recent for the bond mask.
    pub last_tempo: u64,
    /// Liquid alpha per (row, column), when it was used.
    pub liquid_alphas: Option<Vec<Vec<I32F32>>>,
    /// New bonds before conversion to u16: original Yuma's column-max-upscaled EMA, Yuma3's
    /// raw EMA.
    pub ema_bonds: TraceMatrix,
    /// Normalised dividends.
    pub dividends: Vec<I32F32>,
}
