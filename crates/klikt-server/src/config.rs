//! How a server runs: its data directory, the URL it is reached at, token
//! lifetime, upload limit, and the [`Faults`] it injects for client tests.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Result, ServerError};

/// Default lifetime of an access token (the protocol says about 15 minutes).
pub const DEFAULT_ACCESS_TTL: Duration = Duration::from_secs(15 * 60);
/// Default largest upload request (sum of its files): videos are big.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 4 << 30;

/// Configuration of one server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Holds `klikt-server.db`, `originals/`, `previews/` and `tmp/`.
    pub data_dir: PathBuf,
    /// Base of share URLs (`{public_url}/e/{event}#{token}`); the listen URL
    /// when `None`.
    pub public_url: Option<String>,
    /// Faults injected into `/v1` requests (none by default).
    pub faults: Faults,
    /// Lifetime of access tokens.
    pub access_ttl: Duration,
    /// Largest upload request, the sum of its files' sizes; larger answers 413.
    pub max_upload_bytes: u64,
}

impl ServerConfig {
    /// A configuration with defaults: no faults, 15-minute access tokens.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        ServerConfig {
            data_dir: data_dir.into(),
            public_url: None,
            faults: Faults::none(),
            access_ttl: DEFAULT_ACCESS_TTL,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
        }
    }
}

/// Faults the server injects into `/v1` requests so clients can be tested
/// against a misbehaving network and server. Each kind is off at its zero
/// value and switched on on its own.
///
/// Decisions are deterministic: they depend only on `seed` and on the
/// request's position in the sequence of `/v1` requests since the faults
/// were set (the first request is number 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Added to every request before it is handled, in milliseconds.
    pub latency_ms: u64,
    /// Share (0.0–1.0) of requests answered with `error_status` instead.
    pub error_rate: f64,
    /// Status of the injected errors: 503 (default) or any 5xx, e.g. 500.
    pub error_status: u16,
    /// `Retry-After` seconds on the injected errors; none when `None`.
    pub error_retry_after: Option<u64>,
    /// Every `rate_limit_every`-th request starts a burst of 429 answers;
    /// 0 = off.
    pub rate_limit_every: u64,
    /// How many consecutive requests a 429 burst answers (at least 1, less
    /// than `rate_limit_every`).
    pub rate_limit_burst: u64,
    /// `Retry-After` seconds of the 429 answers.
    pub retry_after: u64,
    /// Share (0.0–1.0) of responses whose body is cut after half its bytes
    /// and whose connection is then reset.
    pub reset_rate: f64,
    /// Seed of the error and reset decisions.
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::none()
    }
}

impl Faults {
    /// No faults at all.
    pub fn none() -> Faults {
        Faults {
            latency_ms: 0,
            error_rate: 0.0,
            error_status: 503,
            error_retry_after: None,
            rate_limit_every: 0,
            rate_limit_burst: 1,
            retry_after: 1,
            reset_rate: 0.0,
            seed: 0,
        }
    }

    /// Whether any fault is switched on.
    pub fn any(&self) -> bool {
        self.latency_ms > 0
            || self.error_rate > 0.0
            || self.rate_limit_every > 0
            || self.reset_rate > 0.0
    }

    /// Parses the `KLIKT_FAULTS` / `--faults` syntax: comma-separated
    /// `key=value` pairs, e.g.
    /// `latency_ms=50,error_rate=0.1,rate_limit_every=20,rate_limit_burst=3,retry_after=1,reset_rate=0.2`.
    ///
    /// Keys: `latency_ms`, `error_rate`, `error_status`, `error_retry_after`,
    /// `rate_limit_every`, `rate_limit_burst`, `retry_after`, `reset_rate`,
    /// `seed`. Unset keys keep the values of [`Faults::none`]. An empty
    /// string (or `none`) is no faults.
    pub fn from_spec(spec: &str) -> Result<Faults> {
        let mut faults = Faults::none();
        let spec = spec.trim();
        if spec.is_empty() || spec == "none" {
            return Ok(faults);
        }
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or_else(|| {
                ServerError::Config(format!("fault {pair:?}: expected key=value"))
            })?;
            let (key, value) = (key.trim(), value.trim());
            let bad =
                |what: &str| ServerError::Config(format!("fault {key}={value:?}: expected {what}"));
            let int = || value.parse::<u64>().map_err(|_| bad("a whole number"));
            let share = || {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|v| (0.0..=1.0).contains(v))
                    .ok_or_else(|| bad("a share between 0 and 1"))
            };
            match key {
                "latency_ms" => faults.latency_ms = int()?,
                "error_rate" => faults.error_rate = share()?,
                "error_status" => {
                    faults.error_status = value
                        .parse::<u16>()
                        .ok()
                        .filter(|s| (500..=599).contains(s))
                        .ok_or_else(|| bad("a 5xx status"))?
                }
                "error_retry_after" => faults.error_retry_after = Some(int()?),
                "rate_limit_every" => faults.rate_limit_every = int()?,
                "rate_limit_burst" => faults.rate_limit_burst = int()?,
                "retry_after" => faults.retry_after = int()?,
                "reset_rate" => faults.reset_rate = share()?,
                "seed" => faults.seed = int()?,
                _ => {
                    return Err(ServerError::Config(format!(
                        "unknown fault {key:?} (known: latency_ms, error_rate, error_status, \
                         error_retry_after, rate_limit_every, rate_limit_burst, retry_after, \
                         reset_rate, seed)"
                    )))
                }
            }
        }
        if faults.rate_limit_every > 0
            && (faults.rate_limit_burst == 0 || faults.rate_limit_burst >= faults.rate_limit_every)
        {
            return Err(ServerError::Config(format!(
                "rate_limit_burst must be between 1 and rate_limit_every - 1 (got {} with every {})",
                faults.rate_limit_burst, faults.rate_limit_every
            )));
        }
        Ok(faults)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_sets_each_named_fault_and_leaves_the_rest_off() {
        let faults = Faults::from_spec(
            "latency_ms=50,error_rate=0.1,rate_limit_every=20,rate_limit_burst=3,retry_after=1,reset_rate=0.2",
        )
        .expect("the documented example parses");
        assert_eq!(faults.latency_ms, 50);
        assert_eq!(faults.error_rate, 0.1);
        assert_eq!(faults.rate_limit_every, 20);
        assert_eq!(faults.rate_limit_burst, 3);
        assert_eq!(faults.retry_after, 1);
        assert_eq!(faults.reset_rate, 0.2);
        assert_eq!(faults.error_retry_after, None, "unset keys stay off");
    }

    #[test]
    fn spec_rejects_unknown_keys_and_out_of_range_values() {
        assert!(
            Faults::from_spec("latency=5").is_err(),
            "typo must not be ignored"
        );
        assert!(
            Faults::from_spec("error_rate=1.5").is_err(),
            "a share is at most 1"
        );
        assert!(
            Faults::from_spec("error_status=404").is_err(),
            "only 5xx errors"
        );
        assert!(
            Faults::from_spec("rate_limit_every=3,rate_limit_burst=3").is_err(),
            "a burst as long as the period would answer 429 forever"
        );
        assert_eq!(Faults::from_spec("").ok(), Some(Faults::none()));
    }
}
