//! `NeuronInfoRuntimeApi` (`get_neurons`, `get_neuron`, `get_neurons_lite`, `get_neuron_lite`):
//! one record per uid, as subtensor's `rpc_info/neuron_info.rs`.

use parity_scale_codec::{Compact, Decode, Encode};
use scale_info::TypeInfo;

use crate::primitives::AccountId32;
use crate::runtime::Ext;

use super::super::storage as s;
use super::super::types::{AxonInfo, NetUid, PrometheusInfo};
use super::super::{staking, subnets};
use super::at;

/// `NeuronInfo<AccountId32>`: a neuron with its weights and bonds.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct NeuronInfo {
    /// Hotkey.
    pub hotkey: AccountId32,
    /// Its owner.
    pub coldkey: AccountId32,
    /// Uid on the subnet.
    pub uid: Compact<u16>,
    /// The subnet (`Compact<NetUid>`, a compact `u16`).
    pub netuid: Compact<u16>,
    /// Active in the last epoch.
    pub active: bool,
    /// Where it serves.
    pub axon_info: AxonInfo,
    /// Where it exports metrics.
    pub prometheus_info: PrometheusInfo,
    /// `(coldkey, stake)`: the owner and the hotkey's whole stake on the subnet (rao).
    pub stake: Vec<(AccountId32, Compact<u64>)>,
    /// Deprecated in subtensor: always 0.
    pub rank: Compact<u16>,
    /// Emission of the last epoch (rao).
    pub emission: Compact<u64>,
    /// Incentive (u16 proportion).
    pub incentive: Compact<u16>,
    /// Consensus.
    pub consensus: Compact<u16>,
    /// Deprecated in subtensor: always 0.
    pub trust: Compact<u16>,
    /// Validator trust.
    pub validator_trust: Compact<u16>,
    /// Dividends.
    pub dividends: Compact<u16>,
    /// Block of its last weights.
    pub last_update: Compact<u64>,
    /// Holds a validator permit.
    pub validator_permit: bool,
    /// Its non-zero weights `(uid, weight)`.
    pub weights: Vec<(Compact<u16>, Compact<u16>)>,
    /// Its non-zero bonds `(uid, bond)`.
    pub bonds: Vec<(Compact<u16>, Compact<u16>)>,
    /// Deprecated in subtensor: always `u16::MAX`.
    pub pruning_score: Compact<u16>,
}

/// `NeuronInfoLite<AccountId32>`: [`NeuronInfo`] without weights and bonds.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct NeuronInfoLite {
    /// Hotkey.
    pub hotkey: AccountId32,
    /// Its owner.
    pub coldkey: AccountId32,
    /// Uid on the subnet.
    pub uid: Compact<u16>,
    /// The subnet.
    pub netuid: Compact<u16>,
    /// Active in the last epoch.
    pub active: bool,
    /// Where it serves.
    pub axon_info: AxonInfo,
    /// Where it exports metrics.
    pub prometheus_info: PrometheusInfo,
    /// `(coldkey, stake)`.
    pub stake: Vec<(AccountId32, Compact<u64>)>,
    /// Always 0.
    pub rank: Compact<u16>,
    /// Emission of the last epoch (rao).
    pub emission: Compact<u64>,
    /// Incentive.
    pub incentive: Compact<u16>,
    /// Consensus.
    pub consensus: Compact<u16>,
    /// Always 0.
    pub trust: Compact<u16>,
    /// Validator trust.
    pub validator_trust: Compact<u16>,
    /// Dividends.
    pub dividends: Compact<u16>,
    /// Block of its last weights.
    pub last_update: Compact<u64>,
    /// Holds a validator permit.
    pub validator_permit: bool,
    /// Always `u16::MAX`.
    pub pruning_score: Compact<u16>,
}

/// What [`NeuronInfo`] and [`NeuronInfoLite`] share, read once per uid.
struct Neuron {
    hotkey: AccountId32,
    coldkey: AccountId32,
    active: bool,
    axon_info: AxonInfo,
    prometheus_info: PrometheusInfo,
    stake: u64,
    emission: u64,
    incentive: u16,
    consensus: u16,
    validator_trust: u16,
    dividends: u16,
    last_update: u64,
    validator_permit: bool,
}

/// Neuron `uid` of `netuid`, `None` when the uid is not in use.
fn read(ext: &mut Ext<'_>, netuid: NetUid, uid: u16) -> Option<Neuron> {
    let hotkey = s::KEYS.try_get(ext, &netuid, &uid)?;
    Some(Neuron {
        coldkey: s::OWNER.get(ext, &hotkey),
        active: at(&s::ACTIVE.get(ext, &netuid), uid),
        axon_info: s::AXONS.try_get(ext, &netuid, &hotkey).unwrap_or_default(),
        prometheus_info: s::PROMETHEUS.try_get(ext, &netuid, &hotkey).unwrap_or_default(),
        stake: staking::hotkey_stake(ext, &hotkey, netuid),
        emission: at(&s::EMISSION.get(ext, &netuid), uid),
        incentive: at(&s::INCENTIVE.get(ext, &netuid), uid),
        consensus: at(&s::CONSENSUS.get(ext, &netuid), uid),
        validator_trust: at(&s::VALIDATOR_TRUST.get(ext, &netuid), uid),
        dividends: at(&s::DIVIDENDS.get(ext, &netuid), uid),
        last_update: at(&s::LAST_UPDATE.get(ext, &netuid), uid),
        validator_permit: at(&s::VALIDATOR_PERMIT.get(ext, &netuid), uid),
        hotkey,
    })
}

/// The non-zero entries of a weights or bonds row.
fn nonzero(row: Vec<(u16, u16)>) -> Vec<(Compact<u16>, Compact<u16>)> {
    row.into_iter().filter(|(_, w)| *w > 0).map(|(i, w)| (Compact(i), Compact(w))).collect()
}

/// `get_neuron`: uid `uid` of `netuid` with its weights and bonds.
pub fn get_neuron(ext: &mut Ext<'_>, netuid: NetUid, uid: u16) -> Option<NeuronInfo> {
    if !subnets::exists(ext, netuid) {
        return None;
    }
    let n = read(ext, netuid, uid)?;
    Some(NeuronInfo {
        weights: nonzero(s::WEIGHTS.get(ext, &netuid, &uid)),
        bonds: nonzero(s::BONDS.get(ext, &netuid, &uid)),
        hotkey: n.hotkey,
        stake: vec![(n.coldkey, Compact(n.stake))],
        coldkey: n.coldkey,
        uid: Compact(uid),
        netuid: Compact(netuid.0),
        active: n.active,
        axon_info: n.axon_info,
        prometheus_info: n.prometheus_info,
        rank: Compact(0),
        emission: Compact(n.emission),
        incentive: Compact(n.incentive),
        consensus: Compact(n.consensus),
        trust: Compact(0),
        validator_trust: Compact(n.validator_trust),
        dividends: Compact(n.dividends),
        last_update: Compact(n.last_update),
        validator_permit: n.validator_permit,
        pruning_score: Compact(u16::MAX),
    })
}

/// `get_neuron_lite`: uid `uid` of `netuid` without weights and bonds.
pub fn get_neuron_lite(ext: &mut Ext<'_>, netuid: NetUid, uid: u16) -> Option<NeuronInfoLite> {
    if !subnets::exists(ext, netuid) {
        return None;
    }
    let n = read(ext, netuid, uid)?;
    Some(NeuronInfoLite {
        hotkey: n.hotkey,
        stake: vec![(n.coldkey, Compact(n.stake))],
        coldkey: n.coldkey,
        uid: Compact(uid),
        netuid: Compact(netuid.0),
        active: n.active,
        axon_info: n.axon_info,
        prometheus_info: n.prometheus_info,
        rank: Compact(0),
        emission: Compact(n.emission),
        incentive: Compact(n.incentive),
        consensus: Compact(n.consensus),
        trust: Compact(0),
        validator_trust: Compact(n.validator_trust),
        dividends: Compact(n.dividends),
        last_update: Compact(n.last_update),
        validator_permit: n.validator_permit,
        pruning_score: Compact(u16::MAX),
    })
}

/// `get_neurons`: every uid of `netuid` in order (empty when the subnet does not exist).
pub fn get_neurons(ext: &mut Ext<'_>, netuid: NetUid) -> Vec<NeuronInfo> {
    let n = s::SUBNETWORK_N.get(ext, &netuid);
    (0..n).map_while(|uid| get_neuron(ext, netuid, uid)).collect()
}

/// `get_neurons_lite`: every uid of `netuid` in order, without weights and bonds.
pub fn get_neurons_lite(ext: &mut Ext<'_>, netuid: NetUid) -> Vec<NeuronInfoLite> {
    let n = s::SUBNETWORK_N.get(ext, &netuid);
    (0..n).map_while(|uid| get_neuron_lite(ext, netuid, uid)).collect()
}
