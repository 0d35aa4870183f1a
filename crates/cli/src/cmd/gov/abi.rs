//! The slice of the governance contracts' ABI that `wtao gov` calls: OpenZeppelin's Governor
//! (as `WTAOGovernor` extends it), wTAO's votes, the timelock's errors, and TaoBridge's admin
//! functions from `contracts/src/interfaces/ITaoBridge.sol` itself plus its UUPS entry points.
//! Every revert the CLI can meet is declared here so it can be decoded into a sentence
//! ([`super::revert`]). The e2e tests (`tests/it/gov.rs`) run all of it against the deployed
//! contracts, so a drift fails a test rather than a user's vote.

#![allow(missing_docs)]
// `sol!` gives an event's `new` one argument per field (ProposalCreated has nine).
#![allow(clippy::too_many_arguments)]

/// TaoBridge's interface: `wtao-bridge-types`' bindings, the workspace's one set.
pub(crate) use wtao_bridge_types::ITaoBridge;

alloy::sol! {
    /// OpenZeppelin Governor + Settings + CountingSimple + Votes + QuorumFraction +
    /// TimelockControl, as `WTAOGovernor` assembles it.
    #[sol(all_derives)]
    interface IWtaoGovernor {
        function name() external view returns (string memory);
        function token() external view returns (address);
        function timelock() external view returns (address);
        function clock() external view returns (uint48);
        function votingDelay() external view returns (uint256);
        function votingPeriod() external view returns (uint256);
        function proposalThreshold() external view returns (uint256);
        function quorum(uint256 timepoint) external view returns (uint256);
        function quorumNumerator() external view returns (uint256);
        function quorumDenominator() external view returns (uint256);
        function state(uint256 proposalId) external view returns (uint8);
        function proposalSnapshot(uint256 proposalId) external view returns (uint256);
        function proposalDeadline(uint256 proposalId) external view returns (uint256);
        function proposalEta(uint256 proposalId) external view returns (uint256);
        function proposalProposer(uint256 proposalId) external view returns (address);
        function proposalVotes(uint256 proposalId)
            external
            view
            returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes);
        function hasVoted(uint256 proposalId, address account) external view returns (bool);
        function getVotes(address account, uint256 timepoint) external view returns (uint256);
        function hashProposal(
            address[] memory targets,
            uint256[] memory values,
            bytes[] memory calldatas,
            bytes32 descriptionHash
        ) external pure returns (uint256);
        function propose(
            address[] memory targets,
            uint256[] memory values,
            bytes[] memory calldatas,
            string memory description
        ) external returns (uint256 proposalId);
        function castVoteWithReason(uint256 proposalId, uint8 support, string calldata reason)
            external
            returns (uint256 balance);
        function queue(
            address[] memory targets,
            uint256[] memory values,
            bytes[] memory calldatas,
            bytes32 descriptionHash
        ) external returns (uint256 proposalId);
        function execute(
            address[] memory targets,
            uint256[] memory values,
            bytes[] memory calldatas,
            bytes32 descriptionHash
        ) external payable returns (uint256 proposalId);

        event ProposalCreated(
            uint256 proposalId,
            address proposer,
            address[] targets,
            uint256[] values,
            string[] signatures,
            bytes[] calldatas,
            uint256 voteStart,
            uint256 voteEnd,
            string description
        );
        event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason);
        event ProposalQueued(uint256 proposalId, uint256 etaSeconds);
        event ProposalExecuted(uint256 proposalId);
        event ProposalCanceled(uint256 proposalId);
    }

    /// wTAO's ERC-20 and ERC-5805 votes.
    #[sol(all_derives)]
    interface IWtaoVotes {
        function symbol() external view returns (string memory);
        function balanceOf(address account) external view returns (uint256);
        function totalSupply() external view returns (uint256);
        function delegate(address delegatee) external;
        function delegates(address account) external view returns (address);
        function getVotes(address account) external view returns (uint256);
        function clock() external view returns (uint48);
    }

    /// The timelock's reads.
    #[sol(all_derives)]
    interface ITimelock {
        function getMinDelay() external view returns (uint256);
    }

    /// TaoBridge's UUPS entry points (OpenZeppelin's `UUPSUpgradeable`).
    #[sol(all_derives)]
    interface IUups {
        function upgradeToAndCall(address newImplementation, bytes memory data) external payable;
        function proxiableUUID() external view returns (bytes32);
    }

    /// Every custom error the governor, the timelock, wTAO's votes and the UUPS proxy revert
    /// with (TaoBridge's own are in [`ITaoBridge`]).
    #[sol(all_derives)]
    interface GovErrors {
        error GovernorInvalidProposalLength(uint256 targets, uint256 calldatas, uint256 values);
        error GovernorAlreadyCastVote(address voter);
        error GovernorDisabledDeposit();
        error GovernorOnlyExecutor(address account);
        error GovernorNonexistentProposal(uint256 proposalId);
        error GovernorUnexpectedProposalState(uint256 proposalId, uint8 current, bytes32 expectedStates);
        error GovernorInvalidVotingPeriod(uint256 votingPeriod);
        error GovernorInsufficientProposerVotes(address proposer, uint256 votes, uint256 threshold);
        error GovernorRestrictedProposer(address proposer);
        error GovernorInvalidVoteType();
        error GovernorInvalidVoteParams();
        error GovernorQueueNotImplemented();
        error GovernorNotQueuedProposal(uint256 proposalId);
        error GovernorAlreadyQueuedProposal(uint256 proposalId);
        error GovernorInvalidSignature(address voter);
        error GovernorUnableToCancel(uint256 proposalId, address account);
        error TimelockInvalidOperationLength(uint256 targets, uint256 payloads, uint256 values);
        error TimelockInsufficientDelay(uint256 delay, uint256 minDelay);
        error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates);
        error TimelockUnexecutedPredecessor(bytes32 predecessorId);
        error TimelockUnauthorizedCaller(address caller);
        error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
        error ERC5805FutureLookup(uint256 timepoint, uint48 clock);
        error ERC6372InconsistentClock();
        error ERC1967InvalidImplementation(address implementation);
        error UUPSUnauthorizedCallContext();
        error UUPSUnsupportedProxiableUUID(bytes32 slot);
        error FailedCall();
        error InvalidInitialization();
        error NotInitializing();
    }
}
