//! `manifest.json` and `SHA256SUMS`: what an export holds, written last so a
//! folder without them is visibly unfinished, and read back by `verify`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::types::{ExportLayout, ExportSelection};
use crate::ApiError;

/// The manifest's `format`; `verify` refuses others.
pub const FORMAT: &str = "klikt-export/1";
pub const MANIFEST: &str = "manifest.json";
pub const SUMS: &str = "SHA256SUMS";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub event: ManifestEvent,
    pub exported_at: String,
    pub selection: ExportSelection,
    pub template: String,
    pub layout: ExportLayout,
    pub strip_location: bool,
    pub items: Vec<ManifestItem>,
    pub messages: u64,
    /// Every other file: messages, the gallery.
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEvent {
    pub id: i64,
    pub name: String,
    pub remote_id: Option<String>,
    pub server_url: Option<String>,
    pub plan: Option<String>,
    /// When guests could no longer upload.
    pub expires_at: Option<String>,
    /// When the service deletes the originals.
    pub backup_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestItem {
    /// Where it is in the export, `/`-separated.
    pub path: String,
    pub media_id: i64,
    pub kind: String,
    pub mime: String,
    pub original_name: String,
    pub uploader: Option<String>,
    pub caption: Option<String>,
    pub captured_at: Option<String>,
    pub uploaded_at: Option<String>,
    pub imported_at: String,
    pub status: String,
    pub flag: String,
    pub rating: u8,
    pub favorite: bool,
    pub collections: Vec<String>,
    /// Of the file in the export (differs from the library's original when
    /// the location was removed).
    pub sha256: String,
    pub size: u64,
    /// The library original's SHA-256 (the same as `sha256` unless changed).
    pub original_sha256: String,
    pub location_removed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

impl Manifest {
    /// Every file the export lists, path → SHA-256: the manifest's items and
    /// files, and what `SHA256SUMS` adds (the manifest itself).
    pub fn listed(&self, sums: Option<&str>) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for item in &self.items {
            out.insert(item.path.clone(), item.sha256.clone());
        }
        for file in &self.files {
            out.insert(file.path.clone(), file.sha256.clone());
        }
        for (path, sha) in sums.map(parse_sums).unwrap_or_default() {
            out.entry(path).or_insert(sha);
        }
        out
    }
}

/// Reads a `manifest.json` found at `from`, refusing anything but a Klikt
/// manifest of this format.
pub fn parse(bytes: &[u8], from: &Path) -> Result<Manifest, ApiError> {
    let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::InvalidInput(format!(
            "{}: manifest.json is not a Klikt manifest ({e})",
            from.display()
        ))
    })?;
    if manifest.format != FORMAT {
        return Err(ApiError::InvalidInput(format!(
            "{}: unknown export format {:?}",
            from.display(),
            manifest.format
        )));
    }
    Ok(manifest)
}

/// `SHA256SUMS` in the `sha256sum` format (`sha256sum -c` checks it).
pub fn sums(entries: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (path, sha) in entries {
        out.push_str(sha);
        out.push_str("  ");
        out.push_str(path);
        out.push('\n');
    }
    out
}

/// Reads `SHA256SUMS`: (path, sha) pairs; lines that do not parse are skipped.
pub fn parse_sums(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let (sha, path) = line.split_once("  ").or_else(|| line.split_once(" *"))?;
            (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| (path.to_owned(), sha.to_ascii_lowercase()))
        })
        .collect()
}
