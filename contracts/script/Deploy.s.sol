// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

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
/// Parameters come from `WTAO_*` environment variables, each defaulting to
/// {WtaoDeployment-devnetConfig}: `WTAO_RELAYERS` (comma-separated), `WTAO_THRESHOLD`,
/// `WTAO_GUARDIAN`, `WTAO_MINT_CAPACITY`/`WTAO_BURN_CAPACITY` (rao), `WTAO_MINT_WINDOW`/
/// `WTAO_BURN_WINDOW`, `WTAO_TIMELOCK_DELAY`, `WTAO_VOTING_DELAY`, `WTAO_VOTING_PERIOD` (seconds),
/// `WTAO_PROPOSAL_THRESHOLD` (rao of votes), `WTAO_QUORUM_PERCENT`.
contract Deploy {
    Vm private constant VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @notice Marks this contract as a script for forge.
    bool public IS_SCRIPT = true;

    /// @notice Reads the configuration and deploys from the broadcasting account.
    function run() external returns (WtaoDeployment.Deployment memory deployment) {
        WtaoDeployment.Config memory config = readConfig();
        VM.startBroadcast();
        (, address deployer,) = VM.readCallers();
        deployment = WtaoDeployment.deploy(config, deployer);
        VM.stopBroadcast();
    }

    /// @notice The configuration from the environment, over the devnet defaults.
    function readConfig() public view returns (WtaoDeployment.Config memory config) {
        config = WtaoDeployment.devnetConfig();
        config.relayers = VM.envOr("WTAO_RELAYERS", ",", config.relayers);
        config.threshold = VM.envOr("WTAO_THRESHOLD", config.threshold);
        config.guardian = VM.envOr("WTAO_GUARDIAN", config.guardian);
        config.mintLimit = ITaoBridge.RateLimit({
            capacity: SafeCast.toUint64(
                VM.envOr("WTAO_MINT_CAPACITY", uint256(config.mintLimit.capacity))
            ),
            window: SafeCast.toUint32(
                VM.envOr("WTAO_MINT_WINDOW", uint256(config.mintLimit.window))
            )
        });
        config.burnLimit = ITaoBridge.RateLimit({
            capacity: SafeCast.toUint64(
                VM.envOr("WTAO_BURN_CAPACITY", uint256(config.burnLimit.capacity))
            ),
            window: SafeCast.toUint32(
                VM.envOr("WTAO_BURN_WINDOW", uint256(config.burnLimit.window))
            )
        });
        config.timelockDelay = VM.envOr("WTAO_TIMELOCK_DELAY", config.timelockDelay);
        config.votingDelay =
            SafeCast.toUint48(VM.envOr("WTAO_VOTING_DELAY", uint256(config.votingDelay)));
        config.votingPeriod =
            SafeCast.toUint32(VM.envOr("WTAO_VOTING_PERIOD", uint256(config.votingPeriod)));
        config.proposalThreshold = VM.envOr("WTAO_PROPOSAL_THRESHOLD", config.proposalThreshold);
        config.quorumPercent = VM.envOr("WTAO_QUORUM_PERCENT", config.quorumPercent);
    }
}
