//! # wtao-devnet
//!
//! The devnet owns the network: [`Devnet::up`] brings up anvil with the contracts, tao-node with
//! a genesis that trusts exactly the deployed relayer set, and N relayers — wired so that both
//! chains and the relayers agree on the relayer set, the threshold and the bridge domain by
//! construction. `wtao devnet up` and the end-to-end tests both go through it.
//!
//! ```text
//!                       ┌──────────────────────── data dir (.wtao-devnet/) ───────────────────┐
//!  Devnet::up ──────────┤ lock · network.json · devnet.json · logs/ · deployment.json         │
//!    │                  └─────────────────────────────────────────────────────────────────────┘
//!    ├─ toolchain    npm ci → forge, anvil, cast
//!    ├─ anvil        ManagedChild  (anvil/state.json: loaded on start, dumped on stop)
//!    ├─ contracts    forge script Deploy → WTAO, TaoBridge proxy, Timelock, Governor
//!    ├─ tao-node     ManagedChild  --chain tao-node/chain-spec.json (bridge = the deployment)
//!    └─ relayers     ManagedChild × N  wtao-relayer run --dev (keys from the environment)
//! ```
//!
//! Modules, each one concern:
//! - [`process`]: the one managed-child type ([`ManagedChild`]): log file + line stream,
//!   readiness with a deadline, exit reported with the log tail, SIGTERM then SIGKILL, restart.
//! - [`toolchain`], [`anvil`], [`deploy`], [`chain_spec`], [`node`], [`relayer`]: one component
//!   each.
//! - [`accounts`]: who is who on both chains; [`layout`]: the data dir's files; [`info`]: what a
//!   devnet writes about itself; [`lock`]: flock; [`http`]: the few HTTP/JSON-RPC calls the
//!   devnet makes itself.
//! - [`devnet`]: the orchestration, and [`status`] / [`down`] for a devnet run by another
//!   process.
//!
//! This crate runs tao-node and wtao-relayer as programs ([`Binaries`]): it does not link them,
//! so their own tests can use it.

pub mod accounts;
pub mod anvil;
pub mod chain_spec;
pub mod deploy;
pub mod devnet;
mod error;
pub mod http;
pub mod info;
pub mod layout;
pub mod lock;
pub mod node;
pub mod process;
pub mod relayer;
pub mod toolchain;

pub use accounts::{DEV_ACCOUNTS, DEV_MNEMONIC, EthAccount, TaoAccount};
pub use anvil::{Anvil, AnvilConfig};
pub use deploy::{DEVNET_MINT_CAPACITY_RAO, DeployConfig, Deployment};
pub use devnet::{
    Binaries, Devnet, DevnetConfig, DevnetStatus, Progress, down, status, stored_shape,
};
pub use error::{DevnetError, Result};
pub use info::{AgentInfo, DEVNET_EVM_CHAIN_ID, DevnetInfo, NetworkShape, Owner, RelayerInfo};
pub use layout::Layout;
pub use node::{TaoNode, TaoNodeConfig};
pub use process::{ChildSpec, ManagedChild, Program};
pub use relayer::{RelayerProcess, RelayerSettings, free_port};
pub use toolchain::Toolchain;

/// The data dir's default location inside a checkout: `<root>/.wtao-devnet`.
pub fn default_data_dir(root: &std::path::Path) -> std::path::PathBuf {
    root.join(".wtao-devnet")
}
