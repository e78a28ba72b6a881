//! The media store: originals addressed by SHA-256, renditions beside them.
//!
//! Layout: `store/ab/cd/<sha256>` is the original, `<sha256>.thumb.jpg` and
//! `<sha256>.display.jpg` its renditions, `store/tmp/` holds files being
//! written, and `store/downloads/<sha256>.part` holds originals being
//! downloaded (kept across runs so a pull resumes them; never visible as
//! media until verified and renamed into place). Every file reaches its final name through
//! write-to-temp → fsync → rename, so a crash never leaves a partial file
//! under a final name. The renames become durable when the shard folder is
//! fsynced: callers call [`Store::sync_folders`] for the items of a batch and
//! only then commit their rows (one folder fsync per shard and batch instead
//! of one per file).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{LibraryError, Result};

/// Which file of an item in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Original,
    Thumbnail,
    Display,
}

impl FileKind {
    fn suffix(self) -> &'static str {
        match self {
            FileKind::Original => "",
            FileKind::Thumbnail => ".thumb.jpg",
            FileKind::Display => ".display.jpg",
        }
    }
}

/// A validated lowercase hex SHA-256, safe to use as a file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Hex(String);

impl Sha256Hex {
    pub fn parse(text: &str) -> Result<Self> {
        let ok = text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(Sha256Hex(text.to_owned()))
        } else {
            Err(LibraryError::Invalid(format!(
                "{text:?} is not a lowercase hex SHA-256"
            )))
        }
    }

    pub fn from_digest(digest: &[u8]) -> Self {
        let mut hex = String::with_capacity(64);
        for byte in digest {
            hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
            hex.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
        }
        Sha256Hex(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    tmp: PathBuf,
    downloads: PathBuf,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Store {
    pub fn open(root: PathBuf) -> Result<Self> {
        let tmp = root.join("tmp");
        let downloads = root.join("downloads");
        for dir in [&tmp, &downloads] {
            fs::create_dir_all(dir).map_err(|source| LibraryError::Folder {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(Store {
            root,
            tmp,
            downloads,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, sha: &Sha256Hex, kind: FileKind) -> PathBuf {
        let hex = sha.as_str();
        self.root
            .join(&hex[0..2])
            .join(&hex[2..4])
            .join(format!("{hex}{}", kind.suffix()))
    }

    pub fn exists(&self, sha: &Sha256Hex, kind: FileKind) -> bool {
        self.path(sha, kind).is_file()
    }

    /// A fresh temp file name inside the store (same filesystem, so rename is atomic).
    pub fn temp_path(&self) -> PathBuf {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        self.tmp.join(format!("{}-{n}.part", std::process::id()))
    }

    /// Where the original `sha` is downloaded to before it is verified. The
    /// name is stable so that an interrupted download resumes.
    pub fn download_path(&self, sha: &Sha256Hex) -> PathBuf {
        self.downloads.join(format!("{}.part", sha.as_str()))
    }

    /// Removes partial downloads nobody waits for any more; returns how many.
    pub fn prune_downloads(&self, wanted: &HashSet<String>) -> Result<usize> {
        let mut removed = 0;
        for path in read_dir(&self.downloads)? {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let sha = name.strip_suffix(".part").unwrap_or("");
            if !wanted.contains(sha) {
                remove_counted(&path, &mut removed)?;
            }
        }
        Ok(removed)
    }

    /// Writes `bytes` as the `kind` file of `sha`, durably and atomically.
    pub fn put_bytes(&self, sha: &Sha256Hex, kind: FileKind, bytes: &[u8]) -> Result<PathBuf> {
        self.put_reader(sha, kind, &mut &bytes[..])
    }

    /// Copies a stream into the store as the `kind` file of `sha`, durably and
    /// atomically. That the bytes really hash to `sha` is the caller's job.
    pub fn put_reader(
        &self,
        sha: &Sha256Hex,
        kind: FileKind,
        reader: &mut dyn Read,
    ) -> Result<PathBuf> {
        let temp = self.temp_path();
        let written = File::create(&temp)
            .and_then(|mut file| {
                io::copy(reader, &mut file)?;
                file.sync_all()
            })
            .map_err(|source| LibraryError::Store {
                path: temp.clone(),
                source,
            });
        if let Err(err) = written {
            let _ = fs::remove_file(&temp);
            return Err(err);
        }
        self.commit_temp(&temp, sha, kind)
    }

    /// Moves an already fsynced temp file (from [`Store::temp_path`]) to its final name.
    pub fn commit_temp(&self, temp: &Path, sha: &Sha256Hex, kind: FileKind) -> Result<PathBuf> {
        let target = self.path(sha, kind);
        let parent = target.parent().unwrap_or(&self.root).to_path_buf();
        let store_err = |source| LibraryError::Store {
            path: target.clone(),
            source,
        };
        fs::create_dir_all(&parent).map_err(store_err)?;
        if let Err(source) = fs::rename(temp, &target) {
            let _ = fs::remove_file(temp);
            return Err(store_err(source));
        }
        Ok(target)
    }

    /// Makes the renames of these items' files durable (fsync of their shard
    /// folders, each once). Call before committing rows that refer to them.
    pub fn sync_folders<'a>(&self, shas: impl IntoIterator<Item = &'a Sha256Hex>) -> Result<()> {
        let mut folders = HashSet::new();
        for sha in shas {
            let path = self.path(sha, FileKind::Original);
            if let Some(parent) = path.parent() {
                folders.insert(parent.to_path_buf());
            }
        }
        for folder in folders {
            File::open(&folder)
                .and_then(|dir| dir.sync_all())
                .map_err(|source| LibraryError::Store {
                    path: folder.clone(),
                    source,
                })?;
        }
        Ok(())
    }

    /// Removes every file of `sha` (original, renditions, a partial
    /// download). Missing files are fine.
    pub fn remove_all(&self, sha: &Sha256Hex) -> Result<()> {
        let files = [FileKind::Original, FileKind::Thumbnail, FileKind::Display]
            .map(|kind| self.path(sha, kind));
        for path in files.into_iter().chain([self.download_path(sha)]) {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(LibraryError::Store { path, source }),
            }
        }
        Ok(())
    }

    /// Deletes leftovers of interrupted writes and files no row refers to.
    /// Only safe while no other process writes to this library (the caller
    /// holds the library's exclusive lock).
    pub fn sweep(&self, referenced: &HashSet<String>) -> Result<SweepReport> {
        let mut report = SweepReport::default();
        for entry in read_dir(&self.tmp)? {
            remove_counted(&entry, &mut report.partial_files)?;
        }
        for shard1 in read_dir(&self.root)? {
            if shard1 == self.tmp || shard1 == self.downloads || !shard1.is_dir() {
                continue;
            }
            for shard2 in read_dir(&shard1)? {
                if !shard2.is_dir() {
                    continue;
                }
                for file in read_dir(&shard2)? {
                    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    let sha = name.split('.').next().unwrap_or("");
                    if !referenced.contains(sha) {
                        remove_counted(&file, &mut report.orphan_files)?;
                    }
                }
            }
        }
        Ok(report)
    }
}

/// What a sweep removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub partial_files: usize,
    pub orphan_files: usize,
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(LibraryError::Store {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| LibraryError::Store {
            path: dir.to_path_buf(),
            source,
        })?;
        paths.push(entry.path());
    }
    Ok(paths)
}

fn remove_counted(path: &Path, counter: &mut usize) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => {
            *counter += 1;
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(LibraryError::Store {
            path: path.to_path_buf(),
            source,
        }),
    }
}
