//! The chain: genesis, the transaction pool, block production, finality and notifications.
//!
//! [`Chain`] owns the [`Store`] and a [`Runtime`]. Extrinsics enter through [`Chain::submit`]
//! (validated against the best state as if in the next block; future nonces wait in the pool),
//! and [`Chain::produce_block`] builds the next block from the pool: initialize → apply every
//! ready extrinsic in nonce order → finalize → commit block + state diff in one atomic sled
//! batch → flush → only then announce it. Finalized = best − `finality_lag`; a single authority
//! never reorgs. Watchers get `ready`/`future` → `inBlock` → `finalized`, and subscribers get new
//! and finalized heads over a broadcast channel.

pub mod pool;
pub mod store;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::{Notify, broadcast, mpsc};

use crate::primitives::{Block, BlockNumber, Digest, H256, Header, blake2_256, extrinsics_root};
use crate::runtime::genesis::{ChainSpec, SpecError};
use crate::runtime::{
    BlockContext, Ext, InvalidTransaction, Runtime, TransactionValidityError, TxError,
};
use crate::state::StateRead;

pub use pool::{Pool, SubmitError, TxStatus};
pub use store::{StateView, Store, StoreError};

/// Chain-level failures.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// Store.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Genesis.
    #[error("chain spec: {0}")]
    Spec(#[from] SpecError),
    /// The runtime could not read state while building a block.
    #[error("block {0} abandoned: {1}")]
    Abandoned(BlockNumber, crate::state::StateError),
    /// A block the store should have is missing.
    #[error("database is missing block {0}; it may belong to an interrupted older version")]
    Missing(BlockNumber),
}

/// Configuration of the chain core.
#[derive(Clone, Debug)]
pub struct ChainConfig {
    /// Finalized = best − this.
    pub finality_lag: u32,
    /// Max extrinsics per block.
    pub max_block_extrinsics: usize,
    /// Max transactions waiting in the pool.
    pub pool_limit: usize,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self { finality_lag: 0, max_block_extrinsics: 1024, pool_limit: 8192 }
    }
}

/// What subscribers hear about.
#[derive(Clone, Debug)]
pub enum ChainEvent {
    /// A new best block.
    NewHead(Header),
    /// A newly finalized block (sent in order, none skipped).
    Finalized(Header),
}

/// Best and finalized heads.
#[derive(Clone, Debug)]
pub struct Heads {
    /// Best header.
    pub best: Header,
    /// Its hash.
    pub best_hash: H256,
    /// Finalized number.
    pub finalized: BlockNumber,
    /// Finalized hash.
    pub finalized_hash: H256,
}

/// The running chain.
pub struct Chain {
    /// Storage.
    pub store: Store,
    /// The runtime.
    pub runtime: Runtime,
    /// The spec it was built from.
    pub spec: ChainSpec,
    config: ChainConfig,
    heads: RwLock<Heads>,
    pool: Mutex<Pool>,
    /// Serialises block production.
    produce_lock: Mutex<()>,
    events: broadcast::Sender<ChainEvent>,
    /// Wakes the block producer (instant seal).
    pub pool_notify: Notify,
    /// tx hash → watchers.
    watchers: Mutex<HashMap<H256, Vec<mpsc::UnboundedSender<TxStatus>>>>,
    /// block number → (block hash, watched txs in it) awaiting finality.
    awaiting: Mutex<BTreeMap<BlockNumber, (H256, Vec<H256>)>>,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Chain {
    /// Open the chain in `store`, writing genesis from `spec` if the store is empty.
    pub fn open(
        store: Store,
        spec: ChainSpec,
        config: ChainConfig,
    ) -> Result<Arc<Self>, ChainError> {
        let genesis_state = spec.build_state()?;
        let changes = genesis_state.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
        let genesis = Block {
            header: Header {
                parent_hash: H256::default(),
                number: 0,
                state_root: Store::state_root(&H256::default(), &changes),
                extrinsics_root: extrinsics_root(&[]),
                digest: Digest::default(),
            },
            extrinsics: vec![],
        };
        let genesis_hash = genesis.header.hash();
        let best = match store.best_number()? {
            None => {
                store.commit(&genesis, &changes)?;
                tracing::info!(target: "chain", %genesis_hash, "wrote genesis");
                0
            }
            Some(n) => {
                let found = store.hash(0)?.ok_or(ChainError::Missing(0))?;
                if found != genesis_hash {
                    return Err(StoreError::WrongChain { expected: genesis_hash, found }.into());
                }
                n
            }
        };
        let best_hash = store.hash(best)?.ok_or(ChainError::Missing(best))?;
        let best_header = store.header(&best_hash)?.ok_or(ChainError::Missing(best))?;
        let finalized = best.saturating_sub(config.finality_lag);
        let finalized_hash = store.hash(finalized)?.ok_or(ChainError::Missing(finalized))?;
        tracing::info!(target: "chain", best, %best_hash, finalized, "chain opened");
        let (events, _) = broadcast::channel(1024);
        Ok(Arc::new(Self {
            store,
            runtime: Runtime { genesis_hash },
            spec,
            heads: RwLock::new(Heads { best: best_header, best_hash, finalized, finalized_hash }),
            pool: Mutex::new(Pool::new(config.pool_limit)),
            config,
            produce_lock: Mutex::new(()),
            events,
            pool_notify: Notify::new(),
            watchers: Mutex::new(HashMap::new()),
            awaiting: Mutex::new(BTreeMap::new()),
        }))
    }

    /// Genesis hash.
    pub fn genesis_hash(&self) -> H256 {
        self.runtime.genesis_hash
    }

    /// Current heads.
    pub fn heads(&self) -> Heads {
        self.heads.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Subscribe to head notifications.
    pub fn subscribe(&self) -> broadcast::Receiver<ChainEvent> {
        self.events.subscribe()
    }

    /// Block number of `hash`, if known.
    pub fn number_of(&self, hash: &H256) -> Result<Option<BlockNumber>, StoreError> {
        Ok(self.store.header(hash)?.map(|h| h.number))
    }

    /// The state at `hash` (best when `None`).
    pub fn state(&self, hash: Option<&H256>) -> Result<Option<StateView>, StoreError> {
        let best = self.heads().best.number;
        let at = match hash {
            None => best,
            Some(h) => match self.number_of(h)? {
                Some(n) => n,
                None => return Ok(None),
            },
        };
        self.store.state_at(at, best).map(Some)
    }

    fn next_context(&self) -> BlockContext {
        let heads = self.heads();
        BlockContext {
            number: heads.best.number.saturating_add(1),
            parent_hash: heads.best_hash,
            timestamp_ms: now_ms(),
        }
    }

    /// Validate and add an extrinsic to the pool; returns its hash and initial status.
    pub fn submit(&self, bytes: Vec<u8>) -> Result<(H256, TxStatus), SubmitError> {
        let hash = H256(blake2_256(&bytes));
        let ctx = self.next_context();
        let view = self.state(None).map_err(|e| SubmitError::Internal(e.to_string()))?;
        let Some(view) = view else {
            return Err(SubmitError::Internal("best state missing".into()));
        };
        let mut ext = Ext::new(&view);
        self.runtime.initialize_block(&mut ext, &ctx);
        let valid = self.runtime.validate(&mut ext, &bytes, true)?;
        let status = lock(&self.pool).insert(hash, bytes, &valid)?;
        tracing::debug!(target: "txpool", %hash, signer = %valid.signer, nonce = valid.nonce, ?status, "imported");
        self.pool_notify.notify_one();
        Ok((hash, status))
    }

    /// Submit and watch: the receiver gets every status change until finalized/dropped.
    pub fn submit_and_watch(
        &self,
        bytes: Vec<u8>,
    ) -> Result<(H256, mpsc::UnboundedReceiver<TxStatus>), SubmitError> {
        let hash = H256(blake2_256(&bytes));
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.watchers).entry(hash).or_default().push(tx.clone());
        match self.submit(bytes) {
            Ok((_, status)) => {
                let _ = tx.send(status);
                Ok((hash, rx))
            }
            Err(e) => {
                let mut w = lock(&self.watchers);
                if let Some(list) = w.get_mut(&hash) {
                    list.retain(|s| !s.same_channel(&tx));
                    if list.is_empty() {
                        w.remove(&hash);
                    }
                }
                Err(e)
            }
        }
    }

    /// Next nonce for `who`, counting its transactions in the pool.
    pub fn next_nonce(&self, who: &crate::primitives::AccountId32) -> Result<u32, StoreError> {
        let view = self.state(None)?.ok_or(StoreError::Pruned(0))?;
        let mut ext = Ext::new(&view);
        let nonce = crate::runtime::system::ACCOUNT.get(&mut ext, who).nonce;
        Ok(lock(&self.pool).next_nonce(who, nonce))
    }

    /// Encoded extrinsics waiting in the pool.
    pub fn pending(&self) -> Vec<Vec<u8>> {
        lock(&self.pool).all_bytes()
    }

    /// Whether the pool holds a transaction whose nonce is the signer's next one, i.e. the next
    /// block would not be empty (instant seal uses this to avoid sealing for future-only pools).
    pub fn has_ready(&self) -> bool {
        let txs = lock(&self.pool).snapshot();
        if txs.is_empty() {
            return false;
        }
        let Ok(Some(view)) = self.state(None) else { return true };
        let mut ext = Ext::new(&view);
        txs.iter()
            .any(|t| crate::runtime::system::ACCOUNT.get(&mut ext, &t.signer).nonce == t.nonce)
    }

    fn notify(&self, hash: &H256, status: &TxStatus, close: bool) {
        let mut w = lock(&self.watchers);
        if let Some(list) = w.get_mut(hash) {
            list.retain(|s| s.send(status.clone()).is_ok());
            if close || list.is_empty() {
                w.remove(hash);
            }
        }
    }

    /// Build, commit and announce the next block from the pool. Returns its header.
    pub fn produce_block(&self) -> Result<Header, ChainError> {
        let _guard = lock(&self.produce_lock);
        let ctx = self.next_context();
        let heads = self.heads();
        let parent = heads.best.clone();
        let view = self.store.state_at(parent.number, parent.number)?;
        let backend: &dyn StateRead = &view;
        let mut ext = Ext::new(backend);
        self.runtime.begin_block(&mut ext, &ctx);

        let candidates = lock(&self.pool).snapshot();
        let mut included: Vec<(H256, Vec<u8>)> = Vec::new();
        let mut dropped: Vec<(H256, TxError)> = Vec::new();
        let mut done = vec![false; candidates.len()];
        // Repeated passes so that a signer's nonces apply in order whatever the arrival order.
        loop {
            let mut progress = false;
            for (i, c) in candidates.iter().enumerate() {
                if done.get(i).copied().unwrap_or(true)
                    || included.len() >= self.config.max_block_extrinsics
                {
                    continue;
                }
                let index = u32::try_from(included.len()).unwrap_or(u32::MAX);
                match self.runtime.apply_extrinsic(&mut ext, &c.bytes, index) {
                    Ok(_) => {
                        included.push((c.hash, c.bytes.clone()));
                        progress = true;
                        if let Some(d) = done.get_mut(i) {
                            *d = true;
                        }
                    }
                    // Not yet (a later nonce) or not in this block (full): stays in the pool.
                    Err(TxError::Validity(TransactionValidityError::Invalid(
                        InvalidTransaction::Future | InvalidTransaction::ExhaustsResources,
                    ))) => {}
                    Err(e) => {
                        dropped.push((c.hash, e));
                        if let Some(d) = done.get_mut(i) {
                            *d = true;
                        }
                    }
                }
            }
            if !progress {
                break;
            }
        }
        self.runtime.finalize_block(&mut ext);
        if let Some(e) = ext.overlay.fatal() {
            return Err(ChainError::Abandoned(ctx.number, e.clone()));
        }
        let changes = ext.overlay.into_changes();
        let extrinsics: Vec<Vec<u8>> = included.iter().map(|(_, b)| b.clone()).collect();
        let header = Header {
            parent_hash: ctx.parent_hash,
            number: ctx.number,
            state_root: Store::state_root(&parent.state_root, &changes),
            extrinsics_root: extrinsics_root(&extrinsics),
            digest: Digest::default(),
        };
        let hash = header.hash();
        self.store.commit(&Block { header: header.clone(), extrinsics }, &changes)?;

        // Committed and flushed: now update memory and tell the world.
        let finalized_before = heads.finalized;
        let finalized = ctx.number.saturating_sub(self.config.finality_lag).max(finalized_before);
        let finalized_hash = if finalized == ctx.number {
            hash
        } else {
            self.store.hash(finalized)?.ok_or(ChainError::Missing(finalized))?
        };
        {
            let mut h = self.heads.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            *h = Heads { best: header.clone(), best_hash: hash, finalized, finalized_hash };
        }
        {
            let mut pool = lock(&self.pool);
            for (h, _) in &included {
                pool.remove(h);
            }
            for (h, _) in &dropped {
                pool.remove(h);
            }
        }
        tracing::info!(target: "chain", number = ctx.number, %hash, txs = included.len(), "imported block");
        for (h, e) in &dropped {
            tracing::debug!(target: "txpool", %h, err = %e, "dropped invalid transaction");
            self.notify(h, &TxStatus::Invalid, true);
        }
        let watched: Vec<H256> = {
            let w = lock(&self.watchers);
            included.iter().map(|(h, _)| *h).filter(|h| w.contains_key(h)).collect()
        };
        for h in &watched {
            self.notify(h, &TxStatus::InBlock(hash), false);
        }
        if !watched.is_empty() {
            lock(&self.awaiting).insert(ctx.number, (hash, watched));
        }
        let _ = self.events.send(ChainEvent::NewHead(header.clone()));
        for n in finalized_before.saturating_add(1)..=finalized {
            let fh = if n == ctx.number {
                Some(header.clone())
            } else {
                self.store.hash(n)?.and_then(|h| self.store.header(&h).ok().flatten())
            };
            let Some(fh) = fh else { continue };
            let fhash = fh.hash();
            if let Some((_, txs)) = lock(&self.awaiting).remove(&n) {
                for t in txs {
                    self.notify(&t, &TxStatus::Finalized(fhash), true);
                }
            }
            let _ = self.events.send(ChainEvent::Finalized(fh));
        }
        Ok(header)
    }
}

#[cfg(test)]
mod tests;
