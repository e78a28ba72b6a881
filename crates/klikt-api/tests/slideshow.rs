//! The slideshow's deck and settings: only approved items, from the chosen
//! source, in the chosen base order; settings kept per event and checked.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use klikt_api::{
    Curation, Flag, ImportRequest, Klikt, MediaQuery, Moderation, Selection, SlideOrder,
    SlideSource, SlideshowSettings, Status, Transition,
};

fn photos() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/jpg/orientation");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    files.sort();
    files.truncate(8);
    files
}

fn library() -> (tempfile::TempDir, Klikt, Vec<i64>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let klikt = Klikt::open(dir.path().join("lib")).expect("library");
    let request = ImportRequest {
        event_name: "Show".into(),
        paths: photos(),
        status: Status::Pending,
    };
    klikt
        .import(&request, &mut |_| {}, &AtomicBool::new(false))
        .expect("import");
    let ids = klikt
        .media_ids("Show", &MediaQuery::default())
        .expect("ids");
    (dir, klikt, ids)
}

fn deck_ids(klikt: &Klikt) -> Vec<i64> {
    klikt
        .slide_deck("Show")
        .expect("deck")
        .slides
        .iter()
        .map(|s| s.id)
        .collect()
}

#[test]
fn only_approved_items_are_ever_in_the_deck() {
    let (_dir, klikt, ids) = library();
    assert!(deck_ids(&klikt).is_empty(), "imports arrive pending");
    klikt
        .moderate(
            "Show",
            &Selection::Ids(ids[..5].to_vec()),
            Moderation::Approve,
        )
        .expect("approve");
    assert_eq!(deck_ids(&klikt), ids[..5].to_vec());

    klikt
        .moderate("Show", &Selection::Ids(vec![ids[1]]), Moderation::Hide)
        .expect("hide");
    klikt
        .moderate("Show", &Selection::Ids(vec![ids[2]]), Moderation::Delete)
        .expect("delete");
    assert_eq!(
        deck_ids(&klikt),
        vec![ids[0], ids[3], ids[4]],
        "hidden and deleted leave the deck"
    );
    let deck = klikt.slide_deck("Show").expect("deck");
    assert!(
        deck.slides.iter().all(|s| s.showable),
        "every photo has a display rendition"
    );
    assert_eq!(deck.share_url, None, "a local event has no share URL");
}

#[test]
fn picks_favorites_and_a_collection_in_its_order_are_sources() {
    let (_dir, klikt, ids) = library();
    klikt
        .moderate("Show", &Selection::Ids(ids.clone()), Moderation::Approve)
        .expect("approve all");
    klikt
        .curate_many(&[ids[2], ids[5]], Curation::Flag(Flag::Picked))
        .expect("pick");
    klikt
        .curate(ids[7], Curation::Favorite(true))
        .expect("favorite");
    let album = klikt
        .create_collection("Show", "Album")
        .expect("collection");
    klikt
        .add_to_collection("Show", "Album", &[ids[6], ids[0], ids[3]])
        .expect("add");
    // A hidden member never shows, even from a collection.
    klikt
        .moderate("Show", &Selection::Ids(vec![ids[0]]), Moderation::Hide)
        .expect("hide");

    let set = |settings: SlideshowSettings| {
        klikt
            .set_slideshow_settings("Show", &settings)
            .expect("save");
        deck_ids(&klikt)
    };
    let base = SlideshowSettings::default();
    assert_eq!(
        set(SlideshowSettings {
            source: SlideSource::Picks,
            ..base.clone()
        }),
        vec![ids[2], ids[5]]
    );
    assert_eq!(
        set(SlideshowSettings {
            source: SlideSource::Favorites,
            ..base.clone()
        }),
        vec![ids[7]]
    );
    let manual = SlideshowSettings {
        source: SlideSource::Collection,
        collection: Some(album.id),
        order: SlideOrder::Manual,
        ..base
    };
    assert_eq!(
        set(manual),
        vec![ids[6], ids[3]],
        "the collection's order, approved only"
    );
}

#[test]
fn settings_are_kept_per_event_and_checked() {
    let (_dir, klikt, _ids) = library();
    assert_eq!(
        klikt.slideshow_settings("Show").expect("defaults"),
        SlideshowSettings::default()
    );
    let mine = SlideshowSettings {
        interval_seconds: 9,
        transition: Transition::KenBurns,
        order: SlideOrder::Shuffle,
        show_qr: false,
        live_interval_seconds: 30,
        monitor: Some("HDMI-1".into()),
        ..SlideshowSettings::default()
    };
    klikt.set_slideshow_settings("Show", &mine).expect("save");
    assert_eq!(klikt.slideshow_settings("Show").expect("read"), mine);

    for (bad, why) in [
        (
            SlideshowSettings {
                interval_seconds: 0,
                ..mine.clone()
            },
            "1 to 600",
        ),
        (
            SlideshowSettings {
                live_interval_seconds: 0,
                ..mine.clone()
            },
            "5 to 3600",
        ),
        (
            SlideshowSettings {
                source: SlideSource::Collection,
                collection: None,
                ..mine.clone()
            },
            "collection",
        ),
        (
            SlideshowSettings {
                order: SlideOrder::Manual,
                ..mine.clone()
            },
            "collection",
        ),
        (
            SlideshowSettings {
                source: SlideSource::Collection,
                collection: Some(999),
                ..mine.clone()
            },
            "no collection",
        ),
    ] {
        let err = klikt.set_slideshow_settings("Show", &bad).expect_err(why);
        assert!(err.to_string().contains(why), "{err} should say {why}");
    }
    assert_eq!(
        klikt.slideshow_settings("Show").expect("read"),
        mine,
        "a refused change keeps the old"
    );
}

#[test]
fn a_qr_code_holds_the_text_it_was_made_from() {
    let png = klikt_api::slideshow::qr_code(
        "https://klikt.example/e/evt_1#tok",
        klikt_api::QrFormat::Png(300),
    )
    .expect("png");
    let image = image::load_from_memory(&png).expect("a PNG").to_luma8();
    assert!(image.width() >= 300);
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    assert_eq!(
        grids[0].decode().expect("decodes").1,
        "https://klikt.example/e/evt_1#tok"
    );
}

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(path)
}

/// The PNG the show would get for the event's logo, decoded.
fn stored_logo(klikt: &Klikt) -> image::DynamicImage {
    let deck = klikt.slide_deck("Show").expect("deck");
    let file = klikt
        .slideshow_logo_file(deck.event_id)
        .expect("the event has a logo file");
    let bytes = std::fs::read(&file).expect("read the logo");
    assert_eq!(
        image::guess_format(&bytes).expect("a known format"),
        image::ImageFormat::Png,
        "the logo is kept as PNG, whatever came in"
    );
    image::load_from_memory(&bytes).expect("the stored logo decodes")
}

#[test]
fn a_corpus_photo_becomes_a_small_png_logo_named_by_the_event() {
    let (dir, klikt, _ids) = library();
    let deck = klikt.slide_deck("Show").expect("deck");
    assert_eq!(deck.logo, None, "no logo until one is chosen");
    assert_eq!(klikt.slideshow_logo("Show").expect("logo"), None);

    // A full-size phone photo stands in for an oversized logo.
    let source = corpus("jpg/mobile/HMD_Nokia_8.3_5G.jpg");
    let version = klikt
        .set_slideshow_logo("Show", &source)
        .expect("a photo is a usable logo");

    let logo = stored_logo(&klikt);
    assert!(
        logo.width().max(logo.height()) <= klikt_media::LOGO_MAX_EDGE,
        "shrunk to fit {} px: {}x{}",
        klikt_media::LOGO_MAX_EDGE,
        logo.width(),
        logo.height()
    );
    assert_eq!(
        logo.width().max(logo.height()),
        klikt_media::LOGO_MAX_EDGE,
        "a large image fills the bound"
    );
    let file = klikt.slideshow_logo_file(deck.event_id).expect("file");
    assert_eq!(
        file.file_name().and_then(|n| n.to_str()),
        Some(format!("logo-{}.png", deck.event_id).as_str()),
        "named by the event id, never the organizer's file name"
    );
    assert!(
        file.starts_with(dir.path().join("lib")),
        "kept in the library"
    );
    let leftovers: Vec<_> = std::fs::read_dir(file.parent().expect("folder"))
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file left: {leftovers:?}"
    );
    let deck = klikt.slide_deck("Show").expect("deck");
    assert_eq!(
        deck.logo.as_deref(),
        Some(version.as_str()),
        "the deck says there is a logo"
    );
    assert!(deck.settings.show_logo, "a chosen logo shows by default");

    klikt.remove_slideshow_logo("Show").expect("remove");
    assert_eq!(klikt.slide_deck("Show").expect("deck").logo, None);
    assert!(
        klikt.slideshow_logo_file(deck.event_id).is_none(),
        "the file is gone"
    );
    klikt
        .remove_slideshow_logo("Show")
        .expect("removing no logo is not an error");
}

#[test]
fn a_logo_keeps_its_transparency() {
    let (dir, klikt, _ids) = library();
    // 1200x300, opaque red on the left half, fully transparent on the right.
    let source = image::RgbaImage::from_fn(1200, 300, |x, _| {
        if x < 600 {
            image::Rgba([220, 20, 20, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let path = dir.path().join("brand.png");
    source.save(&path).expect("write the PNG");

    klikt.set_slideshow_logo("Show", &path).expect("a PNG logo");
    let logo = stored_logo(&klikt).to_rgba8();
    assert_eq!(logo.dimensions(), (512, 128), "shrunk, aspect kept");
    assert_eq!(
        logo.get_pixel(50, 64)[3],
        255,
        "the opaque part stays opaque"
    );
    assert_eq!(logo.get_pixel(50, 64)[0], 220, "and keeps its colour");
    assert_eq!(
        logo.get_pixel(460, 64)[3],
        0,
        "the transparent part stays transparent, not flattened on white"
    );
}

#[test]
fn a_broken_file_is_refused_with_a_message_naming_it() {
    let (dir, klikt, _ids) = library();
    // A PNG cut short after its header: it says PNG but has no pixels.
    let mut whole = Vec::new();
    image::RgbaImage::from_pixel(64, 64, image::Rgba([1, 2, 3, 255]))
        .write_to(
            &mut std::io::Cursor::new(&mut whole),
            image::ImageFormat::Png,
        )
        .expect("encode");
    let broken = dir.path().join("broken-logo.png");
    std::fs::write(&broken, &whole[..40]).expect("write");
    let err = klikt
        .set_slideshow_logo("Show", &broken)
        .expect_err("a truncated PNG is no logo");
    assert!(
        err.to_string().contains("broken-logo.png"),
        "the message names the file: {err}"
    );
    assert_eq!(err.code(), "invalid_input");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not an image").expect("write");
    let err = klikt
        .set_slideshow_logo("Show", &text)
        .expect_err("text is no logo");
    assert!(
        err.to_string().contains("notes.txt"),
        "names the file: {err}"
    );
    assert!(
        err.to_string().contains("PNG"),
        "says what to use instead: {err}"
    );
    assert_eq!(
        klikt.slide_deck("Show").expect("deck").logo,
        None,
        "a refused file leaves no logo"
    );
}

#[test]
fn forgetting_the_event_removes_its_logo() {
    let (_dir, klikt, _ids) = library();
    klikt
        .set_slideshow_logo("Show", &corpus("jpg/orientation/landscape_1.jpg"))
        .expect("logo");
    let event_id = klikt.slide_deck("Show").expect("deck").event_id;
    let file = klikt.slideshow_logo_file(event_id).expect("a logo file");

    klikt.forget("Show").expect("forget");

    assert!(
        !file.exists(),
        "nothing of the event is left, its logo neither"
    );
}
