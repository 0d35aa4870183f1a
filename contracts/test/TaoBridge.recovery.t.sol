// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ITaoBridge} from "../src/interfaces/ITaoBridge.sol";
import {BridgeFixture} from "./utils/BridgeFixture.sol";

/// @notice `voidNonces`: the Ethereum half of recovering a batch that can never mint (issue 17).
/// Governance voids the stuck batch's nonces; from then on no signature, old or new, mints them,
/// and only then does the TAO chain's root refund (or re-lock) those locks. The procedure is in
/// `contracts/README.md` ("Recovering a stuck batch").
contract TaoBridgeRecoveryTest is BridgeFixture {
    address private alice = makeAddr("alice");
    address private stranger = makeAddr("stranger");

    function setUp() public {
        _deploy(3, 2);
    }

    function _nonces(uint64 first, uint256 n) private pure returns (uint64[] memory nonces) {
        nonces = new uint64[](n);
        for (uint256 i; i < n; ++i) {
            nonces[i] = first + uint64(i);
        }
    }

    function _void(uint64[] memory nonces) private {
        vm.prank(address(timelock));
        bridge.voidNonces(nonces);
    }

    /// @notice The case the function exists for: governance lowers the mint capacity below a batch
    /// that is already signed, so it can never mint; voiding its nonces makes that final even if
    /// the capacity comes back, so the TAO side may refund the locks.
    function test_VoidNonces_StuckBatchNeverMints() public {
        ITaoBridge.Mint[] memory batch = _batch(7, 3, alice, 10e9); // 30 TAO
        bytes[] memory sigs = _sign(batch);
        vm.prank(address(timelock));
        bridge.setMintLimit(ITaoBridge.RateLimit(20e9, WINDOW)); // below the batch total
        vm.warp(block.timestamp + WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeRateLimited.selector, 30e9, 20e9)
        );
        bridge.mint(batch, sigs);

        vm.expectEmit(address(bridge));
        emit ITaoBridge.NoncesVoided(_nonces(7, 3));
        _void(_nonces(7, 3));
        for (uint64 n = 7; n < 10; ++n) {
            vm.assertTrue(bridge.isNonceUsed(n));
        }
        vm.assertFalse(bridge.isNonceUsed(6));
        vm.assertFalse(bridge.isNonceUsed(10));

        // Capacity restored: the old signatures still mint nothing.
        vm.prank(address(timelock));
        bridge.setMintLimit(ITaoBridge.RateLimit(CAPACITY, WINDOW));
        vm.warp(block.timestamp + WINDOW);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 7));
        bridge.mint(batch, sigs);
        vm.assertEq(wtao.totalSupply(), 0);
    }

    /// @notice Voiding one nonce kills every batch that holds it, whatever else it holds.
    function test_VoidNonces_OneNonceKillsTheBatch() public {
        ITaoBridge.Mint[] memory batch = _batch(0, 5, alice, 1e9);
        uint64[] memory one = new uint64[](1);
        one[0] = 4;
        _void(one);
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 4));
        bridge.mint(batch, sigs);
        // The other nonces are untouched: a batch without nonce 4 mints.
        _mint(_batch(0, 4, alice, 1e9));
        vm.assertEq(wtao.balanceOf(alice), 4e9);
    }

    function test_VoidNonces_AcrossBitmapWords() public {
        uint64[] memory nonces = new uint64[](4);
        (nonces[0], nonces[1], nonces[2], nonces[3]) = (255, 256, 511, 70_000);
        _void(nonces);
        for (uint256 i; i < 4; ++i) {
            vm.assertTrue(bridge.isNonceUsed(nonces[i]));
        }
        vm.assertFalse(bridge.isNonceUsed(254));
        vm.assertFalse(bridge.isNonceUsed(257));
        vm.assertFalse(bridge.isNonceUsed(510));
        // Nonces minted next to voided ones in the same word still mint.
        _mint(_batch(252, 3, alice, 1e9));
        vm.assertEq(wtao.balanceOf(alice), 3e9);
    }

    function test_VoidNonces_WhilePaused() public {
        vm.prank(guardian);
        bridge.pause();
        _void(_nonces(0, 2));
        vm.assertTrue(bridge.isNonceUsed(1));
    }

    /// @notice A minted nonce cannot be voided: a successful void proves nothing was minted, which
    /// is what lets the TAO side refund.
    function test_RevertWhen_VoidNoncesAlreadyMinted() public {
        _mint(_batch(3, 2, alice, 1e9));
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 3));
        bridge.voidNonces(_nonces(2, 3)); // 2 is free, 3 was minted
        vm.assertFalse(bridge.isNonceUsed(2), "the revert undid the void of nonce 2");
    }

    function test_RevertWhen_VoidNoncesTwice() public {
        _void(_nonces(10, 2));
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 11));
        bridge.voidNonces(_nonces(11, 1));
    }

    function test_RevertWhen_VoidNoncesEmpty() public {
        vm.prank(address(timelock));
        vm.expectRevert(ITaoBridge.TaoBridgeEmptyBatch.selector);
        bridge.voidNonces(new uint64[](0));
    }

    function test_RevertWhen_VoidNoncesNotSorted() public {
        uint64[] memory nonces = new uint64[](2);
        (nonces[0], nonces[1]) = (5, 4);
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNoncesNotSorted.selector, 5, 4));
        bridge.voidNonces(nonces);
    }

    function test_RevertWhen_VoidNoncesRepeated() public {
        uint64[] memory nonces = new uint64[](2);
        (nonces[0], nonces[1]) = (5, 5);
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 5));
        bridge.voidNonces(nonces);
    }

    function test_RevertWhen_VoidNoncesUnauthorized() public {
        address[3] memory callers = [guardian, stranger, relayerAddrs[0]];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(
                abi.encodeWithSelector(ITaoBridge.TaoBridgeUnauthorized.selector, callers[i])
            );
            bridge.voidNonces(_nonces(0, 1));
        }
        vm.assertFalse(bridge.isNonceUsed(0));
    }

    /// @notice For any set of voided nonces: a batch mints iff it holds none of them, and a
    /// voided nonce reads as used.
    function testFuzz_VoidNonces_ThenMintOnlyTheRest(uint256 voidBits, uint256 batchBits) public {
        uint256 n = 16; // nonces 0..15, chosen by the low 16 bits
        voidBits = bound(voidBits, 1, type(uint16).max);
        batchBits = bound(batchBits, 1, type(uint16).max);
        uint64[] memory voided = _select(voidBits, n);
        _void(voided);
        ITaoBridge.Mint[] memory batch = _selectBatch(batchBits, n);
        bytes[] memory sigs = _sign(batch);
        if (voidBits & batchBits == 0) {
            bridge.mint(batch, sigs);
            vm.assertEq(wtao.totalSupply(), _sum(batch));
        } else {
            uint64 firstHit;
            for (uint256 i; i < n; ++i) {
                if ((voidBits & batchBits) >> i & 1 == 1) {
                    firstHit = uint64(i);
                    break;
                }
            }
            vm.expectRevert(
                abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, firstHit)
            );
            bridge.mint(batch, sigs);
        }
        for (uint256 i; i < voided.length; ++i) {
            vm.assertTrue(bridge.isNonceUsed(voided[i]));
        }
    }

    function _select(uint256 bits, uint256 n) private pure returns (uint64[] memory out) {
        uint256 count;
        for (uint256 i; i < n; ++i) {
            if (bits >> i & 1 == 1) ++count;
        }
        out = new uint64[](count);
        uint256 k;
        for (uint256 i; i < n; ++i) {
            if (bits >> i & 1 == 1) out[k++] = uint64(i);
        }
    }

    function _selectBatch(uint256 bits, uint256 n)
        private
        view
        returns (ITaoBridge.Mint[] memory batch)
    {
        uint64[] memory nonces = _select(bits, n);
        batch = new ITaoBridge.Mint[](nonces.length);
        for (uint256 i; i < nonces.length; ++i) {
            batch[i] = _one(nonces[i], alice, 1e9 + nonces[i])[0];
        }
    }
}
