// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TaoBridge} from "../../src/TaoBridge.sol";

/// @notice A V2 for upgrade tests: same storage, one new view and a reinitializer that records
/// that it ran (in its own ERC-7201 slot, so V1's storage is untouched).
contract TaoBridgeV2 is TaoBridge {
    /// @custom:storage-location erc7201:wtao.storage.TaoBridgeV2
    struct V2Storage {
        uint256 migratedAt;
    }

    // keccak256(abi.encode(uint256(keccak256("wtao.storage.TaoBridgeV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE_LOCATION =
        0xebfd3093c78d400d109ea5c76302904ff3c2317e3d1af80d55963e6771e10500;

    constructor(address wtao_) TaoBridge(wtao_) {}

    function initializeV2() external reinitializer(2) {
        _v2().migratedAt = block.timestamp;
    }

    function version() external pure returns (uint256) {
        return 2;
    }

    function migratedAt() external view returns (uint256) {
        return _v2().migratedAt;
    }

    function _v2() private pure returns (V2Storage storage $) {
        assembly ("memory-safe") {
            $.slot := V2_STORAGE_LOCATION
        }
    }
}
