//! Removing the location from JPEG copies, over every JPEG in the corpus.

mod common;

use std::path::PathBuf;

use klikt_media::{read_metadata, strip_location};

fn corpus_jpegs() -> Vec<PathBuf> {
    walk(&common::corpus().join("jpg"))
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("corpus folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"))
        {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn every_corpus_photo_with_a_location_loses_it_and_keeps_everything_else() {
    let mut with_gps = 0;
    for path in corpus_jpegs() {
        let bytes = std::fs::read(&path).expect("read");
        let before = read_metadata(&bytes);
        let Ok((stripped, found)) = strip_location(&bytes) else {
            // Broken files are refused, never passed on with their GPS.
            continue;
        };
        assert_eq!(
            stripped.len(),
            bytes.len(),
            "{}: no byte moves",
            path.display()
        );
        let after = read_metadata(&stripped);
        assert_eq!(after.gps_lat, None, "{}: latitude gone", path.display());
        assert_eq!(after.gps_lon, None, "{}: longitude gone", path.display());
        if before.gps_lat.is_some() {
            with_gps += 1;
            assert!(found, "{}: reported as having a location", path.display());
        }
        // What a guest or organizer cares about besides location is intact.
        assert_eq!(after.orientation, before.orientation, "{}", path.display());
        if !found {
            // (With GPS, the capture time may have come from the GPS clock, which goes too.)
            assert_eq!(after.captured_at, before.captured_at, "{}", path.display());
        }
        assert_eq!(
            after.camera_model,
            before.camera_model,
            "{}",
            path.display()
        );
        // Only metadata segments changed: the image data is untouched.
        let app1 = app1_ranges(&bytes);
        let outside = (0..bytes.len())
            .filter(|&i| stripped[i] != bytes[i])
            .find(|i| !app1.iter().any(|r| r.contains(i)));
        assert_eq!(
            outside,
            None,
            "{}: a byte outside APP1 changed",
            path.display()
        );
    }
    assert!(
        with_gps >= 3,
        "the corpus has photos with GPS to test ({with_gps})"
    );
}

#[test]
fn a_photo_without_a_location_comes_back_unchanged() {
    let bytes = common::corpus_bytes("jpg/orientation/landscape_1.jpg");
    assert_eq!(read_metadata(&bytes).gps_lat, None);
    let (stripped, found) = strip_location(&bytes).expect("a JPEG");
    assert!(!found);
    assert_eq!(stripped, bytes);
}

/// Where the APP1 (EXIF, XMP) segments are, up to the image data.
fn app1_ranges(jpeg: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF && !matches!(jpeg[at + 1], 0xDA | 0xD9) {
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        if jpeg[at + 1] == 0xE1 {
            out.push(at..at + 2 + length);
        }
        at += 2 + length;
    }
    out
}
