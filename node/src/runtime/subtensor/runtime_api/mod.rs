//! SubtensorModule's runtime APIs, as Bittensor's clients call them through `state_call`:
//!
//! | API | version | methods |
//! |---|---|---|
//! | `NeuronInfoRuntimeApi` | 1 | `get_neurons`, `get_neuron`, `get_neurons_lite`, `get_neuron_lite` |
//! | `SubnetInfoRuntimeApi` | 2 | `get_all_dynamic_info`, `get_dynamic_info`, `get_metagraph`, `get_all_metagraphs` |
//! | `StakeInfoRuntimeApi` | 1 | `get_stake_info_for_coldkey`, `get_stake_info_for_coldkeys`, `get_stake_info_for_hotkey_coldkey_netuid` |
//! | `SubnetRegistrationRuntimeApi` | 1 | `get_network_registration_cost` |
//! | `SwapRuntimeApi` | 1 | `current_alpha_price`, `current_alpha_price_all` |
//!
//! Names, parameter names, versions and the SCALE types of results are subtensor's
//! (`pallets/subtensor/runtime-api`, `pallets/subtensor/src/rpc_info/*`,
//! `pallets/swap/runtime-api`): the clients find a method only through the V15 metadata's `apis`
//! section and decode its result with the types declared there, by field name. One file per
//! result type, each with the functions that build it from SubtensorModule storage, reading the
//! same items subtensor reads. What this chain does not have (an AMM, root stake, identities,
//! per-hotkey dividend ledgers) is reported as subtensor reports an empty one: zeros, `None`,
//! empty lists.
//!
//! [`Method`] is the one list of these methods: its name, parameters, result type and answer.
//! The runtime's API table (`runtime::api::APIS`, as `Method::Subtensor`) groups them into the
//! APIs above, with their versions, for `Core_version`, the metadata and `state_call`.

pub mod dynamic_info;
pub mod metagraph;
pub mod neuron_info;
pub mod stake_info;
pub mod swap;

#[cfg(test)]
mod tests;

use parity_scale_codec::{Compact, Decode, Encode, HasCompact};
use scale_info::{MetaType, meta_type};

use crate::primitives::AccountId32;
use crate::runtime::Ext;

use super::storage as s;
use super::subnets;
use super::types::NetUid;

pub use dynamic_info::DynamicInfo;
pub use metagraph::{ChainIdentityV2, Metagraph};
pub use neuron_info::{NeuronInfo, NeuronInfoLite};
pub use stake_info::StakeInfo;
pub use swap::SubnetPrice;

/// A SubtensorModule runtime-API method.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Method {
    /// `NeuronInfoRuntimeApi.get_neurons(netuid) -> Vec<NeuronInfo>`.
    GetNeurons,
    /// `NeuronInfoRuntimeApi.get_neuron(netuid, uid) -> Option<NeuronInfo>`.
    GetNeuron,
    /// `NeuronInfoRuntimeApi.get_neurons_lite(netuid) -> Vec<NeuronInfoLite>`.
    GetNeuronsLite,
    /// `NeuronInfoRuntimeApi.get_neuron_lite(netuid, uid) -> Option<NeuronInfoLite>`.
    GetNeuronLite,
    /// `SubnetInfoRuntimeApi.get_all_dynamic_info() -> Vec<Option<DynamicInfo>>`.
    GetAllDynamicInfo,
    /// `SubnetInfoRuntimeApi.get_all_metagraphs() -> Vec<Option<Metagraph>>`.
    GetAllMetagraphs,
    /// `SubnetInfoRuntimeApi.get_metagraph(netuid) -> Option<Metagraph>`.
    GetMetagraph,
    /// `SubnetInfoRuntimeApi.get_dynamic_info(netuid) -> Option<DynamicInfo>`.
    GetDynamicInfo,
    /// `StakeInfoRuntimeApi.get_stake_info_for_coldkey(coldkey_account) -> Vec<StakeInfo>`.
    GetStakeInfoForColdkey,
    /// `StakeInfoRuntimeApi.get_stake_info_for_coldkeys(coldkey_accounts)
    /// -> Vec<(AccountId32, Vec<StakeInfo>)>`.
    GetStakeInfoForColdkeys,
    /// `StakeInfoRuntimeApi.get_stake_info_for_hotkey_coldkey_netuid(hotkey_account,
    /// coldkey_account, netuid) -> Option<StakeInfo>`.
    GetStakeInfoForHotkeyColdkeyNetuid,
    /// `SubnetRegistrationRuntimeApi.get_network_registration_cost() -> TaoBalance`.
    GetNetworkRegistrationCost,
    /// `SwapRuntimeApi.current_alpha_price(netuid) -> u64`.
    CurrentAlphaPrice,
    /// `SwapRuntimeApi.current_alpha_price_all() -> Vec<SubnetPrice>`.
    CurrentAlphaPriceAll,
}

/// A `state_call` input that does not decode as the method's parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Decode all of `data` as `T` (trailing bytes are an error, as in a wasm runtime).
fn input<T: Decode>(data: &[u8]) -> Result<T, BadInput> {
    let mut d = data;
    let v = T::decode(&mut d).map_err(|e| BadInput(e.to_string()))?;
    if !d.is_empty() {
        return Err(BadInput(format!("{} trailing bytes", d.len())));
    }
    Ok(v)
}

impl Method {
    /// The method's name within its API (the `state_call` suffix).
    pub fn name(self) -> &'static str {
        match self {
            Self::GetNeurons => "get_neurons",
            Self::GetNeuron => "get_neuron",
            Self::GetNeuronsLite => "get_neurons_lite",
            Self::GetNeuronLite => "get_neuron_lite",
            Self::GetAllDynamicInfo => "get_all_dynamic_info",
            Self::GetAllMetagraphs => "get_all_metagraphs",
            Self::GetMetagraph => "get_metagraph",
            Self::GetDynamicInfo => "get_dynamic_info",
            Self::GetStakeInfoForColdkey => "get_stake_info_for_coldkey",
            Self::GetStakeInfoForColdkeys => "get_stake_info_for_coldkeys",
            Self::GetStakeInfoForHotkeyColdkeyNetuid => "get_stake_info_for_hotkey_coldkey_netuid",
            Self::GetNetworkRegistrationCost => "get_network_registration_cost",
            Self::CurrentAlphaPrice => "current_alpha_price",
            Self::CurrentAlphaPriceAll => "current_alpha_price_all",
        }
    }

    /// Named parameters in order (the `state_call` input is their SCALE concatenation).
    pub fn inputs(self) -> Vec<(&'static str, MetaType)> {
        let netuid = ("netuid", meta_type::<NetUid>());
        match self {
            Self::GetNeurons
            | Self::GetNeuronsLite
            | Self::GetMetagraph
            | Self::GetDynamicInfo
            | Self::CurrentAlphaPrice => vec![netuid],
            Self::GetNeuron | Self::GetNeuronLite => vec![netuid, ("uid", meta_type::<u16>())],
            Self::GetAllDynamicInfo
            | Self::GetAllMetagraphs
            | Self::GetNetworkRegistrationCost
            | Self::CurrentAlphaPriceAll => vec![],
            Self::GetStakeInfoForColdkey => {
                vec![("coldkey_account", meta_type::<AccountId32>())]
            }
            Self::GetStakeInfoForColdkeys => {
                vec![("coldkey_accounts", meta_type::<Vec<AccountId32>>())]
            }
            Self::GetStakeInfoForHotkeyColdkeyNetuid => vec![
                ("hotkey_account", meta_type::<AccountId32>()),
                ("coldkey_account", meta_type::<AccountId32>()),
                netuid,
            ],
        }
    }

    /// The SCALE type of the result.
    pub fn output(self) -> MetaType {
        match self {
            Self::GetNeurons => meta_type::<Vec<NeuronInfo>>(),
            Self::GetNeuron => meta_type::<Option<NeuronInfo>>(),
            Self::GetNeuronsLite => meta_type::<Vec<NeuronInfoLite>>(),
            Self::GetNeuronLite => meta_type::<Option<NeuronInfoLite>>(),
            Self::GetAllDynamicInfo => meta_type::<Vec<Option<DynamicInfo>>>(),
            Self::GetAllMetagraphs => meta_type::<Vec<Option<Metagraph>>>(),
            Self::GetMetagraph => meta_type::<Option<Metagraph>>(),
            Self::GetDynamicInfo => meta_type::<Option<DynamicInfo>>(),
            Self::GetStakeInfoForColdkey => meta_type::<Vec<StakeInfo>>(),
            Self::GetStakeInfoForColdkeys => meta_type::<Vec<(AccountId32, Vec<StakeInfo>)>>(),
            Self::GetStakeInfoForHotkeyColdkeyNetuid => meta_type::<Option<StakeInfo>>(),
            // `TaoBalance`: a u64 in subtensor's metadata.
            Self::GetNetworkRegistrationCost | Self::CurrentAlphaPrice => meta_type::<u64>(),
            Self::CurrentAlphaPriceAll => meta_type::<Vec<SubnetPrice>>(),
        }
    }

    /// Answer the call with `data` as input, against the state in `ext` at block `block`.
    pub fn call(self, ext: &mut Ext<'_>, block: u64, data: &[u8]) -> Result<Vec<u8>, BadInput> {
        Ok(match self {
            Self::GetNeurons => neuron_info::get_neurons(ext, input(data)?).encode(),
            Self::GetNeuron => {
                let (netuid, uid) = input(data)?;
                neuron_info::get_neuron(ext, netuid, uid).encode()
            }
            Self::GetNeuronsLite => neuron_info::get_neurons_lite(ext, input(data)?).encode(),
            Self::GetNeuronLite => {
                let (netuid, uid) = input(data)?;
                neuron_info::get_neuron_lite(ext, netuid, uid).encode()
            }
            Self::GetAllDynamicInfo => {
                input::<()>(data)?;
                dynamic_info::get_all_dynamic_info(ext, block).encode()
            }
            Self::GetAllMetagraphs => {
                input::<()>(data)?;
                metagraph::get_all_metagraphs(ext, block).encode()
            }
            Self::GetMetagraph => metagraph::get_metagraph(ext, input(data)?, block).encode(),
            Self::GetDynamicInfo => {
                dynamic_info::get_dynamic_info(ext, input(data)?, block).encode()
            }
            Self::GetStakeInfoForColdkey => {
                stake_info::get_stake_info_for_coldkey(ext, input(data)?).encode()
            }
            Self::GetStakeInfoForColdkeys => {
                stake_info::get_stake_info_for_coldkeys(ext, input(data)?).encode()
            }
            Self::GetStakeInfoForHotkeyColdkeyNetuid => {
                let (hotkey, coldkey, netuid) = input(data)?;
                stake_info::get_stake_info_for_hotkey_coldkey_netuid(ext, hotkey, coldkey, netuid)
                    .encode()
            }
            Self::GetNetworkRegistrationCost => {
                input::<()>(data)?;
                subnets::network_lock_cost(ext).encode()
            }
            Self::CurrentAlphaPrice => swap::current_alpha_price(input(data)?).encode(),
            Self::CurrentAlphaPriceAll => {
                input::<()>(data)?;
                swap::current_alpha_price_all(ext).encode()
            }
        })
    }
}

/// Entry `uid` of a per-uid vector, or the default when the vector is shorter.
fn at<T: Copy + Default>(v: &[T], uid: u16) -> T {
    v.get(usize::from(uid)).copied().unwrap_or_default()
}

/// Bytes as subtensor's `Vec<Compact<u8>>` (names and symbols).
fn bytes(b: Vec<u8>) -> Vec<Compact<u8>> {
    b.into_iter().map(Compact).collect()
}

/// Every item compact.
fn compact_all<T: HasCompact>(v: Vec<T>) -> Vec<Compact<T>> {
    v.into_iter().map(Compact).collect()
}

/// A subnet's display name: its identity's name when it has one, `root` for netuid 0, else
/// empty (subtensor's `get_name_for_subnet` falls back to finney's subnet names, which mean
/// nothing on this chain).
fn subnet_name(ext: &mut Ext<'_>, netuid: NetUid) -> Vec<u8> {
    match s::SUBNET_IDENTITIES_V3.try_get(ext, &netuid) {
        Some(id) if !id.subnet_name.is_empty() => id.subnet_name,
        _ if netuid.is_root() => b"root".to_vec(),
        _ => Vec::new(),
    }
}

/// The activity cutoff in blocks: `ActivityCutoffFactorMilli × Tempo / 1000`, at least 1
/// (subtensor's `get_activity_cutoff_blocks`).
fn activity_cutoff_blocks(ext: &mut Ext<'_>, netuid: NetUid) -> u64 {
    let factor = u64::from(s::ACTIVITY_CUTOFF_FACTOR_MILLI.get(ext, &netuid));
    let tempo = u64::from(s::TEMPO.get(ext, &netuid));
    factor.saturating_mul(tempo).checked_div(1000).unwrap_or(0).max(1)
}
