//! HEIF and video go through external tools found at runtime; without them
//! the import still succeeds with a "no preview" / placeholder state.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use klikt_media::{render, Format, Limits, MediaError, Preview, Rendered, Source, Tools};

fn render_file(
    format: Format,
    path: &Path,
    tools: &Tools,
    limits: &Limits,
) -> Result<Rendered, MediaError> {
    render(format, &Source { path, bytes: None }, 1, limits, tools)
}

#[test]
fn heic_without_libheif_is_kept_with_no_preview() {
    let bytes = common::corpus_bytes("heic/IMG_5195.HEIC");
    let out = common::render_bytes(
        Format::Heif,
        Path::new("IMG_5195.HEIC"),
        &bytes,
        1,
        &Tools::none(),
    )
    .unwrap_or_else(|e| panic!("a HEIC without a decoder must still import: {e}"));
    assert_eq!(
        out.preview,
        Preview::NoDecoder,
        "no libheif means no preview, not an error"
    );
    assert!(
        out.thumbnail.is_none() && out.display.is_none(),
        "no renditions without a decoder"
    );
    assert_eq!(
        (out.width, out.height),
        (Some(2566), Some(3313)),
        "the size still comes from the HEIF ispe box"
    );
}

#[test]
fn iphone_heic_size_accounts_for_its_rotation() {
    let bytes = common::corpus_bytes("heic/mobile/iphone_13_pro_max.HEIC");
    let out = common::render_bytes(Format::Heif, Path::new("x.HEIC"), &bytes, 6, &Tools::none())
        .unwrap_or_else(|e| panic!("must import without a decoder: {e}"));
    assert_eq!(
        (out.width, out.height),
        (Some(3024), Some(4032)),
        "ispe 4032×3024 with irot 270° is displayed portrait"
    );
}

#[test]
fn heic_with_libheif_gets_an_upright_thumbnail() {
    let Some(heif) = common::tool_or_note(Tools::detect().heif, "libheif (heif-dec/heif-convert)")
    else {
        return;
    };
    let tools = Tools {
        heif: Some(heif),
        ffmpeg: None,
    };
    let path = common::corpus_path("heic/mobile/iphone_13_pro_max.HEIC");
    let bytes = common::corpus_bytes("heic/mobile/iphone_13_pro_max.HEIC");
    // Orientation 6 is what its EXIF says; it must not be applied on top of irot.
    let out = common::render_bytes(Format::Heif, &path, &bytes, 6, &tools)
        .unwrap_or_else(|e| panic!("libheif must decode an iPhone HEIC: {e}"));
    assert_eq!(
        out.preview,
        Preview::Ready,
        "with libheif the HEIC gets renditions"
    );
    let thumb = common::decode_jpeg(
        out.thumbnail.as_deref().unwrap_or_default(),
        "HEIC thumbnail",
    );
    assert_eq!(
        thumb.dimensions(),
        (384, 512),
        "portrait once irot is applied, and only once"
    );
    assert_eq!(
        (out.width, out.height),
        (Some(3024), Some(4032)),
        "full displayed size"
    );
    let from_path = render_file(Format::Heif, &path, &tools, &Limits::default())
        .unwrap_or_else(|e| panic!("a HEIC given by path must render too: {e}"));
    assert_eq!(
        from_path.preview,
        Preview::Ready,
        "path input works like bytes"
    );
}

#[test]
fn heif_decoder_failure_is_a_tool_error() {
    let Some(heif) = common::tool_or_note(Tools::detect().heif, "libheif") else {
        return;
    };
    let tools = Tools {
        heif: Some(heif),
        ffmpeg: None,
    };
    let mut bytes = common::corpus_bytes("heic/samplefilehub.heif");
    bytes.truncate(bytes.len() / 2);
    match common::render_bytes(Format::Heif, Path::new("half.heif"), &bytes, 1, &tools) {
        Err(MediaError::Tool { tool, .. }) => {
            assert!(
                tool.starts_with("heif-"),
                "the failing tool is named, got {tool}"
            )
        }
        other => panic!("a truncated HEIF must fail as a Tool error, got {other:?}"),
    }
}

/// Makes a test video with ffmpeg's built-in pattern source.
fn make_video(ffmpeg: &Path, dir: &Path, name: &str, seconds: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let status = Command::new(ffmpeg)
        .args(["-nostdin", "-v", "error", "-f", "lavfi", "-i"])
        .arg("testsrc=size=320x240:rate=10")
        .args(["-t", seconds, "-pix_fmt", "yuv420p"])
        .args(extra)
        .arg(&out)
        .stdin(Stdio::null())
        .status()
        .expect("running ffmpeg to make a test clip");
    assert!(
        status.success(),
        "ffmpeg must be able to make the {name} test clip"
    );
    out
}

#[test]
fn video_without_ffmpeg_gets_a_placeholder() {
    let out = render_file(
        Format::Mp4,
        Path::new("/nonexistent/clip.mp4"),
        &Tools::none(),
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("a video without ffmpeg must still import: {e}"));
    assert_eq!(
        out.preview,
        Preview::Placeholder,
        "no ffmpeg means a placeholder, not an error"
    );
    assert!(
        out.thumbnail.is_none() && out.display.is_none(),
        "no renditions without ffmpeg"
    );
}

/// The installed ffmpeg and a tool set holding only it; None (with a note)
/// when ffmpeg is not installed.
fn ffmpeg_only() -> Option<(std::path::PathBuf, Tools)> {
    let ffmpeg = common::tool_or_note(Tools::detect().ffmpeg, "ffmpeg")?;
    let tools = Tools {
        heif: None,
        ffmpeg: Some(ffmpeg.clone()),
    };
    Some((ffmpeg, tools))
}

#[test]
fn video_with_ffmpeg_gets_a_poster_frame() {
    let Some((ffmpeg, tools)) = ffmpeg_only() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir for test clips");

    let clip = make_video(&ffmpeg, dir.path(), "clip.mp4", "2", &[]);
    let out = render_file(Format::Mp4, &clip, &tools, &Limits::default())
        .unwrap_or_else(|e| panic!("a 2 s MP4 must get a poster: {e}"));
    assert_eq!(
        out.preview,
        Preview::Ready,
        "ffmpeg present: poster renditions"
    );
    assert_eq!(
        (out.width, out.height),
        (Some(320), Some(240)),
        "size of the video frame"
    );
    let thumb = common::decode_jpeg(
        out.thumbnail.as_deref().unwrap_or_default(),
        "poster thumbnail",
    );
    assert_eq!(
        thumb.dimensions(),
        (320, 240),
        "a 320 px frame is not upscaled"
    );

    let short = make_video(
        &ffmpeg,
        dir.path(),
        "short.webm",
        "0.3",
        &["-c:v", "libvpx", "-b:v", "200k"],
    );
    let out = render_file(Format::WebM, &short, &tools, &Limits::default()).unwrap_or_else(|e| {
        panic!("a clip shorter than the 1 s seek must still get a poster: {e}")
    });
    assert_eq!(
        out.preview,
        Preview::Ready,
        "the first frame is the fallback poster"
    );

    let bytes = std::fs::read(&clip).expect("reading the clip back");
    let out = common::render_bytes(
        Format::Mp4,
        Path::new("archive-entry.mp4"),
        &bytes,
        1,
        &tools,
    )
    .unwrap_or_else(|e| panic!("in-memory video bytes must render: {e}"));
    assert_eq!(
        out.preview,
        Preview::Ready,
        "bytes are used when the path is not a real file"
    );
}

#[test]
fn rotated_phone_video_poster_is_upright() {
    let Some((ffmpeg, tools)) = ffmpeg_only() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir for test clips");
    let upright = make_video(&ffmpeg, dir.path(), "upright.mov", "2", &[]);
    // Phones record sensor-oriented frames plus a display matrix; ffmpeg
    // writes one when remuxing with a rotate tag.
    let clip = dir.path().join("rotated.mov");
    let status = Command::new(&ffmpeg)
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(&upright)
        .args(["-c", "copy", "-metadata:s:v:0", "rotate=90"])
        .arg(&clip)
        .stdin(Stdio::null())
        .status()
        .expect("running ffmpeg to tag the clip as rotated");
    assert!(
        status.success(),
        "ffmpeg must be able to tag the test clip as rotated"
    );
    let out = render_file(Format::QuickTime, &clip, &tools, &Limits::default())
        .unwrap_or_else(|e| panic!("a rotated MOV must get a poster: {e}"));
    assert_eq!(
        (out.width, out.height),
        (Some(240), Some(320)),
        "the container's 90° display matrix is applied by ffmpeg"
    );
}

#[test]
fn broken_video_is_a_tool_error_and_hanging_is_impossible() {
    let Some((ffmpeg, tools)) = ffmpeg_only() else {
        return;
    };
    let garbage = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2 and then nothing useful".repeat(50);
    let result = common::render_bytes(Format::Mp4, Path::new("broken.mp4"), &garbage, 1, &tools);
    match result {
        Err(e @ MediaError::Tool { .. }) => {
            assert!(e.to_string().starts_with("ffmpeg failed"), "{e}")
        }
        other => panic!("an undecodable MP4 must be a Tool error, got {other:?}"),
    }

    let dir = tempfile::tempdir().expect("temp dir for test clips");
    let clip = make_video(&ffmpeg, dir.path(), "clip.mp4", "1", &[]);
    let limits = Limits {
        tool_timeout: Duration::from_millis(1),
        ..Limits::default()
    };
    let started = Instant::now();
    let result = render_file(Format::Mp4, &clip, &tools, &limits);
    assert!(
        matches!(result, Err(MediaError::Tool { .. })),
        "a tool over its time limit is stopped and reported: got {result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the timeout must be enforced promptly"
    );
}
