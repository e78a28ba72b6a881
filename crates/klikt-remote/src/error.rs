//! Errors of the client: one variant per way a call can fail that a caller
//! (or the organizer) handles differently, each with a stable machine code
//! ([`RemoteError::code`]) and a message that names the URL or item and says
//! what happened in plain words.

use klikt_wire::{codes, Problem};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The server address is not a usable `http`/`https` URL.
    #[error("\"{url}\" is not a usable server address: {reason}")]
    BadUrl { url: String, reason: String },

    /// The request never got an answer: DNS, connection refused or reset, TLS.
    #[error("could not reach {url}: {reason}; check the internet connection and try again")]
    Network { url: String, reason: String },

    /// No answer (or, for downloads, no data) within the policy's time limit.
    #[error("{url} did not answer: {reason}")]
    Timeout { url: String, reason: String },

    /// The session is over (refresh refused, signed out, never signed in):
    /// the organizer has to sign in again.
    #[error("the session with the Klikt server has ended ({reason}); please sign in again")]
    SessionExpired { reason: String },

    /// Sign-in refused: wrong email or password.
    #[error("the server at {url} did not accept this email address and password")]
    InvalidCredentials { url: String },

    /// `410`: the event is deleted or past its backup date (`event_deleted`,
    /// `event_expired`), or, for uploads and moderation, past its expiry.
    #[error("{}", gone_message(url, code.as_deref(), problem.as_deref()))]
    EventGone {
        url: String,
        /// The problem's `code`: `event_expired` or `event_deleted` (or none).
        code: Option<String>,
        problem: Option<Box<Problem>>,
    },

    /// `404` for an unknown event or media item (or one of another organizer).
    #[error("{url} does not exist on the server (or belongs to another account)")]
    NotFound {
        url: String,
        problem: Option<Box<Problem>>,
    },

    /// `404` with code `media_deleted`: the media item was deleted on the server.
    #[error("the media item at {url} was deleted on the server")]
    MediaDeleted {
        url: String,
        problem: Option<Box<Problem>>,
    },

    /// `403`, or a guest share token the server refused.
    #[error("the server refused access to {url}{}", detail_suffix(problem.as_deref()))]
    Forbidden {
        url: String,
        problem: Option<Box<Problem>>,
    },

    /// `429` that the client could not wait out within its retry policy.
    #[error("the server at {url} asked to slow down{}; try again later", retry_after_words(*retry_after))]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
        problem: Option<Box<Problem>>,
    },

    /// `5xx` that persisted through the retries.
    #[error("the server had a problem answering {url} (HTTP {status}){}; try again later", detail_suffix(problem.as_deref()))]
    ServerError {
        url: String,
        status: u16,
        problem: Option<Box<Problem>>,
    },

    /// Any other refused request (`400`, `409`, `413`, `415`, `416`, `422`):
    /// branch on [`RemoteError::problem_code`].
    #[error("the server refused the request to {url} (HTTP {status}){}", detail_suffix(problem.as_deref()))]
    Rejected {
        url: String,
        status: u16,
        problem: Option<Box<Problem>>,
    },

    /// The downloaded bytes do not have the SHA-256 the feed announced. The
    /// partial file has been deleted.
    #[error("the download of media item {media} is damaged: expected SHA-256 {expected}, got {actual}; the partial file was deleted")]
    HashMismatch {
        media: String,
        expected: String,
        actual: String,
    },

    /// The server's answer breaks the protocol (bad JSON, unknown enum value,
    /// a `reset` not alone on its page, a wrong `Content-Range`).
    #[error("the server's answer to {url} is not valid Klikt protocol: {reason}")]
    Protocol { url: String, reason: String },

    /// The caller passed something the protocol does not allow.
    #[error("invalid request: {reason}")]
    InvalidRequest { reason: String },

    /// A local file could not be read or written.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl RemoteError {
    /// A stable machine-readable code (for `{code, message}` errors across IPC).
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadUrl { .. } => "bad_url",
            Self::Network { .. } => "network",
            Self::Timeout { .. } => "timeout",
            Self::SessionExpired { .. } => "session_expired",
            Self::InvalidCredentials { .. } => "invalid_credentials",
            Self::EventGone { .. } => "event_gone",
            Self::NotFound { .. } => "not_found",
            Self::MediaDeleted { .. } => "media_deleted",
            Self::Forbidden { .. } => "forbidden",
            Self::RateLimited { .. } => "rate_limited",
            Self::ServerError { .. } => "server_error",
            Self::Rejected { .. } => "rejected",
            Self::HashMismatch { .. } => "hash_mismatch",
            Self::Protocol { .. } => "protocol",
            Self::InvalidRequest { .. } => "invalid_request",
            Self::Io { .. } => "io",
        }
    }

    /// The problem body the server sent with this error, if any.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::EventGone { problem, .. }
            | Self::NotFound { problem, .. }
            | Self::MediaDeleted { problem, .. }
            | Self::Forbidden { problem, .. }
            | Self::RateLimited { problem, .. }
            | Self::ServerError { problem, .. }
            | Self::Rejected { problem, .. } => problem.as_deref(),
            _ => None,
        }
    }

    /// The server's problem `code` (e.g. `event_expired`, `upload_too_large`).
    pub fn problem_code(&self) -> Option<&str> {
        match self {
            Self::EventGone { code, .. } => code.as_deref(),
            _ => self.problem().and_then(|p| p.code.as_deref()),
        }
    }

    /// Whether trying the same thing again later may succeed (network
    /// trouble, timeouts, rate limits, server errors). Permanent errors need
    /// the organizer (sign in, fix the address) or mean the thing is gone.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Network { .. }
                | Self::Timeout { .. }
                | Self::RateLimited { .. }
                | Self::ServerError { .. }
        )
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn protocol(url: &str, reason: impl Into<String>) -> Self {
        Self::Protocol {
            url: url.to_owned(),
            reason: reason.into(),
        }
    }

    /// The error for a non-success answer, by status and problem code.
    /// `401` is handled by the caller (refresh) before it gets here, except
    /// for sign-in (wrong credentials) and for guest share tokens.
    pub(crate) fn from_status(url: &str, status: u16, problem: Option<Problem>) -> Self {
        let url = url.to_owned();
        let code = problem.as_ref().and_then(|p| p.code.clone());
        let problem = problem.map(Box::new);
        match status {
            401 if code.as_deref() == Some(codes::INVALID_CREDENTIALS) => {
                Self::InvalidCredentials { url }
            }
            401 => Self::SessionExpired {
                reason: format!(
                    "the server refused the sign-in token{}",
                    code.map(|c| format!(" ({c})")).unwrap_or_default()
                ),
            },
            403 => Self::Forbidden { url, problem },
            404 if code.as_deref() == Some(codes::MEDIA_DELETED) => {
                Self::MediaDeleted { url, problem }
            }
            404 => Self::NotFound { url, problem },
            410 => Self::EventGone { url, code, problem },
            429 => Self::RateLimited {
                url,
                retry_after: None,
                problem,
            },
            500..=599 => Self::ServerError {
                url,
                status,
                problem,
            },
            _ => Self::Rejected {
                url,
                status,
                problem,
            },
        }
    }
}

fn gone_message(url: &str, code: Option<&str>, problem: Option<&Problem>) -> String {
    let what = match code {
        Some(codes::EVENT_EXPIRED) => "the event has expired on the server",
        Some(codes::EVENT_DELETED) => "the event was deleted on the server",
        _ => "the event is no longer available on the server",
    };
    format!("{what} ({url}){}", detail_suffix(problem))
}

fn detail_suffix(problem: Option<&Problem>) -> String {
    match problem.and_then(|p| p.detail.as_deref()) {
        Some(detail) => format!(": {detail}"),
        None => String::new(),
    }
}

fn retry_after_words(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!(" for {} s", d.as_secs()),
        None => String::new(),
    }
}

/// The most specific reason in an error's source chain ("Connection refused
/// (os error 111)" rather than "error sending request").
pub(crate) fn innermost_reason(error: &(dyn std::error::Error + 'static)) -> String {
    let mut reason = error.to_string();
    let mut current = error.source();
    while let Some(source) = current {
        reason = source.to_string();
        current = source.source();
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_404_with_media_deleted_code_is_media_deleted() {
        let problem = Problem::new(404, "Not Found").with_code(codes::MEDIA_DELETED);
        let err = RemoteError::from_status("http://x/v1/media/m/original", 404, Some(problem));
        assert_eq!(
            err.code(),
            "media_deleted",
            "the code tells a deleted item from an unknown one"
        );
    }

    #[test]
    fn status_410_keeps_the_problem_code_and_says_expired() {
        let problem = Problem::new(410, "Gone").with_code(codes::EVENT_EXPIRED);
        let err = RemoteError::from_status("http://x/v1/events/e", 410, Some(problem));
        assert_eq!(err.code(), "event_gone");
        assert_eq!(
            err.problem_code(),
            Some("event_expired"),
            "the caller tells expired from deleted"
        );
        assert!(err.to_string().contains("expired"), "message: {err}");
    }

    #[test]
    fn an_unknown_problem_code_falls_back_to_the_status() {
        let problem = Problem::new(404, "Not Found").with_code("something_new");
        let err = RemoteError::from_status("http://x/y", 404, Some(problem));
        assert_eq!(err.code(), "not_found");
    }

    #[test]
    fn sign_in_refusal_is_invalid_credentials() {
        let problem = Problem::new(401, "Unauthorized").with_code(codes::INVALID_CREDENTIALS);
        let err = RemoteError::from_status("http://x/v1/sessions", 401, Some(problem));
        assert_eq!(err.code(), "invalid_credentials");
    }
}
