//! `SubnetInfoRuntimeApi.get_metagraph` / `get_all_metagraphs`: everything about a subnet and
//! its neurons in one record, as subtensor's `rpc_info/metagraph.rs` (the `bittensor` SDK's
//! `Metagraph` is built from it).

use parity_scale_codec::{Compact, Decode, Encode};
use scale_info::TypeInfo;
use substrate_fixed::types::I96F32;

use crate::primitives::AccountId32;
use crate::runtime::Ext;

use super::super::storage as s;
use super::super::types::{AxonInfo, NetUid, SubnetIdentityV3};
use super::super::{staking, subnets};
use super::{activity_cutoff_blocks, bytes, compact_all, subnet_name};

/// Commit-reveal period in epochs (subtensor's default; commit-reveal is off on this chain).
const REVEAL_PERIOD_EPOCHS: u64 = 1;

/// `pallet_subtensor::ChainIdentityV2`: a coldkey's published identity. No identity can be set on
/// this chain (`set_identity` is not offered), so metagraphs report `None` for every uid.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct ChainIdentityV2 {
    /// Name.
    pub name: Vec<u8>,
    /// Web site.
    pub url: Vec<u8>,
    /// Source repository.
    pub github_repo: Vec<u8>,
    /// Image.
    pub image: Vec<u8>,
    /// Discord.
    pub discord: Vec<u8>,
    /// Description.
    pub description: Vec<u8>,
    /// Anything else.
    pub additional: Vec<u8>,
}

/// `Metagraph<AccountId32>`; field order is the encoding.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Metagraph {
    /// The subnet (`Compact<NetUid>`).
    pub netuid: Compact<u16>,
    /// Name (UTF-8 bytes).
    pub name: Vec<Compact<u8>>,
    /// Token symbol (UTF-8 bytes).
    pub symbol: Vec<Compact<u8>>,
    /// The owner's published identity.
    pub identity: Option<SubnetIdentityV3>,
    /// Block the subnet was registered in.
    pub network_registered_at: Compact<u64>,
    /// Owner hotkey.
    pub owner_hotkey: AccountId32,
    /// Owner coldkey.
    pub owner_coldkey: AccountId32,
    /// Block of this answer.
    pub block: Compact<u64>,
    /// Blocks between epochs.
    pub tempo: Compact<u16>,
    /// Block of the last epoch.
    pub last_step: Compact<u64>,
    /// Blocks since then.
    pub blocks_since_last_step: Compact<u64>,
    /// Deprecated in subtensor: always 0.
    pub subnet_emission: Compact<u64>,
    /// Alpha in the pool.
    pub alpha_in: Compact<u64>,
    /// Alpha held by stakers.
    pub alpha_out: Compact<u64>,
    /// TAO in the pool.
    pub tao_in: Compact<u64>,
    /// Alpha emitted to stakers per block.
    pub alpha_out_emission: Compact<u64>,
    /// Alpha injected into the pool per block.
    pub alpha_in_emission: Compact<u64>,
    /// TAO injected into the pool per block.
    pub tao_in_emission: Compact<u64>,
    /// Emission waiting for the next epoch.
    pub pending_alpha_emission: Compact<u64>,
    /// Root emission waiting (always 0).
    pub pending_root_emission: Compact<u64>,
    /// Traded volume (none without an AMM).
    pub subnet_volume: Compact<u128>,
    /// Moving alpha price.
    pub moving_price: I96F32,
    /// Rho.
    pub rho: Compact<u16>,
    /// Kappa.
    pub kappa: Compact<u16>,
    /// Least weights a validator sets.
    pub min_allowed_weights: Compact<u16>,
    /// Largest single weight.
    pub max_weights_limit: Compact<u16>,
    /// Required weights version.
    pub weights_version: Compact<u64>,
    /// Blocks between two `set_weights` of one hotkey.
    pub weights_rate_limit: Compact<u64>,
    /// Activity cutoff in blocks.
    pub activity_cutoff: Compact<u64>,
    /// Most validators.
    pub max_validators: Compact<u16>,
    /// Uids in use.
    pub num_uids: Compact<u16>,
    /// Most uids.
    pub max_uids: Compact<u16>,
    /// Registration price (rao).
    pub burn: Compact<u64>,
    /// PoW difficulty.
    pub difficulty: Compact<u64>,
    /// Registration open.
    pub registration_allowed: bool,
    /// PoW registration open.
    pub pow_registration_allowed: bool,
    /// Blocks a new neuron is immune to pruning.
    pub immunity_period: Compact<u16>,
    /// Least PoW difficulty.
    pub min_difficulty: Compact<u64>,
    /// Most PoW difficulty.
    pub max_difficulty: Compact<u64>,
    /// Least registration price.
    pub min_burn: Compact<u64>,
    /// Most registration price.
    pub max_burn: Compact<u64>,
    /// Adjustment speed of registration prices.
    pub adjustment_alpha: Compact<u64>,
    /// Blocks between registration-price adjustments.
    pub adjustment_interval: Compact<u16>,
    /// Target registrations per interval.
    pub target_regs_per_interval: Compact<u16>,
    /// Most registrations per block.
    pub max_regs_per_block: Compact<u16>,
    /// Blocks between two `serve_axon` of one hotkey.
    pub serving_rate_limit: Compact<u64>,
    /// Commit-reveal on.
    pub commit_reveal_weights_enabled: bool,
    /// Commit-reveal period.
    pub commit_reveal_period: Compact<u64>,
    /// Liquid alpha on.
    pub liquid_alpha_enabled: bool,
    /// Liquid alpha upper bound.
    pub alpha_high: Compact<u16>,
    /// Liquid alpha lower bound.
    pub alpha_low: Compact<u16>,
    /// Bonds moving average.
    pub bonds_moving_avg: Compact<u64>,
    /// Hotkey per uid.
    pub hotkeys: Vec<AccountId32>,
    /// Coldkey per uid.
    pub coldkeys: Vec<AccountId32>,
    /// Coldkey identity per uid.
    pub identities: Vec<Option<ChainIdentityV2>>,
    /// Axon per uid.
    pub axons: Vec<AxonInfo>,
    /// Active per uid.
    pub active: Vec<bool>,
    /// Validator permit per uid.
    pub validator_permit: Vec<bool>,
    /// Deprecated in subtensor: empty.
    pub pruning_score: Vec<Compact<u16>>,
    /// Block of the last weights per uid.
    pub last_update: Vec<Compact<u64>>,
    /// Emission of the last epoch per uid (rao).
    pub emission: Vec<Compact<u64>>,
    /// Dividends per uid.
    pub dividends: Vec<Compact<u16>>,
    /// Incentive per uid.
    pub incentives: Vec<Compact<u16>>,
    /// Consensus per uid.
    pub consensus: Vec<Compact<u16>>,
    /// Deprecated in subtensor: empty.
    pub trust: Vec<Compact<u16>>,
    /// Deprecated in subtensor: empty.
    pub rank: Vec<Compact<u16>>,
    /// Registration block per uid.
    pub block_at_registration: Vec<Compact<u64>>,
    /// Alpha stake per uid (rao).
    pub alpha_stake: Vec<Compact<u64>>,
    /// TAO (root) stake per uid (rao; no root stake here, so 0).
    pub tao_stake: Vec<Compact<u64>>,
    /// Total stake weight per uid (rao).
    pub total_stake: Vec<Compact<u64>>,
    /// Root dividends per hotkey (always 0).
    pub tao_dividends_per_hotkey: Vec<(AccountId32, Compact<u64>)>,
    /// Subnet dividends per hotkey in the last epoch (rao).
    pub alpha_dividends_per_hotkey: Vec<(AccountId32, Compact<u64>)>,
}

/// `get_metagraph`: `None` when `netuid` does not exist.
pub fn get_metagraph(ext: &mut Ext<'_>, netuid: NetUid, block: u64) -> Option<Metagraph> {
    if !subnets::exists(ext, netuid) {
        return None;
    }
    let n = s::SUBNETWORK_N.get(ext, &netuid);
    let mut hotkeys = Vec::with_capacity(usize::from(n));
    let mut coldkeys = Vec::with_capacity(usize::from(n));
    let mut axons = Vec::with_capacity(usize::from(n));
    let mut block_at_registration = Vec::with_capacity(usize::from(n));
    let mut alpha_stake = Vec::with_capacity(usize::from(n));
    for uid in 0..n {
        let hotkey = s::KEYS.get(ext, &netuid, &uid);
        coldkeys.push(s::OWNER.get(ext, &hotkey));
        axons.push(s::AXONS.try_get(ext, &netuid, &hotkey).unwrap_or_default());
        block_at_registration.push(Compact(s::BLOCK_AT_REGISTRATION.get(ext, &netuid, &uid)));
        alpha_stake.push(Compact(staking::hotkey_stake(ext, &hotkey, netuid)));
        hotkeys.push(hotkey);
    }
    let last_step = s::LAST_MECHANSIM_STEP_BLOCK.get(ext, &netuid);
    let pending = s::PENDING_VALIDATOR_EMISSION
        .get(ext, &netuid)
        .saturating_add(s::PENDING_SERVER_EMISSION.get(ext, &netuid));
    let (alpha_low, alpha_high) = s::ALPHA_VALUES.get(ext, &netuid);
    Some(Metagraph {
        netuid: Compact(netuid.0),
        name: bytes(subnet_name(ext, netuid)),
        symbol: bytes(s::TOKEN_SYMBOL.get(ext, &netuid)),
        identity: s::SUBNET_IDENTITIES_V3.try_get(ext, &netuid),
        network_registered_at: Compact(s::NETWORK_REGISTERED_AT.get(ext, &netuid)),
        owner_hotkey: s::SUBNET_OWNER_HOTKEY.get(ext, &netuid),
        owner_coldkey: s::SUBNET_OWNER.get(ext, &netuid),
        block: Compact(block),
        tempo: Compact(s::TEMPO.get(ext, &netuid)),
        last_step: Compact(last_step),
        blocks_since_last_step: Compact(block.saturating_sub(last_step)),
        subnet_emission: Compact(0),
        alpha_in: Compact(s::SUBNET_ALPHA_IN.get(ext, &netuid)),
        alpha_out: Compact(s::SUBNET_ALPHA_OUT.get(ext, &netuid)),
        tao_in: Compact(s::SUBNET_TAO.get(ext, &netuid)),
        alpha_out_emission: Compact(s::SUBNET_ALPHA_OUT_EMISSION.get(ext, &netuid)),
        alpha_in_emission: Compact(0),
        tao_in_emission: Compact(0),
        pending_alpha_emission: Compact(pending),
        pending_root_emission: Compact(0),
        subnet_volume: Compact(0),
        moving_price: s::SUBNET_MOVING_PRICE.get(ext, &netuid),
        rho: Compact(s::RHO.get(ext, &netuid)),
        kappa: Compact(s::KAPPA.get(ext, &netuid)),
        min_allowed_weights: Compact(s::MIN_ALLOWED_WEIGHTS.get(ext, &netuid)),
        max_weights_limit: Compact(s::MAX_WEIGHTS_LIMIT.get(ext, &netuid)),
        weights_version: Compact(s::WEIGHTS_VERSION_KEY.get(ext, &netuid)),
        weights_rate_limit: Compact(s::WEIGHTS_SET_RATE_LIMIT.get(ext, &netuid)),
        activity_cutoff: Compact(activity_cutoff_blocks(ext, netuid)),
        max_validators: Compact(s::MAX_ALLOWED_VALIDATORS.get(ext, &netuid)),
        num_uids: Compact(n),
        max_uids: Compact(s::MAX_ALLOWED_UIDS.get(ext, &netuid)),
        burn: Compact(s::BURN.get(ext, &netuid)),
        difficulty: Compact(s::DIFFICULTY.get(ext, &netuid)),
        registration_allowed: s::NETWORK_REGISTRATION_ALLOWED.get(ext, &netuid),
        pow_registration_allowed: s::NETWORK_POW_REGISTRATION_ALLOWED.get(ext, &netuid),
        immunity_period: Compact(s::IMMUNITY_PERIOD.get(ext, &netuid)),
        min_difficulty: Compact(s::MIN_DIFFICULTY.get(ext, &netuid)),
        max_difficulty: Compact(s::MAX_DIFFICULTY.get(ext, &netuid)),
        min_burn: Compact(s::MIN_BURN.get(ext, &netuid)),
        max_burn: Compact(s::MAX_BURN.get(ext, &netuid)),
        adjustment_alpha: Compact(s::ADJUSTMENT_ALPHA.get(ext, &netuid)),
        adjustment_interval: Compact(s::ADJUSTMENT_INTERVAL.get(ext, &netuid)),
        target_regs_per_interval: Compact(s::TARGET_REGISTRATIONS_PER_INTERVAL.get(ext, &netuid)),
        max_regs_per_block: Compact(s::MAX_REGISTRATIONS_PER_BLOCK.get(ext, &netuid)),
        serving_rate_limit: Compact(s::SERVING_RATE_LIMIT.get(ext, &netuid)),
        commit_reveal_weights_enabled: s::COMMIT_REVEAL_WEIGHTS_ENABLED.get(ext, &netuid),
        commit_reveal_period: Compact(REVEAL_PERIOD_EPOCHS),
        liquid_alpha_enabled: s::LIQUID_ALPHA_ON.get(ext, &netuid),
        alpha_high: Compact(alpha_high),
        alpha_low: Compact(alpha_low),
        bonds_moving_avg: Compact(s::BONDS_MOVING_AVERAGE.get(ext, &netuid)),
        identities: vec![None; usize::from(n)],
        axons,
        active: s::ACTIVE.get(ext, &netuid),
        validator_permit: s::VALIDATOR_PERMIT.get(ext, &netuid),
        pruning_score: Vec::new(),
        last_update: compact_all(s::LAST_UPDATE.get(ext, &netuid)),
        emission: compact_all(s::EMISSION.get(ext, &netuid)),
        dividends: compact_all(s::DIVIDENDS.get(ext, &netuid)),
        incentives: compact_all(s::INCENTIVE.get(ext, &netuid)),
        consensus: compact_all(s::CONSENSUS.get(ext, &netuid)),
        trust: Vec::new(),
        rank: Vec::new(),
        block_at_registration,
        tao_stake: vec![Compact(0); usize::from(n)],
        // No root stake: a uid's stake weight is its alpha (TAO) stake.
        total_stake: alpha_stake.clone(),
        alpha_stake,
        tao_dividends_per_hotkey: hotkeys.iter().map(|h| (*h, Compact(0))).collect(),
        alpha_dividends_per_hotkey: hotkeys.iter().map(|h| (*h, Compact(0))).collect(),
        coldkeys,
        hotkeys,
    })
}

/// `get_all_metagraphs`: every subnet, root included, in netuid order.
pub fn get_all_metagraphs(ext: &mut Ext<'_>, block: u64) -> Vec<Option<Metagraph>> {
    subnets::all_netuids(ext).into_iter().map(|n| get_metagraph(ext, n, block)).collect()
}
