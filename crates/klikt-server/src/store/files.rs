//! Files of the data directory: originals named by their SHA-256
//! (`originals/ab/cd/<sha>`), previews beside them under `previews/`, and
//! `tmp/` where every file is written, fsynced and only then renamed into
//! place (so a crash never leaves a half file under a content address).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::error::{Result, ServerError};
use crate::ids;

/// Bytes kept of a file's start for content sniffing.
pub(crate) const HEAD_LEN: usize = klikt_media::sniff::SNIFF_LEN;
/// Temp files older than this are leftovers of a crash and swept on start.
const STALE_TEMP: Duration = Duration::from_secs(6 * 3600);

/// The file areas of one data directory.
#[derive(Debug, Clone)]
pub(crate) struct Files {
    root: PathBuf,
}

/// A file written to `tmp/` and hashed, not yet placed.
#[derive(Debug)]
pub(crate) struct StagedFile {
    pub(crate) temp: PathBuf,
    pub(crate) sha256: String,
    pub(crate) size: u64,
    /// The first bytes, for sniffing.
    pub(crate) head: Vec<u8>,
}

impl Files {
    pub(crate) fn open(root: &Path) -> Result<Files> {
        let files = Files {
            root: root.to_path_buf(),
        };
        for dir in ["originals", "previews", "tmp"] {
            let path = root.join(dir);
            std::fs::create_dir_all(&path)
                .map_err(|e| ServerError::io(format!("creating {}", path.display()), e))?;
        }
        Ok(files)
    }

    /// Where the original with this SHA-256 lives.
    pub(crate) fn original_path(&self, sha256: &str) -> PathBuf {
        shard(&self.root.join("originals"), sha256, "")
    }

    /// Where the preview of the original with this SHA-256 lives.
    pub(crate) fn preview_path(&self, sha256: &str) -> PathBuf {
        shard(&self.root.join("previews"), sha256, ".jpg")
    }

    /// A fresh, unused path in `tmp/`.
    pub(crate) fn temp_path(&self) -> PathBuf {
        self.root
            .join("tmp")
            .join(format!("{}.part", ids::base62(16)))
    }

    /// Removes temp files left by a crashed process (old ones only: another
    /// process may be writing a fresh one right now).
    pub(crate) fn sweep_stale_temps(&self) {
        let Ok(entries) = std::fs::read_dir(self.root.join("tmp")) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > STALE_TEMP);
            if stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Copies `source` into `tmp/`, hashing it on the way, and fsyncs it.
    pub(crate) fn stage_copy(&self, source: &Path) -> Result<StagedFile> {
        let io = |what: &str, e| ServerError::io(format!("{what} {}", source.display()), e);
        let mut input = File::open(source).map_err(|e| io("opening", e))?;
        let temp = self.temp_path();
        let mut writer = StagingWriter::create(temp)?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = input.read(&mut buf).map_err(|e| io("reading", e))?;
            if n == 0 {
                break;
            }
            writer.write(&buf[..n])?;
        }
        writer.finish()
    }

    /// Moves a staged file to its content address (dropping it if that
    /// content is already there) and makes the rename durable.
    pub(crate) fn place_original(&self, staged: &StagedFile) -> Result<()> {
        let target = self.original_path(&staged.sha256);
        place(&staged.temp, &target)
    }

    /// Writes a preview of the original `sha256`.
    pub(crate) fn write_preview(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let temp = self.temp_path();
        let mut writer = StagingWriter::create(temp)?;
        writer.write(bytes)?;
        let staged = writer.finish()?;
        place(&staged.temp, &self.preview_path(sha256))
    }

    /// Deletes an original and its preview (missing files are fine).
    pub(crate) fn remove_original(&self, sha256: &str) -> Result<()> {
        for path in [self.original_path(sha256), self.preview_path(sha256)] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(ServerError::io(format!("removing {}", path.display()), e)),
            }
        }
        Ok(())
    }
}

/// Writes a temp file while hashing it and keeping its head.
pub(crate) struct StagingWriter {
    temp: PathBuf,
    file: File,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

impl StagingWriter {
    pub(crate) fn create(temp: PathBuf) -> Result<StagingWriter> {
        let file = File::create(&temp)
            .map_err(|e| ServerError::io(format!("creating {}", temp.display()), e))?;
        Ok(StagingWriter {
            temp,
            file,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(HEAD_LEN),
        })
    }

    pub(crate) fn write(&mut self, chunk: &[u8]) -> Result<()> {
        if self.head.len() < HEAD_LEN {
            let take = (HEAD_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        self.file
            .write_all(chunk)
            .map_err(|e| ServerError::io(format!("writing {}", self.temp.display()), e))
    }

    /// Fsyncs the file and hands it over as staged.
    pub(crate) fn finish(self) -> Result<StagedFile> {
        self.file
            .sync_all()
            .map_err(|e| ServerError::io(format!("syncing {}", self.temp.display()), e))?;
        Ok(StagedFile {
            temp: self.temp,
            sha256: ids::hex(&self.hasher.finalize()),
            size: self.size,
            head: self.head,
        })
    }

    /// Drops the partial file.
    pub(crate) fn discard(self) {
        let _ = std::fs::remove_file(&self.temp);
    }
}

fn shard(base: &Path, sha256: &str, suffix: &str) -> PathBuf {
    let a = sha256.get(0..2).unwrap_or("xx");
    let b = sha256.get(2..4).unwrap_or("xx");
    base.join(a).join(b).join(format!("{sha256}{suffix}"))
}

fn place(temp: &Path, target: &Path) -> Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| ServerError::io(format!("creating {}", parent.display()), e))?;
    if target.exists() {
        // Same content already stored under its hash.
        let _ = std::fs::remove_file(temp);
        return Ok(());
    }
    std::fs::rename(temp, target).map_err(|e| {
        ServerError::io(
            format!("moving {} to {}", temp.display(), target.display()),
            e,
        )
    })?;
    // Make the rename itself durable.
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
    Ok(())
}
