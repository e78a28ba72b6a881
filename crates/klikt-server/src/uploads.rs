//! Guest uploads: `POST /v1/events/{id}/uploads` streams each file part to
//! `tmp/` (hashing on the way, never buffering a file in memory), sniffs
//! it by content, and then [`ingest`] — the one core the HTTP handler and
//! `simulate upload` / `seed` share — places the originals, cuts previews
//! and commits all rows in one transaction: all or nothing.

use std::path::PathBuf;

use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use klikt_media::{Format, Limits, Source, Tools};
use klikt_wire::{codes, headers, upload_fields, UploadResponse};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::auth::require_account;
use crate::clock;
use crate::error::{Result, ServerError};
use crate::events::{load_owned, EventRow};
use crate::feed;
use crate::http::AppState;
use crate::ids;
use crate::items::{status_str, MediaRow, MEDIA_COLUMNS};
use crate::problem::ApiError;
use crate::store::files::{StagedFile, StagingWriter};
use crate::store::Store;

/// Longest uploader name, in characters.
pub(crate) const MAX_UPLOADER_CHARS: usize = 80;
/// Longest caption, in characters.
pub(crate) const MAX_CAPTION_CHARS: usize = 500;
/// Largest text field read from a multipart body.
const MAX_TEXT_FIELD_BYTES: usize = 16 * 1024;

/// A file staged in `tmp/`, sniffed, waiting for [`ingest`].
#[derive(Debug)]
pub(crate) struct Incoming {
    pub(crate) staged: StagedFile,
    pub(crate) original_name: String,
    pub(crate) format: Format,
}

/// Sniffs a staged file: a supported photo or video, or 415.
pub(crate) fn sniff_staged(staged: &StagedFile, name: &str) -> Result<Format> {
    klikt_media::sniff(&staged.head).ok_or_else(|| ServerError::UnsupportedMedia {
        name: name.to_owned(),
    })
}

/// Checks the uploader name and caption lengths.
pub(crate) fn validate_text(uploader: &str, caption: Option<&str>) -> Result<()> {
    let n = uploader.trim().chars().count();
    if n == 0 || n > MAX_UPLOADER_CHARS {
        return Err(ServerError::Validation(format!(
            "uploader must be 1 to {MAX_UPLOADER_CHARS} characters"
        )));
    }
    if caption.is_some_and(|c| c.chars().count() > MAX_CAPTION_CHARS) {
        return Err(ServerError::Validation(format!(
            "caption must be at most {MAX_CAPTION_CHARS} characters"
        )));
    }
    Ok(())
}

/// A file name as the guest's device gave it, without any folder part.
pub(crate) fn clean_name(name: Option<&str>, index: usize, format: Option<Format>) -> String {
    let base = name
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(255).collect::<String>());
    base.unwrap_or_else(|| {
        let ext = format.map_or("bin", Format::extension);
        format!("upload-{}.{ext}", index + 1)
    })
}

/// Makes the JPEG preview of a HEIC/HEIF photo or a video, if the tool for
/// it is installed. Returns the preview's SHA-256 and size.
fn make_preview(
    store: &Store,
    tools: &Tools,
    sha256: &str,
    format: Format,
) -> Option<(String, i64)> {
    let needs_preview = format == Format::Heif || format.kind() == klikt_media::MediaKind::Video;
    if !needs_preview {
        return None;
    }
    let existing: Option<(String, i64)> = store
        .with_conn(|conn| {
            Ok::<_, ServerError>(
                conn.query_row(
                    "SELECT preview_sha256, preview_size FROM media
                     WHERE sha256 = ?1 AND preview_sha256 IS NOT NULL LIMIT 1",
                    [sha256],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?,
            )
        })
        .ok()
        .flatten();
    if let Some(found) = existing {
        if store.files.preview_path(sha256).exists() {
            return Some(found);
        }
    }
    let path = store.files.original_path(sha256);
    let source = Source {
        path: &path,
        bytes: None,
    };
    let rendered = match klikt_media::render(format, &source, 1, &Limits::default(), tools) {
        Ok(rendered) => rendered,
        Err(e) => {
            eprintln!("klikt-server: no preview for {sha256}: {e}");
            return None;
        }
    };
    let display = rendered.display?;
    if let Err(e) = store.files.write_preview(sha256, &display) {
        eprintln!("klikt-server: could not store the preview of {sha256}: {e}");
        return None;
    }
    Some((
        ids::sha256_hex(&display),
        i64::try_from(display.len()).unwrap_or(0),
    ))
}

/// The shared core of every upload: places the staged originals under their
/// content address, makes previews, and commits one media row per file (in
/// order) with the event's arrival status — all rows or none. With
/// `require_open`, an event past `expires_at` is refused (410).
pub(crate) fn ingest(
    store: &Store,
    tools: &Tools,
    event_id: &str,
    uploader: &str,
    caption: Option<&str>,
    files: Vec<Incoming>,
    require_open: bool,
) -> Result<Vec<MediaRow>> {
    validate_text(uploader, caption)?;
    let check = |conn: &rusqlite::Connection| -> Result<EventRow> {
        let event = EventRow::load(conn, event_id)?
            .ok_or_else(|| ServerError::NotFound(format!("event {event_id}")))?;
        if require_open {
            event.check_open(clock::now())?;
        } else {
            event.check_not_gone(clock::now())?;
        }
        Ok(event)
    };
    store.with_conn(|conn| check(conn))?;

    let mut prepared = Vec::with_capacity(files.len());
    for file in files {
        store.files.place_original(&file.staged)?;
        let preview = make_preview(store, tools, &file.staged.sha256, file.format);
        prepared.push((file, preview));
    }

    store.with_conn(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let event = check(&tx)?;
        let status = event.arrival_status();
        let now = clock::now();
        let mut ids_in_order = Vec::with_capacity(prepared.len());
        for (file, preview) in &prepared {
            let id = ids::media_id();
            let kind = match file.format.kind() {
                klikt_media::MediaKind::Photo => "photo",
                klikt_media::MediaKind::Video => "video",
            };
            tx.execute(
                "INSERT INTO media (id, event_id, version, media_kind, mime, original_name,
                    uploader_name, caption, uploaded_at, size, sha256, status,
                    preview_sha256, preview_size)
                 VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    id,
                    event.id,
                    kind,
                    file.format.mime(),
                    file.original_name,
                    uploader.trim(),
                    caption.map(str::trim).filter(|c| !c.is_empty()),
                    now,
                    i64::try_from(file.staged.size).unwrap_or(i64::MAX),
                    file.staged.sha256,
                    status_str(status),
                    preview.as_ref().map(|p| p.0.clone()),
                    preview.as_ref().map(|p| p.1),
                ],
            )?;
            feed::record(&tx, &event.id, "media", &id)?;
            ids_in_order.push(id);
        }
        if !ids_in_order.is_empty() {
            feed::record(&tx, &event.id, "event", &event.id)?;
        }
        let mut rows = Vec::with_capacity(ids_in_order.len());
        for id in &ids_in_order {
            let row = tx.query_row(
                &format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = ?1"),
                [id],
                crate::items::media_from_row,
            )?;
            rows.push(row);
        }
        tx.commit()?;
        Ok(rows)
    })
}

/// Removes staged temp files that were not placed (on any early return).
struct TempCleanup(Vec<PathBuf>);

impl Drop for TempCleanup {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Streams one file part into `tmp/`. `budget` is what the request may
/// still upload; over it, the part is dropped and 413 answered.
async fn stage_field(
    state: &AppState,
    field: &mut Field<'_>,
    budget: u64,
    cleanup: &mut TempCleanup,
) -> Result<StagedFile, ApiError> {
    let temp = state.store.files.temp_path();
    cleanup.0.push(temp.clone());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<axum::body::Bytes>(16);
    let writer = tokio::task::spawn_blocking(move || -> Result<StagedFile> {
        let mut writer = StagingWriter::create(temp)?;
        while let Some(chunk) = rx.blocking_recv() {
            if let Err(e) = writer.write(&chunk) {
                writer.discard();
                return Err(e);
            }
        }
        writer.finish()
    });
    let mut received = 0u64;
    let mut too_large = false;
    let mut read_error = None;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                received += chunk.len() as u64;
                if received > budget {
                    too_large = true;
                    break;
                }
                if tx.send(chunk).await.is_err() {
                    break; // the writer failed; its error is reported below
                }
            }
            Ok(None) => break,
            Err(e) => {
                read_error = Some(e);
                break;
            }
        }
    }
    drop(tx);
    let staged = writer
        .await
        .map_err(|e| ApiError::internal(format!("upload writer failed: {e}")))?;
    if let Some(e) = read_error {
        return Err(ApiError::validation(format!(
            "malformed multipart body: {e}"
        )));
    }
    if too_large {
        return Err(ServerError::UploadTooLarge {
            limit: state.max_upload_bytes,
        }
        .into());
    }
    Ok(staged?)
}

async fn read_text(field: &mut Field<'_>) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| ApiError::validation(format!("malformed multipart body: {e}")))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_FIELD_BYTES {
            return Err(ApiError::validation("a text field is too long"));
        }
    }
    String::from_utf8(bytes).map_err(|_| ApiError::validation("a text field is not UTF-8"))
}

/// Who may upload: a guest with the event's share token, or its organizer.
async fn authorize(
    state: &AppState,
    event_id: String,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let headers = headers.clone();
    state
        .db(move |conn| {
            let share_token = headers
                .get(headers::SHARE_TOKEN)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let event = match share_token {
                Some(token) => {
                    let event = EventRow::load(conn, &event_id)?
                        .ok_or_else(|| ApiError::not_found(format!("event {event_id}")))?;
                    event.check_not_gone(clock::now())?;
                    if event.share_token != token {
                        return Err(ApiError::new(
                            StatusCode::FORBIDDEN,
                            codes::FORBIDDEN,
                            "the share token is not this event's",
                        ));
                    }
                    event
                }
                None => {
                    let account = require_account(conn, &headers)?;
                    load_owned(conn, account, &event_id)?
                }
            };
            event.check_open(clock::now())?;
            Ok(())
        })
        .await
}

/// How much of a refused upload's body is read before the answer.
const DRAIN_BEFORE_REFUSAL: u64 = 16 * 1024 * 1024;

async fn drain(multipart: &mut Multipart, mut budget: u64) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(chunk)) = field.chunk().await {
            budget = budget.saturating_sub(chunk.len() as u64);
            if budget == 0 {
                return;
            }
        }
    }
}

/// `POST /v1/events/{id}/uploads`.
pub(crate) async fn upload(
    State(state): State<AppState>,
    Path(event_id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    if let Err(refused) = authorize(&state, event_id.clone(), &headers).await {
        // Read (a bounded part of) the body before answering: closing the
        // connection under a client still sending makes it see a broken
        // pipe instead of this answer.
        if let Ok(mut multipart) = multipart {
            drain(&mut multipart, DRAIN_BEFORE_REFUSAL).await;
        }
        return Err(refused);
    }
    let mut multipart = multipart
        .map_err(|e| ApiError::validation(format!("expected a multipart/form-data body: {e}")))?;
    let mut cleanup = TempCleanup(Vec::new());
    let mut uploader = None;
    let mut caption = None;
    let mut files: Vec<(StagedFile, Option<String>)> = Vec::new();
    let mut total = 0u64;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::validation(format!(
                    "malformed multipart body: {e}"
                )))
            }
        };
        match field.name() {
            Some(upload_fields::UPLOADER) => uploader = Some(read_text(&mut field).await?),
            Some(upload_fields::CAPTION) => caption = Some(read_text(&mut field).await?),
            Some(upload_fields::FILE) => {
                let name = field.file_name().map(str::to_owned);
                let budget = state.max_upload_bytes.saturating_sub(total);
                let staged = stage_field(&state, &mut field, budget, &mut cleanup).await?;
                total += staged.size;
                files.push((staged, name));
            }
            _ => {
                // Unknown fields are ignored (drained).
                while let Ok(Some(_)) = field.chunk().await {}
            }
        }
    }

    let mut incoming = Vec::with_capacity(files.len());
    for (index, (staged, name)) in files.into_iter().enumerate() {
        let shown = clean_name(name.as_deref(), index, None);
        let format = sniff_staged(&staged, &shown)?;
        incoming.push(Incoming {
            original_name: clean_name(name.as_deref(), index, Some(format)),
            staged,
            format,
        });
    }
    let uploader =
        uploader.ok_or_else(|| ApiError::validation("the uploader field is required"))?;
    validate_text(&uploader, caption.as_deref())?;
    if incoming.is_empty() {
        return Err(ApiError::validation("at least one file part is required"));
    }

    let store = state.store.clone();
    let tools = state.tools.clone();
    let rows = tokio::task::spawn_blocking(move || {
        ingest(
            &store,
            &tools,
            &event_id,
            &uploader,
            caption.as_deref(),
            incoming,
            true,
        )
    })
    .await
    .map_err(|e| ApiError::internal(format!("upload task failed: {e}")))??;
    drop(cleanup);
    let media = rows.iter().map(MediaRow::to_wire).collect();
    Ok((StatusCode::CREATED, Json(UploadResponse { media })).into_response())
}
