// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ITaoBridge} from "./ITaoBridge.sol";

/// @title IWTAO
/// @notice The bridge-facing part of wTAO: only the TaoBridge proxy may mint and burn.
interface IWTAO {
    /// @notice A function reserved for the bridge was called by someone else.
    /// @param caller The caller.
    error WTAOUnauthorized(address caller);
    /// @notice The token was built with a zero bridge address.
    error WTAOZeroBridge();

    /// @notice The TaoBridge proxy, the only account that can mint and burn.
    /// @return The bridge's address, fixed at construction.
    function bridge() external view returns (address);

    /// @notice Mints every `mints[i].amount` to `mints[i].recipient` (nonce and taoSender are
    /// ignored here; the bridge has checked them). Bridge only.
    /// @dev Emits one `Transfer(0, recipient, amount)` per entry.
    /// @param mints The batch the bridge accepted.
    /// @return total The sum of the amounts (the bridge checks it against its own sum).
    function mintBatch(ITaoBridge.Mint[] calldata mints) external returns (uint256 total);

    /// @notice Burns `amount` of `from`'s tokens without an allowance: `from` called
    /// `TaoBridge.burn` itself. Bridge only.
    /// @dev Emits `Transfer(from, 0, amount)`.
    /// @param from The holder, who called `TaoBridge.burn`.
    /// @param amount The amount to burn, in rao.
    function bridgeBurn(address from, uint256 amount) external;
}
