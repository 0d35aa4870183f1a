// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {WtaoDeployment} from "../../script/Deploy.s.sol";
import {TaoBridge} from "../../src/TaoBridge.sol";
import {WTAO} from "../../src/WTAO.sol";
import {WTAOGovernor} from "../../src/WTAOGovernor.sol";
import {ITaoBridge} from "../../src/interfaces/ITaoBridge.sol";
import {Test} from "./Test.sol";

/// @title BridgeFixture
/// @notice Deploys the whole system through {WtaoDeployment} (the deploy script's code path) with
/// named relayer keys, and signs `MintBatch`es with an EIP-712 encoder written independently of
/// the contract's (plain `abi.encode`, no assembly).
abstract contract BridgeFixture is Test {
    bytes32 internal constant MINT_TYPEHASH =
        keccak256("Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)");
    bytes32 internal constant MINT_BATCH_TYPEHASH = keccak256(
        "MintBatch(Mint[] mints)Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)"
    );
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    uint64 internal constant CAPACITY = 1_000_000e9; // 1 M TAO
    uint32 internal constant WINDOW = 1 days;

    WTAO internal wtao;
    TaoBridge internal bridge;
    TaoBridge internal implementation;
    TimelockController internal timelock;
    WTAOGovernor internal governor;
    address internal guardian;

    /// @dev Relayers of the current set, sorted by address, and their keys.
    address[] internal relayerAddrs;
    uint256[] internal relayerKeys;

    /// @notice The devnet config with `n` named relayers ("relayer-0", ...), threshold `k`, and
    /// 1 M TAO / day limits.
    function _config(uint256 n, uint256 k) internal returns (WtaoDeployment.Config memory config) {
        _makeRelayers("relayer", n);
        config = WtaoDeployment.devnetConfig();
        config.relayers = relayerAddrs;
        config.threshold = k;
        guardian = makeAddr("guardian");
        config.guardian = guardian;
        config.mintLimit = ITaoBridge.RateLimit(CAPACITY, WINDOW);
        config.burnLimit = ITaoBridge.RateLimit(CAPACITY, WINDOW);
    }

    /// @notice Deploys with `n` relayers and threshold `k`.
    function _deploy(uint256 n, uint256 k) internal {
        _deploy(_config(n, k));
    }

    function _deploy(WtaoDeployment.Config memory config) internal {
        WtaoDeployment.Deployment memory d = WtaoDeployment.deploy(config, address(this));
        wtao = d.wtao;
        bridge = d.bridge;
        implementation = d.implementation;
        timelock = d.timelock;
        governor = d.governor;
        vm.label(address(wtao), "WTAO");
        vm.label(address(bridge), "TaoBridge");
        vm.label(address(timelock), "Timelock");
        vm.label(address(governor), "Governor");
    }

    /// @notice Replaces `relayerAddrs`/`relayerKeys` with `n` keys named `<prefix>-<i>`, sorted
    /// by address.
    function _makeRelayers(string memory prefix, uint256 n) internal {
        delete relayerAddrs;
        delete relayerKeys;
        for (uint256 i; i < n; ++i) {
            (address a, uint256 key) = makeAddrAndKey(string.concat(prefix, "-", vm.toString(i)));
            relayerAddrs.push(a);
            relayerKeys.push(key);
        }
        // insertion sort by address
        for (uint256 i = 1; i < n; ++i) {
            for (uint256 j = i; j > 0 && relayerAddrs[j - 1] > relayerAddrs[j]; --j) {
                (relayerAddrs[j - 1], relayerAddrs[j]) = (relayerAddrs[j], relayerAddrs[j - 1]);
                (relayerKeys[j - 1], relayerKeys[j]) = (relayerKeys[j], relayerKeys[j - 1]);
            }
        }
    }

    // ------------------------------------------------------------------ EIP-712

    function _domainSeparator(address verifyingContract) internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256("TaoBridge"),
                keccak256("1"),
                block.chainid,
                verifyingContract
            )
        );
    }

    function _structHash(ITaoBridge.Mint[] memory batch) internal pure returns (bytes32) {
        bytes memory encoded;
        for (uint256 i; i < batch.length; ++i) {
            ITaoBridge.Mint memory m = batch[i];
            encoded = bytes.concat(
                encoded,
                keccak256(abi.encode(MINT_TYPEHASH, m.nonce, m.taoSender, m.recipient, m.amount))
            );
        }
        return keccak256(abi.encode(MINT_BATCH_TYPEHASH, keccak256(encoded)));
    }

    /// @notice The digest relayers sign for `batch` on `verifyingContract` at the current chain.
    function _digest(ITaoBridge.Mint[] memory batch, address verifyingContract)
        internal
        view
        returns (bytes32)
    {
        return keccak256(
            abi.encodePacked(hex"1901", _domainSeparator(verifyingContract), _structHash(batch))
        );
    }

    function _digest(ITaoBridge.Mint[] memory batch) internal view returns (bytes32) {
        return _digest(batch, address(bridge));
    }

    // ------------------------------------------------------------------ signatures

    function _signature(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @notice Signatures of the first `k` relayers (already in address order) over `digest`.
    function _sign(bytes32 digest, uint256 k) internal view returns (bytes[] memory sigs) {
        sigs = new bytes[](k);
        for (uint256 i; i < k; ++i) {
            sigs[i] = _signature(relayerKeys[i], digest);
        }
    }

    /// @notice Threshold-many valid signatures for `batch`.
    function _sign(ITaoBridge.Mint[] memory batch) internal view returns (bytes[] memory) {
        return _sign(_digest(batch), bridge.threshold());
    }

    // ------------------------------------------------------------------ batches

    function _batch(uint64 firstNonce, uint256 n, address recipient, uint256 amount)
        internal
        pure
        returns (ITaoBridge.Mint[] memory batch)
    {
        batch = new ITaoBridge.Mint[](n);
        for (uint256 i; i < n; ++i) {
            batch[i] = ITaoBridge.Mint({
                nonce: firstNonce + uint64(i),
                taoSender: keccak256(abi.encode("tao-sender", firstNonce + i)),
                recipient: recipient,
                amount: amount
            });
        }
    }

    function _one(uint64 nonce, address recipient, uint256 amount)
        internal
        pure
        returns (ITaoBridge.Mint[] memory)
    {
        return _batch(nonce, 1, recipient, amount);
    }

    /// @notice Mints `batch` with threshold-many valid signatures.
    function _mint(ITaoBridge.Mint[] memory batch) internal {
        bridge.mint(batch, _sign(batch));
    }

    function _sum(ITaoBridge.Mint[] memory batch) internal pure returns (uint256 total) {
        for (uint256 i; i < batch.length; ++i) {
            total += batch[i].amount;
        }
    }
}
