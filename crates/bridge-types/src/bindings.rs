//! The `ITaoBridge` bindings: every struct, event, error and call of
//! `contracts/src/interfaces/ITaoBridge.sol`, generated from that file by alloy's `sol!` at compile
//! time. This is the only place in the workspace that binds the interface; the node, the relayer,
//! tao-client, the CLI, `wtao-contracts` and the tests all name these types.
//!
//! Why the `.sol` file and not a committed ABI JSON: the interface *is* the source the contract
//! implements (`TaoBridge is ITaoBridge`), the macro needs neither forge nor a build step, and a
//! JSON copy would be a second source that must be kept equal by a test. The other direction —
//! that the compiled `TaoBridge` really has these selectors, topics and errors — is checked by
//! `wtao-contracts` (`tests/it/abi.rs`) against solc's output.
//!
//! With the `rpc` feature the macro also generates `ITaoBridge::ITaoBridgeInstance` (typed calls
//! through an alloy provider); without it only alloy-sol-types is linked, so the node does not pull
//! in the provider stack. The feature adds the instance only: every other type is the same.

#![allow(missing_docs)] // the Solidity NatSpec documents the items; see the .sol file.

#[cfg(feature = "rpc")]
alloy::sol!(
    #[sol(rpc, all_derives)]
    "../../contracts/src/interfaces/ITaoBridge.sol"
);

#[cfg(not(feature = "rpc"))]
alloy_sol_types::sol!(
    #[sol(all_derives)]
    "../../contracts/src/interfaces/ITaoBridge.sol"
);
