//! Every file in the shared camera corpus either renders or returns a
//! MediaError: no panic, no hang, whatever the EXIF or the pixels hold.

mod common;

use std::time::{Duration, Instant};

use klikt_media::{read_metadata, sniff, Format, MediaKind, Preview, Tools};

#[test]
fn every_corpus_file_renders_or_fails_with_an_error() {
    let root = common::corpus();
    assert!(
        root.is_dir(),
        "the corpus must exist at {} (a sibling of the repo)",
        root.display()
    );
    let tools = Tools::detect();
    let (mut rendered, mut failed, mut unsupported) = (Vec::new(), Vec::new(), Vec::new());
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap_or_else(|e| panic!("corpus walk must not fail: {e}"));
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name} must be readable: {e}"));
        let metadata = read_metadata(&bytes);
        assert!(
            (1..=8).contains(&metadata.orientation),
            "{name}: orientation must always be a valid EXIF value, got {}",
            metadata.orientation
        );
        let Some(format) = sniff(&bytes) else {
            unsupported.push(name);
            continue;
        };
        let started = Instant::now();
        let result = common::render_bytes(format, path, &bytes, metadata.orientation, &tools);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{name}: a render must never come close to hanging"
        );
        match result {
            Ok(out) => {
                if out.preview == Preview::Ready {
                    for (what, jpeg) in [("thumbnail", &out.thumbnail), ("display", &out.display)] {
                        let jpeg = jpeg
                            .as_deref()
                            .unwrap_or_else(|| panic!("{name}: Ready must come with a {what}"));
                        common::decode_jpeg(jpeg, &format!("{name} {what}"));
                    }
                }
                rendered.push((name, out.preview));
            }
            Err(e) => {
                assert!(
                    !e.to_string().is_empty(),
                    "{name}: errors must explain themselves"
                );
                failed.push((name, e.to_string()));
            }
        }
    }
    eprintln!("rendered: {rendered:#?}\nfailed: {failed:#?}\nnot media: {unsupported:#?}");
    assert!(
        rendered.len() >= 70,
        "nearly the whole corpus must render, only {} did",
        rendered.len()
    );
    let failed_names: Vec<&str> = failed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        failed_names,
        vec!["jpg/corrupted.jpg"],
        "only the truncated JPEG is broken enough to refuse"
    );
    assert!(
        unsupported
            .iter()
            .all(|n| n.ends_with("README") || n.ends_with(".md")),
        "only the READMEs are not media: {unsupported:?}"
    );
}

#[test]
fn corrupted_jpeg_is_reported_as_corrupt_data() {
    let bytes = common::corpus_bytes("jpg/corrupted.jpg");
    let result = common::render_bytes(
        Format::Jpeg,
        &common::corpus_path("jpg/corrupted.jpg"),
        &bytes,
        1,
        &Tools::none(),
    );
    let message = match result {
        Err(e) => e.to_string(),
        Ok(r) => panic!(
            "a JPEG with damaged scan data must not pass as fine: {:?}",
            r.preview
        ),
    };
    assert_eq!(
        message, "corrupt JPEG data: premature end of data segment",
        "the user must read that the file itself is damaged, and why"
    );
}

#[test]
fn every_corpus_still_sniffs_as_a_photo() {
    for dir in ["jpg", "jpg/mobile", "jpg/orientation", "tiff", "heic"] {
        let path = common::corpus_path(dir);
        let entries = std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{dir} must exist: {e}"));
        for entry in entries.flatten() {
            let file = entry.path();
            if !file.is_file() || file.file_name().is_some_and(|n| n == "README") {
                continue;
            }
            let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{file:?} unreadable: {e}"));
            let format = sniff(&bytes);
            assert_eq!(
                format.map(Format::kind),
                Some(MediaKind::Photo),
                "{file:?} is a photo and must sniff as one"
            );
        }
    }
}
