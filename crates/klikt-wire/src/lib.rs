//! Wire types of the Klikt HTTP protocol, version 1.
//!
//! This crate owns the wire types shared by the client (Klikt Desktop) and
//! the reference server: every request and response body, the
//! `application/problem+json` error body, header names, path helpers and the
//! opaque change-feed [`Cursor`]. The protocol itself is specified in
//! `docs/protocol.md` (and `docs/openapi.yaml`); the names here are that
//! document's names.
//!
//! Conventions (all types follow them):
//! - JSON field names are `snake_case`; enums are lowercase strings.
//! - Timestamps are RFC 3339 in UTC (`chrono::DateTime<Utc>`), dates are
//!   `YYYY-MM-DD` (`chrono::NaiveDate`).
//! - Optional fields are omitted when absent; `null` is accepted as absent.
//! - Unknown *fields* are ignored (additive changes stay within `/v1`);
//!   unknown *enum values* and change kinds are rejected, because the value
//!   sets are closed within `/v1`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The path prefix of this protocol version.
pub const API_PREFIX: &str = "/v1";

/// Content type of every JSON request and success response.
pub const CONTENT_TYPE_JSON: &str = "application/json";
/// Content type of every error response (RFC 9457).
pub const CONTENT_TYPE_PROBLEM: &str = "application/problem+json";

/// Header names used by the protocol.
pub mod headers {
    /// `Authorization: Bearer <access_token>` on every authenticated request.
    pub const AUTHORIZATION: &str = "Authorization";
    /// Scheme of the access token in [`AUTHORIZATION`].
    pub const BEARER: &str = "Bearer";
    /// Guest uploads without an organizer session carry the share token.
    pub const SHARE_TOKEN: &str = "Klikt-Share-Token";
    /// Client-chosen key that makes `POST .../moderation` replay-safe.
    pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
    /// `true` on a response replayed from an earlier request with the same key.
    pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";
    /// Seconds to wait, on 429 and 503.
    pub const RETRY_AFTER: &str = "Retry-After";
    /// Strong validator of an original: the SHA-256 in quotes.
    pub const ETAG: &str = "ETag";
    pub const IF_NONE_MATCH: &str = "If-None-Match";
    pub const RANGE: &str = "Range";
    pub const IF_RANGE: &str = "If-Range";
    pub const CONTENT_RANGE: &str = "Content-Range";
    pub const ACCEPT_RANGES: &str = "Accept-Ranges";
    pub const WWW_AUTHENTICATE: &str = "WWW-Authenticate";
}

/// Names of the multipart fields of a guest upload.
pub mod upload_fields {
    /// The uploader's display name (text, required, 1–80 characters).
    pub const UPLOADER: &str = "uploader";
    /// A caption applied to every file of the upload (text, optional).
    pub const CAPTION: &str = "caption";
    /// One part per file (one or more), with a filename and content type.
    pub const FILE: &str = "file";
}

/// Values of the `code` extension of [`Problem`]. Clients must tolerate codes
/// not listed here (the `code` set is open; unknown codes fall back to the
/// HTTP status).
pub mod codes {
    pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
    pub const TOKEN_EXPIRED: &str = "token_expired";
    pub const INVALID_TOKEN: &str = "invalid_token";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const MEDIA_DELETED: &str = "media_deleted";
    pub const PREVIEW_UNAVAILABLE: &str = "preview_unavailable";
    pub const EVENT_EXPIRED: &str = "event_expired";
    pub const EVENT_DELETED: &str = "event_deleted";
    pub const VALIDATION_FAILED: &str = "validation_failed";
    pub const IDEMPOTENCY_KEY_MISSING: &str = "idempotency_key_missing";
    pub const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";
    pub const IDEMPOTENCY_KEY_IN_FLIGHT: &str = "idempotency_key_in_flight";
    pub const RANGE_NOT_SATISFIABLE: &str = "range_not_satisfiable";
    pub const UPLOAD_TOO_LARGE: &str = "upload_too_large";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const RATE_LIMITED: &str = "rate_limited";
}

/// Limits of the protocol.
pub mod limits {
    /// `limit` of the change feed when the query omits it.
    pub const CHANGES_DEFAULT_LIMIT: u32 = 100;
    /// Largest `limit` the server honours (larger values are clamped).
    pub const CHANGES_MAX_LIMIT: u32 = 1000;
    /// Most decisions in one moderation batch.
    pub const MAX_DECISIONS: usize = 500;
    /// Longest `Idempotency-Key` value.
    pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;
    /// How long the server remembers an idempotency key, in hours.
    pub const IDEMPOTENCY_KEY_RETENTION_HOURS: u32 = 24;
}

macro_rules! opaque_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

opaque_string!(
    /// An event id (opaque; e.g. `evt_7Hq2Lk`).
    EventId
);
opaque_string!(
    /// A media or guest-message id (opaque; unique across both, e.g.
    /// `med_…`, `msg_…`).
    ItemId
);
opaque_string!(
    /// An opaque change-feed position. Clients store and send it back
    /// verbatim and never parse or compare it.
    Cursor
);
opaque_string!(
    /// A client-chosen id of one moderation decision, unique in its batch.
    DecisionId
);

// ---------------------------------------------------------------- sessions

/// `POST /v1/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

/// `POST /v1/sessions/refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Answer of sign-in and refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Short-lived; sent as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Long-lived, single use: each refresh returns a new one.
    pub refresh_token: String,
    /// Lifetime of `access_token` in seconds.
    pub expires_in: u64,
}

// ------------------------------------------------------------------ events

/// When guest uploads become visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModerationMode {
    /// Uploads arrive `pending` and are shown once approved.
    Pre,
    /// Uploads arrive `approved` and are shown until hidden.
    Post,
}

/// An event (list item, detail and the `event` change are the same object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub name: String,
    /// The day of the event.
    pub date: NaiveDate,
    /// What the event's QR code encodes.
    pub share_url: String,
    pub moderation_mode: ModerationMode,
    pub plan_name: String,
    /// After this instant guests can no longer upload and the album is read-only.
    pub expires_at: DateTime<Utc>,
    /// After this instant the event and its originals are deleted (410).
    pub backup_until: DateTime<Utc>,
    /// Media items not deleted.
    pub media_count: u64,
    /// Sum of `size` of the media items not deleted.
    pub total_bytes: u64,
}

/// `GET /v1/events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventList {
    pub events: Vec<Event>,
}

// ------------------------------------------------------------------- items

/// Kind of a media item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Photo,
    Video,
}

/// Moderation status of a media item or guest message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    Pending,
    Approved,
    Hidden,
    /// Only in moderation answers; the feed reports deletions as tombstones.
    Deleted,
}

/// Which kind of item an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemType {
    Media,
    Message,
}

/// A photo or video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub id: ItemId,
    /// Increases on every change of the item (status, caption, deletion).
    pub version: u64,
    /// `photo` or `video`. On the wire `media_kind`, because `kind` is the
    /// tag of a [`Change`].
    pub media_kind: MediaKind,
    pub mime: String,
    pub original_name: String,
    pub uploader_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    /// Size of the original in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256 of the original; its ETag is this in quotes.
    pub sha256: String,
    pub status: ItemStatus,
}

/// A guest message (guest-book entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: ItemId,
    pub version: u64,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub status: ItemStatus,
}

// ------------------------------------------------------------- change feed

/// Why an item is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TombstoneReason {
    /// An organizer deleted it.
    Moderation,
    /// Removed on a removal request (e.g. a person asked to be taken down).
    RemovalRequest,
    /// The guest who uploaded it withdrew it.
    Uploader,
    /// The plan's retention ended for it.
    Retention,
}

/// A deleted media item or message. Final: no later upsert revives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub target: ItemType,
    pub id: ItemId,
    /// The item's version after deletion (greater than any earlier version).
    pub version: u64,
    pub reason: TombstoneReason,
    pub removed_at: DateTime<Utc>,
}

/// One entry of the change feed, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Change {
    /// Upsert of a media item (fields of [`Media`] beside `kind`).
    Media(Media),
    /// Upsert of a guest message.
    Message(Message),
    /// The event's own fields changed.
    Event(Event),
    /// A media item or message was deleted.
    Tombstone(Tombstone),
    /// The cursor sent is too old or unknown: forget it and replay the
    /// feed from `next_cursor` (see docs/protocol.md, "Reset").
    Reset,
}

/// `GET /v1/events/{id}/changes` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesPage {
    /// In feed order; apply in this order.
    pub changes: Vec<Change>,
    /// Always present: send it as `cursor` on the next request.
    pub next_cursor: Cursor,
    /// `true`: ask again at once; `false`: caught up, poll later.
    pub has_more: bool,
}

impl ChangesPage {
    /// Whether this page tells the client to reset (a single `reset` change).
    pub fn is_reset(&self) -> bool {
        matches!(self.changes.as_slice(), [Change::Reset])
    }
}

// -------------------------------------------------------------- moderation

/// A moderation action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Make visible (`approved`).
    Approve,
    /// Make invisible (`hidden`).
    Hide,
    /// Delete for good (tombstone, reason `moderation`).
    Delete,
    /// Undo a hide: back to the status a new upload gets in the event's
    /// moderation mode (`pending` in `pre`, `approved` in `post`).
    Restore,
}

/// One decision of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub decision_id: DecisionId,
    pub target: ItemType,
    pub id: ItemId,
    pub action: Action,
    /// The item version the organizer saw when deciding.
    pub base_version: u64,
}

/// `POST /v1/events/{id}/moderation` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationRequest {
    pub decisions: Vec<Decision>,
}

/// The outcome of one decision, tagged by `outcome`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum DecisionResult {
    /// Done (or already so); `version`/`status` are the item's after it.
    Applied {
        decision_id: DecisionId,
        version: u64,
        status: ItemStatus,
    },
    /// Not done: the item changed since `base_version` and the change wins.
    Conflict {
        decision_id: DecisionId,
        current_version: u64,
        current_status: ItemStatus,
    },
    /// The item is deleted (or never existed in this event).
    Gone {
        decision_id: DecisionId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<TombstoneReason>,
    },
}

impl DecisionResult {
    pub fn decision_id(&self) -> &DecisionId {
        match self {
            Self::Applied { decision_id, .. }
            | Self::Conflict { decision_id, .. }
            | Self::Gone { decision_id, .. } => decision_id,
        }
    }
}

/// `POST /v1/events/{id}/moderation` answer: one result per decision, in
/// request order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationResponse {
    pub results: Vec<DecisionResult>,
}

// ------------------------------------------------------------------ upload

/// `POST /v1/events/{id}/uploads` answer (201): the created media, in the
/// order of the `file` parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadResponse {
    pub media: Vec<Media>,
}

// ----------------------------------------------------------------- problem

/// An `application/problem+json` error body (RFC 9457) with the `code`
/// extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type", default = "about_blank")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Machine-readable reason, one of [`codes`] (an open set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    /// A problem of type `about:blank`.
    pub fn new(status: u16, title: impl Into<String>) -> Self {
        Self {
            type_: about_blank(),
            title: title.into(),
            status,
            detail: None,
            instance: None,
            code: None,
        }
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.title)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

// ------------------------------------------------------------------- etags

/// The strong ETag of an original: its SHA-256 (lowercase hex) in quotes.
pub fn etag_for_sha256(sha256: &str) -> String {
    format!("\"{sha256}\"")
}

// ------------------------------------------------------------------- paths

/// Path builders. Every id and cursor is percent-encoded, so any value is safe.
pub mod paths {
    use super::{Cursor, EventId, ItemId};
    use std::fmt::Write as _;

    /// Percent-encodes everything outside RFC 3986 "unreserved".
    pub fn encode(value: &str) -> String {
        let mut out = String::with_capacity(value.len());
        for byte in value.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                out.push(char::from(byte));
            } else {
                // Writing to a String cannot fail.
                let _ = write!(out, "%{byte:02X}");
            }
        }
        out
    }

    pub fn sessions() -> String {
        "/v1/sessions".to_owned()
    }
    pub fn session_refresh() -> String {
        "/v1/sessions/refresh".to_owned()
    }
    pub fn current_session() -> String {
        "/v1/sessions/current".to_owned()
    }
    pub fn events() -> String {
        "/v1/events".to_owned()
    }
    pub fn event(id: &EventId) -> String {
        format!("/v1/events/{}", encode(id.as_str()))
    }
    /// `/v1/events/{id}/changes` without a query.
    pub fn event_changes(id: &EventId) -> String {
        format!("{}/changes", event(id))
    }
    /// `/v1/events/{id}/changes?cursor=C&limit=N`; parts left out when `None`.
    pub fn event_changes_query(
        id: &EventId,
        cursor: Option<&Cursor>,
        limit: Option<u32>,
    ) -> String {
        let mut path = event_changes(id);
        let mut sep = '?';
        if let Some(cursor) = cursor {
            let _ = write!(path, "{sep}cursor={}", encode(cursor.as_str()));
            sep = '&';
        }
        if let Some(limit) = limit {
            let _ = write!(path, "{sep}limit={limit}");
        }
        path
    }
    pub fn event_moderation(id: &EventId) -> String {
        format!("{}/moderation", event(id))
    }
    pub fn event_uploads(id: &EventId) -> String {
        format!("{}/uploads", event(id))
    }
    pub fn media_original(id: &ItemId) -> String {
        format!("/v1/media/{}/original", encode(id.as_str()))
    }
    pub fn media_preview(id: &ItemId) -> String {
        format!("/v1/media/{}/preview", encode(id.as_str()))
    }
}
