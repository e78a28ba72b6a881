//! Crash consistency: the `klikt` process is killed with SIGKILL at random
//! moments during import, pull, push and export, started again each time,
//! and after every kill the library must hold: `PRAGMA integrity_check` ok,
//! no row without its (complete) file, no visible partial file; after the
//! next open's sweep no file without its row; no decision lost, and none
//! applied twice on the server.
//!
//! `KLIKT_CRASH_ROUNDS` kills per job (default 6; `bench/crash_harness.sh`
//! runs 100), `KLIKT_CRASH_SEED` repeats a run (the seed is printed).
//! Needs the real keyring for the server jobs (a D-Bus session with an
//! unlocked Secret Service, as `./dev test` provides).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::remote::{fixture_with, stderr, Fixture};
use common::{assert_consistent, clean_photos, json, klikt, media_rows, run};
use klikt_server::Faults;
use klikt_wire::ModerationMode;

fn rounds() -> u32 {
    std::env::var("KLIKT_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

/// A small deterministic generator (xorshift64*), seeded per job.
struct Dice(u64);

impl Dice {
    fn new(job: &str) -> Dice {
        let seed = std::env::var("KLIKT_CRASH_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("crash harness: {job}: KLIKT_CRASH_SEED={seed}");
        Dice(seed.max(1))
    }

    /// A duration in [0, max).
    fn below(&mut self, max: Duration) -> Duration {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        max.mul_f64((x >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// How long `command` takes when left alone (the range kills are drawn from).
fn time_of(command: &mut Command) -> Duration {
    let started = Instant::now();
    let out = run(command);
    assert!(
        out.status.success(),
        "the undisturbed run: {}",
        stderr(&out)
    );
    started.elapsed()
}

/// Starts `command`, SIGKILLs it after `after` (if still running); true if it was killed.
fn kill_after(command: &mut Command, after: Duration) -> bool {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("klikt starts");
    let deadline = Instant::now() + after;
    loop {
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        if Instant::now() >= deadline {
            // SIGKILL: no destructor, no cleanup — a crash or a pulled plug.
            let _ = child.kill();
            let _ = child.wait();
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A job that finished before its kill leaves nothing to interrupt next
/// time: forget the event so the next round has the whole job to do again.
fn start_over(library: &Path, event: &str) {
    let out = run(klikt(library).args(["forget", event, "--yes"]));
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A folder of photos big enough that a job takes a while (copies, so a
/// server can be seeded from it too).
fn photo_set() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for path in clean_photos() {
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn photo_count(dir: &Path) -> i64 {
    std::fs::read_dir(dir).unwrap().count() as i64
}

#[test]
fn import_survives_sigkill_at_random_moments() {
    let photos = photo_set();
    let mut dice = Dice::new("import");
    let probe = tempfile::tempdir().unwrap();
    let span = time_of(
        klikt(probe.path())
            .args(["import", "--event", "Crash"])
            .arg(photos.path()),
    );
    let lib = tempfile::tempdir().unwrap();
    let mut killed = 0;
    for _ in 0..rounds() {
        let import = &mut klikt(lib.path());
        import
            .args(["import", "--event", "Crash"])
            .arg(photos.path());
        if kill_after(import, dice.below(span)) {
            killed += 1;
        } else {
            start_over(lib.path(), "Crash");
        }
        assert_consistent(lib.path(), false);
    }
    let out = run(klikt(lib.path())
        .args(["import", "--event", "Crash"])
        .arg(photos.path()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_consistent(lib.path(), true);
    assert_eq!(
        media_rows(lib.path()),
        photo_count(photos.path()),
        "every photo exactly once"
    );
    eprintln!("crash harness: import: {killed} kills survived");
}

#[test]
fn export_survives_sigkill_at_random_moments_and_then_verifies() {
    let photos = photo_set();
    let lib = tempfile::tempdir().unwrap();
    let out = run(klikt(lib.path())
        .args(["import", "--event", "Party"])
        .arg(photos.path()));
    assert!(out.status.success(), "{}", stderr(&out));
    let mut dice = Dice::new("export");
    let probe = lib.path().join("probe");
    let span = time_of(
        klikt(lib.path())
            .args(["export", "Party", "--to"])
            .arg(&probe),
    );
    let mut killed = 0;
    for (round, zip) in (0..rounds()).map(|r| (r, r % 2 == 1)) {
        let to = lib.path().join(if zip { "party.zip" } else { "party" });
        let export = &mut klikt(lib.path());
        export.args(["export", "Party", "--to"]).arg(&to);
        killed += u32::from(kill_after(export, dice.below(span)));
        if zip {
            // Under its final name a ZIP is always complete.
            assert!(
                !to.exists()
                    || run(klikt(lib.path()).arg("verify").arg(&to))
                        .status
                        .success(),
                "round {round}: an incomplete ZIP under its final name"
            );
        } else if to.join("manifest.json").exists() {
            assert!(run(klikt(lib.path()).arg("verify").arg(&to))
                .status
                .success());
        }
        assert_consistent(lib.path(), false);
    }
    for to in ["party", "party.zip"] {
        let to = lib.path().join(to);
        let out = run(klikt(lib.path()).args(["export", "Party", "--to"]).arg(&to));
        assert!(out.status.success(), "{}", stderr(&out));
        let verify = run(klikt(lib.path()).arg("verify").arg(&to));
        assert!(verify.status.success(), "{}", stderr(&verify));
    }
    eprintln!("crash harness: export: {killed} kills survived");
}

/// A server with the photo set (post-moderation), slowed so a pull or a
/// push is long enough to be killed in the middle of.
fn slow_server(photos: &Path) -> Fixture {
    let fx = fixture_with(photos, ModerationMode::Post, |_| {});
    fx.server.set_faults(Faults {
        latency_ms: 15,
        ..Faults::none()
    });
    fx
}

#[test]
fn pull_survives_sigkill_at_random_moments_and_the_next_pull_completes() {
    let photos = photo_set();
    let fx = slow_server(photos.path());
    let mut dice = Dice::new("pull");
    let probe = tempfile::tempdir().unwrap();
    // The undisturbed pull runs in a copy of the signed-in library.
    std::fs::copy(fx.lib().join("library.db"), probe.path().join("library.db")).unwrap();
    let span = time_of(klikt(probe.path()).args(["pull", fx.event.as_str()]));
    let mut killed = 0;
    for _ in 0..rounds() {
        if kill_after(
            klikt(fx.lib()).args(["pull", fx.event.as_str()]),
            dice.below(span),
        ) {
            killed += 1;
        } else {
            start_over(fx.lib(), fx.event.as_str());
        }
        assert_consistent(fx.lib(), false);
    }
    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_consistent(fx.lib(), true);
    assert_eq!(
        media_rows(fx.lib()),
        photo_count(photos.path()),
        "every upload, once"
    );
    eprintln!("crash harness: pull: {killed} kills survived");
}

#[test]
fn push_survives_sigkill_at_random_moments_and_applies_every_decision_exactly_once() {
    let photos = photo_set();
    let fx = slow_server(photos.path());
    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut dice = Dice::new("push");
    let ids: Vec<String> = fx.items().iter().map(|i| i["id"].to_string()).collect();
    // How long a push of one round's decisions takes when left alone.
    let first: Vec<&str> = ids.iter().step_by(3).map(String::as_str).collect();
    let out = run(klikt(fx.lib())
        .args(["moderate", fx.event.as_str(), "--hide"])
        .args(&first));
    assert!(out.status.success(), "{}", stderr(&out));
    let mut decided = first.len();
    let span = time_of(klikt(fx.lib()).args(["push", fx.event.as_str()]));
    let mut killed = 0;
    for round in 1..=rounds() {
        // New decisions each round: hide or approve a few items, alternating.
        let action = if round % 2 == 0 {
            "--hide"
        } else {
            "--approve"
        };
        let chosen: Vec<&str> = ids
            .iter()
            .skip(round as usize % 3)
            .step_by(3)
            .map(String::as_str)
            .collect();
        let out = run(klikt(fx.lib())
            .args(["moderate", fx.event.as_str(), action])
            .args(&chosen));
        assert!(out.status.success(), "{}", stderr(&out));
        decided += chosen.len();
        killed += u32::from(kill_after(
            klikt(fx.lib()).args(["push", fx.event.as_str()]),
            dice.below(span),
        ));
        assert_consistent(fx.lib(), false);
    }
    let out = run(klikt(fx.lib()).args(["push", fx.event.as_str(), "--json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let outbox = json(&run(klikt(fx.lib()).args([
        "outbox",
        fx.event.as_str(),
        "--json",
    ])));
    let left = outbox
        .as_array()
        .expect("an array")
        .iter()
        .filter(|e| e["state"] == "pending" || e["state"] == "dead")
        .count();
    assert_eq!(left, 0, "nothing left to send: {outbox}");

    let inspection = klikt_server::admin::inspect(fx.data(), &fx.event).expect("inspect");
    // Every decision reached the server once: one applied decision per
    // (batch idempotency key, decision in the batch) — a resent batch is
    // answered from the server's record, not applied again — and no more
    // applied than were made. (A hide that the outbox folded over an unsent
    // approve reaches the server as a no-op at the same version: not a
    // double application.)
    let mut keys: Vec<(&str, &str)> = inspection
        .decisions
        .iter()
        .map(|d| (d.idempotency_key.as_str(), d.decision_id.as_str()))
        .collect();
    let applied = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), applied, "a decision was applied twice");
    assert!(applied <= decided, "{applied} applied for {decided} made");
    // No decision lost: the server ends where the library says.
    let local = fx.items();
    for item in &inspection.media {
        let mine = local
            .iter()
            .find(|l| l["remote_id"].as_str() == Some(item.id.as_str()))
            .expect("pulled");
        let status = serde_json::to_value(item.status).unwrap();
        assert_eq!(mine["status"], status, "item {}", item.id);
    }
    eprintln!(
        "crash harness: push: {killed} kills survived, {decided} decisions, {applied} applied"
    );
}
