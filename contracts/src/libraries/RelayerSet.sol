// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Errors} from "@openzeppelin/contracts/utils/Errors.sol";

/// @title RelayerSet
/// @notice Keeps the bridge's relayer set, its threshold and the mint rate limit in the code of a
/// tiny data contract (SSTORE2-style), so `mint` reads all of it with one `EXTCODECOPY` from an
/// address that shares a storage slot with the mint state, instead of one `SLOAD` per relayer.
/// @dev The data contract's runtime code is, byte by byte:
///
/// | offset | size   | field                                          |
/// |--------|--------|------------------------------------------------|
/// | 0      | 1      | `0x00` (STOP: calling the contract does nothing) |
/// | 1      | 1      | threshold                                      |
/// | 2      | 1      | relayer count N                                |
/// | 3      | 8      | mint capacity (rao)                            |
/// | 11     | 4      | mint window (seconds)                          |
/// | 15     | 20 × N | relayers, strictly increasing                  |
///
/// Data contracts are never destroyed; a change writes a new one (a few 10k gas, governance only).
library RelayerSet {
    /// @dev Bytes before the first relayer.
    uint256 internal constant HEADER = 15;

    /// @notice A decoded set, with the relayers still packed (20 bytes each) in `packed`.
    struct Set {
        uint256 threshold;
        uint256 count;
        uint64 mintCapacity;
        uint32 mintWindow;
        bytes packed;
    }

    /// @notice Deploys a data contract holding `relayers` (already sorted and checked by the
    /// caller), `threshold` and the mint limit.
    /// @return pointer The data contract's address.
    function write(
        address[] memory relayers,
        uint256 threshold,
        uint64 mintCapacity,
        uint32 mintWindow
    ) internal returns (address pointer) {
        uint256 count = relayers.length;
        bytes memory data = new bytes(HEADER + 20 * count);
        bytes32 header = bytes32(
            abi.encodePacked(bytes1(0x00), uint8(threshold), uint8(count), mintCapacity, mintWindow)
        );
        // One word write of the 15 header bytes (the 17 after them are overwritten by the
        // relayers or lie past the end of `data`), instead of 15 single-byte writes.
        assembly ("memory-safe") {
            mstore(add(data, 0x20), header)
        }
        for (uint256 i; i < count; ++i) {
            address relayer = relayers[i];
            // Packing 20-byte addresses back to back: `abi.encodePacked` over the whole array
            // would pad each element to 32 bytes.
            assembly ("memory-safe") {
                // Store the 20 address bytes left-aligned and keep the 12 bytes after them (the
                // next relayer's slot, or unallocated memory past the end of `data`).
                let p := add(add(data, add(0x20, HEADER)), mul(i, 20))
                mstore(p, or(shl(96, relayer), and(mload(p), 0xffffffffffffffffffffffff)))
            }
        }
        // Creation code: PUSH2 len, DUP1, PUSH1 0x0a, RETURNDATASIZE(=0), CODECOPY, RETURNDATASIZE,
        // RETURN — returns the `len` bytes that follow these 10 bytes as the runtime code.
        bytes memory creation =
            abi.encodePacked(hex"61", uint16(data.length), hex"80600a3d393df3", data);
        // `new` can only create contracts compiled from Solidity; raw init code needs `create`.
        assembly ("memory-safe") {
            pointer := create(0, add(creation, 0x20), mload(creation))
        }
        if (pointer == address(0)) revert Errors.FailedDeployment();
    }

    /// @notice Reads the header (threshold, count, mint limit) and the packed relayers of the data
    /// contract at `pointer` with two `EXTCODECOPY`s (the second one warm).
    function read(address pointer) internal view returns (Set memory set) {
        uint256 header;
        // Solidity has no EXTCODECOPY of a range (`pointer.code` copies the whole code); the 15
        // header bytes go to scratch 0x00 (its other 17 bytes are ignored below).
        assembly ("memory-safe") {
            extcodecopy(pointer, 0x00, 0x00, HEADER)
            header := mload(0x00)
        }
        // header = 00 | threshold | count | capacity (8) | window (4) | zero bytes
        set.threshold = uint8(header >> 240);
        set.count = uint8(header >> 232);
        set.mintCapacity = uint64(header >> 168);
        set.mintWindow = uint32(header >> 136);
        set.packed = readRelayers(pointer, set.count);
    }

    /// @notice Copies the `count` packed relayers (20 bytes each) of the data contract at `pointer`.
    function readRelayers(address pointer, uint256 count)
        internal
        view
        returns (bytes memory packed)
    {
        uint256 length = count * 20;
        packed = new bytes(length);
        // EXTCODECOPY of just the relayers into the allocated bytes (see {read}).
        assembly ("memory-safe") {
            extcodecopy(pointer, add(packed, 0x20), HEADER, length)
        }
    }

    /// @notice The `index`-th relayer in `packed` (no bounds check: callers stay below the count).
    function at(bytes memory packed, uint256 index) internal pure returns (address relayer) {
        // One word load and shift instead of 20 bounds-checked byte reads.
        assembly ("memory-safe") {
            relayer := shr(96, mload(add(add(packed, 0x20), mul(index, 20))))
        }
    }

    /// @notice All relayers, unpacked.
    function toArray(bytes memory packed) internal pure returns (address[] memory relayers) {
        uint256 count = packed.length / 20;
        relayers = new address[](count);
        for (uint256 i; i < count; ++i) {
            relayers[i] = at(packed, i);
        }
    }
}
