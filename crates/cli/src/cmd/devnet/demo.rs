//! `wtao devnet up --subnet-demo`: the GPU-scored subnet running on the devnet's demo subnet
//! (netuid 1) — two miners and a validator as managed children of the devnet, with their logs in
//! `logs/miner-1.log` …, stopped by `wtao devnet down`.
//!
//! Before starting them (idempotent, so a resumed devnet reuses everything):
//! `WeightsSetRateLimit` and `ServingRateLimit` of the subnet go to 0 by sudo (the demo's tempo
//! is 10 blocks, the defaults 100 and 50), the hotkeys `//Alice//miner1`, `//Alice//miner2`,
//! `//Alice//validator` are registered by alice's coldkey, and the validator gets 100 TAO of
//! stake (for its validator permit).

use std::{path::Path, time::Duration};

use eyre::WrapErr;
use tao_client::{AdminUtilsCall, Rao, dev};
use wtao_devnet::{AgentInfo, ChildSpec, Devnet, Program};

use crate::output::Output;

/// The demo subnet (the devnet's genesis subnet).
pub(crate) const NETUID: u16 = 1;
/// Stake given to the demo validator.
const VALIDATOR_STAKE: Rao = Rao(100_000_000_000);
/// How long an agent may take to report that it started.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How many agents the demo starts.
pub(crate) const AGENT_COUNT: usize = AGENTS.len();

/// The agents: name, role, hotkey URI.
const AGENTS: [(&str, &str, &str); 3] = [
    ("miner-1", "miner", "//Alice//miner1"),
    ("miner-2", "miner", "//Alice//miner2"),
    ("validator-1", "validator", "//Alice//validator"),
];

/// Prepares the demo subnet and starts its agents under `devnet`.
pub(crate) fn start(
    devnet: &mut Devnet,
    exe: &Path,
    profile: &str,
    out: &Output,
) -> eyre::Result<()> {
    let ws = devnet.info.tao.ws_url.clone();
    let uids = crate::chain::block_on(prepare(&ws))??;
    let data_dir = devnet.info.data_dir.clone();
    for ((name, role, uri), (uid, hotkey)) in AGENTS.into_iter().zip(uids) {
        let log = devnet.layout.log(name);
        let mut spec = ChildSpec::new(name, Program::new(exe), &log)
            .args([role, "run", "--netuid", "1", "--profile", profile, "--tao-rpc", &ws])
            .arg("--data-dir")
            .arg(&data_dir)
            .env("WTAO_TAO_KEY_URI", uri)
            .grace(Duration::from_secs(5));
        if role == "miner" {
            spec = spec.args(["--listen", "127.0.0.2:0"]);
        }
        let agent = AgentInfo {
            name: name.into(),
            role: role.into(),
            netuid: NETUID,
            uid,
            hotkey,
            hotkey_uri: uri.into(),
            log,
            pid: None,
        };
        let started = format!("{role} uid ");
        devnet
            .start_agent(agent, &spec, START_TIMEOUT, |line| line.starts_with(&started))
            .wrap_err_with(|| format!("starting the subnet demo's {name}"))?;
        out.progress(&format!("  subnet demo: {name} ({role}) uid {uid} started"));
    }
    Ok(())
}

/// Rate limits off, hotkeys registered, the validator staked: each agent's (uid, SS58 hotkey).
async fn prepare(ws: &str) -> eyre::Result<Vec<(u16, String)>> {
    let tao = crate::chain::tao(ws).await?;
    let alice = dev::alice();
    let info = tao.subnet_info(NETUID).await?;
    if info.weights_rate_limit != 0 {
        let call = AdminUtilsCall::sudo_set_weights_set_rate_limit {
            netuid: NETUID,
            weights_set_rate_limit: 0,
        };
        tao.sudo_admin_utils(&alice, call).await.wrap_err("lowering WeightsSetRateLimit")?;
    }
    let call =
        AdminUtilsCall::sudo_set_serving_rate_limit { netuid: NETUID, serving_rate_limit: 0 };
    tao.sudo_admin_utils(&alice, call).await.wrap_err("lowering ServingRateLimit")?;
    let mut out = Vec::new();
    for (name, role, uri) in AGENTS {
        let pair = wtao_relayer::keys::parse_suri(uri)
            .map_err(|_| eyre::eyre!("the demo's hotkey URI {uri} does not parse"))?;
        let hotkey = pair.public_key().to_account_id();
        let uid = match tao.uid(NETUID, &hotkey).await? {
            Some(uid) => uid,
            None => tao
                .burned_register(&alice, NETUID, hotkey)
                .await
                .wrap_err_with(|| format!("registering the demo's {name}"))?,
        };
        if role == "validator" && tao.hotkey_stake(&hotkey, NETUID).await?.0 < VALIDATOR_STAKE.0 {
            tao.add_stake(&alice, hotkey, NETUID, VALIDATOR_STAKE)
                .await
                .wrap_err("staking to the demo's validator")?;
        }
        out.push((uid, hotkey.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_keys_parse_and_differ() {
        let keys: Vec<String> = AGENTS
            .iter()
            .map(|(_, _, uri)| {
                wtao_relayer::keys::parse_suri(uri)
                    .unwrap()
                    .public_key()
                    .to_account_id()
                    .to_string()
            })
            .collect();
        assert_eq!(keys.len(), 3);
        assert!(keys[0] != keys[1] && keys[1] != keys[2]);
    }
}
