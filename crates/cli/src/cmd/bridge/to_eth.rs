//! `wtao bridge to-eth <amount> --to 0x…`: lock on tao-node, then follow until minted.

use std::time::Instant;

use alloy::primitives::Address;
use clap::Args;
use eyre::{WrapErr, bail, eyre};
use serde_json::json;
use tao_client::{Rao, RelayerInfo, TaoClient};
use wtao_bridge_types::{BridgeDomain, mint_batch_digest};

use super::{FollowArgs, POLL, hex32};
use crate::{
    args::{
        Account, EndpointArgs, KeyArgs,
        address::parse_evm_or_dev,
        amount::parse_amount,
        keys::{self, TaoSigner},
    },
    chain::{self, evm::Evm},
    output::Output,
    units,
};

/// Options of `wtao bridge to-eth`.
#[derive(Debug, Args)]
pub(crate) struct ToEthArgs {
    /// How much TAO to lock: `1.5tao`, `1500000000rao`, or a bare number, which is TAO. At most
    /// 9 decimals (1 rao = 0.000000001 TAO = 1 wTAO base unit).
    #[arg(value_name = "AMOUNT", value_parser = parse_amount)]
    amount: Rao,

    /// Who gets the wTAO: a 0x address (checked against its EIP-55 checksum when mixed case) or a
    /// dev name (its anvil account).
    #[arg(long, value_name = "0x…|NAME", value_parser = parse_evm_or_dev)]
    to: Account,

    #[command(flatten)]
    follow: FollowArgs,

    #[command(flatten)]
    keys: KeyArgs,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl ToEthArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let devnet = ep.devnet.as_ref();
        // Where before who: without endpoints, the missing devnet is the first thing to fix.
        let (tao_rpc, eth_rpc, bridge) = (ep.tao_rpc()?, ep.eth_rpc()?, ep.bridge()?);
        let signer = self.keys.tao(devnet)?;
        let to = match self.to {
            Account::Evm(a) => a,
            Account::Dev(i) => keys::dev_eth(i, devnet)?.signer.address(),
            Account::Tao(_) => bail!("--to must be an Ethereum address"),
        };
        chain::block_on(async {
            let tao = chain::tao(tao_rpc).await?;
            let evm = Evm::connect(eth_rpc, bridge, ep.wtao(), None).await?;
            run(out, &tao, &evm, &signer, self.amount, to, &self.follow).await
        })?
    }
}

async fn run(
    out: &Output,
    tao: &TaoClient,
    evm: &Evm,
    signer: &TaoSigner,
    amount: Rao,
    to: Address,
    follow: &FollowArgs,
) -> eyre::Result<()> {
    let (chain_id, bridge) = tao.bridge_domain().await?;
    if (chain_id, bridge) != (evm.chain_id, evm.bridge) {
        bail!(
            "tao-node's bridge mints on chain {chain_id} through {bridge}, but the EVM endpoint \
             is chain {} with bridge {}: these endpoints are not one bridge",
            evm.chain_id,
            evm.bridge
        );
    }
    let (relayers, threshold) = tao.relayer_set().await?;
    if relayers.is_empty() || threshold == 0 {
        bail!("tao-node has no relayer set: nobody would attest the lock; nothing was locked");
    }
    let from = signer.pair.public_key().to_account_id();
    let free = tao.free_balance(&from).await?;
    if free.0 <= amount.0 {
        bail!(
            "{from} ({}) has {} free, not enough to lock {} and pay the fee; nothing was locked",
            signer.source,
            units::tao(u128::from(free.0)),
            units::tao(u128::from(amount.0))
        );
    }
    let evm_start = evm.head().await?;
    out.progress(&format!(
        "locking {} from {from} ({}) for {to} on chain {}",
        units::tao(u128::from(amount.0)),
        signer.source,
        evm.chain_id
    ));
    let started = Instant::now();
    let lock = tao
        .lock_tracked(&signer.pair, amount, to)
        .await
        .wrap_err("locking on tao-node failed; nothing was locked")?;
    let nonce = lock.receipt.nonce;
    let block = u32::try_from(lock.receipt.tx.block_number)
        .map_err(|_| eyre!("block number {} out of range", lock.receipt.tx.block_number))?;
    let tx = hex32(&lock.extrinsic.0);
    out.progress(&format!("locked (nonce {nonce}, block {block}, tx {tx})"));
    let mut data = json!({
        "direction": "to-eth",
        "nonce": nonce,
        "amount_rao": amount.0.to_string(),
        "from": from.to_string(),
        "to": to.to_checksum(None),
        "lock": {"block": block, "block_hash": hex32(&lock.receipt.tx.block_hash.0), "tx": tx,
                 "fee_rao": lock.receipt.tx.fee.0.to_string()},
        "threshold": threshold,
    });
    if follow.no_wait {
        data["stage"] = json!("locked");
        let human = format!(
            "locked {} for {to}: lock nonce {nonce}; `wtao bridge status {nonce}` follows it",
            units::tao(u128::from(amount.0))
        );
        out.success(data, &human);
        return Ok(());
    }

    let deadline = started + follow.timeout;
    let mut attested = 0usize;
    let minted = loop {
        let now = attesters(tao, block, &relayers).await?;
        if now > attested {
            attested = now;
            out.progress(&attested_line(attested, threshold));
        }
        if evm.minted(nonce).await? {
            // The last attestations and the mint may land between two polls.
            let now = attesters(tao, block, &relayers).await?;
            if now > attested {
                attested = now;
                out.progress(&attested_line(attested, threshold));
            }
            let locks = tao.locks_in_block(block).await?;
            let digest = mint_batch_digest(&BridgeDomain::new(evm.chain_id, evm.bridge), &locks);
            break evm.mint_log(digest, evm_start).await?;
        }
        if Instant::now() >= deadline {
            return Err(stalled(evm, nonce, block, attested, threshold, follow).await);
        }
        tokio::time::sleep(POLL).await;
    };
    let seconds = started.elapsed().as_secs_f64();
    let mint_tx = minted.and_then(|m| m.tx).map(|t| hex32(&t.0));
    out.progress(&format!("minted (tx {})", mint_tx.as_deref().unwrap_or("unknown")));
    data["stage"] = json!("minted");
    data["attestations"] = json!(attested);
    data["mint"] = json!({"tx": mint_tx, "block": minted.and_then(|m| m.block)});
    data["seconds"] = json!((seconds * 1000.0).round() / 1000.0);
    let human = format!(
        "{} → {} {to}: minted in {seconds:.1} s (lock nonce {nonce}, fee {})",
        units::tao(u128::from(amount.0)),
        units::wtao(u128::from(amount.0)),
        units::tao(u128::from(lock.receipt.tx.fee.0)),
    );
    out.success(data, &human);
    Ok(())
}

/// `attested k/M`: progress toward the threshold (more relayers than needed may sign; the
/// JSON result has the real count).
fn attested_line(attested: usize, threshold: u32) -> String {
    format!("attested {}/{threshold}", attested.min(threshold as usize))
}

/// How many of the current relayers attested block `block`'s batch.
pub(super) async fn attesters(
    tao: &TaoClient,
    block: u32,
    relayers: &[RelayerInfo],
) -> eyre::Result<usize> {
    Ok(tao.attesters(block, relayers).await?.len())
}

/// The error of a transfer that did not get minted in time: which stage is missing.
async fn stalled(
    evm: &Evm,
    nonce: u64,
    block: u32,
    attested: usize,
    threshold: u32,
    follow: &FollowArgs,
) -> eyre::Report {
    let waited = humantime(follow.timeout);
    let tail =
        format!("the lock is safe on tao-node: `wtao bridge status {nonce}` shows its stage");
    if attested == 0 {
        return eyre!(
            "lock nonce {nonce} (TAO block {block}) has no relayer attestation after {waited}: \
             are the relayers running? `wtao devnet status` lists them, `wtao devnet logs \
             relayer-1` shows what they do; {tail}"
        );
    }
    if attested < threshold as usize {
        return eyre!(
            "only {attested} of the {threshold} relayer attestations needed for lock nonce \
             {nonce} (TAO block {block}) after {waited}: the other relayers are down or behind \
             (`wtao devnet status`); {tail}"
        );
    }
    let paused = matches!(evm.paused().await, Ok(true));
    let why = if paused {
        "the bridge is paused (governance must unpause it)".to_owned()
    } else {
        "a relayer submits the mint: see `wtao devnet logs relayer-1` (rate limit, gas)".to_owned()
    };
    eyre!(
        "lock nonce {nonce} has {attested}/{threshold} attestations but is not minted on {} \
         after {waited}: {why}; {tail}",
        evm.url()
    )
}

/// `120 s`.
pub(super) fn humantime(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 { format!("{} s", d.as_secs()) } else { format!("{:?}", d) }
}
