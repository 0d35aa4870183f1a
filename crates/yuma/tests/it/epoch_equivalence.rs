//! The optimised production epoch against the literal transcription of the spec.

use proptest::prelude::*;
use yuma::{EpochInput, Hyperparameters, epoch, epoch_reference, epoch_with_trace};

use crate::support;

fn assert_same(input: &EpochInput) -> Result<(), TestCaseError> {
    let (fast, fast_trace) = epoch_with_trace(input);
    let (literal, literal_trace) = epoch_reference(input);
    prop_assert_eq!(&fast, &literal);
    prop_assert_eq!(fast_trace, literal_trace);
    prop_assert_eq!(epoch(input), fast);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Any input: unsorted rows, duplicates, zero weights, out-of-range columns, any
    /// hyperparameters, commit-reveal, owner.
    #[test]
    fn optimised_epoch_equals_reference(input in support::input(20, false)) {
        assert_same(&input)?;
    }

    /// Stakes up to u64::MAX (sums beyond I64F64's range wrap exactly as in the runtime).
    #[test]
    fn optimised_epoch_equals_reference_with_huge_stakes(input in support::input(12, true)) {
        assert_same(&input)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Realistic networks with bonds from a previous epoch, all bond models.
    #[test]
    fn optimised_epoch_equals_reference_on_networks(
        n in 2_u16..80, v in 1_u16..12, seed in any::<u64>(),
        yuma3 in any::<bool>(), liquid in any::<bool>(), bp in prop_oneof![Just(0_u16), Just(65_535), any::<u16>()],
    ) {
        let hp = Hyperparameters { yuma3, liquid_alpha: liquid, bonds_penalty: bp, ..Hyperparameters::default() };
        let mut input = support::network(n, v, seed, hp);
        let first = epoch(&input);
        input.bonds = first.bonds;
        input.validator_permit = first.new_validator_permit;
        assert_same(&input)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Networks with more than 16 validators: columns long enough for the median's radix rounds
    /// and the fused trust/rank pass.
    #[test]
    fn optimised_epoch_equals_reference_on_larger_networks(
        n in 40_u16..300, v in 17_u16..80, seed in any::<u64>(),
        yuma3 in any::<bool>(), bp in prop_oneof![Just(0_u16), Just(65_535), any::<u16>()],
    ) {
        let v = v.min(n / 2);
        let hp = Hyperparameters { yuma3, liquid_alpha: yuma3, bonds_penalty: bp, ..Hyperparameters::default() };
        let mut input = support::network(n, v, seed, hp);
        let first = epoch(&input);
        input.bonds = first.bonds;
        input.validator_permit = first.new_validator_permit;
        assert_same(&input)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Original Yuma with a bonds penalty of 0 or 1 (the column-blocked path) on networks
    /// perturbed after the first epoch: validators gone inactive (bonds but no active stake),
    /// weight entries dropped, zeroed or left with the only weight of a column, bond entries
    /// dropped (bond columns outside the weight row), a miner registered since the last epoch.
    #[test]
    fn original_yuma_column_blocks_equal_reference(
        n in 8_u16..260, v in 1_u16..80, seed in any::<u64>(), bp in prop_oneof![Just(0_u16), Just(65_535)],
        inactive in 0_usize..4, drop_every in prop_oneof![Just(0_usize), 2_usize..9],
        zero_every in prop_oneof![Just(0_usize), 3_usize..11], recent in any::<bool>(),
        bma in prop_oneof![Just(900_000_u64), 0..=1_000_000_u64],
    ) {
        let v = v.min(n / 2).max(1);
        let hp = Hyperparameters {
            yuma3: false,
            liquid_alpha: false,
            bonds_penalty: bp,
            bonds_moving_average: bma,
            ..Hyperparameters::default()
        };
        let mut input = support::network(n, v, seed, hp);
        let first = epoch(&input);
        input.bonds = first.bonds;
        input.validator_permit = first.new_validator_permit;
        let vu = usize::from(v);
        for i in 0..inactive.min(vu) {
            input.last_update[i] = 0;
        }
        for (i, row) in input.weights.iter_mut().enumerate() {
            if drop_every > 0 {
                let mut k = 0_usize;
                row.retain(|_| {
                    k += 1;
                    !(k + i).is_multiple_of(drop_every)
                });
            }
            if zero_every > 0 {
                for (k, e) in row.iter_mut().enumerate() {
                    if (k + i) % zero_every == 0 {
                        e.1 = 0;
                    }
                }
            }
        }
        if drop_every > 0 {
            for (i, row) in input.bonds.iter_mut().enumerate() {
                let mut k = 0_usize;
                row.retain(|_| {
                    k += 1;
                    !(k + 2 * i).is_multiple_of(drop_every + 1)
                });
            }
        }
        if recent {
            let j = usize::from(n) - 1;
            input.block_at_registration[j] = input.current_block - 1;
        }
        assert_same(&input)?;
    }
}
