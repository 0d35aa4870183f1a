//! Errors of the crate: one enum per concern, each message saying what was wrong and what to do.

/// [`crate::ChallengeParams`] outside the range the task is defined for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    /// A parameter is outside its allowed range.
    #[error(
        "`{field}` = {value} is outside {min}..={max}; pick a value in range or a named profile (ci, dev, gpu)"
    )]
    OutOfRange {
        /// Field of `ChallengeParams`.
        field: &'static str,
        /// The value given.
        value: u64,
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// The shared matrix B would be larger than any engine keeps resident.
    #[error("k·n = {k}·{n} exceeds 2^28 elements of B; make k or n smaller")]
    BTooLarge {
        /// Inner dimension.
        k: u32,
        /// Columns of B.
        n: u32,
    },
    /// A profile name that is not one of the named profiles.
    #[error("unknown challenge profile `{0}`; use ci, dev or gpu")]
    UnknownProfile(String),
}

/// A tile engine could not run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine cannot run on this machine (no GPU, no driver, no NVRTC, built without the
    /// feature). `auto` falls back to the CPU on this error; `cuda` reports it.
    #[error("the {engine} engine is unavailable: {reason}")]
    Unavailable {
        /// Engine name (`cuda`, …).
        engine: &'static str,
        /// Why, in words a user can act on.
        reason: String,
    },
    /// The challenge parameters are invalid.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// A CUDA driver call failed after the engine had started.
    #[cfg(feature = "cuda")]
    #[error(
        "CUDA failed while {during}: {source}; check `nvidia-smi` and rerun with WTAO_SCORER=cpu to score on the CPU"
    )]
    Driver {
        /// What the engine was doing.
        during: &'static str,
        /// The driver's error.
        #[source]
        source: cudarc::driver::DriverError,
    },
    /// A library call panicked inside an engine; the panic was caught.
    #[error("the {engine} engine panicked while {during}: {message}; rerun with WTAO_SCORER=cpu")]
    Panicked {
        /// Engine name.
        engine: &'static str,
        /// What the engine was doing.
        during: &'static str,
        /// The panic message.
        message: String,
    },
    /// An internal invariant of an engine does not hold (a bug: please report it).
    #[error(
        "internal error in the {engine} engine: {what}; please report this with the challenge parameters"
    )]
    Internal {
        /// Engine name.
        engine: &'static str,
        /// The broken invariant.
        what: &'static str,
    },
    /// `WTAO_SCORER` / `--scorer` named no known engine.
    #[error("unknown scorer `{0}`; use auto, cpu or cuda")]
    UnknownScorer(String),
    /// The benchmark's `--engine` named no known choice.
    #[error("unknown benchmark engine `{0}`; use cpu, cuda or both")]
    UnknownBenchEngines(String),
}

/// A Merkle tree could not be built, or a proof requested for a leaf it does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// A tree needs at least one leaf (a miner with no tiles has nothing to commit).
    #[error("a Merkle tree needs at least one tile digest; compute a tile before committing")]
    Empty,
    /// A leaf index past the end of the tree.
    #[error(
        "tile {index} is not in the tree (it has {count} tiles); ask only for sampled tiles below the committed count"
    )]
    IndexOutOfRange {
        /// Requested leaf.
        index: u64,
        /// Leaves in the tree.
        count: u64,
    },
}

/// Bytes that are not an encoded [`crate::Commitment`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitmentError {
    /// Wrong length for the version.
    #[error(
        "a commitment is {expected} bytes, got {len}; the data is not a wtao-gemm-v1 commitment"
    )]
    WrongLength {
        /// Bytes given.
        len: usize,
        /// Bytes expected.
        expected: usize,
    },
    /// An encoding version this library does not know.
    #[error("unknown commitment version {0}; upgrade wtao to read it")]
    UnknownVersion(u8),
}

/// Scores that cannot be turned into weights.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    /// The same uid appears twice.
    #[error("uid {0} has two scores; give each uid once")]
    DuplicateUid(u16),
    /// A score too large to convert to a float exactly (the SDK's conversion would round it).
    #[error("score {0} exceeds 2^53; scores are tile counts and cannot be this large")]
    ScoreTooLarge(u64),
}
