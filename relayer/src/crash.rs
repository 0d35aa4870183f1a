//! Crash points for the end-to-end tests: with `--dev`, `WTAO_RELAYER_CRASH_AT=<point>` makes
//! the process abort — no destructors, no flush, as `kill -9` would — the first time it reaches
//! `<point>`. The points sit between a recorded step and the next external action (and between
//! an external action and its record), which is where a write-ahead design can go wrong:
//!
//! | point | reached |
//! |---|---|
//! | `signed` | a batch is signed and stored, its attestation not yet sent |
//! | `attested` | tao-node took the attestation, the relayer has not recorded it |
//! | `mint_recorded` | the mint transaction is signed and stored, not yet sent |
//! | `mint_sent` | the mint transaction is sent, its receipt not yet seen |
//! | `burn_seen` | a confirmed burn is stored, its approval not yet sent |
//! | `approved` | tao-node took the approval, the relayer has not recorded it |

use std::sync::OnceLock;

/// The environment variable naming the point.
pub const ENV: &str = "WTAO_RELAYER_CRASH_AT";

static POINT: OnceLock<Option<String>> = OnceLock::new();

/// Read [`ENV`] once; only a `--dev` relayer honours it.
pub fn arm(dev: bool) {
    let _ = POINT.set(if dev { std::env::var(ENV).ok().filter(|p| !p.is_empty()) } else { None });
}

/// Abort here if this is the armed point.
pub fn point(name: &str) {
    if POINT.get().and_then(Option::as_deref) == Some(name) {
        tracing::error!(point = name, "{ENV}: crashing on purpose");
        std::process::abort();
    }
}
