//! Bringing one original into the library, wherever it came from (an import
//! or a pull): metadata, renditions, the store, and the row to commit.
//!
//! The caller has the bytes (in memory or in a file) and their SHA-256; this
//! module renders the thumbnail and display renditions, puts every file
//! durably into the store, and describes the row. The caller commits rows
//! in batches after [`klikt_library::Store::sync_folders`].

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use klikt_library::tables::media::MediaRecord;
use klikt_library::{FileKind, Library, Preview, Sha256Hex, Status};
use klikt_media::{Format, Limits, Source, Tools};

/// Files up to this size are read whole into memory; bigger ones (videos)
/// are streamed into the store while being hashed.
pub(crate) const IN_MEMORY_MAX: u64 = 256 * 1024 * 1024;

/// The first bytes of a file, enough to sniff its type.
pub(crate) fn read_head(path: &Path) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(64);
    File::open(path)?.take(64).read_to_end(&mut head)?;
    Ok(head)
}

/// What ingesting needs from the application.
pub(crate) struct Context<'a> {
    pub library: &'a Library,
    pub limits: Limits,
    pub tools: Tools,
    pub imported_at: String,
}

/// Deletes our own temp file when the item does not make it into the store.
pub(crate) struct TempGuard(pub Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// One original to ingest.
pub(crate) struct Input<'a> {
    pub format: Format,
    pub sha: &'a Sha256Hex,
    /// The whole original, when it is small enough to hold in memory.
    pub bytes: Option<&'a [u8]>,
    /// A file holding the original (for external decoders and big files).
    pub path: &'a Path,
}

/// Where an item came from: what its row says beyond its bytes.
pub(crate) struct Origin {
    pub event_id: i64,
    pub status: Status,
    pub original_name: String,
    pub imported_at: String,
    pub remote: Option<RemoteOrigin>,
}

/// What the server said about a pulled item.
pub(crate) struct RemoteOrigin {
    pub remote_id: String,
    pub version: i64,
    pub uploader: String,
    pub caption: Option<String>,
    pub uploaded_at: String,
}

/// An original that is durably in the store with its renditions.
pub(crate) struct Stored {
    format: Format,
    sha: Sha256Hex,
    /// BLAKE3 of the stored original (hex), for later integrity checks.
    blake3: String,
    size: i64,
    metadata: klikt_media::Metadata,
    width: Option<u32>,
    height: Option<u32>,
    preview: Preview,
    has_thumbnail: bool,
    has_display: bool,
}

impl Stored {
    pub fn preview(&self) -> Preview {
        self.preview
    }

    pub fn into_record(self, origin: Origin) -> MediaRecord {
        let (remote_id, remote_version, uploader, caption, uploaded_at) = match origin.remote {
            Some(r) => (
                Some(r.remote_id),
                Some(r.version),
                Some(r.uploader),
                r.caption,
                Some(r.uploaded_at),
            ),
            None => (None, None, None, None, None),
        };
        MediaRecord {
            event_id: origin.event_id,
            remote_id,
            remote_version,
            kind: match self.format.kind() {
                klikt_media::MediaKind::Photo => klikt_library::MediaKind::Photo,
                klikt_media::MediaKind::Video => klikt_library::MediaKind::Video,
            },
            mime: self.format.mime().to_owned(),
            original_name: origin.original_name,
            uploader,
            caption,
            uploaded_at,
            captured_at: self.metadata.captured_at,
            imported_at: origin.imported_at,
            width: self.width,
            height: self.height,
            orientation: self.metadata.orientation,
            camera_make: self.metadata.camera_make,
            camera_model: self.metadata.camera_model,
            gps_lat: self.metadata.gps_lat,
            gps_lon: self.metadata.gps_lon,
            size: self.size,
            sha256: self.sha.to_string(),
            blake3: Some(self.blake3),
            status: origin.status,
            preview: self.preview,
            has_thumbnail: self.has_thumbnail,
            has_display: self.has_display,
        }
    }
}

/// Reads metadata, renders the renditions and stores every file of `input`.
/// When `temp` holds our own temp file with the original, it is renamed into
/// the store (and the guard disarmed); otherwise the bytes are written.
/// Errors are the reason, in words, for the organizer.
pub(crate) fn render_and_store(
    ctx: &Context<'_>,
    input: &Input<'_>,
    temp: &mut TempGuard,
) -> Result<Stored, String> {
    let store = ctx.library.store();
    let metadata = match (input.bytes, input.format.kind()) {
        (Some(bytes), klikt_media::MediaKind::Photo) => klikt_media::read_metadata(bytes),
        _ => klikt_media::Metadata::default(),
    };
    let source = Source {
        path: input.path,
        bytes: input.bytes,
    };
    let rendered = klikt_media::render(
        input.format,
        &source,
        metadata.orientation,
        &ctx.limits,
        &ctx.tools,
    )
    .map_err(|e| e.to_string())?;

    let sha = input.sha;
    let store_err = |e: klikt_library::LibraryError| e.to_string();
    if let Some(thumb) = &rendered.thumbnail {
        store
            .put_bytes(sha, FileKind::Thumbnail, thumb)
            .map_err(store_err)?;
    }
    if let Some(display) = &rendered.display {
        store
            .put_bytes(sha, FileKind::Display, display)
            .map_err(store_err)?;
    }
    let (size, blake3) = store_original(ctx, input, temp)?;
    Ok(Stored {
        format: input.format,
        sha: sha.clone(),
        blake3,
        size,
        metadata,
        width: rendered.width,
        height: rendered.height,
        preview: match rendered.preview {
            klikt_media::Preview::Ready => Preview::Ready,
            klikt_media::Preview::NoDecoder => Preview::NoDecoder,
            klikt_media::Preview::Placeholder => Preview::Placeholder,
        },
        has_thumbnail: rendered.thumbnail.is_some(),
        has_display: rendered.display.is_some(),
    })
}

/// Puts the original durably into the store (renaming our temp file when
/// there is one) and returns its size and BLAKE3 (of the bytes whose
/// SHA-256 the caller checked, or of the store's file for a big one).
fn store_original(
    ctx: &Context<'_>,
    input: &Input<'_>,
    temp: &mut TempGuard,
) -> Result<(i64, String), String> {
    let store = ctx.library.store();
    let sha = input.sha;
    let store_err = |e: klikt_library::LibraryError| e.to_string();
    if !store.exists(sha, FileKind::Original) {
        match (input.bytes, temp.0.take()) {
            (_, Some(spooled)) => {
                store
                    .commit_temp(&spooled, sha, FileKind::Original)
                    .map_err(store_err)?;
            }
            (Some(bytes), None) => {
                store
                    .put_bytes(sha, FileKind::Original, bytes)
                    .map_err(store_err)?;
            }
            (None, None) => return Err("the file vanished while it was imported".into()),
        }
    }
    match input.bytes {
        Some(bytes) => Ok((bytes.len() as i64, blake3_bytes(bytes))),
        None => {
            let path = store.path(sha, FileKind::Original);
            let read_err = |e: io::Error| format!("cannot read it: {e}");
            let size = std::fs::metadata(&path).map_err(read_err)?.len() as i64;
            Ok((size, blake3_file(&path).map_err(read_err)?))
        }
    }
}

/// Hex BLAKE3 of `bytes`.
pub(crate) fn blake3_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Hex BLAKE3 of a file (mapped, not copied, where it is big enough to pay).
pub(crate) fn blake3_file(path: &Path) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_mmap(path)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Keeps an original whose renditions could not be made (a placeholder
/// stands in for its preview).
pub(crate) fn store_without_renditions(
    ctx: &Context<'_>,
    input: &Input<'_>,
    temp: &mut TempGuard,
) -> Result<Stored, String> {
    let (size, blake3) = store_original(ctx, input, temp)?;
    Ok(Stored {
        format: input.format,
        sha: input.sha.clone(),
        blake3,
        size,
        metadata: klikt_media::Metadata::default(),
        width: None,
        height: None,
        preview: Preview::Placeholder,
        has_thumbnail: false,
        has_display: false,
    })
}

/// Renders the thumbnail and display renditions of `stored` from a JPEG
/// preview the server made (for what this machine cannot decode). A preview
/// that cannot be rendered leaves `stored` as it was.
pub(crate) fn add_preview_renditions(ctx: &Context<'_>, stored: Stored, jpeg: &[u8]) -> Stored {
    let source = Source {
        path: Path::new("server preview"),
        bytes: Some(jpeg),
    };
    // The server applied the orientation already.
    let Ok(rendered) = klikt_media::render(Format::Jpeg, &source, 1, &ctx.limits, &ctx.tools)
    else {
        return stored;
    };
    let store = ctx.library.store();
    let put = |kind, bytes: &Option<Vec<u8>>| match bytes {
        Some(bytes) => store.put_bytes(&stored.sha, kind, bytes).is_ok(),
        None => false,
    };
    let has_thumbnail = put(FileKind::Thumbnail, &rendered.thumbnail);
    let has_display = put(FileKind::Display, &rendered.display);
    if !has_thumbnail {
        return stored;
    }
    Stored {
        preview: Preview::Ready,
        has_thumbnail,
        has_display,
        width: stored.width.or(rendered.width),
        height: stored.height.or(rendered.height),
        ..stored
    }
}
