//! File names in an export: the name template, and guest-supplied text made
//! safe as a path component on every OS, so that no path can leave the
//! export folder and no two files can land on one name.
//!
//! Uploader names and original file names are typed by guests: they are
//! untrusted. The rules, used by `export/mod.rs`:
//!
//! - [`validate_template`]: `Err` names the problem: empty, contains `/` or
//!   `\`, an unknown `{placeholder}`, an unbalanced brace. A template with
//!   neither `{seq}` nor `{original}` is allowed: collisions get a suffix.
//! - [`render`]: fills `{date}` (YYYY-MM-DD), `{time}` (HH-MM-SS),
//!   `{uploader}`, `{seq}` (zero-padded to 4 digits), `{ext}` (lowercase,
//!   no dot), `{original}` (the original file name's stem) and `{id}` (the
//!   media id); `{{` and `}}` are literal braces. Each value goes through the
//!   character rules below before insertion, and the whole name through
//!   [`safe_component`], so it is always exactly one component.
//! - [`safe_component`]: NFC; control characters (C0, DEL, C1) and bidi
//!   controls (U+200E/F, U+202A–202E, U+2066–2069, U+061C) removed;
//!   `< > : " / \ | ? *` replaced by `_`; leading/trailing spaces, leading dots (a hidden file) and
//!   trailing dots trimmed; `.`, `..` and empty become the fallback; Windows
//!   device names (CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM0–9, LPT0–9 and
//!   their superscript-digit forms, in any case, with any extension) get a
//!   `_` prefix; at most 255 bytes of UTF-8, cut on a char boundary, keeping
//!   an extension of up to 16 bytes.
//! - [`PathAllocator::allocate`]: a relative path `folder/file_name`, unique
//!   among every path (files and folders) allocated so far, compared in
//!   Unicode lowercase so a case-insensitive disk (Windows, macOS) cannot
//!   merge two files; a collision becomes `stem (2).ext`, `stem (3).ext`, …,
//!   still at most 255 bytes. Deterministic: the same calls in the same
//!   order give the same paths, so a resumed export finds its files again.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

// Also what a bad template renders as: `render` is only called with a
// validated template, but a name must come out safe even if that is ever not so.
use super::types::DEFAULT_TEMPLATE;

/// The longest file name NTFS, APFS and ext4 all accept (in UTF-8 bytes;
/// NTFS counts UTF-16 units, which are never more than UTF-8 bytes).
const MAX_NAME_BYTES: usize = 255;

/// Longer "extensions" are more likely a dot inside a sentence than a type,
/// and keeping them whole could eat the whole name when cutting.
const MAX_EXT_BYTES: usize = 16;

/// Used when both the text and the caller's fallback clean to nothing, so
/// that the result is never empty whatever the caller passes.
const LAST_RESORT: &str = "_";

/// The fallbacks of a name whose input is blank (or only dots): the caller
/// of `allocate` should already pass safe names, this only keeps the
/// guarantee when it does not.
const FILE_FALLBACK: &str = "file";
const FOLDER_FALLBACK: &str = "folder";

/// Forbidden in a Windows file name; `/` and `\` are also the separators.
const FORBIDDEN: [char; 9] = ['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// What one exported file's name is made of.
#[derive(Debug, Clone, Copy)]
pub struct NameFields<'a> {
    /// `2025-06-01`: the capture date, else the upload date. None: `undated`.
    pub date: Option<&'a str>,
    /// `14-03-22`. None: `00-00-00`.
    pub time: Option<&'a str>,
    /// The guest's name. None or blank: `guest`.
    pub uploader: Option<&'a str>,
    /// 1-based position in the export, rendered as at least 4 digits: `0001`.
    pub seq: u32,
    /// `jpg`: lowercased, a leading dot stripped; empty: `bin`.
    pub ext: &'a str,
    /// The guest's original file name without its extension.
    pub original_stem: &'a str,
    pub id: i64,
}

/// Checks a name template before any file is named with it; `Err` says what
/// is wrong in words the organizer can act on.
pub fn validate_template(template: &str) -> Result<(), String> {
    if template.trim().is_empty() {
        return Err("the name template is empty".to_owned());
    }
    // Folders come from the layout; a separator in the template would be
    // replaced by `_` anyway, so say so rather than surprise the organizer.
    if let Some(sep) = template.chars().find(|c| matches!(c, '/' | '\\')) {
        return Err(format!(
            "the name template contains `{sep}`: it names one file, folders come from the layout"
        ));
    }
    parse(template).map(|_| ())
}

/// The file name for one item: the template filled with `fields`, made one
/// safe component. Assumes `validate_template(template)` passed.
pub fn render(template: &str, fields: &NameFields<'_>) -> String {
    // An unvalidated bad template still gives meaningful, safe names rather
    // than a panic or a name full of braces.
    let pieces = parse(template)
        .or_else(|_| parse(DEFAULT_TEMPLATE))
        .unwrap_or_default();
    let ext = ext_value(fields.ext);
    let seq = format!("{:04}", fields.seq);
    let mut name = String::new();
    for piece in &pieces {
        match piece {
            Piece::Text(text) => name.push_str(text),
            Piece::Field(Field::Date) => name.push_str(&field_value(fields.date, "undated")),
            Piece::Field(Field::Time) => name.push_str(&field_value(fields.time, "00-00-00")),
            Piece::Field(Field::Uploader) => {
                name.push_str(&field_value(fields.uploader, "guest"));
            }
            Piece::Field(Field::Seq) => name.push_str(&seq),
            Piece::Field(Field::Ext) => name.push_str(&ext),
            Piece::Field(Field::Original) => {
                name.push_str(&field_value(Some(fields.original_stem), "untitled"));
            }
            Piece::Field(Field::Id) => name.push_str(&fields.id.to_string()),
        }
    }
    // A template of literal dots, or fields that clean to dots, leaves
    // nothing: fall back to a name that still has the seq and the type.
    safe_component(&name, &format!("file_{seq}.{ext}"))
}

/// `raw` made a single file or folder name that is valid and means the same
/// on Windows, macOS and Linux (see the module doc for the rules); `fallback`
/// (made safe the same way) when nothing usable is left.
pub fn safe_component(raw: &str, fallback: &str) -> String {
    finish(clean_chars(raw))
        .or_else(|| finish(clean_chars(fallback)))
        .unwrap_or_else(|| LAST_RESORT.to_owned())
}

/// Hands out the relative paths of one export, each unique on any disk.
#[derive(Debug, Default)]
pub struct PathAllocator {
    /// The lowercase of every path handed out, folders included: a file
    /// cannot share its name with a folder beside it either.
    taken: HashSet<String>,
    /// Lowercase folder asked for -> the folder it was given, so `Anna` and
    /// `anna` share one folder, spelled the same on every disk.
    folders: HashMap<String, String>,
    /// Lowercase path asked for -> the next suffix to try, so that a
    /// template without `{seq}` costs one look-up per file, not one per
    /// earlier file of the same name.
    next_suffix: HashMap<String, u64>,
}

impl PathAllocator {
    pub fn new() -> Self {
        Self::default()
    }

    /// A relative path (`/`-separated) for `file_name` in `folder` (None:
    /// the export's root), unique among every path allocated so far. Both
    /// are made safe again, so even unsafe input stays inside the export.
    pub fn allocate(&mut self, folder: Option<&str>, file_name: &str) -> String {
        let name = safe_component(file_name, FILE_FALLBACK);
        let prefix = match folder {
            None => String::new(),
            Some(raw) => format!("{}/", self.folder(raw)),
        };
        self.claim(&prefix, &name, true)
    }

    fn folder(&mut self, raw: &str) -> String {
        let safe = safe_component(raw, FOLDER_FALLBACK);
        let key = safe.to_lowercase();
        if let Some(folder) = self.folders.get(&key) {
            return folder.clone();
        }
        // A folder's dots are part of its name ("J.R. Smith"), not a type.
        let folder = self.claim("", &safe, false);
        self.folders.insert(key, folder.clone());
        folder
    }

    /// `prefix + name`, or the first free `name (n)`, marked taken.
    fn claim(&mut self, prefix: &str, name: &str, keep_ext: bool) -> String {
        let asked = format!("{prefix}{name}").to_lowercase();
        let mut n = self.next_suffix.get(&asked).copied().unwrap_or(1);
        // Ends: `taken` is finite and each turn tries a new suffix.
        loop {
            let candidate = if n == 1 {
                name.to_owned()
            } else {
                with_suffix(name, n, keep_ext)
            };
            let path = format!("{prefix}{candidate}");
            if self.taken.insert(path.to_lowercase()) {
                self.next_suffix.insert(asked, n + 1);
                return path;
            }
            n += 1;
        }
    }
}

/// `name (n).ext` (or `name (n)`), the stem cut so it stays within 255 bytes.
fn with_suffix(name: &str, n: u64, keep_ext: bool) -> String {
    let suffix = format!(" ({n})");
    match split_ext(name).filter(|_| keep_ext) {
        Some((stem, ext)) => {
            let budget = MAX_NAME_BYTES.saturating_sub(suffix.len() + 1 + ext.len());
            format!("{}{suffix}.{ext}", prefix_within(stem, budget))
        }
        None => {
            let budget = MAX_NAME_BYTES.saturating_sub(suffix.len());
            format!("{}{suffix}", prefix_within(name, budget))
        }
    }
}

/// NFC, invisible characters removed, forbidden characters replaced.
fn clean_chars(raw: &str) -> String {
    // Invisible characters go before NFC: between a letter and its accent
    // they would block the composition and leave the result not NFC.
    // Replacing after NFC keeps it NFC: `_` composes with nothing.
    raw.chars()
        .filter(|&c| !is_invisible(c))
        .nfc()
        .map(|c| if FORBIDDEN.contains(&c) { '_' } else { c })
        .collect()
}

/// Control characters cannot be typed in a file manager and some are
/// invalid on Windows; bidi controls make `photo\u{202E}gpj.exe` display as
/// `photoexe.jpg`.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}'
        )
}

/// A cleaned name trimmed, un-reserved and cut to size; None when nothing
/// is left.
fn finish(mut name: String) -> Option<String> {
    // Each step can undo another: a cut can leave a trailing dot or expose a
    // device name (`NUL` + 300 spaces + `x.jpg` cuts to `NUL.jpg`), and the
    // `_` prefix adds a byte. Ends within three turns: after a cut the name
    // fits, and after the prefix it starts with `_`, which no step removes,
    // so it is never a device name again.
    loop {
        trim(&mut name);
        if name.is_empty() {
            return None;
        }
        if is_reserved(&name) {
            name.insert(0, '_');
        }
        if name.len() <= MAX_NAME_BYTES {
            return Some(name);
        }
        name = cut(&name);
    }
}

/// Windows drops trailing dots and spaces (`a.` opens `a`), leading spaces
/// are invisible in every file manager, and a leading dot would hide a
/// guest's photo from the organizer on Linux and macOS.
fn trim(name: &mut String) {
    let end = name.trim_end_matches(['.', ' ']).len();
    name.truncate(end);
    let start = name.len() - name.trim_start_matches(['.', ' ']).len();
    name.replace_range(..start, "");
}

/// Windows opens a device, not a file, for these names whatever extension
/// follows the first dot and whatever spaces precede it (`nul .txt`).
fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    if ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
        .iter()
        .any(|device| stem.eq_ignore_ascii_case(device))
    {
        return true;
    }
    let mut chars = stem.chars();
    let head: String = chars.by_ref().take(3).collect();
    let (Some(digit), None) = (chars.next(), chars.next()) else {
        return false;
    };
    (head.eq_ignore_ascii_case("COM") || head.eq_ignore_ascii_case("LPT"))
        && matches!(digit, '0'..='9' | '¹' | '²' | '³')
}

/// `name` cut to 255 bytes, keeping its extension when it has a short one,
/// so the cut file still opens with the right program.
fn cut(name: &str) -> String {
    if let Some((stem, ext)) = split_ext(name) {
        let budget = MAX_NAME_BYTES.saturating_sub(ext.len() + 1);
        let stem = prefix_within(stem, budget).trim_end_matches(['.', ' ']);
        // A stem of only dots would leave a hidden `.ext`: cut the whole.
        if !stem.is_empty() {
            return format!("{stem}.{ext}");
        }
    }
    prefix_within(name, MAX_NAME_BYTES).to_owned()
}

/// Stem and extension (without the dot) when the name has an extension of
/// at most 16 bytes; a leading dot does not start one (`.profile`).
fn split_ext(name: &str) -> Option<(&str, &str)> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= MAX_EXT_BYTES).then_some((stem, ext))
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char
/// boundary.
fn prefix_within(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// A field's value for the template: the character rules and trimming of
/// `safe_component`, but not the device-name prefix (a field is only part of
/// the name: `2025-06-01_CON_0001.jpg` is fine) nor the length limit (the
/// whole name is cut).
fn field_value(raw: Option<&str>, fallback: &str) -> String {
    let mut value = clean_chars(raw.unwrap_or_default());
    trim(&mut value);
    if value.is_empty() {
        fallback.to_owned()
    } else {
        value
    }
}

fn ext_value(raw: &str) -> String {
    let raw = raw.strip_prefix('.').unwrap_or(raw).to_lowercase();
    field_value(Some(&raw), "bin")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Date,
    Time,
    Uploader,
    Seq,
    Ext,
    Original,
    Id,
}

const FIELDS: [(&str, Field); 7] = [
    ("date", Field::Date),
    ("time", Field::Time),
    ("uploader", Field::Uploader),
    ("seq", Field::Seq),
    ("ext", Field::Ext),
    ("original", Field::Original),
    ("id", Field::Id),
];

#[derive(Debug)]
enum Piece {
    Text(String),
    Field(Field),
}

/// The template as literal text and placeholders; `Err` for an unknown
/// placeholder or an unbalanced brace, at a 1-based character position.
fn parse(template: &str) -> Result<Vec<Piece>, String> {
    let position = |at: usize| template.get(..at).unwrap_or_default().chars().count() + 1;
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' if chars.next_if(|&(_, next)| next == '{').is_some() => text.push('{'),
            '}' if chars.next_if(|&(_, next)| next == '}').is_some() => text.push('}'),
            '}' => {
                return Err(format!(
                    "unbalanced `}}` at character {}: write `}}}}` for a literal brace",
                    position(at)
                ));
            }
            '{' => {
                let rest = template.get(at + 1..).unwrap_or_default();
                let unbalanced = || {
                    format!(
                        "unbalanced `{{` at character {}: close it with `}}`, or write `{{{{` for a literal brace",
                        position(at)
                    )
                };
                let close = rest.find('}').ok_or_else(unbalanced)?;
                let name = rest.get(..close).unwrap_or_default();
                if name.contains('{') {
                    return Err(unbalanced());
                }
                let field = FIELDS
                    .iter()
                    .find(|(known, _)| *known == name)
                    .map(|&(_, field)| field)
                    .ok_or_else(|| {
                        let known: Vec<String> = FIELDS
                            .iter()
                            .map(|(known, _)| format!("{{{known}}}"))
                            .collect();
                        format!(
                            "unknown placeholder `{{{name}}}`: the placeholders are {}",
                            known.join(" ")
                        )
                    })?;
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Field(field));
                // Skip the name and its `}`.
                let end = at + 1 + close;
                for (i, _) in chars.by_ref() {
                    if i == end {
                        break;
                    }
                }
            }
            _ => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use std::path::{Component, Path};

    use proptest::prelude::*;
    use unicode_normalization::is_nfc;

    use super::*;

    const EXAMPLE: NameFields<'static> = NameFields {
        date: Some("2025-06-01"),
        time: Some("14-03-22"),
        uploader: Some("Anna"),
        seq: 1,
        ext: "jpg",
        original_stem: "IMG_0042",
        id: 42,
    };

    fn safe(raw: &str) -> String {
        safe_component(raw, "fallback")
    }

    /// How many components a path has, or None if one is not a plain name
    /// (`..`, a root, a Windows prefix) or was dropped (`.`).
    fn normal_components(path: &str) -> Option<usize> {
        let components: Vec<Component<'_>> = Path::new(path).components().collect();
        let all_normal = components.iter().all(|c| matches!(c, Component::Normal(_)));
        (all_normal && components.len() == path.split('/').count()).then_some(components.len())
    }

    /// Written out again rather than calling `is_reserved`, so a mistake
    /// there is not repeated here.
    fn is_device_name(name: &str) -> bool {
        let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
        let mut devices: Vec<String> = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
            .iter()
            .map(|d| d.to_string())
            .collect();
        for port in ["COM", "LPT"] {
            for digit in "0123456789¹²³".chars() {
                devices.push(format!("{port}{digit}"));
            }
        }
        devices.iter().any(|d| stem.eq_ignore_ascii_case(d))
    }

    fn assert_safe(name: &str) {
        assert!(!name.is_empty(), "empty: {name:?}");
        assert!(name.len() <= 255, "{} bytes: {name:?}", name.len());
        assert!(is_nfc(name), "not NFC: {name:?}");
        assert!(
            !name
                .chars()
                .any(|c| c == '/' || c == '\\' || is_invisible(c)),
            "separator or invisible character: {name:?}"
        );
        assert!(
            !name.chars().any(|c| FORBIDDEN.contains(&c)),
            "Windows-forbidden character: {name:?}"
        );
        assert!(name != "." && name != "..", "dot name: {name:?}");
        assert!(
            !name.ends_with('.') && !name.ends_with(' '),
            "trailing dot or space: {name:?}"
        );
        assert!(!is_device_name(name), "device name: {name:?}");
    }

    #[test]
    fn parent_references_stay_one_component() {
        let name = safe("../../x");
        assert_eq!(name, "_.._x");
        assert_eq!(normal_components(&name), Some(1));
        assert_eq!(safe("..\\..\\x"), "_.._x");
    }

    #[test]
    fn separators_become_underscores() {
        assert_eq!(safe("a/b"), "a_b");
        assert_eq!(safe("a\\b"), "a_b");
        assert_eq!(safe("/etc/passwd"), "_etc_passwd");
    }

    #[test]
    fn device_names_get_an_underscore_prefix() {
        assert_eq!(safe("CON"), "_CON");
        assert_eq!(safe("con.txt"), "_con.txt");
        assert_eq!(safe("LPT1"), "_LPT1");
        assert_eq!(safe("nul.tar.gz"), "_nul.tar.gz");
        assert_eq!(safe("Com¹.jpg"), "_Com¹.jpg");
        assert_eq!(safe("aux .txt"), "_aux .txt");
        assert_eq!(safe("CONOUT$"), "_CONOUT$");
    }

    #[test]
    fn names_that_only_start_like_devices_are_kept() {
        assert_eq!(safe("CONSOLE.txt"), "CONSOLE.txt");
        assert_eq!(safe("LPT10"), "LPT10");
        assert_eq!(safe("my con.txt"), "my con.txt");
        assert_eq!(safe("photo.con"), "photo.con");
    }

    #[test]
    fn bidi_override_is_removed_so_the_real_extension_shows() {
        assert_eq!(safe("photo\u{202E}gpj.exe"), "photogpj.exe");
        assert_eq!(safe("a\u{200E}b\u{2067}c\u{061C}d"), "abcd");
    }

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(safe("a\u{0}b\u{7F}c\u{85}d\ne\tf"), "abcdef");
    }

    #[test]
    fn windows_forbidden_characters_become_underscores() {
        assert_eq!(safe("14:03:22"), "14_03_22");
        assert_eq!(safe("a<b>c\"d|e?f*g"), "a_b_c_d_e_f_g");
        assert_eq!(safe("C:\\x"), "C__x");
    }

    #[test]
    fn long_ascii_name_is_cut_to_255_bytes_keeping_its_extension() {
        let name = safe(&format!("{}.jpg", "a".repeat(300)));
        assert_eq!(name.len(), 255);
        assert!(name.ends_with("aaa.jpg"), "{name}");
    }

    #[test]
    fn long_multibyte_name_is_cut_on_a_char_boundary() {
        let name = safe(&"é".repeat(150));
        assert_eq!(name, "é".repeat(127));
        let name = safe(&format!("{}.jpeg", "é".repeat(150)));
        assert_eq!(name, format!("{}.jpeg", "é".repeat(125)));
        assert!(name.len() <= 255);
    }

    #[test]
    fn overlong_extension_is_not_kept_whole() {
        let name = safe(&format!("a.{}", "b".repeat(300)));
        assert_eq!(name.len(), 255);
        assert!(name.starts_with("a.b"));
    }

    #[test]
    fn cut_that_exposes_a_device_name_is_prefixed() {
        let name = safe(&format!("NUL{}x.jpg", " ".repeat(300)));
        assert_eq!(name, "_NUL.jpg");
    }

    #[test]
    fn trailing_dots_and_spaces_and_leading_spaces_are_trimmed() {
        assert_eq!(safe("photo. . "), "photo");
        assert_eq!(safe("  photo.jpg  "), "photo.jpg");
        assert_eq!(safe("photo.jpg..."), "photo.jpg");
    }

    #[test]
    fn leading_dots_are_dropped_so_no_photo_is_hidden_or_taken_for_a_partial_file() {
        assert_eq!(safe(".hidden.jpg"), "hidden.jpg");
        assert_eq!(safe("..photo"), "photo");
        assert_eq!(safe(".klikt-partial-x.jpg"), "klikt-partial-x.jpg");
    }

    #[test]
    fn only_dots_or_spaces_become_the_fallback() {
        assert_eq!(safe("."), "fallback");
        assert_eq!(safe(".."), "fallback");
        assert_eq!(safe("....."), "fallback");
        assert_eq!(safe(" . . "), "fallback");
    }

    #[test]
    fn empty_becomes_the_fallback() {
        assert_eq!(safe(""), "fallback");
        assert_eq!(safe("\u{202E}\u{0}"), "fallback");
    }

    #[test]
    fn unsafe_fallback_is_made_safe_too() {
        assert_eq!(safe_component("", "../CON"), "_CON");
        assert_eq!(safe_component("", "CON"), "_CON");
        assert_eq!(safe_component("..", ".."), "_");
    }

    #[test]
    fn decomposed_input_becomes_nfc() {
        assert_eq!(safe("Rene\u{301}e.jpg"), "Renée.jpg");
        // A bidi mark between a letter and its accent must not block that.
        assert_eq!(safe("e\u{200E}\u{301}"), "é");
    }

    #[test]
    fn safe_component_is_idempotent_on_examples() {
        for raw in ["../../x", "CON", "photo. ", "Rene\u{301}e", "a:b", "é"] {
            let once = safe(raw);
            assert_eq!(safe(&once), once);
        }
    }

    #[test]
    fn default_template_renders_the_example() {
        assert_eq!(
            render("{date}_{time}_{uploader}_{seq}.{ext}", &EXAMPLE),
            "2025-06-01_14-03-22_Anna_0001.jpg"
        );
        assert_eq!(
            render(DEFAULT_TEMPLATE, &EXAMPLE),
            "2025-06-01_14-03-22_Anna_0001.jpg"
        );
    }

    #[test]
    fn missing_fields_render_their_fallbacks() {
        let fields = NameFields {
            date: None,
            time: None,
            uploader: Some("   "),
            seq: 42,
            ext: "",
            original_stem: "",
            id: 7,
        };
        assert_eq!(
            render(DEFAULT_TEMPLATE, &fields),
            "undated_00-00-00_guest_0042.bin"
        );
        assert_eq!(render("{original}-{id}", &fields), "untitled-7");
        let fields = NameFields {
            uploader: None,
            ..fields
        };
        assert_eq!(render("{uploader}", &fields), "guest");
    }

    #[test]
    fn every_placeholder_renders() {
        let fields = NameFields {
            seq: 12345,
            ext: ".JPG",
            ..EXAMPLE
        };
        assert_eq!(
            render(
                "{date} {time} {uploader} {seq} {original} {id}.{ext}",
                &fields
            ),
            "2025-06-01 14-03-22 Anna 12345 IMG_0042 42.jpg"
        );
    }

    #[test]
    fn doubled_braces_are_literal() {
        assert_eq!(validate_template("{{{seq}}}.{ext}"), Ok(()));
        assert_eq!(render("{{{seq}}}.{ext}", &EXAMPLE), "{0001}.jpg");
        assert_eq!(render("}}{{", &EXAMPLE), "}{");
    }

    #[test]
    fn hostile_uploader_stays_inside_the_name() {
        let fields = NameFields {
            uploader: Some("../../etc/CON\u{202E}"),
            ..EXAMPLE
        };
        let name = render(DEFAULT_TEMPLATE, &fields);
        assert_eq!(name, "2025-06-01_14-03-22__.._etc_CON_0001.jpg");
        assert_eq!(normal_components(&name), Some(1));
    }

    #[test]
    fn template_that_renders_to_dots_falls_back_with_seq_and_type() {
        let fields = NameFields {
            uploader: Some("..."),
            ..EXAMPLE
        };
        assert_eq!(render("{uploader}", &fields), "guest");
        assert_eq!(render("..", &EXAMPLE), "file_0001.jpg");
    }

    #[test]
    fn device_name_from_a_field_is_prefixed_only_at_the_start() {
        let fields = NameFields {
            original_stem: "con",
            ..EXAMPLE
        };
        assert_eq!(render("{original}.{ext}", &fields), "_con.jpg");
        assert_eq!(render("{seq}_{original}.{ext}", &fields), "0001_con.jpg");
    }

    #[test]
    fn long_rendered_name_is_cut_keeping_the_extension() {
        let long = "é".repeat(200);
        let fields = NameFields {
            uploader: Some(&long),
            ..EXAMPLE
        };
        let name = render(DEFAULT_TEMPLATE, &fields);
        assert!(name.len() <= 255);
        assert!(name.ends_with("é.jpg"), "{name}");
    }

    #[test]
    fn bad_template_still_renders_a_safe_name() {
        assert_eq!(
            render("{nope}", &EXAMPLE),
            "2025-06-01_14-03-22_Anna_0001.jpg"
        );
        assert_eq!(
            render("{date", &EXAMPLE),
            "2025-06-01_14-03-22_Anna_0001.jpg"
        );
    }

    #[test]
    fn unknown_placeholder_is_rejected() {
        let err = validate_template("{date}_{camera}.{ext}").unwrap_err();
        assert!(err.contains("{camera}"), "{err}");
        assert!(err.contains("{seq}"), "lists the known ones: {err}");
        assert!(validate_template("{ date }").is_err());
        assert!(validate_template("{}").is_err());
        assert!(validate_template("{Date}").is_err());
    }

    #[test]
    fn unbalanced_braces_are_rejected() {
        for template in ["{date", "date}", "{da{te}", "{seq}}", "{{seq}", "x{"] {
            let err = validate_template(template).unwrap_err();
            assert!(err.contains("unbalanced"), "{template}: {err}");
        }
        let err = validate_template("ab}").unwrap_err();
        assert!(err.contains("character 3"), "{err}");
    }

    #[test]
    fn empty_template_is_rejected() {
        assert!(validate_template("").is_err());
        assert!(validate_template("   ").is_err());
    }

    #[test]
    fn separator_in_template_is_rejected() {
        assert!(validate_template("{uploader}/{seq}.{ext}").is_err());
        assert!(validate_template("{uploader}\\{seq}.{ext}").is_err());
    }

    #[test]
    fn template_without_seq_or_original_is_allowed() {
        assert_eq!(validate_template("{date}.{ext}"), Ok(()));
        assert_eq!(validate_template("photo.jpg"), Ok(()));
        assert_eq!(validate_template(DEFAULT_TEMPLATE), Ok(()));
    }

    #[test]
    fn collisions_get_numbered_suffixes() {
        let mut paths = PathAllocator::new();
        assert_eq!(paths.allocate(None, "a.jpg"), "a.jpg");
        assert_eq!(paths.allocate(None, "a.jpg"), "a (2).jpg");
        assert_eq!(paths.allocate(None, "a.jpg"), "a (3).jpg");
        assert_eq!(paths.allocate(None, "b"), "b");
        assert_eq!(paths.allocate(None, "b"), "b (2)");
    }

    #[test]
    fn collisions_are_case_insensitive() {
        let mut paths = PathAllocator::new();
        assert_eq!(paths.allocate(None, "A.jpg"), "A.jpg");
        assert_eq!(paths.allocate(None, "a.jpg"), "a (2).jpg");
        assert_eq!(paths.allocate(None, "A.JPG"), "A (3).JPG");
        assert_eq!(paths.allocate(None, "É.jpg"), "É.jpg");
        assert_eq!(paths.allocate(None, "é.jpg"), "é (2).jpg");
    }

    #[test]
    fn suffix_skips_a_name_already_taken_literally() {
        let mut paths = PathAllocator::new();
        assert_eq!(paths.allocate(None, "a (2).jpg"), "a (2).jpg");
        assert_eq!(paths.allocate(None, "a.jpg"), "a.jpg");
        assert_eq!(paths.allocate(None, "a.jpg"), "a (3).jpg");
    }

    #[test]
    fn collision_on_a_255_byte_name_still_fits() {
        let long = format!("{}.jpg", "é".repeat(125));
        assert_eq!(long.len(), 254);
        let long = format!("x{long}");
        let mut paths = PathAllocator::new();
        assert_eq!(paths.allocate(None, &long), long);
        for n in 2..=12 {
            let path = paths.allocate(None, &long);
            assert!(path.len() <= 255, "{} bytes", path.len());
            assert!(path.ends_with(&format!(" ({n}).jpg")), "{path}");
            assert_safe(&path);
        }
    }

    #[test]
    fn same_folder_in_another_case_is_one_folder() {
        let mut paths = PathAllocator::new();
        assert_eq!(paths.allocate(Some("Anna"), "a.jpg"), "Anna/a.jpg");
        assert_eq!(paths.allocate(Some("anna"), "A.jpg"), "Anna/A (2).jpg");
        assert_eq!(paths.allocate(Some("Ben"), "a.jpg"), "Ben/a.jpg");
    }

    #[test]
    fn file_and_folder_never_share_a_name() {
        let mut paths = PathAllocator::new();
        assert_eq!(paths.allocate(None, "Anna"), "Anna");
        assert_eq!(paths.allocate(Some("anna"), "a.jpg"), "anna (2)/a.jpg");
        assert_eq!(paths.allocate(Some("Ben"), "a.jpg"), "Ben/a.jpg");
        assert_eq!(paths.allocate(None, "ben"), "ben (2)");
    }

    #[test]
    fn unsafe_folder_and_name_stay_inside_the_export() {
        let mut paths = PathAllocator::new();
        let path = paths.allocate(Some("../.."), "../../etc/passwd");
        assert_eq!(path, "_/_.._etc_passwd");
        assert_eq!(normal_components(&path), Some(2));
        let path = paths.allocate(Some(".."), "..");
        assert_eq!(path, "folder/file");
        assert_eq!(normal_components(&path), Some(2));
        assert_eq!(paths.allocate(Some("a/b"), ""), "a_b/file");
        assert_eq!(paths.allocate(Some("A.B."), "x.jpg"), "A.B/x.jpg");
    }

    #[test]
    fn folder_collision_suffix_ignores_dots() {
        let mut paths = PathAllocator::new();
        assert_eq!(paths.allocate(None, "J.R"), "J.R");
        assert_eq!(paths.allocate(Some("j.r"), "x.jpg"), "j.r (2)/x.jpg");
    }

    #[test]
    fn same_calls_give_the_same_paths() {
        let calls = [
            (None, "a.jpg"),
            (Some("Anna"), "a.jpg"),
            (None, "A.jpg"),
            (Some("anna"), "a.jpg"),
            (None, "anna"),
        ];
        let run = || {
            let mut paths = PathAllocator::new();
            calls
                .iter()
                .map(|(folder, name)| paths.allocate(*folder, name))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }

    /// Strings assembled from the pieces that break naive sanitizers, plus
    /// any char now and then.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            3 => prop::sample::select(vec![
                "..", ".", "/", "\\", "CON", "con", "LPT1", "com³", "NUL", "aux ", " ",
                "é", "e\u{301}", "\u{301}", "\u{338}", "<", ">", ":", "\"", "|", "?", "*",
                "\u{202E}", "\u{200E}", "\u{2066}", "\u{0}", "\u{85}", "\n", "İ", "ß",
                "\u{1100}", "\u{1161}", "\u{11A8}", "a", "x.txt", ".jpg", "(2)",
            ])
            .prop_map(str::to_owned),
            1 => prop::sample::select(vec!["é", "a", " ", ".", "日"])
                .prop_flat_map(|s| (1usize..140).prop_map(move |n| s.repeat(n))),
            1 => any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    fn any_name() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), hostile()]
    }

    proptest! {
        #[test]
        fn safe_component_output_is_always_safe(raw in any_name(), fallback in any_name()) {
            let name = safe_component(&raw, &fallback);
            assert_safe(&name);
            prop_assert_eq!(normal_components(&name), Some(1));
            prop_assert_eq!(safe_component(&name, &fallback), name);
        }

        #[test]
        fn any_string_is_made_safe(raw in any::<String>()) {
            assert_safe(&safe_component(&raw, "f"));
        }

        #[test]
        fn rendered_names_are_always_safe(
            template in any_name(),
            uploader in any_name(),
            original in any_name(),
            ext in any_name(),
            seq in any::<u32>(),
            id in any::<i64>(),
        ) {
            let fields = NameFields {
                date: Some("2025-06-01"),
                time: None,
                uploader: Some(&uploader),
                seq,
                ext: &ext,
                original_stem: &original,
                id,
            };
            assert_safe(&render(&template, &fields));
            assert_safe(&render(DEFAULT_TEMPLATE, &fields));
            let _ = validate_template(&template);
        }

        #[test]
        fn allocated_paths_are_unique_and_stay_inside(
            calls in prop::collection::vec(
                (
                    prop_oneof![
                        2 => Just(None),
                        2 => prop::sample::select(vec!["Anna", "anna", "ANNA", "a.jpg", "CON", "..", ""])
                            .prop_map(|f| Some(f.to_owned())),
                        1 => any_name().prop_map(Some),
                    ],
                    prop_oneof![
                        3 => prop::sample::select(vec![
                            "a.jpg", "A.JPG", "a (2).jpg", "anna", "Anna", "..", "", "con.txt",
                        ])
                        .prop_map(str::to_owned),
                        1 => Just(format!("{}.jpg", "é".repeat(125))),
                        1 => Just("x".repeat(255)),
                        2 => any_name(),
                    ],
                ),
                0..40,
            )
        ) {
            let mut paths = PathAllocator::new();
            let mut seen = HashSet::new();
            let mut files = Vec::new();
            for (folder, name) in &calls {
                let path = paths.allocate(folder.as_deref(), name);
                prop_assert!(seen.insert(path.to_lowercase()), "duplicate: {:?}", path);
                prop_assert!(normal_components(&path).is_some(), "escapes: {:?}", path);
                for component in path.split('/') {
                    assert_safe(component);
                }
                files.push(path);
            }
            // No file takes the name of a folder that holds another file.
            let folders: HashSet<String> = files
                .iter()
                .filter_map(|p| p.split_once('/').map(|(dir, _)| dir.to_lowercase()))
                .collect();
            for file in files.iter().filter(|p| !p.contains('/')) {
                prop_assert!(!folders.contains(&file.to_lowercase()), "file over folder: {:?}", file);
            }
        }
    }
}
