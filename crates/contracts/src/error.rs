//! Errors of this crate.

use std::{convert::Infallible, path::PathBuf};

use alloy_primitives::{Address, Bytes};
use foundry_compilers::error::SolcError;
use revm::context::result::{EVMError, HaltReason};

/// What went wrong compiling the contracts or running them in the in-memory EVM.
#[derive(Debug, thiserror::Error)]
pub enum ContractsError {
    /// The npm toolchain is missing.
    #[error("{} not found: run `npm ci` in the repository root (it installs solc-js and OpenZeppelin)", missing.display())]
    Toolchain {
        /// The first file that is missing.
        missing: PathBuf,
    },
    /// A remapping of `foundry.toml` did not parse.
    #[error("remapping {remapping:?}: {reason}")]
    Remapping {
        /// The remapping.
        remapping: String,
        /// Why it did not parse.
        reason: String,
    },
    /// The solc shim could not be run, or foundry-compilers failed around it (cache, artifacts).
    #[error("compiling with {}: {source}", path.display())]
    Solc {
        /// The solc shim.
        path: PathBuf,
        /// What failed (boxed: it is large, and every `Result` of this crate carries it).
        #[source]
        source: Box<SolcError>,
    },
    /// The npm `solc` package does not say which version it is.
    #[error("cannot tell the solc-js version ({reason}); run `npm ci` in the repository root")]
    SolcVersion {
        /// What was found, if anything.
        version: String,
        /// Why it is unusable.
        reason: String,
    },
    /// solc reported errors.
    #[error("solc reported errors:\n{errors}")]
    Compile {
        /// solc's messages, one per line.
        errors: String,
    },
    /// File system error on the cache or the sources.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// No compiled contract has this name.
    #[error(
        "no compiled contract named {name}; sources are contracts/src and contracts/test/mocks"
    )]
    MissingArtifact {
        /// The name asked for.
        name: String,
    },
    /// Two sources define a contract with this name.
    #[error("contract name {name} is defined in several sources: {sources:?}")]
    AmbiguousArtifact {
        /// The name asked for.
        name: String,
        /// The sources that define it.
        sources: Vec<PathBuf>,
    },
    /// The contract is an interface or abstract: there is nothing to deploy.
    #[error("{name} has no creation code (interface or abstract contract)")]
    NoBytecode {
        /// The contract.
        name: String,
    },
    /// revm refused the transaction itself (nonce, gas, balance): a harness bug, not a revert.
    #[error("invalid transaction: {0}")]
    Transaction(#[from] EVMError<Infallible>),
    /// The call reverted.
    #[error("call to {to:?} reverted: {reason}")]
    Reverted {
        /// The callee (`None` for a deployment).
        to: Option<Address>,
        /// The revert data, decoded where a known error matches.
        reason: String,
        /// The raw revert data.
        output: Bytes,
    },
    /// The call ran out of gas or hit an invalid opcode.
    #[error("call to {to:?} halted: {reason:?}")]
    Halted {
        /// The callee (`None` for a deployment).
        to: Option<Address>,
        /// Why.
        reason: HaltReason,
    },
    /// Return data did not decode as the expected type.
    #[error("return data does not decode: {0}")]
    Decode(#[from] alloy_sol_types::Error),
    /// A deployment did not land where the wiring predicted (the deployer's nonce moved).
    #[error("{what} deployed at {actual}, expected {expected}")]
    UnexpectedAddress {
        /// Which contract.
        what: &'static str,
        /// Where it was expected.
        expected: Address,
        /// Where it is.
        actual: Address,
    },
}
