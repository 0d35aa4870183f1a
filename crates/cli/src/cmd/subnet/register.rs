//! `wtao subnet register --netuid N --hotkey …`: burned_register; prints the uid and the burn.

use clap::Args;
use eyre::bail;
use serde_json::json;

use super::{HotkeyArgs, errors::explain};
use crate::{
    args::{EndpointArgs, KeyArgs},
    chain,
    output::Output,
    units,
};

/// Options of `wtao subnet register`.
#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
    /// The subnet to join.
    #[arg(long, value_name = "N")]
    netuid: u16,

    #[command(flatten)]
    hotkey: HotkeyArgs,

    #[command(flatten)]
    keys: KeyArgs,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl RegisterArgs {
    /// The hotkey options.
    #[cfg(test)]
    pub(crate) fn hotkey_for_test(&self) -> &HotkeyArgs {
        &self.hotkey
    }

    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let rpc = ep.tao_rpc()?;
        let hotkey = self.hotkey.required()?;
        let signer = self.keys.tao(ep.devnet.as_ref())?;
        let coldkey = signer.pair.public_key().to_account_id();
        let netuid = self.netuid;
        if netuid == 0 {
            bail!("neurons register on subnets 1, 2, …, not on root (netuid 0)");
        }
        let data = chain::block_on(async {
            let tao = chain::tao(rpc).await?;
            super::ensure_subnet(&tao, netuid).await?;
            let info = tao.subnet_info(netuid).await?;
            if !info.registration_allowed {
                bail!("subnet {netuid}'s owner has closed registration");
            }
            if let Some(uid) = tao.uid(netuid, &hotkey).await? {
                bail!(
                    "{hotkey} is already uid {uid} on subnet {netuid}; nothing was burned \
                     (`wtao subnet metagraph --netuid {netuid}`)"
                );
            }
            let before = tao.free_balance(&coldkey).await?;
            let burn = info.burn;
            if before.0 <= burn.0 {
                bail!(
                    "registering on subnet {netuid} burns {}, but {coldkey} has {} free; \
                     nothing was burned",
                    units::tao(u128::from(burn.0)),
                    units::tao(u128::from(before.0))
                );
            }
            out.progress(&format!(
                "registering {hotkey} on subnet {netuid}: burns {} from {coldkey} ({})",
                units::tao(u128::from(burn.0)),
                signer.source
            ));
            let reg = tao
                .burned_register_with_receipt(&signer.pair, netuid, hotkey)
                .await
                .map_err(|e| {
                    explain(e, |name| {
                        (name == "NotEnoughBalanceToStake").then(|| {
                            format!(
                                "registration burns {} and leaves the coldkey alive; {coldkey} \
                                 had {} free",
                                units::tao(u128::from(burn.0)),
                                units::tao(u128::from(before.0))
                            )
                        })
                    })
                })?;
            eyre::Ok(json!({
                "netuid": netuid,
                "uid": reg.uid,
                "hotkey": hotkey.to_string(),
                "coldkey": coldkey.to_string(),
                "burn_rao": reg.burn.0.to_string(),
                "fee_rao": reg.receipt.fee.0.to_string(),
                "block": reg.receipt.block_number,
            }))
        })??;
        let num = |k: &str| data[k].as_str().and_then(|s| s.parse::<u128>().ok()).unwrap_or(0);
        let human = format!(
            "registered {hotkey} on subnet {netuid} as uid {}: burned {} (fee {})",
            data["uid"],
            units::tao(num("burn_rao")),
            units::tao(num("fee_rao"))
        );
        out.success(data, &human);
        Ok(())
    }
}
