//! The committed vector file must be exactly what this crate generates, and every value in it must
//! recompute. A failure here means the Rust encoding changed (then TaoBridge must change too, and
//! `contracts/test/Vectors.t.sol` will say so) or the file is stale: regenerate it with
//! `cargo run -p wtao-bridge-types --features test-utils --example gen-vectors`.

use std::path::PathBuf;

use wtao_bridge_types::vectors::{GENERATOR, VECTORS_FILE, VectorFile, generate};

fn committed() -> VectorFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(VECTORS_FILE);
    let json = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `{GENERATOR}`", path.display()));
    VectorFile::from_json(&json).unwrap()
}

#[test]
fn committed_vectors_recompute() {
    committed().check().unwrap();
}

#[test]
fn committed_vectors_are_up_to_date() {
    let file = committed();
    let fresh = generate().unwrap();
    // Compare vector by vector first, so a failure names the one that moved.
    for (old, new) in file.vectors.iter().zip(&fresh.vectors) {
        assert_eq!(old, new, "vector {} is stale; run `{GENERATOR}`", old.name);
    }
    assert_eq!(file, fresh, "the vector file is stale; run `{GENERATOR}`");
}
