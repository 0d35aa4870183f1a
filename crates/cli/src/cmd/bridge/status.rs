//! `wtao bridge status <nonce> [--direction to-eth|to-tao]`: the stage of one transfer, read
//! from both chains (nothing is kept locally, so it works for transfers made anywhere).

use clap::{Args, ValueEnum};
use eyre::bail;
use serde_json::json;
use tao_client::{AccountId32, ReleaseState};
use wtao_bridge_types::{BridgeDomain, mint_batch_digest};

use super::{hex32, to_eth::attesters};
use crate::{
    args::EndpointArgs,
    chain::{self, evm::Evm},
    output::Output,
    units,
};

/// Which way the transfer went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Direction {
    /// TAO → wTAO: the nonce is a lock nonce of tao-node.
    ToEth,
    /// wTAO → TAO: the nonce is a burn nonce of TaoBridge.
    ToTao,
}

/// Options of `wtao bridge status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The transfer's nonce: the lock nonce (to-eth) or the burn nonce (to-tao).
    #[arg(value_name = "NONCE")]
    nonce: u64,

    /// Which way the transfer went.
    #[arg(long, value_name = "DIRECTION", default_value = "to-eth")]
    direction: Direction,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl StatusArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let nonce = self.nonce;
        let direction = self.direction;
        let (data, human) = chain::block_on(async {
            let tao = chain::tao(ep.tao_rpc()?).await?;
            let evm = Evm::connect(ep.eth_rpc()?, ep.bridge()?, ep.wtao(), None).await?;
            let (relayers, threshold) = tao.relayer_set().await?;
            match direction {
                Direction::ToEth => {
                    let Some(lock) = tao.find_lock(nonce).await? else {
                        let next = tao.next_lock_nonce().await?;
                        bail!(
                            "tao-node has no lock with nonce {nonce} ({next} locks so far); a \
                             burn nonce needs --direction to-tao"
                        );
                    };
                    let attested = attesters(&tao, lock.block, &relayers).await?;
                    let minted = evm.minted(nonce).await?;
                    let mint = if minted {
                        let locks = tao.locks_in_block(lock.block).await?;
                        let domain = BridgeDomain::new(evm.chain_id, evm.bridge);
                        evm.mint_log(mint_batch_digest(&domain, &locks), 0).await?
                    } else {
                        None
                    };
                    let stage = match (minted, attested >= threshold as usize, attested) {
                        (true, _, _) => "minted",
                        (false, true, _) => "attested",
                        (false, false, 0) => "locked",
                        (false, false, _) => "attesting",
                    };
                    let m = &lock.lock;
                    let amount = u128::from(m.amount.0);
                    let mint_tx = mint.and_then(|l| l.tx).map(|t| hex32(&t.0));
                    let data = json!({
                        "direction": "to-eth", "nonce": nonce, "stage": stage,
                        "amount_rao": m.amount.0.to_string(),
                        "from": AccountId32(m.tao_sender.0).to_string(),
                        "to": m.recipient.to_checksum(None),
                        "lock": {"block": lock.block},
                        "attestations": attested, "threshold": threshold,
                        "relayers": relayers.len(),
                        "mint": mint.map(|l| json!({"tx": mint_tx, "block": l.block})),
                    });
                    let mut human = format!(
                        "lock nonce {nonce}: {} from {} to {}\n  locked    TAO block {}\n  \
                         attested  by {attested} of {} relayers ({threshold} needed)\n",
                        units::tao(amount),
                        AccountId32(m.tao_sender.0),
                        m.recipient,
                        lock.block,
                        relayers.len()
                    );
                    human.push_str(&match (minted, &mint_tx) {
                        (true, Some(tx)) => format!("  minted    tx {tx}\n"),
                        (true, None) => "  minted\n".to_owned(),
                        (false, _) => "  minted    not yet\n".to_owned(),
                    });
                    Ok((data, human))
                }
                Direction::ToTao => {
                    let next = evm.next_burn_nonce().await?;
                    let log = match evm.burn_log(nonce).await? {
                        Some(log) if nonce < next => log,
                        _ => bail!(
                            "the bridge has no burn with nonce {nonce} ({next} burns so far); a \
                             lock nonce needs --direction to-eth"
                        ),
                    };
                    let state = tao.release_state(evm.chain_id, nonce).await?;
                    let (stage, approvals, released) = match state {
                        ReleaseState::Unseen => ("burned", 0, None),
                        ReleaseState::Pending { conflicted: true, approvals } => {
                            ("conflicted", approvals, None)
                        }
                        ReleaseState::Pending { approvals, .. } => ("approving", approvals, None),
                        ReleaseState::Released { block } => ("released", threshold, Some(block)),
                    };
                    let amount: u128 = log.amount.try_into().unwrap_or(u128::MAX);
                    let to = AccountId32(log.tao_recipient.0);
                    let tx = log.tx.map(|t| hex32(&t.0));
                    let data = json!({
                        "direction": "to-tao", "nonce": nonce, "stage": stage,
                        "amount_rao": log.amount.to_string(),
                        "from": log.from.to_checksum(None), "to": to.to_string(),
                        "burn": {"block": log.block, "tx": tx},
                        "approvals": approvals, "threshold": threshold,
                        "release": released.map(|b| json!({"block": b})),
                    });
                    let mut human = format!(
                        "burn nonce {nonce}: {} from {} to {to}\n  burned    tx {}\n  \
                         approvals {approvals}/{threshold}{}\n",
                        units::wtao(amount),
                        log.from,
                        tx.as_deref().unwrap_or("?"),
                        if stage == "conflicted" {
                            " (conflict: blocked until governance resolves it)"
                        } else {
                            ""
                        }
                    );
                    human.push_str(&match released {
                        Some(b) => format!("  released  TAO block {b}\n"),
                        None => "  released  not yet\n".to_owned(),
                    });
                    Ok((data, human))
                }
            }
        })??;
        out.success(data, &human);
        Ok(())
    }
}
