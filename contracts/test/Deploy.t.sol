// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";

import {Deploy, WtaoDeployment} from "../script/Deploy.s.sol";
import {BridgeFixture} from "./utils/BridgeFixture.sol";
import {Test} from "./utils/Test.sol";

/// @notice The deploy sequence wires everything and leaves the deployer with nothing.
contract DeployTest is BridgeFixture {
    function setUp() public {
        _deploy(3, 2);
    }

    function test_Deploy_WiresContracts() public view {
        vm.assertEq(wtao.bridge(), address(bridge));
        vm.assertEq(bridge.wtao(), address(wtao));
        vm.assertEq(bridge.timelock(), address(timelock));
        vm.assertEq(governor.timelock(), address(timelock));
        vm.assertEq(address(governor.token()), address(wtao));
        vm.assertEq(
            address(uint160(uint256(vm.load(address(bridge), ERC1967Utils.IMPLEMENTATION_SLOT)))),
            address(implementation)
        );
    }

    function test_Deploy_TimelockRoles() public view {
        vm.assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(governor)));
        vm.assertTrue(timelock.hasRole(timelock.CANCELLER_ROLE(), address(governor)));
        vm.assertTrue(timelock.hasRole(timelock.EXECUTOR_ROLE(), address(0)), "anyone executes");
        vm.assertTrue(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(timelock)));
        vm.assertEq(timelock.getMinDelay(), 60);
    }

    function test_Deploy_DeployerKeepsNothing() public view {
        address deployer = address(this);
        vm.assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), deployer));
        vm.assertFalse(timelock.hasRole(timelock.PROPOSER_ROLE(), deployer));
        vm.assertFalse(timelock.hasRole(timelock.CANCELLER_ROLE(), deployer));
        vm.assertNotEq(bridge.timelock(), deployer);
        vm.assertNotEq(bridge.guardian(), deployer);
    }

    function test_DevnetConfig() public pure {
        WtaoDeployment.Config memory config = WtaoDeployment.devnetConfig();
        vm.assertEq(config.relayers.length, 3);
        vm.assertEq(config.threshold, 2);
        vm.assertEq(uint256(config.mintLimit.capacity), 100_000e9);
        vm.assertEq(config.timelockDelay, 60);
    }

    /// @notice The script's `run()` end to end (broadcasting from forge's default sender) with
    /// the configuration `readConfig()` gives, then `readConfig()` over set variables. Both in
    /// one test: `setEnv` is process-wide, and no other test reads the environment.
    function test_Run_AndReadConfigFromEnvironment() public {
        Deploy script = new Deploy();
        WtaoDeployment.Config memory expected = script.readConfig();
        WtaoDeployment.Deployment memory d = script.run();
        vm.assertEq(d.wtao.bridge(), address(d.bridge));
        vm.assertEq(d.bridge.threshold(), expected.threshold);
        vm.assertEq(d.bridge.relayers().length, expected.relayers.length);
        vm.assertEq(d.bridge.guardian(), expected.guardian);
        vm.assertTrue(d.timelock.hasRole(d.timelock.PROPOSER_ROLE(), address(d.governor)));

        vm.setEnv(
            "WTAO_RELAYERS",
            "0x0000000000000000000000000000000000000003,0x0000000000000000000000000000000000000001"
        );
        vm.setEnv("WTAO_THRESHOLD", "2");
        vm.setEnv("WTAO_GUARDIAN", "0x0000000000000000000000000000000000000009");
        vm.setEnv("WTAO_MINT_CAPACITY", "5000000000");
        vm.setEnv("WTAO_VOTING_PERIOD", "600");
        WtaoDeployment.Config memory config = script.readConfig();
        vm.assertEq(config.relayers.length, 2);
        vm.assertEq(config.relayers[0], address(3));
        vm.assertEq(config.threshold, 2);
        vm.assertEq(config.guardian, address(9));
        vm.assertEq(uint256(config.mintLimit.capacity), 5e9);
        vm.assertEq(uint256(config.votingPeriod), 600);
        vm.assertEq(config.timelockDelay, expected.timelockDelay);
    }

    function test_RevertWhen_PredictedAddressIsWrong() public {
        // A deployer whose nonce is not the one used for the creations cannot wire WTAO to the
        // proxy: the library refuses instead of leaving an unmintable token.
        WtaoDeployment.Config memory config = _config(3, 2);
        Misdeployer m = new Misdeployer();
        // m creates timelock (nonce 1), WTAO (2), implementation (3), proxy (4); the library
        // predicted the proxy from 0xdead's nonce instead.
        vm.expectRevert(
            abi.encodeWithSelector(
                WtaoDeployment.WtaoDeploymentAddressMismatch.selector,
                vm.computeCreateAddress(address(0xdead), 2),
                vm.computeCreateAddress(address(m), 4)
            )
        );
        m.deploy(config);
    }
}

/// @dev Calls the library claiming another account is the deployer.
contract Misdeployer {
    function deploy(WtaoDeployment.Config memory config) external {
        WtaoDeployment.deploy(config, address(0xdead));
    }
}

/// @dev `Deploy` reading its variables from a table: the process environment is shared by every
/// test thread, the table is this contract's own.
contract DeployHarness is Deploy {
    mapping(string name => string value) private _variables;

    function set(string memory name, string memory value) external {
        _variables[name] = value;
    }

    function _lookup(string memory name) internal view override returns (string memory) {
        return _variables[name];
    }
}

/// @notice Off the devnet's chain, `Deploy` takes nothing from the devnet: every variable must be
/// set, and anvil's public keys are refused (issue 17, finding 2).
contract DeployConfigTest is Test {
    uint256 private constant MAINNET = 1;

    DeployHarness private script;
    address private relayerA;
    address private relayerB;
    address private relayerC;
    address private guardian;

    function setUp() public {
        script = new DeployHarness();
        relayerA = makeAddr("relayer-a");
        relayerB = makeAddr("relayer-b");
        relayerC = makeAddr("relayer-c");
        guardian = makeAddr("guardian");
        vm.chainId(MAINNET);
    }

    /// @dev Every variable, none with a devnet value.
    function _names() private pure returns (string[12] memory) {
        return [
            "WTAO_RELAYERS",
            "WTAO_THRESHOLD",
            "WTAO_GUARDIAN",
            "WTAO_MINT_CAPACITY",
            "WTAO_MINT_WINDOW",
            "WTAO_BURN_CAPACITY",
            "WTAO_BURN_WINDOW",
            "WTAO_TIMELOCK_DELAY",
            "WTAO_VOTING_DELAY",
            "WTAO_VOTING_PERIOD",
            "WTAO_PROPOSAL_THRESHOLD",
            "WTAO_QUORUM_PERCENT"
        ];
    }

    function _values() private view returns (string[12] memory) {
        return [
            string.concat(
                vm.toString(relayerC), ", ", vm.toString(relayerA), ",", vm.toString(relayerB)
            ),
            "2",
            vm.toString(guardian),
            "50000000000000", // 50,000 TAO
            "43200", // 12 h
            "0x2d79883d2000", // 50,000 TAO, in hex
            "86400",
            "172800", // 2 days
            "86400",
            "432000", // 5 days
            "1000000000000", // 1,000 TAO of votes
            "5"
        ];
    }

    function _setAll() private {
        string[12] memory names = _names();
        string[12] memory values = _values();
        for (uint256 i; i < names.length; ++i) {
            script.set(names[i], values[i]);
        }
    }

    function test_ReadConfig_CompleteOffDevnet() public {
        _setAll();
        WtaoDeployment.Config memory config = script.readConfig();
        vm.assertEq(config.relayers.length, 3);
        vm.assertEq(config.relayers[0], relayerC);
        vm.assertEq(config.relayers[1], relayerA);
        vm.assertEq(config.relayers[2], relayerB);
        vm.assertEq(config.threshold, 2);
        vm.assertEq(config.guardian, guardian);
        vm.assertEq(uint256(config.mintLimit.capacity), 50_000e9);
        vm.assertEq(uint256(config.mintLimit.window), 12 hours);
        vm.assertEq(uint256(config.burnLimit.capacity), 50_000e9);
        vm.assertEq(uint256(config.burnLimit.window), 1 days);
        vm.assertEq(config.timelockDelay, 2 days);
        vm.assertEq(uint256(config.votingDelay), 1 days);
        vm.assertEq(uint256(config.votingPeriod), 5 days);
        vm.assertEq(config.proposalThreshold, 1000e9);
        vm.assertEq(config.quorumPercent, 5);
    }

    function test_Run_CompleteOffDevnet() public {
        _setAll();
        WtaoDeployment.Deployment memory d = script.run();
        vm.assertEq(d.wtao.bridge(), address(d.bridge));
        vm.assertEq(d.bridge.threshold(), 2);
        vm.assertEq(d.bridge.relayers().length, 3);
        vm.assertEq(d.bridge.guardian(), guardian);
        vm.assertEq(uint256(d.bridge.mintLimit().window), 12 hours);
        vm.assertEq(d.timelock.getMinDelay(), 2 days);
        vm.assertEq(d.governor.proposalThreshold(), 1000e9);
        vm.assertEq(d.governor.votingPeriod(), 5 days);
    }

    function test_RevertWhen_NothingSetOffDevnet() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                Deploy.WtaoDeployMissingVariable.selector, "WTAO_RELAYERS", MAINNET
            )
        );
        script.run();
    }

    /// @notice Each variable left out alone (unset reads as "") is refused, by its name.
    function test_RevertWhen_AnyVariableMissingOffDevnet() public {
        string[12] memory names = _names();
        string[12] memory values = _values();
        _setAll();
        for (uint256 i; i < names.length; ++i) {
            script.set(names[i], "");
            vm.expectRevert(
                abi.encodeWithSelector(Deploy.WtaoDeployMissingVariable.selector, names[i], MAINNET)
            );
            script.readConfig();
            script.set(names[i], values[i]);
        }
        script.readConfig(); // all restored: passes
    }

    function test_RevertWhen_RelayerIsAnvilAccountOffDevnet() public {
        _setAll();
        address[10] memory anvil = script.anvilAccounts();
        for (uint256 i; i < anvil.length; ++i) {
            script.set(
                "WTAO_RELAYERS", string.concat(vm.toString(relayerA), ",", vm.toString(anvil[i]))
            );
            vm.expectRevert(
                abi.encodeWithSelector(
                    Deploy.WtaoDeployPublicKey.selector, "WTAO_RELAYERS", anvil[i], MAINNET
                )
            );
            script.readConfig();
        }
    }

    function test_RevertWhen_GuardianIsAnvilAccountOffDevnet() public {
        _setAll();
        address[10] memory anvil = script.anvilAccounts();
        for (uint256 i; i < anvil.length; ++i) {
            script.set("WTAO_GUARDIAN", vm.toString(anvil[i]));
            vm.expectRevert(
                abi.encodeWithSelector(
                    Deploy.WtaoDeployPublicKey.selector, "WTAO_GUARDIAN", anvil[i], MAINNET
                )
            );
            script.readConfig();
        }
    }

    function test_RevertWhen_VariableInvalid() public {
        _setAll();
        _expectInvalid("WTAO_THRESHOLD", "two");
        _expectInvalid("WTAO_MINT_CAPACITY", "18446744073709551616"); // 2^64: wider than uint64
        _expectInvalid("WTAO_VOTING_PERIOD", "4294967296"); // 2^32
        _expectInvalid("WTAO_GUARDIAN", "0x1234");
        _expectInvalid("WTAO_RELAYERS", string.concat(vm.toString(relayerA), ",")); // empty entry
    }

    function _expectInvalid(string memory name, string memory value) private {
        string memory previous = _valueOf(name);
        script.set(name, value);
        vm.expectRevert(
            abi.encodeWithSelector(Deploy.WtaoDeployInvalidVariable.selector, name, value)
        );
        script.readConfig();
        script.set(name, previous);
    }

    function _valueOf(string memory name) private view returns (string memory) {
        string[12] memory names = _names();
        string[12] memory values = _values();
        for (uint256 i; i < names.length; ++i) {
            if (keccak256(bytes(names[i])) == keccak256(bytes(name))) return values[i];
        }
        revert("no such variable");
    }

    /// @notice On the devnet an unset variable is the devnet's value, and anvil's accounts are
    /// allowed: what `crates/devnet` passes (relayers, threshold, guardian) deploys as before.
    function test_ReadConfig_DevnetDefaults() public {
        vm.chainId(script.DEVNET_CHAIN_ID());
        WtaoDeployment.Config memory expected = WtaoDeployment.devnetConfig();
        WtaoDeployment.Config memory config = script.readConfig();
        vm.assertEq(config.relayers, expected.relayers);
        vm.assertEq(config.threshold, expected.threshold);
        vm.assertEq(config.guardian, expected.guardian);
        vm.assertEq(config.timelockDelay, 60);
        vm.assertEq(config.proposalThreshold, 0);

        address[10] memory anvil = script.anvilAccounts();
        script.set(
            "WTAO_RELAYERS",
            string.concat(
                vm.toString(anvil[1]), ",", vm.toString(anvil[2]), ",", vm.toString(anvil[3])
            )
        );
        script.set("WTAO_THRESHOLD", "2");
        script.set("WTAO_GUARDIAN", vm.toString(anvil[4]));
        WtaoDeployment.Deployment memory d = script.run();
        vm.assertEq(d.bridge.guardian(), anvil[4]);
        vm.assertEq(d.bridge.relayers().length, 3);
    }

    /// @notice The refused accounts are exactly the first ten of anvil's mnemonic.
    function test_AnvilAccounts_AreTheDefaultMnemonics() public view {
        address[10] memory anvil = script.anvilAccounts();
        string memory mnemonic = "test test test test test test test test test test test junk";
        for (uint32 i; i < anvil.length; ++i) {
            vm.assertEq(vm.addr(vm.deriveKey(mnemonic, i)), anvil[i]);
        }
    }
}
