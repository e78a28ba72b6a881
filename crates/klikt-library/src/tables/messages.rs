//! The `messages` table: guest messages (guest-book entries) of an event.

use rusqlite::{named_params, Connection, OptionalExtension};

use crate::error::Result;
use crate::model::Status;

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    pub id: i64,
    pub event_id: i64,
    pub remote_id: Option<String>,
    pub remote_version: Option<i64>,
    pub author: Option<String>,
    pub body: String,
    pub created_at: String,
    pub status: Status,
}

const COLUMNS: &str = "id, event_id, remote_id, remote_version, author, body, created_at, status";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: row.get(0)?,
        event_id: row.get(1)?,
        remote_id: row.get(2)?,
        remote_version: row.get(3)?,
        author: row.get(4)?,
        body: row.get(5)?,
        created_at: row.get(6)?,
        status: row.get(7)?,
    })
}

/// A guest message as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteMessage<'a> {
    pub remote_id: &'a str,
    pub version: i64,
    pub author: &'a str,
    pub body: &'a str,
    pub created_at: &'a str,
    pub status: Status,
}

/// Inserts or updates the message the server sent, unless a version at least
/// as new is here. `reset` stamps it as mentioned by that reset replay.
/// Returns whether a row changed.
pub fn upsert_remote(
    conn: &Connection,
    event_id: i64,
    message: &RemoteMessage<'_>,
    reset: Option<i64>,
) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO messages (event_id, remote_id, remote_version, author, body, created_at,
                                   status, server_status, seen_in_reset)
             VALUES (:event_id, :remote_id, :version, :author, :body, :created_at, :status,
                     :status, :reset)
             ON CONFLICT (event_id, remote_id) WHERE remote_id IS NOT NULL DO UPDATE SET
                 remote_version = excluded.remote_version, author = excluded.author,
                 body = excluded.body, created_at = excluded.created_at,
                 server_status = excluded.status,
                 -- While a decision of the organizer's waits in the outbox,
                 -- the local status is what they decided.
                 status = CASE WHEN EXISTS (SELECT 1 FROM outbox o
                                            WHERE o.event_id = messages.event_id
                                              AND o.remote_id = messages.remote_id
                                              AND o.state = 'pending')
                          THEN messages.status ELSE excluded.status END,
                 seen_in_reset = coalesce(excluded.seen_in_reset, seen_in_reset)
             WHERE messages.remote_version IS NULL
                OR excluded.remote_version > messages.remote_version
                OR excluded.seen_in_reset IS NOT messages.seen_in_reset",
        )?
        .execute(named_params! {
            ":event_id": event_id,
            ":remote_id": message.remote_id,
            ":version": message.version,
            ":author": message.author,
            ":body": message.body,
            ":created_at": message.created_at,
            ":status": message.status,
            ":reset": reset,
        })?;
    Ok(changed > 0)
}

/// Deletes the message pulled as `remote_id` (it was tombstoned).
pub fn delete_remote(conn: &Connection, event_id: i64, remote_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM messages WHERE event_id = ?1 AND remote_id = ?2")?
        .execute(rusqlite::params![event_id, remote_id])?
        > 0)
}

/// The event's messages, oldest first (trashed ones left out).
pub fn list(conn: &Connection, event_id: i64) -> Result<Vec<MessageRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages
         WHERE event_id = ?1 AND status != 'deleted' ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([event_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Pulled messages the reset replay `reset` did not mention.
pub fn not_seen_in_reset(conn: &Connection, event_id: i64, reset: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT remote_id FROM messages
         WHERE event_id = ?1 AND remote_id IS NOT NULL AND seen_in_reset IS NOT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![event_id, reset], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One message by local id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<MessageRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM messages WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// The message pulled as `remote_id`, if it is here.
pub fn find_remote(
    conn: &Connection,
    event_id: i64,
    remote_id: &str,
) -> Result<Option<MessageRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM messages WHERE event_id = ?1 AND remote_id = ?2"
        ))?
        .query_row(rusqlite::params![event_id, remote_id], from_row)
        .optional()?)
}

/// Sets a message's status; `trashed_from` remembers the status of a trashed one.
pub fn set_status(
    conn: &Connection,
    id: i64,
    status: Status,
    trashed_from: Option<Status>,
) -> Result<()> {
    conn.prepare_cached("UPDATE messages SET status = ?2, trashed_from = ?3 WHERE id = ?1")?
        .execute(rusqlite::params![id, status, trashed_from])?;
    Ok(())
}

/// The status a trashed message had before it went to the trash.
pub fn trashed_from(conn: &Connection, id: i64) -> Result<Option<Status>> {
    Ok(conn
        .prepare_cached("SELECT trashed_from FROM messages WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?
        .flatten())
}

/// The server's status and version of a pulled message after it answered a decision.
pub fn set_server_status(conn: &Connection, id: i64, version: i64, status: Status) -> Result<()> {
    conn.prepare_cached(
        "UPDATE messages SET server_status = ?3, remote_version = max(coalesce(remote_version, 0), ?2)
         WHERE id = ?1",
    )?
    .execute(rusqlite::params![id, version, status])?;
    Ok(())
}
