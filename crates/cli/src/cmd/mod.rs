//! One module per top-level command. Each has an `XxxArgs` (clap) with
//! `fn run(self, out: &Output) -> eyre::Result<()>` that does its work through the library
//! crates and reports through [`Output`] (human text or the `--json` envelope).
//!
//! To add a command (`bridge`, `gov`, `subnet`, `keys` come next): create `cmd/<name>.rs` (or
//! `cmd/<name>/mod.rs` with one file per subcommand, as `devnet/` does), add a variant below
//! with its doc comment as the help text, and a line in [`Command::run`]. Shared option groups
//! (endpoints, keys) belong in their own flattened structs so every command spells them alike.

pub(crate) mod balance;
pub(crate) mod bridge;
pub(crate) mod devnet;
pub(crate) mod gov;
pub(crate) mod keys;
pub(crate) mod miner;
pub(crate) mod scoring;
pub(crate) mod subnet;
pub(crate) mod validator;

use std::ffi::OsString;

use clap::Subcommand;

use crate::{multicall, output::Output};

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the local devnet: anvil with the bridge contracts, tao-node, and the relayers.
    Devnet(devnet::DevnetArgs),

    /// Move TAO to Ethereum as wTAO and back, and follow a transfer.
    Bridge(bridge::BridgeArgs),

    /// Show balances: TAO of an SS58 address, ETH and wTAO of a 0x address, both of a dev name.
    Balance(balance::BalanceArgs),

    /// Govern the bridge by wTAO vote: delegate, propose, vote, queue, execute, list, status.
    Gov(gov::GovArgs),

    /// Make and inspect keys: encrypted keystores (sr25519 + secp256k1) and the dev keys.
    Keys(keys::KeysArgs),

    /// Run subnets: create, register neurons, stake, set weights, read the metagraph.
    Subnet(subnet::SubnetArgs),

    /// Mine on a GPU-scored subnet: compute tiles, commit them, serve their proofs.
    Miner(miner::MinerArgs),

    /// Validate a GPU-scored subnet: check the miners' sampled tiles and set weights.
    Validator(validator::ValidatorArgs),

    /// The subnet task's engines: benchmark them, see which one --scorer picks and why.
    Scoring(scoring::ScoringArgs),

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
            Self::Bridge(args) => args.run(out),
            Self::Balance(args) => args.run(out),
            Self::Gov(args) => args.run(out),
            Self::Keys(args) => args.run(out),
            Self::Subnet(args) => args.run(out),
            Self::Miner(args) => args.run(out),
            Self::Validator(args) => args.run(out),
            Self::Scoring(args) => args.run(out),
            Self::Node { args } => Err(multicall::exec(multicall::NODE, &args)),
            Self::Relayer { args } => Err(multicall::exec(multicall::RELAYER, &args)),
        }
    }
}
