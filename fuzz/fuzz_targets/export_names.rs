//! The export name sanitizer with arbitrary guest strings: every name it
//! makes must be one safe path component, and every path the allocator
//! hands out must stay inside the export and be unique (case-insensitively).
#![no_main]

use std::collections::HashSet;
use std::path::{Component, Path};

use klikt_api::export::names::{render, safe_component, validate_template, NameFields, PathAllocator};
use libfuzzer_sys::fuzz_target;

fn assert_safe(name: &str) {
    assert!(!name.is_empty() && name.len() <= 255, "{name:?}");
    assert!(unicode_normalization::is_nfc(name), "{name:?}");
    assert!(!name.contains(['/', '\\']) && !name.chars().any(char::is_control), "{name:?}");
    assert!(name != "." && name != ".." && !name.ends_with(['.', ' ']), "{name:?}");
}

fuzz_target!(|text: &str| {
    // Pieces separated by NUL: uploader, original name, folder, template.
    let pieces: Vec<&str> = text.split('\0').collect();
    let piece = |i: usize| pieces.get(i).copied().unwrap_or("");
    assert_safe(&safe_component(piece(0), "guest"));
    let fields = NameFields {
        date: Some("2025-06-01"),
        time: Some("12-00-00"),
        uploader: Some(piece(0)),
        seq: 1,
        ext: "jpg",
        original_stem: piece(1),
        id: 1,
    };
    let template = if validate_template(piece(3)).is_ok() { piece(3) } else { "{uploader}_{original}.{ext}" };
    let name = render(template, &fields);
    assert_safe(&name);
    let mut paths = PathAllocator::new();
    let mut seen = HashSet::new();
    for folder in [None, Some(piece(2)), Some(piece(0))] {
        for file in [name.as_str(), piece(1), piece(0)] {
            let path = paths.allocate(folder, file);
            assert!(
                Path::new(&path).components().all(|c| matches!(c, Component::Normal(_))),
                "{path:?} leaves the export"
            );
            assert!(seen.insert(path.to_lowercase()), "{path:?} twice");
        }
    }
});
