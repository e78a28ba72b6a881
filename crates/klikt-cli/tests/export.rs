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

fn exported_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".jpg"))
            .count()
    })
}

#[test]
fn an_export_killed_midway_is_finished_by_running_it_again_and_then_verifies() {
    let lib = tempfile::tempdir().unwrap();
    library_with_photos(lib.path());
    let out = lib.path().join("export");
    for kill_after in [0, 3, 10] {
        let mut child = klikt(lib.path())
            .args(["export", "Party", "--to"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if exported_files(&out) >= kill_after || started.elapsed() > Duration::from_secs(60) {
                // SIGKILL: no destructor runs, like a crash or a pulled plug.
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.wait();
        // A killed export never looks complete: no manifest until the end.
        if !out.join("manifest.json").exists() {
            let verify = run(klikt(lib.path()).arg("verify").arg(&out));
            assert!(
                !verify.status.success(),
                "verify refuses an unfinished export"
            );
        }
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
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".klikt-partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let verify = run(klikt(lib.path()).args(["verify", "--json"]).arg(&out));
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert_eq!(json(&verify)["missing"], serde_json::json!([]));
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
