//! Importing files, folders and ZIP archives into an event.
//!
//! Files are processed in parallel (sniff → hash → dedup → EXIF → renditions
//! → store), while one writer thread commits rows in batches. A row is
//! committed only after all of its files are durably in the store, so a crash
//! at any point leaves at worst unreferenced files, which the sweep at the
//! next open removes.

mod sources;

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;

use klikt_library::tables::{events, media, media::MediaRecord};
use klikt_library::{Library, Preview, Sha256Hex, Status};
use klikt_media::Format;
use rayon::iter::{ParallelBridge, ParallelIterator};
use sha2::{Digest, Sha256};

use crate::dto::{ImportProgress, ImportReport, Rejection};
use crate::error::ApiError;
use crate::ingest::{self, read_head, Context, TempGuard, IN_MEMORY_MAX};
use sources::{Candidate, Location};

/// Rows committed per transaction: large enough to amortise fsync of the WAL,
/// small enough that progress is visible and a crash loses little work.
const BATCH: usize = 128;

/// What to import, and into which local event.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub event_name: String,
    pub paths: Vec<PathBuf>,
    /// Moderation status of the new items (local imports start `pending`).
    pub status: Status,
}

enum Payload {
    Memory(Vec<u8>),
    /// A file of the user's, read in place.
    UserFile(PathBuf),
    /// Our own temp file in the store's tmp folder, already fsynced.
    Spooled(PathBuf),
}

enum Outcome {
    Imported(Box<MediaRecord>),
    Duplicate,
    Rejected(String),
}

pub(crate) fn run(
    ctx: &Context<'_>,
    request: &ImportRequest,
    progress: &mut dyn FnMut(&ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportReport, ApiError> {
    let (event, event_created) = ctx
        .library
        .write(|tx| events::find_or_create_local(tx, &request.event_name, &ctx.imported_at))?;
    let (candidates, mut rejected) = sources::collect(&request.paths);
    let seen = Mutex::new(
        ctx.library
            .read(|conn| media::hashes_in_event(conn, event.id))?,
    );
    let total = candidates.len() as u64;
    let mut report = ImportReport {
        event_id: event.id,
        event_name: event.name.clone(),
        event_created,
        imported: 0,
        duplicates: 0,
        rejected: Vec::new(),
        without_preview: 0,
        cancelled: false,
    };

    let (sender, receiver) = mpsc::sync_channel::<(Candidate, Outcome)>(BATCH * 2);
    std::thread::scope(|scope| -> Result<(), ApiError> {
        scope.spawn(|| {
            let jobs = JobFeed::new(candidates, ctx.library, cancel);
            jobs.par_bridge()
                .for_each_with(sender, |sender, (candidate, payload)| {
                    let outcome = match payload {
                        Ok(payload) => catch_unwind(AssertUnwindSafe(|| {
                            prepare(ctx, event.id, request.status, &candidate, payload, &seen)
                                .unwrap_or_else(Outcome::Rejected)
                        }))
                        .unwrap_or_else(|_| {
                            Outcome::Rejected(
                                "Klikt hit an internal error reading this file (please report it)"
                                    .into(),
                            )
                        }),
                        Err(reason) => Outcome::Rejected(reason),
                    };
                    // The receiver only goes away if the writer failed; nothing to do then.
                    let _ = sender.send((candidate, outcome));
                });
        });

        let mut done = 0u64;
        let mut bytes_done = 0u64;
        let mut batch: Vec<(Candidate, Box<MediaRecord>)> = Vec::with_capacity(BATCH);
        let mut pending_progress: Vec<Candidate> = Vec::new();
        while let Ok(first) = receiver.recv() {
            let mut next = Some(first);
            while let Some((candidate, outcome)) = next.take() {
                match outcome {
                    Outcome::Imported(item) => batch.push((candidate, item)),
                    Outcome::Duplicate => {
                        report.duplicates += 1;
                        pending_progress.push(candidate);
                    }
                    Outcome::Rejected(reason) => {
                        report.rejected.push(Rejection {
                            name: candidate.label.clone(),
                            reason,
                        });
                        pending_progress.push(candidate);
                    }
                }
                if batch.len() < BATCH {
                    next = receiver.try_recv().ok();
                }
            }
            let committed = commit(ctx.library, &batch)?;
            for ((candidate, item), inserted) in batch.drain(..).zip(committed) {
                if inserted {
                    report.imported += 1;
                    if item.preview != Preview::Ready {
                        report.without_preview += 1;
                    }
                } else {
                    report.duplicates += 1;
                }
                pending_progress.push(candidate);
            }
            for candidate in pending_progress.drain(..) {
                done += 1;
                bytes_done += candidate.size;
                progress(&ImportProgress {
                    done,
                    total,
                    bytes_done,
                    current: candidate.label,
                });
            }
        }
        Ok(())
    })?;
    report.cancelled = cancel.load(Ordering::Relaxed);
    rejected.append(&mut report.rejected);
    report.rejected = rejected;
    Ok(report)
}

/// Commits a batch of rows in one transaction; `false` marks a row some other
/// writer inserted first.
fn commit(
    library: &Library,
    batch: &[(Candidate, Box<MediaRecord>)],
) -> Result<Vec<bool>, ApiError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let shas = batch
        .iter()
        .map(|(_, item)| Sha256Hex::parse(&item.sha256))
        .collect::<Result<Vec<_>, _>>()?;
    library.store().sync_folders(&shas)?;
    Ok(library.write(|tx| {
        batch
            .iter()
            .map(|(_, item)| media::insert_if_new(tx, item).map(|id| id.is_some()))
            .collect()
    })?)
}

/// Yields candidates with their bytes. ZIP entries are read here, in order,
/// because an archive can only be read by one thread at a time; plain files
/// are read by the workers.
struct JobFeed<'a> {
    candidates: std::vec::IntoIter<Candidate>,
    library: &'a Library,
    cancel: &'a AtomicBool,
    open_archive: Option<(PathBuf, zip::ZipArchive<File>)>,
}

impl<'a> JobFeed<'a> {
    fn new(candidates: Vec<Candidate>, library: &'a Library, cancel: &'a AtomicBool) -> Self {
        JobFeed {
            candidates: candidates.into_iter(),
            library,
            cancel,
            open_archive: None,
        }
    }

    fn read_zip_entry(&mut self, archive: &Path, index: usize) -> Result<Payload, String> {
        let reopen = !matches!(&self.open_archive, Some((open, _)) if open == archive);
        if reopen {
            let opened = File::open(archive)
                .map_err(|e| e.to_string())
                .and_then(|f| zip::ZipArchive::new(f).map_err(|e| e.to_string()))
                .map_err(|e| format!("cannot read the ZIP archive: {e}"))?;
            self.open_archive = Some((archive.to_path_buf(), opened));
        }
        let Some((_, zip)) = self.open_archive.as_mut() else {
            return Err("cannot read the ZIP archive".into());
        };
        let mut entry = zip
            .by_index(index)
            .map_err(|e| format!("cannot read this ZIP entry: {e}"))?;
        if entry.encrypted() {
            return Err("the ZIP entry is encrypted".into());
        }
        refuse_bomb(entry.size(), entry.compressed_size())?;
        if entry.size() <= IN_MEMORY_MAX {
            let mut bytes = Vec::with_capacity(entry.size() as usize);
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot unpack this ZIP entry: {e}"))?;
            Ok(Payload::Memory(bytes))
        } else {
            let temp = self.library.store().temp_path();
            spool(&mut entry, &temp)
                .map(|()| Payload::Spooled(temp))
                .map_err(|e| format!("cannot unpack this ZIP entry: {e}"))
        }
    }
}

impl Iterator for JobFeed<'_> {
    type Item = (Candidate, Result<Payload, String>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.cancel.load(Ordering::Relaxed) {
            return None;
        }
        let candidate = self.candidates.next()?;
        let payload = match &candidate.location {
            Location::File(path) => Ok(Payload::UserFile(path.clone())),
            Location::ZipEntry { archive, index } => {
                let (archive, index) = (archive.clone(), *index);
                self.read_zip_entry(&archive, index)
            }
        };
        Some((candidate, payload))
    }
}

/// Photos and videos are compressed already: deflate wins a few percent
/// on them, a flat uncompressed TIFF perhaps 20×. Far beyond that the
/// entry is a decompression bomb, refused before a byte of it is unpacked
/// (an entry that unpacks beyond its declared size is stopped by the ZIP
/// reader itself).
const MAX_ZIP_RATIO: u64 = 100;

fn refuse_bomb(size: u64, compressed: u64) -> Result<(), String> {
    if size > compressed.max(1).saturating_mul(MAX_ZIP_RATIO) {
        return Err(format!(
            "the ZIP entry would unpack to {} from {} ({}×): a decompression bomb, not a photo or video",
            crate::human_bytes(i64::try_from(size).unwrap_or(i64::MAX)),
            crate::human_bytes(i64::try_from(compressed).unwrap_or(i64::MAX)),
            size / compressed.max(1)
        ));
    }
    Ok(())
}

fn spool(reader: &mut dyn Read, temp: &Path) -> io::Result<()> {
    let result = File::create(temp).and_then(|mut file| {
        io::copy(reader, &mut file)?;
        file.sync_all()
    });
    if result.is_err() {
        let _ = std::fs::remove_file(temp);
    }
    result
}

/// Hashes everything `input` yields, copying it to `copy` on the way when given.
fn hash_stream(input: &mut dyn Read, mut copy: Option<&mut File>) -> io::Result<Sha256Hex> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        if let Some(out) = copy.as_mut() {
            out.write_all(chunk)?;
        }
    }
    Ok(Sha256Hex::from_digest(&hasher.finalize()))
}

/// Copies `path` into a store temp file while hashing it: big files are read once.
fn spool_hashing(path: &Path, temp: &Path) -> io::Result<Sha256Hex> {
    let result = File::open(path).and_then(|mut input| {
        let mut output = File::create(temp)?;
        let sha = hash_stream(&mut input, Some(&mut output))?;
        output.sync_all()?;
        Ok(sha)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(temp);
    }
    result
}

fn hash_file(path: &Path) -> io::Result<Sha256Hex> {
    hash_stream(&mut File::open(path)?, None)
}

const SUPPORTED: &str =
    "not a photo or video Klikt can import (JPEG, PNG, WebP, TIFF, GIF, HEIC/HEIF, MP4, MOV, WebM)";

fn prepare(
    ctx: &Context<'_>,
    event_id: i64,
    status: Status,
    candidate: &Candidate,
    payload: Payload,
    seen: &Mutex<HashSet<String>>,
) -> Result<Outcome, String> {
    let store = ctx.library.store();
    let read_err = |e: io::Error| format!("cannot read it: {e}");

    // Small files go to memory; big ones are spooled into the store while hashed.
    let payload = match payload {
        Payload::UserFile(path) if candidate.size <= IN_MEMORY_MAX => {
            Payload::Memory(std::fs::read(&path).map_err(read_err)?)
        }
        other => other,
    };
    let mut temp = TempGuard(None);
    let (bytes, sha, head) = match payload {
        Payload::Memory(bytes) => {
            let sha = Sha256Hex::from_digest(&Sha256::digest(&bytes));
            let head = bytes.get(..64).unwrap_or(&bytes).to_vec();
            (Some(bytes), sha, head)
        }
        Payload::UserFile(path) => {
            let head = read_head(&path).map_err(read_err)?;
            klikt_media::sniff(&head).ok_or(SUPPORTED)?;
            let spooled = store.temp_path();
            let sha = spool_hashing(&path, &spooled).map_err(read_err)?;
            temp.0 = Some(spooled);
            (None, sha, head)
        }
        Payload::Spooled(path) => {
            temp.0 = Some(path.clone());
            let head = read_head(&path).map_err(read_err)?;
            (None, hash_file(&path).map_err(read_err)?, head)
        }
    };
    let format = klikt_media::sniff(&head).ok_or(SUPPORTED)?;

    let first_time = seen
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(sha.to_string());
    if !first_time {
        return Ok(Outcome::Duplicate);
    }

    // External decoders (libheif, ffmpeg) need a file: give them the user's
    // file, or spool archive bytes into the store first.
    let needs_file = format == Format::Heif || format.kind() == klikt_media::MediaKind::Video;
    let user_path = match &candidate.location {
        Location::File(path) => Some(path.clone()),
        Location::ZipEntry { .. } => None,
    };
    let source_path = match (&temp.0, user_path, &bytes) {
        (Some(spooled), _, _) => spooled.clone(),
        (None, Some(user), _) => user,
        (None, None, Some(bytes)) if needs_file => {
            let spooled = store.temp_path();
            spool(&mut bytes.as_slice(), &spooled).map_err(|e| format!("cannot unpack it: {e}"))?;
            temp.0 = Some(spooled.clone());
            spooled
        }
        (None, None, _) => PathBuf::from(&candidate.label),
    };
    let stored = ingest::render_and_store(
        ctx,
        &ingest::Input {
            format,
            sha: &sha,
            bytes: bytes.as_deref(),
            path: &source_path,
        },
        &mut temp,
    )?;
    Ok(Outcome::Imported(Box::new(stored.into_record(
        ingest::Origin {
            event_id,
            status,
            original_name: candidate.original_name.clone(),
            imported_at: ctx.imported_at.clone(),
            remote: None,
        },
    ))))
}
