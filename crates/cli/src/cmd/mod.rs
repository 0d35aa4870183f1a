//! One module per top-level command. Each has an `XxxArgs` (clap) with
//! `fn run(self, out: &Output) -> eyre::Result<()>` that does its work through the library
//! crates and reports through [`Output`] (human text or the `--json` envelope).
//!
//! To add a command (`bridge`, `gov`, `subnet`, `keys` come next): create `cmd/<name>.rs` (or
//! `cmd/<name>/mod.rs` with one file per subcommand, as `devnet/` does), add a variant below
//! with its doc comment as the help text, and a line in [`Command::run`]. Shared option groups
//! (endpoints, keys) belong in their own flattened structs so every command spells them alike.

pub(crate) mod devnet;
pub(crate) mod gov;

use std::ffi::OsString;

use clap::Subcommand;

use crate::{multicall, output::Output};

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the local devnet: anvil with the bridge contracts, tao-node, and the relayers.
    Devnet(devnet::DevnetArgs),

    /// Govern the bridge by wTAO vote: delegate, propose, vote, queue, execute, list, status.
    Gov(gov::GovArgs),

    // Extension point: Bridge(bridge::BridgeArgs), Gov(gov::GovArgs),
    // Subnet(subnet::SubnetArgs), Keys(keys::KeysArgs).
    /// Run tao-node: the same program as the `tao-node` binary (`wtao node --help`).
    #[command(hide = true, disable_help_flag = true, disable_version_flag = true)]
    Node {
        /// tao-node's own arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },

    /// Run a relayer: the same program as the `wtao-relayer` binary (`wtao relayer --help`).
    #[command(hide = true, disable_help_flag = true, disable_version_flag = true)]
    Relayer {
        /// wtao-relayer's own arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

impl Command {
    /// Runs the command.
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        match self {
            Self::Devnet(args) => args.run(out),
            Self::Gov(args) => args.run(out),
            Self::Node { args } => Err(multicall::exec(multicall::NODE, &args)),
            Self::Relayer { args } => Err(multicall::exec(multicall::RELAYER, &args)),
        }
    }
}
