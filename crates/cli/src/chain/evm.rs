//! The EVM side as the CLI needs it: TaoBridge and WTAO reads, a burn signed here, and the logs
//! that say when a lock was minted or a burn happened. The bindings are `wtao-bridge-types`'
//! (generated from `contracts/src/interfaces/ITaoBridge.sol`), the one set the relayer uses too.

use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::Filter,
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use eyre::{WrapErr, eyre};
use wtao_bridge_types::ITaoBridge;

use super::IERC20Balance;

/// A connection to the EVM chain and the bridge on it.
#[derive(Clone, Debug)]
pub(crate) struct Evm {
    provider: DynProvider,
    url: String,
    /// The chain id.
    pub(crate) chain_id: u64,
    /// TaoBridge.
    pub(crate) bridge: Address,
    /// WTAO.
    pub(crate) wtao: Address,
}

/// A burn that landed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BurnReceipt {
    /// The burn nonce (keys the release on TAO).
    pub(crate) nonce: u64,
    /// The transaction.
    pub(crate) tx: B256,
    /// Its block.
    pub(crate) block: u64,
    /// Gas used × effective gas price (wei): what it cost the sender in ETH.
    pub(crate) fee_wei: u128,
}

/// A `Burned` log found by nonce.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BurnLog {
    /// Who burned.
    pub(crate) from: Address,
    /// The TAO recipient (public key).
    pub(crate) tao_recipient: B256,
    /// Amount (rao).
    pub(crate) amount: U256,
    /// The transaction.
    pub(crate) tx: Option<B256>,
    /// Its block.
    pub(crate) block: Option<u64>,
}

/// Where a batch was minted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MintLog {
    /// The transaction.
    pub(crate) tx: Option<B256>,
    /// Its block.
    pub(crate) block: Option<u64>,
}

impl Evm {
    /// Connects to `url` (with `signer` as the wallet, if any) and reads the chain id and, unless
    /// given, WTAO's address from the bridge.
    pub(crate) async fn connect(
        url: &str,
        bridge: Address,
        wtao: Option<Address>,
        signer: Option<PrivateKeySigner>,
    ) -> eyre::Result<Self> {
        let parsed = url.parse().wrap_err_with(|| format!("--eth-rpc `{url}` is not a URL"))?;
        let provider = match signer {
            Some(s) => {
                ProviderBuilder::new().wallet(EthereumWallet::from(s)).connect_http(parsed).erased()
            }
            None => ProviderBuilder::new().connect_http(parsed).erased(),
        };
        let chain_id = provider
            .get_chain_id()
            .await
            .wrap_err_with(|| format!("could not reach the EVM chain at {url} (is it running?)"))?;
        let code = provider.get_code_at(bridge).await.wrap_err("reading the bridge's code")?;
        if code.is_empty() {
            return Err(eyre!(
                "no contract at --bridge {bridge} on chain {chain_id} ({url}): wrong address or \
                 wrong chain"
            ));
        }
        let wtao = match wtao {
            Some(w) => w,
            None => ITaoBridge::new(bridge, &provider)
                .wtao()
                .call()
                .await
                .wrap_err_with(|| format!("reading wtao() from the bridge at {bridge}"))?,
        };
        Ok(Self { provider, url: url.to_owned(), chain_id, bridge, wtao })
    }

    /// The RPC URL.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The latest block number.
    pub(crate) async fn head(&self) -> eyre::Result<u64> {
        self.provider.get_block_number().await.wrap_err("reading the EVM block number")
    }

    /// ETH (wei) of `who`.
    pub(crate) async fn eth_balance(&self, who: Address) -> eyre::Result<U256> {
        self.provider.get_balance(who).await.wrap_err("reading an ETH balance")
    }

    /// wTAO (rao) of `who`.
    pub(crate) async fn wtao_balance(&self, who: Address) -> eyre::Result<U256> {
        IERC20Balance::new(self.wtao, &self.provider)
            .balanceOf(who)
            .call()
            .await
            .wrap_err("reading a wTAO balance")
    }

    /// Whether lock nonce `nonce` was minted.
    pub(crate) async fn minted(&self, nonce: u64) -> eyre::Result<bool> {
        ITaoBridge::new(self.bridge, &self.provider)
            .isNonceUsed(nonce)
            .call()
            .await
            .wrap_err("reading isNonceUsed() from the bridge")
    }

    /// The next burn nonce: every smaller one was burned.
    pub(crate) async fn next_burn_nonce(&self) -> eyre::Result<u64> {
        ITaoBridge::new(self.bridge, &self.provider)
            .nextBurnNonce()
            .call()
            .await
            .wrap_err("reading nextBurnNonce() from the bridge")
    }

    /// Whether the bridge is paused.
    pub(crate) async fn paused(&self) -> eyre::Result<bool> {
        ITaoBridge::new(self.bridge, &self.provider)
            .paused()
            .call()
            .await
            .wrap_err("reading paused() from the bridge")
    }

    /// The `BatchMinted` log of the batch with EIP-712 digest `digest`, from block `from` on.
    pub(crate) async fn mint_log(&self, digest: B256, from: u64) -> eyre::Result<Option<MintLog>> {
        let filter = Filter::new()
            .address(self.bridge)
            .event_signature(ITaoBridge::BatchMinted::SIGNATURE_HASH)
            .topic1(digest)
            .from_block(from);
        let logs = self.provider.get_logs(&filter).await.wrap_err("reading BatchMinted logs")?;
        Ok(logs.first().map(|l| MintLog { tx: l.transaction_hash, block: l.block_number }))
    }

    /// The `Burned` log of burn `nonce`, if any.
    pub(crate) async fn burn_log(&self, nonce: u64) -> eyre::Result<Option<BurnLog>> {
        let filter = Filter::new()
            .address(self.bridge)
            .event_signature(ITaoBridge::Burned::SIGNATURE_HASH)
            .topic1(U256::from(nonce))
            .from_block(0);
        let logs = self.provider.get_logs(&filter).await.wrap_err("reading Burned logs")?;
        let Some(log) = logs.first() else { return Ok(None) };
        let ev = log.log_decode::<ITaoBridge::Burned>().wrap_err("decoding a Burned log")?;
        let ev = &ev.inner.data;
        Ok(Some(BurnLog {
            from: ev.from,
            tao_recipient: ev.taoRecipient,
            amount: ev.amount,
            tx: log.transaction_hash,
            block: log.block_number,
        }))
    }

    /// Burns `amount` rao of the signer's wTAO for `tao_recipient` and waits for the receipt.
    pub(crate) async fn burn(&self, amount: u64, tao_recipient: B256) -> eyre::Result<BurnReceipt> {
        let c = ITaoBridge::new(self.bridge, &self.provider);
        let call = c.burn(U256::from(amount), tao_recipient);
        let refused =
            |e: alloy::contract::Error, doing: &'static str| match e
                .as_decoded_interface_error::<ITaoBridge::ITaoBridgeErrors>()
            {
                Some(revert) => eyre!("the bridge refused the burn: {}", describe_revert(&revert)),
                None => eyre!(e).wrap_err(doing),
            };
        let estimate =
            call.estimate_gas().await.map_err(|e| refused(e, "estimating the burn's gas"))?;
        let pending = call
            .gas(estimate.saturating_add(GAS_HEADROOM))
            .send()
            .await
            .map_err(|e| refused(e, "sending the burn"))?;
        let receipt = pending.get_receipt().await.wrap_err("waiting for the burn's receipt")?;
        if !receipt.status() {
            return Err(eyre!(
                "the burn transaction {} reverted on chain",
                receipt.transaction_hash
            ));
        }
        let burned = receipt
            .inner
            .logs()
            .iter()
            .find_map(|l| l.log_decode::<ITaoBridge::Burned>().ok())
            .ok_or_else(|| {
                eyre!("the burn {} emitted no Burned event", receipt.transaction_hash)
            })?;
        Ok(BurnReceipt {
            nonce: burned.inner.data.nonce,
            tx: receipt.transaction_hash,
            block: receipt.block_number.unwrap_or_default(),
            fee_wei: u128::from(receipt.gas_used).saturating_mul(receipt.effective_gas_price),
        })
    }
}

/// Gas added to `eth_estimateGas` for the CLI's transactions. The estimate runs against the
/// pending block, but the transaction may land in the next minute, where wTAO's ERC20Votes
/// opens a fresh supply (and delegate) checkpoint: about 22,300 gas each (contracts/README.md,
/// "new tick" against "same tick"). Without it a burn estimated in one minute and mined in the
/// next runs out of gas and reverts. Unused gas is not paid.
pub(crate) const GAS_HEADROOM: u64 = 50_000;

/// A TaoBridge revert in words.
fn describe_revert(revert: &ITaoBridge::ITaoBridgeErrors) -> String {
    use ITaoBridge::ITaoBridgeErrors as E;
    match revert {
        E::TaoBridgePaused(_) => "the bridge is paused (governance must unpause it)".into(),
        E::TaoBridgeRateLimited(e) => format!(
            "rate limited: {} rao requested, {} rao available now; wait for the bucket to refill",
            e.requested, e.available
        ),
        E::TaoBridgeZeroAmount(_) => "the amount is zero".into(),
        E::TaoBridgeZeroTaoRecipient(_) => "the TAO recipient is zero".into(),
        other => format!("{other:?}"),
    }
}
