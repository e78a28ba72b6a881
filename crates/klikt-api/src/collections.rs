//! Collections: the organizer's own curated, ordered sets of an event's
//! media (local only; exported later, never sent to the server).
//!
//! Every change is committed with its audit-log entry (`decisions`, target
//! `collection`, item = the collection's id, sync state `local`) in one
//! transaction, and [`Klikt::undo`] reverts the most recent one. What the
//! log's `before` / `after` hold, per action:
//!
//! | action | before | after |
//! | --- | --- | --- |
//! | `collection_create` | (empty) | the name |
//! | `collection_rename` | the old name | the new name |
//! | `collection_delete` | `{"name", "created_at", "items": [ids in order]}` | (empty) |
//! | `collection_add` | (empty) | the media ids added, `5,1,2` |
//! | `collection_remove` | each removed id at its 1-based place, `5@2,1@4` | (empty) |
//! | `collection_move` | `5@4` (id at its old place) | `5@1` |

use klikt_library::tables::collections::{self, CollectionRow, Place};
use klikt_library::tables::{decisions, events, media};
use klikt_library::{LibraryError, Status};
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::decide::DecisionReport;
use crate::error::ApiError;
use crate::{now_iso, Klikt, MediaItem, Rejection};

/// A collection as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectionSummary {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub created_at: String,
    /// Items in the collection (trashed ones included until the trash is emptied).
    pub item_count: i64,
}

/// Where an item moved within a collection goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
#[ts(export)]
pub enum Position {
    /// Right before this media item of the collection.
    Before(i64),
    /// Right after this media item of the collection.
    After(i64),
    /// At this 0-based index of the collection's order (past the end: last).
    Index(u32),
}

impl From<Position> for Place {
    fn from(position: Position) -> Place {
        match position {
            Position::Before(id) => Place::Before(id),
            Position::After(id) => Place::After(id),
            Position::Index(n) => Place::Index(n as usize),
        }
    }
}

/// What a deleted collection was, kept in the log so its delete can be undone.
#[derive(Debug, Serialize, Deserialize)]
struct Snapshot {
    name: String,
    created_at: String,
    items: Vec<i64>,
}

fn summary(row: CollectionRow, item_count: i64) -> CollectionSummary {
    CollectionSummary {
        id: row.id,
        event_id: row.event_id,
        name: row.name,
        created_at: row.created_at,
        item_count,
    }
}

fn report(changed: u64, unchanged: u64, skipped: Vec<Rejection>) -> DecisionReport {
    DecisionReport {
        changed,
        unchanged,
        skipped,
        pending_sync: 0,
    }
}

/// The event's collection named (or numbered) `key`, or an error naming both.
fn find(
    conn: &Connection,
    event: &events::EventRow,
    key: &str,
) -> Result<CollectionRow, LibraryError> {
    collections::find(conn, event.id, key)?.ok_or_else(|| {
        LibraryError::NotFound(format!(
            "no collection named {key:?} in event {:?} (see `klikt collection ls {:?}`)",
            event.name, event.name
        ))
    })
}

/// Records a collection decision in the audit log.
struct Log<'a> {
    event_id: i64,
    collection_id: i64,
    now: &'a str,
    undoes: Option<i64>,
}

impl Log<'_> {
    fn write(
        &self,
        tx: &Transaction<'_>,
        action: &str,
        before: &str,
        after: &str,
    ) -> Result<i64, LibraryError> {
        decisions::insert(
            tx,
            &decisions::NewDecision {
                event_id: self.event_id,
                target: "collection",
                item_id: self.collection_id,
                remote_id: None,
                action,
                before,
                after,
                decided_at: self.now,
                undoes: self.undoes,
                sync_state: "local",
            },
        )
    }
}

fn placed(media_id: i64, index: usize) -> String {
    format!("{media_id}@{}", index + 1)
}

fn ids_text(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl Klikt {
    /// Creates an empty collection in `event`. Its name (1 to 200
    /// characters) must be new to the event.
    pub fn create_collection(
        &self,
        event: &str,
        name: &str,
    ) -> Result<CollectionSummary, ApiError> {
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let event = events::find(tx, event)?;
            let row = collections::create(tx, event.id, name, &now)?;
            log(&event, row.id, &now).write(tx, "collection_create", "", &row.name)?;
            Ok(summary(row, 0))
        })?)
    }

    /// Renames a collection of `event`.
    pub fn rename_collection(
        &self,
        event: &str,
        collection: &str,
        new_name: &str,
    ) -> Result<CollectionSummary, ApiError> {
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let event = events::find(tx, event)?;
            let row = find(tx, &event, collection)?;
            let new_name = collections::valid_name(new_name)?;
            if new_name != row.name {
                collections::rename(tx, row.id, new_name)?;
                log(&event, row.id, &now).write(tx, "collection_rename", &row.name, new_name)?;
            }
            let count = collections::item_ids(tx, row.id)?.len() as i64;
            Ok(summary(
                CollectionRow {
                    name: new_name.to_owned(),
                    ..row
                },
                count,
            ))
        })?)
    }

    /// Deletes a collection of `event` (the media stay). Returns what it was.
    pub fn delete_collection(
        &self,
        event: &str,
        collection: &str,
    ) -> Result<CollectionSummary, ApiError> {
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let event = events::find(tx, event)?;
            let row = find(tx, &event, collection)?;
            let items = collections::item_ids(tx, row.id)?;
            let snapshot = serde_json::to_string(&Snapshot {
                name: row.name.clone(),
                created_at: row.created_at.clone(),
                items: items.clone(),
            })
            .map_err(|e| LibraryError::Invalid(format!("cannot record the collection: {e}")))?;
            collections::delete(tx, row.id)?;
            log(&event, row.id, &now).write(tx, "collection_delete", &snapshot, "")?;
            Ok(summary(row, items.len() as i64))
        })?)
    }

    /// Appends media of `event` to a collection, in the order given. Items
    /// already in it are left where they are (counted as unchanged); ids that
    /// are not media of the event, or are in the trash, are skipped.
    pub fn add_to_collection(
        &self,
        event: &str,
        collection: &str,
        media_ids: &[i64],
    ) -> Result<DecisionReport, ApiError> {
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let event = events::find(tx, event)?;
            let row = find(tx, &event, collection)?;
            let mut added = Vec::new();
            let mut unchanged = 0;
            let mut skipped = Vec::new();
            for &id in media_ids {
                match media::get(tx, id)?.filter(|m| m.record.event_id == event.id) {
                    None => skipped.push(Rejection {
                        name: id.to_string(),
                        reason: format!("no media item {id} in this event"),
                    }),
                    Some(m) if m.record.status == Status::Deleted => skipped.push(Rejection {
                        name: id.to_string(),
                        reason: "it is in the trash; restore it first".into(),
                    }),
                    Some(_) if collections::append(tx, row.id, id)? => added.push(id),
                    Some(_) => unchanged += 1,
                }
            }
            if !added.is_empty() {
                log(&event, row.id, &now).write(tx, "collection_add", "", &ids_text(&added))?;
            }
            Ok(report(added.len() as u64, unchanged, skipped))
        })?)
    }

    /// Takes media out of a collection (the media stay in the event). Ids
    /// not in the collection are skipped.
    pub fn remove_from_collection(
        &self,
        event: &str,
        collection: &str,
        media_ids: &[i64],
    ) -> Result<DecisionReport, ApiError> {
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let event = events::find(tx, event)?;
            let row = find(tx, &event, collection)?;
            // Places in the order before any removal: reinserting in
            // ascending place restores the order exactly (undo).
            let order = collections::item_ids(tx, row.id)?;
            let mut removed = Vec::new();
            let mut skipped = Vec::new();
            for &id in media_ids {
                let place = order.iter().position(|&m| m == id);
                match place {
                    Some(index) if collections::remove(tx, row.id, id)?.is_some() => {
                        removed.push((index, id));
                    }
                    // Named twice: already out.
                    Some(_) => {}
                    None => skipped.push(Rejection {
                        name: id.to_string(),
                        reason: format!("media item {id} is not in collection {:?}", row.name),
                    }),
                }
            }
            if !removed.is_empty() {
                removed.sort_unstable();
                let before = removed
                    .iter()
                    .map(|&(index, id)| placed(id, index))
                    .collect::<Vec<_>>()
                    .join(",");
                log(&event, row.id, &now).write(tx, "collection_remove", &before, "")?;
            }
            Ok(report(removed.len() as u64, 0, skipped))
        })?)
    }

    /// Moves an item of a collection before or after another one, or to an
    /// index. Only the moved item's position changes (unless the collection
    /// needs renumbering).
    pub fn move_in_collection(
        &self,
        event: &str,
        collection: &str,
        media_id: i64,
        to: Position,
    ) -> Result<DecisionReport, ApiError> {
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let event = events::find(tx, event)?;
            let row = find(tx, &event, collection)?;
            let moved =
                collections::move_to(tx, row.id, media_id, to.into())?.ok_or_else(|| {
                    LibraryError::NotFound(format!(
                        "media item {media_id} is not in collection {:?}",
                        row.name
                    ))
                })?;
            if moved.from == moved.to {
                return Ok(report(0, 1, Vec::new()));
            }
            log(&event, row.id, &now).write(
                tx,
                "collection_move",
                &placed(media_id, moved.from),
                &placed(media_id, moved.to),
            )?;
            Ok(report(1, 0, Vec::new()))
        })?)
    }

    /// The event's collections by name, with their item counts.
    pub fn collections(&self, event: &str) -> Result<Vec<CollectionSummary>, ApiError> {
        Ok(self.library.read(|conn| {
            let event = events::find(conn, event)?;
            Ok(collections::list_with_counts(conn, event.id)?
                .into_iter()
                .map(|s| summary(s.collection, s.item_count))
                .collect())
        })?)
    }

    /// The media of a collection, in the collection's order.
    pub fn collection_items(
        &self,
        event: &str,
        collection: &str,
    ) -> Result<Vec<MediaItem>, ApiError> {
        let rows = self.library.read(|conn| {
            let event = events::find(conn, event)?;
            let row = find(conn, &event, collection)?;
            let mut rows = Vec::new();
            for id in collections::item_ids(conn, row.id)? {
                rows.extend(media::get(conn, id)?);
            }
            Ok(rows)
        })?;
        let store = self.library.store();
        Ok(rows
            .into_iter()
            .map(|row| MediaItem::from_row(row, store))
            .collect())
    }
}

fn log<'a>(event: &events::EventRow, id: i64, now: &'a str) -> Log<'a> {
    Log {
        event_id: event.id,
        collection_id: id,
        now,
        undoes: None,
    }
}

fn bad_entry(entry: &decisions::Decision) -> LibraryError {
    LibraryError::Invalid(format!(
        "log entry {} ({} {:?} → {:?}) cannot be read back; it cannot be undone",
        entry.id, entry.action, entry.before, entry.after
    ))
}

/// `5@2,1@4` → `[(5, 1), (1, 3)]` (0-based places).
fn parse_placed(
    entry: &decisions::Decision,
    text: &str,
) -> Result<Vec<(i64, usize)>, LibraryError> {
    text.split(',')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (id, place) = part.split_once('@').ok_or_else(|| bad_entry(entry))?;
            let id = id.parse::<i64>().map_err(|_| bad_entry(entry))?;
            let place = place.parse::<usize>().map_err(|_| bad_entry(entry))?;
            Ok((id, place.checked_sub(1).ok_or_else(|| bad_entry(entry))?))
        })
        .collect()
}

/// Reverts the collection decision `last` (the event's most recent one not
/// undone yet) and logs the undo.
pub(crate) fn undo(
    tx: &Transaction<'_>,
    last: &decisions::Decision,
    now: &str,
) -> Result<(), LibraryError> {
    let id = last.item_id;
    let gone = || {
        LibraryError::Invalid(format!(
            "the last decision was about collection {id}, which no longer exists; it cannot be undone"
        ))
    };
    match last.action.as_str() {
        "collection_create" => {
            collections::get(tx, id)?.ok_or_else(gone)?;
            if !collections::item_ids(tx, id)?.is_empty() {
                return Err(LibraryError::Invalid(format!(
                    "collection {:?} is no longer empty; delete it instead of undoing its creation",
                    last.after
                )));
            }
            collections::delete(tx, id)?;
        }
        "collection_rename" => {
            collections::get(tx, id)?.ok_or_else(gone)?;
            collections::rename(tx, id, &last.before)?;
        }
        "collection_delete" => {
            let snapshot: Snapshot =
                serde_json::from_str(&last.before).map_err(|_| bad_entry(last))?;
            collections::recreate(
                tx,
                &CollectionRow {
                    id,
                    event_id: last.event_id,
                    name: snapshot.name,
                    created_at: snapshot.created_at,
                },
            )?;
            for media_id in snapshot.items {
                // Items purged since (trash emptied, deleted on the server) stay out.
                if media::get(tx, media_id)?.is_some() {
                    collections::append(tx, id, media_id)?;
                }
            }
        }
        "collection_add" => {
            collections::get(tx, id)?.ok_or_else(gone)?;
            for part in last.after.split(',').filter(|p| !p.is_empty()) {
                let media_id = part.parse::<i64>().map_err(|_| bad_entry(last))?;
                collections::remove(tx, id, media_id)?;
            }
        }
        "collection_remove" => {
            collections::get(tx, id)?.ok_or_else(gone)?;
            let mut removed = parse_placed(last, &last.before)?;
            removed.sort_unstable_by_key(|&(_, place)| place);
            for (media_id, place) in removed {
                if media::get(tx, media_id)?.is_some() {
                    collections::insert_at(tx, id, media_id, place)?;
                }
            }
        }
        "collection_move" => {
            collections::get(tx, id)?.ok_or_else(gone)?;
            let [(media_id, place)] = parse_placed(last, &last.before)?[..] else {
                return Err(bad_entry(last));
            };
            collections::move_to(tx, id, media_id, Place::Index(place))?;
        }
        other => {
            return Err(LibraryError::Invalid(format!(
                "a collection decision {other:?} cannot be undone"
            )))
        }
    }
    Log {
        event_id: last.event_id,
        collection_id: id,
        now,
        undoes: Some(last.id),
    }
    .write(tx, &last.action, &last.after, &last.before)?;
    Ok(())
}
