//! `wtao subnet create`: register_network, after showing what it locks.

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

/// Options of `wtao subnet create`.
#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// Refuse if the lock cost is above this (`1000tao`): the cost doubles after each new
    /// subnet and decays back, so it can move between reading and signing.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    max_lock: Option<Rao>,

    #[command(flatten)]
    hotkey: HotkeyArgs,

    #[command(flatten)]
    keys: KeyArgs,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl CreateArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let rpc = ep.tao_rpc()?;
        let signer = self.keys.tao(ep.devnet.as_ref())?;
        let coldkey = signer.pair.public_key().to_account_id();
        // The owner hotkey defaults to the coldkey, as tao-node's genesis subnets have it.
        let hotkey = self.hotkey.account()?.unwrap_or(coldkey);
        let (netuid, info, lock) = chain::block_on(async {
            let tao = chain::tao(rpc).await?;
            let lock = tao.network_lock_cost().await?;
            let free = tao.free_balance(&coldkey).await?;
            out.progress(&format!(
                "register_network locks {} from {coldkey} ({}, {} free); owner hotkey {hotkey}",
                units::tao(u128::from(lock.0)),
                signer.source,
                units::tao(u128::from(free.0)),
            ));
            if let Some(max) = self.max_lock
                && lock.0 > max.0
            {
                bail!(
                    "the lock cost is {}, above --max-lock {}; nothing was created",
                    units::tao(u128::from(lock.0)),
                    units::tao(u128::from(max.0))
                );
            }
            if free.0 <= lock.0 {
                bail!(
                    "{coldkey} has {} free, not enough to lock {} and pay the fee; nothing was \
                     created",
                    units::tao(u128::from(free.0)),
                    units::tao(u128::from(lock.0))
                );
            }
            let netuid = tao.register_network(&signer.pair, hotkey).await.map_err(|e| {
                explain(e, |name| {
                    (name == "CannotAffordLockCost").then(|| {
                        format!(
                            "the lock is {} and {coldkey} had {} free",
                            units::tao(u128::from(lock.0)),
                            units::tao(u128::from(free.0))
                        )
                    })
                })
            })?;
            let info = tao.subnet_info(netuid).await?;
            eyre::Ok((netuid, info, lock))
        })??;
        let data = json!({
            "netuid": netuid,
            "owner": info.owner.to_string(),
            "owner_hotkey": info.owner_hotkey.to_string(),
            "locked_rao": info.locked.0.to_string(),
            "lock_cost_rao": lock.0.to_string(),
            "tempo": info.tempo,
            "burn_rao": info.burn.0.to_string(),
        });
        let human = format!(
            "created subnet {netuid}, locking {}; its owner hotkey is uid 0, tempo {} blocks. \
             Neurons join with `wtao subnet register --netuid {netuid} --hotkey …` (burn {}).",
            units::tao(u128::from(info.locked.0)),
            info.tempo,
            units::tao(u128::from(info.burn.0)),
        );
        out.success(data, &human);
        Ok(())
    }
}
