//! `wtao bridge to-tao <amount> --to 5…`: burn wTAO on TaoBridge, then follow until the
//! relayers released the TAO on tao-node. The bridge burns from the sender's balance itself
//! (WTAO lets only the bridge burn), so no ERC-20 approval is needed.

use std::time::Instant;

use alloy::primitives::B256;
use clap::Args;
use eyre::{WrapErr, bail};
use serde_json::json;
use tao_client::{AccountId32, Rao, ReleaseState, TaoClient};

use super::{FollowArgs, POLL, hex32, to_eth::humantime};
use crate::{
    args::{
        Account, EndpointArgs, KeyArgs,
        address::parse_ss58_or_dev,
        amount::parse_amount,
        keys::{self, EthSigner},
    },
    chain::{self, evm::Evm},
    output::Output,
    units,
};

/// Options of `wtao bridge to-tao`.
#[derive(Debug, Args)]
pub(crate) struct ToTaoArgs {
    /// How much wTAO to burn: `1.5tao` (or `1.5wtao`), `1500000000rao`, or a bare number, which
    /// is TAO. At most 9 decimals.
    #[arg(value_name = "AMOUNT", value_parser = parse_amount)]
    amount: Rao,

    /// Who gets the TAO: an SS58 address (5…, checksum checked) or a dev name (its //Name
    /// account).
    #[arg(long, value_name = "5…|NAME", value_parser = parse_ss58_or_dev)]
    to: Account,

    #[command(flatten)]
    follow: FollowArgs,

    #[command(flatten)]
    keys: KeyArgs,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl ToTaoArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let devnet = ep.devnet.as_ref();
        // Where before who: without endpoints, the missing devnet is the first thing to fix.
        let (tao_rpc, eth_rpc, bridge) = (ep.tao_rpc()?, ep.eth_rpc()?, ep.bridge()?);
        let signer = self.keys.eth(devnet)?;
        let to = match self.to {
            Account::Tao(id) => id,
            Account::Dev(i) => keys::dev_tao(i)?.pair.public_key().to_account_id(),
            Account::Evm(_) => bail!("--to must be an SS58 address"),
        };
        chain::block_on(async {
            let tao = chain::tao(tao_rpc).await?;
            let evm = Evm::connect(eth_rpc, bridge, ep.wtao(), Some(signer.signer.clone())).await?;
            run(out, &tao, &evm, &signer, self.amount, to, &self.follow).await
        })?
    }
}

async fn run(
    out: &Output,
    tao: &TaoClient,
    evm: &Evm,
    signer: &EthSigner,
    amount: Rao,
    to: AccountId32,
    follow: &FollowArgs,
) -> eyre::Result<()> {
    let (chain_id, bridge) = tao.bridge_domain().await?;
    if (chain_id, bridge) != (evm.chain_id, evm.bridge) {
        bail!(
            "tao-node releases burns of chain {chain_id}'s bridge {bridge}, but the EVM endpoint \
             is chain {} with bridge {}: these endpoints are not one bridge; nothing was burned",
            evm.chain_id,
            evm.bridge
        );
    }
    let from = signer.signer.address();
    let balance = evm.wtao_balance(from).await?;
    if balance < alloy::primitives::U256::from(amount.0) {
        bail!(
            "{from} ({}) holds {}, less than the {} to burn; nothing was burned",
            signer.source,
            units::wtao(u128::try_from(balance).unwrap_or(u128::MAX)),
            units::wtao(u128::from(amount.0))
        );
    }
    if evm.paused().await? {
        bail!("the bridge is paused (governance must unpause it); nothing was burned");
    }
    let (relayers, threshold) = tao.relayer_set().await?;
    if relayers.is_empty() || threshold == 0 {
        bail!("tao-node has no relayer set: nobody would release the burn; nothing was burned");
    }
    out.progress(&format!(
        "burning {} from {from} ({}) for {to}",
        units::wtao(u128::from(amount.0)),
        signer.source
    ));
    let started = Instant::now();
    let burn = evm
        .burn(amount.0, B256::from(to.0))
        .await
        .wrap_err("burning on the bridge failed; nothing was burned")?;
    let nonce = burn.nonce;
    let tx = hex32(&burn.tx.0);
    out.progress(&format!("burned (nonce {nonce}, block {}, tx {tx})", burn.block));
    let mut data = json!({
        "direction": "to-tao",
        "nonce": nonce,
        "amount_rao": amount.0.to_string(),
        "from": from.to_checksum(None),
        "to": to.to_string(),
        "burn": {"block": burn.block, "tx": tx, "fee_wei": burn.fee_wei.to_string()},
        "threshold": threshold,
    });
    if follow.no_wait {
        data["stage"] = json!("burned");
        let human = format!(
            "burned {} for {to}: burn nonce {nonce}; `wtao bridge status {nonce} --direction \
             to-tao` follows it",
            units::wtao(u128::from(amount.0))
        );
        out.success(data, &human);
        return Ok(());
    }

    let deadline = started + follow.timeout;
    let mut approvals = 0u32;
    let released = loop {
        match tao.release_state(evm.chain_id, nonce).await? {
            ReleaseState::Released { block } => break block,
            ReleaseState::Pending { conflicted: true, .. } => bail!(
                "the relayers disagree about burn nonce {nonce} (recipient or amount): its \
                 release is blocked until governance (sudo on the devnet) resolves it"
            ),
            ReleaseState::Pending { approvals: now, .. } if now > approvals => {
                approvals = now;
                out.progress(&format!("approvals {approvals}/{threshold}"));
            }
            ReleaseState::Pending { .. } | ReleaseState::Unseen => {}
        }
        if Instant::now() >= deadline {
            let waited = humantime(follow.timeout);
            let tail = format!(
                "the burn is final on the EVM chain: `wtao bridge status {nonce} --direction \
                 to-tao` shows its stage"
            );
            if approvals == 0 {
                bail!(
                    "no relayer approved the release of burn nonce {nonce} after {waited}: are \
                     the relayers running? `wtao devnet status` lists them, `wtao devnet logs \
                     relayer-1` shows what they do (they wait for the burn to be confirmed on \
                     the EVM chain); {tail}"
                );
            }
            bail!(
                "only {approvals} of the {threshold} approvals needed to release burn nonce \
                 {nonce} after {waited}: the other relayers are down or behind (`wtao devnet \
                 status`); {tail}"
            );
        }
        tokio::time::sleep(POLL).await;
    };
    if approvals < threshold {
        out.progress(&format!("approvals {threshold}/{threshold}"));
    }
    let seconds = started.elapsed().as_secs_f64();
    out.progress(&format!("released (TAO block {released})"));
    data["stage"] = json!("released");
    data["release"] = json!({"block": released});
    data["seconds"] = json!((seconds * 1000.0).round() / 1000.0);
    let human = format!(
        "{} → {} {to}: released in {seconds:.1} s (burn nonce {nonce}, fee {})",
        units::wtao(u128::from(amount.0)),
        units::tao(u128::from(amount.0)),
        units::eth(burn.fee_wei),
    );
    out.success(data, &human);
    Ok(())
}
