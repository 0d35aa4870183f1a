//! Drives `wtao_scoring::bench::run` until `wtao scoring bench` exists.
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
    bench::{BenchEngines, BenchOptions, BenchReport, run},
};

fn main() -> ExitCode {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    match parse(env::args().skip(1)) {
        Ok((opts, json)) => match run(&opts) {
            Ok(report) => {
                if json {
                    println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
                } else {
                    print_text(&report);
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

fn print_text(r: &BenchReport) {
    let p = &r.params;
    println!(
        "task {}: k={} n={} R={} ({:.3} GOP per tile)",
        r.task,
        p.k,
        p.n,
        p.rows_per_tile,
        r.ops_per_tile as f64 / 1e9
    );
    for e in [&r.cpu, &r.cpu_baseline, &r.cuda].into_iter().flatten() {
        println!(
            "{:>5}: {:>12.2} tiles/s {:>9.4} TOPS  ({} tiles in {:.2} s, batch {}, B prepared in {:.1} ms{})  {}",
            e.engine,
            e.tiles_per_s,
            e.tops,
            e.tiles,
            e.seconds,
            e.batch,
            e.prepare_ms,
            e.nvrtc_compile_ms.map(|ms| format!(", NVRTC {ms:.1} ms")).unwrap_or_default(),
            e.description
        );
        if let Some(g) = e.gmac_per_cpu_s {
            println!("       {g:.1} GMAC per CPU-second");
        }
    }
    if let Some(reason) = &r.cuda_unavailable {
        println!(" cuda: not measured: {reason}");
    }
    if let Some(ratio) = r.gpu_cpu_ratio {
        println!("GPU/CPU: {ratio:.1}×");
    }
    if let Some(peak) = &r.cpu_peak {
        println!(
            "CPU ceiling ({} threads): exact vpmaddwd {:.1} GMAC/s ({:.1} per CPU-s), u8·i8 vpmaddubsw {:.1} GMAC/s ({:.1} per CPU-s)",
            peak.threads,
            peak.exact_gmac_per_s,
            peak.exact_gmac_per_cpu_s,
            peak.u8i8_gmac_per_s,
            peak.u8i8_gmac_per_cpu_s
        );
    }
    if let Some(f) = r.cpu_fraction_of_exact_peak {
        println!("CPU engine at {:.0}% of the exact ceiling ({:.2}× below it)", f * 100.0, 1.0 / f);
    }
}
