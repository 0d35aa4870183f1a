//! Integration tests of wtao-contracts: compile `contracts/`, then run the system in revm.
//! `cargo test -p wtao-contracts -- --nocapture` prints the gas of every step.

mod abi;
mod bridge;
mod compile;
mod deploy_script;
mod fixture;
mod governance;
mod node_bridge;
mod vectors;
