//! Governance upgrades TaoBridge in revm, the whole way: delegate, propose
//! `upgradeToAndCall(V2, initializeV2())`, vote, wait, queue in the timelock, wait, execute. V2
//! must run behind the same proxy with every piece of V1 state intact, and signatures made for
//! the proxy's domain must keep working.

use alloy_primitives::{B256, Bytes, U256, keccak256};
use alloy_sol_types::{SolCall, SolInterface};
use wtao_bridge_types::{RAO_PER_TAO, Rao};
use wtao_contracts::{
    DeployConfig, artifacts,
    bindings::{
        ERC1967Proxy, ITaoBridge, ITaoBridge::ITaoBridgeErrors as E, TaoBridge, TaoBridgeV2,
        TimelockController, WTAO, WTAOGovernor, WTAOGovernor::ProposalState,
    },
};

use crate::{
    bridge::IMPLEMENTATION_SLOT,
    fixture::{Fixture, actor, batch, bridge_error},
};

/// 12 s per block, as on Ethereum; the governance clock is wTAO's timestamp, rounded down to the
/// minute.
const BLOCK_TIME: u64 = 12;

fn state(f: &mut Fixture, id: U256) -> ProposalState {
    f.evm.call(f.system.governor, &WTAOGovernor::stateCall { proposalId: id }).unwrap()
}

/// Advances the chain by at least `seconds`, in whole blocks.
fn wait(f: &mut Fixture, seconds: u64) {
    f.evm.advance(seconds.div_ceil(BLOCK_TIME), BLOCK_TIME);
}

/// wTAO's votes clock, as the contract reports it.
fn clock(f: &mut Fixture) -> u64 {
    let wtao = f.system.wtao;
    let c = f.evm.call(wtao, &WTAO::clockCall {}).unwrap();
    c.saturating_to()
}

/// Advances whole blocks until wTAO's clock is past `timepoint`: voting opens past a proposal's
/// snapshot and closes past its deadline. Returns the number of blocks.
fn wait_past(f: &mut Fixture, timepoint: U256) -> u64 {
    let timepoint: u64 = timepoint.saturating_to();
    let mut blocks = 0;
    while clock(f) <= timepoint {
        f.evm.advance(1, BLOCK_TIME);
        blocks += 1;
    }
    blocks
}

#[test]
fn governance_upgrades_the_bridge_to_v2() {
    let mut f = Fixture::new();
    let config = DeployConfig::devnet();
    let (alice, bob, anyone) = (actor("alice"), actor("bob"), actor("anyone"));
    let (bridge, wtao, governor) = (f.system.bridge, f.system.wtao, f.system.governor);
    let mut gas: Vec<(&str, u64)> = Vec::new();

    // V1 state worth preserving: two mints, a burn, alice's votes.
    f.mint(&batch(0, 1, Rao(1_000 * RAO_PER_TAO), |_| alice));
    f.mint(&batch(1, 1, Rao(500 * RAO_PER_TAO), |_| bob)); // bob holds but does not vote
    let burn = ITaoBridge::burnCall {
        amount: U256::from(RAO_PER_TAO),
        taoRecipient: B256::repeat_byte(7),
    };
    f.bridge_tx(alice, &burn).ensure_success().unwrap();
    let r = f.evm.send(alice, wtao, &WTAO::delegateCall { delegatee: alice }).unwrap();
    gas.push(("delegate", r.ensure_success().unwrap().gas_used));
    wait(&mut f, BLOCK_TIME); // votes count from a past timepoint
    let relayers_before = f.evm.call(bridge, &ITaoBridge::relayersCall {}).unwrap();
    let supply_before = f.total_supply();

    // The new implementation, deployed by anyone.
    let ctor = TaoBridgeV2::constructorCall { wtao_: wtao };
    let init_code = artifacts().unwrap().init_code("TaoBridgeV2", &ctor).unwrap();
    let (v2, _) = f.evm.deploy(anyone, init_code).unwrap();

    // Upgrades go through governance only.
    let upgrade = TaoBridge::upgradeToAndCallCall {
        newImplementation: v2,
        data: TaoBridgeV2::initializeV2Call {}.abi_encode().into(),
    };
    assert_eq!(
        bridge_error(&f.bridge_tx(alice, &upgrade)),
        E::TaoBridgeUnauthorized(ITaoBridge::TaoBridgeUnauthorized { caller: alice })
    );

    let targets = vec![bridge];
    let values = vec![U256::ZERO];
    let calldatas: Vec<Bytes> = vec![upgrade.abi_encode().into()];
    let description = "Upgrade TaoBridge to V2".to_owned();
    let description_hash = keccak256(description.as_bytes());

    let propose = WTAOGovernor::proposeCall {
        targets: targets.clone(),
        values: values.clone(),
        calldatas: calldatas.clone(),
        description,
    };
    let r = f.evm.send(alice, governor, &propose).unwrap().ensure_success().unwrap();
    gas.push(("propose", r.gas_used));
    let id = WTAOGovernor::proposeCall::abi_decode_returns(&r.output).unwrap();
    let hashed = WTAOGovernor::hashProposalCall {
        targets: targets.clone(),
        values: values.clone(),
        calldatas: calldatas.clone(),
        descriptionHash: description_hash,
    };
    assert_eq!(f.evm.call(governor, &hashed).unwrap(), id);
    assert_eq!(state(&mut f, id), ProposalState::Pending);

    // Voting opens at the first block whose clock tick (a minute) is past the snapshot: the 1 s
    // devnet delay becomes up to a minute, never more than 5 blocks.
    let snapshot = f.evm.call(governor, &WTAOGovernor::proposalSnapshotCall { proposalId: id });
    let snapshot = snapshot.unwrap();
    assert_eq!(snapshot, U256::from(clock(&mut f) + config.voting_delay));
    let blocks = wait_past(&mut f, snapshot);
    assert!((1..=5).contains(&blocks), "voting opened after {blocks} blocks");
    assert_eq!(state(&mut f, id), ProposalState::Active);
    let r = f.evm.send(alice, governor, &WTAOGovernor::castVoteCall { proposalId: id, support: 1 });
    gas.push(("castVote (for)", r.unwrap().ensure_success().unwrap().gas_used));

    let deadline = f.evm.call(governor, &WTAOGovernor::proposalDeadlineCall { proposalId: id });
    let deadline = deadline.unwrap();
    assert_eq!(deadline, snapshot + U256::from(config.voting_period));
    f.evm.advance(1, BLOCK_TIME);
    assert_eq!(state(&mut f, id), ProposalState::Active); // still open a block later
    wait_past(&mut f, deadline);
    assert_eq!(state(&mut f, id), ProposalState::Succeeded);
    let queue = WTAOGovernor::queueCall {
        targets: targets.clone(),
        values: values.clone(),
        calldatas: calldatas.clone(),
        descriptionHash: description_hash,
    };
    let r = f.evm.send(anyone, governor, &queue).unwrap().ensure_success().unwrap();
    gas.push(("queue", r.gas_used));
    assert_eq!(state(&mut f, id), ProposalState::Queued);

    // The timelock holds it for `timelock_delay`.
    let execute =
        WTAOGovernor::executeCall { targets, values, calldatas, descriptionHash: description_hash };
    let early = f.evm.send(anyone, governor, &execute).unwrap();
    assert!(
        matches!(
            TimelockController::TimelockControllerErrors::abi_decode(&early.output),
            Ok(TimelockController::TimelockControllerErrors::TimelockUnexpectedOperationState(_))
        ),
        "executed before the timelock delay: {}",
        wtao_contracts::bindings::describe_revert(&early.output)
    );

    wait(&mut f, config.timelock_delay);
    let r = f.evm.send(anyone, governor, &execute).unwrap().ensure_success().unwrap();
    gas.push(("execute (upgradeToAndCall)", r.gas_used));
    assert_eq!(state(&mut f, id), ProposalState::Executed);
    let upgraded = r.events::<ERC1967Proxy::Upgraded>().unwrap();
    assert_eq!(upgraded, vec![(bridge, ERC1967Proxy::Upgraded { implementation: v2 })]);
    let executed_at = f.evm.timestamp();

    eprintln!("governance upgrade gas:");
    for (step, g) in &gas {
        eprintln!("  {step:<28} {g:>9}");
    }

    // V2 runs behind the same proxy, its initializer ran once.
    assert_eq!(f.evm.storage(bridge, IMPLEMENTATION_SLOT), v2.into_word());
    assert_eq!(f.evm.call(bridge, &TaoBridgeV2::versionCall {}).unwrap(), U256::from(2));
    assert_eq!(
        f.evm.call(bridge, &TaoBridgeV2::migratedAtCall {}).unwrap(),
        U256::from(executed_at)
    );
    let again = f.bridge_tx(alice, &TaoBridgeV2::initializeV2Call {});
    assert!(matches!(
        TaoBridge::TaoBridgeErrors::abi_decode(&again.output),
        Ok(TaoBridge::TaoBridgeErrors::InvalidInitialization(_))
    ));

    // V1 state is intact.
    assert_eq!(f.evm.call(bridge, &ITaoBridge::wtaoCall {}).unwrap(), wtao);
    assert_eq!(f.evm.call(bridge, &ITaoBridge::timelockCall {}).unwrap(), f.system.timelock);
    assert_eq!(f.evm.call(bridge, &ITaoBridge::guardianCall {}).unwrap(), f.guardian);
    assert_eq!(f.evm.call(bridge, &ITaoBridge::relayersCall {}).unwrap(), relayers_before);
    assert_eq!(f.evm.call(bridge, &ITaoBridge::thresholdCall {}).unwrap(), U256::from(2));
    assert_eq!(f.evm.call(bridge, &ITaoBridge::nextBurnNonceCall {}).unwrap(), 1);
    assert!(f.evm.call(bridge, &ITaoBridge::isNonceUsedCall { nonce: 1 }).unwrap());
    assert!(!f.evm.call(bridge, &ITaoBridge::pausedCall {}).unwrap());
    assert_eq!(f.total_supply(), supply_before);
    assert_eq!(f.balance(bob), U256::from(500 * RAO_PER_TAO));

    // Relayer signatures for the proxy's domain still mint, and old nonces still cannot.
    let next = batch(2, 1, Rao(RAO_PER_TAO), |_| bob);
    f.mint(&next);
    assert_eq!(f.balance(bob), U256::from(501 * RAO_PER_TAO));
    let replay = batch(0, 1, Rao(1_000 * RAO_PER_TAO), |_| alice);
    let sigs = f.sign(&replay, &[1, 2]);
    assert_eq!(
        bridge_error(&f.submit(&replay, sigs)),
        E::TaoBridgeNonceUsed(ITaoBridge::TaoBridgeNonceUsed { nonce: 0 })
    );
}
