//! The sled store: blocks, the latest state, and enough history to read older states.
//!
//! One sled tree, keys prefixed by table (a typed-table layout over one keyspace, so a whole block
//! is one `apply_batch` — sled applies a batch atomically, also across a crash):
//!
//! | prefix | key                               | value                                   |
//! |--------|-----------------------------------|-----------------------------------------|
//! | `S`    | storage key                       | value at the best block                 |
//! | `B`    | block hash                        | SCALE `Block`                           |
//! | `N`    | block number (BE u32)             | block hash                              |
//! | `H`    | len(key) BE u32 ++ key ++ m BE u32| SCALE `Option<value>` *before* block m  |
//! | `C`    | m BE u32                          | SCALE `Vec<key>` changed by block m     |
//! | `M`    | `best`                            | best block number                       |
//!
//! The value of a key at block q < best is the `H` entry with the smallest m > q, or the current
//! value when no block after q changed it. With pruning P, block n's commit deletes the `H`/`C`
//! entries of block n − P, so states of the last P blocks stay readable; `--archive` keeps all.
//! The state root is a hash chain over state diffs: `blake2(parent_root ++ blake2(SCALE(diff)))`
//! — deterministic and binding, though not a Merkle-Patricia trie (no storage proofs).

use std::collections::BTreeSet;
use std::path::Path;

use parity_scale_codec::{Decode, Encode};

use crate::primitives::{Block, BlockNumber, H256, Header, blake2_256};
use crate::state::{Changes, StateError, StateRead};

/// Store failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed.
    #[error("database: {0}")]
    Db(#[from] sled::Error),
    /// A stored value doesn't decode.
    #[error("corrupt {what} in the database: {err}")]
    Corrupt {
        /// What.
        what: &'static str,
        /// Codec error.
        err: parity_scale_codec::Error,
    },
    /// The state of that block was pruned.
    #[error("State already discarded for block {0} (keep more with --state-pruning or --archive)")]
    Pruned(BlockNumber),
    /// The database belongs to another chain.
    #[error("database at this --base-path holds chain {found}, not {expected}; use another path")]
    WrongChain {
        /// Expected genesis.
        expected: H256,
        /// Found genesis.
        found: H256,
    },
}

fn be(n: BlockNumber) -> [u8; 4] {
    n.to_be_bytes()
}

fn key_with(prefix: u8, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(rest.len().saturating_add(1));
    k.push(prefix);
    k.extend_from_slice(rest);
    k
}

fn history_key(key: &[u8], m: BlockNumber) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len().saturating_add(9));
    k.push(b'H');
    k.extend_from_slice(&be(u32::try_from(key.len()).unwrap_or(u32::MAX)));
    k.extend_from_slice(key);
    k.extend_from_slice(&be(m));
    k
}

fn decode<T: Decode>(what: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    T::decode(&mut &bytes[..]).map_err(|err| StoreError::Corrupt { what, err })
}

/// The persistent chain store.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    tree: sled::Tree,
    /// Blocks of state history kept (`None` = archive).
    pruning: Option<u32>,
}

/// sled's page cache. Its default (1 GiB) lets block bodies, which are written once and rarely
/// read again, grow the node to over a GiB after a million transfers; recent state and headers
/// fit comfortably in 64 MiB.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

impl Store {
    /// Open (or create) the store at `path`.
    pub fn open(path: &Path, pruning: Option<u32>) -> Result<Self, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .flush_every_ms(None)
            .open()?;
        let tree = db.open_tree("chain")?;
        Ok(Self { db, tree, pruning })
    }

    /// A throwaway in-memory store (tests).
    pub fn temporary(pruning: Option<u32>) -> Result<Self, StoreError> {
        let db = sled::Config::new().temporary(true).open()?;
        let tree = db.open_tree("chain")?;
        Ok(Self { db, tree, pruning })
    }

    /// Best block number, if any block was committed.
    pub fn best_number(&self) -> Result<Option<BlockNumber>, StoreError> {
        match self.tree.get(b"Mbest")? {
            Some(v) => Ok(Some(decode("best number", &v)?)),
            None => Ok(None),
        }
    }

    /// Hash of block `n`.
    pub fn hash(&self, n: BlockNumber) -> Result<Option<H256>, StoreError> {
        match self.tree.get(key_with(b'N', &be(n)))? {
            Some(v) => Ok(Some(decode("block hash", &v)?)),
            None => Ok(None),
        }
    }

    /// Block by hash.
    pub fn block(&self, hash: &H256) -> Result<Option<Block>, StoreError> {
        match self.tree.get(key_with(b'B', &hash.0))? {
            Some(v) => Ok(Some(decode("block", &v)?)),
            None => Ok(None),
        }
    }

    /// Header by hash.
    pub fn header(&self, hash: &H256) -> Result<Option<Header>, StoreError> {
        Ok(self.block(hash)?.map(|b| b.header))
    }

    /// Persist `block` and the state `changes` it made, atomically, then flush to disk.
    pub fn commit(&self, block: &Block, changes: &Changes) -> Result<(), StoreError> {
        let n = block.header.number;
        let hash = block.header.hash();
        let mut batch = sled::Batch::default();
        let mut keys = Vec::with_capacity(changes.len());
        for (k, v) in changes {
            let skey = key_with(b'S', k);
            let prev = self.tree.get(&skey)?.map(|p| p.to_vec());
            batch.insert(history_key(k, n), prev.encode());
            match v {
                Some(v) => batch.insert(skey, v.as_slice()),
                None => batch.remove(skey),
            }
            keys.push(k.clone());
        }
        batch.insert(key_with(b'C', &be(n)), keys.encode());
        batch.insert(key_with(b'B', &hash.0), block.encode());
        batch.insert(key_with(b'N', &be(n)), hash.encode());
        batch.insert(&b"Mbest"[..], n.encode());
        if let Some(p) = self.pruning
            && let Some(old) = n.checked_sub(p)
            && old > 0
            && let Some(v) = self.tree.get(key_with(b'C', &be(old)))?
        {
            let old_keys: Vec<Vec<u8>> = decode("change set", &v)?;
            for k in old_keys {
                batch.remove(history_key(&k, old));
            }
            batch.remove(key_with(b'C', &be(old)));
        }
        self.tree.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// The oldest block whose state is still readable, given the best block.
    pub fn oldest_state(&self, best: BlockNumber) -> BlockNumber {
        match self.pruning {
            Some(p) => best.saturating_sub(p),
            None => 0,
        }
    }

    /// Read-only view of the state at block `at` (the best block when `at == best`).
    pub fn state_at(&self, at: BlockNumber, best: BlockNumber) -> Result<StateView, StoreError> {
        if at < self.oldest_state(best) {
            return Err(StoreError::Pruned(at));
        }
        Ok(StateView { tree: self.tree.clone(), at, pinned_best: at >= best })
    }

    /// Keys under `prefix`, strictly after `start`, at block `at`, at most `count`, in order.
    pub fn keys_paged(
        &self,
        prefix: &[u8],
        count: usize,
        start: Option<&[u8]>,
        at: BlockNumber,
        best: BlockNumber,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        let view = self.state_at(at, best)?;
        let after = |k: &[u8]| start.is_none_or(|s| k > s);
        let mut out = Vec::new();
        if view.pinned_best {
            let from = match start {
                Some(s) if s > prefix => key_with(b'S', s),
                _ => key_with(b'S', prefix),
            };
            let sprefix = key_with(b'S', prefix);
            for item in self.tree.range(from..) {
                let (k, _) = item?;
                if !k.starts_with(&sprefix) || out.len() >= count {
                    break;
                }
                let key = k.get(1..).unwrap_or_default();
                if after(key) {
                    out.push(key.to_vec());
                }
            }
            return Ok(out);
        }
        // An older block: current keys plus keys changed since, filtered by their value then.
        let mut candidates = BTreeSet::new();
        for item in self.tree.scan_prefix(key_with(b'S', prefix)) {
            let (k, _) = item?;
            candidates.insert(k.get(1..).unwrap_or_default().to_vec());
        }
        for m in at.saturating_add(1)..=best {
            if let Some(v) = self.tree.get(key_with(b'C', &be(m)))? {
                let ks: Vec<Vec<u8>> = decode("change set", &v)?;
                candidates.extend(ks.into_iter().filter(|k| k.starts_with(prefix)));
            }
        }
        for k in candidates {
            if out.len() >= count {
                break;
            }
            if after(&k) && view.read(&k)?.is_some() {
                out.push(k);
            }
        }
        Ok(out)
    }

    /// The state root after applying `changes` on top of `parent_root`.
    pub fn state_root(parent_root: &H256, changes: &Changes) -> H256 {
        let mut data = parent_root.0.to_vec();
        data.extend_from_slice(&blake2_256(&changes.encode()));
        H256(blake2_256(&data))
    }
}

/// The state at one block, stable while later blocks are committed.
pub struct StateView {
    tree: sled::Tree,
    at: BlockNumber,
    /// `at` was the best block when the view was made.
    pinned_best: bool,
}

impl StateView {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        // Current value first, history second: a block committed in between writes its history
        // entry in the same atomic batch as the new value, so the answer is the value at `at`
        // whichever side of that commit each read lands on.
        let current = self.tree.get(key_with(b'S', key))?.map(|v| v.to_vec());
        let from = history_key(key, self.at.saturating_add(1));
        let to = history_key(key, u32::MAX);
        if let Some(item) = self.tree.range(from..=to).next() {
            let (_, v) = item?;
            return decode("history entry", &v);
        }
        Ok(current)
    }
}

impl StateRead for StateView {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.read(key).map_err(|e| StateError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::Digest;

    fn block(n: BlockNumber) -> Block {
        Block {
            header: Header {
                parent_hash: H256([n as u8; 32]),
                number: n,
                state_root: H256::default(),
                extrinsics_root: H256::default(),
                digest: Digest::default(),
            },
            extrinsics: vec![],
        }
    }

    fn ch(pairs: &[(&[u8], Option<&[u8]>)]) -> Changes {
        pairs.iter().map(|(k, v)| (k.to_vec(), v.map(<[u8]>::to_vec))).collect()
    }

    #[test]
    fn history_and_pruning() {
        let s = Store::temporary(Some(2)).unwrap();
        s.commit(&block(0), &ch(&[(b"a", Some(b"0")), (b"b", Some(b"x"))])).unwrap();
        s.commit(&block(1), &ch(&[(b"a", Some(b"1"))])).unwrap();
        s.commit(&block(2), &ch(&[(b"a", None), (b"ab", Some(b"y"))])).unwrap();
        s.commit(&block(3), &ch(&[(b"a", Some(b"3"))])).unwrap();
        assert_eq!(s.best_number().unwrap(), Some(3));
        let get = |at| s.state_at(at, 3).unwrap().get(b"a").unwrap();
        assert_eq!(get(3), Some(b"3".to_vec()));
        assert_eq!(get(2), None);
        assert_eq!(get(1), Some(b"1".to_vec()));
        assert!(matches!(s.state_at(0, 3), Err(StoreError::Pruned(0))));
        assert_eq!(
            s.keys_paged(b"a", 10, None, 3, 3).unwrap(),
            vec![b"a".to_vec(), b"ab".to_vec()]
        );
        assert_eq!(s.keys_paged(b"a", 10, None, 2, 3).unwrap(), vec![b"ab".to_vec()]);
        assert_eq!(s.keys_paged(b"a", 10, None, 1, 3).unwrap(), vec![b"a".to_vec()]);
        assert_eq!(
            s.keys_paged(b"", 10, Some(b"a"), 3, 3).unwrap(),
            vec![b"ab".to_vec(), b"b".to_vec()]
        );
        assert_eq!(s.hash(2).unwrap(), Some(block(2).header.hash()));
        assert_eq!(s.block(&block(3).header.hash()).unwrap(), Some(block(3)));
    }

    #[test]
    fn archive_keeps_everything() {
        let s = Store::temporary(None).unwrap();
        for n in 0..5u32 {
            s.commit(&block(n), &ch(&[(b"k", Some(&[n as u8][..]))])).unwrap();
        }
        assert_eq!(s.state_at(1, 4).unwrap().get(b"k").unwrap(), Some(vec![1]));
    }
}
