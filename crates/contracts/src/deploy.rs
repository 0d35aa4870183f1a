//! The wtao deployment, step for step as `contracts/script/Deploy.s.sol` (`WtaoDeployment.deploy`)
//! does it, so that Rust tests run against the same wiring as forge tests and the devnet:
//!
//! ```text
//! TimelockController(delay, proposers [], executors [0], admin deployer)   nonce n
//! WTAO(predicted proxy = CREATE(deployer, n + 3))                           nonce n+1
//! TaoBridge(wtao)  (implementation)                                         nonce n+2
//! ERC1967Proxy(impl, initialize(timelock, guardian, relayers, M, limits))   nonce n+3
//! WTAOGovernor(wtao, timelock, voting delay, period, threshold, quorum %)   nonce n+4
//! timelock: grant PROPOSER_ROLE and CANCELLER_ROLE to the governor; deployer renounces admin
//! ```

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;

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

/// Deploys the system from `deployer` with `config` (see the module docs).
///
/// # Errors
/// A missing artifact, a reverting constructor or call, or a proxy that did not land at the
/// predicted address.
pub fn deploy_system(
    evm: &mut Evm,
    artifacts: &Artifacts,
    deployer: Address,
    config: &DeployConfig,
) -> Result<System, ContractsError> {
    let mut gas = Vec::new();

    let ctor = TimelockController::constructorCall {
        minDelay: U256::from(config.timelock_delay),
        proposers: Vec::new(),
        executors: vec![Address::ZERO],
        admin: deployer,
    };
    let (timelock, r) = evm.deploy(deployer, artifacts.init_code("TimelockController", &ctor)?)?;
    gas.push(("TimelockController", r.gas_used));

    // WTAO at nonce n, the implementation at n + 1, the proxy at n + 2.
    let predicted = deployer.create(evm.nonce(deployer).saturating_add(2));
    let ctor = WTAO::constructorCall { bridge_: predicted };
    let (wtao, r) = evm.deploy(deployer, artifacts.init_code("WTAO", &ctor)?)?;
    gas.push(("WTAO", r.gas_used));

    let ctor = TaoBridge::constructorCall { wtao_: wtao };
    let (implementation, r) = evm.deploy(deployer, artifacts.init_code("TaoBridge", &ctor)?)?;
    gas.push(("TaoBridge (implementation)", r.gas_used));

    let init = TaoBridge::initializeCall {
        timelock_: timelock,
        guardian_: config.guardian,
        relayers_: config.relayers.clone(),
        threshold_: U256::from(config.threshold),
        mintLimit_: config.mint_limit.clone().into(),
        burnLimit_: config.burn_limit.clone().into(),
    };
    let ctor = ERC1967Proxy::constructorCall { implementation, _data: init.abi_encode().into() };
    let (bridge, r) = evm.deploy(deployer, artifacts.init_code("ERC1967Proxy", &ctor)?)?;
    gas.push(("ERC1967Proxy + initialize", r.gas_used));
    if bridge != predicted {
        return Err(ContractsError::UnexpectedAddress {
            what: "TaoBridge proxy",
            expected: predicted,
            actual: bridge,
        });
    }

    let ctor = WTAOGovernor::constructorCall {
        token: wtao,
        timelock,
        initialVotingDelay: alloy_primitives::aliases::U48::from(config.voting_delay),
        initialVotingPeriod: config.voting_period,
        initialProposalThreshold: U256::from(config.proposal_threshold),
        quorumNumerator: U256::from(config.quorum_percent),
    };
    let (governor, r) = evm.deploy(deployer, artifacts.init_code("WTAOGovernor", &ctor)?)?;
    gas.push(("WTAOGovernor", r.gas_used));

    let proposer = evm.call(timelock, &TimelockController::PROPOSER_ROLECall {})?;
    let canceller = evm.call(timelock, &TimelockController::CANCELLER_ROLECall {})?;
    let admin = evm.call(timelock, &TimelockController::DEFAULT_ADMIN_ROLECall {})?;
    for (step, call) in [
        (
            "grant PROPOSER_ROLE",
            TimelockController::grantRoleCall { role: proposer, account: governor }.abi_encode(),
        ),
        (
            "grant CANCELLER_ROLE",
            TimelockController::grantRoleCall { role: canceller, account: governor }.abi_encode(),
        ),
        (
            "renounce admin",
            TimelockController::renounceRoleCall { role: admin, callerConfirmation: deployer }
                .abi_encode(),
        ),
    ] {
        let r = evm.transact(deployer, timelock, call.into(), U256::ZERO)?.ensure_success()?;
        gas.push((step, r.gas_used));
    }

    Ok(System { wtao, bridge, implementation, timelock, governor, gas })
}

impl System {
    /// Total gas of the deployment.
    pub fn total_gas(&self) -> u64 {
        self.gas.iter().map(|(_, g)| g).sum()
    }
}
