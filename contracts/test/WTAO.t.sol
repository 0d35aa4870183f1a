// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";

import {WTAO} from "../src/WTAO.sol";
import {ITaoBridge} from "../src/interfaces/ITaoBridge.sol";
import {IWTAO} from "../src/interfaces/IWTAO.sol";
import {ReferenceVotesToken} from "./mocks/ReferenceVotesToken.sol";
import {Test} from "./utils/Test.sol";

/// @notice WTAO on its own, with this test contract as the bridge.
contract WTAOTest is Test {
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    WTAO private token;
    ReferenceVotesToken private ref;
    address private alice = makeAddr("alice");
    address private bob = makeAddr("bob");

    function setUp() public {
        token = new WTAO(address(this));
        ref = new ReferenceVotesToken();
    }

    function _mints(address[] memory to, uint256[] memory amounts)
        private
        pure
        returns (ITaoBridge.Mint[] memory batch)
    {
        batch = new ITaoBridge.Mint[](to.length);
        for (uint256 i; i < to.length; ++i) {
            batch[i] = ITaoBridge.Mint(uint64(i), bytes32(i), to[i], amounts[i]);
        }
    }

    /// @dev The length of ERC20Votes' total-supply checkpoint array (`_totalCheckpoints`, slot 10
    /// per `forge inspect WTAO storageLayout`).
    function _supplyCheckpoints() private view returns (uint256) {
        return uint256(vm.load(address(token), bytes32(uint256(10))));
    }

    function _pair(address a, uint256 x, address b, uint256 y)
        private
        pure
        returns (ITaoBridge.Mint[] memory)
    {
        address[] memory to = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (to[0], to[1], amounts[0], amounts[1]) = (a, b, x, y);
        return _mints(to, amounts);
    }

    // ------------------------------------------------------------------ metadata

    function test_Metadata() public view {
        vm.assertEq(token.name(), "Wrapped TAO");
        vm.assertEq(token.symbol(), "wTAO");
        vm.assertEq(uint256(token.decimals()), 9);
        vm.assertEq(token.bridge(), address(this));
        (, string memory name, string memory version,,,,) = token.eip712Domain();
        vm.assertEq(name, "Wrapped TAO");
        vm.assertEq(version, "1");
    }

    function test_ClockIsTimestampToTheMinute() public {
        vm.assertEq(uint256(token.CLOCK_QUANTUM()), 60);
        vm.assertEq(token.CLOCK_MODE(), "mode=timestamp");
        vm.warp(1_700_000_040); // a multiple of 60: a tick starts
        vm.assertEq(uint256(token.clock()), 1_700_000_040);
        vm.warp(1_700_000_099); // the same tick
        vm.assertEq(uint256(token.clock()), 1_700_000_040);
        vm.warp(1_700_000_100); // the next one
        vm.assertEq(uint256(token.clock()), 1_700_000_100);
    }

    /// @notice The clock is the timestamp rounded down to a multiple of 60, never ahead of it nor
    /// a minute or more behind, and non-decreasing (ERC-6372).
    function testFuzz_ClockQuantizedAndMonotonic(uint48 t, uint32 step) public {
        t = uint48(bound(t, 1, type(uint48).max - type(uint32).max));
        vm.warp(t);
        uint256 c = token.clock();
        vm.assertEq(c % 60, 0);
        vm.assertLe(c, t);
        vm.assertGt(c + 60, t);
        vm.warp(uint256(t) + step);
        uint256 later = token.clock();
        vm.assertGe(later, c);
        vm.assertEq(later % 60, 0);
        vm.assertEq(later - c >= 60, uint256(t) + step >= c + 60);
    }

    /// @notice Every supply change in one tick updates one total-supply checkpoint; the first
    /// change in the next tick adds one. Past values need the tick to be over.
    function test_OneSupplyCheckpointPerTick() public {
        vm.warp(1_700_000_040);
        token.mintBatch(_pair(alice, 1, bob, 2));
        vm.warp(1_700_000_052);
        token.mintBatch(_pair(alice, 3, bob, 4));
        token.bridgeBurn(alice, 1);
        vm.warp(1_700_000_099);
        vm.expectRevert(
            abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, 1_700_000_040, 1_700_000_040)
        );
        token.getPastTotalSupply(1_700_000_040);
        vm.warp(1_700_000_100);
        vm.assertEq(token.getPastTotalSupply(1_700_000_040), 9);
        vm.assertEq(token.getPastTotalSupply(1_700_000_099), 9);
        token.mintBatch(_pair(alice, 5, bob, 6));
        vm.warp(1_700_000_160);
        vm.assertEq(token.getPastTotalSupply(1_700_000_040), 9);
        vm.assertEq(token.getPastTotalSupply(1_700_000_100), 20);
        // Two checkpoints in all, keyed by the tick.
        vm.assertEq(uint256(_supplyCheckpoints()), 2);
    }

    function test_RevertWhen_ConstructedWithZeroBridge() public {
        vm.expectRevert(IWTAO.WTAOZeroBridge.selector);
        new WTAO(address(0));
    }

    function test_DelegatesOfZeroIsZero() public view {
        vm.assertEq(token.delegates(address(0)), address(0));
    }

    // ------------------------------------------------------------------ mintBatch

    function test_MintBatch() public {
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, 3);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), bob, 4);
        uint256 total = token.mintBatch(_pair(alice, 3, bob, 4));
        vm.assertEq(total, 7);
        vm.assertEq(token.balanceOf(alice), 3);
        vm.assertEq(token.balanceOf(bob), 4);
        vm.assertEq(token.totalSupply(), 7);
    }

    function test_MintBatch_MovesVotesOfDelegatedRecipients() public {
        vm.prank(alice);
        token.delegate(alice);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, 3);
        vm.expectEmit(address(token));
        emit IVotes.DelegateVotesChanged(alice, 0, 3);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), bob, 4);
        token.mintBatch(_pair(alice, 3, bob, 4));
        vm.assertEq(token.getVotes(alice), 3);
        vm.assertEq(token.getVotes(bob), 0);
        vm.warp(block.timestamp + 60);
        vm.assertEq(token.getPastTotalSupply(token.clock() - 1), 7);
    }

    function test_RevertWhen_MintBatchNotBridge() public {
        ITaoBridge.Mint[] memory batch = _pair(alice, 1, bob, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWTAO.WTAOUnauthorized.selector, alice));
        token.mintBatch(batch);
    }

    function test_RevertWhen_MintBatchToZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0))
        );
        token.mintBatch(_pair(alice, 1, address(0), 1));
    }

    function test_RevertWhen_MintBatchAboveSafeSupply() public {
        uint256 cap = type(uint208).max;
        vm.expectRevert(
            abi.encodeWithSelector(ERC20Votes.ERC20ExceededSafeSupply.selector, cap + 1, cap)
        );
        token.mintBatch(_pair(alice, cap, bob, 1));
    }

    /// @dev Batched minting leaves exactly the state of one `_mint` per entry: balances, supply,
    /// every delegate's votes, and past supply and votes at every timepoint touched.
    function testFuzz_MintBatch_MatchesOneMintAtATime(
        uint256 seed,
        uint8 rounds,
        uint8 delegationBits
    ) public {
        rounds = uint8(bound(rounds, 1, 5));
        address[4] memory holders = [alice, bob, makeAddr("carol"), makeAddr("dave")];
        // Some holders delegate (to themselves or to another holder), some do not.
        for (uint256 h; h < 4; ++h) {
            if ((delegationBits >> h) & 1 == 1) {
                address to = holders[(delegationBits >> (4 + h / 2)) % 4];
                vm.prank(holders[h]);
                token.delegate(to);
                vm.prank(holders[h]);
                ref.delegate(to);
            }
        }
        uint256[] memory times = new uint256[](rounds);
        for (uint256 r; r < rounds; ++r) {
            uint256 n = bound(uint256(keccak256(abi.encode(seed, r))), 1, 6);
            address[] memory to = new address[](n);
            uint256[] memory amounts = new uint256[](n);
            for (uint256 i; i < n; ++i) {
                uint256 x = uint256(keccak256(abi.encode(seed, r, i)));
                to[i] = holders[x % 4];
                amounts[i] = bound(x >> 8, 1, 1e18);
                ref.mint(to[i], amounts[i]);
            }
            token.mintBatch(_mints(to, amounts));
            times[r] = block.timestamp;
            // 12 to 84 s: the next round may share this one's clock tick or not.
            vm.warp(block.timestamp + 12 * (1 + (seed >> (3 * r)) % 7));
        }
        vm.warp(block.timestamp + 60); // every round's tick is in the past
        vm.assertEq(token.totalSupply(), ref.totalSupply());
        for (uint256 h; h < 4; ++h) {
            vm.assertEq(token.balanceOf(holders[h]), ref.balanceOf(holders[h]));
            vm.assertEq(token.getVotes(holders[h]), ref.getVotes(holders[h]));
            vm.assertEq(token.numCheckpoints(holders[h]), ref.numCheckpoints(holders[h]));
        }
        for (uint256 r; r < rounds; ++r) {
            vm.assertEq(token.getPastTotalSupply(times[r]), ref.getPastTotalSupply(times[r]));
            for (uint256 h; h < 4; ++h) {
                vm.assertEq(
                    token.getPastVotes(holders[h], times[r]), ref.getPastVotes(holders[h], times[r])
                );
            }
        }
    }

    // ------------------------------------------------------------------ bridgeBurn

    function test_BridgeBurn() public {
        token.mintBatch(_pair(alice, 5, bob, 1));
        vm.prank(alice);
        token.delegate(alice);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, address(0), 2);
        token.bridgeBurn(alice, 2);
        vm.assertEq(token.balanceOf(alice), 3);
        vm.assertEq(token.totalSupply(), 4);
        vm.assertEq(token.getVotes(alice), 3);
    }

    function test_RevertWhen_BridgeBurnNotBridge() public {
        token.mintBatch(_pair(alice, 5, bob, 1));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWTAO.WTAOUnauthorized.selector, alice));
        token.bridgeBurn(alice, 1);
    }

    function test_RevertWhen_BridgeBurnMoreThanBalance() public {
        token.mintBatch(_pair(alice, 5, bob, 1));
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, 1, 2)
        );
        token.bridgeBurn(bob, 2);
    }

    // ------------------------------------------------------------------ ERC-20 and permit

    function test_Transfer() public {
        token.mintBatch(_pair(alice, 5, bob, 1));
        vm.prank(alice);
        vm.assertTrue(token.transfer(bob, 2));
        vm.assertEq(token.balanceOf(bob), 3);
    }

    function test_Permit() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, bob, 7e9, token.nonces(owner), deadline));
        bytes32 domain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("Wrapped TAO"),
                keccak256("1"),
                block.chainid,
                address(token)
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked(hex"1901", domain, structHash)));
        token.permit(owner, bob, 7e9, deadline, v, r, s);
        vm.assertEq(token.allowance(owner, bob), 7e9);
        vm.assertEq(token.nonces(owner), 1);
    }
}
