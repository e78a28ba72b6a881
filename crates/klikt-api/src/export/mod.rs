//! Exports: an event's originals and guest messages copied out of the
//! library to a folder or a ZIP file, with `manifest.json` and `SHA256SUMS`
//! written last, and [`Klikt::verify_export`] to check one later.
//!
//! The plan (which items, under which names) is computed first and is the
//! same on every run of the same export, so a re-run finds what an
//! interrupted one already wrote and keeps it when its hash matches.

mod check;
mod documents;
pub mod manifest;
pub mod names;
mod sink;
mod types;
mod verify;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use klikt_library::tables::media::{MediaFilter, MediaOrder, MediaRow};
use klikt_library::tables::{collections, events, exports, messages};
use klikt_library::{FileKind, Flag, MediaKind, Sha256Hex, Status};

pub use types::*;

use self::manifest::{Manifest, ManifestEvent, ManifestFile, ManifestItem};
use self::names::{NameFields, PathAllocator};
use self::sink::{Put, Sink};
use crate::{human_bytes, now_iso, ApiError, Klikt};

/// Bytes kept free beyond what the export needs (the manifest, the
/// gallery, the filesystem's own overhead).
const SPACE_MARGIN: u64 = 64 * 1024 * 1024;

/// How many originals a folder export hashes ahead of the copying: enough
/// to keep the hashing thread busy while the kernel copies, few enough that
/// each is still in the page cache when its copy reads it.
const HASH_AHEAD: usize = 4;

/// One item's place in the export.
struct Planned {
    row: MediaRow,
    path: String,
    collections: Vec<String>,
    source: PathBuf,
    thumbnail: Option<PathBuf>,
    strip: bool,
}

/// Capture time, else upload time, else import time: `(YYYY-MM-DD, HH-MM-SS)`.
fn date_and_time(row: &MediaRow) -> (Option<String>, Option<String>) {
    let record = &row.record;
    let stamp = [
        record.captured_at.as_deref(),
        record.uploaded_at.as_deref(),
        Some(record.imported_at.as_str()),
    ]
    .into_iter()
    .flatten()
    .find_map(parse_stamp);
    match stamp {
        Some(at) => (
            Some(at.format("%Y-%m-%d").to_string()),
            Some(at.format("%H-%M-%S").to_string()),
        ),
        None => (None, None),
    }
}

/// Reads the library's timestamps: RFC 3339 (kept in its own offset, the
/// guests' local time) or a naive `YYYY-MM-DDTHH:MM:SS` (EXIF capture time).
fn parse_stamp(text: &str) -> Option<chrono::NaiveDateTime> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(at.naive_local());
    }
    let head = text.get(..19)?;
    chrono::NaiveDateTime::parse_from_str(head, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(head, "%Y-%m-%d %H:%M:%S"))
        .ok()
}

/// The part of a file name after its last dot, lowercased (`bin` without one).
fn extension_of(name: &str, mime: &str) -> String {
    match name.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.len() <= 8 => ext.to_ascii_lowercase(),
        _ => mime
            .rsplit('/')
            .next()
            .unwrap_or("bin")
            .to_ascii_lowercase(),
    }
}

fn stem_of(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Whether `to` names a ZIP file (by its extension) rather than a folder.
pub fn is_zip_destination(to: &Path) -> bool {
    to.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// How the library remembers an export's place: its absolute path, so a
/// later `verify` given another spelling of it finds the same record.
pub(crate) fn destination_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// The free space where `to` will be written (its nearest existing ancestor).
fn available_space(to: &Path) -> Option<u64> {
    let mut probe = Some(to);
    while let Some(path) = probe {
        if path.exists() {
            return fs4::available_space(path).ok();
        }
        probe = path.parent().filter(|p| !p.as_os_str().is_empty());
    }
    fs4::available_space(".").ok()
}

/// What a folder export still has to write, with the margin: each item's
/// size (`(size, already written)`), less the items a resumed export finds
/// already there. Those are kept, not written again, so counting them
/// would refuse to finish an export on a disk it has itself filled.
fn space_needed(items: impl IntoIterator<Item = (u64, bool)>) -> u64 {
    items
        .into_iter()
        .filter(|&(_, written)| !written)
        .map(|(size, _)| size)
        .sum::<u64>()
        + SPACE_MARGIN
}

/// Whether an earlier run of a folder export already wrote `relative`
/// under `root`, judged by its size alone (hashing every file twice to
/// estimate space would double a resume's reading; the copy step still
/// checks the hash and rewrites a wrong file). A location-free copy's size
/// is not known before it is made: any file there counts.
fn already_written(root: &Path, relative: &str, size: u64, stripped: bool) -> bool {
    std::fs::metadata(root.join(relative))
        .is_ok_and(|m| m.is_file() && (m.len() == size || (stripped && m.len() > 0)))
}

impl Klikt {
    /// Exports an event's originals and messages as `request` says, calling
    /// `progress` after each file; setting `cancel` stops between files (a
    /// folder keeps what was written, a ZIP is removed).
    pub fn export(
        &self,
        request: &ExportRequest,
        progress: &mut dyn FnMut(&ExportProgress),
        cancel: &AtomicBool,
    ) -> Result<ExportReport, ApiError> {
        let started = Instant::now();
        let template = request.template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
        names::validate_template(template).map_err(|why| {
            ApiError::InvalidInput(format!("the name template {template:?}: {why}"))
        })?;
        let zip = is_zip_destination(&request.to);

        let (event, plan_info, rows, in_collections, notes) = self.library.read(|conn| {
            let event = events::find(conn, &request.event)?;
            let mut filter = MediaFilter::default();
            match &request.only {
                ExportSelection::All => {}
                ExportSelection::Approved => filter.status = Some(Status::Approved),
                ExportSelection::Picked => filter.flag = Some(Flag::Picked),
                ExportSelection::Favorites => filter.favorite = Some(true),
                ExportSelection::Collection(name) => {
                    let found = collections::find(conn, event.id, name)?.ok_or_else(|| {
                        klikt_library::LibraryError::NotFound(format!(
                            "no collection {name:?} in event {:?}",
                            event.name
                        ))
                    })?;
                    filter.collection = Some(found.id);
                    filter.order = MediaOrder::Manual;
                }
            }
            let rows = klikt_library::tables::media::list(conn, event.id, &filter)?;
            let in_collections = collections::names_by_media(conn, event.id)?;
            let notes = messages::list(conn, event.id)?;
            let plan = events::plan_info(conn, event.id)?;
            Ok((event, plan, rows, in_collections, notes))
        })?;
        // Messages go with the selection's rule: everything for "all",
        // otherwise only what the organizer approved.
        let notes: Vec<_> = notes
            .into_iter()
            .filter(|n| request.only == ExportSelection::All || n.status == Status::Approved)
            .collect();

        let plan = self.plan_export(request, template, rows, &in_collections)?;
        let bytes_total: u64 = plan.iter().map(|p| p.row.record.size.max(0) as u64).sum();
        if let Some(free) = available_space(&request.to) {
            let needed = if zip {
                // A ZIP is always written whole (an interrupted one is redone).
                bytes_total + SPACE_MARGIN
            } else {
                space_needed(plan.iter().map(|p| {
                    let size = p.row.record.size.max(0) as u64;
                    (size, already_written(&request.to, &p.path, size, p.strip))
                }))
            };
            if free < needed {
                return Err(ApiError::InvalidInput(format!(
                    "not enough free space at {}: the export needs about {}, {} is free",
                    request.to.display(),
                    human_bytes(needed as i64),
                    human_bytes(free as i64)
                )));
            }
        }

        let mut sink = Sink::open(&request.to, zip)?;
        let outcome = self.write_export(
            request,
            template,
            &event,
            &plan_info,
            &plan,
            &notes,
            &mut sink,
            bytes_total,
            progress,
            cancel,
        );
        let (files, bytes, skipped, failed, cancelled) = match outcome {
            Ok(counts) => counts,
            Err(err) => {
                sink.abandon();
                return Err(err);
            }
        };
        if cancelled {
            sink.abandon();
        } else {
            sink.finish()?;
            let row = exports::ExportRow {
                event_id: event.id,
                destination: destination_key(&request.to),
                files: files as i64,
                bytes: bytes as i64,
                finished_at: now_iso(),
                verified_at: None,
                complete: request.only == ExportSelection::All
                    && !request.strip_location
                    && failed.is_empty(),
            };
            self.library.write(|tx| exports::record(tx, &row))?;
        }
        Ok(ExportReport {
            event_id: event.id,
            event_name: event.name,
            destination: request.to.clone(),
            zip,
            files,
            bytes,
            skipped,
            failed,
            messages: notes.len() as u64,
            cancelled,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Every item's path in the export, deterministic for the same request
    /// and library state.
    fn plan_export(
        &self,
        request: &ExportRequest,
        template: &str,
        rows: Vec<MediaRow>,
        in_collections: &HashMap<i64, Vec<String>>,
    ) -> Result<Vec<Planned>, ApiError> {
        let mut paths = PathAllocator::new();
        // The export's own files are never shadowed by a guest's.
        for reserved in [
            manifest::MANIFEST,
            manifest::SUMS,
            "messages.csv",
            "messages.html",
            "index.html",
            "gallery",
        ] {
            paths.allocate(None, reserved);
        }
        let store = self.library.store();
        let mut plan = Vec::with_capacity(rows.len());
        for (index, row) in rows.into_iter().enumerate() {
            let record = &row.record;
            let (date, time) = date_and_time(&row);
            let ext = extension_of(&record.original_name, &record.mime);
            let fields = NameFields {
                date: date.as_deref(),
                time: time.as_deref(),
                uploader: record.uploader.as_deref(),
                seq: u32::try_from(index + 1).unwrap_or(u32::MAX),
                ext: &ext,
                original_stem: stem_of(&record.original_name),
                id: row.id,
            };
            let file_name = names::render(template, &fields);
            let folder = match request.layout {
                ExportLayout::Flat => None,
                ExportLayout::ByUploader => Some(names::safe_component(
                    record.uploader.as_deref().unwrap_or(""),
                    "guest",
                )),
                ExportLayout::ByDay => Some(date.clone().unwrap_or_else(|| "undated".to_owned())),
            };
            let path = paths.allocate(folder.as_deref(), &file_name);
            let sha = Sha256Hex::parse(&record.sha256)?;
            let strip = request.strip_location
                && record.kind == MediaKind::Photo
                && record.mime.eq_ignore_ascii_case("image/jpeg");
            plan.push(Planned {
                path,
                collections: in_collections.get(&row.id).cloned().unwrap_or_default(),
                source: store.path(&sha, FileKind::Original),
                thumbnail: record
                    .has_thumbnail
                    .then(|| store.path(&sha, FileKind::Thumbnail)),
                strip,
                row,
            });
        }
        Ok(plan)
    }

    #[allow(clippy::too_many_arguments)]
    fn write_export(
        &self,
        request: &ExportRequest,
        template: &str,
        event: &events::EventRow,
        plan_info: &events::PlanInfo,
        plan: &[Planned],
        notes: &[messages::MessageRow],
        sink: &mut Sink,
        bytes_total: u64,
        progress: &mut dyn FnMut(&ExportProgress),
        cancel: &AtomicBool,
    ) -> Result<(u64, u64, u64, Vec<ExportFailure>, bool), ApiError> {
        let total = plan.len() as u64;
        let mut report = ExportProgress {
            done: 0,
            total,
            bytes_done: 0,
            bytes_total,
            current: None,
        };
        let mut items = Vec::with_capacity(plan.len());
        let mut failed = Vec::new();
        let (mut files, mut bytes, mut skipped) = (0u64, 0u64, 0u64);
        progress(&report);
        // A folder copy is the kernel's (no bytes pass through here), so
        // each original is checked against its fingerprint (BLAKE3, see
        // `check`) on a thread of its own, a few items ahead: a damaged
        // original becomes a failed item, not a silent bad copy, and the
        // copy then reads it from the page cache. (A ZIP hashes what it
        // streams; location-free copies check the original they read whole.)
        let hash_ahead = matches!(sink, Sink::Folder(_));
        let cancelled = std::thread::scope(|scope| -> Result<bool, ApiError> {
            let (send, checked) = std::sync::mpsc::sync_channel(HASH_AHEAD);
            if hash_ahead {
                scope.spawn(move || {
                    for planned in plan {
                        let checked = (!planned.strip)
                            .then(|| check::original(&planned.source, &planned.row.record));
                        // A closed channel: the export stopped early.
                        if send.send(checked).is_err() {
                            break;
                        }
                    }
                });
            } else {
                drop(send);
            }
            for planned in plan {
                if cancel.load(Ordering::Relaxed) {
                    return Ok(true);
                }
                let record = &planned.row.record;
                let size = record.size.max(0) as u64;
                let source_check = checked.recv().ok().flatten();
                match self.export_one(sink, planned, source_check) {
                    Ok((put, sha, written_size, location_removed)) => {
                        files += 1;
                        bytes += written_size;
                        if put == Put::AlreadyThere {
                            skipped += 1;
                        }
                        items.push(ManifestItem {
                            path: planned.path.clone(),
                            media_id: planned.row.id,
                            kind: record.kind.as_str().to_owned(),
                            mime: record.mime.clone(),
                            original_name: record.original_name.clone(),
                            uploader: record.uploader.clone(),
                            caption: record.caption.clone(),
                            captured_at: record.captured_at.clone(),
                            uploaded_at: record.uploaded_at.clone(),
                            imported_at: record.imported_at.clone(),
                            status: record.status.as_str().to_owned(),
                            flag: planned.row.flag.as_str().to_owned(),
                            rating: planned.row.rating,
                            favorite: planned.row.favorite,
                            collections: planned.collections.clone(),
                            sha256: sha,
                            size: written_size,
                            original_sha256: record.sha256.clone(),
                            location_removed,
                        });
                    }
                    Err(err) => failed.push(ExportFailure {
                        media_id: planned.row.id,
                        original_name: record.original_name.clone(),
                        reason: err.to_string(),
                    }),
                }
                report.done += 1;
                report.bytes_done += size;
                report.current = Some(planned.path.clone());
                progress(&report);
            }
            Ok(false)
        })?;
        if cancelled {
            return Ok((files, bytes, skipped, failed, true));
        }

        let mut extra = Vec::new();
        let mut put_doc = |sink: &mut Sink, path: &str, body: &[u8], compress: bool| {
            let sha = sink::sha256_bytes(body);
            sink.put_bytes(path, body, &sha, compress)?;
            extra.push(ManifestFile {
                path: path.to_owned(),
                sha256: sha,
                size: body.len() as u64,
            });
            Ok::<(), ApiError>(())
        };
        if !notes.is_empty() {
            put_doc(sink, "messages.csv", &documents::messages_csv(notes)?, true)?;
            put_doc(
                sink,
                "messages.html",
                &documents::messages_html(&event.name, notes),
                true,
            )?;
        }
        if request.gallery {
            let exported: std::collections::HashSet<i64> =
                items.iter().map(|i| i.media_id).collect();
            let mut thumbs = Vec::new();
            for (index, planned) in plan.iter().enumerate() {
                if !exported.contains(&planned.row.id) {
                    continue;
                }
                let thumb_path = planned.thumbnail.as_ref().and_then(|source| {
                    let body = std::fs::read(source).ok()?;
                    let path = format!("gallery/{:05}.jpg", index + 1);
                    put_doc(sink, &path, &body, false).ok()?;
                    Some(path)
                });
                thumbs.push((planned, thumb_path));
            }
            let gallery: Vec<documents::GalleryItem<'_>> = thumbs
                .iter()
                .map(|(planned, thumb)| documents::GalleryItem {
                    path: &planned.path,
                    thumbnail: thumb.as_deref(),
                    uploader: planned.row.record.uploader.as_deref(),
                    caption: planned.row.record.caption.as_deref(),
                    video: planned.row.record.kind == MediaKind::Video,
                })
                .collect();
            let html = documents::gallery_html(&event.name, &gallery, !notes.is_empty());
            put_doc(sink, "index.html", &html, true)?;
        }

        let manifest = Manifest {
            format: manifest::FORMAT.to_owned(),
            event: ManifestEvent {
                id: event.id,
                name: event.name.clone(),
                remote_id: event.remote_id.clone(),
                server_url: plan_info.server_url.clone(),
                plan: plan_info.plan_name.clone(),
                expires_at: event.expires_at.clone(),
                backup_until: plan_info.backup_until.clone(),
            },
            exported_at: now_iso(),
            selection: request.only.clone(),
            template: template.to_owned(),
            layout: request.layout,
            strip_location: request.strip_location,
            messages: notes.len() as u64,
            files: extra,
            items,
        };
        let json = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| ApiError::Internal(format!("writing the manifest: {e}")))?;
        let manifest_sha = sink::sha256_bytes(&json);
        let mut sums: Vec<(&str, &str)> = manifest
            .items
            .iter()
            .map(|i| (i.path.as_str(), i.sha256.as_str()))
            .chain(
                manifest
                    .files
                    .iter()
                    .map(|f| (f.path.as_str(), f.sha256.as_str())),
            )
            .collect();
        sums.push((manifest::MANIFEST, &manifest_sha));
        let sums = manifest::sums(&sums);
        // Everything the sums name is on disk under its name before they are
        // written, and nothing an earlier export here left is still beside it.
        sink.seal()?;
        sink.sweep_superseded();
        sink.put_bytes(
            manifest::SUMS,
            sums.as_bytes(),
            &sink::sha256_bytes(sums.as_bytes()),
            true,
        )?;
        // The manifest goes last: a folder export with manifest.json is a
        // finished one (a kill before this line leaves none, and verify says
        // the export did not finish).
        sink.put_bytes(manifest::MANIFEST, &json, &manifest_sha, true)?;
        Ok((files, bytes, skipped, failed, false))
    }

    /// Writes one item: `(what happened, sha256 and size in the export,
    /// whether its location was removed)`. `source_check`: the original
    /// just checked against its fingerprint (see [`check`]), when the sink
    /// does not hash what it copies.
    fn export_one(
        &self,
        sink: &mut Sink,
        planned: &Planned,
        source_check: Option<std::io::Result<Option<check::Mismatch>>>,
    ) -> Result<(Put, String, u64, bool), ApiError> {
        let record = &planned.row.record;
        if planned.strip {
            let original = std::fs::read(&planned.source).map_err(|e| {
                ApiError::Export(format!(
                    "cannot read the original {}: {e}",
                    planned.source.display()
                ))
            })?;
            if let Some(mismatch) = check::bytes(&original, record) {
                return Err(check::damaged(&planned.source, &record.sha256, &mismatch));
            }
            let (clean, had_location) = klikt_media::strip_location(&original)
                .map_err(|e| ApiError::Export(format!("cannot remove the location: {e}")))?;
            let sha = sink::sha256_bytes(&clean);
            let put = sink.put_bytes(&planned.path, &clean, &sha, false)?;
            return Ok((put, sha, clean.len() as u64, had_location));
        }
        if !planned.source.is_file() {
            return Err(ApiError::Export(format!(
                "the original is missing from the library ({})",
                planned.source.display()
            )));
        }
        match source_check {
            Some(Ok(Some(mismatch))) => {
                return Err(check::damaged(&planned.source, &record.sha256, &mismatch));
            }
            Some(Err(err)) => {
                return Err(ApiError::Export(format!(
                    "cannot read the original {}: {err}",
                    planned.source.display()
                )));
            }
            Some(Ok(None)) | None => {}
        }
        let size = record.size.max(0) as u64;
        let put = sink.put_file(&planned.path, &planned.source, &record.sha256, size)?;
        Ok((put, record.sha256.clone(), size, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_needed_counts_only_what_is_left_to_write() {
        let mb = 1024 * 1024;
        assert_eq!(
            space_needed([(10 * mb, false), (20 * mb, false)]),
            30 * mb + SPACE_MARGIN,
            "a fresh export needs everything"
        );
        assert_eq!(
            space_needed([(10 * mb, true), (20 * mb, false), (5 * mb, true)]),
            20 * mb + SPACE_MARGIN,
            "a resumed export needs only the files not yet there"
        );
        assert_eq!(space_needed([(10 * mb, true)]), SPACE_MARGIN);
    }

    #[test]
    fn a_resumed_folder_export_counts_the_files_it_already_wrote() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("by-day")).expect("folder");
        std::fs::write(root.join("done.jpg"), vec![0u8; 1000]).expect("written");
        std::fs::write(root.join("by-day/torn.jpg"), vec![0u8; 10]).expect("torn");
        std::fs::write(root.join("stripped.jpg"), vec![0u8; 900]).expect("stripped copy");
        // As an interrupted run leaves it: one copy whole, one cut short, one missing.
        let plan = [
            ("done.jpg", 1000, false),
            ("by-day/torn.jpg", 1000, false),
            ("missing.jpg", 1000, false),
            ("stripped.jpg", 1000, true),
        ];
        let needed = space_needed(
            plan.iter()
                .map(|&(path, size, strip)| (size, already_written(root, path, size, strip))),
        );
        assert_eq!(
            needed,
            2000 + SPACE_MARGIN,
            "the torn and the missing file are written again; the others are kept"
        );
    }
}
