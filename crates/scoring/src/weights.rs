//! Scores to the u16 weights a validator sends with `set_weights`, exactly as the bittensor SDK
//! converts them.
//!
//! The SDK (`bittensor.utils.weight_utils.convert_weights_and_uids_for_emit`, and
//! `bittensor.intents.weights.normalize` in the current clients) divides each weight by the
//! largest, multiplies by 65535 in double precision and rounds with Python's `round` (half to
//! even), dropping zeros. We do the same IEEE-754 operations in the same order — division,
//! multiplication, round-ties-even — which are correctly rounded on every platform, so a Rust
//! validator and a Python one send identical weights for identical scores. That agreement is the
//! point: Yuma clips each weight to the stake-weighted median, and a validator whose weights
//! differ in the last unit loses vtrust for nothing. (An integer `round_half_up(s·65535/max)`
//! differs from the SDK, e.g. for scores 1 and 6: 10922.5 rounds to 10922 in the SDK.)
//! The chain wants rows sorted by uid, so the result is sorted.

use crate::error::WeightsError;

/// Largest score converted exactly to f64 (tile counts are far below it).
pub const MAX_EXACT_SCORE: u64 = 1 << 53;

/// `(uid, score)` pairs to `(uid, weight)` pairs: max-normalised to 65535, rounded half to even,
/// zeros dropped, sorted by uid. All-zero (or empty) scores give no weights.
pub fn weights_u16(scores: &[(u16, u64)]) -> Result<Vec<(u16, u16)>, WeightsError> {
    let mut sorted = scores.to_vec();
    sorted.sort_unstable_by_key(|(uid, _)| *uid);
    for pair in sorted.windows(2) {
        if let [(a, _), (b, _)] = pair
            && a == b
        {
            return Err(WeightsError::DuplicateUid(*a));
        }
    }
    if let Some(&(_, s)) = sorted.iter().find(|(_, s)| *s > MAX_EXACT_SCORE) {
        return Err(WeightsError::ScoreTooLarge(s));
    }
    let top = sorted.iter().map(|(_, s)| *s).max().unwrap_or(0);
    if top == 0 {
        return Ok(Vec::new());
    }
    let top = top as f64;
    Ok(sorted
        .into_iter()
        .filter_map(|(uid, score)| {
            let value = ((score as f64 / top) * f64::from(u16::MAX)).round_ties_even();
            // 0 ≤ value ≤ 65535 because 0 ≤ score ≤ top.
            let value = value as u16;
            (value != 0).then_some((uid, value))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_gets_65535_zeros_are_dropped_and_rows_are_sorted() {
        let w = weights_u16(&[(5, 10), (2, 0), (1, 20), (9, 5)]).unwrap();
        assert_eq!(w, vec![(1, 65_535), (5, 32_768), (9, 16_384)]);
    }

    #[test]
    fn ties_round_to_even_like_python() {
        // In doubles (1/6)·65535 rounds to exactly 10922.5, and Python's round gives 10922;
        // (1/2)·65535 = 32767.5 gives 32768. Integer half-up would give 10923.
        assert_eq!(weights_u16(&[(0, 1), (1, 6)]).unwrap(), vec![(0, 10_922), (1, 65_535)]);
        assert_eq!(weights_u16(&[(0, 1), (1, 2)]).unwrap(), vec![(0, 32_768), (1, 65_535)]);
    }

    #[test]
    fn all_zero_or_empty_gives_nothing_and_bad_input_is_refused() {
        assert_eq!(weights_u16(&[]).unwrap(), vec![]);
        assert_eq!(weights_u16(&[(0, 0), (1, 0)]).unwrap(), vec![]);
        assert_eq!(weights_u16(&[(3, 1), (3, 2)]), Err(WeightsError::DuplicateUid(3)));
        assert_eq!(
            weights_u16(&[(0, MAX_EXACT_SCORE + 1)]),
            Err(WeightsError::ScoreTooLarge(MAX_EXACT_SCORE + 1))
        );
    }

    #[test]
    fn a_tiny_score_next_to_a_huge_one_rounds_to_zero_and_is_dropped() {
        assert_eq!(weights_u16(&[(0, 1), (1, 1 << 20)]).unwrap(), vec![(1, 65_535)]);
    }
}
