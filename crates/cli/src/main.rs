//! `wtao`: the user's command line. Thin: parsing and printing here, the work in library crates.
//!
//! One executable, several programs (a multi-call binary): called as `tao-node` or
//! `wtao-relayer` (its `argv[0]`), it runs that program's own `main` — the devnet starts
//! [`std::env::current_exe`] under those names, so `cargo run --release -p wtao -- devnet up`
//! builds everything the devnet runs in one cargo invocation. The standalone `tao-node` and
//! `wtao-relayer` binaries stay for operators and tests.
//!
//! ```text
//!  main.rs      argv[0] dispatch, then Cli::parse → cmd::Command::run, errors and exit codes
//!  cli.rs       Cli { global: GlobalArgs, cmd } and the global flags
//!  output.rs    results on stdout (human or the --json envelope), progress on stderr, errors
//!  cmd/         one module per command: devnet/{up,status,logs,down}.rs,
//!               bridge/{to_eth,to_tao,status}.rs, balance.rs, keys.rs; gov and subnet are
//!               added next to them (see cmd/mod.rs)
//!  args/        option groups and parsers shared by commands: amounts, addresses, endpoints,
//!               keys
//!  chain.rs     both chains: tao-client, and the EVM side in chain/evm.rs (alloy)
//!  units.rs     amounts with their units (TAO, ETH, wTAO)
//!  multicall.rs the tao-node / wtao-relayer programs
//! ```

mod args;
mod chain;
mod cli;
mod cmd;
mod multicall;
mod output;
mod units;

use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(code) = multicall::dispatch() {
        return code;
    }
    cli::run()
}
