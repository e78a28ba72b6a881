//! Downloading the originals a linked event is missing: `jobs` downloads at
//! once, each resumable and SHA-256 verified before it enters the store,
//! rendered as in an import on the blocking pool, and committed in batches.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use klikt_library::tables::events::Link;
use klikt_library::tables::{media, remote_media};
use klikt_library::{Library, Preview, Sha256Hex};
use klikt_remote::{Client, RemoteError};
use klikt_wire::ItemId;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::PullObserver;
use crate::dto::{PullOptions, PullProgress, PullReport, Rejection};
use crate::error::ApiError;
use crate::ingest::{self, RemoteOrigin};
use crate::{now_iso, Klikt};

/// Rows committed per transaction (and folder fsyncs per batch).
const BATCH: usize = 64;
/// How often progress is reported, ready rows committed, and a cancel noticed.
const TICK: Duration = Duration::from_millis(150);

/// One item that made it into the store, ready for its row.
struct Fetched {
    record: media::MediaRecord,
    downloaded: bool,
}

/// Why one item did not make it this time.
struct Failure {
    item: remote_media::RemoteMedia,
    error: ApiError,
}

/// What every download task shares.
struct Shared {
    library: Arc<Library>,
    client: Client,
    tools: klikt_media::Tools,
    limits: klikt_media::Limits,
    imported_at: String,
    downloads: Semaphore,
    renders: Semaphore,
    bytes_done: AtomicU64,
}

pub(super) async fn run(
    klikt: &Klikt,
    client: &Client,
    link: &Link,
    options: &PullOptions,
    progress: PullObserver<'_>,
    cancel: &AtomicBool,
    report: &mut PullReport,
) -> Result<(), ApiError> {
    let missing = klikt
        .library
        .read(|conn| remote_media::missing_originals(conn, link.event_id))?;
    let items_total = missing.len() as u64;
    let bytes_total: u64 = missing.iter().map(|item| item.size.max(0) as u64).sum();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let shared = Arc::new(Shared {
        library: Arc::clone(&klikt.library),
        client: client.clone(),
        tools: klikt.tools.clone(),
        limits: klikt_media::Limits::default(),
        imported_at: now_iso(),
        downloads: Semaphore::new(options.jobs.max(1)),
        renders: Semaphore::new(cores),
        bytes_done: AtomicU64::new(0),
    });

    let mut tasks = JoinSet::new();
    for item in missing {
        let shared = Arc::clone(&shared);
        tasks.spawn(async move {
            match fetch_one(&shared, &item).await {
                Ok(fetched) => Ok(fetched),
                Err(error) => Err(Failure { item, error }),
            }
        });
    }

    let mut items_done = 0u64;
    let mut batch: Vec<Fetched> = Vec::with_capacity(BATCH);
    let mut ticker = tokio::time::interval(TICK);
    let mut fatal: Option<ApiError> = None;
    let report_progress = |items_done: u64| {
        progress(&PullProgress {
            phase: "originals".into(),
            changes: 0,
            items_done,
            items_total,
            bytes_done: shared.bytes_done.load(Ordering::Relaxed),
            bytes_total,
        })
    };
    loop {
        tokio::select! {
            joined = tasks.join_next() => {
                let Some(joined) = joined else { break };
                items_done += 1;
                match joined {
                    Ok(Ok(fetched)) => batch.push(fetched),
                    Ok(Err(failure)) if ends_the_pull(&failure.error) => {
                        fatal.get_or_insert(failure.error);
                        tasks.abort_all();
                    }
                    Ok(Err(failure)) => {
                        let reason = failure.error.to_string();
                        klikt.library.write(|tx| {
                            remote_media::set_last_error(
                                tx,
                                link.event_id,
                                &failure.item.remote_id,
                                Some(&reason),
                            )
                        })?;
                        report.failed.push(Rejection {
                            name: format!("{} ({})", failure.item.original_name, failure.item.remote_id),
                            reason,
                        });
                    }
                    // Aborted on cancel or after a fatal error: the partial
                    // download stays for the next pull to resume.
                    Err(join) if join.is_cancelled() => {}
                    Err(_) => report.failed.push(Rejection {
                        name: "an original".into(),
                        reason: "Klikt hit an internal error while pulling it (please report it)".into(),
                    }),
                }
                if batch.len() >= BATCH {
                    commit(&shared.library, &mut batch, report)?;
                    report_progress(items_done);
                }
            }
            _ = ticker.tick() => {
                // Commit what is ready at least this often, so a crash or
                // cancel loses little and the library shows progress.
                commit(&shared.library, &mut batch, report)?;
                report_progress(items_done);
                if cancel.load(Ordering::Relaxed) && !report.cancelled {
                    report.cancelled = true;
                    tasks.abort_all();
                }
            }
        }
    }
    commit(&shared.library, &mut batch, report)?;
    report_progress(items_done);
    if let Some(error) = fatal {
        return Err(error);
    }
    // Partial downloads of items nobody expects any more (deleted meanwhile).
    let wanted = klikt.library.read(remote_media::wanted_hashes)?;
    klikt.library.store().prune_downloads(&wanted)?;
    Ok(())
}

/// Errors after which no further download can succeed.
fn ends_the_pull(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Remote(RemoteError::EventGone { .. } | RemoteError::SessionExpired { .. })
    )
}

fn commit(
    library: &Library,
    batch: &mut Vec<Fetched>,
    report: &mut PullReport,
) -> Result<(), ApiError> {
    if batch.is_empty() {
        return Ok(());
    }
    let shas = batch
        .iter()
        .map(|f| Sha256Hex::parse(&f.record.sha256))
        .collect::<Result<Vec<_>, _>>()?;
    library.store().sync_folders(&shas)?;
    library.write(|tx| {
        for fetched in batch.iter() {
            media::insert_if_new(tx, &fetched.record)?;
            if let Some(remote_id) = &fetched.record.remote_id {
                remote_media::set_last_error(tx, fetched.record.event_id, remote_id, None)?;
            }
        }
        Ok(())
    })?;
    for fetched in batch.drain(..) {
        if fetched.downloaded {
            report.downloaded += 1;
            report.bytes_downloaded += fetched.record.size.max(0) as u64;
        } else {
            report.reused += 1;
        }
    }
    Ok(())
}

fn origin(item: &remote_media::RemoteMedia, imported_at: &str) -> ingest::Origin {
    ingest::Origin {
        event_id: item.event_id,
        status: item.status,
        original_name: item.original_name.clone(),
        imported_at: imported_at.to_owned(),
        remote: Some(RemoteOrigin {
            remote_id: item.remote_id.clone(),
            version: item.version,
            uploader: item.uploader.clone(),
            caption: item.caption.clone(),
            uploaded_at: item.uploaded_at.clone(),
        }),
    }
}

async fn fetch_one(
    shared: &Arc<Shared>,
    item: &remote_media::RemoteMedia,
) -> Result<Fetched, ApiError> {
    let sha = Sha256Hex::parse(&item.sha256)?;
    let library = &shared.library;

    // The same bytes may be here already (another event, an import): share them.
    let existing = library.read(|conn| media::any_with_sha(conn, &item.sha256))?;
    if let Some(existing) = existing {
        if library
            .store()
            .exists(&sha, klikt_library::FileKind::Original)
        {
            return Ok(Fetched {
                record: reuse(existing.record, origin(item, &shared.imported_at)),
                downloaded: false,
            });
        }
    }

    let partial = library.store().download_path(&sha);
    {
        let _permit = shared.downloads.acquire().await.map_err(|_| internal())?;
        let counter = &shared.bytes_done;
        shared
            .client
            .download_original(
                &ItemId::new(item.remote_id.clone()),
                &item.sha256,
                item.size.max(0) as u64,
                &partial,
                &|n| {
                    counter.fetch_add(n, Ordering::Relaxed);
                },
            )
            .await?;
    }

    let _render = shared.renders.acquire().await.map_err(|_| internal())?;
    let stored = {
        let shared = Arc::clone(shared);
        let sha = sha.clone();
        let partial = partial.clone();
        tokio::task::spawn_blocking(move || ingest_download(&shared, &sha, partial))
            .await
            .map_err(|_| internal())?
            .map_err(ApiError::InvalidInput)?
    };

    // What Klikt cannot decode here (HEIC without libheif, video without
    // ffmpeg) gets its renditions from the server's preview.
    let mut stored = stored;
    if stored.preview() != Preview::Ready {
        let id = ItemId::new(item.remote_id.clone());
        if let Ok(Some(jpeg)) = shared.client.preview(&id).await {
            let shared2 = Arc::clone(shared);
            stored = tokio::task::spawn_blocking(move || {
                let ctx = context(&shared2);
                ingest::add_preview_renditions(&ctx, stored, &jpeg)
            })
            .await
            .map_err(|_| internal())?;
        }
    }
    Ok(Fetched {
        record: stored.into_record(origin(item, &shared.imported_at)),
        downloaded: true,
    })
}

fn internal() -> ApiError {
    ApiError::Internal("Klikt hit an internal error while pulling it (please report it)".into())
}

fn context(shared: &Shared) -> ingest::Context<'_> {
    ingest::Context {
        library: &shared.library,
        limits: shared.limits.clone(),
        tools: shared.tools.clone(),
        imported_at: shared.imported_at.clone(),
    }
}

/// A verified download into the store: renditions, then the original is
/// renamed into place. An original Klikt cannot render is still kept (with a
/// placeholder preview): the organizer's copy matters more than its preview.
fn ingest_download(
    shared: &Shared,
    sha: &Sha256Hex,
    partial: PathBuf,
) -> Result<ingest::Stored, String> {
    let ctx = context(shared);
    let size = std::fs::metadata(&partial)
        .map_err(|e| format!("cannot read the download: {e}"))?
        .len();
    let bytes = if size <= ingest::IN_MEMORY_MAX {
        Some(std::fs::read(&partial).map_err(|e| format!("cannot read the download: {e}"))?)
    } else {
        None
    };
    let head = match &bytes {
        Some(bytes) => bytes.get(..64).unwrap_or(bytes).to_vec(),
        None => {
            ingest::read_head(&partial).map_err(|e| format!("cannot read the download: {e}"))?
        }
    };
    let Some(format) = klikt_media::sniff(&head) else {
        return Err("the server sent a file that is not a photo or video Klikt can read".into());
    };
    let mut temp = ingest::TempGuard(Some(partial.clone()));
    let input = ingest::Input {
        format,
        sha,
        bytes: bytes.as_deref(),
        path: &partial,
    };
    match ingest::render_and_store(&ctx, &input, &mut temp) {
        Ok(stored) => Ok(stored),
        Err(_) => ingest::store_without_renditions(&ctx, &input, &mut temp),
    }
}

/// Turns the record of an item already in the store into the record of the
/// pulled item with the same bytes (renditions and EXIF are shared).
fn reuse(record: media::MediaRecord, origin: ingest::Origin) -> media::MediaRecord {
    let mut fresh = record;
    fresh.event_id = origin.event_id;
    fresh.status = origin.status;
    fresh.original_name = origin.original_name;
    fresh.imported_at = origin.imported_at;
    if let Some(remote) = origin.remote {
        fresh.remote_id = Some(remote.remote_id);
        fresh.remote_version = Some(remote.version);
        fresh.uploader = Some(remote.uploader);
        fresh.caption = remote.caption;
        fresh.uploaded_at = Some(remote.uploaded_at);
    }
    fresh
}
