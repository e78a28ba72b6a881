//! Accounts and sessions: password sign-in (argon2), short-lived access
//! tokens, single-use rotating refresh tokens whose replay revokes the
//! session, and sign-out. Tokens are random and stored only as SHA-256.

use argon2::password_hash::PasswordHasher;
use argon2::{Argon2, PasswordVerifier};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use klikt_wire::{codes, RefreshRequest, Session, SignInRequest};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::clock;
use crate::error::{Result, ServerError};
use crate::http::{parse_json, AppState};
use crate::ids;
use crate::problem::ApiError;

/// The organizer a request acts for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Account {
    pub(crate) id: i64,
}

/// Normalized form of an email (accounts are found case-insensitively).
fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ServerError::PasswordHash(e.to_string()))
}

fn password_matches(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// Creates an account, or accepts an existing one with the same password.
/// Returns the account's row id.
pub(crate) fn ensure_account(conn: &mut Connection, email: &str, password: &str) -> Result<i64> {
    let email = normalize_email(email);
    if email.is_empty() || password.is_empty() {
        return Err(ServerError::Validation(
            "an account needs an email and a password".into(),
        ));
    }
    let existing: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, password_hash FROM accounts WHERE email = ?1",
            [&email],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, hash)) = existing {
        return if password_matches(password, &hash) {
            Ok(id)
        } else {
            Err(ServerError::AccountPasswordMismatch(email))
        };
    }
    let hash = hash_password(password)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO accounts (email, password_hash, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (email) DO NOTHING",
        params![email, hash, clock::now()],
    )?;
    let (id, stored): (i64, String) = tx.query_row(
        "SELECT id, password_hash FROM accounts WHERE email = ?1",
        [&email],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tx.commit()?;
    if stored != hash && !password_matches(password, &stored) {
        // Another process created it meanwhile, with another password.
        return Err(ServerError::AccountPasswordMismatch(email));
    }
    Ok(id)
}

/// Issues a new access + refresh token pair for `session_id`.
fn issue_tokens(conn: &Connection, session_id: i64, access_ttl_ms: i64) -> Result<Session> {
    let access = ids::token("at_");
    let refresh = ids::token("rt_");
    conn.execute(
        "INSERT INTO access_tokens (token_hash, session_id, expires_at_ms) VALUES (?1, ?2, ?3)",
        params![
            ids::sha256_hex(access.as_bytes()),
            session_id,
            clock::now_ms() + access_ttl_ms
        ],
    )?;
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, session_id) VALUES (?1, ?2)",
        params![ids::sha256_hex(refresh.as_bytes()), session_id],
    )?;
    Ok(Session {
        access_token: access,
        refresh_token: refresh,
        expires_in: u64::try_from(access_ttl_ms / 1000).unwrap_or(0),
    })
}

fn revoke_session(conn: &Connection, session_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![session_id, clock::now()],
    )?;
    Ok(())
}

/// The bearer token of a request, if it has one.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case(klikt_wire::headers::BEARER)
        .then(|| token.trim())
}

/// The account of a valid access token.
pub(crate) fn authenticate(conn: &Connection, token: &str) -> Result<Account, ApiError> {
    let row: Option<(i64, i64, Option<i64>)> = conn
        .query_row(
            "SELECT s.account_id, t.expires_at_ms, s.revoked_at
             FROM access_tokens t JOIN sessions s ON s.id = t.session_id
             WHERE t.token_hash = ?1",
            [ids::sha256_hex(token.as_bytes())],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match row {
        None => Err(ApiError::unauthorized(
            codes::INVALID_TOKEN,
            "unknown access token",
        )),
        Some((_, _, Some(_))) => Err(ApiError::unauthorized(
            codes::INVALID_TOKEN,
            "the session was signed out or revoked",
        )),
        Some((_, expires_at_ms, None)) if expires_at_ms <= clock::now_ms() => Err(
            ApiError::unauthorized(codes::TOKEN_EXPIRED, "the access token has expired"),
        ),
        Some((account_id, _, None)) => Ok(Account { id: account_id }),
    }
}

/// The account of a request's bearer token, or 401.
pub(crate) fn require_account(conn: &Connection, headers: &HeaderMap) -> Result<Account, ApiError> {
    let token = bearer_token(headers).ok_or_else(|| {
        ApiError::unauthorized(
            codes::INVALID_TOKEN,
            "an Authorization: Bearer token is required",
        )
    })?;
    authenticate(conn, token)
}

fn session_response(status: StatusCode, session: Session) -> Response {
    (status, axum::Json(session)).into_response()
}

/// `POST /v1/sessions`.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let request: SignInRequest = parse_json(&body)?;
    let ttl_ms = state.access_ttl_ms();
    let session = state
        .db(move |conn| {
            let email = normalize_email(&request.email);
            let account: Option<(i64, String)> = conn
                .query_row(
                    "SELECT id, password_hash FROM accounts WHERE email = ?1",
                    [&email],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let account_id = match account {
                Some((id, hash)) if password_matches(&request.password, &hash) => id,
                _ => {
                    return Err(ApiError::unauthorized(
                        codes::INVALID_CREDENTIALS,
                        "wrong email or password",
                    ))
                }
            };
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO sessions (account_id, created_at) VALUES (?1, ?2)",
                params![account_id, clock::now()],
            )?;
            let session = issue_tokens(&tx, tx.last_insert_rowid(), ttl_ms)?;
            tx.commit()?;
            Ok(session)
        })
        .await?;
    Ok(session_response(StatusCode::CREATED, session))
}

/// `POST /v1/sessions/refresh`.
pub(crate) async fn refresh(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let request: RefreshRequest = parse_json(&body)?;
    let ttl_ms = state.access_ttl_ms();
    let session = state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row: Option<(i64, Option<i64>, Option<i64>)> = tx
                .query_row(
                    "SELECT r.session_id, r.used_at, s.revoked_at
                     FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
                     WHERE r.token_hash = ?1",
                    [ids::sha256_hex(request.refresh_token.as_bytes())],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let outcome = match row {
                None => Err(ApiError::unauthorized(
                    codes::INVALID_TOKEN,
                    "unknown refresh token",
                )),
                Some((_, _, Some(_))) => Err(ApiError::unauthorized(
                    codes::INVALID_TOKEN,
                    "the session was signed out or revoked",
                )),
                Some((session_id, Some(_), None)) => {
                    // A used token came back: it was stolen or replayed.
                    revoke_session(&tx, session_id)?;
                    Err(ApiError::unauthorized(
                        codes::INVALID_TOKEN,
                        "refresh token already used; the session is revoked",
                    ))
                }
                Some((session_id, None, None)) => {
                    tx.execute(
                        "UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1",
                        params![
                            ids::sha256_hex(request.refresh_token.as_bytes()),
                            clock::now()
                        ],
                    )?;
                    Ok(issue_tokens(&tx, session_id, ttl_ms)?)
                }
            };
            tx.commit()?;
            outcome
        })
        .await?;
    Ok(session_response(StatusCode::OK, session))
}

/// `DELETE /v1/sessions/current`: revokes the session of the bearer token,
/// expired or not; an already revoked session answers 204 too.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = bearer_token(&headers)
        .ok_or_else(|| {
            ApiError::unauthorized(
                codes::INVALID_TOKEN,
                "an Authorization: Bearer token is required",
            )
        })?
        .to_owned();
    state
        .db(move |conn| {
            let session_id: Option<i64> = conn
                .query_row(
                    "SELECT session_id FROM access_tokens WHERE token_hash = ?1",
                    [ids::sha256_hex(token.as_bytes())],
                    |r| r.get(0),
                )
                .optional()?;
            let session_id = session_id.ok_or_else(|| {
                ApiError::unauthorized(codes::INVALID_TOKEN, "unknown access token")
            })?;
            revoke_session(conn, session_id)?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
