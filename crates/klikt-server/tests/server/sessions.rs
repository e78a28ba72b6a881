use std::time::Duration;

use klikt_wire::{codes, paths, ModerationMode, Session};
use reqwest::StatusCode;

use crate::support::{expect_problem, Fixture, EMAIL};

async fn refresh(f: &Fixture, refresh_token: &str) -> reqwest::Response {
    f.http
        .post(f.url(&paths::session_refresh()))
        .json(&serde_json::json!({ "refresh_token": refresh_token }))
        .send()
        .await
        .expect("refresh request")
}

async fn events_status(f: &Fixture, access_token: &str) -> StatusCode {
    f.http
        .get(f.url(&paths::events()))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("events request")
        .status()
}

#[tokio::test]
async fn wrong_password_answers_401_invalid_credentials() {
    let f = Fixture::start(ModerationMode::Post).await;
    let response = f
        .http
        .post(f.url(&paths::sessions()))
        .json(&serde_json::json!({"email": EMAIL, "password": "nope"}))
        .send()
        .await
        .expect("sign-in request");
    expect_problem(
        response,
        StatusCode::UNAUTHORIZED,
        codes::INVALID_CREDENTIALS,
    )
    .await;
}

#[tokio::test]
async fn refresh_rotates_the_pair_and_a_replayed_refresh_token_revokes_the_session() {
    let f = Fixture::start(ModerationMode::Post).await;
    let first = f.session.clone();
    assert_eq!(
        first.expires_in, 900,
        "access tokens live about 15 minutes by default"
    );

    let response = refresh(&f, &first.refresh_token).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a fresh refresh token is accepted"
    );
    let second: Session = response.json().await.expect("a new pair");
    assert_ne!(
        second.refresh_token, first.refresh_token,
        "the refresh token rotates"
    );
    assert_ne!(
        second.access_token, first.access_token,
        "a new access token is issued"
    );
    assert_eq!(
        events_status(&f, &second.access_token).await,
        StatusCode::OK
    );

    let replay = refresh(&f, &first.refresh_token).await;
    let www = replay
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    expect_problem(replay, StatusCode::UNAUTHORIZED, codes::INVALID_TOKEN).await;
    assert_eq!(
        www.as_deref(),
        Some("Bearer error=\"invalid_token\""),
        "401 answers carry WWW-Authenticate"
    );
    assert_eq!(
        events_status(&f, &second.access_token).await,
        StatusCode::UNAUTHORIZED,
        "the replay revoked the whole session, including the newest access token"
    );
    let after = refresh(&f, &second.refresh_token).await;
    assert_eq!(
        after.status(),
        StatusCode::UNAUTHORIZED,
        "the newest refresh token of a revoked session is dead too"
    );
}

#[tokio::test]
async fn sign_out_revokes_the_session_and_answers_204_again_when_repeated() {
    let f = Fixture::start(ModerationMode::Post).await;
    for attempt in ["first", "second"] {
        let response = f
            .http
            .delete(f.url(&paths::current_session()))
            .bearer_auth(&f.session.access_token)
            .send()
            .await
            .expect("sign-out request");
        assert_eq!(
            response.status(),
            StatusCode::NO_CONTENT,
            "{attempt} sign-out answers 204"
        );
    }
    assert_eq!(
        events_status(&f, &f.session.access_token).await,
        StatusCode::UNAUTHORIZED,
        "the access token stops working"
    );
    assert_eq!(
        refresh(&f, &f.session.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "the refresh token stops working"
    );
}

#[tokio::test]
async fn an_expired_access_token_answers_401_token_expired() {
    let f = Fixture::start_with(ModerationMode::Post, |c| {
        c.access_ttl = Duration::from_millis(300);
    })
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let response = f
        .get(&paths::events())
        .send()
        .await
        .expect("events request");
    expect_problem(response, StatusCode::UNAUTHORIZED, codes::TOKEN_EXPIRED).await;
    let response = refresh(&f, &f.session.refresh_token).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the refresh token outlives the access token"
    );
}

#[tokio::test]
async fn no_bearer_token_answers_401_invalid_token() {
    let f = Fixture::start(ModerationMode::Post).await;
    let response = f
        .http
        .get(f.url(&paths::events()))
        .send()
        .await
        .expect("events request");
    expect_problem(response, StatusCode::UNAUTHORIZED, codes::INVALID_TOKEN).await;
}
