//! The EIP-712 domain and digest of a mint batch.

use alloy_primitives::{Address, B256};
use alloy_sol_types::{Eip712Domain, SolStruct, eip712_domain};
use serde::{Deserialize, Serialize};

use crate::{Mint, MintBatch};

/// EIP-712 domain name; TaoBridge passes the same string to OpenZeppelin's `EIP712` initializer.
pub const DOMAIN_NAME: &str = "TaoBridge";
/// EIP-712 domain version. Bump it (on both sides) when the signed types change, so that old
/// signatures cannot be replayed under new semantics.
pub const DOMAIN_VERSION: &str = "1";

/// Where a mint batch signature is valid: one chain, one bridge.
///
/// `verifying_contract` is the bridge *proxy* (the address users and relayers call), not the
/// implementation: signatures stay valid across UUPS upgrades, and are useless on any other
/// deployment or chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BridgeDomain {
    /// EIP-155 chain id of the EVM chain the bridge lives on.
    pub chain_id: u64,
    /// Address of the TaoBridge proxy.
    pub verifying_contract: Address,
}

impl BridgeDomain {
    /// The domain of the bridge proxy `verifying_contract` on chain `chain_id`.
    pub const fn new(chain_id: u64, verifying_contract: Address) -> Self {
        Self { chain_id, verifying_contract }
    }

    /// `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`
    /// with name [`DOMAIN_NAME`] and version [`DOMAIN_VERSION`] (no salt).
    pub fn eip712_domain(&self) -> Eip712Domain {
        eip712_domain! {
            name: DOMAIN_NAME,
            version: DOMAIN_VERSION,
            chain_id: self.chain_id,
            verifying_contract: self.verifying_contract,
        }
    }

    /// The domain separator, as `TaoBridge._domainSeparatorV4()` returns it.
    pub fn separator(&self) -> B256 {
        self.eip712_domain().separator()
    }
}

/// `hashStruct(MintBatch{mints})`: the part of the digest that does not depend on the domain.
pub fn mint_batch_struct_hash(mints: &[Mint]) -> B256 {
    MintBatch { mints: mints.to_vec() }.eip712_hash_struct()
}

/// The EIP-712 digest relayers sign and `TaoBridge.hashMintBatch(mints)` returns:
/// `keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(MintBatch{mints}))`.
pub fn mint_batch_digest(domain: &BridgeDomain, mints: &[Mint]) -> B256 {
    MintBatch { mints: mints.to_vec() }.eip712_signing_hash(&domain.eip712_domain())
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{U256, address, keccak256};
    use alloy_sol_types::SolValue;

    use super::*;
    use crate::Rao;

    const BRIDGE: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");

    fn mint(nonce: u64) -> Mint {
        Mint::new(nonce, B256::repeat_byte(0xaa), Address::repeat_byte(0xbb), Rao(1_000))
    }

    #[test]
    fn separator_is_the_eip712_domain_hash() {
        // Spelled out once by hand, as EIP-712 defines it, to pin what `eip712_domain!` builds.
        let domain = BridgeDomain::new(31337, BRIDGE);
        let type_hash = keccak256(
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
        );
        let expected = keccak256(
            (
                type_hash,
                keccak256(DOMAIN_NAME),
                keccak256(DOMAIN_VERSION),
                U256::from(31337u64),
                BRIDGE,
            )
                .abi_encode(),
        );
        assert_eq!(domain.separator(), expected);
    }

    #[test]
    fn struct_hash_hashes_the_array_of_mint_hashes() {
        let mints = [mint(1), mint(2)];
        let batch_type = keccak256(
            "MintBatch(Mint[] mints)Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)",
        );
        let items: Vec<u8> = mints.iter().flat_map(|m| m.eip712_hash_struct().0).collect();
        let expected = keccak256((batch_type, keccak256(items)).abi_encode());
        assert_eq!(mint_batch_struct_hash(&mints), expected);
    }

    #[test]
    fn digest_binds_domain_and_batch() {
        let domain = BridgeDomain::new(31337, BRIDGE);
        let mints = [mint(1), mint(2)];
        let digest = mint_batch_digest(&domain, &mints);
        let mut preimage = vec![0x19, 0x01];
        preimage.extend_from_slice(domain.separator().as_slice());
        preimage.extend_from_slice(mint_batch_struct_hash(&mints).as_slice());
        assert_eq!(digest, keccak256(preimage));

        // Every input changes the digest: another chain, another bridge, another batch, order.
        assert_ne!(digest, mint_batch_digest(&BridgeDomain::new(1, BRIDGE), &mints));
        assert_ne!(digest, mint_batch_digest(&BridgeDomain::new(31337, Address::ZERO), &mints));
        assert_ne!(digest, mint_batch_digest(&domain, &mints[..1]));
        assert_ne!(digest, mint_batch_digest(&domain, &[mint(2), mint(1)]));
    }
}
