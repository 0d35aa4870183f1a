//! Addresses as people paste them, checked before anything is signed: an SS58 address must have
//! a valid checksum and tao-node's prefix (42, as Bittensor's); a 0x address must be 20 bytes of
//! hex and, when written in mixed case, carry a valid EIP-55 checksum (all lower or all upper
//! case has none to check). A dev name (`alice` … `ferdie`) stands for the devnet's account of
//! that name on both chains.

use std::{fmt, str::FromStr};

use alloy::primitives::Address;
use tao_client::AccountId32;

/// SS58 prefix of tao-node (and Bittensor): addresses start with `5`.
pub(crate) const SS58_PREFIX: u8 = 42;

/// The devnet's dev names, in order: name `i` is `//Name` on TAO and anvil account `i` on the
/// EVM side (tao-node's dev genesis and anvil's mnemonic agree on this by construction: the
/// relayers are //Bob, //Charlie, //Dave and anvil accounts 1–3).
pub(crate) const DEV_NAMES: [&str; 6] = ["alice", "bob", "charlie", "dave", "eve", "ferdie"];

/// Why an address was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AddressError {
    /// Not 0x + 40 hex digits.
    EvmShape(String),
    /// Mixed case with a wrong EIP-55 checksum.
    EvmChecksum(String),
    /// Not base58, or the wrong length for an SS58 account.
    Ss58Shape(String),
    /// The SS58 checksum does not match.
    Ss58Checksum(String),
    /// Another network's SS58 prefix.
    Ss58Prefix {
        /// The address.
        address: String,
        /// Its prefix.
        prefix: u16,
    },
    /// Neither kind, nor a dev name.
    Unknown(String),
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EvmShape(a) => {
                write!(f, "`{a}` is not an Ethereum address: it must be 0x and 40 hex digits")
            }
            Self::EvmChecksum(a) => write!(
                f,
                "`{a}` has a wrong EIP-55 checksum (the mixed-case letters do not match): \
                 it has a typo, copy it again"
            ),
            Self::Ss58Shape(a) => write!(
                f,
                "`{a}` is not an SS58 address: it must be 48 base58 characters starting with 5"
            ),
            Self::Ss58Checksum(a) => {
                write!(f, "`{a}` has a wrong SS58 checksum: it has a typo, copy it again")
            }
            Self::Ss58Prefix { address, prefix } => write!(
                f,
                "`{address}` is an address of the network with SS58 prefix {prefix}; tao-node \
                 (like Bittensor) uses prefix {SS58_PREFIX}, addresses starting with 5"
            ),
            Self::Unknown(a) => write!(
                f,
                "`{a}` is neither an SS58 address (5…), an Ethereum address (0x…) nor a dev \
                 name ({})",
                DEV_NAMES.join(", ")
            ),
        }
    }
}

impl std::error::Error for AddressError {}

/// A 0x address; EIP-55 checked when mixed case.
pub(crate) fn parse_evm(text: &str) -> Result<Address, AddressError> {
    let text = text.trim();
    let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) else {
        return Err(AddressError::EvmShape(text.to_owned()));
    };
    if hex.len() != 40 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AddressError::EvmShape(text.to_owned()));
    }
    let lower = hex.chars().all(|c| !c.is_ascii_uppercase());
    let upper = hex.chars().all(|c| !c.is_ascii_lowercase());
    if lower || upper {
        return Address::from_str(hex).map_err(|_| AddressError::EvmShape(text.to_owned()));
    }
    Address::parse_checksummed(format!("0x{hex}"), None)
        .map_err(|_| AddressError::EvmChecksum(text.to_owned()))
}

/// An SS58 address of prefix 42 with a valid checksum.
pub(crate) fn parse_ss58(text: &str) -> Result<AccountId32, AddressError> {
    let text = text.trim();
    let bytes =
        bs58::decode(text).into_vec().map_err(|_| AddressError::Ss58Shape(text.to_owned()))?;
    // One prefix byte for prefixes below 64, two above; then 32 bytes and a 2-byte checksum.
    let prefix = match bytes.first() {
        Some(&b) if b < 64 && bytes.len() == 35 => u16::from(b),
        Some(&b) if (64..128).contains(&b) && bytes.len() == 36 => {
            let second = bytes.get(1).copied().unwrap_or_default();
            // SS58's two-byte prefix encoding.
            (u16::from(b & 0b0011_1111) << 2)
                | (u16::from(second) >> 6)
                | (u16::from(second & 0b0011_1111) << 8)
        }
        _ => return Err(AddressError::Ss58Shape(text.to_owned())),
    };
    let account =
        AccountId32::from_str(text).map_err(|_| AddressError::Ss58Checksum(text.to_owned()))?;
    if prefix != u16::from(SS58_PREFIX) {
        return Err(AddressError::Ss58Prefix { address: text.to_owned(), prefix });
    }
    Ok(account)
}

/// What `wtao balance` and `--to` take: an account on one chain, or a dev name on both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Account {
    /// A TAO account.
    Tao(AccountId32),
    /// An EVM account.
    Evm(Address),
    /// Dev account `i` of [`DEV_NAMES`].
    Dev(usize),
}

impl FromStr for Account {
    type Err = AddressError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Some(i) = dev_index(text) {
            return Ok(Self::Dev(i));
        }
        if text.starts_with("0x") || text.starts_with("0X") {
            return parse_evm(text).map(Self::Evm);
        }
        if text.len() >= 40 && text.chars().all(|c| c.is_ascii_alphanumeric()) {
            return parse_ss58(text).map(Self::Tao);
        }
        Err(AddressError::Unknown(text.to_owned()))
    }
}

/// The index of dev name `text` (`alice`, `Alice`, `//Alice`).
pub(crate) fn dev_index(text: &str) -> Option<usize> {
    let name = text.trim().trim_start_matches("//").to_ascii_lowercase();
    DEV_NAMES.iter().position(|n| *n == name)
}

/// `--to` of `to-eth`: an EVM address or a dev name (its anvil account).
pub(crate) fn parse_evm_or_dev(text: &str) -> Result<Account, AddressError> {
    match text.parse::<Account>()? {
        Account::Tao(_) => Err(AddressError::EvmShape(text.trim().to_owned())),
        other => Ok(other),
    }
}

/// `--to` of `to-tao`: an SS58 address or a dev name (its TAO account).
pub(crate) fn parse_ss58_or_dev(text: &str) -> Result<Account, AddressError> {
    match text.parse::<Account>()? {
        Account::Evm(_) => Err(AddressError::Ss58Shape(text.trim().to_owned())),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE_SS58: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    const ANVIL_0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    #[test]
    fn evm_addresses_are_checked_when_mixed_case() {
        let a = parse_evm(ANVIL_0).unwrap();
        assert_eq!(a.to_checksum(None), ANVIL_0);
        assert_eq!(parse_evm(&ANVIL_0.to_lowercase()).unwrap(), a);
        assert_eq!(parse_evm(&format!("0x{}", ANVIL_0[2..].to_uppercase())).unwrap(), a);
        // One letter's case flipped: the checksum catches it.
        let typo = ANVIL_0.replacen("Fd", "fd", 1);
        assert_eq!(parse_evm(&typo), Err(AddressError::EvmChecksum(typo.clone())));
        for bad in [
            "0x1234",
            "f39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "0xg39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            "",
        ] {
            assert!(matches!(parse_evm(bad), Err(AddressError::EvmShape(_))), "{bad}");
        }
        assert!(parse_evm(&typo).unwrap_err().to_string().contains("EIP-55"));
    }

    #[test]
    fn ss58_addresses_are_checked() {
        let alice = parse_ss58(ALICE_SS58).unwrap();
        assert_eq!(alice, tao_client::dev::alice().public_key().to_account_id());
        // A changed character breaks the checksum.
        let typo = ALICE_SS58.replacen('G', "H", 1);
        assert!(
            matches!(
                parse_ss58(&typo),
                Err(AddressError::Ss58Checksum(_)) | Err(AddressError::Ss58Shape(_))
            ),
            "{typo}"
        );
        let typo = format!("{}R", &ALICE_SS58[..ALICE_SS58.len() - 1]);
        assert_eq!(parse_ss58(&typo), Err(AddressError::Ss58Checksum(typo.clone())));
        // Alice on Polkadot (prefix 0) and Kusama (2).
        let polkadot = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5";
        assert_eq!(
            parse_ss58(polkadot),
            Err(AddressError::Ss58Prefix { address: polkadot.into(), prefix: 0 })
        );
        let kusama = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F";
        assert_eq!(
            parse_ss58(kusama),
            Err(AddressError::Ss58Prefix { address: kusama.into(), prefix: 2 })
        );
        for bad in ["5Grwva", "0OIl", ""] {
            assert!(matches!(parse_ss58(bad), Err(AddressError::Ss58Shape(_))), "{bad}");
        }
    }

    #[test]
    fn accounts_and_dev_names() {
        assert_eq!("alice".parse::<Account>(), Ok(Account::Dev(0)));
        assert_eq!("//Bob".parse::<Account>(), Ok(Account::Dev(1)));
        assert_eq!("Ferdie".parse::<Account>(), Ok(Account::Dev(5)));
        assert!(matches!(ALICE_SS58.parse::<Account>(), Ok(Account::Tao(_))));
        assert!(matches!(ANVIL_0.parse::<Account>(), Ok(Account::Evm(_))));
        assert!(matches!("mallory".parse::<Account>(), Err(AddressError::Unknown(_))));
        assert!(parse_evm_or_dev(ALICE_SS58).is_err());
        assert!(parse_ss58_or_dev(ANVIL_0).is_err());
        assert_eq!(parse_evm_or_dev("eve"), Ok(Account::Dev(4)));
    }
}
