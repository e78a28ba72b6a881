//! `klikt export`, `klikt verify` and `klikt forget` as a user runs them,
//! including a crash (SIGKILL) in the middle of an export.

mod common;

use common::{clean_photos, json, klikt, run};

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An event of the corpus' phone, camera and orientation photos (a few MB each).
fn library_with_photos(lib: &Path) {
    let imported = run(klikt(lib)
        .args(["import", "--event", "Party", "--status", "approved"])
        .args(clean_photos()));
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
}

/// Copies an export has made but not yet made durable and named: the
/// `.klikt-partial-*` files of its folder. A folder export names its copies
/// only once a whole batch is on disk (hundreds of MB, more than this
/// event), so until the end these are the only sign of its progress.
fn copies_in_progress(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".klikt-partial-")
            })
            .count()
    })
}

#[test]
fn an_export_killed_midway_is_finished_by_running_it_again_and_then_verifies() {
    let lib = tempfile::tempdir().unwrap();
    library_with_photos(lib.path());
    let out = lib.path().join("export");
    // Each round kills a run while it is copying (after this many copies);
    // the next round starts over the leftovers of the one before.
    for copies in [1, 3, 10] {
        let mut child = klikt(lib.path())
            .args(["export", "Party", "--to"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut seen = 0;
        while seen < copies && child.try_wait().unwrap().is_none() {
            seen = copies_in_progress(&out);
            std::thread::sleep(Duration::from_millis(1));
        }
        // SIGKILL: no destructor runs, like a crash or a pulled plug.
        let _ = child.kill();
        let status = child.wait().unwrap();
        assert!(
            !status.success() && seen >= copies,
            "killed while copying (with {seen} copies in progress), not after it finished: {status}"
        );
        assert!(
            copies_in_progress(&out) >= copies,
            "the kill left the run's half-done copies behind"
        );
        assert!(
            !out.join("manifest.json").exists(),
            "a killed export never looks complete: no manifest until the end"
        );
        let verify = run(klikt(lib.path()).arg("verify").arg(&out));
        assert!(
            !verify.status.success(),
            "verify refuses an unfinished export"
        );
    }
    let rerun = run(klikt(lib.path())
        .args(["export", "Party", "--json", "--to"])
        .arg(&out));
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let report = json(&rerun);
    assert!(report["failed"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(
        copies_in_progress(&out),
        0,
        "the rerun swept the killed runs' partial copies"
    );
    let verify = run(klikt(lib.path()).args(["verify", "--json"]).arg(&out));
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert_eq!(json(&verify)["missing"], serde_json::json!([]));
    assert_eq!(json(&verify)["altered"], serde_json::json!([]));
}

#[test]
fn a_killed_zip_export_leaves_no_zip_and_the_rerun_makes_a_complete_one() {
    let lib = tempfile::tempdir().unwrap();
    library_with_photos(lib.path());
    let zip = lib.path().join("party.zip");
    let mut child = klikt(lib.path())
        .args(["export", "Party", "--to"])
        .arg(&zip)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = lib.path().join("party.zip.partial");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none()
        && !partial.exists()
        && started.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        !zip.exists()
            || run(klikt(lib.path()).arg("verify").arg(&zip))
                .status
                .success(),
        "a ZIP under its final name is always complete"
    );
    let rerun = run(klikt(lib.path())
        .args(["export", "Party", "--to"])
        .arg(&zip));
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert!(!partial.exists(), "the partial file is gone");
    let tested = Command::new("unzip")
        .arg("-tqq")
        .arg(&zip)
        .status()
        .expect("unzip");
    assert!(tested.success());
    assert!(run(klikt(lib.path()).arg("verify").arg(&zip))
        .status
        .success());
}

#[test]
fn verify_fails_and_names_a_flipped_byte() {
    let lib = tempfile::tempdir().unwrap();
    library_with_photos(lib.path());
    let out = lib.path().join("export");
    assert!(run(klikt(lib.path())
        .args(["export", "Party", "--to"])
        .arg(&out))
    .status
    .success());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let victim = manifest["items"][0]["path"].as_str().unwrap().to_owned();
    let mut bytes = std::fs::read(out.join(&victim)).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    std::fs::write(out.join(&victim), bytes).unwrap();
    let verify = run(klikt(lib.path()).arg("verify").arg(&out));
    assert!(!verify.status.success());
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(stderr.contains(&format!("altered: {victim}")), "{stderr}");
}

#[test]
fn forget_asks_for_the_name_and_then_removes_the_event() {
    let lib = tempfile::tempdir().unwrap();
    library_with_photos(lib.path());
    let refused = run(klikt(lib.path())
        .args(["forget", "Party"])
        .stdin(Stdio::null()));
    assert!(!refused.status.success(), "no name typed, nothing removed");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("NO verified export"), "{stderr}");
    assert!(run(klikt(lib.path()).args(["ls", "Party"]))
        .status
        .success());

    let mut child = klikt(lib.path())
        .args(["forget", "Party"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"Party\n").unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        !run(klikt(lib.path()).args(["ls", "Party"]))
            .status
            .success(),
        "gone"
    );
}
