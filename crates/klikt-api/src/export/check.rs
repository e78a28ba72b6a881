//! Whether a library original still holds the bytes it came in with,
//! checked before an export copies it, so a damaged original (bit rot, a bad
//! disk, a hand edit) becomes a failed item, never a silent bad copy.
//!
//! The check uses the original's BLAKE3, recorded as it entered the store
//! (schema 8): it runs several times faster than SHA-256, fast enough to
//! keep up with the kernel's copy on a second thread. Rows from before have
//! only their SHA-256, and are checked with that.

use std::path::Path;

use klikt_library::tables::media::MediaRecord;

use crate::ApiError;

/// A hash that did not come out as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mismatch {
    pub algorithm: &'static str,
    pub found: String,
    pub expected: String,
}

impl Mismatch {
    pub fn sha256(found: &str, expected: &str) -> Mismatch {
        Mismatch {
            algorithm: "SHA-256",
            found: found.to_owned(),
            expected: expected.to_owned(),
        }
    }
}

/// Hashes the original at `path` by the best fingerprint `record` has:
/// `Ok(None)` when it matches, the mismatch otherwise.
pub(super) fn original(path: &Path, record: &MediaRecord) -> std::io::Result<Option<Mismatch>> {
    compare(
        record,
        || crate::ingest::blake3_file(path),
        || super::sink::sha256_file(path),
    )
}

/// The same check of an original already read whole (a location-free copy
/// is made from these bytes).
pub(super) fn bytes(bytes: &[u8], record: &MediaRecord) -> Option<Mismatch> {
    let checked = compare::<std::convert::Infallible>(
        record,
        || Ok(crate::ingest::blake3_bytes(bytes)),
        || Ok(super::sink::sha256_bytes(bytes)),
    );
    match checked {
        Ok(mismatch) => mismatch,
    }
}

/// Computes the fingerprint `record` is checked by (its BLAKE3, else its
/// SHA-256) and compares it.
fn compare<E>(
    record: &MediaRecord,
    blake3: impl FnOnce() -> Result<String, E>,
    sha256: impl FnOnce() -> Result<String, E>,
) -> Result<Option<Mismatch>, E> {
    let (algorithm, found, expected) = match &record.blake3 {
        Some(expected) => ("BLAKE3", blake3()?, expected),
        None => ("SHA-256", sha256()?, &record.sha256),
    };
    Ok((!found.eq_ignore_ascii_case(expected)).then(|| Mismatch {
        algorithm,
        found,
        expected: expected.clone(),
    }))
}

/// The failure of an item whose original is damaged; names the file, the
/// SHA-256 the item is known by, and what the check found.
pub(super) fn damaged(source: &Path, sha256: &str, mismatch: &Mismatch) -> ApiError {
    ApiError::Export(format!(
        "the library's copy of {} (SHA-256 {sha256}) is damaged: its {} is {}, it was {} when it came in",
        source.display(),
        mismatch.algorithm,
        mismatch.found,
        mismatch.expected
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(bytes: &[u8], blake3: bool) -> MediaRecord {
        MediaRecord {
            event_id: 1,
            remote_id: None,
            remote_version: None,
            kind: klikt_library::MediaKind::Photo,
            mime: "image/jpeg".into(),
            original_name: "a.jpg".into(),
            uploader: None,
            caption: None,
            uploaded_at: None,
            captured_at: None,
            imported_at: "2026-12-07T00:00:00Z".into(),
            width: None,
            height: None,
            orientation: 1,
            camera_make: None,
            camera_model: None,
            gps_lat: None,
            gps_lon: None,
            size: bytes.len() as i64,
            sha256: super::super::sink::sha256_bytes(bytes),
            blake3: blake3.then(|| crate::ingest::blake3_bytes(bytes)),
            status: klikt_library::Status::Approved,
            preview: klikt_library::Preview::Ready,
            has_thumbnail: false,
            has_display: false,
        }
    }

    #[test]
    fn an_intact_original_passes_by_blake3_and_by_sha256_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("original");
        std::fs::write(&path, b"the bytes as they came in").expect("write");
        for with_blake3 in [true, false] {
            let row = record(b"the bytes as they came in", with_blake3);
            assert_eq!(original(&path, &row).expect("readable"), None);
            assert_eq!(bytes(b"the bytes as they came in", &row), None);
        }
    }

    #[test]
    fn a_changed_byte_is_found_by_either_fingerprint_and_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("original");
        std::fs::write(&path, b"the bytes as they came iN").expect("write");
        for (with_blake3, algorithm) in [(true, "BLAKE3"), (false, "SHA-256")] {
            let row = record(b"the bytes as they came in", with_blake3);
            let mismatch = original(&path, &row)
                .expect("readable")
                .expect("the change is found");
            assert_eq!(mismatch.algorithm, algorithm);
            assert_eq!(
                bytes(b"the bytes as they came iN", &row),
                Some(mismatch.clone())
            );
            let message = damaged(&path, &row.sha256, &mismatch).to_string();
            assert!(
                message.contains(&row.sha256) && message.contains(algorithm),
                "{message}"
            );
        }
    }
}
