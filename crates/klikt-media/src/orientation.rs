//! EXIF orientation: how a stored image must be flipped or turned to show
//! upright. Applied to the small rendition buffers, after resizing, where it
//! costs a fraction of what it would on the full-size decode.

use crate::raster::Rgb8;

/// Width and height as displayed: orientations 5–8 swap the axes.
pub fn displayed_dimensions(width: u32, height: u32, orientation: u16) -> (u32, u32) {
    if (5..=8).contains(&orientation) {
        (height, width)
    } else {
        (width, height)
    }
}

/// Turns a packed RGB8 buffer upright for the given EXIF orientation and
/// returns the new pixels with their width and height. Values outside 1..=8
/// are treated as 1. `None` when `pixels` is not `width × height × 3` bytes.
pub fn upright_rgb8(
    pixels: &[u8],
    width: u32,
    height: u32,
    orientation: u16,
) -> Option<(Vec<u8>, u32, u32)> {
    let image = Rgb8::new(width, height, pixels.to_vec())?;
    let upright = upright(image, orientation);
    Some((upright.pixels, upright.width, upright.height))
}

/// Side of the square tiles the axis-swapping transforms walk in, so reads
/// and writes both stay within a few cache lines.
const TILE: usize = 32;

pub(crate) fn upright(mut image: Rgb8, orientation: u16) -> Rgb8 {
    let width = image.width as usize;
    if width == 0 || image.height == 0 {
        // Nothing to move, and row chunking needs a non-zero width.
        return image;
    }
    match orientation {
        2 => {
            let (pixels, _) = image.pixels.as_chunks_mut::<3>();
            for row in pixels.chunks_exact_mut(width) {
                row.reverse();
            }
            image
        }
        3 => {
            let (pixels, _) = image.pixels.as_chunks_mut::<3>();
            pixels.reverse();
            image
        }
        4 => {
            let mut flipped = Vec::with_capacity(image.pixels.len());
            for row in image.pixels.chunks_exact(width * 3).rev() {
                flipped.extend_from_slice(row);
            }
            Rgb8 {
                pixels: flipped,
                ..image
            }
        }
        // Orientations 5–8 swap the axes; they differ in which of the two
        // new axes also runs backwards.
        5 => swap_axes(&image, false, false),
        6 => swap_axes(&image, true, false),
        7 => swap_axes(&image, true, true),
        8 => swap_axes(&image, false, true),
        _ => image,
    }
}

/// Transposes, with stored row `y` becoming displayed column `y` (or
/// `height - 1 - y` when `reverse_columns`) and stored column `x` becoming
/// displayed row `x` (or `width - 1 - x` when `reverse_rows`).
fn swap_axes(image: &Rgb8, reverse_columns: bool, reverse_rows: bool) -> Rgb8 {
    let (w, h) = (image.width as usize, image.height as usize);
    let (src, _) = image.pixels.as_chunks::<3>();
    let mut out = vec![[0u8; 3]; w * h];
    for tile_y in (0..h).step_by(TILE) {
        for tile_x in (0..w).step_by(TILE) {
            for sy in tile_y..(tile_y + TILE).min(h) {
                let dx = if reverse_columns { h - 1 - sy } else { sy };
                let Some(row) = src.get(sy * w..(sy + 1) * w) else {
                    continue;
                };
                for sx in tile_x..(tile_x + TILE).min(w) {
                    let dy = if reverse_rows { w - 1 - sx } else { sx };
                    if let (Some(to), Some(from)) = (out.get_mut(dy * h + dx), row.get(sx)) {
                        *to = *from;
                    }
                }
            }
        }
    }
    Rgb8 {
        width: image.height,
        height: image.width,
        pixels: out.into_flattened(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 image whose pixels are numbered 1..=6 in reading order:
    /// ```text
    /// 1 2 3
    /// 4 5 6
    /// ```
    fn numbered() -> Rgb8 {
        let pixels = (1..=6u8).flat_map(|v| [v, v, v]).collect();
        Rgb8 {
            width: 3,
            height: 2,
            pixels,
        }
    }

    fn labels(image: &Rgb8) -> Vec<u8> {
        image
            .pixels
            .chunks_exact(3)
            .filter_map(|p| p.first().copied())
            .collect()
    }

    /// For each orientation, the stored 3×2 image is what a camera writes when
    /// the upright scene is `expected`; undoing it must give that scene back.
    #[test]
    fn every_orientation_is_undone() {
        let cases: [(u16, (u32, u32), [u8; 6]); 8] = [
            (1, (3, 2), [1, 2, 3, 4, 5, 6]),
            (2, (3, 2), [3, 2, 1, 6, 5, 4]),
            (3, (3, 2), [6, 5, 4, 3, 2, 1]),
            (4, (3, 2), [4, 5, 6, 1, 2, 3]),
            (5, (2, 3), [1, 4, 2, 5, 3, 6]),
            (6, (2, 3), [4, 1, 5, 2, 6, 3]),
            (7, (2, 3), [6, 3, 5, 2, 4, 1]),
            (8, (2, 3), [3, 6, 2, 5, 1, 4]),
        ];
        for (orientation, size, expected) in cases {
            let out = upright(numbered(), orientation);
            assert_eq!(
                (out.width, out.height),
                size,
                "orientation {orientation} gives the wrong displayed size"
            );
            assert_eq!(
                labels(&out),
                expected,
                "orientation {orientation} puts pixels in the wrong place"
            );
        }
    }

    #[test]
    fn out_of_range_orientation_leaves_pixels_alone() {
        for orientation in [0, 9, u16::MAX] {
            assert_eq!(
                upright(numbered(), orientation),
                numbered(),
                "{orientation} is not an EXIF value"
            );
        }
    }

    #[test]
    fn tiles_cover_images_larger_than_one_tile() {
        let (w, h) = (70u32, 45u32);
        let pixels: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % 251) as u8, (i / 251) as u8, 7])
            .collect();
        let image = Rgb8 {
            width: w,
            height: h,
            pixels,
        };
        let back = upright(upright(image.clone(), 6), 8);
        assert_eq!(
            back, image,
            "turning right then left must return the original exactly"
        );
        let twice = upright(upright(image.clone(), 5), 5);
        assert_eq!(
            twice, image,
            "transposing twice must return the original exactly"
        );
    }

    #[test]
    fn displayed_dimensions_swap_only_for_turned_orientations() {
        assert_eq!(
            displayed_dimensions(4, 3, 1),
            (4, 3),
            "upright keeps its size"
        );
        assert_eq!(
            displayed_dimensions(4, 3, 3),
            (4, 3),
            "half a turn keeps its size"
        );
        assert_eq!(
            displayed_dimensions(4, 3, 6),
            (3, 4),
            "a quarter turn swaps the axes"
        );
    }
}
