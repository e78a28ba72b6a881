//! The server's notion of now, in one place, and conversions between the
//! database's Unix seconds and the wire's `DateTime<Utc>`.

use chrono::{DateTime, TimeZone, Utc};

/// Now, truncated to whole seconds (the wire shows seconds).
pub(crate) fn now() -> i64 {
    Utc::now().timestamp()
}

/// Now in milliseconds (access-token expiry, so short test lifetimes work).
pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Unix seconds as a UTC instant; out-of-range values clamp to the epoch.
pub(crate) fn instant(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}
