//! Types that cross to front ends (CLI JSON, Tauri IPC). TypeScript bindings
//! are generated from them with ts-rs (`cargo test -p klikt-api`).

use std::path::Path;

use klikt_library::tables::{events::EventStats, media::MediaRow};
use klikt_library::{FileKind, Flag, MediaKind, Preview, Sha256Hex, Status, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An event as the event list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EventSummary {
    pub id: i64,
    pub name: String,
    /// The service's id for a linked event; null for a local-only one.
    pub remote_id: Option<String>,
    pub created_at: String,
    pub media_count: i64,
    pub pending_count: i64,
    pub total_bytes: i64,
    /// `active`; `expired` once the plan ended on the server (local copies
    /// stay fully usable); `gone` once the server no longer has the event.
    pub server_state: String,
    /// When uploads close on the server (linked events only); the album
    /// can still be pulled until `backup_until`.
    pub expires_at: Option<String>,
    pub last_pulled_at: Option<String>,
    /// When the server deletes the event and its originals (linked events
    /// only): the date expiry warnings and archiving count down to.
    pub backup_until: Option<String>,
}

impl From<EventStats> for EventSummary {
    fn from(stats: EventStats) -> Self {
        EventSummary {
            id: stats.event.id,
            name: stats.event.name,
            remote_id: stats.event.remote_id,
            created_at: stats.event.created_at,
            media_count: stats.media_count,
            pending_count: stats.pending_count,
            total_bytes: stats.total_bytes,
            server_state: stats.event.server_state,
            expires_at: stats.event.expires_at,
            last_pulled_at: stats.event.last_pulled_at,
            backup_until: stats.event.backup_until,
        }
    }
}

/// One photo or video, with the absolute paths of its files in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MediaItem {
    pub id: i64,
    pub event_id: i64,
    /// The server's id of a pulled item; null for a local import.
    pub remote_id: Option<String>,
    pub kind: MediaKind,
    pub mime: String,
    pub original_name: String,
    pub uploader: Option<String>,
    pub caption: Option<String>,
    pub uploaded_at: Option<String>,
    /// ISO 8601; with an offset when the camera recorded one.
    pub captured_at: Option<String>,
    pub imported_at: String,
    /// As displayed, after EXIF orientation.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub orientation: u16,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub gps_lat: Option<f64>,
    pub gps_lon: Option<f64>,
    pub size: i64,
    pub sha256: String,
    pub status: Status,
    pub flag: Flag,
    pub rating: u8,
    pub favorite: bool,
    pub preview: Preview,
    pub original_path: String,
    pub thumbnail_path: Option<String>,
    pub display_path: Option<String>,
}

impl MediaItem {
    pub(crate) fn from_row(row: MediaRow, store: &Store) -> Self {
        let MediaRow {
            id,
            record: r,
            flag,
            rating,
            favorite,
        } = row;
        let path = |kind: FileKind| -> String {
            match Sha256Hex::parse(&r.sha256) {
                Ok(sha) => path_text(&store.path(&sha, kind)),
                Err(_) => String::new(),
            }
        };
        let original_path = path(FileKind::Original);
        let thumbnail_path = r.has_thumbnail.then(|| path(FileKind::Thumbnail));
        let display_path = r.has_display.then(|| path(FileKind::Display));
        MediaItem {
            id,
            event_id: r.event_id,
            remote_id: r.remote_id.clone(),
            kind: r.kind,
            mime: r.mime,
            original_name: r.original_name,
            uploader: r.uploader,
            caption: r.caption,
            uploaded_at: r.uploaded_at,
            captured_at: r.captured_at,
            imported_at: r.imported_at,
            width: r.width,
            height: r.height,
            orientation: r.orientation,
            camera_make: r.camera_make,
            camera_model: r.camera_model,
            gps_lat: r.gps_lat,
            gps_lon: r.gps_lon,
            size: r.size,
            sha256: r.sha256,
            status: r.status,
            flag,
            rating,
            favorite,
            preview: r.preview,
            original_path,
            thumbnail_path,
            display_path,
        }
    }
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Which media of an event to list, in which order. Every filter is
/// optional; absent filters match everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MediaQuery {
    /// Only items with this status; by default everything but deleted items
    /// (ask for `deleted` to see the trash).
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<Status>,
    #[serde(default)]
    #[ts(optional)]
    pub flag: Option<Flag>,
    /// Items rated at least this (1–5).
    #[serde(default)]
    #[ts(optional)]
    pub min_rating: Option<u8>,
    #[serde(default)]
    #[ts(optional)]
    pub favorite: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<MediaKind>,
    /// The guest's name exactly as `uploaders` lists it.
    #[serde(default)]
    #[ts(optional)]
    pub uploader: Option<String>,
    /// Only items of this collection (by id), in the collection's order
    /// unless `sort` says otherwise.
    #[serde(default)]
    #[ts(optional)]
    pub collection: Option<i64>,
    /// Only items whose guest wrote a message with them (a caption), or only
    /// items without one.
    #[serde(default)]
    #[ts(optional)]
    pub has_message: Option<bool>,
    /// By capture time (the default; undated items last) or upload time.
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<MediaSort>,
    /// At most this many items (a page); all when absent.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// Items skipped before the page.
    #[serde(default)]
    #[ts(optional)]
    pub offset: Option<u32>,
}

/// The order of a media listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MediaSort {
    /// Capture time, then undated items in import order.
    #[default]
    Captured,
    /// Upload time (import time for local files).
    Uploaded,
    /// A collection's manual order (needs `collection`).
    Manual,
}

/// A guest who uploaded to an event, for the uploader filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UploaderCount {
    pub uploader: String,
    /// Their items that are not in the trash.
    pub count: i64,
}

/// Where an event stands with the server, for the sync panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    pub event_id: i64,
    /// False for a local-only event (nothing to sync).
    pub linked: bool,
    /// Decisions waiting to be pushed.
    pub pending: i64,
    /// Decisions the server will never take (the event ended or is gone).
    pub dead: Vec<crate::OutboxItem>,
    /// Decisions the server refused because the item changed there.
    pub conflicts: Vec<crate::ConflictItem>,
    pub last_pulled_at: Option<String>,
    /// When the server last confirmed a decision.
    pub last_pushed_at: Option<String>,
}

/// Progress of a running import, reported after each file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    pub done: u64,
    pub total: u64,
    pub bytes_done: u64,
    /// The file just finished, as the user named it.
    pub current: String,
}

/// A file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rejection {
    pub name: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub event_id: i64,
    pub event_name: String,
    pub event_created: bool,
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: Vec<Rejection>,
    /// Renditions could not be made (HEIC without libheif, video without ffmpeg):
    /// kept with a "no preview" state.
    pub without_preview: u64,
    pub cancelled: bool,
}

/// The Klikt server account the library is signed in to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountInfo {
    pub server_url: String,
    pub email: String,
    pub signed_in_at: String,
}

/// An event of the signed-in account, as the server lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RemoteEventSummary {
    pub remote_id: String,
    pub name: String,
    pub date: Option<String>,
    pub share_url: String,
    pub moderation_mode: String,
    pub plan_name: String,
    /// From then on guests cannot upload and moderation is closed.
    pub expires_at: String,
    /// From then on the server deletes the event and its originals.
    pub backup_until: String,
    pub media_count: i64,
    pub total_bytes: i64,
    /// The local event it was pulled into, if it was.
    pub local_id: Option<i64>,
}

/// How a pull goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullOptions {
    /// Concurrent downloads.
    pub jobs: usize,
}

impl Default for PullOptions {
    fn default() -> Self {
        PullOptions { jobs: 6 }
    }
}

/// Where a pull is, reported as it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PullProgress {
    /// `changes` while reading the change feed, `originals` while downloading.
    pub phase: String,
    pub changes: u64,
    pub items_done: u64,
    pub items_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// What a pull did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PullReport {
    pub event_id: i64,
    pub event_name: String,
    pub remote_id: String,
    /// Changes read from the feed.
    pub changes: u64,
    /// Originals downloaded and verified.
    pub downloaded: u64,
    pub bytes_downloaded: u64,
    /// Items whose bytes were already in the library (no download).
    pub reused: u64,
    /// Items purged because the server deleted them.
    pub purged: u64,
    /// Guest messages added or updated.
    pub messages: u64,
    /// Items that could not be downloaded this time (retried on the next pull).
    pub failed: Vec<Rejection>,
    /// `active`, `expired` (the plan ended; local copies stay) or `gone`.
    pub server_state: String,
    pub cancelled: bool,
}

/// A guest message (guest-book entry). Its text is the guest's: show it as
/// text, never as markup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MessageItem {
    pub id: i64,
    pub event_id: i64,
    pub remote_id: Option<String>,
    pub author: Option<String>,
    pub body: String,
    pub created_at: String,
    pub status: Status,
}

/// The demo: the reference server running on loopback inside the app, with
/// an event of sample photos, signed in to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DemoInfo {
    pub account: AccountInfo,
    /// The demo event's id on the embedded server; pull it to see it.
    pub remote_id: String,
    pub event_name: String,
}

/// A display the slideshow can open on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MonitorInfo {
    /// The system's name for it (what the settings keep).
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub x: i32,
    pub y: i32,
    pub scale_factor: f64,
    /// The monitor the main window is on.
    pub current: bool,
}
