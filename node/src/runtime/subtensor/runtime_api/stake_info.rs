//! `StakeInfoRuntimeApi`: a coldkey's stake positions, as subtensor's `rpc_info/stake_info.rs`.
//! `btcli wallet balance` asks for several coldkeys at once and needs one entry per coldkey
//! asked, even one with no stake.

use parity_scale_codec::{Compact, Decode, Encode};
use scale_info::TypeInfo;

use crate::primitives::AccountId32;
use crate::runtime::Ext;

use super::super::storage as s;
use super::super::types::NetUid;
use super::super::{staking, subnets};

/// `StakeInfo<AccountId32>`: stake of `coldkey` on `hotkey` in `netuid`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct StakeInfo {
    /// The hotkey staked to.
    pub hotkey: AccountId32,
    /// The staking coldkey.
    pub coldkey: AccountId32,
    /// The subnet (`Compact<NetUid>`).
    pub netuid: Compact<u16>,
    /// Stake (alpha, equal to TAO here), rao.
    pub stake: Compact<u64>,
    /// Locked stake (always 0).
    pub locked: Compact<u64>,
    /// Dividends the hotkey earned on the subnet in its last epoch (rao).
    pub emission: Compact<u64>,
    /// TAO dividends (removed in subtensor: always 0).
    pub tao_emission: Compact<u64>,
    /// Always 0.
    pub drain: Compact<u64>,
    /// Whether the hotkey is registered on the subnet.
    pub is_registered: bool,
}

/// One position (subtensor's `get_stake_info_for_hotkey_coldkey_netuid` shape).
fn position(
    ext: &mut Ext<'_>,
    hotkey: AccountId32,
    coldkey: AccountId32,
    netuid: NetUid,
    stake: u64,
) -> StakeInfo {
    StakeInfo {
        is_registered: s::UIDS.try_get(ext, &netuid, &hotkey).is_some(),
        hotkey,
        coldkey,
        netuid: Compact(netuid.0),
        stake: Compact(stake),
        locked: Compact(0),
        // subtensor's `AlphaDividendsPerSubnet`, which this chain does not keep.
        emission: Compact(0),
        tao_emission: Compact(0),
        drain: Compact(0),
    }
}

/// `get_stake_info_for_coldkeys`: for each coldkey asked, in order, its non-zero positions by
/// subnet then staked hotkey; a coldkey without stake gets an empty list (clients expect one
/// entry per coldkey).
pub fn get_stake_info_for_coldkeys(
    ext: &mut Ext<'_>,
    coldkeys: Vec<AccountId32>,
) -> Vec<(AccountId32, Vec<StakeInfo>)> {
    let netuids = subnets::all_netuids(ext);
    coldkeys
        .into_iter()
        .map(|coldkey| {
            let hotkeys = s::STAKING_HOTKEYS.get(ext, &coldkey);
            let mut positions = Vec::new();
            for netuid in &netuids {
                for hotkey in &hotkeys {
                    let stake = staking::stake_of(ext, hotkey, &coldkey, *netuid);
                    if stake > 0 {
                        positions.push(position(ext, *hotkey, coldkey, *netuid, stake));
                    }
                }
            }
            (coldkey, positions)
        })
        .collect()
}

/// `get_stake_info_for_coldkey`.
pub fn get_stake_info_for_coldkey(ext: &mut Ext<'_>, coldkey: AccountId32) -> Vec<StakeInfo> {
    get_stake_info_for_coldkeys(ext, vec![coldkey]).pop().map(|(_, p)| p).unwrap_or_default()
}

/// `get_stake_info_for_hotkey_coldkey_netuid`: always `Some`, with a zero stake when none.
pub fn get_stake_info_for_hotkey_coldkey_netuid(
    ext: &mut Ext<'_>,
    hotkey: AccountId32,
    coldkey: AccountId32,
    netuid: NetUid,
) -> Option<StakeInfo> {
    let stake = staking::stake_of(ext, &hotkey, &coldkey, netuid);
    Some(position(ext, hotkey, coldkey, netuid, stake))
}
