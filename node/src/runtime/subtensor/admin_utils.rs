//! AdminUtils (index 19): the root and subnet-owner setters of SubtensorModule's
//! hyperparameters, where subtensor has them (`pallets/admin-utils`), with its call indices,
//! argument names, origins, bounds, errors and events.
//!
//! "Owner or root" setters check, in subtensor's order: the origin (the subnet owner coldkey or
//! root), the owner's rate limit (`OwnerHyperparamRateLimit` tempos per hyperparameter), the
//! admin freeze window (no changes in the last `AdminFreezeWindow` blocks before an epoch; this
//! applies to root too), then the value. Only the setters for what this chain implements are
//! offered; the others (PoW difficulty, EVM, child keys, mechanisms, TAO flow, …) are left out.
//! `sudo_set_subnet_emission_share` (index 200) is tao-node's own: the weight of a subnet in the
//! per-block emission split.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use substrate_fixed::types::U64F64;

use crate::primitives::{AccountId32, Balance};
use crate::runtime::{DispatchResult, Ext, Origin, index};

use super::events::Event as SubtensorEvent;
use super::hyperparameters as hp;
use super::storage as s;
use super::types::{Hyperparameter, NetUid};
use super::{Error as SubtensorError, now, subnets, tempo};

/// AdminUtils calls (subtensor's indices and argument names).
#[allow(non_camel_case_types, missing_docs)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Owner or root: blocks between `serve_axon`s of one hotkey.
    #[codec(index = 3)]
    sudo_set_serving_rate_limit { netuid: NetUid, serving_rate_limit: u64 },
    /// Owner or root: least validator version accepted by `set_weights`.
    #[codec(index = 6)]
    sudo_set_weights_version_key { netuid: NetUid, weights_version_key: u64 },
    /// Root: blocks between `set_weights` of one neuron.
    #[codec(index = 7)]
    sudo_set_weights_set_rate_limit { netuid: NetUid, weights_set_rate_limit: u64 },
    /// Owner or root: blocks a new neuron cannot be pruned.
    #[codec(index = 13)]
    sudo_set_immunity_period { netuid: NetUid, immunity_period: u16 },
    /// Owner or root: least number of weights a validator must set.
    #[codec(index = 14)]
    sudo_set_min_allowed_weights { netuid: NetUid, min_allowed_weights: u16 },
    /// Owner or root: most uids (≤ 256, ≥ current uids and `MinAllowedUids`).
    #[codec(index = 15)]
    sudo_set_max_allowed_uids { netuid: NetUid, max_allowed_uids: u16 },
    /// Root: consensus majority (u16 proportion).
    #[codec(index = 16)]
    sudo_set_kappa { netuid: NetUid, kappa: u16 },
    /// Owner or root: rho (stored; not read by the epoch).
    #[codec(index = 17)]
    sudo_set_rho { netuid: NetUid, rho: u16 },
    /// Owner or root: legacy activity cutoff in blocks (not read by the epoch).
    #[codec(index = 18)]
    sudo_set_activity_cutoff { netuid: NetUid, activity_cutoff: u16 },
    /// Root: open or close registration.
    #[codec(index = 19)]
    sudo_set_network_registration_allowed { netuid: NetUid, registration_allowed: bool },
    /// Owner or root: floor of the registration price.
    #[codec(index = 22)]
    sudo_set_min_burn { netuid: NetUid, min_burn: Balance },
    /// Owner or root: ceiling of the registration price.
    #[codec(index = 23)]
    sudo_set_max_burn { netuid: NetUid, max_burn: Balance },
    /// Root: how many uids may hold a validator permit.
    #[codec(index = 25)]
    sudo_set_max_allowed_validators { netuid: NetUid, max_allowed_validators: u16 },
    /// Owner (≤ 975 000) or root: bonds EMA keep-fraction × 10^6.
    #[codec(index = 26)]
    sudo_set_bonds_moving_average { netuid: NetUid, bonds_moving_average: u64 },
    /// Root: reported registrations-per-block cap.
    #[codec(index = 27)]
    sudo_set_max_registrations_per_block { netuid: NetUid, max_registrations_per_block: u16 },
    /// Root: the owner cut of every subnet's emission (u16 proportion).
    #[codec(index = 28)]
    sudo_set_subnet_owner_cut { subnet_owner_cut: u16 },
    /// Root: blocks between subnet registrations.
    #[codec(index = 29)]
    sudo_set_network_rate_limit { rate_limit: u64 },
    /// Root: the tempo (any value; 0 stops epochs); the epoch cycle restarts now.
    #[codec(index = 30)]
    sudo_set_tempo { netuid: NetUid, tempo: u16 },
    /// Root: floor of the subnet lock cost.
    #[codec(index = 36)]
    sudo_set_network_min_lock_cost { lock_cost: Balance },
    /// Root: most subnets.
    #[codec(index = 37)]
    sudo_set_subnet_limit { max_subnets: u16 },
    /// Root: blocks over which the lock cost decays.
    #[codec(index = 38)]
    sudo_set_lock_reduction_interval { interval: u64 },
    /// Root: least stake (rao) to count as a validator and set weights.
    #[codec(index = 42)]
    sudo_set_stake_threshold { min_stake: u64 },
    /// Owner or root: commit-reveal; only `false` is accepted on this chain.
    #[codec(index = 49)]
    sudo_set_commit_reveal_weights_enabled { netuid: NetUid, enabled: bool },
    /// Owner or root: liquid alpha.
    #[codec(index = 50)]
    sudo_set_liquid_alpha_enabled { netuid: NetUid, enabled: bool },
    /// Owner or root: liquid-alpha bounds (needs liquid alpha on).
    #[codec(index = 51)]
    sudo_set_alpha_values { netuid: NetUid, alpha_low: u16, alpha_high: u16 },
    /// Owner or root: bonds penalty (u16 proportion).
    #[codec(index = 60)]
    sudo_set_bonds_penalty { netuid: NetUid, bonds_penalty: u16 },
    /// Owner or root: the owner hotkey (once per 50 400 blocks).
    #[codec(index = 64)]
    sudo_set_subnet_owner_hotkey { netuid: NetUid, hotkey: AccountId32 },
    /// Owner or root: the owner hotkey (same as 64).
    #[codec(index = 67)]
    sudo_set_sn_owner_hotkey { netuid: NetUid, hotkey: AccountId32 },
    /// Owner (≥ 0) or root: liquid-alpha sigmoid steepness.
    #[codec(index = 68)]
    sudo_set_alpha_sigmoid_steepness { netuid: NetUid, steepness: i16 },
    /// Owner or root: the Yuma3 bond model.
    #[codec(index = 69)]
    sudo_set_yuma3_enabled { netuid: NetUid, enabled: bool },
    /// Owner or root: bond resets (stored only).
    #[codec(index = 70)]
    sudo_set_bonds_reset_enabled { netuid: NetUid, enabled: bool },
    /// Owner or root: owner hotkeys protected from pruning (1 ..= 10).
    #[codec(index = 72)]
    sudo_set_owner_immune_neuron_limit { netuid: NetUid, immune_neurons: u16 },
    /// Root: the freeze window before epochs.
    #[codec(index = 74)]
    sudo_set_admin_freeze_window { window: u16 },
    /// Root: tempos between owner changes of one hyperparameter.
    #[codec(index = 75)]
    sudo_set_owner_hparam_rate_limit { epochs: u16 },
    /// Root: least uids (below `MaxAllowedUids` and the current uids).
    #[codec(index = 79)]
    sudo_set_min_allowed_uids { netuid: NetUid, min_allowed_uids: u16 },
    /// Root: non-immune neurons kept before an immune one is pruned.
    #[codec(index = 84)]
    sudo_set_min_non_immune_uids { netuid: NetUid, min: u16 },
    /// Owner or root: registration price half-life (1 ..= 36 100 blocks).
    #[codec(index = 89)]
    sudo_set_burn_half_life { netuid: NetUid, burn_half_life: u16 },
    /// Owner or root: registration price multiplier per registration (1 ..= 3).
    #[codec(index = 90)]
    sudo_set_burn_increase_mult { netuid: NetUid, burn_increase_mult: U64F64 },
    /// Owner or root: whether the owner cut is taken.
    #[codec(index = 92)]
    sudo_set_owner_cut_enabled { netuid: NetUid, enabled: bool },
    /// Root: whether the subnet receives emission.
    #[codec(index = 94)]
    sudo_set_subnet_emission_enabled { netuid: NetUid, enabled: bool },
    /// Root: epochs per block (≥ 1).
    #[codec(index = 96)]
    sudo_set_max_epochs_per_block { max_epochs_per_block: u8 },
    /// Root (tao-node only): weight of the subnet in the per-block emission split (default 1;
    /// 0 = no emission).
    #[codec(index = 200)]
    sudo_set_subnet_emission_share { netuid: NetUid, share: u16 },
}

impl From<Call> for crate::runtime::RuntimeCall {
    fn from(c: Call) -> Self {
        Self::AdminUtils(c)
    }
}

/// `pallet_admin_utils::PrecompileEnum` (carried by an event this chain never emits).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(missing_docs)]
pub enum PrecompileEnum {
    BalanceTransfer,
    Staking,
    Subnet,
    Metagraph,
    Neuron,
    UidLookup,
    Alpha,
    Crowdloan,
    Proxy,
    Leasing,
    AddressMapping,
    VotingPower,
}

/// AdminUtils events (subtensor's order; index 200 is tao-node's).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(missing_docs)]
pub enum Event {
    /// An EVM precompile was switched (never emitted here).
    #[codec(index = 0)]
    PrecompileUpdated { precompile_id: PrecompileEnum, enabled: bool },
    /// Yuma3 was switched.
    #[codec(index = 1)]
    Yuma3EnableToggled { netuid: NetUid, enabled: bool },
    /// Bond resets were switched.
    #[codec(index = 2)]
    BondsResetToggled { netuid: NetUid, enabled: bool },
    /// The registration price half-life changed.
    #[codec(index = 3)]
    BurnHalfLifeSet { netuid: NetUid, burn_half_life: u16 },
    /// The registration price multiplier changed.
    #[codec(index = 4)]
    BurnIncreaseMultSet { netuid: NetUid, burn_increase_mult: U64F64 },
    /// Subnet emission was switched.
    #[codec(index = 5)]
    SubnetEmissionEnabledSet { netuid: NetUid, enabled: bool },
    /// The subnet's emission share changed (tao-node only).
    #[codec(index = 200)]
    SubnetEmissionShareSet { netuid: NetUid, share: u16 },
}

impl From<Event> for crate::runtime::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::AdminUtils(e)
    }
}

/// AdminUtils errors (subtensor's order).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[repr(u8)]
pub enum Error {
    /// The subnet does not exist.
    SubnetDoesNotExist = 0,
    /// `MaxAllowedValidators` would exceed `MaxAllowedUids`.
    MaxValidatorsLargerThanMaxUIds = 1,
    /// `MaxAllowedUids` would be below the current number of uids.
    MaxAllowedUIdsLessThanCurrentUIds = 2,
    /// Owners may not set `BondsMovingAverage` above 975 000.
    BondsMovingAverageMaxReached = 3,
    /// Owners may not set a negative sigmoid steepness.
    NegativeSigmoidSteepness = 4,
    /// The value is out of bounds.
    ValueNotInBounds = 5,
    /// `MinAllowedUids` must be below the current number of uids.
    MinAllowedUidsGreaterThanCurrentUids = 6,
    /// `MinAllowedUids` must be below `MaxAllowedUids`.
    MinAllowedUidsGreaterThanMaxAllowedUids = 7,
    /// `MaxAllowedUids` must not be below `MinAllowedUids`.
    MaxAllowedUidsLessThanMinAllowedUids = 8,
    /// `MaxAllowedUids` may not exceed 256.
    MaxAllowedUidsGreaterThanDefaultMaxAllowedUids = 9,
    /// The value is invalid.
    InvalidValue = 10,
    /// Not allowed on the root network.
    NotPermittedOnRootSubnet = 11,
    /// Proof-of-work registration is disabled.
    POWRegistrationDisabled = 12,
    /// Deprecated call.
    Deprecated = 13,
}
crate::runtime::module_error!(Error, index::ADMIN_UTILS);

type Res<T> = Result<T, crate::DispatchError>;

fn ensure_exists(ext: &mut Ext<'_>, netuid: NetUid) -> DispatchResult {
    if subnets::exists(ext, netuid) { Ok(()) } else { Err(Error::SubnetDoesNotExist.into()) }
}

/// Origin and owner rate limit of an "owner or root" setter; `Some(owner)` for the owner.
fn owner_or_root(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    param: Hyperparameter,
) -> Res<Option<AccountId32>> {
    let owner = subnets::ensure_subnet_owner_or_root(ext, origin, netuid)?;
    if owner.is_some() {
        subnets::ensure_owner_rate_limit(ext, netuid, param)?;
    }
    Ok(owner)
}

/// An "owner or root" setter of one per-subnet value: origin, rate limit, freeze window,
/// existence, `check`, write, event, and the owner's rate-limit record.
fn owner_set<V>(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    param: Hyperparameter,
    check: impl FnOnce(&mut Ext<'_>, Option<&AccountId32>) -> DispatchResult,
    write: impl FnOnce(&mut Ext<'_>) -> V,
) -> DispatchResult {
    let owner = owner_or_root(ext, origin, netuid, param)?;
    subnets::ensure_admin_window_open(ext, netuid)?;
    ensure_exists(ext, netuid)?;
    check(ext, owner.as_ref())?;
    write(ext);
    subnets::record_owner_rate_limit(ext, owner, netuid, param);
    Ok(())
}

fn ok(_: &mut Ext<'_>, _: Option<&AccountId32>) -> DispatchResult {
    Ok(())
}

/// A root setter of one per-subnet value, optionally inside the freeze window check.
fn root_set(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    window: bool,
    write: impl FnOnce(&mut Ext<'_>) -> DispatchResult,
) -> DispatchResult {
    origin.root()?;
    if window {
        subnets::ensure_admin_window_open(ext, netuid)?;
    }
    ensure_exists(ext, netuid)?;
    write(ext)
}

/// Dispatch an AdminUtils call.
pub fn dispatch(ext: &mut Ext<'_>, origin: Origin, call: Call) -> DispatchResult {
    use Hyperparameter as H;
    use SubtensorEvent as E;
    match call {
        Call::sudo_set_serving_rate_limit { netuid, serving_rate_limit: v } => {
            let owner = owner_or_root(ext, origin, netuid, H::ServingRateLimit)?;
            subnets::ensure_admin_window_open(ext, netuid)?;
            s::SERVING_RATE_LIMIT.insert(ext, &netuid, &v);
            ext.deposit_event(E::ServingRateLimitSet(netuid, v));
            subnets::record_owner_rate_limit(ext, owner, netuid, H::ServingRateLimit);
            Ok(())
        }
        Call::sudo_set_weights_version_key { netuid, weights_version_key: v } => {
            set_weights_version_key(ext, origin, netuid, v)
        }
        Call::sudo_set_weights_set_rate_limit { netuid, weights_set_rate_limit: v } => {
            root_set(ext, origin, netuid, false, |ext| {
                s::WEIGHTS_SET_RATE_LIMIT.insert(ext, &netuid, &v);
                ext.deposit_event(E::WeightsSetRateLimitSet(netuid, v));
                Ok(())
            })
        }
        Call::sudo_set_immunity_period { netuid, immunity_period: v } => {
            owner_set(ext, origin, netuid, H::ImmunityPeriod, ok, |ext| {
                s::IMMUNITY_PERIOD.insert(ext, &netuid, &v);
                ext.deposit_event(E::ImmunityPeriodSet(netuid, v));
            })
        }
        Call::sudo_set_min_allowed_weights { netuid, min_allowed_weights: v } => {
            owner_set(ext, origin, netuid, H::MinAllowedWeights, ok, |ext| {
                s::MIN_ALLOWED_WEIGHTS.insert(ext, &netuid, &v);
                ext.deposit_event(E::MinAllowedWeightSet(netuid, v));
            })
        }
        Call::sudo_set_max_allowed_uids { netuid, max_allowed_uids: v } => {
            let check = |ext: &mut Ext<'_>, _: Option<&AccountId32>| -> DispatchResult {
                if v < s::MIN_ALLOWED_UIDS.get(ext, &netuid) {
                    return Err(Error::MaxAllowedUidsLessThanMinAllowedUids.into());
                }
                if s::SUBNETWORK_N.get(ext, &netuid) > v {
                    return Err(Error::MaxAllowedUIdsLessThanCurrentUIds.into());
                }
                if v > hp::DEFAULT_MAX_ALLOWED_UIDS {
                    return Err(Error::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids.into());
                }
                Ok(())
            };
            owner_set(ext, origin, netuid, H::MaxAllowedUids, check, |ext| {
                s::MAX_ALLOWED_UIDS.insert(ext, &netuid, &v);
                ext.deposit_event(E::MaxAllowedUidsSet(netuid, v));
            })
        }
        Call::sudo_set_kappa { netuid, kappa: v } => root_set(ext, origin, netuid, false, |ext| {
            s::KAPPA.insert(ext, &netuid, &v);
            ext.deposit_event(E::KappaSet(netuid, v));
            Ok(())
        }),
        Call::sudo_set_rho { netuid, rho: v } => {
            owner_set(ext, origin, netuid, H::Rho, ok, |ext| {
                s::RHO.insert(ext, &netuid, &v);
                ext.deposit_event(E::RhoSet(netuid, v));
            })
        }
        Call::sudo_set_activity_cutoff { netuid, activity_cutoff: v } => {
            let check = |ext: &mut Ext<'_>, _: Option<&AccountId32>| -> DispatchResult {
                if v < s::MIN_ACTIVITY_CUTOFF.get(ext) {
                    return Err(SubtensorError::ActivityCutoffTooLow.into());
                }
                Ok(())
            };
            owner_set(ext, origin, netuid, H::ActivityCutoff, check, |ext| {
                s::ACTIVITY_CUTOFF.insert(ext, &netuid, &v);
                ext.deposit_event(E::ActivityCutoffSet(netuid, v));
            })
        }
        Call::sudo_set_network_registration_allowed { netuid, registration_allowed: v } => {
            origin.root()?;
            s::NETWORK_REGISTRATION_ALLOWED.insert(ext, &netuid, &v);
            ext.deposit_event(E::RegistrationAllowed(netuid, v));
            Ok(())
        }
        Call::sudo_set_min_burn { netuid, min_burn: v } => {
            let check = |ext: &mut Ext<'_>, _: Option<&AccountId32>| -> DispatchResult {
                if v >= hp::MIN_BURN_UPPER_BOUND || v >= s::MAX_BURN.get(ext, &netuid) {
                    return Err(Error::ValueNotInBounds.into());
                }
                Ok(())
            };
            owner_set(ext, origin, netuid, H::MinBurn, check, |ext| {
                s::MIN_BURN.insert(ext, &netuid, &v);
                ext.deposit_event(E::MinBurnSet(netuid, v));
            })
        }
        Call::sudo_set_max_burn { netuid, max_burn: v } => {
            let check = |ext: &mut Ext<'_>, _: Option<&AccountId32>| -> DispatchResult {
                if v <= hp::MAX_BURN_LOWER_BOUND || v <= s::MIN_BURN.get(ext, &netuid) {
                    return Err(Error::ValueNotInBounds.into());
                }
                Ok(())
            };
            owner_set(ext, origin, netuid, H::MaxBurn, check, |ext| {
                s::MAX_BURN.insert(ext, &netuid, &v);
                ext.deposit_event(E::MaxBurnSet(netuid, v));
            })
        }
        Call::sudo_set_max_allowed_validators { netuid, max_allowed_validators: v } => {
            root_set(ext, origin, netuid, true, |ext| {
                if v > s::MAX_ALLOWED_UIDS.get(ext, &netuid) {
                    return Err(Error::MaxValidatorsLargerThanMaxUIds.into());
                }
                s::MAX_ALLOWED_VALIDATORS.insert(ext, &netuid, &v);
                ext.deposit_event(E::MaxAllowedValidatorsSet(netuid, v));
                Ok(())
            })
        }
        Call::sudo_set_bonds_moving_average { netuid, bonds_moving_average: v } => {
            let owner = owner_or_root(ext, origin, netuid, H::BondsMovingAverage)?;
            subnets::ensure_admin_window_open(ext, netuid)?;
            if owner.is_some() && v > hp::OWNER_MAX_BONDS_MOVING_AVERAGE {
                return Err(Error::BondsMovingAverageMaxReached.into());
            }
            ensure_exists(ext, netuid)?;
            s::BONDS_MOVING_AVERAGE.insert(ext, &netuid, &v);
            ext.deposit_event(E::BondsMovingAverageSet(netuid, v));
            subnets::record_owner_rate_limit(ext, owner, netuid, H::BondsMovingAverage);
            Ok(())
        }
        Call::sudo_set_max_registrations_per_block { netuid, max_registrations_per_block: v } => {
            root_set(ext, origin, netuid, true, |ext| {
                s::MAX_REGISTRATIONS_PER_BLOCK.insert(ext, &netuid, &v);
                ext.deposit_event(E::MaxRegistrationsPerBlockSet(netuid, v));
                Ok(())
            })
        }
        Call::sudo_set_subnet_owner_cut { subnet_owner_cut: v } => {
            origin.root()?;
            s::SUBNET_OWNER_CUT.put(ext, &v);
            ext.deposit_event(E::SubnetOwnerCutSet(v));
            Ok(())
        }
        Call::sudo_set_network_rate_limit { rate_limit: v } => {
            origin.root()?;
            s::NETWORK_RATE_LIMIT.put(ext, &v);
            ext.deposit_event(E::NetworkRateLimitSet(v));
            Ok(())
        }
        Call::sudo_set_tempo { netuid, tempo: v } => root_set(ext, origin, netuid, true, |ext| {
            tempo::apply_tempo_with_cycle_reset(ext, netuid, v);
            Ok(())
        }),
        Call::sudo_set_network_min_lock_cost { lock_cost: v } => {
            origin.root()?;
            s::NETWORK_MIN_LOCK_COST.put(ext, &v);
            ext.deposit_event(E::NetworkMinLockCostSet(v));
            Ok(())
        }
        Call::sudo_set_subnet_limit { max_subnets: v } => {
            origin.root()?;
            s::SUBNET_LIMIT.put(ext, &v);
            ext.deposit_event(E::SubnetLimitSet(v));
            Ok(())
        }
        Call::sudo_set_lock_reduction_interval { interval: v } => {
            origin.root()?;
            s::NETWORK_LOCK_REDUCTION_INTERVAL.put(ext, &v);
            ext.deposit_event(E::NetworkLockCostReductionIntervalSet(v));
            Ok(())
        }
        Call::sudo_set_stake_threshold { min_stake: v } => {
            origin.root()?;
            s::STAKE_THRESHOLD.put(ext, &v);
            ext.deposit_event(E::StakeThresholdSet(v));
            Ok(())
        }
        Call::sudo_set_commit_reveal_weights_enabled { netuid, enabled } => {
            let check = |_: &mut Ext<'_>, _: Option<&AccountId32>| -> DispatchResult {
                if enabled { Err(SubtensorError::CallDisabled.into()) } else { Ok(()) }
            };
            owner_set(ext, origin, netuid, H::CommitRevealEnabled, check, |ext| {
                s::COMMIT_REVEAL_WEIGHTS_ENABLED.insert(ext, &netuid, &false);
                ext.deposit_event(E::CommitRevealEnabled(netuid, false));
            })
        }
        Call::sudo_set_liquid_alpha_enabled { netuid, enabled } => {
            let owner = owner_or_root(ext, origin, netuid, H::LiquidAlphaEnabled)?;
            subnets::ensure_admin_window_open(ext, netuid)?;
            s::LIQUID_ALPHA_ON.insert(ext, &netuid, &enabled);
            subnets::record_owner_rate_limit(ext, owner, netuid, H::LiquidAlphaEnabled);
            Ok(())
        }
        Call::sudo_set_alpha_values { netuid, alpha_low, alpha_high } => {
            let owner = owner_or_root(ext, origin, netuid, H::AlphaValues)?;
            subnets::ensure_admin_window_open(ext, netuid)?;
            if !s::LIQUID_ALPHA_ON.get(ext, &netuid) {
                return Err(SubtensorError::LiquidAlphaDisabled.into());
            }
            let min = u16::MAX / 40;
            if alpha_high < min {
                return Err(SubtensorError::AlphaHighTooLow.into());
            }
            if alpha_low < min || alpha_low > alpha_high {
                return Err(SubtensorError::AlphaLowOutOfRange.into());
            }
            s::ALPHA_VALUES.insert(ext, &netuid, &(alpha_low, alpha_high));
            subnets::record_owner_rate_limit(ext, owner, netuid, H::AlphaValues);
            Ok(())
        }
        Call::sudo_set_bonds_penalty { netuid, bonds_penalty: v } => {
            owner_set(ext, origin, netuid, H::BondsPenalty, ok, |ext| {
                s::BONDS_PENALTY.insert(ext, &netuid, &v);
                ext.deposit_event(E::BondsPenaltySet(netuid, v));
            })
        }
        Call::sudo_set_subnet_owner_hotkey { netuid, hotkey }
        | Call::sudo_set_sn_owner_hotkey { netuid, hotkey } => {
            subnets::do_set_sn_owner_hotkey(ext, origin, netuid, &hotkey)
        }
        Call::sudo_set_alpha_sigmoid_steepness { netuid, steepness: v } => {
            let check = |_: &mut Ext<'_>, owner: Option<&AccountId32>| -> DispatchResult {
                if owner.is_some() && v < 0 {
                    return Err(Error::NegativeSigmoidSteepness.into());
                }
                Ok(())
            };
            owner_set(ext, origin, netuid, H::AlphaSigmoidSteepness, check, |ext| {
                s::ALPHA_SIGMOID_STEEPNESS.insert(ext, &netuid, &v);
                ext.deposit_event(E::AlphaSigmoidSteepnessSet(netuid, v));
            })
        }
        Call::sudo_set_yuma3_enabled { netuid, enabled } => {
            let owner = owner_or_root(ext, origin, netuid, H::Yuma3Enabled)?;
            subnets::ensure_admin_window_open(ext, netuid)?;
            s::YUMA3_ON.insert(ext, &netuid, &enabled);
            ext.deposit_event(Event::Yuma3EnableToggled { netuid, enabled });
            subnets::record_owner_rate_limit(ext, owner, netuid, H::Yuma3Enabled);
            Ok(())
        }
        Call::sudo_set_bonds_reset_enabled { netuid, enabled } => {
            let owner = owner_or_root(ext, origin, netuid, H::BondsResetEnabled)?;
            subnets::ensure_admin_window_open(ext, netuid)?;
            s::BONDS_RESET_ON.insert(ext, &netuid, &enabled);
            ext.deposit_event(Event::BondsResetToggled { netuid, enabled });
            subnets::record_owner_rate_limit(ext, owner, netuid, H::BondsResetEnabled);
            Ok(())
        }
        Call::sudo_set_owner_immune_neuron_limit { netuid, immune_neurons: v } => {
            let owner = owner_or_root(ext, origin, netuid, H::ImmuneNeuronLimit)?;
            subnets::ensure_admin_window_open(ext, netuid)?;
            if !hp::IMMUNE_OWNER_UIDS_LIMIT_RANGE.contains(&v) {
                return Err(SubtensorError::InvalidValue.into());
            }
            s::IMMUNE_OWNER_UIDS_LIMIT.insert(ext, &netuid, &v);
            subnets::record_owner_rate_limit(ext, owner, netuid, H::ImmuneNeuronLimit);
            Ok(())
        }
        Call::sudo_set_admin_freeze_window { window: v } => {
            origin.root()?;
            s::ADMIN_FREEZE_WINDOW.put(ext, &v);
            ext.deposit_event(E::AdminFreezeWindowSet(v));
            Ok(())
        }
        Call::sudo_set_owner_hparam_rate_limit { epochs: v } => {
            origin.root()?;
            s::OWNER_HYPERPARAM_RATE_LIMIT.put(ext, &v);
            ext.deposit_event(E::OwnerHyperparamRateLimitSet(v));
            Ok(())
        }
        Call::sudo_set_min_allowed_uids { netuid, min_allowed_uids: v } => {
            root_set(ext, origin, netuid, true, |ext| {
                if v >= s::MAX_ALLOWED_UIDS.get(ext, &netuid) {
                    return Err(Error::MinAllowedUidsGreaterThanMaxAllowedUids.into());
                }
                if v >= s::SUBNETWORK_N.get(ext, &netuid) {
                    return Err(Error::MinAllowedUidsGreaterThanCurrentUids.into());
                }
                s::MIN_ALLOWED_UIDS.insert(ext, &netuid, &v);
                ext.deposit_event(E::MinAllowedUidsSet(netuid, v));
                Ok(())
            })
        }
        Call::sudo_set_min_non_immune_uids { netuid, min: v } => {
            origin.root()?;
            s::MIN_NON_IMMUNE_UIDS.insert(ext, &netuid, &v);
            ext.deposit_event(E::MinNonImmuneUidsSet(netuid, v));
            Ok(())
        }
        Call::sudo_set_burn_half_life { netuid, burn_half_life: v } => {
            let check = |_: &mut Ext<'_>, _: Option<&AccountId32>| -> DispatchResult {
                if netuid.is_root() {
                    return Err(Error::NotPermittedOnRootSubnet.into());
                }
                if v == 0 || v > hp::MAX_BURN_HALF_LIFE {
                    return Err(Error::InvalidValue.into());
                }
                Ok(())
            };
            owner_set(ext, origin, netuid, H::BurnHalfLife, check, |ext| {
                s::BURN_HALF_LIFE.insert(ext, &netuid, &v);
                ext.deposit_event(Event::BurnHalfLifeSet { netuid, burn_half_life: v });
            })
        }
        Call::sudo_set_burn_increase_mult { netuid, burn_increase_mult: v } => {
            let check = |_: &mut Ext<'_>, _: Option<&AccountId32>| -> DispatchResult {
                if netuid.is_root() {
                    return Err(Error::NotPermittedOnRootSubnet.into());
                }
                if v < U64F64::from_num(1) || v > U64F64::from_num(3) {
                    return Err(Error::InvalidValue.into());
                }
                Ok(())
            };
            owner_set(ext, origin, netuid, H::BurnIncreaseMult, check, |ext| {
                s::BURN_INCREASE_MULT.insert(ext, &netuid, &v);
                ext.deposit_event(Event::BurnIncreaseMultSet { netuid, burn_increase_mult: v });
            })
        }
        Call::sudo_set_owner_cut_enabled { netuid, enabled } => {
            subnets::ensure_subnet_owner_or_root(ext, origin, netuid)?;
            subnets::ensure_admin_window_open(ext, netuid)?;
            ensure_exists(ext, netuid)?;
            if netuid.is_root() {
                return Err(Error::NotPermittedOnRootSubnet.into());
            }
            s::OWNER_CUT_ENABLED.insert(ext, &netuid, &enabled);
            Ok(())
        }
        Call::sudo_set_subnet_emission_enabled { netuid, enabled } => {
            root_set(ext, origin, netuid, false, |ext| {
                if netuid.is_root() {
                    return Err(Error::NotPermittedOnRootSubnet.into());
                }
                s::SUBNET_EMISSION_ENABLED.insert(ext, &netuid, &enabled);
                ext.deposit_event(Event::SubnetEmissionEnabledSet { netuid, enabled });
                Ok(())
            })
        }
        Call::sudo_set_max_epochs_per_block { max_epochs_per_block: v } => {
            origin.root()?;
            if v < 1 {
                return Err(Error::ValueNotInBounds.into());
            }
            s::MAX_EPOCHS_PER_BLOCK.put(ext, &v);
            ext.deposit_event(E::MaxEpochsPerBlockSet(v));
            Ok(())
        }
        Call::sudo_set_subnet_emission_share { netuid, share } => {
            root_set(ext, origin, netuid, false, |ext| {
                if netuid.is_root() {
                    return Err(Error::NotPermittedOnRootSubnet.into());
                }
                s::SUBNET_EMISSION_SHARE.insert(ext, &netuid, &share);
                ext.deposit_event(Event::SubnetEmissionShareSet { netuid, share });
                Ok(())
            })
        }
    }
}

/// `TransactionType::SetWeightsVersionKey` as a `TransactionKeyLastBlock` key part.
const TX_SET_WEIGHTS_VERSION_KEY: u16 = 4;

/// `sudo_set_weights_version_key`: owners once per `WeightsVersionKeyRateLimit` tempos.
fn set_weights_version_key(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    key: u64,
) -> DispatchResult {
    let owner = subnets::ensure_subnet_owner_or_root(ext, origin, netuid)?;
    let block = now(ext);
    if let Some(who) = &owner {
        let tempo = u64::from(s::TEMPO.get(ext, &netuid));
        let limit = tempo.saturating_mul(s::WEIGHTS_VERSION_KEY_RATE_LIMIT.get(ext));
        let last =
            s::TRANSACTION_KEY_LAST_BLOCK.get(ext, who, &netuid, &TX_SET_WEIGHTS_VERSION_KEY);
        if !subnets::passes_rate_limit(limit, block, last) {
            return Err(SubtensorError::TxRateLimitExceeded.into());
        }
    }
    subnets::ensure_admin_window_open(ext, netuid)?;
    ensure_exists(ext, netuid)?;
    if let Some(who) = &owner {
        s::TRANSACTION_KEY_LAST_BLOCK.insert(
            ext,
            who,
            &netuid,
            &TX_SET_WEIGHTS_VERSION_KEY,
            &block,
        );
    }
    s::WEIGHTS_VERSION_KEY.insert(ext, &netuid, &key);
    ext.deposit_event(SubtensorEvent::WeightsVersionKeySet(netuid, key));
    Ok(())
}
