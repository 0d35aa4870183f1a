//! Speed tricks proven equal to the plain operations they replace.

use proptest::prelude::*;
use yuma::I32F32;
use yuma::fixed::{FixedDivisor, U64Divisor};
use yuma::math::median::{weighted_median, weighted_median_closed_form};

fn divisor() -> impl Strategy<Value = u64> {
    prop_oneof![
        1..=1000_u64,
        any::<u64>().prop_filter("non-zero", |d| *d != 0),
        (0..64_u32).prop_map(|s| 1_u64 << s),
        (1..64_u32).prop_map(|s| (1_u64 << s) - 1),
        (1..63_u32).prop_map(|s| (1_u64 << s) + 1),
        Just(u64::MAX),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 50_000, ..ProptestConfig::default() })]

    #[test]
    fn reciprocal_division_is_exact(d in divisor(), x in prop_oneof![any::<u64>(), 0..1_000_000_u64, Just(u64::MAX)]) {
        let r = U64Divisor::new(d).unwrap();
        prop_assert_eq!(r.divide(x), x / d);
        prop_assert_eq!(r.divide(d.wrapping_sub(1)), d.wrapping_sub(1) / d);
        prop_assert_eq!(r.divide(d), 1);
    }

    #[test]
    fn fixed_divisor_equals_checked_div(
        b in prop_oneof![
            1_i64..=(1_i64 << 33),
            (1_i64..=4096 * 65_535).prop_map(|s| s << 32),
            any::<i64>(),
        ],
        a in prop_oneof![0_i64..=(1_i64 << 32), (0_i64..=65_535).prop_map(|w| w << 32), any::<i64>()],
    ) {
        let (a, b) = (I32F32::from_bits(a), I32F32::from_bits(b));
        let d = FixedDivisor::new(b);
        prop_assert_eq!(d.checked_div(a), a.checked_div(b));
        prop_assert_eq!(d.safe_div(a), a.safe_div(b));
    }
}

/// Stakes and scores for the median: ties, zeros, negatives, normalised or not.
fn median_inputs() -> impl Strategy<Value = (Vec<I32F32>, Vec<I32F32>, I32F32)> {
    (1..40_usize)
        .prop_flat_map(|m| {
            let stake = prop_oneof![3 => 0_i64..=(1 << 32), 1 => Just(0_i64), 1 => 0_i64..=8];
            let score = prop_oneof![
                3 => (0_i64..=4).prop_map(|q| q << 30),
                3 => 0_i64..=(1 << 32),
                1 => -(1_i64 << 32)..0,
                1 => Just(0_i64),
            ];
            (
                prop::collection::vec(stake, m),
                prop::collection::vec(score, m),
                prop_oneof![
                    -(1_i64 << 33)..=(1_i64 << 35),
                    Just(0_i64),
                    Just(-1_i64),
                    (0_i64..=65_535).prop_map(|k| (k << 32) / 65_535),
                ],
            )
        })
        .prop_map(|(s, c, minority)| {
            let f = |v: Vec<i64>| v.into_iter().map(I32F32::from_bits).collect::<Vec<_>>();
            (f(s), f(c), I32F32::from_bits(minority))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    /// The consensus median is computed by selection instead of the pivot loop; the closed form
    /// must return the loop's bits for every population and every `minority`.
    #[test]
    fn closed_form_median_equals_the_literal_loop((stake, score, minority) in median_inputs()) {
        let total = stake.iter().fold(I32F32::ZERO, |a, b| a.wrapping_add(*b));
        let idx: Vec<usize> = (0..stake.len()).collect();
        let literal = weighted_median(&stake, &score, &idx, minority, I32F32::ZERO, total);
        prop_assert_eq!(weighted_median_closed_form(&stake, &score, minority), literal);
    }
}
