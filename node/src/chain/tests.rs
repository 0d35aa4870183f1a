//! Chain tests: pool admission, nonce ordering, block production, restart from disk.

use parity_scale_codec::Encode;

use super::*;
use crate::primitives::{AccountId32, MultiSignature};
use crate::runtime::extrinsic::{self, Era, Extra, Mode};
use crate::runtime::genesis::TAO;
use crate::runtime::{RuntimeCall, SPEC_VERSION, TX_VERSION, balances, system};

fn alice() -> schnorrkel::Keypair {
    // Not //Alice: a local key endowed through a custom spec.
    schnorrkel::MiniSecretKey::from_bytes(&[1; 32])
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

fn spec(who: AccountId32) -> ChainSpec {
    let mut s = ChainSpec::dev();
    s.genesis.balances.push((who.to_string(), 10 * TAO));
    s
}

fn xt(chain: &Chain, key: &schnorrkel::Keypair, nonce: u32, value: u64) -> Vec<u8> {
    let me = AccountId32(key.public.to_bytes());
    let call = RuntimeCall::Balances(balances::Call::transfer_keep_alive {
        dest: AccountId32([9; 32]).into(),
        value,
    });
    let extra = Extra { era: Era::Immortal, nonce, tip: 0, mode: Mode::Disabled };
    let imp =
        extrinsic::implicit(SPEC_VERSION, TX_VERSION, chain.genesis_hash(), chain.genesis_hash());
    extrinsic::build_signed(&call, me, extra, &imp, |m| {
        MultiSignature::Sr25519(key.sign_simple(b"substrate", m).to_bytes())
    })
}

fn nonce_in_state(chain: &Chain, who: &AccountId32) -> u32 {
    let view = chain.state(None).unwrap().unwrap();
    let mut ext = Ext::new(&view);
    system::ACCOUNT.get(&mut ext, who).nonce
}

#[test]
fn future_nonces_wait_and_blocks_apply_in_order() {
    let key = alice();
    let me = AccountId32(key.public.to_bytes());
    let chain =
        Chain::open(Store::temporary(Some(8)).unwrap(), spec(me), ChainConfig::default()).unwrap();
    let (_, s2) = chain.submit(xt(&chain, &key, 2, TAO)).unwrap();
    assert_eq!(s2, TxStatus::Future);
    assert!(!chain.has_ready());
    let x0 = xt(&chain, &key, 0, TAO);
    let (_, s0) = chain.submit(x0.clone()).unwrap();
    assert_eq!(s0, TxStatus::Ready);
    assert!(chain.has_ready());
    assert_eq!(chain.next_nonce(&me).unwrap(), 1);
    assert_eq!(chain.submit(x0).unwrap_err(), SubmitError::AlreadyImported);
    assert_eq!(
        chain.submit(xt(&chain, &key, 0, 2 * TAO)).unwrap_err(),
        SubmitError::TooLowPriority
    );
    let h1 = chain.produce_block().unwrap();
    assert_eq!(h1.number, 1);
    assert_eq!(nonce_in_state(&chain, &me), 1);
    // Nonce 2 still waits for 1.
    let h2 = chain.produce_block().unwrap();
    assert_eq!(chain.store.block(&h2.hash()).unwrap().unwrap().extrinsics.len(), 0);
    chain.submit(xt(&chain, &key, 1, TAO)).unwrap();
    let h3 = chain.produce_block().unwrap();
    assert_eq!(chain.store.block(&h3.hash()).unwrap().unwrap().extrinsics.len(), 2);
    assert_eq!(nonce_in_state(&chain, &me), 3);
    // Stale is refused at the door.
    let err = chain.submit(xt(&chain, &key, 0, 3 * TAO)).unwrap_err();
    assert_eq!(err.code(), 1010);
    assert_eq!(err.data(), "Transaction is outdated");
    assert_eq!(chain.heads().finalized, 3);
    assert_eq!(h3.parent_hash, h2.hash());
}

#[test]
fn bad_input_is_refused_with_codes() {
    let key = alice();
    let me = AccountId32(key.public.to_bytes());
    let chain =
        Chain::open(Store::temporary(None).unwrap(), spec(me), ChainConfig::default()).unwrap();
    assert_eq!(chain.submit(vec![]).unwrap_err().code(), 1001);
    assert_eq!(chain.submit(vec![0xff; 40]).unwrap_err().code(), 1001);
    let mut bad = xt(&chain, &key, 0, TAO);
    let last = bad.len() - 40;
    bad[last] ^= 1; // inside the signature → bad proof
    let e = chain.submit(bad).unwrap_err();
    assert_eq!((e.code(), e.data().as_str()), (1010, "Transaction has a bad signature"));
}

#[tokio::test]
async fn watchers_see_in_block_then_finalized_with_lag() {
    let key = alice();
    let me = AccountId32(key.public.to_bytes());
    let config = ChainConfig { finality_lag: 1, ..Default::default() };
    let chain = Chain::open(Store::temporary(None).unwrap(), spec(me), config).unwrap();
    let (_, mut rx) = chain.submit_and_watch(xt(&chain, &key, 0, TAO)).unwrap();
    assert_eq!(rx.recv().await, Some(TxStatus::Ready));
    let h1 = chain.produce_block().unwrap();
    assert_eq!(rx.recv().await, Some(TxStatus::InBlock(h1.hash())));
    assert_eq!(chain.heads().finalized, 0);
    chain.produce_block().unwrap();
    assert_eq!(rx.recv().await, Some(TxStatus::Finalized(h1.hash())));
    assert_eq!(rx.recv().await, None);
}

#[test]
fn restart_resumes_at_last_block_with_state() {
    let dir = tempfile::tempdir().unwrap();
    let key = alice();
    let me = AccountId32(key.public.to_bytes());
    let hash = {
        let chain = Chain::open(
            Store::open(dir.path(), Some(4)).unwrap(),
            spec(me),
            ChainConfig::default(),
        )
        .unwrap();
        chain.submit(xt(&chain, &key, 0, TAO)).unwrap();
        chain.produce_block().unwrap();
        chain.produce_block().unwrap().hash()
    };
    let chain =
        Chain::open(Store::open(dir.path(), Some(4)).unwrap(), spec(me), ChainConfig::default())
            .unwrap();
    assert_eq!(chain.heads().best_hash, hash);
    assert_eq!(nonce_in_state(&chain, &me), 1);
    // A different spec is refused for this data dir.
    drop(chain);
    let err = Chain::open(
        Store::open(dir.path(), Some(4)).unwrap(),
        ChainSpec::dev(),
        ChainConfig::default(),
    );
    assert!(matches!(err, Err(ChainError::Store(StoreError::WrongChain { .. }))));
    let _ = Encode::encode(&0u8);
}
