// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title Secp256k1
/// @notice `ecrecover` with OpenZeppelin `ECDSA.tryRecover`'s rejections, as one precompile call.
/// @dev Used once per relayer signature in {TaoBridge-mint}. The OZ wrapper costs ~276 gas more
/// per signature (its error enum, three return values and a Solidity `ecrecover`, which copies
/// through freshly allocated memory); a mint carries `threshold` signatures. Accepts exactly what
/// `ECDSA.tryRecover(digest, v, r, s)` accepts with `NoError`, and returns the same signer:
///
/// - `s` above secp256k1n / 2 (the malleable twin of a valid signature, EIP-2): rejected;
/// - `v` other than 27 or 28, `r` or `s` zero or not below n, a point off the curve: the
///   precompile returns no data, rejected;
/// - a recovered zero address: rejected (the precompile never returns one for valid input).
///
/// The 65-byte length is checked by the caller. `test/Secp256k1.t.sol` fuzzes this against
/// `ECDSA.tryRecover`.
library Secp256k1 {
    /// @dev secp256k1n / 2: the largest accepted `s`.
    uint256 internal constant HALF_ORDER =
        0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice The signer of `digest`, or the zero address if the signature is not acceptable.
    function tryRecover(bytes32 digest, uint256 v, bytes32 r, bytes32 s)
        internal
        view
        returns (address signer)
    {
        // Assembly: calling the precompile directly is the point of this library (see above).
        assembly ("memory-safe") {
            // The input goes past the free memory pointer (not allocated: it is used only here),
            // the output into scratch 0x00, cleared first since a rejected input returns no data.
            let m := mload(0x40)
            mstore(m, digest)
            mstore(add(m, 0x20), v)
            mstore(add(m, 0x40), r)
            mstore(add(m, 0x60), s)
            mstore(0x00, 0)
            // Fails only when out of gas: then nothing after it could succeed either.
            if iszero(staticcall(gas(), 0x01, m, 0x80, 0x00, 0x20)) { revert(0, 0) }
            // Zero unless the precompile answered and s is low.
            signer := mul(mload(0x00), iszero(gt(s, HALF_ORDER)))
        }
    }
}
