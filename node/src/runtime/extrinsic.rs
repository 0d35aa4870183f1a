//! The v4 extrinsic format and subtensor's transaction extensions.
//!
//! Signed layout: `Compact(len) ++ 0x84 ++ MultiAddress ++ MultiSignature ++ extra ++ call`, where
//! `extra` is the explicit data of the 13 extensions subtensor declares, in its order
//! ([`extensions`]). Only four carry bytes (mortality era, compact nonce, compact tip, metadata-hash
//! mode); the rest are empty, so subxt's default config, polkadot.js and the Python signers all
//! produce valid transactions. The signed payload is `call ++ extra ++ implicit` (implicit: spec
//! version, tx version, genesis hash, era birth-block hash, `None` metadata hash), hashed with
//! blake2-256 when longer than 256 bytes.

use std::sync::OnceLock;

use parity_scale_codec::{Compact, Decode, DecodeLimit, Encode};
use scale_info::{Path, Type, TypeInfo, TypeParameter, build::Fields, build::Variants, meta_type};

use crate::primitives::{
    AccountId32, Balance, BlockNumber, H256, MultiAddress, MultiSignature, Nonce, blake2_256,
};

use super::RuntimeCall;

/// Signed v4 extrinsic version byte.
pub const SIGNED_V4: u8 = 0x84;
/// Unsigned (bare) v4 extrinsic version byte.
pub const UNSIGNED_V4: u8 = 0x04;
/// Largest extrinsic accepted (bytes, after the length prefix).
pub const MAX_EXTRINSIC_LEN: usize = 4 * 1024 * 1024;
/// Nesting limit for decoding calls (sudo can wrap calls).
pub const MAX_CALL_DEPTH: u32 = 32;

/// `sp_runtime::generic::Era`: immortal, or mortal with a period (power of two, 4..=65536) and a
/// phase.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Era {
    /// Valid forever.
    Immortal,
    /// Valid in `[birth, birth + period)`.
    Mortal {
        /// Period in blocks.
        period: u64,
        /// Phase within the period.
        phase: u64,
    },
}

impl Era {
    /// A mortal era for `period` blocks starting at `current` (as signers compute it).
    pub fn mortal(period: u64, current: u64) -> Self {
        let period = period.clamp(4, 1 << 16).next_power_of_two();
        let phase = current.checked_rem(period).unwrap_or(0);
        let quantize = (period >> 12).max(1);
        let phase = phase.checked_div(quantize).unwrap_or(0).saturating_mul(quantize);
        Self::Mortal { period, phase }
    }

    /// The first block this era is valid in, seen from block `current`.
    pub fn birth(&self, current: u64) -> u64 {
        match *self {
            Self::Immortal => 0,
            Self::Mortal { period, phase } => {
                let since = current.max(phase).saturating_sub(phase);
                since.checked_div(period).unwrap_or(0).saturating_mul(period).saturating_add(phase)
            }
        }
    }
}

impl Encode for Era {
    fn encode_to<T: parity_scale_codec::Output + ?Sized>(&self, dest: &mut T) {
        match *self {
            Self::Immortal => dest.push_byte(0),
            Self::Mortal { period, phase } => {
                let quantize = (period >> 12).max(1);
                let low = (period.trailing_zeros().saturating_sub(1)).clamp(1, 15) as u64;
                let encoded = low | (phase.checked_div(quantize).unwrap_or(0) << 4);
                dest.write(&(encoded as u16).to_le_bytes());
            }
        }
    }
}

impl Decode for Era {
    fn decode<I: parity_scale_codec::Input>(
        input: &mut I,
    ) -> Result<Self, parity_scale_codec::Error> {
        let first = input.read_byte()?;
        if first == 0 {
            return Ok(Self::Immortal);
        }
        let encoded = u64::from(first) | (u64::from(input.read_byte()?) << 8);
        let period = 2u64 << (encoded & 0xf);
        let quantize = (period >> 12).max(1);
        let phase = (encoded >> 4).saturating_mul(quantize);
        if period >= 4 && phase < period {
            Ok(Self::Mortal { period, phase })
        } else {
            Err("Invalid period and phase".into())
        }
    }
}

fn era_variant_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        (1..=255u32).map(|i| &*Box::leak(format!("Mortal{i}").into_boxed_str())).collect()
    })
}

impl TypeInfo for Era {
    type Identity = Self;
    fn type_info() -> Type {
        // As sp_runtime declares it: `Immortal` plus `MortalN(u8)` for N = 1..=255, whose index is
        // the first encoded byte.
        let mut variants = Variants::new().variant("Immortal", |v| v.index(0));
        for (i, name) in (1u8..=255).zip(era_variant_names().iter()) {
            variants = variants
                .variant(*name, |v| v.index(i).fields(Fields::unnamed().field(|f| f.ty::<u8>())));
        }
        Type::builder().path(Path::new("Era", "sp_runtime::generic::era")).variant(variants)
    }
}

/// `frame_metadata_hash_extension::Mode`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Mode {
    /// No metadata hash in the signed payload.
    Disabled,
    /// The metadata hash is in the signed payload (unsupported here: tao-node has none).
    Enabled,
}

macro_rules! empty_extension {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
        pub struct $name;
    )*};
}

empty_extension!(
    /// `frame_system::CheckNonZeroSender` (no data).
    CheckNonZeroSender,
    /// `frame_system::CheckSpecVersion` (implicit spec version).
    CheckSpecVersion,
    /// `frame_system::CheckTxVersion` (implicit tx version).
    CheckTxVersion,
    /// `frame_system::CheckGenesis` (implicit genesis hash).
    CheckGenesis,
    /// `frame_system::CheckWeight` (no data).
    CheckWeight,
    /// subtensor's `SudoTransactionExtension` (no data).
    SudoTransactionExtension,
    /// subtensor's `CheckShieldedTxValidity` (no data).
    CheckShieldedTxValidity,
    /// subtensor's `SubtensorTransactionExtension` (no data).
    SubtensorTransactionExtension,
    /// subtensor's `DrandPriority` (no data).
    DrandPriority,
);

/// `CheckMortality(Era)`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CheckMortality(pub Era);
/// `CheckNonce(Compact<u32>)`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CheckNonce(#[codec(compact)] pub Nonce);
/// `ChargeTransactionPayment(Compact<TaoBalance>)`: the tip.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ChargeTransactionPayment(#[codec(compact)] pub Balance);
/// `CheckMetadataHash { mode }`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CheckMetadataHash {
    /// Whether the payload includes the metadata hash.
    pub mode: Mode,
}

/// The full extension tuple in subtensor's order; its encoding is the explicit `extra`.
pub type TxExtension = (
    CheckNonZeroSender,
    CheckSpecVersion,
    CheckTxVersion,
    CheckGenesis,
    CheckMortality,
    CheckNonce,
    CheckWeight,
    ChargeTransactionPayment,
    SudoTransactionExtension,
    CheckShieldedTxValidity,
    SubtensorTransactionExtension,
    DrandPriority,
    CheckMetadataHash,
);

/// The implicit data signed along (not transmitted), in extension order.
pub type TxImplicit = ((), u32, u32, H256, H256, (), (), (), (), (), (), (), Option<[u8; 32]>);

/// One extension as the metadata lists it: identifier, explicit type, implicit type.
pub struct ExtensionInfo {
    /// Identifier clients match on.
    pub identifier: &'static str,
    /// Explicit (transmitted) type.
    pub ty: scale_info::MetaType,
    /// Implicit (signed, not transmitted) type.
    pub implicit: scale_info::MetaType,
}

/// subtensor's 13 transaction extensions, in order.
pub fn extensions() -> Vec<ExtensionInfo> {
    use scale_info::meta_type as m;
    fn e(
        identifier: &'static str,
        ty: scale_info::MetaType,
        implicit: scale_info::MetaType,
    ) -> ExtensionInfo {
        ExtensionInfo { identifier, ty, implicit }
    }
    vec![
        e("CheckNonZeroSender", m::<CheckNonZeroSender>(), m::<()>()),
        e("CheckSpecVersion", m::<CheckSpecVersion>(), m::<u32>()),
        e("CheckTxVersion", m::<CheckTxVersion>(), m::<u32>()),
        e("CheckGenesis", m::<CheckGenesis>(), m::<H256>()),
        e("CheckMortality", m::<CheckMortality>(), m::<H256>()),
        e("CheckNonce", m::<CheckNonce>(), m::<()>()),
        e("CheckWeight", m::<CheckWeight>(), m::<()>()),
        e("ChargeTransactionPayment", m::<ChargeTransactionPayment>(), m::<()>()),
        e("SudoTransactionExtension", m::<SudoTransactionExtension>(), m::<()>()),
        e("CheckShieldedTxValidity", m::<CheckShieldedTxValidity>(), m::<()>()),
        e("SubtensorTransactionExtension", m::<SubtensorTransactionExtension>(), m::<()>()),
        e("DrandPriority", m::<DrandPriority>(), m::<()>()),
        e("CheckMetadataHash", m::<CheckMetadataHash>(), m::<Option<[u8; 32]>>()),
    ]
}

/// The explicit extension values that matter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Extra {
    /// Mortality.
    pub era: Era,
    /// Sender nonce.
    pub nonce: Nonce,
    /// Tip in rao.
    pub tip: Balance,
    /// Metadata-hash mode.
    pub mode: Mode,
}

impl Extra {
    fn from_tuple(t: TxExtension) -> Self {
        Self { era: t.4.0, nonce: t.5.0, tip: t.7.0, mode: t.12.mode }
    }

    /// The extension tuple for these values.
    pub fn to_tuple(self) -> TxExtension {
        (
            CheckNonZeroSender,
            CheckSpecVersion,
            CheckTxVersion,
            CheckGenesis,
            CheckMortality(self.era),
            CheckNonce(self.nonce),
            CheckWeight,
            ChargeTransactionPayment(self.tip),
            SudoTransactionExtension,
            CheckShieldedTxValidity,
            SubtensorTransactionExtension,
            DrandPriority,
            CheckMetadataHash { mode: self.mode },
        )
    }
}

/// The signature part of a signed extrinsic.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SignedPart {
    /// Who signed.
    pub address: MultiAddress,
    /// The signature.
    pub signature: MultiSignature,
    /// The explicit extension values.
    pub extra: Extra,
    /// Raw bytes of the explicit extension values, as signed.
    pub extra_bytes: Vec<u8>,
}

/// A decoded extrinsic.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UncheckedExtrinsic {
    /// `None` for an unsigned (bare) extrinsic.
    pub signed: Option<SignedPart>,
    /// The call.
    pub call: RuntimeCall,
    /// Raw bytes of the call, as signed.
    pub call_bytes: Vec<u8>,
}

/// How the metadata describes an extrinsic: a stand-in for
/// `sp_runtime::generic::UncheckedExtrinsic<Address, Call, Signature, Extra>` — the opaque bytes,
/// with the type parameters V14 clients read the address, call, signature and extension types
/// from. Never constructed; see [`UncheckedExtrinsic`] for the decoded form.
pub struct OpaqueExtrinsic;

impl TypeInfo for OpaqueExtrinsic {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("UncheckedExtrinsic", "sp_runtime::generic::unchecked_extrinsic"))
            .type_params(vec![
                TypeParameter::new("Address", Some(meta_type::<MultiAddress>())),
                TypeParameter::new("Call", Some(meta_type::<RuntimeCall>())),
                TypeParameter::new("Signature", Some(meta_type::<MultiSignature>())),
                TypeParameter::new("Extra", Some(meta_type::<TxExtension>())),
            ])
            .composite(Fields::unnamed().field(|f| f.ty::<Vec<u8>>()))
    }
}

/// Why an extrinsic could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeXtError {
    /// The length prefix disagrees with the data.
    #[error("length prefix {declared} does not match the {actual} bytes that follow")]
    Length {
        /// Declared length.
        declared: u32,
        /// Actual length.
        actual: usize,
    },
    /// Too big.
    #[error("extrinsic of {0} bytes exceeds the {MAX_EXTRINSIC_LEN}-byte limit")]
    TooLarge(usize),
    /// Not a v4 extrinsic.
    #[error("unsupported extrinsic version byte 0x{0:02x} (only v4 is supported)")]
    Version(u8),
    /// SCALE decoding failed.
    #[error("could not decode {what}: {msg}")]
    Codec {
        /// What was being decoded.
        what: &'static str,
        /// Codec message.
        msg: String,
    },
}

fn codec(what: &'static str) -> impl Fn(parity_scale_codec::Error) -> DecodeXtError {
    move |e| DecodeXtError::Codec { what, msg: e.to_string() }
}

impl UncheckedExtrinsic {
    /// Decode an opaque extrinsic (with its compact length prefix).
    pub fn decode_opaque(bytes: &[u8]) -> Result<Self, DecodeXtError> {
        let mut input = bytes;
        let Compact(declared) = Compact::<u32>::decode(&mut input).map_err(codec("length"))?;
        if declared as usize != input.len() {
            return Err(DecodeXtError::Length { declared, actual: input.len() });
        }
        if input.len() > MAX_EXTRINSIC_LEN {
            return Err(DecodeXtError::TooLarge(input.len()));
        }
        let version = u8::decode(&mut input).map_err(codec("version"))?;
        let signed = match version {
            SIGNED_V4 => {
                let address = MultiAddress::decode(&mut input).map_err(codec("address"))?;
                let signature = MultiSignature::decode(&mut input).map_err(codec("signature"))?;
                let before = input;
                let extra = TxExtension::decode(&mut input).map_err(codec("extensions"))?;
                let used = before.len().saturating_sub(input.len());
                let extra_bytes = before.get(..used).unwrap_or_default().to_vec();
                Some(SignedPart {
                    address,
                    signature,
                    extra: Extra::from_tuple(extra),
                    extra_bytes,
                })
            }
            UNSIGNED_V4 => None,
            v => return Err(DecodeXtError::Version(v)),
        };
        let call_bytes = input.to_vec();
        let call = RuntimeCall::decode_all_with_depth_limit(MAX_CALL_DEPTH, &mut input)
            .map_err(codec("call"))?;
        Ok(Self { signed, call, call_bytes })
    }
}

/// The bytes a signer signs: `call ++ extra ++ implicit`, blake2-256'd when over 256 bytes.
pub fn signing_payload(call: &[u8], extra: &[u8], implicit: &TxImplicit) -> Vec<u8> {
    let mut payload = Vec::with_capacity(call.len().saturating_add(extra.len()).saturating_add(80));
    payload.extend_from_slice(call);
    payload.extend_from_slice(extra);
    implicit.encode_to(&mut payload);
    if payload.len() > 256 { blake2_256(&payload).to_vec() } else { payload }
}

/// The implicit data for the given chain facts.
pub fn implicit(spec_version: u32, tx_version: u32, genesis: H256, birth_hash: H256) -> TxImplicit {
    ((), spec_version, tx_version, genesis, birth_hash, (), (), (), (), (), (), (), None)
}

/// Build a signed extrinsic (opaque, with length prefix). Used by tests and tools; clients build
/// their own.
pub fn build_signed(
    call: &RuntimeCall,
    signer: AccountId32,
    extra: Extra,
    implicit: &TxImplicit,
    sign: impl FnOnce(&[u8]) -> MultiSignature,
) -> Vec<u8> {
    let call_bytes = call.encode();
    let extra_bytes = extra.to_tuple().encode();
    let sig = sign(&signing_payload(&call_bytes, &extra_bytes, implicit));
    let mut body = vec![SIGNED_V4];
    MultiAddress::Id(signer).encode_to(&mut body);
    sig.encode_to(&mut body);
    body.extend_from_slice(&extra_bytes);
    body.extend_from_slice(&call_bytes);
    crate::primitives::with_length_prefix(&body)
}

/// Era birth for a tx validated in block `current`.
pub fn birth_block(era: &Era, current: BlockNumber) -> u64 {
    era.birth(u64::from(current))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_roundtrip_and_birth() {
        let e = Era::mortal(64, 1000);
        let enc = e.encode();
        assert_eq!(enc.len(), 2);
        assert_eq!(Era::decode(&mut &enc[..]).unwrap(), e);
        assert_eq!(e.birth(1000), 1000);
        assert_eq!(e.birth(1010), 1000);
        assert_eq!(e.birth(1064), 1064);
        assert_eq!(Era::Immortal.encode(), vec![0]);
        // 32 blocks from block 10, as subxt's default builds it.
        let e = Era::mortal(32, 10);
        assert_eq!(e, Era::Mortal { period: 32, phase: 10 });
        assert_eq!(e.birth(11), 10);
    }

    #[test]
    fn extension_tuple_encodes_only_explicit_data() {
        let x = Extra { era: Era::Immortal, nonce: 5, tip: 0, mode: Mode::Disabled };
        assert_eq!(x.to_tuple().encode(), vec![0, 5 << 2, 0, 0]);
        assert_eq!(extensions().len(), 13);
    }

    proptest::proptest! {
        #[test]
        fn era_roundtrips_and_contains_its_birth(period in 1u64..100_000, current in 0u64..10_000_000) {
            let era = Era::mortal(period, current);
            let Era::Mortal { period: p, .. } = era else { unreachable!() };
            proptest::prop_assert_eq!(Era::decode(&mut &era.encode()[..]).unwrap(), era);
            let birth = era.birth(current);
            proptest::prop_assert!(birth <= current && current < birth + p);
        }

        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = UncheckedExtrinsic::decode_opaque(&bytes);
            let _ = UncheckedExtrinsic::decode_opaque(&crate::primitives::with_length_prefix(&bytes));
            let mut signed = vec![SIGNED_V4];
            signed.extend_from_slice(&bytes);
            let _ = UncheckedExtrinsic::decode_opaque(&crate::primitives::with_length_prefix(&signed));
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!(UncheckedExtrinsic::decode_opaque(&[]).is_err());
        assert!(matches!(
            UncheckedExtrinsic::decode_opaque(&[12, 0x85]),
            Err(DecodeXtError::Length { .. })
        ));
        assert!(matches!(
            UncheckedExtrinsic::decode_opaque(&[4, 0x05]),
            Err(DecodeXtError::Version(5))
        ));
        // Unsigned v4 with an unknown pallet index.
        assert!(matches!(
            UncheckedExtrinsic::decode_opaque(&[12, 0x04, 99, 0]),
            Err(DecodeXtError::Codec { what: "call", .. })
        ));
    }
}
