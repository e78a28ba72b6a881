//! A state-machine property test of offline moderation: random sequences of
//! the organizer's decisions (and undos), other moderators' and guests'
//! changes on the server, pulls, pushes and restarts of the app. After a final
//! pull + push + pull, the library and the server agree, nothing the server
//! deleted comes back, and no decision of the organizer's is lost.
//!
//! In process and fast: the reference server on a loopback port, its `admin`
//! functions playing guests and other moderators, the real keyring (run in a
//! D-Bus session with an unlocked Secret Service, as `./dev test` does).
//! `PROPTEST_CASES=500` runs longer; a failure prints the shortest sequence
//! found that still fails, with a trace of what each step did.
//!
//! The model tracks, per server item, the organizer's last decision (the
//! status the library showed right after it), the last change another
//! moderator made, and whether the server deleted it on its own; the checks
//! at the end apply docs/protocol.md's conflict rules to it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use klikt_api::{
    Klikt, LogEntry, MediaItem, MediaQuery, Moderation, PullOptions, RetryPolicy, Selection, Status,
};
use klikt_server::admin::{self, InspectedMedia, SeedOptions};
use klikt_server::{ServerConfig, TestServer};
use klikt_wire::{EventId, ItemStatus, ModerationMode, TombstoneReason};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

const EMAIL: &str = "anna@example.com";
const PASSWORD: &str = "correct horse battery staple";
/// Photos the event starts with.
const SEEDED: usize = 6;
/// Cases when `PROPTEST_CASES` does not say: 10–15 s on two cores.
const DEFAULT_CASES: u32 = 24;

/// One step of a scenario. `pick` chooses among the items there are at that
/// moment (modulo their number), so every sequence is valid and shrinks well.
#[derive(Debug, Clone)]
enum Op {
    /// The organizer moderates one item of the library.
    Decide {
        pick: usize,
        decision: Moderation,
    },
    /// The organizer undoes the event's last decision.
    Undo,
    /// Another moderator approves or hides a live item on the server.
    OtherModerator {
        pick: usize,
        hide: bool,
    },
    /// The server deletes a live item (removal request, the guest, another moderator).
    Removed {
        pick: usize,
        reason: TombstoneReason,
    },
    /// A guest uploads a new photo.
    GuestUpload,
    Pull,
    Push,
    /// The app is closed and opened again on the same library.
    Restart,
}

#[derive(Debug, Clone)]
struct Scenario {
    moderation: ModerationMode,
    ops: Vec<Op>,
}

fn op() -> impl Strategy<Value = Op> {
    let decision = prop_oneof![
        Just(Moderation::Approve),
        Just(Moderation::Hide),
        Just(Moderation::Delete),
        Just(Moderation::Restore),
    ];
    let reason = prop_oneof![
        Just(TombstoneReason::RemovalRequest),
        Just(TombstoneReason::Uploader),
        Just(TombstoneReason::Moderation),
    ];
    prop_oneof![
        6 => (0..16usize, decision).prop_map(|(pick, decision)| Op::Decide { pick, decision }),
        1 => Just(Op::Undo),
        3 => (0..16usize, any::<bool>()).prop_map(|(pick, hide)| Op::OtherModerator { pick, hide }),
        1 => (0..16usize, reason).prop_map(|(pick, reason)| Op::Removed { pick, reason }),
        1 => Just(Op::GuestUpload),
        2 => Just(Op::Pull),
        2 => Just(Op::Push),
        1 => Just(Op::Restart),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop_oneof![Just(ModerationMode::Pre), Just(ModerationMode::Post)],
        proptest::collection::vec(op(), 5..=25),
    )
        .prop_map(|(moderation, ops)| Scenario { moderation, ops })
}

#[test]
fn offline_decisions_and_server_changes_converge_without_losing_a_decision() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the client");
    let photos = Photos::new();
    let mut config = Config {
        // The shrunk sequence is printed; a regression file beside the
        // sources would only be noise in a shared tree.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    if std::env::var_os("PROPTEST_MAX_SHRINK_TIME").is_none() {
        // Each case is a real server and library: cap shrinking (ms).
        config.max_shrink_time = 180_000;
    }
    let mut runner = TestRunner::new(config);
    let outcome = runner.run(&scenario(), |scenario| {
        let mut world = World::start(&runtime, &photos, scenario.moderation);
        world.play(&scenario.ops)
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

/// Photos made unique with a JPEG comment segment: the same picture, other bytes.
struct Photos {
    sources: Vec<PathBuf>,
    dir: tempfile::TempDir,
}

impl Photos {
    fn new() -> Photos {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/jpg");
        let mut sources: Vec<PathBuf> = std::fs::read_dir(corpus.join("orientation"))
            .expect("the shared corpus is next to the repository")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
            .collect();
        sources.sort();
        assert!(
            sources.len() >= SEEDED,
            "the corpus has {SEEDED} photos to seed"
        );
        Photos {
            sources,
            dir: tempfile::tempdir().expect("a folder for test photos"),
        }
    }

    /// A JPEG no other call returns (`tag` distinguishes them).
    fn unique(&self, into: &Path, tag: &str, n: usize) -> PathBuf {
        let source = &self.sources[n % self.sources.len()];
        let bytes = std::fs::read(source).expect("a corpus photo reads");
        let comment = format!("convergence {tag} {n}");
        let mut out = bytes[..2].to_vec(); // SOI
        out.extend_from_slice(&[0xFF, 0xFE]); // COM
        out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(comment.as_bytes());
        out.extend_from_slice(&bytes[2..]);
        let path = into.join(format!("{tag}-{n:03}.jpg"));
        std::fs::write(&path, out).expect("a test photo is written");
        path
    }
}

/// What the model knows of one server item (by remote id).
#[derive(Debug, Default, Clone)]
struct Track {
    /// The organizer's last decision that changed the item.
    decided: Option<Decided>,
    /// The last change another moderator made: step and status.
    other_change: Option<(usize, ItemStatus)>,
    /// Deleted on the server by someone other than the organizer.
    removed_by_other: bool,
}

#[derive(Debug, Clone)]
struct Decided {
    step: usize,
    /// The item's status in the library right after the decision.
    wanted: Status,
    /// The decision was `synced` at once: the library believed the server
    /// already had that status, so nothing was queued (docs/cli.md, outbox).
    sent_nothing: bool,
    /// Another moderator had changed the item since the last pull, so that
    /// belief may have been stale.
    view_stale: bool,
}

struct World<'r> {
    runtime: &'r tokio::runtime::Runtime,
    photos: &'r Photos,
    server: TestServer,
    event: EventId,
    klikt: Option<Klikt>,
    library: tempfile::TempDir,
    uploads: tempfile::TempDir,
    _data: tempfile::TempDir,
    uploaded: usize,
    tracks: HashMap<String, Track>,
    last_pull: usize,
    /// The status of a new upload, and of a hidden item restored.
    arrival: Status,
    /// Items deleted on the server before a pull: the library has seen them go.
    seen_deleted: HashSet<String>,
    trace: Vec<String>,
}

fn fail(what: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(what.to_string())
}

/// The message of a failure, to wrap it with where it happened.
fn why(error: TestCaseError) -> String {
    match error {
        TestCaseError::Fail(reason) | TestCaseError::Reject(reason) => reason.message().to_owned(),
    }
}

impl<'r> World<'r> {
    /// A server with a seeded event, and a library signed in to it that has
    /// pulled it once.
    fn start(
        runtime: &'r tokio::runtime::Runtime,
        photos: &'r Photos,
        moderation: ModerationMode,
    ) -> World<'r> {
        let data = tempfile::tempdir().expect("a server data folder");
        let seed_dir = tempfile::tempdir_in(photos.dir.path()).expect("a seed folder");
        for n in 0..SEEDED {
            photos.unique(seed_dir.path(), "seed", n);
        }
        let server = TestServer::start(ServerConfig::new(data.path())).expect("the server starts");
        let seeded = admin::seed(
            data.path(),
            &SeedOptions {
                email: EMAIL.into(),
                password: PASSWORD.into(),
                event: "Anna & Tom".into(),
                from: seed_dir.path().to_path_buf(),
                moderation,
                expires_in_days: 30,
            },
        )
        .expect("the event is seeded");
        assert_eq!(seeded.media.len(), SEEDED, "every seed photo is accepted");
        let library = tempfile::tempdir().expect("a library folder");
        let mut world = World {
            runtime,
            photos,
            event: seeded.event_id,
            klikt: None,
            uploads: tempfile::tempdir_in(photos.dir.path()).expect("an upload folder"),
            _data: data,
            library,
            server,
            uploaded: 0,
            tracks: HashMap::new(),
            last_pull: 0,
            arrival: match moderation {
                ModerationMode::Pre => Status::Pending,
                ModerationMode::Post => Status::Approved,
            },
            seen_deleted: HashSet::new(),
            trace: Vec::new(),
        };
        world.open();
        let url = world.server.url().to_owned();
        runtime
            .block_on(world.klikt().login(&url, EMAIL, PASSWORD))
            .expect("signing in (needs an unlocked Secret Service)");
        world.pull().expect("the first pull");
        world
    }

    fn open(&mut self) {
        let mut klikt = Klikt::open(self.library.path()).expect("the library opens");
        klikt.set_retry_policy(RetryPolicy::fast_for_tests());
        self.klikt = Some(klikt);
    }

    fn klikt(&self) -> &Klikt {
        self.klikt.as_ref().expect("the library is open")
    }

    fn ev(&self) -> &str {
        self.event.as_str()
    }

    fn play(&mut self, ops: &[Op]) -> Result<(), TestCaseError> {
        for (index, op) in ops.iter().enumerate() {
            let step = index + 1;
            self.step(step, op).map_err(|e| {
                fail(format!(
                    "{}\n  at step {step} {op:?}\n  trace: {:#?}",
                    why(e),
                    self.trace
                ))
            })?;
        }
        let end = self
            .pull()
            .and_then(|()| self.push())
            .and_then(|_| self.pull())
            .and_then(|()| self.check_end());
        end.map_err(|e| {
            fail(format!(
                "{}\n  after the final pull, push and pull\n  trace: {:#?}",
                why(e),
                self.trace
            ))
        })
    }

    fn step(&mut self, step: usize, op: &Op) -> Result<(), TestCaseError> {
        match op {
            Op::Decide { pick, decision } => self.decide(step, *pick, *decision),
            Op::Undo => self.undo(step),
            Op::OtherModerator { pick, hide } => {
                let live = self.server_live();
                let Some(item) = pick_from(&live, *pick) else {
                    return Ok(());
                };
                let status = if *hide {
                    ItemStatus::Hidden
                } else {
                    ItemStatus::Approved
                };
                admin::simulate_moderate(self.server.data_dir(), &item.id, status)
                    .map_err(|e| fail(format!("another moderator's decision: {e}")))?;
                self.trace
                    .push(format!("{step}: other moderator {status:?} {}", item.id));
                if item.status != status {
                    self.track(item.id.as_str()).other_change = Some((step, status));
                }
                Ok(())
            }
            Op::Removed { pick, reason } => {
                let live = self.server_live();
                let Some(item) = pick_from(&live, *pick) else {
                    return Ok(());
                };
                admin::simulate_remove(self.server.data_dir(), &item.id, *reason)
                    .map_err(|e| fail(format!("a server-side removal: {e}")))?;
                self.trace
                    .push(format!("{step}: server removed {} ({reason:?})", item.id));
                self.track(item.id.as_str()).removed_by_other = true;
                Ok(())
            }
            Op::GuestUpload => {
                self.uploaded += 1;
                let photo = self
                    .photos
                    .unique(self.uploads.path(), "upload", self.uploaded);
                let ids = admin::simulate_upload(
                    self.server.data_dir(),
                    &self.event,
                    "Guest",
                    None,
                    &[photo],
                )
                .map_err(|e| fail(format!("a guest upload: {e}")))?;
                self.trace.push(format!("{step}: guest uploaded {ids:?}"));
                Ok(())
            }
            Op::Pull => {
                self.pull()?;
                self.last_pull = step;
                self.trace.push(format!("{step}: pull"));
                self.check_deleted_stay_deleted()
            }
            Op::Push => {
                let report = self.push()?;
                self.trace.push(format!("{step}: push {report:?}"));
                self.check_deleted_stay_deleted()
            }
            Op::Restart => {
                drop(self.klikt.take());
                self.open();
                self.trace.push(format!("{step}: restart"));
                self.check_deleted_stay_deleted()
            }
        }
    }

    fn track(&mut self, remote_id: &str) -> &mut Track {
        self.tracks.entry(remote_id.to_owned()).or_default()
    }

    fn pull(&mut self) -> Result<(), TestCaseError> {
        // No other change runs during a pull: what is deleted now, it sees.
        let deleted = self.server_all().into_iter().filter(|m| m.deleted);
        self.seen_deleted
            .extend(deleted.map(|m| m.id.as_str().to_owned()));
        let report = self
            .runtime
            .block_on(self.klikt().pull(
                self.ev(),
                &PullOptions { jobs: 2 },
                &|_| {},
                &AtomicBool::new(false),
            ))
            .map_err(|e| fail(format!("pull failed: {e}")))?;
        prop_assert!(
            report.failed.is_empty(),
            "every original downloads: {:?}",
            report.failed
        );
        prop_assert_eq!(report.server_state.as_str(), "active");
        Ok(())
    }

    fn push(&self) -> Result<klikt_api::PushReport, TestCaseError> {
        let report = self
            .runtime
            .block_on(self.klikt().push(self.ev()))
            .map_err(|e| fail(format!("push failed: {e}")))?;
        prop_assert_eq!(report.dead, 0, "the event is open: no dead letters");
        prop_assert_eq!(report.pending, 0, "nothing is left unsent");
        Ok(report)
    }

    /// Every item of the event in the library, the trash included, by id.
    fn local_items(&self) -> Result<Vec<MediaItem>, TestCaseError> {
        let mut items = Vec::new();
        for status in [None, Some(Status::Deleted)] {
            let query = MediaQuery {
                status,
                ..MediaQuery::default()
            };
            items.extend(
                self.klikt()
                    .media(self.ev(), &query)
                    .map_err(|e| fail(format!("listing the library: {e}")))?,
            );
        }
        items.sort_by_key(|item| item.id);
        Ok(items)
    }

    fn server_all(&self) -> Vec<InspectedMedia> {
        admin::inspect(self.server.data_dir(), &self.event)
            .expect("the server's state reads")
            .media
    }

    fn server_live(&self) -> Vec<InspectedMedia> {
        self.server_all()
            .into_iter()
            .filter(|m| !m.deleted)
            .collect()
    }

    fn log(&self) -> Result<Vec<LogEntry>, TestCaseError> {
        self.klikt()
            .decision_log(self.ev(), 1000)
            .map_err(|e| fail(format!("reading the decision log: {e}")))
    }

    /// Notes the organizer's decision on `item`, as the library shows it now.
    fn decided(
        &mut self,
        step: usize,
        item_id: i64,
        remote_id: &str,
        wanted: Status,
    ) -> Result<(), TestCaseError> {
        let newest = self
            .log()?
            .into_iter()
            .next()
            .ok_or_else(|| fail("a decision is logged"))?;
        prop_assert_eq!(
            newest.item_id,
            item_id,
            "the newest log entry is this decision"
        );
        prop_assert_eq!(newest.after.as_str(), wanted.as_str());
        let view_stale = self
            .tracks
            .get(remote_id)
            .and_then(|t| t.other_change)
            .is_some_and(|(at, _)| at > self.last_pull);
        self.track(remote_id).decided = Some(Decided {
            step,
            wanted,
            sent_nothing: newest.sync_state == "synced",
            view_stale,
        });
        Ok(())
    }

    fn decide(
        &mut self,
        step: usize,
        pick: usize,
        decision: Moderation,
    ) -> Result<(), TestCaseError> {
        let items = self.local_items()?;
        let Some(item) = pick_from(&items, pick) else {
            return Ok(());
        };
        let remote_id = item
            .remote_id
            .clone()
            .ok_or_else(|| fail("a pulled item has a remote id"))?;
        let report = self
            .klikt()
            .moderate(self.ev(), &Selection::Ids(vec![item.id]), decision)
            .map_err(|e| fail(format!("moderate {decision:?} failed: {e}")))?;
        self.trace.push(format!(
            "{step}: organizer {decision:?} {remote_id} (was {}) -> changed {} skipped {}",
            item.status,
            report.changed,
            report.skipped.len()
        ));
        prop_assert_eq!(
            report.changed + report.unchanged + report.skipped.len() as u64,
            1,
            "one item, one outcome: {:?}",
            report
        );
        if !report.skipped.is_empty() {
            prop_assert!(
                item.status == Status::Deleted
                    && matches!(decision, Moderation::Approve | Moderation::Hide),
                "only a trashed item is skipped, and only for approve or hide: {:?}",
                report.skipped
            );
        }
        if report.changed == 0 {
            return Ok(());
        }
        let now = self
            .klikt()
            .media_item(item.id)
            .map_err(|e| fail(format!("the decided item is still here: {e}")))?
            .status;
        let expected = match decision {
            Moderation::Approve => now == Status::Approved,
            Moderation::Hide => now == Status::Hidden,
            Moderation::Delete => now == Status::Deleted,
            // Out of the trash to where it was, or a hide undone to how
            // uploads arrive.
            Moderation::Restore if item.status == Status::Deleted => now != Status::Deleted,
            Moderation::Restore => now == self.arrival,
        };
        prop_assert!(expected, "{:?} left the item {}", decision, now);
        self.decided(step, item.id, &remote_id, now)
    }

    fn undo(&mut self, step: usize) -> Result<(), TestCaseError> {
        let log = self.log()?;
        let undone: HashSet<i64> = log.iter().filter_map(|e| e.undoes).collect();
        // Undo skips what the server refused (conflict) or found gone, and
        // decisions about items purged since: they left nothing to undo.
        let next = log
            .iter()
            .find(|e| {
                e.undoes.is_none()
                    && !undone.contains(&e.id)
                    && e.sync_state != "conflict"
                    && e.sync_state != "gone"
                    && self.klikt().media_item(e.item_id).is_ok()
            })
            .cloned();
        // Every decision here is about one item, so an undo reverses one.
        match self
            .klikt()
            .undo(self.ev())
            .map(|undone| undone.into_iter().next())
        {
            Ok(None) => {
                self.trace.push(format!("{step}: undo (nothing)"));
                prop_assert!(
                    next.is_none(),
                    "undo found nothing, but {:?} was undoable",
                    next
                );
                Ok(())
            }
            Ok(Some(entry)) => {
                prop_assert_eq!(
                    Some(entry.id),
                    next.map(|n| n.id),
                    "undo takes the newest decision"
                );
                let item = self
                    .klikt()
                    .media_item(entry.item_id)
                    .map_err(|e| fail(format!("the item undone is here: {e}")))?;
                let remote_id = item
                    .remote_id
                    .clone()
                    .ok_or_else(|| fail("a pulled item has a remote id"))?;
                self.trace.push(format!(
                    "{step}: undo {} {remote_id} ({} -> {}), now {}",
                    entry.action, entry.before, entry.after, item.status
                ));
                prop_assert_eq!(
                    item.status.as_str(),
                    entry.before.as_str(),
                    "undo restores `before`"
                );
                self.decided(step, item.id, &remote_id, item.status)
            }
            Err(error) => {
                self.trace.push(format!("{step}: undo failed: {error}"));
                Err(fail(format!(
                    "undo never fails: it skips what cannot be undone ({error}, next {next:?})"
                )))
            }
        }
    }

    /// Nothing the server deleted before the last pull is in the library,
    /// its trash, or its store.
    fn check_deleted_stay_deleted(&self) -> Result<(), TestCaseError> {
        let local = self.local_items()?;
        let local_ids: HashSet<&str> = local
            .iter()
            .filter_map(|m| m.remote_id.as_deref())
            .collect();
        let server = self.server_all();
        let kept_shas: HashSet<&str> = server
            .iter()
            .filter(|m| !m.deleted)
            .map(|m| m.sha256.as_str())
            .chain(local.iter().map(|m| m.sha256.as_str()))
            .collect();
        let seen = server
            .iter()
            .filter(|m| m.deleted && self.seen_deleted.contains(m.id.as_str()));
        for gone in seen {
            prop_assert!(
                !local_ids.contains(gone.id.as_str()),
                "{} was deleted on the server ({:?}) but is in the library",
                gone.id,
                gone.deleted_reason
            );
            if !kept_shas.contains(gone.sha256.as_str()) {
                let original = store_path(self.library.path(), &gone.sha256);
                prop_assert!(
                    !original.exists(),
                    "the original of deleted {} is still in the store: {}",
                    gone.id,
                    original.display()
                );
            }
        }
        Ok(())
    }

    fn check_end(&self) -> Result<(), TestCaseError> {
        self.check_deleted_stay_deleted()?;
        let local = self.local_items()?;
        let by_remote: HashMap<&str, &MediaItem> = local
            .iter()
            .filter_map(|m| m.remote_id.as_deref().map(|r| (r, m)))
            .collect();
        let server = self.server_all();
        let live: HashMap<&str, &InspectedMedia> = server
            .iter()
            .filter(|m| !m.deleted)
            .map(|m| (m.id.as_str(), m))
            .collect();

        // 1. Convergence: the same items with the same status (an item in
        //    conflict shows the server's state too); nothing left to send.
        for (id, on_server) in &live {
            let Some(here) = by_remote.get(id) else {
                return Err(fail(format!(
                    "{id} is live on the server but not in the library"
                )));
            };
            prop_assert_eq!(
                here.status.as_str(),
                wire_status(on_server.status).as_str(),
                "{} has another status here than on the server",
                id
            );
        }
        prop_assert_eq!(
            local.len(),
            live.len(),
            "the library holds exactly the server's live items"
        );
        let outbox = self
            .klikt()
            .outbox(self.ev())
            .map_err(|e| fail(format!("reading the outbox: {e}")))?;
        prop_assert!(outbox.is_empty(), "the outbox is empty: {:?}", outbox);

        // 3. No decision lost.
        let log = self.log()?;
        for entry in &log {
            prop_assert!(
                matches!(
                    entry.sync_state.as_str(),
                    "synced" | "conflict" | "gone" | "superseded"
                ),
                "decision {} ({} {}) ended {}",
                entry.id,
                entry.action,
                entry.remote_id.as_deref().unwrap_or("?"),
                entry.sync_state
            );
        }
        let conflicts: HashSet<String> = self
            .klikt()
            .conflicts(self.ev())
            .map_err(|e| fail(format!("reading the conflicts: {e}")))?
            .into_iter()
            .map(|c| c.remote_id)
            .collect();
        let by_id: HashMap<&str, &InspectedMedia> =
            server.iter().map(|m| (m.id.as_str(), m)).collect();
        for (remote_id, track) in &self.tracks {
            let Some(decided) = &track.decided else {
                continue;
            };
            if track.removed_by_other {
                continue; // a tombstone wins over any decision
            }
            let other = track.other_change;
            if other.is_some_and(|(at, _)| at > decided.step) {
                continue; // someone else decided later
            }
            if decided.sent_nothing && decided.view_stale {
                // Documented: the outbox compares with the server's state as
                // last pulled; the later server change stands, no conflict.
                continue;
            }
            let on_server = by_id
                .get(remote_id.as_str())
                .ok_or_else(|| fail(format!("the server knows {remote_id}")))?;
            let in_conflict = conflicts.contains(remote_id);
            let newest = log
                .iter()
                .find(|e| e.remote_id.as_deref() == Some(remote_id.as_str()))
                .map(|e| e.sync_state.as_str());
            let status = wire_status(on_server.status);
            let kept = match decided.wanted {
                // Deletion and hiding win over any edit.
                Status::Deleted => on_server.deleted,
                Status::Hidden => !on_server.deleted && status == Status::Hidden,
                // Approve loses only to another moderator's hide.
                Status::Approved => {
                    !on_server.deleted
                        && (status == Status::Approved
                            || (status == Status::Hidden
                                && in_conflict
                                && newest == Some("conflict")
                                && other.is_some_and(|(_, s)| s == ItemStatus::Hidden)))
                }
                // Restore applies only over an unchanged item.
                Status::Pending => {
                    !on_server.deleted
                        && (status == Status::Pending
                            || (in_conflict && newest == Some("conflict") && other.is_some()))
                }
            };
            prop_assert!(
                kept,
                "the organizer's last decision on {} (step {}, wanted {}) is lost: the server has {:?}{}, conflict listed: {}, newest log state: {:?}",
                remote_id,
                decided.step,
                decided.wanted,
                on_server.status,
                if on_server.deleted { " (deleted)" } else { "" },
                in_conflict,
                newest
            );
        }

        // 4. The database is sound and every original is whole.
        check_library_files(self.library.path())
    }
}

fn pick_from<T>(items: &[T], pick: usize) -> Option<&T> {
    items.get(pick.checked_rem(items.len())?)
}

fn wire_status(status: ItemStatus) -> Status {
    match status {
        ItemStatus::Pending => Status::Pending,
        ItemStatus::Approved => Status::Approved,
        ItemStatus::Hidden => Status::Hidden,
        ItemStatus::Deleted => Status::Deleted,
    }
}

/// Where the store keeps an original (docs/architecture.md).
fn store_path(library: &Path, sha: &str) -> PathBuf {
    library
        .join("store")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(sha)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_library_files(library: &Path) -> Result<(), TestCaseError> {
    let conn = rusqlite::Connection::open_with_flags(
        library.join("library.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .map_err(|e| fail(format!("opening library.db: {e}")))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| fail(format!("integrity_check: {e}")))?;
    prop_assert_eq!(integrity.as_str(), "ok");
    let shas: Vec<String> = conn
        .prepare("SELECT sha256 FROM media")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| fail(format!("listing media rows: {e}")))?;
    for sha in shas {
        let path = store_path(library, &sha);
        let bytes = std::fs::read(&path).map_err(|e| {
            fail(format!(
                "the original of a media row is missing ({e}): {}",
                path.display()
            ))
        })?;
        prop_assert_eq!(sha256_hex(&bytes), sha, "an original is complete");
    }
    Ok(())
}
