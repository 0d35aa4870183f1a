// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ITaoBridge
/// @notice The Ethereum end of the TAO <-> wTAO bridge: mints wTAO for TAO locked on the TAO chain
/// when `threshold` of the current relayers have signed the batch, and burns wTAO to release TAO.
/// @dev This interface is the ABI that the relayer, the CLI and the tests are written against:
/// `crates/bridge-types` generates the one set of Rust bindings (`Mint`, `MintBatch`, events,
/// errors, calls) from this file with alloy's `sol!`. Change it only together with the EIP-712
/// vectors (`contracts/test/vectors/`).
interface ITaoBridge {
    /// @notice One TAO -> wTAO transfer: the `Locked` event with this `nonce` on the TAO chain.
    /// @dev EIP-712 type: `Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)`.
    /// `amount` is in rao, which is also wTAO's base unit (both have 9 decimals).
    struct Mint {
        uint64 nonce;
        bytes32 taoSender;
        address recipient;
        uint256 amount;
    }

    /// @notice What relayers sign: all `Locked` events of one finalized TAO block, in nonce order.
    /// @dev No function takes it; it is the EIP-712 type of the digest {hashMintBatch} returns:
    /// `MintBatch(Mint[] mints)Mint(uint64 nonce,bytes32 taoSender,address recipient,uint256 amount)`.
    /// Declared here so that `crates/bridge-types` generates it, with {Mint}, from this file.
    struct MintBatch {
        Mint[] mints;
    }

    /// @notice Token-bucket rate limit: up to `capacity` rao at once, refilled linearly so that a
    /// full bucket takes `window` seconds to refill from empty.
    struct RateLimit {
        uint64 capacity;
        uint32 window;
    }

    // ------------------------------------------------------------------ events

    /// @notice A batch was minted. Individual mints show as wTAO `Transfer(0, recipient, amount)`.
    /// @param digest The EIP-712 `MintBatch` digest the relayers signed ({hashMintBatch}).
    /// @param firstNonce The nonce of the batch's first `Mint` (the smallest).
    /// @param lastNonce The nonce of its last `Mint` (the largest).
    /// @param count The number of mints in the batch.
    /// @param total The sum of their amounts, in rao.
    event BatchMinted(
        bytes32 indexed digest, uint64 firstNonce, uint64 lastNonce, uint256 count, uint256 total
    );
    /// @notice wTAO was burned to release `amount` rao to `taoRecipient` on the TAO chain.
    /// @dev The relayers watch this event and release the TAO; `nonce` keys the release there, so
    /// it is released at most once.
    /// @param nonce The burn nonce: 0 for the first burn, then strictly increasing by one.
    /// @param from The holder whose wTAO was burned (the caller of {burn}).
    /// @param taoRecipient The sr25519/ed25519 public key (32 bytes) that receives the TAO.
    /// @param amount The amount burned and to release, in rao.
    event Burned(
        uint64 indexed nonce, address indexed from, bytes32 indexed taoRecipient, uint256 amount
    );
    /// @notice The relayer set or threshold changed.
    /// @param relayers The new set, sorted ascending.
    /// @param threshold The signatures a batch now needs.
    /// @param setHash `keccak256(abi.encode(relayers, threshold))`, for off-chain comparison.
    event RelayersSet(address[] relayers, uint256 threshold, bytes32 setHash);
    /// @notice The mint rate limit changed (the bucket keeps its level, capped at `capacity`).
    /// @param capacity The most rao the bucket holds.
    /// @param window Seconds for an empty bucket to refill.
    event MintLimitSet(uint64 capacity, uint32 window);
    /// @notice The burn rate limit changed (the bucket keeps its level, capped at `capacity`).
    /// @param capacity The most rao the bucket holds.
    /// @param window Seconds for an empty bucket to refill.
    event BurnLimitSet(uint64 capacity, uint32 window);
    /// @notice The guardian (the account that may pause) changed.
    /// @param previousGuardian The guardian before (zero at initialization).
    /// @param newGuardian The guardian now; zero leaves pausing to the timelock alone.
    event GuardianSet(address indexed previousGuardian, address indexed newGuardian);
    /// @notice Mint and burn were stopped.
    /// @param account The guardian or the timelock.
    event Paused(address account);
    /// @notice Mint and burn were resumed.
    /// @param account The timelock (only governance unpauses).
    event Unpaused(address account);
    /// @notice Governance voided mint nonces that were never minted: they can never mint now.
    /// @dev The first step of recovering a stuck batch (see {voidNonces}); the TAO chain's root
    /// refunds or re-batches those locks only after this event is final.
    /// @param nonces The voided nonces, strictly increasing.
    event NoncesVoided(uint64[] nonces);

    // ------------------------------------------------------------------ errors

    /// @notice A nonce in the batch was already minted (or voided), earlier or earlier in the
    /// same batch.
    /// @param nonce The nonce.
    error TaoBridgeNonceUsed(uint64 nonce);
    /// @notice Nonces in a batch must be strictly increasing (relayers build batches in nonce
    /// order); an equal pair is reported as {TaoBridgeNonceUsed}.
    /// @param previous The nonce before `next` in the batch.
    /// @param next The nonce that is smaller than `previous`.
    error TaoBridgeNoncesNotSorted(uint64 previous, uint64 next);
    /// @notice `mint` with no `Mint` in the batch, or `voidNonces` with no nonce.
    error TaoBridgeEmptyBatch();
    /// @notice A `Mint` of the batch, or a `burn`, has amount zero.
    error TaoBridgeZeroAmount();
    /// @notice A `Mint` of the batch has recipient `address(0)`.
    error TaoBridgeZeroRecipient();
    /// @notice A `Mint` of the batch has the bridge proxy itself as recipient: wTAO there could
    /// never move again.
    /// @dev The TAO node refuses such a lock at `lock()` (it knows the proxy address as the EIP-712
    /// verifyingContract), so a relayer never signs a batch that hits this.
    /// @param nonce The nonce of that `Mint`.
    error TaoBridgeRecipientIsBridge(uint64 nonce);
    /// @notice Fewer signatures than the threshold (or no relayer set at all: threshold zero).
    /// @param signatures The number of signatures given.
    /// @param threshold The number needed.
    error TaoBridgeThresholdNotMet(uint256 signatures, uint256 threshold);
    /// @notice A signature that is not 65 bytes, has a high `s` (malleable), a `v` other than
    /// 27/28, or recovers to nobody.
    /// @param index Its position in `signatures`.
    error TaoBridgeInvalidSignature(uint256 index);
    /// @notice A signature recovered to an address that is not a current relayer (a wrong key, or
    /// a signature over another batch, chain or bridge).
    /// @param signer The recovered address.
    error TaoBridgeInvalidSigner(address signer);
    /// @notice Signers must be strictly increasing; this also rejects a duplicate signer.
    /// @param previous The signer of the signature before.
    /// @param next The signer that is not above `previous`.
    error TaoBridgeSignersNotSorted(address previous, address next);
    /// @notice A relayer set needs `relayers / 2 < threshold <= relayers` (a strict majority) and
    /// `1 <= relayers <= MAX_RELAYERS`.
    /// @param threshold The threshold given.
    /// @param relayers The number of relayers given.
    error TaoBridgeInvalidThreshold(uint256 threshold, uint256 relayers);
    /// @notice A relayer set with `address(0)` or with an address listed twice.
    /// @param relayer The zero or repeated address.
    error TaoBridgeInvalidRelayer(address relayer);
    /// @notice More than the rate limit allows now: the batch total (or a single amount above
    /// `MAX_CAPACITY`, with `available = MAX_CAPACITY`) for `mint`, the amount for `burn`.
    /// @param requested The rao asked for.
    /// @param available The rao the bucket holds now (it refills over time).
    error TaoBridgeRateLimited(uint256 requested, uint256 available);
    /// @notice A rate limit needs `0 < capacity <= MAX_CAPACITY` and `window > 0`.
    /// @param capacity The capacity given.
    /// @param window The window given.
    error TaoBridgeInvalidRateLimit(uint64 capacity, uint32 window);
    /// @notice The caller may not call this function (the timelock only, or for `pause` the
    /// guardian or the timelock).
    /// @param caller The caller.
    error TaoBridgeUnauthorized(address caller);
    /// @notice `burn` to the zero TAO public key, from which nobody could spend.
    error TaoBridgeZeroTaoRecipient();
    /// @notice `mint`, `burn` or `pause` while paused.
    error TaoBridgePaused();
    /// @notice `unpause` while not paused.
    error TaoBridgeNotPaused();
    /// @notice `initialize` with a zero timelock, or the implementation built with a zero wTAO.
    error TaoBridgeZeroAddress();

    // ------------------------------------------------------------------ bridging

    /// @notice Mints wTAO for a batch of TAO locks that at least `threshold` relayers signed.
    /// Anyone may submit a signed batch; each `Mint` mints `amount` rao of wTAO to `recipient`.
    /// @dev The relayers sign the EIP-712 digest of `MintBatch(Mint[] mints)` ({hashMintBatch}).
    /// The whole batch mints or nothing does. Emits one wTAO `Transfer(0, recipient, amount)` per
    /// `Mint` and one {BatchMinted}.
    ///
    /// Requirements:
    ///
    /// - not paused;
    /// - `batch` is not empty and its nonces strictly increase, none minted before;
    /// - every `amount` is non-zero and at most `MAX_CAPACITY`; no `recipient` is zero or this
    ///   bridge (the proxy);
    /// - at least `threshold` signatures, each 65 bytes (r, s, v), low-s, from a distinct current
    ///   relayer, in strictly increasing signer order;
    /// - the batch total is at most what the mint bucket holds now ({availableMint}).
    /// @param batch The mints, in strictly increasing nonce order.
    /// @param signatures The relayers' signatures of the batch's digest, sorted by signer.
    function mint(Mint[] calldata batch, bytes[] calldata signatures) external;

    /// @notice Burns `amount` rao of the caller's wTAO to release the same amount of TAO to
    /// `taoRecipient` on the TAO chain. No allowance is needed: the caller burns its own wTAO.
    /// @dev Emits {Burned} (and wTAO's `Transfer(caller, 0, amount)`).
    ///
    /// Requirements:
    ///
    /// - not paused;
    /// - `amount` is non-zero, at most the caller's balance and at most {availableBurn};
    /// - `taoRecipient` is non-zero.
    /// @param amount The rao to burn and release.
    /// @param taoRecipient The TAO account (32-byte sr25519/ed25519 public key) to release to.
    /// @return nonce The burn nonce, which keys the release on the TAO chain.
    function burn(uint256 amount, bytes32 taoRecipient) external returns (uint64 nonce);

    // ------------------------------------------------------------------ admin (timelock)

    /// @notice Replaces the relayer set and the threshold. Timelock only.
    /// @dev Signatures of a removed relayer fail from this transaction on; batches signed by the
    /// old set and not yet minted must be signed again. Emits {RelayersSet}.
    ///
    /// Requirements:
    ///
    /// - the caller is the timelock;
    /// - `1 <= relayers.length <= MAX_RELAYERS`, no zero or repeated address (any order);
    /// - `relayers.length / 2 < threshold <= relayers.length`.
    /// @param relayers The new relayers, in any order (stored sorted).
    /// @param threshold The signatures a batch will need.
    function setRelayers(address[] calldata relayers, uint256 threshold) external;

    /// @notice Changes the mint rate limit. Timelock only.
    /// @dev The bucket keeps its level (refilled up to now under the old limit), capped at the new
    /// capacity. Emits {MintLimitSet}.
    ///
    /// Requirements: the caller is the timelock; `0 < limit.capacity <= MAX_CAPACITY`;
    /// `limit.window > 0`.
    /// @param limit The new capacity (rao) and refill window (seconds).
    function setMintLimit(RateLimit calldata limit) external;

    /// @notice Changes the burn rate limit. Timelock only.
    /// @dev As {setMintLimit}, for the burn bucket. Emits {BurnLimitSet}.
    ///
    /// Requirements: the caller is the timelock; `0 < limit.capacity <= MAX_CAPACITY`;
    /// `limit.window > 0`.
    /// @param limit The new capacity (rao) and refill window (seconds).
    function setBurnLimit(RateLimit calldata limit) external;

    /// @notice Changes the guardian, the account that may pause besides the timelock. Timelock
    /// only.
    /// @dev Emits {GuardianSet}. Requirements: the caller is the timelock.
    /// @param guardian The new guardian; zero leaves pausing to the timelock alone.
    function setGuardian(address guardian) external;

    /// @notice Stops mint and burn. Callable by the guardian or the timelock.
    /// @dev Emits {Paused}. Requirements: the caller is the guardian or the timelock; not paused.
    function pause() external;

    /// @notice Resumes mint and burn. Callable only by the timelock (a governance vote), never by
    /// the guardian.
    /// @dev Emits {Unpaused}. Requirements: the caller is the timelock; paused.
    function unpause() external;

    /// @notice Voids mint nonces that were never minted, so that no batch holding any of them can
    /// ever mint, whoever signed it. Timelock only: the Ethereum half of recovering a batch that
    /// can never mint (one whose total no longer fits the mint bucket after governance lowered it,
    /// or one the TAO node should have refused).
    /// @dev Marks each nonce used in the bitmap, exactly as minting it would, without minting.
    /// Reverts if any nonce is already used, so a successful call proves that none of them was
    /// minted, before or ever after: only then may the TAO chain's root refund those locks (or
    /// re-lock them under new nonces) — in that order, so that no state allows both a mint and a
    /// refund (see the recovery procedure in `contracts/README.md`). Works while paused. Emits
    /// {NoncesVoided}.
    ///
    /// Requirements:
    ///
    /// - the caller is the timelock;
    /// - `nonces` is not empty ({TaoBridgeEmptyBatch}) and strictly increasing
    ///   ({TaoBridgeNoncesNotSorted}; an equal pair is {TaoBridgeNonceUsed});
    /// - no nonce was minted or voided before ({TaoBridgeNonceUsed}).
    /// @param nonces The nonces to void, strictly increasing: every nonce of the stuck batch.
    function voidNonces(uint64[] calldata nonces) external;

    // ------------------------------------------------------------------ views

    /// @notice The wTAO token this bridge mints and burns.
    /// @return The token's address.
    function wtao() external view returns (address);
    /// @notice The timelock that administers the bridge (and upgrades it).
    /// @return The timelock's address.
    function timelock() external view returns (address);
    /// @notice The account that may pause besides the timelock.
    /// @return The guardian's address (zero: none).
    function guardian() external view returns (address);
    /// @notice The current relayers.
    /// @return The relayers, sorted ascending.
    function relayers() external view returns (address[] memory);
    /// @notice How many relayer signatures a batch needs.
    /// @return The threshold.
    function threshold() external view returns (uint256);
    /// @notice Whether mint and burn are stopped.
    /// @return True while paused.
    function paused() external view returns (bool);
    /// @notice Whether the mint with this nonce has been minted.
    /// @param nonce The mint nonce (the TAO chain's lock nonce).
    /// @return True once minted.
    function isNonceUsed(uint64 nonce) external view returns (bool);
    /// @notice The nonce the next {burn} will get.
    /// @return The next burn nonce.
    function nextBurnNonce() external view returns (uint64);
    /// @notice The rao that can be minted right now under the mint rate limit.
    /// @return The mint bucket's level, refilled up to now.
    function availableMint() external view returns (uint256);
    /// @notice The rao that can be burned right now under the burn rate limit.
    /// @return The burn bucket's level, refilled up to now.
    function availableBurn() external view returns (uint256);
    /// @notice The mint rate limit.
    /// @return The capacity (rao) and refill window (seconds).
    function mintLimit() external view returns (RateLimit memory);
    /// @notice The burn rate limit.
    /// @return The capacity (rao) and refill window (seconds).
    function burnLimit() external view returns (RateLimit memory);
    /// @notice The EIP-712 digest of `MintBatch(Mint[] mints)` over `batch`, which relayers sign.
    /// @dev Domain: name "TaoBridge", version "1", this chain's id, the proxy's address.
    /// @param batch The mints.
    /// @return The digest.
    function hashMintBatch(Mint[] calldata batch) external view returns (bytes32);
}
