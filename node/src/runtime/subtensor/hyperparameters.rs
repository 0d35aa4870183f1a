//! Subnet hyperparameters: subtensor's defaults, the values `init_new_network` installs, and
//! the [`yuma::Hyperparameters`] an epoch reads from storage.
//!
//! Defaults are those of subtensor's production runtime (`runtime/src/lib.rs`,
//! `pallets/subtensor/src/lib.rs`; SPEC §11). The setters live in [`super::admin_utils`]
//! (AdminUtils, index 19, where subtensor has them) and, for `set_tempo`,
//! `set_activity_cutoff_factor` and `trigger_epoch`, in SubtensorModule itself.

use crate::primitives::Balance;
use crate::runtime::Ext;

use super::storage as s;
use super::types::NetUid;

/// One TAO in rao.
pub const TAO: Balance = 1_000_000_000;

/// `Tempo` default (`InitialTempo`, production; the fast runtime uses 10).
pub const DEFAULT_TEMPO: u16 = 360;
/// Smallest tempo an owner may set (`MIN_TEMPO`).
pub const MIN_TEMPO: u16 = 360;
/// Largest tempo an owner may set, and the `BlocksSinceLastStep` safety net (`MAX_TEMPO`).
pub const MAX_TEMPO: u16 = 50_400;
/// `ActivityCutoffFactorMilli` default.
pub const DEFAULT_ACTIVITY_CUTOFF_FACTOR_MILLI: u32 = 13_889;
/// Smallest activity-cutoff factor (per mille of tempo).
pub const MIN_ACTIVITY_CUTOFF_FACTOR_MILLI: u32 = 1_000;
/// Largest activity-cutoff factor.
pub const MAX_ACTIVITY_CUTOFF_FACTOR_MILLI: u32 = 50_000;
/// Legacy `ActivityCutoff` default (blocks; no longer read by the epoch).
pub const DEFAULT_ACTIVITY_CUTOFF: u16 = 5_000;
/// `MinActivityCutoff` default (lower bound of the legacy setter).
pub const DEFAULT_MIN_ACTIVITY_CUTOFF: u16 = 360;
/// `MaxAllowedUids` default, and the most an owner may set.
pub const DEFAULT_MAX_ALLOWED_UIDS: u16 = 256;
/// `MinAllowedUids` default.
pub const DEFAULT_MIN_ALLOWED_UIDS: u16 = 64;
/// `MaxAllowedValidators` runtime default (new subnets get [`NEW_SUBNET_MAX_VALIDATORS`]).
pub const DEFAULT_MAX_ALLOWED_VALIDATORS: u16 = 128;
/// `MaxAllowedValidators` of a new subnet (`init_new_network`).
pub const NEW_SUBNET_MAX_VALIDATORS: u16 = 64;
/// `ImmunityPeriod` runtime default (new subnets get [`NEW_SUBNET_IMMUNITY_PERIOD`]).
pub const DEFAULT_IMMUNITY_PERIOD: u16 = 4_096;
/// `ImmunityPeriod` of a new subnet.
pub const NEW_SUBNET_IMMUNITY_PERIOD: u16 = 5_000;
/// `MinAllowedWeights` runtime default (new subnets get 1).
pub const DEFAULT_MIN_ALLOWED_WEIGHTS: u16 = 1_024;
/// `MinAllowedWeights` of a new subnet.
pub const NEW_SUBNET_MIN_ALLOWED_WEIGHTS: u16 = 1;
/// `MaxWeightsLimit` default (no limit).
pub const DEFAULT_MAX_WEIGHTS_LIMIT: u16 = u16::MAX;
/// `Kappa` default (≈ 0.5).
pub const DEFAULT_KAPPA: u16 = 32_767;
/// `Rho` default (no longer read by the epoch).
pub const DEFAULT_RHO: u16 = 10;
/// `BondsMovingAverage` default.
pub const DEFAULT_BONDS_MOVING_AVERAGE: u64 = 900_000;
/// Most an owner (not root) may set `BondsMovingAverage` to.
pub const OWNER_MAX_BONDS_MOVING_AVERAGE: u64 = 975_000;
/// `BondsPenalty` default.
pub const DEFAULT_BONDS_PENALTY: u16 = u16::MAX;
/// `AlphaValues` default (≈ 0.7, 0.9).
pub const DEFAULT_ALPHA_VALUES: (u16, u16) = (45_875, 58_982);
/// `AlphaSigmoidSteepness` default.
pub const DEFAULT_ALPHA_SIGMOID_STEEPNESS: i16 = 1_000;
/// `WeightsSetRateLimit` default (blocks).
pub const DEFAULT_WEIGHTS_SET_RATE_LIMIT: u64 = 100;
/// `ServingRateLimit` default (blocks).
pub const DEFAULT_SERVING_RATE_LIMIT: u64 = 50;
/// `Burn` runtime default (0.1 TAO; new subnets get [`NEW_SUBNET_BURN`]).
pub const DEFAULT_BURN: Balance = 100_000_000;
/// `Burn` of a new subnet (`DefaultNeuronBurnCost`, 1 TAO).
pub const NEW_SUBNET_BURN: Balance = TAO;
/// `MinBurn` default (500 000 rao).
pub const DEFAULT_MIN_BURN: Balance = 500_000;
/// `MaxBurn` default (100 TAO).
pub const DEFAULT_MAX_BURN: Balance = 100 * TAO;
/// `MinBurn` must stay below this (`MinBurnUpperBound`, 1 TAO).
pub const MIN_BURN_UPPER_BOUND: Balance = TAO;
/// `MaxBurn` must stay above this (`MaxBurnLowerBound`, 0.1 TAO).
pub const MAX_BURN_LOWER_BOUND: Balance = 100_000_000;
/// `BurnHalfLife` default (blocks for the registration price to halve).
pub const DEFAULT_BURN_HALF_LIFE: u16 = 360;
/// Largest settable `BurnHalfLife`.
pub const MAX_BURN_HALF_LIFE: u16 = 36_100;
/// `BurnIncreaseMult` default (×1.26 per registration), as U64F64 bits: exactly what
/// `U64F64::from_num(1.26)` gives for the f64 nearest to 1.26.
pub const DEFAULT_BURN_INCREASE_MULT_BITS: u128 = 23_242_897_532_874_035_200;
/// `MaxRegistrationsPerBlock` default (reported; registration is priced, not capped).
pub const DEFAULT_MAX_REGISTRATIONS_PER_BLOCK: u16 = 1;
/// `TargetRegistrationsPerInterval` default.
pub const DEFAULT_TARGET_REGISTRATIONS_PER_INTERVAL: u16 = 2;
/// `AdjustmentInterval` default.
pub const DEFAULT_ADJUSTMENT_INTERVAL: u16 = 100;
/// `Difficulty` default (PoW registration is not offered; reported for clients).
pub const DEFAULT_DIFFICULTY: u64 = 10_000_000;
/// `MaxDifficulty` default.
pub const DEFAULT_MAX_DIFFICULTY: u64 = u64::MAX / 4;
/// `MinNonImmuneUids` default.
pub const DEFAULT_MIN_NON_IMMUNE_UIDS: u16 = 10;
/// `ImmuneOwnerUidsLimit` default.
pub const DEFAULT_IMMUNE_OWNER_UIDS_LIMIT: u16 = 1;
/// Bounds of `ImmuneOwnerUidsLimit`.
pub const IMMUNE_OWNER_UIDS_LIMIT_RANGE: std::ops::RangeInclusive<u16> = 1..=10;
/// `SubnetOwnerCut` default (11 796 / 65 535 ≈ 18 %).
pub const DEFAULT_SUBNET_OWNER_CUT: u16 = 11_796;
/// `NetworkMinLockCost` default (1 000 TAO).
pub const DEFAULT_NETWORK_MIN_LOCK_COST: Balance = 1_000 * TAO;
/// `NetworkLockReductionInterval` default (14 days of blocks).
pub const DEFAULT_NETWORK_LOCK_REDUCTION_INTERVAL: u64 = 14 * 7_200;
/// `NetworkRateLimit` default (blocks between subnet registrations).
pub const DEFAULT_NETWORK_RATE_LIMIT: u64 = 7_200;
/// `SubnetLimit` default.
pub const DEFAULT_SUBNET_LIMIT: u16 = 128;
/// `MaxEpochsPerBlock` default.
pub const DEFAULT_MAX_EPOCHS_PER_BLOCK: u8 = 2;
/// `AdminFreezeWindow` default (blocks before an epoch in which owners may not change
/// hyperparameters).
pub const DEFAULT_ADMIN_FREEZE_WINDOW: u16 = 10;
/// `OwnerHyperparamRateLimit` default (tempos between owner changes of one hyperparameter).
pub const DEFAULT_OWNER_HYPERPARAM_RATE_LIMIT: u16 = 2;
/// `TaoWeight` default (≈ 5.27 %; root stake does not count in this chain's epochs).
pub const DEFAULT_TAO_WEIGHT: u64 = 971_718_665_099_567_868;
/// `DefaultMinStake`: smallest stake an `add_stake` may add (0.002 TAO).
pub const DEFAULT_MIN_STAKE: Balance = 2_000_000;
/// `BlockEmission` default: 1 TAO per block before the first halving.
pub const DEFAULT_BLOCK_EMISSION: Balance = TAO;
/// Total supply cap (21 M TAO).
pub const TOTAL_SUPPLY: Balance = 21_000_000 * TAO;
/// `TokenSymbol` default (`τ`, U+1D70F).
pub const DEFAULT_TOKEN_SYMBOL: &[u8] = b"\xF0\x9D\x9C\x8F";
/// `SubnetEmissionShare` default (tao-node only): equal shares.
pub const DEFAULT_EMISSION_SHARE: u16 = 1;

/// The epoch's view of subnet `netuid`'s hyperparameters (SPEC §2), read from storage.
/// Root stake does not count (`tao_weight` is read but there is no root stake in epochs).
pub fn epoch_hyperparameters(ext: &mut Ext<'_>, netuid: NetUid) -> yuma::Hyperparameters {
    let tempo = s::TEMPO.get(ext, &netuid);
    let factor = s::ACTIVITY_CUTOFF_FACTOR_MILLI.get(ext, &netuid);
    let (alpha_low, alpha_high) = s::ALPHA_VALUES.get(ext, &netuid);
    yuma::Hyperparameters {
        kappa: s::KAPPA.get(ext, &netuid),
        bonds_penalty: s::BONDS_PENALTY.get(ext, &netuid),
        bonds_moving_average: s::BONDS_MOVING_AVERAGE.get(ext, &netuid),
        yuma3: s::YUMA3_ON.get(ext, &netuid),
        liquid_alpha: s::LIQUID_ALPHA_ON.get(ext, &netuid),
        alpha_low,
        alpha_high,
        alpha_sigmoid_steepness: s::ALPHA_SIGMOID_STEEPNESS.get(ext, &netuid),
        max_allowed_validators: s::MAX_ALLOWED_VALIDATORS.get(ext, &netuid),
        activity_cutoff: yuma::activity_cutoff(u64::from(factor), tempo),
        tempo,
        stake_threshold: s::STAKE_THRESHOLD.get(ext),
        owner_uid: super::subnets::owner_uid(ext, netuid),
        tao_weight: s::TAO_WEIGHT.get(ext),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burn_mult_matches_substrate_fixed() {
        let want = substrate_fixed::types::U64F64::from_num(1.26);
        assert_eq!(DEFAULT_BURN_INCREASE_MULT_BITS, want.to_bits());
    }
}
