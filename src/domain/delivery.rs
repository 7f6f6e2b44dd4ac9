//! When to try again after an email could not be delivered.

use time::{Duration, OffsetDateTime};

/// How long after it was written an email is given up on.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);
/// The wait before the first retry, before jitter.
const FIRST_RETRY: Duration = Duration::seconds(30);
/// The longest wait between two attempts, before jitter.
const LONGEST_WAIT: Duration = Duration::hours(4);

/// The wait after the `failures`-th failed attempt: 30 s, doubling each time up to 4 hours,
/// stretched or shrunk by up to a fifth by `jitter` (from 0.0 to 1.0) so that many messages
/// that failed together do not all come back together.
pub fn retry_delay(failures: u32, jitter: f64) -> Duration {
    let doublings = failures.saturating_sub(1).min(20);
    let base = (FIRST_RETRY * 2_i32.pow(doublings)).min(LONGEST_WAIT);
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    base * factor
}

/// The next attempt after a failure, or `None` when the message should be given up on.
pub fn next_attempt(
    created_at: OffsetDateTime,
    now: OffsetDateTime,
    failures: u32,
    jitter: f64,
) -> Option<OffsetDateTime> {
    let next = now + retry_delay(failures, jitter);
    (next <= created_at + GIVE_UP_AFTER).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_first_retry_comes_within_a_minute() {
        for jitter in [0.0, 0.5, 1.0] {
            let wait = retry_delay(1, jitter);
            assert!(
                wait >= Duration::seconds(24) && wait < Duration::minutes(1),
                "{wait}"
            );
        }
        assert!(retry_delay(2, 0.5) > retry_delay(1, 0.5));
        assert!(retry_delay(40, 1.0) <= Duration::hours(5));
    }

    #[test]
    fn a_failing_message_is_given_up_on_after_about_a_day() {
        let created = datetime!(2026-11-22 00:00 UTC);
        let mut now = created;
        let mut failures = 0;
        while let Some(next) = next_attempt(created, now, failures + 1, 0.5) {
            failures += 1;
            now = next;
        }
        let gave_up_after = now - created;
        assert!(
            gave_up_after > Duration::hours(20) && gave_up_after <= GIVE_UP_AFTER,
            "{gave_up_after}"
        );
        assert!((10..30).contains(&failures), "{failures} attempts");
    }
}
