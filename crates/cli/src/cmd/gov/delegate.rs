//! `wtao gov delegate [--to addr]`

use alloy::primitives::U256;
use clap::Args;
use serde_json::json;

use super::{abi::IWtaoVotes, context::GovEndpointArgs, units_wtao};
use crate::{
    args::{
        KeyArgs,
        address::{DEV_NAMES, dev_index, parse_evm},
    },
    output::Output,
};

/// Options of `wtao gov delegate`.
#[derive(Debug, Args)]
pub(crate) struct DelegateArgs {
    /// Who gets your votes: an address, or a devnet dev name [default: yourself].
    #[arg(long, value_name = "0x…|NAME")]
    pub(crate) to: Option<String>,

    #[command(flatten)]
    pub(crate) keys: KeyArgs,

    #[command(flatten)]
    pub(crate) endpoints: GovEndpointArgs,
}

impl DelegateArgs {
    pub(crate) async fn run(self, out: &Output) -> eyre::Result<()> {
        let gov = self.endpoints.connect()?;
        let signer = gov.signer(&self.keys)?;
        let to = match &self.to {
            None => signer.address,
            Some(text) if text.trim().starts_with("0x") => parse_evm(text)?,
            Some(text) => {
                let devnet = gov.devnet.as_ref().ok_or_else(|| {
                    eyre::eyre!("--to {text} is not an address (dev names work on the devnet only)")
                })?;
                dev_index(text)
                    .and_then(|i| devnet.eth_accounts.get(i))
                    .map(|a| a.address)
                    .ok_or_else(|| {
                        eyre::eyre!(
                            "--to {text} is neither an address nor a dev name ({})",
                            DEV_NAMES.join(", ")
                        )
                    })?
            }
        };
        let token = gov.token().await?;
        let balance =
            gov.call(token, IWtaoVotes::balanceOfCall { account: signer.address }).await?;
        let before = gov.call(token, IWtaoVotes::delegatesCall { account: signer.address }).await?;
        let receipt = if before == to {
            None
        } else {
            Some(signer.send(token, IWtaoVotes::delegateCall { delegatee: to }, U256::ZERO).await?)
        };
        let votes = gov.call(token, IWtaoVotes::getVotesCall { account: to }).await?;
        if balance.is_zero() {
            out.warn(format!(
                "{} holds no wTAO, so the delegation carries no votes yet: bridge some TAO first \
                 (`wtao bridge to-eth`)",
                signer.address
            ));
        }
        let whom = if to == signer.address { "itself".to_owned() } else { to.to_string() };
        let mut human = match &receipt {
            Some(r) => format!(
                "{} delegated its {} of votes to {whom} (tx {})\n",
                signer.address,
                units_wtao(balance),
                r.transaction_hash
            ),
            None => format!("{} already delegates to {whom}: nothing sent\n", signer.address),
        };
        human.push_str(&format!(
            "{to} now has {} of votes; they count for proposals created from the next minute on \
             (votes are read at a proposal's snapshot)",
            units_wtao(votes)
        ));
        out.success(
            json!({
                "delegator": signer.address.to_string(),
                "delegatee": to.to_string(),
                "previous_delegatee": before.to_string(),
                "balance_rao": balance.to_string(),
                "delegatee_votes_rao": votes.to_string(),
                "tx": receipt.as_ref().map(|r| r.transaction_hash),
                "changed": receipt.is_some(),
            }),
            &human,
        );
        Ok(())
    }
}
