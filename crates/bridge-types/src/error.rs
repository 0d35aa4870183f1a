//! Errors of this crate.

use alloy_primitives::{Address, U256};

/// Why a signature, an amount or a signer set was refused.
///
/// The signature checks mirror what `TaoBridge.mint` (OpenZeppelin `ECDSA.tryRecover`) accepts, so
/// a relayer finds out before it pays gas for a batch the contract would revert.
#[derive(Debug, thiserror::Error)]
pub enum BridgeTypesError {
    /// Relayer signatures are exactly 65 bytes: r (32) ‖ s (32) ‖ v (1).
    #[error("signature must be 65 bytes r||s||v, got {len} bytes")]
    SignatureLength {
        /// The length that was given.
        len: usize,
    },
    /// `ecrecover` only accepts v = 27 or 28; 0/1 or EIP-155 values are a signer bug.
    #[error("signature v must be 27 or 28, got {v}; convert y-parity 0/1 by adding 27")]
    SignatureV {
        /// The v byte that was given.
        v: u8,
    },
    /// EIP-2: the contract rejects s in the upper half of the curve order (malleable signature).
    #[error("signature has a high s value (malleable); normalise it to s <= n/2 and flip v")]
    HighS,
    /// r or s is zero, or the point does not recover to a public key.
    #[error("signature does not recover to a public key")]
    Unrecoverable(#[source] alloy_primitives::SignatureError),
    /// A wTAO amount that does not fit the 64-bit rao type (more than any TAO supply can be).
    #[error("amount {amount} rao does not fit in u64; TAO's total supply is 2.1e16 rao")]
    AmountOverflow {
        /// The amount that was given.
        amount: U256,
    },
    /// The same relayer signed twice with different signatures: the contract accepts one
    /// signature per signer, and picking one of two conflicting ones silently is not our call.
    #[error("relayer {signer} appears twice with different signatures")]
    ConflictingSignatures {
        /// The signer that appears twice.
        signer: Address,
    },
    #[cfg(any(test, feature = "test-utils"))]
    /// The test-vector file could not be read or written.
    #[error("test vectors at {path}: {source}")]
    VectorIo {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    #[cfg(any(test, feature = "test-utils"))]
    /// The test-vector file is not valid JSON of the expected shape.
    #[error("test vectors are not valid JSON of the expected shape: {0}")]
    VectorJson(#[from] serde_json::Error),
    #[cfg(any(test, feature = "test-utils"))]
    /// A value in the test-vector file differs from what this crate computes: either the file is
    /// stale (regenerate it with `cargo run -p wtao-bridge-types --features test-utils --example gen-vectors`) or the
    /// encoding changed, and then the contract must change with it.
    #[error("test vector {vector}: {field} is {in_file} in the file but {computed} computed")]
    VectorMismatch {
        /// The vector's name.
        vector: String,
        /// The field that differs.
        field: &'static str,
        /// The value in the file.
        in_file: String,
        /// The value this crate computes.
        computed: String,
    },
}
