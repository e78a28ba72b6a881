//! The `events` table: local-only events and events linked to the service.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::{LibraryError, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: i64,
    pub name: String,
    pub remote_id: Option<String>,
    pub created_at: String,
    /// For a linked event: `active`, `expired` (the plan ended; local copies
    /// stay) or `gone` (the server no longer has it).
    pub server_state: String,
    /// For a linked event: when uploads close on the server (the album
    /// turns read-only; everything can still be pulled).
    pub expires_at: Option<String>,
    pub last_pulled_at: Option<String>,
    /// For a linked event: when the server deletes the event and its
    /// originals (the date that matters for archiving).
    pub backup_until: Option<String>,
}

/// An event with the counts the event list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStats {
    pub event: EventRow,
    pub media_count: i64,
    pub pending_count: i64,
    pub total_bytes: i64,
}

const COLUMNS: &str =
    "e.id, e.name, e.remote_id, e.created_at, e.server_state, e.expires_at, e.last_pulled_at, e.backup_until";

fn from_row(row: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: row.get(0)?,
        name: row.get(1)?,
        remote_id: row.get(2)?,
        created_at: row.get(3)?,
        server_state: row.get(4)?,
        expires_at: row.get(5)?,
        last_pulled_at: row.get(6)?,
        backup_until: row.get(7)?,
    })
}

pub fn list_with_stats(conn: &Connection) -> Result<Vec<EventStats>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS},
                count(m.id),
                coalesce(sum(m.status = 'pending'), 0),
                coalesce(sum(m.size), 0)
         FROM events e LEFT JOIN media m ON m.event_id = e.id AND m.status != 'deleted'
         GROUP BY e.id ORDER BY e.created_at DESC, e.id DESC"
    ))?;
    let rows = stmt.query_map([], |row| {
        Ok(EventStats {
            event: from_row(row)?,
            media_count: row.get(8)?,
            pending_count: row.get(9)?,
            total_bytes: row.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<EventRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM events e WHERE e.id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// Finds an event by local id (when `key` is a number naming an existing
/// event), by the server's event id, or by name.
pub fn find(conn: &Connection, key: &str) -> Result<EventRow> {
    if let Ok(id) = key.trim().parse::<i64>() {
        if let Some(event) = get(conn, id)? {
            return Ok(event);
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM events e WHERE e.remote_id = ?1
         UNION ALL
         SELECT {COLUMNS} FROM events e WHERE e.name = ?1 AND NOT EXISTS
             (SELECT 1 FROM events r WHERE r.remote_id = ?1)
         ORDER BY 1"
    ))?;
    let found = stmt
        .query_map([key], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    match found.len() {
        0 => Err(LibraryError::NotFound(format!(
            "no event with id or name {key:?} (see `klikt events`)"
        ))),
        1 => Ok(found
            .into_iter()
            .next()
            .ok_or_else(|| LibraryError::NotFound(format!("no event with id or name {key:?}")))?),
        n => Err(LibraryError::Invalid(format!(
            "{n} events are named {key:?}; use the event id instead (see `klikt events`)"
        ))),
    }
}

/// Returns the local-only event called `name`, creating it if it does not exist.
pub fn find_or_create_local(conn: &Connection, name: &str, now: &str) -> Result<(EventRow, bool)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(LibraryError::Invalid(
            "an event name must have 1 to 200 characters".into(),
        ));
    }
    let existing = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM events e WHERE e.name = ?1 AND e.remote_id IS NULL"
        ))?
        .query_row([name], from_row)
        .optional()?;
    if let Some(event) = existing {
        return Ok((event, false));
    }
    conn.execute(
        "INSERT INTO events (name, created_at) VALUES (?1, ?2)",
        params![name, now],
    )?;
    let id = conn.last_insert_rowid();
    Ok((
        EventRow {
            id,
            name: name.to_owned(),
            remote_id: None,
            created_at: now.to_owned(),
            server_state: "active".to_owned(),
            expires_at: None,
            last_pulled_at: None,
            backup_until: None,
        },
        true,
    ))
}

/// What the server says about a linked event.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteEvent {
    pub remote_id: String,
    pub name: String,
    pub event_date: Option<String>,
    pub share_url: String,
    pub moderation_mode: String,
    pub plan_name: String,
    pub expires_at: String,
    pub backup_until: String,
    pub media_count: i64,
    pub total_bytes: i64,
}

/// A linked event's sync state.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub event_id: i64,
    pub server_url: String,
    pub remote_id: String,
    pub feed_cursor: Option<String>,
    pub last_pulled_at: Option<String>,
    /// `active`, `expired` or `gone`.
    pub server_state: String,
    pub expires_at: Option<String>,
    pub backup_until: Option<String>,
    pub reset_replay: Option<i64>,
    /// `pre` or `post`.
    pub moderation_mode: Option<String>,
}

/// The event linked to `remote_id` on `server_url`, if it is in the library.
pub fn find_linked(
    conn: &Connection,
    server_url: &str,
    remote_id: &str,
) -> Result<Option<EventRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM events e WHERE e.server_url = ?1 AND e.remote_id = ?2"
        ))?
        .query_row(params![server_url, remote_id], from_row)
        .optional()?)
}

/// Creates or refreshes the local event linked to `event` on `server_url`.
pub fn upsert_linked(
    conn: &Connection,
    server_url: &str,
    event: &RemoteEvent,
    now: &str,
) -> Result<EventRow> {
    conn.prepare_cached(
        "INSERT INTO events (name, remote_id, server_url, created_at, event_date, share_url,
                             moderation_mode, plan_name, expires_at, backup_until,
                             remote_media_count, remote_total_bytes)
         VALUES (:name, :remote_id, :server_url, :now, :event_date, :share_url, :moderation_mode,
                 :plan_name, :expires_at, :backup_until, :media_count, :total_bytes)
         ON CONFLICT (server_url, remote_id) WHERE remote_id IS NOT NULL DO UPDATE SET
             name = excluded.name, event_date = excluded.event_date,
             share_url = excluded.share_url, moderation_mode = excluded.moderation_mode,
             plan_name = excluded.plan_name, expires_at = excluded.expires_at,
             backup_until = excluded.backup_until,
             remote_media_count = excluded.remote_media_count,
             remote_total_bytes = excluded.remote_total_bytes",
    )?
    .execute(rusqlite::named_params! {
        ":name": event.name,
        ":remote_id": event.remote_id,
        ":server_url": server_url,
        ":now": now,
        ":event_date": event.event_date,
        ":share_url": event.share_url,
        ":moderation_mode": event.moderation_mode,
        ":plan_name": event.plan_name,
        ":expires_at": event.expires_at,
        ":backup_until": event.backup_until,
        ":media_count": event.media_count,
        ":total_bytes": event.total_bytes,
    })?;
    find_linked(conn, server_url, &event.remote_id)?.ok_or_else(|| {
        LibraryError::NotFound(format!("event {} vanished while saved", event.remote_id))
    })
}

/// The sync state of a linked event; `None` for a local-only one.
pub fn link(conn: &Connection, event_id: i64) -> Result<Option<Link>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, server_url, remote_id, feed_cursor, last_pulled_at, server_state,
                    expires_at, backup_until, reset_replay, moderation_mode
             FROM events WHERE id = ?1 AND remote_id IS NOT NULL AND server_url IS NOT NULL",
        )?
        .query_row([event_id], |row| {
            Ok(Link {
                event_id: row.get(0)?,
                server_url: row.get(1)?,
                remote_id: row.get(2)?,
                feed_cursor: row.get(3)?,
                last_pulled_at: row.get(4)?,
                server_state: row.get(5)?,
                expires_at: row.get(6)?,
                backup_until: row.get(7)?,
                reset_replay: row.get(8)?,
                moderation_mode: row.get(9)?,
            })
        })
        .optional()?)
}

/// Stores how far the feed was read (in the transaction that applied the page).
pub fn set_feed_position(
    conn: &Connection,
    event_id: i64,
    cursor: &str,
    reset_replay: Option<i64>,
) -> Result<()> {
    conn.prepare_cached("UPDATE events SET feed_cursor = ?2, reset_replay = ?3 WHERE id = ?1")?
        .execute(params![event_id, cursor, reset_replay])?;
    Ok(())
}

pub fn set_last_pulled(conn: &Connection, event_id: i64, at: &str) -> Result<()> {
    conn.prepare_cached("UPDATE events SET last_pulled_at = ?2 WHERE id = ?1")?
        .execute(params![event_id, at])?;
    Ok(())
}

/// Marks what the server says about the event as a whole (`active`,
/// `expired`, `gone`). A `gone` event stays gone.
pub fn set_server_state(conn: &Connection, event_id: i64, state: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE events SET server_state = ?2 WHERE id = ?1 AND server_state != 'gone'",
    )?
    .execute(params![event_id, state])?;
    Ok(())
}

/// The event's share URL (what guests scan), for a linked event.
pub fn share_url(conn: &Connection, event_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT share_url FROM events WHERE id = ?1")?
        .query_row([event_id], |row| row.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// A linked event's plan, for export manifests (all `None` for a local event).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanInfo {
    pub server_url: Option<String>,
    pub plan_name: Option<String>,
    pub backup_until: Option<String>,
}

pub fn plan_info(conn: &Connection, event_id: i64) -> Result<PlanInfo> {
    Ok(conn
        .prepare_cached("SELECT server_url, plan_name, backup_until FROM events WHERE id = ?1")?
        .query_row([event_id], |row| {
            Ok(PlanInfo {
                server_url: row.get(0)?,
                plan_name: row.get(1)?,
                backup_until: row.get(2)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// The originals (hash, size) of event `?1` that no other event has: what
/// forgetting it frees, and the files it removes.
const OWN_ORIGINALS: &str = "SELECT DISTINCT m.sha256, m.size FROM media m WHERE m.event_id = ?1
     AND NOT EXISTS (SELECT 1 FROM media o WHERE o.sha256 = m.sha256 AND o.event_id != ?1)";

/// What an event holds, for the confirmation before forgetting it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Footprint {
    /// Every item, in the trash or not.
    pub media_count: i64,
    pub message_count: i64,
    /// Bytes of originals no other event shares.
    pub own_bytes: i64,
    /// Decisions not yet accepted by the server (pending or dead).
    pub unsent_decisions: i64,
}

pub fn footprint(conn: &Connection, event_id: i64) -> Result<Footprint> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT
                (SELECT count(*) FROM media WHERE event_id = ?1),
                (SELECT count(*) FROM messages WHERE event_id = ?1),
                (SELECT coalesce(sum(size), 0) FROM ({OWN_ORIGINALS})),
                (SELECT count(*) FROM outbox WHERE event_id = ?1)"
        ))?
        .query_row([event_id], |row| {
            Ok(Footprint {
                media_count: row.get(0)?,
                message_count: row.get(1)?,
                own_bytes: row.get(2)?,
                unsent_decisions: row.get(3)?,
            })
        })?)
}

/// Deletes the event and, through the schema's cascades, every row of it
/// (media, messages, decisions, outbox, collections, settings, exports).
/// Returns the originals' hashes no other event uses (their files can go).
pub fn delete_everything(conn: &Connection, event_id: i64) -> Result<Vec<String>> {
    let orphaned: Vec<String> = conn
        .prepare_cached(&format!("SELECT sha256 FROM ({OWN_ORIGINALS})"))?
        .query_map([event_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    conn.prepare_cached("DELETE FROM events WHERE id = ?1")?
        .execute([event_id])?;
    Ok(orphaned)
}
