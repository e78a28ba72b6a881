//! Random ids (`evt_…`, `med_…`, `msg_…`), secret tokens, and the SHA-256
//! hex digests tokens are stored as.

use rand::RngExt;
use sha2::{Digest, Sha256};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` random base62 characters from the thread's CSPRNG.
pub(crate) fn base62(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(BASE62[rng.random_range(0..BASE62.len())]))
        .collect()
}

/// A new event id.
pub(crate) fn event_id() -> String {
    format!("evt_{}", base62(10))
}

/// A new media id.
pub(crate) fn media_id() -> String {
    format!("med_{}", base62(12))
}

/// A new guest-message id.
pub(crate) fn message_id() -> String {
    format!("msg_{}", base62(12))
}

/// A new secret token with a readable prefix (`at_`, `rt_`, `s_`); 192 bits.
pub(crate) fn token(prefix: &str) -> String {
    format!("{prefix}{}", base62(32))
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}
