//! [`TaoClient`]: typed calls, reads and the finalized bridge-event stream.

use std::pin::Pin;

use futures::Stream;
use subxt::error::TransactionEventsError;
use subxt::tx::{Payload, Signer};
use subxt::{OnlineClient, PolkadotConfig};

use crate::api;
use crate::api::runtime_types::node_subtensor_runtime::RuntimeCall;
use crate::api::runtime_types::tao_node::runtime::bridge::{
    Call as BridgeCall, EvmDomain, Relayer,
};
use crate::error::{Result, TaoClientError};
use crate::{AccountId32, Address, H160, H256, Rao};

type Events = subxt::extrinsics::ExtrinsicEvents<PolkadotConfig>;

/// Where a finalized transaction landed and what it cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxReceipt {
    /// The finalized block that includes it.
    pub block_hash: H256,
    /// Its number.
    pub block_number: u64,
    /// Fee paid (`TransactionPayment.TransactionFeePaid`).
    pub fee: Rao,
}

/// A finalized `Bridge.lock`: the `Locked` event plus the receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockReceipt {
    /// The lock nonce (strictly increasing; the mint's nonce on Ethereum).
    pub nonce: u64,
    /// Who locked.
    pub from: AccountId32,
    /// The wTAO recipient.
    pub eth_recipient: Address,
    /// Amount locked.
    pub amount: Rao,
    /// Where it landed; `tx.block_number` is the mint batch relayers attest.
    pub tx: TxReceipt,
}

/// What one `approve_release` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseOutcome {
    /// Counted; the threshold is not reached yet.
    Approved {
        /// Matching approvals so far.
        approvals: u32,
    },
    /// This approval reached the threshold: custody paid the recipient.
    Released {
        /// Recipient.
        recipient: AccountId32,
        /// Amount paid.
        amount: Rao,
    },
    /// The approval disagreed with earlier ones; the nonce is blocked until governance resolves
    /// it. The call itself succeeds so the conflict is recorded on chain.
    Conflict {
        /// What this relayer claimed.
        recipient: AccountId32,
        /// What this relayer claimed.
        amount: Rao,
    },
}

/// A relayer: its TAO account (approves releases) and Ethereum address (signs mint batches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelayerInfo {
    /// sr25519 account.
    pub account: AccountId32,
    /// secp256k1 address.
    pub eth_address: Address,
}

/// The Bridge events of one finalized block, in order.
#[derive(Clone, Debug)]
pub struct BridgeBlock {
    /// Block number.
    pub number: u64,
    /// Block hash.
    pub hash: H256,
    /// Its Bridge events (often empty).
    pub events: Vec<api::bridge::Event>,
    /// The newest finalized block number known when this one was fetched (for lag metrics).
    pub finalized: u64,
}

/// The finalized blocks with their Bridge events ([`TaoClient::finalized_blocks`]); boxed so it
/// is `Unpin` and nameable (the relayer stores it in a struct).
pub type BridgeBlockStream = Pin<Box<dyn Stream<Item = Result<BridgeBlock>> + Send>>;

/// A connection to tao-node.
#[derive(Clone, Debug)]
pub struct TaoClient {
    api: OnlineClient<PolkadotConfig>,
}

fn h160(a: Address) -> H160 {
    H160(a.into_array())
}

impl TaoClient {
    /// Connect to `url` and download the metadata. `ws://` is accepted (the devnet runs
    /// without TLS); a `wss://` server is verified against the platform's roots (jsonrpsee's
    /// `rustls-platform-verifier`). For other roots, e.g. a private CA, use
    /// [`Self::connect_with_tls`].
    pub async fn connect(url: &str) -> Result<Self> {
        let api = OnlineClient::<PolkadotConfig>::from_insecure_url(url).await.map_err(|e| {
            TaoClientError::Connect { url: url.to_owned(), source: Box::new(e.into()) }
        })?;
        Ok(Self { api })
    }

    /// [`Self::connect`], verifying a `wss://` server with `tls` (its roots, its crypto
    /// provider) instead of the platform verifier.
    ///
    /// A failed WebSocket or TLS handshake is [`TaoClientError::Handshake`], whose source is
    /// the I/O error carrying rustls's reason, so a caller can tell an untrusted certificate
    /// from a node that is down.
    pub async fn connect_with_tls(url: &str, tls: rustls::ClientConfig) -> Result<Self> {
        use jsonrpsee::client_transport::ws::{Url, WsHandshakeError, WsTransportClientBuilder};

        let handshake = |source: Box<dyn std::error::Error + Send + Sync>| {
            TaoClientError::Handshake { url: url.to_owned(), source }
        };
        let parsed = Url::parse(url).map_err(|e| handshake(Box::new(e)))?;
        let (sender, receiver) = WsTransportClientBuilder::default()
            .with_custom_cert_store(tls)
            .build(parsed)
            .await
            .map_err(|e| match e {
                // jsonrpsee drops the I/O error from the source chain; keep it (TLS alerts and
                // certificate errors live inside it).
                WsHandshakeError::Io(io) => handshake(Box::new(io)),
                other => handshake(Box::new(other)),
            })?;
        // As subxt's own WebSocket client (`subxt_rpcs::client::jsonrpsee_client`).
        let client = jsonrpsee::core::client::ClientBuilder::default()
            .max_buffer_capacity_per_subscription(4096)
            .build_with_tokio(sender, receiver);
        let api =
            OnlineClient::<PolkadotConfig>::from_rpc_client(subxt::rpcs::RpcClient::new(client))
                .await
                .map_err(|e| TaoClientError::Connect {
                    url: url.to_owned(),
                    source: Box::new(e.into()),
                })?;
        Ok(Self { api })
    }

    /// The underlying subxt client, for anything this API does not cover.
    pub fn subxt(&self) -> &OnlineClient<PolkadotConfig> {
        &self.api
    }

    /// `Balances.transfer_keep_alive(dest, amount)`; fails (on chain) rather than reap the sender.
    pub async fn transfer<S: Signer<PolkadotConfig>>(
        &self,
        signer: &S,
        dest: AccountId32,
        amount: Rao,
    ) -> Result<TxReceipt> {
        let call = api::transactions().balances().transfer_keep_alive(dest.into(), amount.0);
        let (_, tx) = self.submit("Balances.transfer_keep_alive", &call, signer).await?;
        Ok(tx)
    }

    /// `Bridge.lock(amount, eth_recipient)`: move TAO into custody for wTAO on Ethereum. Returns
    /// the `Locked` event, whose nonce identifies the mint.
    pub async fn lock<S: Signer<PolkadotConfig>>(
        &self,
        signer: &S,
        amount: Rao,
        eth_recipient: Address,
    ) -> Result<LockReceipt> {
        const CALL: &str = "Bridge.lock";
        let call = api::transactions().bridge().lock(amount.0, h160(eth_recipient));
        let (events, tx) = self.submit(CALL, &call, signer).await?;
        let ev = events
            .find_first::<api::bridge::events::Locked>()
            .transpose()
            .map_err(TaoClientError::subxt("decoding Bridge.Locked"))?
            .ok_or(TaoClientError::MissingEvent { call: CALL, event: "Bridge.Locked" })?;
        Ok(LockReceipt {
            nonce: ev.nonce,
            from: ev.from,
            eth_recipient: Address::from(ev.eth_recipient.0),
            amount: Rao(ev.amount),
            tx,
        })
    }

    /// `Bridge.lock` signed with an explicit account `nonce` (immortal) and submitted without
    /// waiting for inclusion: for load generators that put many locks of one account into one
    /// block. Returns the extrinsic hash; the `Locked` event comes with the block.
    pub async fn submit_lock<S: Signer<PolkadotConfig>>(
        &self,
        signer: &S,
        amount: Rao,
        eth_recipient: Address,
        nonce: u64,
    ) -> Result<H256> {
        let at = self.api.at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let call = api::transactions().bridge().lock(amount.0, h160(eth_recipient));
        let params = subxt::config::DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new()
            .nonce(nonce)
            .immortal()
            .build();
        at.transactions()
            .sign_and_submit(&call, signer, params)
            .await
            .map_err(TaoClientError::subxt("submitting Bridge.lock"))
    }

    /// The next account nonce of `who` (pool included), as signers use it.
    pub async fn account_nonce(&self, who: &AccountId32) -> Result<u64> {
        let at = self.api.at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        at.transactions()
            .account_nonce(who)
            .await
            .map_err(TaoClientError::subxt("reading the account nonce"))
    }

    /// `Bridge.attest(block, signature)`: submit a relayer's 65-byte EIP-712 signature of block
    /// `block`'s mint batch. The chain recomputes the digest and accepts only a relayer's
    /// signature; returns the relayer address it recovered.
    pub async fn attest<S: Signer<PolkadotConfig>>(
        &self,
        signer: &S,
        block: u32,
        signature: &[u8],
    ) -> Result<Address> {
        const CALL: &str = "Bridge.attest";
        let call = api::transactions().bridge().attest(block, signature.to_vec());
        let (events, _) = self.submit(CALL, &call, signer).await?;
        let ev = events
            .find_first::<api::bridge::events::Attested>()
            .transpose()
            .map_err(TaoClientError::subxt("decoding Bridge.Attested"))?
            .ok_or(TaoClientError::MissingEvent { call: CALL, event: "Bridge.Attested" })?;
        Ok(Address::from(ev.relayer.0))
    }

    /// `Bridge.approve_release(eth_chain_id, burn_nonce, recipient, amount)` from a relayer
    /// account: counts the approval, releases at the threshold, or records a conflict.
    pub async fn approve_release<S: Signer<PolkadotConfig>>(
        &self,
        signer: &S,
        eth_chain_id: u64,
        burn_nonce: u64,
        recipient: AccountId32,
        amount: Rao,
    ) -> Result<ReleaseOutcome> {
        const CALL: &str = "Bridge.approve_release";
        let call = api::transactions().bridge().approve_release(
            eth_chain_id,
            burn_nonce,
            recipient,
            amount.0,
        );
        let (events, _) = self.submit(CALL, &call, signer).await?;
        let decode = TaoClientError::subxt;
        if let Some(ev) = events.find_first::<api::bridge::events::Released>() {
            let ev = ev.map_err(decode("decoding Bridge.Released"))?;
            return Ok(ReleaseOutcome::Released {
                recipient: ev.recipient,
                amount: Rao(ev.amount),
            });
        }
        if let Some(ev) = events.find_first::<api::bridge::events::ReleaseConflict>() {
            let ev = ev.map_err(decode("decoding Bridge.ReleaseConflict"))?;
            return Ok(ReleaseOutcome::Conflict {
                recipient: ev.recipient,
                amount: Rao(ev.amount),
            });
        }
        match events.find_first::<api::bridge::events::ReleaseApproved>() {
            Some(ev) => Ok(ReleaseOutcome::Approved {
                approvals: ev.map_err(decode("decoding Bridge.ReleaseApproved"))?.approvals,
            }),
            None => {
                Err(TaoClientError::MissingEvent { call: CALL, event: "Bridge.ReleaseApproved" })
            }
        }
    }

    /// Root (through `Sudo.sudo`, signed by the sudo key): replace the relayer set and threshold.
    pub async fn sudo_set_relayers<S: Signer<PolkadotConfig>>(
        &self,
        sudo: &S,
        relayers: &[RelayerInfo],
        threshold: u32,
    ) -> Result<TxReceipt> {
        let relayers = relayers
            .iter()
            .map(|r| Relayer { account: r.account, eth_address: h160(r.eth_address) })
            .collect();
        let call = RuntimeCall::Bridge(BridgeCall::set_relayers { relayers, threshold });
        self.sudo("Bridge.set_relayers", call, sudo).await
    }

    /// Root: set the EIP-712 domain (EVM chain id and TaoBridge address) mint batches are signed
    /// for.
    pub async fn sudo_set_domain<S: Signer<PolkadotConfig>>(
        &self,
        sudo: &S,
        chain_id: u64,
        verifying_contract: Address,
    ) -> Result<TxReceipt> {
        let domain = EvmDomain { chain_id, verifying_contract: h160(verifying_contract) };
        let call = RuntimeCall::Bridge(BridgeCall::set_domain { domain });
        self.sudo("Bridge.set_domain", call, sudo).await
    }

    /// Root: mirror TaoBridge's mint capacity (`mintLimit().capacity`, rao) on the node, so no
    /// block's mint batch sums to more than the bucket holds. Lower it here before lowering it
    /// on Ethereum; raise it here after raising it there (`contracts/README.md`, "Changing the
    /// mint limit").
    pub async fn sudo_set_mint_capacity<S: Signer<PolkadotConfig>>(
        &self,
        sudo: &S,
        capacity: Rao,
    ) -> Result<TxReceipt> {
        let call = RuntimeCall::Bridge(BridgeCall::set_mint_capacity { capacity: capacity.0 });
        self.sudo("Bridge.set_mint_capacity", call, sudo).await
    }

    /// Root: settle block `block`'s mint batch, which can never mint, once governance's
    /// `TaoBridge.voidNonces` of all its nonces is final on Ethereum: refund the locks in
    /// `refund` to their senders, re-lock the others under new nonces (`contracts/README.md`,
    /// "Recovering a stuck batch").
    pub async fn sudo_recover_batch<S: Signer<PolkadotConfig>>(
        &self,
        sudo: &S,
        block: u32,
        refund: Vec<u64>,
    ) -> Result<TxReceipt> {
        let call = RuntimeCall::Bridge(BridgeCall::recover_batch { block, refund });
        self.sudo("Bridge.recover_batch", call, sudo).await
    }

    /// Free balance of `who` at the finalized head (0 for an unknown account).
    pub async fn free_balance(&self, who: &AccountId32) -> Result<Rao> {
        let at = self.api.at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let entry = at
            .storage()
            .entry(api::storage().system().account())
            .map_err(TaoClientError::subxt("looking up System.Account"))?;
        let value = entry
            .fetch((*who,))
            .await
            .map_err(TaoClientError::subxt("reading System.Account"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding System.Account"))?;
        Ok(Rao(value.data.free))
    }

    /// The mint batch of block `block` (`Bridge.LocksByBlock`, in nonce order) as relayers sign
    /// it, read at the finalized head.
    pub async fn locks_in_block(&self, block: u32) -> Result<Vec<wtao_bridge_types::Mint>> {
        let at = self.api.at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let entry = at
            .storage()
            .entry(api::storage().bridge().locks_by_block())
            .map_err(TaoClientError::subxt("looking up Bridge.LocksByBlock"))?;
        let locks = entry
            .fetch((block,))
            .await
            .map_err(TaoClientError::subxt("reading Bridge.LocksByBlock"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding Bridge.LocksByBlock"))?;
        Ok(locks
            .into_iter()
            .map(|l| {
                wtao_bridge_types::Mint::new(
                    l.nonce,
                    wtao_bridge_types::B256::from(l.from.0),
                    Address::from(l.eth_recipient.0),
                    Rao(l.amount),
                )
            })
            .collect())
    }

    /// The EIP-712 domain tao-node checks attestations against: `(evm chain id, TaoBridge
    /// address)`, at the finalized head. A relayer configured for another domain would sign
    /// digests the node rejects, so it compares at start.
    pub async fn bridge_domain(&self) -> Result<(u64, Address)> {
        let at = self.api.at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let entry = at
            .storage()
            .entry(api::storage().bridge().domain())
            .map_err(TaoClientError::subxt("looking up Bridge.Domain"))?;
        let d = entry
            .fetch(())
            .await
            .map_err(TaoClientError::subxt("reading Bridge.Domain"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding Bridge.Domain"))?;
        Ok((d.chain_id, Address::from(d.verifying_contract.0)))
    }

    /// The bridge's custody account (the `Bridge.CustodyAccount` constant).
    pub async fn custody_account(&self) -> Result<AccountId32> {
        let at = self.api.at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        at.constants()
            .entry(api::constants().bridge().custody_account())
            .map_err(TaoClientError::subxt("reading Bridge.CustodyAccount"))
    }

    /// TAO held in custody (locked minus released), at the finalized head.
    pub async fn bridge_custody_balance(&self) -> Result<Rao> {
        let custody = self.custody_account().await?;
        self.free_balance(&custody).await
    }

    /// Stream the finalized blocks, starting with the finalized head at the time of the call,
    /// each with its decoded Bridge events. See [`Self::finalized_blocks_from`].
    pub async fn finalized_blocks(&self) -> Result<BridgeBlockStream> {
        let at = self.api.at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        self.finalized_blocks_from(at.block_number()).await
    }

    /// Stream every finalized block from number `start` on, exactly once and in order, each with
    /// its decoded Bridge events.
    ///
    /// Blocks are fetched by number, and the finalized-heads subscription only says how far to
    /// go: subxt's own block stream starts wherever the head is when it is first polled and may
    /// skip ahead, while a relayer must see every lock and resume from the block it last
    /// processed after a restart.
    pub async fn finalized_blocks_from(&self, start: u64) -> Result<BridgeBlockStream> {
        let heads = self
            .api
            .stream_blocks()
            .await
            .map_err(TaoClientError::subxt("subscribing to blocks"))?;
        let finalized = self
            .api
            .at_current_block()
            .await
            .map_err(TaoClientError::subxt("at block"))?
            .block_number();
        let state = (self.api.clone(), heads, start, finalized);
        Ok(Box::pin(futures::stream::unfold(state, |(api, mut heads, next, mut finalized)| {
            async move {
                while next > finalized {
                    match heads.next().await? {
                        Ok(b) => finalized = finalized.max(b.number()),
                        Err(e) => {
                            let e = TaoClientError::subxt("receiving a finalized head")(e);
                            return Some((Err(e), (api, heads, next, finalized)));
                        }
                    }
                }
                let block = bridge_block(&api, next)
                    .await
                    .map(|b| BridgeBlock { finalized: finalized.max(b.number), ..b });
                // On error the same block is retried by the next poll.
                let next = if block.is_ok() { next + 1 } else { next };
                Some((block, (api, heads, next, finalized)))
            }
        })))
    }

    /// Wrap `call` in `Sudo.sudo`, submit it and check the inner result.
    pub(crate) async fn sudo<S: Signer<PolkadotConfig>>(
        &self,
        what: &'static str,
        call: RuntimeCall,
        signer: &S,
    ) -> Result<TxReceipt> {
        let tx = api::transactions().sudo().sudo(call);
        let (events, receipt) = self.submit("Sudo.sudo", &tx, signer).await?;
        let sudid = events
            .find_first::<api::sudo::events::Sudid>()
            .transpose()
            .map_err(TaoClientError::subxt("decoding Sudo.Sudid"))?
            .ok_or(TaoClientError::MissingEvent { call: "Sudo.sudo", event: "Sudo.Sudid" })?;
        match sudid.sudo_result {
            Ok(()) => Ok(receipt),
            Err(e) => Err(TaoClientError::SudoFailed { call: what, reason: format!("{e:?}") }),
        }
    }

    /// Sign with the default parameters (mortal, tip 0), submit, wait until finalized and turn a
    /// failed call into [`TaoClientError::Dispatch`].
    pub(crate) async fn submit<P: Payload, S: Signer<PolkadotConfig>>(
        &self,
        what: &'static str,
        call: &P,
        signer: &S,
    ) -> Result<(Events, TxReceipt)> {
        let at = self.api.at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let in_block = at
            .transactions()
            .sign_and_submit_then_watch_default(call, signer)
            .await
            .map_err(TaoClientError::subxt("submitting a transaction"))?
            .wait_for_finalized()
            .await
            .map_err(TaoClientError::subxt("waiting for finalization"))?;
        let events = match in_block.wait_for_success().await {
            Ok(events) => events,
            Err(TransactionEventsError::ExtrinsicFailed(e)) => {
                return Err(TaoClientError::dispatch(what, e));
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
        Ok((events, TxReceipt { block_hash: in_block.block_hash(), block_number, fee }))
    }
}

/// Block `number` with its Bridge events.
async fn bridge_block(api: &OnlineClient<PolkadotConfig>, number: u64) -> Result<BridgeBlock> {
    let at = api.at_block(number).await.map_err(TaoClientError::subxt("at a finalized block"))?;
    let events =
        at.events().fetch().await.map_err(TaoClientError::subxt("fetching a block's events"))?;
    let mut bridge = Vec::new();
    for ev in events.iter() {
        let ev = ev.map_err(TaoClientError::subxt("decoding an event"))?;
        if ev.pallet_name() != "Bridge" {
            continue;
        }
        if let api::Event::Bridge(e) = ev
            .decode_as::<api::Event>()
            .map_err(TaoClientError::subxt("decoding a Bridge event"))?
        {
            bridge.push(e);
        }
    }
    Ok(BridgeBlock { number, hash: at.block_hash(), events: bridge, finalized: number })
}
