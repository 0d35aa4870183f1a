//! The messages of the wTAO bridge, the `ITaoBridge` bindings, and how relayers sign.
//!
//! TAO locked on the TAO chain becomes wTAO on an EVM chain when `threshold` relayers have signed
//! the batch of locks (DESIGN §5). Everyone who touches such a batch — the node that stores
//! attestations, each relayer that signs and submits, the CLI and the tests — must compute the
//! *same* 32-byte EIP-712 digest as `TaoBridge.hashMintBatch` on chain, or mints silently stop.
//! This crate is that one definition on the Rust side:
//!
//! ```text
//!  contracts/src/interfaces/ITaoBridge.sol ──sol!──▶ bindings::ITaoBridge   bindings.rs
//!        (Mint, MintBatch, Burned, RateLimit, every call, event and error; `rpc`: the instance)
//!
//!  node LockRecord ─From─▶ Lock{nonce, tao_sender, recipient, amount: Rao}  messages.rs
//!  tao-client, relayer ─From─┘      │ From / TryFrom
//!                                   ▼
//!  [Mint] ──mint_batch_digest(BridgeDomain)──▶ B256   eip712.rs (eip712_signing_hash)
//!        │                                        │ sign_digest(key)      signature.rs
//!        │                                        ▼
//!        │                                   [u8; 65] r‖s‖v (low-s, v = 27/28)
//!        │                                        │ recover_signer / sort_signatures
//!        ▼                                        ▼
//!  TaoBridge.mint(batch, signatures sorted by signer address)
//! ```
//!
//! `Burned` is the event going the other way (ETH → TAO): wTAO burned on the EVM chain, released on
//! the TAO chain keyed by `(eth_chain_id, nonce)`.
//!
//! Features:
//! * `rpc` — `ITaoBridge::new(address, provider)`, the provider-bound contract instance (pulls in
//!   alloy's contract and provider crates). The relayer, the CLI and the tests enable it; the node
//!   does not.
//! * `test-utils` — [`vectors`]: writes and checks `contracts/test/vectors/mint_batches.json`,
//!   which a forge test (`contracts/test/Vectors.t.sol`) checks against the Solidity contract: if
//!   the two sides ever disagree on a type string, a field order or the domain, one of the two test
//!   suites fails. Regenerate the file with
//!   `cargo run -p wtao-bridge-types --features test-utils --example gen-vectors`. Only
//!   dev-dependencies enable it.
//!
//! Without features the crate is small (alloy-primitives, alloy-sol-types, k256, serde): the node
//! and the relayer both depend on it.

// Money code (STYLE §2): no panics on the paths the node and the relayer run.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

pub mod bindings;
mod eip712;
mod error;
mod messages;
mod signature;
#[cfg(any(test, feature = "test-utils"))]
pub mod vectors;

pub use bindings::ITaoBridge;
pub use eip712::{
    BridgeDomain, DOMAIN_NAME, DOMAIN_VERSION, mint_batch_digest, mint_batch_struct_hash,
};
pub use error::BridgeTypesError;
pub use messages::{Burned, Lock, Mint, MintBatch, RAO_PER_TAO, Rao};
pub use signature::{
    RelayerSignature, recover_signer, sign_digest, signer_address, sort_signatures,
};

// Re-exported so that callers name the same versions this crate was built with.
pub use alloy_primitives::{Address, B256, U256};
pub use k256::ecdsa::SigningKey;
