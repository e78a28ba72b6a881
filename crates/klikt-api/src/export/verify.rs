//! `verify`: re-hashes every file of an export (a folder or a ZIP) against
//! its manifest and `SHA256SUMS`, and names each missing or altered file.

use std::fs::File;
use std::io::Read;
use std::path::{Component, Path};

use klikt_library::tables::exports;

use super::manifest::{self, Manifest};
use super::sink::{copy_hashing, sha256_file};
use super::types::VerifyReport;
use crate::{now_iso, ApiError, Klikt};

/// A listed path made safe to open under the export (a hand-edited
/// manifest must not send verify elsewhere).
fn plain(relative: &str) -> bool {
    !relative.is_empty()
        && Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// What reading one listed file found.
enum Found {
    Missing,
    /// Its SHA-256.
    Hash(String),
    /// Unreadable past its start (bad CRC, truncated, an unsafe path).
    Damaged,
}

/// Checks every listed file with `read`; SHA256SUMS itself missing is reported.
fn check(
    path: &Path,
    manifest: &Manifest,
    sums: Option<&str>,
    mut read: impl FnMut(&str) -> Found,
) -> VerifyReport {
    let mut report = VerifyReport {
        path: path.to_path_buf(),
        event_name: manifest.event.name.clone(),
        checked: 0,
        missing: Vec::new(),
        altered: Vec::new(),
    };
    if sums.is_none() {
        report.missing.push(manifest::SUMS.to_owned());
    }
    for (name, sha) in manifest.listed(sums) {
        report.checked += 1;
        match read(&name) {
            Found::Hash(actual) if actual == sha => {}
            Found::Missing => report.missing.push(name),
            Found::Hash(_) | Found::Damaged => report.altered.push(name),
        }
    }
    report
}

fn verify_folder(root: &Path) -> Result<VerifyReport, ApiError> {
    let manifest_path = root.join(manifest::MANIFEST);
    let bytes = std::fs::read(&manifest_path).map_err(|e| {
        ApiError::InvalidInput(format!(
            "{} has no readable manifest.json ({e}): it is not a Klikt export, or the export did not finish",
            root.display()
        ))
    })?;
    let manifest = manifest::parse(&bytes, root)?;
    let sums = std::fs::read_to_string(root.join(manifest::SUMS)).ok();
    Ok(check(root, &manifest, sums.as_deref(), |name| {
        if !plain(name) {
            return Found::Damaged;
        }
        match sha256_file(&root.join(name)) {
            Ok(sha) => Found::Hash(sha),
            Err(_) => Found::Missing,
        }
    }))
}

fn verify_zip(path: &Path) -> Result<VerifyReport, ApiError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        ApiError::InvalidInput(format!(
            "{} is not a readable ZIP file: {e}",
            path.display()
        ))
    };
    let file = File::open(path).map_err(|e| unreadable(&e))?;
    let mut archive =
        zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| unreadable(&e))?;
    let mut read_entry = |name: &str| -> Option<Vec<u8>> {
        let mut entry = archive.by_name(name).ok()?;
        let mut out = Vec::new();
        entry.read_to_end(&mut out).ok()?;
        Some(out)
    };
    let manifest_bytes = read_entry(manifest::MANIFEST).ok_or_else(|| {
        ApiError::InvalidInput(format!(
            "{} has no manifest.json: it is not a Klikt export",
            path.display()
        ))
    })?;
    let manifest = manifest::parse(&manifest_bytes, path)?;
    let sums = read_entry(manifest::SUMS).and_then(|b| String::from_utf8(b).ok());
    Ok(check(path, &manifest, sums.as_deref(), |name| {
        let Ok(mut entry) = archive.by_name(name) else {
            return Found::Missing;
        };
        match copy_hashing(&mut entry, &mut std::io::sink()) {
            Ok((sha, _)) => Found::Hash(sha),
            Err(_) => Found::Damaged,
        }
    }))
}

impl Klikt {
    /// Re-hashes the export at `path` (a folder or a `.zip`). When every
    /// file is intact and the library remembers that export, it is marked
    /// verified (the forget confirmation reports it).
    pub fn verify_export(&self, path: &Path) -> Result<VerifyReport, ApiError> {
        let report = if path.is_dir() {
            verify_folder(path)?
        } else if path.is_file() {
            verify_zip(path)?
        } else {
            return Err(ApiError::NotFound(format!(
                "no export at {}",
                path.display()
            )));
        };
        if report.ok() {
            let destination = super::destination_key(path);
            self.library
                .write(|tx| exports::mark_verified(tx, &destination, &now_iso()))?;
        }
        Ok(report)
    }
}
