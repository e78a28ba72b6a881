//! The `tombstones` table: items of a linked event the server deleted. A
//! tombstone is final: the item is never downloaded or shown again.

use rusqlite::{named_params, Connection, OptionalExtension};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tombstone {
    pub event_id: i64,
    /// `media` or `message`.
    pub target: String,
    pub remote_id: String,
    pub version: i64,
    /// `moderation`, `removal_request`, `uploader` or `retention`.
    pub reason: String,
    pub removed_at: String,
    pub recorded_at: String,
}

/// Records a tombstone; a second one for the same item changes nothing.
/// Returns whether it was new.
pub fn record(conn: &Connection, tombstone: &Tombstone) -> Result<bool> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO tombstones (event_id, target, remote_id, version, reason, removed_at,
                                     recorded_at)
             VALUES (:event_id, :target, :remote_id, :version, :reason, :removed_at, :recorded_at)
             ON CONFLICT (event_id, remote_id) DO NOTHING",
        )?
        .execute(named_params! {
            ":event_id": tombstone.event_id,
            ":target": tombstone.target,
            ":remote_id": tombstone.remote_id,
            ":version": tombstone.version,
            ":reason": tombstone.reason,
            ":removed_at": tombstone.removed_at,
            ":recorded_at": tombstone.recorded_at,
        })?;
    Ok(inserted > 0)
}

/// The reason an item was deleted, when it was.
pub fn reason(conn: &Connection, event_id: i64, remote_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT reason FROM tombstones WHERE event_id = ?1 AND remote_id = ?2")?
        .query_row(rusqlite::params![event_id, remote_id], |row| row.get(0))
        .optional()?)
}

/// How many items of the event the server deleted, by reason.
pub fn count_by_reason(conn: &Connection, event_id: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT reason, count(*) FROM tombstones WHERE event_id = ?1 GROUP BY reason ORDER BY reason",
    )?;
    let rows = stmt.query_map([event_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
