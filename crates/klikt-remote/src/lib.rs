//! The HTTP client of the Klikt protocol (`docs/protocol.md`).
//!
//! This crate owns everything Klikt Desktop says to a Klikt server and how it
//! says it: the organizer's session (sign-in, serialized refreshes of the
//! single-use refresh token, sign-out), retries (capped exponential backoff
//! with full jitter, a client-wide `Retry-After` pause), the calls of the
//! protocol (events, the change feed, moderation, previews, guest uploads)
//! and resumable, hash-verified downloads of originals. It holds no state on
//! disk except the partial download file it is handed; tokens go to the
//! caller through [`TokenSink`] so they can be kept in the OS keyring.
//!
//! It talks to one server only, the one it was given, and sends nothing
//! else: no telemetry, no proxies picked up from the environment, no
//! redirects followed.
//!
//! Modules, one concern each:
//! - [`error`]: [`RemoteError`] with stable machine codes and user-facing messages.
//! - [`retry`]: [`RetryPolicy`], backoff math, `Retry-After` and the client-wide pause.
//! - [`session`]: [`Tokens`], [`TokenSink`], sign-in, refresh and sign-out.
//! - `client`: [`Client`] itself and the one request loop every call goes through.
//! - `api`: the JSON calls (events, changes, moderation, previews).
//! - `download`: resumable downloads of originals.
//! - `upload`: guest uploads (multipart).

mod api;
mod client;
mod download;
pub mod error;
pub mod retry;
pub mod session;
mod upload;

pub use api::new_idempotency_key;
pub use client::Client;
pub use error::RemoteError;
pub use retry::RetryPolicy;
pub use session::{TokenSink, Tokens};

/// The wire types this client speaks, re-exported for callers.
pub use klikt_wire;

/// `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("klikt-desktop/", env!("CARGO_PKG_VERSION"));

#[cfg(test)]
mod tests {
    use super::*;
    use klikt_wire::{EventId, ItemId, ModerationRequest};
    use std::path::{Path, PathBuf};

    fn assert_send<T: Send>(_: &T) {}

    /// Callers spawn these futures on a multi-threaded runtime.
    #[test]
    fn every_call_is_send_and_the_client_is_shareable() {
        fn shareable<T: Send + Sync + Clone + 'static>() {}
        shareable::<Client>();
        let client =
            Client::guest("http://127.0.0.1:9", RetryPolicy::fast_for_tests()).expect("client");
        let event = EventId::new("evt_1");
        let media = ItemId::new("med_1");
        let request = ModerationRequest { decisions: vec![] };
        let files: Vec<PathBuf> = vec![];
        let progress = |_: u64| {};
        assert_send(&client.events());
        assert_send(&client.event(&event));
        assert_send(&client.changes(&event, None, 10));
        assert_send(&client.moderate(&event, "k", &request));
        assert_send(&client.preview(&media));
        assert_send(&client.download_original(&media, "00", 1, Path::new("x"), &progress));
        assert_send(&client.upload(&event, None, "me", None, &files));
        assert_send(&client.sign_out());
        assert_send(&Client::sign_in(
            "http://127.0.0.1:9",
            "a",
            "b",
            RetryPolicy::fast_for_tests(),
        ));
    }
}
