//! Sign-in, transparent refresh, serialized refreshes, sign-out.

use crate::harness::{Fixture, RecordingSink, EMAIL};
use klikt_remote::{Client, RetryPolicy};
use std::sync::Arc;
use std::time::Duration;

fn one_second_tokens(config: &mut klikt_server::ServerConfig) {
    config.access_ttl = Duration::from_secs(1);
}

#[tokio::test]
async fn signing_in_lists_the_organizers_event() {
    let fixture = Fixture::start("jpg/hdr");
    let (client, tokens) = fixture.sign_in().await;
    assert!(
        tokens.access_expires_at > chrono::Utc::now(),
        "a fresh token is not expired"
    );
    let events = client.events().await.expect("listing events");
    assert_eq!(events.len(), 1, "the seeded event and no other");
    assert_eq!(events[0].id, fixture.event);
    assert_eq!(events[0].media_count, fixture.media.len() as u64);
    let event = client.event(&fixture.event).await.expect("one event");
    assert_eq!(event, events[0], "list item and detail are the same object");
}

#[tokio::test]
async fn a_wrong_password_is_invalid_credentials() {
    let fixture = Fixture::start("jpg/hdr");
    let err = Client::sign_in(
        fixture.server.url(),
        EMAIL,
        "wrong",
        RetryPolicy::fast_for_tests(),
    )
    .await
    .expect_err("a wrong password must not sign in");
    assert_eq!(err.code(), "invalid_credentials", "{err}");
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_transparently_and_the_sink_sees_the_rotated_token() {
    let fixture = Fixture::start_with("jpg/hdr", one_second_tokens);
    let (client, first) = fixture.sign_in().await;
    let sink = Arc::new(RecordingSink::default());
    client.set_token_sink(sink.clone());
    tokio::time::sleep(Duration::from_millis(1500)).await;

    client
        .events()
        .await
        .expect("the call succeeds after a refresh");

    let seen = sink.all();
    assert!(
        !seen.is_empty(),
        "the rotated tokens were handed over for the keyring"
    );
    let last = seen.last().expect("one pair");
    assert_ne!(
        last.refresh_token, first.refresh_token,
        "refresh tokens are single use"
    );
    assert_eq!(
        client.tokens().await.as_ref(),
        Some(last),
        "the client uses what it persisted"
    );
}

#[tokio::test]
async fn a_401_is_answered_by_one_refresh_shared_by_concurrent_requests() {
    let fixture = Fixture::start_with("jpg/hdr", one_second_tokens);
    let (_, mut tokens) = fixture.sign_in().await;
    // The client believes its token is good for an hour, so only the
    // server's 401 tells it otherwise.
    tokens.access_expires_at = chrono::Utc::now() + chrono::Duration::hours(1);
    let sink = Arc::new(RecordingSink::default());
    let client = Client::with_tokens(
        fixture.server.url(),
        tokens,
        sink.clone(),
        RetryPolicy::fast_for_tests(),
    )
    .expect("client");
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let calls: Vec<_> = (0..6)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.events().await })
        })
        .collect();
    for call in calls {
        call.await
            .expect("task")
            .expect("every request succeeds after the refresh");
    }
    // A second refresh with the same single-use token would have revoked the
    // session; more than one refresh in a row needs tokens to expire again.
    let refreshes = sink.all().len();
    assert!(refreshes >= 1, "the 401 led to a refresh");
    assert!(
        refreshes <= 2,
        "concurrent 401s share one refresh, got {refreshes}"
    );
}

#[tokio::test]
async fn a_replayed_refresh_token_ends_the_session() {
    let fixture = Fixture::start_with("jpg/hdr", one_second_tokens);
    let (_, tokens) = fixture.sign_in().await;
    let policy = RetryPolicy::fast_for_tests;
    let first = Client::with_tokens(
        fixture.server.url(),
        tokens.clone(),
        Arc::new(RecordingSink::default()),
        policy(),
    )
    .expect("client");
    let stale = Client::with_tokens(
        fixture.server.url(),
        tokens,
        Arc::new(RecordingSink::default()),
        policy(),
    )
    .expect("client");
    tokio::time::sleep(Duration::from_millis(1500)).await;

    first.events().await.expect("the first refresh succeeds");
    let err = stale
        .events()
        .await
        .expect_err("the used refresh token is refused");
    assert_eq!(err.code(), "session_expired", "{err}");
    assert!(
        stale.tokens().await.is_none(),
        "the ended session's tokens are forgotten"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_for_every_holder_of_its_tokens() {
    let fixture = Fixture::start("jpg/hdr");
    let (client, tokens) = fixture.sign_in().await;
    client.sign_out().await.expect("sign out");
    let err = client
        .events()
        .await
        .expect_err("no session after sign-out");
    assert_eq!(err.code(), "session_expired", "{err}");

    let copy = Client::with_tokens(
        fixture.server.url(),
        tokens,
        Arc::new(RecordingSink::default()),
        RetryPolicy::fast_for_tests(),
    )
    .expect("client");
    let err = copy
        .events()
        .await
        .expect_err("the server revoked the tokens");
    assert_eq!(err.code(), "session_expired", "{err}");
    copy.sign_out()
        .await
        .expect("signing out an ended session succeeds");
}
