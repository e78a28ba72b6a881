//! IPC commands: one-line delegations to `klikt_api::Klikt` (and to the job
//! runner and the demo host for the long ones).
//!
//! `async` runs them on Tauri's thread pool instead of the main (UI) thread,
//! since each one reads or writes the database. Arguments are snake_case on
//! both sides, like the JSON fields of the bindings. Adding a command means
//! adding it to `generate_handler!` in `main.rs`, to `COMMANDS` in `build.rs`
//! and to `capabilities/main.json` (a test checks the three agree).
//!
//! A command that may change what the slideshow's deck holds (a decision, an
//! undo, a collection or settings change, the logo) passes its result
//! through `deck_changed`, which tells an open show to re-read its deck at
//! once: an item hidden a second before its turn must not come up.

use std::path::PathBuf;
use std::sync::Arc;

use klikt_api::{
    AccountInfo, ArchiveSettings, CollectionSummary, Curation, DecisionReport, DemoInfo,
    EventSummary, ExportRequest, ForgetPreview, ForgetReport, ImportRequest, IpcError, JobKind,
    Jobs, LogEntry, MediaItem, MediaQuery, MessageItem, Moderation, MonitorInfo, Position,
    PushReport, QrFormat, RemoteEventSummary, Selection, SlideDeck, SlideshowSettings, Status,
    SyncStatus, UploaderCount, VerifyReport,
};
use klikt_demo::DemoHost;
use tauri::{AppHandle, State};

use crate::jobs;
use crate::library::Library;
use crate::slideshow_window::{self, deck_changed};
use crate::video_server::VideoServer;

type Result<T> = std::result::Result<T, IpcError>;

// --- Account -------------------------------------------------------------

#[tauri::command(async)]
pub fn account(library: State<'_, Library>) -> Result<Option<AccountInfo>> {
    Ok(library.get()?.account()?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn login(
    library: State<'_, Library>,
    server_url: String,
    email: String,
    password: String,
) -> Result<AccountInfo> {
    Ok(library.get()?.login(&server_url, &email, &password).await?)
}

#[tauri::command]
pub async fn logout(library: State<'_, Library>) -> Result<Option<AccountInfo>> {
    Ok(library.get()?.logout().await?)
}

#[tauri::command]
pub async fn remote_events(library: State<'_, Library>) -> Result<Vec<RemoteEventSummary>> {
    Ok(library.get()?.remote_events().await?)
}

#[tauri::command]
pub async fn start_demo(
    library: State<'_, Library>,
    demo: State<'_, DemoHost>,
) -> Result<DemoInfo> {
    Ok(demo.start(library.get()?).await?)
}

#[tauri::command]
pub fn os_locale() -> String {
    sys_locale::get_locale().unwrap_or_else(|| "en".to_owned())
}

// --- Library -------------------------------------------------------------

#[tauri::command(async)]
pub fn events(library: State<'_, Library>) -> Result<Vec<EventSummary>> {
    Ok(library.get()?.events()?)
}

#[tauri::command(async)]
pub fn media(
    library: State<'_, Library>,
    event: String,
    query: Option<MediaQuery>,
) -> Result<Vec<MediaItem>> {
    Ok(library.get()?.media(&event, &query.unwrap_or_default())?)
}

#[tauri::command(async)]
pub fn media_ids(
    library: State<'_, Library>,
    event: String,
    query: Option<MediaQuery>,
) -> Result<Vec<i64>> {
    Ok(library
        .get()?
        .media_ids(&event, &query.unwrap_or_default())?)
}

#[tauri::command(async)]
pub fn media_item(library: State<'_, Library>, id: i64) -> Result<MediaItem> {
    Ok(library.get()?.media_item(id)?)
}

#[tauri::command(async)]
pub fn uploaders(library: State<'_, Library>, event: String) -> Result<Vec<UploaderCount>> {
    Ok(library.get()?.uploaders(&event)?)
}

#[tauri::command(async)]
pub fn messages(library: State<'_, Library>, event: String) -> Result<Vec<MessageItem>> {
    Ok(library.get()?.messages(&event)?)
}

// --- Decisions -----------------------------------------------------------

#[tauri::command(async)]
pub fn moderate(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    ids: Vec<i64>,
    action: Moderation,
) -> Result<DecisionReport> {
    Ok(deck_changed(
        &app,
        library
            .get()?
            .moderate(&event, &Selection::Ids(ids), action)?,
    ))
}

#[tauri::command(async)]
pub fn moderate_messages(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    ids: Vec<i64>,
    action: Moderation,
) -> Result<DecisionReport> {
    Ok(deck_changed(
        &app,
        library
            .get()?
            .moderate(&event, &Selection::Messages(ids), action)?,
    ))
}

#[tauri::command(async)]
pub fn curate(
    app: AppHandle,
    library: State<'_, Library>,
    ids: Vec<i64>,
    change: Curation,
) -> Result<DecisionReport> {
    Ok(deck_changed(
        &app,
        library.get()?.curate_many(&ids, change)?,
    ))
}

#[tauri::command(async)]
pub fn undo(app: AppHandle, library: State<'_, Library>, event: String) -> Result<Vec<LogEntry>> {
    Ok(deck_changed(&app, library.get()?.undo(&event)?))
}

#[tauri::command(async)]
pub fn decision_log(
    library: State<'_, Library>,
    event: String,
    limit: i64,
) -> Result<Vec<LogEntry>> {
    Ok(library.get()?.decision_log(&event, limit)?)
}

// --- Collections (a collection argument is its id) -----------------------

#[tauri::command(async)]
pub fn collections(library: State<'_, Library>, event: String) -> Result<Vec<CollectionSummary>> {
    Ok(library.get()?.collections(&event)?)
}

#[tauri::command(async)]
pub fn create_collection(
    library: State<'_, Library>,
    event: String,
    name: String,
) -> Result<CollectionSummary> {
    Ok(library.get()?.create_collection(&event, &name)?)
}

#[tauri::command(async)]
pub fn rename_collection(
    library: State<'_, Library>,
    event: String,
    collection: i64,
    name: String,
) -> Result<CollectionSummary> {
    Ok(library
        .get()?
        .rename_collection(&event, &collection.to_string(), &name)?)
}

#[tauri::command(async)]
pub fn delete_collection(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    collection: i64,
) -> Result<CollectionSummary> {
    Ok(deck_changed(
        &app,
        library
            .get()?
            .delete_collection(&event, &collection.to_string())?,
    ))
}

#[tauri::command(async)]
pub fn add_to_collection(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    collection: i64,
    ids: Vec<i64>,
) -> Result<DecisionReport> {
    Ok(deck_changed(
        &app,
        library
            .get()?
            .add_to_collection(&event, &collection.to_string(), &ids)?,
    ))
}

#[tauri::command(async)]
pub fn remove_from_collection(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    collection: i64,
    ids: Vec<i64>,
) -> Result<DecisionReport> {
    Ok(deck_changed(
        &app,
        library
            .get()?
            .remove_from_collection(&event, &collection.to_string(), &ids)?,
    ))
}

#[tauri::command(async)]
pub fn move_in_collection(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    collection: i64,
    id: i64,
    to: Position,
) -> Result<DecisionReport> {
    Ok(deck_changed(
        &app,
        library
            .get()?
            .move_in_collection(&event, &collection.to_string(), id, to)?,
    ))
}

// --- Slideshow -------------------------------------------------------------

#[tauri::command(async)]
pub fn slideshow_settings(library: State<'_, Library>, event: String) -> Result<SlideshowSettings> {
    Ok(library.get()?.slideshow_settings(&event)?)
}

#[tauri::command(async)]
pub fn set_slideshow_settings(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    settings: SlideshowSettings,
) -> Result<SlideshowSettings> {
    Ok(deck_changed(
        &app,
        library.get()?.set_slideshow_settings(&event, &settings)?,
    ))
}

#[tauri::command(async)]
pub fn slide_deck(library: State<'_, Library>, event: String) -> Result<SlideDeck> {
    Ok(library.get()?.slide_deck(&event)?)
}

/// Where the slideshow's `<video>` loads videos from (see `video_server`).
#[tauri::command]
pub async fn video_base_url(
    library: State<'_, Library>,
    videos: State<'_, VideoServer>,
) -> Result<String> {
    videos.base_url(library.shared()?).await
}

#[tauri::command]
pub fn monitors(app: AppHandle) -> Result<Vec<MonitorInfo>> {
    slideshow_window::monitors(&app)
}

#[tauri::command(async)]
pub fn open_slideshow(app: AppHandle, library: State<'_, Library>, event: String) -> Result<()> {
    let deck = library.get()?.slide_deck(&event)?;
    slideshow_window::open(&app, library.shared()?, &deck)
}

/// The version of the event's slideshow logo, or null when it has none.
#[tauri::command(async)]
pub fn slideshow_logo(library: State<'_, Library>, event: String) -> Result<Option<String>> {
    Ok(library.get()?.slideshow_logo(&event)?)
}

/// Makes the image the organizer picked (the system's open dialog) the
/// show's logo; returns its version.
#[tauri::command(async)]
pub fn set_slideshow_logo(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    path: PathBuf,
) -> Result<String> {
    Ok(deck_changed(
        &app,
        library.get()?.set_slideshow_logo(&event, &path)?,
    ))
}

#[tauri::command(async)]
pub fn remove_slideshow_logo(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
) -> Result<()> {
    library.get()?.remove_slideshow_logo(&event)?;
    deck_changed(&app, ());
    Ok(())
}

/// The share URL's QR code as SVG text (for "save for print").
#[tauri::command(async)]
pub fn share_qr_svg(library: State<'_, Library>, event: String) -> Result<String> {
    let svg = library.get()?.share_qr(&event, QrFormat::Svg)?;
    Ok(String::from_utf8_lossy(&svg).into_owned())
}

/// Writes the QR code to the file the organizer chose in the save dialog
/// (SVG or PNG by its extension), for print.
#[tauri::command(async)]
pub fn save_share_qr(library: State<'_, Library>, event: String, path: PathBuf) -> Result<()> {
    Ok(library.get()?.save_share_qr(&event, &path, 2048)?)
}

// --- Sync and long jobs --------------------------------------------------

#[tauri::command(async)]
pub fn sync_status(library: State<'_, Library>, event: String) -> Result<SyncStatus> {
    Ok(library.get()?.sync_status(&event)?)
}

/// "Keep the server's": settles an item's conflict without a new decision.
#[tauri::command(async, rename_all = "snake_case")]
pub fn keep_server_state(
    app: AppHandle,
    library: State<'_, Library>,
    event: String,
    target: String,
    item_id: i64,
) -> Result<u64> {
    Ok(deck_changed(
        &app,
        library.get()?.keep_server_state(&event, &target, item_id)?,
    ))
}

#[tauri::command]
pub async fn push(library: State<'_, Library>, event: String) -> Result<PushReport> {
    Ok(library.get()?.push(&event).await?)
}

#[tauri::command]
pub fn start_pull(
    app: AppHandle,
    library: State<'_, Library>,
    jobs: State<'_, Arc<Jobs>>,
    event: String,
) -> Result<u64> {
    Ok(jobs::spawn(
        &app,
        &jobs,
        library.shared()?,
        JobKind::Pull,
        |klikt, ticket, emit| async move { klikt.run_pull_job(&ticket, &event, &*emit).await },
    ))
}

#[tauri::command]
pub fn start_sync(
    app: AppHandle,
    library: State<'_, Library>,
    jobs: State<'_, Arc<Jobs>>,
    event: String,
) -> Result<u64> {
    Ok(jobs::spawn(
        &app,
        &jobs,
        library.shared()?,
        JobKind::Sync,
        |klikt, ticket, emit| async move { klikt.run_sync_job(&ticket, &event, &*emit).await },
    ))
}

#[tauri::command(rename_all = "snake_case")]
pub fn start_import(
    app: AppHandle,
    library: State<'_, Library>,
    jobs: State<'_, Arc<Jobs>>,
    paths: Vec<PathBuf>,
    event_name: String,
) -> Result<u64> {
    let request = ImportRequest {
        event_name,
        paths,
        status: Status::Pending,
    };
    Ok(jobs::spawn_blocking(
        &app,
        &jobs,
        library.shared()?,
        JobKind::Import,
        move |klikt, ticket, emit| klikt.run_import_job(ticket, &request, emit),
    ))
}

// --- Export, archive, forget --------------------------------------------

#[tauri::command]
pub fn start_export(
    app: AppHandle,
    library: State<'_, Library>,
    jobs: State<'_, Arc<Jobs>>,
    request: ExportRequest,
) -> Result<u64> {
    Ok(jobs::spawn_blocking(
        &app,
        &jobs,
        library.shared()?,
        JobKind::Export,
        move |klikt, ticket, emit| klikt.run_export_job(ticket, &request, emit),
    ))
}

#[tauri::command]
pub fn start_archive(
    app: AppHandle,
    library: State<'_, Library>,
    jobs: State<'_, Arc<Jobs>>,
    event: String,
    folder: PathBuf,
) -> Result<u64> {
    Ok(jobs::start_archive(
        &app,
        &jobs,
        library.shared()?,
        event,
        folder,
    ))
}

#[tauri::command(async)]
pub fn verify_export(library: State<'_, Library>, path: PathBuf) -> Result<VerifyReport> {
    Ok(library.get()?.verify_export(&path)?)
}

#[tauri::command(async)]
pub fn forget_preview(library: State<'_, Library>, event: String) -> Result<ForgetPreview> {
    Ok(library.get()?.forget_preview(&event)?)
}

#[tauri::command(async)]
pub fn forget_event(library: State<'_, Library>, event: String) -> Result<ForgetReport> {
    Ok(library.get()?.forget(&event)?)
}

#[tauri::command(async)]
pub fn archive_settings(library: State<'_, Library>) -> Result<ArchiveSettings> {
    Ok(library.get()?.archive_settings()?)
}

#[tauri::command(async)]
pub fn set_archive_settings(
    library: State<'_, Library>,
    settings: ArchiveSettings,
) -> Result<ArchiveSettings> {
    Ok(library.get()?.set_archive_settings(&settings)?)
}

#[tauri::command]
pub fn cancel_job(jobs: State<'_, Arc<Jobs>>, job: u64) -> bool {
    jobs.cancel(job)
}
