//! Decoder limits: a header declaring an absurd size is refused from the
//! header alone, fast, before any pixel memory exists.

mod common;

use std::io::Cursor;
use std::path::Path;
use std::time::{Duration, Instant};

use klikt_media::{render, Format, Limits, MediaError, Source, Tools};

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn tiny(format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::RgbImage::from_pixel(8, 8, image::Rgb([10, 200, 30]))
        .write_to(&mut out, format)
        .expect("encoding an 8×8 test image");
    out.into_inner()
}

/// An 8×8 PNG whose IHDR (with a valid CRC) claims `width × height`.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = tiny(image::ImageFormat::Png);
    // Signature (8) + IHDR length (4) + "IHDR" (4), then width, height.
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// An 8×8 baseline JPEG whose SOF0 claims `width × height`.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = tiny(image::ImageFormat::Jpeg);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("the image crate writes baseline JPEG with SOF0");
    // Marker (2), length (2), precision (1), then height and width.
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

fn render_in_memory(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<klikt_media::Rendered, MediaError> {
    let source = Source {
        path: Path::new("synthetic"),
        bytes: Some(bytes),
    };
    render(format, &source, 1, limits, &Tools::none())
}

fn assert_refused_as_too_large(format: Format, bytes: &[u8], expected: (u32, u32)) {
    let started = Instant::now();
    let result = render_in_memory(format, bytes, &Limits::default());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{format}: refusing must take header time, not decode time"
    );
    match result {
        Err(e @ MediaError::TooLarge { width, height, .. }) => {
            assert_eq!(
                (width, height),
                expected,
                "{format}: the declared size is reported"
            );
            assert_eq!(
                e.to_string(),
                format!(
                    "image is {}×{} pixels, above the 100 MP limit",
                    expected.0, expected.1
                ),
                "{format}: the message tells the user what is wrong"
            );
        }
        other => panic!("{format}: a {expected:?} header must be TooLarge, got {other:?}"),
    }
}

#[test]
fn png_declaring_60000_squared_is_too_large() {
    assert_refused_as_too_large(Format::Png, &png_claiming(60_000, 60_000), (60_000, 60_000));
}

#[test]
fn jpeg_declaring_60000_squared_is_too_large() {
    assert_refused_as_too_large(
        Format::Jpeg,
        &jpeg_claiming(60_000, 60_000),
        (60_000, 60_000),
    );
}

#[test]
fn heif_over_the_pixel_limit_is_refused_before_the_decoder_runs() {
    let bytes = common::corpus_bytes("heic/IMG_5195.HEIC");
    let limits = Limits {
        max_pixels: 1_000_000,
        ..Limits::default()
    };
    let source = Source {
        path: Path::new("IMG_5195.HEIC"),
        bytes: Some(&bytes),
    };
    let started = Instant::now();
    let result = render(Format::Heif, &source, 1, &limits, &Tools::detect());
    assert!(
        matches!(
            result,
            Err(MediaError::TooLarge {
                width: 2566,
                height: 3313,
                ..
            })
        ),
        "the ispe box declares 2566×3313, over a 1 MP limit: got {result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "libheif must not have been run"
    );
}

#[test]
fn memory_limit_is_enforced_before_decoding() {
    let bytes = tiny(image::ImageFormat::Jpeg);
    let limits = Limits {
        max_alloc_bytes: 100,
        ..Limits::default()
    };
    let result = render_in_memory(Format::Jpeg, &bytes, &limits);
    assert!(
        matches!(result, Err(MediaError::MemoryLimit { .. })),
        "8×8×3 bytes exceed a 100-byte budget: got {result:?}"
    );
}

#[test]
fn truncated_and_garbage_stills_are_corrupt_not_panics() {
    let png = tiny(image::ImageFormat::Png);
    let jpeg = common::corpus_bytes("jpg/mobile/jolla.jpg");
    for (format, bytes) in [
        (Format::Png, png[..40].to_vec()),
        (Format::Jpeg, jpeg[..jpeg.len() / 3].to_vec()),
        (Format::Jpeg, vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
        (Format::Tiff, b"II*\0garbage".to_vec()),
        (Format::Gif, b"GIF89a".to_vec()),
        (Format::WebP, b"RIFF\0\0\0\0WEBPVP8 ".to_vec()),
    ] {
        match render_in_memory(format, &bytes, &Limits::default()) {
            Err(MediaError::Corrupt {
                format: reported, ..
            }) => {
                assert_eq!(
                    reported, format,
                    "the error names the format the file claimed"
                )
            }
            other => panic!("{format}: broken data must be Corrupt, got {other:?}"),
        }
    }
}
