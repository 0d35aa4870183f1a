//! Runs a Yuma test-vector file against this crate.
//!
//! ```text
//! cargo run -p yuma --release --example vectors -- <file.json> [--assertions-only] [--cross-check] [--verbose]
//! ```
//!
//! `--assertions-only` checks only upstream assertions and expected values (not the harness's
//! exact reference outputs); `--cross-check` also runs every sparse epoch through the literal
//! transcription `epoch_reference` and requires identical results.
//!
//! Prints one line per failing case and ends with `N passed, M failed`; the exit status is 1 when
//! any case fails and 2 when the file cannot be run.

use std::path::PathBuf;
use std::process::ExitCode;

use yuma::vectors::{Options, run_file};

fn main() -> ExitCode {
    let mut path: Option<PathBuf> = None;
    let mut options = Options::default();
    let mut verbose = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--assertions-only" => options.assertions_only = true,
            "--cross-check" => options.cross_check_reference = true,
            "--verbose" | "-v" => verbose = true,
            "-h" | "--help" => {
                println!(
                    "usage: vectors <file.json> [--assertions-only] [--cross-check] [--verbose]"
                );
                return ExitCode::SUCCESS;
            }
            _ if path.is_none() => path = Some(PathBuf::from(arg)),
            _ => {
                eprintln!(
                    "unexpected argument `{arg}`; usage: vectors <file.json> [--assertions-only]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(path) = path else {
        eprintln!("usage: vectors <file.json> [--assertions-only] [--cross-check] [--verbose]");
        return ExitCode::from(2);
    };
    let report = match run_file(&path, options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for case in report.failures() {
        let first = case.failures.first().map_or("", String::as_str);
        let more = case.failures.len().saturating_sub(1);
        if verbose {
            println!("FAIL {}:", case.id);
            for f in &case.failures {
                println!("    {f}");
            }
        } else if more > 0 {
            println!("FAIL {}: {first} (+{more} more)", case.id);
        } else {
            println!("FAIL {}: {first}", case.id);
        }
    }
    println!("{} passed, {} failed", report.passed(), report.failed());
    if report.failed() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
