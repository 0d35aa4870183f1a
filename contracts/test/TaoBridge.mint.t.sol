// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ITaoBridge} from "../src/interfaces/ITaoBridge.sol";
import {BridgeFixture} from "./utils/BridgeFixture.sol";

/// @notice `TaoBridge.mint`: the happy path, every rejection, and fuzzed signature handling.
contract TaoBridgeMintTest is BridgeFixture {
    /// @dev secp256k1 n / 2: a valid s must not exceed it (EIP-2).
    uint256 private constant HALF_ORDER =
        0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    address private alice = makeAddr("alice");
    address private bob = makeAddr("bob");

    function setUp() public {
        _deploy(5, 3);
    }

    // ------------------------------------------------------------------ happy path

    function test_Mint_One() public {
        ITaoBridge.Mint[] memory batch = _one(7, alice, 1.5e9);
        bridge.mint(batch, _sign(batch));
        vm.assertEq(wtao.balanceOf(alice), 1.5e9);
        vm.assertEq(wtao.totalSupply(), 1.5e9);
        vm.assertTrue(bridge.isNonceUsed(7));
        vm.assertFalse(bridge.isNonceUsed(6));
        vm.assertFalse(bridge.isNonceUsed(8));
        vm.assertEq(bridge.availableMint(), CAPACITY - 1.5e9);
    }

    function test_Mint_EmitsTransferPerMintAndOneBatchMinted() public {
        ITaoBridge.Mint[] memory batch = _batch(255, 3, alice, 2e9);
        batch[1].recipient = bob;
        bytes32 digest = _digest(batch);
        bytes[] memory sigs = _sign(batch);
        vm.expectEmit(address(wtao));
        emit IERC20.Transfer(address(0), alice, 2e9);
        vm.expectEmit(address(wtao));
        emit IERC20.Transfer(address(0), bob, 2e9);
        vm.expectEmit(address(wtao));
        emit IERC20.Transfer(address(0), alice, 2e9);
        vm.expectEmit(address(bridge));
        emit ITaoBridge.BatchMinted(digest, 255, 257, 3, 6e9);
        bridge.mint(batch, sigs);
        vm.assertEq(wtao.balanceOf(alice), 4e9);
        vm.assertEq(wtao.balanceOf(bob), 2e9);
    }

    function test_Mint_AcrossBitmapWords() public {
        // 254, 255 | 256 | 1000 | 2^64 - 1: four words, in order.
        ITaoBridge.Mint[] memory batch = _batch(254, 5, alice, 1e9);
        batch[2].nonce = 256;
        batch[3].nonce = 1000;
        batch[4].nonce = type(uint64).max;
        _mint(batch);
        vm.assertTrue(bridge.isNonceUsed(254));
        vm.assertTrue(bridge.isNonceUsed(255));
        vm.assertTrue(bridge.isNonceUsed(256));
        vm.assertTrue(bridge.isNonceUsed(1000));
        vm.assertTrue(bridge.isNonceUsed(type(uint64).max));
        vm.assertFalse(bridge.isNonceUsed(257));
        vm.assertFalse(bridge.isNonceUsed(999));
    }

    function test_Mint_WithMoreThanThresholdSignatures() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bridge.mint(batch, _sign(_digest(batch), 5));
        vm.assertEq(wtao.balanceOf(alice), 1e9);
    }

    function test_Mint_ByAnySubmitter() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        vm.prank(makeAddr("stranger"));
        bridge.mint(batch, sigs);
        vm.assertEq(wtao.balanceOf(alice), 1e9);
    }

    function test_Mint_NoncesWithGaps() public {
        _mint(_one(10, alice, 1e9));
        _mint(_one(3, alice, 1e9)); // an older nonce, never minted: fine
        vm.assertEq(wtao.balanceOf(alice), 2e9);
    }

    function test_Mint_ExactlyTheAvailableAmount() public {
        _mint(_one(0, alice, CAPACITY));
        vm.assertEq(bridge.availableMint(), 0);
        vm.warp(block.timestamp + WINDOW / 2);
        vm.assertEq(bridge.availableMint(), CAPACITY / 2);
        vm.warp(block.timestamp + WINDOW);
        vm.assertEq(bridge.availableMint(), CAPACITY);
    }

    function test_HashMintBatch_MatchesIndependentEncoder() public view {
        ITaoBridge.Mint[] memory batch = _batch(42, 4, alice, 3e9);
        vm.assertEq(bridge.hashMintBatch(batch), _digest(batch));
    }

    // ------------------------------------------------------------------ rejections

    function test_RevertWhen_BatchEmpty() public {
        ITaoBridge.Mint[] memory batch = new ITaoBridge.Mint[](0);
        bytes[] memory sigs = _sign(_digest(batch), 3);
        vm.expectRevert(ITaoBridge.TaoBridgeEmptyBatch.selector);
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_Paused() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        vm.prank(guardian);
        bridge.pause();
        vm.expectRevert(ITaoBridge.TaoBridgePaused.selector);
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_NonceReplayed() public {
        ITaoBridge.Mint[] memory batch = _one(9, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        bridge.mint(batch, sigs);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 9));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_NonceReplayedInsideALaterBatch() public {
        _mint(_one(300, alice, 1e9));
        ITaoBridge.Mint[] memory batch = _batch(298, 3, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 300));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_NonceTwiceInBatch() public {
        ITaoBridge.Mint[] memory batch = _batch(5, 2, alice, 1e9);
        batch[1].nonce = 5;
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, 5));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_NoncesNotSorted() public {
        ITaoBridge.Mint[] memory batch = _batch(5, 2, alice, 1e9);
        batch[1].nonce = 4;
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNoncesNotSorted.selector, 5, 4));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_AmountZero() public {
        ITaoBridge.Mint[] memory batch = _batch(0, 2, alice, 1e9);
        batch[1].amount = 0;
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(ITaoBridge.TaoBridgeZeroAmount.selector);
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_RecipientZero() public {
        ITaoBridge.Mint[] memory batch = _batch(0, 2, alice, 1e9);
        batch[1].recipient = address(0);
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(ITaoBridge.TaoBridgeZeroRecipient.selector);
        bridge.mint(batch, sigs);
    }

    /// @notice wTAO minted to the bridge proxy could never move: the whole batch is refused,
    /// naming the nonce, and none of its nonces is consumed (issue 17, finding 3).
    function test_RevertWhen_RecipientIsBridge() public {
        ITaoBridge.Mint[] memory batch = _batch(0, 3, alice, 1e9);
        batch[1].recipient = address(bridge);
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeRecipientIsBridge.selector, uint64(1))
        );
        bridge.mint(batch, sigs);
        vm.assertFalse(bridge.isNonceUsed(0), "nonce 0 not consumed");
        vm.assertEq(wtao.balanceOf(address(bridge)), 0);
        vm.assertEq(wtao.totalSupply(), 0);
    }

    /// @notice The implementation's own address is an ordinary recipient: the check is against
    /// the proxy (`address(this)` under DELEGATECALL), the address the TAO node knows.
    function test_Mint_ToImplementationAddress() public {
        ITaoBridge.Mint[] memory batch = _one(0, address(implementation), 1e9);
        bridge.mint(batch, _sign(batch));
        vm.assertEq(wtao.balanceOf(address(implementation)), 1e9);
    }

    function test_RevertWhen_AmountAboveMaxCapacity() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, type(uint256).max);
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaoBridge.TaoBridgeRateLimited.selector, type(uint256).max, bridge.MAX_CAPACITY()
            )
        );
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_RateLimited() public {
        ITaoBridge.Mint[] memory batch = _batch(0, 2, alice, CAPACITY / 2 + 1);
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeRateLimited.selector, CAPACITY + 2, CAPACITY)
        );
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_RateLimitedAfterEarlierMints() public {
        _mint(_one(0, alice, CAPACITY - 10));
        vm.warp(block.timestamp + 1); // refills CAPACITY / WINDOW per second
        uint256 available = 10 + CAPACITY / WINDOW;
        ITaoBridge.Mint[] memory batch = _one(1, alice, available + 1);
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaoBridge.TaoBridgeRateLimited.selector, available + 1, available
            )
        );
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_TooFewSignatures() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(_digest(batch), 2);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeThresholdNotMet.selector, 2, 3));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_NoSignatures() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeThresholdNotMet.selector, 0, 3));
        bridge.mint(batch, new bytes[](0));
    }

    function test_RevertWhen_DuplicateSigner() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        sigs[2] = sigs[1];
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaoBridge.TaoBridgeSignersNotSorted.selector, relayerAddrs[1], relayerAddrs[1]
            )
        );
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_SignersNotSorted() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        (sigs[0], sigs[1]) = (sigs[1], sigs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaoBridge.TaoBridgeSignersNotSorted.selector, relayerAddrs[1], relayerAddrs[0]
            )
        );
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_SignerNotARelayer() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes32 digest = _digest(batch);
        bytes[] memory sigs = _sign(digest, 3);
        (address outsider, uint256 key) = makeAddrAndKey("outsider");
        // Put the outsider where address order wants it, replacing one real relayer.
        address[] memory signers = new address[](3);
        uint256[] memory keys = new uint256[](3);
        signers[0] = outsider;
        keys[0] = key;
        for (uint256 i = 1; i < 3; ++i) {
            signers[i] = relayerAddrs[i];
            keys[i] = relayerKeys[i];
        }
        _sortByAddress(signers, keys);
        for (uint256 i; i < 3; ++i) {
            sigs[i] = _signature(keys[i], digest);
        }
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSigner.selector, outsider)
        );
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_SignatureTooShort() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        sigs[1] = bytes.concat(bytes32(0), bytes32(0)); // 64 bytes (EIP-2098 form is not accepted)
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSignature.selector, 1));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_SignatureTooLong() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        sigs[2] = bytes.concat(sigs[2], hex"00");
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSignature.selector, 2));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_SignatureRecoversToZero() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        sigs[0] = abi.encodePacked(bytes32(0), bytes32(uint256(1)), uint8(27)); // r = 0
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSignature.selector, 0));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_SignatureHighS() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        sigs[0] = _malleate(sigs[0]);
        // ecrecover itself accepts the twin; only the EIP-2 check stops it.
        vm.assertEq(_recover(_digest(batch), sigs[0]), relayerAddrs[0]);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSignature.selector, 0));
        bridge.mint(batch, sigs);
    }

    function test_RevertWhen_SignatureFromRemovedRelayer() public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch); // relayers 0..2 of the old set
        address[] memory fresh = new address[](3);
        fresh[0] = makeAddr("new-0");
        fresh[1] = makeAddr("new-1");
        fresh[2] = relayerAddrs[4];
        vm.prank(address(timelock));
        bridge.setRelayers(fresh, 2);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeThresholdNotMet.selector, 1, 2));
        bridge.mint(batch, _sign(_digest(batch), 1));
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSigner.selector, relayerAddrs[0])
        );
        bridge.mint(batch, sigs);
    }

    // ------------------------------------------------------------------ fuzzed signatures

    /// @dev A batch signed by any k >= threshold distinct relayers in address order mints.
    function testFuzz_Mint_AnyQuorumSubset(uint256 subsetBits, uint64 nonce, uint64 amount) public {
        amount = uint64(bound(amount, 1, CAPACITY));
        subsetBits = bound(subsetBits, 0, 31);
        ITaoBridge.Mint[] memory batch = _one(nonce, alice, amount);
        bytes32 digest = _digest(batch);
        uint256 count;
        for (uint256 i; i < 5; ++i) {
            if ((subsetBits >> i) & 1 == 1) ++count;
        }
        bytes[] memory sigs = new bytes[](count);
        uint256 j;
        for (uint256 i; i < 5; ++i) {
            if ((subsetBits >> i) & 1 == 1) sigs[j++] = _signature(relayerKeys[i], digest);
        }
        if (count < 3) {
            vm.expectRevert(
                abi.encodeWithSelector(ITaoBridge.TaoBridgeThresholdNotMet.selector, count, 3)
            );
        }
        bridge.mint(batch, sigs);
        vm.assertEq(wtao.balanceOf(alice), count < 3 ? 0 : amount);
    }

    /// @dev A signature by any key outside the set is rejected wherever it sits.
    function testFuzz_RevertWhen_WrongSigner(uint256 key, uint256 position) public {
        key = bound(key, 1, SECP256K1_ORDER - 1);
        address outsider = vm.addr(key);
        for (uint256 i; i < relayerAddrs.length; ++i) {
            if (outsider == relayerAddrs[i]) return; // 5 in 2^256
        }
        position = bound(position, 0, 2);
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes32 digest = _digest(batch);
        address[] memory signers = new address[](3);
        uint256[] memory keys = new uint256[](3);
        for (uint256 i; i < 3; ++i) {
            (signers[i], keys[i]) = (relayerAddrs[i], relayerKeys[i]);
        }
        (signers[position], keys[position]) = (outsider, key);
        _sortByAddress(signers, keys);
        bytes[] memory sigs = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            sigs[i] = _signature(keys[i], digest);
        }
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSigner.selector, outsider)
        );
        bridge.mint(batch, sigs);
    }

    /// @dev One signer twice in a row, at any place, is rejected as unsorted.
    function testFuzz_RevertWhen_DuplicateSigner(uint256 dup) public {
        dup = bound(dup, 0, 2); // signer `dup` appears at positions dup and dup + 1
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes32 digest = _digest(batch);
        bytes[] memory sigs = new bytes[](4);
        for (uint256 i; i < 4; ++i) {
            sigs[i] = _signature(relayerKeys[i == dup + 1 ? dup : i], digest);
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaoBridge.TaoBridgeSignersNotSorted.selector, relayerAddrs[dup], relayerAddrs[dup]
            )
        );
        bridge.mint(batch, sigs);
    }

    /// @dev Any transposition of two signatures is rejected.
    function testFuzz_RevertWhen_Unsorted(uint256 a, uint256 b) public {
        a = bound(a, 0, 2);
        b = bound(b, 0, 2);
        if (a == b) b = (a + 1) % 3;
        if (a > b) (a, b) = (b, a);
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        (sigs[a], sigs[b]) = (sigs[b], sigs[a]);
        // The first out-of-order pair the walk meets is (b's signer now at a) vs its successor.
        address[3] memory order = [relayerAddrs[0], relayerAddrs[1], relayerAddrs[2]];
        (order[a], order[b]) = (order[b], order[a]);
        uint256 k = order[0] >= order[1] ? 1 : 2;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaoBridge.TaoBridgeSignersNotSorted.selector, order[k - 1], order[k]
            )
        );
        bridge.mint(batch, sigs);
    }

    /// @dev Signatures over another chain id, another verifying contract, or another batch
    /// recover to strangers and are rejected.
    function testFuzz_RevertWhen_WrongDomainOrPayload(
        uint256 chainId,
        address otherContract,
        uint256 otherAmount,
        uint8 mode
    ) public {
        mode = uint8(bound(mode, 0, 3));
        ITaoBridge.Mint[] memory batch = _one(1, alice, 1e9);
        bytes32 digest;
        if (mode == 0) {
            chainId = bound(chainId, 1, type(uint64).max);
            if (chainId == block.chainid) chainId += 1;
            uint256 realChain = block.chainid;
            vm.chainId(chainId);
            digest = _digest(batch);
            vm.chainId(realChain);
        } else if (mode == 1) {
            if (otherContract == address(bridge)) otherContract = address(implementation);
            digest = _digest(batch, otherContract);
        } else if (mode == 2) {
            ITaoBridge.Mint[] memory other = _one(1, alice, bound(otherAmount, 1, 2e9));
            if (other[0].amount == 1e9) other[0].amount = 2e9 + 1;
            digest = _digest(other);
        } else {
            ITaoBridge.Mint[] memory other = _one(2, alice, 1e9); // other nonce
            digest = _digest(other);
        }
        bytes[] memory sigs = _sign(digest, 3);
        // Over the real digest, relayer 0's signature recovers to a stranger: the membership
        // walk rejects it before anything else.
        address stranger = _recover(_digest(batch), sigs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSigner.selector, stranger)
        );
        bridge.mint(batch, sigs);
    }

    /// @dev The other-s twin of a valid signature (s' = n - s, v flipped) is refused.
    function testFuzz_RevertWhen_MalleableS(uint64 nonce, uint256 index) public {
        index = bound(index, 0, 2);
        ITaoBridge.Mint[] memory batch = _one(nonce, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        sigs[index] = _malleate(sigs[index]);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSignature.selector, index)
        );
        bridge.mint(batch, sigs);
    }

    /// @dev Any v other than 27/28 is refused.
    function testFuzz_RevertWhen_BadV(uint8 v, uint256 index) public {
        index = bound(index, 0, 2);
        if (v == 27 || v == 28) v = 0;
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        sigs[index][64] = bytes1(v);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSignature.selector, index)
        );
        bridge.mint(batch, sigs);
    }

    /// @dev Garbage of the right length never mints: it is malformed, high-s or recovers to
    /// nobody (InvalidSignature), or it recovers to a stranger (InvalidSigner).
    function testFuzz_RevertWhen_RandomSignature(bytes32 r, bytes32 s, uint8 v) public {
        ITaoBridge.Mint[] memory batch = _one(0, alice, 1e9);
        bytes[] memory sigs = _sign(batch);
        sigs[0] = abi.encodePacked(r, s, v);
        address recovered =
            uint256(s) > HALF_ORDER ? address(0) : ecrecover(_digest(batch), v, r, s);
        vm.assertFalse(_isRelayer(recovered));
        if (recovered == address(0)) {
            vm.expectRevert(
                abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSignature.selector, 0)
            );
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(ITaoBridge.TaoBridgeInvalidSigner.selector, recovered)
            );
        }
        bridge.mint(batch, sigs);
    }

    /// @dev A replayed nonce fails however it is re-batched.
    function testFuzz_RevertWhen_NonceReplayed(uint64 nonce, uint64 extra) public {
        _mint(_one(nonce, alice, 1e9));
        ITaoBridge.Mint[] memory batch;
        if (extra == nonce) {
            batch = _one(nonce, bob, 2e9);
        } else {
            batch = _batch(0, 2, bob, 2e9);
            (uint64 lo, uint64 hi) = extra < nonce ? (extra, nonce) : (nonce, extra);
            batch[0].nonce = lo;
            batch[1].nonce = hi;
        }
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, nonce));
        bridge.mint(batch, sigs);
    }

    /// @dev The same nonce twice inside one batch, at any position, is refused.
    function testFuzz_RevertWhen_NonceTwiceInBatch(uint64 first, uint256 n, uint256 at) public {
        n = bound(n, 2, 20);
        first = uint64(bound(first, 0, type(uint64).max - n));
        at = bound(at, 1, n - 1);
        ITaoBridge.Mint[] memory batch = _batch(first, n, alice, 1e9);
        // repeat nonce at-1 at position at, shifting nothing else: keeps the batch sorted
        batch[at].nonce = batch[at - 1].nonce;
        bytes[] memory sigs = _sign(batch);
        vm.expectRevert(
            abi.encodeWithSelector(ITaoBridge.TaoBridgeNonceUsed.selector, batch[at].nonce)
        );
        bridge.mint(batch, sigs);
    }

    // ------------------------------------------------------------------ helpers

    function _recover(bytes32 digest, bytes memory sig) private pure returns (address) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(sig, 0x20))
            s := mload(add(sig, 0x40))
            v := byte(0, mload(add(sig, 0x60)))
        }
        return ecrecover(digest, v, r, s);
    }

    function _isRelayer(address account) private view returns (bool) {
        for (uint256 i; i < relayerAddrs.length; ++i) {
            if (relayerAddrs[i] == account) return true;
        }
        return false;
    }

    /// @dev The high-s twin (r, n - s, v ^ 1) of a low-s signature: same signer, other encoding.
    function _malleate(bytes memory sig) private pure returns (bytes memory) {
        bytes32 r;
        uint256 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(sig, 0x20))
            s := mload(add(sig, 0x40))
            v := byte(0, mload(add(sig, 0x60)))
        }
        uint256 sFlipped = SECP256K1_ORDER - s;
        vm.assertGt(sFlipped, HALF_ORDER);
        return abi.encodePacked(r, bytes32(sFlipped), v == 27 ? uint8(28) : uint8(27));
    }

    function _sortByAddress(address[] memory signers, uint256[] memory keys) private pure {
        for (uint256 i = 1; i < signers.length; ++i) {
            for (uint256 j = i; j > 0 && signers[j - 1] > signers[j]; --j) {
                (signers[j - 1], signers[j]) = (signers[j], signers[j - 1]);
                (keys[j - 1], keys[j]) = (keys[j], keys[j - 1]);
            }
        }
    }
}
