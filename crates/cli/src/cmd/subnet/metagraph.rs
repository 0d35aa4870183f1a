//! `wtao subnet metagraph --netuid N`: each neuron's stake and the outputs of the subnet's last
//! epoch, as SubtensorModule stores them.
//!
//! tao-node keeps subtensor's per-uid vectors; `Trust` is not among them (subtensor dropped it
//! with Yuma 3), so the trust column is `ValidatorTrust`, as btcli's `vtrust`.

use clap::Args;
use serde_json::{Value, json};
use tao_client::Metagraph;

use super::{
    proportion, short,
    table::{self, Align},
    unit,
};
use crate::{args::EndpointArgs, chain, output::Output, units};

/// Options of `wtao subnet metagraph`.
#[derive(Debug, Args)]
pub(crate) struct MetagraphArgs {
    /// The subnet.
    #[arg(long, value_name = "N")]
    netuid: u16,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl MetagraphArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let netuid = self.netuid;
        let (m, tempo) = chain::block_on(async {
            let tao = super::connect(&ep).await?;
            super::ensure_subnet(&tao, netuid).await?;
            let m = tao.metagraph(netuid).await?;
            let tempo = tao.subnet_info(netuid).await?.tempo;
            eyre::Ok((m, tempo))
        })??;
        out.success(data(&m, tempo), &human(&m, tempo));
        Ok(())
    }
}

/// `v[uid]`, or the default when the vector is shorter (a neuron registered since the epoch).
fn at<T: Copy + Default>(v: &[T], uid: usize) -> T {
    v.get(uid).copied().unwrap_or_default()
}

pub(crate) fn data(m: &Metagraph, tempo: u16) -> Value {
    let neurons: Vec<Value> = (0..m.hotkeys.len())
        .map(|uid| {
            json!({
                "uid": uid,
                "hotkey": m.hotkeys.get(uid).map(ToString::to_string),
                "stake_rao": at(&m.stake, uid).0.to_string(),
                "incentive": proportion(at(&m.incentive, uid)),
                "dividends": proportion(at(&m.dividends, uid)),
                "trust": proportion(at(&m.validator_trust, uid)),
                "consensus": proportion(at(&m.consensus, uid)),
                "emission_rao": at(&m.emission, uid).0.to_string(),
                "active": at(&m.active, uid),
                "validator_permit": at(&m.validator_permit, uid),
                "last_update": at(&m.last_update, uid),
            })
        })
        .collect();
    json!({"netuid": m.netuid, "block": m.block, "tempo": tempo, "neurons": neurons})
}

pub(crate) fn human(m: &Metagraph, tempo: u16) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let rows: Vec<Vec<String>> = (0..m.hotkeys.len())
        .map(|uid| {
            vec![
                uid.to_string(),
                m.hotkeys.get(uid).map(short).unwrap_or_default(),
                units::tao(u128::from(at(&m.stake, uid).0)),
                table::float(unit(at(&m.incentive, uid)), 4),
                table::float(unit(at(&m.dividends, uid)), 4),
                table::float(unit(at(&m.validator_trust, uid)), 4),
                table::float(unit(at(&m.consensus, uid)), 4),
                units::tao(u128::from(at(&m.emission, uid).0)),
                yes(at(&m.active, uid)),
                yes(at(&m.validator_permit, uid)),
            ]
        })
        .collect();
    let mut text = format!(
        "subnet {} at block {}: {} neurons, tempo {tempo}\n\n",
        m.netuid,
        m.block,
        m.hotkeys.len()
    );
    text.push_str(&table::render(
        &[
            "uid",
            "hotkey",
            "stake",
            "incentive",
            "dividends",
            "trust",
            "consensus",
            "emission",
            "active",
            "permit",
        ],
        &[
            Align::Right,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Left,
        ],
        &rows,
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use tao_client::{AccountId32, Rao};

    fn metagraph() -> Metagraph {
        Metagraph {
            netuid: 1,
            block: 42,
            hotkeys: vec![AccountId32([0; 32]), AccountId32([1; 32])],
            stake: vec![Rao(1_500_000_000), Rao(0)],
            consensus: vec![0, 65_535],
            incentive: vec![0, 65_535],
            dividends: vec![65_535, 0],
            validator_trust: vec![32_768, 0],
            validator_permit: vec![true, false],
            emission: vec![Rao(4_100_000_000), Rao(4_100_000_000)],
            last_update: vec![40, 3],
            // One neuron registered after the epoch: vectors may be shorter.
            active: vec![true],
        }
    }

    #[test]
    fn the_table_has_every_column_in_its_unit() {
        let text = human(&metagraph(), 10);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "subnet 1 at block 42: 2 neurons, tempo 10");
        assert_eq!(
            lines[2],
            "uid  hotkey           stake  incentive  dividends   trust  consensus  emission  active  permit"
        );
        let hotkey = short(&AccountId32([0; 32]));
        assert_eq!(hotkey.chars().count(), 13, "{hotkey}");
        assert!(lines[3].starts_with(&format!("  0  {hotkey}  1.5 TAO")), "{text}");
        assert!(
            lines[3].contains("1.5 TAO")
                && lines[3].contains("1.0000")
                && lines[3].contains("0.5000"),
            "{text}"
        );
        assert!(lines[3].ends_with("4.1 TAO  yes     yes"), "{text}");
        assert!(lines[4].ends_with("4.1 TAO  no      no"), "{text}");
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn json_has_base_units_and_both_forms_of_proportions() {
        let json = data(&metagraph(), 10);
        let n = &json["neurons"][0];
        assert_eq!(n["stake_rao"], "1500000000");
        assert_eq!(n["emission_rao"], "4100000000");
        assert_eq!(n["dividends"], json!({"u16": 65_535, "float": 1.0}));
        assert_eq!(n["trust"]["u16"], 32_768);
        assert_eq!(n["validator_permit"], true);
        assert_eq!(json["neurons"][1]["active"], false);
        assert_eq!(json["neurons"][1]["incentive"]["float"], 1.0);
    }
}
