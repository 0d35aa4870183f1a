//! One module per top-level command.

pub(crate) mod devnet;

use clap::Subcommand;

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the local devnet: anvil with the bridge contracts (tao-node and relayers join later).
    Devnet(devnet::DevnetArgs),
}

impl Command {
    pub(crate) fn run(self) -> eyre::Result<()> {
        match self {
            Self::Devnet(args) => args.run(),
        }
    }
}
