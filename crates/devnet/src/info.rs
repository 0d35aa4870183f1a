//! What a devnet writes about itself: its shape (`network.json`, fixed at creation), its owner
//! (`owner.json`, for `down` and for cleaning up after a crash) and the summary of a running
//! devnet (`devnet.json`: endpoints, contracts, accounts, relayers, logs) that `wtao devnet up`
//! prints and `status` reads back.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{
    accounts::{EthAccount, TaoAccount},
    deploy::Deployment,
    error::{DevnetError, Result, io_error},
};

/// The shape of a devnet's network, fixed when it is created: both chains' genesis and the
/// deployed contracts depend on it, so a resume must use the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkShape {
    /// Number of relayers.
    pub relayers: usize,
    /// Signatures to mint, approvals to release.
    pub threshold: usize,
    /// EVM chain id.
    pub evm_chain_id: u64,
}

impl std::fmt::Display for NetworkShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} relayers with threshold {} on EVM chain {}",
            self.relayers, self.threshold, self.evm_chain_id
        )
    }
}

/// The devnet's EVM chain id (anvil's default). The only one it runs on: the deploy script
/// refuses anvil's public dev keys as relayers or guardian on every other chain.
pub const DEVNET_EVM_CHAIN_ID: u64 = 31_337;

impl NetworkShape {
    /// Checks what the bridge itself would refuse: at least one relayer, and a threshold that is
    /// a strict majority (N/2 < M ≤ N); and the devnet's chain id.
    pub fn validate(&self) -> Result<()> {
        if self.evm_chain_id != DEVNET_EVM_CHAIN_ID {
            return Err(DevnetError::BadConfig(format!(
                "EVM chain id {}: the devnet runs on chain {DEVNET_EVM_CHAIN_ID} only (the deploy script refuses anvil's public dev keys as relayers or guardian on any other chain)",
                self.evm_chain_id
            )));
        }
        let (n, m) = (self.relayers, self.threshold);
        if n == 0 {
            return Err(DevnetError::BadConfig("--relayers must be at least 1".into()));
        }
        if m.saturating_mul(2) <= n || m > n {
            return Err(DevnetError::BadConfig(format!(
                "--threshold {m} with {n} relayers: the threshold must be a strict majority (N/2 < M <= N)"
            )));
        }
        Ok(())
    }
}

/// The process that holds a data dir's lock, and its children (so a later `up` can stop the
/// children a crashed owner left behind).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// The owner's pid.
    pub pid: u32,
    /// `starting`, `running` or `stopped`.
    pub state: String,
    /// `(name, pid)` of each child started.
    pub children: Vec<(String, u32)>,
}

/// One relayer in the summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayerInfo {
    /// `relayer-<n>`.
    pub name: String,
    /// Its Ethereum address.
    pub eth_address: String,
    /// Its TAO account (SS58).
    pub tao_account: String,
    /// Its TAO secret URI (a public dev key).
    pub tao_uri: String,
    /// Prometheus metrics (`/health` and `/status` on the same listener).
    pub metrics_url: String,
    /// Config file.
    pub config: PathBuf,
    /// sled store.
    pub store: PathBuf,
    /// Log file.
    pub log: PathBuf,
    /// pid while running.
    pub pid: Option<u32>,
}

/// A subnet agent the devnet runs (`devnet up --subnet-demo`): a `wtao miner run` or
/// `wtao validator run` on the demo subnet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentInfo {
    /// `miner-1`, `validator-1`, …
    pub name: String,
    /// `miner` or `validator`.
    pub role: String,
    /// The subnet.
    pub netuid: u16,
    /// Its uid there.
    pub uid: u16,
    /// Its hotkey (SS58).
    pub hotkey: String,
    /// The hotkey's secret URI (a dev derivation of //Alice: public).
    pub hotkey_uri: String,
    /// Log file (its events, one line each).
    pub log: PathBuf,
    /// pid while running.
    pub pid: Option<u32>,
}

/// A process of the devnet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessInfo {
    /// `anvil`, `tao-node`, `relayer-<n>`.
    pub name: String,
    /// pid.
    pub pid: u32,
    /// Log file.
    pub log: PathBuf,
}

/// The EVM side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvmInfo {
    /// JSON-RPC (HTTP and WS), `http://127.0.0.1:<port>`.
    pub rpc_url: String,
    /// Chain id.
    pub chain_id: u64,
    /// Seconds per block (0: a block per transaction, or a block time below a second: see
    /// `block_time_ms`).
    pub block_time_s: u64,
    /// Milliseconds per block (0: a block per transaction); absent in files written before it
    /// was added.
    #[serde(default)]
    pub block_time_ms: u64,
}

/// The TAO side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaoInfo {
    /// JSON-RPC over WebSocket.
    pub ws_url: String,
    /// The same server over HTTP.
    pub http_url: String,
    /// The chain spec's id (the chain's name for clients).
    pub chain_id: String,
    /// The chain spec's name.
    pub chain_name: String,
    /// Block time (`--block-time`).
    pub block_time: String,
    /// The chain spec file.
    pub chain_spec: PathBuf,
}

/// Everything a user (or a script) needs to talk to a running devnet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevnetInfo {
    /// The data dir.
    pub data_dir: PathBuf,
    /// Whether this start resumed existing chains (false: created them).
    pub resumed: bool,
    /// The network's shape.
    pub shape: NetworkShape,
    /// The EVM chain.
    pub evm: EvmInfo,
    /// The TAO chain.
    pub tao: TaoInfo,
    /// The contracts.
    pub contracts: Deployment,
    /// The relayers.
    pub relayers: Vec<RelayerInfo>,
    /// Ethereum dev accounts.
    pub eth_accounts: Vec<EthAccount>,
    /// TAO dev accounts.
    pub tao_accounts: Vec<TaoAccount>,
    /// The processes and their logs.
    pub processes: Vec<ProcessInfo>,
    /// Subnet agents (`--subnet-demo`), if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<AgentInfo>,
}

/// Reads a JSON file of the data dir.
pub(crate) fn load<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(io_error("reading", path))?;
    serde_json::from_str(&text).map_err(|e| DevnetError::Incomplete {
        data_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        problem: format!("{} is not valid: {e}", path.display()),
    })
}

/// Writes a JSON file of the data dir atomically (a temp file renamed over it), so a reader
/// never sees half of it.
pub(crate) fn save<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| DevnetError::Io {
        what: "encoding",
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(io_error("writing", &tmp))?;
    std::fs::rename(&tmp, path).map_err(io_error("writing", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_must_be_a_strict_majority() {
        let shape = |relayers, threshold| NetworkShape {
            relayers,
            threshold,
            evm_chain_id: DEVNET_EVM_CHAIN_ID,
        };
        for (n, m) in [(1, 1), (3, 2), (3, 3), (4, 3), (5, 3), (9, 5)] {
            shape(n, m).validate().unwrap();
        }
        for (n, m) in [(0, 0), (3, 1), (4, 2), (3, 4), (9, 4)] {
            assert!(shape(n, m).validate().is_err(), "{n}/{m}");
        }
        let err = shape(3, 1).validate().unwrap_err().to_string();
        assert!(err.contains("strict majority"), "{err}");
    }

    #[test]
    fn only_the_devnet_chain_id() {
        let shape = NetworkShape { relayers: 3, threshold: 2, evm_chain_id: 1 };
        let err = shape.validate().unwrap_err().to_string();
        assert!(err.contains("chain 31337 only"), "{err}");
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("owner.json");
        let owner = Owner { pid: 7, state: "running".into(), children: vec![("anvil".into(), 8)] };
        save(&path, &owner).unwrap();
        assert_eq!(load::<Owner>(&path).unwrap(), owner);
        std::fs::write(&path, "{").unwrap();
        assert!(load::<Owner>(&path).unwrap_err().to_string().contains("is not valid"));
    }
}
