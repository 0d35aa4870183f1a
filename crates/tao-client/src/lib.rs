//! # tao-client
//!
//! A typed client for tao-node over subxt 0.51, shared by the relayer, the CLI and the end-to-end
//! tests so they all speak to the chain the same way.
//!
//! ```text
//!  TaoClient ──(subxt OnlineClient<PolkadotConfig>, legacy RPC)──▶ tao-node
//!     transfer / lock / attest / approve_release / sudo_*   sign, submit, wait for *finalized*
//!     free_balance / bridge_custody_balance / locks_in_block storage at the finalized head
//!     finalized_blocks()                                    Bridge events of each finalized block
//!     register_network / burned_register / add_stake / set_weights / metagraph   subnets
//!     commit_raw / commitment / serve_axon / axon / epoch_info / block_hash      subnet agents
//!     relayer_set / attesters / find_lock / release_state   a transfer's progress (bridge.rs)
//!     custody_reading / bridge_records                      audits of the invariants (audit.rs)
//! ```
//!
//! The types come from the node's own metadata, checked in as `metadata/tao-node.scale` and
//! expanded at compile time by `#[subxt::subxt]` into [`api`]. A test (`metadata_is_current`)
//! fails when that file differs from what the node produces, so the two cannot drift; regenerate
//! it with
//!
//! ```sh
//! cargo run -p tao-node -- export-metadata --out crates/tao-client/metadata/tao-node.scale
//! ```
//!
//! Every transaction helper waits for finalization, because the relayer must only act on
//! finalized TAO state (DESIGN §4.2), and returns the decoded event that proves the effect (for
//! `lock`, the [`LockReceipt`] with its nonce). A call that is included but fails is
//! [`TaoClientError::Dispatch`] with the pallet error's name.
//!
//! **TLS**: [`TaoClient::connect`] takes `ws://` and `wss://` (verified by jsonrpsee's platform
//! verifier); [`TaoClient::connect_with_tls`] takes the caller's rustls configuration (roots, a
//! private CA, the ring provider), as the relayer does for `tls.ca_file`. Both use the ring
//! provider jsonrpsee links; nothing here pulls a second crypto stack.
//!
//! Amounts are [`Rao`] (u64, 1 TAO = 10^9 rao, the chain's balance type); Ethereum addresses are
//! alloy [`Address`]es, as in `wtao-bridge-types`.

mod audit;
mod bridge;
mod client;
mod commitments;
mod error;
mod subnet;

pub use audit::{BridgeRecord, CustodyReading};
pub use bridge::{LockedTransfer, ReleaseState, TrackedLock};
pub use client::{
    BridgeBlock, BridgeBlockStream, LockReceipt, RelayerInfo, ReleaseOutcome, TaoClient, TxReceipt,
};
pub use commitments::{AxonEndpoint, EpochInfo, MAX_RAW_COMMITMENT_BYTES, RawCommitment};
pub use error::{BridgeError, Result, TaoClientError};
pub use subnet::{AdminUtilsCall, Metagraph, Registration, SubnetInfo};
pub use subxt::utils::{AccountId32, H160, H256};
pub use subxt_signer::sr25519::{Keypair, dev};
pub use subxt_signer::{SecretUri, SecretUriError};
pub use wtao_bridge_types::{Address, Rao};

/// Types, calls, storage and events generated from tao-node's metadata.
#[allow(missing_docs, unreachable_pub, clippy::all)]
#[subxt::subxt(
    runtime_metadata_path = "metadata/tao-node.scale",
    derive_for_all_types = "Clone, PartialEq, Eq"
)]
pub mod api {}

/// Path of the checked-in metadata, relative to this crate's root.
pub const METADATA_PATH: &str = "metadata/tao-node.scale";

/// The metadata the client was generated from (V15, SCALE-encoded `RuntimeMetadataPrefixed`).
pub const METADATA: &[u8] = include_bytes!("../metadata/tao-node.scale");
