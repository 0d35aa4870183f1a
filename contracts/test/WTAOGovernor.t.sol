// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

import {WtaoDeployment} from "../script/Deploy.s.sol";
import {TaoBridge} from "../src/TaoBridge.sol";
import {ITaoBridge} from "../src/interfaces/ITaoBridge.sol";
import {TaoBridgeV2} from "./mocks/TaoBridgeV2.sol";
import {BridgeFixture} from "./utils/BridgeFixture.sol";

/// @notice Governance end to end: wTAO holders upgrade the bridge, rotate relayers and unpause it
/// through Governor -> Timelock, and wTAO minted after a proposal's snapshot carries no weight.
contract WTAOGovernorTest is BridgeFixture {
    uint48 private constant VOTING_DELAY = 1 days;
    uint32 private constant VOTING_PERIOD = 5 days;
    uint256 private constant TIMELOCK_DELAY = 2 days;
    uint256 private constant PROPOSAL_THRESHOLD = 1e9; // 1 wTAO of votes

    address private alice = makeAddr("alice");
    address private bob = makeAddr("bob");
    address private mallory = makeAddr("mallory");

    uint64 private nonce;

    function setUp() public {
        WtaoDeployment.Config memory config = _config(3, 2);
        config.votingDelay = VOTING_DELAY;
        config.votingPeriod = VOTING_PERIOD;
        config.timelockDelay = TIMELOCK_DELAY;
        config.proposalThreshold = PROPOSAL_THRESHOLD;
        config.quorumPercent = 4;
        _deploy(config);
        // alice 600 wTAO, bob 400 wTAO, both self-delegated; then time moves on so the votes
        // are in the past.
        _give(alice, 600e9);
        _give(bob, 400e9);
        vm.prank(alice);
        wtao.delegate(alice);
        vm.prank(bob);
        wtao.delegate(bob);
        vm.warp(block.timestamp + 1);
    }

    function _give(address to, uint256 amount) private {
        _mint(_one(nonce++, to, amount));
    }

    function _proposal(bytes memory call, string memory description)
        private
        view
        returns (
            address[] memory targets,
            uint256[] memory values,
            bytes[] memory calldatas,
            bytes32 hash
        )
    {
        targets = new address[](1);
        targets[0] = address(bridge);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = call;
        hash = keccak256(bytes(description));
    }

    /// @dev propose (by alice) -> vote (alice, bob: for) -> queue -> execute.
    function _pass(bytes memory call, string memory description) private returns (uint256 id) {
        (
            address[] memory targets,
            uint256[] memory values,
            bytes[] memory calldatas,
            bytes32 hash
        ) = _proposal(call, description);
        vm.prank(alice);
        id = governor.propose(targets, values, calldatas, description);
        vm.warp(governor.proposalSnapshot(id) + 1);
        vm.prank(alice);
        governor.castVote(id, 1);
        vm.prank(bob);
        governor.castVote(id, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        vm.assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Succeeded));
        governor.queue(targets, values, calldatas, hash);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        governor.execute(targets, values, calldatas, hash);
        vm.assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Executed));
    }

    function test_Settings() public view {
        vm.assertEq(governor.name(), "WTAOGovernor");
        vm.assertEq(governor.votingDelay(), VOTING_DELAY);
        vm.assertEq(governor.votingPeriod(), VOTING_PERIOD);
        vm.assertEq(governor.proposalThreshold(), PROPOSAL_THRESHOLD);
        vm.assertEq(governor.quorumNumerator(), 4);
        vm.assertEq(governor.CLOCK_MODE(), "mode=timestamp");
        vm.assertEq(uint256(governor.clock()), block.timestamp);
        vm.assertEq(governor.timelock(), address(timelock));
        vm.assertEq(address(governor.token()), address(wtao));
        vm.assertEq(governor.quorum(block.timestamp - 1), 40e9); // 4 % of 1000 wTAO
    }

    /// @notice delegate, propose `upgradeToAndCall` to V2, vote, queue, warp, execute: the proxy
    /// runs V2 and every piece of V1 state is intact.
    function test_UpgradeThroughGovernance() public {
        vm.prank(alice);
        bridge.burn(10e9, keccak256("alice on TAO"));
        address setBefore = bridge.relayerSet();
        uint256 availableMintBefore = bridge.availableMint();

        TaoBridgeV2 v2 = new TaoBridgeV2(address(wtao));
        _pass(
            abi.encodeCall(
                bridge.upgradeToAndCall, (address(v2), abi.encodeCall(TaoBridgeV2.initializeV2, ()))
            ),
            "Upgrade TaoBridge to V2"
        );

        TaoBridgeV2 upgraded = TaoBridgeV2(address(bridge));
        vm.assertEq(upgraded.version(), 2);
        vm.assertGt(upgraded.migratedAt(), 0);
        // V1 storage intact.
        vm.assertEq(bridge.timelock(), address(timelock));
        vm.assertEq(bridge.guardian(), guardian);
        vm.assertEq(bridge.relayerSet(), setBefore);
        vm.assertEq(bridge.relayers(), relayerAddrs);
        vm.assertEq(bridge.threshold(), 2);
        vm.assertTrue(bridge.isNonceUsed(0));
        vm.assertTrue(bridge.isNonceUsed(1));
        vm.assertFalse(bridge.isNonceUsed(2));
        vm.assertEq(bridge.nextBurnNonce(), 1);
        vm.assertGe(bridge.availableMint(), availableMintBefore);
        vm.assertEq(wtao.balanceOf(alice), 590e9);
        // ...and it still bridges: nonces stay spent, new ones mint.
        ITaoBridge.Mint[] memory replay = _one(0, alice, 600e9);
        bytes[] memory sigs = _sign(replay);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 0));
        bridge.mint(replay, sigs);
        _give(bob, 1e9);
        vm.assertEq(wtao.balanceOf(bob), 401e9);
    }

    /// @notice Rotating relayers by vote: the old set's signatures die in the execution block.
    function test_RotateRelayersThroughGovernance() public {
        ITaoBridge.Mint[] memory batch = _one(nonce, alice, 1e9);
        bytes[] memory oldSigs = _sign(batch); // by the current (old) set
        _makeRelayers("rotated", 5);
        _pass(abi.encodeCall(TaoBridge.setRelayers, (relayerAddrs, 4)), "Rotate relayers");
        vm.assertEq(bridge.relayers(), relayerAddrs);
        vm.assertEq(bridge.threshold(), 4);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeThresholdNotMet.selector, 2, 4));
        bridge.mint(batch, oldSigs);
        bridge.mint(batch, _sign(batch));
        vm.assertEq(wtao.balanceOf(alice), 601e9);
    }

    /// @notice The guardian pauses in one transaction; only a vote unpauses.
    function test_UnpauseThroughGovernance() public {
        vm.prank(guardian);
        bridge.pause();
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, guardian));
        bridge.unpause();
        _pass(abi.encodeCall(TaoBridge.unpause, ()), "Unpause the bridge");
        vm.assertFalse(bridge.paused());
    }

    /// @notice The governor itself holds no bridge power: only the timelock does.
    function test_RevertWhen_GovernorCallsBridgeDirectly() public {
        vm.prank(address(governor));
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, address(governor))
        );
        bridge.setRelayers(relayerAddrs, 3);
    }

    /// @notice wTAO minted after a proposal's snapshot gives no votes on it, and does not move
    /// its quorum: a compromised relayer quorum cannot mint itself an upgrade once a proposal is
    /// live. (Minted before the snapshot, it would count: that is what the rate limit, the voting
    /// delay and the guardian's pause are for.)
    function test_MintedAfterSnapshotHasNoVotes() public {
        TaoBridgeV2 evil = new TaoBridgeV2(address(wtao));
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas,) = _proposal(
            abi.encodeCall(bridge.upgradeToAndCall, (address(evil), "")), "Totally benign upgrade"
        );
        vm.prank(alice); // anyone above the threshold may propose; alice votes against later
        uint256 id = governor.propose(targets, values, calldatas, "Totally benign upgrade");
        uint256 snapshot = governor.proposalSnapshot(id);

        // Just after the snapshot, the relayer quorum mints the whole bucket to mallory.
        vm.warp(snapshot + 1);
        uint256 quorumAtSnapshot = governor.quorum(snapshot);
        _give(mallory, CAPACITY);
        vm.prank(mallory);
        wtao.delegate(mallory);
        vm.warp(snapshot + 2);
        vm.assertEq(wtao.getVotes(mallory), CAPACITY); // real votes now...
        vm.assertEq(governor.getVotes(mallory, snapshot), 0); // ...but none at the snapshot

        vm.prank(mallory);
        uint256 weight = governor.castVote(id, 1);
        vm.assertEq(weight, 0);
        vm.prank(alice);
        governor.castVote(id, 0);
        vm.assertEq(governor.quorum(snapshot), quorumAtSnapshot);
        (uint256 against, uint256 forVotes,) = governor.proposalVotes(id);
        vm.assertEq(forVotes, 0);
        vm.assertEq(against, 600e9);

        vm.warp(governor.proposalDeadline(id) + 1);
        vm.assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Defeated));
    }

    /// @notice The contrast that makes the test above meaningful: minted and delegated before
    /// the snapshot, the same wTAO does vote.
    function test_MintedBeforeSnapshotVotes() public {
        _give(mallory, 50e9);
        vm.prank(mallory);
        wtao.delegate(mallory);
        vm.warp(block.timestamp + 1);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas,) =
            _proposal(abi.encodeCall(TaoBridge.unpause, ()), "Proposal");
        vm.prank(alice);
        uint256 id = governor.propose(targets, values, calldatas, "Proposal");
        vm.warp(governor.proposalSnapshot(id) + 1);
        vm.prank(mallory);
        vm.assertEq(governor.castVote(id, 1), 50e9);
    }

    function test_RevertWhen_ProposerBelowThreshold() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas,) =
            _proposal(abi.encodeCall(TaoBridge.unpause, ()), "Proposal");
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorInsufficientProposerVotes.selector, mallory, 0, PROPOSAL_THRESHOLD
            )
        );
        governor.propose(targets, values, calldatas, "Proposal");
    }
}
