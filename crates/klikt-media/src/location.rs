//! Removing where a photo was taken from a JPEG copy, for sharing.
//!
//! The GPS data is blanked in place: the EXIF GPS directory's entries and
//! the values they point to are overwritten with zeros and the directory is
//! left empty, and XMP packets carrying `exif:GPS…` properties are blanked
//! the same way. No byte moves, so every other offset in the file (maker
//! notes, thumbnails, the image data) stays valid and the picture is
//! untouched; the file keeps its size. A file that is not a JPEG, or whose
//! EXIF cannot be walked safely, is an error rather than a copy that might
//! still say where someone lives.

use crate::error::MediaError;
use crate::sniff::Format;

/// The EXIF tag whose value is the offset of the GPS directory.
const GPS_IFD_POINTER: u16 = 0x8825;

/// A copy of `jpeg` with its location removed, and whether there was any.
pub fn strip_location(jpeg: &[u8]) -> Result<(Vec<u8>, bool), MediaError> {
    let mut out = jpeg.to_vec();
    let mut found = false;
    for segment in app1_segments(&out)? {
        let body = segment.clone();
        if out[body.clone()].starts_with(b"Exif\0\0") {
            let tiff = body.start + 6..body.end;
            found |= blank_gps_ifd(&mut out[tiff])?;
        } else if out[body.clone()].starts_with(b"http://ns.adobe.com/xap/1.0/\0") {
            found |= blank_xmp_gps(&mut out[body]);
        }
    }
    Ok((out, found))
}

fn corrupt(reason: &str) -> MediaError {
    MediaError::Corrupt {
        format: Format::Jpeg,
        reason: reason.to_owned(),
    }
}

/// The byte ranges of the APP1 segments' contents (after the length field),
/// up to the start of the image data.
fn app1_segments(jpeg: &[u8]) -> Result<Vec<std::ops::Range<usize>>, MediaError> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return Err(corrupt("not a JPEG (no start-of-image marker)"));
    }
    let mut segments = Vec::new();
    let mut at = 2;
    loop {
        let Some(&[0xFF, marker]) = jpeg.get(at..at + 2) else {
            return Err(corrupt("a marker segment is cut off"));
        };
        match marker {
            // Fill bytes before a marker.
            0xFF => {
                at += 1;
                continue;
            }
            // Start of scan or end of image: no metadata after this point.
            0xDA | 0xD9 => return Ok(segments),
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            _ => {}
        }
        let length = jpeg
            .get(at + 2..at + 4)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or_else(|| corrupt("a segment length is cut off"))?;
        if length < 2 || at + 2 + length > jpeg.len() {
            return Err(corrupt("a segment runs past the end of the file"));
        }
        if marker == 0xE1 {
            segments.push(at + 4..at + 2 + length);
        }
        at += 2 + length;
    }
}

/// Reads TIFF integers in the file's byte order, refusing to go out of bounds.
struct Tiff<'a> {
    bytes: &'a [u8],
    little: bool,
}

impl Tiff<'_> {
    fn u16_at(&self, at: usize) -> Result<u16, MediaError> {
        let b = self
            .bytes
            .get(at..at + 2)
            .ok_or_else(|| corrupt("EXIF points outside its segment"))?;
        Ok(if self.little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32_at(&self, at: usize) -> Result<u32, MediaError> {
        let b = self
            .bytes
            .get(at..at + 4)
            .ok_or_else(|| corrupt("EXIF points outside its segment"))?;
        let b = [b[0], b[1], b[2], b[3]];
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
}

/// Bytes per value of a TIFF field type (unknown types: 1, which only makes
/// the bounds check stricter).
fn type_size(kind: u16) -> usize {
    match kind {
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 1,
    }
}

/// Blanks the GPS directory of the TIFF structure in `tiff`; true if there was one.
fn blank_gps_ifd(tiff: &mut [u8]) -> Result<bool, MediaError> {
    let little = match tiff.get(0..2) {
        Some(b"II") => true,
        Some(b"MM") => false,
        _ => return Err(corrupt("EXIF has no byte-order mark")),
    };
    let gps_offset = {
        let reader = Tiff {
            bytes: tiff,
            little,
        };
        let ifd0 = reader.u32_at(4)? as usize;
        let count = usize::from(reader.u16_at(ifd0)?);
        let mut found = None;
        for index in 0..count {
            let entry = ifd0 + 2 + index * 12;
            if reader.u16_at(entry)? == GPS_IFD_POINTER {
                found = Some(reader.u32_at(entry + 8)? as usize);
                break;
            }
        }
        match found {
            Some(found) => found,
            None => return Ok(false),
        }
    };
    // Every value the GPS entries point to, then the entries themselves.
    let mut blank = Vec::new();
    {
        let reader = Tiff {
            bytes: tiff,
            little,
        };
        let count = usize::from(reader.u16_at(gps_offset)?);
        for index in 0..count {
            let entry = gps_offset + 2 + index * 12;
            let kind = reader.u16_at(entry + 2)?;
            let values = reader.u32_at(entry + 4)? as usize;
            let size = values.saturating_mul(type_size(kind));
            if size > 4 {
                let at = reader.u32_at(entry + 8)? as usize;
                if at.checked_add(size).is_none_or(|end| end > tiff.len()) {
                    return Err(corrupt("a GPS value points outside the EXIF segment"));
                }
                blank.push(at..at + size);
            }
        }
        let entries_end = gps_offset + 2 + count * 12;
        if entries_end > tiff.len() {
            return Err(corrupt("the GPS directory runs past the EXIF segment"));
        }
        // Keep the directory's 2-byte count (set to zero below) and the
        // 4-byte link to a next directory (zeroed: there is none).
        blank.push(gps_offset + 2..entries_end);
        if entries_end + 4 <= tiff.len() {
            blank.push(entries_end..entries_end + 4);
        }
    }
    for range in blank {
        tiff[range].fill(0);
    }
    // The pointer stays and names an empty directory: a valid EXIF that
    // readers parse as "no GPS" (removing the entry would move bytes).
    tiff[gps_offset..gps_offset + 2].fill(0);
    Ok(true)
}

/// Blanks (with spaces, so the XML stays well-formed) every `exif:GPS…`
/// attribute or element of an XMP packet; true if there was one.
fn blank_xmp_gps(packet: &mut [u8]) -> bool {
    const NEEDLE: &[u8] = b"exif:GPS";
    let mut found = false;
    let mut at = 0;
    while let Some(pos) = find(&packet[at..], NEEDLE).map(|p| p + at) {
        found = true;
        // `exif:GPSLatitude="…"` or `<exif:GPSLatitude>…</exif:GPSLatitude>`.
        let is_element = pos > 0 && packet[pos - 1] == b'<';
        let start = if is_element { pos - 1 } else { pos };
        let end = if is_element {
            let name_end = packet[pos..]
                .iter()
                .position(|&b| b == b'>' || b == b' ' || b == b'/')
                .map_or(packet.len(), |p| p + pos);
            let name = packet[pos..name_end].to_vec();
            let mut closing = b"</".to_vec();
            closing.extend_from_slice(&name);
            closing.push(b'>');
            find(&packet[name_end..], &closing)
                .map(|p| p + name_end + closing.len())
                .or_else(|| {
                    // `<exif:GPSLatitude/>`, or a broken packet: to the tag's end.
                    packet[name_end..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map(|p| p + name_end + 1)
                })
                .unwrap_or(packet.len())
        } else {
            // Through the attribute's closing quote.
            let quote_at = packet[pos..]
                .iter()
                .position(|&b| b == b'"' || b == b'\'')
                .map(|p| p + pos);
            match quote_at {
                Some(q) => packet[q + 1..]
                    .iter()
                    .position(|&b| b == packet[q])
                    .map_or(packet.len(), |p| p + q + 2),
                None => packet.len(),
            }
        };
        packet[start..end].fill(b' ');
        at = end;
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_gps_properties_are_blanked_and_the_rest_kept() {
        let mut xmp = br#"<rdf:Description exif:GPSLatitude="48,51.4N" tiff:Make="Nokia"><exif:GPSLongitude>2,21.1E</exif:GPSLongitude><dc:title>Party</dc:title></rdf:Description>"#.to_vec();
        let len = xmp.len();
        assert!(blank_xmp_gps(&mut xmp));
        let text = String::from_utf8(xmp).expect("still text");
        assert_eq!(text.len(), len, "nothing moves");
        assert!(!text.contains("GPS") && !text.contains("48,51") && !text.contains("2,21"));
        assert!(
            text.contains(r#"tiff:Make="Nokia""#) && text.contains("<dc:title>Party</dc:title>")
        );
    }

    #[test]
    fn a_file_that_is_not_a_jpeg_is_refused() {
        assert!(strip_location(b"GIF89a....").is_err());
        assert!(
            strip_location(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF]).is_err(),
            "cut off"
        );
    }
}
