use std::{io, path::PathBuf, time::Duration};

/// Everything that can go wrong while running the devnet. Messages say what was wrong and what
/// to do next; a child's failure carries the tail of its log.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// The repository root (the folder with `package.json` and `contracts/`) was not found.
    #[error(
        "cannot find the wtao repository root above {start}; run from inside the checkout or pass --root"
    )]
    RootNotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// `npm ci` failed or npm is missing.
    #[error(
        "installing the pinned toolchain with `npm ci` failed in {root}: {reason}; node >= 18 and npm are required"
    )]
    Npm {
        /// The repository root.
        root: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A binary that `npm ci` should have installed is missing.
    #[error("{name} not found at {path}; run `npm ci` in the repository root (linux-amd64 only)")]
    MissingTool {
        /// The tool's name.
        name: &'static str,
        /// Where it was expected.
        path: PathBuf,
    },
    /// A child process could not be started.
    #[error("could not start {name}: {source}")]
    Spawn {
        /// The program.
        name: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A child process did not become ready in time.
    #[error("{name} was not ready ({what}) after {waited:?}; its log is {log}, ending with:\n{}", show(.last_output))]
    NotReady {
        /// The program.
        name: String,
        /// What we waited for.
        what: String,
        /// How long we waited.
        waited: Duration,
        /// Its log file.
        log: PathBuf,
        /// Its last lines of output.
        last_output: Vec<String>,
    },
    /// A child process exited when it should be running.
    #[error("{name} exited ({status}); its log is {log}, ending with:\n{}", show(.last_output))]
    Exited {
        /// The program.
        name: String,
        /// Its exit status.
        status: String,
        /// Its log file.
        log: PathBuf,
        /// Its last lines of output.
        last_output: Vec<String>,
    },
    /// The deploy script failed.
    #[error("deploying the contracts failed (forge script exited with {status}):\n{output}")]
    Deploy {
        /// forge's exit status.
        status: String,
        /// forge's output.
        output: String,
    },
    /// The deployment record could not be read or is incomplete.
    #[error("deployment record {path} is unusable: {reason}; rerun with --fresh")]
    BadDeployment {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A port is taken.
    #[error(
        "{what} cannot listen on 127.0.0.1:{port}: the port is already in use; stop what uses it or pick another with {flag}"
    )]
    PortInUse {
        /// The port.
        port: u16,
        /// Who wanted it.
        what: String,
        /// The option that sets it.
        flag: &'static str,
    },
    /// Another devnet holds the data dir.
    #[error(
        "a devnet is already running in {data_dir}{}; stop it with `wtao devnet down` (or Ctrl-C in its terminal), or use another --data-dir",
        .pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    Busy {
        /// The data dir.
        data_dir: PathBuf,
        /// The owner, if it wrote its pid.
        pid: Option<u32>,
    },
    /// The data dir holds a devnet of another shape (or of an older layout).
    #[error(
        "{data_dir} holds {found}, not {wanted}; pass the same options again, or --fresh to wipe it and start over"
    )]
    DataDirMismatch {
        /// The data dir.
        data_dir: PathBuf,
        /// What it holds.
        found: String,
        /// What was asked for.
        wanted: String,
    },
    /// The data dir is a folder of other files: never written to, never wiped.
    #[error(
        "{data_dir} is not empty and holds no devnet; pick a new or empty folder with --data-dir (nothing in it was touched)"
    )]
    ForeignDir {
        /// The folder.
        data_dir: PathBuf,
    },
    /// The data dir lacks something a resume needs.
    #[error("{data_dir} is incomplete: {problem}; rerun with --fresh to start over")]
    Incomplete {
        /// The data dir.
        data_dir: PathBuf,
        /// What is missing or wrong.
        problem: String,
    },
    /// Options that cannot work together.
    #[error("{0}")]
    BadConfig(String),
    /// tao-node's chain spec could not be built.
    #[error("building tao-node's chain spec failed: {0}")]
    ChainSpec(String),
    /// A JSON-RPC or HTTP call to a child failed.
    #[error("{method} on {url} failed: {reason}")]
    Rpc {
        /// The endpoint.
        url: String,
        /// The method or path.
        method: String,
        /// What went wrong.
        reason: String,
    },
    /// A dev key could not be derived.
    #[error("cannot derive the dev key {uri}: {reason}")]
    Key {
        /// The secret URI.
        uri: String,
        /// Why.
        reason: String,
    },
    /// A devnet did not stop when asked.
    #[error(
        "the devnet in {data_dir} (pid {pid}) did not stop within {waited:?}; see its logs in {data_dir}/logs"
    )]
    StopTimeout {
        /// The data dir.
        data_dir: PathBuf,
        /// Its owner.
        pid: u32,
        /// How long we waited.
        waited: Duration,
    },
    /// No devnet runs in the data dir.
    #[error("no devnet is running in {data_dir}; start one with `wtao devnet up`")]
    NotRunning {
        /// The data dir.
        data_dir: PathBuf,
    },
    /// Any other I/O error, with the path involved.
    #[error("{what} {path}: {source}")]
    Io {
        /// What we were doing.
        what: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

impl DevnetError {
    /// A stable, machine-readable code (the CLI's `--json` errors carry it).
    pub fn code(&self) -> &'static str {
        match self {
            Self::RootNotFound { .. } => "devnet.root_not_found",
            Self::Npm { .. } | Self::MissingTool { .. } => "devnet.toolchain",
            Self::Spawn { .. } => "devnet.spawn",
            Self::NotReady { .. } => "devnet.not_ready",
            Self::Exited { .. } => "devnet.exited",
            Self::Deploy { .. } | Self::BadDeployment { .. } => "devnet.deploy",
            Self::PortInUse { .. } => "devnet.port_in_use",
            Self::Busy { .. } => "devnet.busy",
            Self::DataDirMismatch { .. } => "devnet.data_dir_mismatch",
            Self::Incomplete { .. } => "devnet.incomplete",
            Self::ForeignDir { .. } => "devnet.foreign_dir",
            Self::BadConfig(_) => "devnet.bad_config",
            Self::ChainSpec(_) => "devnet.chain_spec",
            Self::Rpc { .. } => "devnet.rpc",
            Self::Key { .. } => "devnet.key",
            Self::StopTimeout { .. } => "devnet.stop_timeout",
            Self::NotRunning { .. } => "devnet.not_running",
            Self::Io { .. } => "devnet.io",
        }
    }
}

/// The lines of a log tail, indented, for an error message.
fn show(lines: &[String]) -> String {
    if lines.is_empty() {
        return "    (no output)".to_owned();
    }
    lines.iter().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

/// Result alias for this crate.
pub type Result<T, E = DevnetError> = std::result::Result<T, E>;

/// Shorthand for [`DevnetError::Io`].
pub(crate) fn io_error(
    what: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(io::Error) -> DevnetError {
    let path = path.into();
    move |source| DevnetError::Io { what, path, source }
}
