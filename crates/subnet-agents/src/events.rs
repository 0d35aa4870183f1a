//! What the loops report: one [`Event`] per step, shown as a text line or one JSON object per
//! line (`--json`).

use std::fmt;

use serde::Serialize;
use wtao_scoring::{MinerScore, Verdict};

/// Where events go (the CLI prints them).
pub type EventSink = std::sync::Arc<dyn Fn(&Event) + Send + Sync>;

/// One step of a miner or a validator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Connected, registered, engine started.
    Started {
        /// `miner` or `validator`.
        role: &'static str,
        /// The subnet.
        netuid: u16,
        /// The agent's uid.
        uid: u16,
        /// Its hotkey (SS58).
        hotkey: String,
        /// The tile engine (`cpu (avx2, 2 threads)`, `cuda (H100 …)`).
        engine: String,
        /// The challenge profile.
        profile: String,
        /// The proof server's address (miners).
        #[serde(skip_serializing_if = "Option::is_none")]
        serving: Option<String>,
    },
    /// A miner published its axon.
    Announced {
        /// The address validators will ask.
        axon: String,
        /// Block of the `serve_axon` (`None`: the chain already had this address).
        block: Option<u64>,
    },
    /// The chain refused a miner's `serve_axon`; retried at the next epoch.
    AnnounceFailed {
        /// The address.
        axon: String,
        /// The chain's reason.
        error: String,
    },
    /// A miner committed its work for an epoch.
    Committed {
        /// The epoch (its start block).
        epoch: u64,
        /// Tiles computed.
        computed: u64,
        /// Tiles claimed in the commitment.
        claimed: u64,
        /// Milliseconds spent computing.
        compute_ms: u64,
        /// Block the commitment was included in.
        block: u64,
        /// Whether it made the deadline.
        in_time: bool,
    },
    /// An epoch passed without this agent's part in it (joined too late, or a step failed).
    Skipped {
        /// The epoch.
        epoch: u64,
        /// Why.
        reason: String,
    },
    /// A validator scored an epoch.
    Scored {
        /// The epoch.
        epoch: u64,
        /// Tiles sampled over the miners whose commitment counts (recomputed in one engine call
        /// when their proofs check out).
        sampled: u64,
        /// Milliseconds of that call and the proof checks.
        score_ms: u64,
        /// Every miner's result.
        miners: Vec<MinerScore>,
    },
    /// A validator set weights.
    WeightsSet {
        /// The epoch they are for.
        epoch: u64,
        /// Block of inclusion.
        block: u64,
        /// `(uid, u16 weight)`.
        weights: Vec<(u16, u16)>,
    },
    /// The connection to tao-node failed; retrying (reported once per outage).
    Disconnected {
        /// What failed.
        error: String,
    },
    /// Connected again after [`Event::Disconnected`].
    Reconnected {
        /// Seconds without a connection.
        after_s: u64,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Started { role, netuid, uid, hotkey, engine, profile, serving } => {
                write!(
                    f,
                    "{role} uid {uid} ({hotkey}) on subnet {netuid}: {engine}, profile {profile}"
                )?;
                if let Some(s) = serving {
                    write!(f, ", serving proofs on {s}")?;
                }
                Ok(())
            }
            Self::Announced { axon, block: Some(b) } => {
                write!(f, "announced axon {axon} at block {b}")
            }
            Self::Announced { axon, block: None } => write!(f, "axon {axon} already announced"),
            Self::AnnounceFailed { axon, error } => {
                write!(f, "could not announce axon {axon} ({error}); retrying next epoch")
            }
            Self::Committed { epoch, computed, claimed, compute_ms, block, in_time } => {
                write!(
                    f,
                    "epoch {epoch}: computed {computed} tiles in {compute_ms} ms, committed {claimed} at block {block}"
                )?;
                if !in_time {
                    write!(f, " (late: it will score 0)")?;
                }
                Ok(())
            }
            Self::Skipped { epoch, reason } => write!(f, "epoch {epoch}: skipped, {reason}"),
            Self::Scored { epoch, sampled, score_ms, miners } => {
                let list: Vec<String> = miners
                    .iter()
                    .filter(|m| m.verdict != Verdict::NoCommitment)
                    .map(|m| format!("uid {} {} ({})", m.uid, m.score, verdict(&m.verdict)))
                    .collect();
                write!(
                    f,
                    "epoch {epoch}: checked {sampled} sampled tiles in {score_ms} ms; {}",
                    if list.is_empty() { "no commitments".to_owned() } else { list.join(", ") }
                )
            }
            Self::WeightsSet { epoch, block, weights } => {
                let list: Vec<String> = weights.iter().map(|(u, w)| format!("{u}→{w}")).collect();
                write!(f, "epoch {epoch}: set weights at block {block}: {}", list.join(" "))
            }
            Self::Disconnected { error } => write!(f, "lost tao-node ({error}); reconnecting"),
            Self::Reconnected { after_s } => write!(f, "reconnected to tao-node after {after_s} s"),
        }
    }
}

/// A verdict in a few words.
fn verdict(v: &Verdict) -> String {
    match v {
        Verdict::Valid => "valid".into(),
        Verdict::NoCommitment => "no commitment".into(),
        Verdict::WrongEpoch { committed } => format!("committed for epoch {committed}"),
        Verdict::NoTiles => "no tiles".into(),
        Verdict::MissingProof { tile } => format!("no proof of tile {tile}"),
        Verdict::BadProof { tile } => format!("bad proof of tile {tile}"),
        Verdict::WrongDigest { tile } => format!("wrong digest of tile {tile}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_json_object_per_event_and_a_readable_line() {
        let e = Event::WeightsSet { epoch: 40, block: 47, weights: vec![(2, 65_535)] };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"event":"weights_set","epoch":40,"block":47,"weights":[[2,65535]]}"#
        );
        assert_eq!(e.to_string(), "epoch 40: set weights at block 47: 2→65535");
        let s = Event::Scored {
            epoch: 40,
            sampled: 8,
            score_ms: 1,
            miners: vec![
                MinerScore { uid: 2, tiles_claimed: 9, score: 9, verdict: Verdict::Valid },
                MinerScore {
                    uid: 3,
                    tiles_claimed: 90,
                    score: 0,
                    verdict: Verdict::WrongDigest { tile: 50 },
                },
                MinerScore { uid: 4, tiles_claimed: 0, score: 0, verdict: Verdict::NoCommitment },
            ],
        };
        assert_eq!(
            s.to_string(),
            "epoch 40: checked 8 sampled tiles in 1 ms; uid 2 9 (valid), uid 3 0 (wrong digest of tile 50)"
        );
    }
}
