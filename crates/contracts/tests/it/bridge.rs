//! TaoBridge + WTAO in revm: deployment wiring, signed mints (1 and 100), burn, forged
//! signatures, pause. Gas is printed (`cargo test -p wtao-contracts -- --nocapture`) for the
//! README.

use alloy_primitives::{Address, B256, Bytes, U256};
use wtao_bridge_types::{
    Burned, RAO_PER_TAO, Rao, SigningKey, mint_batch_digest, recover_signer, sign_digest,
    signer_address,
};
use wtao_contracts::bindings::{
    ITaoBridge, ITaoBridge::ITaoBridgeErrors as E, TimelockController, WTAO, WTAOGovernor,
};

use crate::fixture::{Fixture, actor, batch, bridge_error};

/// ERC-1967 implementation slot: `keccak256("eip1967.proxy.implementation") - 1`.
pub(crate) const IMPLEMENTATION_SLOT: B256 =
    alloy_primitives::b256!("0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");

fn tao(n: u64) -> Rao {
    Rao(n * RAO_PER_TAO)
}

#[test]
fn deploy_system_wires_everything() {
    let mut f = Fixture::new();
    let s = f.system.clone();
    eprintln!("deployment gas (total {}):", s.total_gas());
    for (step, gas) in &s.gas {
        eprintln!("  {step:<28} {gas:>9}");
    }

    let evm = &mut f.evm;
    assert_eq!(evm.call(s.wtao, &WTAO::bridgeCall {}).unwrap(), s.bridge);
    assert_eq!(evm.call(s.wtao, &WTAO::decimalsCall {}).unwrap(), 9);
    assert_eq!(evm.call(s.bridge, &ITaoBridge::wtaoCall {}).unwrap(), s.wtao);
    assert_eq!(evm.call(s.bridge, &ITaoBridge::timelockCall {}).unwrap(), s.timelock);
    assert_eq!(evm.call(s.bridge, &ITaoBridge::guardianCall {}).unwrap(), f.guardian);
    assert_eq!(evm.call(s.bridge, &ITaoBridge::thresholdCall {}).unwrap(), U256::from(2));
    let mut relayers: Vec<Address> = f.relayers.iter().map(signer_address).collect();
    relayers.sort();
    assert_eq!(evm.call(s.bridge, &ITaoBridge::relayersCall {}).unwrap(), relayers);
    assert_eq!(
        evm.storage(s.bridge, IMPLEMENTATION_SLOT),
        s.implementation.into_word(),
        "the proxy points at the implementation"
    );

    let proposer = evm.call(s.timelock, &TimelockController::PROPOSER_ROLECall {}).unwrap();
    let canceller = evm.call(s.timelock, &TimelockController::CANCELLER_ROLECall {}).unwrap();
    let executor = evm.call(s.timelock, &TimelockController::EXECUTOR_ROLECall {}).unwrap();
    let admin = evm.call(s.timelock, &TimelockController::DEFAULT_ADMIN_ROLECall {}).unwrap();
    let has = |evm: &mut wtao_contracts::Evm, role, account| {
        evm.call(s.timelock, &TimelockController::hasRoleCall { role, account }).unwrap()
    };
    assert!(has(evm, proposer, s.governor));
    assert!(has(evm, canceller, s.governor));
    assert!(has(evm, executor, Address::ZERO), "anyone may execute");
    assert!(!has(evm, admin, f.deployer), "the deployer renounced the admin role");
    assert!(!has(evm, proposer, f.deployer));
    assert_eq!(evm.call(s.governor, &WTAOGovernor::tokenCall {}).unwrap(), s.wtao);
    assert_eq!(evm.call(s.governor, &WTAOGovernor::timelockCall {}).unwrap(), s.timelock);
}

#[test]
fn mint_batch_of_one() {
    let mut f = Fixture::new();
    let alice = actor("alice");
    let mints = batch(0, 1, Rao(1_500_000_000), |_| alice);
    let receipt = f.mint(&mints);
    eprintln!("mint, batch of 1, 2-of-3, first mint of the deployment: {} gas", receipt.gas_used);

    let digest = mint_batch_digest(&f.domain(), &mints);
    let minted = receipt.events::<ITaoBridge::BatchMinted>().unwrap();
    assert_eq!(minted.len(), 1);
    let (emitter, event) = &minted[0];
    assert_eq!(*emitter, f.system.bridge);
    assert_eq!(event.digest, digest, "the contract hashed the batch as bridge-types does");
    assert_eq!((event.firstNonce, event.lastNonce, event.count), (0, 0, U256::from(1)));
    assert_eq!(event.total, U256::from(1_500_000_000u64));
    let transfers = receipt.events::<WTAO::Transfer>().unwrap();
    assert_eq!(transfers.len(), 1);
    assert_eq!((transfers[0].1.from, transfers[0].1.to), (Address::ZERO, alice));

    assert_eq!(f.balance(alice), U256::from(1_500_000_000u64));
    assert_eq!(f.total_supply(), U256::from(1_500_000_000u64));
    let bridge = f.system.bridge;
    assert!(f.evm.call(bridge, &ITaoBridge::isNonceUsedCall { nonce: 0 }).unwrap());
    assert!(!f.evm.call(bridge, &ITaoBridge::isNonceUsedCall { nonce: 1 }).unwrap());

    // Steady state: the nonce word and the supply checkpoint exist, a minute has passed.
    f.evm.advance(5, 12);
    let fresh = f.mint(&batch(1, 1, Rao(1_500_000_000), |_| actor("bob")));
    f.evm.advance(5, 12);
    let existing = f.mint(&batch(2, 1, Rao(1_500_000_000), |_| alice));
    eprintln!("mint, batch of 1, 2-of-3, new holder: {} gas", fresh.gas_used);
    eprintln!("mint, batch of 1, 2-of-3, existing holder: {} gas", existing.gas_used);
    assert_eq!(f.balance(alice), U256::from(3_000_000_000u64));
}

#[test]
fn mint_batch_of_hundred() {
    let mut f = Fixture::new();
    let recipient = |i: u64| actor(&format!("holder-{i}"));

    // First batch: 100 new holders (each balance slot written from zero).
    let first = batch(0, 100, tao(1), recipient);
    let fresh = f.mint(&first);
    // Second batch: the same 100 holders again (balance slots already non-zero).
    let second = batch(100, 100, tao(2), recipient);
    let existing = f.mint(&second);
    eprintln!(
        "mint, batch of 100 new holders: {} gas, {} per transfer",
        fresh.gas_used,
        fresh.gas_used / 100
    );
    eprintln!(
        "mint, batch of 100 existing holders: {} gas, {} per transfer",
        existing.gas_used,
        existing.gas_used / 100
    );

    assert_eq!(existing.events::<WTAO::Transfer>().unwrap().len(), 100);
    let (_, event) = &existing.events::<ITaoBridge::BatchMinted>().unwrap()[0];
    assert_eq!((event.firstNonce, event.lastNonce, event.count), (100, 199, U256::from(100)));
    assert_eq!(event.digest, mint_batch_digest(&f.domain(), &second));
    for i in [0, 57, 99] {
        assert_eq!(f.balance(recipient(i)), U256::from(tao(3).0));
    }
    assert_eq!(f.total_supply(), U256::from(tao(300).0));
    let bridge = f.system.bridge;
    for nonce in [0, 99, 100, 199] {
        assert!(f.evm.call(bridge, &ITaoBridge::isNonceUsedCall { nonce }).unwrap());
    }
    let limit = wtao_contracts::DeployConfig::devnet().mint_limit.capacity;
    assert_eq!(
        f.evm.call(bridge, &ITaoBridge::availableMintCall {}).unwrap(),
        U256::from(limit - tao(300).0),
        "the mint bucket paid for both batches (no time passed)"
    );
}

#[test]
fn burn() {
    let mut f = Fixture::new();
    let alice = actor("alice");
    let tao_recipient = B256::repeat_byte(0xa1);
    f.mint(&batch(0, 1, tao(2), |_| alice));

    let call =
        ITaoBridge::burnCall { amount: U256::from(500_000_000u64), taoRecipient: tao_recipient };
    let receipt = f.bridge_tx(alice, &call).ensure_success().unwrap();
    eprintln!("burn: {} gas", receipt.gas_used);

    // The relayer decodes the event with bridge-types' `Burned`: it must match the contract's.
    let burned = receipt.events::<Burned>().unwrap();
    assert_eq!(burned.len(), 1);
    let (emitter, event) = &burned[0];
    assert_eq!(*emitter, f.system.bridge);
    assert_eq!(
        (event.nonce, event.from, event.taoRecipient, event.amount),
        (0, alice, tao_recipient, U256::from(500_000_000u64))
    );
    assert_eq!(f.balance(alice), U256::from(1_500_000_000u64));
    assert_eq!(f.total_supply(), U256::from(1_500_000_000u64));

    // Nonces count up; a burn above the balance reverts in the token.
    let again = f.bridge_tx(alice, &call).ensure_success().unwrap();
    assert_eq!(again.events::<Burned>().unwrap()[0].1.nonce, 1);
    let bridge = f.system.bridge;
    assert_eq!(f.evm.call(bridge, &ITaoBridge::nextBurnNonceCall {}).unwrap(), 2);
    let too_much =
        ITaoBridge::burnCall { amount: U256::from(tao(2).0), taoRecipient: tao_recipient };
    let failed = f.bridge_tx(alice, &too_much);
    assert!(!failed.success);
    assert!(matches!(
        alloy_sol_types::SolInterface::abi_decode(&failed.output),
        Ok(WTAO::WTAOErrors::ERC20InsufficientBalance(_))
    ));
}

#[test]
fn forged_signatures_are_rejected_with_the_exact_error() {
    let mut f = Fixture::new();
    let alice = actor("alice");
    let mints = batch(0, 1, tao(1), |_| alice);
    let digest = mint_batch_digest(&f.domain(), &mints);
    let good = f.sign(&mints, &[0, 1]);
    let sig = |key: &SigningKey, d: B256| Bytes::from(sign_digest(key, d).unwrap());

    // A key outside the relayer set, beside a genuine relayer.
    let outsider = SigningKey::from_slice(&[7u8; 32]).unwrap();
    let mut pairs = vec![
        (signer_address(&f.relayers[0]), sig(&f.relayers[0], digest)),
        (signer_address(&outsider), sig(&outsider, digest)),
    ];
    pairs.sort();
    let r = f.submit(&mints, pairs.into_iter().map(|(_, s)| s).collect());
    assert_eq!(
        bridge_error(&r),
        E::TaoBridgeInvalidSigner(ITaoBridge::TaoBridgeInvalidSigner {
            signer: signer_address(&outsider)
        })
    );

    // Genuine relayers, but signing another chain's domain: recovers to an unrelated address.
    let other_chain = wtao_bridge_types::BridgeDomain::new(1, f.system.bridge);
    let foreign = mint_batch_digest(&other_chain, &mints);
    let mut pairs: Vec<(Address, Bytes)> = f.relayers[..2]
        .iter()
        .map(|k| {
            let s = sig(k, foreign);
            (recover_signer(digest, &s).unwrap(), s)
        })
        .collect();
    pairs.sort();
    let first = pairs[0].0;
    let r = f.submit(&mints, pairs.into_iter().map(|(_, s)| s).collect());
    assert_eq!(
        bridge_error(&r),
        E::TaoBridgeInvalidSigner(ITaoBridge::TaoBridgeInvalidSigner { signer: first })
    );

    // Valid signatures of a batch whose amount was changed afterwards: same story.
    let tampered = batch(0, 1, tao(1000), |_| alice);
    let r = f.submit(&tampered, good.clone());
    assert!(matches!(bridge_error(&r), E::TaoBridgeInvalidSigner(_)));

    // One relayer twice (also: out of order).
    let a0 = recover_signer(digest, &good[0]).unwrap();
    let r = f.submit(&mints, vec![good[0].clone(), good[0].clone()]);
    assert_eq!(
        bridge_error(&r),
        E::TaoBridgeSignersNotSorted(ITaoBridge::TaoBridgeSignersNotSorted {
            previous: a0,
            next: a0
        })
    );
    let a1 = recover_signer(digest, &good[1]).unwrap();
    let r = f.submit(&mints, vec![good[1].clone(), good[0].clone()]);
    assert_eq!(
        bridge_error(&r),
        E::TaoBridgeSignersNotSorted(ITaoBridge::TaoBridgeSignersNotSorted {
            previous: a1,
            next: a0
        })
    );

    // The malleable twin of a genuine signature (s -> n - s, v flipped).
    let n = U256::from_str_radix(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
        16,
    )
    .unwrap();
    let mut high = good[1].to_vec();
    let s = U256::from_be_slice(&high[32..64]);
    high[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
    high[64] = if high[64] == 27 { 28 } else { 27 };
    let r = f.submit(&mints, vec![good[0].clone(), high.into()]);
    assert_eq!(
        bridge_error(&r),
        E::TaoBridgeInvalidSignature(ITaoBridge::TaoBridgeInvalidSignature {
            index: U256::from(1)
        })
    );

    // 64 bytes instead of 65.
    let r = f.submit(&mints, vec![good[0].slice(..64), good[1].clone()]);
    assert_eq!(
        bridge_error(&r),
        E::TaoBridgeInvalidSignature(ITaoBridge::TaoBridgeInvalidSignature { index: U256::ZERO })
    );

    // Below the threshold.
    let r = f.submit(&mints, vec![good[0].clone()]);
    assert_eq!(
        bridge_error(&r),
        E::TaoBridgeThresholdNotMet(ITaoBridge::TaoBridgeThresholdNotMet {
            signatures: U256::from(1),
            threshold: U256::from(2)
        })
    );

    // Nothing was minted by any of that; the genuine batch then mints once, and only once.
    assert_eq!(f.total_supply(), U256::ZERO);
    f.submit(&mints, good.clone()).ensure_success().unwrap();
    let r = f.submit(&mints, good);
    assert_eq!(
        bridge_error(&r),
        E::TaoBridgeNonceUsed(ITaoBridge::TaoBridgeNonceUsed { nonce: 0 })
    );
    assert_eq!(f.total_supply(), U256::from(tao(1).0));
}

#[test]
fn pause_blocks_mint_and_burn_until_governance_unpauses() {
    let mut f = Fixture::new();
    let alice = actor("alice");
    f.mint(&batch(0, 1, tao(2), |_| alice));
    let timelock = f.system.timelock;
    let outsider = actor("outsider");
    let unauthorized =
        |who| E::TaoBridgeUnauthorized(ITaoBridge::TaoBridgeUnauthorized { caller: who });

    assert_eq!(
        bridge_error(&f.bridge_tx(outsider, &ITaoBridge::pauseCall {})),
        unauthorized(outsider)
    );
    let paused = f.bridge_tx(f.guardian, &ITaoBridge::pauseCall {}).ensure_success().unwrap();
    eprintln!("pause (guardian): {} gas", paused.gas_used);
    assert!(f.evm.call(f.system.bridge, &ITaoBridge::pausedCall {}).unwrap());

    let next = batch(1, 1, tao(1), |_| alice);
    let sigs = f.sign(&next, &[0, 2]);
    let r = f.submit(&next, sigs.clone());
    assert_eq!(bridge_error(&r), E::TaoBridgePaused(ITaoBridge::TaoBridgePaused {}));
    let burn =
        ITaoBridge::burnCall { amount: U256::from(1u64), taoRecipient: B256::repeat_byte(1) };
    assert_eq!(
        bridge_error(&f.bridge_tx(alice, &burn)),
        E::TaoBridgePaused(ITaoBridge::TaoBridgePaused {})
    );

    // The guardian may pause, never unpause; only the timelock (governance) may.
    assert_eq!(
        bridge_error(&f.bridge_tx(f.guardian, &ITaoBridge::unpauseCall {})),
        unauthorized(f.guardian)
    );
    let unpaused = f.bridge_tx(timelock, &ITaoBridge::unpauseCall {}).ensure_success().unwrap();
    eprintln!("unpause (timelock): {} gas", unpaused.gas_used);
    f.submit(&next, sigs).ensure_success().unwrap();
    f.bridge_tx(alice, &burn).ensure_success().unwrap();
    assert_eq!(f.total_supply(), U256::from(tao(3).0 - 1));
}
