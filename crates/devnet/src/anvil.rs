//! anvil, the devnet's EVM chain, started from the pinned binary.
//!
//! It always starts in automine (a block per transaction: the deploy does not wait for block
//! times) and is switched to interval mining afterwards ([`Anvil::set_block_time`]). With a
//! state file it loads the chain on start and dumps it on SIGTERM, so a devnet resumes — and
//! [`Anvil::restart`] stops it and starts it again from that file on the same port (an RPC
//! outage the relayers must ride out; also how a block time below one second is set, since
//! `evm_setIntervalMining` takes whole seconds and `--block-time` does not).

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    time::Duration,
};

use serde_json::json;

use crate::{
    accounts::{DEV_MNEMONIC, EthAccount, eth_accounts_from_anvil_config},
    error::{DevnetError, Result, io_error},
    http,
    process::{ChildSpec, ManagedChild, Program},
};

/// How long anvil may take to listen (loading a big state file takes a moment).
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long anvil gets to dump its state on SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(30);

/// How to run anvil.
#[derive(Clone, Debug)]
pub struct AnvilConfig {
    /// The anvil executable.
    pub program: PathBuf,
    /// RPC port on 127.0.0.1; 0 lets anvil pick a free one (no race with other processes).
    pub port: u16,
    /// EVM chain id.
    pub chain_id: u64,
    /// Dev accounts to derive from the mnemonic (anvil's `--accounts`).
    pub accounts: usize,
    /// Where anvil loads its state from and dumps it to on exit.
    pub state_file: Option<PathBuf>,
    /// Log file.
    pub log: PathBuf,
    /// Where anvil writes its accounts and keys (`--config-out`).
    pub config_out: PathBuf,
    /// The option that sets the port, for the "port in use" message.
    pub port_flag: &'static str,
}

/// A running anvil; stopped (and its state dumped) when dropped.
#[derive(Debug)]
pub struct Anvil {
    child: ManagedChild,
    endpoint: String,
    chain_id: u64,
    accounts: Vec<EthAccount>,
    /// How it was started, with the port it got: what [`Self::restart`] starts again.
    config: AnvilConfig,
    relayers: usize,
    /// The interval mining in effect (`None`: automine or stopped by RPC).
    block_time: Option<Duration>,
}

impl Anvil {
    /// Starts anvil (in automine) and waits until it listens. `relayers` sets the accounts'
    /// roles.
    pub fn spawn(config: &AnvilConfig, relayers: usize) -> Result<Self> {
        Self::spawn_mining(config, relayers, None)
    }

    /// Starts anvil with `--block-time` (fractional seconds are fine) or in automine (`None`).
    fn spawn_mining(
        config: &AnvilConfig,
        relayers: usize,
        block_time: Option<Duration>,
    ) -> Result<Self> {
        if config.port != 0 && TcpListener::bind(("127.0.0.1", config.port)).is_err() {
            return Err(port_in_use(config));
        }
        for file in std::iter::once(&config.config_out).chain(config.state_file.as_ref()) {
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir).map_err(io_error("creating", dir))?;
            }
        }
        let mut spec = ChildSpec::new("anvil", Program::new(&config.program), &config.log)
            .args(["--host", "127.0.0.1", "--port", &config.port.to_string()])
            .args(["--chain-id", &config.chain_id.to_string()])
            .args(["--mnemonic", DEV_MNEMONIC])
            .args(["--accounts", &config.accounts.to_string()])
            .arg("--config-out")
            .arg(&config.config_out)
            .grace(STOP_GRACE);
        if let Some(state) = &config.state_file {
            spec = spec.arg("--state").arg(state);
        }
        if let Some(t) = block_time {
            spec = spec.args(["--block-time", &t.as_secs_f64().to_string()]);
        }
        let mut child = ManagedChild::spawn(&spec)?;
        let line = match child.wait_for_line(START_DEADLINE, |l| l.contains("Listening on ")) {
            Ok(line) => line,
            Err(DevnetError::Exited { last_output, .. })
                if last_output.iter().any(|l| l.contains("in use")) =>
            {
                return Err(port_in_use(config));
            }
            Err(e) => return Err(e),
        };
        let addr = line.rsplit("Listening on ").next().unwrap_or_default().trim().to_owned();
        let text = std::fs::read_to_string(&config.config_out)
            .map_err(io_error("reading", &config.config_out))?;
        let accounts = serde_json::from_str(&text)
            .ok()
            .and_then(|v| eth_accounts_from_anvil_config(&v, relayers))
            .ok_or_else(|| DevnetError::Rpc {
                url: config.config_out.display().to_string(),
                method: "anvil --config-out".into(),
                reason: "no available_accounts / private_keys in it".into(),
            })?;
        let port = addr.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(config.port);
        Ok(Self {
            child,
            endpoint: format!("http://{addr}"),
            chain_id: config.chain_id,
            accounts,
            config: AnvilConfig { port, ..config.clone() },
            relayers,
            block_time,
        })
    }

    /// Stops anvil (SIGTERM: it dumps its chain to the state file) and starts it again from
    /// that file on the same port, with the same interval mining. Blocks, hashes, receipts and
    /// balances survive; the mempool does not (a transaction sent but not mined is gone).
    /// Fails when anvil has no state file, or when another process took the port meanwhile.
    pub fn restart(&mut self) -> Result<()> {
        self.stop();
        self.start()
    }

    /// Starts a stopped anvil again from its state file on the same port (see
    /// [`Self::restart`]); nothing if it is running.
    pub fn start(&mut self) -> Result<()> {
        if self.child.is_running() {
            return Ok(());
        }
        if self.config.state_file.is_none() {
            return Err(DevnetError::BadConfig(
                "anvil runs without a state file: a restart would start an empty chain".into(),
            ));
        }
        *self = Self::spawn_mining(&self.config, self.relayers, self.block_time)?;
        Ok(())
    }

    /// Whether the process runs.
    pub fn is_running(&mut self) -> bool {
        self.child.is_running()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.config.port
    }

    /// Mines a block every `block_time` (zero: automine). Whole seconds are set over RPC
    /// (`evm_setIntervalMining`); anything else needs anvil's `--block-time`, so anvil is
    /// restarted from its state file on the same port (see [`Self::restart`]).
    pub fn set_block_time(&mut self, block_time: Duration) -> Result<()> {
        if block_time.subsec_nanos() == 0 {
            self.interval_mining(block_time.as_secs())?;
            self.block_time = (!block_time.is_zero()).then_some(block_time);
            return Ok(());
        }
        self.block_time = Some(block_time);
        self.restart()
    }

    /// The HTTP (and WS) RPC endpoint, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The dev accounts anvil funded, with their roles.
    pub fn accounts(&self) -> &[EthAccount] {
        &self.accounts
    }

    /// Mines a block every `secs` seconds; 0 stops mining (blocks then come only from
    /// `anvil_mine`). anvil is in automine until this is called. Not kept across
    /// [`Self::restart`]: use [`Self::set_block_time`] for that.
    pub fn interval_mining(&self, secs: u64) -> Result<()> {
        http::json_rpc(&self.endpoint, "evm_setIntervalMining", json!([secs])).map(drop)
    }

    /// Whether there is contract code at `address` (0x-hex).
    pub fn has_code(&self, address: &str) -> Result<bool> {
        let code = http::json_rpc(&self.endpoint, "eth_getCode", json!([address, "latest"]))?;
        Ok(code.as_str().is_some_and(|c| c.len() > 2))
    }

    /// The latest block number.
    pub fn block_number(&self) -> Result<u64> {
        let n = http::json_rpc(&self.endpoint, "eth_blockNumber", json!([]))?;
        http::quantity(&n).ok_or_else(|| DevnetError::Rpc {
            url: self.endpoint.clone(),
            method: "eth_blockNumber".into(),
            reason: format!("not a quantity: {n}"),
        })
    }

    /// The process.
    pub fn child(&mut self) -> &mut ManagedChild {
        &mut self.child
    }

    /// The log file.
    pub fn log_path(&self) -> &Path {
        self.child.log_path()
    }

    /// Stops anvil gracefully (it dumps `--state` on SIGTERM).
    pub fn stop(&mut self) {
        self.child.stop();
    }
}

fn port_in_use(config: &AnvilConfig) -> DevnetError {
    DevnetError::PortInUse { port: config.port, what: "anvil".into(), flag: config.port_flag }
}
