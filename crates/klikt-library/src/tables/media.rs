//! The `media` table: one row per photo or video in an event.

use std::collections::HashSet;

use rusqlite::{named_params, Connection, OptionalExtension, Row};

use crate::error::Result;
use crate::model::{Flag, MediaKind, Preview, Status};

/// A media row as stored: what is known about the item, plus the
/// organizer's curation.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaRow {
    pub id: i64,
    pub record: MediaRecord,
    pub flag: Flag,
    pub rating: u8,
    pub favorite: bool,
}

/// What is known about an item (from its bytes, the service, the import);
/// inserting one gives curation columns their defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaRecord {
    pub event_id: i64,
    /// The server's id and version of a pulled item; `None` for a local import.
    pub remote_id: Option<String>,
    pub remote_version: Option<i64>,
    pub kind: MediaKind,
    pub mime: String,
    pub original_name: String,
    pub uploader: Option<String>,
    pub caption: Option<String>,
    pub uploaded_at: Option<String>,
    pub captured_at: Option<String>,
    pub imported_at: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub orientation: u16,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub gps_lat: Option<f64>,
    pub gps_lon: Option<f64>,
    pub size: i64,
    pub sha256: String,
    /// BLAKE3 of the original as it entered the store (hex); `None` for
    /// rows from before schema 8. Exports check the store's copy with it.
    pub blake3: Option<String>,
    pub status: Status,
    pub preview: Preview,
    pub has_thumbnail: bool,
    pub has_display: bool,
}

const COLUMNS: &str = "id, event_id, kind, mime, original_name, uploader, caption, uploaded_at, \
    captured_at, imported_at, width, height, orientation, camera_make, camera_model, gps_lat, \
    gps_lon, size, sha256, status, flag, rating, favorite, preview, has_thumbnail, has_display, \
    remote_id, remote_version, blake3";

fn from_row(row: &Row<'_>) -> rusqlite::Result<MediaRow> {
    Ok(MediaRow {
        id: row.get(0)?,
        record: MediaRecord {
            event_id: row.get(1)?,
            remote_id: row.get(26)?,
            remote_version: row.get(27)?,
            kind: row.get(2)?,
            mime: row.get(3)?,
            original_name: row.get(4)?,
            uploader: row.get(5)?,
            caption: row.get(6)?,
            uploaded_at: row.get(7)?,
            captured_at: row.get(8)?,
            imported_at: row.get(9)?,
            width: row.get(10)?,
            height: row.get(11)?,
            orientation: row.get(12)?,
            camera_make: row.get(13)?,
            camera_model: row.get(14)?,
            gps_lat: row.get(15)?,
            gps_lon: row.get(16)?,
            size: row.get(17)?,
            sha256: row.get(18)?,
            blake3: row.get(28)?,
            status: row.get(19)?,
            preview: row.get(23)?,
            has_thumbnail: row.get(24)?,
            has_display: row.get(25)?,
        },
        flag: row.get(20)?,
        rating: row.get(21)?,
        favorite: row.get(22)?,
    })
}

/// Inserts `item` unless the event already holds the same bytes.
/// Returns the new row id, or `None` for a duplicate.
pub fn insert_if_new(conn: &Connection, item: &MediaRecord) -> Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO media (event_id, kind, mime, original_name, uploader, caption, uploaded_at,
             captured_at, imported_at, width, height, orientation, camera_make, camera_model,
             gps_lat, gps_lon, size, sha256, status, preview, has_thumbnail, has_display,
             remote_id, remote_version, blake3)
         VALUES (:event_id, :kind, :mime, :original_name, :uploader, :caption, :uploaded_at,
             :captured_at, :imported_at, :width, :height, :orientation, :camera_make,
             :camera_model, :gps_lat, :gps_lon, :size, :sha256, :status, :preview,
             :has_thumbnail, :has_display, :remote_id, :remote_version, :blake3)
         ON CONFLICT (event_id, sha256) DO NOTHING",
    )?;
    let changed = stmt.execute(named_params! {
        ":event_id": item.event_id,
        ":kind": item.kind,
        ":mime": item.mime,
        ":original_name": item.original_name,
        ":uploader": item.uploader,
        ":caption": item.caption,
        ":uploaded_at": item.uploaded_at,
        ":captured_at": item.captured_at,
        ":imported_at": item.imported_at,
        ":width": item.width,
        ":height": item.height,
        ":orientation": item.orientation,
        ":camera_make": item.camera_make,
        ":camera_model": item.camera_model,
        ":gps_lat": item.gps_lat,
        ":gps_lon": item.gps_lon,
        ":size": item.size,
        ":sha256": item.sha256,
        ":status": item.status,
        ":preview": item.preview,
        ":has_thumbnail": item.has_thumbnail,
        ":has_display": item.has_display,
        ":remote_id": item.remote_id,
        ":remote_version": item.remote_version,
        ":blake3": item.blake3,
    })?;
    Ok((changed == 1).then(|| conn.last_insert_rowid()))
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<MediaRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM media WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// Which rows of an event to list, and in which order. Absent filters match
/// everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaFilter {
    /// This status only; by default everything but deleted (trashed) items.
    pub status: Option<Status>,
    pub flag: Option<Flag>,
    /// A rating of at least this.
    pub min_rating: Option<u8>,
    pub favorite: Option<bool>,
    pub kind: Option<MediaKind>,
    pub uploader: Option<String>,
    /// Members of this collection only.
    pub collection: Option<i64>,
    /// With (or without) a guest caption.
    pub has_caption: Option<bool>,
    pub order: MediaOrder,
    /// A page: at most `limit` rows after skipping `offset`.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// The order of a listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MediaOrder {
    /// Capture time; items without one last, in import order.
    #[default]
    Captured,
    /// Upload time (import time for local files), then id.
    Uploaded,
    /// The manual order of `MediaFilter::collection` (capture order without one).
    Manual,
}

impl From<&Selector> for MediaFilter {
    fn from(s: &Selector) -> Self {
        MediaFilter {
            status: s.status,
            flag: s.flag,
            kind: s.kind,
            uploader: s.uploader.clone(),
            ..MediaFilter::default()
        }
    }
}

/// The conditions every listing shares, on table alias `m`. Absent filters
/// bind NULL and drop out, so each order has one cached statement.
const FILTER: &str = "m.event_id = :event_id
    AND (CASE WHEN :status IS NULL THEN m.status != 'deleted' ELSE m.status = :status END)
    AND (:flag IS NULL OR m.flag = :flag)
    AND (:min_rating IS NULL OR m.rating >= :min_rating)
    AND (:favorite IS NULL OR m.favorite = :favorite)
    AND (:kind IS NULL OR m.kind = :kind)
    AND (:uploader IS NULL OR m.uploader = :uploader)
    AND (:collection IS NULL
         OR m.id IN (SELECT media_id FROM collection_items WHERE collection_id = :collection))
    AND (:has_caption IS NULL
         OR (coalesce(trim(m.caption), '') != '') = :has_caption)";

/// `SELECT <what> ... ORDER BY <the filter's order> LIMIT/OFFSET` over `FILTER`.
fn listing_sql(what: &str, order: MediaOrder, collection: Option<i64>) -> String {
    match (order, collection) {
        (MediaOrder::Manual, Some(_)) => format!(
            "SELECT {what} FROM media m
             JOIN collection_items ci ON ci.media_id = m.id AND ci.collection_id = :collection
             WHERE {FILTER}
             ORDER BY ci.position, m.id
             LIMIT :limit OFFSET :offset"
        ),
        (MediaOrder::Uploaded, _) => format!(
            "SELECT {what} FROM media m
             WHERE {FILTER}
             ORDER BY coalesce(m.uploaded_at, m.imported_at), m.id
             LIMIT :limit OFFSET :offset"
        ),
        // Two index-ordered arms (dated items by capture time, then undated
        // ones by id), merged: the first page never sorts the whole event.
        _ => format!(
            "SELECT {what} FROM (
                 SELECT m.*, 0 AS undated FROM media m
                 WHERE {FILTER} AND m.captured_at IS NOT NULL
                 UNION ALL
                 SELECT m.*, 1 AS undated FROM media m
                 WHERE {FILTER} AND m.captured_at IS NULL
                 ORDER BY undated, captured_at, id
                 LIMIT :limit OFFSET :offset)"
        ),
    }
}

fn query_listing<T>(
    conn: &Connection,
    event_id: i64,
    filter: &MediaFilter,
    what: &str,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(&listing_sql(what, filter.order, filter.collection))?;
    let limit = filter.limit.map_or(-1, i64::from);
    let offset = i64::from(filter.offset.unwrap_or(0));
    let rows = stmt.query_map(
        named_params! {
            ":event_id": event_id,
            ":status": filter.status,
            ":flag": filter.flag,
            ":min_rating": filter.min_rating,
            ":favorite": filter.favorite,
            ":kind": filter.kind,
            ":uploader": filter.uploader,
            ":collection": filter.collection,
            ":has_caption": filter.has_caption,
            ":limit": limit,
            ":offset": offset,
        },
        map,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The event's media matching `filter`, in its order.
pub fn list(conn: &Connection, event_id: i64, filter: &MediaFilter) -> Result<Vec<MediaRow>> {
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("m.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    // The capture-order arms select `m.*` into a subquery aliased `m` too.
    let what = if matches!(filter.order, MediaOrder::Captured)
        || (filter.order == MediaOrder::Manual && filter.collection.is_none())
    {
        COLUMNS.to_owned()
    } else {
        columns
    };
    query_listing(conn, event_id, filter, &what, from_row)
}

/// The ids of the event's media matching `filter`, in the same order as `list`.
pub fn list_ids(conn: &Connection, event_id: i64, filter: &MediaFilter) -> Result<Vec<i64>> {
    let what = if matches!(filter.order, MediaOrder::Captured)
        || (filter.order == MediaOrder::Manual && filter.collection.is_none())
    {
        "id"
    } else {
        "m.id"
    };
    query_listing(conn, event_id, filter, what, |row| row.get(0))
}

/// The guests who uploaded to the event, with how many of their items are
/// not in the trash, by name.
pub fn uploaders(conn: &Connection, event_id: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT uploader, count(*) FROM media
         WHERE event_id = ?1 AND uploader IS NOT NULL AND status != 'deleted'
         GROUP BY uploader ORDER BY uploader COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([event_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The SHA-256 of every item already in the event.
pub fn hashes_in_event(conn: &Connection, event_id: i64) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT sha256 FROM media WHERE event_id = ?1")?;
    let rows = stmt.query_map([event_id], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every SHA-256 any row refers to: the files the store must keep.
pub fn all_hashes(conn: &Connection) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT sha256 FROM media")?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The item of `event_id` that was pulled as `remote_id`, if it is here.
pub fn find_remote(conn: &Connection, event_id: i64, remote_id: &str) -> Result<Option<MediaRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM media WHERE event_id = ?1 AND remote_id = ?2"
        ))?
        .query_row(rusqlite::params![event_id, remote_id], from_row)
        .optional()?)
}

/// What the server says about a pulled item that may change after it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteUpdate<'a> {
    pub version: i64,
    pub status: Status,
    pub uploader: &'a str,
    pub caption: Option<&'a str>,
}

/// Applies a newer server version of a pulled item; older or equal versions
/// change nothing (the feed may replay a page). Returns whether a row changed.
pub fn apply_remote_update(
    conn: &Connection,
    event_id: i64,
    remote_id: &str,
    update: &RemoteUpdate<'_>,
) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            // While a decision of the organizer's waits in the outbox, the
            // local status is what they decided; the push settles it.
            "UPDATE media SET remote_version = :version,
                 status = CASE WHEN EXISTS (SELECT 1 FROM outbox o
                                            WHERE o.event_id = media.event_id
                                              AND o.remote_id = media.remote_id
                                              AND o.state = 'pending')
                          THEN status ELSE :status END,
                 uploader = :uploader, caption = :caption
             WHERE event_id = :event_id AND remote_id = :remote_id
               AND (remote_version IS NULL OR remote_version < :version)",
        )?
        .execute(named_params! {
            ":version": update.version,
            ":status": update.status,
            ":uploader": update.uploader,
            ":caption": update.caption,
            ":event_id": event_id,
            ":remote_id": remote_id,
        })?;
    Ok(changed > 0)
}

/// Deletes a row outright (its bytes are purged by the caller once no other
/// row uses them). Returns the SHA-256 the row referred to.
pub fn delete(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("DELETE FROM media WHERE id = ?1 RETURNING sha256")?
        .query_row([id], |row| row.get(0))
        .optional()?)
}

/// Whether any row (in any event) still refers to these bytes.
pub fn sha_in_use(conn: &Connection, sha256: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM media WHERE sha256 = ?1)")?
        .query_row([sha256], |row| row.get(0))?)
}

/// A stored item with these bytes whose renditions a new row can share.
pub fn any_with_sha(conn: &Connection, sha256: &str) -> Result<Option<MediaRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM media WHERE sha256 = ?1 ORDER BY id LIMIT 1"
        ))?
        .query_row([sha256], from_row)
        .optional()?)
}

/// The remote ids of the event's pulled items.
pub fn remote_ids(conn: &Connection, event_id: i64) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, remote_id FROM media WHERE event_id = ?1 AND remote_id IS NOT NULL",
    )?;
    let rows = stmt.query_map([event_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets an item's moderation status; `trashed_from` remembers the status a
/// trashed item had (NULL otherwise).
pub fn set_status(
    conn: &Connection,
    id: i64,
    status: Status,
    trashed_from: Option<Status>,
) -> Result<()> {
    conn.prepare_cached("UPDATE media SET status = ?2, trashed_from = ?3 WHERE id = ?1")?
        .execute(rusqlite::params![id, status, trashed_from])?;
    Ok(())
}

/// The status a trashed item had before it went to the trash.
pub fn trashed_from(conn: &Connection, id: i64) -> Result<Option<Status>> {
    Ok(conn
        .prepare_cached("SELECT trashed_from FROM media WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?
        .flatten())
}

pub fn set_flag(conn: &Connection, id: i64, flag: Flag) -> Result<()> {
    conn.prepare_cached("UPDATE media SET flag = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![id, flag])?;
    Ok(())
}

pub fn set_rating(conn: &Connection, id: i64, rating: u8) -> Result<()> {
    conn.prepare_cached("UPDATE media SET rating = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![id, rating])?;
    Ok(())
}

pub fn set_favorite(conn: &Connection, id: i64, favorite: bool) -> Result<()> {
    conn.prepare_cached("UPDATE media SET favorite = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![id, favorite])?;
    Ok(())
}

/// The server version of a pulled item after the server applied a decision.
pub fn set_remote_version(conn: &Connection, id: i64, version: i64) -> Result<()> {
    conn.prepare_cached("UPDATE media SET remote_version = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![id, version])?;
    Ok(())
}

/// Which items a bulk decision applies to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub status: Option<Status>,
    pub uploader: Option<String>,
    pub kind: Option<MediaKind>,
    pub flag: Option<Flag>,
}

/// The ids of the event's items matching `selector` (trashed items only
/// when asked for by status), in capture order.
pub fn select_ids(conn: &Connection, event_id: i64, selector: &Selector) -> Result<Vec<i64>> {
    list_ids(conn, event_id, &MediaFilter::from(selector))
}

/// The trashed items of an event (status `deleted`).
pub fn trashed(conn: &Connection, event_id: i64) -> Result<Vec<MediaRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM media WHERE event_id = ?1 AND status = 'deleted' ORDER BY id"
    ))?;
    let rows = stmt.query_map([event_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
