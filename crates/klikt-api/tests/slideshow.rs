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
