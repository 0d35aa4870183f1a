//! Integration tests of the `wtao-relayer` binary and library: its commands, its configuration
//! as a user meets it, TLS against real endpoints (anvil and tao-node behind a local TLS
//! proxy with generated certificates), and the EVM quorum and failover against real anvils.

mod cli;
mod quorum;
mod tls;
