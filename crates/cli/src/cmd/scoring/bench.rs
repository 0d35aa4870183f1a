//! `wtao scoring bench`: `wtao_scoring::bench::run` with its report as text or JSON.

use clap::Args;
use eyre::WrapErr;
use wtao_scoring::{
    ChallengeParams, Profile,
    bench::{BenchEngines, BenchOptions},
};

use crate::{args::parsed, output::Output};

/// Options of `wtao scoring bench`.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Engines to measure: cpu, cuda, or both (and their ratio).
    #[arg(long, value_name = "ENGINE", default_value = "both", value_parser = parsed::<BenchEngines>)]
    engine: BenchEngines,

    /// Challenge profile: ci (K=N=64, R=4), dev (K=N=1024, R=64) or gpu (K=N=4096, R=128: the
    /// one the targets are stated for).
    #[arg(long, value_name = "PROFILE", default_value = "gpu", value_parser = parsed::<Profile>)]
    profile: Profile,

    /// Seconds to measure each engine for, at least (after one warm-up batch).
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0, value_parser = parse_seconds)]
    seconds: f64,

    /// Tiles per engine call (default: 2 per CPU thread; about 2^42 operations per CUDA call).
    #[arg(long, value_name = "TILES", value_parser = clap::value_parser!(u64).range(1..))]
    batch: Option<u64>,

    /// Skip measuring the CPU's AVX2 multiply-accumulate ceiling.
    #[arg(long)]
    no_peak: bool,

    /// Also measure the CPU engine with its portable (non-SIMD) kernel.
    #[arg(long)]
    baseline: bool,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds between 0 and 3600")),
    }
}

impl BenchArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let opts = BenchOptions {
            engines: self.engine,
            params: ChallengeParams::profile(self.profile),
            min_seconds: self.seconds,
            batch: self.batch,
            cpu_peak: !self.no_peak,
            cpu_baseline: self.baseline,
        };
        out.progress(&format!(
            "measuring {} on the {} profile, {} s per engine …",
            match self.engine {
                BenchEngines::Both => "the cpu and cuda engines",
                BenchEngines::Cpu => "the cpu engine",
                BenchEngines::Cuda => "the cuda engine",
            },
            self.profile,
            self.seconds
        ));
        let report = wtao_scoring::bench::run(&opts).wrap_err("the benchmark failed")?;
        // The text report says it in its own line; the JSON envelope gets it as a warning too.
        if let (true, Some(reason)) = (out.json(), &report.cuda_unavailable) {
            out.warn(format!("cuda not measured: {reason}"));
        }
        out.success(&report, &report.to_string());
        Ok(())
    }
}
