//! The `decisions` table: every decision the organizer made, in order. It is
//! the audit log (what, when, before → after, whether and when it reached the
//! server) and the undo stack.

use rusqlite::{named_params, Connection, OptionalExtension, Row};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: i64,
    pub event_id: i64,
    /// `media` or `message`.
    pub target: String,
    pub item_id: i64,
    pub remote_id: Option<String>,
    /// `approve`, `hide`, `delete`, `restore`, `flag`, `rating`, `favorite`.
    pub action: String,
    pub before: String,
    pub after: String,
    pub decided_at: String,
    pub undoes: Option<i64>,
    /// `local`, `pending`, `synced`, `conflict`, `gone`, `dead`, `superseded`.
    pub sync_state: String,
    pub synced_at: Option<String>,
    /// The first decision of the bulk decision this one is part of.
    pub batch: Option<i64>,
}

/// A decision to record (its id is assigned on insert).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision<'a> {
    pub event_id: i64,
    pub target: &'a str,
    pub item_id: i64,
    pub remote_id: Option<&'a str>,
    pub action: &'a str,
    pub before: &'a str,
    pub after: &'a str,
    pub decided_at: &'a str,
    pub undoes: Option<i64>,
    pub sync_state: &'a str,
}

const COLUMNS: &str = "id, event_id, target, item_id, remote_id, action, before, after, \
    decided_at, undoes, sync_state, synced_at, batch";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Decision> {
    Ok(Decision {
        id: row.get(0)?,
        event_id: row.get(1)?,
        target: row.get(2)?,
        item_id: row.get(3)?,
        remote_id: row.get(4)?,
        action: row.get(5)?,
        before: row.get(6)?,
        after: row.get(7)?,
        decided_at: row.get(8)?,
        undoes: row.get(9)?,
        sync_state: row.get(10)?,
        synced_at: row.get(11)?,
        batch: row.get(12)?,
    })
}

pub fn insert(conn: &Connection, decision: &NewDecision<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO decisions (event_id, target, item_id, remote_id, action, before, after,
                                decided_at, undoes, sync_state)
         VALUES (:event_id, :target, :item_id, :remote_id, :action, :before, :after,
                 :decided_at, :undoes, :sync_state)",
    )?
    .execute(named_params! {
        ":event_id": decision.event_id,
        ":target": decision.target,
        ":item_id": decision.item_id,
        ":remote_id": decision.remote_id,
        ":action": decision.action,
        ":before": decision.before,
        ":after": decision.after,
        ":decided_at": decision.decided_at,
        ":undoes": decision.undoes,
        ":sync_state": decision.sync_state,
    })?;
    Ok(conn.last_insert_rowid())
}

/// Records what the server made of a decision.
pub fn set_sync_state(conn: &Connection, id: i64, state: &str, at: Option<&str>) -> Result<()> {
    conn.prepare_cached("UPDATE decisions SET sync_state = ?2, synced_at = ?3 WHERE id = ?1")?
        .execute(rusqlite::params![id, state, at])?;
    Ok(())
}

/// The event's decisions, newest first, at most `limit`.
pub fn list(conn: &Connection, event_id: i64, limit: i64) -> Result<Vec<Decision>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM decisions WHERE event_id = ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(rusqlite::params![event_id, limit], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The most recent decision of the event that can be undone: not an undo
/// itself, not undone yet, one that took effect (the server did not refuse
/// it as a conflict or find the item gone), about an item still here.
/// What makes a decision undoable: not an undo itself, not refused by the
/// server, not undone yet, and about an item that still exists.
const UNDOABLE: &str = "d.undoes IS NULL
    AND d.sync_state NOT IN ('conflict', 'gone')
    AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id)
    AND CASE d.target
        WHEN 'media' THEN EXISTS (SELECT 1 FROM media m WHERE m.id = d.item_id)
        WHEN 'message' THEN EXISTS (SELECT 1 FROM messages g WHERE g.id = d.item_id)
        ELSE 1 END";

pub fn last_undoable(conn: &Connection, event_id: i64) -> Result<Option<Decision>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM decisions d
             WHERE d.event_id = ?1 AND {UNDOABLE}
             ORDER BY d.id DESC LIMIT 1"
        ))?
        .query_row([event_id], from_row)
        .optional()?)
}

/// The undoable decisions of bulk decision `batch`, newest first.
pub fn undoable_in_batch(conn: &Connection, event_id: i64, batch: i64) -> Result<Vec<Decision>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM decisions d
         WHERE d.event_id = ?1 AND d.batch = ?2 AND {UNDOABLE}
         ORDER BY d.id DESC"
    ))?;
    let rows = stmt.query_map([event_id, batch], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The newest decision id (0 for none): the mark before a bulk decision.
pub fn newest_id(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM decisions")?
        .query_row([], |row| row.get(0))?)
}

/// Makes the decisions written after `mark` one bulk decision, when there
/// are several (the caller's transaction is the only writer, so they are
/// exactly this command's decisions).
pub fn group_since(conn: &Connection, mark: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE decisions SET batch = (SELECT min(id) FROM decisions WHERE id > ?1)
         WHERE id > ?1 AND (SELECT count(*) FROM decisions WHERE id > ?1) > 1",
    )?
    .execute([mark])?;
    Ok(())
}

/// Marks the pending decisions of an item as replaced by a newer one
/// (coalesced in the outbox: only the newest is sent).
pub fn supersede_pending(
    conn: &Connection,
    event_id: i64,
    item_id: i64,
    target: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE decisions SET sync_state = 'superseded'
         WHERE event_id = ?1 AND item_id = ?2 AND target = ?3 AND sync_state = 'pending'",
    )?
    .execute(rusqlite::params![event_id, item_id, target])?;
    Ok(())
}

/// When the server last confirmed one of the event's decisions.
pub fn last_synced_at(conn: &Connection, event_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT max(synced_at) FROM decisions WHERE event_id = ?1")?
        .query_row([event_id], |row| row.get(0))?)
}
