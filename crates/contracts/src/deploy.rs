//! The wtao deployment: `contracts/script/Deploy.s.sol` (`WtaoDeployment.deploy`) is the one
//! sequence, and this module is that sequence written down once as data ([`deploy_plan`]), so that Rust
//! tests run against the same wiring as forge tests and the devnet:
//!
//! ```text
//! nonce n    TimelockController(delay, proposers [], executors [0], admin deployer)
//! nonce n+1  WTAO(bridge = CREATE(deployer, n + 3), the proxy's address, predicted)
//! nonce n+2  TaoBridge(wtao)  (implementation)
//! nonce n+3  ERC1967Proxy(impl, initialize(timelock, guardian, relayers, M, limits))
//! nonce n+4  WTAOGovernor(wtao, timelock, voting delay, period, threshold, quorum %)
//! nonce n+5  timelock.grantRole(PROPOSER_ROLE, governor)
//! nonce n+6  timelock.grantRole(CANCELLER_ROLE, governor)
//! nonce n+7  timelock.renounceRole(DEFAULT_ADMIN_ROLE, deployer)   the deployer keeps no role
//! ```
//!
//! Every address is a CREATE address of the deployer's nonce, so [`deploy_plan`] computes the whole list
//! of transactions — constructor arguments and calldata included — before sending any, and
//! [`deploy_system`] only executes it and checks that each contract landed where planned.
//!
//! Why not one deployer outright: the script runs against real chains through forge's broadcast
//! (and the devnet uses it, `wtao-devnet`), while this crate runs in revm without cheatcodes or an
//! RPC endpoint. Instead `tests/it/deploy_script.rs` runs `forge script Deploy` on anvil and checks,
//! for the devnet defaults and for a custom [`DeployConfig`] passed as the script's `WTAO_*`
//! variables ([`DeployConfig::script_env`]), that forge broadcast exactly this plan (same order,
//! kinds, contracts, addresses, constructor arguments and calldata) and that both deployments
//! answer every role, owner and parameter view the same.

use alloy_primitives::{Address, B256, Bytes, U256, aliases::U48, keccak256};
use alloy_sol_types::{SolCall, SolConstructor};

use crate::{
    Artifacts, ContractsError, Evm,
    bindings::{ERC1967Proxy, ITaoBridge, TaoBridge, TimelockController, WTAO, WTAOGovernor},
};

/// Deployment parameters, as `WtaoDeployment.Config`. Times are seconds (wTAO's clock is the
/// timestamp); amounts are rao.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployConfig {
    /// Relayer addresses, any order (the bridge stores them sorted).
    pub relayers: Vec<Address>,
    /// Signatures needed per batch; a strict majority of `relayers`.
    pub threshold: u64,
    /// May pause, never unpause.
    pub guardian: Address,
    /// Mint token bucket.
    pub mint_limit: ITaoBridge::RateLimit,
    /// Burn token bucket.
    pub burn_limit: ITaoBridge::RateLimit,
    /// TimelockController `minDelay`.
    pub timelock_delay: u64,
    /// Governor voting delay.
    pub voting_delay: u64,
    /// Governor voting period.
    pub voting_period: u32,
    /// Votes needed to propose.
    pub proposal_threshold: u64,
    /// Quorum in percent of the supply at the snapshot.
    pub quorum_percent: u64,
}

impl DeployConfig {
    /// `WtaoDeployment.devnetConfig()`: anvil accounts 1–3 as relayers (2 of 3), account 4 as
    /// guardian, 100 000 TAO per day each way, 60 s timelock, 1 s voting delay, 5 min voting,
    /// 4 % quorum.
    pub fn devnet() -> Self {
        let limit = ITaoBridge::RateLimit { capacity: 100_000_000_000_000, window: 86_400 };
        Self {
            relayers: vec![
                alloy_primitives::address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
                alloy_primitives::address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
                alloy_primitives::address!("0x90F79bf6EB2c4f870365E785982E1f101E93b906"),
            ],
            threshold: 2,
            guardian: alloy_primitives::address!("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"),
            mint_limit: limit.clone(),
            burn_limit: limit,
            timelock_delay: 60,
            voting_delay: 1,
            voting_period: 300,
            proposal_threshold: 0,
            quorum_percent: 4,
        }
    }

    /// This configuration as the environment `Deploy.s.sol` reads (`Deploy.readConfig`): every
    /// `WTAO_*` variable, decimal numbers, comma-separated relayers. Destructured whole, so a new
    /// field does not compile until it is mapped here too.
    pub fn script_env(&self) -> Vec<(&'static str, String)> {
        let Self {
            relayers,
            threshold,
            guardian,
            mint_limit,
            burn_limit,
            timelock_delay,
            voting_delay,
            voting_period,
            proposal_threshold,
            quorum_percent,
        } = self;
        let relayers: Vec<String> = relayers.iter().map(Address::to_string).collect();
        vec![
            ("WTAO_RELAYERS", relayers.join(",")),
            ("WTAO_THRESHOLD", threshold.to_string()),
            ("WTAO_GUARDIAN", guardian.to_string()),
            ("WTAO_MINT_CAPACITY", mint_limit.capacity.to_string()),
            ("WTAO_MINT_WINDOW", mint_limit.window.to_string()),
            ("WTAO_BURN_CAPACITY", burn_limit.capacity.to_string()),
            ("WTAO_BURN_WINDOW", burn_limit.window.to_string()),
            ("WTAO_TIMELOCK_DELAY", timelock_delay.to_string()),
            ("WTAO_VOTING_DELAY", voting_delay.to_string()),
            ("WTAO_VOTING_PERIOD", voting_period.to_string()),
            ("WTAO_PROPOSAL_THRESHOLD", proposal_threshold.to_string()),
            ("WTAO_QUORUM_PERCENT", quorum_percent.to_string()),
        ]
    }
}

/// Where the contracts of a deployment are (or will be); `bridge` is the proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addresses {
    /// wTAO token.
    pub wtao: Address,
    /// TaoBridge proxy.
    pub bridge: Address,
    /// TaoBridge implementation behind the proxy.
    pub implementation: Address,
    /// TimelockController (owns the bridge).
    pub timelock: Address,
    /// WTAOGovernor (the timelock's proposer).
    pub governor: Address,
}

/// What one deployment transaction does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Creates `contract` (its artifact name) with ABI-encoded constructor `args`; it lands at
    /// `address`, the CREATE address of the deployer's nonce at this step.
    Create {
        /// Artifact (and Solidity contract) name.
        contract: &'static str,
        /// ABI-encoded constructor arguments, appended to the creation code.
        args: Bytes,
        /// Where it lands.
        address: Address,
    },
    /// Calls `to` with `data`.
    Call {
        /// The contract called.
        to: Address,
        /// The calldata.
        data: Bytes,
    },
}

/// One transaction of the deployment, sent by the deployer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployStep {
    /// What it is, for gas reports and errors.
    pub name: &'static str,
    /// The transaction.
    pub kind: StepKind,
}

/// The whole deployment as transactions, in order (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployPlan {
    /// The account that sends every step.
    pub deployer: Address,
    /// Where the contracts land.
    pub addresses: Addresses,
    /// The transactions, in nonce order from the deployer's nonce at planning.
    pub steps: Vec<DeployStep>,
}

/// OpenZeppelin AccessControl's admin role.
pub const DEFAULT_ADMIN_ROLE: B256 = B256::ZERO;

/// `TimelockController.PROPOSER_ROLE`: `keccak256("PROPOSER_ROLE")`.
pub fn proposer_role() -> B256 {
    keccak256("PROPOSER_ROLE")
}

/// `TimelockController.CANCELLER_ROLE`: `keccak256("CANCELLER_ROLE")`.
pub fn canceller_role() -> B256 {
    keccak256("CANCELLER_ROLE")
}

/// `TimelockController.EXECUTOR_ROLE`: `keccak256("EXECUTOR_ROLE")`.
pub fn executor_role() -> B256 {
    keccak256("EXECUTOR_ROLE")
}

/// The deployment of `config` by `deployer`, whose next nonce is `nonce` (see the module docs).
pub fn deploy_plan(deployer: Address, nonce: u64, config: &DeployConfig) -> DeployPlan {
    let at = |offset: u64| deployer.create(nonce.saturating_add(offset));
    let addresses = Addresses {
        timelock: at(0),
        wtao: at(1),
        implementation: at(2),
        bridge: at(3),
        governor: at(4),
    };
    let Addresses { timelock, wtao, implementation, bridge, governor } = addresses;
    let create = |name, contract, args: Vec<u8>, address| DeployStep {
        name,
        kind: StepKind::Create { contract, args: args.into(), address },
    };
    let call = |name, data: Vec<u8>| DeployStep {
        name,
        kind: StepKind::Call { to: timelock, data: data.into() },
    };
    let initialize = TaoBridge::initializeCall {
        timelock_: timelock,
        guardian_: config.guardian,
        relayers_: config.relayers.clone(),
        threshold_: U256::from(config.threshold),
        mintLimit_: config.mint_limit.clone().into(),
        burnLimit_: config.burn_limit.clone().into(),
    };
    let steps = vec![
        create(
            "TimelockController",
            "TimelockController",
            TimelockController::constructorCall {
                minDelay: U256::from(config.timelock_delay),
                proposers: Vec::new(),
                executors: vec![Address::ZERO],
                admin: deployer,
            }
            .abi_encode(),
            timelock,
        ),
        create("WTAO", "WTAO", WTAO::constructorCall { bridge_: bridge }.abi_encode(), wtao),
        create(
            "TaoBridge (implementation)",
            "TaoBridge",
            TaoBridge::constructorCall { wtao_: wtao }.abi_encode(),
            implementation,
        ),
        create(
            "ERC1967Proxy + initialize",
            "ERC1967Proxy",
            ERC1967Proxy::constructorCall { implementation, _data: initialize.abi_encode().into() }
                .abi_encode(),
            bridge,
        ),
        create(
            "WTAOGovernor",
            "WTAOGovernor",
            WTAOGovernor::constructorCall {
                token: wtao,
                timelock,
                initialVotingDelay: U48::from(config.voting_delay),
                initialVotingPeriod: config.voting_period,
                initialProposalThreshold: U256::from(config.proposal_threshold),
                quorumNumerator: U256::from(config.quorum_percent),
            }
            .abi_encode(),
            governor,
        ),
        call(
            "grant PROPOSER_ROLE",
            TimelockController::grantRoleCall { role: proposer_role(), account: governor }
                .abi_encode(),
        ),
        call(
            "grant CANCELLER_ROLE",
            TimelockController::grantRoleCall { role: canceller_role(), account: governor }
                .abi_encode(),
        ),
        call(
            "renounce admin",
            TimelockController::renounceRoleCall {
                role: DEFAULT_ADMIN_ROLE,
                callerConfirmation: deployer,
            }
            .abi_encode(),
        ),
    ];
    DeployPlan { deployer, addresses, steps }
}

/// The deployed system; `bridge` is the proxy, the address everyone calls.
#[derive(Clone, Debug)]
pub struct System {
    /// wTAO token.
    pub wtao: Address,
    /// TaoBridge proxy.
    pub bridge: Address,
    /// TaoBridge implementation behind the proxy.
    pub implementation: Address,
    /// TimelockController (owns the bridge).
    pub timelock: Address,
    /// WTAOGovernor (the timelock's proposer).
    pub governor: Address,
    /// Gas of each deployment transaction, in order, for the README.
    pub gas: Vec<(&'static str, u64)>,
}

/// Deploys the system from `deployer` with `config`: executes [`deploy_plan`] in `evm`.
///
/// # Errors
/// A missing artifact, a reverting constructor or call, or a contract that did not land at its
/// planned address.
pub fn deploy_system(
    evm: &mut Evm,
    artifacts: &Artifacts,
    deployer: Address,
    config: &DeployConfig,
) -> Result<System, ContractsError> {
    let plan = deploy_plan(deployer, evm.nonce(deployer), config);
    let mut gas = Vec::with_capacity(plan.steps.len());
    for step in plan.steps {
        let receipt = match step.kind {
            StepKind::Create { contract, args, address } => {
                let mut code = artifacts.bytecode(contract)?.to_vec();
                code.extend_from_slice(&args);
                let (actual, receipt) = evm.deploy(deployer, code.into())?;
                if actual != address {
                    return Err(ContractsError::UnexpectedAddress {
                        what: step.name,
                        expected: address,
                        actual,
                    });
                }
                receipt
            }
            StepKind::Call { to, data } => {
                evm.transact(deployer, to, data, U256::ZERO)?.ensure_success()?
            }
        };
        gas.push((step.name, receipt.gas_used));
    }
    let Addresses { wtao, bridge, implementation, timelock, governor } = plan.addresses;
    Ok(System { wtao, bridge, implementation, timelock, governor, gas })
}

impl System {
    /// Total gas of the deployment.
    pub fn total_gas(&self) -> u64 {
        self.gas.iter().map(|(_, g)| g).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_follows_the_script_order_and_nonces() {
        let deployer = Address::repeat_byte(0xde);
        let plan = deploy_plan(deployer, 7, &DeployConfig::devnet());
        let names: Vec<&str> = plan.steps.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "TimelockController",
                "WTAO",
                "TaoBridge (implementation)",
                "ERC1967Proxy + initialize",
                "WTAOGovernor",
                "grant PROPOSER_ROLE",
                "grant CANCELLER_ROLE",
                "renounce admin",
            ]
        );
        let created: Vec<Address> = plan
            .steps
            .iter()
            .filter_map(|s| match s.kind {
                StepKind::Create { address, .. } => Some(address),
                StepKind::Call { .. } => None,
            })
            .collect();
        let expected: Vec<Address> = (7..12).map(|n| deployer.create(n)).collect();
        assert_eq!(created, expected);
        let a = plan.addresses;
        assert_eq!(
            expected,
            [a.timelock, a.wtao, a.implementation, a.bridge, a.governor],
            "creations in the script's order"
        );
        // wTAO is built with the proxy's address, which is created two nonces later.
        let wtao_args = &plan.steps[1].kind;
        assert!(
            matches!(wtao_args, StepKind::Create { args, .. } if args[..] == a.bridge.into_word()[..])
        );
    }

    #[test]
    fn script_env_sets_every_variable_the_script_reads() {
        // Every `"WTAO_…"` string literal in Deploy.s.sol is a variable `readConfig` reads.
        let script = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../contracts/script/Deploy.s.sol"),
        )
        .unwrap();
        let mut read: Vec<&str> = script
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| s.starts_with("WTAO_") && !s.contains(' '))
            .collect();
        read.sort_unstable();
        read.dedup();
        let env = DeployConfig::devnet().script_env();
        let mut set: Vec<&str> = env.iter().map(|(n, _)| *n).collect();
        set.sort_unstable();
        assert_eq!(set, read);
        assert!(env.contains(&("WTAO_MINT_CAPACITY", "100000000000000".to_owned())));
    }
}
