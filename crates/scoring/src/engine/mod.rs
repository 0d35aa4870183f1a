//! Tile engines: the code that turns tile jobs into digests, and the choice between them.
//!
//! Every engine computes the same function ([`crate::challenge::prng`] defines it), so the
//! choice changes speed, never a digest. [`select_engine`] picks one from a [`Scorer`]:
//! `auto` tries CUDA and falls back to the CPU with the reason logged; `cpu` and `cuda` insist.

pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
#[cfg(any(test, feature = "test-utils"))]
pub mod reference;

use std::{env, fmt, str::FromStr};

use crate::{
    challenge::{ChallengeParams, TileJob},
    error::EngineError,
};

/// Tracing target of engine selection and engine start-up (`RUST_LOG=scoring=debug`).
pub const LOG_TARGET: &str = "scoring";

/// Environment variable read by [`Scorer::from_env`] (and bound to `--scorer` by the CLI).
pub const SCORER_ENV: &str = "WTAO_SCORER";

/// Computes tile digests.
pub trait TileEngine: Send + Sync {
    /// Short stable name: `reference`, `cpu`, `cuda`.
    fn name(&self) -> &'static str;

    /// One line for logs and benchmark reports (SIMD level, GPU model, …).
    fn description(&self) -> String {
        self.name().to_owned()
    }

    /// The digest of every job, in job order, for the epoch whose B is seeded by `b_seed`.
    ///
    /// This is the batching point: a validator passes every sampled tile of every miner in one
    /// call, a miner a run of consecutive tiles, so the engine can keep B resident and fill the
    /// device.
    fn digests(
        &self,
        params: &ChallengeParams,
        b_seed: u64,
        jobs: &[TileJob],
    ) -> Result<Vec<u64>, EngineError>;
}

impl<E: TileEngine + ?Sized> TileEngine for Box<E> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn description(&self) -> String {
        (**self).description()
    }
    fn digests(
        &self,
        params: &ChallengeParams,
        b_seed: u64,
        jobs: &[TileJob],
    ) -> Result<Vec<u64>, EngineError> {
        (**self).digests(params, b_seed, jobs)
    }
}

/// Which engine to use (`--scorer`, env `WTAO_SCORER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scorer {
    /// CUDA when it starts, the CPU otherwise (the reason is logged).
    #[default]
    Auto,
    /// The CPU engine.
    Cpu,
    /// The CUDA engine; fail when it cannot start.
    Cuda,
}

impl Scorer {
    /// The name as `--scorer` spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Cpu => "cpu",
            Self::Cuda => "cuda",
        }
    }

    /// `WTAO_SCORER`, or [`Scorer::Auto`] when it is unset or empty.
    pub fn from_env() -> Result<Self, EngineError> {
        match env::var(SCORER_ENV) {
            Ok(v) if !v.trim().is_empty() => v.parse(),
            _ => Ok(Self::Auto),
        }
    }
}

impl fmt::Display for Scorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scorer {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Auto, Self::Cpu, Self::Cuda]
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| EngineError::UnknownScorer(s.to_owned()))
    }
}

/// Starts the engine `scorer` asks for, logging which one and why.
pub fn select_engine(scorer: Scorer) -> Result<Box<dyn TileEngine>, EngineError> {
    match scorer {
        Scorer::Cpu => {
            let engine = cpu::CpuEngine::new();
            tracing::info!(target: LOG_TARGET, engine = %engine.description(), "scoring on the CPU (requested)");
            Ok(Box::new(engine))
        }
        Scorer::Cuda => {
            let engine = start_cuda()?;
            tracing::info!(target: LOG_TARGET, engine = %engine.description(), "scoring on CUDA (requested)");
            Ok(engine)
        }
        Scorer::Auto => match start_cuda() {
            Ok(engine) => {
                tracing::info!(target: LOG_TARGET, engine = %engine.description(), "scoring on CUDA (auto)");
                Ok(engine)
            }
            Err(reason) => {
                let engine = cpu::CpuEngine::new();
                tracing::info!(
                    target: LOG_TARGET,
                    engine = %engine.description(),
                    %reason,
                    "scoring on the CPU (auto: CUDA unavailable)"
                );
                Ok(Box::new(engine))
            }
        },
    }
}

#[cfg(feature = "cuda")]
fn start_cuda() -> Result<Box<dyn TileEngine>, EngineError> {
    Ok(Box::new(cuda::CudaEngine::try_new()?))
}

#[cfg(not(feature = "cuda"))]
fn start_cuda() -> Result<Box<dyn TileEngine>, EngineError> {
    Err(EngineError::Unavailable {
        engine: "cuda",
        reason: "this build has no CUDA support (built without the `cuda` feature)".to_owned(),
    })
}

/// Checks what every engine needs before it runs: valid parameters.
pub(crate) fn check_params(params: &ChallengeParams) -> Result<(), EngineError> {
    params.validate().map_err(EngineError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scorer_parses_its_names_and_refuses_others() {
        for s in [Scorer::Auto, Scorer::Cpu, Scorer::Cuda] {
            assert_eq!(s.to_string().parse::<Scorer>().unwrap(), s);
        }
        assert_eq!(" CPU ".parse::<Scorer>().unwrap(), Scorer::Cpu);
        let err = "gpu".parse::<Scorer>().unwrap_err();
        assert_eq!(err.to_string(), "unknown scorer `gpu`; use auto, cpu or cuda");
    }

    #[test]
    fn cuda_is_refused_with_the_reason_when_it_cannot_start() {
        match select_engine(Scorer::Cuda) {
            Ok(engine) => println!("skipped: CUDA starts here ({})", engine.description()),
            Err(e) => {
                assert!(matches!(e, EngineError::Unavailable { engine: "cuda", .. }), "{e:?}");
                assert!(e.to_string().starts_with("the cuda engine is unavailable: "), "{e}");
            }
        }
    }

    #[test]
    fn auto_always_gives_an_engine_and_cpu_is_the_cpu() {
        assert_eq!(select_engine(Scorer::Cpu).unwrap().name(), "cpu");
        let auto = select_engine(Scorer::Auto).unwrap();
        assert!(["cpu", "cuda"].contains(&auto.name()));
    }
}
