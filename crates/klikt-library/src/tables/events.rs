//! The `events` table: local-only events and events linked to the service.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::{LibraryError, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: i64,
    pub name: String,
    pub remote_id: Option<String>,
    pub created_at: String,
}

/// An event with the counts the event list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStats {
    pub event: EventRow,
    pub media_count: i64,
    pub pending_count: i64,
    pub total_bytes: i64,
}

const COLUMNS: &str = "e.id, e.name, e.remote_id, e.created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: row.get(0)?,
        name: row.get(1)?,
        remote_id: row.get(2)?,
        created_at: row.get(3)?,
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
            media_count: row.get(4)?,
            pending_count: row.get(5)?,
            total_bytes: row.get(6)?,
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

/// Finds an event by id (when `key` is a number naming an existing event) or by name.
pub fn find(conn: &Connection, key: &str) -> Result<EventRow> {
    if let Ok(id) = key.trim().parse::<i64>() {
        if let Some(event) = get(conn, id)? {
            return Ok(event);
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM events e WHERE e.name = ?1 ORDER BY e.id"
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
        },
        true,
    ))
}
