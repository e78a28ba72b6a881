use klikt_server::admin;
use klikt_wire::{codes, paths, EventList, ModerationMode};
use reqwest::multipart::Form;
use reqwest::StatusCode;

use crate::support::{expect_problem, Fixture};

async fn moderate_something(f: &Fixture) -> reqwest::Response {
    f.post(&paths::event_moderation(&f.event))
        .header("Idempotency-Key", "k")
        .json(&serde_json::json!({"decisions": [
            {"decision_id": "d", "target": "media", "id": f.media[0].as_str(), "action": "hide", "base_version": 1}
        ]}))
        .send()
        .await
        .expect("moderation request")
}

async fn upload_something(f: &Fixture) -> reqwest::Response {
    let bytes =
        std::fs::read(crate::support::orientation_dir().join("landscape_1.jpg")).expect("file");
    let form = Form::new().text("uploader", "Lena").part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("a.jpg"),
    );
    f.post(&paths::event_uploads(&f.event))
        .multipart(form)
        .send()
        .await
        .expect("upload request")
}

#[tokio::test]
async fn an_expired_event_refuses_uploads_and_moderation_but_still_syncs_and_downloads() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (_, cursor) = f.drain(None).await;
    admin::simulate_expire(f.data(), &f.event, false).expect("expire");

    expect_problem(
        moderate_something(&f).await,
        StatusCode::GONE,
        codes::EVENT_EXPIRED,
    )
    .await;
    expect_problem(
        upload_something(&f).await,
        StatusCode::GONE,
        codes::EVENT_EXPIRED,
    )
    .await;

    let page = f.changes(Some(&cursor), None).await;
    assert!(
        page.changes
            .iter()
            .any(|c| matches!(c, klikt_wire::Change::Event(_))),
        "the new expires_at is an event change"
    );
    assert!(
        !page
            .changes
            .iter()
            .any(|c| matches!(c, klikt_wire::Change::Tombstone(_))),
        "expiry tombstones nothing"
    );
    let download = f
        .get(&paths::media_original(&f.media[0]))
        .send()
        .await
        .expect("download");
    assert_eq!(
        download.status(),
        StatusCode::OK,
        "downloads work until backup_until"
    );
}

#[tokio::test]
async fn an_event_past_backup_until_is_gone_everywhere() {
    let f = Fixture::start(ModerationMode::Post).await;
    admin::simulate_expire(f.data(), &f.event, true).expect("expire and end the backup");

    for path in [
        paths::event(&f.event),
        paths::event_changes(&f.event),
        paths::media_original(&f.media[0]),
    ] {
        let response = f.get(&path).send().await.expect("request");
        expect_problem(response, StatusCode::GONE, codes::EVENT_EXPIRED).await;
    }
    let list: EventList = f
        .get(&paths::events())
        .send()
        .await
        .expect("events")
        .json()
        .await
        .expect("list");
    assert!(list.events.is_empty(), "a gone event is no longer listed");
}
