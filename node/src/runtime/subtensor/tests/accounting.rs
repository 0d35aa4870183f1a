//! Property: after every block of any sequence of registrations, stakes, unstakes, weights,
//! transfers, bridge locks and subnet registrations (failing or not, with fees), the ledgers add
//! up to the rao, summed over raw storage:
//!
//! * `Balances.TotalIssuance = Σ_accounts (free + reserved)` (the bridge custody account
//!   included: locked TAO is its free balance);
//! * `TotalStake = Σ Alpha = Σ TotalHotkeyAlpha = Σ TotalHotkeyShares = Σ SubnetTAO`, every share
//!   whole (one per rao);
//! * `SubtensorModule.TotalIssuance = Balances.TotalIssuance + TotalStake + Σ SubnetLocked +
//!   Σ pending emission`;
//! * a block adds at most its `BlockEmission` to `TotalIssuance` (fees, registration burns and
//!   epoch rounding only remove).

use std::collections::BTreeMap;

use parity_scale_codec::Decode;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use substrate_fixed::types::U64F64;

use super::*;
use crate::primitives::H160;
use crate::runtime::{balances, bridge};
use crate::storage::item_prefix;

fn sum_prefix<V: Decode>(
    state: &BTreeMap<Vec<u8>, Vec<u8>>,
    pallet: &str,
    item: &str,
    mut f: impl FnMut(V) -> u128,
) -> u128 {
    let prefix = item_prefix(pallet, item);
    state
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(_, v)| f(V::decode(&mut &v[..]).expect("decodes")))
        .sum()
}

fn whole_shares(v: U64F64) -> u128 {
    let bits = v.to_bits();
    assert_eq!(bits & u128::from(u64::MAX), 0, "fractional share");
    bits >> 64
}

/// Check every identity of the module docs; returns `TotalIssuance`.
pub(super) fn check_ledgers(net: &Net) -> u64 {
    let st = &net.state;
    let free = sum_prefix::<system::AccountInfo>(st, "System", "Account", |a| {
        u128::from(a.data.free) + u128::from(a.data.reserved)
    });
    let p = s::PALLET;
    let alpha = sum_prefix::<U64F64>(st, p, "Alpha", whole_shares);
    let hotkey_alpha = sum_prefix::<u64>(st, p, "TotalHotkeyAlpha", u128::from);
    let hotkey_shares = sum_prefix::<U64F64>(st, p, "TotalHotkeyShares", whole_shares);
    let subnet_tao = sum_prefix::<u64>(st, p, "SubnetTAO", u128::from);
    let locked = sum_prefix::<u64>(st, p, "SubnetLocked", u128::from);
    let pending: u128 = [
        "PendingServerEmission",
        "PendingValidatorEmission",
        "PendingOwnerCut",
        "PendingRootAlphaDivs",
    ]
    .iter()
    .map(|item| sum_prefix::<u64>(st, p, item, u128::from))
    .sum();
    net.read(|ext| {
        let balances_issuance = u128::from(balances::TOTAL_ISSUANCE.get(ext));
        let total_stake = u128::from(s::TOTAL_STAKE.get(ext));
        let issuance = s::TOTAL_ISSUANCE.get(ext);
        assert_eq!(free, balances_issuance, "Σ free + reserved = Balances.TotalIssuance");
        assert_eq!(alpha, total_stake, "Σ Alpha = TotalStake");
        assert_eq!(hotkey_alpha, total_stake, "Σ TotalHotkeyAlpha = TotalStake");
        assert_eq!(hotkey_shares, total_stake, "Σ TotalHotkeyShares = TotalStake");
        assert_eq!(subnet_tao, total_stake, "Σ SubnetTAO = TotalStake");
        assert_eq!(
            u128::from(issuance),
            free + alpha + locked + pending,
            "TotalIssuance = free + stake + locked + pending"
        );
        issuance
    })
}

#[derive(Clone, Debug)]
enum Op {
    Transfer { from: usize, to: usize, amount: u64 },
    Register { cold: usize, hot: usize, netuid: u16 },
    Stake { cold: usize, hot: usize, netuid: u16, amount: u64 },
    Unstake { cold: usize, hot: usize, netuid: u16, amount: u64 },
    Weights { hot: usize, netuid: u16, dests: Vec<u16>, weights: Vec<u16> },
    RegisterNetwork { cold: usize, hot: usize },
    Lock { from: usize, amount: u64 },
}

const KEYS: usize = 8;

fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..10_000, 1_000_000u64..5_000_000_000, 100_000_000_000u64..2_000_000_000_000]
}

/// Mostly the demo subnet, sometimes root, a missing or a newly registered subnet.
fn netuid() -> impl Strategy<Value = u16> {
    prop_oneof![6 => Just(1u16), 1 => 0u16..4]
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0..KEYS;
    // Keys 1..=4 are registered and staked validators from the start (see the test).
    let validator = 1..5usize;
    prop_oneof![
        2 => (k.clone(), k.clone(), amount())
            .prop_map(|(from, to, amount)| Op::Transfer { from, to, amount }),
        1 => (k.clone(), k.clone(), netuid())
            .prop_map(|(cold, hot, netuid)| Op::Register { cold, hot, netuid }),
        3 => (k.clone(), prop_oneof![3 => validator.clone(), 1 => k.clone()], netuid(), amount())
            .prop_map(|(cold, hot, netuid, amount)| Op::Stake { cold, hot, netuid, amount }),
        2 => (prop_oneof![3 => validator.clone(), 1 => k.clone()], netuid(), amount())
            .prop_map(|(cold, netuid, amount)| Op::Unstake { cold, hot: cold, netuid, amount }),
        3 => (
            validator,
            netuid(),
            prop::sample::subsequence((0u16..8).collect::<Vec<_>>(), 1..6),
            any::<u16>(),
        )
            .prop_map(|(hot, netuid, dests, seed)| {
                let weights = dests.iter().map(|d| seed.rotate_left(u32::from(*d))).collect();
                Op::Weights { hot, netuid, dests, weights }
            }),
        1 => (k.clone(), k.clone())
            .prop_map(|(cold, hot)| Op::RegisterNetwork { cold, hot }),
        1 => (k, amount()).prop_map(|(from, amount)| Op::Lock { from, amount }),
    ]
}

impl Op {
    fn kind(&self) -> &'static str {
        match self {
            Op::Transfer { .. } => "transfer",
            Op::Register { .. } => "register",
            Op::Stake { .. } => "stake",
            Op::Unstake { .. } => "unstake",
            Op::Weights { .. } => "weights",
            Op::RegisterNetwork { .. } => "register_network",
            Op::Lock { .. } => "lock",
        }
    }
}

fn to_call(op: &Op, keys: &[Key]) -> (usize, RuntimeCall) {
    match op.clone() {
        Op::Transfer { from, to, amount } => (
            from,
            balances::Call::transfer_allow_death { dest: keys[to].id().into(), value: amount }
                .into_runtime(),
        ),
        Op::Register { cold, hot, netuid } => {
            (cold, Call::burned_register { netuid: NetUid(netuid), hotkey: keys[hot].id() }.into())
        }
        Op::Stake { cold, hot, netuid, amount } => (
            cold,
            Call::add_stake {
                hotkey: keys[hot].id(),
                netuid: NetUid(netuid),
                amount_staked: amount,
            }
            .into(),
        ),
        Op::Unstake { cold, hot, netuid, amount } => (
            cold,
            Call::remove_stake {
                hotkey: keys[hot].id(),
                netuid: NetUid(netuid),
                amount_unstaked: amount,
            }
            .into(),
        ),
        Op::Weights { hot, netuid, dests, weights } => (
            hot,
            Call::set_weights { netuid: NetUid(netuid), dests, weights, version_key: 0 }.into(),
        ),
        Op::RegisterNetwork { cold, hot } => {
            (cold, Call::register_network { hotkey: keys[hot].id() }.into())
        }
        Op::Lock { from, amount } => {
            (from, RuntimeCall::Bridge(bridge::Call::lock { amount, eth_recipient: H160([7; 20]) }))
        }
    }
}

trait IntoRuntime {
    fn into_runtime(self) -> RuntimeCall;
}

impl IntoRuntime for balances::Call {
    fn into_runtime(self) -> RuntimeCall {
        RuntimeCall::Balances(self)
    }
}

/// One property case: the ops block by block, ledgers checked after each; successful calls
/// counted into `succeeded`.
fn run_case(
    blocks: &[Vec<Op>],
    succeeded: &mut BTreeMap<&'static str, u32>,
) -> Result<(), TestCaseError> {
    let (mut net, keys) = net(KEYS as u16);
    net.no_weights_rate_limit(NET);
    net.sudo(admin_utils::Call::sudo_set_network_rate_limit { rate_limit: 0 }).unwrap();
    net.sudo(admin_utils::Call::sudo_set_network_min_lock_cost { lock_cost: tao(100) }).unwrap();
    // Four staked validators with permits after the first epoch, so weights and unstakes can
    // succeed.
    for k in &keys[1..5] {
        net.register(k, k, NET);
        net.stake(k, k, NET, tao(100));
    }
    net.run_to(u32::from(TEMPO));
    let mut issuance = check_ledgers(&net);
    for ops in blocks {
        let mut offsets = [0u32; KEYS];
        let xts: Vec<Vec<u8>> = ops
            .iter()
            .map(|op| {
                let (signer, call) = to_call(op, &keys);
                let xt = net.xt_at(&keys[signer], call, offsets[signer]);
                offsets[signer] += 1;
                xt
            })
            .collect();
        let results = net.block(&xts);
        for (op, r) in ops.iter().zip(&results) {
            if matches!(r, Ok(o) if o.result.is_ok()) {
                *succeeded.entry(op.kind()).or_insert(0) += 1;
            }
        }
        let now = check_ledgers(&net);
        let emitted = net.read(|ext| s::BLOCK_EMISSION.get(ext));
        prop_assert!(
            now <= issuance + emitted,
            "block {} minted {} > {}",
            net.number,
            now - issuance,
            emitted
        );
        issuance = now;
    }
    Ok(())
}

#[test]
fn ledgers_add_up_after_every_block() {
    let mut runner = TestRunner::new(ProptestConfig { cases: 24, ..ProptestConfig::default() });
    let strategy = prop::collection::vec(prop::collection::vec(op(), 0..4), 12..40);
    let succeeded = std::cell::RefCell::new(BTreeMap::new());
    if let Err(e) = runner.run(&strategy, |blocks| run_case(&blocks, &mut succeeded.borrow_mut())) {
        panic!("{e}");
    }
    let succeeded = succeeded.into_inner();
    eprintln!("successful calls over all cases: {succeeded:?}");
    // The property is only as good as the calls that went through: every kind must have.
    for kind in ["transfer", "register", "stake", "unstake", "weights", "register_network", "lock"]
    {
        let n = succeeded.get(kind).copied().unwrap_or(0);
        assert!(n >= 5, "only {n} successful {kind} calls: {succeeded:?}");
    }
}

#[test]
fn an_empty_subnet_burns_what_nobody_earns() {
    // Only the owner is registered. The first epoch (block 10) finds no stake anywhere: it pays
    // the owner cut and burns the miners' and validators' parts. From then on the owner hotkey
    // holds stake (its cut), so the next epoch pays it everything (no weights: emission by
    // stake), nothing burned.
    let (mut net, _) = net(2);
    let before = check_ledgers(&net);
    net.run_to(25);
    let per_block_burned = 410_002_288 + 410_002_290;
    assert_eq!(check_ledgers(&net), before + 25 * tao(1) - 10 * per_block_burned);
}
