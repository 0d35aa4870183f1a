//! Typed storage items with Substrate's key layout.
//!
//! A key is `twox128(pallet) ++ twox128(item) ++ hasher(SCALE(key))…` and a value is the SCALE
//! encoding of the item's type — exactly what FRAME writes — so `state_getStorage`,
//! `state_getKeysPaged` and subxt's typed storage API work against tao-node unchanged. Each item is
//! declared once as a `const` ([`StorageValue`], [`StorageMap`], [`StorageDoubleMap`]); the same
//! declaration produces both the key and the metadata entry, so the two cannot drift apart.
//!
//! Items read and write through [`StorageAccess`], which the state [`Overlay`] implements (and the
//! runtime's `Ext`, by handing out its overlay): this layer sits below the runtime and knows
//! nothing of calls, events or pallets.

use std::marker::PhantomData;

use frame_metadata::v14::{
    StorageEntryMetadata, StorageEntryModifier, StorageEntryType, StorageHasher,
};
use parity_scale_codec::{Decode, Encode};
use scale_info::{TypeInfo, meta_type};

use crate::state::{Overlay, StateError};

/// twox-128 of `data`.
pub fn twox_128(data: &[u8]) -> [u8; 16] {
    sp_crypto_hashing::twox_128(data)
}

/// The 32-byte prefix of a storage item: `twox128(pallet) ++ twox128(item)`.
pub fn item_prefix(pallet: &str, item: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(32);
    k.extend_from_slice(&twox_128(pallet.as_bytes()));
    k.extend_from_slice(&twox_128(item.as_bytes()));
    k
}

/// How a map key is hashed into the storage key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hasher {
    /// `blake2_128(k) ++ k`.
    Blake2_128Concat,
    /// `xxhash64(k) ++ k`.
    Twox64Concat,
    /// `k`.
    Identity,
}

impl Hasher {
    /// Append the hashed form of the encoded key `k` to `out`.
    pub fn hash_into(self, k: &[u8], out: &mut Vec<u8>) {
        match self {
            Self::Blake2_128Concat => out.extend_from_slice(&sp_crypto_hashing::blake2_128(k)),
            Self::Twox64Concat => out.extend_from_slice(&sp_crypto_hashing::twox_64(k)),
            Self::Identity => {}
        }
        out.extend_from_slice(k);
    }

    fn meta(self) -> StorageHasher {
        match self {
            Self::Blake2_128Concat => StorageHasher::Blake2_128Concat,
            Self::Twox64Concat => StorageHasher::Twox64Concat,
            Self::Identity => StorageHasher::Identity,
        }
    }
}

/// Raw key/value access for storage items: what a typed item needs from the state it lives in.
///
/// Reads cannot fail from a pallet's point of view: a backend or decoding error is latched with
/// [`StorageAccess::note_fatal`] (the block is then abandoned) and the value reads as absent.
pub trait StorageAccess {
    /// The value under `key`, newest write first.
    fn get(&mut self, key: &[u8]) -> Option<Vec<u8>>;
    /// Write (or with `None`, delete) `key`.
    fn set(&mut self, key: Vec<u8>, value: Option<Vec<u8>>);
    /// Remember that the state could not be read or decoded.
    fn note_fatal(&mut self, e: StateError);
}

impl StorageAccess for Overlay<'_> {
    fn get(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        Overlay::get(self, key)
    }
    fn set(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        Overlay::set(self, key, value);
    }
    fn note_fatal(&mut self, e: StateError) {
        Overlay::note_fatal(self, e);
    }
}

fn decode_or_latch<V: Decode, S: StorageAccess + ?Sized>(s: &mut S, key: &[u8]) -> Option<V> {
    let raw = s.get(key)?;
    match V::decode(&mut &raw[..]) {
        Ok(v) => Some(v),
        Err(e) => {
            s.note_fatal(StateError(format!("corrupt value under 0x{}: {e}", hex::encode(key))));
            None
        }
    }
}

/// A single value.
pub struct StorageValue<V> {
    /// Pallet prefix.
    pub pallet: &'static str,
    /// Item name.
    pub item: &'static str,
    _v: PhantomData<fn() -> V>,
}

impl<V: Encode + Decode + TypeInfo + 'static> StorageValue<V> {
    /// Declare an item.
    pub const fn new(pallet: &'static str, item: &'static str) -> Self {
        Self { pallet, item, _v: PhantomData }
    }
    /// Its storage key.
    pub fn key(&self) -> Vec<u8> {
        item_prefix(self.pallet, self.item)
    }
    /// Read it (`None` when absent).
    pub fn try_get<S: StorageAccess + ?Sized>(&self, s: &mut S) -> Option<V> {
        decode_or_latch(s, &self.key())
    }
    /// Write it.
    pub fn put<S: StorageAccess + ?Sized>(&self, s: &mut S, v: &V) {
        s.set(self.key(), Some(v.encode()));
    }
    /// Delete it.
    pub fn kill<S: StorageAccess + ?Sized>(&self, s: &mut S) {
        s.set(self.key(), None);
    }
    /// Metadata entry; `default` is `Some` for a value-query item.
    pub fn meta(&self, default: Option<V>, docs: &'static str) -> StorageEntryMetadata {
        entry(
            self.item,
            StorageEntryType::Plain(meta_type::<V>()),
            default.map(|d| d.encode()),
            docs,
        )
    }
}

impl<V: Encode + Decode + TypeInfo + Default + 'static> StorageValue<V> {
    /// Read it, or the type's default when absent.
    pub fn get<S: StorageAccess + ?Sized>(&self, s: &mut S) -> V {
        self.try_get(s).unwrap_or_default()
    }
}

/// A map with one hashed key.
pub struct StorageMap<K, V> {
    /// Pallet prefix.
    pub pallet: &'static str,
    /// Item name.
    pub item: &'static str,
    /// Key hasher.
    pub hasher: Hasher,
    _kv: PhantomData<fn() -> (K, V)>,
}

impl<K: Encode + TypeInfo + 'static, V: Encode + Decode + TypeInfo + 'static> StorageMap<K, V> {
    /// Declare an item.
    pub const fn new(pallet: &'static str, item: &'static str, hasher: Hasher) -> Self {
        Self { pallet, item, hasher, _kv: PhantomData }
    }
    /// Storage key of `k`.
    pub fn key(&self, k: &K) -> Vec<u8> {
        let mut out = item_prefix(self.pallet, self.item);
        self.hasher.hash_into(&k.encode(), &mut out);
        out
    }
    /// Read `k` (`None` when absent).
    pub fn try_get<S: StorageAccess + ?Sized>(&self, s: &mut S, k: &K) -> Option<V> {
        decode_or_latch(s, &self.key(k))
    }
    /// Write `k`.
    pub fn insert<S: StorageAccess + ?Sized>(&self, s: &mut S, k: &K, v: &V) {
        s.set(self.key(k), Some(v.encode()));
    }
    /// Delete `k`.
    pub fn remove<S: StorageAccess + ?Sized>(&self, s: &mut S, k: &K) {
        s.set(self.key(k), None);
    }
    /// Metadata entry; `default` is `Some` for a value-query item.
    pub fn meta(&self, default: Option<V>, docs: &'static str) -> StorageEntryMetadata {
        entry(
            self.item,
            StorageEntryType::Map {
                hashers: vec![self.hasher.meta()],
                key: meta_type::<K>(),
                value: meta_type::<V>(),
            },
            default.map(|d| d.encode()),
            docs,
        )
    }
}

impl<K: Encode + TypeInfo + 'static, V: Encode + Decode + TypeInfo + Default + 'static>
    StorageMap<K, V>
{
    /// Read `k`, or the default when absent.
    pub fn get<S: StorageAccess + ?Sized>(&self, s: &mut S, k: &K) -> V {
        self.try_get(s, k).unwrap_or_default()
    }
}

type Phantom3<A, B, C> = PhantomData<fn() -> (A, B, C)>;

/// A map with two hashed keys.
pub struct StorageDoubleMap<K1, K2, V> {
    /// Pallet prefix.
    pub pallet: &'static str,
    /// Item name.
    pub item: &'static str,
    /// Hashers of the first and second key.
    pub hashers: (Hasher, Hasher),
    _kv: Phantom3<K1, K2, V>,
}

impl<
    K1: Encode + TypeInfo + 'static,
    K2: Encode + TypeInfo + 'static,
    V: Encode + Decode + TypeInfo + 'static,
> StorageDoubleMap<K1, K2, V>
{
    /// Declare an item.
    pub const fn new(pallet: &'static str, item: &'static str, h1: Hasher, h2: Hasher) -> Self {
        Self { pallet, item, hashers: (h1, h2), _kv: PhantomData }
    }
    /// Storage key of `(k1, k2)`.
    pub fn key(&self, k1: &K1, k2: &K2) -> Vec<u8> {
        let mut out = item_prefix(self.pallet, self.item);
        self.hashers.0.hash_into(&k1.encode(), &mut out);
        self.hashers.1.hash_into(&k2.encode(), &mut out);
        out
    }
    /// Read (`None` when absent).
    pub fn try_get<S: StorageAccess + ?Sized>(&self, s: &mut S, k1: &K1, k2: &K2) -> Option<V> {
        decode_or_latch(s, &self.key(k1, k2))
    }
    /// Write.
    pub fn insert<S: StorageAccess + ?Sized>(&self, s: &mut S, k1: &K1, k2: &K2, v: &V) {
        s.set(self.key(k1, k2), Some(v.encode()));
    }
    /// Delete.
    pub fn remove<S: StorageAccess + ?Sized>(&self, s: &mut S, k1: &K1, k2: &K2) {
        s.set(self.key(k1, k2), None);
    }
    /// Metadata entry (key type is the tuple `(K1, K2)`, as FRAME declares it).
    pub fn meta(&self, default: Option<V>, docs: &'static str) -> StorageEntryMetadata {
        entry(
            self.item,
            StorageEntryType::Map {
                hashers: vec![self.hashers.0.meta(), self.hashers.1.meta()],
                key: meta_type::<(K1, K2)>(),
                value: meta_type::<V>(),
            },
            default.map(|d| d.encode()),
            docs,
        )
    }
}

fn entry(
    name: &'static str,
    ty: StorageEntryType,
    default: Option<Vec<u8>>,
    docs: &'static str,
) -> StorageEntryMetadata {
    let (modifier, default) = match default {
        Some(d) => (StorageEntryModifier::Default, d),
        // An optional item's metadata default is the encoding of `None`.
        None => (StorageEntryModifier::Optional, vec![0]),
    };
    StorageEntryMetadata { name, modifier, ty, default, docs: vec![docs] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_prefixes() {
        assert_eq!(
            hex::encode(item_prefix("System", "Account")),
            "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
        );
        assert_eq!(
            hex::encode(item_prefix("System", "Events")),
            "26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"
        );
    }

    #[test]
    fn concat_hashers_keep_the_key() {
        let mut out = Vec::new();
        Hasher::Twox64Concat.hash_into(&[1, 2], &mut out);
        assert_eq!(out.len(), 10);
        assert_eq!(&out[8..], &[1, 2]);
        let mut out = Vec::new();
        Hasher::Blake2_128Concat.hash_into(&[1, 2], &mut out);
        assert_eq!(out.len(), 18);
    }
}
