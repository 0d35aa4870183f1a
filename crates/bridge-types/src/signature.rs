//! Relayer signatures over mint batch digests: sign, recover, and order them for `TaoBridge.mint`.
//!
//! The rules are the contract's (OpenZeppelin `ECDSA.tryRecover` plus TaoBridge's own checks):
//! 65 bytes r‖s‖v, v ∈ {27, 28}, s ≤ n/2 (EIP-2), signatures sorted by signer address, strictly
//! increasing. Checking them here lets a relayer drop a bad attestation before it costs gas.

use alloy_primitives::{Address, B256, Signature};
use k256::ecdsa::SigningKey;

use crate::BridgeTypesError;

/// A relayer's signature as `TaoBridge.mint` takes it: r (32 bytes) ‖ s (32) ‖ v (1, 27 or 28),
/// with a low s.
pub type RelayerSignature = [u8; 65];

/// The EVM address of the relayer key `key`.
pub fn signer_address(key: &SigningKey) -> Address {
    Address::from_private_key(key)
}

/// Signs `digest` (already EIP-712 hashed, e.g. by [`crate::mint_batch_digest`]) with `key`.
///
/// Deterministic (RFC 6979), so the shared test vectors are reproducible, and always low-s with
/// v = 27/28, which is what the contract accepts.
///
/// # Errors
/// [`BridgeTypesError::Unrecoverable`] only if k256 fails to sign, which does not happen for a
/// 32-byte digest and a valid key.
pub fn sign_digest(key: &SigningKey, digest: B256) -> Result<RelayerSignature, BridgeTypesError> {
    let (sig, recid) = key
        .sign_prehash_recoverable(digest.as_slice())
        .map_err(|e| BridgeTypesError::Unrecoverable(e.into()))?;
    Ok(Signature::from((sig, recid)).normalized_s().as_bytes())
}

/// The address that signed `digest`, accepting exactly what the contract accepts.
///
/// # Errors
/// Wrong length, v other than 27/28, a high s (malleable twin of a valid signature), or a
/// signature that recovers to no key.
pub fn recover_signer(digest: B256, sig: &[u8]) -> Result<Address, BridgeTypesError> {
    let raw: &RelayerSignature =
        sig.try_into().map_err(|_| BridgeTypesError::SignatureLength { len: sig.len() })?;
    let [.., v] = *raw;
    if v != 27 && v != 28 {
        return Err(BridgeTypesError::SignatureV { v });
    }
    let parsed = Signature::from_raw_array(raw).map_err(BridgeTypesError::Unrecoverable)?;
    // alloy normalises s silently before recovering; the contract does not, so neither may we.
    if parsed.normalize_s().is_some() {
        return Err(BridgeTypesError::HighS);
    }
    parsed.recover_address_from_prehash(&digest).map_err(BridgeTypesError::Unrecoverable)
}

/// Orders `(signer, signature)` pairs by signer address, strictly increasing, as
/// `TaoBridge.mint` requires.
///
/// A signer listed twice with the *same* signature (an attestation seen twice) is kept once.
///
/// # Errors
/// [`BridgeTypesError::ConflictingSignatures`] if a signer is listed with two different
/// signatures: the caller has to decide which attestation it trusts.
pub fn sort_signatures<S: PartialEq>(
    pairs: impl IntoIterator<Item = (Address, S)>,
) -> Result<Vec<(Address, S)>, BridgeTypesError> {
    let mut pairs: Vec<(Address, S)> = pairs.into_iter().collect();
    pairs.sort_by_key(|(signer, _)| *signer);
    let mut sorted: Vec<(Address, S)> = Vec::with_capacity(pairs.len());
    for (signer, sig) in pairs {
        match sorted.last() {
            Some((last, last_sig)) if *last == signer => {
                if *last_sig != sig {
                    return Err(BridgeTypesError::ConflictingSignatures { signer });
                }
            }
            _ => sorted.push((signer, sig)),
        }
    }
    Ok(sorted)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{U256, keccak256};
    use proptest::prelude::*;

    use super::*;

    /// secp256k1 group order n.
    const N: U256 = U256::from_be_slice(&[
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36,
        0x41, 0x41,
    ]);

    fn key(label: &str) -> SigningKey {
        SigningKey::from_slice(keccak256(label).as_slice()).unwrap()
    }

    #[test]
    fn signer_address_of_a_known_key() {
        // anvil's first dev account.
        let k = SigningKey::from_slice(&alloy_primitives::hex!(
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
        ))
        .unwrap();
        assert_eq!(
            signer_address(&k),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse::<Address>().unwrap()
        );
    }

    #[test]
    fn sign_is_deterministic_low_s_and_v_27_28() {
        let k = key("relayer");
        let digest = keccak256("batch");
        let sig = sign_digest(&k, digest).unwrap();
        assert_eq!(sig, sign_digest(&k, digest).unwrap());
        assert!(sig[64] == 27 || sig[64] == 28);
        assert!(U256::from_be_slice(&sig[32..64]) <= N >> 1);
    }

    #[test]
    fn recover_rejects_what_the_contract_rejects() {
        let k = key("relayer");
        let digest = keccak256("batch");
        let sig = sign_digest(&k, digest).unwrap();
        assert_eq!(recover_signer(digest, &sig).unwrap(), signer_address(&k));

        assert!(matches!(
            recover_signer(digest, &sig[..64]),
            Err(BridgeTypesError::SignatureLength { len: 64 })
        ));

        let mut parity01 = sig;
        parity01[64] -= 27;
        assert!(matches!(
            recover_signer(digest, &parity01),
            Err(BridgeTypesError::SignatureV { .. })
        ));

        // The malleable twin (n - s, flipped v) is a valid ECDSA signature; EIP-2 forbids it.
        let s = U256::from_be_slice(&sig[32..64]);
        let mut high = sig;
        high[32..64].copy_from_slice(&(N - s).to_be_bytes::<32>());
        high[64] = if sig[64] == 27 { 28 } else { 27 };
        assert!(matches!(recover_signer(digest, &high), Err(BridgeTypesError::HighS)));

        let mut zero = [0u8; 65];
        zero[64] = 27;
        assert!(matches!(recover_signer(digest, &zero), Err(BridgeTypesError::Unrecoverable(_))));

        // A signature for another digest recovers to someone else, never to the signer.
        assert_ne!(recover_signer(keccak256("other"), &sig).unwrap(), signer_address(&k));
    }

    #[test]
    fn sort_orders_by_signer_and_drops_exact_duplicates() {
        let (a, b, c) = (Address::repeat_byte(1), Address::repeat_byte(2), Address::repeat_byte(3));
        let sorted = sort_signatures([(c, 3), (a, 1), (b, 2), (a, 1)]).unwrap();
        assert_eq!(sorted, vec![(a, 1), (b, 2), (c, 3)]);
        assert!(matches!(
            sort_signatures([(a, 1), (a, 2)]),
            Err(BridgeTypesError::ConflictingSignatures { signer }) if signer == a
        ));
        assert!(sort_signatures(Vec::<(Address, u8)>::new()).unwrap().is_empty());
    }

    proptest! {
        #[test]
        fn sign_then_recover_round_trips(secret in any::<[u8; 32]>(), digest in any::<[u8; 32]>()) {
            // Not every 32-byte string is a valid key (0 and >= n are not).
            if let Ok(k) = SigningKey::from_slice(&secret) {
                let digest = B256::from(digest);
                let sig = sign_digest(&k, digest).unwrap();
                prop_assert_eq!(recover_signer(digest, &sig).unwrap(), signer_address(&k));
            }
        }
    }
}
