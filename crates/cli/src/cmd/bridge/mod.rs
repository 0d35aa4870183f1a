//! `wtao bridge …`: move TAO to Ethereum as wTAO (`to-eth`) and back (`to-tao`), following each
//! transfer through its stages, and show where one stands (`status`).
//!
//! ```text
//!  to-eth   Bridge.lock on tao-node ─▶ relayers attest the block's batch (k/M) ─▶ TaoBridge.mint
//!  to-tao   TaoBridge.burn ─▶ relayers approve the release on tao-node (k/M) ─▶ Released
//! ```
//!
//! Progress goes to stderr, one line per stage; the result to stdout (or the `--json`
//! envelope). A transfer that stalls ends the command with an error that names the missing
//! stage; the transfer itself is not lost, `wtao bridge status <nonce>` keeps following it.

mod status;
mod to_eth;
mod to_tao;

use std::time::Duration;

use clap::{Args, Subcommand};

use crate::output::Output;

/// Move TAO between tao-node and Ethereum.
#[derive(Debug, Args)]
pub(crate) struct BridgeArgs {
    #[command(subcommand)]
    pub(crate) cmd: BridgeCommand,
}

/// Bridge commands.
#[derive(Debug, Subcommand)]
pub(crate) enum BridgeCommand {
    /// Lock TAO on tao-node and wait until the relayers mint it as wTAO on Ethereum.
    ///
    /// Prints a line per stage on stderr: locked (nonce, block, tx) → attested k/M → minted (tx).
    #[command(name = "to-eth")]
    ToEth(to_eth::ToEthArgs),
    /// Burn wTAO on Ethereum and wait until the relayers release the TAO on tao-node.
    ///
    /// Prints a line per stage on stderr: burned (nonce, block, tx) → approvals k/M → released.
    #[command(name = "to-tao")]
    ToTao(to_tao::ToTaoArgs),
    /// Show the stage of one transfer, by its nonce (the lock nonce for to-eth, the burn nonce
    /// for to-tao).
    Status(status::StatusArgs),
}

impl BridgeArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        match self.cmd {
            BridgeCommand::ToEth(args) => args.run(out),
            BridgeCommand::ToTao(args) => args.run(out),
            BridgeCommand::Status(args) => args.run(out),
        }
    }
}

/// How long to follow a transfer.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Following")]
pub(crate) struct FollowArgs {
    /// Give up following after this long (`90s`, `5m`, or seconds); the transfer goes on, and
    /// `wtao bridge status <nonce>` shows it.
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = parse_duration)]
    pub(crate) timeout: Duration,

    /// Return as soon as the first stage is done (locked or burned), without following.
    #[arg(long)]
    pub(crate) no_wait: bool,
}

/// How often a follower polls both chains.
pub(crate) const POLL: Duration = Duration::from_millis(300);

/// `90s`, `5m`, `500ms`, `1h` or plain seconds.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 =
        number.parse().map_err(|_| format!("`{text}` is not a duration like 90s or 5m"))?;
    let d = match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        other => return Err(format!("unknown unit `{other}` in `{text}`: use ms, s, m or h")),
    };
    if d.is_zero() {
        return Err("a zero timeout leaves no time to follow; use --no-wait instead".into());
    }
    Ok(d)
}

/// `0x…` of a 32-byte hash.
pub(crate) fn hex32(bytes: &[u8; 32]) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("1.5s").is_err());
        assert!(parse_duration("5 days").is_err());
        assert!(parse_duration("").is_err());
    }
}
