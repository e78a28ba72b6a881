//! What an export is asked to do and what it reports (CLI JSON and IPC).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which items go into an export (`--only`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
#[ts(export)]
pub enum ExportSelection {
    /// Everything not in the trash, whatever its moderation status.
    All,
    Approved,
    Picked,
    Favorites,
    /// One collection, by name, in its manual order.
    Collection(String),
}

/// Folders inside the export (`--layout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportLayout {
    #[default]
    Flat,
    ByUploader,
    ByDay,
}

/// The default name template.
pub const DEFAULT_TEMPLATE: &str = "{date}_{time}_{uploader}_{seq}.{ext}";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportRequest {
    /// The event, by id or name.
    pub event: String,
    /// A folder, or a file ending in `.zip`.
    pub to: PathBuf,
    pub only: ExportSelection,
    /// Null: [`DEFAULT_TEMPLATE`].
    pub template: Option<String>,
    pub layout: ExportLayout,
    /// Remove GPS tags from JPEG copies (the originals stay untouched).
    pub strip_location: bool,
    /// Add an offline `index.html` gallery with thumbnails.
    pub gallery: bool,
}

/// Where an export is, after each file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportProgress {
    pub done: u64,
    pub total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// The path in the export just written.
    pub current: Option<String>,
}

/// One item that could not be exported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportFailure {
    pub media_id: i64,
    pub original_name: String,
    pub reason: String,
}

/// What an export did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub event_id: i64,
    pub event_name: String,
    /// The folder or ZIP file written.
    pub destination: PathBuf,
    pub zip: bool,
    /// Media files in the export (written now or found already there).
    pub files: u64,
    pub bytes: u64,
    /// Files already in the folder with the right hash (a resumed export).
    pub skipped: u64,
    pub failed: Vec<ExportFailure>,
    pub messages: u64,
    /// Stopped before the end: a folder keeps what was written (a re-run
    /// finishes it), a ZIP is removed.
    pub cancelled: bool,
    pub elapsed_ms: u64,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerifyReport {
    pub path: PathBuf,
    pub event_name: String,
    /// Files listed in the manifest and SHA256SUMS that were checked.
    pub checked: u64,
    /// Paths in the export that are listed but absent.
    pub missing: Vec<String>,
    /// Paths whose bytes no longer hash to the listed SHA-256.
    pub altered: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.altered.is_empty()
    }
}

/// What `forget` would remove, for the confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ForgetPreview {
    pub event_id: i64,
    pub event_name: String,
    pub media_count: i64,
    pub message_count: i64,
    /// Bytes of originals and renditions that only this event uses.
    pub bytes: i64,
    /// Decisions not yet sent to the server (lost with the event).
    pub unsent_decisions: i64,
    /// The most recently verified export of the whole event (`--only all`,
    /// originals unchanged, no failed item) that is still where it was
    /// written; null when there is none.
    pub verified_export: Option<ExportRecord>,
}

/// An export the library remembers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportRecord {
    pub destination: PathBuf,
    pub files: i64,
    pub bytes: i64,
    pub finished_at: String,
    /// When it last passed `verify`; null when never checked.
    pub verified_at: Option<String>,
}

/// What `forget` removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ForgetReport {
    pub event_name: String,
    pub media_removed: i64,
    pub messages_removed: i64,
    pub bytes_freed: i64,
}

/// Archiving before expiry, for the whole library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ArchiveSettings {
    /// Archive a linked event by itself when the app runs within
    /// `days_before` days of its plan's end and it has no export yet.
    pub auto_archive: bool,
    pub days_before: u32,
    /// Where automatic archives go (a folder per event inside).
    pub folder: Option<PathBuf>,
}

impl Default for ArchiveSettings {
    fn default() -> Self {
        ArchiveSettings {
            auto_archive: false,
            days_before: 7,
            folder: None,
        }
    }
}
