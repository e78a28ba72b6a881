//! Where exported bytes go: a folder (each file copied under a temporary
//! name, all of them made durable together, then renamed; a file already
//! there with the right hash is kept) or a ZIP file (streamed into
//! `NAME.zip.partial`, renamed to `NAME.zip` only once complete; ZIP64 when
//! needed; media stored, text deflated).
//!
//! A folder export is durable the way a per-file fsync would make it, at
//! about the cost of one `sync`: each copy's writeback starts as soon as it
//! is copied, [`Sink::seal`] waits once for all of it (one filesystem sync
//! on Linux) and only then gives the files their names. So a crash, even a
//! power cut, never leaves a partial file under a visible name, and
//! `manifest.json`, written after the seal, is only ever beside complete files.
//!
//! A folder exported into again follows the new export: files an earlier
//! export listed (its manifest) that the new one does not write are removed
//! before the new manifest is written (an item since hidden or deleted, a
//! name shifted by a new sequence number). Files klikt never listed (the
//! organizer's own) are left alone.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::ApiError;

/// Prefix of a folder export's files being written.
const PARTIAL_PREFIX: &str = ".klikt-partial-";

/// The files earlier exports into a folder listed, kept while a new export
/// runs (its manifest is gone by then), so an interrupted run still knows
/// what to remove when it is run again.
const SUPERSEDED: &str = ".klikt-superseded.json";

/// Copies made durable and named together, at most this many bytes at a
/// time: an interrupted export keeps all but its last batch, and one sync
/// per batch costs next to nothing beside the writing.
const BATCH_BYTES: u64 = 512 * 1024 * 1024;

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    Written,
    /// Already in the folder with the expected hash (a resumed export).
    AlreadyThere,
}

pub enum Sink {
    Folder(FolderSink),
    Zip(Box<ZipSink>),
}

pub struct FolderSink {
    root: PathBuf,
    /// Folders with new files, synced after the renames so they last.
    touched: std::collections::BTreeSet<PathBuf>,
    /// Folders known to exist (one `mkdir` per folder, not per file).
    created: std::collections::HashSet<PathBuf>,
    /// Copies written under their temporary name, waiting for the seal.
    pending: Vec<Pending>,
    pending_bytes: u64,
    /// After the seal every file is written, synced and renamed at once.
    sealed: bool,
    /// Files earlier exports here listed (see [`SUPERSEDED`]).
    superseded: Vec<String>,
    /// Every file this export put, written or already there.
    placed: std::collections::HashSet<String>,
}

/// A copied file not yet durable, under its temporary name.
struct Pending {
    temp: PathBuf,
    dest: PathBuf,
}

pub struct ZipSink {
    final_path: PathBuf,
    partial: PathBuf,
    writer: ZipWriter<BufWriter<File>>,
}

fn io_error(path: &Path, what: &str, err: std::io::Error) -> ApiError {
    ApiError::Export(format!("{what} {}: {err}", path.display()))
}

/// Hex SHA-256 of everything read from `reader`, copied to `out` on the way.
pub(super) fn copy_hashing(
    reader: &mut dyn Read,
    out: &mut dyn Write,
) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok((hex(&hasher.finalize()), total))
}

pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    Ok(copy_hashing(&mut file, &mut std::io::sink())?.0)
}

pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `relative` under `root`, refusing anything but plain names (the
/// allocator only makes those; this is the last line of defence).
fn inside(root: &Path, relative: &str) -> Result<PathBuf, ApiError> {
    let path = Path::new(relative);
    if relative.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(ApiError::Internal(format!(
            "refusing to write outside the export: {relative:?}"
        )));
    }
    Ok(root.join(path))
}

impl Sink {
    /// Opens the destination: a folder (created if needed; leftovers of an
    /// interrupted run removed) or, for a path ending in `.zip`, a new
    /// partial ZIP beside it.
    pub fn open(to: &Path, zip: bool) -> Result<Sink, ApiError> {
        if !zip {
            std::fs::create_dir_all(to).map_err(|e| io_error(to, "cannot create", e))?;
            remove_partials(to);
            // What the earlier exports here wrote is remembered before their
            // manifest goes: the old manifest would make a half-redone export
            // look complete.
            let superseded = supersede_earlier_exports(to)?;
            for name in [super::manifest::MANIFEST, super::manifest::SUMS] {
                let _ = std::fs::remove_file(to.join(name));
            }
            return Ok(Sink::Folder(FolderSink {
                root: to.to_path_buf(),
                touched: std::collections::BTreeSet::new(),
                created: std::collections::HashSet::new(),
                pending: Vec::new(),
                pending_bytes: 0,
                sealed: false,
                superseded,
                placed: std::collections::HashSet::new(),
            }));
        }
        let parent = to
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "cannot create", e))?;
        let mut partial = to.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).map_err(|e| io_error(&partial, "cannot create", e))?;
        Ok(Sink::Zip(Box::new(ZipSink {
            final_path: to.to_path_buf(),
            partial,
            writer: ZipWriter::new(BufWriter::with_capacity(1 << 20, file)),
        })))
    }

    /// Copies `source` to `relative`; `expected` is its SHA-256. A folder
    /// keeps a file already there with that hash. The ZIP checks the source
    /// against `expected` as it streams it.
    pub fn put_file(
        &mut self,
        relative: &str,
        source: &Path,
        expected: &str,
        size: u64,
    ) -> Result<Put, ApiError> {
        match self {
            // The kernel copies (io::copy between two files is
            // copy_file_range on Linux, a reflink where the disk has them);
            // the caller has checked the original's hash (see
            // `Klikt::write_export`), so the copy itself stays zero-copy.
            // The copy is a new file of the export, not the store's
            // read-only original: its permissions are the user's default.
            Sink::Folder(folder) => folder.put(relative, expected, size, |temp| {
                let mut from = File::open(source)?;
                let mut to = File::create(temp)?;
                let copied = std::io::copy(&mut from, &mut to)?;
                if copied != size {
                    return Err(std::io::Error::other(format!(
                        "the original is {copied} bytes, the library says {size}"
                    )));
                }
                Ok(to)
            }),
            Sink::Zip(zip) => {
                let mut file =
                    File::open(source).map_err(|e| io_error(source, "cannot read", e))?;
                zip.start(relative, size, CompressionMethod::Stored)?;
                let copied = copy_hashing(&mut file, &mut zip.writer);
                match copied {
                    Ok((sha, _)) if sha == expected => Ok(Put::Written),
                    Ok((sha, _)) => {
                        let _ = zip.writer.abort_file();
                        let mismatch = super::check::Mismatch::sha256(&sha, expected);
                        Err(super::check::damaged(source, expected, &mismatch))
                    }
                    Err(err) => {
                        let _ = zip.writer.abort_file();
                        Err(io_error(source, "cannot copy", err))
                    }
                }
            }
        }
    }

    /// Writes `bytes` to `relative` (documents, location-free copies).
    /// `compress`: deflate in a ZIP (text), or store (media).
    pub fn put_bytes(
        &mut self,
        relative: &str,
        bytes: &[u8],
        sha: &str,
        compress: bool,
    ) -> Result<Put, ApiError> {
        match self {
            Sink::Folder(folder) => folder.put(relative, sha, bytes.len() as u64, |temp| {
                create_with(temp, bytes)
            }),
            Sink::Zip(zip) => {
                let method = if compress {
                    CompressionMethod::Deflated
                } else {
                    CompressionMethod::Stored
                };
                zip.start(relative, bytes.len() as u64, method)?;
                zip.writer
                    .write_all(bytes)
                    .map_err(|e| io_error(&zip.partial, "cannot write", e))?;
                Ok(Put::Written)
            }
        }
    }

    /// Makes everything put so far durable and gives it its name (a
    /// folder); from then on each file is written durably at once. The
    /// export's closing documents go after this. Nothing to do for a ZIP,
    /// which is one file synced at [`Sink::finish`].
    pub fn seal(&mut self) -> Result<(), ApiError> {
        match self {
            Sink::Folder(folder) => folder.seal(),
            Sink::Zip(_) => Ok(()),
        }
    }

    /// Removes the files earlier exports into this folder listed that this
    /// one did not put (call after [`Sink::seal`], before the manifest).
    /// Nothing to do for a ZIP, always written whole.
    pub fn sweep_superseded(&mut self) {
        if let Sink::Folder(folder) = self {
            folder.sweep();
        }
    }

    /// Makes the export durable and complete: the folder sealed and synced,
    /// or the ZIP finished, synced and renamed to its final name.
    pub fn finish(self) -> Result<(), ApiError> {
        match self {
            Sink::Folder(mut folder) => {
                folder.seal()?;
                // The new manifest is written: it is what the next export
                // here supersedes.
                let _ = std::fs::remove_file(folder.root.join(SUPERSEDED));
                sync_dir(&folder.root);
                Ok(())
            }
            Sink::Zip(zip) => {
                let ZipSink {
                    final_path,
                    partial,
                    writer,
                } = *zip;
                let buffered = writer.finish().map_err(|e| {
                    ApiError::Export(format!("cannot finish {}: {e}", partial.display()))
                })?;
                let file = buffered
                    .into_inner()
                    .map_err(|e| io_error(&partial, "cannot write", e.into_error()))?;
                file.sync_all()
                    .map_err(|e| io_error(&partial, "cannot sync", e))?;
                drop(file);
                std::fs::rename(&partial, &final_path)
                    .map_err(|e| io_error(&final_path, "cannot rename to", e))?;
                if let Some(parent) = final_path.parent() {
                    sync_dir(parent);
                }
                Ok(())
            }
        }
    }

    /// Stops an unfinished export. A ZIP is dropped (nothing that looks like
    /// an archive is left); a folder keeps the files already copied, synced
    /// and named, so running the export again skips them. Without a
    /// manifest the folder never looks finished.
    pub fn abandon(self) {
        match self {
            Sink::Zip(zip) => {
                let partial = zip.partial.clone();
                drop(zip);
                let _ = std::fs::remove_file(partial);
            }
            Sink::Folder(mut folder) => {
                // Best effort: what is not named now is swept by the next run.
                let _ = folder.seal();
            }
        }
    }
}

impl FolderSink {
    /// Puts one file at `relative` unless it is already there with `sha`:
    /// written under a temporary name by `write` (which returns the file it
    /// wrote, still open), its writeback started, named at the seal (or at
    /// once, durably, after it).
    fn put(
        &mut self,
        relative: &str,
        sha: &str,
        size: u64,
        write: impl FnOnce(&Path) -> std::io::Result<File>,
    ) -> Result<Put, ApiError> {
        let dest = inside(&self.root, relative)?;
        if already_there(&dest, sha, size) {
            self.placed.insert(relative.to_owned());
            return Ok(Put::AlreadyThere);
        }
        let temp = temp_beside(&dest)?;
        if let Some(parent) = temp.parent() {
            if !self.created.contains(parent) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| io_error(parent, "cannot create", e))?;
                self.created.insert(parent.to_path_buf());
            }
        }
        if self.sealed {
            write_atomically(&temp, &dest, write)?;
        } else {
            let written = write(&temp).and_then(|file| start_writeback(&file));
            if let Err(err) = written {
                let _ = std::fs::remove_file(&temp);
                return Err(io_error(&dest, "cannot write", err));
            }
            self.pending.push(Pending {
                temp,
                dest: dest.clone(),
            });
            self.pending_bytes += size;
        }
        self.touched.extend(dest.parent().map(Path::to_path_buf));
        self.placed.insert(relative.to_owned());
        if self.pending_bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(Put::Written)
    }

    fn sweep(&mut self) {
        let own = [super::manifest::MANIFEST, super::manifest::SUMS, SUPERSEDED];
        for relative in std::mem::take(&mut self.superseded) {
            if self.placed.contains(&relative) || own.contains(&relative.as_str()) {
                continue;
            }
            // The list is read from disk: only plain paths inside the folder.
            let Ok(path) = inside(&self.root, &relative) else {
                continue;
            };
            // A symlink put in its place is removed itself, never followed.
            let is_file = std::fs::symlink_metadata(&path)
                .is_ok_and(|m| m.is_file() || m.file_type().is_symlink());
            if is_file && std::fs::remove_file(&path).is_ok() {
                // A by-day or by-uploader folder left empty goes too.
                let mut folder = path.parent();
                while let Some(dir) = folder.filter(|d| *d != self.root) {
                    if std::fs::remove_dir(dir).is_err() {
                        self.touched.insert(dir.to_path_buf());
                        break;
                    }
                    folder = dir.parent();
                }
                self.touched.insert(self.root.clone());
            }
        }
        for dir in std::mem::take(&mut self.touched) {
            sync_dir(&dir);
        }
    }

    fn seal(&mut self) -> Result<(), ApiError> {
        self.flush()?;
        self.sealed = true;
        Ok(())
    }

    /// Makes the pending copies durable, then names them.
    fn flush(&mut self) -> Result<(), ApiError> {
        self.pending_bytes = 0;
        if !self.pending.is_empty() {
            wait_for_writeback(&self.root, &self.pending)?;
            for Pending { temp, dest } in std::mem::take(&mut self.pending) {
                if let Err(err) = std::fs::rename(&temp, &dest) {
                    let _ = std::fs::remove_file(&temp);
                    return Err(io_error(&dest, "cannot rename to", err));
                }
            }
        }
        for dir in std::mem::take(&mut self.touched) {
            sync_dir(&dir);
        }
        Ok(())
    }
}

impl ZipSink {
    fn start(&mut self, name: &str, size: u64, method: CompressionMethod) -> Result<(), ApiError> {
        let options = SimpleFileOptions::default()
            .compression_method(method)
            // ZIP64 headers for a file over 4 GiB (the entry count is handled at `finish`).
            .large_file(size >= u64::from(u32::MAX))
            .unix_permissions(0o644);
        self.writer
            .start_file(name, options)
            .map_err(|e| ApiError::Export(format!("cannot add {name} to the ZIP: {e}")))
    }
}

fn already_there(dest: &Path, expected: &str, size: u64) -> bool {
    std::fs::metadata(dest).is_ok_and(|m| m.is_file() && m.len() == size)
        && sha256_file(dest).is_ok_and(|sha| sha == expected)
}

/// The temporary name `dest` is written under, `.klikt-partial-TAG` in its
/// folder.
fn temp_beside(dest: &Path) -> Result<PathBuf, ApiError> {
    let parent = dest
        .parent()
        .ok_or_else(|| ApiError::Internal(format!("no folder for {}", dest.display())))?;
    let name = dest
        .file_name()
        .ok_or_else(|| ApiError::Internal(format!("no file name in {}", dest.display())))?;
    // Named after a hash of the final name: a guest's 255-byte name plus the
    // prefix would not fit in a file name.
    let tag = sha256_bytes(name.as_encoded_bytes());
    Ok(parent.join(format!("{PARTIAL_PREFIX}{}", &tag[..16])))
}

/// A new file at `temp` holding `bytes`, still open (to be synced).
fn create_with(temp: &Path, bytes: &[u8]) -> std::io::Result<File> {
    let mut file = File::create(temp)?;
    file.write_all(bytes)?;
    Ok(file)
}

/// Writes `temp`, fsyncs it, renames it to `dest`.
fn write_atomically(
    temp: &Path,
    dest: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<File>,
) -> Result<(), ApiError> {
    let result = write(temp)
        .and_then(|file| file.sync_all())
        .and_then(|()| std::fs::rename(temp, dest));
    if let Err(err) = result {
        let _ = std::fs::remove_file(temp);
        return Err(io_error(dest, "cannot write", err));
    }
    Ok(())
}

/// Asks the kernel to start writing `file` to disk now, without waiting, so
/// the disk works while the next file is copied.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is open for the whole call; offset 0 with
    // length 0 means the whole file, and WRITE only starts writeback.
    let rc = unsafe { libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File) -> std::io::Result<()> {
    Ok(())
}

/// Waits until every pending copy is on disk: one `syncfs` of the export's
/// filesystem on Linux (a single journal commit for all of them, where a
/// fsync per file costs one each), a fsync per file elsewhere.
fn wait_for_writeback(root: &Path, pending: &[Pending]) -> Result<(), ApiError> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let handle = File::open(root).map_err(|e| io_error(root, "cannot open", e))?;
        // SAFETY: a plain system call on a descriptor open for its duration.
        if unsafe { libc::syncfs(handle.as_raw_fd()) } == 0 {
            return Ok(());
        }
        // A filesystem that cannot (or will not) sync as a whole falls back to per-file syncs.
    }
    let _ = root;
    for Pending { temp, dest } in pending {
        File::open(temp)
            .and_then(|file| file.sync_all())
            .map_err(|e| io_error(dest, "cannot sync", e))?;
    }
    Ok(())
}

/// Everything earlier exports into `root` listed: the files of their klikt
/// manifest, plus what an earlier interrupted run had already collected.
/// Kept durably in [`SUPERSEDED`] before the caller removes the old manifest.
fn supersede_earlier_exports(root: &Path) -> Result<Vec<String>, ApiError> {
    let mut listed: std::collections::BTreeSet<String> = std::fs::read(root.join(SUPERSEDED))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Vec<String>>(&bytes).ok())
        .unwrap_or_default()
        .into_iter()
        .collect();
    // Only a klikt manifest counts: a folder may hold another tool's
    // manifest or SHA256SUMS, and nothing they list is ours to remove.
    let manifest = std::fs::read(root.join(super::manifest::MANIFEST))
        .ok()
        .and_then(|bytes| super::manifest::parse(&bytes, root).ok());
    if let Some(manifest) = manifest {
        listed.extend(manifest.listed(None).into_keys());
    }
    if listed.is_empty() {
        return Ok(Vec::new());
    }
    let listed: Vec<String> = listed.into_iter().collect();
    let json = serde_json::to_vec(&listed)
        .map_err(|e| ApiError::Internal(format!("listing the earlier export: {e}")))?;
    let path = root.join(SUPERSEDED);
    let temp = root.join(format!("{PARTIAL_PREFIX}superseded"));
    write_atomically(&temp, &path, |temp| create_with(temp, &json))?;
    sync_dir(root);
    Ok(listed)
}

/// Removes files an interrupted export left half-written.
fn remove_partials(root: &Path) {
    for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
        let partial = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(PARTIAL_PREFIX));
        if partial && entry.file_type().is_file() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Makes renames in `dir` durable (no-op where directories cannot be opened).
fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zip_of_more_than_65535_entries_is_zip64_and_passes_unzip_t() {
        let dir = tempfile::tempdir().expect("temp dir");
        let to = dir.path().join("many.zip");
        let mut sink = Sink::open(&to, true).expect("open");
        let count = 70_000;
        for index in 0..count {
            let body = format!("entry {index}\n");
            let sha = sha256_bytes(body.as_bytes());
            sink.put_bytes(
                &format!("d{}/{index}.txt", index % 100),
                body.as_bytes(),
                &sha,
                false,
            )
            .expect("put");
        }
        sink.finish().expect("finish");
        let tested = std::process::Command::new("unzip")
            .args(["-tqq"])
            .arg(&to)
            .status()
            .expect("unzip (apt install unzip)");
        assert!(tested.success(), "unzip -t accepts {count} entries");
        let archive = zip::ZipArchive::new(File::open(&to).expect("zip")).expect("reads back");
        assert_eq!(archive.len(), count);
    }

    #[test]
    fn a_folder_names_its_copies_only_once_they_are_durable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = dir.path().join("original.jpg");
        std::fs::write(&source, b"jpeg bytes").expect("source");
        let sha = sha256_bytes(b"jpeg bytes");
        let out = dir.path().join("out");
        let mut sink = Sink::open(&out, false).expect("open");
        let put = sink
            .put_file("a/photo.jpg", &source, &sha, 10)
            .expect("put");
        assert_eq!(put, Put::Written);
        assert!(
            !out.join("a/photo.jpg").exists(),
            "no visible file before the seal"
        );
        sink.seal().expect("seal");
        assert_eq!(
            std::fs::read(out.join("a/photo.jpg")).expect("named"),
            b"jpeg bytes"
        );
        let left: Vec<_> = std::fs::read_dir(out.join("a"))
            .expect("folder")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("photo.jpg")],
            "no temporary left"
        );
        // After the seal a file is written and named at once.
        sink.put_bytes("SUMS", b"x", &sha256_bytes(b"x"), true)
            .expect("put after seal");
        assert!(out.join("SUMS").is_file());
        sink.finish().expect("finish");
    }

    #[test]
    fn an_abandoned_folder_export_keeps_its_copies_for_the_rerun() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        let mut sink = Sink::open(&out, false).expect("open");
        sink.put_bytes("one.jpg", b"1", &sha256_bytes(b"1"), false)
            .expect("put");
        sink.abandon();
        let mut again = Sink::open(&out, false).expect("reopen");
        let put = again
            .put_bytes("one.jpg", b"1", &sha256_bytes(b"1"), false)
            .expect("put again");
        assert_eq!(put, Put::AlreadyThere);
    }

    #[test]
    fn nothing_is_written_outside_the_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut sink = Sink::open(&dir.path().join("out"), false).expect("open");
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(
                sink.put_bytes(bad, b"x", &sha256_bytes(b"x"), false)
                    .is_err(),
                "{bad}"
            );
        }
        assert!(!dir.path().join("x").exists());
    }
}
