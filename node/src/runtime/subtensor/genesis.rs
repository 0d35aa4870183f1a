//! SubtensorModule genesis: the root network and subnets that exist from block 0.
//!
//! Genesis subnets are created as `register_network` would create them (subtensor's new-subnet
//! values, owner hotkey at uid 0, emission from block 1) except that no lock is taken. `--dev`
//! uses [`SubtensorSpec::dev`]: root (netuid 0) and a demo subnet (netuid 1) owned by //Alice,
//! who is also its owner hotkey, with a tempo of 10 blocks and `AdminFreezeWindow` 1 so owners
//! can change hyperparameters on such a short cycle.

use serde::{Deserialize, Serialize};

use crate::primitives::AccountId32;
use crate::runtime::Ext;

use super::events::Event;
use super::storage as s;
use super::types::{NetUid, SubnetIdentityV3};
use super::{registration, staking, subnets};

/// One genesis subnet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubnetSpec {
    /// Owner coldkey (SS58 or 0x-hex).
    pub owner: String,
    /// Owner hotkey (defaults to the owner coldkey).
    #[serde(default)]
    pub owner_hotkey: Option<String>,
    /// Tempo in blocks.
    pub tempo: u16,
    /// Display name (`SubnetIdentitiesV3.subnet_name`).
    #[serde(default)]
    pub name: Option<String>,
}

/// SubtensorModule genesis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubtensorSpec {
    /// Create the root network (netuid 0).
    pub root: bool,
    /// Subnets, given netuids 1, 2, … in order.
    pub subnets: Vec<SubnetSpec>,
    /// `AdminFreezeWindow` (subtensor's 10 when absent).
    pub admin_freeze_window: Option<u16>,
}

impl SubtensorSpec {
    /// Root and a demo subnet owned by `owner` with a tempo of 10 blocks.
    pub fn dev(owner: &str) -> Self {
        Self {
            root: true,
            subnets: vec![SubnetSpec {
                owner: owner.to_owned(),
                owner_hotkey: None,
                tempo: 10,
                name: Some("demo".into()),
            }],
            admin_freeze_window: Some(1),
        }
    }
}

/// A genesis subnet with its accounts resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenesisSubnet {
    /// Owner coldkey.
    pub owner: AccountId32,
    /// Owner hotkey.
    pub owner_hotkey: AccountId32,
    /// Tempo.
    pub tempo: u16,
    /// Name.
    pub name: Option<String>,
}

/// Create the root network.
pub fn create_root(ext: &mut Ext<'_>) {
    let root = NetUid::ROOT;
    subnets::init_new_network(ext, root, super::hyperparameters::DEFAULT_TEMPO);
    s::SUBTOKEN_ENABLED.insert(ext, &root, &true);
    s::NETWORK_REGISTRATION_ALLOWED.insert(ext, &root, &false);
}

/// Create the next subnet for `spec` (at block 0: no lock, no fee).
pub fn create_subnet(ext: &mut Ext<'_>, spec: &GenesisSubnet) -> NetUid {
    let netuid = (1..=u16::MAX).map(NetUid).find(|n| !subnets::exists(ext, *n)).unwrap_or_default();
    subnets::init_new_network(ext, netuid, spec.tempo);
    staking::create_account_if_non_existent(ext, &spec.owner, &spec.owner_hotkey);
    registration::append_neuron(ext, netuid, &spec.owner_hotkey, 0);
    s::SUBNET_OWNER.insert(ext, &netuid, &spec.owner);
    s::SUBNET_OWNER_HOTKEY.insert(ext, &netuid, &spec.owner_hotkey);
    if let Some(name) = &spec.name {
        let identity =
            SubnetIdentityV3 { subnet_name: name.as_bytes().to_vec(), ..Default::default() };
        s::SUBNET_IDENTITIES_V3.insert(ext, &netuid, &identity);
    }
    subnets::start_emission(ext, netuid);
    ext.deposit_event(Event::NetworkAdded(netuid, 0));
    netuid
}
