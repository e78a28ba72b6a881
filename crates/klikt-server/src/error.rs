//! `ServerError`: what can go wrong in the server's logic, shared by the HTTP
//! handlers and the admin commands. The HTTP layer (`problem`) maps each
//! variant to a status and a protocol `code`; the binary prints its message.

use std::path::PathBuf;

use klikt_wire::{EventId, ItemId};

/// An error of the reference server's library API.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the database in {0} was written by a newer klikt-server (schema {1}); upgrade klikt-server")]
    NewerSchema(PathBuf, i64),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Validation(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("media {0} was deleted")]
    MediaDeleted(ItemId),
    #[error("event {0} is past its backup period; its data is deleted")]
    EventGone(EventId),
    #[error("event {0} was deleted by its owner")]
    EventDeleted(EventId),
    #[error("event {0} has expired: uploads and moderation are closed")]
    EventExpired(EventId),
    #[error("{name}: not a supported photo or video")]
    UnsupportedMedia { name: String },
    #[error("upload larger than {limit} bytes")]
    UploadTooLarge { limit: u64 },
    #[error("account {0} exists with another password")]
    AccountPasswordMismatch(String),
    #[error("password hashing: {0}")]
    PasswordHash(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl ServerError {
    /// An I/O error with what was being done (and on which path).
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        ServerError::Io {
            context: context.into(),
            source,
        }
    }
}

/// The result type of the server's functions.
pub type Result<T, E = ServerError> = std::result::Result<T, E>;
