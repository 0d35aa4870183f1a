//! The hand-written `sol!` bindings must match what solc compiled: every selector and event topic
//! we declare exists in the contract's ABI. (A binding may declare less than the contract has.)

use std::collections::BTreeSet;

use wtao_contracts::{
    Artifacts, artifacts,
    bindings::{
        ERC1967Proxy, ITaoBridge, TaoBridge, TaoBridgeV2, TimelockController, WTAO, WTAOGovernor,
    },
};

struct Abi {
    functions: BTreeSet<[u8; 4]>,
    events: BTreeSet<[u8; 32]>,
    errors: BTreeSet<[u8; 4]>,
}

fn abi_of(artifacts: &Artifacts, contract: &str) -> Abi {
    let abi = &artifacts.get(contract).unwrap().abi;
    Abi {
        functions: abi.functions().map(|f| f.selector().0).collect(),
        events: abi.events().map(|e| e.selector().0).collect(),
        errors: abi.errors().map(|e| e.selector().0).collect(),
    }
}

fn assert_declared<const N: usize>(
    contract: &str,
    kind: &str,
    selectors: &[[u8; N]],
    signatures: &[&str],
    compiled: &BTreeSet<[u8; N]>,
) {
    assert!(!selectors.is_empty());
    for (selector, signature) in selectors.iter().zip(signatures) {
        assert!(compiled.contains(selector), "{contract} has no {kind} {signature}");
    }
}

macro_rules! check {
    ($artifacts:expr, $contract:literal, $kind:ident, $enum:ty) => {
        assert_declared(
            $contract,
            stringify!($kind),
            <$enum>::SELECTORS,
            <$enum>::SIGNATURES,
            &abi_of($artifacts, $contract).$kind,
        )
    };
}

#[test]
fn interface_file_matches_the_bridge() {
    let a = artifacts().unwrap();
    check!(a, "TaoBridge", functions, ITaoBridge::ITaoBridgeCalls);
    check!(a, "TaoBridge", events, ITaoBridge::ITaoBridgeEvents);
    check!(a, "TaoBridge", errors, ITaoBridge::ITaoBridgeErrors);
}

#[test]
fn hand_written_bindings_match_the_artifacts() {
    let a = artifacts().unwrap();
    check!(a, "TaoBridge", functions, TaoBridge::TaoBridgeCalls);
    check!(a, "TaoBridge", errors, TaoBridge::TaoBridgeErrors);
    check!(a, "TaoBridgeV2", functions, TaoBridgeV2::TaoBridgeV2Calls);
    check!(a, "ERC1967Proxy", events, ERC1967Proxy::ERC1967ProxyEvents);
    check!(a, "ERC1967Proxy", errors, ERC1967Proxy::ERC1967ProxyErrors);
    check!(a, "WTAO", functions, WTAO::WTAOCalls);
    check!(a, "WTAO", events, WTAO::WTAOEvents);
    check!(a, "WTAO", errors, WTAO::WTAOErrors);
    check!(a, "TimelockController", functions, TimelockController::TimelockControllerCalls);
    check!(a, "TimelockController", events, TimelockController::TimelockControllerEvents);
    check!(a, "TimelockController", errors, TimelockController::TimelockControllerErrors);
    check!(a, "WTAOGovernor", functions, WTAOGovernor::WTAOGovernorCalls);
    check!(a, "WTAOGovernor", events, WTAOGovernor::WTAOGovernorEvents);
    check!(a, "WTAOGovernor", errors, WTAOGovernor::WTAOGovernorErrors);
}

#[test]
fn bridge_types_burned_event_is_the_contracts() {
    use alloy_sol_types::SolEvent;
    assert_eq!(wtao_bridge_types::Burned::SIGNATURE_HASH, ITaoBridge::Burned::SIGNATURE_HASH);
    let a = artifacts().unwrap();
    assert!(abi_of(a, "TaoBridge").events.contains(&wtao_bridge_types::Burned::SIGNATURE_HASH.0));
}
