//! Both chains for the CLI: TAO through tao-client, the EVM side through alloy ([`evm`]).
//! `balances` reads the devnet's dev accounts for `devnet up|status`; the bridge and balance
//! commands connect with [`tao`] and [`evm::Evm::connect`] and run on [`block_on`].

pub(crate) mod evm;

use std::time::Duration;

use alloy::{
    primitives::{Address, U256},
    providers::{Provider, ProviderBuilder},
};
use eyre::WrapErr;
use serde::Serialize;
use tao_client::{AccountId32, TaoClient};
use wtao_devnet::DevnetInfo;

alloy::sol! {
    #[sol(rpc)]
    interface IERC20Balance {
        /// ERC-20 balance.
        function balanceOf(address) external view returns (uint256);
    }
}

/// How long the balance reads may take altogether.
const DEADLINE: Duration = Duration::from_secs(20);

/// Balances of the devnet's dev accounts, in base units (rao, wei), as decimal strings in JSON.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Balances {
    /// Free TAO (rao) of each TAO dev account, in `info.tao_accounts` order.
    pub(crate) tao_rao: Vec<String>,
    /// ETH (wei) of each EVM dev account, in `info.eth_accounts` order.
    pub(crate) eth_wei: Vec<String>,
    /// wTAO (base units = rao) of each EVM dev account.
    pub(crate) wtao: Vec<String>,
    /// The TAO chain's subnets, for the summary's subnet lines (empty if they could not be
    /// read: the summary is still worth printing).
    #[serde(skip)]
    pub(crate) subnets: Vec<tao_client::SubnetInfo>,
}

/// Runs `future` on a fresh single-threaded runtime (the CLI does one thing at a time).
pub(crate) fn block_on<F: std::future::Future>(future: F) -> eyre::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .wrap_err("starting the async runtime")?;
    Ok(runtime.block_on(future))
}

/// Connects to tao-node at `url`.
pub(crate) async fn tao(url: &str) -> eyre::Result<TaoClient> {
    tokio::time::timeout(DEADLINE, TaoClient::connect(url))
        .await
        .map_err(|_| eyre::eyre!("tao-node at {url} did not answer within {DEADLINE:?}"))?
        .wrap_err_with(|| format!("could not reach tao-node at {url} (is it running?)"))
}

/// Reads every dev account's balances on both chains.
pub(crate) fn balances(info: &DevnetInfo) -> eyre::Result<Balances> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .wrap_err("starting the async runtime")?;
    runtime.block_on(async {
        tokio::time::timeout(DEADLINE, read(info))
            .await
            .wrap_err_with(|| format!("reading balances took longer than {DEADLINE:?}"))?
    })
}

async fn read(info: &DevnetInfo) -> eyre::Result<Balances> {
    let tao = TaoClient::connect(&info.tao.ws_url)
        .await
        .wrap_err_with(|| format!("connecting to tao-node at {}", info.tao.ws_url))?;
    let mut out = Balances::default();
    for account in &info.tao_accounts {
        let id: AccountId32 = account
            .ss58
            .parse()
            .map_err(|e| eyre::eyre!("bad SS58 address {}: {e:?}", account.ss58))?;
        out.tao_rao.push(tao.free_balance(&id).await?.0.to_string());
    }
    out.subnets = tao.subnets().await.unwrap_or_else(|e| {
        tracing::warn!(target: "wtao::devnet", %e, "could not read the subnets");
        Vec::new()
    });
    let eth = ProviderBuilder::new().connect_http(info.evm.rpc_url.parse()?);
    let token = IERC20Balance::new(info.contracts.wtao, &eth);
    for account in &info.eth_accounts {
        let address: Address = account.address;
        out.eth_wei.push(eth.get_balance(address).await?.to_string());
        let wtao: U256 = token.balanceOf(address).call().await?;
        out.wtao.push(wtao.to_string());
    }
    Ok(out)
}
