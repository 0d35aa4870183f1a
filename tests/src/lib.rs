//! The end-to-end network: anvil, tao-node and N `wtao-relayer` processes on free local ports,
//! each relayer with its own data dir, all under one temporary directory that is deleted with
//! the [`Net`].
//!
//! ```text
//!  Net::start(NetConfig)
//!    anvil (automine for the deploy, then interval mining)  ← forge script Deploy (the devnet's)
//!    tao-node --dev --block-time …                            ← sudo: relayer set, EVM domain
//!    wtao-relayer run --dev × N                               ← keys: anvil dev accounts 1..N,
//!                                                               //Bob, //Charlie, //Dave …
//! ```
//!
//! Nothing here sleeps to synchronise: [`wait_for`] polls a condition against a deadline and
//! fails with what it last saw.

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use alloy::network::EthereumWallet;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use eyre::{WrapErr, eyre};
use tao_client::{AccountId32, Keypair, RelayerInfo, TaoClient};
use tao_node::test_utils::{TestNode, TestNodeConfig, node_binary};
use wtao_devnet::{Anvil, AnvilConfig, DEV_ACCOUNTS, DeployConfig, Deployment, Toolchain};
pub use wtao_relayer::eth::ITaoBridge;

alloy::sol! {
    #[sol(rpc)]
    interface IERC20View {
        function balanceOf(address) external view returns (uint256);
        function totalSupply() external view returns (uint256);
    }
}

/// TAO secret URIs of the relayers, in order (funded dev accounts).
pub const RELAYER_SURIS: [&str; 3] = ["//Bob", "//Charlie", "//Dave"];

/// How to build the network.
#[derive(Clone, Debug)]
pub struct NetConfig {
    /// Number of relayers (≤ 3).
    pub relayers: usize,
    /// Signatures/approvals needed.
    pub threshold: usize,
    /// EVM confirmations the relayers wait for.
    pub confirmations: u64,
    /// anvil seconds per block.
    pub anvil_block_time: u64,
    /// tao-node block time (`--block-time`).
    pub tao_block_time: &'static str,
    /// Relayer per-rank submit delay (ms).
    pub submit_delay_ms: u64,
    /// Relayer fee-bump delay for a pending mint (ms).
    pub bump_after_ms: u64,
    /// Relayer log filter.
    pub relayer_log: &'static str,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            relayers: 3,
            threshold: 2,
            confirmations: 1,
            anvil_block_time: 1,
            tao_block_time: "1s",
            submit_delay_ms: 2_000,
            bump_after_ms: 20_000,
            relayer_log: "info,wtao_relayer=debug",
        }
    }
}

/// One relayer process slot.
#[derive(Debug)]
pub struct RelayerProc {
    /// Config file.
    pub config: PathBuf,
    /// Log file (stderr).
    pub log: PathBuf,
    /// Metrics address.
    pub metrics: std::net::SocketAddr,
    /// The process while running.
    pub child: Option<Child>,
    /// Its Ethereum address.
    pub eth: Address,
    /// Its TAO key.
    pub tao: Keypair,
    eth_key: &'static str,
    suri: &'static str,
    /// Length of the log when the process was last started: what it wrote since lies after.
    log_start: u64,
}

/// The whole network.
pub struct Net {
    /// Settings it was built with.
    pub config: NetConfig,
    /// Temporary root of every data dir and log.
    pub dir: tempfile::TempDir,
    /// The EVM chain.
    pub anvil: Anvil,
    /// The TAO chain.
    pub node: TestNode,
    /// Contract addresses.
    pub deployment: Deployment,
    /// TaoBridge proxy.
    pub bridge: Address,
    /// WTAO token.
    pub wtao: Address,
    /// TimelockController.
    pub timelock: Address,
    /// Guardian (may pause).
    pub guardian: PrivateKeySigner,
    /// Client of tao-node.
    pub tao: TaoClient,
    /// Plain EVM provider (reads, anvil_* calls).
    pub eth: DynProvider,
    /// The relayers.
    pub relayers: Vec<RelayerProc>,
    /// Custody balance before any lock (its existential deposit), rao.
    custody_floor: u64,
    relayer_bin: PathBuf,
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Net").field("dir", &self.dir.path()).finish_non_exhaustive()
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0)
}

/// Poll `cond` every 100 ms until it returns `Some`, or fail after `timeout` with `what`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut cond: F) -> eyre::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = eyre::Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    let mut last_err = None;
    loop {
        match cond().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last_err = Some(e),
        }
        if Instant::now() >= deadline {
            return Err(eyre!(
                "timed out after {timeout:?} waiting for {what} (last error: {last_err:?})"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `wtao-relayer` binary, built once per test process like tao-node's (see
/// [`tao_node::test_utils::build_binary`]); `$WTAO_E2E_RELAYER_BIN` overrides it.
pub fn relayer_binary() -> eyre::Result<PathBuf> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("WTAO_E2E_RELAYER_BIN") {
            return Ok(PathBuf::from(bin));
        }
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../relayer/Cargo.toml");
        tao_node::test_utils::build_binary(&manifest, "wtao-relayer")
    })
    .clone()
    .map_err(|e| eyre!(e))
}

/// forge script runs share `contracts/out` and its cache: one deploy at a time.
static DEPLOY_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn addr(s: &str) -> eyre::Result<Address> {
    s.parse().wrap_err_with(|| format!("bad address {s}"))
}

impl Net {
    /// Start everything and wait until every relayer is healthy.
    pub async fn start(config: NetConfig) -> eyre::Result<Self> {
        let dir = tempfile::tempdir()?;
        let root = Toolchain::find_root(Path::new(env!("CARGO_MANIFEST_DIR")))?;
        let toolchain = Toolchain::ensure(&root)?;
        let relayer_bin = relayer_binary()?;
        let node_bin = node_binary().map_err(|e| eyre!(e))?;

        // anvil: automine while deploying (forge waits for each receipt), blocks on a timer after.
        // A probed free port can be taken before anvil binds it (tests run in parallel): retry.
        let mut attempt = 0;
        let anvil = loop {
            let config = AnvilConfig {
                port: free_port(),
                chain_id: 31_337,
                block_time: None,
                state_file: None,
            };
            match Anvil::spawn(&toolchain, config) {
                Ok(a) => break a,
                Err(e) if attempt < 4 && e.to_string().contains("already in use") => attempt += 1,
                Err(e) => return Err(e.into()),
            }
        };
        let eth = ProviderBuilder::new().connect_http(anvil.endpoint().parse()?).erased();
        let relayer_keys: Vec<_> = DEV_ACCOUNTS[1..=config.relayers].to_vec();
        let (guardian_addr, guardian_key) = DEV_ACCOUNTS[4];
        let deployment = {
            let _lock = DEPLOY_LOCK.lock().await;
            let anvil_url = anvil.endpoint();
            let deploy = DeployConfig {
                rpc_url: anvil_url,
                deployer_key: DEV_ACCOUNTS[0].1.to_owned(),
                relayers: relayer_keys.iter().map(|(a, _)| (*a).to_owned()).collect(),
                threshold: config.threshold,
                guardian: guardian_addr.to_owned(),
                broadcast_dir: dir.path().join("broadcast"),
            };
            tokio::task::spawn_blocking(move || wtao_devnet::deploy::deploy(&toolchain, &deploy))
                .await??
        };
        let _: serde_json::Value =
            eth.raw_request("evm_setIntervalMining".into(), (config.anvil_block_time,)).await?;

        let node = TestNode::start(TestNodeConfig {
            bin: node_bin,
            base_path: dir.path().join("tao-node"),
            args: vec!["--dev".into(), "--block-time".into(), config.tao_block_time.into()],
            rust_log: "warn".into(),
        })?;
        let tao = TaoClient::connect(node.url()).await?;
        let bridge = addr(&deployment.bridge)?;
        let sudo = tao_client::dev::alice();
        let mut relayers = Vec::new();
        let mut infos = Vec::new();
        for (i, (eth_addr, eth_key)) in relayer_keys.iter().enumerate() {
            let tao_key = wtao_relayer::keys::parse_suri(RELAYER_SURIS[i])?;
            infos.push(RelayerInfo {
                account: tao_key.public_key().to_account_id(),
                eth_address: addr(eth_addr)?,
            });
            let rdir = dir.path().join(format!("relayer-{i}"));
            std::fs::create_dir_all(&rdir)?;
            let metrics = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()));
            let toml = format!(
                r#"data_dir = "{db}"
[tao]
url = "{tao}"
[eth]
rpc_url = "{rpc}"
chain_id = 31337
bridge = "{bridge}"
confirmations = {conf}
poll_interval_ms = 250
submit_delay_ms = {delay}
bump_after_ms = {bump}
[metrics]
addr = "{metrics}"
"#,
                db = rdir.join("db").display(),
                tao = node.url(),
                rpc = anvil.endpoint(),
                conf = config.confirmations,
                delay = config.submit_delay_ms,
                bump = config.bump_after_ms,
            );
            let path = rdir.join("relayer.toml");
            std::fs::write(&path, toml)?;
            relayers.push(RelayerProc {
                config: path,
                log: rdir.join("relayer.log"),
                metrics,
                child: None,
                eth: addr(eth_addr)?,
                tao: tao_key,
                eth_key,
                suri: RELAYER_SURIS[i],
                log_start: 0,
            });
        }
        tao.sudo_set_relayers(&sudo, &infos, u32::try_from(config.threshold)?).await?;
        tao.sudo_set_domain(&sudo, 31_337, bridge).await?;
        let custody_floor = tao.bridge_custody_balance().await?.0;
        let mut net = Self {
            custody_floor,
            wtao: addr(&deployment.wtao)?,
            timelock: addr(&deployment.timelock)?,
            bridge,
            guardian: guardian_key.parse()?,
            config,
            dir,
            anvil,
            node,
            deployment,
            tao,
            eth,
            relayers,
            relayer_bin,
        };
        for i in 0..net.relayers.len() {
            net.start_relayer(i)?;
        }
        for i in 0..net.relayers.len() {
            net.wait_healthy(i).await?;
        }
        Ok(net)
    }

    /// Start relayer `i` (again).
    pub fn start_relayer(&mut self, i: usize) -> eyre::Result<()> {
        self.start_relayer_with(i, None)
    }

    /// Start relayer `i` (again), armed to abort at crash point `crash` (see
    /// `wtao_relayer::crash`).
    pub fn start_relayer_with(&mut self, i: usize, crash: Option<&str>) -> eyre::Result<()> {
        let r = &mut self.relayers[i];
        if r.child.is_some() {
            return Ok(());
        }
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&r.log)?;
        r.log_start = log.metadata()?.len();
        let child = Command::new(&self.relayer_bin)
            .args(["run", "--dev", "--config"])
            .arg(&r.config)
            .env("WTAO_RELAYER_DEV_ETH_KEY", r.eth_key)
            .env("WTAO_RELAYER_DEV_TAO_SURI", r.suri)
            .env("RUST_LOG", self.config.relayer_log)
            // Errors without a backtrace: the log tail a failing test prints shows the cause.
            .env("RUST_LIB_BACKTRACE", "0")
            .env(wtao_relayer::crash::ENV, crash.unwrap_or_default())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .wrap_err("spawning wtao-relayer")?;
        r.child = Some(child);
        Ok(())
    }

    /// Gives relayer `i` a new metrics port (in its config file and here).
    fn move_metrics(&mut self, i: usize) -> eyre::Result<()> {
        let r = &mut self.relayers[i];
        let old = r.metrics;
        r.metrics = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()));
        let toml = std::fs::read_to_string(&r.config)?
            .replace(&format!("addr = \"{old}\""), &format!("addr = \"{}\"", r.metrics));
        std::fs::write(&r.config, toml)?;
        Ok(())
    }

    /// `kill -9` relayer `i`.
    pub fn kill_relayer(&mut self, i: usize) {
        if let Some(mut c) = self.relayers[i].child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The relayers whose process has exited since they were started (crashed); their slots
    /// are cleared so that [`Self::start_relayer`] starts them again.
    pub fn exited(&mut self) -> eyre::Result<Vec<usize>> {
        let mut out = Vec::new();
        for (i, r) in self.relayers.iter_mut().enumerate() {
            if let Some(c) = r.child.as_mut()
                && c.try_wait()?.is_some()
            {
                r.child = None;
                out.push(i);
            }
        }
        Ok(out)
    }

    /// SIGTERM relayer `i` and wait for it to exit; returns whether it exited cleanly.
    pub fn stop_relayer(&mut self, i: usize) -> eyre::Result<bool> {
        let Some(mut c) = self.relayers[i].child.take() else { return Ok(true) };
        let pid = i32::try_from(c.id())?;
        // SAFETY: kill(2) on a child process we own; no memory is involved.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = c.try_wait()? {
                return Ok(status.success());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = c.kill();
        let _ = c.wait();
        Ok(false)
    }

    /// Wait until relayer `i` answers `/health` with 200; fails at once if it exits, unless it
    /// exited because its metrics port was taken (a port probed free can be bound by a test
    /// running in parallel before the relayer binds it): then it restarts on another port.
    pub async fn wait_healthy(&mut self, i: usize) -> eyre::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut rebinds = 0;
        loop {
            let addr = self.relayers[i].metrics;
            if let Some(c) = self.relayers[i].child.as_mut()
                && let Some(status) = c.try_wait()?
            {
                self.relayers[i].child = None;
                let port_taken = self.run_log(i).contains("while binding the metrics endpoint");
                if rebinds < 4 && port_taken {
                    rebinds += 1;
                    self.move_metrics(i)?;
                    self.start_relayer(i)?;
                    continue;
                }
                return Err(eyre!("relayer {i} exited ({status}); log:\n{}", self.relayer_log(i)));
            }
            if wtao_relayer::metrics::get(addr, "/health")
                .await
                .is_ok_and(|b| b.starts_with("HTTP/1.1 200"))
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(eyre!(
                    "relayer {i} not healthy after 60 s; log:\n{}",
                    self.relayer_log(i)
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The relayer's Prometheus text.
    pub async fn metrics(&self, i: usize) -> eyre::Result<String> {
        Ok(wtao_relayer::metrics::get(self.relayers[i].metrics, "/metrics").await?)
    }

    /// A metric's value on relayer `i`: `name` without the `wtao_relayer_` prefix, optionally
    /// with labels (`queue_depth{queue="batches"}`); the sum of every series that matches.
    pub async fn metric(&self, i: usize, name: &str) -> eyre::Result<u64> {
        let text = self.metrics(i).await?;
        let (base, labels) = match name.split_once('{') {
            Some((base, rest)) => (base, rest.trim_end_matches('}')),
            None => (name, ""),
        };
        let labels: Vec<(&str, &str)> = labels
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k, v.trim_matches('"')))
            .collect();
        wtao_relayer::metrics::sample(&text, base, &labels)
            .map(|v| v as u64)
            .ok_or_else(|| eyre!("no metric {name}"))
    }

    /// Wait until `pred` holds for metric `name` on every running relayer.
    pub async fn wait_metric_all(
        &self,
        name: &str,
        timeout: Duration,
        pred: impl Fn(u64) -> bool,
    ) -> eyre::Result<()> {
        let running: Vec<usize> =
            (0..self.relayers.len()).filter(|i| self.relayers[*i].child.is_some()).collect();
        let pred = &pred;
        let running = &running;
        wait_for(&format!("metric {name} on relayers {running:?}"), timeout, || async move {
            for &i in running {
                if !pred(self.metric(i, name).await?) {
                    return Ok(None);
                }
            }
            Ok(Some(()))
        })
        .await
        .wrap_err_with(|| self.logs())
    }

    /// Mine `blocks` EVM blocks now (`anvil_mine`).
    pub async fn mine(&self, blocks: u64) -> eyre::Result<()> {
        let _: serde_json::Value =
            self.eth.raw_request("anvil_mine".into(), (U256::from(blocks),)).await?;
        Ok(())
    }

    /// `evm_setIntervalMining`: a block every `secs` seconds; 0 stops mining (blocks only come
    /// from [`Self::mine`]).
    pub async fn interval_mining(&self, secs: u64) -> eyre::Result<()> {
        let _: serde_json::Value =
            self.eth.raw_request("evm_setIntervalMining".into(), (secs,)).await?;
        Ok(())
    }

    /// Log of relayer `i` (last lines).
    pub fn relayer_log(&self, i: usize) -> String {
        tail(&self.relayers[i].log)
    }

    /// What relayer `i` wrote to its log since it was last started.
    pub fn run_log(&self, i: usize) -> String {
        let r = &self.relayers[i];
        let text = std::fs::read(&r.log).unwrap_or_default();
        let start = usize::try_from(r.log_start).unwrap_or(0);
        String::from_utf8_lossy(text.get(start..).unwrap_or_default()).into_owned()
    }

    /// Every relayer's log tail, for failure messages.
    pub fn logs(&self) -> String {
        (0..self.relayers.len())
            .map(|i| format!("--- relayer {i} ---\n{}", self.relayer_log(i)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// wTAO balance of `who` (rao).
    pub async fn wtao_balance(&self, who: Address) -> eyre::Result<U256> {
        Ok(IERC20View::new(self.wtao, &self.eth).balanceOf(who).call().await?)
    }

    /// wTAO total supply (rao).
    pub async fn wtao_supply(&self) -> eyre::Result<U256> {
        Ok(IERC20View::new(self.wtao, &self.eth).totalSupply().call().await?)
    }

    /// DESIGN §5.1: wTAO supply ≤ TAO locked in custody (its balance above what it held before
    /// the first lock, i.e. its existential deposit). Returns `(supply, locked)`, both rao.
    pub async fn check_supply_invariant(&self) -> eyre::Result<(u64, u64)> {
        let supply = u64::try_from(self.wtao_supply().await?)?;
        let custody = self.tao.bridge_custody_balance().await?.0.saturating_sub(self.custody_floor);
        eyre::ensure!(
            supply <= custody,
            "supply invariant broken: wTAO {supply} > custody {custody} rao"
        );
        Ok((supply, custody))
    }

    /// A provider that signs with `key`.
    pub fn wallet(&self, key: &PrivateKeySigner) -> eyre::Result<DynProvider> {
        Ok(ProviderBuilder::new()
            .wallet(EthereumWallet::from(key.clone()))
            .connect_http(self.anvil.endpoint().parse()?)
            .erased())
    }

    /// Burn `amount` wTAO held by `key` for TAO account `to`; returns the burn nonce.
    pub async fn burn(
        &self,
        key: &PrivateKeySigner,
        amount: u64,
        to: &AccountId32,
    ) -> eyre::Result<u64> {
        let p = self.wallet(key)?;
        let bridge = ITaoBridge::new(self.bridge, &p);
        let receipt = bridge
            .burn(U256::from(amount), B256::from(to.0))
            // Not the estimate: the first supply change of a clock tick costs ~29k more (a new
            // ERC20Votes checkpoint) than one estimated in a tick that already has it.
            .gas(200_000)
            .send()
            .await?
            .get_receipt()
            .await?;
        eyre::ensure!(receipt.status(), "burn reverted");
        let ev =
            receipt.decoded_log::<ITaoBridge::Burned>().ok_or_else(|| eyre!("no Burned event"))?;
        Ok(ev.data.nonce)
    }

    /// Send `call` to the bridge as the timelock (anvil impersonation): what governance would do
    /// after a vote.
    pub async fn as_timelock(&self, input: Vec<u8>) -> eyre::Result<()> {
        let tl = self.timelock;
        let _: serde_json::Value = self
            .eth
            .raw_request("anvil_setBalance".into(), (tl, U256::from(10u128.pow(20))))
            .await?;
        let _: serde_json::Value =
            self.eth.raw_request("anvil_impersonateAccount".into(), (tl,)).await?;
        let tx = alloy::rpc::types::TransactionRequest::default()
            .from(tl)
            .to(self.bridge)
            .input(input.into());
        let receipt = self.eth.send_transaction(tx).await?.get_receipt().await?;
        let _: serde_json::Value =
            self.eth.raw_request("anvil_stopImpersonatingAccount".into(), (tl,)).await?;
        eyre::ensure!(receipt.status(), "timelock call reverted");
        Ok(())
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for i in 0..self.relayers.len() {
            self.kill_relayer(i);
        }
        if std::thread::panicking() || std::env::var_os("WTAO_E2E_KEEP").is_some() {
            eprintln!("{}", self.logs());
            if let Ok(placeholder) = tempfile::TempDir::new() {
                let kept = std::mem::replace(&mut self.dir, placeholder).keep();
                eprintln!("e2e: data dirs and logs kept in {}", kept.display());
            }
        }
    }
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(60)..].join("\n")
}
