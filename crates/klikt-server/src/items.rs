//! Media items and guest messages: their rows, their wire forms, and the
//! two ways they change — a new status (version + 1) or deletion (a final
//! tombstone, version + 1). Every change is recorded in the feed.

use klikt_wire::{
    ItemId, ItemStatus, ItemType, Media, MediaKind, Message, Tombstone, TombstoneReason,
};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::clock;
use crate::error::{Result, ServerError};
use crate::feed;

pub(crate) fn status_str(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Pending => "pending",
        ItemStatus::Approved => "approved",
        ItemStatus::Hidden => "hidden",
        ItemStatus::Deleted => "deleted",
    }
}

pub(crate) fn parse_status(s: &str) -> ItemStatus {
    match s {
        "pending" => ItemStatus::Pending,
        "approved" => ItemStatus::Approved,
        "hidden" => ItemStatus::Hidden,
        _ => ItemStatus::Deleted,
    }
}

pub(crate) fn reason_str(reason: TombstoneReason) -> &'static str {
    match reason {
        TombstoneReason::Moderation => "moderation",
        TombstoneReason::RemovalRequest => "removal_request",
        TombstoneReason::Uploader => "uploader",
        TombstoneReason::Retention => "retention",
    }
}

pub(crate) fn parse_reason(s: &str) -> Option<TombstoneReason> {
    Some(match s {
        "moderation" => TombstoneReason::Moderation,
        "removal_request" => TombstoneReason::RemovalRequest,
        "uploader" => TombstoneReason::Uploader,
        "retention" => TombstoneReason::Retention,
        _ => return None,
    })
}

pub(crate) fn target_str(target: ItemType) -> &'static str {
    match target {
        ItemType::Media => "media",
        ItemType::Message => "message",
    }
}

/// One row of `media`.
#[derive(Debug, Clone)]
pub(crate) struct MediaRow {
    pub(crate) id: String,
    pub(crate) event_id: String,
    pub(crate) version: i64,
    pub(crate) media_kind: MediaKind,
    pub(crate) mime: String,
    pub(crate) original_name: String,
    pub(crate) uploader_name: String,
    pub(crate) caption: Option<String>,
    pub(crate) uploaded_at: i64,
    pub(crate) size: i64,
    pub(crate) sha256: String,
    pub(crate) status: ItemStatus,
    pub(crate) deleted_reason: Option<TombstoneReason>,
    pub(crate) deleted_at: Option<i64>,
    pub(crate) preview_sha256: Option<String>,
    pub(crate) preview_size: Option<i64>,
}

pub(crate) const MEDIA_COLUMNS: &str = "id, event_id, version, media_kind, mime, original_name, \
     uploader_name, caption, uploaded_at, size, sha256, status, deleted_reason, deleted_at, \
     preview_sha256, preview_size";

pub(crate) fn media_from_row(r: &Row<'_>) -> rusqlite::Result<MediaRow> {
    let kind: String = r.get(3)?;
    let status: String = r.get(11)?;
    let reason: Option<String> = r.get(12)?;
    Ok(MediaRow {
        id: r.get(0)?,
        event_id: r.get(1)?,
        version: r.get(2)?,
        media_kind: if kind == "video" {
            MediaKind::Video
        } else {
            MediaKind::Photo
        },
        mime: r.get(4)?,
        original_name: r.get(5)?,
        uploader_name: r.get(6)?,
        caption: r.get(7)?,
        uploaded_at: r.get(8)?,
        size: r.get(9)?,
        sha256: r.get(10)?,
        status: parse_status(&status),
        deleted_reason: reason.as_deref().and_then(parse_reason),
        deleted_at: r.get(13)?,
        preview_sha256: r.get(14)?,
        preview_size: r.get(15)?,
    })
}

impl MediaRow {
    pub(crate) fn load(conn: &Connection, id: &str) -> Result<Option<MediaRow>> {
        Ok(conn
            .prepare_cached(&format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = ?1"))?
            .query_row([id], media_from_row)
            .optional()?)
    }

    pub(crate) fn to_wire(&self) -> Media {
        Media {
            id: ItemId::new(&self.id),
            version: version_u64(self.version),
            media_kind: self.media_kind,
            mime: self.mime.clone(),
            original_name: self.original_name.clone(),
            uploader_name: self.uploader_name.clone(),
            caption: self.caption.clone(),
            uploaded_at: clock::instant(self.uploaded_at),
            size: u64::try_from(self.size).unwrap_or(0),
            sha256: self.sha256.clone(),
            status: self.status,
        }
    }
}

/// One row of `messages`.
#[derive(Debug, Clone)]
pub(crate) struct MessageRow {
    pub(crate) id: String,
    pub(crate) event_id: String,
    pub(crate) version: i64,
    pub(crate) author: String,
    pub(crate) body: String,
    pub(crate) created_at: i64,
    pub(crate) status: ItemStatus,
    pub(crate) deleted_reason: Option<TombstoneReason>,
    pub(crate) deleted_at: Option<i64>,
}

impl MessageRow {
    pub(crate) fn load(conn: &Connection, id: &str) -> Result<Option<MessageRow>> {
        Ok(conn
            .query_row(
                "SELECT id, event_id, version, author, body, created_at, status,
                        deleted_reason, deleted_at
                 FROM messages WHERE id = ?1",
                [id],
                |r| {
                    let status: String = r.get(6)?;
                    let reason: Option<String> = r.get(7)?;
                    Ok(MessageRow {
                        id: r.get(0)?,
                        event_id: r.get(1)?,
                        version: r.get(2)?,
                        author: r.get(3)?,
                        body: r.get(4)?,
                        created_at: r.get(5)?,
                        status: parse_status(&status),
                        deleted_reason: reason.as_deref().and_then(parse_reason),
                        deleted_at: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    pub(crate) fn to_wire(&self) -> Message {
        Message {
            id: ItemId::new(&self.id),
            version: version_u64(self.version),
            author: self.author.clone(),
            body: self.body.clone(),
            created_at: clock::instant(self.created_at),
            status: self.status,
        }
    }
}

fn version_u64(version: i64) -> u64 {
    u64::try_from(version).unwrap_or(0)
}

/// What moderation and the admin commands need of either kind of item.
#[derive(Debug, Clone)]
pub(crate) struct ItemState {
    pub(crate) target: ItemType,
    pub(crate) id: String,
    pub(crate) event_id: String,
    pub(crate) version: i64,
    pub(crate) status: ItemStatus,
    pub(crate) deleted_reason: Option<TombstoneReason>,
    /// For media: the original's address.
    pub(crate) sha256: Option<String>,
}

impl ItemState {
    pub(crate) fn is_deleted(&self) -> bool {
        self.status == ItemStatus::Deleted
    }
}

/// The item `id` of kind `target`, if it exists.
pub(crate) fn load_item(
    conn: &Connection,
    target: ItemType,
    id: &str,
) -> Result<Option<ItemState>> {
    Ok(match target {
        ItemType::Media => MediaRow::load(conn, id)?.map(|m| ItemState {
            target,
            id: m.id,
            event_id: m.event_id,
            version: m.version,
            status: m.status,
            deleted_reason: m.deleted_reason,
            sha256: Some(m.sha256),
        }),
        ItemType::Message => MessageRow::load(conn, id)?.map(|m| ItemState {
            target,
            id: m.id,
            event_id: m.event_id,
            version: m.version,
            status: m.status,
            deleted_reason: m.deleted_reason,
            sha256: None,
        }),
    })
}

/// The item `id` whichever kind it is.
pub(crate) fn find_item(conn: &Connection, id: &str) -> Result<ItemState> {
    if let Some(item) = load_item(conn, ItemType::Media, id)? {
        return Ok(item);
    }
    load_item(conn, ItemType::Message, id)?
        .ok_or_else(|| ServerError::NotFound(format!("item {id}")))
}

fn table(target: ItemType) -> &'static str {
    match target {
        ItemType::Media => "media",
        ItemType::Message => "messages",
    }
}

/// Sets a live item's status. A real change bumps the version and enters
/// the feed; setting the status it already has changes nothing. Returns
/// the version afterwards. Call inside a write transaction.
pub(crate) fn set_status(conn: &Connection, item: &ItemState, status: ItemStatus) -> Result<i64> {
    if item.status == status {
        return Ok(item.version);
    }
    let version = item.version + 1;
    conn.prepare_cached(&format!(
        "UPDATE {} SET status = ?2, version = ?3 WHERE id = ?1",
        table(item.target)
    ))?
    .execute(params![item.id, status_str(status), version])?;
    feed::record(conn, &item.event_id, target_str(item.target), &item.id)?;
    Ok(version)
}

/// Deletes a live item for good: status `deleted`, a tombstone in the feed
/// (and the event's counts change). Returns the version afterwards. Call
/// inside a write transaction; the original's bytes are the caller's
/// business ([`original_still_used`]).
pub(crate) fn delete(conn: &Connection, item: &ItemState, reason: TombstoneReason) -> Result<i64> {
    if item.is_deleted() {
        return Ok(item.version);
    }
    let version = item.version + 1;
    conn.execute(
        &format!(
            "UPDATE {} SET status = 'deleted', version = ?2, deleted_reason = ?3, deleted_at = ?4
             WHERE id = ?1",
            table(item.target)
        ),
        params![item.id, version, reason_str(reason), clock::now()],
    )?;
    feed::record(conn, &item.event_id, target_str(item.target), &item.id)?;
    if item.target == ItemType::Media {
        feed::record(conn, &item.event_id, "event", &item.event_id)?;
    }
    Ok(version)
}

/// Whether a live media item still refers to the original `sha256`.
pub(crate) fn original_still_used(conn: &Connection, sha256: &str) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM media WHERE sha256 = ?1 AND status != 'deleted'",
        [sha256],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// The tombstone of a deleted item.
pub(crate) fn tombstone(
    target: ItemType,
    id: &str,
    version: i64,
    reason: Option<TombstoneReason>,
    deleted_at: Option<i64>,
) -> Tombstone {
    Tombstone {
        target,
        id: ItemId::new(id),
        version: version_u64(version),
        reason: reason.unwrap_or(TombstoneReason::Moderation),
        removed_at: clock::instant(deleted_at.unwrap_or(0)),
    }
}
