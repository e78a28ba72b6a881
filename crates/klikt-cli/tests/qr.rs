//! `klikt qr EVENT --out FILE`: the share URL's QR code for print, as SVG or
//! PNG by the file's extension, read back with a QR decoder.

mod common;

use common::remote::*;
use common::{klikt, run};

/// The share URL the server gave the pulled event.
fn share_url(fx: &Fixture) -> String {
    let out = run(klikt(fx.lib()).args(["events", "--remote", "--json"]));
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    events
        .as_array()
        .expect("a list")
        .iter()
        .find(|e| e["remote_id"] == fx.event.as_str())
        .and_then(|e| e["share_url"].as_str())
        .expect("the event has a share URL")
        .to_owned()
}

fn decode(png: &std::path::Path) -> String {
    let image = image::open(png).expect("a readable PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the code decodes").1
}

#[test]
fn the_png_qr_code_decodes_to_the_events_share_url() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    let (out, _) = fx.pull();
    assert!(out.status.success(), "pull: {}", stderr(&out));
    let png = fx.lib().join("print/qr.png");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();

    let out = run(klikt(fx.lib())
        .args(["qr", fx.event.as_str(), "--out"])
        .arg(&png));
    assert!(out.status.success(), "qr: {}", stderr(&out));

    assert_eq!(decode(&png), share_url(&fx));
    let size = image::image_dimensions(&png).unwrap();
    assert!(
        size.0 >= 1024 && size.0 == size.1,
        "square, print-sized: {size:?}"
    );
}

#[test]
fn the_svg_qr_code_is_an_svg_document() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    let (out, _) = fx.pull();
    assert!(out.status.success(), "pull: {}", stderr(&out));
    let svg = fx.lib().join("qr.svg");

    let out = run(klikt(fx.lib())
        .args(["qr", fx.event.as_str(), "--out"])
        .arg(&svg));
    assert!(out.status.success(), "qr: {}", stderr(&out));

    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("<svg"), "{}", &text[..text.len().min(200)]);
    assert!(
        text.contains("#000000") && text.contains("#ffffff"),
        "dark on white"
    );
}

#[test]
fn an_unknown_extension_or_a_local_event_is_refused_in_words() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    let (out, _) = fx.pull();
    assert!(out.status.success(), "pull: {}", stderr(&out));

    let out = run(klikt(fx.lib())
        .args(["qr", fx.event.as_str(), "--out"])
        .arg(fx.lib().join("qr.gif")));
    assert!(!out.status.success());
    assert!(stderr(&out).contains(".svg or .png"), "{}", stderr(&out));

    let imported = run(klikt(fx.lib())
        .args(["import", "--event", "Local only"])
        .arg(photos.path()));
    assert!(imported.status.success(), "{}", stderr(&imported));
    let out = run(klikt(fx.lib())
        .args(["qr", "Local only", "--out"])
        .arg(fx.lib().join("qr.png")));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no share URL"), "{}", stderr(&out));
    assert!(!fx.lib().join("qr.png").exists(), "nothing written");
}
