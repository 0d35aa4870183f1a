//! Who is who on the devnet, on both chains. Public dev keys: never use them on a real chain.
//!
//! Ethereum (anvil, from the well-known mnemonic; `--accounts` is raised when more relayers
//! need more accounts):
//!
//! | anvil account | role |
//! |---|---|
//! | 0 | deployer (keeps no role after the deploy; a funded user account) |
//! | 1 ..= N | relayer 1 ..= N (they pay gas for mints) |
//! | N + 1 | guardian (may pause the bridge) |
//! | the rest | users |
//!
//! TAO (tao-node's dev genesis, patched by [`crate::chain_spec`]): //Alice is sudo; relayers 1–3
//! are //Bob, //Charlie, //Dave, relayers 4.. are //Relayer4 … (endowed in genesis); //Eve and
//! //Ferdie are users.

use std::str::FromStr;

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};
use subxt_signer::{SecretUri, sr25519};
use subxt_utils_accountid32::AccountId32;

use crate::error::{DevnetError, Result};

/// The well-known anvil development mnemonic; its accounts are funded with 10,000 ETH each.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// The first anvil dev accounts as (address, private key). Public knowledge: never use on a real
/// chain.
pub const DEV_ACCOUNTS: [(&str, &str); 5] = [
    (
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    ),
    (
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    ),
    (
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    ),
    (
        "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    ),
    (
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    ),
];

/// How many accounts anvil gives by default.
const ANVIL_DEFAULT_ACCOUNTS: usize = 10;

/// The TAO dev accounts of tao-node's `--dev` genesis, endowed with 1,000,000 TAO each.
pub const TAO_DEV_NAMES: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

/// TAO rao endowed in genesis to each extra relayer account (relayers 4 and up): enough for
/// years of attestation fees on a devnet.
pub const EXTRA_RELAYER_ENDOWMENT_RAO: u64 = 1_000_000 * 1_000_000_000;

/// An Ethereum dev account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EthAccount {
    /// anvil's index of the account.
    pub index: usize,
    /// The address (EIP-55 in JSON).
    #[serde(with = "eip55")]
    pub address: Address,
    /// The private key, 0x-hex (public dev key).
    pub private_key: String,
    /// `deployer`, `relayer-<n>`, `guardian` or `user`.
    pub role: String,
}

/// A TAO dev account (sr25519).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaoAccount {
    /// The secret URI (`//Alice`): a public dev key.
    pub uri: String,
    /// SS58 address (prefix 42).
    pub ss58: String,
    /// The 32-byte public key, 0x-hex.
    pub public_key: String,
    /// `sudo`, `relayer-<n>` or `user`.
    pub role: String,
}

impl TaoAccount {
    /// Derives the account of `uri` (e.g. `//Bob`).
    pub fn derive(uri: &str, role: impl Into<String>) -> Result<Self> {
        let bad = |reason: String| DevnetError::Key { uri: uri.to_owned(), reason };
        let secret = SecretUri::from_str(uri).map_err(|e| bad(e.to_string()))?;
        let pair = sr25519::Keypair::from_uri(&secret).map_err(|e| bad(e.to_string()))?;
        let public = pair.public_key().0;
        Ok(Self {
            uri: uri.to_owned(),
            ss58: AccountId32(public).to_string(),
            public_key: format!("0x{}", hex::encode(public)),
            role: role.into(),
        })
    }
}

/// The name of relayer `i` (0-based): `relayer-1` …
pub fn relayer_name(i: usize) -> String {
    format!("relayer-{}", i.saturating_add(1))
}

/// The TAO secret URI of relayer `i` (0-based).
pub fn relayer_tao_uri(i: usize) -> String {
    match i {
        0 => "//Bob".to_owned(),
        1 => "//Charlie".to_owned(),
        2 => "//Dave".to_owned(),
        _ => format!("//Relayer{}", i.saturating_add(1)),
    }
}

/// The anvil account index of relayer `i` (0-based).
pub fn relayer_eth_index(i: usize) -> usize {
    i.saturating_add(1)
}

/// The anvil account index of the guardian, after the relayers' so the two never collide.
pub fn guardian_eth_index(relayers: usize) -> usize {
    relayers.saturating_add(1)
}

/// How many anvil accounts a devnet with `relayers` relayers needs (anvil's `--accounts`).
pub fn anvil_accounts(relayers: usize) -> usize {
    ANVIL_DEFAULT_ACCOUNTS.max(relayers.saturating_add(2))
}

/// The role of anvil account `index` on a devnet with `relayers` relayers.
pub fn eth_role(index: usize, relayers: usize) -> String {
    if index == 0 {
        "deployer".to_owned()
    } else if index <= relayers {
        relayer_name(index.saturating_sub(1))
    } else if index == guardian_eth_index(relayers) {
        "guardian".to_owned()
    } else {
        "user".to_owned()
    }
}

/// Every TAO dev account of a devnet with `relayers` relayers: //Alice … //Ferdie, then the
/// extra relayer accounts.
pub fn tao_accounts(relayers: usize) -> Result<Vec<TaoAccount>> {
    let mut out = Vec::new();
    for name in TAO_DEV_NAMES {
        let uri = format!("//{name}");
        let role = match (0..relayers).find(|i| relayer_tao_uri(*i) == uri) {
            Some(i) => relayer_name(i),
            None if name == "Alice" => "sudo".to_owned(),
            None => "user".to_owned(),
        };
        out.push(TaoAccount::derive(&uri, role)?);
    }
    for i in 0..relayers {
        let uri = relayer_tao_uri(i);
        if !out.iter().any(|a| a.uri == uri) {
            out.push(TaoAccount::derive(&uri, relayer_name(i))?);
        }
    }
    Ok(out)
}

/// anvil's accounts as written by `--config-out`.
pub(crate) fn eth_accounts_from_anvil_config(
    config: &serde_json::Value,
    relayers: usize,
) -> Option<Vec<EthAccount>> {
    let addresses = config.get("available_accounts")?.as_array()?;
    let keys = config.get("private_keys")?.as_array()?;
    addresses
        .iter()
        .zip(keys)
        .enumerate()
        .map(|(index, (a, k))| {
            Some(EthAccount {
                index,
                address: a.as_str()?.parse().ok()?,
                private_key: k.as_str()?.to_owned(),
                role: eth_role(index, relayers),
            })
        })
        .collect()
}

/// Addresses in JSON as EIP-55 checksummed strings (alloy's serde writes lowercase), so what
/// the devnet writes reads the same as what it prints; any case is accepted back.
pub mod eip55 {
    use alloy_primitives::Address;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `address` checksummed.
    pub fn serialize<S: Serializer>(address: &Address, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&address.to_checksum(None))
    }

    /// Reads an address in any case.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_never_collide() {
        for n in 1..=12 {
            let guardian = guardian_eth_index(n);
            assert!(anvil_accounts(n) > guardian, "{n} relayers need the guardian's account");
            for i in 0..n {
                assert_ne!(relayer_eth_index(i), 0, "a relayer is not the deployer");
                assert_ne!(relayer_eth_index(i), guardian);
                assert_eq!(eth_role(relayer_eth_index(i), n), relayer_name(i));
            }
            assert_eq!(eth_role(guardian, n), "guardian");
            assert_eq!(eth_role(0, n), "deployer");
        }
        // The three-relayer devnet keeps the layout the contracts' devnetConfig documents.
        assert_eq!(guardian_eth_index(3), 4);
        assert_eq!(anvil_accounts(3), 10);
    }

    #[test]
    fn dev_keys_derive_to_the_well_known_accounts() {
        let bob = TaoAccount::derive("//Bob", "relayer-1").unwrap();
        assert_eq!(bob.ss58, "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
        assert_eq!(
            bob.public_key,
            "0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48"
        );
        assert!(TaoAccount::derive("not a uri", "x").is_err());
    }

    #[test]
    fn tao_accounts_for_more_relayers_add_funded_keys() {
        let three = tao_accounts(3).unwrap();
        assert_eq!(three.len(), 6);
        assert_eq!(three[0].role, "sudo");
        assert_eq!(three[1].role, "relayer-1");
        assert_eq!(three[3].role, "relayer-3");
        assert_eq!(three[4].role, "user");
        let five = tao_accounts(5).unwrap();
        assert_eq!(five.len(), 8);
        assert_eq!((five[6].uri.as_str(), five[6].role.as_str()), ("//Relayer4", "relayer-4"));
        assert_eq!((five[7].uri.as_str(), five[7].role.as_str()), ("//Relayer5", "relayer-5"));
        let one = tao_accounts(1).unwrap();
        assert_eq!(one[2].role, "user", "Charlie is a user when only one relayer runs");
    }

    #[test]
    fn reads_anvil_config_out() {
        let config = serde_json::json!({
            "available_accounts": [DEV_ACCOUNTS[0].0.to_lowercase(), DEV_ACCOUNTS[1].0.to_lowercase()],
            "private_keys": [DEV_ACCOUNTS[0].1, DEV_ACCOUNTS[1].1],
        });
        let accounts = eth_accounts_from_anvil_config(&config, 1).unwrap();
        assert_eq!(accounts.len(), 2);
        assert_eq!(accounts[1].address.to_checksum(None), DEV_ACCOUNTS[1].0);
        assert_eq!(accounts[1].role, "relayer-1");
        assert!(eth_accounts_from_anvil_config(&serde_json::json!({}), 1).is_none());
        let json = serde_json::to_value(&accounts[1]).unwrap();
        assert_eq!(json["address"], DEV_ACCOUNTS[1].0, "checksummed in JSON");
        assert_eq!(serde_json::from_value::<EthAccount>(json).unwrap(), accounts[1]);
    }
}
