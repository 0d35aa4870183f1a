//! Proposals as the CLI sees them: what was proposed (the `ProposalCreated` log, the only place
//! that holds the actions and the description that `queue` and `execute` must repeat), where it
//! stands now ([`Live`]), and what to do next.

use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    providers::Provider,
    rpc::types::Filter,
    sol_types::{SolEvent, SolInterface},
};
use eyre::{WrapErr, eyre};
use serde::Serialize;

use super::{
    abi::{ITaoBridge, IUups, IWtaoGovernor, IWtaoVotes},
    context::Gov,
    units_wtao,
};

/// OpenZeppelin's `IGovernor.ProposalState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// Created; voting has not opened.
    Pending,
    /// Voting is open.
    Active,
    /// Canceled.
    Canceled,
    /// Voting closed without a majority or without quorum.
    Defeated,
    /// Passed; to be queued.
    Succeeded,
    /// In the timelock, waiting for its ETA.
    Queued,
    /// Not executed in time.
    Expired,
    /// Done.
    Executed,
    /// A value this CLI does not know.
    Unknown(u8),
}

impl From<u8> for State {
    fn from(v: u8) -> Self {
        match v {
            0 => Self::Pending,
            1 => Self::Active,
            2 => Self::Canceled,
            3 => Self::Defeated,
            4 => Self::Succeeded,
            5 => Self::Queued,
            6 => Self::Expired,
            7 => Self::Executed,
            other => Self::Unknown(other),
        }
    }
}

impl State {
    /// The name OpenZeppelin uses.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Active => "Active",
            Self::Canceled => "Canceled",
            Self::Defeated => "Defeated",
            Self::Succeeded => "Succeeded",
            Self::Queued => "Queued",
            Self::Expired => "Expired",
            Self::Executed => "Executed",
            Self::Unknown(_) => "Unknown",
        }
    }
}

/// A proposal as created.
#[derive(Clone, Debug)]
pub(crate) struct Proposal {
    /// The id (`hashProposal`).
    pub(crate) id: U256,
    /// Who proposed.
    pub(crate) proposer: Address,
    /// Calls: targets.
    pub(crate) targets: Vec<Address>,
    /// Calls: values (wei).
    pub(crate) values: Vec<U256>,
    /// Calls: calldata.
    pub(crate) calldatas: Vec<Bytes>,
    /// The description (its hash is part of the id).
    pub(crate) description: String,
    /// Block of the ProposalCreated log.
    pub(crate) block: u64,
    /// Transaction that created it.
    pub(crate) tx: Option<B256>,
}

impl Proposal {
    /// `keccak256(description)`, which `queue` and `execute` take.
    pub(crate) fn description_hash(&self) -> B256 {
        keccak256(self.description.as_bytes())
    }

    /// The description's first line.
    pub(crate) fn title(&self) -> &str {
        self.description.lines().next().unwrap_or_default()
    }
}

/// The id, shortened for tables: `1234567890…` (JSON and `status` print it whole).
pub(crate) fn short_id(id: U256) -> String {
    let s = id.to_string();
    if s.len() > 12 { format!("{}…", &s[..10]) } else { s }
}

/// Every proposal of the governor, oldest first.
pub(crate) async fn all(gov: &Gov) -> eyre::Result<Vec<Proposal>> {
    let filter = Filter::new()
        .address(gov.governor)
        .event_signature(IWtaoGovernor::ProposalCreated::SIGNATURE_HASH)
        .from_block(gov.from_block);
    let logs = gov.provider.get_logs(&filter).await.wrap_err_with(|| {
        format!(
            "reading ProposalCreated logs of {} from block {} (a public RPC may need a later \
             --from-block)",
            gov.governor, gov.from_block
        )
    })?;
    logs.iter()
        .map(|log| {
            let ev = log
                .log_decode::<IWtaoGovernor::ProposalCreated>()
                .wrap_err("decoding a ProposalCreated log")?
                .inner
                .data;
            Ok(Proposal {
                id: ev.proposalId,
                proposer: ev.proposer,
                targets: ev.targets,
                values: ev.values,
                calldatas: ev.calldatas,
                description: ev.description,
                block: log.block_number.unwrap_or_default(),
                tx: log.transaction_hash,
            })
        })
        .collect()
}

/// Parses a proposal id: decimal, 0x-hex, or a unique decimal prefix of at least 4 digits.
pub(crate) async fn find(gov: &Gov, text: &str) -> eyre::Result<Proposal> {
    let text = text.trim().trim_end_matches('…');
    let exact: Option<U256> = if let Some(hex) = text.strip_prefix("0x") {
        Some(U256::from_str_radix(hex, 16).map_err(|_| eyre!("`{text}` is not a proposal id"))?)
    } else if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(eyre!("`{text}` is not a proposal id: give the number `wtao gov list` shows"));
    } else {
        text.parse().ok()
    };
    let proposals = all(gov).await?;
    let matches: Vec<&Proposal> = match exact {
        Some(id) if proposals.iter().any(|p| p.id == id) => {
            proposals.iter().filter(|p| p.id == id).collect()
        }
        _ if text.len() >= 4 && !text.starts_with("0x") => {
            proposals.iter().filter(|p| p.id.to_string().starts_with(text)).collect()
        }
        _ => vec![],
    };
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(eyre!(
            "no proposal {text} on governor {} (searched from block {}): `wtao gov list` shows \
             the proposals",
            gov.governor,
            gov.from_block
        )),
        many => Err(eyre!(
            "{} proposals start with {text}: give more digits ({})",
            many.len(),
            many.iter().map(|p| short_id(p.id)).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Votes on a proposal, in wTAO base units (rao).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub(crate) struct Tally {
    /// For.
    #[serde(rename = "for_rao", with = "dec")]
    pub(crate) for_votes: U256,
    /// Against.
    #[serde(rename = "against_rao", with = "dec")]
    pub(crate) against: U256,
    /// Abstain.
    #[serde(rename = "abstain_rao", with = "dec")]
    pub(crate) abstain: U256,
}

/// Where a proposal stands now.
#[derive(Clone, Debug)]
pub(crate) struct Live {
    /// State.
    pub(crate) state: State,
    /// Votes so far.
    pub(crate) tally: Tally,
    /// Snapshot timepoint.
    pub(crate) snapshot: u64,
    /// Deadline timepoint.
    pub(crate) deadline: u64,
    /// ETA (0 until queued).
    pub(crate) eta: u64,
    /// Quorum (rao) at the snapshot, once the snapshot is past; else an estimate from today's
    /// supply.
    pub(crate) quorum: U256,
    /// Whether `quorum` is final.
    pub(crate) quorum_final: bool,
    /// The latest block's timestamp.
    pub(crate) now: u64,
    /// The clock's tick (seconds); 60 for wTAO.
    pub(crate) quantum: u64,
}

impl Live {
    /// Whether for + abstain reach the quorum (OpenZeppelin's CountingSimple).
    pub(crate) fn quorum_reached(&self) -> bool {
        self.tally.for_votes.saturating_add(self.tally.abstain) >= self.quorum
    }

    /// When voting opens: the first clock tick after the snapshot.
    pub(crate) fn opens_at(&self) -> u64 {
        next_tick(self.snapshot, self.quantum)
    }

    /// When voting closes: the first clock tick after the deadline.
    pub(crate) fn closes_at(&self) -> u64 {
        next_tick(self.deadline, self.quantum)
    }
}

/// The first multiple of `quantum` strictly after `t`.
pub(crate) fn next_tick(t: u64, quantum: u64) -> u64 {
    let q = quantum.max(1);
    (t / q).saturating_add(1).saturating_mul(q)
}

alloy::sol! {
    interface IClockQuantum {
        function CLOCK_QUANTUM() external view returns (uint256);
    }
}

/// Reads where proposal `id` stands.
pub(crate) async fn live(gov: &Gov, id: U256) -> eyre::Result<Live> {
    use IWtaoGovernor as G;
    let state = State::from(gov.gov(G::stateCall { proposalId: id }).await?);
    let votes = gov.gov(G::proposalVotesCall { proposalId: id }).await?;
    let snapshot: u64 = gov.gov(G::proposalSnapshotCall { proposalId: id }).await?.saturating_to();
    let deadline: u64 = gov.gov(G::proposalDeadlineCall { proposalId: id }).await?.saturating_to();
    let eta: u64 = gov.gov(G::proposalEtaCall { proposalId: id }).await?.saturating_to();
    let clock: u64 = gov.gov(G::clockCall {}).await?.to();
    let token = gov.token().await?;
    let quantum = gov
        .call(token, IClockQuantum::CLOCK_QUANTUMCall {})
        .await
        .map(|q| q.saturating_to::<u64>())
        .unwrap_or(1);
    let (quorum, quorum_final) = if clock > snapshot {
        (gov.gov(G::quorumCall { timepoint: U256::from(snapshot) }).await?, true)
    } else {
        let supply = gov.call(token, IWtaoVotes::totalSupplyCall {}).await?;
        let num = gov.gov(G::quorumNumeratorCall {}).await?;
        let den = gov.gov(G::quorumDenominatorCall {}).await?.max(U256::from(1u8));
        (supply.saturating_mul(num) / den, false)
    };
    Ok(Live {
        state,
        tally: Tally {
            for_votes: votes.forVotes,
            against: votes.againstVotes,
            abstain: votes.abstainVotes,
        },
        snapshot,
        deadline,
        eta,
        quorum,
        quorum_final,
        now: gov.now().await?,
        quantum,
    })
}

/// One line per call: what it does, decoded where the target is the bridge.
pub(crate) fn describe(p: &Proposal, bridge: Option<Address>) -> Vec<String> {
    p.targets
        .iter()
        .zip(&p.values)
        .zip(&p.calldatas)
        .map(|((target, value), data)| describe_call(*target, *value, data, bridge))
        .collect()
}

/// A call, decoded where the target is the bridge.
pub(crate) fn describe_call(
    target: Address,
    value: U256,
    data: &[u8],
    bridge: Option<Address>,
) -> String {
    use ITaoBridge::ITaoBridgeCalls as C;
    let on_bridge = bridge == Some(target);
    let name = if on_bridge { "TaoBridge".to_owned() } else { target.to_string() };
    let decoded = if let Ok(call) = IUups::IUupsCalls::abi_decode(data) {
        match call {
            IUups::IUupsCalls::upgradeToAndCall(c) if c.data.is_empty() => {
                Some(format!("upgrade to implementation {}", c.newImplementation))
            }
            IUups::IUupsCalls::upgradeToAndCall(c) => Some(format!(
                "upgrade to implementation {} and call it with {}",
                c.newImplementation, c.data
            )),
            IUups::IUupsCalls::proxiableUUID(_) => None,
        }
    } else if let Ok(call) = C::abi_decode(data) {
        match call {
            C::setRelayers(c) => Some(format!(
                "set the relayers to {} with threshold {}",
                c.relayers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                c.threshold
            )),
            C::setMintLimit(c) => Some(format!(
                "set the mint limit to {} per {}",
                units_wtao(U256::from(c.limit.capacity)),
                super::args::duration_text(u64::from(c.limit.window))
            )),
            C::setBurnLimit(c) => Some(format!(
                "set the burn limit to {} per {}",
                units_wtao(U256::from(c.limit.capacity)),
                super::args::duration_text(u64::from(c.limit.window))
            )),
            C::setGuardian(c) => Some(format!("make {} the guardian", c.guardian)),
            C::unpause(_) => Some("unpause".to_owned()),
            C::pause(_) => Some("pause".to_owned()),
            _ => None,
        }
    } else {
        None
    };
    let with_value = if value.is_zero() { String::new() } else { format!(", sending {value} wei") };
    match decoded {
        Some(text) => format!("{name}: {text}{with_value}"),
        None => format!(
            "{name}: call {} ({} bytes){with_value}",
            data.get(..4).map(|s| format!("0x{}", alloy::hex::encode(s))).unwrap_or_default(),
            data.len()
        ),
    }
}

/// A UTC time, `2026-12-06 08:40:00 UTC`.
pub(crate) fn utc(ts: u64) -> String {
    let days = ts / 86_400;
    let rem = ts % 86_400;
    // Howard Hinnant's civil_from_days, for days since 1970-01-01 (non-negative here).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `in 35 s` / `35 s ago` / `now`, relative to the chain's `now`.
pub(crate) fn relative(ts: u64, now: u64) -> String {
    use std::cmp::Ordering::*;
    match ts.cmp(&now) {
        Greater => format!("in {}", super::args::duration_text(ts - now)),
        Less => format!("{} ago", super::args::duration_text(now - ts)),
        Equal => "now".to_owned(),
    }
}

/// U256 as a decimal string in JSON.
pub(crate) mod dec {
    use alloy::primitives::U256;
    use serde::Serializer;

    /// Serializes as a decimal string.
    pub(crate) fn serialize<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_796_545_200), "2026-12-06 08:20:00 UTC");
    }

    #[test]
    fn ticks_and_ids() {
        assert_eq!(next_tick(120, 60), 180);
        assert_eq!(next_tick(121, 60), 180);
        assert_eq!(next_tick(5, 1), 6);
        assert_eq!(short_id(U256::from(42u8)), "42");
        assert_eq!(short_id(U256::MAX).chars().count(), 11);
    }

    #[test]
    fn bridge_calls_are_described() {
        use alloy::sol_types::SolCall;
        let bridge = Address::repeat_byte(0xbb);
        let a = Address::repeat_byte(1);
        let data = ITaoBridge::setRelayersCall { relayers: vec![a], threshold: U256::from(1u8) }
            .abi_encode();
        let text = describe_call(bridge, U256::ZERO, &data, Some(bridge));
        assert_eq!(text, format!("TaoBridge: set the relayers to {a} with threshold 1"));
        let text = describe_call(a, U256::from(5u8), &[1, 2, 3, 4, 5], Some(bridge));
        assert_eq!(text, format!("{a}: call 0x01020304 (5 bytes), sending 5 wei"));
    }
}
