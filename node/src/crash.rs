//! Crash points for the tests: with `--dev`, `--crash-at <point>` makes the node abort — no
//! destructors, no flush, as `kill -9` would — the first time block production reaches
//! `<point>`. They sit where a crash must not leave a half-written block behind:
//!
//! | point | reached |
//! |---|---|
//! | `epoch_payout` | in a block's coinbase, after an epoch that has both incentive and dividends stored its outputs and staked the incentive, before the dividends |

use std::sync::OnceLock;

static POINT: OnceLock<Option<String>> = OnceLock::new();

/// Arm `point`; only a `--dev` node honours it.
pub fn arm(dev: bool, point: Option<String>) {
    let _ = POINT.set(if dev { point.filter(|p| !p.is_empty()) } else { None });
}

/// Abort here if this is the armed point.
pub fn point(name: &str) {
    if POINT.get().and_then(Option::as_deref) == Some(name) {
        tracing::error!(target: "node", point = name, "--crash-at: crashing on purpose");
        std::process::abort();
    }
}
