// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

import {WtaoDeployment} from "../script/Deploy.s.sol";
import {TaoBridge} from "../src/TaoBridge.sol";
import {WTAOGovernor} from "../src/WTAOGovernor.sol";
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
        vm.warp(block.timestamp + 60); // the next tick of wTAO's clock
    }

    function _give(address to, uint256 amount) private {
        _mint(_one(nonce++, to, amount));
    }

    /// @dev The first second whose clock tick is past `timepoint`: voting opens there when
    /// `timepoint` is a proposal's snapshot, and closes there when it is its deadline.
    function _after(uint256 timepoint) private pure returns (uint256) {
        return timepoint - timepoint % 60 + 60;
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
        vm.warp(_after(governor.proposalSnapshot(id)) - 1);
        vm.assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Pending));
        vm.warp(_after(governor.proposalSnapshot(id)));
        vm.prank(alice);
        governor.castVote(id, 1);
        vm.prank(bob);
        governor.castVote(id, 1);
        vm.warp(_after(governor.proposalDeadline(id)) - 1);
        vm.assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Active));
        vm.warp(_after(governor.proposalDeadline(id)));
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
        vm.assertEq(uint256(governor.clock()), block.timestamp - block.timestamp % 60);
        vm.assertEq(uint256(governor.clock()), uint256(wtao.clock()));
        vm.assertEq(governor.timelock(), address(timelock));
        vm.assertEq(address(governor.token()), address(wtao));
        vm.assertEq(governor.quorum(governor.clock() - 1), 40e9); // 4 % of 1000 wTAO
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

        // As soon as voting opens, the relayer quorum mints the whole bucket to mallory.
        vm.warp(_after(snapshot));
        vm.assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Active));
        uint256 quorumAtSnapshot = governor.quorum(snapshot);
        _give(mallory, CAPACITY);
        vm.prank(mallory);
        wtao.delegate(mallory);
        vm.warp(_after(snapshot) + 60);
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

        vm.warp(_after(governor.proposalDeadline(id)));
        vm.assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Defeated));
    }

    /// @notice The contrast that makes the test above meaningful: minted and delegated before
    /// the snapshot, the same wTAO does vote.
    function test_MintedBeforeSnapshotVotes() public {
        _give(mallory, 50e9);
        vm.prank(mallory);
        wtao.delegate(mallory);
        vm.warp(block.timestamp + 60);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas,) =
            _proposal(abi.encodeCall(TaoBridge.unpause, ()), "Proposal");
        vm.prank(alice);
        uint256 id = governor.propose(targets, values, calldatas, "Proposal");
        vm.warp(_after(governor.proposalSnapshot(id)));
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

/// @notice wTAO's clock ticks once a minute (`WTAO.clock()`): what counts on a proposal is the
/// state just before voting opens, whatever second inside a tick things happen in. Devnet-like
/// settings (1 s voting delay, 300 s period), where the minute matters most.
contract WTAOGovernorClockTest is BridgeFixture {
    uint256 private constant T0 = 1_700_000_040; // a tick boundary (a multiple of 60)

    address private alice = makeAddr("alice");
    address private mallory = makeAddr("mallory");
    uint64 private nonce;

    function setUp() public {
        WtaoDeployment.Config memory config = _config(3, 2);
        config.votingDelay = 1;
        config.votingPeriod = 300;
        config.proposalThreshold = 0;
        config.quorumPercent = 4;
        _deploy(config);
        vm.warp(T0);
        _give(alice, 1000e9);
        vm.prank(alice);
        wtao.delegate(alice);
    }

    function _give(address to, uint256 amount) private {
        _mint(_one(nonce++, to, amount));
    }

    /// @dev mallory gets `amount` wTAO and votes with it from now on.
    function _arm(uint256 amount) private {
        _give(mallory, amount);
        vm.prank(mallory);
        wtao.delegate(mallory);
    }

    function _propose() private returns (uint256 id) {
        address[] memory targets = new address[](1);
        targets[0] = address(bridge);
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(TaoBridge.unpause, ());
        vm.prank(alice);
        id = governor.propose(targets, values, calldatas, "Proposal");
    }

    function _state(uint256 id) private view returns (IGovernor.ProposalState) {
        return governor.state(id);
    }

    /// @notice Proposed 10 s into a tick: the snapshot is the tick's start + 1 s, yet voting opens
    /// only at the next tick, and wTAO minted and delegated in between — 29 s after the proposal,
    /// 20 s past the nominal snapshot second — counts, as anything minted during the voting delay
    /// does with any clock. The weight is that of the state just before voting opened.
    function test_MintInProposalTickBeforeVotingOpensCounts() public {
        vm.warp(T0 + 60 + 10);
        uint256 id = _propose();
        vm.assertEq(governor.proposalSnapshot(id), T0 + 60 + 1);
        vm.warp(T0 + 60 + 39);
        vm.assertEq(uint256(_state(id)), uint256(IGovernor.ProposalState.Pending));
        _arm(50e9);
        vm.warp(T0 + 119);
        vm.assertEq(uint256(_state(id)), uint256(IGovernor.ProposalState.Pending));
        vm.warp(T0 + 120); // the first second of the next tick: voting opens
        vm.assertEq(uint256(_state(id)), uint256(IGovernor.ProposalState.Active));
        vm.assertEq(governor.quorum(T0 + 60 + 1), 1050e9 * 4 / 100);
        vm.prank(mallory);
        vm.assertEq(governor.castVote(id, 1), 50e9);
    }

    /// @notice From the first second voting is open to its last, newly minted and delegated wTAO
    /// weighs nothing and leaves the quorum where it was.
    function test_MintAfterVotingOpensHasNoVotes() public {
        vm.warp(T0 + 60 + 59);
        uint256 id = _propose();
        uint256 snapshot = governor.proposalSnapshot(id);
        vm.assertEq(snapshot, T0 + 60 + 1);
        vm.warp(T0 + 120);
        vm.assertEq(uint256(_state(id)), uint256(IGovernor.ProposalState.Active));
        uint256 quorum = governor.quorum(snapshot);
        _arm(50e9); // in the first second of voting
        vm.assertEq(wtao.getVotes(mallory), 50e9);
        vm.prank(mallory);
        vm.assertEq(governor.castVote(id, 1), 0);
        vm.assertEq(governor.quorum(snapshot), quorum);
        // The deadline is snapshot + 300 = T0 + 361: voting runs to the end of its tick.
        vm.assertEq(governor.proposalDeadline(id), T0 + 361);
        vm.warp(T0 + 419);
        vm.assertEq(uint256(_state(id)), uint256(IGovernor.ProposalState.Active));
        vm.assertEq(governor.getVotes(mallory, snapshot), 0);
        vm.warp(T0 + 420);
        vm.assertEq(uint256(_state(id)), uint256(IGovernor.ProposalState.Defeated));
    }

    /// @notice For any second of proposing and of minting: the minted wTAO counts on the proposal
    /// exactly when the proposal was still Pending at the mint, i.e. never once voting is open.
    function testFuzz_MintCountsIffBeforeVotingOpens(uint16 proposeAfter, uint16 mintAfter) public {
        vm.warp(T0 + 60 + bound(proposeAfter, 0, 600));
        uint256 id = _propose();
        vm.warp(block.timestamp + bound(mintAfter, 0, 400));
        bool pending = _state(id) == IGovernor.ProposalState.Pending;
        if (!pending && _state(id) != IGovernor.ProposalState.Active) return; // voting closed
        _arm(50e9);
        uint256 snapshot = governor.proposalSnapshot(id);
        // Move to the first second of voting (if not there yet) and vote.
        if (pending) vm.warp(snapshot - snapshot % 60 + 60);
        vm.assertEq(uint256(_state(id)), uint256(IGovernor.ProposalState.Active));
        vm.prank(mallory);
        vm.assertEq(governor.castVote(id, 1), pending ? 50e9 : 0);
        uint256 supplyAtSnapshot = pending ? 1050e9 : 1000e9;
        vm.assertEq(governor.quorum(snapshot), supplyAtSnapshot * 4 / 100, "quorum at snapshot");
    }

    /// @notice A voting period shorter than one tick could leave no tick in which to vote: the
    /// governor refuses it; one tick is the minimum.
    function test_RevertWhen_VotingPeriodBelowOneTick() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidVotingPeriod.selector, 59));
        new WTAOGovernor(wtao, timelock, 1, 59, 0, 4);
        WTAOGovernor ok = new WTAOGovernor(wtao, timelock, 1, 60, 0, 4);
        vm.assertEq(ok.votingPeriod(), 60);
    }
}
