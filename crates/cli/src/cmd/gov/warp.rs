//! `--warp`: move anvil's clock so a whole vote runs in seconds. The governor's clock is wTAO's
//! (the block timestamp rounded down to the minute), so warping sets the next block's timestamp
//! (`evm_setNextBlockTimestamp`) and mines it (`evm_mine`); mining blocks alone would not move
//! it. Only anvil has these methods, and only a local chain may be warped: elsewhere `--warp`
//! is refused before anything is sent.

use alloy::providers::Provider;
use eyre::{WrapErr, eyre};
use serde_json::Value;

use super::{args::duration_text, context::Gov, proposal::utc};
use crate::output::Output;

/// Refuses `--warp` unless the chain is anvil.
pub(crate) async fn check(gov: &Gov) -> eyre::Result<()> {
    let version = gov.provider.get_client_version().await.unwrap_or_default();
    if version.to_ascii_lowercase().contains("anvil") {
        return Ok(());
    }
    let client = if version.is_empty() { "a node that does not say what it is" } else { &version };
    Err(eyre!(
        "--warp moves the chain's clock, which only anvil (the devnet) allows; {} is {client}: \
         leave out --warp and run the next step when `wtao gov status` says it is time",
        gov.rpc_url
    ))
}

/// Moves the clock so the latest block's timestamp is at least `ts`; returns the new time.
pub(crate) async fn to(gov: &Gov, ts: u64, why: &str, out: &Output) -> eyre::Result<u64> {
    let now = gov.now().await?;
    if now >= ts {
        return Ok(now);
    }
    let rpc = |method: &'static str, params: Value| {
        let provider = gov.provider.clone();
        async move {
            provider
                .raw_request::<_, Value>(method.into(), params)
                .await
                .wrap_err_with(|| format!("anvil's {method}"))
        }
    };
    rpc("evm_setNextBlockTimestamp", serde_json::json!([ts])).await?;
    rpc("evm_mine", serde_json::json!([])).await?;
    let after = gov.now().await?;
    out.progress(&format!(
        "warped the clock {} forward to {} ({why})",
        duration_text(after.saturating_sub(now)),
        utc(after)
    ));
    Ok(after)
}
