//! Live mode against the real reference server on loopback (and the real
//! keyring: run under `./dev test`): new uploads arrive each round; with the
//! server gone the state turns offline and the local copies stay; when the
//! server is back the next round catches up.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use klikt_api::{Klikt, LiveStatus, MediaQuery, RetryPolicy};
use klikt_server::admin::{self, SeedOptions};
use klikt_server::{ServerConfig, TestServer};
use klikt_wire::ModerationMode;

const EMAIL: &str = "live@example.com";
const PASSWORD: &str = "live-password-1";

fn corpus_photo(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/jpg/orientation")
        .join(name)
}

fn idle() -> LiveStatus {
    LiveStatus {
        event_id: None,
        state: "offline".into(),
        last_ok_at: None,
        last_error: None,
        new_items: 0,
        changes: 0,
        awaiting_moderation: 0,
    }
}

#[test]
fn live_rounds_bring_new_uploads_go_offline_quietly_and_catch_up() {
    let data = tempfile::tempdir().expect("server data");
    let seed = tempfile::tempdir().expect("seed");
    std::fs::copy(corpus_photo("landscape_1.jpg"), seed.path().join("a.jpg")).expect("copy");
    let seeded = admin::seed(
        data.path(),
        &SeedOptions {
            email: EMAIL.into(),
            password: PASSWORD.into(),
            event: "Live".into(),
            from: seed.path().to_path_buf(),
            moderation: ModerationMode::Pre,
            expires_in_days: 30,
        },
    )
    .expect("seed");
    let event = seeded.event_id.to_string();
    let server = TestServer::start(ServerConfig::new(data.path())).expect("server");
    let port: u16 = server
        .url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let library = tempfile::tempdir().expect("library");
    let mut klikt = Klikt::open(library.path()).expect("open");
    klikt.set_retry_policy(RetryPolicy::fast_for_tests());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime
        .block_on(klikt.login(server.url(), EMAIL, PASSWORD))
        .expect("sign in (needs an unlocked Secret Service)");

    let first = runtime.block_on(klikt.live_round(&event, &idle()));
    assert_eq!(first.state, "live", "{first:?}");
    assert_eq!(first.new_items, 1);
    assert!(
        first.changes >= 1,
        "a round that brought something says so, so the show re-reads its deck: {first:?}"
    );
    assert_eq!(
        first.awaiting_moderation, 1,
        "pre-moderation: the upload waits"
    );

    admin::simulate_upload(
        data.path(),
        &seeded.event_id,
        "Lena",
        Some("cake"),
        &[corpus_photo("landscape_2.jpg")],
    )
    .expect("a guest uploads");
    let second = runtime.block_on(klikt.live_round(&event, &first));
    assert_eq!(
        (
            second.state.as_str(),
            second.new_items,
            second.awaiting_moderation
        ),
        ("live", 1, 2)
    );

    drop(server); // the venue's network goes down
    let offline = runtime.block_on(klikt.live_round(&event, &second));
    assert_eq!(offline.state, "offline");
    assert!(offline.last_error.is_some());
    assert_eq!(offline.changes, 0, "an offline round changed nothing");
    assert_eq!(
        offline.last_ok_at, second.last_ok_at,
        "the last good round is remembered"
    );
    let local = klikt
        .media(&event, &MediaQuery::default())
        .expect("local copies");
    assert_eq!(local.len(), 2, "nothing is lost while offline");

    admin::simulate_upload(
        data.path(),
        &seeded.event_id,
        "Mia",
        None,
        &[corpus_photo("landscape_3.jpg")],
    )
    .expect("an upload while we are offline");
    let _back =
        TestServer::start_on_port(ServerConfig::new(data.path()), port).expect("server back");
    let stop = AtomicBool::new(false);
    let seen = std::sync::Mutex::new(Vec::new());
    let on_status = |s: &LiveStatus| {
        let mut seen = seen.lock().expect("lock");
        seen.push(s.clone());
        if seen.len() >= 2 {
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let last =
        runtime.block_on(klikt.run_live(&event, Duration::from_millis(200), &stop, &on_status));
    assert_eq!(last.state, "live");
    let seen = seen.into_inner().expect("lock");
    assert_eq!(
        seen[0].new_items, 1,
        "the upload made while offline arrives: {seen:?}"
    );
    assert_eq!(
        klikt
            .media(&event, &MediaQuery::default())
            .expect("media")
            .len(),
        3
    );

    runtime.block_on(klikt.logout()).expect("sign out");
}
