//! # wtao-subnet-agents
//!
//! The GPU-scored subnet's two programs as library code: the **miner** (compute tiles, commit,
//! serve proofs) and the **validator** (sample, fetch proofs, recompute in one batched engine
//! call, set weights), the HTTP proof protocol between them, and the epoch schedule both derive
//! from the chain. `wtao miner run` and `wtao validator run` are thin wrappers around
//! [`run_miner`] and [`run_validator`]; the task itself (challenges, engines, Merkle trees,
//! scores, weights) is `wtao-scoring`.
//!
//! ```text
//!             tao-node                               (block numbers of one epoch, tempo T)
//!   start ─────┬───────── deadline = start+⌊T/2⌋ ── sample = deadline+1 ───── start+T (Yuma)
//!   hash(start) seeds the challenge    │                 hash(sample) picks the tiles
//!                                      │
//!  miner   compute tiles 0.. ─► commit_raw(Commitment{epoch: start, root, tiles}) ≤ deadline
//!          serve_axon(ip, port) once; ProofServer: GET /proofs?epoch=start&tiles=…
//!                                                        │
//!  validator  after `sample`: CommitmentOf (read at `sample`, included ≤ deadline) + Axons
//!             ─► fetch_proofs per miner (timeout: 0) ─► score_epoch (one engine call)
//!             ─► weights_for (u16 as the SDK) ─► set_weights(version key) before start+T
//! ```
//!
//! **Epochs** ([`schedule`]): a task epoch is the window opened by the chain's epoch block
//! (`LastEpochBlock`), numbered by that block, so commitments, challenges and Yuma's epochs line
//! up. **Commitments** are one `Raw49` field of `Commitments.set_commitment` holding
//! [`wtao_scoring::Commitment::to_bytes`]: the bittensor SDK's metagraph shows it as `0x` + 98
//! hex digits. **Axons** are `serve_axon(ip, port, protocol 4)`; the chain refuses 127.0.0.1, so
//! a one-machine devnet listens and announces on 127.0.0.2.
//!
//! **Cheating earns nothing**: a copied or stale commitment names the wrong epoch, a late one
//! does not count, an over-claim ([`Mode::Lazy`]) or a wrong digest ([`Mode::Lying`]) fails the
//! sampled recomputation, a miner that does not answer in time has no proofs: all score 0.
//!
//! **Restarts**: both loops run under [`reconnect::run_connected`]: a failed chain call drops the
//! connection, reports [`Event::Disconnected`] once, retries with backoff, and reports
//! [`Event::Reconnected`]; the proof server keeps serving throughout, and an epoch already
//! committed or scored is not repeated.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::panic
    )
)]

mod error;
pub mod events;
pub mod miner;
pub mod proofs;
pub mod reconnect;
pub mod schedule;
pub mod validator;
pub mod work;

pub use error::{AgentError, FetchError};
pub use events::{Event, EventSink};
pub use miner::{MinerConfig, run_miner};
pub use proofs::{ProofServer, ProofStore, fetch_proofs};
pub use schedule::Window;
pub use validator::{Neuron, ValidatorConfig, run_validator, score_window};
pub use work::{Mode, ServedWork};

/// Tracing target of the agents (`RUST_LOG=subnet_agents=debug`).
pub const LOG_TARGET: &str = "subnet_agents";
