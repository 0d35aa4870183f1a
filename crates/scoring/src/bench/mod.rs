//! Throughput of the engines on a profile: the library side of
//! `wtao scoring bench --engine cpu|cuda|both --profile gpu --json` (and of the light `bench`
//! example, which `gpu/stage.sh` builds for GPU machines without building all of `wtao`).
//!
//! Each engine first builds the epoch's B (timed separately as `prepare_ms`), computes one
//! warm-up batch, then computes batches of consecutive tiles of one miner until `min_seconds`
//! have passed. Operations count a multiply-accumulate as two (2·R·K·N per tile); TOPS is 10^12
//! of those per second.

mod cpu_peak;

/// CPU time used by the whole process so far, in seconds (`None` where it cannot be read).
fn cpu_time() -> Option<f64> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
        (rc == 0).then_some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
    }
    #[cfg(not(unix))]
    None
}

use std::{fmt, str::FromStr, time::Instant};

use serde::Serialize;

pub use self::cpu_peak::{CpuPeak, measure as measure_cpu_peak};
use crate::{
    challenge::{BlockHash, Challenge, ChallengeParams, Hotkey},
    engine::{TileEngine, cpu::CpuEngine},
    error::EngineError,
};

/// Which engines to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BenchEngines {
    /// The CPU engine only.
    Cpu,
    /// The CUDA engine only (fails when it cannot start).
    Cuda,
    /// Both, and their ratio; CUDA being unavailable is reported, not an error.
    Both,
}

impl fmt::Display for BenchEngines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cpu => "cpu",
            Self::Cuda => "cuda",
            Self::Both => "both",
        })
    }
}

impl FromStr for BenchEngines {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cpu" => Ok(Self::Cpu),
            "cuda" => Ok(Self::Cuda),
            "both" => Ok(Self::Both),
            _ => Err(EngineError::UnknownBenchEngines(s.to_owned())),
        }
    }
}

/// What to measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchOptions {
    /// Engines.
    pub engines: BenchEngines,
    /// Challenge parameters (usually a profile's).
    pub params: ChallengeParams,
    /// Minimum measured time per engine, in seconds.
    pub min_seconds: f64,
    /// Tiles per engine call; `None` picks per engine (2 per CPU thread; about 2^42 operations
    /// per call on CUDA).
    pub batch: Option<u64>,
    /// Also measure the CPU's multiply-accumulate ceiling ([`CpuPeak`]) and report the CPU
    /// engine against it.
    pub cpu_peak: bool,
    /// Also measure the CPU engine with its portable (non-SIMD) micro-kernel.
    pub cpu_baseline: bool,
}

/// One engine's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngineBench {
    /// Engine name.
    pub engine: String,
    /// Engine description (SIMD level, GPU model, versions).
    pub description: String,
    /// Tiles per engine call.
    pub batch: u64,
    /// Tiles measured.
    pub tiles: u64,
    /// Measured time, seconds.
    pub seconds: f64,
    /// Tiles per second.
    pub tiles_per_s: f64,
    /// 10^12 operations per second (2·R·K·N per tile).
    pub tops: f64,
    /// Time to build the epoch's B before the first tile, milliseconds.
    pub prepare_ms: f64,
    /// NVRTC compile time at engine start, milliseconds (CUDA only).
    pub nvrtc_compile_ms: Option<f64>,
    /// 10^9 multiply-accumulates per CPU-second of this process (CPU engine only; see
    /// [`CpuPeak`] for why per CPU-second).
    pub gmac_per_cpu_s: Option<f64>,
}

/// The benchmark's report (the `data` of `wtao scoring bench --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// The task tag.
    pub task: &'static str,
    /// Parameters measured.
    pub params: ChallengeParams,
    /// Operations per tile (2·R·K·N).
    pub ops_per_tile: u64,
    /// The CPU engine, when measured.
    pub cpu: Option<EngineBench>,
    /// The CPU engine with the portable micro-kernel, when asked for.
    pub cpu_baseline: Option<EngineBench>,
    /// The CUDA engine, when measured and available.
    pub cuda: Option<EngineBench>,
    /// Why CUDA was not measured, when it was asked for but could not start.
    pub cuda_unavailable: Option<String>,
    /// CUDA tiles/s over CPU tiles/s, when both were measured.
    pub gpu_cpu_ratio: Option<f64>,
    /// The CPU's multiply-accumulate ceiling, when asked for and AVX2 is present.
    pub cpu_peak: Option<CpuPeak>,
    /// The CPU engine's multiply-accumulates per CPU-second over the exact AVX2 ceiling's
    /// (1.0 = at the ceiling; the target is at least 0.5, "within 2×").
    pub cpu_fraction_of_exact_peak: Option<f64>,
}

/// The human report `wtao scoring bench` prints: one line per engine, then the ratio and the
/// CPU ceiling. Every rate carries its unit.
impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.params;
        let ops = self.ops_per_tile as f64;
        let per_tile = if ops >= 1e9 {
            format!("{:.3} GOP", ops / 1e9)
        } else {
            format!("{:.3} MOP", ops / 1e6)
        };
        writeln!(
            f,
            "task {}: K={} N={} R={} ({per_tile} per tile)",
            self.task, p.k, p.n, p.rows_per_tile
        )?;
        for e in [&self.cpu, &self.cpu_baseline, &self.cuda].into_iter().flatten() {
            let nvrtc = e
                .nvrtc_compile_ms
                .map(|ms| format!(", NVRTC compile {ms:.1} ms"))
                .unwrap_or_default();
            writeln!(
                f,
                "{:>5}: {:>12.2} tiles/s {:>9.4} TOPS  ({} tiles in {:.2} s, batch {}, B built in {:.1} ms{nvrtc})  {}",
                e.engine,
                e.tiles_per_s,
                e.tops,
                e.tiles,
                e.seconds,
                e.batch,
                e.prepare_ms,
                e.description
            )?;
            if let Some(g) = e.gmac_per_cpu_s {
                writeln!(f, "       {g:.1} GMAC per CPU-second")?;
            }
        }
        if let Some(reason) = &self.cuda_unavailable {
            writeln!(f, " cuda: not measured: {reason}")?;
        }
        if let Some(ratio) = self.gpu_cpu_ratio {
            writeln!(f, "GPU/CPU: {ratio:.1}× (tiles/s)")?;
        }
        if let Some(peak) = &self.cpu_peak {
            writeln!(
                f,
                "CPU ceiling ({} threads): exact vpmaddwd {:.1} GMAC/s ({:.1} per CPU-s), u8·i8 vpmaddubsw {:.1} GMAC/s ({:.1} per CPU-s)",
                peak.threads,
                peak.exact_gmac_per_s,
                peak.exact_gmac_per_cpu_s,
                peak.u8i8_gmac_per_s,
                peak.u8i8_gmac_per_cpu_s
            )?;
        }
        if let Some(frac) = self.cpu_fraction_of_exact_peak {
            writeln!(
                f,
                "CPU engine at {:.0}% of the exact ceiling ({:.2}× below it; target: within 2×)",
                frac * 100.0,
                1.0 / frac
            )?;
        }
        Ok(())
    }
}

/// Runs the benchmark.
pub fn run(opts: &BenchOptions) -> Result<BenchReport, EngineError> {
    opts.params.validate()?;
    let challenge = Challenge::new(opts.params, 0, BlockHash([0x5a; 32]))?;
    let hotkey = Hotkey([0xa5; 32]);
    let cpu_bench = |engine: CpuEngine| {
        let batch =
            opts.batch.unwrap_or_else(|| (rayon::current_num_threads() as u64).saturating_mul(2));
        let started = Instant::now();
        engine.prepare(&opts.params, challenge.b_seed())?;
        let prepare_ms = started.elapsed().as_secs_f64() * 1e3;
        measure(&engine, &challenge, &hotkey, batch, opts.min_seconds, prepare_ms, None)
    };
    let with_cpu = matches!(opts.engines, BenchEngines::Cpu | BenchEngines::Both);
    let cpu = if with_cpu { Some(cpu_bench(CpuEngine::new())?) } else { None };
    let cpu_baseline =
        if with_cpu && opts.cpu_baseline { Some(cpu_bench(CpuEngine::baseline())?) } else { None };
    let (cuda, cuda_unavailable) = match opts.engines {
        BenchEngines::Cuda | BenchEngines::Both => match cuda_bench(opts, &challenge, &hotkey) {
            Ok(bench) => (Some(bench), None),
            Err(e @ EngineError::Unavailable { .. }) if opts.engines == BenchEngines::Both => {
                (None, Some(e.to_string()))
            }
            Err(e) => return Err(e),
        },
        BenchEngines::Cpu => (None, None),
    };
    let gpu_cpu_ratio = match (&cpu, &cuda) {
        (Some(c), Some(g)) if c.tiles_per_s > 0.0 => Some(g.tiles_per_s / c.tiles_per_s),
        _ => None,
    };
    let peak_seconds = opts.min_seconds.clamp(0.05, 1.0);
    let cpu_peak =
        if opts.cpu_peak && cpu.is_some() { measure_cpu_peak(peak_seconds) } else { None };
    let cpu_fraction_of_exact_peak = match (&cpu, &cpu_peak) {
        (Some(EngineBench { gmac_per_cpu_s: Some(engine), .. }), Some(p))
            if p.exact_gmac_per_cpu_s > 0.0 =>
        {
            Some(engine / p.exact_gmac_per_cpu_s)
        }
        _ => None,
    };
    Ok(BenchReport {
        task: crate::challenge::TASK_TAG,
        params: opts.params,
        ops_per_tile: opts.params.ops_per_tile(),
        cpu,
        cpu_baseline,
        cuda,
        cuda_unavailable,
        gpu_cpu_ratio,
        cpu_peak,
        cpu_fraction_of_exact_peak,
    })
}

#[cfg(feature = "cuda")]
fn cuda_bench(
    opts: &BenchOptions,
    challenge: &Challenge,
    hotkey: &Hotkey,
) -> Result<EngineBench, EngineError> {
    let engine = crate::engine::cuda::CudaEngine::try_new()?;
    let batch = opts.batch.unwrap_or_else(|| {
        (1u64 << 42).checked_div(opts.params.ops_per_tile()).unwrap_or(1).clamp(1, 65_535)
    });
    let started = Instant::now();
    engine.prepare(&opts.params, challenge.b_seed())?;
    let prepare_ms = started.elapsed().as_secs_f64() * 1e3;
    let compile = Some(engine.info().nvrtc_compile_ms);
    measure(&engine, challenge, hotkey, batch, opts.min_seconds, prepare_ms, compile)
}

#[cfg(not(feature = "cuda"))]
fn cuda_bench(
    _opts: &BenchOptions,
    _challenge: &Challenge,
    _hotkey: &Hotkey,
) -> Result<EngineBench, EngineError> {
    Err(EngineError::Unavailable {
        engine: "cuda",
        reason: "this build has no CUDA support (built without the `cuda` feature)".to_owned(),
    })
}

fn measure(
    engine: &dyn TileEngine,
    challenge: &Challenge,
    hotkey: &Hotkey,
    batch: u64,
    min_seconds: f64,
    prepare_ms: f64,
    nvrtc_compile_ms: Option<f64>,
) -> Result<EngineBench, EngineError> {
    let batch = batch.max(1);
    let seeds = challenge.miner(hotkey);
    let params = challenge.params();
    let mut next_tile = 0u64;
    let mut run_batch = || {
        let jobs: Vec<_> =
            (next_tile..next_tile.saturating_add(batch)).map(|t| seeds.job(t)).collect();
        next_tile = next_tile.saturating_add(batch);
        engine.digests(params, challenge.b_seed(), &jobs).map(drop)
    };
    run_batch()?; // warm-up: caches, JIT, clocks
    let (started, cpu0) = (Instant::now(), cpu_time());
    let mut tiles = 0u64;
    while tiles == 0 || started.elapsed().as_secs_f64() < min_seconds {
        run_batch()?;
        tiles = tiles.saturating_add(batch);
    }
    let seconds = started.elapsed().as_secs_f64();
    let tiles_per_s = tiles as f64 / seconds;
    let gmac_per_cpu_s = match (engine.name(), cpu0, cpu_time()) {
        ("cpu", Some(a), Some(b)) if b > a => {
            Some(tiles as f64 * params.macs_per_tile() as f64 / (b - a) / 1e9)
        }
        _ => None,
    };
    Ok(EngineBench {
        engine: engine.name().to_owned(),
        description: engine.description(),
        batch,
        tiles,
        seconds,
        tiles_per_s,
        tops: tiles_per_s * params.ops_per_tile() as f64 / 1e12,
        prepare_ms,
        nvrtc_compile_ms,
        gmac_per_cpu_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::Profile;

    #[test]
    fn engine_choice_parses_and_refuses_others() {
        assert_eq!("Both".parse::<BenchEngines>().unwrap(), BenchEngines::Both);
        assert_eq!(
            BenchEngines::Cuda.to_string().parse::<BenchEngines>().unwrap(),
            BenchEngines::Cuda
        );
        let err = "gpu".parse::<BenchEngines>().unwrap_err().to_string();
        assert_eq!(err, "unknown benchmark engine `gpu`; use cpu, cuda or both");
    }

    #[test]
    fn cpu_bench_reports_rates_consistent_with_its_counts() {
        let params = ChallengeParams::profile(Profile::Ci);
        let opts = BenchOptions {
            engines: BenchEngines::Both,
            params,
            min_seconds: 0.02,
            batch: Some(8),
            cpu_peak: true,
            cpu_baseline: true,
        };
        let report = run(&opts).unwrap();
        let cpu = report.cpu.as_ref().unwrap();
        assert_eq!(cpu.engine, "cpu");
        assert!(cpu.tiles >= 8 && cpu.tiles.is_multiple_of(8), "{cpu:?}");
        let tops = cpu.tiles as f64 * params.ops_per_tile() as f64 / cpu.seconds / 1e12;
        assert!((cpu.tops - tops).abs() <= 1e-9 * tops.max(1.0), "{cpu:?}");
        assert!(report.cpu_baseline.as_ref().unwrap().description.contains("baseline"));
        // Without a GPU, `both` reports why CUDA is missing instead of failing.
        assert!(report.cuda.is_some() || report.cuda_unavailable.is_some());
        assert_eq!(report.gpu_cpu_ratio.is_some(), report.cuda.is_some());
        if let Some(peak) = &report.cpu_peak {
            assert!(peak.exact_gmac_per_cpu_s > 0.0 && peak.u8i8_gmac_per_cpu_s > 0.0, "{peak:?}");
            assert!(report.cpu_fraction_of_exact_peak.is_some());
        }
        let text = report.to_string();
        assert!(text.contains("tiles/s") && text.contains("TOPS"), "{text}");
        assert_eq!(text.contains("GPU/CPU"), report.gpu_cpu_ratio.is_some(), "{text}");
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["params"]["k"], 64);
    }
}
