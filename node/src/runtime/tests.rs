//! Unit tests of the runtime modules, driving them through `Runtime::apply_extrinsic` with real
//! signed extrinsics (sr25519, as clients sign them).

use std::collections::BTreeMap;

use parity_scale_codec::{Decode, Encode};

use super::extrinsic::{self, Era, Extra, Mode, UncheckedExtrinsic};
use super::genesis::{BridgeSpec, ChainSpec, GenesisSpec, RelayerSpec, TAO};
use super::*;
use crate::primitives::{AccountId32, Balance, BlockNumber, H160, H256, MultiSignature};
use crate::{DispatchError, ModuleError};

pub(crate) struct Key(schnorrkel::Keypair);

impl Key {
    pub(crate) fn new(seed: u8) -> Self {
        let mini = schnorrkel::MiniSecretKey::from_bytes(&[seed; 32]).unwrap();
        Self(mini.expand_to_keypair(schnorrkel::ExpansionMode::Ed25519))
    }
    pub(crate) fn id(&self) -> AccountId32 {
        AccountId32(self.0.public.to_bytes())
    }
    fn sign(&self, msg: &[u8]) -> MultiSignature {
        MultiSignature::Sr25519(self.0.sign_simple(b"substrate", msg).to_bytes())
    }
}

/// The secp256k1 key of relayer number `n` (1-based) in test chains.
fn eth_key(n: u8) -> wtao_bridge_types::SigningKey {
    wtao_bridge_types::SigningKey::from_slice(&[n; 32]).unwrap()
}

fn eth_address(k: &wtao_bridge_types::SigningKey) -> wtao_bridge_types::Address {
    wtao_bridge_types::signer_address(k)
}

struct Chain {
    state: BTreeMap<Vec<u8>, Vec<u8>>,
    rt: Runtime,
    number: BlockNumber,
    hashes: BTreeMap<BlockNumber, H256>,
}

const GENESIS: H256 = H256([0x42; 32]);

impl Chain {
    fn new(keys: &[&Key], sudo: &Key, relayers: &[&Key], threshold: u32) -> Self {
        let spec = ChainSpec {
            name: "t".into(),
            id: "t".into(),
            chain_type: "Development".into(),
            properties: serde_json::json!({}),
            genesis: GenesisSpec {
                balances: keys.iter().map(|k| (k.id().to_string(), 100 * TAO)).collect(),
                sudo: Some(sudo.id().to_string()),
                bridge: BridgeSpec {
                    relayers: relayers
                        .iter()
                        .enumerate()
                        .map(|(i, k)| RelayerSpec {
                            account: k.id().to_string(),
                            eth_address: format!("{}", eth_address(&eth_key(i as u8 + 1))),
                        })
                        .collect(),
                    threshold,
                    ..Default::default()
                },
                ..Default::default()
            },
        };
        let state = spec.build_state().unwrap();
        let mut hashes = BTreeMap::new();
        hashes.insert(0, GENESIS);
        Self { state, rt: Runtime { genesis_hash: GENESIS }, number: 0, hashes }
    }

    fn ctx(&self) -> BlockContext {
        BlockContext {
            number: self.number + 1,
            parent_hash: self.hashes[&self.number],
            timestamp_ms: 0,
        }
    }

    /// Apply `xts` as the next block; commit it; return per-xt results and the block's events.
    fn block(&mut self, xts: &[Vec<u8>]) -> (Vec<Result<ApplyOutcome, TxError>>, Vec<EventRecord>) {
        let ctx = self.ctx();
        let mut ext = Ext::new(&self.state);
        self.rt.initialize_block(&mut ext, &ctx);
        let mut results = vec![];
        let mut idx = 0;
        for xt in xts {
            let r = self.rt.apply_extrinsic(&mut ext, xt, idx);
            if r.is_ok() {
                idx += 1;
            }
            results.push(r);
        }
        self.rt.finalize_block(&mut ext);
        let events = ext.events().to_vec();
        assert!(ext.overlay.fatal().is_none());
        for (k, v) in ext.overlay.into_changes() {
            match v {
                Some(v) => self.state.insert(k, v),
                None => self.state.remove(&k),
            };
        }
        self.number += 1;
        self.hashes.insert(self.number, H256([self.number as u8; 32]));
        (results, events)
    }

    fn account(&self, who: &AccountId32) -> system::AccountInfo {
        self.state
            .get(&system::ACCOUNT.key(who))
            .map(|v| Decode::decode(&mut &v[..]).unwrap())
            .unwrap_or_default()
    }

    fn read<V: Decode>(&self, key: Vec<u8>) -> Option<V> {
        self.state.get(&key).map(|v| V::decode(&mut &v[..]).unwrap())
    }

    fn sign_with(
        &self,
        key: &Key,
        call: RuntimeCall,
        nonce: u32,
        era: Era,
        birth: H256,
    ) -> Vec<u8> {
        let extra = Extra { era, nonce, tip: 0, mode: Mode::Disabled };
        let imp = extrinsic::implicit(SPEC_VERSION, TX_VERSION, GENESIS, birth);
        extrinsic::build_signed(&call, key.id(), extra, &imp, |m| key.sign(m))
    }

    fn xt(&self, key: &Key, call: RuntimeCall) -> Vec<u8> {
        let nonce = self.account(&key.id()).nonce;
        self.sign_with(key, call, nonce, Era::Immortal, GENESIS)
    }
}

fn transfer(dest: &Key, value: Balance, keep_alive: bool) -> RuntimeCall {
    let dest = dest.id().into();
    RuntimeCall::Balances(if keep_alive {
        balances::Call::transfer_keep_alive { dest, value }
    } else {
        balances::Call::transfer_allow_death { dest, value }
    })
}

fn module_err(index: u8, e: u8) -> DispatchError {
    DispatchError::Module(ModuleError { index, error: [e, 0, 0, 0] })
}

fn failed(events: &[EventRecord]) -> Vec<DispatchError> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            RuntimeEvent::System(system::Event::ExtrinsicFailed { dispatch_error, .. }) => {
                Some(*dispatch_error)
            }
            _ => None,
        })
        .collect()
}

fn fee_of(xt: &[u8]) -> Balance {
    let x = UncheckedExtrinsic::decode_opaque(xt).unwrap();
    payment::compute_fee(xt.len() as u32, &x.call.info(), 0).unwrap()
}

#[test]
fn transfer_moves_funds_charges_fee_and_bumps_nonce() {
    let (a, b) = (Key::new(1), Key::new(2));
    let mut c = Chain::new(&[&a, &b], &a, &[], 0);
    let issuance: Balance = c.read(balances::TOTAL_ISSUANCE.key()).unwrap();
    let xt = c.xt(&a, transfer(&b, 5 * TAO, true));
    let fee = fee_of(&xt);
    let (r, events) = c.block(std::slice::from_ref(&xt));
    assert_eq!(r[0].as_ref().unwrap().result, Ok(()));
    assert_eq!(c.account(&a.id()).data.free, 95 * TAO - fee);
    assert_eq!(c.account(&a.id()).nonce, 1);
    assert_eq!(c.account(&b.id()).data.free, 105 * TAO);
    assert_eq!(c.read::<Balance>(balances::TOTAL_ISSUANCE.key()), Some(issuance - fee));
    let stored: Vec<EventRecord> = c.read(system::EVENTS.key()).unwrap();
    assert_eq!(stored, events);
    assert!(events.iter().any(|e| e.event
        == RuntimeEvent::TransactionPayment(payment::Event::TransactionFeePaid {
            who: a.id(),
            actual_fee: fee,
            tip: 0
        })));
    assert!(events.iter().any(|e| e.phase == Phase::ApplyExtrinsic(0)
        && matches!(e.event, RuntimeEvent::System(system::Event::ExtrinsicSuccess { .. }))));
    assert!(events.iter().any(|e| e.event
        == RuntimeEvent::Balances(balances::Event::Transfer {
            from: a.id(),
            to: b.id(),
            amount: 5 * TAO
        })));
}

#[test]
fn existential_deposit_and_keep_alive_errors_are_module_errors() {
    let (a, fresh) = (Key::new(1), Key::new(9));
    let mut c = Chain::new(&[&a], &a, &[], 0);
    // Below ED to a new account: Balances::ExistentialDeposit (index 3), fee still charged.
    let xt = c.xt(&a, transfer(&fresh, 100, false));
    let fee = fee_of(&xt);
    let (r, events) = c.block(&[xt]);
    assert_eq!(r[0].as_ref().unwrap().result, Err(module_err(5, 3)));
    assert_eq!(failed(&events), vec![module_err(5, 3)]);
    assert_eq!(c.account(&a.id()).data.free, 100 * TAO - fee);
    assert_eq!(c.account(&a.id()).nonce, 1);
    assert_eq!(c.account(&fresh.id()).providers, 0);
    // More than the balance: InsufficientBalance (2).
    let (_, events) = c.block(&[c.xt(&a, transfer(&fresh, 1_000 * TAO, false))]);
    assert_eq!(failed(&events), vec![module_err(5, 2)]);
    // keep-alive leaving dust: Expendability (4).
    let free = c.account(&a.id()).data.free;
    let fee = fee_of(&c.xt(&a, transfer(&fresh, free - 1_000_000, true)));
    let all_but_dust = free - fee - 10;
    let (_, events) = c.block(&[c.xt(&a, transfer(&fresh, all_but_dust, true))]);
    assert_eq!(failed(&events), vec![module_err(5, 4)]);
}

#[test]
fn allow_death_reaps_sender_and_burns_dust() {
    let (a, b) = (Key::new(1), Key::new(2));
    let mut c = Chain::new(&[&a, &b], &a, &[], 0);
    let fee = fee_of(&c.xt(&a, transfer(&b, 99 * TAO, false)));
    let send = 100 * TAO - fee - 10; // leaves 10 rao of dust
    let issuance: Balance = c.read(balances::TOTAL_ISSUANCE.key()).unwrap();
    let (r, events) = c.block(&[c.xt(&a, transfer(&b, send, false))]);
    assert_eq!(r[0].as_ref().unwrap().result, Ok(()));
    assert_eq!(c.account(&a.id()), Default::default());
    assert!(events.iter().any(|e| e.event
        == RuntimeEvent::Balances(balances::Event::DustLost { account: a.id(), amount: 10 })));
    assert_eq!(c.read::<Balance>(balances::TOTAL_ISSUANCE.key()), Some(issuance - fee - 10));
}

#[test]
fn validity_errors() {
    let (a, b, poor) = (Key::new(1), Key::new(2), Key::new(3));
    let mut c = Chain::new(&[&a], &a, &[], 0);
    // Bad signature: signed by b for a's account.
    let call = transfer(&b, TAO, true);
    let extra = Extra { era: Era::Immortal, nonce: 0, tip: 0, mode: Mode::Disabled };
    let imp = extrinsic::implicit(SPEC_VERSION, TX_VERSION, GENESIS, GENESIS);
    let forged = extrinsic::build_signed(&call, a.id(), extra, &imp, |m| b.sign(m));
    // Wrong genesis in the payload also breaks the signature.
    let wrong_chain = extrinsic::build_signed(
        &call,
        a.id(),
        extra,
        &extrinsic::implicit(SPEC_VERSION, TX_VERSION, H256([1; 32]), H256([1; 32])),
        |m| a.sign(m),
    );
    let future = c.sign_with(&a, call.clone(), 5, Era::Immortal, GENESIS);
    let broke = c.xt(&poor, call.clone());
    let unsigned = with_prefix(&[&[extrinsic::UNSIGNED_V4][..], &call.encode()].concat());
    let ok = c.xt(&a, call.clone());
    let (r, _) = c.block(&[forged, wrong_chain, future.clone(), broke, unsigned, ok.clone()]);
    let inv = |e| Err(TxError::from(e));
    assert_eq!(r[0].clone().map(|o| o.result), inv(InvalidTransaction::BadProof));
    assert_eq!(r[1].clone().map(|o| o.result), inv(InvalidTransaction::BadProof));
    assert_eq!(r[2].clone().map(|o| o.result), inv(InvalidTransaction::Future));
    assert_eq!(r[3].clone().map(|o| o.result), inv(InvalidTransaction::Payment));
    assert_eq!(
        r[4].clone().map(|o| o.result),
        Err(TxError::from(UnknownTransaction::NoUnsignedValidator))
    );
    assert_eq!(r[5].clone().map(|o| o.result), Ok(Ok(())));
    // Replay: stale.
    let (r, _) = c.block(&[ok]);
    assert_eq!(r[0].clone().map(|o| o.result), inv(InvalidTransaction::Stale));
    // The pool admits a future nonce.
    let mut ext = Ext::new(&c.state);
    c.rt.initialize_block(&mut ext, &c.ctx());
    let v = c.rt.validate(&mut ext, &future, true).unwrap();
    assert_eq!((v.nonce, v.account_nonce), (5, 1));
}

fn with_prefix(b: &[u8]) -> Vec<u8> {
    crate::primitives::with_length_prefix(b)
}

#[test]
fn mortal_era_uses_birth_block_hash() {
    let (a, b) = (Key::new(1), Key::new(2));
    let mut c = Chain::new(&[&a, &b], &a, &[], 0);
    c.block(&[]);
    c.block(&[]); // best = 2
    let era = Era::mortal(32, 2);
    let good = c.sign_with(&a, transfer(&b, TAO, true), 0, era, c.hashes[&2]);
    let bad = c.sign_with(&a, transfer(&b, TAO, true), 0, era, c.hashes[&1]);
    let (r, _) = c.block(&[bad, good]);
    assert_eq!(r[0].clone().map(|o| o.result), Err(InvalidTransaction::BadProof.into()));
    assert_eq!(r[1].clone().map(|o| o.result), Ok(Ok(())));
}

#[test]
fn sudo_requires_key_and_dispatches_as_root() {
    let (a, b) = (Key::new(1), Key::new(2));
    let mut c = Chain::new(&[&a, &b], &a, &[], 0);
    let set = RuntimeCall::Balances(balances::Call::force_set_balance {
        who: b.id().into(),
        new_free: 7 * TAO,
    });
    let wrapped = RuntimeCall::Sudo(sudo::Call::sudo { call: Box::new(set.clone()) });
    // Not the key: RequireSudo (Sudo index 12, error 0).
    let (_, events) = c.block(&[c.xt(&b, wrapped.clone())]);
    assert_eq!(failed(&events), vec![module_err(12, 0)]);
    // Calling a root call directly: BadOrigin.
    let (_, events) = c.block(&[c.xt(&a, set)]);
    assert_eq!(failed(&events), vec![DispatchError::BadOrigin]);
    let (_, events) = c.block(&[c.xt(&a, wrapped)]);
    assert!(failed(&events).is_empty());
    assert!(
        events
            .iter()
            .any(|e| e.event == RuntimeEvent::Sudo(sudo::Event::Sudid { sudo_result: Ok(()) }))
    );
    assert_eq!(c.account(&b.id()).data.free, 7 * TAO);
    // Inner failure is reported in Sudid; the outer call succeeds.
    let inner = RuntimeCall::Bridge(bridge::Call::set_relayers { relayers: vec![], threshold: 1 });
    let (_, events) =
        c.block(&[c.xt(&a, RuntimeCall::Sudo(sudo::Call::sudo { call: Box::new(inner) }))]);
    assert!(failed(&events).is_empty());
    assert!(events.iter().any(|e| e.event
        == RuntimeEvent::Sudo(sudo::Event::Sudid { sudo_result: Err(module_err(40, 7)) })));
}

fn bridge_events(events: &[EventRecord]) -> Vec<bridge::Event> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            RuntimeEvent::Bridge(b) => Some(b.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn lock_moves_funds_to_custody_with_increasing_nonces() {
    let (a, b) = (Key::new(1), Key::new(2));
    let mut c = Chain::new(&[&a, &b], &a, &[], 0);
    let to = H160([7; 20]);
    let lock = |amount| RuntimeCall::Bridge(bridge::Call::lock { amount, eth_recipient: to });
    let xa = c.xt(&a, lock(3 * TAO));
    let xb = c.xt(&b, lock(2 * TAO));
    let (_, events) = c.block(&[xa, xb]);
    assert_eq!(
        bridge_events(&events),
        vec![
            bridge::Event::Locked { nonce: 0, from: a.id(), eth_recipient: to, amount: 3 * TAO },
            bridge::Event::Locked { nonce: 1, from: b.id(), eth_recipient: to, amount: 2 * TAO },
        ]
    );
    let custody = bridge::custody_account();
    assert_eq!(c.account(&custody).data.free, 5 * TAO + balances::EXISTENTIAL_DEPOSIT);
    let batch: Vec<bridge::LockRecord> = c.read(bridge::LOCKS_BY_BLOCK.key(&1)).unwrap();
    assert_eq!(batch.iter().map(|l| l.nonce).collect::<Vec<_>>(), vec![0, 1]);
    let (_, events) = c.block(&[c.xt(&a, lock(0))]);
    assert_eq!(failed(&events), vec![module_err(40, 0)]);
    let (_, events) = c.block(&[c.xt(&a, lock(TAO))]);
    assert!(matches!(bridge_events(&events)[..], [bridge::Event::Locked { nonce: 2, .. }]));
}

#[test]
fn a_block_takes_at_most_max_locks_the_rest_wait() {
    let a = Key::new(1);
    let mut c = Chain::new(&[&a], &a, &[], 0);
    let to = H160([9; 20]);
    let max = bridge::MAX_LOCKS_PER_BLOCK;
    let xts: Vec<Vec<u8>> = (0..=max)
        .map(|n| {
            let call = RuntimeCall::Bridge(bridge::Call::lock { amount: 1_000, eth_recipient: to });
            c.sign_with(&a, call, n as u32, Era::Immortal, GENESIS)
        })
        .collect();
    let (results, _) = c.block(&xts);
    assert!(results[..max].iter().all(Result::is_ok));
    assert!(matches!(
        results[max],
        Err(TxError::Validity(TransactionValidityError::Invalid(
            InvalidTransaction::ExhaustsResources
        )))
    ));
    // Not failed, not charged: the same extrinsic goes into the next block.
    assert_eq!(c.account(&a.id()).nonce, max as u32);
    let (results, events) = c.block(&xts[max..]);
    assert!(results[0].is_ok());
    assert!(
        matches!(bridge_events(&events)[..], [bridge::Event::Locked { nonce, .. }] if nonce == max as u64)
    );
}

#[test]
fn approve_release_m_of_n_conflict_and_replay() {
    let (r1, r2, r3, user, outsider) =
        (Key::new(1), Key::new(2), Key::new(3), Key::new(4), Key::new(5));
    let mut c = Chain::new(&[&r1, &r2, &r3, &user, &outsider], &r1, &[&r1, &r2, &r3], 2);
    // Fund custody.
    let (_, ev) = c.block(&[c.xt(
        &user,
        RuntimeCall::Bridge(bridge::Call::lock { amount: 50 * TAO, eth_recipient: H160([1; 20]) }),
    )]);
    assert!(failed(&ev).is_empty());
    let approve = |nonce, amount| {
        RuntimeCall::Bridge(bridge::Call::approve_release {
            eth_chain_id: 1,
            burn_nonce: nonce,
            recipient: outsider.id(),
            amount,
        })
    };
    let before = c.account(&outsider.id()).data.free;
    // Outsider is not a relayer.
    let (_, ev) = c.block(&[c.xt(&outsider, approve(0, TAO))]);
    assert_eq!(failed(&ev), vec![module_err(40, 1)]);
    let before = before - fee_of(&c.xt(&outsider, approve(0, TAO)));
    // 1 of 2: pending.
    let (_, ev) = c.block(&[c.xt(&r1, approve(0, TAO))]);
    assert!(matches!(
        bridge_events(&ev)[..],
        [bridge::Event::ReleaseApproved { approvals: 1, .. }]
    ));
    // Same relayer again: AlreadyApproved.
    let (_, ev) = c.block(&[c.xt(&r1, approve(0, TAO))]);
    assert_eq!(failed(&ev), vec![module_err(40, 2)]);
    // 2 of 2: released.
    let (_, ev) = c.block(&[c.xt(&r2, approve(0, TAO))]);
    assert!(bridge_events(&ev).contains(&bridge::Event::Released {
        eth_chain_id: 1,
        burn_nonce: 0,
        recipient: outsider.id(),
        amount: TAO
    }));
    assert_eq!(c.account(&outsider.id()).data.free, before + TAO);
    // Replay after release: AlreadyReleased.
    let (_, ev) = c.block(&[c.xt(&r3, approve(0, TAO))]);
    assert_eq!(failed(&ev), vec![module_err(40, 3)]);
    // Conflict on nonce 1: r1 says 1 TAO, r2 says 2 TAO → blocked, r3 can't push it through.
    c.block(&[c.xt(&r1, approve(1, TAO))]);
    let (_, ev) = c.block(&[c.xt(&r2, approve(1, 2 * TAO))]);
    assert!(matches!(bridge_events(&ev)[..], [bridge::Event::ReleaseConflict { .. }]));
    let (_, ev) = c.block(&[c.xt(&r3, approve(1, TAO))]);
    assert_eq!(failed(&ev), vec![module_err(40, 4)]);
    // Sudo resolves by paying 1 TAO; then the nonce is released for good.
    let resolve = RuntimeCall::Bridge(bridge::Call::resolve_conflict {
        eth_chain_id: 1,
        burn_nonce: 1,
        release: Some((outsider.id(), TAO)),
    });
    let (_, ev) =
        c.block(&[c.xt(&r1, RuntimeCall::Sudo(sudo::Call::sudo { call: Box::new(resolve) }))]);
    assert!(
        ev.iter()
            .any(|e| e.event == RuntimeEvent::Sudo(sudo::Event::Sudid { sudo_result: Ok(()) }))
    );
    assert_eq!(c.account(&outsider.id()).data.free, before + 2 * TAO);
    let (_, ev) = c.block(&[c.xt(&r3, approve(1, TAO))]);
    assert_eq!(failed(&ev), vec![module_err(40, 3)]);
}

#[test]
fn release_rate_limit_per_window() {
    let (r1, user) = (Key::new(1), Key::new(4));
    let mut c = Chain::new(&[&r1, &user], &r1, &[&r1], 1);
    c.block(&[c.xt(
        &user,
        RuntimeCall::Bridge(bridge::Call::lock { amount: 50 * TAO, eth_recipient: H160([1; 20]) }),
    )]);
    let limit =
        RuntimeCall::Bridge(bridge::Call::set_rate_limit { window_blocks: 3, max_amount: 2 * TAO });
    c.block(&[c.xt(&r1, RuntimeCall::Sudo(sudo::Call::sudo { call: Box::new(limit) }))]);
    let approve = |nonce, amount| {
        RuntimeCall::Bridge(bridge::Call::approve_release {
            eth_chain_id: 1,
            burn_nonce: nonce,
            recipient: user.id(),
            amount,
        })
    };
    let (_, ev) = c.block(&[c.xt(&r1, approve(0, 2 * TAO))]);
    assert!(failed(&ev).is_empty());
    let (_, ev) = c.block(&[c.xt(&r1, approve(1, TAO))]);
    assert_eq!(failed(&ev), vec![module_err(40, 5)]);
    c.block(&[]);
    // New window: allowed.
    let (_, ev) = c.block(&[c.xt(&r1, approve(1, TAO))]);
    assert!(failed(&ev).is_empty(), "{ev:?}");
}

#[test]
fn metadata_is_accepted_by_subxt() {
    for v in metadata::VERSIONS {
        let bytes = metadata::encoded(v).unwrap();
        assert_eq!(&bytes[..4], b"meta");
        let md = subxt::Metadata::decode_from(bytes).expect("subxt decodes our metadata");
        assert!(md.dispatch_error_ty().is_some(), "v{v}: DispatchError found by path");
        let balances = md.pallet_by_name("Balances").unwrap();
        assert_eq!(balances.call_index(), 5);
        assert!(balances.call_variant_by_index(3).is_some());
        assert_eq!(md.pallet_by_name("Sudo").unwrap().call_index(), 12);
        assert_eq!(md.extrinsic().transaction_extensions_by_version(0).unwrap().count(), 13);
    }
    let md = subxt::Metadata::decode_from(metadata::encoded(15).unwrap()).unwrap();
    assert!(md.runtime_api_trait_by_name("AccountNonceApi").is_some());
}

#[test]
fn runtime_api_calls() {
    let a = Key::new(1);
    let c = Chain::new(&[&a], &a, &[], 0);
    let at = state_call::CallAt { runtime: c.rt, number: 0, hash: GENESIS };
    let v = state_call::call(&c.state, &at, "Core_version", &[]).unwrap();
    let v = api::RuntimeVersion::decode(&mut &v[..]).unwrap();
    assert_eq!(v.spec_version, SPEC_VERSION);
    let n =
        state_call::call(&c.state, &at, "AccountNonceApi_account_nonce", &a.id().encode()).unwrap();
    assert_eq!(n, 0u32.encode());
    let vs = state_call::call(&c.state, &at, "Metadata_metadata_versions", &[]).unwrap();
    assert_eq!(Vec::<u32>::decode(&mut &vs[..]).unwrap(), vec![14, 15]);
    let m =
        state_call::call(&c.state, &at, "Metadata_metadata_at_version", &15u32.encode()).unwrap();
    let m = Option::<Vec<u8>>::decode(&mut &m[..]).unwrap().unwrap();
    assert_eq!(&m[..4], b"meta");
    assert!(state_call::call(&c.state, &at, "Nope_nope", &[]).is_err());
    assert!(state_call::call(&c.state, &at, "AccountNonceApi_account_nonce", &[1, 2]).is_err());
    let xt = c.xt(&a, transfer(&a, 1, true));
    let mut input = xt.clone();
    (xt.len() as u32).encode_to(&mut input);
    let info = state_call::call(&c.state, &at, "TransactionPaymentApi_query_info", &input).unwrap();
    let info = payment::RuntimeDispatchInfo::decode(&mut &info[..]).unwrap();
    assert_eq!(info.partial_fee, u128::from(fee_of(&xt)));
}

#[test]
fn attest_checks_the_eip712_signature_of_the_block_batch() {
    use wtao_bridge_types::{
        Address, B256, BridgeDomain, Mint, Rao, mint_batch_digest, sign_digest,
    };
    let (r1, user) = (Key::new(1), Key::new(4));
    let mut c = Chain::new(&[&r1, &user], &r1, &[&r1], 1);
    let to = H160([0xab; 20]);
    c.block(&[c.xt(
        &user,
        RuntimeCall::Bridge(bridge::Call::lock { amount: 5 * TAO, eth_recipient: to }),
    )]);
    // Digest computed independently of the runtime: genesis domain is chain id 0, contract 0x0.
    let mints = [Mint::new(0, B256::from(user.id().0), Address::from(to.0), Rao(5 * TAO))];
    let digest = mint_batch_digest(&BridgeDomain::new(0, Address::ZERO), &mints);
    let sig = sign_digest(&eth_key(1), digest).unwrap().to_vec();
    let attest =
        |block, signature: Vec<u8>| RuntimeCall::Bridge(bridge::Call::attest { block, signature });
    let (_, ev) = c.block(&[c.xt(&user, attest(1, sig.clone()))]);
    assert!(failed(&ev).is_empty(), "{ev:?}");
    let relayer = H160(eth_address(&eth_key(1)).into_array());
    assert!(bridge_events(&ev).contains(&bridge::Event::Attested {
        block: 1,
        relayer,
        signature: sig.clone()
    }));
    assert_eq!(c.read::<Vec<u8>>(bridge::ATTESTATIONS.key(&1, &relayer)), Some(sig.clone()));
    // Twice: AlreadyAttested.
    let (_, ev) = c.block(&[c.xt(&user, attest(1, sig.clone()))]);
    assert_eq!(failed(&ev), vec![module_err(40, 14)]);
    // A key outside the set: UnknownSigner.
    let other = sign_digest(&eth_key(9), digest).unwrap().to_vec();
    let (_, ev) = c.block(&[c.xt(&user, attest(1, other))]);
    assert_eq!(failed(&ev), vec![module_err(40, 13)]);
    // Signature of another batch (block 2 has no locks) / garbage / future block.
    let (_, ev) = c.block(&[c.xt(&user, attest(2, sig.clone()))]);
    assert_eq!(failed(&ev), vec![module_err(40, 11)]);
    let (_, ev) = c.block(&[c.xt(&user, attest(1, vec![1, 2, 3]))]);
    assert_eq!(failed(&ev), vec![module_err(40, 12)]);
    let (_, ev) = c.block(&[c.xt(&user, attest(99, sig))]);
    assert_eq!(failed(&ev), vec![module_err(40, 11)]);
}

#[test]
fn validate_transaction_api_reports_tags_and_errors() {
    let (a, b) = (Key::new(1), Key::new(2));
    let c = Chain::new(&[&a], &a, &[], 0);
    let at = state_call::CallAt { runtime: c.rt, number: 0, hash: GENESIS };
    let call = |xt: &[u8]| {
        let mut input = api::TransactionSource::External.encode();
        input.extend_from_slice(xt);
        GENESIS.encode_to(&mut input);
        let out =
            state_call::call(&c.state, &at, "TaggedTransactionQueue_validate_transaction", &input)
                .unwrap();
        Result::<api::ValidTransaction, TransactionValidityError>::decode(&mut &out[..]).unwrap()
    };
    let ok = call(&c.xt(&a, transfer(&b, TAO, true)));
    let v = ok.unwrap();
    assert_eq!(v.provides, vec![(a.id(), 0u32).encode()]);
    assert!(v.requires.is_empty());
    let future =
        call(&c.sign_with(&a, transfer(&b, TAO, true), 3, Era::Immortal, GENESIS)).unwrap();
    assert_eq!(future.requires, vec![(a.id(), 2u32).encode()]);
    let broke = call(&c.xt(&b, transfer(&a, TAO, true)));
    assert_eq!(broke, Err(TransactionValidityError::Invalid(InvalidTransaction::Payment)));
}

#[test]
fn dev_accounts_are_the_well_known_keys() {
    use subxt_signer::sr25519::dev;
    let keys = [dev::alice(), dev::bob(), dev::charlie(), dev::dave(), dev::eve(), dev::ferdie()];
    for ((name, hex), key) in genesis::DEV_ACCOUNTS.iter().zip(keys.iter()) {
        assert_eq!(*hex, ::hex::encode(key.public_key().0), "//{name}");
    }
}
