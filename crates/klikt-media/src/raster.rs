//! The in-memory pixel buffer every decoder produces and every rendition is
//! cut from, and the SIMD resize between them.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

/// Tightly packed 8-bit RGB, row-major, no padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rgb8 {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) pixels: Vec<u8>,
}

impl Rgb8 {
    /// `None` when the buffer does not hold exactly `width × height` pixels,
    /// so no later index can run past it.
    pub(crate) fn new(width: u32, height: u32, pixels: Vec<u8>) -> Option<Rgb8> {
        let expected = (width as usize)
            .checked_mul(height as usize)?
            .checked_mul(3)?;
        (width > 0 && height > 0 && pixels.len() == expected).then_some(Rgb8 {
            width,
            height,
            pixels,
        })
    }
}

/// Size that fits `long_edge` while keeping the aspect ratio; never larger
/// than the input, because upscaling only adds blur and bytes.
pub(crate) fn fit_within(width: u32, height: u32, long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge || long == 0 {
        return (width, height);
    }
    let scale = |short: u32| -> u32 {
        let scaled =
            (u64::from(short) * u64::from(long_edge) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
    };
    if width >= height {
        (long_edge, scale(height))
    } else {
        (scale(width), long_edge)
    }
}

/// Shrinks to fit `long_edge`, or returns `None` when the image already fits
/// (the caller then reuses the buffer it has instead of copying it).
pub(crate) fn shrink_to_fit(
    resizer: &mut Resizer,
    src: &Rgb8,
    long_edge: u32,
    filter: FilterType,
) -> Result<Option<Rgb8>, String> {
    let (width, height) = fit_within(src.width, src.height, long_edge);
    if (width, height) == (src.width, src.height) {
        return Ok(None);
    }
    let src_view = ImageRef::new(src.width, src.height, &src.pixels, PixelType::U8x3)
        .map_err(|e| e.to_string())?;
    let mut dst = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(filter));
    resizer
        .resize(&src_view, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Rgb8::new(width, height, dst.into_vec())
        .map(Some)
        .ok_or_else(|| "resizer returned a buffer of the wrong size".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_keeps_aspect_and_never_upscales() {
        assert_eq!(
            fit_within(4000, 3000, 2048),
            (2048, 1536),
            "landscape fits by width"
        );
        assert_eq!(
            fit_within(3000, 4000, 512),
            (384, 512),
            "portrait fits by height"
        );
        assert_eq!(
            fit_within(640, 480, 2048),
            (640, 480),
            "small images keep their size"
        );
        assert_eq!(
            fit_within(10000, 1, 512),
            (512, 1),
            "a sliver never collapses to 0 px"
        );
    }

    #[test]
    fn wrong_buffer_length_is_refused() {
        assert!(
            Rgb8::new(2, 2, vec![0; 11]).is_none(),
            "11 bytes cannot be 2×2 RGB"
        );
        assert!(
            Rgb8::new(0, 2, vec![]).is_none(),
            "an empty image is no image"
        );
        assert!(
            Rgb8::new(2, 2, vec![0; 12]).is_some(),
            "12 bytes are exactly 2×2 RGB"
        );
    }
}
