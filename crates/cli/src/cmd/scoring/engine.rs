//! `wtao scoring engine`: which engine a `--scorer` choice starts here, and why.

use clap::Args;
use serde_json::json;
use wtao_scoring::{Scorer, Selected, choose_engine, engine::SCORER_ENV};

use crate::{args::parsed, output::Output};

/// Options of `wtao scoring engine`.
#[derive(Debug, Args)]
pub(crate) struct EngineArgs {
    /// The choice to try: auto (CUDA when it starts, else the CPU), cpu, or cuda (fails without
    /// a usable GPU).
    #[arg(long, value_name = "SCORER", env = SCORER_ENV, default_value = "auto", value_parser = parsed::<Scorer>)]
    scorer: Scorer,
}

impl EngineArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let Selected { engine, why } = choose_engine(self.scorer)?;
        out.success(
            json!({
                "scorer": self.scorer.name(),
                "engine": engine.name(),
                "description": engine.description(),
                "why": why,
            }),
            &format!(
                "--scorer {} → {}: {}\n  {why}",
                self.scorer,
                engine.name(),
                engine.description()
            ),
        );
        Ok(())
    }
}
