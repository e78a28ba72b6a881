//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use klikt_media::{render, Format, Limits, MediaError, Rendered, Source, Tools};

/// The shared camera corpus, a sibling of the repository (never copied in).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

pub fn corpus_path(relative: &str) -> PathBuf {
    corpus().join(relative)
}

pub fn corpus_bytes(relative: &str) -> Vec<u8> {
    let path = corpus_path(relative);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "corpus file {} must be readable; the corpus lives at ../../../shared/corpus from the crate: {e}",
            path.display()
        )
    })
}

/// Renders an in-memory file the way the importer does for stills.
pub fn render_bytes(
    format: Format,
    path: &Path,
    bytes: &[u8],
    orientation: u16,
    tools: &Tools,
) -> Result<Rendered, MediaError> {
    let source = Source {
        path,
        bytes: Some(bytes),
    };
    render(format, &source, orientation, &Limits::default(), tools)
}

/// Renders a corpus still, taking the orientation from its own EXIF.
pub fn render_corpus_still(relative: &str) -> Rendered {
    let bytes = corpus_bytes(relative);
    let format = klikt_media::sniff(&bytes)
        .unwrap_or_else(|| panic!("{relative} must sniff as a supported format"));
    let orientation = klikt_media::read_metadata(&bytes).orientation;
    render_bytes(
        format,
        &corpus_path(relative),
        &bytes,
        orientation,
        &Tools::none(),
    )
    .unwrap_or_else(|e| panic!("{relative} must render: {e}"))
}

/// Decodes a rendition with an independent decoder (the `image` crate), so
/// the tests do not trust the code under test to read its own output.
pub fn decode_jpeg(bytes: &[u8], what: &str) -> image::RgbImage {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
        .unwrap_or_else(|e| panic!("{what} must be a valid JPEG: {e}"))
        .into_rgb8()
}

pub fn long_edge(image: &image::RgbImage) -> u32 {
    image.width().max(image.height())
}

/// Mean absolute difference per channel, 0..=255.
pub fn mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.as_raw().len().max(1) as f64
}

/// Like [`mean_abs_diff`] but with each image's per-channel mean removed
/// first, so a global brightness or colour-balance change between two
/// encodings of one scene does not count, while moved content still does.
pub fn centered_mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    let means = |img: &image::RgbImage| {
        let mut sum = [0f64; 3];
        for px in img.pixels() {
            for (s, v) in sum.iter_mut().zip(px.0) {
                *s += f64::from(v);
            }
        }
        let n = f64::from(img.width() * img.height()).max(1.0);
        sum.map(|s| s / n)
    };
    let (ma, mb) = (means(a), means(b));
    let mut total = 0f64;
    for (pa, pb) in a.pixels().zip(b.pixels()) {
        for c in 0..3 {
            total += ((f64::from(pa.0[c]) - ma[c]) - (f64::from(pb.0[c]) - mb[c])).abs();
        }
    }
    total / (f64::from(a.width() * a.height()) * 3.0).max(1.0)
}

/// Prints why a test is skipping its tool-dependent half; returns the tool.
pub fn tool_or_note(tool: Option<PathBuf>, name: &str) -> Option<PathBuf> {
    if tool.is_none() {
        eprintln!("note: {name} is not installed; skipping the part of this test that needs it");
    }
    tool
}
