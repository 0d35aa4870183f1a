//! Shared EIP-712 test vectors: mint batches → domain separator, struct hash, digest, signatures.
//!
//! The file `contracts/test/vectors/mint_batches.json` is written by [`generate`] (run
//! `cargo run -p wtao-bridge-types --features test-utils --example gen-vectors`) and checked by two independent
//! implementations:
//! - this crate's tests recompute every value with [`VectorFile::check`] and compare the whole file
//!   with a fresh [`generate`], so a change to the Rust encoding or a stale file fails;
//! - `contracts/test/Vectors.t.sol` deploys TaoBridge at each vector's verifying contract on its
//!   chain id, asks `hashMintBatch` for the digest and `ecrecover`s every signature.
//!
//! Everything is derived from fixed labels ([`relayer_keys`]), and signing is deterministic
//! (RFC 6979), so regenerating gives the same bytes. Integers that may exceed 2⁵³ (nonces,
//! amounts) are decimal strings, so no JSON reader rounds them; forge's `parseJsonUint` reads them.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_sol_types::SolStruct;
use k256::ecdsa::SigningKey;
use serde::{Deserialize, Serialize};

use crate::{
    BridgeDomain, BridgeTypesError, Mint, MintBatch, mint_batch_digest, mint_batch_struct_hash,
    recover_signer, sign_digest, signer_address, sort_signatures,
};

/// The command that writes the file, recorded in it.
pub const GENERATOR: &str =
    "cargo run -p wtao-bridge-types --features test-utils --example gen-vectors";
/// The file's path relative to the repository root.
pub const VECTORS_FILE: &str = "contracts/test/vectors/mint_batches.json";

/// The whole vector file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VectorFile {
    /// What the file is, for a reader who finds it first.
    pub description: String,
    /// How to regenerate it ([`GENERATOR`]).
    pub generator: String,
    /// `keccak256` of the `Mint` EIP-712 type string.
    pub mint_type_hash: B256,
    /// `keccak256` of the `MintBatch` EIP-712 type string (which includes `Mint`'s).
    pub mint_batch_type_hash: B256,
    /// The fixed relayer keys that signed every vector. Test keys: never fund them.
    pub relayers: Vec<VectorRelayer>,
    /// One entry per (batch, domain) pair.
    pub vectors: Vec<MintBatchVector>,
}

/// A fixed relayer key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VectorRelayer {
    /// The label the key is derived from: `privateKey = keccak256(name)`.
    pub name: String,
    /// The secp256k1 private key.
    pub private_key: B256,
    /// Its EVM address.
    pub address: Address,
}

/// One batch in one domain, with everything derived from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintBatchVector {
    /// `<batch>/<chain id>/<bridge label>`, for error messages.
    pub name: String,
    /// EIP-712 domain chain id.
    pub chain_id: u64,
    /// EIP-712 domain verifying contract (the bridge proxy).
    pub verifying_contract: Address,
    /// The batch.
    pub mints: Vec<VectorMint>,
    /// `BridgeDomain::separator()`.
    pub domain_separator: B256,
    /// `hashStruct(MintBatch{mints})`.
    pub struct_hash: B256,
    /// The EIP-712 digest, as `TaoBridge.hashMintBatch` returns it.
    pub digest: B256,
    /// Signatures of `digest` by every relayer, sorted by signer address as `mint` wants them.
    pub signatures: Vec<VectorSignature>,
}

/// A [`Mint`] with its integers as decimal strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VectorMint {
    /// `uint64` nonce, decimal.
    pub nonce: String,
    /// 32-byte TAO sender public key.
    pub tao_sender: B256,
    /// EVM recipient.
    pub recipient: Address,
    /// `uint256` amount in rao, decimal.
    pub amount: String,
}

/// One relayer's signature of a vector's digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VectorSignature {
    /// The relayer's address; `ecrecover(digest, signature)` must return it.
    pub signer: Address,
    /// 65 bytes r‖s‖v.
    pub signature: Bytes,
}

impl From<&Mint> for VectorMint {
    fn from(m: &Mint) -> Self {
        Self {
            nonce: m.nonce.to_string(),
            tao_sender: m.taoSender,
            recipient: m.recipient,
            amount: m.amount.to_string(),
        }
    }
}

impl VectorMint {
    /// Parses the decimal strings back into a [`Mint`].
    ///
    /// # Errors
    /// [`BridgeTypesError::VectorMismatch`] naming the field that is not a valid integer.
    pub fn to_mint(&self, vector: &str) -> Result<Mint, BridgeTypesError> {
        let bad = |field: &'static str, value: &str| BridgeTypesError::VectorMismatch {
            vector: vector.to_owned(),
            field,
            in_file: value.to_owned(),
            computed: "not a decimal integer".to_owned(),
        };
        Ok(Mint {
            nonce: self.nonce.parse().map_err(|_| bad("nonce", &self.nonce))?,
            taoSender: self.tao_sender,
            recipient: self.recipient,
            amount: U256::from_str_radix(&self.amount, 10)
                .map_err(|_| bad("amount", &self.amount))?,
        })
    }
}

/// The three fixed relayer keys, `keccak256("wtao/test-vectors/relayer/<i>")`, with their labels.
///
/// # Errors
/// Only if a label hashed to an invalid secp256k1 scalar (it does not; the tests would say so).
pub fn relayer_keys() -> Result<Vec<(String, SigningKey)>, BridgeTypesError> {
    (0..3)
        .map(|i| {
            let name = format!("wtao/test-vectors/relayer/{i}");
            let key = SigningKey::from_slice(keccak256(&name).as_slice())
                .map_err(|e| BridgeTypesError::Unrecoverable(e.into()))?;
            Ok((name, key))
        })
        .collect()
}

fn label_address(label: &str) -> Address {
    Address::from_word(keccak256(label))
}

/// The batches: sizes 1, 2 and 5, with the edge values a decoder gets wrong first — nonce 0 and
/// `u64::MAX`, amount 0, 1 and `uint256` max, zero and all-ones TAO senders, zero recipient.
/// (The contract refuses zero amounts and recipients in `mint`; hashing must still agree.)
fn batches() -> Vec<(&'static str, Vec<Mint>)> {
    let sender = |l: &str| keccak256(format!("wtao/test-vectors/tao-sender/{l}"));
    let recipient = |l: &str| label_address(&format!("wtao/test-vectors/recipient/{l}"));
    let tao = U256::from(crate::RAO_PER_TAO);
    vec![
        (
            "single",
            vec![Mint {
                nonce: 42,
                taoSender: sender("alice"),
                recipient: recipient("alice"),
                amount: U256::from(3u64) * tao / U256::from(2u64),
            }],
        ),
        (
            "pair-edges",
            vec![
                Mint {
                    nonce: 0,
                    taoSender: B256::ZERO,
                    recipient: recipient("bob"),
                    amount: U256::from(1u64),
                },
                Mint {
                    nonce: 1,
                    taoSender: sender("bob"),
                    recipient: Address::ZERO,
                    amount: U256::ZERO,
                },
            ],
        ),
        (
            "five-edges",
            vec![
                Mint {
                    nonce: 7,
                    taoSender: sender("carol"),
                    recipient: recipient("carol"),
                    amount: U256::from(21_000_000u64) * tao,
                },
                Mint {
                    nonce: 8,
                    taoSender: B256::repeat_byte(0xff),
                    recipient: Address::repeat_byte(0xff),
                    amount: U256::MAX,
                },
                Mint {
                    nonce: 1_000,
                    taoSender: sender("dave"),
                    recipient: recipient("dave"),
                    amount: U256::from(u64::MAX) + U256::from(1u64),
                },
                Mint {
                    nonce: u64::from(u32::MAX) + 1,
                    taoSender: sender("erin"),
                    recipient: recipient("erin"),
                    amount: U256::from(123_456_789u64),
                },
                Mint {
                    nonce: u64::MAX,
                    taoSender: sender("frank"),
                    recipient: recipient("frank"),
                    amount: U256::from(1u64),
                },
            ],
        ),
    ]
}

/// Two chains (anvil's 31337 and mainnet's 1) × two bridge addresses.
fn domains() -> Vec<(String, BridgeDomain)> {
    let mut out = Vec::new();
    for chain_id in [31337u64, 1] {
        for bridge in ["bridge-a", "bridge-b"] {
            let contract = label_address(&format!("wtao/test-vectors/{bridge}"));
            out.push((format!("{chain_id}/{bridge}"), BridgeDomain::new(chain_id, contract)));
        }
    }
    out
}

/// Builds the vector file from the fixed keys, batches and domains.
///
/// # Errors
/// Only if signing fails, which it does not for valid keys.
pub fn generate() -> Result<VectorFile, BridgeTypesError> {
    let keys = relayer_keys()?;
    let mut vectors = Vec::new();
    for (batch_name, mints) in batches() {
        for (domain_name, domain) in domains() {
            let digest = mint_batch_digest(&domain, &mints);
            let signed = keys
                .iter()
                .map(|(_, key)| Ok((signer_address(key), Bytes::from(sign_digest(key, digest)?))))
                .collect::<Result<Vec<_>, BridgeTypesError>>()?;
            let signatures = sort_signatures(signed)?
                .into_iter()
                .map(|(signer, signature)| VectorSignature { signer, signature })
                .collect();
            vectors.push(MintBatchVector {
                name: format!("{batch_name}/{domain_name}"),
                chain_id: domain.chain_id,
                verifying_contract: domain.verifying_contract,
                mints: mints.iter().map(VectorMint::from).collect(),
                domain_separator: domain.separator(),
                struct_hash: mint_batch_struct_hash(&mints),
                digest,
                signatures,
            });
        }
    }
    Ok(VectorFile {
        description: "EIP-712 MintBatch test vectors shared by wtao-bridge-types (Rust) and \
                      contracts/test/Vectors.t.sol (forge). Test keys only."
            .to_owned(),
        generator: GENERATOR.to_owned(),
        mint_type_hash: keccak256(Mint::eip712_encode_type().as_bytes()),
        mint_batch_type_hash: keccak256(MintBatch::eip712_encode_type().as_bytes()),
        relayers: keys
            .iter()
            .map(|(name, key)| VectorRelayer {
                name: name.clone(),
                private_key: B256::from_slice(&key.to_bytes()),
                address: signer_address(key),
            })
            .collect(),
        vectors,
    })
}

impl VectorFile {
    /// Parses a vector file.
    ///
    /// # Errors
    /// [`BridgeTypesError::VectorJson`] if it is not JSON of this shape.
    pub fn from_json(json: &str) -> Result<Self, BridgeTypesError> {
        Ok(serde_json::from_str(json)?)
    }

    /// The file as written to disk: pretty JSON with a trailing newline.
    ///
    /// # Errors
    /// Never in practice (every field serialises).
    pub fn to_json(&self) -> Result<String, BridgeTypesError> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }

    /// Recomputes every derived value from the inputs in the file (keys, batches, domains) and
    /// compares.
    ///
    /// # Errors
    /// [`BridgeTypesError::VectorMismatch`] for the first value that differs.
    pub fn check(&self) -> Result<(), BridgeTypesError> {
        let mismatch = |vector: &str,
                        field: &'static str,
                        in_file: &dyn std::fmt::Display,
                        computed: &dyn std::fmt::Display| {
            BridgeTypesError::VectorMismatch {
                vector: vector.to_owned(),
                field,
                in_file: in_file.to_string(),
                computed: computed.to_string(),
            }
        };
        let eq = |vector: &str, field, in_file: B256, computed: B256| {
            if in_file == computed {
                Ok(())
            } else {
                Err(mismatch(vector, field, &in_file, &computed))
            }
        };
        eq(
            "file",
            "mintTypeHash",
            self.mint_type_hash,
            keccak256(Mint::eip712_encode_type().as_bytes()),
        )?;
        eq(
            "file",
            "mintBatchTypeHash",
            self.mint_batch_type_hash,
            keccak256(MintBatch::eip712_encode_type().as_bytes()),
        )?;

        let mut keys = Vec::with_capacity(self.relayers.len());
        for r in &self.relayers {
            let key = SigningKey::from_slice(r.private_key.as_slice())
                .map_err(|e| BridgeTypesError::Unrecoverable(e.into()))?;
            let address = signer_address(&key);
            if address != r.address {
                return Err(mismatch(&r.name, "address", &r.address, &address));
            }
            keys.push(key);
        }

        for v in &self.vectors {
            let mints =
                v.mints.iter().map(|m| m.to_mint(&v.name)).collect::<Result<Vec<_>, _>>()?;
            let domain = BridgeDomain::new(v.chain_id, v.verifying_contract);
            eq(&v.name, "domainSeparator", v.domain_separator, domain.separator())?;
            eq(&v.name, "structHash", v.struct_hash, mint_batch_struct_hash(&mints))?;
            eq(&v.name, "digest", v.digest, mint_batch_digest(&domain, &mints))?;

            let mut previous: Option<Address> = None;
            for s in &v.signatures {
                let recovered = recover_signer(v.digest, &s.signature)?;
                if recovered != s.signer {
                    return Err(mismatch(&v.name, "signatures[].signer", &s.signer, &recovered));
                }
                if previous.is_some_and(|p| p >= s.signer) {
                    return Err(mismatch(&v.name, "signatures order", &s.signer, &"ascending"));
                }
                previous = Some(s.signer);
                // Deterministic signing: the file must hold exactly what our signer produces.
                let key = keys.iter().find(|k| signer_address(k) == s.signer).ok_or_else(|| {
                    mismatch(&v.name, "signatures[].signer", &s.signer, &"not a listed relayer")
                })?;
                let ours = Bytes::from(sign_digest(key, v.digest)?);
                if ours != s.signature {
                    return Err(mismatch(&v.name, "signatures[].signature", &s.signature, &ours));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_covers_the_agreed_cases() {
        let file = generate().unwrap();
        assert_eq!(file.relayers.len(), 3);
        let sizes: std::collections::BTreeSet<usize> =
            file.vectors.iter().map(|v| v.mints.len()).collect();
        assert_eq!(sizes, [1, 2, 5].into());
        let chains: std::collections::BTreeSet<u64> =
            file.vectors.iter().map(|v| v.chain_id).collect();
        assert_eq!(chains, [1, 31337].into());
        let bridges: std::collections::BTreeSet<Address> =
            file.vectors.iter().map(|v| v.verifying_contract).collect();
        assert_eq!(bridges.len(), 2);
        assert!(file.vectors.iter().all(|v| v.signatures.len() == 3));
        let nonces: Vec<&str> =
            file.vectors.iter().flat_map(|v| v.mints.iter().map(|m| m.nonce.as_str())).collect();
        assert!(nonces.contains(&"0") && nonces.contains(&"18446744073709551615"));
        file.check().unwrap();
    }

    #[test]
    fn check_catches_a_changed_value() {
        let good = generate().unwrap();

        let mut bad = good.clone();
        bad.vectors[1].mints[0].amount = "2".to_owned();
        assert!(matches!(
            bad.check(),
            Err(BridgeTypesError::VectorMismatch { field: "structHash", .. })
        ));

        let mut bad = good.clone();
        bad.vectors[0].chain_id += 1;
        assert!(matches!(
            bad.check(),
            Err(BridgeTypesError::VectorMismatch { field: "domainSeparator", .. })
        ));

        let mut bad = good.clone();
        bad.vectors[0].signatures.swap(0, 1);
        assert!(matches!(
            bad.check(),
            Err(BridgeTypesError::VectorMismatch { field: "signatures order", .. })
        ));

        let mut bad = good;
        bad.vectors[0].signatures[0].signature = bad.vectors[1].signatures[0].signature.clone();
        assert!(matches!(
            bad.check(),
            Err(BridgeTypesError::VectorMismatch { field: "signatures[].signer", .. })
        ));
    }

    #[test]
    fn json_round_trips_with_decimal_integers() {
        let file = generate().unwrap();
        let json = file.to_json().unwrap();
        assert!(json.contains("\"nonce\": \"18446744073709551615\""));
        assert_eq!(VectorFile::from_json(&json).unwrap(), file);
    }
}
