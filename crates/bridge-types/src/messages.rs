//! The bridge messages. `Mint`, `MintBatch` and `Burned` are the `ITaoBridge` types generated
//! from the Solidity interface ([`crate::bindings`]), so ABI and EIP-712 encodings come from alloy
//! and from one declaration; [`Lock`] is the same transfer in Rust units, the type other crates
//! convert their own records to and from.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::BridgeTypesError;
pub use crate::bindings::ITaoBridge::{Burned, Mint, MintBatch};

impl Mint {
    /// The mint for TAO lock `nonce`: `amount` rao from `tao_sender` (its 32-byte public key) to
    /// `recipient` on the EVM chain.
    pub fn new(nonce: u64, tao_sender: B256, recipient: Address, amount: Rao) -> Self {
        Lock { nonce, tao_sender, recipient, amount }.into()
    }
}

/// One TAO → wTAO transfer, as the TAO chain records it: `Bridge.lock` gave it `nonce`, took
/// `amount` from `tao_sender` into custody and names `recipient` on the EVM chain.
///
/// The same four fields as [`Mint`], in Rust units (`amount` in [`Rao`], not `uint256`). Every
/// crate that keeps a lock in a type of its own — the node's SCALE `LockRecord`, tao-client's
/// decoded storage, the relayer's store — converts to and from this one with `From`, in one place,
/// rather than mapping fields by hand. The serde form (`nonce`, `tao_sender`, `recipient`,
/// `amount` as a number of rao) is the relayer store's record.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Lock {
    /// The lock nonce: strictly increasing on the TAO chain, the mint's nonce on the EVM chain.
    pub nonce: u64,
    /// The TAO account that locked (its 32-byte public key).
    pub tao_sender: B256,
    /// Who receives the wTAO on the EVM chain.
    pub recipient: Address,
    /// The amount locked and to mint.
    pub amount: Rao,
}

impl From<Lock> for Mint {
    fn from(lock: Lock) -> Self {
        let Lock { nonce, tao_sender, recipient, amount } = lock;
        Self { nonce, taoSender: tao_sender, recipient, amount: amount.into() }
    }
}

impl TryFrom<Mint> for Lock {
    type Error = BridgeTypesError;

    /// Refuses an amount above `u64::MAX` rao, which no lock can have.
    fn try_from(mint: Mint) -> Result<Self, Self::Error> {
        let Mint { nonce, taoSender, recipient, amount } = mint;
        Ok(Self { nonce, tao_sender: taoSender, recipient, amount: Rao::try_from(amount)? })
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
    fn lock_and_mint_convert_both_ways() {
        let lock = Lock {
            nonce: 9,
            tao_sender: B256::repeat_byte(1),
            recipient: Address::repeat_byte(2),
            amount: Rao(u64::MAX),
        };
        let mint = Mint::from(lock);
        assert_eq!(
            mint,
            Mint::new(9, B256::repeat_byte(1), Address::repeat_byte(2), Rao(u64::MAX))
        );
        assert_eq!(Lock::try_from(mint.clone()).unwrap(), lock);
        let too_much = Mint { amount: U256::from(u64::MAX) + U256::from(1), ..mint };
        assert!(matches!(Lock::try_from(too_much), Err(BridgeTypesError::AmountOverflow { .. })));
    }

    #[test]
    fn lock_serde_form_is_the_relayer_store_record() {
        // The relayer keeps locks in sled as JSON with these names; a rename would orphan them.
        let lock = Lock {
            nonce: 3,
            tao_sender: B256::repeat_byte(0xaa),
            recipient: Address::repeat_byte(0xbb),
            amount: Rao(5),
        };
        let json = serde_json::to_value(lock).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "nonce": 3,
                "tao_sender": B256::repeat_byte(0xaa),
                "recipient": Address::repeat_byte(0xbb),
                "amount": 5,
            })
        );
        assert_eq!(serde_json::from_value::<Lock>(json).unwrap(), lock);
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
