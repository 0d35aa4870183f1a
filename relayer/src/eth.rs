//! The EVM side: TaoBridge reads, `Burned` logs, block hashes, and mint transactions signed here.
//!
//! Transactions are built and signed locally (not by a filler stack) because the relayer must
//! know a transaction's hash and raw bytes *before* it is sent: they go into the write-ahead
//! record first, so a crash between "sent" and "recorded" cannot leave a mint in flight that the
//! relayer does not know about.

use alloy::eips::{BlockNumberOrTag, Encodable2718};
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::providers::{Provider, RootProvider};
use alloy::rpc::types::{Filter, TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolEvent};
use alloy::transports::{RpcError, TransportErrorKind};

use std::sync::Arc;
use std::time::Duration;

use alloy::rpc::client::RpcClient;
use tracing::warn;
use url::Url;

use crate::error::{RelayerError, TlsError};
use crate::failover::{Endpoints, TARGET};
use crate::metrics::Metrics;
use crate::quorum::{BlockView, BurnLog, BurnSource};
use crate::rpc::FailoverTransport;
use crate::store::{Burn, BurnStatus, MintRecord, now_ms};
use crate::tls::{self, ClientTls};

/// The bridge's bindings: `wtao-bridge-types`' (with its `rpc` feature), the one set in the
/// workspace.
pub use wtao_bridge_types::ITaoBridge;
pub use wtao_bridge_types::ITaoBridge::ITaoBridgeErrors as BridgeRevert;

/// Gas limit headroom over `eth_estimateGas` (percent).
const GAS_HEADROOM_PERCENT: u64 = 20;
/// Plus this much: wTAO's ERC20Votes writes a new total-supply checkpoint (~29,400 gas) on the
/// first supply change of each clock tick, so a mint estimated in a tick that already has one
/// needs that much more when it lands in the next.
const GAS_HEADROOM_CHECKPOINT: u64 = 35_000;

/// A canonical block's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockId {
    /// Number.
    pub number: u64,
    /// Hash.
    pub hash: B256,
    /// Parent hash.
    pub parent: B256,
}

/// What `eth_estimateGas` said about a mint.
#[derive(Debug)]
pub enum Simulation {
    /// It would succeed with this much gas.
    Ok(u64),
    /// The bridge reverts with one of its own errors.
    Revert(BridgeRevert),
}

/// Fees of one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fees {
    /// Max fee per gas (wei).
    pub max_fee_per_gas: u128,
    /// Max priority fee per gas (wei).
    pub max_priority_fee_per_gas: u128,
}

/// A signed mint transaction, not yet sent.
#[derive(Clone, Debug)]
pub struct SignedTx {
    /// Its hash.
    pub hash: B256,
    /// EIP-2718 bytes.
    pub raw: Bytes,
}

/// Connection to the EVM chain and the bridge.
#[derive(Clone, Debug)]
pub struct EthClient {
    provider: RootProvider,
    failover: FailoverTransport,
    /// Each endpoint on its own, for the quorum.
    voters: Vec<EthView>,
    /// The failover provider as one voter (quorum 1).
    main: EthView,
    bridge: Address,
    chain_id: u64,
    wallet: EthereumWallet,
    from: Address,
}

/// One provider's view of the bridge's `Burned` logs: a [`BurnSource`] for the quorum.
#[derive(Clone, Debug)]
pub struct EthView {
    name: String,
    provider: RootProvider,
    bridge: Address,
}

impl EthView {
    /// The `Burned` logs of block `hash` (at height `number`).
    async fn burn_logs(&self, hash: B256) -> Result<Vec<BurnLog>, RelayerError> {
        let filter = Filter::new()
            .address(self.bridge)
            .event_signature(ITaoBridge::Burned::SIGNATURE_HASH)
            .at_block_hash(hash);
        let logs = self.provider.get_logs(&filter).await.map_err(rpc("reading Burned logs"))?;
        logs.into_iter()
            .map(|log| {
                let (tx, log_index) = (log.transaction_hash, log.log_index);
                let ev = log.log_decode::<ITaoBridge::Burned>().map_err(|e| RelayerError::Eth {
                    context: "decoding a Burned log",
                    reason: e.to_string(),
                })?;
                let ev = ev.inner.data;
                Ok(BurnLog {
                    nonce: ev.nonce,
                    from: ev.from,
                    tao_recipient: ev.taoRecipient,
                    amount: ev.amount,
                    tx,
                    log_index,
                })
            })
            .collect()
    }

    async fn block(&self, n: u64) -> Result<Option<BlockId>, RelayerError> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(n))
            .await
            .map_err(rpc("reading a block"))?;
        Ok(block.map(|b| BlockId { number: n, hash: b.header.hash, parent: b.header.parent_hash }))
    }
}

impl BurnSource for EthView {
    fn name(&self) -> String {
        self.name.clone()
    }

    async fn view(&self, block: u64) -> Result<Option<BlockView>, RelayerError> {
        let Some(b) = self.block(block).await? else { return Ok(None) };
        Ok(Some(BlockView { hash: b.hash, burns: self.burn_logs(b.hash).await? }))
    }
}

fn provider(transport: FailoverTransport, url: &Url) -> RootProvider {
    let local = alloy::transports::utils::guess_local_url(url.as_str());
    RootProvider::new(RpcClient::new(transport, local))
}

fn rpc(context: &'static str) -> impl FnOnce(RpcError<TransportErrorKind>) -> RelayerError {
    move |e| RelayerError::Eth { context, reason: e.to_string() }
}

impl EthClient {
    /// Connect to `url` (`http://`, or `https://` verified against `tls`) and check its chain
    /// id: [`Self::connect_all`] with one endpoint.
    pub async fn connect(
        url: &Url,
        chain_id: u64,
        bridge: Address,
        signer: PrivateKeySigner,
        tls: &ClientTls,
    ) -> Result<Self, RelayerError> {
        let metrics = Arc::new(Metrics::new());
        let stale = Duration::from_secs(60);
        Self::connect_all(std::slice::from_ref(url), chain_id, bridge, signer, tls, stale, metrics)
            .await
    }

    /// Connect to the endpoints `urls` (failover in this order, see [`crate::failover`]) and
    /// check their chain id: an endpoint on another chain is a configuration error; one that does
    /// not answer is logged and used when it comes back; none answering is an error.
    pub async fn connect_all(
        urls: &[Url],
        chain_id: u64,
        bridge: Address,
        signer: PrivateKeySigner,
        tls: &ClientTls,
        stale_after: Duration,
        metrics: Arc<Metrics>,
    ) -> Result<Self, RelayerError> {
        for url in urls {
            tls.check(url)?;
        }
        let failover = FailoverTransport::new(urls, tls, stale_after, metrics.clone())?;
        let first = urls.first().ok_or_else(|| RelayerError::Setup("no eth.rpc_url".into()))?;
        let mut voters = Vec::with_capacity(urls.len());
        let mut first_error = None;
        let mut answered = false;
        for url in urls {
            let one = FailoverTransport::new(
                std::slice::from_ref(url),
                tls,
                stale_after,
                metrics.clone(),
            )?;
            let p = provider(one, url);
            match p.get_chain_id().await {
                Ok(actual) if actual != chain_id => {
                    return Err(RelayerError::Setup(format!(
                        "{url} is chain {actual}, but the config says eth.chain_id = {chain_id}"
                    )));
                }
                Ok(_) => answered = true,
                Err(e) => {
                    let e: RelayerError = match tls::failure(&e) {
                        Some(failure) => {
                            TlsError::Handshake { url: url.to_string(), failure }.into()
                        }
                        None => rpc("reading the chain id")(e),
                    };
                    if urls.len() > 1 {
                        warn!(target: TARGET, chain = "eth", %url, error = %e, "endpoint not usable now");
                    }
                    first_error.get_or_insert(e);
                }
            }
            voters.push(EthView { name: url.to_string(), provider: p, bridge });
        }
        if !answered && let Some(e) = first_error {
            return Err(e);
        }
        let main_provider = provider(failover.clone(), first);
        let main =
            EthView { name: "the endpoint in use".into(), provider: main_provider.clone(), bridge };
        let from = signer.address();
        Ok(Self {
            provider: main_provider,
            failover,
            voters,
            main,
            bridge,
            chain_id,
            wallet: EthereumWallet::from(signer),
            from,
        })
    }

    /// The failover state of the endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        self.failover.endpoints()
    }

    /// Who votes on a burn with quorum `k`: with 1, the endpoint in use; above, every configured
    /// endpoint on its own.
    pub fn voters(&self, k: usize) -> &[EthView] {
        if k <= 1 { std::slice::from_ref(&self.main) } else { &self.voters }
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The bridge address.
    pub fn bridge(&self) -> Address {
        self.bridge
    }

    /// Our transaction sender.
    pub fn from(&self) -> Address {
        self.from
    }

    fn contract(&self) -> ITaoBridge::ITaoBridgeInstance<&RootProvider> {
        ITaoBridge::new(self.bridge, &self.provider)
    }

    /// Latest block number.
    pub async fn head(&self) -> Result<u64, RelayerError> {
        self.provider.get_block_number().await.map_err(rpc("reading the block number"))
    }

    /// Canonical block `n`, if it exists.
    pub async fn block(&self, n: u64) -> Result<Option<BlockId>, RelayerError> {
        self.main.block(n).await
    }

    /// The `Burned` events of block `hash`.
    pub async fn burns_in(&self, block: BlockId) -> Result<Vec<Burn>, RelayerError> {
        let now = now_ms();
        Ok(self
            .main
            .burn_logs(block.hash)
            .await?
            .into_iter()
            .map(|l| Burn {
                nonce: l.nonce,
                from: l.from,
                tao_recipient: l.tao_recipient,
                amount: l.amount,
                block: block.number,
                block_hash: block.hash,
                tx: l.tx,
                log_index: l.log_index,
                seen_at_ms: now,
                status: BurnStatus::Pending,
            })
            .collect())
    }

    /// The relayer set, sorted by address as the contract keeps it, and the threshold.
    pub async fn relayer_set(&self) -> Result<(Vec<Address>, u64), RelayerError> {
        let c = self.contract();
        let mut set = c.relayers().call().await.map_err(contract("reading relayers()"))?;
        set.sort();
        let threshold = c.threshold().call().await.map_err(contract("reading threshold()"))?;
        Ok((set, u64::try_from(threshold).unwrap_or(u64::MAX)))
    }

    /// Whether mint nonce `n` is used.
    pub async fn nonce_used(&self, n: u64) -> Result<bool, RelayerError> {
        self.contract().isNonceUsed(n).call().await.map_err(contract("reading isNonceUsed"))
    }

    /// Whether the bridge is paused.
    pub async fn paused(&self) -> Result<bool, RelayerError> {
        self.contract().paused().call().await.map_err(contract("reading paused()"))
    }

    /// What the mint rate limit allows right now (rao).
    pub async fn available_mint(&self) -> Result<U256, RelayerError> {
        self.contract().availableMint().call().await.map_err(contract("reading availableMint()"))
    }

    /// The balance of our sender (wei): what it has left to pay for mints.
    pub async fn balance(&self) -> Result<U256, RelayerError> {
        self.provider.get_balance(self.from).await.map_err(rpc("reading the signer balance"))
    }

    /// The account nonce of our sender: `pending` includes the mempool.
    pub async fn account_nonce(&self, pending: bool) -> Result<u64, RelayerError> {
        let call = self.provider.get_transaction_count(self.from);
        let call = if pending { call.pending() } else { call.latest() };
        call.await.map_err(rpc("reading the account nonce"))
    }

    /// Current fee suggestion.
    pub async fn fees(&self) -> Result<Fees, RelayerError> {
        let est = self.provider.estimate_eip1559_fees().await.map_err(rpc("estimating fees"))?;
        Ok(Fees {
            max_fee_per_gas: est.max_fee_per_gas,
            max_priority_fee_per_gas: est.max_priority_fee_per_gas,
        })
    }

    fn mint_request(&self, mints: &[MintRecord], sigs: &[Bytes]) -> TransactionRequest {
        let batch = mints.iter().copied().map(ITaoBridge::Mint::from).collect();
        let input = ITaoBridge::mintCall { batch, signatures: sigs.to_vec() }.abi_encode();
        TransactionRequest::default().with_from(self.from).with_to(self.bridge).with_input(input)
    }

    /// Dry-run `mint(batch, sigs)` from our account.
    pub async fn simulate_mint(
        &self,
        mints: &[MintRecord],
        sigs: &[Bytes],
    ) -> Result<Simulation, RelayerError> {
        match self.provider.estimate_gas(self.mint_request(mints, sigs)).await {
            Ok(gas) => Ok(Simulation::Ok(gas)),
            Err(e) => match e.as_error_resp().and_then(|p| p.as_decoded_interface_error()) {
                Some(revert) => Ok(Simulation::Revert(revert)),
                None => Err(rpc("estimating gas for mint")(e)),
            },
        }
    }

    /// Sign `mint(batch, sigs)` with account nonce `nonce`, gas `gas` (+ headroom) and `fees`.
    pub async fn sign_mint(
        &self,
        mints: &[MintRecord],
        sigs: &[Bytes],
        nonce: u64,
        gas: u64,
        fees: Fees,
    ) -> Result<SignedTx, RelayerError> {
        let tx = self
            .mint_request(mints, sigs)
            .with_chain_id(self.chain_id)
            .with_nonce(nonce)
            .with_gas_limit(
                gas.saturating_add(gas * GAS_HEADROOM_PERCENT / 100)
                    .saturating_add(GAS_HEADROOM_CHECKPOINT),
            )
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let envelope = tx
            .build(&self.wallet)
            .await
            .map_err(|e| RelayerError::Eth { context: "signing a mint", reason: e.to_string() })?;
        Ok(SignedTx { hash: *envelope.tx_hash(), raw: envelope.encoded_2718().into() })
    }

    /// Broadcast a signed transaction. "Already known" counts as success (a rebroadcast).
    pub async fn send_raw(&self, raw: &[u8]) -> Result<(), RelayerError> {
        match self.provider.send_raw_transaction(raw).await {
            Ok(_) => Ok(()),
            // The node has it already (geth: "already known", anvil: "already imported"): a
            // rebroadcast after a restart, which is the point.
            Err(e)
                if {
                    let m = e.to_string().to_ascii_lowercase();
                    m.contains("already known") || m.contains("already imported")
                } =>
            {
                Ok(())
            }
            Err(e) => Err(rpc("sending a mint transaction")(e)),
        }
    }

    /// The receipt of `hash`, if mined.
    pub async fn receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>, RelayerError> {
        self.provider.get_transaction_receipt(hash).await.map_err(rpc("reading a receipt"))
    }
}

fn contract(context: &'static str) -> impl FnOnce(alloy::contract::Error) -> RelayerError {
    move |e| RelayerError::Eth { context, reason: e.to_string() }
}
