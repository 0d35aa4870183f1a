//! `wtao scoring bench|engine`: the subnet task's engines (`wtao-scoring`) on this machine —
//! how fast each computes tiles, and which one `--scorer auto` would pick and why.

mod bench;
mod engine;

use clap::{Args, Subcommand};

use crate::output::Output;

/// Measure and inspect the tile engines.
#[derive(Debug, Args)]
pub(crate) struct ScoringArgs {
    #[command(subcommand)]
    cmd: ScoringCommand,
}

/// Scoring commands.
#[derive(Debug, Subcommand)]
enum ScoringCommand {
    /// Measure the engines' throughput on a challenge profile: tiles/s, TOPS, the time to build
    /// the epoch's B, NVRTC's compile time, the GPU/CPU ratio and the CPU's int8
    /// multiply-accumulate ceiling.
    ///
    /// Example: `wtao scoring bench --engine both --profile gpu --json`. Without a GPU, `both`
    /// measures the CPU and says why CUDA could not start; `cuda` fails instead.
    Bench(bench::BenchArgs),

    /// Say which engine `--scorer` (or WTAO_SCORER) selects on this machine and why: the GPU's
    /// name, compute capability, driver and NVRTC versions, or the reason CUDA is unavailable.
    Engine(engine::EngineArgs),
}

impl ScoringArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        match self.cmd {
            ScoringCommand::Bench(args) => args.run(out),
            ScoringCommand::Engine(args) => args.run(out),
        }
    }
}
