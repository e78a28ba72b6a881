use klikt_server::admin;
use klikt_wire::{
    codes, etag_for_sha256, paths, Change, ItemId, Media, ModerationMode, TombstoneReason,
};
use reqwest::StatusCode;

use crate::support::{corpus, expect_problem, Fixture};

/// The first seeded media item as the feed shows it, and its bytes on disk.
async fn first_media(f: &Fixture) -> (Media, Vec<u8>) {
    let (all, _) = f.drain(None).await;
    let media = all
        .into_iter()
        .find_map(|c| match c {
            Change::Media(m) => Some(m),
            _ => None,
        })
        .expect("a media change");
    let bytes = std::fs::read(crate::support::orientation_dir().join(&media.original_name))
        .expect("the corpus file");
    (media, bytes)
}

async fn fetch(f: &Fixture, id: &ItemId, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = f.get(&paths::media_original(id));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("original request")
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn the_whole_original_comes_with_a_sha256_etag_and_accept_ranges() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (media, bytes) = first_media(&f).await;
    let response = fetch(&f, &media.id, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "etag"),
        Some(etag_for_sha256(&media.sha256))
    );
    assert_eq!(header(&response, "accept-ranges").as_deref(), Some("bytes"));
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("image/jpeg")
    );
    let body = response.bytes().await.expect("body");
    assert_eq!(
        &body[..],
        &bytes[..],
        "the original is served byte for byte"
    );
}

#[tokio::test]
async fn each_range_form_is_served_byte_exact_with_content_range() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (media, bytes) = first_media(&f).await;
    let size = bytes.len();
    let cases = [
        ("bytes=0-99".to_owned(), 0, 99),
        (format!("bytes={}-", size - 50), size - 50, size - 1),
        ("bytes=-20".to_owned(), size - 20, size - 1),
        (format!("bytes=10-{}", size * 2), 10, size - 1),
    ];
    for (range, start, end) in cases {
        let response = fetch(&f, &media.id, &[("Range", &range)]).await;
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            header(&response, "content-range"),
            Some(format!("bytes {start}-{end}/{size}")),
            "{range}"
        );
        let body = response.bytes().await.expect("body");
        assert_eq!(
            &body[..],
            &bytes[start..=end],
            "{range} serves exactly those bytes"
        );
    }
}

#[tokio::test]
async fn if_range_serves_the_range_only_when_the_etag_matches() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (media, bytes) = first_media(&f).await;
    let etag = etag_for_sha256(&media.sha256);
    let resumed = fetch(
        &f,
        &media.id,
        &[("Range", "bytes=100-"), ("If-Range", &etag)],
    )
    .await;
    assert_eq!(
        resumed.status(),
        StatusCode::PARTIAL_CONTENT,
        "matching If-Range resumes"
    );
    assert_eq!(&resumed.bytes().await.expect("body")[..], &bytes[100..]);

    for stale in ["\"0000\"", "Wed, 21 Oct 2015 07:28:00 GMT"] {
        let full = fetch(
            &f,
            &media.id,
            &[("Range", "bytes=100-"), ("If-Range", stale)],
        )
        .await;
        assert_eq!(
            full.status(),
            StatusCode::OK,
            "If-Range {stale} gets the whole file"
        );
        assert_eq!(&full.bytes().await.expect("body")[..], &bytes[..]);
    }
}

#[tokio::test]
async fn if_none_match_with_the_etag_answers_304() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (media, _) = first_media(&f).await;
    let etag = etag_for_sha256(&media.sha256);
    let response = fetch(&f, &media.id, &[("If-None-Match", &etag)]).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&response, "etag"), Some(etag));
}

#[tokio::test]
async fn a_range_past_the_end_answers_416_with_the_size() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (media, bytes) = first_media(&f).await;
    let range = format!("bytes={}-", bytes.len());
    let response = fetch(&f, &media.id, &[("Range", &range)]).await;
    assert_eq!(
        header(&response, "content-range"),
        Some(format!("bytes */{}", bytes.len()))
    );
    expect_problem(
        response,
        StatusCode::RANGE_NOT_SATISFIABLE,
        codes::RANGE_NOT_SATISFIABLE,
    )
    .await;
}

#[tokio::test]
async fn removed_media_answers_404_media_deleted_and_becomes_a_tombstone() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (_, cursor) = f.drain(None).await;
    let (media, _) = first_media(&f).await;
    admin::simulate_remove(f.data(), &media.id, TombstoneReason::RemovalRequest)
        .expect("server-side removal");

    let response = fetch(&f, &media.id, &[]).await;
    expect_problem(response, StatusCode::NOT_FOUND, codes::MEDIA_DELETED).await;

    let page = f.changes(Some(&cursor), None).await;
    let tombstone = page.changes.iter().find_map(|c| match c {
        Change::Tombstone(t) => Some(t.clone()),
        _ => None,
    });
    let tombstone = tombstone.expect("the removal is a tombstone in the feed");
    assert_eq!(tombstone.id, media.id);
    assert_eq!(tombstone.reason, TombstoneReason::RemovalRequest);
    assert!(
        tombstone.version > media.version,
        "the tombstone outranks the upsert"
    );

    let inspection = admin::inspect(f.data(), &f.event).expect("inspect");
    assert_eq!(
        inspection.event.media_count, 15,
        "deleted media are not counted"
    );
    let stored = f
        .data()
        .join("originals")
        .join(&media.sha256[0..2])
        .join(&media.sha256[2..4])
        .join(&media.sha256);
    assert!(
        !stored.exists(),
        "the original's bytes are deleted from disk"
    );
}

#[tokio::test]
async fn a_jpeg_has_no_preview_and_a_heic_gets_one_when_libheif_is_installed() {
    let f = Fixture::start(ModerationMode::Post).await;
    let (jpeg, _) = first_media(&f).await;
    let response = f
        .get(&paths::media_preview(&jpeg.id))
        .send()
        .await
        .expect("preview request");
    expect_problem(response, StatusCode::NOT_FOUND, codes::PREVIEW_UNAVAILABLE).await;

    let heic = admin::simulate_upload(
        f.data(),
        &f.event,
        "Lena",
        None,
        &[corpus().join("heic/samplefilehub.heif")],
    )
    .expect("HEIC upload");
    let has_tool = klikt_media::Tools::detect().heif.is_some();
    let response = f
        .get(&paths::media_preview(&heic[0]))
        .send()
        .await
        .expect("preview request");
    if has_tool {
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "libheif made a preview at upload"
        );
        assert_eq!(
            header(&response, "content-type").as_deref(),
            Some("image/jpeg")
        );
        let etag = header(&response, "etag").expect("previews have an ETag");
        let body = response.bytes().await.expect("body");
        assert!(body.starts_with(&[0xFF, 0xD8]), "the preview is a JPEG");
        let again = f
            .get(&paths::media_preview(&heic[0]))
            .header("If-None-Match", etag)
            .send()
            .await
            .expect("preview request");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    } else {
        expect_problem(response, StatusCode::NOT_FOUND, codes::PREVIEW_UNAVAILABLE).await;
    }
}
