//! Writes `contracts/test/vectors/mint_batches.json`, the EIP-712 test vectors that the Rust tests
//! and `contracts/test/Vectors.t.sol` both check. Deterministic: running it twice changes nothing.
//!
//! ```sh
//! cargo run -p wtao-bridge-types --features test-utils --example gen-vectors
//! ```

use std::path::PathBuf;

use wtao_bridge_types::vectors::{VECTORS_FILE, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(VECTORS_FILE);
    let json = generate()?.to_json()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, json)?;
    println!("wrote {}", path.display());
    Ok(())
}
