//! The TAO side of a relayer-set change. tao-node keeps its own copy of the relayer set and
//! threshold (it checks each attestation's signer and counts release approvals with it), changed
//! by root. On the devnet, root is //Alice's sudo key, and the devnet knows each relayer's TAO
//! account; so `wtao gov execute` of a relayer-set proposal sets the same relayers and threshold
//! on tao-node right after the EVM side changed, and a removed relayer then counts on neither
//! chain. Elsewhere the TAO chain's own governance must do it (the CLI says so).

use alloy::primitives::Address;
use eyre::{WrapErr, eyre};
use serde_json::{Value, json};
use tao_client::{AccountId32, RelayerInfo, TaoClient};
use wtao_devnet::DevnetInfo;

use crate::output::Output;

/// Sets tao-node's relayer set to `relayers` (EVM addresses of devnet relayers) and
/// `threshold`, through sudo.
pub(crate) async fn mirror_relayers(
    devnet: &DevnetInfo,
    relayers: &[Address],
    threshold: u64,
    out: &Output,
) -> eyre::Result<Value> {
    let mut set = Vec::new();
    for address in relayers {
        let known = devnet
            .relayers
            .iter()
            .find(|r| r.eth_address.parse::<Address>().is_ok_and(|a| a == *address))
            .ok_or_else(|| {
                eyre!(
                    "{address} is not one of the devnet's relayers, so its TAO account is \
                     unknown: set tao-node's relayers yourself (sudo Bridge.set_relayers), or \
                     pass --no-tao-side"
                )
            })?;
        let account: AccountId32 = known.tao_account.parse().map_err(|e| {
            eyre!("the devnet's TAO account {} is unreadable: {e:?}", known.tao_account)
        })?;
        set.push((known.name.clone(), RelayerInfo { account, eth_address: *address }));
    }
    let threshold_u32 = u32::try_from(threshold).wrap_err("the threshold is too large")?;
    let client = TaoClient::connect(&devnet.tao.ws_url)
        .await
        .wrap_err_with(|| format!("connecting to tao-node at {}", devnet.tao.ws_url))?;
    let infos: Vec<RelayerInfo> = set.iter().map(|(_, r)| *r).collect();
    let receipt = client
        .sudo_set_relayers(&tao_client::dev::alice(), &infos, threshold_u32)
        .await
        .wrap_err("setting tao-node's relayer set (sudo Bridge.set_relayers as //Alice)")?;
    let mut names: Vec<&str> = set.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    out.progress(&format!(
        "tao-node: relayers set to {} with threshold {threshold} (block {})",
        names.join(", "),
        receipt.block_number
    ));
    Ok(json!({
        "relayers": names,
        "threshold": threshold,
        "block": receipt.block_number,
        "block_hash": receipt.block_hash,
    }))
}
