//! The `klikt` binary as a user (or a script) runs it.

mod common;

use common::{assert_consistent, clean_photos, corpus, json, klikt, media_rows, run};

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn version_is_printed() {
    let out = run(Command::new(env!("CARGO_BIN_EXE_klikt")).arg("--version"));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("klikt "));
}

#[test]
fn ls_json_has_every_documented_field_with_absolute_store_paths() {
    let lib = tempfile::tempdir().unwrap();
    let imported = run(klikt(lib.path())
        .args(["import", "--event", "Fields"])
        .arg(corpus().join("jpg/Canon_40D.jpg")));
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );

    let listed = json(&run(klikt(lib.path()).args(["ls", "Fields", "--json"])));
    let items = listed.as_array().expect("an array");
    assert_eq!(items.len(), 1);
    let item = &items[0];
    for field in [
        "id",
        "event_id",
        "kind",
        "mime",
        "original_name",
        "sha256",
        "size",
        "width",
        "height",
        "orientation",
        "captured_at",
        "camera_make",
        "camera_model",
        "gps_lat",
        "gps_lon",
        "status",
        "flag",
        "rating",
        "favorite",
        "original_path",
        "thumbnail_path",
        "display_path",
    ] {
        assert!(
            item.get(field).is_some(),
            "field {field} is part of the contract: {item}"
        );
    }
    assert_eq!(item["kind"], "photo");
    assert_eq!(item["mime"], "image/jpeg");
    assert_eq!(item["status"], "pending");
    assert_eq!(item["flag"], "none");
    assert_eq!(item["camera_make"], "Canon");
    assert_eq!(item["camera_model"], "Canon EOS 40D");
    assert_eq!(item["captured_at"], "2008-05-30T15:56:01");
    for path in ["original_path", "thumbnail_path", "display_path"] {
        let p = item[path].as_str().expect("a path");
        assert!(
            Path::new(p).is_absolute() && Path::new(p).is_file(),
            "{path} = {p}"
        );
    }

    let id = item["id"].as_i64().unwrap();
    let shown = json(&run(klikt(lib.path()).args([
        "show",
        &id.to_string(),
        "--json",
    ])));
    assert_eq!(
        &shown, item,
        "show --json prints the same object as ls --json"
    );

    let events = json(&run(klikt(lib.path()).args(["events", "--json"])));
    assert_eq!(events[0]["name"], "Fields");
    assert_eq!(events[0]["media_count"], 1);
}

#[test]
fn import_exits_non_zero_only_when_some_file_failed_and_names_it() {
    let lib = tempfile::tempdir().unwrap();
    let good = run(klikt(lib.path())
        .args(["import", "--event", "Exit"])
        .arg(corpus().join("jpg/Nikon_D70.jpg")));
    assert!(good.status.success(), "all files imported → success");

    let bad = run(klikt(lib.path())
        .args(["import", "--event", "Exit"])
        .arg(corpus().join("jpg/corrupted.jpg"))
        .arg(corpus().join("jpg/Pentax_K10D.jpg")));
    assert_eq!(bad.status.code(), Some(1), "a rejected file → failure exit");
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("corrupted.jpg:"),
        "the rejected file is named: {stderr}"
    );
    let items = json(&run(klikt(lib.path()).args(["ls", "Exit", "--json"])));
    assert_eq!(
        items.as_array().unwrap().len(),
        2,
        "the good file of the batch is imported"
    );
}

#[test]
fn an_unknown_event_is_a_clear_error() {
    let lib = tempfile::tempdir().unwrap();
    let out = run(klikt(lib.path()).args(["ls", "Nope"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no event with id or name \"Nope\""));
}

#[test]
fn killing_an_import_midway_and_running_it_again_leaves_a_consistent_library() {
    let lib = tempfile::tempdir().unwrap();
    let photos = clean_photos();
    // Kill at several points: before, while, and after rows start to be committed.
    for (round, kill_after_rows) in [0i64, 1, 8].into_iter().enumerate() {
        let mut child = klikt(lib.path())
            .args(["import", "--event", "Crash"])
            .args(&photos)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let before = media_rows(lib.path());
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            let committed = media_rows(lib.path()) - before;
            if committed >= kill_after_rows || started.elapsed() > Duration::from_secs(60) {
                // SIGKILL: no destructor, no cleanup, like a crash or power cut.
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(5 + 10 * round as u64));
        }
        let _ = child.wait();
        assert_consistent(lib.path(), false);
    }

    let rerun = run(klikt(lib.path())
        .args(["import", "--event", "Crash"])
        .args(&photos));
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert_consistent(lib.path(), true);
    let again = run(klikt(lib.path())
        .args(["import", "--event", "Crash", "--json"])
        .args(&photos));
    let report = json(&again);
    assert_eq!(
        report["imported"], 0,
        "after the re-run, everything is there"
    );
    assert_eq!(
        media_rows(lib.path()),
        16 + 2 + 4 + 2,
        "every photo exactly once"
    );
}
