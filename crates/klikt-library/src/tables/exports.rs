//! The `exports` table: finished exports of an event, whether each is a
//! whole copy of it, and when each last passed verification.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub event_id: i64,
    pub destination: String,
    pub files: i64,
    pub bytes: i64,
    pub finished_at: String,
    pub verified_at: Option<String>,
    /// Every item of the event, originals unchanged, none failed: a copy
    /// the event could be restored from.
    pub complete: bool,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<ExportRow> {
    Ok(ExportRow {
        event_id: row.get(0)?,
        destination: row.get(1)?,
        files: row.get(2)?,
        bytes: row.get(3)?,
        finished_at: row.get(4)?,
        verified_at: row.get(5)?,
        complete: row.get(6)?,
    })
}

const COLUMNS: &str = "event_id, destination, files, bytes, finished_at, verified_at, complete";

/// Records a finished export (again: a re-run replaces the row and clears
/// the verification, since the files may have changed).
pub fn record(conn: &Connection, row: &ExportRow) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO exports (event_id, destination, files, bytes, finished_at, verified_at, complete)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (event_id, destination) DO UPDATE SET files = excluded.files,
             bytes = excluded.bytes, finished_at = excluded.finished_at,
             verified_at = excluded.verified_at, complete = excluded.complete",
    )?
    .execute(params![
        row.event_id,
        row.destination,
        row.files,
        row.bytes,
        row.finished_at,
        row.verified_at,
        row.complete
    ])?;
    Ok(())
}

/// Marks every export at `destination` verified at `now`; how many rows.
pub fn mark_verified(conn: &Connection, destination: &str, now: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE exports SET verified_at = ?2 WHERE destination = ?1")?
        .execute(params![destination, now])?)
}

/// The event's complete exports that passed verification, the most
/// recently verified first (the caller checks which are still there).
pub fn verified_complete(conn: &Connection, event_id: i64) -> Result<Vec<ExportRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM exports
             WHERE event_id = ?1 AND verified_at IS NOT NULL AND complete
             ORDER BY verified_at DESC"
        ))?
        .query_map([event_id], from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The event's most recent export, verified or not.
pub fn latest(conn: &Connection, event_id: i64) -> Result<Option<ExportRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM exports WHERE event_id = ?1 ORDER BY finished_at DESC LIMIT 1"
        ))?
        .query_row([event_id], from_row)
        .optional()?)
}
