//! A deployed system in a fresh EVM, with relayer keys and helpers to sign and submit batches.

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_sol_types::SolCall;
use wtao_bridge_types::{
    BridgeDomain, Mint, Rao, SigningKey, mint_batch_digest, sign_digest, signer_address,
    sort_signatures, vectors::relayer_keys,
};
use wtao_contracts::{
    DeployConfig, Evm, Receipt, System, artifacts,
    bindings::{ITaoBridge, WTAO},
    deploy_system,
};

/// Labelled addresses for the actors of a test.
pub(crate) fn actor(name: &str) -> Address {
    Address::from_word(alloy_primitives::keccak256(format!("wtao/contracts-test/{name}")))
}

pub(crate) struct Fixture {
    pub(crate) evm: Evm,
    pub(crate) system: System,
    pub(crate) relayers: Vec<SigningKey>,
    pub(crate) deployer: Address,
    pub(crate) guardian: Address,
    /// Not a relayer: shows that anyone may submit a signed batch.
    pub(crate) submitter: Address,
}

impl Fixture {
    /// The devnet deployment (2 of 3, 100 000 TAO/day, 60 s timelock, 1 s + 300 s voting), with
    /// the test-vector relayer keys.
    pub(crate) fn new() -> Self {
        let relayers: Vec<SigningKey> =
            relayer_keys().unwrap().into_iter().map(|(_, key)| key).collect();
        let deployer = actor("deployer");
        let guardian = actor("guardian");
        let config = DeployConfig {
            relayers: relayers.iter().map(signer_address).collect(),
            guardian,
            ..DeployConfig::devnet()
        };
        let mut evm = Evm::new();
        let system = deploy_system(&mut evm, artifacts().unwrap(), deployer, &config).unwrap();
        Self { evm, system, relayers, deployer, guardian, submitter: actor("submitter") }
    }

    pub(crate) fn domain(&self) -> BridgeDomain {
        BridgeDomain::new(self.evm.chain_id(), self.system.bridge)
    }

    /// Signatures of `mints` by the relayers `who` (indices), sorted as `mint` wants them.
    pub(crate) fn sign(&self, mints: &[Mint], who: &[usize]) -> Vec<Bytes> {
        let digest = mint_batch_digest(&self.domain(), mints);
        let signed = who.iter().map(|&i| {
            let key = &self.relayers[i];
            (signer_address(key), sign_digest(key, digest).unwrap())
        });
        sort_signatures(signed).unwrap().into_iter().map(|(_, sig)| Bytes::from(sig)).collect()
    }

    /// Submits `mint(mints, signatures)` from the submitter.
    pub(crate) fn submit(&mut self, mints: &[Mint], signatures: Vec<Bytes>) -> Receipt {
        let call = ITaoBridge::mintCall { batch: mints.to_vec(), signatures };
        self.evm.send(self.submitter, self.system.bridge, &call).unwrap()
    }

    /// Signs by relayers 0 and 1 and submits; panics (with the decoded revert) unless it mints.
    pub(crate) fn mint(&mut self, mints: &[Mint]) -> Receipt {
        let signatures = self.sign(mints, &[0, 1]);
        self.submit(mints, signatures).ensure_success().unwrap()
    }

    pub(crate) fn balance(&mut self, who: Address) -> U256 {
        self.evm.call(self.system.wtao, &WTAO::balanceOfCall { account: who }).unwrap()
    }

    pub(crate) fn total_supply(&mut self) -> U256 {
        self.evm.call(self.system.wtao, &WTAO::totalSupplyCall {}).unwrap()
    }

    /// Sends `call` to the bridge from `from`.
    pub(crate) fn bridge_tx<C: SolCall>(&mut self, from: Address, call: &C) -> Receipt {
        let bridge = self.system.bridge;
        self.evm.send(from, bridge, call).unwrap()
    }
}

/// `count` mints with consecutive nonces from `first`, `amount` each, to `recipient(i)`.
pub(crate) fn batch(
    first: u64,
    count: u64,
    amount: Rao,
    recipient: impl Fn(u64) -> Address,
) -> Vec<Mint> {
    (0..count)
        .map(|i| {
            let nonce = first + i;
            Mint::new(nonce, B256::from(U256::from(nonce + 1)), recipient(i), amount)
        })
        .collect()
}

/// The revert of `receipt` decoded as a TaoBridge error; panics if it succeeded or is another error.
pub(crate) fn bridge_error(receipt: &Receipt) -> ITaoBridge::ITaoBridgeErrors {
    use alloy_sol_types::SolInterface;
    assert!(!receipt.success, "expected a revert, the call succeeded");
    ITaoBridge::ITaoBridgeErrors::abi_decode(&receipt.output).unwrap_or_else(|_| {
        panic!(
            "not a TaoBridge error: {}",
            wtao_contracts::bindings::describe_revert(&receipt.output)
        )
    })
}
