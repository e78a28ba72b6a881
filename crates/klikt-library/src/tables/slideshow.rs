//! The `slideshow_settings` table: one JSON settings document per event.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// The event's stored settings document, if any.
pub fn get(conn: &Connection, event_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT settings FROM slideshow_settings WHERE event_id = ?1")?
        .query_row([event_id], |row| row.get(0))
        .optional()?)
}

/// Replaces the event's settings document.
pub fn put(conn: &Connection, event_id: i64, settings: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO slideshow_settings (event_id, settings) VALUES (?1, ?2)
         ON CONFLICT (event_id) DO UPDATE SET settings = excluded.settings",
    )?
    .execute(rusqlite::params![event_id, settings])?;
    Ok(())
}
