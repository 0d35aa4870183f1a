//! Replace tao-node's bridge relayer set and threshold: `Bridge.set_relayers` as root, through
//! `Sudo.sudo` signed by the sudo key. `wtao-relayer keys new` points operators here for the TAO
//! side of registering a relayer.
//!
//! ```sh
//! TAO_SUDO_SURI=//Alice cargo run -p tao-client --example set_relayers -- \
//!     --url ws://127.0.0.1:9944 --threshold 2 \
//!     --relayer 5Grw…=0x7099… --relayer 5FHn…=0x3C44… --relayer 5FLS…=0x90F7…
//! ```
//!
//! The set is replaced as a whole, so name every relayer (TAO account `=` Ethereum address),
//! the same set as TaoBridge's. The sudo key's secret URI comes from `TAO_SUDO_SURI`, never
//! from the command line (other users can read a process's arguments).

use std::str::FromStr;

use tao_client::{AccountId32, Address, Keypair, RelayerInfo, SecretUri, TaoClient};

type Error = Box<dyn std::error::Error>;

fn parse_pair(pair: &str) -> Result<RelayerInfo, Error> {
    let (account, eth) = pair
        .split_once('=')
        .ok_or_else(|| format!("--relayer takes ACCOUNT=ETH_ADDRESS, got `{pair}`"))?;
    Ok(RelayerInfo {
        account: AccountId32::from_str(account)
            .map_err(|e| format!("`{account}` is not an SS58 account: {e}"))?,
        eth_address: Address::from_str(eth)
            .map_err(|e| format!("`{eth}` is not an Ethereum address: {e}"))?,
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut url = String::from("ws://127.0.0.1:9944");
    let mut threshold = None;
    let mut relayers = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => url = value()?,
            "--threshold" => threshold = Some(value()?.parse::<u32>()?),
            "--relayer" => relayers.push(parse_pair(&value()?)?),
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    let threshold = threshold.ok_or("--threshold M is required (N/2 < M <= N)")?;
    if relayers.is_empty() {
        return Err("name every relayer with --relayer ACCOUNT=ETH_ADDRESS".into());
    }
    let suri = std::env::var("TAO_SUDO_SURI")
        .map_err(|_| "set TAO_SUDO_SURI to the sudo key's secret URI (//Alice on the devnet)")?;
    let sudo = Keypair::from_uri(&SecretUri::from_str(&suri)?)?;
    let client = TaoClient::connect(&url).await?;
    let receipt = client.sudo_set_relayers(&sudo, &relayers, threshold).await?;
    println!(
        "tao-node relayer set replaced: {} relayers, threshold {threshold}, finalized in block {}",
        relayers.len(),
        receipt.block_number
    );
    Ok(())
}
