// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Vm} from "./Vm.sol";

/// @title Test
/// @notice Minimal base for wtao's forge tests: the cheatcode handle, `bound`, named keys and the
/// hooks forge's invariant runner reads (`targetContracts`, `targetSelectors`, ...).
/// @dev Assertions are forge's own cheatcodes (`vm.assertEq`, `vm.assertTrue`, ...), which revert
/// with a readable message; there is no `failed()` flag to check. Setters are `internal` and meant
/// for `setUp()`.
abstract contract Test {
    /// @notice A contract and the selectors of it the invariant fuzzer may call.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @dev `address(uint160(uint256(keccak256("hevm cheat code"))))`.
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @dev secp256k1 group order; private keys must be in [1, n).
    uint256 internal constant SECP256K1_ORDER =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// @notice Marks this contract as a test contract for forge.
    bool public IS_TEST = true;

    address[] private _targetContracts;
    address[] private _targetSenders;
    address[] private _excludeContracts;
    address[] private _excludeSenders;
    FuzzSelector[] private _targetSelectors;
    FuzzSelector[] private _excludeSelectors;

    // ------------------------------------------------------------------ invariant hooks (forge)

    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }

    function excludeContracts() public view returns (address[] memory) {
        return _excludeContracts;
    }

    function excludeSenders() public view returns (address[] memory) {
        return _excludeSenders;
    }

    function excludeSelectors() public view returns (FuzzSelector[] memory) {
        return _excludeSelectors;
    }

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetSelectors.push(selector);
    }

    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    function excludeContract(address target) internal {
        _excludeContracts.push(target);
    }

    function excludeSender(address sender) internal {
        _excludeSenders.push(sender);
    }

    function excludeSelector(FuzzSelector memory selector) internal {
        _excludeSelectors.push(selector);
    }

    // ------------------------------------------------------------------ helpers

    /// @notice Maps `x` into `[min, max]`; values already in range come back unchanged, so the
    /// fuzzer's edge values (0, 1, max) still reach the edges of the range.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "Test: bound min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        unchecked {
            return min + (x % (size + 1));
        }
    }

    /// @notice A deterministic key pair named `name` (key = keccak256(name) reduced into the
    /// secp256k1 range), labelled in traces.
    function makeAddrAndKey(string memory name) internal returns (address account, uint256 key) {
        key = bound(uint256(keccak256(bytes(name))), 1, SECP256K1_ORDER - 1);
        account = vm.addr(key);
        vm.label(account, name);
    }

    /// @notice A deterministic address named `name`, labelled in traces.
    function makeAddr(string memory name) internal returns (address account) {
        (account,) = makeAddrAndKey(name);
    }
}
