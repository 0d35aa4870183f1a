// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

import {TaoBridge} from "../src/TaoBridge.sol";
import {WTAO} from "../src/WTAO.sol";
import {WTAOGovernor} from "../src/WTAOGovernor.sol";
import {ITaoBridge} from "../src/interfaces/ITaoBridge.sol";
import {Vm} from "../test/utils/Vm.sol";

/// @title WtaoDeployment
/// @notice The one deploy sequence of wtao, shared by `Deploy.run()` and the tests:
/// TimelockController -> WTAO(predicted proxy) -> TaoBridge implementation -> ERC1967Proxy
/// (initialize) -> WTAOGovernor -> governor becomes the timelock's proposer and canceller, anyone may
/// execute, and the deployer renounces the timelock admin role. The deployer keeps no role.
library WtaoDeployment {
    /// @dev The forge cheatcode address (used only for `getNonce`/`computeCreateAddress`).
    Vm private constant VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @notice Deployment parameters. Times are in seconds (wTAO's clock is the timestamp).
    struct Config {
        address[] relayers;
        uint256 threshold;
        address guardian;
        ITaoBridge.RateLimit mintLimit;
        ITaoBridge.RateLimit burnLimit;
        uint256 timelockDelay;
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 proposalThreshold;
        uint256 quorumPercent;
    }

    /// @notice The deployed contracts; `bridge` is the proxy.
    struct Deployment {
        WTAO wtao;
        TaoBridge bridge;
        TaoBridge implementation;
        TimelockController timelock;
        WTAOGovernor governor;
    }

    /// @dev The proxy did not land at the address WTAO was built with.
    error WtaoDeploymentAddressMismatch(address predicted, address actual);

    /// @notice Devnet defaults: anvil accounts 1-3 as relayers (2 of 3), account 4 as guardian,
    /// 100,000 TAO per day each way, a 60 s timelock, 1 s voting delay, 5 min voting, 4 % quorum.
    function devnetConfig() internal pure returns (Config memory config) {
        config.relayers = new address[](3);
        config.relayers[0] = 0x70997970C51812dc3A010C7d01b50e0d17dc79C8;
        config.relayers[1] = 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC;
        config.relayers[2] = 0x90F79bf6EB2c4f870365E785982E1f101E93b906;
        config.threshold = 2;
        config.guardian = 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65;
        config.mintLimit = ITaoBridge.RateLimit({capacity: 100_000e9, window: 1 days});
        config.burnLimit = ITaoBridge.RateLimit({capacity: 100_000e9, window: 1 days});
        config.timelockDelay = 60;
        config.votingDelay = 1;
        config.votingPeriod = 300;
        config.proposalThreshold = 0;
        config.quorumPercent = 4;
    }

    /// @notice Deploys everything with `deployer` as the account that sends the creations (the
    /// broadcaster in a script, the test contract in a test); its nonce predicts the proxy address.
    function deploy(Config memory config, address deployer) internal returns (Deployment memory d) {
        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1); // address(0): anyone may execute
        d.timelock = new TimelockController(config.timelockDelay, none, anyone, deployer);

        // WTAO at nonce n, the implementation at n + 1, the proxy at n + 2.
        address predicted = VM.computeCreateAddress(deployer, VM.getNonce(deployer) + 2);
        d.wtao = new WTAO(predicted);
        d.implementation = new TaoBridge(address(d.wtao));
        ERC1967Proxy proxy = new ERC1967Proxy(
            address(d.implementation),
            abi.encodeCall(
                TaoBridge.initialize,
                (
                    address(d.timelock),
                    config.guardian,
                    config.relayers,
                    config.threshold,
                    config.mintLimit,
                    config.burnLimit
                )
            )
        );
        if (address(proxy) != predicted) {
            revert WtaoDeploymentAddressMismatch(predicted, address(proxy));
        }
        d.bridge = TaoBridge(address(proxy));

        d.governor = new WTAOGovernor(
            d.wtao,
            d.timelock,
            config.votingDelay,
            config.votingPeriod,
            config.proposalThreshold,
            config.quorumPercent
        );
        d.timelock.grantRole(d.timelock.PROPOSER_ROLE(), address(d.governor));
        d.timelock.grantRole(d.timelock.CANCELLER_ROLE(), address(d.governor));
        d.timelock.renounceRole(d.timelock.DEFAULT_ADMIN_ROLE(), deployer);
    }
}

/// @title Deploy
/// @notice `forge script script/Deploy.s.sol:Deploy --broadcast --rpc-url <url> --private-key <key>`.
/// Parameters come from `WTAO_*` environment variables: `WTAO_RELAYERS` (comma-separated
/// addresses), `WTAO_THRESHOLD`, `WTAO_GUARDIAN`, `WTAO_MINT_CAPACITY`/`WTAO_BURN_CAPACITY` (rao),
/// `WTAO_MINT_WINDOW`/`WTAO_BURN_WINDOW`, `WTAO_TIMELOCK_DELAY`, `WTAO_VOTING_DELAY`,
/// `WTAO_VOTING_PERIOD` (seconds), `WTAO_PROPOSAL_THRESHOLD` (rao of votes),
/// `WTAO_QUORUM_PERCENT`. Numbers in decimal or 0x-hex; an empty variable counts as unset.
///
/// On the devnet's chain ({DEVNET_CHAIN_ID}) an unset variable takes its value from
/// {WtaoDeployment-devnetConfig}. On any other chain every variable must be set, and no relayer or
/// guardian may be one of anvil's default accounts (their private keys are public): a devnet
/// default there would let anyone with those keys mint or pause, or let governance act after 60 s.
/// The script then reverts before broadcasting anything, with an error that names the variable.
contract Deploy {
    Vm private constant VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @notice The devnet's EVM chain id (anvil's default), the only chain with defaults.
    uint256 public constant DEVNET_CHAIN_ID = 31_337;

    /// @notice Marks this contract as a script for forge.
    bool public IS_SCRIPT = true;

    /// @dev `variable` is unset (or empty) on chain `chainId`, which is not the devnet: set it.
    error WtaoDeployMissingVariable(string variable, uint256 chainId);
    /// @dev `variable` holds `value`, which is not a valid value of its type (or is out of range).
    error WtaoDeployInvalidVariable(string variable, string value);
    /// @dev `variable` names `account`, one of anvil's default accounts, on chain `chainId`, which
    /// is not the devnet: that account's private key is public. Use a key of your own.
    error WtaoDeployPublicKey(string variable, address account, uint256 chainId);

    /// @notice Reads the configuration and deploys from the broadcasting account.
    /// @dev Reverts as {readConfig} does, before any transaction is broadcast.
    function run() external returns (WtaoDeployment.Deployment memory deployment) {
        WtaoDeployment.Config memory config = readConfig();
        VM.startBroadcast();
        (, address deployer,) = VM.readCallers();
        deployment = WtaoDeployment.deploy(config, deployer);
        VM.stopBroadcast();
    }

    /// @notice The configuration from the environment (see the contract docs).
    ///
    /// Requirements, on a chain other than {DEVNET_CHAIN_ID}:
    ///
    /// - every `WTAO_*` variable is set ({WtaoDeployMissingVariable} names the first one that is
    ///   not);
    /// - no address in `WTAO_RELAYERS` or `WTAO_GUARDIAN` is one of {anvilAccounts}
    ///   ({WtaoDeployPublicKey}).
    ///
    /// On every chain, each set variable must parse as its type and fit its width
    /// ({WtaoDeployInvalidVariable}).
    function readConfig() public view returns (WtaoDeployment.Config memory config) {
        WtaoDeployment.Config memory devnet = WtaoDeployment.devnetConfig();
        config.relayers = _addresses("WTAO_RELAYERS", devnet.relayers);
        config.threshold = _uint("WTAO_THRESHOLD", devnet.threshold, 256);
        config.guardian = _address("WTAO_GUARDIAN", devnet.guardian);
        config.mintLimit = ITaoBridge.RateLimit({
            capacity: uint64(_uint("WTAO_MINT_CAPACITY", devnet.mintLimit.capacity, 64)),
            window: uint32(_uint("WTAO_MINT_WINDOW", devnet.mintLimit.window, 32))
        });
        config.burnLimit = ITaoBridge.RateLimit({
            capacity: uint64(_uint("WTAO_BURN_CAPACITY", devnet.burnLimit.capacity, 64)),
            window: uint32(_uint("WTAO_BURN_WINDOW", devnet.burnLimit.window, 32))
        });
        config.timelockDelay = _uint("WTAO_TIMELOCK_DELAY", devnet.timelockDelay, 256);
        config.votingDelay = uint48(_uint("WTAO_VOTING_DELAY", devnet.votingDelay, 48));
        config.votingPeriod = uint32(_uint("WTAO_VOTING_PERIOD", devnet.votingPeriod, 32));
        config.proposalThreshold = _uint("WTAO_PROPOSAL_THRESHOLD", devnet.proposalThreshold, 256);
        config.quorumPercent = _uint("WTAO_QUORUM_PERCENT", devnet.quorumPercent, 256);

        if (block.chainid != DEVNET_CHAIN_ID) {
            for (uint256 i; i < config.relayers.length; ++i) {
                _refusePublicKey("WTAO_RELAYERS", config.relayers[i]);
            }
            _refusePublicKey("WTAO_GUARDIAN", config.guardian);
        }
    }

    /// @notice anvil's (and hardhat's) default accounts: the first ten of the mnemonic
    /// "test test test test test test test test test test test junk", whose private keys every
    /// copy of anvil prints. The devnet uses accounts 0-4.
    function anvilAccounts() public pure returns (address[10] memory) {
        return [
            0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266,
            0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
            0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,
            0x90F79bf6EB2c4f870365E785982E1f101E93b906,
            0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,
            0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc,
            0x976EA74026E726554dB657fA54763abd0C3a0aa9,
            0x14dC79964da2C08b23698B3D3cc7Ca32193d9955,
            0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f,
            0xa0Ee7A142d267C1f36714E4a8F75612F20a79720
        ];
    }

    /// @dev The value of the environment variable `name`, "" when unset. Tests override it to
    /// read from a table instead of the process-wide environment.
    function _lookup(string memory name) internal view virtual returns (string memory) {
        return VM.envOr(name, string(""));
    }

    /// @dev The set value of `name`, or "" where the devnet's default applies; reverts off the
    /// devnet when `name` is unset.
    function _required(string memory name) private view returns (string memory value) {
        value = _lookup(name);
        if (bytes(value).length == 0 && block.chainid != DEVNET_CHAIN_ID) {
            revert WtaoDeployMissingVariable(name, block.chainid);
        }
    }

    function _uint(string memory name, uint256 devnetValue, uint256 bits)
        private
        view
        returns (uint256)
    {
        string memory value = _required(name);
        if (bytes(value).length == 0) return devnetValue;
        try VM.parseUint(value) returns (uint256 parsed) {
            if (bits < 256 && parsed >> bits != 0) revert WtaoDeployInvalidVariable(name, value);
            return parsed;
        } catch {
            revert WtaoDeployInvalidVariable(name, value);
        }
    }

    function _address(string memory name, address devnetValue) private view returns (address) {
        string memory value = _required(name);
        if (bytes(value).length == 0) return devnetValue;
        (bool ok, address parsed) = _parseAddress(value);
        if (!ok) revert WtaoDeployInvalidVariable(name, value);
        return parsed;
    }

    function _addresses(string memory name, address[] memory devnetValue)
        private
        view
        returns (address[] memory parsed)
    {
        string memory value = _required(name);
        if (bytes(value).length == 0) return devnetValue;
        string[] memory parts = VM.split(value, ",");
        parsed = new address[](parts.length);
        for (uint256 i; i < parts.length; ++i) {
            bool ok;
            (ok, parsed[i]) = _parseAddress(VM.trim(parts[i]));
            if (!ok) revert WtaoDeployInvalidVariable(name, value);
        }
    }

    function _parseAddress(string memory value) private pure returns (bool ok, address parsed) {
        try VM.parseAddress(value) returns (address a) {
            return (true, a);
        } catch {
            return (false, address(0));
        }
    }

    function _refusePublicKey(string memory name, address account) private view {
        address[10] memory anvil = anvilAccounts();
        for (uint256 i; i < anvil.length; ++i) {
            if (account == anvil[i]) revert WtaoDeployPublicKey(name, account, block.chainid);
        }
    }
}
