//! Reverts as sentences. A governance call that fails on chain reverts with one of the custom
//! errors declared in [`super::abi`]; this turns it into what went wrong and what to do. The
//! commands check the proposal's state before sending, so most users meet the richer messages
//! of [`super::proposal`]; these are the backstop for races and for calls the CLI does not
//! pre-check.

use alloy::{
    primitives::{Bytes, U256},
    sol_types::{SolInterface, decode_revert_reason},
    transports::{RpcError, TransportErrorKind},
};

use super::{
    abi::{GovErrors::GovErrorsErrors as G, ITaoBridge::ITaoBridgeErrors as B},
    proposal::{State, short_id},
    units_wtao,
};

/// A call that reverted, decoded.
#[derive(Debug)]
pub(crate) struct Revert {
    /// The function called (`propose(address[],uint256[],bytes[],string)`).
    pub(crate) call: &'static str,
    /// What went wrong.
    pub(crate) reason: Reason,
}

/// What a revert said.
#[derive(Debug)]
pub(crate) enum Reason {
    /// A governor, timelock, votes or proxy error.
    Gov(G),
    /// A TaoBridge error (bubbled up through the timelock at `execute`).
    Bridge(B),
    /// `Error(string)` or `Panic(uint256)`, as text.
    Text(String),
    /// Data nothing here knows.
    Unknown(Bytes),
}

impl Reason {
    /// Decodes revert data.
    pub(crate) fn decode(data: &[u8]) -> Self {
        if data.is_empty() {
            return Self::Unknown(Bytes::new());
        }
        if let Ok(e) = G::abi_decode(data) {
            return Self::Gov(e);
        }
        if let Ok(e) = B::abi_decode(data) {
            return Self::Bridge(e);
        }
        match decode_revert_reason(data) {
            Some(text) if !text.is_empty() => Self::Text(text),
            _ => Self::Unknown(Bytes::copy_from_slice(data)),
        }
    }
}

impl std::fmt::Display for Revert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            Reason::Gov(e) => f.write_str(&gov_sentence(e)),
            Reason::Bridge(e) => write!(f, "TaoBridge refused the call: {}", bridge_sentence(e)),
            Reason::Text(t) => write!(f, "{} reverted: {t}", self.call),
            Reason::Unknown(data) if data.is_empty() => write!(
                f,
                "{} reverted without a reason: is the address a contract of the expected kind?",
                self.call
            ),
            Reason::Unknown(data) => write!(f, "{} reverted with unknown data {data}", self.call),
        }
    }
}

impl std::error::Error for Revert {}

/// The names of the states set in an OpenZeppelin `expectedStates` bitmap.
pub(crate) fn expected_states(bits: U256) -> String {
    let names: Vec<&str> =
        (0u8..8).filter(|i| bits.bit(usize::from(*i))).map(|i| State::from(i).name()).collect();
    match names.as_slice() {
        [] => "another state".to_owned(),
        [one] => (*one).to_owned(),
        many => many.join(" or "),
    }
}

fn gov_sentence(e: &G) -> String {
    match e {
        G::GovernorUnexpectedProposalState(e) => format!(
            "proposal {} is {}, but this needs it {}: `wtao gov status {}` says what comes next",
            short_id(e.proposalId),
            State::from(e.current).name(),
            expected_states(U256::from_be_bytes(e.expectedStates.0)),
            e.proposalId
        ),
        G::GovernorNonexistentProposal(e) => format!(
            "there is no proposal {} on this governor: `wtao gov list` shows the proposals",
            e.proposalId
        ),
        G::GovernorAlreadyCastVote(e) => {
            format!("{} has already voted on this proposal (a vote cannot be changed)", e.voter)
        }
        G::GovernorInsufficientProposerVotes(e) => format!(
            "{} has {} of votes, and proposing needs {}: hold wTAO and delegate it \
             (`wtao gov delegate`); delegated votes count from the next minute",
            e.proposer,
            units_wtao(e.votes),
            units_wtao(e.threshold)
        ),
        G::GovernorRestrictedProposer(e) => {
            format!(
                "{} may not submit this proposal (its description names another proposer)",
                e.proposer
            )
        }
        G::GovernorInvalidVoteType(_) => {
            "the governor refused the vote type: use for, against or abstain".to_owned()
        }
        G::GovernorInvalidProposalLength(e) => format!(
            "a proposal needs as many targets ({}), values ({}) and calldatas ({}), at least one",
            e.targets, e.values, e.calldatas
        ),
        G::GovernorAlreadyQueuedProposal(e) => {
            format!(
                "proposal {} is already queued: run `wtao gov execute {}`",
                short_id(e.proposalId),
                e.proposalId
            )
        }
        G::GovernorNotQueuedProposal(e) => {
            format!(
                "proposal {} is not queued: run `wtao gov queue {}` first",
                short_id(e.proposalId),
                e.proposalId
            )
        }
        G::TimelockUnexpectedOperationState(e) => format!(
            "the timelock's operation {} is not {} yet: the timelock delay has not passed (`wtao \
             gov status` shows the ETA; on the devnet add --warp)",
            e.operationId,
            timelock_states(U256::from_be_bytes(e.expectedStates.0))
        ),
        G::TimelockUnexecutedPredecessor(e) => {
            format!("the timelock must execute operation {} first", e.predecessorId)
        }
        G::ERC5805FutureLookup(e) => format!(
            "votes at time {} are not final yet (the token's clock is at {}): wait for the next minute",
            e.timepoint, e.clock
        ),
        G::ERC1967InvalidImplementation(e) => {
            format!(
                "{} is not a contract: the upgrade needs a deployed implementation",
                e.implementation
            )
        }
        G::UUPSUnsupportedProxiableUUID(_) => {
            "the new implementation is not a UUPS implementation of this proxy (proxiableUUID \
             differs): upgrading to it would brick the bridge"
                .to_owned()
        }
        G::AccessControlUnauthorizedAccount(e) => {
            format!("{} lacks the role {} this needs", e.account, e.neededRole)
        }
        G::FailedCall(_) => "one of the proposal's calls failed without a reason".to_owned(),
        other => format!("the governor refused: {other:?}"),
    }
}

fn timelock_states(bits: U256) -> &'static str {
    // TimelockController.OperationState: Unset, Waiting, Ready, Done.
    if bits.bit(2) {
        "ready"
    } else if bits.bit(0) {
        "new"
    } else {
        "in the expected state"
    }
}

fn bridge_sentence(e: &B) -> String {
    match e {
        B::TaoBridgeInvalidThreshold(e) => format!(
            "threshold {} with {} relayers: it must be a strict majority (N/2 < M <= N)",
            e.threshold, e.relayers
        ),
        B::TaoBridgeInvalidRelayer(e) => {
            format!("relayer {} is invalid (zero or listed twice)", e.relayer)
        }
        B::TaoBridgeInvalidRateLimit(e) => format!(
            "rate limit of {} per {} s: the capacity must be 1 rao to 2^56-1 rao and the window at least 1 s",
            units_wtao(U256::from(e.capacity)),
            e.window
        ),
        B::TaoBridgeNotPaused(_) => "the bridge is not paused: nothing to unpause".to_owned(),
        B::TaoBridgeUnauthorized(e) => {
            format!("{} may not call this: only the timelock (a passed vote) may", e.caller)
        }
        other => format!("{other:?}"),
    }
}

/// An RPC error as a report: a revert decoded, anything else with what was being done.
pub(crate) fn rpc_error(err: RpcError<TransportErrorKind>, call: &'static str) -> eyre::Report {
    if let Some(data) = err.as_error_resp().and_then(|p| p.as_revert_data()) {
        return eyre::Report::new(Revert { call, reason: Reason::decode(&data) });
    }
    eyre::Report::new(err).wrap_err(format!("calling {call}"))
}

/// The revert inside a report, if it is one.
pub(crate) fn revert_of(err: &eyre::Report) -> Option<&Revert> {
    err.chain().find_map(|e| e.downcast_ref::<Revert>())
}

#[cfg(test)]
mod tests {
    use alloy::{
        primitives::{Address, B256},
        sol_types::SolError,
    };

    use super::*;
    use crate::cmd::gov::abi::GovErrors;

    #[test]
    fn unexpected_state_names_both_states() {
        // castVote wants Active (bit 1).
        let data = GovErrors::GovernorUnexpectedProposalState {
            proposalId: U256::from(123_456_789_u64),
            current: 0,
            expectedStates: B256::from(U256::from(1u8) << 1),
        }
        .abi_encode();
        let r = Revert { call: "castVote", reason: Reason::decode(&data) };
        let text = r.to_string();
        assert!(
            text.starts_with("proposal 123456789 is Pending, but this needs it Active"),
            "{text}"
        );
        assert_eq!(expected_states(U256::from(0b11_0000u8)), "Succeeded or Queued");
    }

    #[test]
    fn insufficient_votes_says_how_to_get_them() {
        let data = GovErrors::GovernorInsufficientProposerVotes {
            proposer: Address::ZERO,
            votes: U256::ZERO,
            threshold: U256::from(1_000_000_000u64),
        }
        .abi_encode();
        let text = Revert { call: "propose", reason: Reason::decode(&data) }.to_string();
        assert!(
            text.contains("proposing needs 1 wTAO") && text.contains("wtao gov delegate"),
            "{text}"
        );
    }

    #[test]
    fn bridge_errors_and_strings_decode() {
        use crate::cmd::gov::abi::ITaoBridge;
        let data = ITaoBridge::TaoBridgeInvalidThreshold {
            threshold: U256::from(1u8),
            relayers: U256::from(3u8),
        }
        .abi_encode();
        let text = Revert { call: "execute", reason: Reason::decode(&data) }.to_string();
        assert!(text.contains("strict majority"), "{text}");
        let text = Revert { call: "f()", reason: Reason::decode(&[]) }.to_string();
        assert!(text.contains("without a reason"), "{text}");
    }
}
