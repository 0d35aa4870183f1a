//! tao-node, the devnet's TAO chain, run as a process (the standalone `tao-node` binary or the
//! `wtao` multi-call binary called as `tao-node`). This crate does not link the node: it reads
//! the one line the node prints on stdout, `tao-node rpc listening on <addr>`, to learn where it
//! listens — so `--rpc-port 0` works without port races.

use std::{
    ffi::OsString,
    net::TcpListener,
    path::{Path, PathBuf},
    time::Duration,
};

use serde_json::json;

use crate::{
    error::{DevnetError, Result},
    http,
    process::{ChildSpec, ManagedChild, Program},
};

/// What tao-node prints on stdout once its RPC server is bound.
pub const READY_PREFIX: &str = "tao-node rpc listening on ";
/// How long a node may take to open its database and bind.
pub const START_DEADLINE: Duration = Duration::from_secs(60);

/// How to run tao-node.
#[derive(Clone, Debug)]
pub struct TaoNodeConfig {
    /// The program.
    pub program: Program,
    /// `--base-path`: the database lives under `chains/<id>/db` in it.
    pub base_path: PathBuf,
    /// `--rpc-port` on 127.0.0.1; 0 picks a free port.
    pub rpc_port: u16,
    /// Chain and block production, e.g. `--chain spec.json --block-time 1s` or
    /// `--dev --instant-seal`.
    pub args: Vec<OsString>,
    /// `RUST_LOG` for the node.
    pub rust_log: String,
    /// Log file (stdout and stderr).
    pub log: PathBuf,
    /// The option that sets the port, for the "port in use" message.
    pub port_flag: &'static str,
}

impl TaoNodeConfig {
    /// A node of `program` with its database and log under `base_path`, on a free port, with
    /// `args` (e.g. `--dev --instant-seal`).
    pub fn new(program: Program, base_path: impl Into<PathBuf>, args: &[&str]) -> Self {
        let base_path = base_path.into();
        Self {
            program,
            log: base_path.join("tao-node.log"),
            base_path,
            rpc_port: 0,
            args: args.iter().map(OsString::from).collect(),
            rust_log: "warn".into(),
            port_flag: "--tao-port",
        }
    }
}

/// A running tao-node. Stopped (SIGTERM, then SIGKILL) when dropped.
#[derive(Debug)]
pub struct TaoNode {
    child: ManagedChild,
    addr: String,
    /// How it was started, with the port it got: what [`Self::restart`] starts again.
    config: TaoNodeConfig,
}

impl TaoNode {
    /// Starts the node and waits until its RPC server listens.
    pub fn start(config: &TaoNodeConfig) -> Result<Self> {
        if config.rpc_port != 0 && TcpListener::bind(("127.0.0.1", config.rpc_port)).is_err() {
            return Err(port_in_use(config));
        }
        let spec = ChildSpec::new("tao-node", config.program.clone(), &config.log)
            .args(["--rpc-port", &config.rpc_port.to_string()])
            .arg("--base-path")
            .arg(&config.base_path)
            .args(&config.args)
            .env("RUST_LOG", &config.rust_log)
            // A user error prints once, without a backtrace.
            .env("RUST_LIB_BACKTRACE", "0");
        let mut child = ManagedChild::spawn(&spec)?;
        let line = match child.wait_for_line(START_DEADLINE, |l| l.starts_with(READY_PREFIX)) {
            Ok(line) => line,
            Err(DevnetError::Exited { last_output, .. })
                if config.rpc_port != 0
                    && last_output.iter().any(|l| l.contains("binding the RPC server")) =>
            {
                return Err(port_in_use(config));
            }
            Err(e) => return Err(e),
        };
        let addr = line.trim_start_matches(READY_PREFIX).trim().to_owned();
        let port = addr.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(config.rpc_port);
        Ok(Self { child, addr, config: TaoNodeConfig { rpc_port: port, ..config.clone() } })
    }

    /// Starts the node again on the same port with the same base path (its chain continues
    /// from the last block it committed), after [`Self::kill`] or [`Self::stop`]; stops it
    /// first if it runs. Fails when another process took the port meanwhile.
    pub fn restart(&mut self) -> Result<()> {
        self.stop();
        *self = Self::start(&self.config)?;
        Ok(())
    }

    /// `kill -9` the node: it stops at once, leaving its store at the last committed block and
    /// dropping its transaction pool.
    pub fn kill(&mut self) {
        self.child.kill();
    }

    /// Whether the process runs.
    pub fn is_running(&mut self) -> bool {
        self.child.is_running()
    }

    /// The RPC port.
    pub fn port(&self) -> u16 {
        self.config.rpc_port
    }

    /// `ws://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// `http://127.0.0.1:<port>` (the same server speaks HTTP).
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:<port>`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The best block number.
    pub fn best_block(&self) -> Result<u64> {
        let url = self.http_url();
        let header = http::json_rpc(&url, "chain_getHeader", json!([]))?;
        header.get("number").and_then(http::quantity).ok_or_else(|| DevnetError::Rpc {
            url,
            method: "chain_getHeader".into(),
            reason: format!("no block number in {header}"),
        })
    }

    /// The process.
    pub fn child(&mut self) -> &mut ManagedChild {
        &mut self.child
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.pid()
    }

    /// The log file.
    pub fn log_path(&self) -> &Path {
        self.child.log_path()
    }

    /// Stops the node (SIGTERM: it finishes the block in progress), SIGKILL after the grace.
    pub fn stop(&mut self) {
        self.child.stop();
    }
}

fn port_in_use(config: &TaoNodeConfig) -> DevnetError {
    DevnetError::PortInUse {
        port: config.rpc_port,
        what: "tao-node".into(),
        flag: config.port_flag,
    }
}
