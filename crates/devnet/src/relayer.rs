//! The devnet's relayers: one `wtao-relayer run --dev` process each, with its own config file,
//! sled store and log under the data dir. Keys come from the environment (`--dev` only): the
//! relayer's anvil account and its TAO dev key.
//!
//! A [`RelayerProcess`] is a slot that can be started, stopped (SIGTERM), killed (SIGKILL),
//! armed with a crash point and started again — what the end-to-end tests do to it. Its config
//! is rewritten on every devnet start (endpoints may move); its store is kept.

use std::{
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::ExitStatus,
    time::Duration,
};

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use crate::{
    accounts::{EthAccount, TaoAccount},
    error::{DevnetError, Result, io_error},
    http,
    process::{ChildSpec, ManagedChild, Program, read_from, tail_file},
};

/// The relayer's crash-point variable (`wtao_relayer::crash::ENV`; armed only with `--dev`).
pub const CRASH_ENV: &str = "WTAO_RELAYER_CRASH_AT";
/// What the relayer logs when its metrics port is taken.
const METRICS_BIND_FAILED: &str = "while binding the metrics endpoint";
/// How often a taken metrics port is replaced by another before giving up.
const MAX_REBINDS: usize = 4;
/// Time between SIGTERM and SIGKILL: a relayer finishes or abandons its current step.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Settings every relayer of the devnet shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayerSettings {
    /// EVM confirmations before a burn is released (anvil does not reorg by itself: 1 is enough).
    pub confirmations: u64,
    /// EVM poll interval (ms).
    pub poll_interval_ms: u64,
    /// Per-rank delay before a backup relayer submits a mint (ms).
    pub submit_delay_ms: u64,
    /// A mint still pending after this long is fee-bumped (ms).
    pub bump_after_ms: u64,
    /// `RUST_LOG` of the relayers.
    pub rust_log: String,
    /// Metrics port of relayer 1; relayer `n` listens on this + n − 1. 0 picks free ports (and
    /// moves a relayer to another one if its port is taken before it binds).
    pub metrics_port: u16,
}

impl Default for RelayerSettings {
    fn default() -> Self {
        Self {
            confirmations: 1,
            poll_interval_ms: 250,
            submit_delay_ms: 2_000,
            bump_after_ms: 20_000,
            rust_log: "info".into(),
            metrics_port: 9615,
        }
    }
}

/// Where a relayer connects to.
#[derive(Clone, Debug)]
pub struct RelayerEndpoints {
    /// tao-node, `ws://`.
    pub tao_url: String,
    /// EVM endpoints in failover order (at least one): anvil's `http://` URL, or several for
    /// failover and the quorum (`eth.rpc_urls`).
    pub eth_urls: Vec<String>,
    /// EVM endpoints that must report the same block and log before a burn is released
    /// (`eth.quorum`, 1 ..= `eth_urls.len()`).
    pub eth_quorum: u64,
    /// EVM chain id.
    pub chain_id: u64,
    /// TaoBridge proxy.
    pub bridge: Address,
}

/// One relayer slot: identity, files, and the process while it runs.
#[derive(Debug)]
pub struct RelayerProcess {
    /// 0-based index.
    pub index: usize,
    /// `relayer-<index + 1>`.
    pub name: String,
    /// Its Ethereum account (signs batches, pays for mints).
    pub eth: EthAccount,
    /// Its TAO account (attests, approves releases).
    pub tao: TaoAccount,
    dir: PathBuf,
    log: PathBuf,
    metrics: SocketAddr,
    fixed_port: bool,
    program: Program,
    settings: RelayerSettings,
    endpoints: RelayerEndpoints,
    child: Option<ManagedChild>,
    /// Length of the log when the process was last started.
    log_start: u64,
}

impl RelayerProcess {
    /// A slot for relayer `index` with files under `dir` and its log at `log`; writes its
    /// config. Does not start it.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        index: usize,
        eth: EthAccount,
        tao: TaoAccount,
        dir: PathBuf,
        log: PathBuf,
        program: Program,
        settings: RelayerSettings,
        endpoints: RelayerEndpoints,
    ) -> Result<Self> {
        let fixed_port = settings.metrics_port != 0;
        let port = if fixed_port {
            let port = u16::try_from(usize::from(settings.metrics_port).saturating_add(index))
                .map_err(|_| {
                    DevnetError::BadConfig(format!(
                        "--metrics-port {} leaves no port for relayer {}",
                        settings.metrics_port,
                        index.saturating_add(1)
                    ))
                })?;
            if TcpListener::bind(("127.0.0.1", port)).is_err() {
                return Err(DevnetError::PortInUse {
                    port,
                    what: crate::accounts::relayer_name(index),
                    flag: "--metrics-port",
                });
            }
            port
        } else {
            free_port()
        };
        let slot = Self {
            index,
            name: crate::accounts::relayer_name(index),
            eth,
            tao,
            dir,
            log,
            metrics: SocketAddr::from(([127, 0, 0, 1], port)),
            fixed_port,
            program,
            settings,
            endpoints,
            child: None,
            log_start: 0,
        };
        slot.write_config()?;
        Ok(slot)
    }

    /// Where it connects to.
    pub fn endpoints(&self) -> &RelayerEndpoints {
        &self.endpoints
    }

    /// Connect to `endpoints` from the next start on (rewrites the config; a running process
    /// keeps its endpoints until it is restarted).
    pub fn set_endpoints(&mut self, endpoints: RelayerEndpoints) -> Result<()> {
        self.endpoints = endpoints;
        self.write_config()
    }

    /// The config file.
    pub fn config_path(&self) -> PathBuf {
        self.dir.join("relayer.toml")
    }

    /// The sled store.
    pub fn db_path(&self) -> PathBuf {
        self.dir.join("db")
    }

    /// The log file.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The metrics listener (`/metrics`, `/health`, `/status`).
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics
    }

    /// `http://<metrics addr>/metrics`.
    pub fn metrics_url(&self) -> String {
        format!("http://{}/metrics", self.metrics)
    }

    /// The running process, if any.
    pub fn child(&mut self) -> Option<&mut ManagedChild> {
        self.child.as_mut()
    }

    /// The process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(ManagedChild::pid)
    }

    fn write_config(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(io_error("creating", &self.dir))?;
        let path = self.config_path();
        std::fs::write(&path, self.config_toml()).map_err(io_error("writing", &path))
    }

    /// The relayer's TOML config: absolute paths, no keys (they come from the environment).
    fn config_toml(&self) -> String {
        // A JSON string literal is a valid TOML basic string.
        let q = |s: &str| serde_json::Value::from(s).to_string();
        let s = &self.settings;
        let e = &self.endpoints;
        format!(
            "# Written by the devnet at every start; edits are overwritten.\n\
             data_dir = {db}\n\n\
             [tao]\nurl = {tao}\n\n\
             [eth]\nrpc_urls = [{eth}]\nquorum = {quorum}\nchain_id = {chain}\nbridge = {bridge}\n\
             confirmations = {conf}\npoll_interval_ms = {poll}\nsubmit_delay_ms = {delay}\n\
             bump_after_ms = {bump}\n\n\
             [metrics]\naddr = {metrics}\n",
            db = q(&self.db_path().to_string_lossy()),
            tao = q(&e.tao_url),
            eth = e.eth_urls.iter().map(|u| q(u)).collect::<Vec<_>>().join(", "),
            quorum = e.eth_quorum,
            chain = e.chain_id,
            bridge = q(&e.bridge.to_string()),
            conf = s.confirmations,
            poll = s.poll_interval_ms,
            delay = s.submit_delay_ms,
            bump = s.bump_after_ms,
            metrics = q(&self.metrics.to_string()),
        )
    }

    /// Starts the relayer if it is not running.
    pub fn start(&mut self) -> Result<()> {
        self.start_with(None)
    }

    /// Starts the relayer if it is not running, armed to abort at crash point `crash` (see
    /// `wtao_relayer::crash`).
    pub fn start_with(&mut self, crash: Option<&str>) -> Result<()> {
        if self.child.as_mut().is_some_and(ManagedChild::is_running) {
            return Ok(());
        }
        let spec = ChildSpec::new(self.name.clone(), self.program.clone(), &self.log)
            .args(["run", "--dev", "--config"])
            .arg(self.config_path())
            .env("WTAO_RELAYER_DEV_ETH_KEY", &self.eth.private_key)
            .env("WTAO_RELAYER_DEV_TAO_SURI", &self.tao.uri)
            .env("RUST_LOG", &self.settings.rust_log)
            // Errors without a backtrace: the log tail shows the cause.
            .env("RUST_LIB_BACKTRACE", "0")
            .env(CRASH_ENV, crash.unwrap_or_default())
            .grace(STOP_GRACE);
        let child = ManagedChild::spawn(&spec)?;
        self.log_start = child.log_start();
        self.child = Some(child);
        Ok(())
    }

    /// Waits until `/health` answers 200. Fails at once if the process exits — unless it
    /// exited because its (automatically chosen) metrics port was taken between choosing and
    /// binding it: then it restarts on another port.
    pub fn wait_healthy(&mut self, timeout: Duration) -> Result<()> {
        let mut rebinds = 0;
        loop {
            let addr = self.metrics;
            let Some(child) = self.child.as_mut() else {
                return Err(DevnetError::BadConfig(format!("{} is not running", self.name)));
            };
            match child.wait_until("/health to answer 200", timeout, || {
                http::get(addr, "/health").ok().filter(|r| r.status == 200)
            }) {
                Ok(_) => return Ok(()),
                Err(e @ DevnetError::Exited { .. }) => {
                    let port_taken = self.run_log().contains(METRICS_BIND_FAILED);
                    self.child = None;
                    if port_taken && !self.fixed_port && rebinds < MAX_REBINDS {
                        rebinds += 1;
                        self.metrics = SocketAddr::from(([127, 0, 0, 1], free_port()));
                        self.write_config()?;
                        self.start()?;
                        continue;
                    }
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Whether `/health` answers 200 now.
    pub fn is_healthy(&self) -> bool {
        http::get(self.metrics, "/health").is_ok_and(|r| r.status == 200)
    }

    /// Whether the process is running.
    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(ManagedChild::is_running)
    }

    /// `kill -9` the relayer (a crash at an arbitrary point).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill();
        }
    }

    /// SIGTERM the relayer and wait for it to exit (SIGKILL after the grace); returns whether
    /// it exited cleanly (status 0). True if it was not running.
    pub fn stop(&mut self) -> bool {
        match self.child.take() {
            Some(mut child) => child.stop().is_some_and(|s| s.success()),
            None => true,
        }
    }

    /// If the process has exited since it was started (a crash), clears the slot — so
    /// [`Self::start`] starts it again — and returns how it exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        let status = self.child.as_mut().and_then(|c| c.try_status().ok().flatten())?;
        self.child = None;
        Some(status)
    }

    /// What the relayer wrote to its log since it was last started.
    pub fn run_log(&self) -> String {
        read_from(&self.log, self.log_start)
    }

    /// The last `n` lines of its log.
    pub fn log_tail(&self, n: usize) -> Vec<String> {
        tail_file(&self.log, n)
    }
}

impl Drop for RelayerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A free TCP port on 127.0.0.1 (free now; another process may take it before it is used).
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{DEV_ACCOUNTS, TaoAccount};

    #[test]
    fn config_has_absolute_paths_and_no_keys() {
        let dir = tempfile::tempdir().unwrap();
        let eth = EthAccount {
            index: 1,
            address: DEV_ACCOUNTS[1].0.parse().unwrap(),
            private_key: DEV_ACCOUNTS[1].1.into(),
            role: "relayer-1".into(),
        };
        let settings = RelayerSettings { metrics_port: 0, ..RelayerSettings::default() };
        let endpoints = RelayerEndpoints {
            tao_url: "ws://127.0.0.1:9944".into(),
            eth_urls: vec!["http://127.0.0.1:8545".into(), "http://localhost:8545".into()],
            eth_quorum: 2,
            chain_id: 31_337,
            bridge: Address::repeat_byte(0xbb),
        };
        let r = RelayerProcess::new(
            0,
            eth,
            TaoAccount::derive("//Bob", "relayer-1").unwrap(),
            dir.path().join("relayer-1"),
            dir.path().join("relayer-1.log"),
            Program::new("wtao-relayer"),
            settings,
            endpoints,
        )
        .unwrap();
        let text = std::fs::read_to_string(r.config_path()).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        let db = value["data_dir"].as_str().unwrap();
        assert!(Path::new(db).is_absolute() && db.ends_with("relayer-1/db"), "{db}");
        assert_eq!(value["eth"]["chain_id"].as_integer(), Some(31_337));
        assert_eq!(value["eth"]["confirmations"].as_integer(), Some(1));
        let urls = value["eth"]["rpc_urls"].as_array().unwrap();
        assert_eq!(urls[1].as_str(), Some("http://localhost:8545"));
        assert_eq!(value["eth"]["quorum"].as_integer(), Some(2));
        assert_eq!(value["metrics"]["addr"].as_str().unwrap(), r.metrics_addr().to_string());
        assert!(!text.contains(&DEV_ACCOUNTS[1].1[2..]), "no key in the config file");
        assert!(!text.contains("//Bob"));
    }
}
