// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC1967} from "@openzeppelin/contracts/interfaces/IERC1967.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SlotDerivation} from "@openzeppelin/contracts/utils/SlotDerivation.sol";

import {TaoBridge} from "../src/TaoBridge.sol";
import {ITaoBridge} from "../src/interfaces/ITaoBridge.sol";
import {TaoBridgeV2} from "./mocks/TaoBridgeV2.sol";
import {BridgeFixture} from "./utils/BridgeFixture.sol";

/// @notice TaoBridge: initialization, views, burn, admin functions, pause and upgrades.
/// (`mint` is in TaoBridge.mint.t.sol.)
contract TaoBridgeTest is BridgeFixture {
    address private alice = makeAddr("alice");
    address private stranger = makeAddr("stranger");
    bytes32 private constant TAO_RECIPIENT = keccak256("alice on TAO");

    function setUp() public {
        _deploy(3, 2);
    }

    // ------------------------------------------------------------------ initialization

    function test_Initialize_SetsState() public view {
        vm.assertEq(bridge.wtao(), address(wtao));
        vm.assertEq(wtao.bridge(), address(bridge));
        vm.assertEq(bridge.timelock(), address(timelock));
        vm.assertEq(bridge.guardian(), guardian);
        vm.assertEq(bridge.relayers(), relayerAddrs);
        vm.assertEq(bridge.threshold(), 2);
        vm.assertEq(bridge.mintLimit().capacity, CAPACITY);
        vm.assertEq(bridge.mintLimit().window, WINDOW);
        vm.assertEq(bridge.burnLimit().capacity, CAPACITY);
        vm.assertEq(bridge.burnLimit().window, WINDOW);
        vm.assertEq(bridge.availableMint(), CAPACITY);
        vm.assertEq(bridge.availableBurn(), CAPACITY);
        vm.assertEq(bridge.nextBurnNonce(), 0);
        vm.assertFalse(bridge.paused());
        vm.assertFalse(bridge.isNonceUsed(0));
        vm.assertGt(bridge.relayerSet().code.length, 0);
    }

    function test_Initialize_EmitsEvents() public {
        TaoBridge impl = new TaoBridge(address(wtao));
        address[] memory unsorted = new address[](3);
        (unsorted[0], unsorted[1], unsorted[2]) =
        (relayerAddrs[2], relayerAddrs[0], relayerAddrs[1]);
        ITaoBridge.RateLimit memory mintLimit = ITaoBridge.RateLimit(5e9, 60);
        ITaoBridge.RateLimit memory burnLimit = ITaoBridge.RateLimit(7e9, 90);
        vm.expectEmit();
        emit ITaoBridge.GuardianSet(address(0), guardian);
        vm.expectEmit();
        emit ITaoBridge.RelayersSet(relayerAddrs, 2, keccak256(abi.encode(relayerAddrs, 2)));
        vm.expectEmit();
        emit ITaoBridge.MintLimitSet(5e9, 60);
        vm.expectEmit();
        emit ITaoBridge.BurnLimitSet(7e9, 90);
        vm.expectEmit();
        emit Initializable.Initialized(1);
        new ERC1967Proxy(
            address(impl),
            abi.encodeCall(
                TaoBridge.initialize,
                (address(timelock), guardian, unsorted, 2, mintLimit, burnLimit)
            )
        );
    }

    function test_RevertWhen_InitializeTwice() public {
        ITaoBridge.RateLimit memory limit = ITaoBridge.RateLimit(CAPACITY, WINDOW);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        bridge.initialize(stranger, stranger, relayerAddrs, 2, limit, limit);
    }

    function test_RevertWhen_InitializeImplementation() public {
        ITaoBridge.RateLimit memory limit = ITaoBridge.RateLimit(CAPACITY, WINDOW);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        implementation.initialize(stranger, stranger, relayerAddrs, 2, limit, limit);
    }

    function test_RevertWhen_InitializeZeroTimelock() public {
        ITaoBridge.RateLimit memory limit = ITaoBridge.RateLimit(CAPACITY, WINDOW);
        TaoBridge impl = new TaoBridge(address(wtao));
        vm.expectRevert(ITaoBridge.TaoBridgeZeroAddress.selector);
        new ERC1967Proxy(
            address(impl),
            abi.encodeCall(
                TaoBridge.initialize, (address(0), guardian, relayerAddrs, 2, limit, limit)
            )
        );
    }

    function test_RevertWhen_InitializeInvalidBurnLimit() public {
        ITaoBridge.RateLimit memory good = ITaoBridge.RateLimit(CAPACITY, WINDOW);
        ITaoBridge.RateLimit memory bad = ITaoBridge.RateLimit(CAPACITY, 0);
        TaoBridge impl = new TaoBridge(address(wtao));
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidRateLimit.selector, CAPACITY, 0)
        );
        new ERC1967Proxy(
            address(impl),
            abi.encodeCall(
                TaoBridge.initialize, (address(timelock), guardian, relayerAddrs, 2, good, bad)
            )
        );
    }

    /// @dev Nomad: an uninitialized proxy reads a zero threshold; it must not mean "no
    /// signatures needed".
    function test_RevertWhen_MintOnUninitializedProxy() public {
        TaoBridge impl = new TaoBridge(address(wtao));
        TaoBridge bare = TaoBridge(address(new ERC1967Proxy(address(impl), "")));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeThresholdNotMet.selector, 0, 0));
        bare.mint(_one(0, makeAddr("alice"), 1), new bytes[](0));
    }

    function test_RevertWhen_ConstructedWithZeroWtao() public {
        vm.expectRevert(ITaoBridge.TaoBridgeZeroAddress.selector);
        new TaoBridge(address(0));
    }

    // ------------------------------------------------------------------ layout and constants

    function test_StorageLivesAtTheErc7201Slot() public view {
        bytes32 base = SlotDerivation.erc7201Slot("wtao.storage.TaoBridge");
        // Fields: mintState, burnState, timelock, guardian, nonceBitmap.
        vm.assertEq(
            address(uint160(uint256(vm.load(address(bridge), bytes32(uint256(base) + 2))))),
            address(timelock)
        );
        vm.assertEq(
            address(uint160(uint256(vm.load(address(bridge), bytes32(uint256(base) + 3))))),
            guardian
        );
        vm.assertEq(address(uint160(uint256(vm.load(address(bridge), base)))), bridge.relayerSet());
    }

    function test_TypeHashesMatchTheTypeStrings() public view {
        vm.assertEq(bridge.MINT_TYPEHASH(), MINT_TYPEHASH);
        vm.assertEq(bridge.MINT_BATCH_TYPEHASH(), MINT_BATCH_TYPEHASH);
    }

    function test_Eip712Domain() public view {
        (, string memory name, string memory version, uint256 chainId, address verifying,,) =
            bridge.eip712Domain();
        vm.assertEq(name, "TaoBridge");
        vm.assertEq(version, "1");
        vm.assertEq(chainId, block.chainid);
        vm.assertEq(verifying, address(bridge));
    }

    // ------------------------------------------------------------------ burn

    function test_Burn() public {
        _mint(_one(0, alice, 10e9));
        vm.expectEmit(address(wtao));
        emit IERC20.Transfer(alice, address(0), 4e9);
        vm.expectEmit(address(bridge));
        emit ITaoBridge.Burned(0, alice, TAO_RECIPIENT, 4e9);
        vm.prank(alice);
        uint64 nonce = bridge.burn(4e9, TAO_RECIPIENT);
        vm.assertEq(nonce, 0);
        vm.assertEq(wtao.balanceOf(alice), 6e9);
        vm.assertEq(wtao.totalSupply(), 6e9);
        vm.assertEq(bridge.nextBurnNonce(), 1);
        vm.assertEq(bridge.availableBurn(), CAPACITY - 4e9);
    }

    function test_Burn_NoncesIncrease() public {
        _mint(_one(0, alice, 10e9));
        for (uint64 i; i < 3; ++i) {
            vm.prank(alice);
            vm.assertEq(bridge.burn(1e9, TAO_RECIPIENT), i);
        }
        vm.assertEq(bridge.nextBurnNonce(), 3);
    }

    function test_Burn_RefillsOverTime() public {
        _mint(_one(0, alice, CAPACITY));
        vm.prank(alice);
        bridge.burn(CAPACITY, TAO_RECIPIENT);
        vm.assertEq(bridge.availableBurn(), 0);
        vm.warp(block.timestamp + WINDOW / 4);
        vm.assertEq(bridge.availableBurn(), CAPACITY / 4);
    }

    function test_RevertWhen_BurnZeroAmount() public {
        vm.prank(alice);
        vm.expectRevert(ITaoBridge.TaoBridgeZeroAmount.selector);
        bridge.burn(0, TAO_RECIPIENT);
    }

    function test_RevertWhen_BurnZeroTaoRecipient() public {
        vm.prank(alice);
        vm.expectRevert(ITaoBridge.TaoBridgeZeroTaoRecipient.selector);
        bridge.burn(1, bytes32(0));
    }

    function test_RevertWhen_BurnPaused() public {
        _mint(_one(0, alice, 10e9));
        vm.prank(guardian);
        bridge.pause();
        vm.prank(alice);
        vm.expectRevert(ITaoBridge.TaoBridgePaused.selector);
        bridge.burn(1e9, TAO_RECIPIENT);
    }

    function test_RevertWhen_BurnRateLimited() public {
        _mint(_one(0, alice, CAPACITY));
        vm.warp(block.timestamp + 1);
        _mint(_one(1, alice, CAPACITY / WINDOW));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeRateLimited.selector, CAPACITY + 1, CAPACITY)
        );
        bridge.burn(CAPACITY + 1, TAO_RECIPIENT);
    }

    function test_RevertWhen_BurnMoreThanBalance() public {
        _mint(_one(0, alice, 1e9));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, alice, 1e9, 1e9 + 1
            )
        );
        bridge.burn(1e9 + 1, TAO_RECIPIENT);
    }

    function testFuzz_Burn(uint256 minted, uint256 burned) public {
        minted = bound(minted, 1, CAPACITY);
        burned = bound(burned, 1, minted);
        _mint(_one(0, alice, minted));
        vm.prank(alice);
        bridge.burn(burned, TAO_RECIPIENT);
        vm.assertEq(wtao.balanceOf(alice), minted - burned);
        vm.assertEq(wtao.totalSupply(), minted - burned);
        vm.assertEq(bridge.availableBurn(), CAPACITY - burned);
    }

    // ------------------------------------------------------------------ setRelayers

    function test_SetRelayers() public {
        _makeRelayers("next", 4);
        address[] memory reversed = new address[](4);
        for (uint256 i; i < 4; ++i) {
            reversed[i] = relayerAddrs[3 - i];
        }
        vm.expectEmit(address(bridge));
        emit ITaoBridge.RelayersSet(relayerAddrs, 3, keccak256(abi.encode(relayerAddrs, 3)));
        vm.prank(address(timelock));
        bridge.setRelayers(reversed, 3);
        vm.assertEq(bridge.relayers(), relayerAddrs);
        vm.assertEq(bridge.threshold(), 3);
        // The new set mints; limits and bucket are untouched.
        _mint(_one(0, alice, 1e9));
        vm.assertEq(bridge.mintLimit().capacity, CAPACITY);
        vm.assertEq(bridge.availableMint(), CAPACITY - 1e9);
    }

    function test_SetRelayers_OneOfOne() public {
        address[] memory one = new address[](1);
        one[0] = relayerAddrs[0];
        vm.prank(address(timelock));
        bridge.setRelayers(one, 1);
        vm.assertEq(bridge.threshold(), 1);
    }

    function test_SetRelayers_KeepsPause() public {
        vm.prank(guardian);
        bridge.pause();
        vm.prank(address(timelock));
        bridge.setRelayers(relayerAddrs, 3);
        vm.assertTrue(bridge.paused());
    }

    function test_RevertWhen_SetRelayersUnauthorized() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, guardian));
        bridge.setRelayers(relayerAddrs, 2);
    }

    /// @dev Ronin: 5 of 9 passed this rule and still fell to 4 keys in one place plus one
    /// forgotten allowance; 4 of 9 is refused outright.
    function test_RevertWhen_SetRelayersMinority() public {
        _makeRelayers("nine", 9);
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidThreshold.selector, 4, 9));
        bridge.setRelayers(relayerAddrs, 4);
    }

    function test_RevertWhen_SetRelayersExactlyHalf() public {
        _makeRelayers("four", 4);
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidThreshold.selector, 2, 4));
        bridge.setRelayers(relayerAddrs, 2);
    }

    function test_RevertWhen_SetRelayersThresholdAboveCount() public {
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidThreshold.selector, 4, 3));
        bridge.setRelayers(relayerAddrs, 4);
    }

    function test_RevertWhen_SetRelayersEmpty() public {
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidThreshold.selector, 0, 0));
        bridge.setRelayers(new address[](0), 0);
    }

    function test_RevertWhen_SetRelayersTooMany() public {
        address[] memory many = new address[](256);
        for (uint256 i; i < 256; ++i) {
            many[i] = address(uint160(i + 1));
        }
        vm.prank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidThreshold.selector, 200, 256)
        );
        bridge.setRelayers(many, 200);
    }

    function test_RevertWhen_SetRelayersZeroAddress() public {
        address[] memory set = relayerAddrs;
        set[1] = address(0);
        vm.prank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidRelayer.selector, address(0))
        );
        bridge.setRelayers(set, 2);
    }

    function test_RevertWhen_SetRelayersDuplicate() public {
        address[] memory set = relayerAddrs;
        set[2] = set[0];
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidRelayer.selector, set[0]));
        bridge.setRelayers(set, 2);
    }

    /// @dev The threshold rule, exhaustively in distribution: accepted iff n/2 < k <= n.
    function testFuzz_SetRelayers_ThresholdRule(uint256 n, uint256 k) public {
        n = bound(n, 1, 20);
        k = bound(k, 0, 25);
        address[] memory set = new address[](n);
        for (uint256 i; i < n; ++i) {
            set[i] = address(uint160(uint256(keccak256(abi.encode(i)))));
        }
        bool valid = 2 * k > n && k <= n;
        if (!valid) {
            vm.expectRevert(
                abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidThreshold.selector, k, n)
            );
        }
        vm.prank(address(timelock));
        bridge.setRelayers(set, k);
        if (valid) {
            vm.assertEq(bridge.threshold(), k);
            vm.assertEq(bridge.relayers().length, n);
        }
    }

    // ------------------------------------------------------------------ limits

    function test_SetMintLimit() public {
        _mint(_one(0, alice, CAPACITY - 10e9)); // 10 TAO left
        vm.expectEmit(address(bridge));
        emit ITaoBridge.MintLimitSet(50e9, 1 hours);
        vm.prank(address(timelock));
        bridge.setMintLimit(ITaoBridge.RateLimit(50e9, 1 hours));
        vm.assertEq(bridge.mintLimit().capacity, 50e9);
        vm.assertEq(bridge.mintLimit().window, 1 hours);
        vm.assertEq(bridge.availableMint(), 10e9); // kept, not refilled to the new capacity
        vm.assertEq(bridge.relayers(), relayerAddrs);
        vm.assertEq(bridge.threshold(), 2);
        vm.warp(block.timestamp + 1 hours);
        vm.assertEq(bridge.availableMint(), 50e9);
    }

    function test_SetMintLimit_ClampsToNewCapacity() public {
        vm.prank(address(timelock));
        bridge.setMintLimit(ITaoBridge.RateLimit(3e9, 1 hours));
        vm.assertEq(bridge.availableMint(), 3e9);
        ITaoBridge.Mint[] memory batch = _one(0, alice, 3e9 + 1);
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeRateLimited.selector, 3e9 + 1, 3e9)
        );
        bridge.mint(batch, sigs);
    }

    function test_SetMintLimit_KeepsPause() public {
        vm.prank(guardian);
        bridge.pause();
        vm.prank(address(timelock));
        bridge.setMintLimit(ITaoBridge.RateLimit(3e9, 1 hours));
        vm.assertTrue(bridge.paused());
    }

    function test_RevertWhen_SetMintLimitUnauthorized() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, stranger));
        bridge.setMintLimit(ITaoBridge.RateLimit(3e9, 1 hours));
    }

    function test_RevertWhen_SetMintLimitZeroCapacity() public {
        vm.prank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidRateLimit.selector, 0, 60)
        );
        bridge.setMintLimit(ITaoBridge.RateLimit(0, 60));
    }

    function test_RevertWhen_SetMintLimitZeroWindow() public {
        vm.prank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidRateLimit.selector, 1e9, 0)
        );
        bridge.setMintLimit(ITaoBridge.RateLimit(1e9, 0));
    }

    function test_RevertWhen_SetMintLimitAboveMaxCapacity() public {
        uint64 tooBig = bridge.MAX_CAPACITY() + 1;
        vm.prank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidRateLimit.selector, tooBig, 60)
        );
        bridge.setMintLimit(ITaoBridge.RateLimit(tooBig, 60));
    }

    function test_SetBurnLimit() public {
        _mint(_one(0, alice, 20e9));
        vm.prank(alice);
        bridge.burn(20e9, TAO_RECIPIENT);
        vm.expectEmit(address(bridge));
        emit ITaoBridge.BurnLimitSet(5e9, 2 hours);
        vm.prank(address(timelock));
        bridge.setBurnLimit(ITaoBridge.RateLimit(5e9, 2 hours));
        vm.assertEq(bridge.burnLimit().capacity, 5e9);
        vm.assertEq(bridge.burnLimit().window, 2 hours);
        vm.assertEq(bridge.availableBurn(), 5e9); // clamped
        vm.assertEq(bridge.nextBurnNonce(), 1); // kept
    }

    function test_SetBurnLimit_KeepsPause() public {
        vm.prank(guardian);
        bridge.pause();
        vm.prank(address(timelock));
        bridge.setBurnLimit(ITaoBridge.RateLimit(5e9, 2 hours));
        vm.prank(alice);
        vm.expectRevert(ITaoBridge.TaoBridgePaused.selector);
        bridge.burn(1, TAO_RECIPIENT);
    }

    function test_RevertWhen_SetBurnLimitUnauthorized() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, guardian));
        bridge.setBurnLimit(ITaoBridge.RateLimit(5e9, 2 hours));
    }

    function test_RevertWhen_SetBurnLimitInvalid() public {
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidRateLimit.selector, 0, 1));
        bridge.setBurnLimit(ITaoBridge.RateLimit(0, 1));
    }

    // ------------------------------------------------------------------ guardian and pause

    function test_SetGuardian() public {
        address next = makeAddr("next-guardian");
        vm.expectEmit(address(bridge));
        emit ITaoBridge.GuardianSet(guardian, next);
        vm.prank(address(timelock));
        bridge.setGuardian(next);
        vm.assertEq(bridge.guardian(), next);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, guardian));
        bridge.pause();
        vm.prank(next);
        bridge.pause();
        vm.assertTrue(bridge.paused());
    }

    function test_RevertWhen_SetGuardianUnauthorized() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, guardian));
        bridge.setGuardian(guardian);
    }

    function test_Pause_ByGuardian() public {
        vm.expectEmit(address(bridge));
        emit ITaoBridge.Paused(guardian);
        vm.prank(guardian);
        bridge.pause();
        vm.assertTrue(bridge.paused());
    }

    function test_Pause_ByTimelock() public {
        vm.expectEmit(address(bridge));
        emit ITaoBridge.Paused(address(timelock));
        vm.prank(address(timelock));
        bridge.pause();
        vm.assertTrue(bridge.paused());
    }

    function test_RevertWhen_PauseUnauthorized() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, stranger));
        bridge.pause();
    }

    function test_RevertWhen_PauseTwice() public {
        vm.prank(guardian);
        bridge.pause();
        vm.prank(guardian);
        vm.expectRevert(ITaoBridge.TaoBridgePaused.selector);
        bridge.pause();
    }

    function test_Unpause() public {
        vm.prank(guardian);
        bridge.pause();
        vm.expectEmit(address(bridge));
        emit ITaoBridge.Unpaused(address(timelock));
        vm.prank(address(timelock));
        bridge.unpause();
        vm.assertFalse(bridge.paused());
        _mint(_one(0, alice, 1e9));
        vm.prank(alice);
        bridge.burn(1e9, TAO_RECIPIENT);
    }

    function test_RevertWhen_GuardianUnpauses() public {
        vm.prank(guardian);
        bridge.pause();
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, guardian));
        bridge.unpause();
    }

    function test_RevertWhen_UnpauseNotPaused() public {
        vm.prank(address(timelock));
        vm.expectRevert(ITaoBridge.TaoBridgeNotPaused.selector);
        bridge.unpause();
    }

    // ------------------------------------------------------------------ upgrades

    function test_UpgradeToAndCall_ByTimelock() public {
        _mint(_one(5, alice, 3e9));
        TaoBridgeV2 v2 = new TaoBridgeV2(address(wtao));
        vm.expectEmit(address(bridge));
        emit IERC1967.Upgraded(address(v2));
        vm.prank(address(timelock));
        bridge.upgradeToAndCall(address(v2), abi.encodeCall(TaoBridgeV2.initializeV2, ()));
        vm.assertEq(TaoBridgeV2(address(bridge)).version(), 2);
        vm.assertEq(TaoBridgeV2(address(bridge)).migratedAt(), block.timestamp);
        vm.assertTrue(bridge.isNonceUsed(5));
        vm.assertEq(bridge.relayers(), relayerAddrs);
        vm.assertEq(bridge.availableMint(), CAPACITY - 3e9);
        vm.assertEq(bridge.timelock(), address(timelock));
    }

    function test_RevertWhen_UpgradeUnauthorized() public {
        TaoBridgeV2 v2 = new TaoBridgeV2(address(wtao));
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, guardian));
        bridge.upgradeToAndCall(address(v2), "");
    }

    function test_RevertWhen_UpgradeToNonUups() public {
        vm.prank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(
                ERC1967Utils.ERC1967InvalidImplementation.selector, address(wtao)
            )
        );
        bridge.upgradeToAndCall(address(wtao), "");
    }

    function test_RevertWhen_UpgradeCalledOnImplementation() public {
        vm.prank(address(timelock));
        vm.expectRevert(UUPSUpgradeable.UUPSUnauthorizedCallContext.selector);
        implementation.upgradeToAndCall(address(implementation), "");
    }
}
