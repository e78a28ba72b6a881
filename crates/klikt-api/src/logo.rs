//! The slideshow's logo (a branding image in a corner of the show), kept per
//! event in the library as `slideshow/logo-<event id>.png`.
//!
//! The organizer's file is untrusted input: it is read up to a size limit,
//! decoded within klikt-media's pixel and memory limits, shrunk to at most
//! [`LOGO_MAX_EDGE`] pixels and re-encoded as a PNG that keeps its
//! transparency. Only that PNG is kept, under a name made from the event id
//! (never the file's own name), written to a temporary file, synced and
//! renamed, so the show never reads half a logo. The slideshow window gets
//! it by event id through the app's media protocol, never by path.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use klikt_library::tables::events;
use klikt_library::LibraryError;
use klikt_media::{logo_png, Limits, LOGO_MAX_EDGE};

use crate::{ApiError, Klikt};

/// A logo file larger than this is refused unread: no branding image needs it.
const MAX_LOGO_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The library folder the logos live in.
const LOGO_FOLDER: &str = "slideshow";

impl Klikt {
    /// Makes the image at `file` the logo of `event`'s slideshow, replacing
    /// any earlier one; returns the new logo's version (see [`Klikt::slideshow_logo`]).
    pub fn set_slideshow_logo(&self, event: &str, file: &Path) -> Result<String, ApiError> {
        let event_id = self.library.read(|conn| events::find(conn, event))?.id;
        let not_usable = |why: String| {
            ApiError::InvalidInput(format!(
                "{}: cannot be used as the logo: {why}",
                file.display()
            ))
        };
        let bytes = read_limited(file).map_err(not_usable)?;
        let limits = Limits {
            // A logo is small; a bigger image is only a way to make us work.
            max_pixels: 50_000_000,
            max_alloc_bytes: 256 * 1024 * 1024,
            ..Limits::default()
        };
        let png =
            logo_png(&bytes, LOGO_MAX_EDGE, &limits).map_err(|e| not_usable(e.to_string()))?;
        let path = self.logo_path(event_id);
        write_durably(&path, &png).map_err(|source| {
            ApiError::Library(LibraryError::Folder {
                path: path.clone(),
                source,
            })
        })?;
        logo_version(&path)
            .ok_or_else(|| ApiError::Internal(format!("the logo {} vanished", path.display())))
    }

    /// Removes `event`'s logo; no logo is not an error.
    pub fn remove_slideshow_logo(&self, event: &str) -> Result<(), ApiError> {
        let event_id = self.library.read(|conn| events::find(conn, event))?.id;
        self.remove_logo_file(event_id)
    }

    /// The version of `event`'s logo (it changes whenever the logo does), or
    /// `None` when the event has none. It goes into the logo's URL, so a new
    /// logo is shown at once instead of a cached one.
    pub fn slideshow_logo(&self, event: &str) -> Result<Option<String>, ApiError> {
        let event_id = self.library.read(|conn| events::find(conn, event))?.id;
        Ok(logo_version(&self.logo_path(event_id)))
    }

    /// The PNG of event `event_id`'s logo, if it has one, for the media protocol.
    pub fn slideshow_logo_file(&self, event_id: i64) -> Option<PathBuf> {
        let path = self.logo_path(event_id);
        path.is_file().then_some(path)
    }

    /// Deletes event `event_id`'s logo file, if any (also when the event is forgotten).
    pub(crate) fn remove_logo_file(&self, event_id: i64) -> Result<(), ApiError> {
        let path = self.logo_path(event_id);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(ApiError::Library(LibraryError::Folder { path, source })),
        }
    }

    /// Where the logo of event `event_id` is kept: named by the id alone.
    pub(crate) fn logo_path(&self, event_id: i64) -> PathBuf {
        self.library
            .dir()
            .join(LOGO_FOLDER)
            .join(format!("logo-{event_id}.png"))
    }
}

/// The logo's version: its size and modification time, cheap enough for
/// every read of the deck.
pub(crate) fn logo_version(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Some(format!("{:x}-{:x}", modified, meta.len()))
}

/// The file's bytes, refusing anything that is not a regular file or is too big.
fn read_limited(file: &Path) -> Result<Vec<u8>, String> {
    let handle = std::fs::File::open(file).map_err(|e| e.to_string())?;
    let meta = handle.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a file".to_owned());
    }
    let mut bytes = Vec::new();
    // `take` guards against a file that grows while it is read.
    handle
        .take(MAX_LOGO_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_LOGO_FILE_BYTES {
        return Err(format!(
            "the file is larger than {} MiB",
            MAX_LOGO_FILE_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, renames it
/// over `path` and syncs the folder, so after a crash the logo is the old
/// one or the new one, whole.
fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("the logo path has no folder"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".logo-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself is only durable once the folder is synced (Unix;
    // Windows has no folder handles to sync and makes renames durable itself).
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
