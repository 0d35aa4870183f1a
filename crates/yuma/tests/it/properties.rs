//! Properties of the outputs: normalised as the spec says, no panics, deterministic.

use proptest::prelude::*;
use yuma::{EpochInput, EpochOutput, EpochTrace, Hyperparameters, I32F32, epoch, epoch_with_trace};

use crate::support;

fn sum(v: &[I32F32]) -> i128 {
    v.iter().map(|x| i128::from(x.to_bits())).sum()
}

fn sum_u16(v: &[u16]) -> u64 {
    v.iter().map(|x| u64::from(*x)).sum()
}

/// Everything a normalised output guarantees (SPEC §3–§4): every normalised vector sums to at
/// most 1 (flooring division only loses), u16 forms to at most 65 535, emissions to at most
/// `rao_emission`, and every vector has length n.
fn check_normalised(
    input: &EpochInput,
    out: &EpochOutput,
    trace: &EpochTrace,
) -> Result<(), TestCaseError> {
    let n = input.len();
    let one = i128::from(I32F32::ONE.to_bits());
    for v in
        [&out.stake_weight, &out.consensus, &out.incentive, &out.dividends, &out.validator_trust]
    {
        prop_assert_eq!(v.len(), n);
    }
    for v in
        [&out.server_emission, &out.validator_emission, &out.combined_emission, &out.total_stake]
    {
        prop_assert_eq!(v.len(), n);
    }
    prop_assert_eq!(out.bonds.len(), n);
    prop_assert_eq!(out.active.len(), n);
    prop_assert_eq!(out.new_validator_permit.len(), n);
    for (name, v) in [
        ("stake", &trace.stake),
        ("active_stake", &trace.active_stake),
        ("incentive", &trace.incentive),
        ("dividends", &trace.dividends),
    ] {
        prop_assert!(sum(v) <= one, "{} sums to {} > 1", name, sum(v));
        prop_assert!(v.iter().all(|x| *x >= I32F32::ZERO), "{} has a negative entry", name);
    }
    prop_assert!(trace.consensus.iter().all(|c| *c >= I32F32::ZERO && *c <= I32F32::ONE));
    prop_assert!(trace.validator_trust.iter().all(|t| *t >= I32F32::ZERO && *t <= I32F32::ONE));
    for v in [&out.stake_weight, &out.incentive, &out.dividends] {
        prop_assert!(sum_u16(v) <= 65_535);
    }
    let rao = u128::from(input.rao_emission);
    let total = |v: &[u64]| v.iter().map(|x| u128::from(*x)).sum::<u128>();
    prop_assert!(total(&out.server_emission) + total(&out.validator_emission) <= rao);
    prop_assert!(total(&out.combined_emission) <= rao);
    // Permits: at most max_allowed_validators (+ the owner) and only for uids with stake.
    let permits = out.new_validator_permit.iter().filter(|p| **p).count();
    let cap = usize::from(input.hyperparameters.max_allowed_validators) + 1;
    prop_assert!(permits <= cap.max(1) || permits <= n.min(cap));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Arbitrary inputs whose total stake fits the runtime's I64F64 (2^63 rao; the supply cap is
    /// 2.1 · 10^16).
    #[test]
    fn outputs_are_normalised(input in support::input(40, false)) {
        let (out, trace) = epoch_with_trace(&input);
        check_normalised(&input, &out, &trace)?;
    }

    /// Any stakes, including u64::MAX: no panic, correct shapes, same bits on every run.
    #[test]
    fn huge_stakes_do_not_panic_and_are_deterministic(input in support::input(24, true)) {
        let a = epoch(&input);
        let b = epoch(&input);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.incentive.len(), input.len());
        let dense = yuma::epoch_dense(&input);
        prop_assert_eq!(dense, yuma::epoch_dense(&input));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Large networks up to n = 4096 (debug builds are slow: few cases).
    #[test]
    fn large_networks_are_normalised_and_deterministic(
        n in prop_oneof![Just(4096_u16), 256_u16..=4096],
        v in prop_oneof![Just(256_u16), 1_u16..=256],
        seed in any::<u64>(),
        yuma3 in any::<bool>(),
        huge in any::<bool>(),
    ) {
        let hp = Hyperparameters { yuma3, liquid_alpha: yuma3, ..Hyperparameters::default() };
        let mut input = support::network(n, v, seed, hp);
        if huge {
            // u64::MAX stakes (they saturate I64F64) and zeros.
            for (i, s) in input.stake.iter_mut().enumerate() {
                *s = if i % 3 == 0 { u64::MAX } else if i % 3 == 1 { 0 } else { *s };
            }
        }
        let first = epoch(&input);
        input.bonds = first.bonds.clone();
        input.validator_permit = first.new_validator_permit.clone();
        let (out, trace) = epoch_with_trace(&input);
        prop_assert_eq!(&out, &epoch(&input));
        if !huge {
            check_normalised(&input, &out, &trace)?;
        }
    }
}

#[test]
fn empty_subnet() {
    let out = epoch(&EpochInput::default());
    assert_eq!(out, EpochOutput::default());
    assert_eq!(yuma::epoch_dense(&EpochInput::default()), EpochOutput::default());
}

#[test]
fn single_u64_max_staker_is_normalised() {
    let input = EpochInput {
        n: 3,
        current_block: 10,
        rao_emission: u64::MAX,
        stake: vec![u64::MAX, 0, 0],
        weights: vec![vec![(1, 1), (2, 65_535)], vec![], vec![]],
        last_update: vec![9, 9, 9],
        validator_permit: vec![true, false, false],
        hyperparameters: Hyperparameters::default(),
        ..EpochInput::default()
    };
    let (out, trace) = epoch_with_trace(&input);
    assert_eq!(trace.stake[0], I32F32::ONE);
    assert!(
        out.server_emission
            .iter()
            .chain(&out.validator_emission)
            .map(|x| u128::from(*x))
            .sum::<u128>()
            <= u128::from(u64::MAX)
    );
}
