//! `wtao balance <account>…`: free TAO of an SS58 address, ETH and wTAO of a 0x address, both
//! for a dev name. Only the chains an account needs are contacted.

use alloy::primitives::Address;
use clap::Args;
use serde::Serialize;
use tao_client::AccountId32;

use crate::{
    args::{Account, EndpointArgs, address::DEV_NAMES, keys},
    chain::{self, evm::Evm},
    output::Output,
    units,
};

/// Options of `wtao balance`.
#[derive(Debug, Args)]
pub(crate) struct BalanceArgs {
    /// Accounts: SS58 addresses (5…) for TAO, 0x addresses for ETH and wTAO, or dev names
    /// (alice … ferdie) for both.
    #[arg(required = true, value_name = "ACCOUNT")]
    accounts: Vec<Account>,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

/// TAO side of one account.
#[derive(Debug, Serialize)]
struct TaoBalance {
    ss58: String,
    /// Free balance, rao.
    free_rao: String,
}

/// EVM side of one account.
#[derive(Debug, Serialize)]
struct EvmBalance {
    address: String,
    /// ETH, wei.
    eth_wei: String,
    /// wTAO, rao (its base unit).
    wtao_rao: String,
}

/// One account's balances.
#[derive(Debug, Serialize)]
struct Row {
    account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tao: Option<TaoBalance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eth: Option<EvmBalance>,
}

impl BalanceArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let devnet = ep.devnet.as_ref();
        // What each account is on each chain.
        let mut wanted: Vec<(String, Option<AccountId32>, Option<Address>)> = Vec::new();
        for account in &self.accounts {
            match account {
                Account::Tao(id) => wanted.push((id.to_string(), Some(*id), None)),
                Account::Evm(a) => wanted.push((a.to_checksum(None), None, Some(*a))),
                Account::Dev(i) => {
                    let tao = keys::dev_tao(*i)?.pair.public_key().to_account_id();
                    let eth = keys::dev_eth(*i, devnet)?.signer.address();
                    let name = DEV_NAMES.get(*i).copied().unwrap_or_default().to_owned();
                    wanted.push((name, Some(tao), Some(eth)));
                }
            }
        }
        let need_tao = wanted.iter().any(|w| w.1.is_some());
        let need_evm = wanted.iter().any(|w| w.2.is_some());
        let rows = chain::block_on(async {
            let tao = match need_tao {
                true => Some(chain::tao(ep.tao_rpc()?).await?),
                false => None,
            };
            let evm = match need_evm {
                true => Some(Evm::connect(ep.eth_rpc()?, ep.bridge()?, ep.wtao(), None).await?),
                false => None,
            };
            let mut rows = Vec::new();
            for (name, id, address) in &wanted {
                let tao_row = match (id, &tao) {
                    (Some(id), Some(client)) => Some(TaoBalance {
                        ss58: id.to_string(),
                        free_rao: client.free_balance(id).await?.0.to_string(),
                    }),
                    _ => None,
                };
                let eth_row = match (address, &evm) {
                    (Some(a), Some(evm)) => Some(EvmBalance {
                        address: a.to_checksum(None),
                        eth_wei: evm.eth_balance(*a).await?.to_string(),
                        wtao_rao: evm.wtao_balance(*a).await?.to_string(),
                    }),
                    _ => None,
                };
                rows.push(Row { account: name.clone(), tao: tao_row, eth: eth_row });
            }
            eyre::Ok(rows)
        })??;
        out.success(serde_json::json!({ "accounts": rows }), &human(&rows));
        Ok(())
    }
}

fn human(rows: &[Row]) -> String {
    let num = |s: &str| s.parse::<u128>().unwrap_or_default();
    let mut text = String::new();
    for row in rows {
        let label = if rows.len() > 1 || row.tao.is_some() && row.eth.is_some() {
            format!("{}\n", row.account)
        } else {
            String::new()
        };
        text.push_str(&label);
        if let Some(t) = &row.tao {
            text.push_str(&format!("  TAO  {}  {}\n", t.ss58, units::tao(num(&t.free_rao))));
        }
        if let Some(e) = &row.eth {
            text.push_str(&format!(
                "  EVM  {}  {}  {}\n",
                e.address,
                units::eth(num(&e.eth_wei)),
                units::wtao(num(&e.wtao_rao))
            ));
        }
    }
    text
}
