//! `wtao subnet unstake --netuid N --hotkey 5… <amount>|--all`: remove_stake to the coldkey.

use clap::Args;
use eyre::bail;
use serde_json::json;
use tao_client::Rao;

use super::{HotkeyArgs, errors::explain, stake::summary};
use crate::{
    args::{EndpointArgs, KeyArgs, amount::parse_amount},
    chain,
    output::Output,
    units,
};

/// Options of `wtao subnet unstake`.
#[derive(Debug, Args)]
pub(crate) struct UnstakeArgs {
    /// How much TAO to unstake: `1.5tao`, `1500000000rao`, or a bare number, which is TAO.
    #[arg(value_name = "AMOUNT", value_parser = parse_amount, required_unless_present = "all")]
    amount: Option<Rao>,

    /// Unstake all of the coldkey's stake on the hotkey in this subnet.
    #[arg(long, conflicts_with = "amount")]
    all: bool,

    /// The subnet.
    #[arg(long, value_name = "N")]
    netuid: u16,

    #[command(flatten)]
    hotkey: HotkeyArgs,

    #[command(flatten)]
    keys: KeyArgs,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl UnstakeArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let rpc = ep.tao_rpc()?;
        let hotkey = self.hotkey.required()?;
        let signer = self.keys.tao(ep.devnet.as_ref())?;
        let coldkey = signer.pair.public_key().to_account_id();
        let netuid = self.netuid;
        let data = chain::block_on(async {
            let tao = chain::tao(rpc).await?;
            super::ensure_subnet(&tao, netuid).await?;
            let staked = tao.stake(&hotkey, &coldkey, netuid).await?;
            let amount = match self.amount {
                Some(a) => a,
                None if staked.0 > 0 => staked,
                None => bail!("{coldkey} has no stake on {hotkey} in subnet {netuid}"),
            };
            let too_much = || {
                format!(
                    "{coldkey} has {} staked on {hotkey} in subnet {netuid}; unstake at most that \
                     (or --all)",
                    units::tao(u128::from(staked.0))
                )
            };
            if amount.0 > staked.0 {
                bail!("{}; nothing was unstaked", too_much());
            }
            let free_before = tao.free_balance(&coldkey).await?;
            out.progress(&format!(
                "unstaking {} from {hotkey} on subnet {netuid} to {coldkey} ({})",
                units::tao(u128::from(amount.0)),
                signer.source
            ));
            let receipt =
                tao.remove_stake(&signer.pair, hotkey, netuid, amount).await.map_err(|e| {
                    explain(e, |name| (name == "NotEnoughStakeToWithdraw").then(too_much))
                })?;
            let after = tao.stake(&hotkey, &coldkey, netuid).await?;
            let total = tao.hotkey_stake(&hotkey, netuid).await?;
            let free_after = tao.free_balance(&coldkey).await?;
            eyre::Ok(json!({
                "netuid": netuid,
                "hotkey": hotkey.to_string(),
                "coldkey": coldkey.to_string(),
                "amount_rao": amount.0.to_string(),
                "unstaked_rao": staked.0.saturating_sub(after.0).to_string(),
                "stake_rao": after.0.to_string(),
                "hotkey_stake_rao": total.0.to_string(),
                "free_before_rao": free_before.0.to_string(),
                "free_after_rao": free_after.0.to_string(),
                "fee_rao": receipt.fee.0.to_string(),
                "block": receipt.block_number,
            }))
        })??;
        out.success(&data, &summary("unstaked", &data));
        Ok(())
    }
}
