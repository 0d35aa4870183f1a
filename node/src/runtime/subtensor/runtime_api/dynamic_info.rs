//! `SubnetInfoRuntimeApi.get_all_dynamic_info` / `get_dynamic_info`: a subnet's pool and
//! emission figures, as subtensor's `rpc_info/dynamic_info.rs`. `btcli subnets list` and
//! `btcli wallet balance` read them.
//!
//! Every figure is read from the SubtensorModule storage item subtensor reads it from. There is
//! no AMM here (stake is TAO, one alpha is one TAO): `SubnetAlphaIn` and the pool emissions stay
//! 0, and prices come from `SwapRuntimeApi` (always one TAO).

use parity_scale_codec::{Compact, Decode, Encode};
use scale_info::TypeInfo;
use substrate_fixed::types::I96F32;

use crate::primitives::AccountId32;
use crate::runtime::Ext;

use super::super::storage as s;
use super::super::subnets;
use super::super::types::{NetUid, SubnetIdentityV3};
use super::{bytes, subnet_name};

/// `DynamicInfo<AccountId32>`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct DynamicInfo {
    /// The subnet (`Compact<NetUid>`).
    pub netuid: Compact<u16>,
    /// Owner hotkey.
    pub owner_hotkey: AccountId32,
    /// Owner coldkey.
    pub owner_coldkey: AccountId32,
    /// Name (UTF-8 bytes).
    pub subnet_name: Vec<Compact<u8>>,
    /// Token symbol (UTF-8 bytes).
    pub token_symbol: Vec<Compact<u8>>,
    /// Blocks between epochs.
    pub tempo: Compact<u16>,
    /// Block of the last epoch.
    pub last_step: Compact<u64>,
    /// Blocks since then.
    pub blocks_since_last_step: Compact<u64>,
    /// Deprecated in subtensor: always 0.
    pub emission: Compact<u64>,
    /// Alpha in the pool (rao).
    pub alpha_in: Compact<u64>,
    /// Alpha held by stakers (rao).
    pub alpha_out: Compact<u64>,
    /// TAO in the pool (rao).
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
    /// Block the subnet was registered in.
    pub network_registered_at: Compact<u64>,
    /// The owner's published identity.
    pub subnet_identity: Option<SubnetIdentityV3>,
    /// Moving alpha price (I96F32).
    pub moving_price: I96F32,
}

/// `get_dynamic_info`: `None` when `netuid` does not exist.
pub fn get_dynamic_info(ext: &mut Ext<'_>, netuid: NetUid, block: u64) -> Option<DynamicInfo> {
    if !subnets::exists(ext, netuid) {
        return None;
    }
    let last_step = s::LAST_MECHANSIM_STEP_BLOCK.get(ext, &netuid);
    let pending = s::PENDING_VALIDATOR_EMISSION
        .get(ext, &netuid)
        .saturating_add(s::PENDING_SERVER_EMISSION.get(ext, &netuid));
    Some(DynamicInfo {
        netuid: Compact(netuid.0),
        owner_hotkey: s::SUBNET_OWNER_HOTKEY.get(ext, &netuid),
        owner_coldkey: s::SUBNET_OWNER.get(ext, &netuid),
        subnet_name: bytes(subnet_name(ext, netuid)),
        token_symbol: bytes(s::TOKEN_SYMBOL.get(ext, &netuid)),
        tempo: Compact(s::TEMPO.get(ext, &netuid)),
        last_step: Compact(last_step),
        blocks_since_last_step: Compact(block.saturating_sub(last_step)),
        emission: Compact(0),
        alpha_in: Compact(s::SUBNET_ALPHA_IN.get(ext, &netuid)),
        alpha_out: Compact(s::SUBNET_ALPHA_OUT.get(ext, &netuid)),
        tao_in: Compact(s::SUBNET_TAO.get(ext, &netuid)),
        alpha_out_emission: Compact(s::SUBNET_ALPHA_OUT_EMISSION.get(ext, &netuid)),
        alpha_in_emission: Compact(0),
        tao_in_emission: Compact(0),
        pending_alpha_emission: Compact(pending),
        pending_root_emission: Compact(0),
        subnet_volume: Compact(0),
        network_registered_at: Compact(s::NETWORK_REGISTERED_AT.get(ext, &netuid)),
        subnet_identity: s::SUBNET_IDENTITIES_V3.try_get(ext, &netuid),
        moving_price: s::SUBNET_MOVING_PRICE.get(ext, &netuid),
    })
}

/// `get_all_dynamic_info`: every subnet, root included, in netuid order.
pub fn get_all_dynamic_info(ext: &mut Ext<'_>, block: u64) -> Vec<Option<DynamicInfo>> {
    subnets::all_netuids(ext).into_iter().map(|n| get_dynamic_info(ext, n, block)).collect()
}
