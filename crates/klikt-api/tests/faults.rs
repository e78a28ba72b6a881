//! Pull and push through [`FaultProxy`], a TCP proxy between the client and
//! the reference server that adds latency, resets connections mid-body,
//! answers 5xx and 429 with `Retry-After` itself, and stalls connections
//! without closing them. Every job either finishes correctly (every original
//! hash-verified, every decision applied exactly once) or stops with a
//! message that says what failed, and the next run resumes cleanly.
//!
//! The real keyring holds the session: run under `./dev test` (a D-Bus
//! session with an unlocked Secret Service).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use klikt_api::{Klikt, MediaItem, MediaQuery, Moderation, PullOptions, RetryPolicy, Selection};
use klikt_api::{PullReport, Status};
use klikt_server::admin::{self, SeedOptions};
use klikt_server::{FaultProxy, ProxyFault, ProxyFaults, ProxyStats, ServerConfig, TestServer};
use klikt_wire::{EventId, ModerationMode};
use sha2::Digest;

const EMAIL: &str = "faults@example.com";
const PASSWORD: &str = "faults-password-1";
/// Photos in the event: 17 corpus files of 130–140 KB, so every cut (at
/// most 64 KiB into a connection's answers) can land inside a body.
const MIN_PHOTOS: usize = 8;

/// A server with a seeded event, a proxy in front of it, and a library
/// signed in through the proxy (with no faults yet).
struct World {
    runtime: tokio::runtime::Runtime,
    klikt: Klikt,
    proxy: FaultProxy,
    event: EventId,
    server: TestServer,
    _library: tempfile::TempDir,
    _data: tempfile::TempDir,
}

impl World {
    fn start(policy: RetryPolicy) -> World {
        let data = tempfile::tempdir().expect("server data");
        let seeded = admin::seed(
            data.path(),
            &SeedOptions {
                email: EMAIL.into(),
                password: PASSWORD.into(),
                event: "Faults".into(),
                from: corpus_photos(),
                moderation: ModerationMode::Post,
                expires_in_days: 30,
            },
        )
        .expect("seed");
        assert!(seeded.media.len() >= MIN_PHOTOS, "{:?}", seeded.media);
        let server = TestServer::start(ServerConfig::new(data.path())).expect("server");
        let proxy = FaultProxy::start(server.url()).expect("proxy");
        let library = tempfile::tempdir().expect("library");
        let mut klikt = Klikt::open(library.path()).expect("open");
        klikt.set_retry_policy(policy);
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime
            .block_on(klikt.login(proxy.url(), EMAIL, PASSWORD))
            .expect("sign in through the proxy (needs an unlocked Secret Service)");
        World {
            runtime,
            klikt,
            proxy,
            event: seeded.event_id,
            server,
            _library: library,
            _data: data,
        }
    }

    fn pull(&self) -> Result<PullReport, klikt_api::ApiError> {
        self.runtime.block_on(self.klikt.pull(
            self.event.as_str(),
            &PullOptions { jobs: 3 },
            &|_| {},
            &AtomicBool::new(false),
        ))
    }

    fn push(&self) -> Result<klikt_api::PushReport, klikt_api::ApiError> {
        self.runtime.block_on(self.klikt.push(self.event.as_str()))
    }

    /// Every item in the library, the trash included.
    fn local(&self) -> Vec<MediaItem> {
        let mut items = Vec::new();
        for status in [None, Some(Status::Deleted)] {
            let query = MediaQuery {
                status,
                ..MediaQuery::default()
            };
            match self.klikt.media(self.event.as_str(), &query) {
                Ok(found) => items.extend(found),
                // Before the first pull succeeds the event is not in the library.
                Err(e) if e.code() == "not_found" => {}
                Err(e) => panic!("listing the library: {e}"),
            }
        }
        items
    }

    /// Every local item has its complete original: the bytes on disk hash
    /// to what the server has for it.
    fn assert_every_original_verified(&self) {
        let server = admin::inspect(self.server.data_dir(), &self.event).expect("inspect");
        for item in self.local() {
            let remote = item
                .remote_id
                .as_deref()
                .expect("a pulled item has a remote id");
            let on_server = server
                .media
                .iter()
                .find(|m| m.id.as_str() == remote)
                .expect("a local item is on the server");
            let bytes = std::fs::read(&item.original_path)
                .unwrap_or_else(|e| panic!("{}: the original is missing: {e}", item.original_name));
            let actual = hex(&sha2::Sha256::digest(&bytes));
            assert_eq!(
                actual, on_server.sha256,
                "{}: bytes altered",
                item.original_name
            );
            assert_eq!(item.sha256, on_server.sha256, "{}", item.original_name);
        }
    }

    /// The decisions the server applied, as (item, action) pairs.
    fn applied(&self) -> Vec<(String, String)> {
        admin::inspect(self.server.data_dir(), &self.event)
            .expect("inspect")
            .decisions
            .into_iter()
            .map(|d| (d.id.as_str().to_owned(), format!("{:?}", d.action)))
            .collect()
    }

    /// Moderates the first `n` local items: hide, delete, approve in turn.
    fn moderate_some(&self, n: usize) -> usize {
        let mut items = self.local();
        items.sort_by_key(|i| i.id);
        let decisions = [Moderation::Hide, Moderation::Delete, Moderation::Hide];
        for (item, decision) in items.iter().take(n).zip(decisions.iter().cycle()) {
            self.klikt
                .moderate(
                    self.event.as_str(),
                    &Selection::Ids(vec![item.id]),
                    *decision,
                )
                .expect("a decision is recorded");
        }
        n.min(items.len())
    }

    fn pending(&self) -> i64 {
        self.klikt
            .sync_status(self.event.as_str())
            .expect("sync status")
            .pending
    }
}

fn corpus_photos() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/jpg/orientation")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Quick retries; request and stall timeouts short enough that a stalled
/// connection costs seconds, not the standard policy's minute.
fn patient() -> RetryPolicy {
    RetryPolicy {
        request_timeout: Duration::from_secs(3),
        stall_timeout: Duration::from_secs(2),
        ..RetryPolicy::fast_for_tests()
    }
}

/// Few attempts: the jobs that must give up do so in a second or two.
fn impatient() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        ..patient()
    }
}

/// `KLIKT_FAULT_ROUNDS` rounds (default 1; `bench/fault_harness.sh` runs
/// more), each a fresh server and library with its own seed.
#[test]
fn pull_and_push_through_every_kind_of_network_fault_finish_correctly() {
    let rounds: u64 = std::env::var("KLIKT_FAULT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut total = ProxyStats::default();
    for round in 0..rounds {
        let stats = one_round_through_every_fault(0x5eed + round);
        for (sum, n) in [
            (&mut total.connections, stats.connections),
            (&mut total.delayed, stats.delayed),
            (&mut total.resets, stats.resets),
            (&mut total.errors, stats.errors),
            (&mut total.rate_limited, stats.rate_limited),
            (&mut total.stalls, stats.stalls),
        ] {
            *sum += n;
        }
    }
    eprintln!(
        "fault harness: {rounds} rounds, {} faults injected in {} connections, every job correct: {total:?}",
        total.injected(),
        total.connections
    );
}

/// One pull, moderation and push through [`ProxyFaults::every_kind`].
fn one_round_through_every_fault(seed: u64) -> ProxyStats {
    let world = World::start(patient());
    world.proxy.set_faults(ProxyFaults::every_kind(seed));

    let report = world.pull().expect("the pull rides out every fault");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let on_server = admin::inspect(world.server.data_dir(), &world.event)
        .expect("inspect")
        .media
        .len();
    assert_eq!(world.local().len(), on_server, "every item arrived");
    world.assert_every_original_verified();

    let decided = world.moderate_some(6);
    let pushed = world.push().expect("the push rides out every fault");
    assert_eq!(pushed.pending, 0, "{pushed:?}");
    assert_eq!(pushed.dead, 0, "{pushed:?}");
    let applied = world.applied();
    assert_eq!(
        applied.len(),
        decided,
        "each decision applied exactly once, retries and lost answers included: {applied:?}"
    );
    let mut items: Vec<&String> = applied.iter().map(|(id, _)| id).collect();
    items.sort();
    items.dedup();
    assert_eq!(items.len(), decided, "no item decided twice: {applied:?}");

    // A second round through the faults changes nothing.
    let again = world.pull().expect("the second pull");
    assert_eq!(again.downloaded, 0, "{again:?}");
    assert!(again.failed.is_empty(), "{:?}", again.failed);
    let nothing = world.push().expect("the second push");
    assert_eq!(nothing.sent, 0, "{nothing:?}");
    assert_eq!(world.applied().len(), decided);

    let stats = world.proxy.stats();
    assert!(stats.delayed > 0, "seed {seed}: {stats:?}");
    assert!(stats.resets > 0, "seed {seed}: {stats:?}");
    assert!(stats.errors > 0, "seed {seed}: {stats:?}");
    assert!(stats.rate_limited > 0, "seed {seed}: {stats:?}");
    assert!(stats.stalls > 0, "seed {seed}: {stats:?}");
    stats
}

#[test]
fn a_pull_that_runs_out_of_retries_stops_with_a_clear_message_and_resumes_cleanly() {
    let world = World::start(impatient());

    world
        .proxy
        .set_faults(ProxyFaults::always(ProxyFault::Error {
            status: 503,
            retry_after: None,
        }));
    let error = world.pull().expect_err("every answer is a 503");
    let message = error.to_string();
    assert!(
        message.contains("503") || message.to_lowercase().contains("unavailable"),
        "the message says what failed: {message}"
    );
    assert!(world.local().is_empty(), "nothing half-arrived is listed");

    // Every connection is cut within its first 64 KiB: the feed or the
    // downloads break; whatever is listed is complete.
    world.proxy.set_faults(ProxyFaults {
        cycle: vec![ProxyFault::Reset],
        seed: 7,
    });
    match world.pull() {
        Ok(report) => {
            assert!(
                !report.failed.is_empty(),
                "resets fail downloads: {report:?}"
            );
            for failure in &report.failed {
                assert!(
                    !failure.name.is_empty() && !failure.reason.is_empty(),
                    "{failure:?}"
                );
            }
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    world.assert_every_original_verified();
    let before = world.local().len();

    world.proxy.set_faults(ProxyFaults::none());
    let report = world
        .pull()
        .expect("with the network healthy the pull completes");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let on_server = admin::inspect(world.server.data_dir(), &world.event)
        .expect("inspect")
        .media
        .len();
    assert_eq!(world.local().len(), on_server);
    assert_eq!(
        report.downloaded as usize,
        on_server - before,
        "only what was missing is fetched again: {report:?}"
    );
    world.assert_every_original_verified();
}

#[test]
fn a_push_that_runs_out_of_retries_keeps_its_decisions_and_applies_them_once_later() {
    let world = World::start(impatient());
    world.pull().expect("the first pull, no faults");
    let decided = world.moderate_some(3);
    assert_eq!(world.pending(), decided as i64);

    world
        .proxy
        .set_faults(ProxyFaults::always(ProxyFault::Error {
            status: 502,
            retry_after: Some(0),
        }));
    match world.push() {
        Err(error) => assert!(!error.to_string().is_empty()),
        Ok(report) => assert!(report.pending > 0, "{report:?}"),
    }
    assert_eq!(world.pending(), decided as i64, "no decision is lost");
    assert!(world.applied().is_empty(), "the proxy let nothing through");

    // A connection reset after the server applied the batch but before its
    // answer arrived: the retry must not apply it a second time.
    world.proxy.set_faults(ProxyFaults {
        cycle: vec![ProxyFault::LoseAnswer, ProxyFault::Pass],
        seed: 3,
    });
    let resets = world.proxy.stats().resets;
    let report = world.push().expect("the push completes");
    assert_eq!(
        world.proxy.stats().resets,
        resets + 1,
        "the answer was lost once"
    );
    assert_eq!(report.pending, 0, "{report:?}");
    assert_eq!(world.pending(), 0);
    assert_eq!(world.applied().len(), decided, "{:?}", world.applied());
}
