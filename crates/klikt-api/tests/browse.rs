//! Browsing an event the way the app's grid does: every filter, both orders,
//! the ids listing that matches the pages, bulk curation, the sync status of
//! a local event, and jobs reporting through the job runner.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use klikt_api::{
    Curation, Flag, ImportRequest, JobKind, JobOutcome, JobReport, Jobs, Klikt, MediaQuery,
    MediaSort, Moderation, Selection, Status,
};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn orientation_photos() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus().join("jpg/orientation"))
        .expect("the corpus is at ../shared/corpus")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    files.sort();
    files
}

/// A library with the 16 orientation photos in event "Browse".
fn library() -> (tempfile::TempDir, Klikt) {
    let dir = tempfile::tempdir().expect("temp dir");
    let klikt = Klikt::open(dir.path().join("lib")).expect("library");
    let request = ImportRequest {
        event_name: "Browse".into(),
        paths: orientation_photos(),
        status: Status::Pending,
    };
    let report = klikt
        .import(&request, &mut |_| {}, &AtomicBool::new(false))
        .expect("import");
    assert_eq!(report.imported, 16);
    (dir, klikt)
}

fn ids(klikt: &Klikt, query: MediaQuery) -> Vec<i64> {
    klikt.media_ids("Browse", &query).expect("ids")
}

#[test]
fn each_filter_narrows_the_grid_and_the_ids_match_the_pages() {
    let (_dir, klikt) = library();
    let all = ids(&klikt, MediaQuery::default());
    assert_eq!(all.len(), 16);
    let (a, b, c, d) = (all[0], all[1], all[2], all[3]);

    klikt
        .curate_many(&[a, b], Curation::Flag(Flag::Picked))
        .expect("pick");
    klikt
        .curate_many(&[b, c], Curation::Rating(4))
        .expect("rate");
    klikt.curate(d, Curation::Rating(2)).expect("rate one");
    klikt.curate(c, Curation::Favorite(true)).expect("favorite");
    klikt
        .moderate("Browse", &Selection::Ids(vec![d]), Moderation::Delete)
        .expect("delete");

    let picked = MediaQuery {
        flag: Some(Flag::Picked),
        ..MediaQuery::default()
    };
    assert_eq!(ids(&klikt, picked), vec![a, b]);
    let three_stars = MediaQuery {
        min_rating: Some(3),
        ..MediaQuery::default()
    };
    assert_eq!(
        ids(&klikt, three_stars),
        vec![b, c],
        "d has 2 stars and is in the trash"
    );
    let favorites = MediaQuery {
        favorite: Some(true),
        ..MediaQuery::default()
    };
    assert_eq!(ids(&klikt, favorites), vec![c]);
    let trash = MediaQuery {
        status: Some(Status::Deleted),
        ..MediaQuery::default()
    };
    assert_eq!(ids(&klikt, trash), vec![d]);
    assert_eq!(
        ids(&klikt, MediaQuery::default()).len(),
        15,
        "the trash is not in the grid"
    );
    let videos = MediaQuery {
        kind: Some(klikt_api::MediaKind::Video),
        ..MediaQuery::default()
    };
    assert!(ids(&klikt, videos).is_empty());
    let with_message = MediaQuery {
        has_message: Some(true),
        ..MediaQuery::default()
    };
    assert!(
        ids(&klikt, with_message).is_empty(),
        "local imports carry no guest message"
    );
    let combined = MediaQuery {
        flag: Some(Flag::Picked),
        min_rating: Some(4),
        ..MediaQuery::default()
    };
    assert_eq!(ids(&klikt, combined), vec![b]);

    // Pages walk the same order as the ids.
    let mut paged = Vec::new();
    for offset in (0..15).step_by(4) {
        let query = MediaQuery {
            limit: Some(4),
            offset: Some(offset),
            ..MediaQuery::default()
        };
        paged.extend(
            klikt
                .media("Browse", &query)
                .expect("page")
                .iter()
                .map(|i| i.id),
        );
    }
    assert_eq!(paged, ids(&klikt, MediaQuery::default()));
}

#[test]
fn a_collection_filter_lists_its_items_in_their_manual_order() {
    let (_dir, klikt) = library();
    let all = ids(&klikt, MediaQuery::default());
    let collection = klikt.create_collection("Browse", "Album").expect("create");
    klikt
        .add_to_collection("Browse", "Album", &[all[5], all[1], all[9]])
        .expect("add");
    klikt
        .move_in_collection("Browse", "Album", all[9], klikt_api::Position::Index(0))
        .expect("move");

    let query = MediaQuery {
        collection: Some(collection.id),
        ..MediaQuery::default()
    };
    assert_eq!(ids(&klikt, query.clone()), vec![all[9], all[5], all[1]]);
    let by_capture = MediaQuery {
        sort: Some(MediaSort::Captured),
        ..query
    };
    let mut expected = vec![all[1], all[5], all[9]];
    expected.sort_by_key(|id| all.iter().position(|x| x == id));
    assert_eq!(
        ids(&klikt, by_capture),
        expected,
        "members, in capture order when asked"
    );
}

#[test]
fn upload_order_follows_import_time_for_local_files() {
    let (_dir, klikt) = library();
    let by_upload = ids(
        &klikt,
        MediaQuery {
            sort: Some(MediaSort::Uploaded),
            ..MediaQuery::default()
        },
    );
    let mut sorted = by_upload.clone();
    sorted.sort_unstable();
    assert_eq!(by_upload, sorted, "one import: same time, then id");
}

#[test]
fn a_rating_filter_above_five_stars_is_refused_in_words() {
    let (_dir, klikt) = library();
    let err = klikt
        .media_ids(
            "Browse",
            &MediaQuery {
                min_rating: Some(6),
                ..MediaQuery::default()
            },
        )
        .expect_err("six stars");
    assert!(err.to_string().contains("0 to 5"), "{err}");
}

#[test]
fn bulk_curation_skips_unknown_ids_and_logs_each_change() {
    let (_dir, klikt) = library();
    let all = ids(&klikt, MediaQuery::default());
    let report = klikt
        .curate_many(&[all[0], all[1], 999_999], Curation::Flag(Flag::Rejected))
        .expect("bulk");
    assert_eq!(
        (report.changed, report.unchanged, report.skipped.len()),
        (2, 0, 1)
    );
    let again = klikt
        .curate_many(&[all[0]], Curation::Flag(Flag::Rejected))
        .expect("again");
    assert_eq!((again.changed, again.unchanged), (0, 1));
    let log = klikt.decision_log("Browse", 10).expect("log");
    assert_eq!(log.iter().filter(|e| e.action == "flag").count(), 2);
    assert!(
        klikt.curate(999_999, Curation::Favorite(true)).is_err(),
        "one unknown id is an error"
    );
}

#[test]
fn uploaders_and_sync_status_of_a_local_event() {
    let (_dir, klikt) = library();
    assert!(
        klikt.uploaders("Browse").expect("uploaders").is_empty(),
        "local files have no guest"
    );
    let status = klikt.sync_status("Browse").expect("status");
    assert!(!status.linked);
    assert_eq!(status.pending, 0);
    assert!(status.dead.is_empty() && status.conflicts.is_empty());
    assert_eq!(status.last_pushed_at, None);
}

#[test]
fn an_import_job_reports_progress_then_its_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let klikt = Klikt::open(dir.path().join("lib")).expect("library");
    let jobs = Jobs::new();
    let ticket = jobs.start(JobKind::Import);
    let seen = Mutex::new(Vec::new());
    let request = ImportRequest {
        event_name: "Job".into(),
        paths: orientation_photos()[..4].to_vec(),
        status: Status::Pending,
    };
    let finished = klikt.run_import_job(&ticket, &request, &|p| seen.lock().expect("lock").push(p));
    assert_eq!(finished.outcome, JobOutcome::Done);
    assert_eq!(finished.job, ticket.id);
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen.len(), 4, "one report per file");
    assert!(seen.iter().all(|p| p.job == ticket.id && p.total == 4));
    match finished.report {
        Some(JobReport::Import(report)) => assert_eq!(report.imported, 4),
        other => panic!("an import report, got {other:?}"),
    }
}

#[test]
fn a_pull_job_for_a_local_event_fails_with_its_reason() {
    let (_dir, klikt) = library();
    let jobs = Jobs::new();
    let ticket = jobs.start(JobKind::Pull);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let finished = runtime.block_on(klikt.run_pull_job(&ticket, "Browse", &|_| {}));
    assert_eq!(finished.outcome, JobOutcome::Failed);
    let error = finished.error.expect("an error");
    assert!(!error.message.is_empty(), "{error:?}");
}

#[test]
fn undo_reverses_a_whole_bulk_decision_then_the_one_before() {
    let (_dir, klikt) = library();
    let all = ids(&klikt, MediaQuery::default());
    klikt.curate(all[0], Curation::Rating(5)).expect("alone");
    klikt
        .moderate(
            "Browse",
            &Selection::Ids(all[1..6].to_vec()),
            Moderation::Hide,
        )
        .expect("bulk hide");
    klikt
        .curate_many(&all[6..9], Curation::Flag(Flag::Picked))
        .expect("bulk pick");

    let undone = klikt.undo("Browse").expect("undo the picks");
    assert_eq!(undone.len(), 3, "the three picks at once");
    let hidden = MediaQuery {
        status: Some(Status::Hidden),
        ..MediaQuery::default()
    };
    assert_eq!(ids(&klikt, hidden.clone()).len(), 5, "the hides stay");
    let picked = MediaQuery {
        flag: Some(Flag::Picked),
        ..MediaQuery::default()
    };
    assert!(ids(&klikt, picked).is_empty());

    let undone = klikt.undo("Browse").expect("undo the hides");
    assert_eq!(undone.len(), 5);
    assert!(ids(&klikt, hidden).is_empty());

    let undone = klikt.undo("Browse").expect("undo the rating");
    assert_eq!(undone.len(), 1, "a decision made alone is undone alone");
    assert_eq!(klikt.media_item(all[0]).expect("item").rating, 0);
    assert!(klikt.undo("Browse").expect("nothing left").is_empty());
}
