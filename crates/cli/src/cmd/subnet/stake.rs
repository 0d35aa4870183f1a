//! `wtao subnet stake --netuid N --hotkey 5… <amount>`: add_stake from the coldkey.

use clap::Args;
use eyre::bail;
use serde_json::json;
use tao_client::Rao;

use super::{HotkeyArgs, errors::explain};
use crate::{
    args::{EndpointArgs, KeyArgs, amount::parse_amount},
    chain,
    output::Output,
    units,
};

/// Options of `wtao subnet stake`.
#[derive(Debug, Args)]
pub(crate) struct StakeArgs {
    /// How much TAO to stake: `1.5tao`, `1500000000rao`, or a bare number, which is TAO. The
    /// chain keeps the coldkey alive, so it may stake slightly less than all of its balance.
    #[arg(value_name = "AMOUNT", value_parser = parse_amount)]
    amount: Rao,

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

impl StakeArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let rpc = ep.tao_rpc()?;
        let hotkey = self.hotkey.required()?;
        let signer = self.keys.tao(ep.devnet.as_ref())?;
        let coldkey = signer.pair.public_key().to_account_id();
        let (netuid, amount) = (self.netuid, self.amount);
        let data = chain::block_on(async {
            let tao = chain::tao(rpc).await?;
            super::ensure_subnet(&tao, netuid).await?;
            let free = tao.free_balance(&coldkey).await?;
            let needed = || {
                format!(
                    "staking {} needs that much free plus the fee; {coldkey} has {}",
                    units::tao(u128::from(amount.0)),
                    units::tao(u128::from(free.0))
                )
            };
            if free.0 <= amount.0 {
                bail!("{}; nothing was staked", needed());
            }
            let before = tao.stake(&hotkey, &coldkey, netuid).await?;
            out.progress(&format!(
                "staking {} from {coldkey} ({}) to {hotkey} on subnet {netuid}",
                units::tao(u128::from(amount.0)),
                signer.source
            ));
            let receipt =
                tao.add_stake(&signer.pair, hotkey, netuid, amount).await.map_err(|e| {
                    explain(e, |name| {
                        matches!(name, "NotEnoughBalanceToStake" | "InsufficientBalance")
                            .then(needed)
                    })
                })?;
            let after = tao.stake(&hotkey, &coldkey, netuid).await?;
            let total = tao.hotkey_stake(&hotkey, netuid).await?;
            eyre::Ok(json!({
                "netuid": netuid,
                "hotkey": hotkey.to_string(),
                "coldkey": coldkey.to_string(),
                "amount_rao": amount.0.to_string(),
                "staked_rao": after.0.saturating_sub(before.0).to_string(),
                "stake_rao": after.0.to_string(),
                "hotkey_stake_rao": total.0.to_string(),
                "fee_rao": receipt.fee.0.to_string(),
                "block": receipt.block_number,
            }))
        })??;
        out.success(&data, &summary("staked", &data));
        Ok(())
    }
}

/// `staked 10 TAO: the coldkey's stake on 5… in subnet 1 is 10 TAO (the hotkey's 10 TAO), fee …`.
pub(crate) fn summary(verb: &str, data: &serde_json::Value) -> String {
    let num = |k: &str| data[k].as_str().and_then(|s| s.parse::<u128>().ok()).unwrap_or(0);
    let moved = if verb == "staked" { num("staked_rao") } else { num("unstaked_rao") };
    format!(
        "{verb} {}: the coldkey's stake on {} in subnet {} is now {} (the hotkey has {}); fee {}",
        units::tao(moved),
        data["hotkey"].as_str().unwrap_or_default(),
        data["netuid"],
        units::tao(num("stake_rao")),
        units::tao(num("hotkey_stake_rao")),
        units::tao(num("fee_rao")),
    )
}
