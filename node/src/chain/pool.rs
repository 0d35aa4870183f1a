//! The transaction pool: validated extrinsics waiting for a block.
//!
//! Admission (in [`super::Chain::submit`]) runs the full extension checks — decode, signature,
//! era, fee — against the best state as if in the next block. A nonce below the account's is
//! refused (stale); one above it is kept as *future* and becomes ready once the gap is filled,
//! either by earlier pool transactions or by blocks. One transaction per `(signer, nonce)`; an
//! identical resubmission is "already imported".

use serde::Serialize;

use crate::primitives::{AccountId32, H256};
use crate::runtime::{TransactionValidityError, TxError, ValidTx};

/// How far ahead of the account nonce a future transaction may be.
pub const MAX_FUTURE_GAP: u32 = 64;

/// A transaction's lifecycle, serialised as Substrate's `TransactionStatus` (camelCase, externally
/// tagged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TransactionStatus {
    /// Waiting for an earlier nonce.
    Future,
    /// Ready for the next block.
    Ready,
    /// Included in a block.
    InBlock(H256),
    /// Finalized in a block.
    Finalized(H256),
    /// Dropped from the pool.
    Dropped,
    /// Found invalid at block production.
    Invalid,
}

/// Status alias used by the chain.
pub type TxStatus = TransactionStatus;

/// Why a transaction was refused; each maps to the JSON-RPC error Substrate returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// Undecodable (1001).
    #[error("Extrinsic has invalid format: {0}")]
    BadFormat(String),
    /// Invalid (1010).
    #[error("Invalid Transaction: {0}")]
    Invalid(String),
    /// Unknown validity (1011).
    #[error("Unknown Transaction Validity: {0}")]
    Unknown(String),
    /// Same hash already in the pool (1013).
    #[error("Transaction Already Imported")]
    AlreadyImported,
    /// Another transaction with the same signer and nonce is in the pool (1014).
    #[error("Priority is too low: a transaction with this nonce is already in the pool")]
    TooLowPriority,
    /// Pool full (1016).
    #[error("Immediately Dropped: the pool is full")]
    PoolFull,
    /// Node-side failure (1002).
    #[error("Verification Error: {0}")]
    Internal(String),
}

impl SubmitError {
    /// The Substrate author RPC error code.
    pub fn code(&self) -> i32 {
        match self {
            Self::BadFormat(_) => 1001,
            Self::Internal(_) => 1002,
            Self::Invalid(_) => 1010,
            Self::Unknown(_) => 1011,
            Self::AlreadyImported => 1013,
            Self::TooLowPriority => 1014,
            Self::PoolFull => 1016,
        }
    }
    /// Short message (`message` of the JSON-RPC error); details go to `data`.
    pub fn message(&self) -> &'static str {
        match self {
            Self::BadFormat(_) => "Extrinsic has invalid format",
            Self::Internal(_) => "Verification Error",
            Self::Invalid(_) => "Invalid Transaction",
            Self::Unknown(_) => "Unknown Transaction Validity",
            Self::AlreadyImported => "Transaction Already Imported",
            Self::TooLowPriority => "Priority is too low",
            Self::PoolFull => "Immediately Dropped",
        }
    }
    /// Details for the error's `data`.
    pub fn data(&self) -> String {
        match self {
            Self::BadFormat(s) | Self::Internal(s) | Self::Invalid(s) | Self::Unknown(s) => {
                s.clone()
            }
            other => other.to_string(),
        }
    }
}

impl From<TxError> for SubmitError {
    fn from(e: TxError) -> Self {
        match e {
            TxError::BadFormat(d) => Self::BadFormat(d.to_string()),
            TxError::Validity(TransactionValidityError::Invalid(i)) => Self::Invalid(i.to_string()),
            TxError::Validity(TransactionValidityError::Unknown(u)) => Self::Unknown(u.to_string()),
        }
    }
}

/// A pooled transaction.
#[derive(Clone, Debug)]
pub struct PoolTx {
    /// blake2-256 of the bytes.
    pub hash: H256,
    /// Opaque extrinsic.
    pub bytes: Vec<u8>,
    /// Signer.
    pub signer: AccountId32,
    /// Nonce.
    pub nonce: u32,
}

/// The pool.
#[derive(Debug)]
pub struct Pool {
    txs: Vec<PoolTx>,
    limit: usize,
}

impl Pool {
    /// Empty pool holding at most `limit` transactions.
    pub fn new(limit: usize) -> Self {
        Self { txs: Vec::new(), limit }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.txs.is_empty()
    }

    /// Add a validated transaction.
    pub fn insert(
        &mut self,
        hash: H256,
        bytes: Vec<u8>,
        v: &ValidTx,
    ) -> Result<TxStatus, SubmitError> {
        if self.txs.iter().any(|t| t.hash == hash) {
            return Err(SubmitError::AlreadyImported);
        }
        if self.txs.iter().any(|t| t.signer == v.signer && t.nonce == v.nonce) {
            return Err(SubmitError::TooLowPriority);
        }
        if v.nonce.saturating_sub(v.account_nonce) > MAX_FUTURE_GAP {
            return Err(SubmitError::Invalid(
                crate::runtime::InvalidTransaction::Future.to_string(),
            ));
        }
        if self.txs.len() >= self.limit {
            return Err(SubmitError::PoolFull);
        }
        let ready = self.next_nonce(&v.signer, v.account_nonce) >= v.nonce;
        self.txs.push(PoolTx { hash, bytes, signer: v.signer, nonce: v.nonce });
        Ok(if ready { TxStatus::Ready } else { TxStatus::Future })
    }

    /// The nonce after `from`'s consecutive pooled transactions, starting at `state_nonce`.
    pub fn next_nonce(&self, who: &AccountId32, state_nonce: u32) -> u32 {
        let mut n = state_nonce;
        while self.txs.iter().any(|t| t.signer == *who && t.nonce == n) {
            n = n.saturating_add(1);
        }
        n
    }

    /// Remove by hash.
    pub fn remove(&mut self, hash: &H256) {
        self.txs.retain(|t| t.hash != *hash);
    }

    /// All transactions, in arrival order.
    pub fn snapshot(&self) -> Vec<PoolTx> {
        self.txs.clone()
    }

    /// Their bytes.
    pub fn all_bytes(&self) -> Vec<Vec<u8>> {
        self.txs.iter().map(|t| t.bytes.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_json_matches_substrate() {
        assert_eq!(serde_json::to_value(TxStatus::Ready).unwrap(), "ready");
        assert_eq!(
            serde_json::to_value(TxStatus::InBlock(H256([1; 32]))).unwrap(),
            serde_json::json!({ "inBlock": format!("0x{}", "01".repeat(32)) })
        );
        assert_eq!(
            serde_json::to_value(TxStatus::Finalized(H256([0; 32])))
                .unwrap()
                .as_object()
                .unwrap()
                .keys()
                .next()
                .unwrap(),
            "finalized"
        );
    }
}
