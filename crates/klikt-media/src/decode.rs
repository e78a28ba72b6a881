//! Still-image bytes to RGB pixels, with limits enforced from the header
//! before the pixel buffer exists.

use std::borrow::Cow;
use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use crate::error::MediaError;
use crate::jpeg::{self, DecodeFailure, DecodeLimits, LimitHit};
use crate::raster::Rgb8;
use crate::renditions::Limits;
use crate::sniff::Format;

/// A decoded still: its full stored size and pixels that may be smaller
/// (DCT-scaled JPEG), but never below what the display rendition needs.
pub(crate) struct Still {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) image: Rgb8,
}

/// Decodes `bytes` as `format`, keeping the long edge at least
/// `min_long_edge` when the source has that many pixels.
pub(crate) fn decode_still(
    format: Format,
    bytes: &[u8],
    min_long_edge: u32,
    limits: &Limits,
) -> Result<Still, MediaError> {
    if format == Format::Jpeg {
        return decode_jpeg(bytes, min_long_edge, limits);
    }
    let image_format = image_crate_format(format).ok_or_else(|| MediaError::Corrupt {
        format,
        reason: "not a still image format this decoder reads".to_owned(),
    })?;
    decode_with_image_crate(format, image_format, bytes, limits)
}

fn decode_jpeg(bytes: &[u8], min_long_edge: u32, limits: &Limits) -> Result<Still, MediaError> {
    let jpeg_limits = DecodeLimits {
        max_pixels: limits.max_pixels,
        max_alloc_bytes: limits.max_alloc_bytes,
    };
    match jpeg::decode_scaled(bytes, min_long_edge, &jpeg_limits) {
        Ok(decoded) => Ok(Still {
            width: decoded.header.width,
            height: decoded.header.height,
            image: decoded.image,
        }),
        Err(DecodeFailure::Limit(LimitHit::Pixels(header))) => Err(MediaError::TooLarge {
            width: header.width,
            height: header.height,
            max_pixels: limits.max_pixels,
        }),
        Err(DecodeFailure::Limit(LimitHit::Memory)) => Err(MediaError::MemoryLimit {
            limit_bytes: limits.max_alloc_bytes,
        }),
        Err(DecodeFailure::Damaged(reason)) => Err(MediaError::Corrupt {
            format: Format::Jpeg,
            reason: libjpeg_reason(&reason),
        }),
        // libjpeg refuses a few valid files (CMYK/YCCK to RGB, some marker
        // layouts) that the pure-Rust decoder handles; worth one more try.
        Err(DecodeFailure::Header(reason)) | Err(DecodeFailure::Fatal(reason)) => {
            decode_with_image_crate(Format::Jpeg, ImageFormat::Jpeg, bytes, limits).map_err(
                |fallback| match fallback {
                    MediaError::Corrupt { .. } => MediaError::Corrupt {
                        format: Format::Jpeg,
                        reason: libjpeg_reason(&reason),
                    },
                    other => other,
                },
            )
        }
    }
}

/// libjpeg words many messages as "Corrupt JPEG data: …", which would read
/// twice after our own "corrupt JPEG data: " prefix.
fn libjpeg_reason(message: &str) -> String {
    let message = message.trim();
    let prefix = "corrupt jpeg data:";
    let rest = match message.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => {
            message.get(prefix.len()..).unwrap_or("")
        }
        _ => message,
    };
    let rest = rest.trim();
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "unknown error".to_owned(),
    }
}

fn decode_with_image_crate(
    format: Format,
    image_format: ImageFormat,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Still, MediaError> {
    let decoded = decode_within_limits(format, image_format, bytes, limits)?;
    let (width, height) = (decoded.width(), decoded.height());
    let image = flatten_to_rgb8(decoded).ok_or_else(|| MediaError::Corrupt {
        format,
        reason: "decoder returned an empty image".to_owned(),
    })?;
    Ok(Still {
        width,
        height,
        image,
    })
}

/// The image crate's name for the still formats it decodes (HEIF and videos
/// go through external tools).
pub(crate) fn image_crate_format(format: Format) -> Option<ImageFormat> {
    match format {
        Format::Jpeg => Some(ImageFormat::Jpeg),
        Format::Png => Some(ImageFormat::Png),
        Format::WebP => Some(ImageFormat::WebP),
        Format::Tiff => Some(ImageFormat::Tiff),
        Format::Gif => Some(ImageFormat::Gif),
        Format::Heif | Format::Mp4 | Format::QuickTime | Format::WebM => None,
    }
}

/// Decodes `bytes` with the image crate within `limits`: the pixel count is
/// checked from the header before the pixel buffer exists, every allocation
/// is capped, and a PNG's colour profiles are dropped unread. Photos and the
/// slideshow's logo (`crate::logo`) both come through here.
pub(crate) fn decode_within_limits(
    format: Format,
    image_format: ImageFormat,
    bytes: &[u8],
    limits: &Limits,
) -> Result<DynamicImage, MediaError> {
    let corrupt = |e: ImageError| match e {
        ImageError::Limits(_) => MediaError::MemoryLimit {
            limit_bytes: limits.max_alloc_bytes,
        },
        other => MediaError::Corrupt {
            format,
            reason: other.to_string(),
        },
    };
    let bytes = match format {
        Format::Png => png_without_icc_profiles(bytes),
        _ => Cow::Borrowed(bytes),
    };
    let mut reader = ImageReader::with_format(Cursor::new(&*bytes), image_format);
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(image_limits);
    let decoder = reader.into_decoder().map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(MediaError::TooLarge {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    DynamicImage::from_decoder(decoder).map_err(corrupt)
}

/// `bytes` without its `iCCP` chunks. The PNG decoder inflates an ICC
/// profile whole, up to the memory limit of the entire decode: 2 MB of
/// deflated zeros became a 1 GiB profile that nothing here reads (renditions
/// carry no profile). Other chunks, broken ones included, are kept for the
/// decoder to judge.
fn png_without_icc_profiles(bytes: &[u8]) -> Cow<'_, [u8]> {
    const SIGNATURE: usize = 8;
    let mut spans = Vec::new();
    let mut at = SIGNATURE;
    while let Some(header) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let Some(end) = at.checked_add(12).and_then(|e| e.checked_add(length)) else {
            break;
        };
        if &header[4..8] == b"iCCP" && end <= bytes.len() {
            spans.push(at..end);
        }
        if &header[4..8] == b"IEND" {
            break;
        }
        at = end;
    }
    if spans.is_empty() {
        return Cow::Borrowed(bytes);
    }
    let mut kept = Vec::with_capacity(bytes.len());
    let mut from = 0;
    for span in spans {
        kept.extend_from_slice(&bytes[from..span.start]);
        from = span.end;
    }
    kept.extend_from_slice(&bytes[from..]);
    Cow::Owned(kept)
}

/// Renditions are JPEG, which has no alpha: transparent areas go on white,
/// as on the paper and pages the photos end up on, rather than on black.
fn flatten_to_rgb8(image: DynamicImage) -> Option<Rgb8> {
    let (width, height) = (image.width(), image.height());
    if !image.color().has_alpha() {
        return Rgb8::new(width, height, image.into_rgb8().into_raw());
    }
    let rgba = image.into_rgba8().into_raw();
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        if let [r, g, b, a] = *px {
            let a = u32::from(a);
            let over_white = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            rgb.extend_from_slice(&[over_white(r), over_white(g), over_white(b)]);
        }
    }
    Rgb8::new(width, height, rgb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libjpeg_messages_are_not_prefixed_twice() {
        assert_eq!(
            libjpeg_reason("Corrupt JPEG data: premature end of data segment"),
            "premature end of data segment",
            "our error already says corrupt JPEG data"
        );
        assert_eq!(
            libjpeg_reason("Premature end of JPEG file"),
            "premature end of JPEG file",
            "other messages only lose their capital, to read inside a sentence"
        );
    }

    #[test]
    fn transparency_is_composited_over_white() {
        let rgba = image::RgbaImage::from_raw(2, 1, vec![0, 0, 0, 0, 10, 20, 30, 255])
            .expect("2×1 RGBA buffer");
        let flat = flatten_to_rgb8(DynamicImage::ImageRgba8(rgba)).expect("non-empty image");
        assert_eq!(
            flat.pixels,
            vec![255, 255, 255, 10, 20, 30],
            "fully transparent becomes white, opaque keeps its colour"
        );
    }
}
