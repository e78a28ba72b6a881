//! The `outbox` table: moderation decisions on server items waiting to be
//! sent. At most one unsent entry per item (a newer decision replaces it);
//! an entry that was sent keeps its batch key and body until the server
//! answers, so a retry is the very same request.

use rusqlite::{named_params, Connection, OptionalExtension, Row};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub event_id: i64,
    pub target: String,
    pub item_id: i64,
    pub remote_id: String,
    pub action: String,
    pub base_version: i64,
    pub decision_id: i64,
    pub batch_key: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub state: String,
    pub dead_reason: Option<String>,
    pub created_at: String,
}

const COLUMNS: &str = "id, event_id, target, item_id, remote_id, action, base_version, \
    decision_id, batch_key, attempts, last_error, state, dead_reason, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: row.get(0)?,
        event_id: row.get(1)?,
        target: row.get(2)?,
        item_id: row.get(3)?,
        remote_id: row.get(4)?,
        action: row.get(5)?,
        base_version: row.get(6)?,
        decision_id: row.get(7)?,
        batch_key: row.get(8)?,
        attempts: row.get(9)?,
        last_error: row.get(10)?,
        state: row.get(11)?,
        dead_reason: row.get(12)?,
        created_at: row.get(13)?,
    })
}

/// What to send for an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Want<'a> {
    pub event_id: i64,
    pub target: &'a str,
    pub item_id: i64,
    pub remote_id: &'a str,
    pub action: &'a str,
    pub base_version: i64,
    pub decision_id: i64,
    pub now: &'a str,
}

/// Makes the item's unsent entry say `want` (creating it, or replacing the
/// action of the one there: coalescing keeps its base version).
pub fn put(conn: &Connection, want: &Want<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (event_id, target, item_id, remote_id, action, base_version,
                             decision_id, created_at)
         VALUES (:event_id, :target, :item_id, :remote_id, :action, :base_version,
                 :decision_id, :now)
         ON CONFLICT (event_id, target, remote_id) WHERE batch_key IS NULL AND state = 'pending'
         DO UPDATE SET action = excluded.action, decision_id = excluded.decision_id",
    )?
    .execute(named_params! {
        ":event_id": want.event_id,
        ":target": want.target,
        ":item_id": want.item_id,
        ":remote_id": want.remote_id,
        ":action": want.action,
        ":base_version": want.base_version,
        ":decision_id": want.decision_id,
        ":now": want.now,
    })?;
    Ok(())
}

/// Whether a decision on the item is waiting to be sent or answered.
pub fn has_pending(
    conn: &Connection,
    event_id: i64,
    target: &str,
    remote_id: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE event_id = ?1 AND target = ?2
                            AND remote_id = ?3 AND state = 'pending')",
        )?
        .query_row(rusqlite::params![event_id, target, remote_id], |row| {
            row.get(0)
        })?)
}

/// The next batch to send: the entries of a batch that was sent without an
/// answer (resent as they were), else up to `limit` unsent entries.
pub fn next_batch(
    conn: &Connection,
    event_id: i64,
    limit: i64,
) -> Result<(Option<String>, Vec<Entry>)> {
    let in_flight: Option<String> = conn
        .prepare_cached(
            "SELECT batch_key FROM outbox WHERE event_id = ?1 AND state = 'pending'
                 AND batch_key IS NOT NULL ORDER BY id LIMIT 1",
        )?
        .query_row([event_id], |row| row.get(0))
        .optional()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox
         WHERE event_id = :event_id AND state = 'pending'
           AND ((:key IS NULL AND batch_key IS NULL) OR batch_key = :key)
         ORDER BY id LIMIT :limit"
    ))?;
    let rows = stmt.query_map(
        named_params! { ":event_id": event_id, ":key": in_flight, ":limit": limit },
        from_row,
    )?;
    Ok((in_flight, rows.collect::<rusqlite::Result<_>>()?))
}

/// Assigns a batch key to entries before they are first sent (committed
/// before the request, so a crash after sending resends the same batch).
pub fn assign_batch(conn: &Connection, ids: &[i64], key: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE outbox SET batch_key = ?2 WHERE id = ?1")?;
    for id in ids {
        stmt.execute(rusqlite::params![id, key])?;
    }
    Ok(())
}

/// Removes an answered entry.
pub fn remove(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM outbox WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Notes a failed attempt of a batch.
pub fn note_failure(conn: &Connection, key: &str, error: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE batch_key = ?1",
    )?
    .execute(rusqlite::params![key, error])?;
    Ok(())
}

/// Moves every pending entry of the event to the dead letters.
pub fn kill_all(conn: &Connection, event_id: i64, reason: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE outbox SET state = 'dead', dead_reason = ?2
         WHERE event_id = ?1 AND state = 'pending' RETURNING decision_id",
    )?;
    let rows = stmt.query_map(rusqlite::params![event_id, reason], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Drops every entry about an item the server deleted. Returns their decisions.
pub fn remove_item(conn: &Connection, event_id: i64, remote_id: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM outbox WHERE event_id = ?1 AND remote_id = ?2 RETURNING decision_id",
    )?;
    let rows = stmt.query_map(rusqlite::params![event_id, remote_id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The event's entries (pending first, then dead), oldest first.
pub fn list(conn: &Connection, event_id: i64) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE event_id = ?1 ORDER BY state DESC, id"
    ))?;
    let rows = stmt.query_map([event_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
