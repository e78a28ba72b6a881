//! Helpers shared by the CLI's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod remote;

pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

pub fn klikt(library: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_klikt"));
    cmd.arg("--library")
        .arg(library)
        .env_remove("KLIKT_LIBRARY");
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("klikt runs")
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Checks the crash-consistency rules directly on the files, without going
/// through `Library::open` (whose sweep would hide leftovers).
pub fn assert_consistent(library: &Path, after_sweep: bool) {
    let conn = rusqlite::Connection::open(library.join("library.db")).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    // Killed before the first migration committed: all-or-nothing means no tables at all.
    let rows: Vec<(String, bool, bool)> = if version == 0 {
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0, "an unmigrated database has no half-made schema");
        Vec::new()
    } else {
        let mut stmt = conn
            .prepare("SELECT sha256, has_thumbnail, has_display FROM media")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows
    };
    let store = library.join("store");
    let file = |sha: &str, suffix: &str| {
        store
            .join(&sha[0..2])
            .join(&sha[2..4])
            .join(format!("{sha}{suffix}"))
    };
    for (sha, thumb, display) in &rows {
        let original = file(sha, "");
        assert!(original.is_file(), "row without its original: {sha}");
        let bytes = std::fs::read(&original).unwrap();
        use sha2::Digest;
        let actual: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            &actual, sha,
            "a committed original is complete, never partial"
        );
        if *thumb {
            assert!(
                file(sha, ".thumb.jpg").is_file(),
                "row without its thumbnail: {sha}"
            );
        }
        if *display {
            assert!(
                file(sha, ".display.jpg").is_file(),
                "row without its display: {sha}"
            );
        }
    }
    if after_sweep {
        let referenced: HashSet<&str> = rows.iter().map(|(s, _, _)| s.as_str()).collect();
        let leftovers: Vec<_> = std::fs::read_dir(store.join("tmp"))
            .into_iter()
            .flatten()
            .collect();
        assert!(
            leftovers.is_empty(),
            "no partial files after a re-run: {leftovers:?}"
        );
        for shard in std::fs::read_dir(&store).unwrap() {
            let shard = shard.unwrap().path();
            // tmp/ is checked above; downloads/ holds resumable partial
            // downloads, which are not media until verified.
            if shard.file_name().unwrap() == "tmp" || shard.file_name().unwrap() == "downloads" {
                continue;
            }
            for sub in std::fs::read_dir(&shard).unwrap() {
                for f in std::fs::read_dir(sub.unwrap().path()).unwrap() {
                    let name = f.unwrap().file_name().to_string_lossy().into_owned();
                    let sha = name.split('.').next().unwrap().to_owned();
                    assert!(referenced.contains(sha.as_str()), "orphan file {name}");
                }
            }
        }
    }
}

pub fn media_rows(library: &Path) -> i64 {
    rusqlite::Connection::open(library.join("library.db"))
        .and_then(|c| c.query_row("SELECT count(*) FROM media", [], |r| r.get(0)))
        .unwrap_or(0)
}

/// Photos that all import cleanly (the folders' READMEs left out).
pub fn clean_photos() -> Vec<PathBuf> {
    let mut photos = vec![
        corpus().join("jpg/Canon_40D.jpg"),
        corpus().join("jpg/Nikon_D70.jpg"),
    ];
    for dir in ["jpg/orientation", "jpg/mobile", "jpg/hdr"] {
        for entry in std::fs::read_dir(corpus().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "jpg") {
                photos.push(path);
            }
        }
    }
    photos.sort();
    photos
}
