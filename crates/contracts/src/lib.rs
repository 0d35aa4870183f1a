//! The wtao contracts from Rust: compiled, bound, deployed and run in memory.
//!
//! ```text
//!  contracts/{src,test/mocks}/*.sol + OpenZeppelin (node_modules)
//!        │ compile(root)            compile.rs: foundry-compilers → contracts/tools/solc (solc-js),
//!        ▼                          cached in contracts/cache/wtao-contracts/
//!  Artifacts { name → abi, creation code, runtime code }
//!        │ deploy_system(evm, ..)   deploy.rs: deploy_plan, the Deploy.s.sol sequence as data
//!        ▼                          (timelock, wTAO, bridge implementation + proxy, governor,
//!                                   roles), executed here; tests/it/deploy_script.rs checks it
//!                                   against `forge script Deploy` on anvil
//!  Evm (revm, CacheDB<EmptyDB>)     evm.rs: deploy / call / transact → Receipt, clock, accounts
//!        ▲
//!        │ typed calls, events, errors
//!  bindings (sol!)                  bindings.rs: ITaoBridge from wtao-bridge-types, the rest
//!                                   declared and checked against the compiled ABIs
//! ```
//!
//! Used by this crate's tests (deployment, mints of 1 and 100, burn, forged signatures, pause,
//! governance upgrade, shared EIP-712 vectors) and by anything else that needs the contracts
//! without a node: the bindings and [`deploy_system`] are the same ones a devnet deploy uses.
//!
//! Compiling needs `npm ci` to have run at the repository root (solc-js and OpenZeppelin come from
//! `node_modules`); [`compile`] says so when they are missing. The first compile takes about ten
//! seconds on two cores; later ones only check the cache (see [`compile`]'s module notes).
//!
//! revm runs with `std` and `optional_eip3607` only: no C crypto backends (secp256k1, c-kzg,
//! blst) to build, and tests may send transactions "from" a contract, like anvil's impersonation.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

pub mod bindings;
mod compile;
mod deploy;
mod error;
mod evm;

pub use compile::{
    Artifacts, CACHE_DIR, ContractArtifact, EVM_VERSION, EXTRA_SOURCE_DIR, OPENZEPPELIN_DEPLOYED,
    OPTIMIZER_RUNS, REMAPPINGS, artifacts, compile, default_root,
};
pub use deploy::{
    Addresses, DEFAULT_ADMIN_ROLE, DeployConfig, DeployPlan, DeployStep, StepKind, System,
    canceller_role, deploy_plan, deploy_system, executor_role, proposer_role,
};
pub use error::ContractsError;
pub use evm::{
    DEFAULT_CHAIN_ID, EIP7825_TX_GAS_CAP, Evm, GENESIS_TIMESTAMP, Receipt, SPEC, TX_GAS_LIMIT,
};
