//! Storage items that carry their default, and the three-key map subtensor uses for `Alpha`.
//!
//! FRAME's `ValueQuery` items return a declared default when the key is absent (`Tempo` reads
//! 360, `Kappa` 32 767 …). The node's [`StorageValue`]/[`StorageMap`] fall back to the type's
//! `Default`, which is right only for zero defaults. These wrappers hold the default next to the
//! key, so reads, the metadata entry and the declaration cannot disagree.

use std::marker::PhantomData;

use frame_metadata::v14::{
    StorageEntryMetadata, StorageEntryModifier, StorageEntryType, StorageHasher,
};
use parity_scale_codec::{Decode, Encode};
use scale_info::{TypeInfo, meta_type};

use crate::runtime::Ext;
use crate::state::StateError;
use crate::storage::{Hasher, StorageDoubleMap, StorageMap, StorageValue, item_prefix};

use super::PALLET;

/// A `ValueQuery` value with a declared default.
pub struct ValueD<V: 'static> {
    /// The underlying item.
    pub item: StorageValue<V>,
    default: fn() -> V,
}

impl<V: Encode + Decode + TypeInfo + 'static> ValueD<V> {
    /// Declare `SubtensorModule.<name>` with `default`.
    pub const fn new(name: &'static str, default: fn() -> V) -> Self {
        Self { item: StorageValue::new(PALLET, name), default }
    }
    /// The value, or the declared default.
    pub fn get(&self, ext: &mut Ext<'_>) -> V {
        self.item.try_get(ext).unwrap_or_else(self.default)
    }
    /// Write it.
    pub fn put(&self, ext: &mut Ext<'_>, v: &V) {
        self.item.put(ext, v);
    }
    /// Read, change and write back.
    pub fn mutate<R>(&self, ext: &mut Ext<'_>, f: impl FnOnce(&mut V) -> R) -> R {
        let mut v = self.get(ext);
        let r = f(&mut v);
        self.put(ext, &v);
        r
    }
    /// The declared default.
    pub fn default_value(&self) -> V {
        (self.default)()
    }
    /// Its storage key.
    pub fn key(&self) -> Vec<u8> {
        self.item.key()
    }
    /// Metadata entry.
    pub fn meta(&self, docs: &'static str) -> StorageEntryMetadata {
        self.item.meta(Some(self.default_value()), docs)
    }
}

/// A `ValueQuery` map with a declared default.
pub struct MapD<K: 'static, V: 'static> {
    /// The underlying item.
    pub item: StorageMap<K, V>,
    default: fn() -> V,
}

impl<K: Encode + TypeInfo + 'static, V: Encode + Decode + TypeInfo + 'static> MapD<K, V> {
    /// Declare `SubtensorModule.<name>` with `hasher` and `default`.
    pub const fn new(name: &'static str, hasher: Hasher, default: fn() -> V) -> Self {
        Self { item: StorageMap::new(PALLET, name, hasher), default }
    }
    /// The value under `k`, or the declared default.
    pub fn get(&self, ext: &mut Ext<'_>, k: &K) -> V {
        self.item.try_get(ext, k).unwrap_or_else(self.default)
    }
    /// The value under `k` if one is stored.
    pub fn try_get(&self, ext: &mut Ext<'_>, k: &K) -> Option<V> {
        self.item.try_get(ext, k)
    }
    /// Write `k`.
    pub fn insert(&self, ext: &mut Ext<'_>, k: &K, v: &V) {
        self.item.insert(ext, k, v);
    }
    /// Delete `k` (reads return the default again).
    pub fn remove(&self, ext: &mut Ext<'_>, k: &K) {
        self.item.remove(ext, k);
    }
    /// Read, change and write back.
    pub fn mutate<R>(&self, ext: &mut Ext<'_>, k: &K, f: impl FnOnce(&mut V) -> R) -> R {
        let mut v = self.get(ext, k);
        let r = f(&mut v);
        self.insert(ext, k, &v);
        r
    }
    /// The declared default.
    pub fn default_value(&self) -> V {
        (self.default)()
    }
    /// Storage key of `k`.
    pub fn key(&self, k: &K) -> Vec<u8> {
        self.item.key(k)
    }
    /// Metadata entry.
    pub fn meta(&self, docs: &'static str) -> StorageEntryMetadata {
        self.item.meta(Some(self.default_value()), docs)
    }
}

/// A `ValueQuery` double map with a declared default.
pub struct DoubleMapD<K1: 'static, K2: 'static, V: 'static> {
    /// The underlying item.
    pub item: StorageDoubleMap<K1, K2, V>,
    default: fn() -> V,
}

impl<
    K1: Encode + TypeInfo + 'static,
    K2: Encode + TypeInfo + 'static,
    V: Encode + Decode + TypeInfo + 'static,
> DoubleMapD<K1, K2, V>
{
    /// Declare `SubtensorModule.<name>` with hashers and `default`.
    pub const fn new(name: &'static str, h1: Hasher, h2: Hasher, default: fn() -> V) -> Self {
        Self { item: StorageDoubleMap::new(PALLET, name, h1, h2), default }
    }
    /// The value, or the declared default.
    pub fn get(&self, ext: &mut Ext<'_>, k1: &K1, k2: &K2) -> V {
        self.item.try_get(ext, k1, k2).unwrap_or_else(self.default)
    }
    /// The value if one is stored.
    pub fn try_get(&self, ext: &mut Ext<'_>, k1: &K1, k2: &K2) -> Option<V> {
        self.item.try_get(ext, k1, k2)
    }
    /// Write.
    pub fn insert(&self, ext: &mut Ext<'_>, k1: &K1, k2: &K2, v: &V) {
        self.item.insert(ext, k1, k2, v);
    }
    /// Delete.
    pub fn remove(&self, ext: &mut Ext<'_>, k1: &K1, k2: &K2) {
        self.item.remove(ext, k1, k2);
    }
    /// Read, change and write back.
    pub fn mutate<R>(&self, ext: &mut Ext<'_>, k1: &K1, k2: &K2, f: impl FnOnce(&mut V) -> R) -> R {
        let mut v = self.get(ext, k1, k2);
        let r = f(&mut v);
        self.insert(ext, k1, k2, &v);
        r
    }
    /// Storage key.
    pub fn key(&self, k1: &K1, k2: &K2) -> Vec<u8> {
        self.item.key(k1, k2)
    }
    /// Metadata entry.
    pub fn meta(&self, docs: &'static str) -> StorageEntryMetadata {
        self.item.meta(Some((self.default)()), docs)
    }
}

type Phantom4<A, B, C, D> = PhantomData<fn() -> (A, B, C, D)>;

/// A map with three hashed keys (FRAME's `StorageNMap` with a 3-tuple key), `ValueQuery` with
/// the value type's default.
pub struct StorageNMap3<K1, K2, K3, V> {
    /// Item name.
    pub item: &'static str,
    /// Hashers of the three keys.
    pub hashers: [Hasher; 3],
    _kv: Phantom4<K1, K2, K3, V>,
}

impl<
    K1: Encode + TypeInfo + 'static,
    K2: Encode + TypeInfo + 'static,
    K3: Encode + TypeInfo + 'static,
    V: Encode + Decode + TypeInfo + Default + 'static,
> StorageNMap3<K1, K2, K3, V>
{
    /// Declare `SubtensorModule.<name>`.
    pub const fn new(item: &'static str, hashers: [Hasher; 3]) -> Self {
        Self { item, hashers, _kv: PhantomData }
    }
    /// Storage key of `(k1, k2, k3)`.
    pub fn key(&self, k1: &K1, k2: &K2, k3: &K3) -> Vec<u8> {
        let mut out = item_prefix(PALLET, self.item);
        let [h1, h2, h3] = self.hashers;
        h1.hash_into(&k1.encode(), &mut out);
        h2.hash_into(&k2.encode(), &mut out);
        h3.hash_into(&k3.encode(), &mut out);
        out
    }
    /// The value, or `V::default()` (a corrupt value is latched as fatal and reads as default).
    pub fn get(&self, ext: &mut Ext<'_>, k1: &K1, k2: &K2, k3: &K3) -> V {
        let key = self.key(k1, k2, k3);
        let Some(raw) = ext.overlay.get(&key) else { return V::default() };
        match V::decode(&mut &raw[..]) {
            Ok(v) => v,
            Err(e) => {
                ext.overlay.note_fatal(StateError(format!(
                    "corrupt value under 0x{}: {e}",
                    hex::encode(&key)
                )));
                V::default()
            }
        }
    }
    /// Write.
    pub fn insert(&self, ext: &mut Ext<'_>, k1: &K1, k2: &K2, k3: &K3, v: &V) {
        ext.overlay.set(self.key(k1, k2, k3), Some(v.encode()));
    }
    /// Delete.
    pub fn remove(&self, ext: &mut Ext<'_>, k1: &K1, k2: &K2, k3: &K3) {
        ext.overlay.set(self.key(k1, k2, k3), None);
    }
    /// Metadata entry (key type is the tuple `(K1, K2, K3)`, as FRAME declares an NMap).
    pub fn meta(&self, docs: &'static str) -> StorageEntryMetadata {
        StorageEntryMetadata {
            name: self.item,
            modifier: StorageEntryModifier::Default,
            ty: StorageEntryType::Map {
                hashers: self.hashers.iter().map(|h| hasher_meta(*h)).collect(),
                key: meta_type::<(K1, K2, K3)>(),
                value: meta_type::<V>(),
            },
            default: V::default().encode(),
            docs: vec![docs],
        }
    }
}

fn hasher_meta(h: Hasher) -> StorageHasher {
    match h {
        Hasher::Blake2_128Concat => StorageHasher::Blake2_128Concat,
        Hasher::Twox64Concat => StorageHasher::Twox64Concat,
        Hasher::Identity => StorageHasher::Identity,
    }
}
