//! tao-node's chain spec for the devnet: `tao-node build-spec --dev`, with the bridge section set
//! to what was deployed on anvil — the relayers' sr25519 accounts and Ethereum addresses, the
//! threshold, the EVM chain id and the TaoBridge proxy — so tao-node, TaoBridge and the relayers
//! agree on the relayer set, threshold and bridge domain from genesis on.
//!
//! Only the bridge section and the endowments of extra relayer accounts are touched: whatever
//! else the dev genesis holds (subnets, balances, sudo) is kept as tao-node prints it.

use std::path::Path;

use alloy_primitives::Address;
use serde_json::{Value, json};

use crate::{
    accounts::{EXTRA_RELAYER_ENDOWMENT_RAO, TaoAccount},
    error::{DevnetError, Result, io_error},
    process::Program,
};

/// One relayer as both chains know it.
#[derive(Clone, Debug)]
pub struct RelayerIdentity {
    /// Its TAO account (attests, approves releases).
    pub tao: TaoAccount,
    /// Its Ethereum address (signs mint batches).
    pub eth: Address,
}

/// The bridge genesis of the devnet.
#[derive(Clone, Debug)]
pub struct BridgeGenesis {
    /// The relayer set.
    pub relayers: Vec<RelayerIdentity>,
    /// Approvals needed to release (and signatures to mint).
    pub threshold: usize,
    /// The EVM chain id of the bridge's EIP-712 domain.
    pub evm_chain_id: u64,
    /// The TaoBridge proxy: the domain's verifying contract.
    pub bridge: Address,
    /// The contract's mint bucket capacity (rao), mirrored by the node.
    pub mint_capacity: u64,
}

/// `tao-node build-spec --dev` as JSON.
pub fn dev_spec(node: &Program) -> Result<Value> {
    let output = node
        .command()
        .args(["build-spec", "--dev"])
        .env("RUST_LOG", "error")
        .output()
        .map_err(|source| DevnetError::Spawn { name: node.display_name(), source })?;
    if !output.status.success() {
        return Err(DevnetError::ChainSpec(format!(
            "`{} build-spec --dev` exited with {}: {}",
            node.display_name(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| DevnetError::ChainSpec(format!("build-spec printed no JSON spec: {e}")))
}

/// Sets the bridge section of `spec` and endows relayer accounts the genesis lacks.
pub fn patch(spec: &mut Value, genesis: &BridgeGenesis) -> Result<()> {
    let missing = |what: &str| DevnetError::ChainSpec(format!("the dev chain spec has no {what}"));
    let g = spec.get_mut("genesis").ok_or_else(|| missing("genesis"))?;
    let balances = g
        .get_mut("balances")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| missing("genesis.balances"))?;
    for r in &genesis.relayers {
        let endowed = balances.iter().any(|entry| {
            entry
                .get(0)
                .and_then(Value::as_str)
                .is_some_and(|who| who.eq_ignore_ascii_case(&r.tao.public_key) || who == r.tao.ss58)
        });
        if !endowed {
            balances.push(json!([r.tao.public_key, EXTRA_RELAYER_ENDOWMENT_RAO]));
        }
    }
    let bridge = g
        .get_mut("bridge")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| missing("genesis.bridge"))?;
    let relayers: Vec<Value> = genesis
        .relayers
        .iter()
        .map(|r| json!({"account": r.tao.public_key, "ethAddress": r.eth.to_string()}))
        .collect();
    bridge.insert("relayers".into(), relayers.into());
    bridge.insert("threshold".into(), genesis.threshold.into());
    bridge.insert("evmChainId".into(), genesis.evm_chain_id.into());
    bridge.insert("bridgeContract".into(), genesis.bridge.to_string().into());
    bridge.insert("mintCapacity".into(), genesis.mint_capacity.into());
    Ok(())
}

/// Builds the devnet's spec and writes it to `path`.
pub fn write(node: &Program, genesis: &BridgeGenesis, path: &Path) -> Result<()> {
    let mut spec = dev_spec(node)?;
    patch(&mut spec, genesis)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_error("creating", dir))?;
    }
    let text =
        serde_json::to_string_pretty(&spec).map_err(|e| DevnetError::ChainSpec(e.to_string()))?;
    std::fs::write(path, text).map_err(io_error("writing", path))
}

/// The chain id (`id`) and name of a spec file.
pub fn read_id(path: &Path) -> Result<(String, String)> {
    let text = std::fs::read_to_string(path).map_err(io_error("reading", path))?;
    let spec: Value = serde_json::from_str(&text)
        .map_err(|e| DevnetError::ChainSpec(format!("{} is not JSON: {e}", path.display())))?;
    let field = |k: &str| spec.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok((field("id"), field("name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev_like() -> Value {
        json!({
            "name": "TAO Development", "id": "tao_dev", "chainType": "Development",
            "properties": {"ss58Format": 42},
            "genesis": {
                "balances": [
                    ["0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", 1],
                    ["0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48", 1]
                ],
                "sudo": "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
                "bridge": {"relayers": [{"account": "alice", "ethAddress": "0x00"}], "threshold": 1,
                           "evmChainId": 31337, "bridgeContract": null, "rateLimitWindow": 0,
                           "rateLimitAmount": 0},
                "subnets": [{"netuid": 1}]
            }
        })
    }

    #[test]
    fn patches_only_the_bridge_and_endows_new_relayers() {
        let mut spec = dev_like();
        let genesis = BridgeGenesis {
            relayers: vec![
                RelayerIdentity {
                    tao: TaoAccount::derive("//Bob", "relayer-1").unwrap(),
                    eth: Address::repeat_byte(1),
                },
                RelayerIdentity {
                    tao: TaoAccount::derive("//Relayer4", "relayer-4").unwrap(),
                    eth: Address::repeat_byte(4),
                },
            ],
            threshold: 2,
            evm_chain_id: 1337,
            bridge: Address::repeat_byte(0xbb),
            mint_capacity: 7,
        };
        patch(&mut spec, &genesis).unwrap();
        let bridge = &spec["genesis"]["bridge"];
        assert_eq!(bridge["threshold"], 2);
        assert_eq!(bridge["evmChainId"], 1337);
        assert_eq!(bridge["mintCapacity"], 7, "the node mirrors the contract's mint bucket");
        assert_eq!(bridge["bridgeContract"], Address::repeat_byte(0xbb).to_string());
        assert_eq!(bridge["relayers"][0]["account"], genesis.relayers[0].tao.public_key);
        assert_eq!(bridge["relayers"][1]["ethAddress"], Address::repeat_byte(4).to_string());
        assert_eq!(bridge["rateLimitWindow"], 0, "other bridge fields are kept");
        assert_eq!(spec["genesis"]["subnets"], json!([{"netuid": 1}]), "the rest is kept");
        let balances = spec["genesis"]["balances"].as_array().unwrap();
        assert_eq!(balances.len(), 3, "Bob was endowed already; Relayer4 is added");
        assert_eq!(balances[2][0], genesis.relayers[1].tao.public_key);
        assert_eq!(balances[2][1], EXTRA_RELAYER_ENDOWMENT_RAO);
    }

    #[test]
    fn a_spec_without_a_bridge_section_is_an_error() {
        let mut spec = json!({"genesis": {"balances": []}});
        let genesis = BridgeGenesis {
            relayers: vec![],
            threshold: 1,
            evm_chain_id: 1,
            bridge: Address::ZERO,
            mint_capacity: 0,
        };
        let err = patch(&mut spec, &genesis).unwrap_err().to_string();
        assert!(err.contains("genesis.bridge"), "{err}");
    }
}
