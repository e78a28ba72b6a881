//! EXIF values read from real camera files match what exiftool 12.57
//! reports for them (looked up once, hard-coded here).

mod common;

use klikt_media::{read_metadata, Metadata};

fn metadata(relative: &str) -> Metadata {
    read_metadata(&common::corpus_bytes(relative))
}

fn assert_close(actual: Option<f64>, expected: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what} must be present"));
    assert!(
        (actual - expected).abs() < 1e-6,
        "{what}: expected {expected}, got {actual}"
    );
}

#[test]
fn canon_40d_make_model_and_date() {
    let m = metadata("jpg/Canon_40D.jpg");
    assert_eq!(m.camera_make.as_deref(), Some("Canon"), "IFD0 Make");
    assert_eq!(
        m.camera_model.as_deref(),
        Some("Canon EOS 40D"),
        "IFD0 Model"
    );
    assert_eq!(
        m.captured_at.as_deref(),
        Some("2008-05-30T15:56:01"),
        "DateTimeOriginal as ISO 8601, no offset recorded"
    );
    assert_eq!(m.orientation, 1, "stored upright");
    assert_eq!((m.gps_lat, m.gps_lon), (None, None), "no GPS IFD");
}

#[test]
fn nikon_d70_make_model_and_date() {
    let m = metadata("jpg/Nikon_D70.jpg");
    assert_eq!(
        m.camera_make.as_deref(),
        Some("NIKON CORPORATION"),
        "IFD0 Make"
    );
    assert_eq!(m.camera_model.as_deref(), Some("NIKON D70"), "IFD0 Model");
    assert_eq!(
        m.captured_at.as_deref(),
        Some("2008-03-15T09:52:01"),
        "DateTimeOriginal"
    );
}

#[test]
fn kodak_gps_south_of_the_equator_is_negative() {
    let m = metadata("jpg/Kodak_CX7530.jpg");
    assert_eq!(
        m.camera_make.as_deref(),
        Some("EASTMAN KODAK COMPANY"),
        "IFD0 Make"
    );
    assert_close(m.gps_lat, -0.3713, "latitude with ref S");
    assert_close(m.gps_lon, 36.056_416_666_666_7, "longitude with ref E");
}

#[test]
fn iphone_gps_west_of_greenwich_is_negative() {
    let m = metadata("jpg/hdr/iphone_hdr_NO.jpg");
    assert_eq!(m.camera_make.as_deref(), Some("Apple"), "IFD0 Make");
    assert_eq!(m.camera_model.as_deref(), Some("iPhone 6"), "IFD0 Model");
    assert_close(m.gps_lat, 40.446_972_222_222_2, "latitude with ref N");
    assert_close(m.gps_lon, -3.724_752_777_777_78, "longitude with ref W");
}

#[test]
fn nokia_capture_time_carries_its_utc_offset() {
    let m = metadata("jpg/mobile/HMD_Nokia_8.3_5G.jpg");
    assert_eq!(
        m.captured_at.as_deref(),
        Some("2022-08-14T14:12:31+03:00"),
        "OffsetTimeOriginal must be appended to DateTimeOriginal"
    );
    assert_eq!(
        m.camera_model.as_deref(),
        Some("Nokia 8.3 5G"),
        "IFD0 Model"
    );
    assert_close(m.gps_lat, 60.146_705_555_555_6, "latitude");
    assert_close(m.gps_lon, 24.906_772_222_222_2, "longitude");
}

#[test]
fn missing_date_original_falls_back_to_date_time() {
    let m = metadata("jpg/tests/67-0_length_string.jpg");
    assert_eq!(
        m.captured_at.as_deref(),
        Some("2016-09-12T10:05:31"),
        "with no DateTimeOriginal/Digitized, IFD0 DateTime is the best capture time"
    );
    assert_eq!(m.camera_make.as_deref(), Some("samsung"), "IFD0 Make");
    assert_close(m.gps_lat, 51.025, "latitude");
    assert_close(m.gps_lon, 7.591_944_444_444_44, "longitude");
}

#[test]
fn gps_ifd_without_coordinates_gives_no_position() {
    let m = metadata("jpg/tests/45-gps_ifd.jpg");
    assert_eq!(
        (m.gps_lat, m.gps_lon),
        (None, None),
        "a GPS IFD without lat/lon is no position"
    );
    assert_eq!(
        m.camera_model.as_deref(),
        Some("Gran Turismo 5"),
        "IFD0 Model"
    );
}

#[test]
fn rotated_canon_reports_orientation_six() {
    let m = metadata("jpg/hdr/canon_hdr_NO.jpg");
    assert_eq!(
        m.orientation, 6,
        "stored sideways, must be turned a quarter clockwise"
    );
    assert_eq!(
        m.captured_at.as_deref(),
        Some("2015-02-09T22:47:44"),
        "DateTimeOriginal"
    );
}

#[test]
fn orientation_files_report_their_own_value() {
    for n in 1..=8u16 {
        let m = metadata(&format!("jpg/orientation/landscape_{n}.jpg"));
        assert_eq!(
            m.orientation, n,
            "landscape_{n}.jpg is stored with orientation {n}"
        );
    }
}

#[test]
fn files_without_camera_exif_give_defaults() {
    let m = metadata("jpg/PaintTool_sample.jpg");
    assert_eq!(m.camera_make, None, "a paint program writes no Make");
    assert_eq!(m.captured_at, None, "no EXIF date at all");
    assert_eq!(m.orientation, 1, "explicitly upright");

    // Despite its name this Photoshop export has an IFD0 with only DateTime;
    // its XMP CreateDate is not read.
    let m = metadata("jpg/xmp/no_exif.jpg");
    assert_eq!(m.camera_make, None, "no Make in IFD0");
    assert_eq!(
        m.captured_at.as_deref(),
        Some("2014-09-22T10:56:35"),
        "DateTime is the last fallback for the capture time"
    );
}

#[test]
fn heic_exif_is_read_from_the_heif_container() {
    let m = metadata("heic/IMG_5195.HEIC");
    assert_eq!(
        m.camera_make.as_deref(),
        Some("Apple"),
        "EXIF item inside the HEIF"
    );
    assert_eq!(
        m.camera_model.as_deref(),
        Some("iPhone 11 Pro Max"),
        "EXIF Model"
    );
    assert_eq!(
        m.captured_at.as_deref(),
        Some("2021-04-11T15:47:53-05:00"),
        "DateTimeOriginal with OffsetTimeOriginal"
    );
    assert_close(m.gps_lat, 39.051_344_444_444_4, "latitude with ref N");
    assert_close(m.gps_lon, -94.288_772_222_222_2, "longitude with ref W");
}
