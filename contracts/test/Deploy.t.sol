// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";

import {Deploy, WtaoDeployment} from "../script/Deploy.s.sol";
import {BridgeFixture} from "./utils/BridgeFixture.sol";

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
