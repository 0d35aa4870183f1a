// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ITaoBridge} from "./ITaoBridge.sol";

/// @title IWTAO
/// @notice The bridge-facing part of wTAO: only the TaoBridge proxy may mint and burn.
interface IWTAO {
    /// @dev A function reserved for the bridge was called by `caller`.
    error WTAOUnauthorized(address caller);
    /// @dev The token was built with a zero bridge address.
    error WTAOZeroBridge();

    /// @notice The TaoBridge proxy, the only account that can mint and burn.
    function bridge() external view returns (address);

    /// @notice Mint every `mints[i].amount` to `mints[i].recipient` (nonce and taoSender are
    /// ignored here; the bridge has checked them).
    /// @return total The sum of the amounts.
    function mintBatch(ITaoBridge.Mint[] calldata mints) external returns (uint256 total);

    /// @notice Burn `amount` of `from`'s tokens without an allowance: `from` called
    /// `TaoBridge.burn` itself.
    function bridgeBurn(address from, uint256 amount) external;
}
