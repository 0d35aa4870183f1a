//! One deployer: `forge script Deploy` (what the devnet and real chains run) and this crate's
//! [`deploy_plan`]/[`deploy_system`] (what the revm tests run) must be the same deployment.
//!
//! For the script's devnet defaults and for a custom configuration passed as its `WTAO_*`
//! variables, the script broadcasts to anvil and the plan runs in revm from the same deployer
//! address and nonce. Then:
//! - forge's broadcast record is the plan, transaction for transaction: kind, contract, address,
//!   constructor arguments (the tail of the creation input) and calldata;
//! - both deployments answer every role, owner and parameter view the same (bytes of the
//!   `eth_call` output), and hold the same implementation in the proxy's ERC-1967 slot.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use alloy_primitives::{Address, B256, Bytes, hex};
use alloy_sol_types::SolCall;
use serde_json::{Value, json};
use wtao_bridge_types::{Mint, Rao};
use wtao_contracts::{
    Addresses, DEFAULT_ADMIN_ROLE, DeployConfig, DeployPlan, Evm, StepKind, artifacts,
    bindings::{ITaoBridge, TaoBridge, TimelockController, WTAO, WTAOGovernor},
    canceller_role, deploy_plan, deploy_system, executor_role, proposer_role,
};
use wtao_devnet::{Anvil, AnvilConfig, Toolchain, http::json_rpc, lock::FileLock};

use crate::fixture::actor;

/// ERC-1967's implementation slot: `keccak256("eip1967.proxy.implementation") - 1`.
const IMPLEMENTATION_SLOT: B256 =
    alloy_primitives::b256!("0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");

#[test]
fn forge_script_and_rust_deploy_the_same_system() {
    let root = Toolchain::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let toolchain = Toolchain::ensure(&root).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let anvil = Anvil::spawn(
        &AnvilConfig {
            program: toolchain.anvil(),
            port: 0,
            chain_id: 31_337,
            accounts: 10,
            state_file: None,
            log: dir.path().join("anvil.log"),
            config_out: dir.path().join("anvil-accounts.json"),
            port_flag: "--anvil-port",
        },
        3,
    )
    .unwrap();

    let custom = DeployConfig {
        relayers: (0..5).map(|i| actor(&format!("relayer-{i}"))).collect(),
        threshold: 3,
        guardian: actor("guardian"),
        mint_limit: ITaoBridge::RateLimit { capacity: 7_000_000_000_000, window: 3_600 },
        burn_limit: ITaoBridge::RateLimit { capacity: 5_000_000_000_000, window: 7_200 },
        timelock_delay: 3_600,
        voting_delay: 120,
        voting_period: 86_400,
        proposal_threshold: 1_000_000_000,
        quorum_percent: 10,
    };
    // (anvil account, the script's environment or its devnet defaults, the Rust config)
    let cases = [(0, None, DeployConfig::devnet()), (9, Some(custom.clone()), custom)];
    for (account, env, config) in cases {
        let deployer = &anvil.accounts()[account];
        let broadcast = dir.path().join(format!("broadcast-{account}"));
        let record = forge_deploy(
            &toolchain,
            anvil.endpoint(),
            &deployer.private_key,
            env.as_ref(),
            &broadcast,
        );
        let plan = deploy_plan(deployer.address, 0, &config);
        assert_broadcast_is_plan(&record, &plan);

        let mut evm = Evm::new();
        let system =
            deploy_system(&mut evm, artifacts().unwrap(), deployer.address, &config).unwrap();
        let a = plan.addresses;
        assert_eq!(
            (system.wtao, system.bridge, system.implementation, system.timelock, system.governor),
            (a.wtao, a.bridge, a.implementation, a.timelock, a.governor)
        );

        let mut compared = 0;
        for (label, to, data) in probes(&a, deployer.address) {
            let on_anvil = eth_call(anvil.endpoint(), to, &data)
                .unwrap_or_else(|e| panic!("{label} on anvil: {e}"));
            let in_revm = evm
                .call_raw(Address::ZERO, to, data.clone())
                .unwrap_or_else(|e| panic!("{label} in revm: {e}"));
            assert_eq!(on_anvil, in_revm, "account {account}: {label} differs");
            compared += 1;
        }
        let slot = json_rpc(
            anvil.endpoint(),
            "eth_getStorageAt",
            json!([a.bridge, IMPLEMENTATION_SLOT, "latest"]),
        )
        .unwrap();
        let on_anvil: B256 = serde_json::from_value(slot).unwrap();
        assert_eq!(on_anvil, evm.storage(a.bridge, IMPLEMENTATION_SLOT));
        assert_eq!(on_anvil, a.implementation.into_word());
        println!(
            "deployer {}: forge broadcast = plan ({} transactions), {compared} views equal",
            deployer.address,
            plan.steps.len()
        );
    }
}

/// Runs `forge script Deploy --broadcast` and returns its `run-latest.json`. `env: None` clears
/// every `WTAO_*` variable, so the script takes its devnet defaults.
fn forge_deploy(
    toolchain: &Toolchain,
    rpc: &str,
    key: &str,
    env: Option<&DeployConfig>,
    broadcast: &Path,
) -> Value {
    // Deploys in one checkout share forge's build cache: the devnet's lock serialises them.
    let lock_path = toolchain.contracts_dir().join("cache/wtao-deploy.lock");
    let _lock = FileLock::acquire(&lock_path, Duration::from_secs(600)).unwrap().unwrap();
    let mut cmd = Command::new(toolchain.forge());
    cmd.current_dir(toolchain.contracts_dir())
        .args(["script", "script/Deploy.s.sol:Deploy", "--broadcast", "--non-interactive"])
        .args(["--rpc-url", rpc, "--private-key", key])
        .env("FOUNDRY_BROADCAST", broadcast);
    match env {
        Some(config) => {
            cmd.envs(config.script_env());
        }
        None => {
            for (name, _) in DeployConfig::devnet().script_env() {
                cmd.env_remove(name);
            }
        }
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "forge script failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let path = find_file(broadcast, "run-latest.json").expect("forge wrote no run-latest.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
    }
    None
}

/// forge's broadcast record holds exactly the plan's transactions, in order.
fn assert_broadcast_is_plan(record: &Value, plan: &DeployPlan) {
    let txs = record["transactions"].as_array().expect("transactions in run-latest.json");
    assert_eq!(txs.len(), plan.steps.len(), "forge sent {txs:#?}");
    for (i, (tx, step)) in txs.iter().zip(&plan.steps).enumerate() {
        let what = format!("transaction {i} ({})", step.name);
        let inner = &tx["transaction"];
        let from: Address = serde_json::from_value(inner["from"].clone()).unwrap();
        assert_eq!(from, plan.deployer, "{what}: sender");
        let input = inner.get("input").or_else(|| inner.get("data")).expect("input");
        let input: Bytes = serde_json::from_value(input.clone()).unwrap();
        match &step.kind {
            StepKind::Create { contract, args, address } => {
                assert_eq!(tx["transactionType"], "CREATE", "{what}");
                assert_eq!(tx["contractName"], *contract, "{what}");
                let at: Address = serde_json::from_value(tx["contractAddress"].clone()).unwrap();
                assert_eq!(at, *address, "{what}: address");
                assert!(
                    input.ends_with(args),
                    "{what}: constructor arguments differ; forge's input ends 0x{}",
                    hex::encode(&input[input.len().saturating_sub(args.len())..])
                );
            }
            StepKind::Call { to, data } => {
                assert_eq!(tx["transactionType"], "CALL", "{what}");
                let called: Address = serde_json::from_value(inner["to"].clone()).unwrap();
                assert_eq!(called, *to, "{what}: target");
                assert_eq!(input, *data, "{what}: calldata");
            }
        }
    }
}

/// Every view that says who owns what and with which parameters, as (label, contract, calldata).
fn probes(a: &Addresses, deployer: Address) -> Vec<(String, Address, Bytes)> {
    fn p<C: SolCall>(label: &str, to: Address, call: C) -> (String, Address, Bytes) {
        (label.to_owned(), to, call.abi_encode().into())
    }
    let batch = vec![Mint::new(0, B256::repeat_byte(1), Address::repeat_byte(2), Rao(1))];
    let mut probes = vec![
        p("bridge.wtao", a.bridge, ITaoBridge::wtaoCall {}),
        p("bridge.timelock", a.bridge, ITaoBridge::timelockCall {}),
        p("bridge.guardian", a.bridge, ITaoBridge::guardianCall {}),
        p("bridge.relayers", a.bridge, ITaoBridge::relayersCall {}),
        p("bridge.threshold", a.bridge, ITaoBridge::thresholdCall {}),
        p("bridge.paused", a.bridge, ITaoBridge::pausedCall {}),
        p("bridge.mintLimit", a.bridge, ITaoBridge::mintLimitCall {}),
        p("bridge.burnLimit", a.bridge, ITaoBridge::burnLimitCall {}),
        p("bridge.nextBurnNonce", a.bridge, ITaoBridge::nextBurnNonceCall {}),
        p("bridge.isNonceUsed(0)", a.bridge, ITaoBridge::isNonceUsedCall { nonce: 0 }),
        p(
            "bridge.hashMintBatch (EIP-712 domain)",
            a.bridge,
            ITaoBridge::hashMintBatchCall { batch },
        ),
        p("bridge.eip712Domain", a.bridge, TaoBridge::eip712DomainCall {}),
        p("implementation.proxiableUUID", a.implementation, TaoBridge::proxiableUUIDCall {}),
        p("wtao.bridge", a.wtao, WTAO::bridgeCall {}),
        p("wtao.name", a.wtao, WTAO::nameCall {}),
        p("wtao.symbol", a.wtao, WTAO::symbolCall {}),
        p("wtao.decimals", a.wtao, WTAO::decimalsCall {}),
        p("wtao.totalSupply", a.wtao, WTAO::totalSupplyCall {}),
        p("wtao.CLOCK_MODE", a.wtao, WTAO::CLOCK_MODECall {}),
        p("timelock.getMinDelay", a.timelock, TimelockController::getMinDelayCall {}),
        p("governor.name", a.governor, WTAOGovernor::nameCall {}),
        p("governor.token", a.governor, WTAOGovernor::tokenCall {}),
        p("governor.timelock", a.governor, WTAOGovernor::timelockCall {}),
        p("governor.votingDelay", a.governor, WTAOGovernor::votingDelayCall {}),
        p("governor.votingPeriod", a.governor, WTAOGovernor::votingPeriodCall {}),
        p("governor.proposalThreshold", a.governor, WTAOGovernor::proposalThresholdCall {}),
        p("governor.quorumNumerator", a.governor, WTAOGovernor::quorumNumeratorCall {}),
    ];
    let roles = [
        ("DEFAULT_ADMIN_ROLE", DEFAULT_ADMIN_ROLE),
        ("PROPOSER_ROLE", proposer_role()),
        ("EXECUTOR_ROLE", executor_role()),
        ("CANCELLER_ROLE", canceller_role()),
    ];
    let accounts = [
        ("deployer", deployer),
        ("governor", a.governor),
        ("timelock", a.timelock),
        ("anyone (0)", Address::ZERO),
        ("bridge", a.bridge),
    ];
    for (role_name, role) in roles {
        for (who, account) in accounts {
            probes.push(p(
                &format!("timelock.hasRole({role_name}, {who})"),
                a.timelock,
                TimelockController::hasRoleCall { role, account },
            ));
        }
    }
    probes
}

/// `eth_call` at the latest block, from the zero address.
fn eth_call(rpc: &str, to: Address, data: &Bytes) -> Result<Bytes, String> {
    let out = json_rpc(rpc, "eth_call", json!([{"to": to, "data": data}, "latest"]))
        .map_err(|e| e.to_string())?;
    serde_json::from_value(out).map_err(|e| e.to_string())
}
