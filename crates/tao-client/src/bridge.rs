//! Reads of the Bridge pallet's progress, for following one transfer from outside the relayers
//! (the CLI's `wtao bridge to-eth|to-tao|status`): where a lock landed, who attested its batch,
//! how many relayers approved a release and whether it was paid.
//!
//! Every read is at the finalized head, as the relayers see it.

use subxt::PolkadotConfig;
use subxt::error::TransactionEventsError;
use subxt::tx::Signer;

use crate::api;
use crate::error::{Result, TaoClientError};
use crate::{Address, H160, H256, LockReceipt, Rao, RelayerInfo, TaoClient, TxReceipt};

/// A finalized lock with the hash of the extrinsic that made it, for people to look up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackedLock {
    /// The `Locked` event and where it landed.
    pub receipt: LockReceipt,
    /// The extrinsic's hash.
    pub extrinsic: H256,
}

/// A lock as the chain recorded it for its mint batch (`Bridge.LocksByBlock`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedTransfer {
    /// The TAO block whose batch holds it: the batch relayers attest.
    pub block: u32,
    /// The mint, exactly as relayers sign it and TaoBridge mints it.
    pub mint: wtao_bridge_types::Mint,
}

/// The state of one burn's release on tao-node, keyed by `(eth_chain_id, burn_nonce)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReleaseState {
    /// No relayer approved it yet.
    Unseen,
    /// Some relayers approved; the threshold is not reached.
    Pending {
        /// Matching approvals so far.
        approvals: u32,
        /// A relayer disagreed on recipient or amount: blocked until governance resolves it.
        conflicted: bool,
    },
    /// Paid from custody in this block.
    Released {
        /// The block of the release.
        block: u32,
    },
}

impl TaoClient {
    /// [`TaoClient::lock`], also returning the extrinsic's hash (what a user quotes).
    pub async fn lock_tracked<S: Signer<PolkadotConfig>>(
        &self,
        signer: &S,
        amount: Rao,
        eth_recipient: Address,
    ) -> Result<TrackedLock> {
        const CALL: &str = "Bridge.lock";
        let call = api::transactions().bridge().lock(amount.0, H160(eth_recipient.into_array()));
        let at =
            self.subxt().at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let progress = at
            .transactions()
            .sign_and_submit_then_watch_default(&call, signer)
            .await
            .map_err(TaoClientError::subxt("submitting a transaction"))?;
        let extrinsic = progress.extrinsic_hash();
        let in_block = progress
            .wait_for_finalized()
            .await
            .map_err(TaoClientError::subxt("waiting for finalization"))?;
        let events = match in_block.wait_for_success().await {
            Ok(events) => events,
            Err(TransactionEventsError::ExtrinsicFailed(e)) => {
                return Err(TaoClientError::dispatch(CALL, e));
            }
            Err(e) => return Err(TaoClientError::subxt("fetching the transaction's events")(e)),
        };
        let block_number = in_block
            .at()
            .await
            .map_err(TaoClientError::subxt("at the inclusion block"))?
            .block_number();
        let fee = match events.find_first::<api::transaction_payment::events::TransactionFeePaid>()
        {
            Some(ev) => {
                Rao(ev.map_err(TaoClientError::subxt("decoding TransactionFeePaid"))?.actual_fee)
            }
            None => Rao(0),
        };
        let ev = events
            .find_first::<api::bridge::events::Locked>()
            .transpose()
            .map_err(TaoClientError::subxt("decoding Bridge.Locked"))?
            .ok_or(TaoClientError::MissingEvent { call: CALL, event: "Bridge.Locked" })?;
        let receipt = LockReceipt {
            nonce: ev.nonce,
            from: ev.from,
            eth_recipient: Address::from(ev.eth_recipient.0),
            amount: Rao(ev.amount),
            tx: TxReceipt { block_hash: in_block.block_hash(), block_number, fee },
        };
        Ok(TrackedLock { receipt, extrinsic })
    }

    /// The relayer set (`Bridge.Relayers`) and threshold (`Bridge.Threshold`).
    pub async fn relayer_set(&self) -> Result<(Vec<RelayerInfo>, u32)> {
        let at =
            self.subxt().at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let relayers = at
            .storage()
            .entry(api::storage().bridge().relayers())
            .map_err(TaoClientError::subxt("looking up Bridge.Relayers"))?
            .fetch(())
            .await
            .map_err(TaoClientError::subxt("reading Bridge.Relayers"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding Bridge.Relayers"))?;
        let threshold = at
            .storage()
            .entry(api::storage().bridge().threshold())
            .map_err(TaoClientError::subxt("looking up Bridge.Threshold"))?
            .fetch(())
            .await
            .map_err(TaoClientError::subxt("reading Bridge.Threshold"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding Bridge.Threshold"))?;
        let relayers = relayers
            .into_iter()
            .map(|r| RelayerInfo {
                account: r.account,
                eth_address: Address::from(r.eth_address.0),
            })
            .collect();
        Ok((relayers, threshold))
    }

    /// The relayers (Ethereum addresses) whose signature of block `block`'s mint batch is stored
    /// (`Bridge.Attestations`), among `relayers`.
    pub async fn attesters(&self, block: u32, relayers: &[RelayerInfo]) -> Result<Vec<Address>> {
        let at =
            self.subxt().at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let entry = at
            .storage()
            .entry(api::storage().bridge().attestations())
            .map_err(TaoClientError::subxt("looking up Bridge.Attestations"))?;
        let mut out = Vec::new();
        for r in relayers {
            let found = entry
                .try_fetch((block, H160(r.eth_address.into_array())))
                .await
                .map_err(TaoClientError::subxt("reading Bridge.Attestations"))?;
            if found.is_some() {
                out.push(r.eth_address);
            }
        }
        Ok(out)
    }

    /// The next lock nonce (`Bridge.NextLockNonce`): every nonce below it was locked.
    pub async fn next_lock_nonce(&self) -> Result<u64> {
        let at =
            self.subxt().at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        at.storage()
            .entry(api::storage().bridge().next_lock_nonce())
            .map_err(TaoClientError::subxt("looking up Bridge.NextLockNonce"))?
            .fetch(())
            .await
            .map_err(TaoClientError::subxt("reading Bridge.NextLockNonce"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding Bridge.NextLockNonce"))
    }

    /// Finds lock `nonce` by walking `Bridge.LocksByBlock` (one entry per block that has locks);
    /// `None` if no such lock exists. Costs one read per block with locks: fine on a devnet,
    /// slow on a long-lived chain, where callers should pass the block they know.
    pub async fn find_lock(&self, nonce: u64) -> Result<Option<LockedTransfer>> {
        let at =
            self.subxt().at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let entry = at
            .storage()
            .entry(api::storage().bridge().locks_by_block())
            .map_err(TaoClientError::subxt("looking up Bridge.LocksByBlock"))?;
        let mut entries =
            entry.iter(()).await.map_err(TaoClientError::subxt("iterating Bridge.LocksByBlock"))?;
        while let Some(kv) = entries.next().await {
            let kv = kv.map_err(TaoClientError::subxt("reading Bridge.LocksByBlock"))?;
            let locks = kv
                .value()
                .decode()
                .map_err(TaoClientError::subxt("decoding Bridge.LocksByBlock"))?;
            let Some(lock) = locks.into_iter().find(|l| l.nonce == nonce) else { continue };
            let key = kv.key().map_err(TaoClientError::subxt("decoding a LocksByBlock key"))?;
            let block = key
                .part(0)
                .ok_or(TaoClientError::MissingEvent {
                    call: "Bridge.LocksByBlock",
                    event: "a block number in the key",
                })?
                .decode_as::<u32>()
                .map_err(TaoClientError::subxt("decoding a LocksByBlock key"))?
                .ok_or(TaoClientError::MissingEvent {
                    call: "Bridge.LocksByBlock",
                    event: "a block number in the key",
                })?;
            let mint = wtao_bridge_types::Mint::new(
                lock.nonce,
                wtao_bridge_types::B256::from(lock.from.0),
                Address::from(lock.eth_recipient.0),
                Rao(lock.amount),
            );
            return Ok(Some(LockedTransfer { block, mint }));
        }
        Ok(None)
    }

    /// Where the release of burn `burn_nonce` from EVM chain `eth_chain_id` stands.
    pub async fn release_state(&self, eth_chain_id: u64, burn_nonce: u64) -> Result<ReleaseState> {
        let at =
            self.subxt().at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let released = at
            .storage()
            .entry(api::storage().bridge().released())
            .map_err(TaoClientError::subxt("looking up Bridge.Released"))?
            .try_fetch(((eth_chain_id, burn_nonce),))
            .await
            .map_err(TaoClientError::subxt("reading Bridge.Released"))?;
        if let Some(block) = released {
            let block =
                block.decode().map_err(TaoClientError::subxt("decoding Bridge.Released"))?;
            return Ok(ReleaseState::Released { block });
        }
        let pending = at
            .storage()
            .entry(api::storage().bridge().pending())
            .map_err(TaoClientError::subxt("looking up Bridge.Pending"))?
            .try_fetch(((eth_chain_id, burn_nonce),))
            .await
            .map_err(TaoClientError::subxt("reading Bridge.Pending"))?;
        let Some(pending) = pending else { return Ok(ReleaseState::Unseen) };
        let pending = pending.decode().map_err(TaoClientError::subxt("decoding Bridge.Pending"))?;
        Ok(ReleaseState::Pending {
            approvals: u32::try_from(pending.approvals.len()).unwrap_or(u32::MAX),
            conflicted: pending.conflicted,
        })
    }
}
