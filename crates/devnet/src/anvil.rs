//! anvil, the local EVM chain of the devnet, started from the pinned binary.

use std::{net::TcpListener, path::PathBuf, process::Command, time::Duration};

use crate::{
    error::{DevnetError, Result},
    process::ManagedChild,
    toolchain::Toolchain,
};

/// The well-known anvil development mnemonic; its accounts are funded with 10,000 ETH each.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// The first anvil dev accounts as (address, private key). Public knowledge: never use on a real
/// chain.
pub const DEV_ACCOUNTS: [(&str, &str); 5] = [
    (
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    ),
    (
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    ),
    (
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    ),
    (
        "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    ),
    (
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    ),
];

/// How to run anvil.
#[derive(Clone, Debug)]
pub struct AnvilConfig {
    /// RPC port on 127.0.0.1.
    pub port: u16,
    /// EVM chain id.
    pub chain_id: u64,
    /// Seconds per block; `None` mines a block per transaction.
    pub block_time: Option<u64>,
    /// Where anvil loads its state from and dumps it to on exit, so the chain survives restarts.
    pub state_file: Option<PathBuf>,
}

impl Default for AnvilConfig {
    fn default() -> Self {
        Self { port: 8545, chain_id: 31_337, block_time: Some(1), state_file: None }
    }
}

/// A running anvil; stopped (and its state dumped) when dropped.
#[derive(Debug)]
pub struct Anvil {
    child: ManagedChild,
    config: AnvilConfig,
}

impl Anvil {
    /// Starts anvil and waits until it listens.
    pub fn spawn(toolchain: &Toolchain, config: AnvilConfig) -> Result<Self> {
        if TcpListener::bind(("127.0.0.1", config.port)).is_err() {
            return Err(DevnetError::PortInUse { port: config.port });
        }
        let mut cmd = Command::new(toolchain.anvil());
        cmd.args(["--host", "127.0.0.1", "--port", &config.port.to_string()])
            .args(["--chain-id", &config.chain_id.to_string()])
            .args(["--mnemonic", DEV_MNEMONIC]);
        if let Some(secs) = config.block_time {
            cmd.args(["--block-time", &secs.to_string()]);
        }
        if let Some(state) = &config.state_file {
            cmd.arg("--state").arg(state);
        }
        let mut child = ManagedChild::spawn("anvil", cmd)?;
        child.wait_for_line(Duration::from_secs(30), |line| line.contains("Listening on"))?;
        Ok(Self { child, config })
    }

    /// The HTTP/WS RPC endpoint.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.config.port)
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.config.chain_id
    }

    /// Whether anvil is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.is_running()
    }

    /// Stops anvil gracefully (it dumps `--state` on SIGTERM).
    pub fn stop(&mut self) {
        self.child.stop();
    }
}
