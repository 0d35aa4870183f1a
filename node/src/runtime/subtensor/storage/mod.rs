//! SubtensorModule storage: subtensor's item names, hashers, key and value types and defaults,
//! so clients that read `SubtensorModule.*` by name (the bittensor SDK, btcli, polkadot.js) find
//! what they expect (`pallets/subtensor/src/lib.rs`).
//!
//! Conventions of this chain (see the module docs of [`super`]):
//! * mechanism 0 only: a `NetUidStorageIndex` key (`Incentive`, `LastUpdate`, `Weights`,
//!   `Bonds`) equals the netuid;
//! * stake is TAO held by the module, one ledger entry per (hotkey, coldkey, netuid): `Alpha`
//!   holds the coldkey's stake as U64F64 *shares* at a fixed price of one share per rao, so
//!   `TotalHotkeyShares == TotalHotkeyAlpha` and a client's share→value formula gives the exact
//!   amount;
//! * two items are tao-node's own (no subtensor equivalent): [`HOTKEY_STAKERS`] (the coldkeys
//!   staking to a hotkey on a subnet, so dividends can be credited without iterating storage)
//!   and [`SUBNET_EMISSION_SHARE`] (sudo-set weights of the per-block emission split).
//!
//! Every item here is listed in [`metadata::entries`].

pub mod metadata;
mod typed;

use substrate_fixed::types::{I64F64, I96F32, U64F64};

use crate::primitives::{AccountId32, Balance};
use crate::storage::{Hasher, StorageDoubleMap, StorageMap};

use super::hyperparameters as hp;
use super::types::{AxonInfo, NetUid, PrometheusInfo, RateLimitKey, SubnetIdentityV3};

pub use typed::{DoubleMapD, MapD, StorageNMap3, ValueD};

/// The pallet prefix.
pub const PALLET: &str = "SubtensorModule";

use Hasher::{Blake2_128Concat as Blake2, Identity, Twox64Concat};

const fn zero<T: Default>() -> fn() -> T {
    T::default
}

// ---------------------------------------------------------------------------------------------
// Issuance, emission, global limits
// ---------------------------------------------------------------------------------------------

/// `TotalIssuance`: all TAO in existence (rao). On this chain it is the sum of the ledgers
/// (see [`super::coinbase::issuance_terms`]), recomputed at the end of every block and at genesis.
pub const TOTAL_ISSUANCE: ValueD<Balance> = ValueD::new("TotalIssuance", zero());
/// `TotalStake`: all TAO staked on all subnets (rao).
pub const TOTAL_STAKE: ValueD<Balance> = ValueD::new("TotalStake", zero());
/// `BlockEmission`: TAO minted by the last block (rao), from the halving curve.
pub const BLOCK_EMISSION: ValueD<Balance> =
    ValueD::new("BlockEmission", || hp::DEFAULT_BLOCK_EMISSION);
/// `TotalNetworks`: number of subnets, root included.
pub const TOTAL_NETWORKS: ValueD<u16> = ValueD::new("TotalNetworks", zero());
/// `SubnetLimit`: most subnets (root excluded).
pub const SUBNET_LIMIT: ValueD<u16> = ValueD::new("SubnetLimit", || hp::DEFAULT_SUBNET_LIMIT);
/// `NetworkMinLockCost`: floor of the subnet lock cost.
pub const NETWORK_MIN_LOCK_COST: ValueD<Balance> =
    ValueD::new("NetworkMinLockCost", || hp::DEFAULT_NETWORK_MIN_LOCK_COST);
/// `NetworkLastLockCost`: lock paid by the last subnet registration.
pub const NETWORK_LAST_LOCK_COST: ValueD<Balance> =
    ValueD::new("NetworkLastLockCost", || hp::DEFAULT_NETWORK_MIN_LOCK_COST);
/// `NetworkLockReductionInterval`: blocks over which the doubled lock cost decays back.
pub const NETWORK_LOCK_REDUCTION_INTERVAL: ValueD<u64> =
    ValueD::new("NetworkLockReductionInterval", || hp::DEFAULT_NETWORK_LOCK_REDUCTION_INTERVAL);
/// `NetworkRateLimit`: blocks between two subnet registrations.
pub const NETWORK_RATE_LIMIT: ValueD<u64> =
    ValueD::new("NetworkRateLimit", || hp::DEFAULT_NETWORK_RATE_LIMIT);
/// `SubnetOwnerCut`: share of each subnet's emission paid to its owner (u16 proportion).
pub const SUBNET_OWNER_CUT: ValueD<u16> =
    ValueD::new("SubnetOwnerCut", || hp::DEFAULT_SUBNET_OWNER_CUT);
/// `MaxEpochsPerBlock`: epochs run per block; further due subnets are deferred a block.
pub const MAX_EPOCHS_PER_BLOCK: ValueD<u8> =
    ValueD::new("MaxEpochsPerBlock", || hp::DEFAULT_MAX_EPOCHS_PER_BLOCK);
/// `StakeThreshold`: least stake (rao) a validator needs to count and to set weights.
pub const STAKE_THRESHOLD: ValueD<u64> = ValueD::new("StakeThreshold", zero());
/// `TaoWeight`: weight of root stake (u64 proportion; root stake is not used by epochs here).
pub const TAO_WEIGHT: ValueD<u64> = ValueD::new("TaoWeight", || hp::DEFAULT_TAO_WEIGHT);
/// `AdminFreezeWindow`: blocks before an epoch in which owners may not change hyperparameters.
pub const ADMIN_FREEZE_WINDOW: ValueD<u16> =
    ValueD::new("AdminFreezeWindow", || hp::DEFAULT_ADMIN_FREEZE_WINDOW);
/// `OwnerHyperparamRateLimit`: tempos between owner changes of one hyperparameter.
pub const OWNER_HYPERPARAM_RATE_LIMIT: ValueD<u16> =
    ValueD::new("OwnerHyperparamRateLimit", || hp::DEFAULT_OWNER_HYPERPARAM_RATE_LIMIT);
/// `MinActivityCutoff`: lower bound of the legacy `ActivityCutoff` setter.
pub const MIN_ACTIVITY_CUTOFF: ValueD<u16> =
    ValueD::new("MinActivityCutoff", || hp::DEFAULT_MIN_ACTIVITY_CUTOFF);
/// `LastRateLimitedBlock`: last block of a rate-limited operation.
pub const LAST_RATE_LIMITED_BLOCK: MapD<RateLimitKey, u64> =
    MapD::new("LastRateLimitedBlock", Identity, zero());
/// `TransactionKeyLastBlock`: (account, netuid, transaction type) → last block, for per-subnet
/// rate limits (`set_tempo`: type 11, `sudo_set_weights_version_key`: type 4).
pub const TRANSACTION_KEY_LAST_BLOCK: StorageNMap3<AccountId32, NetUid, u16, u64> =
    StorageNMap3::new("TransactionKeyLastBlock", [Blake2, Identity, Identity]);
/// `WeightsVersionKeyRateLimit`: tempos between owner changes of `WeightsVersionKey`.
pub const WEIGHTS_VERSION_KEY_RATE_LIMIT: ValueD<u64> =
    ValueD::new("WeightsVersionKeyRateLimit", || 5);

// ---------------------------------------------------------------------------------------------
// Subnets
// ---------------------------------------------------------------------------------------------

/// `NetworksAdded`: whether the subnet exists.
pub const NETWORKS_ADDED: MapD<NetUid, bool> = MapD::new("NetworksAdded", Identity, zero());
/// `NetworkRegisteredAt`: block the subnet was registered in.
pub const NETWORK_REGISTERED_AT: MapD<NetUid, u64> =
    MapD::new("NetworkRegisteredAt", Identity, zero());
/// `SubnetOwner`: owner coldkey.
pub const SUBNET_OWNER: MapD<NetUid, AccountId32> = MapD::new("SubnetOwner", Identity, zero());
/// `SubnetOwnerHotkey`: owner hotkey (never pruned, always permitted).
pub const SUBNET_OWNER_HOTKEY: MapD<NetUid, AccountId32> =
    MapD::new("SubnetOwnerHotkey", Identity, zero());
/// `SubnetLocked`: TAO the owner locked to register the subnet (held by the module).
pub const SUBNET_LOCKED: MapD<NetUid, Balance> = MapD::new("SubnetLocked", Identity, zero());
/// `TokenSymbol`: the subnet's token symbol (UTF-8).
pub const TOKEN_SYMBOL: MapD<NetUid, Vec<u8>> =
    MapD::new("TokenSymbol", Identity, || hp::DEFAULT_TOKEN_SYMBOL.to_vec());
/// `SubnetIdentitiesV3`: the owner's published identity.
pub const SUBNET_IDENTITIES_V3: StorageMap<NetUid, SubnetIdentityV3> =
    StorageMap::new(PALLET, "SubnetIdentitiesV3", Blake2);
/// `SubnetMechanism`: 0 = stable (TAO and alpha 1:1), which is every subnet here.
pub const SUBNET_MECHANISM: MapD<NetUid, u16> = MapD::new("SubnetMechanism", Identity, zero());
/// `MechanismCountCurrent`: incentive mechanisms per subnet (always 1 here).
pub const MECHANISM_COUNT_CURRENT: MapD<NetUid, u8> =
    MapD::new("MechanismCountCurrent", Twox64Concat, || 1);
/// `FirstEmissionBlockNumber`: first block the subnet receives emission.
pub const FIRST_EMISSION_BLOCK_NUMBER: StorageMap<NetUid, u64> =
    StorageMap::new(PALLET, "FirstEmissionBlockNumber", Identity);
/// `SubtokenEnabled`: staking allowed (set on registration here; no `start_call` needed).
pub const SUBTOKEN_ENABLED: MapD<NetUid, bool> = MapD::new("SubtokenEnabled", Identity, zero());
/// `SubnetEmissionEnabled`: whether the subnet takes part in the emission split.
pub const SUBNET_EMISSION_ENABLED: MapD<NetUid, bool> =
    MapD::new("SubnetEmissionEnabled", Identity, || true);
/// `SubnetEmissionShare` (tao-node only): weight of the subnet in the per-block emission split.
pub const SUBNET_EMISSION_SHARE: MapD<NetUid, u16> =
    MapD::new("SubnetEmissionShare", Identity, || hp::DEFAULT_EMISSION_SHARE);
/// `OwnerCutEnabled`: whether the owner cut is taken.
pub const OWNER_CUT_ENABLED: MapD<NetUid, bool> = MapD::new("OwnerCutEnabled", Identity, || true);
/// `SubnetTAO`: TAO staked on the subnet (rao).
pub const SUBNET_TAO: MapD<NetUid, Balance> = MapD::new("SubnetTAO", Identity, zero());
/// `SubnetAlphaIn`: alpha in the (absent) pool; always 0 here.
pub const SUBNET_ALPHA_IN: MapD<NetUid, Balance> = MapD::new("SubnetAlphaIn", Identity, zero());
/// `SubnetAlphaOut`: alpha held by stakers, equal to `SubnetTAO` at price 1.
pub const SUBNET_ALPHA_OUT: MapD<NetUid, Balance> = MapD::new("SubnetAlphaOut", Identity, zero());
/// `SubnetMovingPrice`: EMA of the alpha price; fixed at 1 for every non-root subnet here.
pub const SUBNET_MOVING_PRICE: MapD<NetUid, I96F32> =
    MapD::new("SubnetMovingPrice", Identity, || I96F32::from_bits(0));
/// `SubnetEmaTaoFlow`: (block, EMA) of net TAO flow; never written here (no flow-based split).
pub const SUBNET_EMA_TAO_FLOW: StorageMap<NetUid, (u64, I64F64)> =
    StorageMap::new(PALLET, "SubnetEmaTaoFlow", Identity);
/// `RAORecycledForRegistration`: TAO burned by registrations on the subnet.
pub const RAO_RECYCLED_FOR_REGISTRATION: MapD<NetUid, Balance> =
    MapD::new("RAORecycledForRegistration", Identity, zero());

// ---------------------------------------------------------------------------------------------
// Hyperparameters
// ---------------------------------------------------------------------------------------------

/// `Tempo`: blocks between epochs (0 disables them).
pub const TEMPO: MapD<NetUid, u16> = MapD::new("Tempo", Identity, || hp::DEFAULT_TEMPO);
/// `ActivityCutoffFactorMilli`: activity cutoff in per mille of tempo.
pub const ACTIVITY_CUTOFF_FACTOR_MILLI: MapD<NetUid, u32> =
    MapD::new("ActivityCutoffFactorMilli", Identity, || hp::DEFAULT_ACTIVITY_CUTOFF_FACTOR_MILLI);
/// `ActivityCutoff` (legacy, blocks; not read by the epoch).
pub const ACTIVITY_CUTOFF: MapD<NetUid, u16> =
    MapD::new("ActivityCutoff", Identity, || hp::DEFAULT_ACTIVITY_CUTOFF);
/// `MaxAllowedUids`.
pub const MAX_ALLOWED_UIDS: MapD<NetUid, u16> =
    MapD::new("MaxAllowedUids", Identity, || hp::DEFAULT_MAX_ALLOWED_UIDS);
/// `MinAllowedUids`.
pub const MIN_ALLOWED_UIDS: MapD<NetUid, u16> =
    MapD::new("MinAllowedUids", Identity, || hp::DEFAULT_MIN_ALLOWED_UIDS);
/// `MaxAllowedValidators`.
pub const MAX_ALLOWED_VALIDATORS: MapD<NetUid, u16> =
    MapD::new("MaxAllowedValidators", Identity, || hp::DEFAULT_MAX_ALLOWED_VALIDATORS);
/// `ImmunityPeriod`: blocks a new neuron cannot be pruned.
pub const IMMUNITY_PERIOD: MapD<NetUid, u16> =
    MapD::new("ImmunityPeriod", Identity, || hp::DEFAULT_IMMUNITY_PERIOD);
/// `MinAllowedWeights`.
pub const MIN_ALLOWED_WEIGHTS: MapD<NetUid, u16> =
    MapD::new("MinAllowedWeights", Identity, || hp::DEFAULT_MIN_ALLOWED_WEIGHTS);
/// `MaxWeightsLimit`.
pub const MAX_WEIGHTS_LIMIT: MapD<NetUid, u16> =
    MapD::new("MaxWeightsLimit", Identity, || hp::DEFAULT_MAX_WEIGHTS_LIMIT);
/// `WeightsVersionKey`.
pub const WEIGHTS_VERSION_KEY: MapD<NetUid, u64> = MapD::new("WeightsVersionKey", Identity, zero());
/// `WeightsSetRateLimit`.
pub const WEIGHTS_SET_RATE_LIMIT: MapD<NetUid, u64> =
    MapD::new("WeightsSetRateLimit", Identity, || hp::DEFAULT_WEIGHTS_SET_RATE_LIMIT);
/// `Kappa`.
pub const KAPPA: MapD<NetUid, u16> = MapD::new("Kappa", Identity, || hp::DEFAULT_KAPPA);
/// `Rho` (not read by the epoch).
pub const RHO: MapD<NetUid, u16> = MapD::new("Rho", Identity, || hp::DEFAULT_RHO);
/// `BondsMovingAverage`.
pub const BONDS_MOVING_AVERAGE: MapD<NetUid, u64> =
    MapD::new("BondsMovingAverage", Identity, || hp::DEFAULT_BONDS_MOVING_AVERAGE);
/// `BondsPenalty`.
pub const BONDS_PENALTY: MapD<NetUid, u16> =
    MapD::new("BondsPenalty", Identity, || hp::DEFAULT_BONDS_PENALTY);
/// `BondsResetOn` (stored; bond resets on commitments are not implemented).
pub const BONDS_RESET_ON: MapD<NetUid, bool> = MapD::new("BondsResetOn", Identity, zero());
/// `LiquidAlphaOn` (subtensor hashes this key with Blake2_128Concat).
pub const LIQUID_ALPHA_ON: MapD<NetUid, bool> = MapD::new("LiquidAlphaOn", Blake2, zero());
/// `Yuma3On` (Blake2_128Concat, as subtensor).
pub const YUMA3_ON: MapD<NetUid, bool> = MapD::new("Yuma3On", Blake2, zero());
/// `AlphaValues`: (low, high) liquid-alpha bounds.
pub const ALPHA_VALUES: MapD<NetUid, (u16, u16)> =
    MapD::new("AlphaValues", Identity, || hp::DEFAULT_ALPHA_VALUES);
/// `AlphaSigmoidSteepness`.
pub const ALPHA_SIGMOID_STEEPNESS: MapD<NetUid, i16> =
    MapD::new("AlphaSigmoidSteepness", Identity, || hp::DEFAULT_ALPHA_SIGMOID_STEEPNESS);
/// `CommitRevealWeightsEnabled` (subtensor defaults to true; this chain writes false for every
/// subnet and refuses to enable it).
pub const COMMIT_REVEAL_WEIGHTS_ENABLED: MapD<NetUid, bool> =
    MapD::new("CommitRevealWeightsEnabled", Identity, || true);
/// `ServingRateLimit`.
pub const SERVING_RATE_LIMIT: MapD<NetUid, u64> =
    MapD::new("ServingRateLimit", Identity, || hp::DEFAULT_SERVING_RATE_LIMIT);
/// `NetworkRegistrationAllowed`.
pub const NETWORK_REGISTRATION_ALLOWED: MapD<NetUid, bool> =
    MapD::new("NetworkRegistrationAllowed", Identity, || true);
/// `NetworkPowRegistrationAllowed` (PoW registration is not offered).
pub const NETWORK_POW_REGISTRATION_ALLOWED: MapD<NetUid, bool> =
    MapD::new("NetworkPowRegistrationAllowed", Identity, || true);
/// `Burn`: current registration price.
pub const BURN: MapD<NetUid, Balance> = MapD::new("Burn", Identity, || hp::DEFAULT_BURN);
/// `MinBurn`.
pub const MIN_BURN: MapD<NetUid, Balance> = MapD::new("MinBurn", Identity, || hp::DEFAULT_MIN_BURN);
/// `MaxBurn`.
pub const MAX_BURN: MapD<NetUid, Balance> = MapD::new("MaxBurn", Identity, || hp::DEFAULT_MAX_BURN);
/// `BurnHalfLife`: blocks for the registration price to halve.
pub const BURN_HALF_LIFE: MapD<NetUid, u16> =
    MapD::new("BurnHalfLife", Identity, || hp::DEFAULT_BURN_HALF_LIFE);
/// `BurnIncreaseMult`: factor applied to the price by each registration.
pub const BURN_INCREASE_MULT: MapD<NetUid, U64F64> =
    MapD::new("BurnIncreaseMult", Identity, || {
        U64F64::from_bits(hp::DEFAULT_BURN_INCREASE_MULT_BITS)
    });
/// `Difficulty` (reported only).
pub const DIFFICULTY: MapD<NetUid, u64> =
    MapD::new("Difficulty", Identity, || hp::DEFAULT_DIFFICULTY);
/// `MinDifficulty` (reported only).
pub const MIN_DIFFICULTY: MapD<NetUid, u64> =
    MapD::new("MinDifficulty", Identity, || hp::DEFAULT_DIFFICULTY);
/// `MaxDifficulty` (reported only).
pub const MAX_DIFFICULTY: MapD<NetUid, u64> =
    MapD::new("MaxDifficulty", Identity, || hp::DEFAULT_MAX_DIFFICULTY);
/// `RegistrationsThisBlock`.
pub const REGISTRATIONS_THIS_BLOCK: MapD<NetUid, u16> =
    MapD::new("RegistrationsThisBlock", Identity, zero());
/// `RegistrationsThisInterval` (reported only).
pub const REGISTRATIONS_THIS_INTERVAL: MapD<NetUid, u16> =
    MapD::new("RegistrationsThisInterval", Identity, zero());
/// `MaxRegistrationsPerBlock` (reported; registration is priced, not capped, as subtensor).
pub const MAX_REGISTRATIONS_PER_BLOCK: MapD<NetUid, u16> =
    MapD::new("MaxRegistrationsPerBlock", Identity, || hp::DEFAULT_MAX_REGISTRATIONS_PER_BLOCK);
/// `TargetRegistrationsPerInterval` (reported only).
pub const TARGET_REGISTRATIONS_PER_INTERVAL: MapD<NetUid, u16> =
    MapD::new("TargetRegistrationsPerInterval", Identity, || {
        hp::DEFAULT_TARGET_REGISTRATIONS_PER_INTERVAL
    });
/// `AdjustmentInterval` (reported only).
pub const ADJUSTMENT_INTERVAL: MapD<NetUid, u16> =
    MapD::new("AdjustmentInterval", Identity, || hp::DEFAULT_ADJUSTMENT_INTERVAL);
/// `AdjustmentAlpha` (reported only).
pub const ADJUSTMENT_ALPHA: MapD<NetUid, u64> = MapD::new("AdjustmentAlpha", Identity, zero());
/// `MinNonImmuneUids`: non-immune neurons that must remain before an immune one is pruned.
pub const MIN_NON_IMMUNE_UIDS: MapD<NetUid, u16> =
    MapD::new("MinNonImmuneUids", Identity, || hp::DEFAULT_MIN_NON_IMMUNE_UIDS);
/// `ImmuneOwnerUidsLimit`: owner hotkeys that are never pruned.
pub const IMMUNE_OWNER_UIDS_LIMIT: MapD<NetUid, u16> =
    MapD::new("ImmuneOwnerUidsLimit", Identity, || hp::DEFAULT_IMMUNE_OWNER_UIDS_LIMIT);

// ---------------------------------------------------------------------------------------------
// Epoch schedule and pending emission
// ---------------------------------------------------------------------------------------------

/// `LastEpochBlock`: block of the last epoch slot (run or skipped).
pub const LAST_EPOCH_BLOCK: MapD<NetUid, u64> = MapD::new("LastEpochBlock", Identity, zero());
/// `PendingEpochAt`: block at which a triggered or deferred epoch fires (0 = none).
pub const PENDING_EPOCH_AT: MapD<NetUid, u64> = MapD::new("PendingEpochAt", Identity, zero());
/// `SubnetEpochIndex`: epochs so far.
pub const SUBNET_EPOCH_INDEX: MapD<NetUid, u64> = MapD::new("SubnetEpochIndex", Identity, zero());
/// `BlocksSinceLastStep`.
pub const BLOCKS_SINCE_LAST_STEP: MapD<NetUid, u64> =
    MapD::new("BlocksSinceLastStep", Identity, zero());
/// `LastMechansimStepBlock` (sic): block of the last successful epoch.
pub const LAST_MECHANSIM_STEP_BLOCK: MapD<NetUid, u64> =
    MapD::new("LastMechansimStepBlock", Identity, zero());
/// `PendingServerEmission`: TAO for miners, accumulated until the next epoch.
pub const PENDING_SERVER_EMISSION: MapD<NetUid, Balance> =
    MapD::new("PendingServerEmission", Identity, zero());
/// `PendingValidatorEmission`: TAO for validators, accumulated until the next epoch.
pub const PENDING_VALIDATOR_EMISSION: MapD<NetUid, Balance> =
    MapD::new("PendingValidatorEmission", Identity, zero());
/// `PendingRootAlphaDivs`: always 0 here (no root dividends).
pub const PENDING_ROOT_ALPHA_DIVS: MapD<NetUid, Balance> =
    MapD::new("PendingRootAlphaDivs", Identity, zero());
/// `PendingOwnerCut`: the owner's cut, accumulated until the next epoch.
pub const PENDING_OWNER_CUT: MapD<NetUid, Balance> = MapD::new("PendingOwnerCut", Identity, zero());
/// `SubnetAlphaOutEmission`: emission the subnet received in the last block.
pub const SUBNET_ALPHA_OUT_EMISSION: MapD<NetUid, Balance> =
    MapD::new("SubnetAlphaOutEmission", Identity, zero());

// ---------------------------------------------------------------------------------------------
// Neurons
// ---------------------------------------------------------------------------------------------

/// `SubnetworkN`: number of uids.
pub const SUBNETWORK_N: MapD<NetUid, u16> = MapD::new("SubnetworkN", Identity, zero());
/// `Keys`: uid → hotkey.
pub const KEYS: DoubleMapD<NetUid, u16, AccountId32> =
    DoubleMapD::new("Keys", Identity, Identity, zero());
/// `Uids`: hotkey → uid.
pub const UIDS: StorageDoubleMap<NetUid, AccountId32, u16> =
    StorageDoubleMap::new(PALLET, "Uids", Identity, Blake2);
/// `BlockAtRegistration`.
pub const BLOCK_AT_REGISTRATION: DoubleMapD<NetUid, u16, u64> =
    DoubleMapD::new("BlockAtRegistration", Identity, Identity, zero());
/// `IsNetworkMember`: whether the hotkey is registered on the subnet.
pub const IS_NETWORK_MEMBER: DoubleMapD<AccountId32, NetUid, bool> =
    DoubleMapD::new("IsNetworkMember", Blake2, Identity, zero());
/// `Axons`.
pub const AXONS: StorageDoubleMap<NetUid, AccountId32, AxonInfo> =
    StorageDoubleMap::new(PALLET, "Axons", Identity, Blake2);
/// `Prometheus`.
pub const PROMETHEUS: StorageDoubleMap<NetUid, AccountId32, PrometheusInfo> =
    StorageDoubleMap::new(PALLET, "Prometheus", Identity, Blake2);
/// `Active` (per uid, from the last epoch).
pub const ACTIVE: MapD<NetUid, Vec<bool>> = MapD::new("Active", Identity, zero());
/// `Consensus` (per uid).
pub const CONSENSUS: MapD<NetUid, Vec<u16>> = MapD::new("Consensus", Identity, zero());
/// `Incentive` (per uid; keyed by `NetUidStorageIndex` = netuid).
pub const INCENTIVE: MapD<NetUid, Vec<u16>> = MapD::new("Incentive", Identity, zero());
/// `Dividends` (per uid).
pub const DIVIDENDS: MapD<NetUid, Vec<u16>> = MapD::new("Dividends", Identity, zero());
/// `Emission` (per uid, rao of the last epoch).
pub const EMISSION: MapD<NetUid, Vec<Balance>> = MapD::new("Emission", Identity, zero());
/// `LastUpdate` (per uid; keyed by `NetUidStorageIndex` = netuid).
pub const LAST_UPDATE: MapD<NetUid, Vec<u64>> = MapD::new("LastUpdate", Identity, zero());
/// `ValidatorTrust` (per uid).
pub const VALIDATOR_TRUST: MapD<NetUid, Vec<u16>> = MapD::new("ValidatorTrust", Identity, zero());
/// `ValidatorPermit` (per uid).
pub const VALIDATOR_PERMIT: MapD<NetUid, Vec<bool>> =
    MapD::new("ValidatorPermit", Identity, zero());
/// `StakeWeight` (per uid).
pub const STAKE_WEIGHT: MapD<NetUid, Vec<u16>> = MapD::new("StakeWeight", Identity, zero());
/// `Weights`: per uid its `(uid, weight)` row (keyed by `NetUidStorageIndex` = netuid).
pub const WEIGHTS: DoubleMapD<NetUid, u16, Vec<(u16, u16)>> =
    DoubleMapD::new("Weights", Identity, Identity, zero());
/// `Bonds`: per uid its `(uid, bond)` row.
pub const BONDS: DoubleMapD<NetUid, u16, Vec<(u16, u16)>> =
    DoubleMapD::new("Bonds", Identity, Identity, zero());

// ---------------------------------------------------------------------------------------------
// Accounts and stake
// ---------------------------------------------------------------------------------------------

/// `Owner`: hotkey → owning coldkey (zeros when the hotkey is unknown).
pub const OWNER: MapD<AccountId32, AccountId32> = MapD::new("Owner", Blake2, zero());
/// `OwnedHotkeys`: coldkey → its hotkeys.
pub const OWNED_HOTKEYS: MapD<AccountId32, Vec<AccountId32>> =
    MapD::new("OwnedHotkeys", Blake2, zero());
/// `StakingHotkeys`: coldkey → hotkeys it has staked to.
pub const STAKING_HOTKEYS: MapD<AccountId32, Vec<AccountId32>> =
    MapD::new("StakingHotkeys", Blake2, zero());
/// `TotalHotkeyAlpha`: stake on a hotkey on a subnet (rao).
pub const TOTAL_HOTKEY_ALPHA: DoubleMapD<AccountId32, NetUid, Balance> =
    DoubleMapD::new("TotalHotkeyAlpha", Blake2, Identity, zero());
/// `TotalHotkeyShares`: shares of a hotkey's pool (equal to `TotalHotkeyAlpha` here).
pub const TOTAL_HOTKEY_SHARES: DoubleMapD<AccountId32, NetUid, U64F64> =
    DoubleMapD::new("TotalHotkeyShares", Blake2, Identity, || U64F64::from_bits(0));
/// `Alpha`: (hotkey, coldkey, netuid) → shares (one share per rao here).
pub const ALPHA: StorageNMap3<AccountId32, AccountId32, NetUid, U64F64> =
    StorageNMap3::new("Alpha", [Blake2, Blake2, Identity]);
/// `HotkeyStakers` (tao-node only): the coldkeys with stake on a hotkey on a subnet, in order
/// of first stake. Lets an epoch credit dividends to every staker without iterating storage.
pub const HOTKEY_STAKERS: DoubleMapD<AccountId32, NetUid, Vec<AccountId32>> =
    DoubleMapD::new("HotkeyStakers", Blake2, Identity, zero());
