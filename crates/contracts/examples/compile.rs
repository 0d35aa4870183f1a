//! Compiles a Foundry project (default: this repository's `contracts/`) the way the tests do and
//! says how long it took and whether solc ran or the cache answered.
//!
//! ```sh
//! cargo run -p wtao-contracts --example compile [-- <contracts dir>]
//! ```

use std::{path::PathBuf, time::Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root =
        std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(wtao_contracts::default_root);
    let started = Instant::now();
    let artifacts = wtao_contracts::compile(&root)?;
    println!(
        "{}: {} contracts in {:.2?} ({})",
        root.display(),
        artifacts.names().count(),
        started.elapsed(),
        if artifacts.recompiled { "compiled" } else { "all from cache" }
    );
    Ok(())
}
