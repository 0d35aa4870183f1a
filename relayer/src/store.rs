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
//!  q/<stage>/<u64 BE>  an open item of a pipeline stage (`a` attest, `m` mint, `p` approve)
//!                   and its attempt state: attempts, next attempt time, last error
//!  d/<ms BE><kind><u64 BE>  a finished batch (`b`) or burn (`r`) and when it finished: pruned
//!                   (record and index entry) once older than `store.retention_hours`
//!  f/<kind><u64 BE> a batch or burn that failed for good (needs an operator); pruned with it
//!  v/schema         layout version; 2 = with the index above (built once from 1's records)
//! ```
//!
//! The `q/` entries are the **open-item index**: every stage task scans its own prefix only, so a
//! tick costs what is open, not what the bridge ever carried; finished records stay readable
//! (`status`, duplicate detection) until pruned.
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
const QUEUE: u8 = b'q';
const DONE: u8 = b'd';
const FAILED: u8 = b'f';
const SCHEMA: &[u8] = b"v/schema";
/// The layout with the open-item index.
const SCHEMA_VERSION: u64 = 2;

/// How many EVM block hashes are kept for reorg detection.
pub const KEPT_HASHES: u64 = 256;

/// A stage of one of the two pipelines that holds items in a durable queue (the watchers are
/// cursors, not queues).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// TAO→ETH: post our signature of a batch on tao-node (items: TAO block numbers).
    Attest,
    /// TAO→ETH: submit the batch's mint to TaoBridge and see it confirmed (TAO block numbers).
    Mint,
    /// ETH→TAO: approve a burn's release on tao-node (burn nonces).
    Approve,
}

impl Stage {
    /// Every stage.
    pub const ALL: [Stage; 3] = [Stage::Attest, Stage::Mint, Stage::Approve];

    /// Name in metrics labels, logs and `status`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Attest => "attest",
            Self::Mint => "mint",
            Self::Approve => "approve",
        }
    }

    fn tag(self) -> u8 {
        match self {
            Self::Attest => b'a',
            Self::Mint => b'm',
            Self::Approve => b'p',
        }
    }

    /// The record kind its items are.
    pub fn kind(self) -> Kind {
        match self {
            Self::Attest | Self::Mint => Kind::Batch,
            Self::Approve => Kind::Burn,
        }
    }
}

/// The two kinds of record a pipeline item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A mint batch (by TAO block).
    Batch,
    /// A burn (by burn nonce).
    Burn,
}

impl Kind {
    fn tag(self) -> u8 {
        match self {
            Self::Batch => BATCH,
            Self::Burn => BURN,
        }
    }
    fn from_tag(tag: u8) -> Option<Self> {
        match tag {
            BATCH => Some(Self::Batch),
            BURN => Some(Self::Burn),
            _ => None,
        }
    }
}

/// The attempt state of one open item, persisted so a restart neither forgets a parked item's
/// backoff nor retries every failing item at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// Failed attempts since the item last made progress (0 = flowing, not parked).
    pub attempts: u32,
    /// Not before this time (unix ms); 0 = now.
    pub next_at_ms: u64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the item entered this stage (unix ms).
    pub since_ms: u64,
}

impl Attempt {
    /// A new item, due now.
    pub fn new(now_ms: u64) -> Self {
        Self { attempts: 0, next_at_ms: 0, last_error: None, since_ms: now_ms }
    }
    /// Parked: it failed and waits for its own next attempt.
    pub fn parked(&self) -> bool {
        self.attempts > 0
    }
}

/// A finished item whose record has not been pruned yet, or one that failed for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemRef {
    /// Batch or burn.
    pub kind: Kind,
    /// TAO block or burn nonce.
    pub id: u64,
}

/// One lock as it goes into the batch: the bridge's one lock type (its JSON form is the one
/// stores written before it used, so old records read back unchanged).
pub type MintRecord = wtao_bridge_types::Lock;

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
        self.mints.iter().map(|m| u128::from(m.amount.0)).sum()
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
    /// tao-node refused our approval for good (e.g. this relayer is not in its relayer set any
    /// more): the other relayers release it without us.
    Refused {
        /// tao-node's error.
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
    /// Put item `id` in `stage`'s queue, or update its attempt state.
    pub fn enqueue(&mut self, stage: Stage, id: u64, attempt: &Attempt) -> &mut Self {
        self.batch.insert(&queue_key(stage, id)[..], json(attempt));
        self
    }
    /// Take item `id` out of `stage`'s queue.
    pub fn dequeue(&mut self, stage: Stage, id: u64) -> &mut Self {
        self.batch.remove(&queue_key(stage, id)[..]);
        self
    }
    /// Record that item `id` of `kind` finished at `at_ms` (success or for good), so it is
    /// pruned after the retention; `failed` also lists it as needing an operator.
    pub fn finished(&mut self, kind: Kind, id: u64, at_ms: u64, failed: bool) -> &mut Self {
        self.batch.insert(&done_key(at_ms, kind, id)[..], &[][..]);
        if failed {
            self.batch.insert(&failed_key(kind, id)[..], &[][..]);
        } else {
            self.batch.remove(&failed_key(kind, id)[..]);
        }
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

fn queue_key(stage: Stage, id: u64) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[0] = QUEUE;
    k[1] = b'/';
    k[2] = stage.tag();
    k[3] = b'/';
    k[4..].copy_from_slice(&id.to_be_bytes());
    k
}

fn queue_prefix(stage: Stage) -> [u8; 4] {
    [QUEUE, b'/', stage.tag(), b'/']
}

fn done_key(at_ms: u64, kind: Kind, id: u64) -> [u8; 19] {
    let mut k = [0u8; 19];
    k[0] = DONE;
    k[1] = b'/';
    k[2..10].copy_from_slice(&at_ms.to_be_bytes());
    k[10] = kind.tag();
    k[11..].copy_from_slice(&id.to_be_bytes());
    k
}

fn failed_key(kind: Kind, id: u64) -> [u8; 11] {
    let mut k = [0u8; 11];
    k[0] = FAILED;
    k[1] = b'/';
    k[2] = kind.tag();
    k[3..].copy_from_slice(&id.to_be_bytes());
    k
}

/// The `u64` in the last 8 bytes of a key.
fn tail_u64(k: &[u8]) -> Option<u64> {
    let start = k.len().checked_sub(8)?;
    let bytes: [u8; 8] = k.get(start..)?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
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
        let store = Self { db, tree };
        store.migrate()?;
        Ok(store)
    }

    /// A store written before the open-item index (schema 1) gets the index built from its
    /// records, once; finished records count as finished now (pruned one retention from now).
    fn migrate(&self) -> Result<(), StoreError> {
        if self.get::<u64>(SCHEMA)?.is_some() {
            return Ok(());
        }
        let now = now_ms();
        let mut change = Change::new();
        for b in self.batches()? {
            if !b.attested {
                change.enqueue(Stage::Attest, b.block, &Attempt::new(b.seen_at_ms));
            }
            match b.status {
                MintStatus::Pending | MintStatus::Submitted(_) => {
                    change.enqueue(Stage::Mint, b.block, &Attempt::new(b.seen_at_ms));
                }
                MintStatus::Minted { .. } => {
                    change.finished(Kind::Batch, b.block, now, false);
                }
                MintStatus::Failed { .. } => {
                    change.finished(Kind::Batch, b.block, now, true);
                }
            }
        }
        for r in self.burns()? {
            match r.status {
                BurnStatus::Pending => {
                    change.enqueue(Stage::Approve, r.nonce, &Attempt::new(r.seen_at_ms));
                }
                BurnStatus::Approved { .. } => {
                    change.finished(Kind::Burn, r.nonce, now, false);
                }
                BurnStatus::Conflict | BurnStatus::Dropped { .. } | BurnStatus::Refused { .. } => {
                    change.finished(Kind::Burn, r.nonce, now, true);
                }
            }
        }
        change.batch.insert(SCHEMA, json(&SCHEMA_VERSION));
        self.tree.apply_batch(change.batch)?;
        self.db.flush()?;
        Ok(())
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

    /// Every batch, oldest first (a full scan: for migration, tests and tools, never per tick).
    pub fn batches(&self) -> Result<Vec<Batch>, StoreError> {
        self.scan(BATCH)
    }

    /// Every burn, by nonce (a full scan: for migration, tests and tools, never per tick).
    pub fn burns(&self) -> Result<Vec<Burn>, StoreError> {
        self.scan(BURN)
    }

    /// The burns seen in EVM blocks at or above `min_block`, newest nonce first. Burn nonces
    /// grow with the block they are in, so this reads from the newest burn back to the first
    /// one below `min_block`: what a reorg affects, not the history.
    pub fn burns_since(&self, min_block: u64) -> Result<Vec<Burn>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree.scan_prefix([BURN, b'/']).rev() {
            let (k, v) = kv?;
            let burn: Burn = decode(&k, &v)?;
            if burn.block < min_block {
                break;
            }
            out.push(burn);
        }
        Ok(out)
    }

    /// The open items of `stage`, by id, with their attempt state: the index, so the cost is
    /// what is open, not the history.
    pub fn open_items(&self, stage: Stage) -> Result<Vec<(u64, Attempt)>, StoreError> {
        self.tree
            .scan_prefix(queue_prefix(stage))
            .map(|kv| {
                let (k, v) = kv?;
                let id = tail_u64(&k).ok_or_else(|| StoreError::Corrupt {
                    key: String::from_utf8_lossy(&k).into_owned(),
                    reason: "short queue key".into(),
                })?;
                Ok((id, decode(&k, &v)?))
            })
            .collect()
    }

    /// The attempt state of item `id` in `stage`, if it is open there.
    pub fn attempt(&self, stage: Stage, id: u64) -> Result<Option<Attempt>, StoreError> {
        self.get(&queue_key(stage, id))
    }

    /// Items that failed for good and are not pruned yet.
    pub fn failed(&self) -> Result<Vec<ItemRef>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree.scan_prefix([FAILED, b'/']) {
            let (k, _) = kv?;
            if let (Some(kind), Some(id)) =
                (k.get(2).copied().and_then(Kind::from_tag), tail_u64(&k))
            {
                out.push(ItemRef { kind, id });
            }
        }
        Ok(out)
    }

    /// Delete finished batches and burns that finished before `before_ms` (records, their
    /// index entries), at most `limit` of them per call so one call stays short. An item that
    /// is open again (a burn re-seen after a reorg) keeps its record. Returns how many index
    /// entries were pruned.
    pub async fn prune(&self, before_ms: u64, limit: usize) -> Result<usize, StoreError> {
        let end = done_key(before_ms, Kind::Batch, 0);
        let start = [DONE, b'/'];
        let mut change = Change::new();
        let mut pruned = 0;
        for kv in self.tree.range(&start[..]..&end[..]).take(limit) {
            let (k, _) = kv?;
            change.batch.remove(k.clone());
            pruned += 1;
            let (Some(kind), Some(id)) =
                (k.get(10).copied().and_then(Kind::from_tag), tail_u64(&k))
            else {
                continue;
            };
            let open = match kind {
                Kind::Batch => {
                    self.tree.contains_key(queue_key(Stage::Mint, id))?
                        || self.tree.contains_key(queue_key(Stage::Attest, id))?
                }
                Kind::Burn => self.tree.contains_key(queue_key(Stage::Approve, id))?,
            };
            if !open {
                change.batch.remove(&key(kind.tag(), id)[..]);
                change.batch.remove(&failed_key(kind, id)[..]);
            }
        }
        if pruned > 0 {
            self.commit(change).await?;
        }
        Ok(pruned)
    }

    /// Size of the database on disk (bytes), as sled reports it.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
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

/// A pending, unattested batch of one 5-rao lock (nonce = block), for the stages' tests.
#[cfg(test)]
pub(crate) fn test_batch(block: u64) -> Batch {
    Batch {
        block,
        mints: vec![MintRecord {
            nonce: block,
            tao_sender: B256::ZERO,
            recipient: Address::repeat_byte(2),
            amount: wtao_bridge_types::Rao(5),
        }],
        digest: B256::repeat_byte(3),
        own_signature: Bytes::from(vec![4; 65]),
        attested: false,
        attest_error: None,
        signatures: BTreeMap::new(),
        seen_at_ms: 0,
        ready_at_ms: None,
        status: MintStatus::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(block: u64) -> Batch {
        let mut b = test_batch(block);
        b.mints[0].tao_sender = B256::repeat_byte(1);
        Batch { seen_at_ms: 7, ..b }
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

    fn burn(nonce: u64, status: BurnStatus) -> Burn {
        Burn {
            nonce,
            from: Address::repeat_byte(1),
            tao_recipient: B256::repeat_byte(2),
            amount: alloy::primitives::U256::from(5u64),
            block: 3,
            block_hash: B256::repeat_byte(4),
            tx: None,
            log_index: None,
            seen_at_ms: 11,
            status,
        }
    }

    #[tokio::test]
    async fn a_store_without_the_index_gets_it_built_once() {
        let dir = tempfile::tempdir().unwrap();
        {
            // Schema 1: records only.
            let store = Store::open(dir.path()).unwrap();
            let mut minted = batch(1);
            minted.attested = true;
            minted.status = MintStatus::Minted { tx: None };
            let mut failed = batch(2);
            failed.attested = true;
            failed.status = MintStatus::Failed { reason: "nonce used".into() };
            let mut c = Change::new();
            c.batch(&minted).batch(&failed).batch(&batch(3));
            c.burn(&burn(7, BurnStatus::Pending))
                .burn(&burn(8, BurnStatus::Approved { released: true }));
            c.burn(&burn(9, BurnStatus::Conflict));
            store.commit(c).await.unwrap();
            store.tree.remove(SCHEMA).unwrap();
            store.db.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let ids = |s| store.open_items(s).unwrap().into_iter().map(|(i, _)| i).collect::<Vec<_>>();
        assert_eq!(ids(Stage::Attest), [3]);
        assert_eq!(ids(Stage::Mint), [3]);
        assert_eq!(ids(Stage::Approve), [7]);
        assert_eq!(store.attempt(Stage::Approve, 7).unwrap(), Some(Attempt::new(11)));
        let failed: Vec<_> = store.failed().unwrap().into_iter().map(|i| (i.kind, i.id)).collect();
        assert_eq!(failed, [(Kind::Batch, 2), (Kind::Burn, 9)]);
    }

    #[tokio::test]
    async fn prune_deletes_finished_records_older_than_the_cutoff_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut c = Change::new();
        for n in 1..=4 {
            c.batch(&batch(n)).finished(Kind::Batch, n, n * 100, n == 2);
            c.burn(&burn(n, BurnStatus::Approved { released: true }));
            c.finished(Kind::Burn, n, n * 100, false);
        }
        // Burn 1 was re-seen after a reorg and is open again: its record stays.
        c.enqueue(Stage::Approve, 1, &Attempt::new(0));
        store.commit(c).await.unwrap();
        assert_eq!(store.prune(250, 100).await.unwrap(), 4, "two batches and two burns were due");
        assert_eq!(store.batch(1).unwrap(), None);
        assert_eq!(store.batch(2).unwrap(), None);
        assert!(store.batch(3).unwrap().is_some());
        assert!(store.burn(1).unwrap().is_some(), "open again: kept");
        assert_eq!(store.burn(2).unwrap(), None);
        assert!(store.failed().unwrap().is_empty(), "the failed entry went with its record");
        assert_eq!(store.prune(250, 100).await.unwrap(), 0, "nothing twice");
        // The limit bounds one pass.
        assert_eq!(store.prune(u64::MAX, 1).await.unwrap(), 1);
        assert_eq!(store.prune(u64::MAX, 100).await.unwrap(), 3);
        assert!(store.batches().unwrap().is_empty());
        assert_eq!(store.burns().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn burns_since_reads_back_to_the_first_older_block_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut c = Change::new();
        for (nonce, block) in [(0, 10), (1, 12), (2, 12), (3, 15)] {
            let mut b = burn(nonce, BurnStatus::Pending);
            b.block = block;
            c.burn(&b);
        }
        store.commit(c).await.unwrap();
        let nonces =
            |min| store.burns_since(min).unwrap().iter().map(|b| b.nonce).collect::<Vec<_>>();
        assert_eq!(nonces(12), [3, 2, 1]);
        assert_eq!(nonces(16), Vec::<u64>::new());
        assert_eq!(nonces(0), [3, 2, 1, 0]);
    }
}
