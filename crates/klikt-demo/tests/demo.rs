//! The demo event end to end: the embedded reference server, the real keyring
//! (run under `./dev test`, which provides a Secret Service), a real pull.

use std::sync::atomic::AtomicBool;

use klikt_api::{Klikt, MediaQuery, PullOptions};
use klikt_demo::{DemoHost, EVENT_NAME};

fn pull(klikt: &Klikt, remote_id: &str) -> klikt_api::PullReport {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime
        .block_on(klikt.pull(
            remote_id,
            &PullOptions::default(),
            &|_| {},
            &AtomicBool::new(false),
        ))
        .expect("the demo event pulls")
}

#[test]
fn the_demo_signs_in_and_its_event_pulls_with_photos_captions_and_messages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let klikt = Klikt::open(dir.path().join("library")).expect("library");
    let host = DemoHost::new();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");

    let info = runtime
        .block_on(host.start(&klikt))
        .expect("the demo starts");
    assert_eq!(info.event_name, EVENT_NAME);
    assert!(
        info.account.server_url.starts_with("http://127.0.0.1:"),
        "loopback only"
    );
    assert_eq!(
        klikt.account().expect("account"),
        Some(info.account.clone())
    );

    let report = pull(&klikt, &info.remote_id);
    assert_eq!(
        report.downloaded, 12,
        "ten seeded photos and two captioned uploads"
    );
    assert_eq!(report.messages, 3);
    let items = klikt
        .media(&report.event_id.to_string(), &MediaQuery::default())
        .expect("media");
    assert_eq!(items.len(), 12);
    assert!(
        items.iter().all(|i| i.thumbnail_path.is_some()),
        "every sample photo renders"
    );
    for caption in [
        "Le coucher de soleil sur la terrasse ☀️",
        "Best night ever — thank you both!",
    ] {
        assert!(
            items.iter().any(|i| i.caption.as_deref() == Some(caption)),
            "the guest caption {caption:?} arrives"
        );
    }
    // Pre-moderation: the organizer has work to do.
    assert!(items.iter().all(|i| i.status == klikt_api::Status::Pending));

    let again = runtime.block_on(host.start(&klikt)).expect("start twice");
    assert_eq!(again, info, "a second start returns the running demo");

    let logout = runtime.block_on(klikt.logout());
    drop(runtime);
    logout.expect("sign out of the demo");
}

#[test]
fn after_a_restart_the_demo_server_comes_back_at_the_same_address() {
    let dir = tempfile::tempdir().expect("temp dir");
    let library = dir.path().join("library");
    let url = {
        let klikt = Klikt::open(&library).expect("library");
        let host = DemoHost::new();
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let info = runtime
            .block_on(host.start(&klikt))
            .expect("the demo starts");
        pull(&klikt, &info.remote_id);
        info.account.server_url
        // host dropped: the server stops, as when the app quits
    };

    let klikt = Klikt::open(&library).expect("library reopens");
    let host = DemoHost::new();
    let resumed = host
        .resume(&klikt)
        .expect("resume")
        .expect("the library is signed in to the demo");
    assert_eq!(resumed.account.server_url, url);
    let report = pull(&klikt, &resumed.remote_id);
    assert_eq!(
        report.downloaded, 0,
        "nothing new; the server answered at its old address"
    );

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(klikt.logout()).expect("sign out");
}

#[test]
fn resume_does_nothing_for_a_library_that_never_ran_the_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    let klikt = Klikt::open(dir.path().join("library")).expect("library");
    assert_eq!(DemoHost::new().resume(&klikt).expect("resume"), None);
}
