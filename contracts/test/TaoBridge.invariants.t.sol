// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {WtaoDeployment} from "../script/Deploy.s.sol";
import {ITaoBridge} from "../src/interfaces/ITaoBridge.sol";
import {BridgeHandler} from "./handlers/BridgeHandler.sol";
import {TaoBridgeV2} from "./mocks/TaoBridgeV2.sol";
import {BridgeFixture} from "./utils/BridgeFixture.sol";

/// @notice Bridge safety invariants under random mints (fresh, replayed, duplicated nonces, short
/// signature sets), burns, pause/unpause and relayer rotations. See {BridgeHandler}.
contract TaoBridgeInvariantTest is BridgeFixture {
    BridgeHandler internal handler;

    function setUp() public virtual {
        WtaoDeployment.Config memory config = _config(7, 4); // pool of 7 keys
        // Start with the first 3 (by address) at threshold 2; the handler rotates among all 7.
        address[] memory first = new address[](3);
        uint256[] memory current = new uint256[](3);
        for (uint256 i; i < 3; ++i) {
            first[i] = relayerAddrs[i];
            current[i] = i;
        }
        config.relayers = first;
        config.threshold = 2;
        // A small bucket so the limit bites: 100 TAO, refilled over an hour.
        config.mintLimit = ITaoBridge.RateLimit(100e9, 1 hours);
        _deploy(config);

        handler =
            new BridgeHandler(bridge, wtao, address(timelock), guardian, relayerKeys, current, 2);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](6);
        selectors[0] = BridgeHandler.mint.selector;
        selectors[1] = BridgeHandler.burn.selector;
        selectors[2] = BridgeHandler.pause.selector;
        selectors[3] = BridgeHandler.unpause.selector;
        selectors[4] = BridgeHandler.rotate.selector;
        selectors[5] = BridgeHandler.warp.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @notice wTAO in existence is exactly what was minted minus what was burned.
    function invariant_SupplyEqualsMintedMinusBurned() public view {
        vm.assertEq(wtao.totalSupply(), handler.ghostMinted() - handler.ghostBurned());
        uint256 sum;
        for (uint256 i; i < 4; ++i) {
            sum += wtao.balanceOf(handler.actor(i));
        }
        vm.assertEq(sum, wtao.totalSupply(), "balances do not add up to the supply");
    }

    /// @notice No nonce ever mints twice, and every minted nonce reads as used.
    function invariant_NoNonceMintsTwice() public view {
        vm.assertEq(handler.ghostDoubleMints(), 0, "a nonce minted twice");
        uint256 n = handler.mintedNoncesLength();
        for (uint256 i; i < n; ++i) {
            vm.assertTrue(bridge.isNonceUsed(handler.mintedNonces(i)), "minted nonce not marked");
        }
    }

    /// @notice Nothing mints or burns while paused, and the flag matches the model.
    function invariant_NothingMovesWhilePaused() public view {
        vm.assertEq(handler.ghostMintsWhilePaused(), 0, "moved while paused");
        vm.assertEq(bridge.paused(), handler.ghostPaused());
    }

    /// @notice No mint exceeds the bucket, and the bucket matches an independent model.
    function invariant_MintsWithinRateLimit() public view {
        vm.assertEq(handler.ghostOverLimit(), 0, "minted beyond the rate limit");
        vm.assertEq(bridge.availableMint(), handler.modelAvailable(), "bucket drifted from model");
    }

    /// @notice Every batch the model calls valid did mint (a bridge rejecting all would fail).
    function invariant_ValidBatchesMint() public view {
        vm.assertEq(handler.ghostWrongRejections(), 0, "a valid batch was rejected");
    }

    /// @notice Burn nonces count the burns, from 0.
    function invariant_BurnNoncesCountBurns() public view {
        vm.assertEq(bridge.nextBurnNonce(), handler.ghostBurns());
    }
}

/// @notice The same invariants on the proxy after a UUPS upgrade to V2 (as the timelock would do
/// it), so an upgrade cannot silently break the storage the checks rely on.
contract TaoBridgeUpgradedInvariantTest is TaoBridgeInvariantTest {
    function setUp() public override {
        super.setUp();
        TaoBridgeV2 v2 = new TaoBridgeV2(address(wtao));
        vm.prank(address(timelock));
        bridge.upgradeToAndCall(address(v2), abi.encodeCall(TaoBridgeV2.initializeV2, ()));
    }
}
