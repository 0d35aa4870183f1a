//! Deploys the contracts with the project's own `contracts/script/Deploy.s.sol` through the
//! pinned forge, so the devnet and the tests exercise the same deploy code a real deployment
//! uses, and records the addresses in the devnet's data dir.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use crate::{
    error::{DevnetError, Result, io_error},
    lock::FileLock,
    toolchain::Toolchain,
};

/// How long a deploy waits for another one in the same checkout (they share forge's build
/// cache in `contracts/`).
const DEPLOY_LOCK_WAIT: Duration = Duration::from_secs(600);

/// The bridge's mint bucket on the devnet, in rao: 100,000 TAO per window. The deploy script gets
/// it as `WTAO_MINT_CAPACITY` and tao-node's genesis as `bridge.mintCapacity`, so the node never
/// accepts a block of locks the contract could not mint (issue 17, finding 1).
pub const DEVNET_MINT_CAPACITY_RAO: u64 = 100_000 * 1_000_000_000;

/// Inputs of the deploy script (passed as `WTAO_*` environment variables).
#[derive(Clone, Debug)]
pub struct DeployConfig {
    /// RPC endpoint of the EVM chain.
    pub rpc_url: String,
    /// Private key of the deployer (hex, 0x-prefixed). It keeps no role after the deploy.
    pub deployer_key: String,
    /// Relayer addresses.
    pub relayers: Vec<Address>,
    /// Signatures needed to mint.
    pub threshold: usize,
    /// Address that may pause the bridge.
    pub guardian: Address,
    /// Where forge writes its broadcast records.
    pub broadcast_dir: PathBuf,
}

/// Addresses of a deployment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// EVM chain id.
    pub chain_id: u64,
    /// The WTAO token.
    #[serde(with = "crate::accounts::eip55")]
    pub wtao: Address,
    /// The TaoBridge proxy (the address users and relayers talk to).
    #[serde(with = "crate::accounts::eip55")]
    pub bridge: Address,
    /// The TaoBridge implementation behind the proxy.
    #[serde(with = "crate::accounts::eip55")]
    pub bridge_implementation: Address,
    /// The TimelockController that owns the bridge.
    #[serde(with = "crate::accounts::eip55")]
    pub timelock: Address,
    /// The WTAOGovernor.
    #[serde(with = "crate::accounts::eip55")]
    pub governor: Address,
}

impl Deployment {
    /// Reads a deployment record.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(io_error("reading", path))?;
        serde_json::from_str(&text).map_err(|e| DevnetError::BadDeployment {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }

    /// Writes the record.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(path, text).map_err(io_error("writing", path))
    }

    /// Extracts the addresses from a forge broadcast record (`run-latest.json`).
    pub fn from_broadcast(path: &Path) -> Result<Self> {
        #[derive(Deserialize)]
        struct Broadcast {
            transactions: Vec<Tx>,
            chain: u64,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Tx {
            transaction_type: String,
            contract_name: Option<String>,
            contract_address: Option<String>,
        }
        let bad = |reason: String| DevnetError::BadDeployment { path: path.to_path_buf(), reason };
        let text = std::fs::read_to_string(path).map_err(io_error("reading", path))?;
        let broadcast: Broadcast = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let created: BTreeMap<String, Address> = broadcast
            .transactions
            .into_iter()
            .filter(|tx| tx.transaction_type == "CREATE")
            .filter_map(|tx| Some((tx.contract_name?, tx.contract_address?.parse().ok()?)))
            .collect();
        let get = |name: &str| {
            created.get(name).copied().ok_or_else(|| bad(format!("no {name} was created")))
        };
        Ok(Self {
            chain_id: broadcast.chain,
            wtao: get("WTAO")?,
            bridge: get("ERC1967Proxy")?,
            bridge_implementation: get("TaoBridge")?,
            timelock: get("TimelockController")?,
            governor: get("WTAOGovernor")?,
        })
    }
}

/// Runs `forge script script/Deploy.s.sol --broadcast` and returns the addresses. Deploys in one
/// checkout run one at a time (a file lock), since they share forge's build cache.
pub fn deploy(toolchain: &Toolchain, config: &DeployConfig) -> Result<Deployment> {
    let lock_path = toolchain.contracts_dir().join("cache/wtao-deploy.lock");
    let _lock = FileLock::acquire(&lock_path, DEPLOY_LOCK_WAIT)?.ok_or_else(|| {
        DevnetError::BadConfig(format!(
            "another deploy held {} for {DEPLOY_LOCK_WAIT:?}; is a forge process stuck?",
            lock_path.display()
        ))
    })?;
    let join = |a: &[Address]| a.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(",");
    let mut cmd = Command::new(toolchain.forge());
    cmd.current_dir(toolchain.contracts_dir())
        .args(["script", "script/Deploy.s.sol:Deploy", "--broadcast", "--non-interactive"])
        // One transaction at a time, each waited for: sent all at once, anvil 1.7's automine
        // was seen to mine the first and leave the others pending forever (forge then waits
        // for their receipts without end).
        .arg("--slow")
        .args(["--rpc-url", &config.rpc_url])
        .args(["--private-key", &config.deployer_key])
        .env("FOUNDRY_BROADCAST", &config.broadcast_dir)
        .env("WTAO_RELAYERS", join(&config.relayers))
        .env("WTAO_THRESHOLD", config.threshold.to_string())
        .env("WTAO_GUARDIAN", config.guardian.to_string())
        .env("WTAO_MINT_CAPACITY", DEVNET_MINT_CAPACITY_RAO.to_string());
    tracing::info!(target: "devnet::deploy", rpc = %config.rpc_url, "deploying contracts with forge script");
    let output =
        cmd.output().map_err(|source| DevnetError::Spawn { name: "forge".into(), source })?;
    if !output.status.success() {
        return Err(DevnetError::Deploy {
            status: output.status.to_string(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        });
    }
    let record =
        find_run_latest(&config.broadcast_dir).ok_or_else(|| DevnetError::BadDeployment {
            path: config.broadcast_dir.clone(),
            reason: "forge wrote no run-latest.json".into(),
        })?;
    Deployment::from_broadcast(&record)
}

fn find_run_latest(dir: &Path) -> Option<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "run-latest.json") {
                return Some(path);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_addresses_from_a_broadcast_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run-latest.json");
        let tx = |name: &str, byte: u8| serde_json::json!({"transactionType": "CREATE", "contractName": name, "contractAddress": Address::repeat_byte(byte).to_string()});
        let record = serde_json::json!({
            "chain": 31337,
            "transactions": [
                tx("TimelockController", 1), tx("WTAO", 2), tx("TaoBridge", 3),
                tx("ERC1967Proxy", 4), tx("WTAOGovernor", 5),
                {"transactionType": "CALL", "contractName": null, "contractAddress": Address::repeat_byte(1).to_string()},
            ]
        });
        std::fs::write(&path, record.to_string()).unwrap();
        let d = Deployment::from_broadcast(&path).unwrap();
        assert_eq!(d.chain_id, 31337);
        let a = Address::repeat_byte;
        assert_eq!((d.timelock, d.wtao, d.bridge), (a(1), a(2), a(4)));
        assert_eq!((d.bridge_implementation, d.governor), (a(3), a(5)));

        let saved = dir.path().join("deployment.json");
        d.save(&saved).unwrap();
        assert_eq!(Deployment::load(&saved).unwrap(), d);
    }

    #[test]
    fn a_missing_contract_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run-latest.json");
        std::fs::write(&path, r#"{"chain":1,"transactions":[]}"#).unwrap();
        let err = Deployment::from_broadcast(&path).unwrap_err();
        assert!(err.to_string().contains("no WTAO was created"), "{err}");
    }
}
