//! Events: their rows, who may see them, when they are closed (past
//! `expires_at`) or gone (past `backup_until`, or deleted), and the
//! `GET /v1/events` and `GET /v1/events/{id}` endpoints.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::NaiveDate;
use klikt_wire::{Event, EventId, EventList, ItemStatus, ModerationMode};
use rusqlite::{Connection, OptionalExtension, Row};

use crate::auth::{require_account, Account};
use crate::clock;
use crate::error::{Result, ServerError};
use crate::http::AppState;
use crate::problem::ApiError;

/// Base of share URLs when no server has recorded its public URL yet.
pub(crate) const FALLBACK_PUBLIC_URL: &str = "http://localhost";
/// `meta` key holding the public URL of the last server started on the data dir.
pub(crate) const META_PUBLIC_URL: &str = "public_url";

/// One row of `events`.
#[derive(Debug, Clone)]
pub(crate) struct EventRow {
    pub(crate) id: String,
    pub(crate) account_id: i64,
    pub(crate) name: String,
    pub(crate) date: String,
    pub(crate) share_token: String,
    pub(crate) moderation_mode: ModerationMode,
    pub(crate) plan_name: String,
    pub(crate) expires_at: i64,
    pub(crate) backup_until: i64,
    pub(crate) deleted_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, name, date, share_token, moderation_mode, plan_name, \
                       expires_at, backup_until, deleted_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    let mode: String = r.get(5)?;
    Ok(EventRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get(2)?,
        date: r.get(3)?,
        share_token: r.get(4)?,
        moderation_mode: if mode == "pre" {
            ModerationMode::Pre
        } else {
            ModerationMode::Post
        },
        plan_name: r.get(6)?,
        expires_at: r.get(7)?,
        backup_until: r.get(8)?,
        deleted_at: r.get(9)?,
    })
}

/// `pre` / `post` as stored.
pub(crate) fn mode_str(mode: ModerationMode) -> &'static str {
    match mode {
        ModerationMode::Pre => "pre",
        ModerationMode::Post => "post",
    }
}

/// The share URL of an event: `{public_url}/e/{id}#{token}`.
pub(crate) fn share_url(public_url: &str, id: &str, token: &str) -> String {
    format!("{}/e/{id}#{token}", public_url.trim_end_matches('/'))
}

/// The public URL recorded by the last `serve` on this data dir (for admin
/// commands, which have no listen address of their own).
pub(crate) fn recorded_public_url(conn: &Connection) -> Result<String> {
    Ok(crate::store::Store::meta(conn, META_PUBLIC_URL)?
        .unwrap_or_else(|| FALLBACK_PUBLIC_URL.to_owned()))
}

impl EventRow {
    /// The event with this id, whoever owns it.
    pub(crate) fn load(conn: &Connection, id: &str) -> Result<Option<EventRow>> {
        Ok(conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM events WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?)
    }

    /// 410 if the event is deleted or past `backup_until`.
    pub(crate) fn check_not_gone(&self, now: i64) -> Result<()> {
        if self.deleted_at.is_some() {
            return Err(ServerError::EventDeleted(EventId::new(&self.id)));
        }
        if now >= self.backup_until {
            return Err(ServerError::EventGone(EventId::new(&self.id)));
        }
        Ok(())
    }

    /// 410 if uploads and moderation are closed (past `expires_at`), or gone.
    pub(crate) fn check_open(&self, now: i64) -> Result<()> {
        self.check_not_gone(now)?;
        if now >= self.expires_at {
            return Err(ServerError::EventExpired(EventId::new(&self.id)));
        }
        Ok(())
    }

    /// The status a new upload or message gets in this event.
    pub(crate) fn arrival_status(&self) -> ItemStatus {
        match self.moderation_mode {
            ModerationMode::Pre => ItemStatus::Pending,
            ModerationMode::Post => ItemStatus::Approved,
        }
    }

    /// The wire form, with the live media count and bytes.
    pub(crate) fn to_wire(&self, conn: &Connection, public_url: &str) -> Result<Event> {
        let (count, bytes): (i64, i64) = conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM media
             WHERE event_id = ?1 AND status != 'deleted'",
            [&self.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Event {
            id: EventId::new(&self.id),
            name: self.name.clone(),
            date: NaiveDate::parse_from_str(&self.date, "%Y-%m-%d").unwrap_or_default(),
            share_url: share_url(public_url, &self.id, &self.share_token),
            moderation_mode: self.moderation_mode,
            plan_name: self.plan_name.clone(),
            expires_at: clock::instant(self.expires_at),
            backup_until: clock::instant(self.backup_until),
            media_count: u64::try_from(count).unwrap_or(0),
            total_bytes: u64::try_from(bytes).unwrap_or(0),
        })
    }
}

/// The event if `account` owns it: 404 if unknown or another's, 410 if gone.
pub(crate) fn load_owned(conn: &Connection, account: Account, id: &str) -> Result<EventRow> {
    let event = EventRow::load(conn, id)?
        .filter(|e| e.account_id == account.id)
        .ok_or_else(|| ServerError::NotFound(format!("event {id}")))?;
    event.check_not_gone(clock::now())?;
    Ok(event)
}

/// `GET /v1/events`: the account's events that are not gone, newest date first.
pub(crate) async fn list_events(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<EventList>, ApiError> {
    let public_url = state.public_url.clone();
    let list = state
        .db(move |conn| {
            let account = require_account(conn, &headers)?;
            let now = clock::now();
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM events
                 WHERE account_id = ?1 AND deleted_at IS NULL AND backup_until > ?2
                 ORDER BY date DESC, created_at DESC"
            ))?;
            let rows = stmt
                .query_map(rusqlite::params![account.id, now], from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let events = rows
                .iter()
                .map(|e| e.to_wire(conn, &public_url))
                .collect::<Result<Vec<_>>>()?;
            Ok(EventList { events })
        })
        .await?;
    Ok(Json(list))
}

/// `GET /v1/events/{id}`.
pub(crate) async fn get_event(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Event>, ApiError> {
    let public_url = state.public_url.clone();
    let event = state
        .db(move |conn| {
            let account = require_account(conn, &headers)?;
            let event = load_owned(conn, account, &id)?;
            Ok(event.to_wire(conn, &public_url)?)
        })
        .await?;
    Ok(Json(event))
}
