//! What one epoch reads (SPEC §2) and what it produces (SPEC §4, §5.3).

use crate::error::InputError;
use crate::hyperparameters::Hyperparameters;

/// A stored sparse row: `(uid, value)` pairs in storage order.
pub type SparseRow = Vec<(u16, u16)>;

/// The state one epoch of one subnet (mechanism) sees.
///
/// Per-uid vectors shorter than `n` read as padded with 0/false, as the chain's getters do;
/// entries beyond `n` are ignored, and so are weight/bond rows of uids `≥ n` and weight columns
/// `≥ n` (bond columns `≥ n` are kept but ignored by the column operations, as upstream).
/// [`EpochInput::validate`] reports such inconsistencies for callers who want them treated as bugs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpochInput {
    /// `SubnetworkN`: uids are `0..n`.
    pub n: u16,
    /// Current block number.
    pub current_block: u64,
    /// `LastMechansimStepBlock`: block of the previous successful epoch (0 if none).
    pub last_mechanism_step_block: u64,
    /// Alpha to distribute (rao).
    pub rao_emission: u64,
    /// Alpha stake per uid (rao, after parent/child inheritance).
    pub stake: Vec<u64>,
    /// Root (TAO) stake per uid, weighted by `tao_weight` (empty: none).
    pub tao_stake: Vec<u64>,
    /// `Weights`: per uid the stored `(uid, weight)` row (max-upscaled u16, storage order).
    pub weights: Vec<SparseRow>,
    /// `Bonds`: per uid the stored `(uid, bond)` row.
    pub bonds: Vec<SparseRow>,
    /// `LastUpdate`: block of each uid's last weight set (or registration).
    pub last_update: Vec<u64>,
    /// `BlockAtRegistration`.
    pub block_at_registration: Vec<u64>,
    /// `ValidatorPermit` from the previous epoch.
    pub validator_permit: Vec<bool>,
    /// Commit-reveal column mask (SPEC §3.3.d): `Some` when commit-reveal is enabled, holding per
    /// uid the block of its earliest unexpired commit (`u64::MAX` or absent = none). Weights of
    /// `i` on `j` are dropped when `commit_blocks[i] < block_at_registration[j]`.
    pub commit_blocks: Option<Vec<u64>>,
    /// Subnet hyperparameters.
    pub hyperparameters: Hyperparameters,
}

impl EpochInput {
    /// `n` as a length.
    #[must_use]
    pub fn len(&self) -> usize {
        usize::from(self.n)
    }

    /// Whether the subnet has no uids.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Strict consistency check: every per-uid vector has at most `n` entries (the epoch pads
    /// shorter ones), matrices have at most `n` rows, weight columns are `< n`, and `owner_uid`
    /// is `< n`. The epoch itself never fails; this is for callers that want mismatches reported.
    ///
    /// # Errors
    /// The first inconsistency found.
    pub fn validate(&self) -> Result<(), InputError> {
        let n = self.len();
        let lengths = [
            ("stake", self.stake.len()),
            ("tao_stake", self.tao_stake.len()),
            ("weights", self.weights.len()),
            ("bonds", self.bonds.len()),
            ("last_update", self.last_update.len()),
            ("block_at_registration", self.block_at_registration.len()),
            ("validator_permit", self.validator_permit.len()),
            ("commit_blocks", self.commit_blocks.as_ref().map_or(0, Vec::len)),
        ];
        for (field, len) in lengths {
            if len > n {
                return Err(InputError::TooLong { field, len, n });
            }
        }
        for (row, entries) in self.weights.iter().enumerate() {
            if let Some(&(column, _)) = entries.iter().find(|(j, _)| usize::from(*j) >= n) {
                return Err(InputError::ColumnOutOfRange { matrix: "weights", row, column, n });
            }
        }
        if let Some(owner) = self.hyperparameters.owner_uid
            && usize::from(owner) >= n
        {
            return Err(InputError::OwnerOutOfRange { owner, n });
        }
        Ok(())
    }
}

/// Which variant of the epoch produced an output.
#[cfg(feature = "test-utils")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// `epoch_mechanism`: sparse matrices, the production path.
    Sparse,
    /// `epoch_dense_mechanism`: dense matrices, used by subtensor's tests (SPEC §8).
    Dense,
}

/// Results of one epoch, per uid (all vectors have length `n`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpochOutput {
    /// `Active`: updated within the activity cutoff.
    pub active: Vec<bool>,
    /// `StakeWeight`: normalised (threshold-filtered) stake as u16.
    pub stake_weight: Vec<u16>,
    /// Total stake (floor of the I64F64 sum of alpha and weighted root stake), before the
    /// threshold filter.
    pub total_stake: Vec<u64>,
    /// `ValidatorPermit` for the next epoch.
    pub new_validator_permit: Vec<bool>,
    /// `Consensus` (u16 proportion).
    pub consensus: Vec<u16>,
    /// `Incentive` (u16 proportion).
    pub incentive: Vec<u16>,
    /// `Dividends` (u16 proportion).
    pub dividends: Vec<u16>,
    /// `ValidatorTrust` (u16 proportion).
    pub validator_trust: Vec<u16>,
    /// Server (miner) emission, rao.
    pub server_emission: Vec<u64>,
    /// Validator emission, rao.
    pub validator_emission: Vec<u64>,
    /// `Emission`: combined emission, rao.
    pub combined_emission: Vec<u64>,
    /// `Bonds` after the epoch, one row per uid (what storage holds afterwards; rows the dense
    /// variant leaves untouched are copied from the input).
    pub bonds: Vec<SparseRow>,
}
