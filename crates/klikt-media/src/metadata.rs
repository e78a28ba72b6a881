//! EXIF facts the library shows and sorts by: when, with what camera, which
//! way up, and where. Camera files are full of blank, mistyped and
//! out-of-range values, so every field is validated and dropped rather than
//! trusted.

use std::io::Cursor;

use exif::{Exif, In, Tag, Value};

/// What the library keeps from a file's EXIF block.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// ISO 8601 local time of capture, with the UTC offset when the camera
    /// recorded one: `2008-05-30T15:56:01` or `2008-05-30T15:56:01+02:00`.
    pub captured_at: Option<String>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    /// EXIF Orientation, 1..=8; 1 when missing or out of range.
    pub orientation: u16,
    /// Decimal degrees, negative for south.
    pub gps_lat: Option<f64>,
    /// Decimal degrees, negative for west.
    pub gps_lon: Option<f64>,
}

impl Default for Metadata {
    fn default() -> Self {
        Metadata {
            captured_at: None,
            camera_make: None,
            camera_model: None,
            // 1 is "stored upright", the only safe reading of a missing tag.
            orientation: 1,
            gps_lat: None,
            gps_lon: None,
        }
    }
}

/// Reads EXIF from JPEG, TIFF, PNG, WebP or HEIF bytes. Never fails: a file
/// without readable EXIF yields [`Metadata::default`], and a damaged block
/// still yields the fields that could be read.
pub fn read_metadata(bytes: &[u8]) -> Metadata {
    match read_exif(bytes) {
        Some(exif) => from_exif(&exif),
        None => Metadata::default(),
    }
}

fn read_exif(bytes: &[u8]) -> Option<Exif> {
    let mut reader = exif::Reader::new();
    // Files from the wild often have one broken IFD entry; losing every field
    // to it would hide the capture date of an otherwise fine photo.
    reader.continue_on_error(true);
    match reader.read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => Some(exif),
        Err(err) => err.distill_partial_result(|_| {}).ok(),
    }
}

fn from_exif(exif: &Exif) -> Metadata {
    let (gps_lat, gps_lon) = gps(exif);
    Metadata {
        captured_at: captured_at(exif),
        camera_make: text(exif, Tag::Make),
        camera_model: text(exif, Tag::Model),
        orientation: orientation(exif),
        gps_lat,
        gps_lon,
    }
}

fn orientation(exif: &Exif) -> u16 {
    exif.get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u16::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
        .unwrap_or(1)
}

/// A text tag, trimmed and NUL-free; `None` when blank. Some cameras store
/// text as UNDEFINED or BYTE, so those are read too.
fn text(exif: &Exif, tag: Tag) -> Option<String> {
    let field = exif.get_field(tag, In::PRIMARY)?;
    match &field.value {
        Value::Ascii(parts) => parts.iter().find_map(|p| clean_text(p)),
        Value::Undefined(bytes, _) | Value::Byte(bytes) => clean_text(bytes),
        _ => None,
    }
}

fn clean_text(bytes: &[u8]) -> Option<String> {
    let decoded = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        // EXIF says ASCII, old cameras wrote Latin-1; map bytes 1:1 to code
        // points instead of replacing them with U+FFFD.
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    let without_nul: String = decoded.chars().filter(|&c| c != '\0').collect();
    let trimmed = without_nul.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// DateTimeOriginal is when the shutter fired; the other two are fallbacks
/// (scan or edit time) for files that lack it. Each date pairs only with its
/// own offset tag, because mixing them could shift the time by hours.
fn captured_at(exif: &Exif) -> Option<String> {
    [
        (Tag::DateTimeOriginal, Tag::OffsetTimeOriginal),
        (Tag::DateTimeDigitized, Tag::OffsetTimeDigitized),
        (Tag::DateTime, Tag::OffsetTime),
    ]
    .into_iter()
    .find_map(|(date_tag, offset_tag)| {
        let local = parse_exif_datetime(&text(exif, date_tag)?)?;
        let offset = text(exif, offset_tag).and_then(|o| parse_exif_offset(&o));
        Some(match offset {
            Some(offset) => format!("{local}{offset}"),
            None => local,
        })
    })
}

/// `"2008:05:30 15:56:01"` → `"2008-05-30T15:56:01"`. Separators are taken
/// loosely (some writers use `-` or `/`); the numbers are checked strictly so
/// the all-zero and blank placeholders cameras write come out as `None`.
pub(crate) fn parse_exif_datetime(raw: &str) -> Option<String> {
    let mut groups = raw
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty());
    let mut next = |max_len: usize| -> Option<(u32, usize)> {
        let g = groups.next()?;
        if g.len() > max_len {
            return None;
        }
        Some((g.parse().ok()?, g.len()))
    };
    let (year, year_len) = next(4)?;
    let (month, _) = next(2)?;
    let (day, _) = next(2)?;
    let (hour, _) = next(2)?;
    let (minute, _) = next(2)?;
    let (second, _) = next(2)?;
    let valid = year_len == 4
        && year >= 1
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 59;
    valid.then(|| format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// `"+02:00"` / `"-05:30"`, validated against the real range of UTC offsets.
pub(crate) fn parse_exif_offset(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let sign = match raw.chars().next()? {
        c @ ('+' | '-') => c,
        _ => return None,
    };
    let (hours, minutes) = raw.get(1..)?.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    (hours <= 14 && minutes <= 59).then(|| format!("{sign}{hours:02}:{minutes:02}"))
}

fn gps(exif: &Exif) -> (Option<f64>, Option<f64>) {
    let lat = coordinate(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, 90.0, 'N', 'S');
    let lon = coordinate(
        exif,
        Tag::GPSLongitude,
        Tag::GPSLongitudeRef,
        180.0,
        'E',
        'W',
    );
    match (lat, lon) {
        // Receivers without a fix write zeros; a photo taken exactly at
        // 0°N 0°E in the Gulf of Guinea is far less likely than that.
        (Some(a), Some(b)) if a == 0.0 && b == 0.0 => (None, None),
        // Half a position cannot be put on a map.
        (Some(a), Some(b)) => (Some(a), Some(b)),
        _ => (None, None),
    }
}

fn coordinate(
    exif: &Exif,
    value_tag: Tag,
    ref_tag: Tag,
    max_degrees: f64,
    positive: char,
    negative: char,
) -> Option<f64> {
    let field = exif.get_field(value_tag, In::PRIMARY)?;
    let parts: Vec<f64> = match &field.value {
        Value::Rational(v) => v
            .iter()
            .map(|r| (r.denom != 0).then(|| r.to_f64()))
            .collect::<Option<_>>()?,
        Value::SRational(v) => v
            .iter()
            .map(|r| (r.denom != 0).then(|| r.to_f64()))
            .collect::<Option<_>>()?,
        Value::Double(v) => v.clone(),
        Value::Float(v) => v.iter().map(|&f| f64::from(f)).collect(),
        _ => return None,
    };
    let degrees = *parts.first()?;
    let minutes = parts.get(1).copied().unwrap_or(0.0);
    let seconds = parts.get(2).copied().unwrap_or(0.0);
    if [degrees, minutes, seconds]
        .iter()
        .any(|v| !v.is_finite() || *v < 0.0)
    {
        return None;
    }
    let magnitude = degrees + minutes / 60.0 + seconds / 3600.0;
    if magnitude > max_degrees {
        return None;
    }
    // A missing reference is read as N/E, as other readers do; an unknown
    // letter means the tag is garbage and the position cannot be trusted.
    let sign = match text(exif, ref_tag).and_then(|r| r.chars().next()) {
        None => 1.0,
        Some(c) if c.eq_ignore_ascii_case(&positive) => 1.0,
        Some(c) if c.eq_ignore_ascii_case(&negative) => -1.0,
        Some(_) => return None,
    };
    Some(sign * magnitude)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_datetime_becomes_iso_8601() {
        assert_eq!(
            parse_exif_datetime("2008:05:30 15:56:01").as_deref(),
            Some("2008-05-30T15:56:01"),
            "the standard EXIF layout must convert field by field"
        );
    }

    #[test]
    fn placeholder_and_impossible_dates_are_rejected() {
        for raw in [
            "0000:00:00 00:00:00",
            "    :  :     :  :  ",
            "",
            "2008:02:30 10:00:00",
            "2007:02:29 10:00:00",
            "2008:13:01 10:00:00",
            "2008:05:30 24:00:00",
            "2008:05:30",
            "20080:05:30 10:00:00",
        ] {
            assert_eq!(parse_exif_datetime(raw), None, "{raw:?} is no real moment");
        }
        assert!(
            parse_exif_datetime("2008:02:29 10:00:00").is_some(),
            "2008 is a leap year, so Feb 29 is valid"
        );
    }

    #[test]
    fn offsets_are_validated_and_normalised() {
        assert_eq!(
            parse_exif_offset("+02:00").as_deref(),
            Some("+02:00"),
            "plain offset"
        );
        assert_eq!(
            parse_exif_offset(" -05:30 ").as_deref(),
            Some("-05:30"),
            "padding is trimmed"
        );
        for raw in ["", "   :  ", "02:00", "+2:00", "+25:00", "+02:75"] {
            assert_eq!(parse_exif_offset(raw), None, "{raw:?} is not a UTC offset");
        }
    }

    #[test]
    fn garbage_bytes_give_defaults() {
        assert_eq!(
            read_metadata(b"definitely not an image"),
            Metadata::default(),
            "unreadable EXIF must yield defaults, not an error"
        );
        assert_eq!(
            Metadata::default().orientation,
            1,
            "missing orientation means upright"
        );
    }

    #[test]
    fn latin1_text_is_kept_readable() {
        assert_eq!(
            clean_text(b"K\xf6nig\0\0 ").as_deref(),
            Some("König"),
            "Latin-1 maps 1:1"
        );
        assert_eq!(clean_text(b"\0\0  \0"), None, "blank text is no value");
    }
}
