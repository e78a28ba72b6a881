//! Where exported bytes go: a folder (each file through a temporary name,
//! fsynced, then renamed; a file already there with the right hash is kept)
//! or a ZIP file (streamed into `NAME.zip.partial`, renamed to `NAME.zip`
//! only once complete; ZIP64 when needed; media stored, text deflated).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::ApiError;

/// Prefix of a folder export's files being written.
const PARTIAL_PREFIX: &str = ".klikt-partial-";

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    Written,
    /// Already in the folder with the expected hash (a resumed export).
    AlreadyThere,
}

pub enum Sink {
    Folder {
        root: PathBuf,
        /// Folders with new files, synced at the end so the renames last.
        touched: std::collections::BTreeSet<PathBuf>,
    },
    Zip(Box<ZipSink>),
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
            // The old manifest would make a half-redone export look complete.
            for name in [super::manifest::MANIFEST, super::manifest::SUMS] {
                let _ = std::fs::remove_file(to.join(name));
            }
            return Ok(Sink::Folder {
                root: to.to_path_buf(),
                touched: std::collections::BTreeSet::new(),
            });
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
            Sink::Folder { root, touched } => {
                let dest = inside(root, relative)?;
                if already_there(&dest, expected, size) {
                    return Ok(Put::AlreadyThere);
                }
                // The kernel copies (copy_file_range, reflinks where the disk
                // has them); the library's original was hashed when it came in.
                write_atomically(&dest, |temp| std::fs::copy(source, temp).map(|_| ()))?;
                touched.extend(dest.parent().map(Path::to_path_buf));
                Ok(Put::Written)
            }
            Sink::Zip(zip) => {
                let mut file =
                    File::open(source).map_err(|e| io_error(source, "cannot read", e))?;
                zip.start(relative, size, CompressionMethod::Stored)?;
                let copied = copy_hashing(&mut file, &mut zip.writer);
                match copied {
                    Ok((sha, _)) if sha == expected => Ok(Put::Written),
                    Ok((sha, _)) => {
                        let _ = zip.writer.abort_file();
                        Err(ApiError::Export(format!(
                            "the library's copy of {} is damaged (SHA-256 {sha}, expected {expected})",
                            source.display()
                        )))
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
            Sink::Folder { root, touched } => {
                let dest = inside(root, relative)?;
                if already_there(&dest, sha, bytes.len() as u64) {
                    return Ok(Put::AlreadyThere);
                }
                write_atomically(&dest, |temp| std::fs::write(temp, bytes))?;
                touched.extend(dest.parent().map(Path::to_path_buf));
                Ok(Put::Written)
            }
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

    /// Makes the export durable and complete: the folder synced, or the ZIP
    /// finished, synced and renamed to its final name.
    pub fn finish(self) -> Result<(), ApiError> {
        match self {
            Sink::Folder { root, touched } => {
                for dir in &touched {
                    sync_dir(dir);
                }
                sync_dir(&root);
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

    /// Drops an unfinished ZIP (a cancelled or failed export leaves no file
    /// that looks like an archive).
    pub fn abandon(self) {
        if let Sink::Zip(zip) = self {
            let partial = zip.partial.clone();
            drop(zip);
            let _ = std::fs::remove_file(partial);
        }
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

/// Writes through `.klikt-partial-NAME` beside `dest`, fsyncs, renames.
fn write_atomically(
    dest: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), ApiError> {
    let parent = dest
        .parent()
        .ok_or_else(|| ApiError::Internal(format!("no folder for {}", dest.display())))?;
    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "cannot create", e))?;
    let name = dest
        .file_name()
        .ok_or_else(|| ApiError::Internal(format!("no file name in {}", dest.display())))?;
    // Named after a hash of the final name: a guest's 255-byte name plus the
    // prefix would not fit in a file name.
    let tag = sha256_bytes(name.as_encoded_bytes());
    let temp = parent.join(format!("{PARTIAL_PREFIX}{}", &tag[..16]));
    let result = write(&temp)
        .and_then(|()| File::open(&temp)?.sync_all())
        .and_then(|()| std::fs::rename(&temp, dest));
    if let Err(err) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(io_error(dest, "cannot write", err));
    }
    Ok(())
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
