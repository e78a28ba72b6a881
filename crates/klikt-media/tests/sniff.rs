//! Type sniffing goes by content: names and extensions are ignored.

mod common;

use klikt_media::{sniff, Format, MediaKind};

fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let size = 16 + 4 * compatible.len();
    let mut out = (size as u32).to_be_bytes().to_vec();
    out.extend_from_slice(b"ftyp");
    out.extend_from_slice(major);
    out.extend_from_slice(&[0, 0, 2, 0]);
    for brand in compatible {
        out.extend_from_slice(*brand);
    }
    out.resize(64, 0);
    out
}

#[test]
fn a_png_named_jpg_is_a_png() {
    let dir = tempfile::tempdir().expect("temp dir for the renamed file");
    let path = dir.path().join("holiday.jpg");
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4, 4)
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("encoding a 4×4 PNG");
    std::fs::write(&path, png.get_ref()).expect("writing the renamed file");
    let head = std::fs::read(&path).expect("reading it back");
    assert_eq!(
        sniff(&head),
        Some(Format::Png),
        "the .jpg name must not matter, the bytes are PNG"
    );
}

#[test]
fn random_and_empty_bytes_are_not_media() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut noise = vec![0u8; 64];
    for _ in 0..1000 {
        for b in noise.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
        assert_eq!(
            sniff(&noise),
            None,
            "random bytes {noise:02x?} must not pass as media"
        );
    }
    assert_eq!(sniff(&[]), None, "an empty file is not media");
    assert_eq!(sniff(b"%PDF-1.7"), None, "a PDF is not media");
}

/// Major brand, compatible brands, expected format, what the file is.
type BrandCase = (
    &'static [u8; 4],
    &'static [&'static [u8; 4]],
    Option<Format>,
    &'static str,
);

#[test]
fn ftyp_brands_decide_between_mp4_quicktime_and_heif() {
    let cases: [BrandCase; 10] = [
        (b"qt  ", &[b"qt  "], Some(Format::QuickTime), "iPhone .MOV"),
        (
            b"isom",
            &[b"isom", b"iso2", b"avc1", b"mp41"],
            Some(Format::Mp4),
            "ffmpeg MP4",
        ),
        (
            b"mp42",
            &[b"mp42", b"isom"],
            Some(Format::Mp4),
            "camera MP4",
        ),
        (
            b"3gp4",
            &[b"3gp4"],
            Some(Format::Mp4),
            "old phone 3GP video",
        ),
        (
            b"heic",
            &[b"mif1", b"heic"],
            Some(Format::Heif),
            "iPhone HEIC",
        ),
        (
            b"mif1",
            &[b"mif1", b"heic"],
            Some(Format::Heif),
            "Android HEIC",
        ),
        (
            b"msf1",
            &[b"msf1", b"hevc"],
            Some(Format::Heif),
            "HEIF sequence",
        ),
        (b"avif", &[b"avif", b"mif1"], None, "AVIF is not supported"),
        (
            b"M4A ",
            &[b"M4A ", b"isom"],
            None,
            "audio-only MPEG-4 is not a video",
        ),
        (
            b"crx ",
            &[b"crx ", b"isom"],
            None,
            "Canon CR3 raw is not a video",
        ),
    ];
    for (major, compatible, expected, what) in cases {
        assert_eq!(sniff(&ftyp(major, compatible)), expected, "{what}");
    }
}

#[test]
fn magic_bytes_of_each_still_format() {
    let cases: [(&[u8], Option<Format>, &str); 8] = [
        (b"\xFF\xD8\xFF\xE1\0\0Exif", Some(Format::Jpeg), "JPEG SOI"),
        (b"GIF89a\x01\0\x01\0", Some(Format::Gif), "GIF89a"),
        (
            b"RIFF\x24\0\0\0WEBPVP8 ",
            Some(Format::WebP),
            "WebP in RIFF",
        ),
        (b"RIFF\x24\0\0\0AVI LIST", None, "AVI is RIFF but not WebP"),
        (b"II*\0\x08\0\0\0", Some(Format::Tiff), "little-endian TIFF"),
        (b"MM\0*\0\0\0\x08", Some(Format::Tiff), "big-endian TIFF"),
        (
            b"II*\0\x10\0\0\0CR\x02\0",
            None,
            "Canon CR2 raw is not a TIFF photo",
        ),
        (
            b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\xF7\x81\x01\x42\x82\x84webm",
            Some(Format::WebM),
            "WebM",
        ),
    ];
    for (head, expected, what) in cases {
        assert_eq!(sniff(head), expected, "{what}");
    }
    let mkv = b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\xF7\x81\x01\x42\x82\x88matroska";
    assert_eq!(sniff(mkv), None, "Matroska that is not WebM has no Format");
}

#[test]
fn corpus_heic_and_tiff_are_recognised_from_their_bytes() {
    for file in [
        "heic/IMG_5195.HEIC",
        "heic/samplefilehub.heif",
        "heic/mobile/iphone_13_pro_max.HEIC",
    ] {
        assert_eq!(
            sniff(&common::corpus_bytes(file)),
            Some(Format::Heif),
            "{file}"
        );
    }
    assert_eq!(
        sniff(&common::corpus_bytes("tiff/Picoawards.tiff")),
        Some(Format::Tiff),
        "TIFF"
    );
}

#[test]
fn format_names_mimes_kinds_and_extensions() {
    let expected = [
        (Format::Jpeg, "image/jpeg", "jpg", MediaKind::Photo),
        (Format::Png, "image/png", "png", MediaKind::Photo),
        (Format::WebP, "image/webp", "webp", MediaKind::Photo),
        (Format::Tiff, "image/tiff", "tif", MediaKind::Photo),
        (Format::Gif, "image/gif", "gif", MediaKind::Photo),
        (Format::Heif, "image/heif", "heif", MediaKind::Photo),
        (Format::Mp4, "video/mp4", "mp4", MediaKind::Video),
        (
            Format::QuickTime,
            "video/quicktime",
            "mov",
            MediaKind::Video,
        ),
        (Format::WebM, "video/webm", "webm", MediaKind::Video),
    ];
    for (format, mime, ext, kind) in expected {
        assert_eq!(format.mime(), mime, "{format:?} mime");
        assert_eq!(format.extension(), ext, "{format:?} extension");
        assert_eq!(format.kind(), kind, "{format:?} kind");
    }
    assert_eq!(
        serde_json::to_string(&MediaKind::Video).ok().as_deref(),
        Some("\"video\""),
        "MediaKind serialises lowercase for the front end"
    );
}
