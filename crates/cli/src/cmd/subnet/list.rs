//! `wtao subnet list`: every subnet with what a user checks before joining one.

use clap::Args;
use serde_json::{Value, json};
use tao_client::{Rao, SubnetInfo};

use super::table::{self, Align};
use crate::{args::EndpointArgs, chain, output::Output, units};

/// Options of `wtao subnet list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl ListArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let (subnets, lock, block) = chain::block_on(async {
            let tao = super::connect(&ep).await?;
            let subnets = tao.subnets().await?;
            let lock = tao.network_lock_cost().await?;
            let block = tao.finalized_number().await?;
            eyre::Ok((subnets, lock, block))
        })??;
        out.success(data(&subnets, lock, block), &human(&subnets, lock));
        Ok(())
    }
}

/// Each subnet's part of the per-block emission: its share over the shares of the subnets
/// that emit (tao-node's `split_emission`); 0 for those that do not.
pub(crate) fn emission_fractions(subnets: &[SubnetInfo]) -> Vec<f64> {
    let total: u64 = subnets.iter().filter(|s| s.emits).map(|s| u64::from(s.emission_share)).sum();
    subnets
        .iter()
        .map(|s| match (s.emits, total) {
            (true, t) if t > 0 => s.emission_share as f64 / t as f64,
            _ => 0.0,
        })
        .collect()
}

fn data(subnets: &[SubnetInfo], lock: Rao, block: u64) -> Value {
    let fractions = emission_fractions(subnets);
    let rows: Vec<Value> = subnets
        .iter()
        .zip(&fractions)
        .map(|(s, f)| {
            json!({
                "netuid": s.netuid,
                "name": s.name,
                "symbol": s.symbol,
                "owner": s.owner.to_string(),
                "owner_hotkey": s.owner_hotkey.to_string(),
                "tempo": s.tempo,
                "neurons": s.neurons,
                "max_neurons": s.max_neurons,
                "emission_share": s.emission_share,
                "emission_fraction": f,
                "emits": s.emits,
                "burn_rao": s.burn.0.to_string(),
                "locked_rao": s.locked.0.to_string(),
                "registration_allowed": s.registration_allowed,
                "weights_version_key": s.weights_version_key.to_string(),
                "weights_rate_limit": s.weights_rate_limit,
            })
        })
        .collect();
    json!({"block": block, "network_lock_cost_rao": lock.0.to_string(), "subnets": rows})
}

/// The table, then the lock cost of a new subnet.
pub(crate) fn human(subnets: &[SubnetInfo], lock: Rao) -> String {
    let fractions = emission_fractions(subnets);
    let rows: Vec<Vec<String>> = subnets
        .iter()
        .zip(&fractions)
        .map(|(s, f)| {
            vec![
                s.netuid.to_string(),
                s.name.clone(),
                s.symbol.clone(),
                s.owner.to_string(),
                s.tempo.to_string(),
                format!("{}/{}", s.neurons, s.max_neurons),
                format!("{} %", table::float(f * 100.0, 2)),
                if s.registration_allowed {
                    units::tao(u128::from(s.burn.0))
                } else {
                    "closed".into()
                },
            ]
        })
        .collect();
    let mut text = table::render(
        &["netuid", "name", "symbol", "owner", "tempo", "neurons", "emission", "burn"],
        &[
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
        &rows,
    );
    text.push_str(&format!(
        "\n{} subnets; `wtao subnet create` locks {} now.\n",
        subnets.len(),
        units::tao(u128::from(lock.0))
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use tao_client::AccountId32;

    pub(crate) fn subnet(netuid: u16, share: u16, emits: bool) -> SubnetInfo {
        SubnetInfo {
            netuid,
            name: if netuid == 0 { "root".into() } else { "demo".into() },
            symbol: if netuid == 0 { "Τ".into() } else { "α".into() },
            owner: AccountId32([1; 32]),
            owner_hotkey: AccountId32([1; 32]),
            tempo: 10,
            neurons: 3,
            max_neurons: 256,
            burn: Rao(1_000_000_000),
            emission_share: share,
            emits,
            registration_allowed: netuid != 0,
            weights_version_key: 0,
            weights_rate_limit: 100,
            locked: Rao(0),
        }
    }

    #[test]
    fn emission_is_split_over_the_subnets_that_emit() {
        let subnets = [subnet(0, 1, false), subnet(1, 1, true), subnet(2, 3, true)];
        assert_eq!(emission_fractions(&subnets), [0.0, 0.25, 0.75]);
        assert_eq!(emission_fractions(&[subnet(0, 1, false)]), [0.0]);
    }

    #[test]
    fn the_table_reads_like_btcli() {
        let text = human(&[subnet(0, 1, false), subnet(1, 1, true)], Rao(100_000_000_000));
        let owner = AccountId32([1; 32]).to_string();
        let expected = format!(
            "netuid  name  symbol  owner{pad}  tempo  neurons  emission    burn\n     \
             0  root  Τ       {owner}     10    3/256    0.00 %  closed\n     \
             1  demo  α       {owner}     10    3/256  100.00 %   1 TAO\n\n\
             2 subnets; `wtao subnet create` locks 100 TAO now.\n",
            pad = " ".repeat(owner.len() - 5)
        );
        assert_eq!(text, expected);
        let json = data(&[subnet(1, 1, true)], Rao(5), 7);
        assert_eq!(json["network_lock_cost_rao"], "5");
        assert_eq!(json["subnets"][0]["burn_rao"], "1000000000");
        assert_eq!(json["subnets"][0]["emission_fraction"], 1.0);
    }
}
