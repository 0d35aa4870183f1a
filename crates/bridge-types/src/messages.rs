//! The bridge messages as Solidity types (`sol!`), so that ABI and EIP-712 encodings come from
//! alloy rather than from code of ours. They mirror `contracts/src/interfaces/ITaoBridge.sol`.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::sol;
use serde::{Deserialize, Serialize};

use crate::BridgeTypesError;

sol! {
    /// One TAO → wTAO transfer: the `Locked` event with this `nonce` on the TAO chain.
    ///
    /// EIP-712 type `Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)`;
    /// `amount` is in rao, which is also wTAO's base unit (both have 9 decimals).
    #[derive(Debug, Default, PartialEq, Eq, Hash)]
    struct Mint {
        uint64 nonce;
        bytes32 taoSender;
        address recipient;
        uint256 amount;
    }

    /// What relayers sign: all `Locked` events of one finalized TAO block, in nonce order.
    ///
    /// EIP-712 type
    /// `MintBatch(Mint[] mints)Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)`.
    #[derive(Debug, Default, PartialEq, Eq, Hash)]
    struct MintBatch {
        Mint[] mints;
    }

    /// wTAO burned on the EVM chain to release `amount` rao to `taoRecipient` (a 32-byte
    /// sr25519/ed25519 public key) on the TAO chain; the release is keyed by
    /// `(eth_chain_id, nonce)`.
    #[derive(Debug, Default, PartialEq, Eq, Hash)]
    event Burned(uint64 indexed nonce, address indexed from, bytes32 indexed taoRecipient, uint256 amount);
}

impl Mint {
    /// The mint for TAO lock `nonce`: `amount` rao from `tao_sender` (its 32-byte public key) to
    /// `recipient` on the EVM chain.
    pub fn new(nonce: u64, tao_sender: B256, recipient: Address, amount: Rao) -> Self {
        Self { nonce, taoSender: tao_sender, recipient, amount: amount.into() }
    }
}

/// rao per TAO: TAO and wTAO both have 9 decimals, so amounts are never rescaled.
pub const RAO_PER_TAO: u64 = 1_000_000_000;

/// An amount of TAO or wTAO in rao (10⁻⁹ TAO).
///
/// 64 bits hold any amount that can exist: TAO's supply is capped at 21 M TAO = 2.1·10¹⁶ rao. On
/// the EVM side amounts are `uint256`; [`Rao::try_from`] refuses anything larger than `u64`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Rao(pub u64);

impl Rao {
    /// Zero rao.
    pub const ZERO: Self = Self(0);

    /// `tao` whole TAO, or `None` if that overflows (it cannot for any real supply).
    pub const fn from_tao(tao: u64) -> Option<Self> {
        match tao.checked_mul(RAO_PER_TAO) {
            Some(rao) => Some(Self(rao)),
            None => None,
        }
    }

    /// The sum, or `None` on overflow.
    pub const fn checked_add(self, other: Self) -> Option<Self> {
        match self.0.checked_add(other.0) {
            Some(rao) => Some(Self(rao)),
            None => None,
        }
    }

    /// The difference, or `None` if `other` is larger.
    pub const fn checked_sub(self, other: Self) -> Option<Self> {
        match self.0.checked_sub(other.0) {
            Some(rao) => Some(Self(rao)),
            None => None,
        }
    }
}

impl std::fmt::Display for Rao {
    /// Integer rao, e.g. `1500000000rao`: the format the CLI accepts back, never a float.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}rao", self.0)
    }
}

impl From<Rao> for U256 {
    fn from(rao: Rao) -> Self {
        Self::from(rao.0)
    }
}

impl TryFrom<U256> for Rao {
    type Error = BridgeTypesError;

    fn try_from(amount: U256) -> Result<Self, Self::Error> {
        u64::try_from(amount).map(Self).map_err(|_| BridgeTypesError::AmountOverflow { amount })
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{b256, keccak256};
    use alloy_sol_types::{SolEvent, SolStruct};

    use super::*;

    #[test]
    fn eip712_type_strings_match_the_contract() {
        // The strings TaoBridge hashes (ITaoBridge.sol, DESIGN §5); any drift breaks every mint.
        assert_eq!(
            Mint::eip712_encode_type(),
            "Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)"
        );
        assert_eq!(
            MintBatch::eip712_encode_type(),
            "MintBatch(Mint[] mints)Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)"
        );
    }

    #[test]
    fn burned_event_signature() {
        assert_eq!(Burned::SIGNATURE, "Burned(uint64,address,bytes32,uint256)");
        assert_eq!(Burned::SIGNATURE_HASH, keccak256("Burned(uint64,address,bytes32,uint256)"));
    }

    #[test]
    fn mint_new_converts_rao() {
        let sender = b256!("0x0101010101010101010101010101010101010101010101010101010101010101");
        let m = Mint::new(7, sender, Address::repeat_byte(2), Rao(1_500_000_000));
        assert_eq!(m.nonce, 7);
        assert_eq!(m.taoSender, sender);
        assert_eq!(m.recipient, Address::repeat_byte(2));
        assert_eq!(m.amount, U256::from(1_500_000_000u64));
    }

    #[test]
    fn rao_arithmetic_and_conversions() {
        assert_eq!(Rao::from_tao(21_000_000), Some(Rao(21_000_000 * RAO_PER_TAO)));
        assert_eq!(Rao::from_tao(u64::MAX), None);
        assert_eq!(Rao(1).checked_add(Rao(2)), Some(Rao(3)));
        assert_eq!(Rao(u64::MAX).checked_add(Rao(1)), None);
        assert_eq!(Rao(1).checked_sub(Rao(2)), None);
        assert_eq!(Rao(1_500_000_000).to_string(), "1500000000rao");
        assert_eq!(Rao::try_from(U256::from(u64::MAX)).unwrap(), Rao(u64::MAX));
        assert!(matches!(
            Rao::try_from(U256::from(u64::MAX) + U256::from(1)),
            Err(BridgeTypesError::AmountOverflow { .. })
        ));
        assert_eq!(serde_json::to_string(&Rao(5)).unwrap(), "5");
    }
}
