// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {
    GovernorCountingSimple
} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {
    GovernorTimelockControl
} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {
    GovernorVotesQuorumFraction
} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

import {WTAO_CLOCK_QUANTUM} from "./WTAO.sol";

/// @title WTAOGovernor
/// @notice Token governance over wTAO votes. Proposals pass through the TimelockController, which
/// owns the TaoBridge (upgrades, relayer set, rate limits, guardian, unpause).
/// @dev OpenZeppelin Governor + Settings + CountingSimple + Votes + QuorumFraction +
/// TimelockControl. The clock is wTAO's (timestamp rounded down to the minute, see {WTAO-clock}), so
/// delays and periods are in seconds, honoured to within a minute. Votes are read at the proposal's
/// snapshot (`voteStart`): wTAO minted after it weighs nothing on it. The voting period must be at
/// least one clock quantum (60 s), or a proposal could go from Pending to closed without one tick
/// of the clock in which to vote.
contract WTAOGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    /// @param token The wTAO token (its ERC-6372 clock is the governor's).
    /// @param timelock The TimelockController that executes proposals.
    /// @param initialVotingDelay Seconds from proposal to snapshot (voting start).
    /// @param initialVotingPeriod Seconds voting stays open.
    /// @param initialProposalThreshold Votes (in rao) needed to propose.
    /// @param quorumNumerator Quorum in percent of the supply at the snapshot.
    constructor(
        IVotes token,
        TimelockController timelock,
        uint48 initialVotingDelay,
        uint32 initialVotingPeriod,
        uint256 initialProposalThreshold,
        uint256 quorumNumerator
    )
        Governor("WTAOGovernor")
        GovernorSettings(initialVotingDelay, initialVotingPeriod, initialProposalThreshold)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(quorumNumerator)
        GovernorTimelockControl(timelock)
    {}

    /// @dev Refuses a voting period below one tick of wTAO's clock (see the contract's `@dev`).
    function _setVotingPeriod(uint32 newVotingPeriod) internal override {
        if (newVotingPeriod < WTAO_CLOCK_QUANTUM) {
            revert GovernorInvalidVotingPeriod(newVotingPeriod);
        }
        super._setVotingPeriod(newVotingPeriod);
    }

    // The other overrides below only resolve Solidity's multiple inheritance; each calls `super`.

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function quorum(uint256 timepoint)
        public
        view
        override(Governor, GovernorVotesQuorumFraction)
        returns (uint256)
    {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (ProposalState)
    {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function proposalThreshold()
        public
        view
        override(Governor, GovernorSettings)
        returns (uint256)
    {
        return super.proposalThreshold();
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor()
        internal
        view
        override(Governor, GovernorTimelockControl)
        returns (address)
    {
        return super._executor();
    }
}
