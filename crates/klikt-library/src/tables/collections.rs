//! The `collections` and `collection_items` tables: the organizer's own
//! curated sets of an event's media, in a manual order (local only; exported
//! later, never sent to the server).
//!
//! Order is a REAL `position` per item. Appending takes one more than the
//! last position; placing an item between two others takes the midpoint of
//! their positions, so a move writes one row. Only when two neighbours get too
//! close to split does the collection get renumbered 1.0, 2.0, …
//!
//! Indexes in this module are 0-based over the collection's whole order
//! (items in the trash included, until the trash is emptied).

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::{LibraryError, Result};

/// Below this gap between two neighbours, a move renumbers the collection
/// instead of splitting it (halving 1.0 about twenty times gets here).
const MIN_GAP: f64 = 1e-6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionRow {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub created_at: String,
}

/// A collection with the number of items in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionStats {
    pub collection: CollectionRow,
    pub item_count: i64,
}

/// Where an item goes in a collection's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Right before this item of the collection.
    Before(i64),
    /// Right after this item of the collection.
    After(i64),
    /// At this 0-based index (past the end: last).
    Index(usize),
}

/// Where a move took an item from and to (0-based indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub from: usize,
    pub to: usize,
}

const COLUMNS: &str = "c.id, c.event_id, c.name, c.created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<CollectionRow> {
    Ok(CollectionRow {
        id: row.get(0)?,
        event_id: row.get(1)?,
        name: row.get(2)?,
        created_at: row.get(3)?,
    })
}

/// A collection name as stored: trimmed, 1 to 200 characters, no control
/// characters.
pub fn valid_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(LibraryError::Invalid(
            "a collection name must have 1 to 200 characters".into(),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(LibraryError::Invalid(
            "a collection name cannot contain control characters (tabs, line breaks…)".into(),
        ));
    }
    Ok(name)
}

fn name_taken(conn: &Connection, event_id: i64, name: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM collections WHERE event_id = ?1 AND name = ?2)",
        )?
        .query_row(params![event_id, name], |row| row.get(0))?)
}

fn taken_error(name: &str) -> LibraryError {
    LibraryError::Invalid(format!(
        "this event already has a collection named {name:?}; choose another name"
    ))
}

/// Creates an empty collection in the event. The name must be new to the event.
pub fn create(conn: &Connection, event_id: i64, name: &str, now: &str) -> Result<CollectionRow> {
    let name = valid_name(name)?;
    if name_taken(conn, event_id, name)? {
        return Err(taken_error(name));
    }
    conn.prepare_cached(
        "INSERT INTO collections (event_id, name, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![event_id, name, now])?;
    Ok(CollectionRow {
        id: conn.last_insert_rowid(),
        event_id,
        name: name.to_owned(),
        created_at: now.to_owned(),
    })
}

/// Puts a deleted collection back under its old id (undoing a delete), empty.
pub fn recreate(conn: &Connection, row: &CollectionRow) -> Result<()> {
    if get(conn, row.id)?.is_some() {
        return Err(LibraryError::Invalid(format!(
            "collection {} cannot be restored: its id is in use again",
            row.id
        )));
    }
    if name_taken(conn, row.event_id, &row.name)? {
        return Err(taken_error(&row.name));
    }
    conn.prepare_cached(
        "INSERT INTO collections (id, event_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![row.id, row.event_id, row.name, row.created_at])?;
    Ok(())
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<CollectionRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM collections c WHERE c.id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?)
}

/// The event's collection called `key`, else the one whose id is `key`.
pub fn find(conn: &Connection, event_id: i64, key: &str) -> Result<Option<CollectionRow>> {
    let by_name = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM collections c WHERE c.event_id = ?1 AND c.name = ?2"
        ))?
        .query_row(params![event_id, key.trim()], from_row)
        .optional()?;
    if by_name.is_some() {
        return Ok(by_name);
    }
    match key.trim().parse::<i64>() {
        Ok(id) => Ok(get(conn, id)?.filter(|c| c.event_id == event_id)),
        Err(_) => Ok(None),
    }
}

/// The event's collections by name, with their item counts.
pub fn list_with_counts(conn: &Connection, event_id: i64) -> Result<Vec<CollectionStats>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, count(i.media_id)
         FROM collections c LEFT JOIN collection_items i ON i.collection_id = c.id
         WHERE c.event_id = ?1
         GROUP BY c.id ORDER BY c.name COLLATE NOCASE, c.name, c.id"
    ))?;
    let rows = stmt.query_map([event_id], |row| {
        Ok(CollectionStats {
            collection: from_row(row)?,
            item_count: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Renames a collection; the new name must be free in its event.
pub fn rename(conn: &Connection, id: i64, name: &str) -> Result<()> {
    let name = valid_name(name)?;
    let current =
        get(conn, id)?.ok_or_else(|| LibraryError::NotFound(format!("no collection {id}")))?;
    if current.name == name {
        return Ok(());
    }
    if name_taken(conn, current.event_id, name)? {
        return Err(taken_error(name));
    }
    conn.prepare_cached("UPDATE collections SET name = ?2 WHERE id = ?1")?
        .execute(params![id, name])?;
    Ok(())
}

/// Deletes a collection and its items (the media themselves stay).
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM collections WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The media ids of a collection in order.
pub fn item_ids(conn: &Connection, collection_id: i64) -> Result<Vec<i64>> {
    Ok(ordered(conn, collection_id)?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

fn ordered(conn: &Connection, collection_id: i64) -> Result<Vec<(i64, f64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT media_id, position FROM collection_items
         WHERE collection_id = ?1 ORDER BY position, media_id",
    )?;
    let rows = stmt.query_map([collection_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The 0-based index of an item in the collection, if it is in it.
pub fn index_of(conn: &Connection, collection_id: i64, media_id: i64) -> Result<Option<usize>> {
    Ok(item_ids(conn, collection_id)?
        .iter()
        .position(|&id| id == media_id))
}

/// Appends an item at the end. Returns `false` (and changes nothing) when
/// it is already in the collection.
pub fn append(conn: &Connection, collection_id: i64, media_id: i64) -> Result<bool> {
    let added = conn
        .prepare_cached(
            "INSERT INTO collection_items (collection_id, media_id, position)
             SELECT ?1, ?2, coalesce(max(position), 0.0) + 1.0
             FROM collection_items WHERE collection_id = ?1
             ON CONFLICT (collection_id, media_id) DO NOTHING",
        )?
        .execute(params![collection_id, media_id])?;
    Ok(added == 1)
}

/// Takes an item out. Returns the index it had, or `None` when it was not in
/// the collection.
pub fn remove(conn: &Connection, collection_id: i64, media_id: i64) -> Result<Option<usize>> {
    let Some(index) = index_of(conn, collection_id, media_id)? else {
        return Ok(None);
    };
    conn.prepare_cached("DELETE FROM collection_items WHERE collection_id = ?1 AND media_id = ?2")?
        .execute(params![collection_id, media_id])?;
    Ok(Some(index))
}

/// Moves an item of the collection to `place`. Returns where it was and
/// where it is now; `None` when the item is not in the collection.
pub fn move_to(
    conn: &Connection,
    collection_id: i64,
    media_id: i64,
    place: Place,
) -> Result<Option<Moved>> {
    let order = ordered(conn, collection_id)?;
    let Some(from) = order.iter().position(|&(id, _)| id == media_id) else {
        return Ok(None);
    };
    let others: Vec<(i64, f64)> = order
        .into_iter()
        .filter(|&(id, _)| id != media_id)
        .collect();
    let to = resolve(&others, media_id, place)?;
    if to != from {
        put_at(conn, collection_id, media_id, &others, to)?;
    }
    Ok(Some(Moved { from, to }))
}

/// Puts an item (in the collection or not) at `index` of the order of the
/// other items (past the end: last).
pub fn insert_at(conn: &Connection, collection_id: i64, media_id: i64, index: usize) -> Result<()> {
    let others: Vec<(i64, f64)> = ordered(conn, collection_id)?
        .into_iter()
        .filter(|&(id, _)| id != media_id)
        .collect();
    let index = index.min(others.len());
    put_at(conn, collection_id, media_id, &others, index)
}

/// The index among `others` (the order without the moved item) that `place` means.
fn resolve(others: &[(i64, f64)], media_id: i64, place: Place) -> Result<usize> {
    let index_of_reference = |reference: i64| {
        if reference == media_id {
            return Err(LibraryError::Invalid(format!(
                "cannot move media item {media_id} before or after itself"
            )));
        }
        others
            .iter()
            .position(|&(id, _)| id == reference)
            .ok_or_else(|| {
                LibraryError::NotFound(format!("media item {reference} is not in this collection"))
            })
    };
    Ok(match place {
        Place::Before(reference) => index_of_reference(reference)?,
        Place::After(reference) => index_of_reference(reference)? + 1,
        Place::Index(index) => index.min(others.len()),
    })
}

fn put_at(
    conn: &Connection,
    collection_id: i64,
    media_id: i64,
    others: &[(i64, f64)],
    index: usize,
) -> Result<()> {
    let previous = index
        .checked_sub(1)
        .and_then(|i| others.get(i))
        .map(|p| p.1);
    let next = others.get(index).map(|n| n.1);
    let position = match (previous, next) {
        (None, None) => Some(1.0),
        (Some(p), None) => Some(p + 1.0),
        (None, Some(n)) => Some(n - 1.0),
        (Some(p), Some(n)) => between(p, n),
    };
    let position = match position {
        Some(position) => position,
        None => {
            renumber(conn, collection_id, others, index)?;
            index as f64 + 1.0
        }
    };
    conn.prepare_cached(
        "INSERT INTO collection_items (collection_id, media_id, position) VALUES (?1, ?2, ?3)
         ON CONFLICT (collection_id, media_id) DO UPDATE SET position = excluded.position",
    )?
    .execute(params![collection_id, media_id, position])?;
    Ok(())
}

/// A position strictly between two neighbours, or `None` when they are too
/// close to split.
fn between(previous: f64, next: f64) -> Option<f64> {
    let middle = previous + (next - previous) / 2.0;
    (next - previous >= MIN_GAP && previous < middle && middle < next).then_some(middle)
}

/// Gives `others` the positions 1.0, 2.0, … leaving `index + 1.0` free.
fn renumber(
    conn: &Connection,
    collection_id: i64,
    others: &[(i64, f64)],
    index: usize,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE collection_items SET position = ?3 WHERE collection_id = ?1 AND media_id = ?2",
    )?;
    for (i, &(id, _)) in others.iter().enumerate() {
        let slot = if i < index { i } else { i + 1 };
        stmt.execute(params![collection_id, id, slot as f64 + 1.0])?;
    }
    Ok(())
}

/// The names of the collections each of the event's items is in, by media id
/// (names in alphabetical order).
pub fn names_by_media(
    conn: &Connection,
    event_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ci.media_id, c.name FROM collection_items ci
         JOIN collections c ON c.id = ci.collection_id
         WHERE c.event_id = ?1 ORDER BY c.name",
    )?;
    let mut out: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for row in stmt.query_map([event_id], |row| Ok((row.get::<_, i64>(0)?, row.get(1)?)))? {
        let (media_id, name) = row?;
        out.entry(media_id).or_default().push(name);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> (tempfile::TempDir, Connection, i64) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::connect(&dir.path().join("library.db")).unwrap();
        crate::db::migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO events (name, created_at) VALUES ('Wedding', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        let event = conn.last_insert_rowid();
        for n in 1..=5 {
            conn.execute(
                "INSERT INTO media (event_id, kind, mime, original_name, imported_at, size, sha256,
                                    preview, has_thumbnail, has_display)
                 VALUES (?1, 'photo', 'image/jpeg', 'x.jpg', '2026-01-01T00:00:00Z', 1, ?2,
                         'ready', 0, 0)",
                params![event, format!("{n:064}")],
            )
            .unwrap();
        }
        (dir, conn, event)
    }

    fn positions(conn: &Connection, collection: i64) -> Vec<f64> {
        ordered(conn, collection)
            .unwrap()
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    }

    #[test]
    fn moving_between_two_items_writes_only_the_moved_one() {
        let (_dir, conn, event) = library();
        let c = create(&conn, event, "Best", "t").unwrap().id;
        for id in 1..=4 {
            assert!(append(&conn, c, id).unwrap());
        }
        let moved = move_to(&conn, c, 4, Place::After(1)).unwrap();
        assert_eq!(moved, Some(Moved { from: 3, to: 1 }));
        assert_eq!(item_ids(&conn, c).unwrap(), vec![1, 4, 2, 3]);
        assert_eq!(
            positions(&conn, c),
            vec![1.0, 1.5, 2.0, 3.0],
            "the others keep their positions"
        );
    }

    #[test]
    fn repeated_moves_into_the_same_gap_renumber_once_it_is_too_small() {
        let (_dir, conn, event) = library();
        let c = create(&conn, event, "Best", "t").unwrap().id;
        for id in 1..=5 {
            append(&conn, c, id).unwrap();
        }
        // Alternately put 4 and 5 right after 1: the gap after 1 halves each time.
        for round in 0..60 {
            let item = if round % 2 == 0 { 4 } else { 5 };
            move_to(&conn, c, item, Place::After(1)).unwrap();
            let order = item_ids(&conn, c).unwrap();
            assert_eq!(order[0], 1, "round {round}: 1 stays first");
            assert_eq!(
                order[1], item,
                "round {round}: the moved item is right after 1"
            );
            let p = positions(&conn, c);
            assert!(
                p.windows(2).all(|w| w[0] < w[1]),
                "round {round}: positions stay distinct and ordered: {p:?}"
            );
        }
        let p = positions(&conn, c);
        assert!(
            p.windows(2).all(|w| w[1] - w[0] >= MIN_GAP),
            "renumbering kept every gap usable: {p:?}"
        );
    }

    #[test]
    fn an_index_past_the_end_means_last_and_moving_to_the_front_goes_below_the_first() {
        let (_dir, conn, event) = library();
        let c = create(&conn, event, "Best", "t").unwrap().id;
        for id in 1..=3 {
            append(&conn, c, id).unwrap();
        }
        move_to(&conn, c, 1, Place::Index(99)).unwrap();
        assert_eq!(item_ids(&conn, c).unwrap(), vec![2, 3, 1]);
        move_to(&conn, c, 1, Place::Index(0)).unwrap();
        assert_eq!(item_ids(&conn, c).unwrap(), vec![1, 2, 3]);
        assert_eq!(positions(&conn, c)[0], 1.0);
        move_to(&conn, c, 3, Place::Before(1)).unwrap();
        assert_eq!(item_ids(&conn, c).unwrap(), vec![3, 1, 2]);
    }

    #[test]
    fn names_are_unique_per_event_and_checked() {
        let (_dir, conn, event) = library();
        create(&conn, event, "Best", "t").unwrap();
        assert!(matches!(
            create(&conn, event, " Best ", "t"),
            Err(LibraryError::Invalid(_))
        ));
        assert!(create(&conn, event, "", "t").is_err());
        assert!(create(&conn, event, &"x".repeat(201), "t").is_err());
        assert!(create(&conn, event, &"é".repeat(200), "t").is_ok());
        assert!(create(&conn, event, "two\nlines", "t").is_err());
    }
}
