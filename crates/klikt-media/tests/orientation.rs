//! The corpus stores one scene with each EXIF orientation 1..=8; after
//! rendering, all eight must look the same and be upright.

mod common;

/// Per-channel mean absolute difference (brightness offset removed) allowed
/// between two renditions of the same scene. The corpus' `_1` files were
/// exported ~13 levels brighter than `_2`..`_8`, hence the centring; beyond
/// that, re-encoding differs by a few levels while a flipped or turned
/// picture differs by tens.
const SAME_PICTURE: f64 = 10.0;

/// `_2`..`_8` were exported alike, so between them only JPEG noise remains.
const SAME_EXPORT: f64 = 6.0;

fn thumbnail_of(name: &str) -> image::RgbImage {
    let out = common::render_corpus_still(&format!("jpg/orientation/{name}.jpg"));
    common::decode_jpeg(
        out.thumbnail.as_deref().unwrap_or_default(),
        &format!("{name} thumbnail"),
    )
}

fn assert_same_export_alike(prefix: &str) {
    let second = thumbnail_of(&format!("{prefix}_2"));
    for n in 3..=8 {
        let name = format!("{prefix}_{n}");
        let diff = common::mean_abs_diff(&thumbnail_of(&name), &second);
        assert!(
            diff < SAME_EXPORT,
            "{name}: thumbnail differs from {prefix}_2 by {diff:.1}/255 per channel; it is flipped or turned wrong"
        );
    }
}

fn assert_all_alike(prefix: &str) {
    let reference = common::render_corpus_still(&format!("jpg/orientation/{prefix}_1.jpg"));
    let ref_thumb = common::decode_jpeg(
        reference.thumbnail.as_deref().unwrap_or_default(),
        &format!("{prefix}_1 thumbnail"),
    );
    let ref_display = common::decode_jpeg(
        reference.display.as_deref().unwrap_or_default(),
        &format!("{prefix}_1 display"),
    );
    for n in 2..=8 {
        let name = format!("{prefix}_{n}");
        let out = common::render_corpus_still(&format!("jpg/orientation/{name}.jpg"));
        assert_eq!(
            (out.width, out.height),
            (reference.width, reference.height),
            "{name}: displayed size must match {prefix}_1 once turned upright"
        );
        for (what, jpeg, expected) in [
            ("thumbnail", &out.thumbnail, &ref_thumb),
            ("display", &out.display, &ref_display),
        ] {
            let image = common::decode_jpeg(
                jpeg.as_deref().unwrap_or_default(),
                &format!("{name} {what}"),
            );
            assert_eq!(
                image.dimensions(),
                expected.dimensions(),
                "{name}: {what} must have {prefix}_1's dimensions, i.e. be turned upright"
            );
            let diff = common::centered_mean_abs_diff(&image, expected);
            let mirrored =
                common::centered_mean_abs_diff(&image::imageops::flip_horizontal(&image), expected);
            assert!(
                diff < SAME_PICTURE,
                "{name}: {what} differs from {prefix}_1 by {diff:.1}/255 per channel; it is flipped or turned wrong"
            );
            assert!(
                mirrored > 2.0 * SAME_PICTURE,
                "{name}: a mirrored {what} must fail the same check ({mirrored:.1}), or the check proves nothing"
            );
        }
    }
}

#[test]
fn landscape_photos_come_out_upright_for_every_orientation() {
    assert_all_alike("landscape");
    assert_same_export_alike("landscape");
}

#[test]
fn portrait_photos_come_out_upright_for_every_orientation() {
    assert_all_alike("portrait");
    assert_same_export_alike("portrait");
}

#[test]
fn upright_reference_has_expected_sizes() {
    let landscape = common::render_corpus_still("jpg/orientation/landscape_1.jpg");
    assert_eq!(
        (landscape.width, landscape.height),
        (Some(600), Some(450)),
        "landscape_1 is stored 600×450 and upright"
    );
    let portrait = common::render_corpus_still("jpg/orientation/portrait_6.jpg");
    assert_eq!(
        (portrait.width, portrait.height),
        (Some(450), Some(600)),
        "portrait_6 is stored 600×450 and displayed turned a quarter"
    );
}

#[test]
fn upright_rgb8_turns_a_quarter_clockwise_for_orientation_6() {
    // 2×1 stored: [red, blue]; orientation 6 means the top of the scene is
    // on the stored image's left, so upright is 1×2: red on top.
    let stored = [255, 0, 0, 0, 0, 255];
    let (pixels, w, h) =
        klikt_media::orientation::upright_rgb8(&stored, 2, 1, 6).expect("buffer matches 2×1");
    assert_eq!((w, h), (1, 2), "a quarter turn swaps width and height");
    assert_eq!(
        pixels,
        vec![255, 0, 0, 0, 0, 255],
        "stored left becomes displayed top"
    );
    assert!(
        klikt_media::orientation::upright_rgb8(&stored, 3, 1, 6).is_none(),
        "a buffer shorter than width × height × 3 must be refused, not indexed"
    );
}
