//! The shared EIP-712 vectors (`contracts/test/vectors/mint_batches.json`) against the compiled
//! TaoBridge in revm — the same check `contracts/test/Vectors.t.sol` makes in forge, so that it
//! also runs where forge does not. A TaoBridge proxy is placed at each vector's verifying contract
//! on its chain id and asked for the domain and `hashMintBatch`.

use alloy_primitives::{Address, U256, keccak256};
use alloy_sol_types::SolValue;
use wtao_bridge_types::vectors::{VECTORS_FILE, VectorFile};
use wtao_contracts::{
    Evm, artifacts,
    bindings::{ITaoBridge, TaoBridge},
};

use crate::bridge::IMPLEMENTATION_SLOT;

fn committed() -> VectorFile {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..").join(VECTORS_FILE);
    VectorFile::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn contract_digests_match_the_shared_vectors() {
    let file = committed();
    let artifacts = artifacts().unwrap();
    let mut evm = Evm::new();
    let deployer = Address::repeat_byte(0xde);

    // Hashing never calls the token; the implementation only needs a non-zero one.
    let ctor = TaoBridge::constructorCall { wtao_: Address::repeat_byte(0xad) };
    let init_code = artifacts.init_code("TaoBridge", &ctor).unwrap();
    let (implementation, _) = evm.deploy(deployer, init_code).unwrap();
    assert_eq!(
        evm.call(implementation, &TaoBridge::MINT_TYPEHASHCall {}).unwrap(),
        file.mint_type_hash
    );
    assert_eq!(
        evm.call(implementation, &TaoBridge::MINT_BATCH_TYPEHASHCall {}).unwrap(),
        file.mint_batch_type_hash
    );
    let proxy_code = artifacts.get("ERC1967Proxy").unwrap().deployed_bytecode.clone();

    let domain_type = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
    );
    assert!(!file.vectors.is_empty());
    for v in &file.vectors {
        evm.set_chain_id(v.chain_id);
        evm.set_code(v.verifying_contract, proxy_code.clone());
        evm.set_storage(v.verifying_contract, IMPLEMENTATION_SLOT, implementation.into_word());

        let domain = evm.call(v.verifying_contract, &TaoBridge::eip712DomainCall {}).unwrap();
        assert_eq!(domain.chainId, U256::from(v.chain_id), "{}", v.name);
        assert_eq!(domain.verifyingContract, v.verifying_contract, "{}", v.name);
        let separator = keccak256(
            (
                domain_type,
                keccak256(domain.name.as_bytes()),
                keccak256(domain.version.as_bytes()),
                domain.chainId,
                domain.verifyingContract,
            )
                .abi_encode(),
        );
        assert_eq!(separator, v.domain_separator, "{}", v.name);

        let batch: Vec<ITaoBridge::Mint> =
            v.mints.iter().map(|m| m.to_mint(&v.name).unwrap()).collect();
        let digest =
            evm.call(v.verifying_contract, &ITaoBridge::hashMintBatchCall { batch }).unwrap();
        assert_eq!(digest, v.digest, "{}", v.name);
    }
}
