//! [`Devnet::up`]: the one way to bring the network up — for `wtao devnet up` and for the
//! end-to-end tests alike.
//!
//! ```text
//!  data dir    flock; stop children a crashed owner left; --fresh wipes (never a foreign folder)
//!  toolchain   npm ci if node_modules is stale (forge, anvil, cast, solc-js, OpenZeppelin)
//!  anvil       automine, --state (loads the saved chain), --accounts for N relayers + guardian
//!  contracts   forge script Deploy (relayers = anvil 1..=N, guardian = N+1), or resumed
//!  tao-node    --chain <the dev spec with the bridge section set to the deployment>
//!              --base-path <data dir>/tao-node: the TAO chain persists too
//!  relayers    wtao-relayer run --dev × N, config per start, store kept; wait for /health
//! ```
//!
//! Everything the devnet starts is stopped, in reverse order, when the [`Devnet`] is dropped.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use alloy_primitives::Address;

use crate::{
    accounts::{
        TaoAccount, anvil_accounts, guardian_eth_index, relayer_eth_index, relayer_name,
        relayer_tao_uri, tao_accounts,
    },
    anvil::{Anvil, AnvilConfig},
    chain_spec::{self, BridgeGenesis, RelayerIdentity},
    deploy::{self, DeployConfig, Deployment},
    error::{DevnetError, Result},
    info::{
        self, AgentInfo, DevnetInfo, EvmInfo, NetworkShape, Owner, ProcessInfo, RelayerInfo,
        TaoInfo,
    },
    layout::Layout,
    lock::FileLock,
    node::{TaoNode, TaoNodeConfig},
    process::{ChildSpec, ManagedChild, Program, is_alive, signal},
    relayer::{RelayerEndpoints, RelayerProcess, RelayerSettings},
    toolchain::Toolchain,
};

/// How long relayers get to report healthy.
const RELAYER_DEADLINE: Duration = Duration::from_secs(60);

/// How tao-node and the relayers are run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binaries {
    /// tao-node.
    pub node: Program,
    /// wtao-relayer.
    pub relayer: Program,
}

impl Binaries {
    /// Both from the `wtao` multi-call executable at `exe` (called as `tao-node` and
    /// `wtao-relayer`): what `wtao devnet up` uses, so one build serves everything.
    pub fn multi_call(exe: impl Into<PathBuf>) -> Self {
        let exe = exe.into();
        Self {
            node: Program::multi_call(exe.clone(), "tao-node"),
            relayer: Program::multi_call(exe, "wtao-relayer"),
        }
    }

    /// The standalone `tao-node` and `wtao-relayer` executables.
    pub fn separate(node: impl Into<PathBuf>, relayer: impl Into<PathBuf>) -> Self {
        Self { node: Program::new(node), relayer: Program::new(relayer) }
    }
}

/// What [`Devnet::up`] starts.
#[derive(Clone, Debug)]
pub struct DevnetConfig {
    /// The repository checkout (holds `package.json` and `contracts/`).
    pub root: PathBuf,
    /// Where the devnet keeps its state.
    pub data_dir: PathBuf,
    /// Wipe the data dir first (refused while a devnet runs there).
    pub fresh: bool,
    /// How to run tao-node and the relayers.
    pub binaries: Binaries,
    /// Relayers, threshold, EVM chain id.
    pub shape: NetworkShape,
    /// anvil's port (0: any free port).
    pub anvil_port: u16,
    /// Time between anvil blocks (zero: a block per transaction). Below a second, or not a
    /// whole number of seconds, anvil is restarted with `--block-time` once the contracts are
    /// deployed (see [`Anvil::set_block_time`]).
    pub anvil_block_time: Duration,
    /// tao-node's RPC port (0: any free port).
    pub tao_port: u16,
    /// tao-node's `--block-time` (`1s`, `500ms`).
    pub tao_block_time: String,
    /// `RUST_LOG` of tao-node.
    pub node_log: String,
    /// Relayer settings (metrics ports, confirmations, delays, log filter).
    pub relayer: RelayerSettings,
}

impl DevnetConfig {
    /// The defaults of `wtao devnet up`: 3 relayers, threshold 2, chain 31337, anvil on 8545,
    /// tao-node on 9944, relayer metrics on 9615.., 1 s blocks on both chains.
    pub fn new(root: impl Into<PathBuf>, data_dir: impl Into<PathBuf>, binaries: Binaries) -> Self {
        Self {
            root: root.into(),
            data_dir: data_dir.into(),
            fresh: false,
            binaries,
            shape: NetworkShape { relayers: 3, threshold: 2, evm_chain_id: 31_337 },
            anvil_port: 8545,
            anvil_block_time: Duration::from_secs(1),
            tao_port: 9944,
            tao_block_time: "1s".into(),
            node_log: "info".into(),
            relayer: RelayerSettings::default(),
        }
    }

    /// Like [`Self::new`], but every port is picked free: for tests running side by side.
    pub fn ephemeral(
        root: impl Into<PathBuf>,
        data_dir: impl Into<PathBuf>,
        binaries: Binaries,
    ) -> Self {
        let mut config = Self::new(root, data_dir, binaries);
        config.anvil_port = 0;
        config.tao_port = 0;
        config.relayer.metrics_port = 0;
        config
    }
}

/// Progress of [`Devnet::up`], one call per stage.
pub trait Progress {
    /// Stage `name` finished after `took`; `detail` says what it did.
    fn stage(&self, name: &str, took: Duration, detail: &str);
}

/// No progress output.
impl Progress for () {
    fn stage(&self, _: &str, _: Duration, _: &str) {}
}

/// A running devnet. Dropping it stops every process, relayers first, anvil last (which then
/// saves its chain).
#[derive(Debug)]
pub struct Devnet {
    /// The pinned toolchain.
    pub toolchain: Toolchain,
    /// The data dir.
    pub layout: Layout,
    /// Endpoints, contracts, accounts, relayers, logs (also in `devnet.json`).
    pub info: DevnetInfo,
    /// The relayers (restartable slots).
    pub relayers: Vec<RelayerProcess>,
    /// The TAO chain.
    pub node: TaoNode,
    /// The EVM chain.
    pub anvil: Anvil,
    /// Subnet agents started with [`Self::start_agent`] (`--subnet-demo`).
    pub agents: Vec<(AgentInfo, ManagedChild)>,
    owner: Owner,
    _lock: FileLock,
}

impl Devnet {
    /// Brings the devnet up as configured and returns when every relayer is healthy.
    pub fn up(config: DevnetConfig, progress: &dyn Progress) -> Result<Self> {
        let shape = config.shape;
        shape.validate()?;
        let layout = Layout::new(&config.data_dir);

        let t = Instant::now();
        layout.check_owned()?;
        let lock = FileLock::try_acquire(&layout.lock())?.ok_or_else(|| DevnetError::Busy {
            data_dir: layout.dir().to_path_buf(),
            pid: info::load::<Owner>(&layout.owner()).ok().map(|o| o.pid),
        })?;
        let reaped = reap_orphans(&layout);
        let resume = prepare(&layout, &shape, config.fresh)?;
        let mut owner =
            Owner { pid: std::process::id(), state: "starting".into(), children: vec![] };
        info::save(&layout.owner(), &owner)?;
        let detail = match (resume, reaped) {
            (true, 0) => format!("{} (resuming)", layout.dir().display()),
            (false, 0) => format!("{} (new)", layout.dir().display()),
            (r, n) => format!(
                "{} ({}; stopped {n} processes a crashed devnet left)",
                layout.dir().display(),
                if r { "resuming" } else { "new" }
            ),
        };
        progress.stage("data dir", t.elapsed(), &detail);

        let t = Instant::now();
        let toolchain = Toolchain::ensure(&config.root)?;
        progress.stage("toolchain", t.elapsed(), "forge, anvil, cast (pinned, from npm)");

        let t = Instant::now();
        let mut anvil = Anvil::spawn(
            &AnvilConfig {
                program: toolchain.anvil(),
                port: config.anvil_port,
                chain_id: shape.evm_chain_id,
                accounts: anvil_accounts(shape.relayers),
                state_file: Some(layout.anvil_state()),
                log: layout.log("anvil"),
                config_out: layout.anvil_accounts(),
                port_flag: "--anvil-port",
            },
            shape.relayers,
        )?;
        owner.children.push(("anvil".into(), anvil.child().pid()));
        info::save(&layout.owner(), &owner)?;
        progress.stage("anvil", t.elapsed(), anvil.endpoint());

        let t = Instant::now();
        let accounts = anvil.accounts().to_vec();
        let eth_account = |i: usize| {
            accounts.get(i).cloned().ok_or_else(|| {
                DevnetError::BadConfig(format!(
                    "anvil derived no account {i} (has {})",
                    accounts.len()
                ))
            })
        };
        let deployment = if resume {
            let d = Deployment::load(&layout.deployment())?;
            if !anvil.has_code(&d.bridge.to_string())? {
                return Err(DevnetError::Incomplete {
                    data_dir: layout.dir().to_path_buf(),
                    problem: format!(
                        "anvil's saved chain has no TaoBridge at {} (was anvil killed before it saved its state?)",
                        d.bridge
                    ),
                });
            }
            progress.stage("contracts", t.elapsed(), &format!("resumed, TaoBridge {}", d.bridge));
            d
        } else {
            let mut relayers = (0..shape.relayers)
                .map(|i| eth_account(relayer_eth_index(i)).map(|a| a.address))
                .collect::<Result<Vec<Address>>>()?;
            relayers.sort();
            let d = deploy::deploy(
                &toolchain,
                &DeployConfig {
                    rpc_url: anvil.endpoint().to_owned(),
                    deployer_key: eth_account(0)?.private_key,
                    relayers,
                    threshold: shape.threshold,
                    guardian: eth_account(guardian_eth_index(shape.relayers))?.address,
                    broadcast_dir: layout.broadcast(),
                },
            )?;
            d.save(&layout.deployment())?;
            progress.stage("contracts", t.elapsed(), &format!("deployed, TaoBridge {}", d.bridge));
            d
        };
        if !config.anvil_block_time.is_zero() {
            anvil.set_block_time(config.anvil_block_time)?;
            // A block time below a second restarts anvil: another pid.
            if let Some(entry) = owner.children.iter_mut().find(|(name, _)| name == "anvil") {
                entry.1 = anvil.child().pid();
            }
            info::save(&layout.owner(), &owner)?;
        }

        let t = Instant::now();
        let identities = (0..shape.relayers)
            .map(|i| {
                Ok(RelayerIdentity {
                    tao: TaoAccount::derive(&relayer_tao_uri(i), relayer_name(i))?,
                    eth: eth_account(relayer_eth_index(i))?.address,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if !resume {
            chain_spec::write(
                &config.binaries.node,
                &BridgeGenesis {
                    relayers: identities.clone(),
                    threshold: shape.threshold,
                    evm_chain_id: shape.evm_chain_id,
                    bridge: deployment.bridge,
                    mint_capacity: crate::deploy::DEVNET_MINT_CAPACITY_RAO,
                },
                &layout.chain_spec(),
            )?;
        }
        let mut node_config = TaoNodeConfig::new(
            config.binaries.node.clone(),
            layout.node_dir(),
            &["--block-time", &config.tao_block_time],
        );
        node_config.args.splice(0..0, ["--chain".into(), layout.chain_spec().into_os_string()]);
        node_config.rpc_port = config.tao_port;
        node_config.rust_log = config.node_log.clone();
        node_config.log = layout.log("tao-node");
        let node = TaoNode::start(&node_config)?;
        owner.children.push(("tao-node".into(), node.pid()));
        info::save(&layout.owner(), &owner)?;
        progress.stage("tao-node", t.elapsed(), &node.url());

        let t = Instant::now();
        let endpoints = RelayerEndpoints {
            tao_url: node.url(),
            eth_urls: vec![anvil.endpoint().to_owned()],
            eth_quorum: 1,
            chain_id: shape.evm_chain_id,
            bridge: deployment.bridge,
        };
        let mut relayers = Vec::with_capacity(shape.relayers);
        for (i, id) in identities.into_iter().enumerate() {
            let mut r = RelayerProcess::new(
                i,
                eth_account(relayer_eth_index(i))?,
                id.tao,
                layout.relayer_dir(i),
                layout.log(&relayer_name(i)),
                config.binaries.relayer.clone(),
                config.relayer.clone(),
                endpoints.clone(),
            )?;
            r.start()?;
            relayers.push(r);
        }
        for r in &mut relayers {
            r.wait_healthy(RELAYER_DEADLINE)?;
            owner.children.push((r.name.clone(), r.pid().unwrap_or_default()));
        }
        progress.stage(
            "relayers",
            t.elapsed(),
            &format!(
                "{} of {} healthy, threshold {}",
                relayers.len(),
                shape.relayers,
                shape.threshold
            ),
        );

        if !resume {
            info::save(&layout.network(), &shape)?;
        }
        let (chain_id, chain_name) = chain_spec::read_id(&layout.chain_spec())?;
        let info = DevnetInfo {
            data_dir: layout.dir().to_path_buf(),
            resumed: resume,
            shape,
            evm: EvmInfo {
                rpc_url: anvil.endpoint().to_owned(),
                chain_id: shape.evm_chain_id,
                block_time_s: config.anvil_block_time.as_secs(),
                block_time_ms: u64::try_from(config.anvil_block_time.as_millis())
                    .unwrap_or(u64::MAX),
            },
            tao: TaoInfo {
                ws_url: node.url(),
                http_url: node.http_url(),
                chain_id,
                chain_name,
                block_time: config.tao_block_time.clone(),
                chain_spec: layout.chain_spec(),
            },
            contracts: deployment,
            relayers: Vec::new(),
            eth_accounts: accounts.clone(),
            tao_accounts: tao_accounts(shape.relayers)?,
            processes: Vec::new(),
            agents: Vec::new(),
        };
        owner.state = "running".into();
        let mut devnet = Self {
            toolchain,
            layout,
            info,
            relayers,
            node,
            anvil,
            agents: Vec::new(),
            owner,
            _lock: lock,
        };
        devnet.refresh_info()?;
        Ok(devnet)
    }

    /// The summary (endpoints, contracts, accounts, relayers, logs).
    pub fn info(&self) -> &DevnetInfo {
        &self.info
    }

    /// Re-reads pids and metrics addresses (they change when relayers restart) into
    /// [`Self::info`], `devnet.json` and `owner.json`.
    pub fn refresh_info(&mut self) -> Result<()> {
        self.info.relayers = self
            .relayers
            .iter()
            .map(|r| RelayerInfo {
                name: r.name.clone(),
                eth_address: r.eth.address.to_string(),
                tao_account: r.tao.ss58.clone(),
                tao_uri: r.tao.uri.clone(),
                metrics_url: r.metrics_url(),
                config: r.config_path(),
                store: r.db_path(),
                log: r.log_path().to_path_buf(),
                pid: r.pid(),
            })
            .collect();
        let mut processes = vec![
            ProcessInfo {
                name: "anvil".into(),
                pid: self.anvil.child().pid(),
                log: self.anvil.log_path().to_path_buf(),
            },
            ProcessInfo {
                name: "tao-node".into(),
                pid: self.node.pid(),
                log: self.node.log_path().to_path_buf(),
            },
        ];
        for r in &self.relayers {
            if let Some(pid) = r.pid() {
                processes.push(ProcessInfo {
                    name: r.name.clone(),
                    pid,
                    log: r.log_path().to_path_buf(),
                });
            }
        }
        for (agent, child) in &self.agents {
            processes.push(ProcessInfo {
                name: agent.name.clone(),
                pid: child.pid(),
                log: child.log_path().to_path_buf(),
            });
        }
        self.info.agents = self
            .agents
            .iter()
            .map(|(agent, child)| AgentInfo { pid: Some(child.pid()), ..agent.clone() })
            .collect();
        self.owner.children = processes.iter().map(|p| (p.name.clone(), p.pid)).collect();
        self.info.processes = processes;
        info::save(&self.layout.info(), &self.info)?;
        info::save(&self.layout.owner(), &self.owner)
    }

    /// `Err` naming the first process that died (with its log tail). Relayers stopped on
    /// purpose (an empty slot) are not checked.
    pub fn check_alive(&mut self) -> Result<()> {
        self.anvil.child().check_running()?;
        self.node.child().check_running()?;
        for r in &mut self.relayers {
            if let Some(child) = r.child() {
                child.check_running()?;
            }
        }
        Ok(())
    }

    /// Starts a subnet agent as a managed child (stopped first by [`Self::stop`], listed in
    /// [`Self::info`]) and waits until a line of its output satisfies `ready`. An agent that dies
    /// later does not stop the devnet: it has its own reconnect loop, and its log says why.
    pub fn start_agent(
        &mut self,
        agent: AgentInfo,
        spec: &ChildSpec,
        timeout: Duration,
        ready: impl FnMut(&str) -> bool,
    ) -> Result<()> {
        let mut child = ManagedChild::spawn(spec)?;
        let waited = child.wait_for_line(timeout, ready);
        self.agents.push((agent, child));
        self.refresh_info()?;
        waited.map(|_| ())
    }

    /// Stops everything: subnet agents, relayers, then tao-node, then anvil (which saves its
    /// chain). Also done on drop.
    pub fn stop(&mut self) {
        for (_, child) in &mut self.agents {
            child.stop();
        }
        for r in &mut self.relayers {
            r.stop();
        }
        self.node.stop();
        self.anvil.stop();
        if self.owner.state != "stopped" {
            self.owner.state = "stopped".into();
            self.owner.children.clear();
            let _ = info::save(&self.layout.owner(), &self.owner);
        }
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Decides between a fresh start and a resume, and wipes what a fresh start must not see.
/// Returns whether to resume.
fn prepare(layout: &Layout, shape: &NetworkShape, fresh: bool) -> Result<bool> {
    let dir = layout.dir().to_path_buf();
    if fresh {
        layout.wipe()?;
        return Ok(false);
    }
    if layout.is_old_layout() {
        return Err(DevnetError::DataDirMismatch {
            data_dir: dir,
            found: "a devnet of an older wtao (anvil and contracts only, no tao-node)".into(),
            wanted: format!("a devnet of {shape}"),
        });
    }
    if !layout.network().is_file() {
        // Nothing, or a first start that did not finish: start over.
        layout.wipe()?;
        return Ok(false);
    }
    let stored: NetworkShape = info::load(&layout.network())?;
    if stored != *shape {
        return Err(DevnetError::DataDirMismatch {
            data_dir: dir,
            found: format!("a devnet of {stored}"),
            wanted: shape.to_string(),
        });
    }
    for (path, what) in [
        (layout.deployment(), "the deployment record"),
        (layout.anvil_state(), "anvil's saved chain"),
        (layout.chain_spec(), "tao-node's chain spec"),
    ] {
        if !path.is_file() {
            return Err(DevnetError::Incomplete {
                data_dir: dir,
                problem: format!("{what} ({}) is missing", path.display()),
            });
        }
    }
    Ok(true)
}

/// Stops processes that a crashed owner of this data dir left running (they would hold its
/// ports and databases). Only processes whose command line names the data dir are touched.
/// Returns how many were stopped.
fn reap_orphans(layout: &Layout) -> usize {
    let Ok(owner) = info::load::<Owner>(&layout.owner()) else { return 0 };
    let needle = layout.dir().to_string_lossy().into_owned();
    // Relayers first, anvil last (it saves its chain on SIGTERM), all at once.
    let orphans: Vec<&(String, u32)> = owner
        .children
        .iter()
        .rev()
        .filter(|(_, pid)| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            is_alive(*pid) && String::from_utf8_lossy(&cmdline).contains(&needle)
        })
        .collect();
    for (name, pid) in &orphans {
        tracing::warn!(target: "devnet", %name, pid, "stopping a process a crashed devnet left behind");
        signal(*pid, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while orphans.iter().any(|(_, pid)| is_alive(*pid)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    for (_, pid) in &orphans {
        if is_alive(*pid) {
            signal(*pid, libc::SIGKILL);
        }
    }
    orphans.len()
}

/// The state of a data dir, for `wtao devnet status`.
#[derive(Clone, Debug)]
pub struct DevnetStatus {
    /// The data dir.
    pub data_dir: PathBuf,
    /// Whether a devnet holds the lock now.
    pub running: bool,
    /// The owner record (pid, state, children).
    pub owner: Option<Owner>,
    /// The summary the devnet wrote when it was last ready.
    pub info: Option<DevnetInfo>,
    /// The network's shape, if it was ever created.
    pub shape: Option<NetworkShape>,
}

/// Reads the state of the devnet in `data_dir` without changing it.
pub fn status(data_dir: &Path) -> Result<DevnetStatus> {
    let layout = Layout::new(data_dir);
    Ok(DevnetStatus {
        data_dir: layout.dir().to_path_buf(),
        running: FileLock::is_held(&layout.lock())?,
        owner: info::load(&layout.owner()).ok(),
        info: info::load(&layout.info()).ok(),
        shape: stored_shape(data_dir)?,
    })
}

/// The shape of the devnet created in `data_dir`, if any: a resume must use it.
pub fn stored_shape(data_dir: &Path) -> Result<Option<NetworkShape>> {
    let layout = Layout::new(data_dir);
    if !layout.network().is_file() {
        return Ok(None);
    }
    info::load(&layout.network()).map(Some)
}

/// Stops the devnet running in `data_dir` (SIGTERM to its owner, which stops its children and
/// saves both chains) and waits until it released the data dir. Returns the owner's pid, or
/// `None` if nothing was running.
pub fn down(data_dir: &Path, timeout: Duration) -> Result<Option<u32>> {
    let layout = Layout::new(data_dir);
    if !FileLock::is_held(&layout.lock())? {
        return Ok(None);
    }
    let owner: Owner = info::load(&layout.owner())?;
    signal(owner.pid, libc::SIGTERM);
    match FileLock::acquire(&layout.lock(), timeout)? {
        Some(_released) => Ok(Some(owner.pid)),
        None => Err(DevnetError::StopTimeout {
            data_dir: layout.dir().to_path_buf(),
            pid: owner.pid,
            waited: timeout,
        }),
    }
}
