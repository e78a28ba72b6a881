//! Renditions: the two JPEGs the app shows instead of the original — a
//! 512 px thumbnail for grids and a ~2048 px display image for the viewer —
//! both upright, both cut from one decode.

use std::path::Path;
use std::time::Duration;

use fast_image_resize::{FilterType, Resizer};

use crate::decode::{decode_still, Still};
use crate::error::MediaError;
use crate::external::{self, Tools};
use crate::orientation::{displayed_dimensions, upright};
use crate::raster::{shrink_to_fit, Rgb8};
use crate::sniff::{Format, MediaKind};
use crate::{heif, jpeg};

/// Long edge of the thumbnail rendition.
pub const THUMBNAIL_LONG_EDGE: u32 = 512;
/// Long edge of the display rendition.
pub const DISPLAY_LONG_EDGE: u32 = 2048;
/// A JPEG is DCT-scaled only as far as this long edge: 4032 px → 2016 px at
/// 1/2 is used as the display image as is, saving a full-size resize for a
/// barely visible 32 px. (The JPEG decoder may go a little further down to
/// stay on its SIMD scale factors; see `jpeg::FAST_SCALE_MIN_EDGE`.)
pub const DISPLAY_MIN_DECODE_EDGE: u32 = 1920;
/// The viewer shows the display image large, so it gets more quality.
const DISPLAY_QUALITY: u8 = 85;
const THUMBNAIL_QUALITY: u8 = 80;

/// Resource caps for one render. Checked against the header before pixel
/// memory is allocated, so a hostile file is refused, not decoded.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest `width × height` accepted.
    pub max_pixels: u64,
    /// Largest single decode buffer, and largest intermediate file read back.
    pub max_alloc_bytes: u64,
    /// Wall-clock budget for an external tool run; it is killed after this.
    pub tool_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // 100 MP covers every camera sold today with room for panoramas.
            max_pixels: 100_000_000,
            max_alloc_bytes: 1 << 30,
            tool_timeout: Duration::from_secs(60),
        }
    }
}

/// Whether renditions exist, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preview {
    /// Thumbnail and display renditions were made.
    Ready,
    /// No decoder for this format on this machine (HEIF without libheif):
    /// the original is kept and shown as "no preview".
    NoDecoder,
    /// A video without ffmpeg: shown with a generic video placeholder.
    Placeholder,
}

/// Where a file's bytes are.
pub struct Source<'a> {
    /// The original on disk; read when `bytes` is `None`.
    pub path: &'a Path,
    /// The whole file already in memory (stills). When present it is used
    /// instead of `path`, which may then name something that is not a file.
    pub bytes: Option<&'a [u8]>,
}

/// The outcome of [`render`].
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Width as displayed (after orientation), at full resolution.
    pub width: Option<u32>,
    /// Height as displayed (after orientation), at full resolution.
    pub height: Option<u32>,
    /// JPEG, long edge 512 (never upscaled), upright.
    pub thumbnail: Option<Vec<u8>>,
    /// JPEG, long edge 1920–2048 (never upscaled), upright.
    pub display: Option<Vec<u8>>,
    pub preview: Preview,
}

impl Rendered {
    fn without_preview(preview: Preview, size: Option<(u32, u32)>) -> Rendered {
        Rendered {
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            thumbnail: None,
            display: None,
            preview,
        }
    }
}

/// Makes the thumbnail and display renditions of one file.
///
/// `orientation` is the EXIF value from [`read_metadata`](crate::read_metadata);
/// it is applied to JPEG, PNG, WebP, TIFF and GIF. HEIF and video ignore it:
/// libheif and ffmpeg already apply the rotation their containers declare,
/// and applying EXIF on top would turn the picture twice.
pub fn render(
    format: Format,
    source: &Source,
    orientation: u16,
    limits: &Limits,
    tools: &Tools,
) -> Result<Rendered, MediaError> {
    match (format, format.kind()) {
        (Format::Heif, _) => render_heif(source, limits, tools),
        (_, MediaKind::Video) => render_video(source, limits, tools),
        (_, MediaKind::Photo) => match source.bytes {
            Some(bytes) => render_still(format, bytes, orientation, limits),
            None => {
                let bytes = read_source(source.path, limits)?;
                render_still(format, &bytes, orientation, limits)
            }
        },
    }
}

fn read_source(path: &Path, limits: &Limits) -> Result<Vec<u8>, MediaError> {
    let io = |source| MediaError::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = path.metadata().map_err(io)?.len();
    if len > limits.max_alloc_bytes {
        return Err(MediaError::MemoryLimit {
            limit_bytes: limits.max_alloc_bytes,
        });
    }
    std::fs::read(path).map_err(io)
}

fn render_still(
    format: Format,
    bytes: &[u8],
    orientation: u16,
    limits: &Limits,
) -> Result<Rendered, MediaError> {
    let Still {
        width,
        height,
        image,
    } = decode_still(format, bytes, DISPLAY_MIN_DECODE_EDGE, limits)?;
    let (width, height) = displayed_dimensions(width, height, orientation);
    let (thumbnail, display) = cut_renditions(image, orientation)?;
    Ok(Rendered {
        width: Some(width),
        height: Some(height),
        thumbnail: Some(thumbnail),
        display: Some(display),
        preview: Preview::Ready,
    })
}

/// Display first, then the thumbnail from the display pixels (a quarter of
/// the work of resizing from the decode), then orientation on the two small
/// buffers.
fn cut_renditions(decoded: Rgb8, orientation: u16) -> Result<(Vec<u8>, Vec<u8>), MediaError> {
    let resize_error = |reason| MediaError::Encode {
        what: "resized",
        reason,
    };
    let mut resizer = Resizer::new();
    // Both shrinks use a 4-tap cubic: visually on par with Lanczos3 at a
    // 512 px thumbnail and about two thirds of its cost (the resize was ~8% of
    // import time in a profile; see docs/benchmarks.md).
    let display = shrink_to_fit(
        &mut resizer,
        &decoded,
        DISPLAY_LONG_EDGE,
        FilterType::CatmullRom,
    )
    .map_err(resize_error)?
    .unwrap_or(decoded);
    let thumbnail = shrink_to_fit(
        &mut resizer,
        &display,
        THUMBNAIL_LONG_EDGE,
        FilterType::CatmullRom,
    )
    .map_err(resize_error)?
    .unwrap_or_else(|| display.clone());
    let display = upright(display, orientation);
    let thumbnail = upright(thumbnail, orientation);
    let thumbnail =
        jpeg::encode(&thumbnail, THUMBNAIL_QUALITY).map_err(|reason| MediaError::Encode {
            what: "thumbnail",
            reason,
        })?;
    let display = jpeg::encode(&display, DISPLAY_QUALITY).map_err(|reason| MediaError::Encode {
        what: "display",
        reason,
    })?;
    Ok((thumbnail, display))
}

/// libheif applies `irot`/`imir` while decoding, so the EXIF orientation
/// (which iPhones also write, describing the same turn) must not be applied
/// again: the intermediate JPEG is rendered with orientation 1.
fn render_heif(source: &Source, limits: &Limits, tools: &Tools) -> Result<Rendered, MediaError> {
    let declared = match source.bytes {
        Some(bytes) => heif::primary_image_size(bytes),
        None => {
            read_prefix(source.path, HEIF_META_PREFIX).and_then(|p| heif::primary_image_size(&p))
        }
    };
    if let Some((width, height)) = declared {
        if u64::from(width) * u64::from(height) > limits.max_pixels {
            return Err(MediaError::TooLarge {
                width,
                height,
                max_pixels: limits.max_pixels,
            });
        }
    }
    let Some(tool) = &tools.heif else {
        return Ok(Rendered::without_preview(Preview::NoDecoder, declared));
    };
    let jpeg = external::heif_to_jpeg(tool, source, limits.tool_timeout, limits.max_alloc_bytes)?;
    render_still(Format::Jpeg, &jpeg, 1, limits).map_err(|e| intermediate_error(tool, e))
}

/// HEIF writers put the `meta` box first; 1 MiB holds it with room to spare.
const HEIF_META_PREFIX: u64 = 1 << 20;

fn read_prefix(path: &Path, len: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut prefix = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(len)
        .read_to_end(&mut prefix)
        .ok()?;
    Some(prefix)
}

/// ffmpeg auto-rotates by the container's display matrix; the poster is
/// rendered with orientation 1 for the same reason as HEIF.
fn render_video(source: &Source, limits: &Limits, tools: &Tools) -> Result<Rendered, MediaError> {
    let Some(tool) = &tools.ffmpeg else {
        return Ok(Rendered::without_preview(Preview::Placeholder, None));
    };
    let jpeg = external::video_poster(tool, source, limits.tool_timeout, limits.max_alloc_bytes)?;
    render_still(Format::Jpeg, &jpeg, 1, limits).map_err(|e| intermediate_error(tool, e))
}

/// A broken intermediate JPEG is the tool's fault, not the user's file being
/// a "corrupt JPEG"; size limits keep their own wording.
fn intermediate_error(tool: &Path, error: MediaError) -> MediaError {
    match error {
        MediaError::Corrupt { reason, .. } => MediaError::Tool {
            tool: tool
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            reason: format!("its output could not be decoded: {reason}"),
        },
        other => other,
    }
}
