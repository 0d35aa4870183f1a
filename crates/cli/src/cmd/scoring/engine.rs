//! `wtao scoring engine`: which engine a `--scorer` choice starts here, and why.

use clap::Args;
use serde_json::json;
use wtao_scoring::{EngineError, Scorer, engine::SCORER_ENV, select_engine};

use crate::output::Output;

/// Options of `wtao scoring engine`.
#[derive(Debug, Args)]
pub(crate) struct EngineArgs {
    /// The choice to try: auto (CUDA when it starts, else the CPU), cpu, or cuda (fails without
    /// a usable GPU).
    #[arg(long, value_name = "SCORER", env = SCORER_ENV, default_value = "auto", value_parser = parse_scorer)]
    scorer: Scorer,
}

fn parse_scorer(s: &str) -> Result<Scorer, String> {
    s.parse().map_err(|e| format!("{e}"))
}

impl EngineArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        // What CUDA says when it cannot start, for `auto`'s "why" (select_engine logs it too).
        let cuda = match self.scorer {
            Scorer::Cpu => None,
            _ => Some(select_engine(Scorer::Cuda).map(|e| e.description())),
        };
        let engine = select_engine(self.scorer)?;
        let why = match (&cuda, engine.name()) {
            (None, _) => "requested with --scorer cpu".to_owned(),
            (Some(Err(EngineError::Unavailable { reason, .. })), "cpu") => {
                format!("CUDA unavailable: {reason}")
            }
            (Some(Err(e)), "cpu") => format!("CUDA unavailable: {e}"),
            (Some(_), "cuda") if self.scorer == Scorer::Cuda => {
                "requested with --scorer cuda".into()
            }
            (Some(_), _) => "CUDA started".to_owned(),
        };
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
