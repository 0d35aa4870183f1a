//! `wtao gov vote <id> for|against|abstain [--reason]`

use alloy::primitives::U256;
use clap::{Args, ValueEnum};
use eyre::eyre;
use serde_json::json;

use super::{
    abi::{IWtaoGovernor, IWtaoVotes},
    context::GovEndpointArgs,
    proposal::{self, State, relative, utc},
    status::{self, cli_id},
    units_wtao, warp,
};
use crate::{args::KeyArgs, output::Output};

/// A vote, as OpenZeppelin's GovernorCountingSimple numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Support {
    /// Against (0).
    Against,
    /// For (1).
    For,
    /// Abstain (2): counts toward the quorum, not the outcome.
    Abstain,
}

impl Support {
    fn code(self) -> u8 {
        match self {
            Self::Against => 0,
            Self::For => 1,
            Self::Abstain => 2,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Against => "against",
            Self::For => "for",
            Self::Abstain => "abstain",
        }
    }
}

/// Options of `wtao gov vote`.
#[derive(Debug, Args)]
pub(crate) struct VoteArgs {
    /// The proposal: its id or a unique prefix of at least 4 digits.
    #[arg(value_name = "ID")]
    pub(crate) id: String,

    /// Your vote.
    #[arg(value_name = "SUPPORT")]
    pub(crate) support: Support,

    /// Why (stored on chain in the VoteCast event).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub(crate) reason: String,

    /// Devnet/anvil only: open the vote first if it is still pending, and after voting move the
    /// clock past the deadline, closing the vote (use it on the last vote).
    #[arg(long)]
    pub(crate) warp: bool,

    #[command(flatten)]
    pub(crate) keys: KeyArgs,

    #[command(flatten)]
    pub(crate) endpoints: GovEndpointArgs,
}

impl VoteArgs {
    pub(crate) async fn run(self, out: &Output) -> eyre::Result<()> {
        let gov = self.endpoints.connect()?;
        if self.warp {
            warp::check(&gov).await?;
        }
        let signer = gov.signer(&self.keys)?;
        let p = proposal::find(&gov, &self.id).await?;
        let mut live = proposal::live(&gov, p.id).await?;
        if live.state == State::Pending && self.warp {
            warp::to(&gov, live.opens_at(), "voting opens", out).await?;
            live = proposal::live(&gov, p.id).await?;
        }
        match live.state {
            State::Active => {}
            State::Pending => {
                return Err(eyre!(
                    "proposal {} is Pending: votes open at {} ({}); vote then{}",
                    cli_id(p.id),
                    utc(live.opens_at()),
                    relative(live.opens_at(), live.now),
                    if gov.devnet.is_some() { ", or add --warp to open it now" } else { "" }
                ));
            }
            other => {
                return Err(eyre!(
                    "proposal {} is {}: voting is closed ({})",
                    cli_id(p.id),
                    other.name(),
                    status::next_step(&gov, &p, &live)
                ));
            }
        }
        let voted = gov
            .gov(IWtaoGovernor::hasVotedCall { proposalId: p.id, account: signer.address })
            .await?;
        if voted {
            return Err(eyre!(
                "{} has already voted on proposal {} (a vote cannot be changed)",
                signer.address,
                cli_id(p.id)
            ));
        }
        let weight = gov
            .gov(IWtaoGovernor::getVotesCall {
                account: signer.address,
                timepoint: U256::from(live.snapshot),
            })
            .await?;
        if weight.is_zero() {
            let token = gov.token().await?;
            let balance =
                gov.call(token, IWtaoVotes::balanceOfCall { account: signer.address }).await?;
            let delegate =
                gov.call(token, IWtaoVotes::delegatesCall { account: signer.address }).await?;
            let why = if balance.is_zero() {
                "it holds no wTAO".to_owned()
            } else if delegate.is_zero() {
                format!(
                    "its {} are not delegated (`wtao gov delegate` to vote on later proposals)",
                    units_wtao(balance)
                )
            } else {
                "its votes were delegated after this proposal's snapshot (they count for later \
                 proposals)"
                    .to_owned()
            };
            return Err(eyre!(
                "{} had no votes at proposal {}'s snapshot ({}): {why}; a vote now would weigh 0",
                signer.address,
                cli_id(p.id),
                utc(live.snapshot)
            ));
        }
        let receipt = signer
            .send(
                gov.governor,
                IWtaoGovernor::castVoteWithReasonCall {
                    proposalId: p.id,
                    support: self.support.code(),
                    reason: self.reason.clone(),
                },
                U256::ZERO,
            )
            .await?;
        out.progress(&format!(
            "{} voted {} with {} (tx {})",
            signer.address,
            self.support.name(),
            units_wtao(weight),
            receipt.transaction_hash
        ));
        let mut live = proposal::live(&gov, p.id).await?;
        if self.warp {
            warp::to(&gov, live.closes_at(), "past the voting period", out).await?;
            live = proposal::live(&gov, p.id).await?;
        }
        let (data, human) = status::report(
            &gov,
            &p,
            &live,
            json!({
                "voter": signer.address.to_string(),
                "support": self.support.name(),
                "weight_rao": weight.to_string(),
                "tx": receipt.transaction_hash,
                "warped": self.warp,
            }),
        );
        out.success(data, &human);
        Ok(())
    }
}
