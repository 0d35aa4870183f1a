//! Integration tests of the `wtao-relayer` binary and library: its commands, its configuration
//! as a user meets it, and TLS against real endpoints (anvil and tao-node behind a local TLS
//! proxy with generated certificates).

mod cli;
mod tls;
