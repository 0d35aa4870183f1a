// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {ITaoBridge} from "./interfaces/ITaoBridge.sol";
import {IWTAO} from "./interfaces/IWTAO.sol";

/// @dev The granularity of wTAO's votes clock, in seconds (see {WTAO-clock}).
uint48 constant WTAO_CLOCK_QUANTUM = 60;

/// @title WTAO
/// @notice Wrapped TAO: an ERC-20 with 9 decimals (1 wTAO base unit = 1 rao), EIP-2612 permits and
/// ERC20Votes delegation for governance. Only the TaoBridge proxy mints and burns.
///
/// @dev The votes clock is `block.timestamp` rounded down to a whole minute (ERC-6372
/// `mode=timestamp`; every timepoint is a Unix time, a multiple of {CLOCK_QUANTUM}). Governance
/// delays are then seconds on every chain we target (Ethereum's 12 s slots, Bittensor EVM's 12 s
/// blocks and 250 ms fast blocks, L2s whose `block.number` is not their own), and every supply
/// change within one minute shares one total-supply checkpoint (ERC20Votes writes a new storage
/// slot, ~24,000 gas more, only on the first supply change of a clock tick). See {clock}.
contract WTAO is ERC20, ERC20Permit, ERC20Votes, IWTAO {
    /// @notice The votes clock's granularity in seconds: {clock} is a multiple of it.
    uint48 public constant CLOCK_QUANTUM = WTAO_CLOCK_QUANTUM;

    address private immutable _bridge;

    /// @dev Reverts unless called by the bridge.
    modifier onlyBridge() {
        if (msg.sender != _bridge) revert WTAOUnauthorized(msg.sender);
        _;
    }

    /// @notice Builds wTAO for the bridge proxy `bridge_`, the only account that will ever mint
    /// and burn (there is no way to change it).
    /// @dev Requirements: `bridge_` is not zero.
    /// @param bridge_ The TaoBridge proxy (its address is predicted before it is deployed).
    constructor(address bridge_) ERC20("Wrapped TAO", "wTAO") ERC20Permit("Wrapped TAO") {
        if (bridge_ == address(0)) revert WTAOZeroBridge();
        _bridge = bridge_;
    }

    /// @notice 9, like TAO: amounts in rao need no rescaling.
    /// @return The number of decimals, 9.
    function decimals() public pure override returns (uint8) {
        return 9;
    }

    /// @inheritdoc IWTAO
    function bridge() external view returns (address) {
        return _bridge;
    }

    /// @notice The votes clock: the block timestamp rounded down to a multiple of
    /// {CLOCK_QUANTUM} (60 s).
    /// @return The current timepoint, a Unix time in seconds that is a multiple of 60.
    /// @dev Non-decreasing, as ERC-6372 requires. Checkpoints are keyed by it, so votes and supply
    /// at timepoint `c` are those at the end of the minute `[c, c + 60)`, and `getPast*(c)` needs
    /// `c < clock()`, i.e. that minute to be over.
    ///
    /// Governance safety is unchanged: the Governor opens voting only once `clock() > snapshot`,
    /// so wTAO minted or delegated while a vote is open is checkpointed at a timepoint above the
    /// snapshot and weighs nothing on it; what counts is the state just before voting opens, as
    /// with a one-second clock. What changes is timing, by under a minute: a proposal's snapshot
    /// is `clock() + votingDelay` with `clock()` up to 59 s in the past, and voting opens at the
    /// first minute boundary past the snapshot, so the real delay and period are off by less than
    /// 60 s. Why a minute: TAO and Ethereum blocks are 12 s apart, so a busy bridge shares one
    /// checkpoint across up to 5 blocks, while governance delays (minutes to days; the devnet
    /// votes for 300 s) stay well above the granularity. {WTAOGovernor} refuses a voting period
    /// below one quantum, which could leave no open clock tick at all.
    function clock() public view override returns (uint48) {
        unchecked {
            return uint48(block.timestamp - block.timestamp % WTAO_CLOCK_QUANTUM);
        }
    }

    /// @notice ERC-6372 clock description.
    /// @dev Timepoints are Unix times (rounded to the minute), hence `mode=timestamp`.
    /// @return `"mode=timestamp"`.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc IWTAO
    /// @dev Emits one `Transfer(0, recipient, amount)` per mint. Equivalent to `_mint` per entry,
    /// with the votes bookkeeping done per batch: balances and supply go through the base
    /// {ERC20-_update}; a recipient with a delegate moves its delegate's votes right away (through
    /// {Votes-_transferVotingUnits}, exactly as {ERC20Votes-_update} would); the amounts of the
    /// recipients without a delegate, which move no votes, are added to the total-supply checkpoint
    /// in one call at the end, attributed to one of them (so its `_moveDelegateVotes` is a no-op).
    ///
    /// Requirements:
    ///
    /// - the caller is the bridge;
    /// - no recipient is the zero address;
    /// - the new supply stays within {ERC20Votes-_maxSupply}.
    /// @param mints The bridge's batch; only `recipient` and `amount` are read.
    /// @return total The sum of the amounts.
    function mintBatch(ITaoBridge.Mint[] calldata mints)
        external
        onlyBridge
        returns (uint256 total)
    {
        uint256 n = mints.length;
        uint256 delegatedTotal;
        address undelegated; // the last recipient seen without a delegate
        for (uint256 i; i < n; ++i) {
            address to;
            uint256 amount;
            // Two words of the i-th struct straight from calldata: `mints[i].recipient` in
            // Solidity re-validates the array bounds and every field of the struct each time.
            assembly ("memory-safe") {
                // A static struct is 4 words in calldata: nonce, taoSender, recipient, amount.
                let p := add(mints.offset, shl(7, i))
                to := calldataload(add(p, 0x40))
                amount := calldataload(add(p, 0x60))
                if shr(160, to) { revert(0, 0) } // not ABI-clean, as the decoder would reject
            }
            if (to == address(0)) revert ERC20InvalidReceiver(address(0));
            ERC20._update(address(0), to, amount);
            unchecked {
                // The checked supply increase in _update bounds every partial sum.
                total += amount;
            }
            if (delegates(to) == address(0)) {
                undelegated = to;
            } else {
                _checkSupplyCap();
                _transferVotingUnits(address(0), to, amount);
                unchecked {
                    delegatedTotal += amount;
                }
            }
        }
        // Supply only grows in this loop, so checking the cap before each votes update (as
        // ERC20Votes does) and once here covers every entry.
        _checkSupplyCap();
        if (undelegated != address(0)) {
            // delegates(undelegated) == 0: this only adds to the total-supply checkpoint.
            _transferVotingUnits(address(0), undelegated, total - delegatedTotal);
        }
    }

    /// @notice The delegate of `account`.
    /// @param account The holder.
    /// @return The account `account` delegates its votes to (zero: none).
    /// @dev The zero address can never delegate (it sends no transactions, and `delegateBySig`
    /// never recovers it), so its answer is known without the storage read that every mint batch
    /// and burn would otherwise pay for it (a cold `SLOAD`, 2,100 gas) inside
    /// {Votes-_transferVotingUnits}.
    function delegates(address account) public view override returns (address) {
        if (account == address(0)) return address(0);
        return super.delegates(account);
    }

    /// @inheritdoc IWTAO
    /// @dev Requirements: the caller is the bridge; `from` holds at least `amount`
    /// (`ERC20InsufficientBalance` otherwise).
    function bridgeBurn(address from, uint256 amount) external onlyBridge {
        _burn(from, amount);
    }

    /// @inheritdoc ERC20Permit
    /// @dev Overridden only because {ERC20Permit} and {Nonces} both define it.
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _checkSupplyCap() private view {
        uint256 supply = totalSupply();
        uint256 cap = _maxSupply();
        if (supply > cap) revert ERC20ExceededSafeSupply(supply, cap);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
