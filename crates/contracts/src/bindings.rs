//! `sol!` bindings for the contracts the harness deploys and calls.
//!
//! [`ITaoBridge`] is `wtao_bridge_types`' (generated there from the interface file, the ABI the
//! relayer, CLI and tests are written against), re-exported so this crate's users name one set.
//! The rest — TaoBridge beyond its interface, the proxy, wTAO, the timelock and the governor, which
//! only this harness deploys — are declared here by hand, only the functions, events and errors we
//! use, because forge's artifact JSON only exists after [`crate::compile`] has run, too late for a
//! macro. `tests/it/abi.rs` checks every selector and topic below, and `ITaoBridge`'s, against the
//! compiled ABIs, so a drift fails a test instead of a call.

#![allow(missing_docs)]
// the Solidity declarations document themselves; see the .sol sources.
// `sol!` gives an event's `new` one argument per field (ProposalCreated has nine).
#![allow(clippy::too_many_arguments)]

use alloy_sol_types::{SolInterface, decode_revert_reason, sol};
pub use wtao_bridge_types::ITaoBridge;

sol! {
    /// TaoBridge beyond `ITaoBridge`: the initializer, UUPS upgrades, EIP-712 constants and the
    /// OpenZeppelin errors it can revert with.
    #[sol(all_derives)]
    contract TaoBridge {
        struct RateLimit {
            uint64 capacity;
            uint32 window;
        }

        constructor(address wtao_);

        function initialize(
            address timelock_,
            address guardian_,
            address[] calldata relayers_,
            uint256 threshold_,
            RateLimit calldata mintLimit_,
            RateLimit calldata burnLimit_
        ) external;
        function upgradeToAndCall(address newImplementation, bytes memory data) external payable;
        function proxiableUUID() external view returns (bytes32);
        function UPGRADE_INTERFACE_VERSION() external view returns (string memory);
        function MINT_TYPEHASH() external view returns (bytes32);
        function MINT_BATCH_TYPEHASH() external view returns (bytes32);
        function eip712Domain()
            external
            view
            returns (
                bytes1 fields,
                string memory name,
                string memory version,
                uint256 chainId,
                address verifyingContract,
                bytes32 salt,
                uint256[] memory extensions
            );
        function relayerSet() external view returns (address);

        error InvalidInitialization();
        error NotInitializing();
        error UUPSUnauthorizedCallContext();
        error UUPSUnsupportedProxiableUUID(bytes32 slot);
        error ERC1967InvalidImplementation(address implementation);
    }

    /// `contracts/test/mocks/TaoBridgeV2.sol`: the upgrade target of the governance tests.
    #[sol(all_derives)]
    contract TaoBridgeV2 {
        constructor(address wtao_);

        function initializeV2() external;
        function version() external pure returns (uint256);
        function migratedAt() external view returns (uint256);
    }

    /// OpenZeppelin's ERC1967Proxy, behind which TaoBridge runs.
    #[sol(all_derives)]
    contract ERC1967Proxy {
        constructor(address implementation, bytes memory _data) payable;

        event Upgraded(address indexed implementation);

        error ERC1967NonPayable();
    }

    /// wTAO: ERC-20 (9 decimals) + permit + votes; only the bridge mints and burns.
    #[sol(all_derives)]
    contract WTAO {
        constructor(address bridge_);

        function name() external view returns (string memory);
        function symbol() external view returns (string memory);
        function decimals() external view returns (uint8);
        function totalSupply() external view returns (uint256);
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function approve(address spender, uint256 value) external returns (bool);
        function allowance(address owner, address spender) external view returns (uint256);
        function bridge() external view returns (address);
        function delegate(address delegatee) external;
        function delegates(address account) external view returns (address);
        function getVotes(address account) external view returns (uint256);
        function getPastVotes(address account, uint256 timepoint) external view returns (uint256);
        function getPastTotalSupply(uint256 timepoint) external view returns (uint256);
        function clock() external view returns (uint48);
        function CLOCK_MODE() external view returns (string memory);
        function bridgeBurn(address from, uint256 amount) external;

        event Transfer(address indexed from, address indexed to, uint256 value);
        event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate);
        event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes);

        error WTAOUnauthorized(address caller);
        error WTAOZeroBridge();
        error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
        error ERC20InvalidReceiver(address receiver);
        error ERC20ExceededSafeSupply(uint256 increasedSupply, uint256 cap);
    }

    /// OpenZeppelin's TimelockController: owns TaoBridge, executes what the governor queued.
    #[sol(all_derives)]
    contract TimelockController {
        constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin);

        function PROPOSER_ROLE() external view returns (bytes32);
        function EXECUTOR_ROLE() external view returns (bytes32);
        function CANCELLER_ROLE() external view returns (bytes32);
        function DEFAULT_ADMIN_ROLE() external view returns (bytes32);
        function hasRole(bytes32 role, address account) external view returns (bool);
        function grantRole(bytes32 role, address account) external;
        function renounceRole(bytes32 role, address callerConfirmation) external;
        function getMinDelay() external view returns (uint256);
        function isOperationDone(bytes32 id) external view returns (bool);

        event CallScheduled(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data, bytes32 predecessor, uint256 delay);
        event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data);

        error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
        error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates);
        error TimelockInsufficientDelay(uint256 delay, uint256 minDelay);
        error TimelockUnauthorizedCaller(address caller);
    }

    /// WTAOGovernor: OpenZeppelin Governor over wTAO votes (minute-quantized timestamp clock), through the timelock.
    #[sol(all_derives)]
    contract WTAOGovernor {
        enum ProposalState { Pending, Active, Canceled, Defeated, Succeeded, Queued, Expired, Executed }

        constructor(
            address token,
            address timelock,
            uint48 initialVotingDelay,
            uint32 initialVotingPeriod,
            uint256 initialProposalThreshold,
            uint256 quorumNumerator
        );

        function name() external view returns (string memory);
        function token() external view returns (address);
        function timelock() external view returns (address);
        function votingDelay() external view returns (uint256);
        function votingPeriod() external view returns (uint256);
        function proposalThreshold() external view returns (uint256);
        function quorum(uint256 timepoint) external view returns (uint256);
        function quorumNumerator() external view returns (uint256);
        function state(uint256 proposalId) external view returns (ProposalState);
        function proposalSnapshot(uint256 proposalId) external view returns (uint256);
        function proposalDeadline(uint256 proposalId) external view returns (uint256);
        function proposalEta(uint256 proposalId) external view returns (uint256);
        function hashProposal(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash) external pure returns (uint256);
        function propose(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description) external returns (uint256 proposalId);
        function castVote(uint256 proposalId, uint8 support) external returns (uint256 balance);
        function queue(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash) external returns (uint256 proposalId);
        function execute(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash) external payable returns (uint256 proposalId);
        function proposalVotes(uint256 proposalId) external view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes);

        event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description);
        event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason);
        event ProposalQueued(uint256 proposalId, uint256 etaSeconds);
        event ProposalExecuted(uint256 proposalId);

        error GovernorInsufficientProposerVotes(address proposer, uint256 votes, uint256 threshold);
        error GovernorUnexpectedProposalState(uint256 proposalId, uint8 current, bytes32 expectedStates);
        error GovernorNonexistentProposal(uint256 proposalId);
        error GovernorAlreadyCastVote(address voter);
    }
}

impl From<ITaoBridge::RateLimit> for TaoBridge::RateLimit {
    fn from(limit: ITaoBridge::RateLimit) -> Self {
        Self { capacity: limit.capacity, window: limit.window }
    }
}

/// Revert data in words: the first of our contracts' errors that decodes (e.g.
/// `TaoBridgeInvalidSigner(TaoBridgeInvalidSigner { signer: 0x… })`), else `Error(string)` /
/// `Panic(uint256)`, else the hex.
pub fn describe_revert(output: &[u8]) -> String {
    macro_rules! try_decode {
        ($($errors:ty),*) => {$(
            if let Ok(err) = <$errors as SolInterface>::abi_decode(output) {
                return format!("{err:?}");
            }
        )*};
    }
    try_decode!(
        ITaoBridge::ITaoBridgeErrors,
        TaoBridge::TaoBridgeErrors,
        ERC1967Proxy::ERC1967ProxyErrors,
        WTAO::WTAOErrors,
        TimelockController::TimelockControllerErrors,
        WTAOGovernor::WTAOGovernorErrors
    );
    decode_revert_reason(output)
        .unwrap_or_else(|| format!("0x{}", alloy_primitives::hex::encode(output)))
}
