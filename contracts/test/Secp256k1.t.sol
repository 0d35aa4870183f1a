// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {Secp256k1} from "../src/libraries/Secp256k1.sol";
import {Test} from "./utils/Test.sol";

/// @notice `Secp256k1.tryRecover` (the bridge's per-signature check) accepts exactly what
/// OpenZeppelin `ECDSA.tryRecover` accepts, with the same signer: differential fuzzing on random
/// inputs (random `r` is a valid x coordinate about half the time, so many of them recover some
/// address) and on real signatures from random keys, with their malleable high-s twins.
contract Secp256k1Test is Test {
    /// @dev The order of secp256k1.
    uint256 private constant N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// @dev OpenZeppelin's answer, the zero address for any error.
    function _oz(bytes32 digest, uint8 v, bytes32 r, bytes32 s) private pure returns (address) {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
        return err == ECDSA.RecoverError.NoError ? signer : address(0);
    }

    /// @dev Ours, also checking it leaves the free memory pointer and the zero slot alone.
    function _ours(bytes32 digest, uint8 v, bytes32 r, bytes32 s) private view returns (address a) {
        uint256 freeBefore;
        assembly ("memory-safe") {
            freeBefore := mload(0x40)
        }
        a = Secp256k1.tryRecover(digest, v, r, s);
        uint256 freeAfter;
        uint256 zero;
        assembly ("memory-safe") {
            freeAfter := mload(0x40)
            zero := mload(0x60)
        }
        vm.assertEq(freeAfter, freeBefore, "free memory pointer moved");
        vm.assertEq(zero, 0, "zero slot written");
    }

    function testFuzz_MatchesOpenZeppelin_RandomInputs(
        bytes32 digest,
        uint8 v,
        bytes32 r,
        bytes32 s,
        uint8 mode
    ) public view {
        // Mostly v in {27, 28} (the only values the precompile accepts), sometimes anything.
        if (mode % 4 != 0) v = 27 + (v & 1);
        // Sometimes s or r at or around the edges the checks sit on.
        if (mode % 8 == 1) s = bytes32(Secp256k1.HALF_ORDER + (uint256(s) % 3) - 1);
        if (mode % 16 == 2) r = bytes32(N - (uint256(r) % 2));
        if (mode % 16 == 3) r = bytes32(0);
        if (mode % 16 == 4) s = bytes32(0);
        vm.assertEq(_ours(digest, v, r, s), _oz(digest, v, r, s));
    }

    function testFuzz_MatchesOpenZeppelin_RealSignatures(uint256 key, bytes32 digest) public view {
        key = bound(key, 1, N - 1);
        address signer = vm.addr(key);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        vm.assertEq(_ours(digest, v, r, s), signer);
        vm.assertEq(_oz(digest, v, r, s), signer);
        // The malleable twin (n - s, other v) is a valid ECDSA signature by the same key...
        bytes32 highS = bytes32(N - uint256(s));
        uint8 otherV = v == 27 ? 28 : 27;
        vm.assertEq(ecrecover(digest, otherV, r, highS), signer);
        // ...that both refuse (EIP-2).
        vm.assertEq(_ours(digest, otherV, r, highS), address(0));
        vm.assertEq(_oz(digest, otherV, r, highS), address(0));
        // A wrong v recovers another key or nothing, the same for both.
        vm.assertEq(_ours(digest, otherV, r, s), _oz(digest, otherV, r, s));
        vm.assertTrue(_ours(digest, otherV, r, s) != signer);
        vm.assertEq(_ours(digest, v - 27, r, s), address(0)); // 0/1 style v: refused, as by OZ
        vm.assertEq(_oz(digest, v - 27, r, s), address(0));
    }
}
