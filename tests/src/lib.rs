//! The end-to-end network: [`wtao_devnet::Devnet`] — anvil, tao-node and N `wtao-relayer`
//! processes on free local ports, each relayer with its own store, all under one temporary
//! directory that is deleted with the [`Net`] — plus the clients and checks the scenarios use.
//!
//! ```text
//!  Net::start(NetConfig) → Devnet::up (the same code as `wtao devnet up`)
//!    anvil (automine for the deploy, then interval mining)  ← forge script Deploy
//!    tao-node --chain <dev spec with the deployed bridge>    ← relayer set, threshold, domain
//!    wtao-relayer run --dev × N                               ← keys: anvil dev accounts 1..N,
//!                                                               //Bob, //Charlie, //Dave …
//! ```
//!
//! Nothing here sleeps to synchronise: [`wait_for`] polls a condition against a deadline and
//! fails with what it last saw.
//!
//! Every [`Net`] runs the bridge's invariants ([`invariants`]) for the whole scenario: a poller
//! started by [`Net::start`] checks wTAO supply ≤ TAO in custody at every relayer poll interval
//! and records the TAO bridge events, and [`Net::finish`], which every scenario calls last,
//! waits for the relayers to drain and checks that every lock was minted or refunded exactly
//! once and every burn released at most once (exactly once unless a conflict was raised).

mod audit;
pub mod invariants;
pub mod lying_rpc;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use alloy::network::EthereumWallet;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
pub use audit::AuditSummary;
use audit::Auditor;
use eyre::{WrapErr, eyre};
use tao_client::{AccountId32, Keypair, TaoClient};
use tao_node::test_utils::node_binary;
pub use wtao_bridge_types::ITaoBridge;
use wtao_devnet::{
    Binaries, Deployment, Devnet, DevnetConfig, NetworkShape, RelayerProcess, RelayerSettings,
    Toolchain,
};

alloy::sol! {
    #[sol(rpc)]
    interface IERC20View {
        function balanceOf(address) external view returns (uint256);
        function totalSupply() external view returns (uint256);
    }
}

/// How long a relayer gets to report healthy.
const HEALTHY_DEADLINE: Duration = Duration::from_secs(60);

/// The relayers' default poll interval, which is also the invariant poller's.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// How to build the network.
#[derive(Clone, Debug)]
pub struct NetConfig {
    /// Number of relayers.
    pub relayers: usize,
    /// Signatures/approvals needed.
    pub threshold: usize,
    /// EVM confirmations the relayers wait for.
    pub confirmations: u64,
    /// Time between anvil blocks (below a second works too: see
    /// `wtao_devnet::Anvil::set_block_time`).
    pub anvil_block_time: Duration,
    /// tao-node block time (`--block-time`: `1s`, `250ms`).
    pub tao_block_time: String,
    /// Relayer per-rank submit delay (ms).
    pub submit_delay_ms: u64,
    /// Relayer fee-bump delay for a pending mint (ms).
    pub bump_after_ms: u64,
    /// Relayer log filter.
    pub relayer_log: String,
    /// Relayer EVM poll interval (and the invariant poller's interval).
    pub poll_interval: Duration,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            relayers: 3,
            threshold: 2,
            confirmations: 1,
            anvil_block_time: Duration::from_secs(1),
            tao_block_time: "1s".into(),
            submit_delay_ms: 2_000,
            bump_after_ms: 20_000,
            relayer_log: "info,wtao_relayer=debug".into(),
            poll_interval: POLL_INTERVAL,
        }
    }
}

/// The whole network.
pub struct Net {
    /// Settings it was built with.
    pub config: NetConfig,
    /// The invariant poller and end audit (stopped before the processes: declared first).
    auditor: Auditor,
    /// Whether [`Self::finish`] ran.
    finished: bool,
    /// anvil, tao-node and the relayers (stopped before `dir` is deleted: declared first).
    pub devnet: Devnet,
    /// Temporary root of the data dir and logs.
    pub dir: tempfile::TempDir,
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
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Net").field("dir", &self.dir.path()).finish_non_exhaustive()
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    wtao_devnet::free_port()
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

impl Net {
    /// Start everything and wait until every relayer is healthy.
    pub async fn start(config: NetConfig) -> eyre::Result<Self> {
        let dir = tempfile::tempdir()?;
        let root = Toolchain::find_root(Path::new(env!("CARGO_MANIFEST_DIR")))?;
        let binaries = Binaries::separate(node_binary().map_err(|e| eyre!(e))?, relayer_binary()?);
        let mut devnet_config = DevnetConfig::ephemeral(root, dir.path().join("devnet"), binaries);
        devnet_config.shape = NetworkShape {
            relayers: config.relayers,
            threshold: config.threshold,
            evm_chain_id: 31_337,
        };
        devnet_config.anvil_block_time = config.anvil_block_time;
        devnet_config.tao_block_time = config.tao_block_time.clone();
        devnet_config.node_log = "warn".into();
        devnet_config.relayer = RelayerSettings {
            confirmations: config.confirmations,
            poll_interval_ms: u64::try_from(config.poll_interval.as_millis())?,
            submit_delay_ms: config.submit_delay_ms,
            bump_after_ms: config.bump_after_ms,
            rust_log: config.relayer_log.clone(),
            metrics_port: 0,
        };
        let devnet = tokio::task::spawn_blocking(move || Devnet::up(devnet_config, &())).await??;
        let deployment = devnet.info.contracts.clone();
        let eth = ProviderBuilder::new().connect_http(devnet.anvil.endpoint().parse()?).erased();
        let tao = TaoClient::connect(&devnet.node.url()).await?;
        let custody_floor = tao.bridge_custody_balance().await?.0;
        let guardian_index = wtao_devnet::accounts::guardian_eth_index(config.relayers);
        let guardian = devnet.anvil.accounts()[guardian_index].private_key.parse()?;
        let auditor = Auditor::start(
            tao.clone(),
            devnet.node.url(),
            eth.clone(),
            (deployment.bridge, deployment.wtao),
            custody_floor,
            config.poll_interval,
        );
        Ok(Self {
            auditor,
            finished: false,
            bridge: deployment.bridge,
            wtao: deployment.wtao,
            timelock: deployment.timelock,
            guardian,
            config,
            devnet,
            dir,
            deployment,
            tao,
            eth,
        })
    }

    /// The relayer slots.
    pub fn relayers(&self) -> &[RelayerProcess] {
        &self.devnet.relayers
    }

    fn relayer(&mut self, i: usize) -> &mut RelayerProcess {
        &mut self.devnet.relayers[i]
    }

    /// Relayer `i`'s TAO key (it attests and approves releases with it).
    pub fn relayer_key(&self, i: usize) -> Keypair {
        wtao_relayer::keys::parse_suri(&self.devnet.relayers[i].tao.uri)
            .unwrap_or_else(|e| panic!("relayer {i}'s dev key: {e}"))
    }

    /// Relayer `i`'s Ethereum address.
    pub fn relayer_eth(&self, i: usize) -> Address {
        self.devnet.relayers[i].eth.address
    }

    /// Start relayer `i` (again).
    pub fn start_relayer(&mut self, i: usize) -> eyre::Result<()> {
        self.start_relayer_with(i, None)
    }

    /// Start relayer `i` (again), armed to abort at crash point `crash` (see
    /// `wtao_relayer::crash`).
    pub fn start_relayer_with(&mut self, i: usize, crash: Option<&str>) -> eyre::Result<()> {
        Ok(self.relayer(i).start_with(crash)?)
    }

    /// `kill -9` relayer `i`.
    pub fn kill_relayer(&mut self, i: usize) {
        self.relayer(i).kill();
    }

    /// The relayers whose process has exited since they were started (crashed); their slots
    /// are cleared so that [`Self::start_relayer`] starts them again.
    pub fn exited(&mut self) -> eyre::Result<Vec<usize>> {
        Ok((0..self.devnet.relayers.len())
            .filter(|&i| self.relayer(i).exited().is_some())
            .collect())
    }

    /// SIGTERM relayer `i` and wait for it to exit; returns whether it exited cleanly.
    pub fn stop_relayer(&mut self, i: usize) -> eyre::Result<bool> {
        Ok(tokio::task::block_in_place(|| self.relayer(i).stop()))
    }

    /// Wait until relayer `i` answers `/health` with 200; fails at once if it exits, unless it
    /// exited because its metrics port was taken (a port probed free can be bound by a test
    /// running in parallel before the relayer binds it): then it restarts on another port.
    pub async fn wait_healthy(&mut self, i: usize) -> eyre::Result<()> {
        tokio::task::block_in_place(|| self.relayer(i).wait_healthy(HEALTHY_DEADLINE))
            .wrap_err_with(|| format!("relayer {i} did not become healthy"))
    }

    /// The relayer's Prometheus text.
    pub async fn metrics(&self, i: usize) -> eyre::Result<String> {
        Ok(wtao_relayer::metrics::get(self.devnet.relayers[i].metrics_addr(), "/metrics").await?)
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
            (0..self.relayers().len()).filter(|i| self.relayers()[*i].pid().is_some()).collect();
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

    /// Point relayer `i` at the EVM endpoints `urls` (failover order) with quorum `quorum`,
    /// restart it and wait until it is healthy.
    pub async fn set_eth_endpoints(
        &mut self,
        i: usize,
        urls: Vec<String>,
        quorum: u64,
    ) -> eyre::Result<()> {
        let mut endpoints = self.relayers()[i].endpoints().clone();
        endpoints.eth_urls = urls;
        endpoints.eth_quorum = quorum;
        eyre::ensure!(self.stop_relayer(i)?, "relayer {i} did not stop cleanly\n{}", self.logs());
        self.relayer(i).set_endpoints(endpoints)?;
        self.start_relayer(i)?;
        self.wait_healthy(i).await
    }

    /// Stop anvil (SIGTERM: it dumps its chain to its state file). The EVM RPC is gone until
    /// [`Self::start_anvil`].
    pub fn stop_anvil(&mut self) {
        tokio::task::block_in_place(|| self.devnet.anvil.stop());
    }

    /// Start anvil again from its saved state on the same port, with the same block time.
    pub fn start_anvil(&mut self) -> eyre::Result<()> {
        tokio::task::block_in_place(|| self.devnet.anvil.start())?;
        Ok(self.devnet.refresh_info()?)
    }

    /// `kill -9` tao-node: the TAO RPC is gone until [`Self::restart_tao_node`].
    pub fn kill_tao_node(&mut self) {
        tokio::task::block_in_place(|| self.devnet.node.kill());
    }

    /// Start tao-node again on the same port with its base path (its chain continues from the
    /// last block it committed) and reconnect [`Self::tao`] to it.
    pub async fn restart_tao_node(&mut self) -> eyre::Result<()> {
        tokio::task::block_in_place(|| self.devnet.node.restart())?;
        self.devnet.refresh_info()?;
        self.tao = TaoClient::connect(&self.devnet.node.url()).await?;
        Ok(())
    }

    /// Whether any relayer process exited on its own (an outage must not crash them).
    pub fn crashed_relayers(&mut self) -> Vec<usize> {
        (0..self.devnet.relayers.len())
            .filter(|&i| self.relayer(i).child().is_some_and(|c| !c.is_running()))
            .collect()
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
        self.relayers()[i].log_tail(60).join("\n")
    }

    /// What relayer `i` wrote to its log since it was last started.
    pub fn run_log(&self, i: usize) -> String {
        self.relayers()[i].run_log()
    }

    /// Every relayer's log tail, for failure messages.
    pub fn logs(&self) -> String {
        (0..self.relayers().len())
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
    /// the first lock, i.e. its existential deposit), read race-free (custody, supply, custody;
    /// see [`invariants`]). Returns `(supply, locked)`, both rao, `locked` being the larger
    /// custody read. Also fails when the background poller has seen a violation.
    pub async fn check_supply_invariant(&self) -> eyre::Result<(u64, u64)> {
        let (supply, locked) = self.auditor.check_supply_now().await?;
        Ok((u64::try_from(supply)?, u64::try_from(locked)?))
    }

    /// The end of a scenario: wait until the relayers have drained, check every lock was minted
    /// or refunded exactly once and every burn released at most once (exactly once unless a
    /// conflict was raised), stop the poller and print one summary line. Every scenario calls
    /// it last; a [`Net`] dropped without it fails the test.
    pub async fn finish(&mut self) -> eyre::Result<AuditSummary> {
        self.finished = true;
        let summary = self.auditor.finish().await.wrap_err_with(|| self.logs())?;
        let name = std::thread::current().name().unwrap_or("scenario").to_owned();
        eprintln!("invariants [{name}]: {summary}");
        Ok(summary)
    }

    /// A provider that signs with `key`.
    pub fn wallet(&self, key: &PrivateKeySigner) -> eyre::Result<DynProvider> {
        Ok(ProviderBuilder::new()
            .wallet(EthereumWallet::from(key.clone()))
            .connect_http(self.devnet.anvil.endpoint().parse()?)
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
        self.auditor.stop();
        if let Some(report) = self.auditor.violations_report() {
            eprintln!("e2e: invariants broken during the scenario:\n{report}");
        }
        if std::thread::panicking() || std::env::var_os("WTAO_E2E_KEEP").is_some() {
            eprintln!("{}", self.logs());
            if let Ok(placeholder) = tempfile::TempDir::new() {
                let kept = std::mem::replace(&mut self.dir, placeholder).keep();
                eprintln!("e2e: data dir and logs kept in {}", kept.display());
            }
        }
        // Then the fields drop in order: the devnet stops its processes (relayers first),
        // then the temporary directory goes (also after the panic below).
        if !self.finished && !std::thread::panicking() {
            panic!(
                "the scenario ended without `Net::finish`: its end-of-scenario invariants were not checked"
            );
        }
    }
}
