//! Turning the paths a user gave into a list of files to import: plain
//! files, folders (recursively) and ZIP archives (recognised by content).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::dto::Rejection;

/// One file to import.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// How the user knows it, for messages: a path, or `archive.zip › dir/photo.jpg`.
    pub label: String,
    /// The file name the guest or camera gave it (untrusted text, never a path).
    pub original_name: String,
    pub location: Location,
    pub size: u64,
}

#[derive(Debug, Clone)]
pub(crate) enum Location {
    File(PathBuf),
    ZipEntry { archive: PathBuf, index: usize },
}

const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8; 4] = b"PK\x05\x06";

/// Expands `paths` in the order given; within a folder, files in name order.
pub(crate) fn collect(paths: &[PathBuf]) -> (Vec<Candidate>, Vec<Rejection>) {
    let mut found = Vec::new();
    let mut rejected = Vec::new();
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                rejected.push(reject(path, format!("cannot read it: {e}")));
                continue;
            }
        };
        if meta.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name();
            for entry in walker {
                match entry {
                    Ok(entry) if entry.file_type().is_file() => {
                        add_file(entry.path(), &mut found, &mut rejected);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let at = e.path().unwrap_or(path).to_path_buf();
                        rejected.push(reject(&at, format!("cannot read it: {e}")));
                    }
                }
            }
        } else {
            add_file(path, &mut found, &mut rejected);
        }
    }
    (found, rejected)
}

fn add_file(path: &Path, found: &mut Vec<Candidate>, rejected: &mut Vec<Rejection>) {
    let mut head = [0u8; 4];
    let is_zip = File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|()| &head == ZIP_MAGIC || &head == EMPTY_ZIP_MAGIC)
        .unwrap_or(false);
    if is_zip {
        add_archive(path, found, rejected);
        return;
    }
    match std::fs::metadata(path) {
        Ok(meta) => found.push(Candidate {
            label: path.display().to_string(),
            original_name: file_name_of(&path.to_string_lossy()),
            location: Location::File(path.to_path_buf()),
            size: meta.len(),
        }),
        Err(e) => rejected.push(reject(path, format!("cannot read it: {e}"))),
    }
}

fn add_archive(path: &Path, found: &mut Vec<Candidate>, rejected: &mut Vec<Rejection>) {
    let archive = match File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| zip::ZipArchive::new(f).map_err(|e| e.to_string()))
    {
        Ok(archive) => archive,
        Err(reason) => {
            rejected.push(reject(
                path,
                format!("not a readable ZIP archive: {reason}"),
            ));
            return;
        }
    };
    let mut archive = archive;
    for index in 0..archive.len() {
        let entry = match archive.by_index_raw(index) {
            Ok(entry) => entry,
            Err(e) => {
                rejected.push(Rejection {
                    name: format!("{} › entry {index}", path.display()),
                    reason: format!("unreadable ZIP entry: {e}"),
                });
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        // Raw bytes, lossily decoded: guest archives use any encoding, and the
        // name is only ever shown, never used as a path.
        let inner = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let original_name = file_name_of(&inner);
        // macOS adds resource forks that are not media.
        if inner.starts_with("__MACOSX/") || original_name.starts_with("._") {
            continue;
        }
        found.push(Candidate {
            label: format!("{} › {inner}", path.display()),
            original_name,
            location: Location::ZipEntry {
                archive: path.to_path_buf(),
                index,
            },
            size: entry.size(),
        });
    }
}

/// The last component of a name that may use `/` or `\` as separators,
/// without control characters.
pub(crate) fn file_name_of(name: &str) -> String {
    let last = name
        .rsplit(['/', '\\'])
        .find(|part| !part.is_empty())
        .unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    if clean.is_empty() {
        "unnamed".to_owned()
    } else {
        clean
    }
}

fn reject(path: &Path, reason: String) -> Rejection {
    Rejection {
        name: path.display().to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::file_name_of;

    #[test]
    fn file_name_of_keeps_only_the_last_component_without_controls() {
        assert_eq!(file_name_of("a/b/c.jpg"), "c.jpg");
        assert_eq!(file_name_of("..\\..\\evil.jpg"), "evil.jpg");
        assert_eq!(file_name_of("dir/"), "dir");
        assert_eq!(file_name_of("bad\u{7}name.jpg"), "badname.jpg");
        assert_eq!(file_name_of(""), "unnamed");
    }
}
