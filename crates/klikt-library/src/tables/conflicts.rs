//! The `conflicts` table: decisions the server did not take because someone
//! else's change won, kept until the organizer decides again.

use rusqlite::{named_params, Connection};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub id: i64,
    pub event_id: i64,
    pub decision_id: i64,
    pub target: String,
    pub item_id: i64,
    pub remote_id: String,
    /// The action the organizer wanted.
    pub wanted: String,
    pub server_status: Option<String>,
    pub server_version: Option<i64>,
    pub recorded_at: String,
}

pub fn record(conn: &Connection, conflict: &Conflict) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO conflicts (event_id, decision_id, target, item_id, remote_id, wanted,
                                server_status, server_version, recorded_at)
         VALUES (:event_id, :decision_id, :target, :item_id, :remote_id, :wanted,
                 :server_status, :server_version, :recorded_at)",
    )?
    .execute(named_params! {
        ":event_id": conflict.event_id,
        ":decision_id": conflict.decision_id,
        ":target": conflict.target,
        ":item_id": conflict.item_id,
        ":remote_id": conflict.remote_id,
        ":wanted": conflict.wanted,
        ":server_status": conflict.server_status,
        ":server_version": conflict.server_version,
        ":recorded_at": conflict.recorded_at,
    })?;
    Ok(())
}

/// The event's conflicts the organizer has not decided again yet.
pub fn open(conn: &Connection, event_id: i64) -> Result<Vec<Conflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, event_id, decision_id, target, item_id, remote_id, wanted, server_status,
                server_version, recorded_at
         FROM conflicts WHERE event_id = ?1 AND resolved_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([event_id], |row| {
        Ok(Conflict {
            id: row.get(0)?,
            event_id: row.get(1)?,
            decision_id: row.get(2)?,
            target: row.get(3)?,
            item_id: row.get(4)?,
            remote_id: row.get(5)?,
            wanted: row.get(6)?,
            server_status: row.get(7)?,
            server_version: row.get(8)?,
            recorded_at: row.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Settles the item's open conflicts (a new decision on it, or the organizer
/// keeping the server's state); returns how many were open.
pub fn resolve_item(
    conn: &Connection,
    event_id: i64,
    target: &str,
    item_id: i64,
    at: &str,
) -> Result<u64> {
    let settled = conn
        .prepare_cached(
            "UPDATE conflicts SET resolved_at = ?4
         WHERE event_id = ?1 AND target = ?2 AND item_id = ?3 AND resolved_at IS NULL",
        )?
        .execute(rusqlite::params![event_id, target, item_id, at])?;
    Ok(settled as u64)
}
