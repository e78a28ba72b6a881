//! The Klikt application API: the one entry point every front end (the
//! `klikt` CLI, the desktop app, tests) calls. It turns user intents (import
//! these files, sign in, pull that event, hide this photo, push the
//! decisions) into work on the library, media and remote crates, and owns
//! the types that cross to front ends.

mod account;
pub mod archive;
mod collections;
mod credentials;
mod decide;
mod dto;
mod error;
pub mod export;
mod forget;
mod import;
mod ingest;
mod jobs;
mod live;
mod logo;
mod pull;
mod push;
pub mod slideshow;
mod trash;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use klikt_library::tables::{events, media};
use klikt_library::{Library, Sha256Hex};

pub use collections::{CollectionSummary, Position};
pub use decide::{Curation, DecisionReport, LogEntry, Moderation, Selection};
pub use dto::{
    AccountInfo, DemoInfo, EventSummary, ImportProgress, ImportReport, MediaItem, MediaQuery,
    MediaSort, MessageItem, MonitorInfo, PullOptions, PullProgress, PullReport, Rejection,
    RemoteEventSummary, SyncStatus, UploaderCount,
};
pub use error::{ApiError, IpcError};
pub use export::{
    ArchiveSettings, ExportFailure, ExportLayout, ExportProgress, ExportRecord, ExportReport,
    ExportRequest, ExportSelection, ForgetPreview, ForgetReport, VerifyReport,
};
pub use import::ImportRequest;
pub use jobs::{
    JobFinished, JobKind, JobOutcome, JobProgress, JobReport, JobTicket, Jobs, ProgressGate,
};
pub use klikt_library::tables::media::Selector;
pub use klikt_library::{FileKind, Flag, LibraryError, MediaKind, Preview, Status, SweepReport};
pub use klikt_remote::RetryPolicy;
pub use live::LiveStatus;
pub use pull::PullObserver;
pub use push::{ConflictItem, OutboxItem, PushReport};
pub use slideshow::{
    LogoCorner, QrFormat, Slide, SlideDeck, SlideKind, SlideOrder, SlideSource, SlideshowSettings,
    Transition,
};

/// The library folder to use: `KLIKT_LIBRARY` when set, else the platform
/// data folder (`~/.local/share/klikt` on Linux).
pub fn default_library_dir() -> Result<PathBuf, ApiError> {
    if let Some(dir) = std::env::var_os("KLIKT_LIBRARY").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::BaseDirs::new()
        .map(|dirs| dirs.data_dir().join("klikt"))
        .ok_or(ApiError::NoLibraryDir)
}

/// An open Klikt library and everything one can do with it. `Send + Sync`.
#[derive(Debug)]
pub struct Klikt {
    // Shared with the pull's blocking rendering tasks.
    library: Arc<Library>,
    /// External decoders found on this machine (detected once).
    tools: klikt_media::Tools,
    retry: RetryPolicy,
}

impl Klikt {
    /// Opens (creating if needed) the library in `dir`.
    pub fn open(dir: impl AsRef<Path>) -> Result<Klikt, ApiError> {
        Ok(Klikt {
            library: Arc::new(Library::open(dir)?),
            tools: klikt_media::Tools::detect(),
            retry: RetryPolicy::standard(),
        })
    }

    pub fn library_dir(&self) -> &Path {
        self.library.dir()
    }

    /// Partial and orphaned files removed when the library was opened.
    pub fn sweep_report(&self) -> &SweepReport {
        self.library.sweep_report()
    }

    /// Every event, newest first, with its counts.
    pub fn events(&self) -> Result<Vec<EventSummary>, ApiError> {
        let stats = self.library.read(events::list_with_stats)?;
        Ok(stats.into_iter().map(EventSummary::from).collect())
    }

    /// A page of an event's media (by id or name), filtered and ordered by `query`.
    pub fn media(&self, event: &str, query: &MediaQuery) -> Result<Vec<MediaItem>, ApiError> {
        let filter = media_filter(query)?;
        let rows = self.library.read(|conn| {
            let event = events::find(conn, event)?;
            media::list(conn, event.id, &filter)
        })?;
        let store = self.library.store();
        Ok(rows
            .into_iter()
            .map(|row| MediaItem::from_row(row, store))
            .collect())
    }

    /// The ids of every item `media` would list for `query` without its
    /// page, in the same order: enough for counts, ranges and keyboard
    /// navigation over a whole event without loading it.
    pub fn media_ids(&self, event: &str, query: &MediaQuery) -> Result<Vec<i64>, ApiError> {
        let filter = media::MediaFilter {
            limit: None,
            offset: None,
            ..media_filter(query)?
        };
        Ok(self.library.read(|conn| {
            let event = events::find(conn, event)?;
            media::list_ids(conn, event.id, &filter)
        })?)
    }

    /// The guests who uploaded to an event, with their item counts.
    pub fn uploaders(&self, event: &str) -> Result<Vec<UploaderCount>, ApiError> {
        let rows = self.library.read(|conn| {
            let event = events::find(conn, event)?;
            media::uploaders(conn, event.id)
        })?;
        Ok(rows
            .into_iter()
            .map(|(uploader, count)| UploaderCount { uploader, count })
            .collect())
    }

    /// One media item by id.
    pub fn media_item(&self, id: i64) -> Result<MediaItem, ApiError> {
        let row = self
            .library
            .read(|conn| media::get(conn, id))?
            .ok_or_else(|| ApiError::NotFound(format!("no media item with id {id}")))?;
        Ok(MediaItem::from_row(row, self.library.store()))
    }

    /// The path of one of an item's files, or `None` when it has no such rendition.
    pub fn rendition_file(
        &self,
        media_id: i64,
        which: FileKind,
    ) -> Result<Option<PathBuf>, ApiError> {
        let Some(row) = self.library.read(|conn| media::get(conn, media_id))? else {
            return Ok(None);
        };
        let present = match which {
            FileKind::Original => true,
            FileKind::Thumbnail => row.record.has_thumbnail,
            FileKind::Display => row.record.has_display,
        };
        if !present {
            return Ok(None);
        }
        let sha = Sha256Hex::parse(&row.record.sha256)?;
        Ok(Some(self.library.store().path(&sha, which)))
    }

    /// A video's original file and its MIME type, for the slideshow to play;
    /// `None` for a photo or an unknown id. Photos' originals are never handed
    /// to the webview (it shows renditions), and videos have no rendition to
    /// play but the original.
    pub fn video_file(&self, media_id: i64) -> Result<Option<(PathBuf, String)>, ApiError> {
        let Some(row) = self.library.read(|conn| media::get(conn, media_id))? else {
            return Ok(None);
        };
        if row.record.kind != MediaKind::Video {
            return Ok(None);
        }
        let sha = Sha256Hex::parse(&row.record.sha256)?;
        let path = self.library.store().path(&sha, FileKind::Original);
        Ok(Some((path, row.record.mime)))
    }

    /// Imports files, folders and ZIP archives into the local event named in
    /// `request` (created if new). `progress` is called after each file;
    /// setting `cancel` stops the import after the files under way.
    pub fn import(
        &self,
        request: &ImportRequest,
        progress: &mut dyn FnMut(&ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportReport, ApiError> {
        let ctx = ingest::Context {
            library: &self.library,
            limits: klikt_media::Limits::default(),
            tools: self.tools.clone(),
            imported_at: now_iso(),
        };
        import::run(&ctx, request, progress, cancel)
    }
}

/// The library filter a front end's query stands for.
fn media_filter(query: &MediaQuery) -> Result<media::MediaFilter, ApiError> {
    if query.min_rating.is_some_and(|n| n > 5) {
        return Err(ApiError::InvalidInput(
            "a rating filter is 0 to 5 stars".to_owned(),
        ));
    }
    let sort = query.sort.unwrap_or(if query.collection.is_some() {
        MediaSort::Manual
    } else {
        MediaSort::Captured
    });
    let order = match sort {
        MediaSort::Captured => media::MediaOrder::Captured,
        MediaSort::Uploaded => media::MediaOrder::Uploaded,
        MediaSort::Manual => media::MediaOrder::Manual,
    };
    Ok(media::MediaFilter {
        status: query.status,
        flag: query.flag,
        min_rating: query.min_rating.filter(|&n| n > 0),
        favorite: query.favorite,
        kind: query.kind,
        uploader: query.uploader.clone(),
        collection: query.collection,
        has_caption: query.has_message,
        order,
        limit: query.limit,
        offset: query.offset,
    })
}

/// A size for people: `532 B`, `4.2 MB`, `1.3 GB` (decimal units, like file managers).
pub fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} B", bytes.max(0))
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The current time as the library stores it. Front-end entry points read the
/// clock here; the logic below them takes time as a parameter.
fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
