use klikt_server::admin;
use klikt_wire::{codes, paths, Event, ItemStatus, MediaKind, ModerationMode, UploadResponse};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

use crate::support::{corpus, expect_problem, orientation_dir, upserted_media, Fixture};

async fn share_token(f: &Fixture) -> String {
    let event: Event = f
        .get(&paths::event(&f.event))
        .send()
        .await
        .expect("event request")
        .json()
        .await
        .expect("event");
    let (_, token) = event
        .share_url
        .split_once('#')
        .expect("share URLs end in #token");
    assert!(
        event
            .share_url
            .starts_with(&format!("{}/e/{}#", f.server.url(), f.event)),
        "the share URL is {{public_url}}/e/{{event}}#{{token}}: {}",
        event.share_url
    );
    token.to_owned()
}

fn file_part(path: &std::path::Path, claimed_type: &str) -> Part {
    let bytes = std::fs::read(path).expect("test file");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file")
        .to_owned();
    Part::bytes(bytes)
        .file_name(name)
        .mime_str(claimed_type)
        .expect("mime")
}

async fn upload_as_guest(f: &Fixture, token: &str, form: Form) -> reqwest::Response {
    f.http
        .post(f.url(&paths::event_uploads(&f.event)))
        .header("Klikt-Share-Token", token)
        .multipart(form)
        .send()
        .await
        .expect("upload request")
}

fn media_count(f: &Fixture) -> usize {
    admin::inspect(f.data(), &f.event)
        .expect("inspect")
        .media
        .len()
}

#[tokio::test]
async fn a_guest_with_the_share_token_uploads_files_that_appear_in_the_feed() {
    let f = Fixture::start(ModerationMode::Pre).await;
    let token = share_token(&f).await;
    let (_, cursor) = f.drain(None).await;
    let form = Form::new()
        .text("uploader", "Lena")
        .text("caption", "Dance floor")
        .part(
            "file",
            file_part(&orientation_dir().join("landscape_2.jpg"), "image/jpeg"),
        )
        // The claimed type is wrong; the server sniffs the content.
        .part(
            "file",
            file_part(
                &corpus().join("tiff/Arbitro.tiff"),
                "application/octet-stream",
            ),
        );
    let response = upload_as_guest(&f, &token, form).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: UploadResponse = response.json().await.expect("created media");
    assert_eq!(created.media.len(), 2, "one item per file part");
    assert_eq!(
        created.media[0].original_name, "landscape_2.jpg",
        "in part order"
    );
    assert_eq!(
        created.media[1].mime, "image/tiff",
        "the type comes from the content"
    );
    assert_eq!(created.media[1].media_kind, MediaKind::Photo);
    assert!(created.media.iter().all(|m| m.status == ItemStatus::Pending
        && m.uploader_name == "Lena"
        && m.caption.as_deref() == Some("Dance floor")
        && m.version == 1));

    let page = f.changes(Some(&cursor), None).await;
    let ids: Vec<_> = created.media.iter().map(|m| m.id.clone()).collect();
    assert_eq!(
        upserted_media(&page.changes),
        ids,
        "uploads appear in the feed"
    );
}

#[tokio::test]
async fn an_organizer_may_upload_with_a_bearer_token() {
    let f = Fixture::start(ModerationMode::Post).await;
    let form = Form::new().text("uploader", "Anna").part(
        "file",
        file_part(&orientation_dir().join("portrait_1.jpg"), "image/jpeg"),
    );
    let response = f
        .post(&paths::event_uploads(&f.event))
        .multipart(form)
        .send()
        .await
        .expect("upload request");
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: UploadResponse = response.json().await.expect("created");
    assert_eq!(
        created.media[0].status,
        ItemStatus::Approved,
        "post events approve on arrival"
    );
}

#[tokio::test]
async fn one_unsupported_file_fails_the_whole_upload_with_415() {
    let f = Fixture::start(ModerationMode::Post).await;
    let token = share_token(&f).await;
    let before = media_count(&f);
    let form = Form::new()
        .text("uploader", "Lena")
        .part(
            "file",
            file_part(&orientation_dir().join("landscape_3.jpg"), "image/jpeg"),
        )
        .part(
            "file",
            file_part(&orientation_dir().join("README"), "image/jpeg"),
        );
    let response = upload_as_guest(&f, &token, form).await;
    expect_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        codes::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    assert_eq!(
        media_count(&f),
        before,
        "all or nothing: the good file was not created"
    );
    let leftovers = std::fs::read_dir(f.data().join("tmp"))
        .expect("tmp")
        .count();
    assert_eq!(leftovers, 0, "staged files are cleaned up");
}

#[tokio::test]
async fn missing_uploader_or_files_answer_400_and_a_wrong_token_403() {
    let f = Fixture::start(ModerationMode::Post).await;
    let token = share_token(&f).await;
    let no_uploader = Form::new().part(
        "file",
        file_part(&orientation_dir().join("landscape_1.jpg"), "image/jpeg"),
    );
    let response = upload_as_guest(&f, &token, no_uploader).await;
    expect_problem(response, StatusCode::BAD_REQUEST, codes::VALIDATION_FAILED).await;

    let no_file = Form::new().text("uploader", "Lena");
    let response = upload_as_guest(&f, &token, no_file).await;
    expect_problem(response, StatusCode::BAD_REQUEST, codes::VALIDATION_FAILED).await;

    let form = Form::new().text("uploader", "Lena").part(
        "file",
        file_part(&orientation_dir().join("landscape_1.jpg"), "image/jpeg"),
    );
    let response = upload_as_guest(&f, "s_wrong", form).await;
    expect_problem(response, StatusCode::FORBIDDEN, codes::FORBIDDEN).await;
}

#[tokio::test]
async fn an_upload_over_the_limit_answers_413_and_creates_nothing() {
    let f = Fixture::start_with(ModerationMode::Post, |c| c.max_upload_bytes = 100_000).await;
    let token = share_token(&f).await;
    let before = media_count(&f);
    let big = corpus().join("jpg/Reconyx_HC500_Hyperfire.jpg"); // 425 KB
    let form = Form::new()
        .text("uploader", "Lena")
        .part("file", file_part(&big, "image/jpeg"));
    let response = upload_as_guest(&f, &token, form).await;
    expect_problem(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::UPLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(media_count(&f), before);
}
