//! Batch moderation: `POST /v1/events/{id}/moderation`. Decisions apply one
//! after another in one transaction under the protocol's conflict rules
//! (a tombstone wins, then the more restrictive state), and the whole
//! exchange is idempotent by `Idempotency-Key` (remembered per account and
//! event; replayed answers carry `Idempotent-Replayed: true`).

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use klikt_wire::{
    codes, headers, limits, Action, Decision, DecisionResult, ItemStatus, ModerationRequest,
    ModerationResponse, TombstoneReason, CONTENT_TYPE_JSON, CONTENT_TYPE_PROBLEM,
};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::auth::{require_account, Account};
use crate::clock;
use crate::error::Result;
use crate::events::{load_owned, EventRow};
use crate::http::{parse_json, AppState};
use crate::ids;
use crate::items::{self, load_item, status_str, target_str, ItemState};
use crate::problem::ApiError;
use crate::store::Store;

/// An in-flight key older than this belongs to a request that died; a retry
/// takes it over.
const ABANDONED_AFTER_SECS: i64 = 120;

fn action_str(action: Action) -> &'static str {
    match action {
        Action::Approve => "approve",
        Action::Hide => "hide",
        Action::Delete => "delete",
        Action::Restore => "restore",
    }
}

/// The outcome of one decision against the item's current state, under the
/// protocol's conflict rules. `restored` is the status `restore` leads to.
fn judge(decision: &Decision, item: &ItemState, restored: ItemStatus) -> Judgement {
    let target = match decision.action {
        Action::Approve => ItemStatus::Approved,
        Action::Hide => ItemStatus::Hidden,
        Action::Delete => ItemStatus::Deleted,
        Action::Restore => restored,
    };
    let base_matches = i64::try_from(decision.base_version).ok() == Some(item.version);
    let wins = base_matches
        || match decision.action {
            Action::Delete | Action::Hide => true,
            Action::Approve => matches!(item.status, ItemStatus::Pending | ItemStatus::Approved),
            Action::Restore => item.status == restored,
        };
    if wins {
        Judgement::Apply(target)
    } else {
        Judgement::Conflict
    }
}

enum Judgement {
    Apply(ItemStatus),
    Conflict,
}

/// Applies a validated batch; returns the results and the originals that
/// may have lost their last live item.
fn apply_batch(
    conn: &Connection,
    event: &EventRow,
    key: &str,
    request: &ModerationRequest,
) -> Result<(ModerationResponse, Vec<String>)> {
    let restored = event.arrival_status();
    let now = clock::now();
    let mut results = Vec::with_capacity(request.decisions.len());
    let mut orphan_candidates = Vec::new();
    for decision in &request.decisions {
        let decision_id = decision.decision_id.clone();
        let item = load_item(conn, decision.target, decision.id.as_str())?
            .filter(|item| item.event_id == event.id);
        let Some(item) = item else {
            results.push(DecisionResult::Gone {
                decision_id,
                reason: None,
            });
            continue;
        };
        if item.is_deleted() {
            results.push(DecisionResult::Gone {
                decision_id,
                reason: item.deleted_reason,
            });
            continue;
        }
        let result = match judge(decision, &item, restored) {
            Judgement::Conflict => DecisionResult::Conflict {
                decision_id,
                current_version: u64::try_from(item.version).unwrap_or(0),
                current_status: item.status,
            },
            Judgement::Apply(status) => {
                let version = if status == ItemStatus::Deleted {
                    if let Some(sha) = &item.sha256 {
                        orphan_candidates.push(sha.clone());
                    }
                    items::delete(conn, &item, TombstoneReason::Moderation)?
                } else {
                    items::set_status(conn, &item, status)?
                };
                conn.prepare_cached(
                    "INSERT INTO moderation_log (event_id, idempotency_key, decision_id, target,
                        item_id, action, version, status, applied_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    event.id,
                    key,
                    decision.decision_id.as_str(),
                    target_str(decision.target),
                    item.id,
                    action_str(decision.action),
                    version,
                    status_str(status),
                    now
                ])?;
                DecisionResult::Applied {
                    decision_id,
                    version: u64::try_from(version).unwrap_or(0),
                    status,
                }
            }
        };
        results.push(result);
    }
    Ok((ModerationResponse { results }, orphan_candidates))
}

fn validate(request: &ModerationRequest) -> Result<(), ApiError> {
    if request.decisions.len() > limits::MAX_DECISIONS {
        return Err(ApiError::validation(format!(
            "at most {} decisions per batch (got {})",
            limits::MAX_DECISIONS,
            request.decisions.len()
        )));
    }
    let mut seen = HashSet::new();
    for d in &request.decisions {
        if !seen.insert(d.decision_id.as_str()) {
            return Err(ApiError::validation(format!(
                "decision_id {:?} appears twice in the batch",
                d.decision_id.as_str()
            )));
        }
    }
    Ok(())
}

/// What the idempotency record says about a request.
enum Reservation {
    /// New (or abandoned) key: process the request.
    Fresh,
    /// Answered before: replay this status and body.
    Replay(u16, String),
}

/// A row of `idempotency_keys`.
struct KeyRecord {
    body_sha256: String,
    state: String,
    status: Option<u16>,
    response: Option<String>,
    created_at: i64,
}

fn reserve(
    conn: &mut Connection,
    account: Account,
    event_id: &str,
    key: &str,
    body_sha256: &str,
) -> Result<Reservation, ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = clock::now();
    let retention = i64::from(limits::IDEMPOTENCY_KEY_RETENTION_HOURS) * 3600;
    tx.execute(
        "DELETE FROM idempotency_keys WHERE created_at < ?1",
        [now - retention],
    )?;
    let existing: Option<KeyRecord> = tx
        .query_row(
            "SELECT body_sha256, state, status, response, created_at FROM idempotency_keys
             WHERE account_id = ?1 AND event_id = ?2 AND key = ?3",
            params![account.id, event_id, key],
            |r| {
                Ok(KeyRecord {
                    body_sha256: r.get(0)?,
                    state: r.get(1)?,
                    status: r.get(2)?,
                    response: r.get(3)?,
                    created_at: r.get(4)?,
                })
            },
        )
        .optional()?;
    let outcome = match existing {
        Some(record) if record.body_sha256 != body_sha256 => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was used with another body; a new batch needs a new key",
        )),
        Some(KeyRecord {
            state,
            status: Some(status),
            response: Some(response),
            ..
        }) if state == "done" => Ok(Reservation::Replay(status, response)),
        Some(record) if now - record.created_at < ABANDONED_AFTER_SECS => Err(ApiError::new(
            StatusCode::CONFLICT,
            codes::IDEMPOTENCY_KEY_IN_FLIGHT,
            "a request with this Idempotency-Key is still being processed; retry in a moment",
        )),
        _ => {
            tx.execute(
                "INSERT INTO idempotency_keys (account_id, event_id, key, body_sha256, state, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'in_flight', ?5)
                 ON CONFLICT (account_id, event_id, key) DO UPDATE SET
                    body_sha256 = excluded.body_sha256, state = 'in_flight', status = NULL,
                    response = NULL, created_at = excluded.created_at",
                params![account.id, event_id, key, body_sha256, now],
            )?;
            Ok(Reservation::Fresh)
        }
    };
    tx.commit()?;
    outcome
}

fn json_response(status: u16, body: String, replayed: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    let content_type = if status.is_success() {
        CONTENT_TYPE_JSON
    } else {
        CONTENT_TYPE_PROBLEM
    };
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if replayed {
        h.insert(
            headers::IDEMPOTENT_REPLAYED,
            HeaderValue::from_static("true"),
        );
    }
    response
}

/// A valid `Idempotency-Key`: 1–255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let Some(value) = headers.get(headers::IDEMPOTENCY_KEY) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::IDEMPOTENCY_KEY_MISSING,
            "moderation needs an Idempotency-Key header (a new UUID per batch)",
        ));
    };
    let key = value.to_str().unwrap_or("");
    let valid = !key.is_empty()
        && key.len() <= limits::MAX_IDEMPOTENCY_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(ApiError::validation(
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(key.to_owned())
}

/// Processes a batch whose key is reserved: the event must be open, the
/// body valid; then everything applies in one transaction.
fn process(
    store: &Store,
    account: Account,
    event_id: &str,
    key: &str,
    body: &[u8],
) -> Result<ModerationResponse, ApiError> {
    let (response, orphan_candidates) = store.with_conn(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let event = load_owned(&tx, account, event_id)?;
        event.check_open(clock::now())?;
        let request: ModerationRequest = parse_json(body)?;
        validate(&request)?;
        let applied = apply_batch(&tx, &event, key, &request)?;
        tx.commit()?;
        Ok::<_, ApiError>(applied)
    })?;
    remove_unused_originals(store, &orphan_candidates);
    Ok(response)
}

/// Deletes the bytes of originals no live media item refers to any more.
pub(crate) fn remove_unused_originals(store: &Store, shas: &[String]) {
    for sha in shas {
        let used = store.with_conn(|conn| items::original_still_used(conn, sha));
        if let Ok(false) = used {
            if let Err(e) = store.files.remove_original(sha) {
                eprintln!("klikt-server: {e}");
            }
        }
    }
}

/// `POST /v1/events/{id}/moderation`.
pub(crate) async fn moderate(
    State(state): State<AppState>,
    Path(event_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let account = {
        let headers = headers.clone();
        state
            .db(move |conn| require_account(conn, &headers))
            .await?
    };
    let key = idempotency_key(&headers)?;
    let body_sha256 = ids::sha256_hex(&body);
    let reservation = {
        let (event_id, key) = (event_id.clone(), key.clone());
        state
            .db(move |conn| reserve(conn, account, &event_id, &key, &body_sha256))
            .await?
    };
    if let Reservation::Replay(status, body) = reservation {
        return Ok(json_response(status, body, true));
    }
    let store = state.store.clone();
    let (status, body) = tokio::task::spawn_blocking(move || {
        let outcome = process(&store, account, &event_id, &key, &body);
        let (status, text) = match &outcome {
            Ok(response) => (200u16, serde_json::to_string(response).unwrap_or_default()),
            Err(error) => (error.problem().status, error.body()),
        };
        let remember = !(status == 401 || status == 429 || status >= 500);
        let recorded = store.with_conn(|conn| {
            if remember {
                conn.execute(
                    "UPDATE idempotency_keys SET state = 'done', status = ?4, response = ?5
                     WHERE account_id = ?1 AND event_id = ?2 AND key = ?3",
                    params![account.id, event_id, key, status, text],
                )?;
            } else {
                conn.execute(
                    "DELETE FROM idempotency_keys WHERE account_id = ?1 AND event_id = ?2 AND key = ?3",
                    params![account.id, event_id, key],
                )?;
            }
            Ok::<_, ApiError>(())
        });
        match (outcome, recorded) {
            (Err(error), _) => Err(error),
            (Ok(_), Err(error)) => Err(error),
            (Ok(_), Ok(())) => Ok((status, text)),
        }
    })
    .await
    .map_err(|e| ApiError::internal(format!("moderation task failed: {e}")))??;
    Ok(json_response(status, body, false))
}
