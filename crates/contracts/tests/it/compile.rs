//! Compiling `contracts/` through the solc shim, and its cache.

use std::time::Instant;

use wtao_contracts::{
    ContractsError, EVM_VERSION, OPTIMIZER_RUNS, REMAPPINGS, artifacts, compile, default_root,
};

#[test]
fn compiles_every_contract_the_deployment_needs() {
    let artifacts = artifacts().unwrap();
    for name in ["TaoBridge", "WTAO", "WTAOGovernor", "TimelockController", "ERC1967Proxy"] {
        let code = artifacts.bytecode(name).unwrap();
        assert!(code.len() > 100, "{name} has {} bytes of creation code", code.len());
        assert!(!artifacts.get(name).unwrap().abi.functions.is_empty() || name == "ERC1967Proxy");
    }
    assert!(matches!(artifacts.bytecode("ITaoBridge"), Err(ContractsError::NoBytecode { .. })));
    assert!(matches!(artifacts.get("NoSuchContract"), Err(ContractsError::MissingArtifact { .. })));
}

#[test]
fn unchanged_sources_come_from_the_cache() {
    // The first call may compile (cold cache) or not; the second must not.
    let started = Instant::now();
    compile(&default_root()).unwrap();
    let first = started.elapsed();
    let started = Instant::now();
    let again = compile(&default_root()).unwrap();
    let second = started.elapsed();
    eprintln!("compile: first {first:?}, second (cached) {second:?}");
    assert!(!again.recompiled, "nothing changed, yet solc ran again");
    assert!(again.bytecode("TaoBridge").is_ok());
}

#[test]
fn settings_match_foundry_toml() {
    // forge and this crate must produce the same bytecode (gas numbers, addresses), so the
    // bytecode-relevant settings are kept in sync by this test.
    let toml = std::fs::read_to_string(default_root().join("foundry.toml")).unwrap();
    let runs = OPTIMIZER_RUNS.to_string();
    let runs = format!("optimizer_runs = {}_{}", &runs[..runs.len() - 3], &runs[runs.len() - 3..]);
    for expected in [
        "optimizer = true".to_owned(),
        runs,
        format!("evm_version = \"{EVM_VERSION}\""),
        "bytecode_hash = \"none\"".to_owned(),
        "solc = \"tools/solc\"".to_owned(),
    ]
    .into_iter()
    .chain(REMAPPINGS.iter().map(|r| format!("\"{r}\"")))
    {
        assert!(toml.contains(&expected), "foundry.toml lacks `{expected}`");
    }
    assert!(!toml.contains("via_ir"), "foundry.toml enables via_ir; compile() does not");
}

#[test]
fn missing_toolchain_says_to_run_npm_ci() {
    let empty = tempfile::tempdir().unwrap();
    let err = compile(empty.path()).unwrap_err();
    assert!(matches!(err, ContractsError::Toolchain { .. }), "{err}");
    assert!(err.to_string().contains("npm ci"), "{err}");
}

#[test]
fn solc_errors_come_back_as_compile_errors() {
    // A throwaway project beside a `node_modules` link, with the repository's solc shim and its
    // own `node_modules -> ../node_modules` link, as `contracts/` has (the remappings go through it).
    let dir = tempfile::tempdir().unwrap();
    let repo_node_modules = default_root().join("..").join("node_modules").canonicalize().unwrap();
    std::os::unix::fs::symlink(repo_node_modules, dir.path().join("node_modules")).unwrap();
    let root = dir.path().join("contracts");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::os::unix::fs::symlink("../node_modules", root.join("node_modules")).unwrap();
    std::fs::create_dir_all(root.join("tools")).unwrap();
    std::fs::copy(default_root().join("tools").join("solc"), root.join("tools").join("solc"))
        .unwrap();
    std::fs::write(
        root.join("src").join("Broken.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.30;\ncontract Broken { uint256 x = ; }\n",
    )
    .unwrap();

    let err = compile(&root).unwrap_err();
    let ContractsError::Compile { errors } = &err else {
        panic!("expected a compile error: {err}")
    };
    assert!(errors.contains("Broken.sol"), "{errors}");
    assert!(errors.contains("ParserError: Expected primary expression"), "{errors}");
    assert!(!errors.contains('\u{1b}'), "no terminal colours in errors: {errors}");
}
