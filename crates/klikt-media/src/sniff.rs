//! What a file is, decided from its first bytes and never from its name:
//! guests rename, phones mislabel, and archives lose extensions.

use std::fmt;

/// The two kinds of media the library keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Photo,
    Video,
}

/// A container format the library accepts.
///
/// HEIC (HEVC-coded HEIF, what iPhones write) and other HEIF brands share
/// [`Format::Heif`]: both go through the same libheif decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Tiff,
    Gif,
    Heif,
    Mp4,
    QuickTime,
    WebM,
}

impl Format {
    /// Every supported format, for callers that list or test them all.
    pub const ALL: [Format; 9] = [
        Format::Jpeg,
        Format::Png,
        Format::WebP,
        Format::Tiff,
        Format::Gif,
        Format::Heif,
        Format::Mp4,
        Format::QuickTime,
        Format::WebM,
    ];

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
            Format::Tiff => "image/tiff",
            Format::Gif => "image/gif",
            Format::Heif => "image/heif",
            Format::Mp4 => "video/mp4",
            Format::QuickTime => "video/quicktime",
            Format::WebM => "video/webm",
        }
    }

    pub fn kind(self) -> MediaKind {
        match self {
            Format::Jpeg
            | Format::Png
            | Format::WebP
            | Format::Tiff
            | Format::Gif
            | Format::Heif => MediaKind::Photo,
            Format::Mp4 | Format::QuickTime | Format::WebM => MediaKind::Video,
        }
    }

    /// File extension (no dot) for originals written back out, e.g. on export.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Tiff => "tif",
            Format::Gif => "gif",
            Format::Heif => "heif",
            Format::Mp4 => "mp4",
            Format::QuickTime => "mov",
            Format::WebM => "webm",
        }
    }

    /// Human name used in error messages ("corrupt JPEG data").
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Tiff => "TIFF",
            Format::Gif => "GIF",
            Format::Heif => "HEIF",
            Format::Mp4 => "MP4",
            Format::QuickTime => "QuickTime",
            Format::WebM => "WebM",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How many leading bytes [`sniff`] wants; fewer are fine for short files.
pub const SNIFF_LEN: usize = 64;

/// Type from content, never from the file name. `head` is at least the first
/// 64 bytes (fewer if the file is shorter). `None` = not a supported type.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Format::Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Format::Png);
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Some(Format::Gif);
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Some(Format::WebP);
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        // Canon CR2 raws are TIFF underneath but their first IFD is a preview,
        // not the photo; claiming them would import a thumbnail as the image.
        if head.get(8..10) == Some(b"CR") {
            return None;
        }
        return Some(Format::Tiff);
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return sniff_ebml(head);
    }
    sniff_iso_bmff(head)
}

/// Matroska and WebM share the EBML magic; only the DocType tells them apart,
/// and it sits in the first few dozen bytes.
fn sniff_ebml(head: &[u8]) -> Option<Format> {
    head.windows(4)
        .any(|w| w == b"webm")
        .then_some(Format::WebM)
}

/// HEVC-coded HEIF image brands (what iPhones and most Android phones write).
const HEIC_BRANDS: &[&[u8; 4]] = &[
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
];
/// Generic HEIF structural brands: the codec could be HEVC, AV1 or JPEG.
const HEIF_BRANDS: &[&[u8; 4]] = &[b"mif1", b"msf1", b"mif2", b"miaf"];
/// AV1-coded HEIF: not a supported format, even though it shares HEIF's brands.
const AVIF_BRANDS: &[&[u8; 4]] = &[b"avif", b"avis", b"avio"];
/// ftyp major brands whose files are not photos or videos we take
/// (audio-only MPEG-4, JPEG 2000, Canon CR3 raw).
const FOREIGN_MAJOR_BRANDS: &[&[u8; 4]] = &[
    b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B ", b"jp2 ", b"jpm ", b"jpx ", b"crx ",
];
const MP4_BRANDS: &[&[u8; 4]] = &[
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9", b"mp41",
    b"mp42", b"mp71", b"avc1", b"M4V ", b"M4VH", b"M4VP", b"dash", b"f4v ", b"mmp4", b"MSNV",
    b"NDAS", b"XAVC", b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3ge6", b"3ge7", b"3gg6", b"3g2a",
    b"3g2b", b"3g2c",
];
/// First atoms of pre-ftyp QuickTime movies (old cameras write no ftyp box).
const QUICKTIME_LEADING_ATOMS: &[&[u8; 4]] =
    &[b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"];

/// ISO base media files (MP4, QuickTime, HEIF) all start with a box whose
/// brands, not the extension, say which of them it is.
fn sniff_iso_bmff(head: &[u8]) -> Option<Format> {
    let size = u32::from_be_bytes(head.get(0..4)?.try_into().ok()?) as usize;
    let box_type = head.get(4..8)?;
    if box_type != b"ftyp" {
        let classic_qt = size >= 8 && QUICKTIME_LEADING_ATOMS.iter().any(|a| a[..] == *box_type);
        return classic_qt.then_some(Format::QuickTime);
    }
    let major: &[u8] = head.get(8..12)?;
    // Compatible brands follow the 4-byte minor version; read only what both
    // the box and the head hold.
    let end = size.min(head.len());
    let compatible = head.get(16..end).unwrap_or(&[]).chunks_exact(4);
    let brands: Vec<&[u8]> = std::iter::once(major).chain(compatible).collect();
    let has = |set: &[&[u8; 4]]| brands.iter().any(|b| set.iter().any(|s| s[..] == **b));
    let major_is = |set: &[&[u8; 4]]| set.iter().any(|s| s[..] == *major);

    if major_is(FOREIGN_MAJOR_BRANDS) || major_is(AVIF_BRANDS) {
        return None;
    }
    if has(HEIC_BRANDS) {
        return Some(Format::Heif);
    }
    if major == b"qt  " {
        return Some(Format::QuickTime);
    }
    if has(HEIF_BRANDS) {
        return (!has(AVIF_BRANDS)).then_some(Format::Heif);
    }
    if has(MP4_BRANDS) {
        return Some(Format::Mp4);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len();
        let mut out = (size as u32).to_be_bytes().to_vec();
        out.extend_from_slice(b"ftyp");
        out.extend_from_slice(major);
        out.extend_from_slice(&[0, 0, 0, 0]);
        for b in compatible {
            out.extend_from_slice(*b);
        }
        out.extend_from_slice(&[0, 0, 0, 8, b'f', b'r', b'e', b'e']);
        out
    }

    #[test]
    fn truncated_heads_are_not_recognised_and_do_not_panic() {
        for len in 0..12 {
            let head = &ftyp(b"heic", &[b"mif1"])[..len];
            assert_eq!(sniff(head), None, "a {len}-byte head holds no brand yet");
        }
    }

    #[test]
    fn ftyp_box_longer_than_head_reads_only_available_brands() {
        let mut head = ftyp(b"isom", &[b"iso2", b"avc1", b"mp41"]);
        head[3] = 200;
        assert_eq!(
            sniff(&head),
            Some(Format::Mp4),
            "a box size past the head must not matter"
        );
    }

    #[test]
    fn iphone_heic_with_mif1_major_is_heif() {
        assert_eq!(
            sniff(&ftyp(b"mif1", &[b"mif1", b"heic"])),
            Some(Format::Heif),
            "mif1 + heic compatible brand is an HEIC photo"
        );
    }

    #[test]
    fn mif1_with_avif_brand_is_unsupported() {
        assert_eq!(
            sniff(&ftyp(b"mif1", &[b"avif", b"miaf"])),
            None,
            "AVIF shares mif1 but libheif may not decode it; it is not a supported format"
        );
    }
}
