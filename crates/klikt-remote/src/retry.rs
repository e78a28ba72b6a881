//! When to try a request again and how long to wait first.
//!
//! The protocol's rules: only safe requests (`GET`, `DELETE` of the session)
//! and requests with an `Idempotency-Key` are retried automatically; network
//! errors, timeouts, `5xx` and `429` are worth a retry. Without
//! `Retry-After` the client backs off exponentially with full jitter (1 s
//! doubling to at most 5 minutes); with it, the client sends nothing at all to
//! the server until that instant ([`Pause`], shared by the whole client).

use crate::error::RemoteError;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// How hard the client tries before giving up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts of one request in all (the first one included).
    pub max_attempts: u32,
    /// Backoff ceiling of the first retry; it doubles with each further one.
    pub base: Duration,
    /// Largest backoff ceiling.
    pub cap: Duration,
    /// Longest `Retry-After` the client waits out within a call; a longer
    /// one ends the call with `rate_limited` (the pause still holds for
    /// later calls, so nothing is sent before it ends).
    pub max_retry_after: Duration,
    /// Longest time for a JSON request (sending, waiting, reading the answer)
    /// and for the headers of a download.
    pub request_timeout: Duration,
    /// Longest time a download may go without receiving a byte.
    pub stall_timeout: Duration,
}

impl RetryPolicy {
    /// The protocol's policy: backoff from 1 s doubling up to 5 minutes.
    pub fn standard() -> Self {
        Self {
            max_attempts: 8,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(5 * 60),
            max_retry_after: Duration::from_secs(5 * 60),
            request_timeout: Duration::from_secs(60),
            stall_timeout: Duration::from_secs(30),
        }
    }

    /// For work that runs again soon by itself (the slideshow's live pulls
    /// every few seconds): a few quick retries, then give up and let the
    /// next round try, so "offline" shows within seconds, not minutes.
    pub fn brief() -> Self {
        Self {
            max_attempts: 3,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(10),
            request_timeout: Duration::from_secs(20),
            stall_timeout: Duration::from_secs(20),
        }
    }

    /// Short waits for tests against a local server with injected faults.
    pub fn fast_for_tests() -> Self {
        Self {
            max_attempts: 12,
            base: Duration::from_millis(20),
            cap: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(10),
            request_timeout: Duration::from_secs(20),
            stall_timeout: Duration::from_secs(5),
        }
    }

    /// The upper bound of the backoff before retry number `retry` (0 for
    /// the first retry): `min(cap, base * 2^retry)`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// Full jitter: a uniformly random wait in `[0, backoff_ceiling(retry)]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::random_range(0..=nanos))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

/// Parses a `Retry-After` value: an integer number of seconds (the protocol
/// never sends an HTTP date; anything else is ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The client-wide "send nothing before" instant set by `Retry-After`.
#[derive(Debug, Default)]
pub(crate) struct Pause {
    until: Mutex<Option<Instant>>,
}

impl Pause {
    /// Holds every request until `instant` (a later pause is never shortened).
    pub(crate) fn hold_until(&self, instant: Instant) {
        let mut until = self
            .until
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if until.is_none_or(|current| current < instant) {
            *until = Some(instant);
        }
    }

    /// Waits until no pause is in force.
    pub(crate) async fn wait(&self) {
        loop {
            let until = *self
                .until
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            match until {
                Some(instant) if instant > Instant::now() => {
                    tokio::time::sleep_until(instant).await
                }
                _ => return,
            }
        }
    }
}

/// Why one attempt of a request failed, as the retry loop sees it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Worth another attempt if the request may be retried: network error,
    /// timeout, stalled body, `5xx`, `429`, `409 idempotency_key_in_flight`.
    Transient {
        error: RemoteError,
        retry_after: Option<Duration>,
    },
    /// `401` on a bearer request sent with the token of this generation.
    Unauthorized { generation: u64 },
    /// Final: no retry helps.
    Fatal(RemoteError),
}

impl From<RemoteError> for Failure {
    fn from(error: RemoteError) -> Self {
        Failure::Fatal(error)
    }
}

/// The bookkeeping of one request's attempts.
#[derive(Debug)]
pub(crate) struct Attempts {
    /// Safe or idempotent: may be sent again after a transient failure.
    pub(crate) retryable: bool,
    /// Transient failures so far.
    pub(crate) failures: u32,
    /// Whether the one refresh after a `401` has been used.
    pub(crate) refreshed: bool,
}

/// What to do after a transient failure.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NextStep {
    /// Give up with the error.
    GiveUp,
    /// Try again after sleeping this long (the pause, if any, comes on top).
    RetryAfterSleep(Duration),
}

impl Attempts {
    pub(crate) fn new(retryable: bool) -> Self {
        Self {
            retryable,
            failures: 0,
            refreshed: false,
        }
    }

    /// Counts a transient failure and decides whether and when to retry.
    pub(crate) fn after_transient(
        &mut self,
        policy: &RetryPolicy,
        retry_after: Option<Duration>,
    ) -> NextStep {
        self.failures += 1;
        if !self.retryable || self.failures >= policy.max_attempts {
            return NextStep::GiveUp;
        }
        match retry_after {
            // The client-wide pause already makes the next attempt wait.
            Some(wait) if wait <= policy.max_retry_after => {
                NextStep::RetryAfterSleep(Duration::ZERO)
            }
            Some(_) => NextStep::GiveUp,
            None => NextStep::RetryAfterSleep(policy.backoff(self.failures - 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_ceiling_doubles_from_base_and_stops_at_cap() {
        let policy = RetryPolicy::standard();
        assert_eq!(policy.backoff_ceiling(0), Duration::from_secs(1));
        assert_eq!(policy.backoff_ceiling(1), Duration::from_secs(2));
        assert_eq!(policy.backoff_ceiling(5), Duration::from_secs(32));
        assert_eq!(policy.backoff_ceiling(8), Duration::from_secs(256));
        assert_eq!(
            policy.backoff_ceiling(9),
            Duration::from_secs(300),
            "5 minutes is the protocol's cap"
        );
        assert_eq!(
            policy.backoff_ceiling(200),
            Duration::from_secs(300),
            "no overflow on absurd retry counts"
        );
    }

    #[test]
    fn full_jitter_stays_within_zero_and_the_ceiling() {
        let policy = RetryPolicy::fast_for_tests();
        for retry in 0..12 {
            for _ in 0..50 {
                let wait = policy.backoff(retry);
                assert!(
                    wait <= policy.backoff_ceiling(retry),
                    "retry {retry}: {wait:?} above the ceiling"
                );
            }
        }
        let distinct: std::collections::HashSet<_> = (0..50).map(|_| policy.backoff(4)).collect();
        assert!(
            distinct.len() > 1,
            "jitter spreads the waits of many clients"
        );
    }

    #[test]
    fn retry_after_is_integer_seconds_only() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("0"), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"),
            None,
            "dates are not in the protocol"
        );
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("1.5"), None);
    }

    #[test]
    fn unsafe_requests_give_up_on_the_first_transient_failure() {
        let policy = RetryPolicy::fast_for_tests();
        let mut attempts = Attempts::new(false);
        assert_eq!(attempts.after_transient(&policy, None), NextStep::GiveUp);
    }

    #[test]
    fn safe_requests_retry_until_max_attempts() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::fast_for_tests()
        };
        let mut attempts = Attempts::new(true);
        assert!(matches!(
            attempts.after_transient(&policy, None),
            NextStep::RetryAfterSleep(_)
        ));
        assert!(matches!(
            attempts.after_transient(&policy, None),
            NextStep::RetryAfterSleep(_)
        ));
        assert_eq!(
            attempts.after_transient(&policy, None),
            NextStep::GiveUp,
            "three attempts in all, then the error"
        );
    }

    #[test]
    fn a_retry_after_longer_than_the_policy_allows_ends_the_call_instead_of_sleeping() {
        let policy = RetryPolicy::fast_for_tests();
        let mut attempts = Attempts::new(true);
        assert_eq!(
            attempts.after_transient(&policy, Some(Duration::from_secs(3600))),
            NextStep::GiveUp
        );
        let mut attempts = Attempts::new(true);
        assert_eq!(
            attempts.after_transient(&policy, Some(Duration::from_secs(2))),
            NextStep::RetryAfterSleep(Duration::ZERO),
            "the shared pause does the waiting"
        );
    }

    #[tokio::test]
    async fn the_pause_holds_until_its_instant_and_is_never_shortened() {
        let pause = Pause::default();
        let start = Instant::now();
        pause.hold_until(start + Duration::from_millis(80));
        pause.hold_until(start + Duration::from_millis(10));
        pause.wait().await;
        assert!(
            start.elapsed() >= Duration::from_millis(80),
            "the later instant wins"
        );
    }
}
