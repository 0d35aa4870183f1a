// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ITaoBridge
/// @notice The Ethereum end of the TAO <-> wTAO bridge: mints wTAO for TAO locked on the TAO chain
/// when `threshold` of the current relayers have signed the batch, and burns wTAO to release TAO.
/// @dev This interface is the ABI that the relayer, the CLI and the tests are written against
/// (`crates/bridge-types` mirrors `Mint` and the EIP-712 types). Change it only together with them.
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

    /// @notice Token-bucket rate limit: up to `capacity` rao at once, refilled linearly so that a
    /// full bucket takes `window` seconds to refill from empty.
    struct RateLimit {
        uint64 capacity;
        uint32 window;
    }

    // ------------------------------------------------------------------ events

    /// @notice A batch was minted. Individual mints show as wTAO `Transfer(0, recipient, amount)`;
    /// `digest` is the EIP-712 `MintBatch` digest the relayers signed.
    event BatchMinted(
        bytes32 indexed digest, uint64 firstNonce, uint64 lastNonce, uint256 count, uint256 total
    );
    /// @notice wTAO was burned to release `amount` rao to `taoRecipient` (an sr25519/ed25519 public
    /// key) on the TAO chain. `nonce` is strictly increasing from 0 and keys the release.
    event Burned(
        uint64 indexed nonce, address indexed from, bytes32 indexed taoRecipient, uint256 amount
    );
    /// @notice The relayer set or threshold changed. `relayers` is sorted ascending.
    event RelayersSet(address[] relayers, uint256 threshold, bytes32 setHash);
    event MintLimitSet(uint64 capacity, uint32 window);
    event BurnLimitSet(uint64 capacity, uint32 window);
    event GuardianSet(address indexed previousGuardian, address indexed newGuardian);
    /// @notice Mint and burn were stopped by `account` (the guardian or the timelock).
    event Paused(address account);
    /// @notice Mint and burn were resumed by the timelock.
    event Unpaused(address account);

    // ------------------------------------------------------------------ errors

    /// @dev A nonce in the batch was already minted (earlier, or earlier in the same batch).
    error TaoBridgeNonceUsed(uint64 nonce);
    /// @dev Nonces in a batch must be strictly increasing (relayers build batches in nonce order).
    error TaoBridgeNoncesNotSorted(uint64 previous, uint64 next);
    error TaoBridgeEmptyBatch();
    error TaoBridgeZeroAmount();
    error TaoBridgeZeroRecipient();
    /// @dev Fewer valid signatures than the threshold.
    error TaoBridgeThresholdNotMet(uint256 signatures, uint256 threshold);
    /// @dev A signature that is malformed, malleable (high s) or recovers to nobody.
    error TaoBridgeInvalidSignature(uint256 index);
    /// @dev A signature recovered to an address that is not a current relayer.
    error TaoBridgeInvalidSigner(address signer);
    /// @dev Signers must be strictly increasing; this also rejects a duplicate signer.
    error TaoBridgeSignersNotSorted(address previous, address next);
    /// @dev `setRelayers` needs a strict majority: N/2 < threshold <= N, no zero or duplicate address.
    error TaoBridgeInvalidThreshold(uint256 threshold, uint256 relayers);
    error TaoBridgeInvalidRelayer(address relayer);
    error TaoBridgeRateLimited(uint256 requested, uint256 available);
    error TaoBridgeInvalidRateLimit(uint64 capacity, uint32 window);
    error TaoBridgeUnauthorized(address caller);
    error TaoBridgeZeroTaoRecipient();
    /// @dev `mint`, `burn` or `pause` while paused.
    error TaoBridgePaused();
    /// @dev `unpause` while not paused.
    error TaoBridgeNotPaused();
    /// @dev `initialize` with a zero timelock, or the implementation built with a zero wTAO.
    error TaoBridgeZeroAddress();

    // ------------------------------------------------------------------ bridging

    /// @notice Mint wTAO for a batch of TAO locks signed by at least `threshold` relayers.
    /// Anyone may submit. Signatures (65 bytes r,s,v each) must come from distinct current relayers
    /// in strictly increasing signer-address order.
    function mint(Mint[] calldata batch, bytes[] calldata signatures) external;

    /// @notice Burn `amount` rao of the caller's wTAO to release the same amount of TAO to
    /// `taoRecipient` on the TAO chain.
    /// @return nonce The burn nonce, which keys the release on the TAO chain.
    function burn(uint256 amount, bytes32 taoRecipient) external returns (uint64 nonce);

    // ------------------------------------------------------------------ admin (timelock)

    function setRelayers(address[] calldata relayers, uint256 threshold) external;
    function setMintLimit(RateLimit calldata limit) external;
    function setBurnLimit(RateLimit calldata limit) external;
    function setGuardian(address guardian) external;
    /// @notice Stop mint and burn. Callable by the guardian or the timelock.
    function pause() external;
    /// @notice Resume. Callable only by the timelock (governance), never by the guardian.
    function unpause() external;

    // ------------------------------------------------------------------ views

    function wtao() external view returns (address);
    function timelock() external view returns (address);
    function guardian() external view returns (address);
    function relayers() external view returns (address[] memory);
    function threshold() external view returns (uint256);
    /// @notice Whether mint and burn are stopped.
    function paused() external view returns (bool);
    function isNonceUsed(uint64 nonce) external view returns (bool);
    /// @notice The nonce the next `burn` will get.
    function nextBurnNonce() external view returns (uint64);
    /// @notice rao that can be minted / burned right now under the rate limits.
    function availableMint() external view returns (uint256);
    function availableBurn() external view returns (uint256);
    function mintLimit() external view returns (RateLimit memory);
    function burnLimit() external view returns (RateLimit memory);
    /// @notice The EIP-712 digest of `MintBatch(Mint[] mints)` that relayers sign.
    function hashMintBatch(Mint[] calldata batch) external view returns (bytes32);
}
