//! HTTP error answers: every error is `application/problem+json` with the
//! protocol's `code` ([`klikt_wire::Problem`]); [`ServerError`]s map to a
//! status and code here, in one place.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use klikt_wire::{codes, headers, Problem, CONTENT_TYPE_PROBLEM};

use crate::error::ServerError;

/// An error answer: a problem body plus the headers that go with it (boxed:
/// it travels in every handler's `Result`).
#[derive(Debug, Clone)]
pub(crate) struct ApiError(Box<Answer>);

#[derive(Debug, Clone)]
struct Answer {
    problem: Problem,
    headers: Vec<(HeaderName, String)>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> ApiError {
        let title = status.canonical_reason().unwrap_or("Error");
        ApiError::from_problem(
            Problem::new(status.as_u16(), title)
                .with_code(code)
                .with_detail(detail),
        )
    }

    /// An answer with exactly this problem body.
    pub(crate) fn from_problem(problem: Problem) -> ApiError {
        ApiError(Box::new(Answer {
            problem,
            headers: Vec::new(),
        }))
    }

    pub(crate) fn problem(&self) -> &Problem {
        &self.0.problem
    }

    pub(crate) fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> ApiError {
        self.0.headers.push((name, value.into()));
        self
    }

    pub(crate) fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// 401 with `WWW-Authenticate: Bearer error="invalid_token"`.
    pub(crate) fn unauthorized(code: &str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code, detail).with_header(
            header::WWW_AUTHENTICATE,
            format!("{} error=\"invalid_token\"", headers::BEARER),
        )
    }

    pub(crate) fn validation(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, codes::VALIDATION_FAILED, detail)
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, detail)
    }

    pub(crate) fn internal(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }

    /// The problem as a JSON body (for remembering idempotent answers).
    pub(crate) fn body(&self) -> String {
        serde_json::to_string(&self.0.problem).unwrap_or_default()
    }
}

impl From<ServerError> for ApiError {
    fn from(error: ServerError) -> ApiError {
        let detail = error.to_string();
        match error {
            ServerError::NotFound(_) => ApiError::not_found(detail),
            ServerError::MediaDeleted(_) => {
                ApiError::new(StatusCode::NOT_FOUND, codes::MEDIA_DELETED, detail)
            }
            ServerError::EventGone(_) | ServerError::EventExpired(_) => {
                ApiError::new(StatusCode::GONE, codes::EVENT_EXPIRED, detail)
            }
            ServerError::EventDeleted(_) => {
                ApiError::new(StatusCode::GONE, codes::EVENT_DELETED, detail)
            }
            ServerError::Validation(_) => ApiError::validation(detail),
            ServerError::UnsupportedMedia { .. } => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                detail,
            ),
            ServerError::UploadTooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::UPLOAD_TOO_LARGE,
                detail,
            ),
            ServerError::AccountPasswordMismatch(_) => {
                ApiError::unauthorized(codes::INVALID_CREDENTIALS, detail)
            }
            ServerError::Database(_)
            | ServerError::Io { .. }
            | ServerError::NewerSchema(..)
            | ServerError::Config(_)
            | ServerError::PasswordHash(_)
            | ServerError::Internal(_) => ApiError::internal(detail),
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> ApiError {
        ApiError::from(ServerError::from(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = self.body();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(CONTENT_TYPE_PROBLEM),
        );
        for (name, value) in self.0.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        response
    }
}
