//! A branding image for the slideshow's corner: an organizer's file (any
//! size, any still format, possibly hostile) turned into a small PNG that
//! keeps its transparency. Limits are checked from the header before any
//! pixel buffer exists, as for photos; unlike renditions, alpha is kept:
//! a logo is drawn over the photos, not on paper.

use std::io::Cursor;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{ImageFormat, RgbaImage};

use crate::decode::{decode_within_limits, image_crate_format};
use crate::error::MediaError;
use crate::raster::fit_within;
use crate::renditions::Limits;
use crate::sniff::{sniff, Format};

/// The logo's long edge at most, in pixels: sharp in a corner of a 4K screen
/// and a few hundred KB at worst.
pub const LOGO_MAX_EDGE: u32 = 512;

/// Decodes `bytes` (JPEG, PNG, WebP, GIF or TIFF, by their content) within
/// `limits`, shrinks it to fit `max_edge` and returns it as an RGBA PNG.
pub fn logo_png(bytes: &[u8], max_edge: u32, limits: &Limits) -> Result<Vec<u8>, MediaError> {
    let format = sniff(bytes).ok_or_else(|| MediaError::Corrupt {
        format: Format::Png,
        reason: "not an image: use a PNG (best, it keeps transparency), JPEG, WebP, GIF or TIFF"
            .to_owned(),
    })?;
    let image_format = image_crate_format(format).ok_or_else(|| MediaError::Corrupt {
        format,
        reason: "a logo must be a still image: PNG, JPEG, WebP, GIF or TIFF".to_owned(),
    })?;
    let rgba = decode_within_limits(format, image_format, bytes, limits)?.into_rgba8();
    let small = shrink_rgba(rgba, max_edge)?;
    let mut png = Vec::new();
    small
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| MediaError::Encode {
            what: "logo",
            reason: e.to_string(),
        })?;
    Ok(png)
}

/// Shrinks to fit `max_edge` (never enlarges). The resizer premultiplies
/// alpha, so transparent pixels' hidden colour does not bleed into the
/// edges as a dark fringe.
fn shrink_rgba(src: RgbaImage, max_edge: u32) -> Result<RgbaImage, MediaError> {
    let (width, height) = fit_within(src.width(), src.height(), max_edge.max(1));
    if (width, height) == src.dimensions() {
        return Ok(src);
    }
    let encode = |reason: String| MediaError::Encode {
        what: "logo",
        reason,
    };
    let view = ImageRef::new(src.width(), src.height(), src.as_raw(), PixelType::U8x4)
        .map_err(|e| encode(e.to_string()))?;
    let mut dst = Image::new(width, height, PixelType::U8x4);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&view, &mut dst, &options)
        .map_err(|e| encode(e.to_string()))?;
    RgbaImage::from_raw(width, height, dst.into_vec())
        .ok_or_else(|| encode("the resizer returned a buffer of the wrong size".to_owned()))
}
