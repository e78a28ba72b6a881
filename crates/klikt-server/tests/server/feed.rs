use klikt_server::admin;
use klikt_wire::{codes, paths, Change, Cursor, EventId, ModerationMode};
use reqwest::StatusCode;

use crate::support::{expect_problem, orientation_dir, upserted_media, Fixture};

#[tokio::test]
async fn the_feed_from_its_start_is_a_snapshot_paged_in_commit_order() {
    let f = Fixture::start(ModerationMode::Post).await;
    assert_eq!(
        f.media.len(),
        16,
        "the 16 orientation photos were seeded (README skipped)"
    );

    let first = f.changes(None, Some(5)).await;
    assert_eq!(
        first.changes.len(),
        5,
        "a page holds at most `limit` changes"
    );
    assert!(first.has_more, "more pages follow");

    let (all, _) = f.drain(None).await;
    let mut seen = upserted_media(&all);
    seen.sort();
    let mut expected = f.media.clone();
    expected.sort();
    assert_eq!(seen, expected, "one upsert per live item");
    let events = all.iter().filter(|c| matches!(c, Change::Event(_))).count();
    assert_eq!(events, 1, "the event change appears once");
    if let Some(Change::Event(event)) = all.iter().find(|c| matches!(c, Change::Event(_))) {
        assert_eq!(
            event.media_count, 16,
            "the event change carries the live count"
        );
    }
}

#[tokio::test]
async fn a_stored_cursor_resumes_with_only_the_later_changes() {
    let f = Fixture::start(ModerationMode::Pre).await;
    let (_, cursor) = f.drain(None).await;
    let caught_up = f.changes(Some(&cursor), None).await;
    assert!(caught_up.changes.is_empty(), "nothing new since the cursor");
    assert!(!caught_up.has_more);
    assert_eq!(
        caught_up.next_cursor, cursor,
        "an empty page keeps the position"
    );

    let new = admin::simulate_upload(
        f.data(),
        &f.event,
        "Mia",
        Some("cake!"),
        &[orientation_dir().join("portrait_3.jpg")],
    )
    .expect("a guest upload");
    let page = f.changes(Some(&cursor), None).await;
    assert_eq!(
        upserted_media(&page.changes),
        new,
        "only the new upload is a media change"
    );
    match &page.changes[0] {
        Change::Media(m) => {
            assert_eq!(
                m.status,
                klikt_wire::ItemStatus::Pending,
                "pre events get pending uploads"
            );
            assert_eq!(m.caption.as_deref(), Some("cake!"));
        }
        other => panic!("expected the upload first, got {other:?}"),
    }
    assert!(
        page.changes
            .iter()
            .any(|c| matches!(c, Change::Event(e) if e.media_count == 17)),
        "the event's counts changed too"
    );
}

#[tokio::test]
async fn a_junk_or_foreign_cursor_answers_a_lone_reset_pointing_at_the_start() {
    let f = Fixture::start(ModerationMode::Post).await;
    let start = f.changes(None, Some(1)).await;
    let (_, full) = f.drain(None).await;

    // A real cursor with its tag tampered with.
    let forged = Cursor::new(format!("{}x", full.as_str()));
    for cursor in [Cursor::new("junk"), Cursor::new("c_99999999_0000"), forged] {
        let page = f.changes(Some(&cursor), None).await;
        assert!(page.is_reset(), "{cursor} answers exactly one reset change");
        assert!(page.has_more, "a reset page says has_more");
        let replay = f.changes(Some(&page.next_cursor), Some(1)).await;
        assert_eq!(
            replay.changes, start.changes,
            "the reset cursor points at the beginning of the feed"
        );
    }
}

#[tokio::test]
async fn a_cursor_of_another_event_answers_a_reset() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (_, cursor) = f.drain(None).await;
    let second = admin::seed(
        f.data(),
        &admin::SeedOptions {
            email: crate::support::EMAIL.into(),
            password: crate::support::PASSWORD.into(),
            event: "Second".into(),
            from: crate::support::corpus().join("tiff"),
            moderation: ModerationMode::Post,
            expires_in_days: 10,
        },
    )
    .expect("second event");
    let response = f
        .get(&paths::event_changes_query(
            &second.event_id,
            Some(&cursor),
            None,
        ))
        .send()
        .await
        .expect("feed request");
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a stale cursor is never an error"
    );
    let page: klikt_wire::ChangesPage = response.json().await.expect("page");
    assert!(page.is_reset(), "another event's cursor is unknown here");
}

#[tokio::test]
async fn limit_zero_or_not_a_number_answers_400_and_big_limits_are_clamped() {
    let f = Fixture::start(ModerationMode::Post).await;
    for limit in ["0", "ten"] {
        let response = f
            .get(&format!("{}?limit={limit}", paths::event_changes(&f.event)))
            .send()
            .await
            .expect("feed request");
        expect_problem(response, StatusCode::BAD_REQUEST, codes::VALIDATION_FAILED).await;
    }
    let page = f.changes(None, Some(100_000)).await;
    assert_eq!(
        page.changes.len(),
        17,
        "everything fits in one clamped page"
    );
    assert!(!page.has_more);
}

#[tokio::test]
async fn an_unknown_event_answers_404() {
    let f = Fixture::start(ModerationMode::Post).await;
    let response = f
        .get(&paths::event_changes(&EventId::new("evt_nope")))
        .send()
        .await
        .expect("feed request");
    expect_problem(response, StatusCode::NOT_FOUND, codes::NOT_FOUND).await;
}
