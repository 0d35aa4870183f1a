//! `wtao gov queue <id>`: put a passed proposal into the timelock.

use alloy::primitives::U256;
use clap::Args;
use eyre::eyre;
use serde_json::json;

use super::{
    abi::IWtaoGovernor,
    context::GovEndpointArgs,
    proposal::{self, State, relative, utc},
    status::{self, cli_id},
    warp,
};
use crate::{args::KeyArgs, output::Output};

/// Options of `wtao gov queue`.
#[derive(Debug, Args)]
pub(crate) struct QueueArgs {
    /// The proposal: its id or a unique prefix of at least 4 digits.
    #[arg(value_name = "ID")]
    pub(crate) id: String,

    /// Devnet/anvil only: close the vote first if it is still open, and after queueing move
    /// the clock past the timelock delay.
    #[arg(long)]
    pub(crate) warp: bool,

    #[command(flatten)]
    pub(crate) keys: KeyArgs,

    #[command(flatten)]
    pub(crate) endpoints: GovEndpointArgs,
}

impl QueueArgs {
    pub(crate) async fn run(self, out: &Output) -> eyre::Result<()> {
        let gov = self.endpoints.connect()?;
        if self.warp {
            warp::check(&gov).await?;
        }
        let signer = gov.signer(&self.keys)?;
        let p = proposal::find(&gov, &self.id).await?;
        let mut live = proposal::live(&gov, p.id).await?;
        if self.warp && matches!(live.state, State::Pending | State::Active) {
            warp::to(&gov, live.closes_at(), "past the voting period", out).await?;
            live = proposal::live(&gov, p.id).await?;
        }
        match live.state {
            State::Succeeded => {}
            State::Pending | State::Active => {
                return Err(eyre!(
                    "proposal {} is {}: voting closes at {} ({}); queue it then{}",
                    cli_id(p.id),
                    live.state.name(),
                    utc(live.closes_at()),
                    relative(live.closes_at(), live.now),
                    if gov.devnet.is_some() { ", or add --warp to close it now" } else { "" }
                ));
            }
            _ => {
                return Err(eyre!(
                    "proposal {} is {}, not Succeeded: {}",
                    cli_id(p.id),
                    live.state.name(),
                    status::next_step(&gov, &p, &live)
                ));
            }
        }
        let receipt = signer
            .send(
                gov.governor,
                IWtaoGovernor::queueCall {
                    targets: p.targets.clone(),
                    values: p.values.clone(),
                    calldatas: p.calldatas.clone(),
                    descriptionHash: p.description_hash(),
                },
                U256::ZERO,
            )
            .await?;
        out.progress(&format!("queued in tx {}", receipt.transaction_hash));
        let mut live = proposal::live(&gov, p.id).await?;
        if self.warp {
            warp::to(&gov, live.eta, "past the timelock delay", out).await?;
            live = proposal::live(&gov, p.id).await?;
        }
        let (data, human) = status::report(
            &gov,
            &p,
            &live,
            json!({"tx": receipt.transaction_hash, "warped": self.warp}),
        );
        out.success(data, &human);
        Ok(())
    }
}
