//! The relayer's write-ahead state in sled.
//!
//! One tree, keys by prefix, values JSON (so `wtao-relayer status` and a curious operator can read
//! them):
//!
//! ```text
//!  c/tao            next TAO block to scan (u64)
//!  c/eth            next EVM block to scan (u64)
//!  h/<u64 BE>       hash of a scanned EVM block (reorg detection; the last 256 are kept)
//!  b/<u64 BE>       Batch: the mint batch of one TAO block, our signature, others' signatures,
//!                   and where its mint transaction stands
//!  r/<u64 BE>       Burn: one `Burned` event and whether this relayer approved its release
//! ```
//!
//! Every change that must precede an external action goes through [`Store::commit`], which
//! applies one atomic sled batch and waits for it to reach the disk. That is the whole
//! durability story: the relayer writes what it is *about* to do, does it, writes that it was
//! done; after a crash it redoes whatever is recorded as about-to-be-done, and every such action
//! is idempotent on the other side (tao-node refuses a second attestation or approval from the
//! same relayer; TaoBridge refuses a used nonce, and a replacement transaction reuses the same
//! account nonce).

use std::collections::BTreeMap;
use std::path::Path;

use alloy::primitives::{Address, B256, Bytes};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::StoreError;

const TAO_CURSOR: &[u8] = b"c/tao";
const ETH_CURSOR: &[u8] = b"c/eth";
const HASH: u8 = b'h';
const BATCH: u8 = b'b';
const BURN: u8 = b'r';

/// How many EVM block hashes are kept for reorg detection.
pub const KEPT_HASHES: u64 = 256;

/// One lock as it goes into the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MintRecord {
    /// Lock nonce.
    pub nonce: u64,
    /// TAO account that locked (32 bytes).
    pub tao_sender: B256,
    /// wTAO recipient.
    pub recipient: Address,
    /// Amount (rao).
    pub amount: u64,
}

impl MintRecord {
    /// As `wtao-bridge-types` hashes it.
    pub fn to_mint(self) -> wtao_bridge_types::Mint {
        wtao_bridge_types::Mint::new(
            self.nonce,
            self.tao_sender,
            self.recipient,
            wtao_bridge_types::Rao(self.amount),
        )
    }
}

/// Where a batch's mint stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MintStatus {
    /// Collecting signatures or waiting for its turn / the contract (paused, rate limit).
    Pending,
    /// We sent a mint transaction (possibly several, each a fee bump of the last, same nonce).
    Submitted(Submission),
    /// The batch's nonces are used on the bridge: minted, by us or by another relayer.
    Minted {
        /// Our transaction that minted it, if it was ours.
        tx: Option<B256>,
    },
    /// The batch can never be minted as signed (e.g. the bridge rejects a nonce that another,
    /// different batch already used). Needs an operator.
    Failed {
        /// Why.
        reason: String,
    },
}

/// A mint transaction in flight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// Account nonce used by every attempt.
    pub nonce: u64,
    /// Gas estimate (without headroom) the attempts were signed with.
    pub gas: u64,
    /// The signatures sent (sorted by signer), reused by fee bumps.
    pub sigs: Vec<Bytes>,
    /// Hashes of every attempt, oldest first (any of them may be the one that gets mined).
    pub hashes: Vec<B256>,
    /// The latest signed transaction, for rebroadcasting after a restart.
    pub raw: Bytes,
    /// Fee cap of the latest attempt (wei per gas).
    #[serde(with = "wei")]
    pub max_fee_per_gas: u128,
    /// Priority fee of the latest attempt (wei per gas).
    #[serde(with = "wei")]
    pub max_priority_fee_per_gas: u128,
    /// When the latest attempt was sent (unix ms).
    pub sent_at_ms: u64,
}

/// The mint batch of one finalized TAO block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// The TAO block.
    pub block: u64,
    /// Its locks, in nonce order.
    pub mints: Vec<MintRecord>,
    /// EIP-712 digest for the configured bridge.
    pub digest: B256,
    /// Our signature (hex) — made before anything is posted.
    pub own_signature: Bytes,
    /// Whether our attestation is on tao-node (or tao-node refused it for good).
    pub attested: bool,
    /// tao-node's reason for refusing our attestation, if it did.
    #[serde(default)]
    pub attest_error: Option<String>,
    /// Valid signatures seen on tao-node (ours included), by signer.
    pub signatures: BTreeMap<Address, Bytes>,
    /// When the batch was first seen (unix ms).
    pub seen_at_ms: u64,
    /// When `threshold` signatures were first seen (unix ms): the submitter order's clock.
    #[serde(default)]
    pub ready_at_ms: Option<u64>,
    /// The mint.
    pub status: MintStatus,
}

impl Batch {
    /// Total amount (rao).
    pub fn total(&self) -> u128 {
        self.mints.iter().map(|m| u128::from(m.amount)).sum()
    }
}

/// Where a burn's release stands, as far as this relayer is concerned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BurnStatus {
    /// Seen at enough confirmations; our approval is not yet known to be on tao-node.
    Pending,
    /// Our approval is on tao-node (`approvals` counted then), or the nonce was already released.
    Approved {
        /// Whether our approval (or an earlier one) completed the release.
        released: bool,
    },
    /// tao-node reports a conflict for this nonce: approvals disagree; governance must resolve.
    Conflict,
    /// Cannot be approved as seen (amount does not fit the TAO balance type; the block was
    /// reorged out before approval).
    Dropped {
        /// Why.
        reason: String,
    },
}

/// One `Burned` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Burn {
    /// Burn nonce on the bridge.
    pub nonce: u64,
    /// Who burned.
    pub from: Address,
    /// TAO recipient (32-byte account id).
    pub tao_recipient: B256,
    /// Amount (rao = wTAO base units).
    pub amount: alloy::primitives::U256,
    /// EVM block number and hash it was seen in.
    pub block: u64,
    /// Hash of that block.
    pub block_hash: B256,
    /// The transaction.
    pub tx: Option<B256>,
    /// Index of the log in its block (absent in records written before it was kept).
    #[serde(default)]
    pub log_index: Option<u64>,
    /// When it was seen (unix ms).
    pub seen_at_ms: u64,
    /// Release state.
    pub status: BurnStatus,
}

/// A change to apply atomically.
#[derive(Debug, Default)]
pub struct Change {
    batch: sled::Batch,
}

impl Change {
    /// Start an empty change.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the next TAO block to scan.
    pub fn tao_cursor(&mut self, next: u64) -> &mut Self {
        self.batch.insert(TAO_CURSOR, json(&next));
        self
    }
    /// Set the next EVM block to scan.
    pub fn eth_cursor(&mut self, next: u64) -> &mut Self {
        self.batch.insert(ETH_CURSOR, json(&next));
        self
    }
    /// Record (or forget) a scanned EVM block's hash.
    pub fn eth_hash(&mut self, block: u64, hash: Option<B256>) -> &mut Self {
        match hash {
            Some(h) => self.batch.insert(&key(HASH, block)[..], h.as_slice()),
            None => self.batch.remove(&key(HASH, block)[..]),
        }
        self
    }
    /// Write a batch.
    pub fn batch(&mut self, b: &Batch) -> &mut Self {
        self.batch.insert(&key(BATCH, b.block)[..], json(b));
        self
    }
    /// Write a burn.
    pub fn burn(&mut self, r: &Burn) -> &mut Self {
        self.batch.insert(&key(BURN, r.nonce)[..], json(r));
        self
    }
}

/// The database.
#[derive(Clone, Debug)]
pub struct Store {
    db: sled::Db,
    tree: sled::Tree,
}

fn key(prefix: u8, n: u64) -> [u8; 10] {
    let mut k = [0u8; 10];
    k[0] = prefix;
    k[1] = b'/';
    k[2..].copy_from_slice(&n.to_be_bytes());
    k
}

fn json<T: Serialize>(v: &T) -> Vec<u8> {
    // Serializing these plain structs cannot fail (no maps with non-string keys, no I/O).
    serde_json::to_vec(v).unwrap_or_default()
}

fn decode<T: DeserializeOwned>(k: &[u8], v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::Corrupt {
        key: String::from_utf8_lossy(k).into_owned(),
        reason: e.to_string(),
    })
}

impl Store {
    /// Open or create the database in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(16 * 1024 * 1024)
            .flush_every_ms(Some(500))
            .open()?;
        let tree = db.open_tree("relayer")?;
        Ok(Self { db, tree })
    }

    /// Apply `change` atomically and wait until it is on disk.
    pub async fn commit(&self, change: Change) -> Result<(), StoreError> {
        self.tree.apply_batch(change.batch)?;
        self.db.flush_async().await?;
        Ok(())
    }

    fn get<T: DeserializeOwned>(&self, k: &[u8]) -> Result<Option<T>, StoreError> {
        self.tree.get(k)?.map(|v| decode(k, &v)).transpose()
    }

    /// Next TAO block to scan, if any was recorded.
    pub fn tao_cursor(&self) -> Result<Option<u64>, StoreError> {
        self.get(TAO_CURSOR)
    }

    /// Next EVM block to scan, if any was recorded.
    pub fn eth_cursor(&self) -> Result<Option<u64>, StoreError> {
        self.get(ETH_CURSOR)
    }

    /// Stored hash of EVM block `n`.
    pub fn eth_hash(&self, n: u64) -> Result<Option<B256>, StoreError> {
        Ok(self.tree.get(key(HASH, n))?.and_then(|v| B256::try_from(&v[..]).ok()))
    }

    /// The batch of TAO block `block`.
    pub fn batch(&self, block: u64) -> Result<Option<Batch>, StoreError> {
        self.get(&key(BATCH, block))
    }

    /// The burn with nonce `nonce`.
    pub fn burn(&self, nonce: u64) -> Result<Option<Burn>, StoreError> {
        self.get(&key(BURN, nonce))
    }

    fn scan<T: DeserializeOwned>(&self, prefix: u8) -> Result<Vec<T>, StoreError> {
        self.tree
            .scan_prefix([prefix, b'/'])
            .map(|kv| {
                let (k, v) = kv?;
                decode(&k, &v)
            })
            .collect()
    }

    /// Every batch, oldest first.
    pub fn batches(&self) -> Result<Vec<Batch>, StoreError> {
        self.scan(BATCH)
    }

    /// Every burn, by nonce.
    pub fn burns(&self) -> Result<Vec<Burn>, StoreError> {
        self.scan(BURN)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Wei amounts as decimal strings: the records are internally tagged enums, which serde buffers
/// through a representation without 128-bit integers.
mod wei {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(block: u64) -> Batch {
        Batch {
            block,
            mints: vec![MintRecord {
                nonce: block,
                tao_sender: B256::repeat_byte(1),
                recipient: Address::repeat_byte(2),
                amount: 5,
            }],
            digest: B256::repeat_byte(3),
            own_signature: Bytes::from(vec![4; 65]),
            attested: false,
            attest_error: None,
            signatures: BTreeMap::new(),
            seen_at_ms: 7,
            ready_at_ms: None,
            status: MintStatus::Pending,
        }
    }

    #[tokio::test]
    async fn commits_survive_reopen_and_scan_in_order() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let mut c = Change::new();
            c.batch(&batch(300)).batch(&batch(2)).tao_cursor(301).eth_cursor(9);
            c.eth_hash(8, Some(B256::repeat_byte(9)));
            store.commit(c).await.unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.tao_cursor().unwrap(), Some(301));
        assert_eq!(store.eth_cursor().unwrap(), Some(9));
        assert_eq!(store.eth_hash(8).unwrap(), Some(B256::repeat_byte(9)));
        let blocks: Vec<u64> = store.batches().unwrap().iter().map(|b| b.block).collect();
        assert_eq!(blocks, [2, 300]);
        assert_eq!(store.batch(300).unwrap(), Some(batch(300)));
        assert!(store.burns().unwrap().is_empty());
    }

    #[tokio::test]
    async fn every_mint_status_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let sub = Submission {
            nonce: 3,
            gas: 250_000,
            sigs: vec![Bytes::from(vec![1; 65])],
            hashes: vec![B256::repeat_byte(5)],
            raw: Bytes::from(vec![2; 100]),
            max_fee_per_gas: u128::from(u64::MAX) * 1_000,
            max_priority_fee_per_gas: 1_000_000_000,
            sent_at_ms: 9,
        };
        let statuses = [
            MintStatus::Pending,
            MintStatus::Submitted(sub),
            MintStatus::Minted { tx: Some(B256::repeat_byte(6)) },
            MintStatus::Minted { tx: None },
            MintStatus::Failed { reason: "nonce used".into() },
        ];
        for (i, status) in statuses.into_iter().enumerate() {
            let mut b = batch(i as u64);
            b.status = status;
            let mut c = Change::new();
            c.batch(&b);
            store.commit(c).await.unwrap();
            assert_eq!(store.batch(i as u64).unwrap(), Some(b));
        }
    }
}
