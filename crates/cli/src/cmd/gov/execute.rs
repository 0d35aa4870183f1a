//! `wtao gov execute <id>`: run a queued proposal's calls through the timelock. On the devnet,
//! a relayer-set change is then mirrored onto tao-node ([`super::tao_side`]).

use alloy::{primitives::U256, sol_types::SolCall};
use clap::Args;
use eyre::eyre;
use serde_json::{Value, json};

use super::{
    abi::{ITaoBridge, IWtaoGovernor},
    context::GovEndpointArgs,
    proposal::{self, State, relative, utc},
    status::{self, cli_id},
    tao_side, warp,
};
use crate::{args::KeyArgs, output::Output};

/// Options of `wtao gov execute`.
#[derive(Debug, Args)]
pub(crate) struct ExecuteArgs {
    /// The proposal: its id or a unique prefix of at least 4 digits.
    #[arg(value_name = "ID")]
    pub(crate) id: String,

    /// Devnet/anvil only: move the clock to the ETA first if the timelock delay is not over.
    #[arg(long)]
    pub(crate) warp: bool,

    /// On the devnet, do not mirror a relayer-set change onto tao-node (by default the TAO
    /// side's set and threshold follow the executed proposal, through //Alice's sudo).
    #[arg(long)]
    pub(crate) no_tao_side: bool,

    #[command(flatten)]
    pub(crate) keys: KeyArgs,

    #[command(flatten)]
    pub(crate) endpoints: GovEndpointArgs,
}

impl ExecuteArgs {
    pub(crate) async fn run(self, out: &Output) -> eyre::Result<()> {
        let gov = self.endpoints.connect()?;
        if self.warp {
            warp::check(&gov).await?;
        }
        let signer = gov.signer(&self.keys)?;
        let p = proposal::find(&gov, &self.id).await?;
        let mut live = proposal::live(&gov, p.id).await?;
        if live.state == State::Queued && live.now < live.eta && self.warp {
            warp::to(&gov, live.eta, "past the timelock delay", out).await?;
            live = proposal::live(&gov, p.id).await?;
        }
        match live.state {
            State::Queued if live.now >= live.eta => {}
            State::Queued => {
                return Err(eyre!(
                    "proposal {} is queued until {} ({}): the timelock delay is not over; execute \
                     it then{}",
                    cli_id(p.id),
                    utc(live.eta),
                    relative(live.eta, live.now),
                    if gov.devnet.is_some() { ", or add --warp to get there now" } else { "" }
                ));
            }
            State::Succeeded => {
                return Err(eyre!(
                    "proposal {} passed but is not queued: `wtao gov queue {}` first",
                    cli_id(p.id),
                    cli_id(p.id)
                ));
            }
            other => {
                return Err(eyre!(
                    "proposal {} is {}: {}",
                    cli_id(p.id),
                    other.name(),
                    status::next_step(&gov, &p, &live)
                ));
            }
        }
        let value = p.values.iter().fold(U256::ZERO, |a, v| a.saturating_add(*v));
        let receipt = signer
            .send(
                gov.governor,
                IWtaoGovernor::executeCall {
                    targets: p.targets.clone(),
                    values: p.values.clone(),
                    calldatas: p.calldatas.clone(),
                    descriptionHash: p.description_hash(),
                },
                U256::ZERO,
            )
            .await?;
        if !value.is_zero() {
            out.progress(&format!("the timelock sent {value} wei with the calls"));
        }
        out.progress(&format!("executed in tx {}", receipt.transaction_hash));
        // A relayer-set change: the TAO side keeps its own copy of the set.
        let mut tao = Value::Null;
        let new_set = p.targets.iter().zip(&p.calldatas).find_map(|(t, data)| {
            (Some(*t) == gov.bridge)
                .then(|| ITaoBridge::setRelayersCall::abi_decode(data).ok())
                .flatten()
        });
        if let Some(call) = new_set {
            let threshold: u64 = call.threshold.saturating_to();
            match (&gov.devnet, self.no_tao_side) {
                (Some(devnet), false) => {
                    tao = tao_side::mirror_relayers(devnet, &call.relayers, threshold, out).await?;
                }
                _ => out.warn(format!(
                    "tao-node keeps its own relayer set (it checks attestations and counts \
                     release approvals with it): set it to the same {} relayers with threshold \
                     {threshold} through the TAO chain's governance (Bridge.set_relayers, sudo \
                     on a devnet)",
                    call.relayers.len()
                )),
            }
        }
        let live = proposal::live(&gov, p.id).await?;
        let (data, human) = status::report(
            &gov,
            &p,
            &live,
            json!({"tx": receipt.transaction_hash, "warped": self.warp, "tao_side": tao}),
        );
        out.success(data, &human);
        Ok(())
    }
}
