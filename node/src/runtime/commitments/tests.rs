//! Commitments: each call and each error, against an in-memory state. SubtensorModule is
//! stood in for by [`Hooks`]: only hotkeys in `REGISTERED` may commit, the epoch is the block
//! number divided by 10, and bond resets are recorded.

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::*;
use crate::primitives::H256;
use crate::runtime::{BlockContext, Runtime};
use crate::{DispatchError, ModuleError};

const NETUID: NetUid = NetUid(1);
const HOT: AccountId32 = AccountId32([7; 32]);
const STRANGER: AccountId32 = AccountId32([8; 32]);

thread_local! {
    static RESETS: RefCell<Vec<(NetUid, AccountId32)>> = const { RefCell::new(Vec::new()) };
}

struct Hooks;

impl SubnetHooks for Hooks {
    fn can_commit(_: &mut Ext<'_>, netuid: NetUid, who: &AccountId32) -> bool {
        netuid == NETUID && *who == HOT
    }
    fn epoch_index(_: &mut Ext<'_>, _: NetUid, block: u64) -> u64 {
        block / 10
    }
    fn on_reset_bonds(_: &mut Ext<'_>, netuid: NetUid, who: &AccountId32) {
        RESETS.with(|r| r.borrow_mut().push((netuid, *who)));
    }
}

fn at_block<'a>(state: &'a BTreeMap<Vec<u8>, Vec<u8>>, number: BlockNumber) -> Ext<'a> {
    let mut ext = Ext::new(state);
    let ctx = BlockContext { number, parent_hash: H256::default(), timestamp_ms: 0 };
    Runtime { genesis_hash: H256::default() }.initialize_block(&mut ext, &ctx);
    ext
}

fn info(fields: Vec<Data>) -> Box<CommitmentInfo> {
    Box::new(CommitmentInfo { fields: BoundedVec::new(fields).unwrap() })
}

fn commit(ext: &mut Ext<'_>, who: AccountId32, fields: Vec<Data>) -> DispatchResult {
    let call = Call::set_commitment { netuid: NETUID, info: info(fields) };
    dispatch::<Hooks>(ext, Origin::Signed(who), call)
}

fn module_error(e: Error) -> DispatchError {
    DispatchError::Module(ModuleError { index: index::COMMITMENTS, error: [e as u8, 0, 0, 0] })
}

#[test]
fn set_commitment_stores_it_and_says_so() {
    let state = BTreeMap::new();
    let mut ext = at_block(&state, 5);
    commit(&mut ext, HOT, vec![Data::Raw(b"model-v1".to_vec())]).unwrap();
    let r = COMMITMENT_OF.try_get(&mut ext, &NETUID, &HOT).unwrap();
    assert_eq!(r.block, 5);
    assert_eq!(r.deposit, 0);
    assert_eq!(r.info.fields.as_slice(), [Data::Raw(b"model-v1".to_vec())]);
    assert_eq!(LAST_COMMITMENT.try_get(&mut ext, &NETUID, &HOT), Some(5));
    // A small commitment still counts MIN_USED_SPACE.
    let usage = USED_SPACE_OF.try_get(&mut ext, &NETUID, &HOT).unwrap();
    assert_eq!(usage, UsageTracker { last_epoch: 0, used_space: 100 });
    let events: Vec<_> = ext.events().iter().map(|e| e.event.clone()).collect();
    assert_eq!(events, [Event::Commitment { netuid: NETUID, who: HOT }.into()]);

    // A second commitment replaces the first.
    commit(&mut ext, HOT, vec![Data::Sha256([1; 32])]).unwrap();
    let r = COMMITMENT_OF.try_get(&mut ext, &NETUID, &HOT).unwrap();
    assert_eq!(r.info.fields.as_slice(), [Data::Sha256([1; 32])]);
}

#[test]
fn only_registered_hotkeys_commit() {
    let state = BTreeMap::new();
    let mut ext = at_block(&state, 1);
    let err = commit(&mut ext, STRANGER, vec![Data::Raw(vec![1])]).unwrap_err();
    assert_eq!(err, module_error(Error::AccountNotAllowedCommit));
    let err = dispatch::<Hooks>(
        &mut ext,
        Origin::Root,
        Call::set_commitment { netuid: NETUID, info: info(vec![]) },
    )
    .unwrap_err();
    assert_eq!(err, DispatchError::BadOrigin);
    assert!(COMMITMENT_OF.try_get(&mut ext, &NETUID, &STRANGER).is_none());
}

#[test]
fn space_is_limited_per_epoch() {
    let state = BTreeMap::new();
    let mut ext = at_block(&state, 1);
    let big = || vec![Data::BigRaw(BoundedVec::new(vec![0; 512]).unwrap()); 3];
    // 3 × 512 = 1536 per commitment: two fit in 3100, the third does not.
    commit(&mut ext, HOT, big()).unwrap();
    commit(&mut ext, HOT, big()).unwrap();
    assert_eq!(commit(&mut ext, HOT, big()).unwrap_err(), module_error(Error::SpaceLimitExceeded));
    // The next epoch starts from zero.
    let changes = ext.overlay.into_changes();
    let mut state = state.clone();
    for (k, v) in changes.iter() {
        match v {
            Some(v) => state.insert(k.clone(), v.clone()),
            None => state.remove(k),
        };
    }
    let mut ext = at_block(&state, 10);
    commit(&mut ext, HOT, big()).unwrap();
    let usage = USED_SPACE_OF.try_get(&mut ext, &NETUID, &HOT).unwrap();
    assert_eq!(usage, UsageTracker { last_epoch: 1, used_space: 1536 });

    // Root raises the limit.
    dispatch::<Hooks>(&mut ext, Origin::Root, Call::set_max_space { new_limit: 10_000 }).unwrap();
    commit(&mut ext, HOT, big()).unwrap();
    commit(&mut ext, HOT, big()).unwrap();
    let err =
        dispatch::<Hooks>(&mut ext, Origin::Signed(HOT), Call::set_max_space { new_limit: 1 })
            .unwrap_err();
    assert_eq!(err, DispatchError::BadOrigin);
}

#[test]
fn too_many_fields_do_not_decode() {
    // Four fields cannot even be built into a call: the bound is in the type, as in FRAME.
    assert!(BoundedVec::<Data, MAX_FIELDS>::new(vec![Data::None; 4]).is_none());
    let mut bytes = vec![index::COMMITMENTS, 0];
    NETUID.encode_to(&mut bytes);
    vec![Data::None; 4].encode_to(&mut bytes);
    assert!(super::super::RuntimeCall::decode(&mut &bytes[..]).is_err());
}

#[test]
fn timelocked_commitments_are_indexed_and_reset_flags_reach_subtensor() {
    let state = BTreeMap::new();
    let mut ext = at_block(&state, 3);
    let tl = Data::TimelockEncrypted {
        encrypted: BoundedVec::new(vec![9; 40]).unwrap(),
        reveal_round: 77,
    };
    commit(&mut ext, HOT, vec![tl, Data::ResetBondsFlag]).unwrap();
    let index = TIMELOCKED_INDEX.try_get(&mut ext).unwrap();
    assert!(index.contains(&(NETUID, HOT)));
    assert_eq!(LAST_BONDS_RESET.try_get(&mut ext, &NETUID, &HOT), Some(3));
    assert_eq!(RESETS.with(|r| r.borrow().clone()), [(NETUID, HOT)]);
    let last = ext.events().last().unwrap().event.clone();
    assert_eq!(
        last,
        Event::TimelockCommitment { netuid: NETUID, who: HOT, reveal_round: 77 }.into()
    );

    // A plain commitment takes it out of the index again.
    commit(&mut ext, HOT, vec![Data::Raw(vec![1])]).unwrap();
    assert!(TIMELOCKED_INDEX.try_get(&mut ext).unwrap().is_empty());
}

#[test]
fn set_commitment_pays_no_fee_as_subtensor() {
    use crate::runtime::{Pays, RuntimeCall, payment};
    let commit =
        RuntimeCall::Commitments(Call::set_commitment { netuid: NETUID, info: info(vec![]) });
    assert_eq!(commit.info().pays_fee, Pays::No);
    assert_eq!(payment::compute_fee(200, &commit.info(), 3), Some(3), "only the tip");
    let root = RuntimeCall::Commitments(Call::set_max_space { new_limit: 1 });
    assert_eq!(root.info().pays_fee, Pays::Yes);
    assert!(payment::compute_fee(200, &root.info(), 0).is_some_and(|f| f > 0));
}
