//! `wtao scoring bench` without the rest of `wtao`: a small release build to carry to a GPU
//! machine (`gpu/stage.sh`). Same options and output as the command.
//!
//! ```sh
//! cargo run -p wtao-scoring --release --example bench -- --engine both --profile gpu --json
//! ```
//! Options: `--engine cpu|cuda|both` (default cpu), `--profile ci|dev|gpu` (default gpu),
//! `--seconds S` (default 3), `--batch N`, `--no-peak` (skip the AVX2 ceiling), `--baseline`
//! (also the CPU engine without SIMD), `--json`.

use std::{env, process::ExitCode};

use wtao_scoring::{
    ChallengeParams, Profile,
    bench::{BenchEngines, BenchOptions, run},
};

fn main() -> ExitCode {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    match parse(env::args().skip(1)) {
        Ok((opts, json)) => match run(&opts) {
            Ok(report) => {
                if json {
                    println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
                } else {
                    print!("{report}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<(BenchOptions, bool), String> {
    let mut opts = BenchOptions {
        engines: BenchEngines::Cpu,
        params: ChallengeParams::profile(Profile::Gpu),
        min_seconds: 3.0,
        batch: None,
        cpu_peak: true,
        cpu_baseline: false,
    };
    let mut json = false;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--engine" => opts.engines = value()?.parse().map_err(|e| format!("{e}"))?,
            "--profile" => {
                opts.params =
                    ChallengeParams::profile(value()?.parse().map_err(|e| format!("{e}"))?)
            }
            "--seconds" => {
                opts.min_seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--batch" => opts.batch = Some(value()?.parse().map_err(|e| format!("--batch: {e}"))?),
            "--no-peak" => opts.cpu_peak = false,
            "--baseline" => opts.cpu_baseline = true,
            "--json" => json = true,
            other => {
                return Err(format!("unknown option `{other}`; see the example's doc comment"));
            }
        }
    }
    Ok((opts, json))
}
