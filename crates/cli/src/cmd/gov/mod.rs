//! `wtao gov …`: govern the bridge by wTAO vote. The WTAOGovernor (OpenZeppelin Governor over
//! wTAO votes, through a TimelockController that owns TaoBridge) does the work; this is its
//! front end: delegate, propose with built-in kinds (upgrade, relayer set, rate limits,
//! unpause) or raw calldata, vote, queue, execute, list, status.
//!
//! ```text
//!  delegate ─▶ propose ─(voting delay)─▶ vote … ─(voting period)─▶ queue ─(timelock delay)─▶ execute
//!               --warp                    --warp                     --warp
//! ```
//!
//! Every command runs against any EVM RPC (`--eth-rpc`, `--governor`, `--bridge`), the devnet
//! in the data dir by default ([`context`]). On anvil, `--warp` moves the clock past the next
//! wait ([`warp`]), so a whole vote runs in seconds. The clock is wTAO's: Unix seconds rounded
//! down to the minute, so snapshots, deadlines and ETAs are times, not block numbers.
//!
//! Files: [`context`] options and connection, [`abi`] the contracts' ABI, [`revert`] custom
//! errors as sentences, [`proposal`] proposals from their logs and their live state, [`args`]
//! value parsers, [`warp`] anvil's clock, [`tao_side`] the TAO chain's copy of the relayer set;
//! then one file per subcommand.

pub(crate) mod abi;
pub(crate) mod args;
pub(crate) mod context;
mod delegate;
mod execute;
mod list;
pub(crate) mod proposal;
mod propose;
mod queue;
pub(crate) mod revert;
mod status;
mod tao_side;
mod vote;
pub(crate) mod warp;

use alloy::primitives::U256;
use clap::{Args, Subcommand};
use eyre::WrapErr;

use crate::output::Output;

/// Govern the bridge by wTAO vote.
#[derive(Debug, Args)]
pub(crate) struct GovArgs {
    #[command(subcommand)]
    pub(crate) cmd: GovCommand,
}

/// Governance commands.
#[derive(Debug, Subcommand)]
pub(crate) enum GovCommand {
    /// Delegate your wTAO votes (to yourself by default): wTAO only votes once delegated.
    ///
    /// Delegated votes count for proposals whose snapshot comes after the delegation's minute.
    Delegate(delegate::DelegateArgs),
    /// Propose a change to the bridge: upgrade, relayers, rate-limits, unpause, or raw calldata.
    Propose(propose::ProposeArgs),
    /// Vote on a proposal: for, against or abstain, with your votes at its snapshot.
    Vote(vote::VoteArgs),
    /// Queue a passed proposal in the timelock.
    Queue(queue::QueueArgs),
    /// Execute a queued proposal once the timelock delay has passed.
    Execute(execute::ExecuteArgs),
    /// List the governor's proposals, newest first.
    List(list::ListArgs),
    /// Show a proposal: state, votes, quorum, snapshot, deadline, ETA, and what to do next.
    Status(status::StatusArgs),
}

impl GovArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .wrap_err("starting the async runtime")?;
        runtime.block_on(async {
            match self.cmd {
                GovCommand::Delegate(args) => args.run(out).await,
                GovCommand::Propose(args) => args.run(out).await,
                GovCommand::Vote(args) => args.run(out).await,
                GovCommand::Queue(args) => args.run(out).await,
                GovCommand::Execute(args) => args.run(out).await,
                GovCommand::List(args) => args.run(out).await,
                GovCommand::Status(args) => args.run(out).await,
            }
        })
    }
}

/// wTAO (or votes, which are wTAO) in base units, for people.
pub(crate) fn units_wtao(v: U256) -> String {
    crate::units::wtao(v.saturating_to::<u128>())
}
