//! Chain primitives shared by the runtime, the chain and the RPC layer.
//!
//! Every type here encodes byte-for-byte like its Substrate namesake (the SCALE codec is the wire
//! format that subxt, polkadot.js and the Python SDK speak), and its `TypeInfo` carries the
//! Substrate type path (`sp_core::crypto::AccountId32`, `sp_runtime::MultiSignature`, …) because
//! metadata-driven clients recognise some types by path rather than by shape.

use parity_scale_codec::{Compact, Decode, Encode};
use scale_info::{Path, Type, TypeInfo, TypeParameter, build::Fields, build::Variants, meta_type};

/// An amount of TAO in rao (1 TAO = 10^9 rao), as subtensor's `TaoBalance(u64)`.
pub type Balance = u64;
/// Block numbers are `u32`, as in subtensor.
pub type BlockNumber = u32;
/// Account nonces are `u32`, as in subtensor.
pub type Nonce = u32;

/// blake2b-256, the hash of headers, extrinsics and state commitments.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
    sp_crypto_hashing::blake2_256(data)
}

macro_rules! fixed_bytes {
    ($(#[$doc:meta])* $name:ident, $len:expr, $module:expr) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode,
        )]
        pub struct $name(pub [u8; $len]);

        impl Default for $name {
            fn default() -> Self {
                Self([0u8; $len])
            }
        }

        impl TypeInfo for $name {
            type Identity = Self;
            fn type_info() -> Type {
                Type::builder()
                    .path(Path::new(stringify!($name), $module))
                    .composite(Fields::unnamed().field(|f| f.ty::<[u8; $len]>()))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl From<[u8; $len]> for $name {
            fn from(b: [u8; $len]) -> Self {
                Self(b)
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = hex::FromHexError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let mut out = [0u8; $len];
                hex::decode_to_slice(s.strip_prefix("0x").unwrap_or(s), &mut out)?;
                Ok(Self(out))
            }
        }
    };
}

fixed_bytes!(
    /// A 256-bit hash (block hash, state root, topic).
    H256,
    32,
    "primitive_types"
);
fixed_bytes!(
    /// A 160-bit Ethereum address.
    H160,
    20,
    "primitive_types"
);
fixed_bytes!(
    /// A 32-byte account id: an sr25519/ed25519 public key, or blake2-256 of a compressed ecdsa key.
    AccountId32,
    32,
    "sp_core::crypto"
);

impl AccountId32 {
    /// The SS58 (prefix 42) text form, for logs and `system_accountNextIndex`.
    pub fn to_ss58(&self) -> String {
        ss58::encode(self, 42)
    }
}

impl serde::Serialize for H256 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(self.0)))
    }
}

/// SS58 address text (prefix < 64 only, which is all the devnet uses).
pub mod ss58 {
    use super::AccountId32;

    const PREFIX: &[u8] = b"SS58PRE";

    fn checksum(body: &[u8]) -> [u8; 64] {
        let mut data = Vec::with_capacity(PREFIX.len().saturating_add(body.len()));
        data.extend_from_slice(PREFIX);
        data.extend_from_slice(body);
        sp_crypto_hashing::blake2_512(&data)
    }

    /// Encode an account id with a one-byte network prefix.
    pub fn encode(account: &AccountId32, prefix: u8) -> String {
        let mut body = Vec::with_capacity(35);
        body.push(prefix & 0x3f);
        body.extend_from_slice(&account.0);
        let sum = checksum(&body);
        body.extend_from_slice(sum.get(..2).unwrap_or_default());
        bs58_encode(&body)
    }

    /// Decode an SS58 address (any one-byte prefix) or a `0x`-hex account id.
    pub fn decode(text: &str) -> Option<AccountId32> {
        if let Some(hex) = text.strip_prefix("0x") {
            return hex.parse::<AccountId32>().ok().or_else(|| {
                let mut out = [0u8; 32];
                hex::decode_to_slice(hex, &mut out).ok().map(|()| AccountId32(out))
            });
        }
        let raw = bs58_decode(text)?;
        if raw.len() != 35 || raw.first().copied()? >= 64 {
            return None;
        }
        let (body, sum) = raw.split_at(33);
        if checksum(body).get(..2)? != sum {
            return None;
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(body.get(1..33)?);
        Some(AccountId32(out))
    }

    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    fn bs58_encode(input: &[u8]) -> String {
        let mut digits: Vec<u8> = Vec::new();
        for &byte in input {
            let mut carry = u32::from(byte);
            for d in digits.iter_mut() {
                carry = carry.saturating_add(u32::from(*d) << 8);
                *d = (carry % 58) as u8;
                carry /= 58;
            }
            while carry > 0 {
                digits.push((carry % 58) as u8);
                carry /= 58;
            }
        }
        let zeros = input.iter().take_while(|b| **b == 0).count();
        let mut out = String::with_capacity(zeros.saturating_add(digits.len()));
        out.extend(std::iter::repeat_n('1', zeros));
        for d in digits.iter().rev() {
            out.push(char::from(*ALPHABET.get(usize::from(*d)).unwrap_or(&b'1')));
        }
        out
    }

    fn bs58_decode(input: &str) -> Option<Vec<u8>> {
        let mut bytes: Vec<u8> = Vec::new();
        for c in input.bytes() {
            let mut carry = ALPHABET.iter().position(|a| *a == c)? as u32;
            for b in bytes.iter_mut() {
                carry = carry.saturating_add(u32::from(*b).saturating_mul(58));
                *b = (carry & 0xff) as u8;
                carry >>= 8;
            }
            while carry > 0 {
                bytes.push((carry & 0xff) as u8);
                carry >>= 8;
            }
        }
        let zeros = input.bytes().take_while(|c| *c == b'1').count();
        let mut out = vec![0u8; zeros];
        out.extend(bytes.iter().rev());
        Some(out)
    }
}

/// `sp_runtime::MultiAddress<AccountId32, ()>`: how calls and signed extrinsics name accounts.
///
/// Its `TypeInfo` is written out (see below) because clients need the generic parameters.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum MultiAddress {
    /// An account id.
    #[codec(index = 0)]
    Id(AccountId32),
    /// An account index (unsupported on this chain: there is no Indices pallet).
    #[codec(index = 1)]
    Index(#[codec(compact)] ()),
    /// Raw bytes.
    #[codec(index = 2)]
    Raw(Vec<u8>),
    /// A 32-byte address.
    #[codec(index = 3)]
    Address32([u8; 32]),
    /// A 20-byte address.
    #[codec(index = 4)]
    Address20([u8; 20]),
}

/// `sp_runtime::multiaddress::MultiAddress<AccountId, AccountIndex>` with its type parameters:
/// polkadot.js reads the `AccountId` parameter to pick its account type (and fails to initialise
/// without it), so a derive on this non-generic enum is not enough.
impl TypeInfo for MultiAddress {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("MultiAddress", "sp_runtime::multiaddress"))
            .type_params(vec![
                TypeParameter::new("AccountId", Some(meta_type::<AccountId32>())),
                TypeParameter::new("AccountIndex", Some(meta_type::<()>())),
            ])
            .variant(
                Variants::new()
                    .variant("Id", |v| {
                        v.index(0).fields(
                            Fields::unnamed()
                                .field(|f| f.ty::<AccountId32>().type_name("AccountId")),
                        )
                    })
                    .variant("Index", |v| {
                        v.index(1).fields(
                            Fields::unnamed()
                                .field(|f| f.compact::<()>().type_name("AccountIndex")),
                        )
                    })
                    .variant("Raw", |v| {
                        v.index(2).fields(Fields::unnamed().field(|f| f.ty::<Vec<u8>>()))
                    })
                    .variant("Address32", |v| {
                        v.index(3).fields(Fields::unnamed().field(|f| f.ty::<[u8; 32]>()))
                    })
                    .variant("Address20", |v| {
                        v.index(4).fields(Fields::unnamed().field(|f| f.ty::<[u8; 20]>()))
                    }),
            )
    }
}

impl MultiAddress {
    /// The account this address names, if it names one directly (`Id` or `Address32`).
    pub fn account(&self) -> Option<AccountId32> {
        match self {
            Self::Id(a) => Some(*a),
            Self::Address32(b) => Some(AccountId32(*b)),
            _ => None,
        }
    }
}

impl From<AccountId32> for MultiAddress {
    fn from(a: AccountId32) -> Self {
        Self::Id(a)
    }
}

/// `sp_runtime::MultiSignature`: variant index 0 ed25519, 1 sr25519, 2 ecdsa (65-byte recoverable).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum MultiSignature {
    /// An ed25519 signature.
    #[codec(index = 0)]
    Ed25519([u8; 64]),
    /// An sr25519 signature (schnorrkel, signing context `b"substrate"`).
    #[codec(index = 1)]
    Sr25519([u8; 64]),
    /// An ecdsa secp256k1 signature `r ++ s ++ v` over blake2-256 of the message.
    #[codec(index = 2)]
    Ecdsa([u8; 65]),
}

impl TypeInfo for MultiSignature {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder().path(Path::new("MultiSignature", "sp_runtime")).variant(
            Variants::new()
                .variant("Ed25519", |v| {
                    v.index(0).fields(Fields::unnamed().field(|f| f.ty::<[u8; 64]>()))
                })
                .variant("Sr25519", |v| {
                    v.index(1).fields(Fields::unnamed().field(|f| f.ty::<[u8; 64]>()))
                })
                .variant("Ecdsa", |v| {
                    v.index(2).fields(Fields::unnamed().field(|f| f.ty::<[u8; 65]>()))
                }),
        )
    }
}

/// The substrate sr25519 signing context.
const SR25519_CTX: &[u8] = b"substrate";

impl MultiSignature {
    /// Verify this signature of `msg` by `signer`, as `sp_runtime::MultiSignature::verify` does:
    /// sr25519/ed25519 keys are the account id itself; for ecdsa the account id is blake2-256 of
    /// the recovered compressed public key.
    pub fn verify(&self, msg: &[u8], signer: &AccountId32) -> bool {
        match self {
            Self::Sr25519(sig) => {
                let (Ok(pk), Ok(sig)) = (
                    schnorrkel::PublicKey::from_bytes(&signer.0),
                    schnorrkel::Signature::from_bytes(sig),
                ) else {
                    return false;
                };
                pk.verify_simple(SR25519_CTX, msg, &sig).is_ok()
            }
            Self::Ed25519(sig) => {
                let Ok(pk) = ed25519_dalek::VerifyingKey::from_bytes(&signer.0) else {
                    return false;
                };
                let sig = ed25519_dalek::Signature::from_bytes(sig);
                pk.verify_strict(msg, &sig).is_ok()
            }
            Self::Ecdsa(sig) => ecdsa_recover(sig, msg)
                .is_some_and(|compressed| blake2_256(&compressed) == signer.0),
        }
    }
}

/// Recover the compressed secp256k1 public key that produced `sig` over blake2-256(`msg`).
fn ecdsa_recover(sig: &[u8; 65], msg: &[u8]) -> Option<[u8; 33]> {
    use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
    let (rs, v) = sig.split_at(64);
    let v = *v.first()?;
    let v = if v >= 27 { v.checked_sub(27)? } else { v };
    let rid = RecoveryId::from_byte(v)?;
    let sig = Signature::from_slice(rs).ok()?;
    let hash = blake2_256(msg);
    let key = VerifyingKey::recover_from_prehash(&hash, &sig, rid).ok()?;
    let point = key.to_encoded_point(true);
    point.as_bytes().try_into().ok()
}

/// A digest item (`sp_runtime::generic::DigestItem`). tao-node's headers carry no digest items
/// today; the type exists so headers decode and the metadata can describe `System.Digest`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum DigestItem {
    /// Consensus pre-runtime data.
    #[codec(index = 6)]
    PreRuntime([u8; 4], Vec<u8>),
    /// A consensus message.
    #[codec(index = 4)]
    Consensus([u8; 4], Vec<u8>),
    /// A seal.
    #[codec(index = 5)]
    Seal([u8; 4], Vec<u8>),
    /// Anything else.
    #[codec(index = 0)]
    Other(Vec<u8>),
    /// The runtime environment was updated.
    #[codec(index = 8)]
    RuntimeEnvironmentUpdated,
}

/// `sp_runtime::generic::Digest`.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct Digest {
    /// The digest items.
    pub logs: Vec<DigestItem>,
}

/// A block header, encoded exactly as `sp_runtime::generic::Header<u32, BlakeTwo256>`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Header {
    /// Hash of the parent header.
    pub parent_hash: H256,
    /// Block number (compact on the wire).
    #[codec(compact)]
    pub number: BlockNumber,
    /// Commitment to the state after this block (see `chain::state_root`).
    pub state_root: H256,
    /// Commitment to this block's extrinsics.
    pub extrinsics_root: H256,
    /// Digest.
    pub digest: Digest,
}

impl Header {
    /// The block hash: blake2-256 of the SCALE-encoded header, as clients recompute it.
    pub fn hash(&self) -> H256 {
        H256(blake2_256(&self.encode()))
    }
}

/// A block as stored and served: header plus the opaque extrinsics (each with its compact
/// length prefix, as `chain_getBlock` returns them).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// Extrinsics, each the full encoding including its length prefix.
    pub extrinsics: Vec<Vec<u8>>,
}

/// The ordered-list commitment used for `extrinsics_root`: blake2-256 of the SCALE encoding of the
/// list of extrinsic hashes. Deterministic, but not Substrate's trie root (clients don't check it).
pub fn extrinsics_root(xts: &[Vec<u8>]) -> H256 {
    let hashes: Vec<[u8; 32]> = xts.iter().map(|x| blake2_256(x)).collect();
    H256(blake2_256(&hashes.encode()))
}

/// Prefix `bytes` with their compact length, the "opaque extrinsic" encoding.
pub fn with_length_prefix(bytes: &[u8]) -> Vec<u8> {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let mut out = Compact(len).encode();
    out.extend_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sr25519_roundtrip_and_tamper() {
        let kp = schnorrkel::Keypair::from(
            schnorrkel::MiniSecretKey::from_bytes(&[7u8; 32])
                .unwrap()
                .expand(schnorrkel::ExpansionMode::Ed25519),
        );
        let who = AccountId32(kp.public.to_bytes());
        let sig = kp.sign_simple(SR25519_CTX, b"hello").to_bytes();
        assert!(MultiSignature::Sr25519(sig).verify(b"hello", &who));
        assert!(!MultiSignature::Sr25519(sig).verify(b"hellp", &who));
        assert!(!MultiSignature::Ed25519(sig).verify(b"hello", &who));
    }

    #[test]
    fn ed25519_roundtrip() {
        use ed25519_dalek::Signer;
        let sk = ed25519_dalek::SigningKey::from_bytes(&[3u8; 32]);
        let who = AccountId32(sk.verifying_key().to_bytes());
        let sig = sk.sign(b"msg").to_bytes();
        assert!(MultiSignature::Ed25519(sig).verify(b"msg", &who));
        assert!(!MultiSignature::Ed25519(sig).verify(b"msh", &who));
    }

    #[test]
    fn ecdsa_roundtrip() {
        let sk = k256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap();
        let pk = sk.verifying_key().to_encoded_point(true);
        let who = AccountId32(blake2_256(pk.as_bytes()));
        let hash = blake2_256(b"payload");
        let (sig, rid) = sk.sign_prehash_recoverable(&hash).unwrap();
        let mut raw = [0u8; 65];
        raw[..64].copy_from_slice(&sig.to_bytes());
        raw[64] = rid.to_byte();
        assert!(MultiSignature::Ecdsa(raw).verify(b"payload", &who));
        assert!(!MultiSignature::Ecdsa(raw).verify(b"payloae", &who));
    }

    #[test]
    fn multisignature_and_address_encoding() {
        assert_eq!(MultiSignature::Sr25519([1; 64]).encode()[0], 1);
        assert_eq!(MultiSignature::Ecdsa([1; 65]).encode().len(), 66);
        let a = MultiAddress::Id(AccountId32([5; 32]));
        assert_eq!(a.encode()[0], 0);
        assert_eq!(MultiAddress::decode(&mut &a.encode()[..]).unwrap(), a);
    }

    #[test]
    fn ss58_alice() {
        // //Alice's well-known sr25519 public key and address.
        let alice: AccountId32 =
            "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d".parse().unwrap();
        assert_eq!(alice.to_ss58(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
        assert_eq!(ss58::decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"), Some(alice));
        assert_eq!(ss58::decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ"), None);
    }

    #[test]
    fn header_hash_is_blake2_of_encoding() {
        let h = Header {
            parent_hash: H256::default(),
            number: 1,
            state_root: H256([1; 32]),
            extrinsics_root: H256([2; 32]),
            digest: Digest::default(),
        };
        let enc = h.encode();
        assert_eq!(enc.len(), 32 + 1 + 32 + 32 + 1);
        assert_eq!(h.hash().0, blake2_256(&enc));
    }
}
