//! The Commitments pallet's value types, byte for byte and type for type as Bittensor's
//! `pallet_commitments::types`, so a client decoding `CommitmentOf` through the metadata (the
//! `bittensor` SDK's metagraph does on every read) sees what it sees on finney.
//!
//! `Data` keeps subtensor's hand-written codec: one tag byte, where `1..=129` is a raw blob of
//! `tag - 1` bytes with no length prefix. Its `TypeInfo` spells that out as 129 variants
//! `Raw0..Raw128` carrying byte arrays, which is how metadata-driven decoders read it.

use parity_scale_codec::{Decode, Encode, Error as CodecError, Input, Output};
use scale_info::build::{Fields, Variants};
use scale_info::{Path, Type, TypeInfo, TypeParameter, meta_type};

use crate::primitives::{Balance, BlockNumber};

/// Largest `Raw` blob (`Data::Raw`), bytes.
pub const MAX_RAW_BYTES: usize = 128;
/// Largest `BigRaw` blob, bytes.
pub const MAX_BIGRAW_COMMITMENT_SIZE_BYTES: u32 = 512;
/// Largest timelock-encrypted payload, bytes.
pub const MAX_TIMELOCK_COMMITMENT_SIZE_BYTES: u32 = 1024;

/// A `Vec<T>` of at most `N` items, encoded as a plain `Vec<T>`, whose metadata is that of
/// `bounded_collections::bounded_vec::BoundedVec<T, S>` (how subtensor's types declare it).
/// Decoding refuses more than `N` items, as FRAME's does.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BoundedVec<T, const N: u32>(Vec<T>);

impl<T, const N: u32> BoundedVec<T, N> {
    /// `Some` when `items` fits.
    pub fn new(items: Vec<T>) -> Option<Self> {
        (items.len() <= N as usize).then_some(Self(items))
    }
    /// The items.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
    /// The items, owned.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T: Encode, const N: u32> Encode for BoundedVec<T, N> {
    fn size_hint(&self) -> usize {
        self.0.size_hint()
    }
    fn encode_to<O: Output + ?Sized>(&self, dest: &mut O) {
        self.0.encode_to(dest)
    }
}

impl<T: Decode, const N: u32> Decode for BoundedVec<T, N> {
    fn decode<I: Input>(input: &mut I) -> Result<Self, CodecError> {
        let items = Vec::<T>::decode(input)?;
        Self::new(items).ok_or_else(|| "BoundedVec exceeds its limit".into())
    }
}

impl<T: TypeInfo + 'static, const N: u32> TypeInfo for BoundedVec<T, N> {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("BoundedVec", "bounded_collections::bounded_vec"))
            // `S`, the bound's marker type, is skipped as in FRAME's metadata.
            .type_params(vec![
                TypeParameter::new("T", Some(meta_type::<T>())),
                TypeParameter::new("S", None),
            ])
            .composite(Fields::unnamed().field(|f| f.ty::<Vec<T>>().type_name("Vec<T>")))
    }
}

/// One field of a commitment (`pallet_commitments::types::Data`).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub enum Data {
    /// Nothing.
    #[default]
    None,
    /// Up to [`MAX_RAW_BYTES`] bytes, stored as they are.
    Raw(Vec<u8>),
    /// A Blake2-256 hash of the data.
    BlakeTwo256([u8; 32]),
    /// A SHA2-256 hash.
    Sha256([u8; 32]),
    /// A Keccak-256 hash.
    Keccak256([u8; 32]),
    /// A SHA3-256 hash.
    ShaThree256([u8; 32]),
    /// A drand-timelocked payload, revealed by the chain at `reveal_round` (tao-node has no drand
    /// beacon, so it is stored and never revealed).
    TimelockEncrypted {
        /// The ciphertext.
        encrypted: BoundedVec<u8, MAX_TIMELOCK_COMMITMENT_SIZE_BYTES>,
        /// The drand round that unlocks it.
        reveal_round: u64,
    },
    /// Ask the chain to reset the committer's bonds on this subnet.
    ResetBondsFlag,
    /// Up to 512 bytes, stored as they are.
    BigRaw(BoundedVec<u8, MAX_BIGRAW_COMMITMENT_SIZE_BYTES>),
}

impl Data {
    /// Bytes this field counts against the space limit (subtensor's `len_for_rate_limit`).
    pub fn len_for_rate_limit(&self) -> u64 {
        let n = match self {
            Self::None | Self::ResetBondsFlag => 0,
            Self::Raw(bytes) => bytes.len(),
            Self::BlakeTwo256(h) | Self::Sha256(h) | Self::Keccak256(h) | Self::ShaThree256(h) => {
                h.len()
            }
            Self::TimelockEncrypted { encrypted, .. } => encrypted.as_slice().len(),
            Self::BigRaw(bytes) => bytes.as_slice().len(),
        };
        u64::try_from(n).unwrap_or(u64::MAX)
    }
}

const TAG_BLAKE2: u8 = 130;
const TAG_SHA256: u8 = 131;
const TAG_KECCAK: u8 = 132;
const TAG_SHA3: u8 = 133;
const TAG_TIMELOCK: u8 = 134;
const TAG_RESET_BONDS: u8 = 135;
const TAG_BIGRAW: u8 = 136;

impl Encode for Data {
    fn encode_to<O: Output + ?Sized>(&self, dest: &mut O) {
        match self {
            Self::None => dest.push_byte(0),
            Self::Raw(bytes) => {
                // `Raw` holds at most 128 bytes (checked where it is built and decoded).
                let len = bytes.len().min(MAX_RAW_BYTES);
                dest.push_byte(u8::try_from(len).unwrap_or(128).saturating_add(1));
                dest.write(bytes.get(..len).unwrap_or_default());
            }
            Self::BlakeTwo256(h) => {
                dest.push_byte(TAG_BLAKE2);
                dest.write(h);
            }
            Self::Sha256(h) => {
                dest.push_byte(TAG_SHA256);
                dest.write(h);
            }
            Self::Keccak256(h) => {
                dest.push_byte(TAG_KECCAK);
                dest.write(h);
            }
            Self::ShaThree256(h) => {
                dest.push_byte(TAG_SHA3);
                dest.write(h);
            }
            Self::TimelockEncrypted { encrypted, reveal_round } => {
                dest.push_byte(TAG_TIMELOCK);
                encrypted.encode_to(dest);
                reveal_round.encode_to(dest);
            }
            Self::ResetBondsFlag => dest.push_byte(TAG_RESET_BONDS),
            Self::BigRaw(bytes) => {
                dest.push_byte(TAG_BIGRAW);
                bytes.encode_to(dest);
            }
        }
    }
}

impl Decode for Data {
    fn decode<I: Input>(input: &mut I) -> Result<Self, CodecError> {
        let tag = input.read_byte()?;
        Ok(match tag {
            0 => Self::None,
            1..=129 => {
                let mut bytes = vec![0u8; usize::from(tag.saturating_sub(1))];
                input.read(&mut bytes)?;
                Self::Raw(bytes)
            }
            TAG_BLAKE2 => Self::BlakeTwo256(<[u8; 32]>::decode(input)?),
            TAG_SHA256 => Self::Sha256(<[u8; 32]>::decode(input)?),
            TAG_KECCAK => Self::Keccak256(<[u8; 32]>::decode(input)?),
            TAG_SHA3 => Self::ShaThree256(<[u8; 32]>::decode(input)?),
            TAG_TIMELOCK => Self::TimelockEncrypted {
                encrypted: Decode::decode(input)?,
                reveal_round: u64::decode(input)?,
            },
            TAG_RESET_BONDS => Self::ResetBondsFlag,
            TAG_BIGRAW => Self::BigRaw(Decode::decode(input)?),
            _ => return Err("invalid leading byte".into()),
        })
    }
}

/// `Raw{N}` carries `[u8; N]`; one variant per size, as subtensor's metadata lists them.
macro_rules! raw_variants {
    ($variants:expr, $($n:literal)*) => {
        $variants
        $(
            .variant(concat!("Raw", stringify!($n)), |v| {
                v.index($n + 1).fields(Fields::unnamed().field(|f| f.ty::<[u8; $n]>()))
            })
        )*
    };
}

impl TypeInfo for Data {
    type Identity = Self;
    fn type_info() -> Type {
        let variants = Variants::new().variant("None", |v| v.index(0));
        let variants = raw_variants!(variants,
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
            32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60
            61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89
            90 91 92 93 94 95 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111 112 113
            114 115 116 117 118 119 120 121 122 123 124 125 126 127 128);
        let hash32 = || Fields::unnamed().field(|f| f.ty::<[u8; 32]>());
        let variants = variants
            .variant("BlakeTwo256", |v| v.index(TAG_BLAKE2).fields(hash32()))
            .variant("Sha256", |v| v.index(TAG_SHA256).fields(hash32()))
            .variant("Keccak256", |v| v.index(TAG_KECCAK).fields(hash32()))
            .variant("ShaThree256", |v| v.index(TAG_SHA3).fields(hash32()))
            .variant("TimelockEncrypted", |v| {
                v.index(TAG_TIMELOCK).fields(
                    Fields::named()
                        .field(|f| {
                            f.name("encrypted")
                                .ty::<BoundedVec<u8, MAX_TIMELOCK_COMMITMENT_SIZE_BYTES>>()
                        })
                        .field(|f| f.name("reveal_round").ty::<u64>()),
                )
            })
            .variant("ResetBondsFlag", |v| v.index(TAG_RESET_BONDS))
            .variant("BigRaw", |v| {
                v.index(TAG_BIGRAW).fields(
                    Fields::unnamed()
                        .field(|f| f.ty::<BoundedVec<u8, MAX_BIGRAW_COMMITMENT_SIZE_BYTES>>()),
                )
            });
        Type::builder().path(Path::new("Data", "pallet_commitments::types")).variant(variants)
    }
}

/// Fields of a commitment, at most [`super::MAX_FIELDS`] (`CommitmentInfo<MaxFields>`).
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct CommitmentInfo {
    /// The fields.
    pub fields: BoundedVec<Data, { super::MAX_FIELDS }>,
}

/// What `CommitmentOf` holds (`Registration<Balance, MaxFields, BlockNumber>`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Registration {
    /// Deposit held for it (subtensor's runtime charges none).
    pub deposit: Balance,
    /// Block of the last `set_commitment`.
    pub block: BlockNumber,
    /// The commitment.
    pub info: CommitmentInfo,
}

/// Space used by `(netuid, who)` in the current epoch (`UsedSpaceOf`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct UsageTracker {
    /// The epoch this usage counts in.
    pub last_epoch: u64,
    /// Bytes used in it.
    pub used_space: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(d: &Data) -> Vec<u8> {
        let bytes = d.encode();
        assert_eq!(&Data::decode(&mut &bytes[..]).unwrap(), d);
        bytes
    }

    #[test]
    fn data_codec_is_subtensors() {
        assert_eq!(round_trip(&Data::None), [0]);
        assert_eq!(round_trip(&Data::Raw(b"hi".to_vec())), [3, b'h', b'i']);
        assert_eq!(round_trip(&Data::Raw(vec![7; 128])).first(), Some(&129));
        assert_eq!(round_trip(&Data::Sha256([9; 32])).len(), 33);
        assert_eq!(round_trip(&Data::ResetBondsFlag), [135]);
        let big = Data::BigRaw(BoundedVec::new(vec![1; 300]).unwrap());
        // Tag, compact length 300 (two bytes), payload.
        assert_eq!(round_trip(&big).len(), 1 + 2 + 300);
        let tl = Data::TimelockEncrypted {
            encrypted: BoundedVec::new(vec![5; 3]).unwrap(),
            reveal_round: 42,
        };
        assert_eq!(round_trip(&tl), [134, 12, 5, 5, 5, 42, 0, 0, 0, 0, 0, 0, 0]);
        assert!(Data::decode(&mut &[137u8][..]).is_err(), "unknown tag");
        assert!(Data::decode(&mut &[5u8, 1][..]).is_err(), "truncated raw");
    }

    #[test]
    fn bounded_vec_refuses_too_many() {
        let four = vec![Data::None; 4].encode();
        assert!(CommitmentInfo::decode(&mut &four[..]).is_err());
        let three = vec![Data::None; 3].encode();
        assert_eq!(CommitmentInfo::decode(&mut &three[..]).unwrap().fields.as_slice().len(), 3);
    }

    #[test]
    fn data_type_info_lists_every_raw_size() {
        let ty = Data::type_info();
        let scale_info::TypeDef::Variant(v) = ty.type_def else { panic!("variant") };
        assert_eq!(v.variants.len(), 1 + 129 + 4 + 3);
        let raw5 = v.variants.iter().find(|x| x.name == "Raw5").unwrap();
        assert_eq!(raw5.index, 6);
        assert_eq!(ty.path.segments, ["pallet_commitments", "types", "Data"]);
    }
}
