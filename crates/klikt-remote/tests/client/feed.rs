//! The change feed, moderation, previews and guest uploads.

use crate::harness::{all_media, corpus, Fixture};
use klikt_remote::{new_idempotency_key, Client, RetryPolicy};
use klikt_server::Faults;
use klikt_wire::{
    Action, Change, Cursor, Decision, DecisionId, DecisionResult, ItemStatus, ItemType,
    ModerationRequest,
};
use std::collections::BTreeSet;

#[tokio::test]
async fn the_feed_pages_to_the_end_and_holds_every_seeded_item() {
    let fixture = Fixture::start("jpg/orientation");
    let client = fixture.client().await;
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    let mut seen = BTreeSet::new();
    let mut event_changes = 0;
    loop {
        let page = client
            .changes(&fixture.event, cursor.as_ref(), 5)
            .await
            .expect("a page");
        pages += 1;
        assert!(page.changes.len() <= 5, "the limit is honoured");
        for change in &page.changes {
            match change {
                Change::Media(media) => {
                    seen.insert(media.id.clone());
                }
                Change::Event(_) => event_changes += 1,
                other => panic!("a fresh feed holds only upserts, got {other:?}"),
            }
        }
        cursor = Some(page.next_cursor);
        if !page.has_more {
            break;
        }
        assert!(pages < 100, "the feed ends");
    }
    let seeded: BTreeSet<_> = fixture.media.iter().cloned().collect();
    assert_eq!(seen, seeded, "every seeded photo is in the feed");
    assert!(
        pages > 2,
        "{} items over pages of 5 take several pages",
        seeded.len()
    );
    assert!(event_changes >= 1, "the feed carries the event itself");

    let caught_up = client
        .changes(&fixture.event, cursor.as_ref(), 5)
        .await
        .expect("polling again");
    assert!(
        caught_up.changes.is_empty() && !caught_up.has_more,
        "nothing new"
    );
}

#[tokio::test]
async fn an_unknown_cursor_answers_a_lone_reset_to_replay_from() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let page = client
        .changes(&fixture.event, Some(&Cursor::new("not-a-cursor")), 100)
        .await
        .expect("a reset is a 200");
    assert!(page.is_reset(), "one reset change: {:?}", page.changes);
    assert!(page.has_more, "the replay follows");
    let replay = client
        .changes(&fixture.event, Some(&page.next_cursor), 100)
        .await
        .expect("the replay");
    assert!(!replay.is_reset());
}

#[tokio::test]
async fn a_moderation_batch_is_applied_once_and_its_replay_answers_the_same() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let media = all_media(&client, &fixture.event).await;
    let target = &media[0];
    let request = ModerationRequest {
        decisions: vec![Decision {
            decision_id: DecisionId::new("d-1"),
            target: ItemType::Media,
            id: target.id.clone(),
            action: Action::Hide,
            base_version: target.version,
        }],
    };
    let key = new_idempotency_key();
    let first = client
        .moderate(&fixture.event, &key, &request)
        .await
        .expect("moderate");
    match &first.results[..] {
        [DecisionResult::Applied {
            status, version, ..
        }] => {
            assert_eq!(*status, ItemStatus::Hidden);
            assert!(*version > target.version, "hiding is a new version");
        }
        other => panic!("expected one applied result, got {other:?}"),
    }
    let replay = client
        .moderate(&fixture.event, &key, &request)
        .await
        .expect("replay");
    assert_eq!(replay, first, "same key and body: the first answer again");
}

#[tokio::test]
async fn moderation_goes_through_under_server_errors_with_its_idempotency_key() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let media = all_media(&client, &fixture.event).await;
    fixture
        .server
        .set_faults(Faults::from_spec("error_rate=0.5,seed=7").expect("faults"));
    let request = ModerationRequest {
        decisions: media
            .iter()
            .enumerate()
            .map(|(i, m)| Decision {
                decision_id: DecisionId::new(format!("d-{i}")),
                target: ItemType::Media,
                id: m.id.clone(),
                action: Action::Approve,
                base_version: m.version,
            })
            .collect(),
    };
    let answer = client
        .moderate(&fixture.event, &new_idempotency_key(), &request)
        .await
        .expect("retried until applied");
    assert_eq!(answer.results.len(), media.len(), "one result per decision");
}

#[tokio::test]
async fn a_jpeg_has_no_preview_and_that_is_none_not_an_error() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let preview = client.preview(&fixture.media[0]).await.expect("no error");
    assert_eq!(
        preview, None,
        "the desktop decodes JPEG itself; the server has no preview"
    );
}

#[tokio::test]
async fn a_guest_upload_with_the_share_token_appears_in_the_feed() {
    let fixture = Fixture::start("jpg/hdr");
    let organizer = fixture.client().await;
    let event = organizer.event(&fixture.event).await.expect("event");
    let (_, token) = event
        .share_url
        .split_once('#')
        .expect("the share URL carries the token");

    let guest =
        Client::guest(fixture.server.url(), RetryPolicy::fast_for_tests()).expect("guest client");
    let file = corpus("jpg/mobile/jolla.jpg");
    let created = guest
        .upload(
            &fixture.event,
            Some(token),
            "Lena",
            Some("From the dance floor"),
            std::slice::from_ref(&file),
        )
        .await
        .expect("upload");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].uploader_name, "Lena");
    assert_eq!(
        created[0].size,
        std::fs::metadata(&file).expect("size").len()
    );

    let media = all_media(&organizer, &fixture.event).await;
    assert!(
        media.iter().any(|m| m.id == created[0].id),
        "uploads appear in the feed"
    );

    // The server refuses before reading the body and closes the connection
    // with the body unread, which can reset it under the client's feet
    // ("broken pipe") before the 403 is read: a server-side race, so a
    // network error is tried again here (a user would retry the same way).
    let small = corpus("jpg/Nikon_D70.jpg");
    let mut answered = None;
    for _ in 0..10 {
        let err = guest
            .upload(
                &fixture.event,
                Some("s_wrong"),
                "Lena",
                None,
                std::slice::from_ref(&small),
            )
            .await
            .expect_err("a wrong share token is refused");
        if err.code() != "network" {
            answered = Some(err);
            break;
        }
    }
    let err = answered.expect("one attempt got the server's answer");
    assert_eq!(err.code(), "forbidden", "{err}");
}
