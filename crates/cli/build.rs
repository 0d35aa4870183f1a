//! Compiles the relayer's `main.rs` into `wtao` (see `src/multicall.rs`), so `wtao` called as
//! `wtao-relayer` runs exactly the relayer binary's code: the file is copied to `OUT_DIR` with
//! its inner doc comments and inner attributes turned into plain comments, because `include!`
//! accepts outer ones only. When the relayer's library gains a `cli::main`, this goes away.

use std::{fmt::Write as _, path::Path};

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let src = Path::new(&manifest).join("../../relayer/src/main.rs");
    println!("cargo::rerun-if-changed={}", src.display());
    let text = match std::fs::read_to_string(&src) {
        Ok(text) => text,
        Err(e) => panic!("reading the relayer's main at {}: {e}", src.display()),
    };
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(doc) = trimmed.strip_prefix("//!") {
            let _ = writeln!(out, "//{doc}");
        } else if trimmed.starts_with("#![") {
            let _ = writeln!(out, "// (inner attribute of the binary) {trimmed}");
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    let dest = Path::new(&out_dir).join("relayer_main.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("writing {}: {e}", dest.display());
    }
}
