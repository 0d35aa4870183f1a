//! # wtao-relayer
//!
//! One of the N independent relayers of the wTAO bridge (DESIGN §5, §6). It holds a secp256k1
//! key (signs mint batches, sends `TaoBridge.mint`) and an sr25519 key (attests and approves
//! releases on tao-node), and its own sled database.
//!
//! ```text
//!  config.rs   relayer.toml, then WTAO_RELAYER_* variables, then flags; typed, validated
//!  secret.rs   Secret: a password that is never printed and is zeroed on drop
//!  keys.rs     encrypted keystore (eth.json, tao.json), its password; dev keys only with --dev
//!  tls.rs      one rustls (ring) client config for https:// and wss://: system roots + ca_file
//!  rpc.rs      the EVM JSON-RPC transport: hyper + rustls under alloy's provider; failover
//!  failover.rs several endpoints per chain: which one is in use, when to switch (both chains)
//!  quorum.rs   k of the EVM providers must report a burn's block hash and log to approve it
//!  store.rs    write-ahead state: cursors, batches, burns, the stage queues with each item's
//!              attempt state, finished/failed indexes (one atomic, flushed commit per step)
//!  pipeline/   the stages' queues, backoff, error classification, attest and approve stages
//!  eth.rs      TaoBridge reads, Burned logs, locally signed mint transactions (alloy)
//!  relayer.rs  the tasks: tao_watch, attest, mint, eth_watch, approve, prune
//!  metrics.rs  Prometheus /metrics, /health, /status
//!  crash.rs    crash points for the end-to-end tests (--dev only)
//! ```
//!
//! Safety does not rest on the relayer: TaoBridge refuses a used nonce and needs `threshold`
//! distinct signatures; tao-node refuses a second attestation or approval from one relayer and
//! releases a burn once. The relayer's own job is liveness without waste — never lose a lock or a
//! burn across crashes, reorgs and outages, and not spend gas on mints that cannot succeed.

pub mod config;
pub mod crash;
pub mod error;
pub mod eth;
pub mod failover;
pub mod keys;
pub mod metrics;
pub mod pipeline;
pub mod quorum;
pub mod relayer;
pub mod rpc;
pub mod secret;
pub mod store;
pub mod tls;

pub use config::RelayerConfig;
pub use error::RelayerError;
pub use keys::RelayerKeys;
pub use relayer::Relayer;
