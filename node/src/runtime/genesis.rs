//! Genesis: the chain spec (JSON) and the state it produces.
//!
//! A chain spec names the chain and lists endowed accounts, the sudo key, the bridge's relayer
//! set, threshold, EVM domain and rate limit, and SubtensorModule's genesis subnets. `--dev`
//! uses [`ChainSpec::dev`]: //Alice … //Ferdie endowed with 1 000 000 TAO each, Alice as sudo
//! and sole relayer (threshold 1), the root network (netuid 0) and a demo subnet (netuid 1)
//! owned by Alice with a tempo of 10 blocks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::primitives::{AccountId32, Balance, H160, ss58};
use crate::state::StateRead;

use super::subtensor::genesis::{GenesisSubnet, SubtensorSpec};
use super::{Ext, balances, bridge, subtensor, sudo, system};

/// The well-known dev accounts (sr25519 public keys of //Alice … //Ferdie).
pub const DEV_ACCOUNTS: [(&str, &str); 6] = [
    ("Alice", "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"),
    ("Bob", "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48"),
    ("Charlie", "90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22"),
    ("Dave", "306721211d5404bd9da88e0204360a1a9ab8b87c66c1bc2fcdd37f3c2222cc20"),
    ("Eve", "e659a7a1628cdd93febc04a4e0646ea20e9f5f0ce097d9a05290d4a9e054df4e"),
    ("Ferdie", "1cbd2d43530a44705ad088af313e18f80b53ef16b36177cd4b77b846f2a5f07c"),
];

/// One rao-denominated TAO.
pub const TAO: Balance = 1_000_000_000;

/// A relayer in the chain spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayerSpec {
    /// SS58 or 0x-hex account.
    pub account: String,
    /// 0x-hex Ethereum address.
    pub eth_address: String,
}

/// Bridge genesis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BridgeSpec {
    /// Relayers.
    pub relayers: Vec<RelayerSpec>,
    /// Approvals needed.
    pub threshold: u32,
    /// EVM chain id.
    pub evm_chain_id: u64,
    /// TaoBridge address (0x-hex).
    pub bridge_contract: Option<String>,
    /// Rate-limit window in blocks (0 = none).
    pub rate_limit_window: u32,
    /// Max rao released per window.
    pub rate_limit_amount: Balance,
}

/// Genesis state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GenesisSpec {
    /// `(account, free rao)`.
    pub balances: Vec<(String, Balance)>,
    /// Sudo key.
    pub sudo: Option<String>,
    /// Bridge.
    pub bridge: BridgeSpec,
    /// SubtensorModule: root network and subnets.
    pub subtensor: SubtensorSpec,
}

/// A chain spec file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainSpec {
    /// Human name (`system_chain`).
    pub name: String,
    /// Id.
    pub id: String,
    /// `Development`, `Local` or `Live` (`system_chainType`).
    pub chain_type: String,
    /// `system_properties`.
    pub properties: serde_json::Value,
    /// Genesis state.
    pub genesis: GenesisSpec,
}

/// Why a chain spec is unusable.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// Not an account.
    #[error("`{0}` is neither an SS58 address nor a 0x-prefixed 32-byte hex account id")]
    BadAccount(String),
    /// Not an address.
    #[error("`{0}` is not a 0x-prefixed 20-byte hex Ethereum address")]
    BadEthAddress(String),
    /// Runtime refused a value.
    #[error("genesis {what} rejected: {err:?}")]
    Rejected {
        /// What.
        what: &'static str,
        /// Runtime error.
        err: crate::DispatchError,
    },
    /// State read failed.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
}

fn account(s: &str) -> Result<AccountId32, SpecError> {
    ss58::decode(s).ok_or_else(|| SpecError::BadAccount(s.to_owned()))
}

fn eth(s: &str) -> Result<H160, SpecError> {
    s.parse::<H160>().map_err(|_| SpecError::BadEthAddress(s.to_owned()))
}

impl ChainSpec {
    /// The `--dev` chain.
    pub fn dev() -> Self {
        let dev: Vec<String> = DEV_ACCOUNTS.iter().map(|(_, h)| format!("0x{h}")).collect();
        let alice = dev.first().cloned().unwrap_or_default();
        Self {
            name: "TAO Development".into(),
            id: "tao_dev".into(),
            chain_type: "Development".into(),
            properties: serde_json::json!({
                "ss58Format": 42, "tokenDecimals": 9, "tokenSymbol": "TAO"
            }),
            genesis: GenesisSpec {
                balances: dev.iter().map(|a| (a.clone(), 1_000_000 * TAO)).collect(),
                sudo: Some(alice.clone()),
                bridge: BridgeSpec {
                    relayers: vec![RelayerSpec {
                        account: alice.clone(),
                        eth_address: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266".into(),
                    }],
                    threshold: 1,
                    evm_chain_id: 31337,
                    bridge_contract: None,
                    rate_limit_window: 0,
                    rate_limit_amount: 0,
                },
                subtensor: SubtensorSpec::dev(&alice),
            },
        }
    }

    /// The genesis state (key → value).
    pub fn build_state(&self) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, SpecError> {
        let empty: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let backend: &dyn StateRead = &empty;
        let mut ext = Ext::new(backend);
        let g = &self.genesis;
        let rejected = |what| move |err| SpecError::Rejected { what, err };
        for (who, amount) in &g.balances {
            balances::set_free(&mut ext, &account(who)?, *amount).map_err(rejected("balance"))?;
        }
        // The custody account is seeded with the existential deposit so releases never reap it.
        balances::set_free(&mut ext, &bridge::custody_account(), balances::EXISTENTIAL_DEPOSIT)
            .map_err(rejected("custody"))?;
        if let Some(k) = &g.sudo {
            sudo::KEY.put(&mut ext, &account(k)?);
        }
        let relayers = g
            .bridge
            .relayers
            .iter()
            .map(|r| {
                Ok(bridge::Relayer {
                    account: account(&r.account)?,
                    eth_address: eth(&r.eth_address)?,
                })
            })
            .collect::<Result<Vec<_>, SpecError>>()?;
        bridge::RELAYERS.put(&mut ext, &relayers);
        bridge::THRESHOLD.put(&mut ext, &g.bridge.threshold);
        let contract =
            g.bridge.bridge_contract.as_deref().map(eth).transpose()?.unwrap_or_default();
        bridge::DOMAIN.put(
            &mut ext,
            &bridge::EvmDomain { chain_id: g.bridge.evm_chain_id, verifying_contract: contract },
        );
        bridge::LIMIT.put(
            &mut ext,
            &bridge::RateLimit {
                window_blocks: g.bridge.rate_limit_window,
                max_amount: g.bridge.rate_limit_amount,
            },
        );
        let st = &g.subtensor;
        if st.root {
            subtensor::genesis::create_root(&mut ext);
        }
        for subnet in &st.subnets {
            let owner = account(&subnet.owner)?;
            let owner_hotkey = subnet.owner_hotkey.as_deref().map(account).transpose()?;
            let spec = GenesisSubnet {
                owner,
                owner_hotkey: owner_hotkey.unwrap_or(owner),
                tempo: subnet.tempo,
                name: subnet.name.clone(),
            };
            subtensor::genesis::create_subnet(&mut ext, &spec);
        }
        if let Some(window) = st.admin_freeze_window {
            subtensor::storage::ADMIN_FREEZE_WINDOW.put(&mut ext, &window);
        }
        subtensor::coinbase::sync_total_issuance(&mut ext);
        system::NUMBER.put(&mut ext, &0);
        // Genesis events (Endowed …) are not kept, as in FRAME.
        if let Some(e) = ext.overlay.fatal() {
            return Err(e.clone().into());
        }
        Ok(ext.overlay.into_changes().into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect())
    }
}
