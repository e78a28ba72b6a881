//! What import does with a guest's bytes: sniff the type, read EXIF, decode
//! and render the renditions (under small limits, so a decoder bomb must be
//! refused from its header, within the fuzzer's memory cap), and remove the
//! location. Any panic, hang or allocation past the cap is a finding.
#![no_main]

use std::path::Path;
use std::time::Duration;

use klikt_media::{read_metadata, render, sniff, strip_location, Limits, Source, Tools};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let metadata = read_metadata(bytes);
    let _ = strip_location(bytes);
    let Some(format) = sniff(bytes) else {
        return;
    };
    let limits = Limits {
        max_pixels: 24_000_000,
        max_alloc_bytes: 256 * 1024 * 1024,
        tool_timeout: Duration::from_secs(5),
    };
    let source = Source {
        path: Path::new("fuzz-input"),
        bytes: Some(bytes),
    };
    // External tools (libheif, ffmpeg) are not fuzzed here: only our own parsing.
    let _ = render(format, &source, metadata.orientation, &limits, &Tools::none());
});
