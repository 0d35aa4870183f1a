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

/// An engine and why it is the one: what `--scorer` asked for, or for `auto` whether CUDA
/// started or the reason it could not.
pub struct Selected {
    /// The engine.
    pub engine: Box<dyn TileEngine>,
    /// One line for the user: `requested with --scorer cpu`, `auto: CUDA started`,
    /// `auto: CUDA unavailable: libcuda.so.1 (the NVIDIA driver) was not found: …`.
    pub why: String,
}

impl fmt::Debug for Selected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Selected")
            .field("engine", &self.engine.description())
            .field("why", &self.why)
            .finish()
    }
}

/// Starts the engine `scorer` asks for and says why it is that one (also logged under
/// [`LOG_TARGET`]). `cuda` fails when CUDA cannot start; `auto` then falls back to the CPU.
pub fn choose_engine(scorer: Scorer) -> Result<Selected, EngineError> {
    let (engine, why): (Box<dyn TileEngine>, String) = match scorer {
        Scorer::Cpu => (Box::new(cpu::CpuEngine::new()), "requested with --scorer cpu".into()),
        Scorer::Cuda => (start_cuda()?, "requested with --scorer cuda".into()),
        Scorer::Auto => match start_cuda() {
            Ok(engine) => (engine, "auto: CUDA started".into()),
            Err(e) => {
                let reason = match e {
                    EngineError::Unavailable { reason, .. } => reason,
                    other => other.to_string(),
                };
                (Box::new(cpu::CpuEngine::new()), format!("auto: CUDA unavailable: {reason}"))
            }
        },
    };
    tracing::info!(target: LOG_TARGET, engine = %engine.description(), %why, "tile engine chosen");
    Ok(Selected { engine, why })
}

/// [`choose_engine`] without the reason.
pub fn select_engine(scorer: Scorer) -> Result<Box<dyn TileEngine>, EngineError> {
    choose_engine(scorer).map(|s| s.engine)
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
        let auto = choose_engine(Scorer::Auto).unwrap();
        match auto.engine.name() {
            "cpu" => assert!(auto.why.starts_with("auto: CUDA unavailable: "), "{auto:?}"),
            name => assert_eq!((name, auto.why.as_str()), ("cuda", "auto: CUDA started")),
        }
        assert_eq!(choose_engine(Scorer::Cpu).unwrap().why, "requested with --scorer cpu");
    }
}
