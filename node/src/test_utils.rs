//! Helpers for tests that run the real `tao-node` binary (feature `test-utils`).
//!
//! Shared by tao-node's own integration tests and by other crates' (`tao-client`, the relayer,
//! end-to-end tests), so every test starts, waits for and stops a node the same way — through
//! the devnet's one managed-child type ([`wtao_devnet::TaoNode`] over
//! [`wtao_devnet::ManagedChild`]): it spawns the binary with `--rpc-port 0`, reads the bound
//! address from the one line the node prints on stdout (no sleeping, no port races), keeps its
//! output in `<base path>/tao-node.log`, and stops the process on drop.
//!
//! Only a package's own integration tests get `CARGO_BIN_EXE_tao-node`; other crates call
//! [`node_binary`], which builds the binary with the same cargo, profile and target directory and
//! returns its path (see its docs for why that beats guessing a path in `target/`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use wtao_devnet::{Program, TaoNode, TaoNodeConfig};

/// How long a node may take to print its RPC address.
pub const START_DEADLINE: Duration = wtao_devnet::node::START_DEADLINE;

/// A running `tao-node`, stopped on drop.
#[derive(Debug)]
pub struct TestNode {
    node: TaoNode,
    url: String,
}

/// Options for [`TestNode::start`].
#[derive(Clone, Debug)]
pub struct TestNodeConfig {
    /// The `tao-node` executable.
    pub bin: PathBuf,
    /// `--base-path` (database directory; the log goes there too).
    pub base_path: PathBuf,
    /// Extra arguments, e.g. `--dev --instant-seal`.
    pub args: Vec<String>,
    /// `RUST_LOG` for the node (default `warn`); its output is kept in [`TestNode::logs`].
    pub rust_log: String,
}

impl TestNodeConfig {
    /// A dev node (`--dev --instant-seal`) of `bin` storing its data under `base_path`.
    pub fn dev(bin: impl Into<PathBuf>, base_path: impl Into<PathBuf>) -> Self {
        Self {
            bin: bin.into(),
            base_path: base_path.into(),
            args: vec!["--dev".into(), "--instant-seal".into()],
            rust_log: "warn".into(),
        }
    }
}

impl TestNode {
    /// Spawn `bin --rpc-port 0 --base-path <base> <extra…>` and wait until it listens.
    pub fn spawn(bin: &Path, base: &Path, extra: &[&str]) -> std::io::Result<Self> {
        Self::start(TestNodeConfig {
            bin: bin.to_owned(),
            base_path: base.to_owned(),
            args: extra.iter().map(|s| (*s).to_owned()).collect(),
            rust_log: "warn".into(),
        })
    }

    /// Spawn a node as `config` says and wait (at most [`START_DEADLINE`]) until it prints its
    /// RPC address. An early exit is reported with the node's log tail.
    pub fn start(config: TestNodeConfig) -> std::io::Result<Self> {
        let mut node_config = TaoNodeConfig::new(Program::new(&config.bin), &config.base_path, &[]);
        node_config.args = config.args.iter().map(Into::into).collect();
        node_config.rust_log = config.rust_log;
        let node = TaoNode::start(&node_config).map_err(std::io::Error::other)?;
        Ok(Self { url: node.url(), node })
    }

    /// `ws://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `127.0.0.1:<port>`.
    pub fn addr(&self) -> &str {
        self.node.addr()
    }

    /// The node's output (stderr and stdout) so far, one entry per line.
    pub fn logs(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.node.log_path()).unwrap_or_default();
        log.lines().map(str::to_owned).collect()
    }

    /// The process id (to send signals).
    pub fn pid(&self) -> Option<u32> {
        Some(self.node.pid())
    }

    /// Wait up to `timeout` for the process to exit by itself (e.g. after SIGTERM); `None` (and
    /// the process killed) if it did not.
    pub fn wait_exit(mut self, timeout: Duration) -> Option<ExitStatus> {
        let status = self.node.child().wait_exit(timeout);
        if status.is_none() {
            self.node.child().kill();
        }
        status
    }

    /// SIGKILL now (a crash at an arbitrary point) and reap the process.
    pub fn kill9(mut self) {
        self.node.child().kill();
    }
}

/// Path of an up-to-date `tao-node` binary, for tests outside this package.
///
/// Runs `cargo build -p tao-node --bin tao-node` once per test process, with the cargo that runs
/// the tests (`$CARGO`), the same profile (debug or release, from `debug_assertions`) and the
/// same target directory (`$CARGO_TARGET_DIR` is inherited), then takes the executable's path
/// from cargo's JSON messages. Building, rather than looking for `target/<profile>/tao-node`,
/// means a fresh CI checkout works and a stale binary from an older build is never tested.
/// `$TAO_NODE_BIN` overrides it (e.g. to test a release build).
pub fn node_binary() -> Result<PathBuf, String> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("TAO_NODE_BIN") {
            return Ok(PathBuf::from(bin));
        }
        build_node_binary()
    })
    .clone()
}

fn build_node_binary() -> Result<PathBuf, String> {
    build_binary(&Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"), "tao-node")
}

/// Variables cargo sets for the test process that describe the *test's* crate. A nested cargo
/// that inherits them sees a different environment from a plain `cargo build` and rebuilds build
/// scripts that watch their environment (and everything above them, ~1 min) every time the
/// outer and the nested build alternate.
fn is_test_crate_env(name: &str) -> bool {
    matches!(
        name,
        "CARGO_MANIFEST_DIR"
            | "CARGO_MANIFEST_PATH"
            | "CARGO_CRATE_NAME"
            | "CARGO_PRIMARY_PACKAGE"
            | "CARGO_TARGET_TMPDIR"
            | "CARGO_BIN_NAME"
            | "CARGO_RUSTC_CURRENT_DIR"
            | "OUT_DIR"
    ) || name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_BIN_EXE_")
}

/// Build binary `bin` of the package at `manifest` with the cargo running the tests (`$CARGO`),
/// the tests' profile (debug or release, from `debug_assertions`) and target directory, and
/// return the executable's path from cargo's JSON messages.
pub fn build_binary(manifest: &Path, bin: &str) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--bin", bin, "--message-format=json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(manifest)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_test_crate_env) {
            cmd.env_remove(name);
        }
    }
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let mut child = cmd.spawn().map_err(|e| format!("could not run cargo to build {bin}: {e}"))?;
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_string(&mut out).map_err(|e| format!("reading cargo's output: {e}"))?;
    }
    let status = child.wait().map_err(|e| format!("waiting for cargo: {e}"))?;
    if !status.success() {
        return Err(format!("`cargo build --bin {bin}` failed ({status}); see the output above"));
    }
    out.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == bin)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo built {bin} but reported no executable"))
}
