//! Where a governance command runs and who signs: the options every `wtao gov` command takes and
//! the [`Gov`] context built from them.
//!
//! The endpoints are the shared [`EndpointArgs`] (flag, then `WTAO_*` variable, then the
//! `--config` file, then the devnet running in the data dir) plus `--governor`
//! (`WTAO_GOVERNOR`, else the devnet's). With `--eth-rpc` and `--governor` given, no devnet is
//! needed; the proposal kinds that target the bridge also need `--bridge` then. The devnet only
//! counts when the EVM endpoint and the governor are its own.
//!
//! Keys are the shared [`KeyArgs`]: `--eth-key` / `WTAO_ETH_KEY`, `--keystore`, or `--from
//! <dev name>` (`alice` = anvil account 0 … `ferdie` = 5), which `wtao gov` accepts on the
//! devnet only: those keys are public. On the devnet the default signer is alice.

use alloy::{
    network::EthereumWallet,
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{TransactionReceipt, TransactionRequest},
    sol_types::SolCall,
};
use clap::Args;
use eyre::{WrapErr, eyre};
use wtao_devnet::DevnetInfo;

use super::revert;
use crate::args::{EndpointArgs, KeyArgs, address::parse_evm};

/// Where the governor is.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Endpoints (default: the devnet running in the data dir)")]
pub(crate) struct GovEndpointArgs {
    /// The WTAOGovernor.
    #[arg(long, value_name = "0x…", env = "WTAO_GOVERNOR", value_parser = parse_evm)]
    pub(crate) governor: Option<Address>,

    /// First block to search for ProposalCreated logs (a public RPC may refuse huge ranges).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) from_block: u64,

    #[command(flatten)]
    pub(crate) endpoints: EndpointArgs,
}

/// A governance command's connection: the chain, the contracts, the devnet if there is one.
pub(crate) struct Gov {
    /// The JSON-RPC URL.
    pub(crate) rpc_url: String,
    /// A read-only provider.
    pub(crate) provider: DynProvider,
    /// The governor.
    pub(crate) governor: Address,
    /// TaoBridge, if known.
    pub(crate) bridge: Option<Address>,
    /// The running devnet these endpoints belong to, if any.
    pub(crate) devnet: Option<DevnetInfo>,
    /// First block of log searches.
    pub(crate) from_block: u64,
}

/// A signing connection.
pub(crate) struct Signer {
    /// Provider with the wallet.
    pub(crate) provider: DynProvider,
    /// The signer's address.
    pub(crate) address: Address,
}

impl GovEndpointArgs {
    /// Connects: the flags, completed from the running devnet.
    pub(crate) fn connect(&self) -> eyre::Result<Gov> {
        let ep = self.endpoints.resolve()?;
        let rpc_url = ep.eth_rpc()?.to_owned();
        let devnet = ep.devnet.clone().filter(|d| {
            same_url(&rpc_url, &d.evm.rpc_url)
                && self.governor.is_none_or(|g| g == d.contracts.governor)
        });
        let governor = match (self.governor, &devnet) {
            (Some(g), _) => g,
            (None, Some(d)) => d.contracts.governor,
            (None, None) => {
                return Err(eyre!("which governor? pass --governor 0x… (or set WTAO_GOVERNOR)"));
            }
        };
        // A bridge filled in from a devnet that is not the target chain's would be wrong.
        let bridge = match (&devnet, &ep.devnet) {
            (None, Some(_)) => self.endpoints.bridge,
            _ => ep.bridge().ok(),
        };
        let url = rpc_url.parse().wrap_err_with(|| format!("--eth-rpc {rpc_url} is not a URL"))?;
        let provider = ProviderBuilder::new().connect_http(url).erased();
        Ok(Gov { rpc_url, provider, governor, bridge, devnet, from_block: self.from_block })
    }
}

fn same_url(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim_end_matches('/').replace("localhost", "127.0.0.1");
    norm(a) == norm(b)
}

impl Gov {
    /// The signer of `keys`; alice on the devnet by default.
    pub(crate) fn signer(&self, keys: &KeyArgs) -> eyre::Result<Signer> {
        if let (Some(i), None) = (keys.from, &self.devnet) {
            return Err(eyre!(
                "--from {} names a public devnet dev key, but {} is not the running devnet's                  chain: pass --eth-key (or WTAO_ETH_KEY) or --keystore instead",
                crate::args::address::DEV_NAMES.get(i).copied().unwrap_or("?"),
                self.rpc_url
            ));
        }
        let key = keys.eth(self.devnet.as_ref())?;
        let address = key.signer.address();
        let url = self.rpc_url.parse().wrap_err("the RPC URL")?;
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(key.signer))
            .connect_http(url)
            .erased();
        Ok(Signer { provider, address })
    }

    /// TaoBridge, or what to pass.
    pub(crate) fn bridge(&self) -> eyre::Result<Address> {
        self.bridge.ok_or_else(|| eyre!("which TaoBridge? pass --bridge 0x… (the proxy)"))
    }

    /// A view call on `to`.
    pub(crate) async fn call<C: SolCall>(&self, to: Address, call: C) -> eyre::Result<C::Return> {
        view(&self.provider, to, call).await
    }

    /// A view call on the governor.
    pub(crate) async fn gov<C: SolCall>(&self, call: C) -> eyre::Result<C::Return> {
        view(&self.provider, self.governor, call).await
    }

    /// The governor's token (wTAO).
    pub(crate) async fn token(&self) -> eyre::Result<Address> {
        self.gov(super::abi::IWtaoGovernor::tokenCall {}).await
    }

    /// The latest block's timestamp (seconds).
    pub(crate) async fn now(&self) -> eyre::Result<u64> {
        let block = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .wrap_err_with(|| format!("reading the latest block from {}", self.rpc_url))?
            .ok_or_else(|| eyre!("{} has no latest block", self.rpc_url))?;
        Ok(block.header.timestamp)
    }
}

/// A view call, its revert decoded.
pub(crate) async fn view<C: SolCall>(
    provider: &DynProvider,
    to: Address,
    call: C,
) -> eyre::Result<C::Return> {
    let tx = TransactionRequest::default().to(to).input(Bytes::from(call.abi_encode()).into());
    let out = provider.call(tx).await.map_err(|e| revert::rpc_error(e, C::SIGNATURE))?;
    C::abi_decode_returns(&out).map_err(|e| {
        eyre!(
            "{to} answered {} with {} bytes that do not decode ({e}); is it the right contract?",
            C::SIGNATURE,
            out.len()
        )
    })
}

impl Signer {
    /// Sends `call` to `to` and waits for its receipt; a revert (at estimation or on chain) is
    /// decoded into a sentence.
    pub(crate) async fn send<C: SolCall>(
        &self,
        to: Address,
        call: C,
        value: U256,
    ) -> eyre::Result<TransactionReceipt> {
        let tx = TransactionRequest::default()
            .from(self.address)
            .to(to)
            .value(value)
            .input(Bytes::from(call.abi_encode()).into());
        let estimate = self
            .provider
            .estimate_gas(tx.clone())
            .await
            .map_err(|e| revert::rpc_error(e, C::SIGNATURE))?;
        let tx = tx.gas_limit(estimate.saturating_add(crate::chain::evm::GAS_HEADROOM));
        let pending = self
            .provider
            .send_transaction(tx)
            .await
            .map_err(|e| revert::rpc_error(e, C::SIGNATURE))?;
        let hash = *pending.tx_hash();
        let receipt = pending
            .with_timeout(Some(std::time::Duration::from_secs(120)))
            .get_receipt()
            .await
            .wrap_err_with(|| format!("waiting for transaction {hash}"))?;
        if !receipt.status() {
            return Err(eyre!("transaction {hash} ({}) reverted on chain", C::SIGNATURE));
        }
        Ok(receipt)
    }
}
