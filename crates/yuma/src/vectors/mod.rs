//! Runner for Yuma test-vector files (`tests/vectors/vectors.json` and any file in that format).
//!
//! A file holds `math_cases` (one primitive, `args_bits` → `expected` within `tolerance`, plus an
//! exact `harness_output` when recorded) and `epoch_cases` (sequences of epochs, each with its
//! full `epoch_input` — or an `inputs_rule` for the large generated graphs —, the upstream
//! `asserted` checks, and the harness's bit-exact `reference_output`). Each case passes or fails
//! as a whole.
//!
//! Used by `tests/it/vectors.rs` and `examples/vectors.rs`.

mod compare;
mod epoch_cases;
mod json;
mod math_cases;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Why a vector file could not be run at all (individual cases failing is a [`Report`]).
#[derive(Debug, thiserror::Error)]
pub enum VectorFileError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{path} is not valid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// The JSON has neither `math_cases` nor `epoch_cases`.
    #[error("{path} has no `math_cases` or `epoch_cases` list; is it a Yuma vector file?")]
    NoCases {
        /// The file.
        path: PathBuf,
    },
}

/// Kind of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseKind {
    /// A math-primitive case.
    Math,
    /// An epoch sequence.
    Epoch,
}

/// Result of one case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The case's `id`.
    pub id: String,
    /// Math or epoch.
    pub kind: CaseKind,
    /// Number of epochs run (epoch cases).
    pub epochs: usize,
    /// What went wrong; empty when the case passed.
    pub failures: Vec<String>,
}

impl CaseResult {
    /// Whether the case passed.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Results of a whole file.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every case, in file order.
    pub cases: Vec<CaseResult>,
}

impl Report {
    /// Cases that passed.
    #[must_use]
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    /// Cases that failed.
    #[must_use]
    pub fn failed(&self) -> usize {
        self.cases.len().saturating_sub(self.passed())
    }

    /// The failing cases.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| !c.passed())
    }
}

/// Options of a run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Check only upstream assertions and `expected` values, not the harness's exact
    /// `reference_output`/`harness_output`.
    pub assertions_only: bool,
    /// Also run each sparse epoch through the literal transcription
    /// ([`crate::epoch_reference`]) and require identical outputs and intermediates.
    pub cross_check_reference: bool,
}

/// Reads and runs a vector file.
///
/// # Errors
/// The file cannot be read, is not JSON, or holds no cases.
pub fn run_file(path: &Path, options: Options) -> Result<Report, VectorFileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| VectorFileError::Read { path: path.to_owned(), source })?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|source| VectorFileError::Json { path: path.to_owned(), source })?;
    if json.get("math_cases").is_none() && json.get("epoch_cases").is_none() {
        return Err(VectorFileError::NoCases { path: path.to_owned() });
    }
    Ok(run_json(&json, options))
}

/// Runs every case of a parsed vector file.
#[must_use]
pub fn run_json(json: &Value, options: Options) -> Report {
    let id = |c: &Value, i: usize| {
        c.get("id").and_then(Value::as_str).map_or_else(|| format!("#{i}"), str::to_owned)
    };
    let mut cases = Vec::new();
    for (i, case) in
        json.get("math_cases").and_then(Value::as_array).into_iter().flatten().enumerate()
    {
        cases.push(CaseResult {
            id: id(case, i),
            kind: CaseKind::Math,
            epochs: 0,
            failures: math_cases::run_case(case, options.assertions_only),
        });
    }
    for (i, case) in
        json.get("epoch_cases").and_then(Value::as_array).into_iter().flatten().enumerate()
    {
        let epochs = case.get("epochs").and_then(Value::as_array).map_or(0, Vec::len);
        cases.push(CaseResult {
            id: id(case, i),
            kind: CaseKind::Epoch,
            epochs,
            failures: epoch_cases::run_case(case, options),
        });
    }
    Report { cases }
}
