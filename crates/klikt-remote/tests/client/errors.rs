//! Gone events, deleted media, rate limits.

use crate::harness::Fixture;
use klikt_remote::{Client, RetryPolicy};
use klikt_server::admin::{simulate_expire, simulate_remove};
use klikt_server::Faults;
use klikt_wire::{Change, TombstoneReason};
use std::time::{Duration, Instant};

#[tokio::test]
async fn an_event_past_its_backup_date_is_event_gone_everywhere() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    simulate_expire(fixture.data_dir(), &fixture.event, true).expect("expire");

    let err = client.event(&fixture.event).await.expect_err("gone");
    assert_eq!(err.code(), "event_gone", "{err}");
    assert!(
        matches!(err.problem_code(), Some("event_expired" | "event_deleted")),
        "the problem code is kept: {:?}",
        err.problem_code()
    );
    let err = client
        .changes(&fixture.event, None, 100)
        .await
        .expect_err("gone");
    assert_eq!(
        err.code(),
        "event_gone",
        "410 is not retried and not a reset: {err}"
    );

    let dir = fixture.scratch();
    let err = client
        .download_original(
            &fixture.media[0],
            &"0".repeat(64),
            10,
            &dir.path().join("p"),
            &|_| {},
        )
        .await
        .expect_err("its media are gone too");
    assert_eq!(err.code(), "event_gone", "{err}");
}

#[tokio::test]
async fn a_removed_media_item_is_media_deleted_and_tombstoned_in_the_feed() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let media = crate::harness::all_media(&client, &fixture.event).await;
    let victim = &media[0];
    simulate_remove(
        fixture.data_dir(),
        &victim.id,
        TombstoneReason::RemovalRequest,
    )
    .expect("remove");

    let dir = fixture.scratch();
    let err = client
        .download_original(
            &victim.id,
            &victim.sha256,
            victim.size,
            &dir.path().join("p"),
            &|_| {},
        )
        .await
        .expect_err("deleted");
    assert_eq!(err.code(), "media_deleted", "{err}");
    assert!(
        err.to_string().contains(victim.id.as_str()),
        "the message names the item: {err}"
    );

    let page = client
        .changes(&fixture.event, None, 1000)
        .await
        .expect("feed");
    let tombstoned = page.changes.iter().any(
        |c| matches!(c, Change::Tombstone(t) if t.id == victim.id && t.reason == TombstoneReason::RemovalRequest),
    );
    assert!(tombstoned, "the feed reports the removal");
}

#[tokio::test]
async fn retry_after_pauses_the_whole_client_at_least_that_long() {
    let fixture = Fixture::start("jpg/hdr");
    let (_, tokens) = fixture.sign_in().await;
    // One attempt only: the 429 comes back as an error, and the pause it
    // set must still hold the next, different call on a clone.
    let policy = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::fast_for_tests()
    };
    let client = Client::with_tokens(
        fixture.server.url(),
        tokens,
        std::sync::Arc::new(crate::harness::RecordingSink::default()),
        policy,
    )
    .expect("client");
    let retry_after = Duration::from_secs(1);
    fixture.server.set_faults(
        Faults::from_spec("rate_limit_every=2,rate_limit_burst=1,retry_after=1").expect("faults"),
    );
    client.events().await.expect("request 1 passes");
    let start = Instant::now();
    let err = client
        .events()
        .await
        .expect_err("request 2 is rate limited");
    assert_eq!(err.code(), "rate_limited", "{err}");
    let other = client.clone();
    other
        .event(&fixture.event)
        .await
        .expect("request 3 passes, after the pause");
    assert!(
        start.elapsed() >= retry_after,
        "the next request waited out Retry-After: {:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_rate_limited_request_is_retried_after_retry_after() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    fixture.server.set_faults(
        Faults::from_spec("rate_limit_every=2,rate_limit_burst=1,retry_after=1").expect("faults"),
    );
    client.events().await.expect("request 1 passes");
    let start = Instant::now();
    client
        .events()
        .await
        .expect("request 2 is answered 429, its retry passes");
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        start.elapsed()
    );
}
