//! Input generators shared by the property tests.

use proptest::prelude::*;
use yuma::{EpochInput, Hyperparameters};

/// Any hyperparameters, biased towards the interesting values.
pub(crate) fn hyperparameters(n: u16) -> impl Strategy<Value = Hyperparameters> {
    let n_plus = n.saturating_add(2);
    (
        (
            prop_oneof![Just(32_767_u16), any::<u16>()],
            prop_oneof![Just(0_u16), Just(65_535), any::<u16>()],
        ),
        prop_oneof![Just(900_000_u64), Just(975_000), 0..=1_000_000_u64, any::<u64>()],
        (any::<bool>(), any::<bool>()),
        (any::<u16>(), any::<u16>(), prop_oneof![Just(1000_i16), any::<i16>()]),
        0..=n_plus,
        prop_oneof![Just(5000_u64), 0..20_u64, any::<u64>()],
        any::<u16>(),
        prop_oneof![Just(0_u64), 0..2000_u64],
        prop::option::of(0..n_plus.max(1)),
        prop_oneof![Just(0_u64), any::<u64>()],
    )
        .prop_map(
            |(
                (kappa, bonds_penalty),
                bma,
                (yuma3, liquid),
                (a, b, steep),
                maxv,
                cutoff,
                tempo,
                thr,
                owner,
                tw,
            )| {
                Hyperparameters {
                    kappa,
                    bonds_penalty,
                    bonds_moving_average: bma,
                    yuma3,
                    liquid_alpha: liquid,
                    alpha_low: a.min(b),
                    alpha_high: a.max(b),
                    alpha_sigmoid_steepness: steep,
                    max_allowed_validators: maxv,
                    activity_cutoff: cutoff,
                    tempo,
                    stake_threshold: thr,
                    owner_uid: owner,
                    tao_weight: tw,
                }
            },
        )
}

/// A stored sparse row over columns `0..cols` (some out of range), optionally sorted.
fn row(cols: u16, max_len: usize) -> impl Strategy<Value = Vec<(u16, u16)>> {
    (
        prop::collection::vec(
            (0..cols.max(1), prop_oneof![Just(0_u16), Just(65_535), any::<u16>()]),
            0..=max_len,
        ),
        any::<bool>(),
    )
        .prop_map(|(mut r, sorted)| {
            if sorted {
                r.sort_by_key(|e| e.0);
                r.dedup_by_key(|e| e.0);
            }
            r
        })
}

/// Arbitrary (small) epoch inputs: unsorted rows, repeated and out-of-range columns, zero
/// weights, any hyperparameters. `huge_stake` allows stakes up to `u64::MAX`.
pub(crate) fn input(max_n: u16, huge_stake: bool) -> impl Strategy<Value = EpochInput> {
    (0..=max_n).prop_flat_map(move |n| {
        let nu = usize::from(n);
        let cols = n.saturating_add(2);
        let stake = if huge_stake {
            prop_oneof![Just(0_u64), 0..1_000_000_u64, Just(u64::MAX), any::<u64>()].boxed()
        } else {
            prop_oneof![Just(0_u64), 1..1_000_u64, 0..21_000_000_000_000_000_u64 / 4096].boxed()
        };
        (
            (
                0..120_u64,
                prop_oneof![Just(0_u64), 0..120_u64],
                prop_oneof![Just(1_000_000_000_u64), any::<u64>()],
            ),
            prop::collection::vec(stake.clone(), 0..=nu),
            prop::collection::vec(prop_oneof![3 => Just(0_u64), 1 => 0..1_000_000_u64], 0..=nu),
            prop::collection::vec(row(cols, nu.saturating_add(1)), 0..=nu),
            prop::collection::vec(row(cols, nu.saturating_add(1)), 0..=nu),
            prop::collection::vec(0..120_u64, 0..=nu),
            prop::collection::vec(0..120_u64, 0..=nu),
            prop::collection::vec(prop_oneof![3 => Just(true), 1 => Just(false)], 0..=nu),
            prop::option::weighted(
                0.2,
                prop::collection::vec(prop_oneof![Just(u64::MAX), 0..120_u64], 0..=nu),
            ),
            hyperparameters(n),
        )
            .prop_map(
                move |(
                    (current_block, lmsb, rao),
                    stake,
                    tao_stake,
                    weights,
                    bonds,
                    last_update,
                    bar,
                    permit,
                    commits,
                    hp,
                )| {
                    EpochInput {
                        n,
                        current_block,
                        last_mechanism_step_block: lmsb,
                        rao_emission: rao,
                        stake,
                        tao_stake,
                        weights,
                        bonds,
                        last_update,
                        block_at_registration: bar,
                        validator_permit: permit,
                        commit_blocks: commits,
                        hyperparameters: hp,
                    }
                },
            )
    })
}

/// A network shaped like the benchmark: `validators` uids with stake weight (noisily) every
/// other uid, the rest hold no stake; bonds as given; realistic block numbers.
pub(crate) fn network(n: u16, validators: u16, seed: u64, hp: Hyperparameters) -> EpochInput {
    let mut rng = Lcg(seed | 1);
    let nu = usize::from(n);
    let v = usize::from(validators.min(n));
    let current_block = 10_000;
    let stake = (0..nu)
        .map(|i| if i < v { 1_000_000_000 + rng.next() % 1_000_000_000_000 } else { 0 })
        .collect();
    let weights = (0..nu)
        .map(|i| {
            if i >= v {
                return Vec::new();
            }
            (0..n)
                .filter(|j| usize::from(*j) >= v)
                .map(|j| (j, (rng.next() % 65_536) as u16))
                .collect()
        })
        .collect();
    let last_update = (0..nu).map(|i| if i < v { current_block - 1 } else { 5_000 }).collect();
    let block_at_registration =
        (0..nu).map(|i| if i % 100 == 7 { current_block - 2 } else { 100 }).collect();
    EpochInput {
        n,
        current_block,
        last_mechanism_step_block: current_block - 360,
        rao_emission: 1_000_000_000,
        stake,
        tao_stake: Vec::new(),
        weights,
        bonds: Vec::new(),
        last_update,
        block_at_registration,
        validator_permit: (0..nu).map(|i| i < v).collect(),
        commit_blocks: None,
        hyperparameters: Hyperparameters { max_allowed_validators: validators, ..hp },
    }
}

/// A small deterministic generator (tests must not depend on a global RNG).
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 16
    }
}
