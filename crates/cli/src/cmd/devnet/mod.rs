//! `wtao devnet …`: run the local devnet (anvil + contracts, tao-node, relayers) and inspect or
//! stop one running in the background. The work is in `wtao-devnet`; this is its front end.

mod demo;
mod down;
mod logs;
mod status;
mod summary;
mod up;

use std::path::PathBuf;

use clap::{Args, Subcommand};
use eyre::WrapErr;
use wtao_devnet::Toolchain;

use crate::output::Output;

/// Run the local devnet.
#[derive(Debug, Args)]
pub(crate) struct DevnetArgs {
    #[command(subcommand)]
    pub(crate) cmd: DevnetCommand,
}

/// Devnet commands.
#[derive(Debug, Subcommand)]
pub(crate) enum DevnetCommand {
    /// Start anvil with the contracts, tao-node and the relayers, print the endpoints,
    /// addresses and dev accounts, and run until Ctrl-C (or in the background with --detach).
    ///
    /// Both chains and the relayers agree on the relayer set, the threshold and the bridge's
    /// EIP-712 domain by construction: tao-node's genesis is written from the deployment.
    /// State lives in the data dir: a second `up` resumes both chains, the contracts and the
    /// relayers' stores; `--fresh` starts over.
    Up(up::UpArgs),
    /// Show whether a devnet runs in the data dir, and its endpoints, accounts and balances.
    Status(status::StatusArgs),
    /// Print the logs of the devnet's processes (anvil, tao-node, relayer-N, supervisor).
    Logs(logs::LogsArgs),
    /// Stop the devnet running in the data dir (its state is kept: `up` resumes it).
    Down(down::DownArgs),
}

impl DevnetArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        match self.cmd {
            DevnetCommand::Up(args) => args.run(out),
            DevnetCommand::Status(args) => args.run(out),
            DevnetCommand::Logs(args) => args.run(out),
            DevnetCommand::Down(args) => args.run(out),
        }
    }
}

/// Where the devnet lives: every devnet command takes these.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Data")]
pub(crate) struct DataDirArgs {
    /// Where the devnet keeps its state: both chains, the contracts' addresses, the relayers'
    /// stores, the logs [default: <checkout>/.wtao-devnet].
    #[arg(long, value_name = "DIR", env = "WTAO_DEVNET_DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    /// The wtao checkout (contracts and the pinned toolchain) [default: found from the current
    /// directory].
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
}

impl DataDirArgs {
    /// The checkout.
    pub(crate) fn root(&self) -> eyre::Result<PathBuf> {
        match &self.root {
            Some(root) => Ok(Toolchain::find_root(root)?),
            None => {
                let cwd = std::env::current_dir().wrap_err("reading the current directory")?;
                Ok(Toolchain::find_root(&cwd)?)
            }
        }
    }

    /// The data dir (absolute).
    pub(crate) fn data_dir(&self) -> eyre::Result<PathBuf> {
        let dir = match &self.data_dir {
            Some(dir) => dir.clone(),
            None => wtao_devnet::default_data_dir(&self.root()?),
        };
        Ok(wtao_devnet::Layout::new(&dir).dir().to_path_buf())
    }
}
