//! Where a governance command runs and who signs: the options every `wtao gov` command takes and
//! the [`Gov`] context built from them.
//!
//! Precedence, per endpoint: the flag, then its `WTAO_*` variable, then the devnet running in the
//! data dir (its `devnet.json`). With `--eth-rpc` and `--governor` given no devnet is needed;
//! the proposal kinds that target the bridge also need `--bridge` then.
//!
//! Keys: `--eth-key` / `WTAO_ETH_KEY` (hex private key, never printed), or `--from <dev name>`
//! (`alice` = anvil account 0, `bob` = 1, … `ferdie` = 5, or an account index) on the devnet
//! only: those keys are public.

use std::fmt;

use alloy::{
    network::EthereumWallet,
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use clap::Args;
use eyre::{WrapErr, eyre};
use wtao_devnet::DevnetInfo;

use super::revert;
use crate::cmd::devnet::DataDirArgs;

/// The devnet's dev names: name `i` is anvil account `i` (and `//Name` on TAO).
pub(crate) const DEV_NAMES: [&str; 6] = ["alice", "bob", "charlie", "dave", "eve", "ferdie"];

/// Where the governor is.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Endpoints (default: the devnet running in the data dir)")]
pub(crate) struct GovEndpointArgs {
    /// The EVM chain's JSON-RPC (HTTP).
    #[arg(long, value_name = "URL", env = "WTAO_ETH_RPC")]
    pub(crate) eth_rpc: Option<String>,

    /// The WTAOGovernor.
    #[arg(long, value_name = "0x…", env = "WTAO_GOVERNOR")]
    pub(crate) governor: Option<Address>,

    /// TaoBridge (the proxy), the target of the built-in proposal kinds.
    #[arg(long, value_name = "0x…", env = "WTAO_BRIDGE")]
    pub(crate) bridge: Option<Address>,

    /// First block to search for ProposalCreated logs (a public RPC may refuse huge ranges).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) from_block: u64,

    #[command(flatten)]
    pub(crate) dir: DataDirArgs,
}

/// A private key that never shows up in `Debug` output.
#[derive(Clone)]
pub(crate) struct SecretKey(String);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl std::str::FromStr for SecretKey {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.trim().to_owned()))
    }
}

/// Who signs.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Signer")]
pub(crate) struct KeyArgs {
    /// The signer's private key (0x-hex). Prefer the environment variable: a flag shows up in
    /// the shell's history and in `ps`.
    #[arg(long, value_name = "HEX", env = "WTAO_ETH_KEY", hide_env_values = true)]
    pub(crate) eth_key: Option<SecretKey>,

    /// A devnet dev account: alice, bob, charlie, dave, eve, ferdie (anvil accounts 0–5) or an
    /// anvil account index. Devnet only: these keys are public.
    #[arg(long, value_name = "NAME", conflicts_with = "eth_key")]
    pub(crate) from: Option<String>,
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
        let complete = self.eth_rpc.is_some() && self.governor.is_some();
        let devnet = if complete { self.devnet().ok() } else { Some(self.devnet()?) };
        let devnet = devnet.filter(|d| {
            // The devnet only counts when the flags point at it.
            self.eth_rpc.as_ref().is_none_or(|url| same_url(url, &d.evm.rpc_url))
                && self.governor.is_none_or(|g| g == d.contracts.governor)
        });
        let rpc_url = match (&self.eth_rpc, &devnet) {
            (Some(url), _) => url.clone(),
            (None, Some(d)) => d.evm.rpc_url.clone(),
            (None, None) => return Err(eyre!("no EVM endpoint: pass --eth-rpc http://…")),
        };
        let governor = match (self.governor, &devnet) {
            (Some(g), _) => g,
            (None, Some(d)) => d.contracts.governor,
            (None, None) => return Err(eyre!("no governor: pass --governor 0x…")),
        };
        let bridge = self.bridge.or_else(|| devnet.as_ref().map(|d| d.contracts.bridge));
        let url = rpc_url.parse().wrap_err_with(|| format!("--eth-rpc {rpc_url} is not a URL"))?;
        let provider = ProviderBuilder::new().connect_http(url).erased();
        Ok(Gov { rpc_url, provider, governor, bridge, devnet, from_block: self.from_block })
    }

    /// The running devnet, or a sentence saying what to do.
    fn devnet(&self) -> eyre::Result<DevnetInfo> {
        let data_dir = self.dir.data_dir().wrap_err(
            "no devnet data dir: run inside the wtao checkout, pass --data-dir, or give \
             --eth-rpc and --governor",
        )?;
        let status = wtao_devnet::status(&data_dir)?;
        let ready = status.owner.as_ref().is_some_and(|o| o.state == "running");
        match (status.running, ready, status.info) {
            (true, true, Some(info)) => Ok(info),
            (true, _, _) => Err(eyre!(
                "the devnet in {} is still starting; wait until `wtao devnet status` says it is up",
                data_dir.display()
            )),
            _ => Err(eyre!(
                "no devnet is running in {}: start one with `wtao devnet up --detach`, or give \
                 --eth-rpc and --governor",
                data_dir.display()
            )),
        }
    }
}

fn same_url(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim_end_matches('/').replace("localhost", "127.0.0.1");
    norm(a) == norm(b)
}

/// The anvil account index of a dev name or number.
pub(crate) fn dev_index(name: &str) -> Option<usize> {
    let name = name.trim().trim_start_matches("//").to_ascii_lowercase();
    DEV_NAMES.iter().position(|n| *n == name).or_else(|| name.parse().ok())
}

impl Gov {
    /// The signer of `keys`.
    pub(crate) fn signer(&self, keys: &KeyArgs) -> eyre::Result<Signer> {
        let key = match (&keys.eth_key, &keys.from) {
            (Some(SecretKey(hex)), _) => hex.parse::<PrivateKeySigner>().map_err(|_| {
                eyre!("the key in --eth-key / WTAO_ETH_KEY is not a 32-byte hex private key")
            })?,
            (None, Some(name)) => {
                let Some(devnet) = &self.devnet else {
                    return Err(eyre!(
                        "--from {name} names a devnet dev account, but {} is not the running \
                         devnet's chain; pass --eth-key (or WTAO_ETH_KEY) instead",
                        self.rpc_url
                    ));
                };
                let index = dev_index(name).ok_or_else(|| {
                    eyre!(
                        "--from {name}: not a dev name ({}) or account index",
                        DEV_NAMES.join(", ")
                    )
                })?;
                let account = devnet.eth_accounts.get(index).ok_or_else(|| {
                    eyre!("--from {name}: the devnet has {} accounts", devnet.eth_accounts.len())
                })?;
                account
                    .private_key
                    .parse::<PrivateKeySigner>()
                    .map_err(|_| eyre!("the devnet's key of account {index} is unreadable"))?
            }
            (None, None) => {
                return Err(eyre!(
                    "who signs? pass --from alice (a devnet dev account) or --eth-key / \
                     WTAO_ETH_KEY"
                ));
            }
        };
        let address = key.address();
        let url = self.rpc_url.parse().wrap_err("the RPC URL")?;
        let provider =
            ProviderBuilder::new().wallet(EthereumWallet::from(key)).connect_http(url).erased();
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
