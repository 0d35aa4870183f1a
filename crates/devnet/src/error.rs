use std::{io, path::PathBuf, time::Duration};

/// Everything that can go wrong while bringing the devnet up. Messages say what to do next.
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
    /// A child process did not print its ready line in time.
    #[error("{name} was not ready after {waited:?}; last output: {last_output:?}")]
    NotReady {
        /// The program.
        name: String,
        /// How long we waited.
        waited: Duration,
        /// Its last lines of output, to diagnose.
        last_output: Vec<String>,
    },
    /// A child process exited early.
    #[error("{name} exited with {status} before it was ready; last output: {last_output:?}")]
    Exited {
        /// The program.
        name: String,
        /// Its exit status.
        status: String,
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
    /// The port is taken.
    #[error(
        "port {port} on 127.0.0.1 is already in use; pick another with --anvil-port or stop what uses it"
    )]
    PortInUse {
        /// The port.
        port: u16,
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

/// Result alias for this crate.
pub type Result<T, E = DevnetError> = std::result::Result<T, E>;
