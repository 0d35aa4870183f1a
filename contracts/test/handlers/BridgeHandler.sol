// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TaoBridge} from "../../src/TaoBridge.sol";
import {WTAO} from "../../src/WTAO.sol";
import {ITaoBridge} from "../../src/interfaces/ITaoBridge.sol";
import {Test} from "../utils/Test.sol";

/// @title BridgeHandler
/// @notice Drives TaoBridge with random mints (fresh, replayed and duplicated nonces, short
/// signature sets), burns, pauses, unpauses, relayer-set rotations and time jumps, and keeps ghost
/// records the invariants compare against: what was minted and burned, how often each nonce
/// minted, and an independent model of the pause flag and the mint bucket.
contract BridgeHandler is Test {
    uint256 internal constant ACTORS = 4;
    uint256 internal constant KEY_POOL = 7;

    TaoBridge public immutable bridge;
    WTAO public immutable wtao;
    address public immutable timelock;
    address public immutable guardian;
    uint256 public immutable capacity;
    uint256 public immutable window;

    // ------------------------------------------------------------------ ghosts

    uint256 public ghostMinted;
    uint256 public ghostBurned;
    uint256 public ghostBurns;
    /// @dev Successful mints that included a nonce which had minted before. Must stay 0.
    uint256 public ghostDoubleMints;
    /// @dev Successful mints or burns while the model says paused. Must stay 0.
    uint256 public ghostMintsWhilePaused;
    /// @dev Successful mints larger than the model bucket held. Must stay 0.
    uint256 public ghostOverLimit;
    /// @dev Rejected mints that the model says had to pass (all checks met). Must stay 0, so a
    /// bridge that rejects everything cannot pass the invariants.
    uint256 public ghostWrongRejections;
    bool public ghostPaused;
    uint256 public modelLevel;
    uint256 public modelUpdatedAt;

    mapping(uint64 nonce => uint256) public mintCount;
    uint64[] public mintedNonces;
    uint64 public nextFresh;

    /// @dev Calls per action, to see in the logs that every path runs.
    mapping(bytes32 action => uint256) public calls;

    uint256[] internal _poolKeys;
    address[] internal _poolAddrs;
    /// @dev The current relayers (sorted by address) as indexes into the pool.
    uint256[] internal _current;
    uint256 internal _threshold;

    constructor(
        TaoBridge bridge_,
        WTAO wtao_,
        address timelock_,
        address guardian_,
        uint256[] memory keys,
        uint256[] memory current,
        uint256 threshold_
    ) {
        bridge = bridge_;
        wtao = wtao_;
        timelock = timelock_;
        guardian = guardian_;
        ITaoBridge.RateLimit memory limit = bridge_.mintLimit();
        capacity = limit.capacity;
        window = limit.window;
        modelLevel = bridge_.availableMint();
        modelUpdatedAt = block.timestamp;
        for (uint256 i; i < keys.length; ++i) {
            _poolKeys.push(keys[i]);
            _poolAddrs.push(vm.addr(keys[i]));
        }
        _current = current;
        _threshold = threshold_;
    }

    // ------------------------------------------------------------------ actions

    /// @notice A batch of 1-4 mints. `mode` picks fresh nonces, a replayed nonce, a nonce twice,
    /// or too few signatures; `amountSeed` sizes the amounts so the bucket runs dry now and then.
    function mint(uint256 seed, uint256 count, uint256 amountSeed, uint8 mode) external {
        count = bound(count, 1, 4);
        mode = uint8(bound(mode, 0, 5));
        ITaoBridge.Mint[] memory batch = new ITaoBridge.Mint[](count);
        uint64 nonce = nextFresh;
        for (uint256 i; i < count; ++i) {
            // Gaps up to 300 cross bitmap words often.
            nonce += uint64(bound(uint256(keccak256(abi.encode(seed, i))), 1, 300));
            batch[i] = ITaoBridge.Mint({
                nonce: nonce,
                taoSender: keccak256(abi.encode("sender", seed, i)),
                recipient: actor(uint256(keccak256(abi.encode(seed, i, "r")))),
                amount: bound(uint256(keccak256(abi.encode(amountSeed, i))), 1, capacity / 3)
            });
        }
        bool replay = mode == 3 && mintedNonces.length > 0;
        bool twice = mode == 4 && count > 1;
        bool fewSigs = mode == 5;
        if (replay) {
            // Put an already minted nonce in place, keeping the batch sorted.
            uint64 old = mintedNonces[seed % mintedNonces.length];
            batch[0].nonce = old;
            for (uint256 i = 1; i < count; ++i) {
                if (batch[i].nonce <= old) batch[i].nonce = old + uint64(i);
            }
        }
        if (twice) batch[count - 1].nonce = batch[count - 2].nonce;

        uint256 signers = fewSigs ? _threshold - 1 : _threshold;
        bytes[] memory sigs = _sign(batch, signers);
        uint256 total;
        for (uint256 i; i < count; ++i) {
            total += batch[i].amount;
        }
        uint256 available = _modelAvailable();
        bool expectedOk =
            !ghostPaused && total <= available && !fewSigs && !_anyUsed(batch) && !twice;

        try bridge.mint(batch, sigs) {
            calls["mint.ok"]++;
            for (uint256 i; i < count; ++i) {
                if (mintCount[batch[i].nonce]++ > 0) ghostDoubleMints++;
                mintedNonces.push(batch[i].nonce);
            }
            if (batch[count - 1].nonce >= nextFresh) nextFresh = batch[count - 1].nonce;
            ghostMinted += total;
            if (ghostPaused) ghostMintsWhilePaused++;
            if (total > available) ghostOverLimit++;
            modelLevel = available > total ? available - total : 0;
            modelUpdatedAt = block.timestamp;
        } catch {
            calls["mint.rejected"]++;
            if (expectedOk) ghostWrongRejections++;
        }
    }

    /// @notice An actor burns part of its balance.
    function burn(uint256 actorSeed, uint256 amount) external {
        address who = actor(actorSeed);
        uint256 balance = wtao.balanceOf(who);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        vm.prank(who);
        try bridge.burn(amount, keccak256(abi.encode("tao", who))) returns (uint64 nonce) {
            calls["burn.ok"]++;
            vm.assertEq(nonce, ghostBurns, "burn nonce not sequential");
            ghostBurns++;
            ghostBurned += amount;
            if (ghostPaused) ghostMintsWhilePaused++;
        } catch {
            calls["burn.rejected"]++;
        }
    }

    function pause(bool byGuardian) external {
        if (ghostPaused) return;
        vm.prank(byGuardian ? guardian : timelock);
        bridge.pause();
        ghostPaused = true;
        calls["pause"]++;
    }

    function unpause() external {
        if (!ghostPaused) return;
        vm.prank(timelock);
        bridge.unpause();
        ghostPaused = false;
        calls["unpause"]++;
    }

    /// @notice Governance replaces the relayer set with a random subset of the key pool (3-7
    /// relayers) and a random valid threshold.
    function rotate(uint256 subsetSeed, uint256 thresholdSeed) external {
        uint256[] memory chosen = new uint256[](KEY_POOL);
        uint256 n;
        for (uint256 i; i < KEY_POOL; ++i) {
            if ((subsetSeed >> i) & 1 == 1) chosen[n++] = i;
        }
        if (n < 3) return;
        uint256 threshold_ = bound(thresholdSeed, n / 2 + 1, n);
        address[] memory relayers_ = new address[](n);
        for (uint256 i; i < n; ++i) {
            relayers_[i] = _poolAddrs[chosen[i]];
        }
        vm.prank(timelock);
        bridge.setRelayers(relayers_, threshold_);
        // Keep `_current` sorted by address (the bridge stores the set sorted).
        delete _current;
        address[] memory sorted = bridge.relayers();
        for (uint256 i; i < sorted.length; ++i) {
            for (uint256 k; k < KEY_POOL; ++k) {
                if (_poolAddrs[k] == sorted[i]) _current.push(k);
            }
        }
        _threshold = threshold_;
        calls["rotate"]++;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 hours));
        calls["warp"]++;
    }

    // ------------------------------------------------------------------ views

    function actor(uint256 seed) public pure returns (address) {
        return address(uint160(0xA000 + seed % ACTORS));
    }

    function mintedNoncesLength() external view returns (uint256) {
        return mintedNonces.length;
    }

    function modelAvailable() external view returns (uint256) {
        return _modelAvailable();
    }

    // ------------------------------------------------------------------ internals

    function _modelAvailable() internal view returns (uint256) {
        uint256 elapsed = block.timestamp - modelUpdatedAt;
        if (elapsed >= window) return capacity;
        uint256 level = modelLevel + elapsed * capacity / window;
        return level < capacity ? level : capacity;
    }

    function _anyUsed(ITaoBridge.Mint[] memory batch) internal view returns (bool) {
        for (uint256 i; i < batch.length; ++i) {
            if (mintCount[batch[i].nonce] > 0) return true;
        }
        return false;
    }

    function _sign(ITaoBridge.Mint[] memory batch, uint256 signers)
        internal
        view
        returns (bytes[] memory sigs)
    {
        bytes32 digest = bridge.hashMintBatch(batch);
        sigs = new bytes[](signers);
        for (uint256 i; i < signers; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(_poolKeys[_current[i]], digest);
            sigs[i] = abi.encodePacked(r, s, v);
        }
    }
}
