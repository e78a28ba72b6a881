//! Downloads of originals: fresh, resumed, corrupt prefixes, stalls, and
//! under injected faults; always byte-identical and hash-verified.

use crate::harness::{all_media, Fixture, Proxy, EMAIL, PASSWORD};
use klikt_remote::{Client, RetryPolicy};
use klikt_server::Faults;
use klikt_wire::Media;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Downloads `media` into `path`, checks the bytes against the server's
/// announced hash and returns them and the progress total.
async fn download(client: &Client, media: &Media, path: &Path) -> (Vec<u8>, u64) {
    let total = AtomicU64::new(0);
    client
        .download_original(&media.id, &media.sha256, media.size, path, &|n| {
            total.fetch_add(n, Ordering::SeqCst);
        })
        .await
        .unwrap_or_else(|e| panic!("downloading {}: {e}", media.id));
    let bytes = std::fs::read(path).expect("the downloaded file");
    assert_eq!(bytes.len() as u64, media.size, "{}: size", media.id);
    assert_eq!(sha256_hex(&bytes), media.sha256, "{}: content", media.id);
    (bytes, total.load(Ordering::SeqCst))
}

fn largest(media: &[Media]) -> &Media {
    media.iter().max_by_key(|m| m.size).expect("media")
}

#[tokio::test]
async fn a_download_is_byte_identical_and_its_progress_adds_up_to_the_size() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let dir = fixture.scratch();
    for media in all_media(&client, &fixture.event).await {
        let path = dir.path().join(media.id.as_str());
        let (_, progress) = download(&client, &media, &path).await;
        assert_eq!(
            progress, media.size,
            "{}: progress counts each byte once",
            media.id
        );
    }
}

#[tokio::test]
async fn a_truncated_partial_file_is_resumed_with_a_range_and_ends_byte_identical() {
    let fixture = Fixture::start("jpg/hdr");
    let proxy = Proxy::start(fixture.server.url(), None).await;
    let (client, _) = Client::sign_in(&proxy.url, EMAIL, PASSWORD, RetryPolicy::fast_for_tests())
        .await
        .expect("sign in through the proxy");
    let media = all_media(&client, &fixture.event).await;
    let target = largest(&media).clone();
    let dir = fixture.scratch();
    let path = dir.path().join("partial");
    let (whole, _) = download(&client, &target, &path).await;
    let kept = whole.len() / 3;
    std::fs::write(&path, &whole[..kept]).expect("truncate");

    let before = proxy.downstream_bytes.load(Ordering::SeqCst);
    let (again, progress) = download(&client, &target, &path).await;
    let transferred = proxy.downstream_bytes.load(Ordering::SeqCst) - before;

    assert_eq!(again, whole);
    assert_eq!(progress, target.size, "the kept prefix counts once");
    let requests = proxy.requests();
    assert!(
        requests.contains(&format!("range: bytes={kept}-")),
        "asked for the rest only"
    );
    assert!(
        requests.contains(&format!("if-range: \"{}\"", target.sha256)),
        "resumed only if the file is still the same"
    );
    let missing = (whole.len() - kept) as u64;
    assert!(
        transferred < missing + 4096,
        "only the missing {missing} bytes (and headers) crossed the wire, not {transferred}"
    );
}

#[tokio::test]
async fn a_partial_file_with_a_corrupt_prefix_is_detected_and_downloaded_again() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let media = all_media(&client, &fixture.event).await;
    let target = largest(&media).clone();
    let dir = fixture.scratch();
    let path = dir.path().join("partial");
    let (whole, _) = download(&client, &target, &path).await;

    let mut corrupt = whole[..whole.len() / 2].to_vec();
    corrupt[1000] ^= 0xff;
    std::fs::write(&path, &corrupt).expect("corrupt prefix");
    let (again, _) = download(&client, &target, &path).await;
    assert_eq!(
        again, whole,
        "the bad prefix was thrown away and fetched again"
    );

    let mut complete_but_wrong = whole.clone();
    complete_but_wrong[5] ^= 0x01;
    std::fs::write(&path, &complete_but_wrong).expect("corrupt whole file");
    let (again, _) = download(&client, &target, &path).await;
    assert_eq!(
        again, whole,
        "a complete but damaged file is fetched again too"
    );
}

#[tokio::test]
async fn a_hash_that_does_not_match_deletes_the_file_and_says_so() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let media = all_media(&client, &fixture.event).await;
    let target = &media[0];
    let dir = fixture.scratch();
    let path = dir.path().join("partial");
    let wrong = "ab".repeat(32);
    let err = client
        .download_original(&target.id, &wrong, target.size, &path, &|_| {})
        .await
        .expect_err("the bytes do not have this hash");
    assert_eq!(err.code(), "hash_mismatch", "{err}");
    assert!(!path.exists(), "the damaged file is not left behind");
}

#[tokio::test]
async fn a_stalled_download_times_out_and_resumes_on_a_new_connection() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let media = all_media(&client, &fixture.event).await;
    let target = largest(&media).clone();
    let proxy = Proxy::start(fixture.server.url(), Some(target.size / 2)).await;
    let policy = RetryPolicy {
        stall_timeout: Duration::from_millis(700),
        ..RetryPolicy::fast_for_tests()
    };
    let tokens = client.tokens().await.expect("signed in");
    let through_proxy = Client::with_tokens(
        &proxy.url,
        tokens,
        std::sync::Arc::new(crate::harness::RecordingSink::default()),
        policy,
    )
    .expect("client");
    let dir = fixture.scratch();
    download(&through_proxy, &target, &dir.path().join("partial")).await;
    assert!(
        proxy.connections() >= 2,
        "the stalled connection was given up"
    );
    assert!(
        proxy.requests().contains("range: bytes="),
        "the retry resumed"
    );
}

async fn download_everything_under(spec: &str) {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let media = all_media(&client, &fixture.event).await;
    fixture
        .server
        .set_faults(Faults::from_spec(spec).expect("faults"));
    let dir = fixture.scratch();
    for item in &media {
        download(&client, item, &dir.path().join(item.id.as_str())).await;
    }
}

#[tokio::test]
async fn downloads_complete_hash_verified_when_connections_are_reset_mid_body() {
    download_everything_under("reset_rate=0.5,seed=3").await;
}

#[tokio::test]
async fn downloads_complete_hash_verified_through_server_errors() {
    download_everything_under("error_rate=0.4,error_status=500,seed=11").await;
}

#[tokio::test]
async fn downloads_complete_hash_verified_through_rate_limiting() {
    download_everything_under("rate_limit_every=3,rate_limit_burst=1,retry_after=1").await;
}

#[tokio::test]
async fn concurrent_downloads_share_one_client() {
    let fixture = Fixture::start("jpg/hdr");
    let client = fixture.client().await;
    let media = all_media(&client, &fixture.event).await;
    fixture
        .server
        .set_faults(Faults::from_spec("reset_rate=0.3,latency_ms=20,seed=5").expect("faults"));
    let dir = fixture.scratch();
    let tasks: Vec<_> = media
        .into_iter()
        .map(|item| {
            let client = client.clone();
            let path = dir.path().join(item.id.as_str());
            tokio::spawn(async move { download(&client, &item, &path).await })
        })
        .collect();
    for task in tasks {
        task.await.expect("download task");
    }
}
