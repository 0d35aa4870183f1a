//! When a failed item is tried again: a pure function of its attempt count (hyperlane's
//! `calculate_msg_backoff` is the model), so the schedule survives restarts with the count.

use std::time::Duration;

/// The delay after the first failure.
pub const FIRST: Duration = Duration::from_millis(500);
/// The longest delay: a parked item is still looked at twice a minute, so it moves soon after
/// whatever held it (a pause, a rate limit, an outage) is over.
pub const MAX: Duration = Duration::from_secs(30);

/// The delay before the next attempt after `attempts` failed ones: none before the first
/// failure, then [`FIRST`] doubling per failure up to [`MAX`].
pub fn backoff(attempts: u32) -> Duration {
    let Some(doublings) = attempts.checked_sub(1) else { return Duration::ZERO };
    let first_ms = u64::try_from(FIRST.as_millis()).unwrap_or(u64::MAX);
    let max_ms = u64::try_from(MAX.as_millis()).unwrap_or(u64::MAX);
    let factor = 1u64.checked_shl(doublings).unwrap_or(u64::MAX);
    Duration::from_millis(first_ms.saturating_mul(factor).min(max_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_the_first_failure_up_to_the_cap() {
        let ms = |a| backoff(a).as_millis();
        assert_eq!(ms(0), 0, "no delay before anything failed");
        assert_eq!(
            [ms(1), ms(2), ms(3), ms(4), ms(5), ms(6)],
            [500, 1000, 2000, 4000, 8000, 16000]
        );
        assert_eq!(ms(7), 30_000);
        assert_eq!(ms(64), 30_000, "a shift past 63 bits saturates");
        assert_eq!(ms(u32::MAX), 30_000);
    }

    #[test]
    fn never_decreases() {
        for a in 0..200 {
            assert!(backoff(a) <= backoff(a + 1), "attempt {a}");
        }
    }
}
