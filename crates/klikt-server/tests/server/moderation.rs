use klikt_server::admin;
use klikt_wire::{
    codes, paths, Action, Decision, DecisionId, DecisionResult, ItemId, ItemStatus, ItemType,
    ModerationMode, ModerationRequest, ModerationResponse, TombstoneReason,
};
use reqwest::StatusCode;
use sha2::Digest;

use crate::support::{expect_problem, Fixture};

fn decision(id: &str, target: ItemType, item: &ItemId, action: Action, base: u64) -> Decision {
    Decision {
        decision_id: DecisionId::new(id),
        target,
        id: item.clone(),
        action,
        base_version: base,
    }
}

fn media(id: &str, item: &ItemId, action: Action, base: u64) -> Decision {
    decision(id, ItemType::Media, item, action, base)
}

async fn post(f: &Fixture, key: Option<&str>, body: &[u8]) -> reqwest::Response {
    let mut request = f
        .post(&paths::event_moderation(&f.event))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("moderation request")
}

async fn moderate(f: &Fixture, key: &str, decisions: Vec<Decision>) -> ModerationResponse {
    let body = serde_json::to_vec(&ModerationRequest { decisions }).expect("json");
    let response = post(f, Some(key), &body).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a valid batch answers 200"
    );
    response.json().await.expect("results")
}

fn bump(f: &Fixture, item: &ItemId, statuses: &[ItemStatus]) {
    for status in statuses {
        admin::simulate_moderate(f.data(), item, *status).expect("another moderator's decision");
    }
}

#[tokio::test]
async fn stale_decisions_follow_the_more_restrictive_state_rules() {
    let f = Fixture::start(ModerationMode::Post).await;
    let m = &f.media;
    // Another moderator acted on m0..m3 since the organizer saw version 1.
    bump(&f, &m[0], &[ItemStatus::Hidden]); // v2 hidden
    bump(&f, &m[1], &[ItemStatus::Hidden, ItemStatus::Approved]); // v3 approved
    bump(&f, &m[2], &[ItemStatus::Hidden, ItemStatus::Approved]); // v3 approved
    bump(&f, &m[3], &[ItemStatus::Hidden]); // v2 hidden
    admin::simulate_remove(f.data(), &m[4], TombstoneReason::Uploader).expect("withdrawn");

    let results = moderate(
        &f,
        "k-rules",
        vec![
            media("approve-hidden", &m[0], Action::Approve, 1),
            media("approve-approved", &m[1], Action::Approve, 1),
            media("hide-stale", &m[2], Action::Hide, 1),
            media("delete-stale", &m[3], Action::Delete, 1),
            media("restore-hidden-stale", &m[0], Action::Restore, 1),
            media("on-tombstone", &m[4], Action::Approve, 1),
            media("unknown", &ItemId::new("med_nope"), Action::Hide, 1),
            media("fresh-hide", &m[5], Action::Hide, 1),
            media("sees-earlier", &m[5], Action::Approve, 2),
        ],
    )
    .await
    .results;

    let by_id = |id: &str| {
        results
            .iter()
            .find(|r| r.decision_id().as_str() == id)
            .cloned()
            .expect("one result per decision")
    };
    assert_eq!(
        by_id("approve-hidden"),
        DecisionResult::Conflict {
            decision_id: DecisionId::new("approve-hidden"),
            current_version: 2,
            current_status: ItemStatus::Hidden
        },
        "hidden wins over a stale approve"
    );
    assert_eq!(
        by_id("approve-approved"),
        DecisionResult::Applied {
            decision_id: DecisionId::new("approve-approved"),
            version: 3,
            status: ItemStatus::Approved
        },
        "approving an approved item is applied without a new version"
    );
    assert_eq!(
        by_id("hide-stale"),
        DecisionResult::Applied {
            decision_id: DecisionId::new("hide-stale"),
            version: 4,
            status: ItemStatus::Hidden
        },
        "hide wins over any edit"
    );
    assert!(
        matches!(
            by_id("delete-stale"),
            DecisionResult::Applied {
                status: ItemStatus::Deleted,
                version: 3,
                ..
            }
        ),
        "deletion wins over any edit"
    );
    assert!(
        matches!(
            by_id("restore-hidden-stale"),
            DecisionResult::Conflict { .. }
        ),
        "a stale restore only applies as a no-op"
    );
    assert_eq!(
        by_id("on-tombstone"),
        DecisionResult::Gone {
            decision_id: DecisionId::new("on-tombstone"),
            reason: Some(TombstoneReason::Uploader)
        },
        "a tombstone wins, with its reason"
    );
    assert_eq!(
        by_id("unknown"),
        DecisionResult::Gone {
            decision_id: DecisionId::new("unknown"),
            reason: None
        }
    );
    assert!(matches!(
        by_id("fresh-hide"),
        DecisionResult::Applied {
            version: 2,
            status: ItemStatus::Hidden,
            ..
        }
    ));
    assert!(
        matches!(
            by_id("sees-earlier"),
            DecisionResult::Applied {
                version: 3,
                status: ItemStatus::Approved,
                ..
            }
        ),
        "a later decision sees the version an earlier one made"
    );
    let order: Vec<&str> = results.iter().map(|r| r.decision_id().as_str()).collect();
    assert_eq!(order[0], "approve-hidden", "results come in request order");

    let inspection = admin::inspect(f.data(), &f.event).expect("inspect");
    assert_eq!(
        inspection.decisions.len(),
        5,
        "one log entry per applied decision (approve-approved, hide, delete, fresh-hide, sees-earlier)"
    );
    assert!(inspection
        .decisions
        .iter()
        .all(|d| d.idempotency_key == "k-rules"));
}

#[tokio::test]
async fn restore_returns_a_hidden_item_to_the_events_arrival_status() {
    let f = Fixture::start(ModerationMode::Pre).await;
    let item = &f.media[0];
    let first = moderate(&f, "k1", vec![media("h", item, Action::Hide, 1)]).await;
    assert!(matches!(
        first.results[0],
        DecisionResult::Applied { version: 2, .. }
    ));
    let second = moderate(&f, "k2", vec![media("r", item, Action::Restore, 2)]).await;
    assert_eq!(
        second.results[0],
        DecisionResult::Applied {
            decision_id: DecisionId::new("r"),
            version: 3,
            status: ItemStatus::Pending
        },
        "in a pre event restore goes back to pending"
    );
}

#[tokio::test]
async fn messages_are_moderated_like_media() {
    let f = Fixture::start(ModerationMode::Post).await;
    let message = admin::simulate_message(f.data(), &f.event, "Uncle Joe", "Congratulations!")
        .expect("a guest message");
    let results = moderate(
        &f,
        "k-msg",
        vec![decision("d", ItemType::Message, &message, Action::Hide, 1)],
    )
    .await;
    assert!(matches!(
        results.results[0],
        DecisionResult::Applied {
            version: 2,
            status: ItemStatus::Hidden,
            ..
        }
    ));
}

#[tokio::test]
async fn a_replayed_key_answers_the_first_answer_without_applying_again() {
    let f = Fixture::start(ModerationMode::Post).await;
    let body = serde_json::to_vec(&ModerationRequest {
        decisions: vec![media("d-1", &f.media[0], Action::Hide, 1)],
    })
    .expect("json");
    let first = post(&f, Some("key-1"), &body).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_body = first.text().await.expect("body");

    let replay = post(&f, Some("key-1"), &body).await;
    assert_eq!(replay.status(), StatusCode::OK, "same status");
    assert_eq!(
        replay
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true"),
        "a replay says so"
    );
    assert_eq!(replay.text().await.expect("body"), first_body, "same body");
    let inspection = admin::inspect(f.data(), &f.event).expect("inspect");
    assert_eq!(inspection.decisions.len(), 1, "the replay applied nothing");
    assert_eq!(inspection.media[0].version, 2, "the item changed once");

    let other = serde_json::to_vec(&ModerationRequest {
        decisions: vec![media("d-1", &f.media[1], Action::Hide, 1)],
    })
    .expect("json");
    let reused = post(&f, Some("key-1"), &other).await;
    expect_problem(
        reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        codes::IDEMPOTENCY_KEY_REUSED,
    )
    .await;
}

#[tokio::test]
async fn error_answers_are_remembered_too() {
    let f = Fixture::start(ModerationMode::Post).await;
    let duplicate_ids = serde_json::to_vec(&ModerationRequest {
        decisions: vec![
            media("same", &f.media[0], Action::Hide, 1),
            media("same", &f.media[1], Action::Hide, 1),
        ],
    })
    .expect("json");
    let first = post(&f, Some("bad-batch"), &duplicate_ids).await;
    expect_problem(first, StatusCode::BAD_REQUEST, codes::VALIDATION_FAILED).await;
    let inspection = admin::inspect(f.data(), &f.event).expect("inspect");
    assert!(
        inspection.decisions.is_empty(),
        "an invalid batch applies nothing"
    );
    let replay = post(&f, Some("bad-batch"), &duplicate_ids).await;
    assert_eq!(
        replay
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    expect_problem(replay, StatusCode::BAD_REQUEST, codes::VALIDATION_FAILED).await;
}

#[tokio::test]
async fn a_missing_key_answers_400_and_a_key_in_flight_answers_409() {
    let f = Fixture::start(ModerationMode::Post).await;
    let body = br#"{"decisions": []}"#;
    let missing = post(&f, None, body).await;
    expect_problem(
        missing,
        StatusCode::BAD_REQUEST,
        codes::IDEMPOTENCY_KEY_MISSING,
    )
    .await;

    let empty = post(&f, Some("empty"), body).await;
    assert_eq!(empty.status(), StatusCode::OK, "an empty batch is allowed");
    let results: ModerationResponse = empty.json().await.expect("results");
    assert!(results.results.is_empty());

    // A first request with this key is still being processed (as a crash-free
    // server would record it mid-request).
    let conn = rusqlite::Connection::open(f.data().join(klikt_server::DB_FILE)).expect("db");
    let body_sha = hex(&sha2::Sha256::digest(body));
    conn.execute(
        "INSERT INTO idempotency_keys (account_id, event_id, key, body_sha256, state, created_at)
         SELECT account_id, id, 'busy', ?2, 'in_flight', strftime('%s','now') FROM events WHERE id = ?1",
        rusqlite::params![f.event.as_str(), body_sha],
    )
    .expect("in-flight record");
    let busy = post(&f, Some("busy"), body).await;
    expect_problem(busy, StatusCode::CONFLICT, codes::IDEMPOTENCY_KEY_IN_FLIGHT).await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
