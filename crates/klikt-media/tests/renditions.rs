//! Rendition sizes: display about 2048 px, thumbnail 512 px, never
//! upscaled, reported dimensions as displayed.

mod common;

use std::io::Cursor;

use klikt_media::{render, Format, Limits, Preview, Source, Tools};

#[test]
fn phone_photo_display_is_near_2048_and_thumbnail_512() {
    for file in [
        "jpg/mobile/jolla.jpg",
        "jpg/mobile/HMD_Nokia_8.3_5G.jpg",
        "jpg/tests/42_IndexError.jpg",
    ] {
        let out = common::render_corpus_still(file);
        assert_eq!(
            out.preview,
            Preview::Ready,
            "{file}: a JPEG always gets renditions"
        );
        let display = common::decode_jpeg(out.display.as_deref().unwrap_or_default(), file);
        let thumb = common::decode_jpeg(out.thumbnail.as_deref().unwrap_or_default(), file);
        let edge = common::long_edge(&display);
        assert!(
            (1500..=2048).contains(&edge),
            "{file}: display long edge {edge} must be big enough for the viewer and at most 2048"
        );
        assert_eq!(
            common::long_edge(&thumb),
            512,
            "{file}: thumbnail long edge is 512"
        );
        let (w, h) = (out.width.unwrap_or(0), out.height.unwrap_or(0));
        let display_ratio = f64::from(display.width()) / f64::from(display.height());
        let full_ratio = f64::from(w) / f64::from(h);
        assert!(
            (display_ratio - full_ratio).abs() < 0.01,
            "{file}: display must keep the {w}×{h} aspect ratio"
        );
    }
}

#[test]
fn full_size_dimensions_are_reported_as_displayed() {
    let out = common::render_corpus_still("jpg/hdr/canon_hdr_NO.jpg");
    assert_eq!(
        (out.width, out.height),
        (Some(1536), Some(2048)),
        "stored 2048×1536 with orientation 6 is displayed portrait"
    );
    let display = common::decode_jpeg(out.display.as_deref().unwrap_or_default(), "canon display");
    assert_eq!(
        display.dimensions(),
        (1536, 2048),
        "display rendition is upright and full size"
    );
}

fn encode(image: &image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .expect("encoding a test image in memory");
    out.into_inner()
}

fn gradient(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
}

#[test]
fn small_images_are_never_upscaled() {
    let small = gradient(640, 427);
    for (format, encoded) in [
        (Format::Jpeg, encode(&small, image::ImageFormat::Jpeg)),
        (Format::Png, encode(&small, image::ImageFormat::Png)),
    ] {
        let out = common::render_bytes(
            format,
            std::path::Path::new("small"),
            &encoded,
            1,
            &Tools::none(),
        )
        .unwrap_or_else(|e| panic!("a 640 px {format} must render: {e}"));
        let display = common::decode_jpeg(out.display.as_deref().unwrap_or_default(), "display");
        let thumb = common::decode_jpeg(out.thumbnail.as_deref().unwrap_or_default(), "thumbnail");
        assert_eq!(
            display.dimensions(),
            (640, 427),
            "{format}: a 640 px image keeps 640 px"
        );
        assert_eq!(
            thumb.dimensions(),
            (512, 342),
            "{format}: the thumbnail still shrinks to 512"
        );
    }
    let tiny = encode(&gradient(300, 200), image::ImageFormat::Png);
    let out = common::render_bytes(
        Format::Png,
        std::path::Path::new("tiny"),
        &tiny,
        1,
        &Tools::none(),
    )
    .unwrap_or_else(|e| panic!("a 300 px PNG must render: {e}"));
    let thumb = common::decode_jpeg(out.thumbnail.as_deref().unwrap_or_default(), "thumbnail");
    assert_eq!(
        thumb.dimensions(),
        (300, 200),
        "below 512 px the thumbnail keeps the original size"
    );
}

#[test]
fn png_with_transparency_renders_on_white() {
    let mut rgba = image::RgbaImage::from_pixel(64, 64, image::Rgba([0, 0, 0, 0]));
    rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 255]));
    let mut bytes = Cursor::new(Vec::new());
    rgba.write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encoding an RGBA PNG");
    let bytes = bytes.into_inner();
    let out = common::render_bytes(
        Format::Png,
        std::path::Path::new("alpha.png"),
        &bytes,
        1,
        &Tools::none(),
    )
    .unwrap_or_else(|e| panic!("an RGBA PNG must render: {e}"));
    let display = common::decode_jpeg(out.display.as_deref().unwrap_or_default(), "display");
    let center = display.get_pixel(32, 32);
    assert!(
        center.0.iter().all(|&c| c > 245),
        "transparent areas must be white, got {center:?}"
    );
}

#[test]
fn stills_are_read_from_the_path_when_no_bytes_are_given() {
    let path = common::corpus_path("jpg/Canon_PowerShot_S40.jpg");
    let source = Source {
        path: &path,
        bytes: None,
    };
    let out = render(Format::Jpeg, &source, 1, &Limits::default(), &Tools::none())
        .unwrap_or_else(|e| panic!("a JPEG on disk must render: {e}"));
    assert_eq!(
        (out.width, out.height),
        (Some(480), Some(360)),
        "header size of the S40 sample"
    );
    let missing = Source {
        path: std::path::Path::new("/nonexistent/x.jpg"),
        bytes: None,
    };
    let err = render(
        Format::Jpeg,
        &missing,
        1,
        &Limits::default(),
        &Tools::none(),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        err.contains("/nonexistent/x.jpg"),
        "an unreadable file names its path, got {err:?}"
    );
}

#[test]
fn tiff_gif_and_webp_render_too() {
    let out = common::render_corpus_still("tiff/BSG1.tiff");
    assert_eq!(
        (out.width, out.height),
        (Some(635), Some(348)),
        "TIFF header size"
    );
    let image = gradient(100, 80);
    for (format, codec) in [
        (Format::Gif, image::ImageFormat::Gif),
        (Format::WebP, image::ImageFormat::WebP),
    ] {
        let bytes = encode(&image, codec);
        let out =
            common::render_bytes(format, std::path::Path::new("x"), &bytes, 1, &Tools::none())
                .unwrap_or_else(|e| panic!("{format} must render: {e}"));
        assert_eq!(
            (out.width, out.height),
            (Some(100), Some(80)),
            "{format} keeps its size"
        );
        assert_eq!(out.preview, Preview::Ready, "{format} gets renditions");
    }
}
