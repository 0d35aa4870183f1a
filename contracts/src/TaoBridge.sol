// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Errors} from "@openzeppelin/contracts/utils/Errors.sol";

import {ITaoBridge} from "./interfaces/ITaoBridge.sol";
import {IWTAO} from "./interfaces/IWTAO.sol";
import {RelayerSet} from "./libraries/RelayerSet.sol";
import {Secp256k1} from "./libraries/Secp256k1.sol";

/// @title TaoBridge
/// @notice The Ethereum end of the TAO <-> wTAO bridge. Mints wTAO for a batch of TAO locks once
/// `threshold` of the current relayers have signed the batch's EIP-712 `MintBatch` digest, and burns
/// wTAO to release TAO on the TAO chain. Runs behind an ERC1967 proxy (UUPS); the timelock owns every
/// admin function and upgrades, a guardian may only pause.
///
/// @dev Hot-path layout, so that `mint` touches as few cold slots as possible:
///
/// - `mintState` (one slot): the address of the {RelayerSet} data contract (relayers, threshold,
///   mint limit), the mint bucket level and refill time, and the pause flag. Verifying k signatures
///   costs this one `SLOAD`, one `EXTCODECOPY` and k `ecrecover`s.
/// - `burnState` (one slot): the next burn nonce, the burn bucket (level, time, capacity, window)
///   and a copy of the pause flag, so `burn` reads and writes exactly one bridge slot.
/// - `nonceBitmap`: one bit per mint nonce, 256 per word. Nonces in a batch are strictly
///   increasing, so the loop keeps the current word on the stack and writes it once.
///
/// Rate limits are token buckets: up to `capacity` rao at once, refilled at `capacity / window` rao
/// per second. Capacities are limited to 2^56 - 1 rao (72 M TAO, above TAO's 21 M supply) so that a
/// bucket fits in 56 bits. Refill times are `uint32` seconds (good until 2106).
contract TaoBridge is ITaoBridge, Initializable, UUPSUpgradeable, EIP712 {
    using RelayerSet for bytes;

    /// @custom:storage-location erc7201:wtao.storage.TaoBridge
    struct TaoBridgeStorage {
        /// @dev relayerSet (bits 0-159) | mint level (160-215) | mint updatedAt (216-247) | paused (248)
        uint256 mintState;
        /// @dev nonce (0-63) | level (64-119) | updatedAt (120-151) | capacity (152-207) |
        /// window (208-239) | paused (248)
        uint256 burnState;
        address timelock;
        address guardian;
        /// @dev word index (nonce >> 8) => one bit per nonce (nonce & 0xff).
        mapping(uint256 => uint256) nonceBitmap;
    }

    // keccak256(abi.encode(uint256(keccak256("wtao.storage.TaoBridge")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant TAO_BRIDGE_STORAGE_LOCATION =
        0xa096efb1af2a3a8d0f49a3b9e23f32991f0de77f2d893877a4c9b588ab7d7400;

    /// @notice EIP-712 type hash of `Mint`:
    /// `keccak256("Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)")`.
    /// @dev A literal so that assembly can use it; the tests recompute it from the type string.
    bytes32 public constant MINT_TYPEHASH =
        0x8cb83670a5d18abf32efe6a08d092894749fe91154737a740001b98f808b0b77;
    /// @notice EIP-712 type hash of `MintBatch` (the referenced `Mint` type appended, per EIP-712):
    /// `keccak256("MintBatch(Mint[] mints)Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)")`.
    bytes32 public constant MINT_BATCH_TYPEHASH =
        0xe917e5ec0b51ca988c85fe6a99ac9e409d093ba094e373cd9b75062698e92294;

    /// @notice The largest relayer set (the count is stored in one byte).
    uint256 public constant MAX_RELAYERS = 255;
    /// @notice The largest bucket capacity, in rao (2^56 - 1, about 72 M TAO).
    uint64 public constant MAX_CAPACITY = 0xffffffffffffff; // 2^56 - 1

    uint256 private constant ADDRESS_MASK = (1 << 160) - 1;
    uint256 private constant LEVEL_MASK = (1 << 56) - 1;
    uint256 private constant PAUSED = 1 << 248;
    uint256 private constant MINT_LEVEL_SHIFT = 160;
    uint256 private constant MINT_TIME_SHIFT = 216;
    uint256 private constant BURN_LEVEL_SHIFT = 64;
    uint256 private constant BURN_TIME_SHIFT = 120;
    uint256 private constant BURN_CAPACITY_SHIFT = 152;
    uint256 private constant BURN_WINDOW_SHIFT = 208;

    IWTAO private immutable _wtao;

    /// @dev Reverts unless called by the timelock.
    modifier onlyTimelock() {
        _checkTimelock();
        _;
    }

    /// @notice Builds the implementation for the wTAO token `wtao_` (whose `bridge` must be the
    /// proxy this implementation will sit behind). The implementation itself cannot be initialized.
    /// @dev wTAO is an immutable of the implementation, so an upgrade must be built with the same
    /// token. Requirements: `wtao_` is not zero.
    /// @param wtao_ The wTAO token.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address wtao_) EIP712("TaoBridge", "1") {
        if (wtao_ == address(0)) revert TaoBridgeZeroAddress();
        _wtao = IWTAO(wtao_);
        _disableInitializers();
    }

    /// @notice Sets up the proxy: the timelock that administers it, the guardian, the relayer set
    /// and both rate limits (whose buckets start full).
    /// @dev The deploy script passes it as the proxy's constructor data, so nobody can initialize
    /// the proxy before it. Emits {GuardianSet}, {RelayersSet}, {MintLimitSet}, {BurnLimitSet}.
    ///
    /// Requirements:
    ///
    /// - called once, through the proxy;
    /// - `timelock_` is not zero;
    /// - the relayer set and the limits pass the checks of {setRelayers}, {setMintLimit} and
    ///   {setBurnLimit}.
    /// @param timelock_ The TimelockController that owns every admin function and upgrades.
    /// @param guardian_ The account that may pause besides the timelock (zero: none).
    /// @param relayers_ The relayers, in any order.
    /// @param threshold_ The signatures a batch needs: a strict majority of `relayers_`.
    /// @param mintLimit_ The mint bucket's capacity (rao) and refill window (seconds).
    /// @param burnLimit_ The burn bucket's capacity (rao) and refill window (seconds).
    function initialize(
        address timelock_,
        address guardian_,
        address[] calldata relayers_,
        uint256 threshold_,
        RateLimit calldata mintLimit_,
        RateLimit calldata burnLimit_
    ) external initializer {
        if (timelock_ == address(0)) revert TaoBridgeZeroAddress();
        _checkRateLimit(mintLimit_);
        _checkRateLimit(burnLimit_);
        TaoBridgeStorage storage $ = _getTaoBridgeStorage();
        $.timelock = timelock_;
        _setGuardian($, guardian_);
        // Both buckets start full, refilled "now".
        $.mintState = (uint256(mintLimit_.capacity) << MINT_LEVEL_SHIFT)
            | (uint256(uint32(block.timestamp)) << MINT_TIME_SHIFT);
        _setRelayers($, relayers_, threshold_, mintLimit_);
        emit MintLimitSet(mintLimit_.capacity, mintLimit_.window);
        $.burnState = _packBurn(0, burnLimit_.capacity, block.timestamp, burnLimit_, false);
        emit BurnLimitSet(burnLimit_.capacity, burnLimit_.window);
    }

    // ------------------------------------------------------------------ bridging

    /// @inheritdoc ITaoBridge
    /// @dev Order: one walk over the batch checks and consumes nonces, checks amounts and
    /// recipients, sums and hashes ({_consumeNonces}); then the signatures; then the bucket; then
    /// wTAO mints (the only external call, after every state write). Any failure reverts all of it.
    ///
    /// Requirements:
    ///
    /// - not paused;
    /// - `batch` is not empty, its nonces are strictly increasing and none was minted before;
    /// - every amount is non-zero and at most {MAX_CAPACITY}; every recipient is non-zero;
    /// - `signatures` has at least `threshold` entries, each 65 bytes (r, s, v), low-s, recovering
    ///   to a current relayer, in strictly increasing signer order;
    /// - the batch total fits in the mint bucket.
    function mint(Mint[] calldata batch, bytes[] calldata signatures) external {
        if (batch.length == 0) revert TaoBridgeEmptyBatch();
        TaoBridgeStorage storage $ = _getTaoBridgeStorage();
        uint256 state = $.mintState;
        if (state & PAUSED != 0) revert TaoBridgePaused();
        RelayerSet.Set memory set = RelayerSet.read(address(uint160(state)));
        // A zero threshold only reads from a missing set (an uninitialized or broken proxy): never
        // let "no signatures needed" through.
        if (signatures.length < set.threshold || set.threshold == 0) {
            revert TaoBridgeThresholdNotMet(signatures.length, set.threshold);
        }

        (bytes32 batchHash, uint256 total) = _consumeNonces($, batch);
        bytes32 digest = _hashTypedDataV4(batchHash);
        _verifySignatures(digest, signatures, set.packed);

        _takeMint($, state, set, total);

        _mintOnToken(batch, total);
        _emitBatchMinted(digest, batch, total);
    }

    /// @inheritdoc ITaoBridge
    /// @dev The nonce and bucket are written before wTAO burns (checks-effects-interactions); a
    /// balance too low reverts inside wTAO with `ERC20InsufficientBalance`.
    ///
    /// Requirements:
    ///
    /// - not paused;
    /// - `amount` is non-zero, at most the caller's balance and fits in the burn bucket;
    /// - `taoRecipient` is non-zero.
    function burn(uint256 amount, bytes32 taoRecipient) external returns (uint64 nonce) {
        if (amount == 0) revert TaoBridgeZeroAmount();
        if (taoRecipient == bytes32(0)) revert TaoBridgeZeroTaoRecipient();
        TaoBridgeStorage storage $ = _getTaoBridgeStorage();
        uint256 state = $.burnState;
        if (state & PAUSED != 0) revert TaoBridgePaused();
        RateLimit memory limit = _burnLimit(state);
        uint256 available = _refill(
            (state >> BURN_LEVEL_SHIFT) & LEVEL_MASK,
            uint32(state >> BURN_TIME_SHIFT),
            limit.capacity,
            limit.window
        );
        if (amount > available) revert TaoBridgeRateLimited(amount, available);
        nonce = uint64(state);
        unchecked {
            // A uint64 nonce cannot wrap: that would take 2^64 burns. amount <= available.
            $.burnState = _packBurn(nonce + 1, available - amount, block.timestamp, limit, false);
        }
        _wtao.bridgeBurn(msg.sender, amount);
        emit Burned(nonce, msg.sender, taoRecipient, amount);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ITaoBridge
    /// @dev Replaces the set at once: signatures of a removed relayer fail from this transaction
    /// on. The set is stored sorted; `relayers_` may come in any order.
    ///
    /// Requirements:
    ///
    /// - the caller is the timelock;
    /// - no relayer is zero or listed twice; at most {MAX_RELAYERS} relayers;
    /// - `relayers_.length / 2 < threshold_ <= relayers_.length` (a strict majority).
    function setRelayers(address[] calldata relayers_, uint256 threshold_) external onlyTimelock {
        TaoBridgeStorage storage $ = _getTaoBridgeStorage();
        _setRelayers($, relayers_, threshold_, mintLimit());
    }

    /// @inheritdoc ITaoBridge
    /// @dev The bucket keeps what it held (refilled up to now under the old limit), capped at the
    /// new capacity.
    ///
    /// Requirements:
    ///
    /// - the caller is the timelock;
    /// - `0 < limit.capacity <= MAX_CAPACITY` and `limit.window > 0`.
    function setMintLimit(RateLimit calldata limit) external onlyTimelock {
        _checkRateLimit(limit);
        TaoBridgeStorage storage $ = _getTaoBridgeStorage();
        uint256 state = $.mintState;
        RelayerSet.Set memory set = RelayerSet.read(address(uint160(state)));
        uint256 level = _refill(
            (state >> MINT_LEVEL_SHIFT) & LEVEL_MASK,
            uint32(state >> MINT_TIME_SHIFT),
            set.mintCapacity,
            set.mintWindow
        );
        if (level > limit.capacity) level = limit.capacity;
        address pointer =
            RelayerSet.write(set.packed.toArray(), set.threshold, limit.capacity, limit.window);
        $.mintState = (state & PAUSED) | uint256(uint160(pointer)) | (level << MINT_LEVEL_SHIFT)
            | (uint256(uint32(block.timestamp)) << MINT_TIME_SHIFT);
        emit MintLimitSet(limit.capacity, limit.window);
    }

    /// @inheritdoc ITaoBridge
    /// @dev The bucket keeps what it held (refilled up to now under the old limit), capped at the
    /// new capacity.
    ///
    /// Requirements:
    ///
    /// - the caller is the timelock;
    /// - `0 < limit.capacity <= MAX_CAPACITY` and `limit.window > 0`.
    function setBurnLimit(RateLimit calldata limit) external onlyTimelock {
        _checkRateLimit(limit);
        TaoBridgeStorage storage $ = _getTaoBridgeStorage();
        uint256 state = $.burnState;
        RateLimit memory old = _burnLimit(state);
        uint256 level = _refill(
            (state >> BURN_LEVEL_SHIFT) & LEVEL_MASK,
            uint32(state >> BURN_TIME_SHIFT),
            old.capacity,
            old.window
        );
        if (level > limit.capacity) level = limit.capacity;
        $.burnState = _packBurn(uint64(state), level, block.timestamp, limit, state & PAUSED != 0);
        emit BurnLimitSet(limit.capacity, limit.window);
    }

    /// @inheritdoc ITaoBridge
    /// @dev Requirements: the caller is the timelock. A zero guardian leaves pausing to the
    /// timelock alone.
    function setGuardian(address guardian_) external onlyTimelock {
        _setGuardian(_getTaoBridgeStorage(), guardian_);
    }

    /// @inheritdoc ITaoBridge
    /// @dev Sets the flag in both hot slots (`mintState` and `burnState`), so mint and burn each
    /// read it from the slot they load anyway.
    ///
    /// Requirements: the caller is the guardian or the timelock; not already paused.
    function pause() external {
        TaoBridgeStorage storage $ = _getTaoBridgeStorage();
        if (msg.sender != $.guardian && msg.sender != $.timelock) {
            revert TaoBridgeUnauthorized(msg.sender);
        }
        uint256 state = $.mintState;
        if (state & PAUSED != 0) revert TaoBridgePaused();
        $.mintState = state | PAUSED;
        $.burnState |= PAUSED;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ITaoBridge
    /// @dev Requirements: the caller is the timelock; paused.
    function unpause() external onlyTimelock {
        TaoBridgeStorage storage $ = _getTaoBridgeStorage();
        uint256 state = $.mintState;
        if (state & PAUSED == 0) revert TaoBridgeNotPaused();
        $.mintState = state & ~PAUSED;
        $.burnState &= ~PAUSED;
        emit Unpaused(msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ITaoBridge
    function wtao() external view returns (address) {
        return address(_wtao);
    }

    /// @inheritdoc ITaoBridge
    function timelock() external view returns (address) {
        return _getTaoBridgeStorage().timelock;
    }

    /// @inheritdoc ITaoBridge
    function guardian() external view returns (address) {
        return _getTaoBridgeStorage().guardian;
    }

    /// @inheritdoc ITaoBridge
    function relayers() external view returns (address[] memory) {
        return RelayerSet.read(_relayerSet()).packed.toArray();
    }

    /// @inheritdoc ITaoBridge
    function threshold() external view returns (uint256) {
        return RelayerSet.read(_relayerSet()).threshold;
    }

    /// @inheritdoc ITaoBridge
    function paused() external view returns (bool) {
        return _getTaoBridgeStorage().mintState & PAUSED != 0;
    }

    /// @inheritdoc ITaoBridge
    function isNonceUsed(uint64 nonce) external view returns (bool) {
        return (_getTaoBridgeStorage().nonceBitmap[nonce >> 8] >> (nonce & 0xff)) & 1 == 1;
    }

    /// @inheritdoc ITaoBridge
    function nextBurnNonce() external view returns (uint64) {
        return uint64(_getTaoBridgeStorage().burnState);
    }

    /// @inheritdoc ITaoBridge
    function availableMint() external view returns (uint256) {
        uint256 state = _getTaoBridgeStorage().mintState;
        RelayerSet.Set memory set = RelayerSet.read(address(uint160(state)));
        return _refill(
            (state >> MINT_LEVEL_SHIFT) & LEVEL_MASK,
            uint32(state >> MINT_TIME_SHIFT),
            set.mintCapacity,
            set.mintWindow
        );
    }

    /// @inheritdoc ITaoBridge
    function availableBurn() external view returns (uint256) {
        uint256 state = _getTaoBridgeStorage().burnState;
        RateLimit memory limit = _burnLimit(state);
        return _refill(
            (state >> BURN_LEVEL_SHIFT) & LEVEL_MASK,
            uint32(state >> BURN_TIME_SHIFT),
            limit.capacity,
            limit.window
        );
    }

    /// @inheritdoc ITaoBridge
    function mintLimit() public view returns (RateLimit memory) {
        RelayerSet.Set memory set = RelayerSet.read(_relayerSet());
        return RateLimit(set.mintCapacity, set.mintWindow);
    }

    /// @inheritdoc ITaoBridge
    function burnLimit() external view returns (RateLimit memory) {
        return _burnLimit(_getTaoBridgeStorage().burnState);
    }

    /// @inheritdoc ITaoBridge
    function hashMintBatch(Mint[] calldata batch) external view returns (bytes32) {
        return _hashTypedDataV4(_hashBatch(batch));
    }

    /// @notice The address of the data contract holding the current relayer set (see {RelayerSet}).
    /// @dev Not part of {ITaoBridge}: for tests and monitoring (a rotation changes it).
    /// @return The data contract's address.
    function relayerSet() external view returns (address) {
        return _relayerSet();
    }

    // ------------------------------------------------------------------ internals

    /// @dev UUPS: only the timelock may upgrade.
    function _authorizeUpgrade(address) internal view override {
        _checkTimelock();
    }

    function _checkTimelock() private view {
        if (msg.sender != _getTaoBridgeStorage().timelock) {
            revert TaoBridgeUnauthorized(msg.sender);
        }
    }

    /// @dev Walks the batch once: checks nonces (strictly increasing, unused) and marks them used,
    /// checks amounts and recipients, sums the amounts and hashes the `Mint[]` per EIP-712 (the
    /// keccak of the concatenated struct hashes). Returns the `MintBatch` struct hash and the total.
    ///
    /// The bitmap word of the current 256-nonce range is kept on the stack and written back when
    /// the range changes and at the end, so a batch pays one `SLOAD`/`SSTORE` per word it touches.
    /// An equal nonce twice in a row passes the order check and then finds its bit set.
    ///
    /// Written in assembly because it runs once per transfer (with the raw forwarding in
    /// {_mintOnToken}, ~490 gas per transfer instead of ~1,430 in plain Solidity). It reads each
    /// `Mint` as the four 32-byte words the ABI lays out for a static struct, rejects dirty high
    /// bits in `nonce` and `recipient` exactly as Solidity's ABI decoder would (empty revert), and
    /// reports any other failure through `failure` so the custom errors are raised in Solidity
    /// below.
    function _consumeNonces(TaoBridgeStorage storage $, Mint[] calldata batch)
        private
        returns (bytes32 structHash, uint256 total)
    {
        uint256 bitmapSlot;
        mapping(uint256 => uint256) storage bitmap = $.nonceBitmap;
        // The walk computes word slots itself (keccak256(word ‖ slot), as Solidity does for a
        // mapping); Solidity has no expression for a mapping's slot number, only `.slot` in Yul.
        assembly ("memory-safe") {
            bitmapSlot := bitmap.slot
        }
        uint256 failure;
        (structHash, total, failure) = _walkBatch(bitmapSlot, batch);
        if (failure != 0) {
            uint256 a;
            uint256 b;
            // The walk left the failure's values in the scratch words 0x00/0x20 (Solidity's own
            // hashing scratch, free between statements), so the success path returns no extra
            // values; nothing since has written there.
            assembly ("memory-safe") {
                a := mload(0x00)
                b := mload(0x20)
            }
            if (failure == 1) revert TaoBridgeNoncesNotSorted(uint64(a), uint64(b));
            if (failure == 2) revert TaoBridgeNonceUsed(uint64(a));
            if (failure == 3) revert TaoBridgeZeroAmount();
            if (failure == 4) revert TaoBridgeRateLimited(a, MAX_CAPACITY);
            revert TaoBridgeZeroRecipient();
        }
    }

    /// @dev The loop of {_consumeNonces}. On failure returns a code (1 unsorted, 2 nonce used,
    /// 3 zero amount, 4 amount above MAX_CAPACITY, 5 zero recipient) with its arguments in scratch
    /// memory 0x00/0x20; the bitmap writes made so far are undone by the caller's revert.
    function _walkBatch(uint256 bitmapSlot, Mint[] calldata batch)
        private
        returns (bytes32 structHash, uint256 total, uint256 failure)
    {
        // Assembly: see {_consumeNonces}. Memory-safe: it writes only the scratch words 0x00-0x3f
        // and unallocated memory past the free pointer, which it does not move (nothing after
        // this function keeps those bytes).
        assembly ("memory-safe") {
            let ptr := batch.offset
            let end := add(ptr, shl(7, batch.length)) // 4 words per Mint; length > 0
            // Past the free pointer: a 5-word scratch for hashing one Mint, then the struct hashes.
            let hashes := add(mload(0x40), 0xa0)
            mstore(sub(hashes, 0xa0), MINT_TYPEHASH)
            // `previous` starts at the first nonce: equal passes the order check, and the cached
            // bitmap word is always the word of `previous`.
            let previous := calldataload(ptr)
            mstore(0x00, shr(8, previous))
            mstore(0x20, bitmapSlot)
            let wordSlot := keccak256(0x00, 0x40)
            let word := sload(wordSlot)
            for {} lt(ptr, end) { ptr := add(ptr, 0x80) } {
                let nonce := calldataload(ptr)
                let amount := calldataload(add(ptr, 0x60))
                // Dirty high bits: reject as Solidity's ABI decoder would.
                if or(shr(64, nonce), shr(160, calldataload(add(ptr, 0x40)))) {
                    revert(0, 0)
                }
                if lt(nonce, previous) {
                    failure := 1
                    mstore(0x00, previous)
                    mstore(0x20, nonce)
                    break
                }
                if iszero(eq(shr(8, nonce), shr(8, previous))) {
                    sstore(wordSlot, word)
                    mstore(0x00, shr(8, nonce))
                    mstore(0x20, bitmapSlot)
                    wordSlot := keccak256(0x00, 0x40)
                    word := sload(wordSlot)
                }
                previous := nonce
                // The nonce's bit: shl(shift, value) is `1 << (nonce & 0xff)`. (slither's
                // incorrect-shift reads a constant value operand as swapped arguments: a false
                // positive, triaged in slither.triage.json.)
                if and(word, shl(and(nonce, 0xff), 1)) {
                    failure := 2
                    mstore(0x00, nonce)
                    break
                }
                word := or(word, shl(and(nonce, 0xff), 1))
                if iszero(amount) {
                    failure := 3
                    break
                }
                if gt(amount, MAX_CAPACITY) {
                    failure := 4
                    mstore(0x00, amount)
                    break
                }
                if iszero(calldataload(add(ptr, 0x40))) {
                    failure := 5
                    break
                }
                // No overflow: each amount < 2^56 and a batch has far fewer than 2^200 mints.
                total := add(total, amount)
                // hashStruct(Mint) = keccak256(typehash ‖ nonce ‖ taoSender ‖ recipient ‖ amount),
                // stored at hashes[(ptr - offset) / 128].
                calldatacopy(sub(hashes, 0x80), ptr, 0x80)
                mstore(
                    add(hashes, shr(2, sub(ptr, batch.offset))),
                    keccak256(sub(hashes, 0xa0), 0xa0)
                )
            }
            if iszero(failure) {
                sstore(wordSlot, word)
                // hashStruct(MintBatch) = keccak256(typehash ‖ keccak256(hash_0 ‖ ... ‖ hash_n-1))
                mstore(0x20, keccak256(hashes, shl(5, batch.length)))
                mstore(0x00, MINT_BATCH_TYPEHASH)
                structHash := keccak256(0x00, 0x40)
            }
        }
    }

    /// @dev Takes `total` out of the mint bucket (refilled up to now) or reverts.
    function _takeMint(
        TaoBridgeStorage storage $,
        uint256 state,
        RelayerSet.Set memory set,
        uint256 total
    ) private {
        uint256 available = _refill(
            (state >> MINT_LEVEL_SHIFT) & LEVEL_MASK,
            uint32(state >> MINT_TIME_SHIFT),
            set.mintCapacity,
            set.mintWindow
        );
        if (total > available) revert TaoBridgeRateLimited(total, available);
        unchecked {
            // total <= available <= MAX_CAPACITY fits the 56-bit field.
            $.mintState = (state & ADDRESS_MASK) | ((available - total) << MINT_LEVEL_SHIFT)
                | (uint256(uint32(block.timestamp)) << MINT_TIME_SHIFT);
        }
    }

    /// @dev Calls `WTAO.mintBatch(batch)`, forwarding the batch's calldata bytes as they are (the
    /// loop in {_consumeNonces} has checked every field is clean), which saves re-encoding each
    /// struct. Requires wTAO to answer the batch total, so a call that did nothing cannot pass.
    function _mintOnToken(Mint[] calldata batch, uint256 total) private {
        address token = address(_wtao);
        bytes4 selector = IWTAO.mintBatch.selector;
        bool ok;
        // Assembly because `IWTAO(token).mintBatch(batch)` would ABI-encode the array again, struct
        // by struct; the calldata bytes are already that encoding. Memory-safe: the call data is
        // built past the free pointer (not moved: nothing is kept there) and the 32-byte answer
        // lands in scratch 0x00. A revert inside wTAO is bubbled up unchanged.
        assembly ("memory-safe") {
            let n := batch.length
            let size := shl(7, n) // 4 words per Mint
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), 0x20) // offset of the array
            mstore(add(ptr, 0x24), n)
            calldatacopy(add(ptr, 0x44), batch.offset, size)
            ok := call(gas(), token, 0, ptr, add(0x44, size), 0x00, 0x20)
            if iszero(ok) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            ok := and(eq(returndatasize(), 0x20), eq(mload(0x00), total))
        }
        if (!ok) revert Errors.FailedCall();
    }

    function _emitBatchMinted(bytes32 digest, Mint[] calldata batch, uint256 total) private {
        emit BatchMinted(digest, batch[0].nonce, batch[batch.length - 1].nonce, batch.length, total);
    }

    /// @dev `hashStruct(MintBatch)` without touching storage (for {hashMintBatch}).
    function _hashBatch(Mint[] calldata batch) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](batch.length);
        for (uint256 i; i < batch.length; ++i) {
            Mint calldata m = batch[i];
            hashes[i] =
                keccak256(abi.encode(MINT_TYPEHASH, m.nonce, m.taoSender, m.recipient, m.amount));
        }
        return keccak256(abi.encode(MINT_BATCH_TYPEHASH, keccak256(abi.encodePacked(hashes))));
    }

    /// @dev Every signature must be 65 bytes (r ‖ s ‖ v), low-s, and recover to a relayer (the
    /// checks of OpenZeppelin `ECDSA.tryRecover`, made by {Secp256k1-tryRecover} in one precompile
    /// call: ~276 gas less per signature); signers strictly increase, which rules out duplicates.
    /// Membership is a merge walk of the sorted signers against the sorted set: O(N + k)
    /// comparisons, no storage reads.
    function _verifySignatures(bytes32 digest, bytes[] calldata signatures, bytes memory set)
        private
        view
    {
        uint256 cursor; // memory address of the next set member to compare (20 bytes each)
        uint256 end;
        // Raw pointers into the packed set (20 bytes per relayer): Solidity's `bytes` indexing
        // would check bounds and copy byte by byte for each comparison.
        assembly ("memory-safe") {
            cursor := add(set, 0x20)
            end := add(cursor, mload(set))
        }
        address previous;
        for (uint256 i; i < signatures.length; ++i) {
            bytes32 r;
            bytes32 s;
            uint256 v;
            uint256 length;
            // Reads r, s and v straight from calldata: `signatures[i]` in Solidity would validate
            // and copy the 65 bytes into memory, and `bytes32(sig[0:32])` & co. check bounds each.
            assembly ("memory-safe") {
                // signatures[i]: its offset is relative to the start of the offsets table. An
                // offset pointing past the calldata reads as zeros and fails the length check.
                let item := add(signatures.offset, calldataload(add(signatures.offset, shl(5, i))))
                length := calldataload(item)
                r := calldataload(add(item, 0x20))
                s := calldataload(add(item, 0x40))
                v := byte(0, calldataload(add(item, 0x60)))
            }
            address signer = Secp256k1.tryRecover(digest, v, r, s);
            if (length != 65 || signer == address(0)) revert TaoBridgeInvalidSignature(i);
            if (signer <= previous) revert TaoBridgeSignersNotSorted(previous, signer);
            previous = signer;
            bool found;
            // The merge step over the packed set, on the raw pointers above. Reading the last
            // member loads 12 bytes past the set's end, which the shift discards.
            assembly ("memory-safe") {
                // Advance through the sorted set past every member below `signer`.
                for {} lt(cursor, end) {} {
                    let member := shr(96, mload(cursor))
                    cursor := add(cursor, 20)
                    if iszero(lt(member, signer)) {
                        found := eq(member, signer)
                        break
                    }
                }
            }
            if (!found) revert TaoBridgeInvalidSigner(signer);
        }
    }

    /// @dev Checks, sorts and stores a relayer set with the given mint limit; keeps the mint bucket
    /// and the pause flag.
    function _setRelayers(
        TaoBridgeStorage storage $,
        address[] calldata relayers_,
        uint256 threshold_,
        RateLimit memory mintLimit_
    ) private {
        uint256 n = relayers_.length;
        if (n == 0 || n > MAX_RELAYERS || threshold_ <= n / 2 || threshold_ > n) {
            revert TaoBridgeInvalidThreshold(threshold_, n);
        }
        address[] memory sorted = relayers_;
        // Insertion sort: N <= 255 and this runs only on governance calls.
        for (uint256 i = 1; i < n; ++i) {
            address key = sorted[i];
            uint256 k = i;
            while (k > 0 && sorted[k - 1] > key) {
                sorted[k] = sorted[k - 1];
                --k;
            }
            sorted[k] = key;
        }
        if (sorted[0] == address(0)) revert TaoBridgeInvalidRelayer(address(0));
        for (uint256 i = 1; i < n; ++i) {
            if (sorted[i] == sorted[i - 1]) revert TaoBridgeInvalidRelayer(sorted[i]);
        }
        address pointer =
            RelayerSet.write(sorted, threshold_, mintLimit_.capacity, mintLimit_.window);
        $.mintState = ($.mintState & ~ADDRESS_MASK) | uint256(uint160(pointer));
        emit RelayersSet(sorted, threshold_, keccak256(abi.encode(sorted, threshold_)));
    }

    function _setGuardian(TaoBridgeStorage storage $, address guardian_) private {
        address previous = $.guardian;
        $.guardian = guardian_;
        emit GuardianSet(previous, guardian_);
    }

    function _checkRateLimit(RateLimit memory limit) private pure {
        if (limit.capacity == 0 || limit.capacity > MAX_CAPACITY || limit.window == 0) {
            revert TaoBridgeInvalidRateLimit(limit.capacity, limit.window);
        }
    }

    /// @dev Token bucket: `level` rao at `updatedAt`, plus `capacity / window` rao per second
    /// since, capped at `capacity`.
    function _refill(uint256 level, uint256 updatedAt, uint256 capacity, uint256 window)
        private
        view
        returns (uint256)
    {
        unchecked {
            // block.timestamp >= updatedAt (time does not go back; uint32 until 2106);
            // elapsed < 2^32 and capacity < 2^56, so the product fits easily.
            uint256 elapsed = uint32(block.timestamp) - updatedAt;
            if (elapsed >= window) return capacity;
            uint256 refilled = level + elapsed * capacity / window;
            return refilled < capacity ? refilled : capacity;
        }
    }

    function _packBurn(
        uint64 nonce,
        uint256 level,
        uint256 time,
        RateLimit memory limit,
        bool isPaused
    ) private pure returns (uint256) {
        return uint256(nonce) | (level << BURN_LEVEL_SHIFT)
            | (uint256(uint32(time)) << BURN_TIME_SHIFT)
            | (uint256(limit.capacity) << BURN_CAPACITY_SHIFT)
            | (uint256(limit.window) << BURN_WINDOW_SHIFT) | (isPaused ? PAUSED : 0);
    }

    function _burnLimit(uint256 state) private pure returns (RateLimit memory) {
        return RateLimit(
            uint64((state >> BURN_CAPACITY_SHIFT) & LEVEL_MASK), uint32(state >> BURN_WINDOW_SHIFT)
        );
    }

    function _relayerSet() private view returns (address) {
        return address(uint160(_getTaoBridgeStorage().mintState));
    }

    /// @dev ERC-7201: the storage struct lives at {TAO_BRIDGE_STORAGE_LOCATION}, away from the
    /// slots of any other layout an upgrade might bring.
    function _getTaoBridgeStorage() private pure returns (TaoBridgeStorage storage $) {
        // Yul is the only way to point a storage reference at a computed slot.
        assembly ("memory-safe") {
            $.slot := TAO_BRIDGE_STORAGE_LOCATION
        }
    }
}
