// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {TaoBridge} from "../src/TaoBridge.sol";
import {ITaoBridge} from "../src/interfaces/ITaoBridge.sol";
import {Test} from "./utils/Test.sol";

/// @title VectorsTest
/// @notice Checks the EIP-712 test vectors shared with the Rust side against the real TaoBridge.
/// @dev `test/vectors/mint_batches.json` is written by `cargo run -p wtao-bridge-types --features
/// test-utils --example gen-vectors` and checked there by `cargo test -p wtao-bridge-types`. Here,
/// for every vector, a
/// TaoBridge proxy is placed at the vector's verifying contract on the vector's chain id and asked
/// for `hashMintBatch`; every signature must `ECDSA.recover` to its listed relayer, and forge's own
/// signer must produce the same bytes. If Rust and Solidity ever disagree on a type string, a field
/// order or the domain, one of the two suites fails.
contract VectorsTest is Test {
    string internal constant VECTORS = "/test/vectors/mint_batches.json";
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    string internal json;
    TaoBridge internal implementation;
    bytes internal proxyCode;

    function setUp() public {
        json = vm.readFile(string.concat(vm.projectRoot(), VECTORS));
        // Hashing never calls the token; the implementation only needs a non-zero one.
        implementation = new TaoBridge(address(0xdead));
        proxyCode = address(new ERC1967Proxy(address(implementation), "")).code;
    }

    function test_TypeHashesMatchVectors() public view {
        vm.assertEq(implementation.MINT_TYPEHASH(), vm.parseJsonBytes32(json, ".mintTypeHash"));
        vm.assertEq(
            implementation.MINT_BATCH_TYPEHASH(), vm.parseJsonBytes32(json, ".mintBatchTypeHash")
        );
    }

    function test_DigestsMatchVectors() public {
        uint256 n = _count(".vectors");
        vm.assertGt(n, 0, "no vectors in the file");
        for (uint256 i; i < n; ++i) {
            string memory v = _at(".vectors", i);
            string memory name = vm.parseJsonString(json, string.concat(v, ".name"));
            uint256 chainId = vm.parseJsonUint(json, string.concat(v, ".chainId"));
            address verifyingContract =
                vm.parseJsonAddress(json, string.concat(v, ".verifyingContract"));
            TaoBridge bridge = _bridgeAt(verifyingContract, chainId);

            (, string memory dName, string memory dVersion, uint256 dChainId, address dContract,,) =
                bridge.eip712Domain();
            vm.assertEq(dChainId, chainId, name);
            vm.assertEq(dContract, verifyingContract, name);
            bytes32 separator = keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH,
                    keccak256(bytes(dName)),
                    keccak256(bytes(dVersion)),
                    dChainId,
                    dContract
                )
            );
            vm.assertEq(
                separator, vm.parseJsonBytes32(json, string.concat(v, ".domainSeparator")), name
            );

            bytes32 digest = vm.parseJsonBytes32(json, string.concat(v, ".digest"));
            vm.assertEq(bridge.hashMintBatch(_mints(v)), digest, name);
            // The file's struct hash is the other half of the digest.
            bytes32 structHash = vm.parseJsonBytes32(json, string.concat(v, ".structHash"));
            vm.assertEq(keccak256(abi.encodePacked(hex"1901", separator, structHash)), digest, name);
        }
    }

    function test_SignaturesRecoverToListedRelayers() public view {
        uint256 relayerCount = _count(".relayers");
        vm.assertEq(relayerCount, 3, "three relayer keys");
        for (uint256 r; r < relayerCount; ++r) {
            (uint256 key, address relayer) = _relayer(r);
            vm.assertEq(vm.addr(key), relayer, "relayer address");
        }

        uint256 n = _count(".vectors");
        for (uint256 i; i < n; ++i) {
            string memory v = _at(".vectors", i);
            string memory name = vm.parseJsonString(json, string.concat(v, ".name"));
            bytes32 digest = vm.parseJsonBytes32(json, string.concat(v, ".digest"));
            string memory sigs = string.concat(v, ".signatures");
            uint256 m = _count(sigs);
            vm.assertEq(m, relayerCount, name);
            address previous;
            for (uint256 j; j < m; ++j) {
                address signer = _checkSignature(_at(sigs, j), digest, name);
                // Sorted strictly ascending, the order mint() requires.
                vm.assertGt(uint160(signer), uint160(previous), name);
                previous = signer;
            }
        }
    }

    /// @dev Checks one signature entry `s` of a vector with `digest`; returns its signer.
    function _checkSignature(string memory s, bytes32 digest, string memory name)
        internal
        view
        returns (address signer)
    {
        signer = vm.parseJsonAddress(json, string.concat(s, ".signer"));
        bytes memory signature = vm.parseJsonBytes(json, string.concat(s, ".signature"));
        // ECDSA.recover also enforces 65 bytes and low s, as TaoBridge.mint does.
        vm.assertEq(ECDSA.recover(digest, signature), signer, name);
        // forge's signer (RFC 6979, low s) must produce the very same bytes.
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(_keyOf(signer), digest);
        vm.assertEq(abi.encodePacked(r, sv, v), signature, name);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev A TaoBridge proxy at `at` on chain `chainId`: the proxy's code is etched there and
    /// pointed at the implementation. `hashMintBatch` reads no storage of its own, and OpenZeppelin's
    /// EIP712 rebuilds the domain from `address(this)` and `block.chainid`, exactly as for a proxy
    /// deployed at that address.
    function _bridgeAt(address at, uint256 chainId) internal returns (TaoBridge) {
        vm.chainId(chainId);
        vm.etch(at, proxyCode);
        vm.store(
            at, ERC1967Utils.IMPLEMENTATION_SLOT, bytes32(uint256(uint160(address(implementation))))
        );
        return TaoBridge(at);
    }

    function _mints(string memory v) internal view returns (ITaoBridge.Mint[] memory mints) {
        string memory path = string.concat(v, ".mints");
        mints = new ITaoBridge.Mint[](_count(path));
        for (uint256 k; k < mints.length; ++k) {
            string memory m = _at(path, k);
            mints[k] = ITaoBridge.Mint({
                nonce: SafeCast.toUint64(vm.parseJsonUint(json, string.concat(m, ".nonce"))),
                taoSender: vm.parseJsonBytes32(json, string.concat(m, ".taoSender")),
                recipient: vm.parseJsonAddress(json, string.concat(m, ".recipient")),
                amount: vm.parseJsonUint(json, string.concat(m, ".amount"))
            });
        }
    }

    /// @dev Length of the JSON array at `path`.
    function _count(string memory path) internal view returns (uint256 n) {
        while (vm.keyExistsJson(json, _at(path, n))) ++n;
    }

    function _at(string memory path, uint256 i) internal pure returns (string memory) {
        return string.concat(path, "[", vm.toString(i), "]");
    }

    /// @dev The `r`-th relayer of the file: private key and address.
    function _relayer(uint256 r) internal view returns (uint256 key, address relayer) {
        string memory rel = _at(".relayers", r);
        key = uint256(vm.parseJsonBytes32(json, string.concat(rel, ".privateKey")));
        relayer = vm.parseJsonAddress(json, string.concat(rel, ".address"));
    }

    /// @dev The private key of the listed relayer `signer`.
    function _keyOf(address signer) internal view returns (uint256) {
        uint256 n = _count(".relayers");
        for (uint256 r; r < n; ++r) {
            (uint256 key, address relayer) = _relayer(r);
            if (relayer == signer) return key;
        }
        revert("signer is not a listed relayer");
    }
}
