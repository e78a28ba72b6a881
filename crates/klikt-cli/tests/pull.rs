//! `klikt login`, `klikt pull` and `klikt logout` against the real reference
//! server on a loopback port, with the real OS keyring (run the tests in a
//! D-Bus session with an unlocked Secret Service, as `./dev test` does).

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::remote::*;
use common::{assert_consistent, corpus, klikt, media_rows, run};
use klikt_server::admin;
use klikt_server::{Faults, ServerConfig, TestServer};
use klikt_wire::{ItemId, ModerationMode, TombstoneReason};

#[test]
fn the_first_pull_fetches_every_original_verified_and_later_pulls_only_changes() {
    let photos = few_photos();
    let fx = fixture(photos.path());

    let (out, report) = fx.pull();
    assert!(out.status.success(), "pull: {}", stderr(&out));
    assert_eq!(report["downloaded"], 3);
    let items = fx.items();
    assert_eq!(items.len(), 3);
    for item in &items {
        for field in ["remote_id", "uploader", "uploaded_at"] {
            assert!(item[field].is_string(), "{field} in {item}");
        }
        let original = std::fs::read(item["original_path"].as_str().unwrap()).unwrap();
        assert_eq!(sha256_hex(&original), item["sha256"].as_str().unwrap());
        assert!(
            item["thumbnail_path"].is_string(),
            "renditions made as in import"
        );
    }
    assert_consistent(fx.lib(), true);

    // Nothing changed: nothing is downloaded again.
    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report["downloaded"], 0);
    assert_eq!(report["changes"], 0);

    // Guests upload; the next pull brings exactly those, with their captions.
    let uploaded = admin::simulate_upload(
        fx.data(),
        &fx.event,
        "Lena",
        Some("<img src=x onerror=alert(1)>"),
        &[
            corpus().join("jpg/orientation/portrait_6.jpg"),
            corpus().join("jpg/Fujifilm_FinePix_E500.jpg"),
        ],
    )
    .unwrap();
    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report["downloaded"], 2);
    let items = fx.items();
    assert_eq!(items.len(), 5);
    let new: Vec<_> = items
        .iter()
        .filter(|i| uploaded.iter().any(|u| i["remote_id"] == u.as_str()))
        .collect();
    assert_eq!(new.len(), 2);
    for item in new {
        assert_eq!(item["uploader"], "Lena");
        assert_eq!(item["caption"], "<img src=x onerror=alert(1)>");
    }
    // The event is found by its server id, its local id and its name alike.
    let by_name = run(klikt(fx.lib()).args(["pull", "Anna & Tom"]));
    assert!(by_name.status.success(), "{}", stderr(&by_name));
}

#[test]
fn a_removal_request_purges_the_original_and_its_renditions_for_good() {
    // A photo carrying a unique marker in a JPEG comment segment.
    let marker = b"KLIKT-REMOVAL-MARKER-7f3a9c";
    let photo = std::fs::read(corpus().join("jpg/Canon_40D.jpg")).unwrap();
    let mut marked = photo[..2].to_vec();
    let len = (marker.len() + 2) as u16;
    marked.extend_from_slice(&[0xFF, 0xFE]);
    marked.extend_from_slice(&len.to_be_bytes());
    marked.extend_from_slice(marker);
    marked.extend_from_slice(&photo[2..]);
    let photos = tempfile::tempdir().unwrap();
    std::fs::write(photos.path().join("marked.jpg"), &marked).unwrap();
    std::fs::copy(
        corpus().join("jpg/Nikon_D70.jpg"),
        photos.path().join("other.jpg"),
    )
    .unwrap();
    let fx = fixture(photos.path());

    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !library_contains(fx.lib(), marker).is_empty(),
        "the marked original was pulled"
    );
    let marked_id = fx
        .items()
        .into_iter()
        .find(|i| i["original_name"] == "marked.jpg")
        .and_then(|i| i["remote_id"].as_str().map(ItemId::new))
        .expect("the marked item is listed");

    admin::simulate_remove(fx.data(), &marked_id, TombstoneReason::RemovalRequest).unwrap();
    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report["purged"], 1);

    let left = library_contains(fx.lib(), marker);
    assert!(left.is_empty(), "the marker is still in {left:?}");
    let items = fx.items();
    assert_eq!(items.len(), 1, "only the other photo is listed");
    assert_consistent(fx.lib(), true);

    // The tombstone is remembered: another full pull never brings it back.
    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report["downloaded"], 0);
    assert!(library_contains(fx.lib(), marker).is_empty());
}

#[test]
fn a_pull_through_resets_errors_and_rate_limits_completes_with_every_hash_verified() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    fx.server.set_faults(Faults {
        reset_rate: 0.25,
        error_rate: 0.1,
        rate_limit_every: 12,
        rate_limit_burst: 2,
        retry_after: 1,
        ..Faults::none()
    });

    let (out, report) = fx.pull();
    assert!(out.status.success(), "pull under faults: {}", stderr(&out));
    assert_eq!(report["downloaded"], 3);
    fx.server.set_faults(Faults::none());
    for item in fx.items() {
        let original = std::fs::read(item["original_path"].as_str().unwrap()).unwrap();
        assert_eq!(sha256_hex(&original), item["sha256"].as_str().unwrap());
    }
    assert_consistent(fx.lib(), true);
}

#[test]
fn killing_a_pull_midway_leaves_no_partial_file_and_the_next_pull_only_fetches_the_rest() {
    let photos = tempfile::tempdir().unwrap();
    let mut n = 0;
    for dir in ["jpg", "jpg/orientation"] {
        for entry in std::fs::read_dir(corpus().join(dir)).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "jpg") && !path.ends_with("corrupted.jpg") {
                std::fs::copy(&path, photos.path().join(format!("{n:03}.jpg"))).unwrap();
                n += 1;
            }
        }
    }
    let fx = fixture(photos.path());
    let total = fx.media.len() as i64;
    assert!(total >= 20, "enough items to stop midway ({total})");
    // Slow the server down so that the kill lands mid-pull.
    fx.server.set_faults(Faults {
        latency_ms: 150,
        ..Faults::none()
    });

    let mut child = klikt(fx.lib())
        .args(["pull", fx.event.as_str(), "--jobs", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while media_rows(fx.lib()) < 3 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    assert_consistent(fx.lib(), false);
    let kept = media_rows(fx.lib());
    assert!(kept < total, "killed before the end ({kept} of {total})");

    fx.server.set_faults(Faults::none());
    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        report["downloaded"].as_i64().unwrap() + report["reused"].as_i64().unwrap(),
        total - kept,
        "what was complete before the kill is not fetched again"
    );
    assert_eq!(media_rows(fx.lib()), total);
    assert_consistent(fx.lib(), true);
}

#[test]
fn an_event_whose_plan_ended_keeps_every_local_copy() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));

    admin::simulate_expire(fx.data(), &fx.event, false).unwrap();
    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report["server_state"], "expired");
    assert_eq!(fx.items().len(), 3);
    let listed = common::json(&run(klikt(fx.lib()).args(["events", "--json"])));
    assert_eq!(listed[0]["server_state"], "expired", "the library marks it");

    // Past backup_until the server answers 410: the event stops syncing,
    // the local copies stay.
    admin::simulate_expire(fx.data(), &fx.event, true).unwrap();
    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report["server_state"], "gone");
    let items = fx.items();
    assert_eq!(items.len(), 3);
    for item in items {
        assert!(Path::new(item["original_path"].as_str().unwrap()).is_file());
    }
}

#[test]
fn tokens_live_only_in_the_keyring_and_logout_removes_them() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));

    let entry = keyring::Entry::new("Klikt Desktop", &format!("{EMAIL} on {}", fx.server.url()))
        .expect("keyring entry");
    let stored: serde_json::Value =
        serde_json::from_str(&entry.get_password().expect("tokens are in the keyring")).unwrap();
    for token in ["access_token", "refresh_token"] {
        let value = stored[token].as_str().expect("a token");
        let found = library_contains(fx.lib(), value.as_bytes());
        assert!(found.is_empty(), "{token} leaked into {found:?}");
    }
    assert!(library_contains(fx.lib(), PASSWORD.as_bytes()).is_empty());

    let out = run(klikt(fx.lib()).arg("logout"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
    let out = run(klikt(fx.lib()).args(["events", "--remote"]));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not signed in"), "{}", stderr(&out));
}

#[test]
fn without_a_secret_service_login_fails_clearly_and_writes_no_token_anywhere() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(ServerConfig::new(data.path())).unwrap();
    admin::create_account(data.path(), EMAIL, PASSWORD).unwrap();
    let library = tempfile::tempdir().unwrap();
    let mut child = klikt(library.path())
        .args([
            "login",
            "--server",
            server.url(),
            "--email",
            EMAIL,
            "--password-stdin",
        ])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/klikt-test-bus",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{PASSWORD}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("keyring"), "{message}");
    assert!(message.contains("never in a file"), "{message}");
    let accounts: i64 = rusqlite::Connection::open(library.path().join("library.db"))
        .and_then(|c| c.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0)))
        .unwrap();
    assert_eq!(accounts, 0, "no account without its tokens");
}

#[test]
fn pull_of_an_unknown_event_names_it() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    let out = run(klikt(fx.lib()).args(["pull", "evt_nope"]));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("evt_nope"), "{}", stderr(&out));
}

#[test]
fn a_cursor_the_server_no_longer_knows_replays_the_feed_without_downloading_again() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    let removed = fx.media[0].clone();
    admin::simulate_remove(fx.data(), &removed, TombstoneReason::Uploader).unwrap();
    rusqlite::Connection::open(fx.lib().join("library.db"))
        .unwrap()
        .execute("UPDATE events SET feed_cursor = 'c_stale_or_forged'", [])
        .unwrap();

    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report["downloaded"], 0, "a replay re-downloads nothing");
    assert_eq!(report["purged"], 1, "the replay's tombstone is applied");
    let items = fx.items();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["remote_id"] != removed.as_str()));
    assert_consistent(fx.lib(), true);
}

#[test]
fn an_expired_access_token_is_refreshed_transparently_and_the_new_tokens_kept() {
    let photos = few_photos();
    let fx = fixture_with(photos.path(), ModerationMode::Post, |config| {
        config.access_ttl = Duration::from_secs(1);
    });
    let entry = keyring::Entry::new("Klikt Desktop", &format!("{EMAIL} on {}", fx.server.url()))
        .expect("keyring entry");
    let before = entry.get_password().expect("tokens stored at login");
    std::thread::sleep(Duration::from_millis(1500));

    let (out, report) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report["downloaded"], 3);
    let after = entry.get_password().expect("tokens still stored");
    assert_ne!(before, after, "the rotated refresh token was saved");

    // The saved refresh token is the live one: the next run refreshes with it.
    std::thread::sleep(Duration::from_millis(1500));
    let out = run(klikt(fx.lib()).args(["events", "--remote"]));
    assert!(out.status.success(), "{}", stderr(&out));
}
