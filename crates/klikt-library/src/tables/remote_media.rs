//! The `remote_media` table: every media item a linked event's change feed
//! announced, including those whose original is not downloaded yet. It is
//! the pull's to-do list and the server's view of each item.

use rusqlite::{named_params, Connection, Row};

use crate::error::Result;
use crate::model::{MediaKind, Status};

/// The server's description of one media item.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteMedia {
    pub event_id: i64,
    pub remote_id: String,
    pub version: i64,
    pub kind: MediaKind,
    pub mime: String,
    pub original_name: String,
    pub uploader: String,
    pub caption: Option<String>,
    pub uploaded_at: String,
    pub size: i64,
    pub sha256: String,
    pub status: Status,
}

const COLUMNS: &str = "event_id, remote_id, version, media_kind, mime, original_name, uploader, \
    caption, uploaded_at, size, sha256, status";

fn from_row(row: &Row<'_>) -> rusqlite::Result<RemoteMedia> {
    Ok(RemoteMedia {
        event_id: row.get(0)?,
        remote_id: row.get(1)?,
        version: row.get(2)?,
        kind: row.get(3)?,
        mime: row.get(4)?,
        original_name: row.get(5)?,
        uploader: row.get(6)?,
        caption: row.get(7)?,
        uploaded_at: row.get(8)?,
        size: row.get(9)?,
        sha256: row.get(10)?,
        status: row.get(11)?,
    })
}

/// Records `item` unless a version at least as new is already known.
/// `reset` marks the item as mentioned by the reset replay with that number.
/// Returns whether the row changed.
pub fn upsert(conn: &Connection, item: &RemoteMedia, reset: Option<i64>) -> Result<bool> {
    let changed = conn
        .prepare_cached(&format!(
            "INSERT INTO remote_media ({COLUMNS}, seen_in_reset)
             VALUES (:event_id, :remote_id, :version, :kind, :mime, :original_name, :uploader,
                     :caption, :uploaded_at, :size, :sha256, :status, :reset)
             ON CONFLICT (event_id, remote_id) DO UPDATE SET
                 version = excluded.version, media_kind = excluded.media_kind,
                 mime = excluded.mime, original_name = excluded.original_name,
                 uploader = excluded.uploader, caption = excluded.caption,
                 uploaded_at = excluded.uploaded_at, size = excluded.size,
                 sha256 = excluded.sha256, status = excluded.status,
                 seen_in_reset = coalesce(excluded.seen_in_reset, seen_in_reset)
             WHERE excluded.version > remote_media.version
                OR excluded.seen_in_reset IS NOT remote_media.seen_in_reset"
        ))?
        .execute(named_params! {
            ":event_id": item.event_id,
            ":remote_id": item.remote_id,
            ":version": item.version,
            ":kind": item.kind,
            ":mime": item.mime,
            ":original_name": item.original_name,
            ":uploader": item.uploader,
            ":caption": item.caption,
            ":uploaded_at": item.uploaded_at,
            ":size": item.size,
            ":sha256": item.sha256,
            ":status": item.status,
            ":reset": reset,
        })?;
    Ok(changed > 0)
}

/// Forgets an item (it was tombstoned).
pub fn remove(conn: &Connection, event_id: i64, remote_id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM remote_media WHERE event_id = ?1 AND remote_id = ?2")?
        .execute(rusqlite::params![event_id, remote_id])?;
    Ok(())
}

/// Items of the event whose original is not in the library yet, oldest
/// upload first (the order guests sent them).
pub fn missing_originals(conn: &Connection, event_id: i64) -> Result<Vec<RemoteMedia>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM remote_media r
         WHERE r.event_id = ?1
           AND NOT EXISTS (SELECT 1 FROM media m
                           WHERE m.event_id = r.event_id AND m.remote_id = r.remote_id)
         ORDER BY r.uploaded_at, r.remote_id"
    ))?;
    let rows = stmt.query_map([event_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Notes why an item's download failed (cleared on the next success).
pub fn set_last_error(
    conn: &Connection,
    event_id: i64,
    remote_id: &str,
    error: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE remote_media SET last_error = ?3 WHERE event_id = ?1 AND remote_id = ?2",
    )?
    .execute(rusqlite::params![event_id, remote_id, error])?;
    Ok(())
}

/// Items the reset replay `reset` did not mention: the server no longer has them.
pub fn not_seen_in_reset(conn: &Connection, event_id: i64, reset: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT remote_id FROM remote_media
         WHERE event_id = ?1 AND seen_in_reset IS NOT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![event_id, reset], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every SHA-256 the event still expects from the server (downloads to keep).
pub fn wanted_hashes(conn: &Connection) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT sha256 FROM remote_media")?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The SHA-256 the server announced for an item, if it announced it.
pub fn sha_of(conn: &Connection, event_id: i64, remote_id: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT sha256 FROM remote_media WHERE event_id = ?1 AND remote_id = ?2")?
        .query_row(rusqlite::params![event_id, remote_id], |row| row.get(0))
        .optional()?)
}

/// Records the server's status and version of an item after it answered a
/// decision (the feed will say the same later; versions keep it idempotent).
pub fn set_server_status(
    conn: &Connection,
    event_id: i64,
    remote_id: &str,
    version: i64,
    status: Status,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE remote_media SET version = ?3, status = ?4
         WHERE event_id = ?1 AND remote_id = ?2 AND version <= ?3",
    )?
    .execute(rusqlite::params![event_id, remote_id, version, status])?;
    Ok(())
}
