//! Behaviour of the library folder: schema upgrades, the store, the sweep.

use klikt_library::db::SCHEMA_VERSION;
use klikt_library::tables::{events, media};
use klikt_library::{FileKind, Library, LibraryError, MediaKind, Preview, Sha256Hex, Status};

fn sha(n: u8) -> Sha256Hex {
    Sha256Hex::from_digest(&[n; 32])
}

fn new_media(event_id: i64, sha: &Sha256Hex) -> media::MediaRecord {
    media::MediaRecord {
        event_id,
        remote_id: None,
        remote_version: None,
        kind: MediaKind::Photo,
        mime: "image/jpeg".into(),
        original_name: "IMG_0001.jpg".into(),
        uploader: None,
        caption: None,
        uploaded_at: None,
        captured_at: Some("2024-06-01T14:00:00".into()),
        imported_at: "2026-11-22T08:00:00Z".into(),
        width: Some(4000),
        height: Some(3000),
        orientation: 1,
        camera_make: None,
        camera_model: None,
        gps_lat: None,
        gps_lon: None,
        size: 3,
        sha256: sha.to_string(),
        blake3: None,
        status: Status::Pending,
        preview: Preview::Ready,
        has_thumbnail: false,
        has_display: false,
    }
}

#[test]
fn a_new_library_is_created_at_the_current_schema_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path()).unwrap();
    let (version, journal, fks): (i64, String, bool) = library
        .read(|c| {
            Ok((
                c.query_row("PRAGMA user_version", [], |r| r.get(0))?,
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!(
        version, SCHEMA_VERSION,
        "fresh library must be fully migrated"
    );
    assert_eq!(journal, "wal", "readers must not block the writer");
    assert!(fks, "foreign keys must be enforced");
}

#[test]
fn reopening_a_library_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    {
        let library = Library::open(dir.path()).unwrap();
        library
            .write(|tx| events::find_or_create_local(tx, "Wedding", "2026-11-22T08:00:00Z"))
            .unwrap();
    }
    let library = Library::open(dir.path()).unwrap();
    let found = library.read(|c| events::find(c, "Wedding")).unwrap();
    assert_eq!(found.name, "Wedding", "the event must survive a reopen");
}

#[test]
fn a_library_written_by_a_newer_klikt_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    drop(Library::open(dir.path()).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join("library.db")).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 7)
        .unwrap();
    drop(conn);
    let err = Library::open(dir.path()).unwrap_err();
    assert!(
        matches!(err, LibraryError::NewerSchema { .. }),
        "a newer schema must be refused, got {err:?}"
    );
    assert!(
        err.to_string().contains("newer version of Klikt"),
        "the message must tell the user what happened: {err}"
    );
}

#[test]
fn a_failed_migration_leaves_the_database_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // A pre-existing table named like one the migration creates makes it fail halfway.
    let conn = rusqlite::Connection::open(dir.path().join("library.db")).unwrap();
    conn.execute_batch("CREATE TABLE messages (x INTEGER);")
        .unwrap();
    drop(conn);
    let err = Library::open(dir.path()).unwrap_err();
    assert!(matches!(err, LibraryError::Migration { .. }), "got {err:?}");
    let conn = rusqlite::Connection::open(dir.path().join("library.db")).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let events_table: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'events'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, 0, "schema version must not move on failure");
    assert_eq!(
        events_table, 0,
        "tables created before the failure must be rolled back"
    );
}

#[test]
fn the_same_bytes_are_stored_once_per_event() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path()).unwrap();
    let (event, _) = library
        .write(|tx| events::find_or_create_local(tx, "Party", "2026-11-22T08:00:00Z"))
        .unwrap();
    let item = new_media(event.id, &sha(1));
    let first = library.write(|tx| media::insert_if_new(tx, &item)).unwrap();
    let second = library.write(|tx| media::insert_if_new(tx, &item)).unwrap();
    assert!(first.is_some(), "first insert creates a row");
    assert_eq!(second, None, "same sha256 in the same event is a duplicate");
}

#[test]
fn store_files_appear_only_under_their_final_name_and_sweep_removes_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let kept = sha(2);
    let orphan = sha(3);
    {
        let library = Library::open(dir.path()).unwrap();
        let (event, _) = library
            .write(|tx| events::find_or_create_local(tx, "Party", "now"))
            .unwrap();
        let store = library.store();
        store.put_bytes(&kept, FileKind::Original, b"abc").unwrap();
        store.put_bytes(&kept, FileKind::Thumbnail, b"t").unwrap();
        store
            .put_bytes(&orphan, FileKind::Original, b"xyz")
            .unwrap();
        std::fs::write(store.temp_path(), b"half a file").unwrap();
        library
            .write(|tx| media::insert_if_new(tx, &new_media(event.id, &kept)))
            .unwrap();
        assert_eq!(
            std::fs::read(store.path(&kept, FileKind::Original)).unwrap(),
            b"abc"
        );
    }
    let library = Library::open(dir.path()).unwrap();
    let report = library.sweep_report();
    assert_eq!(report.partial_files, 1, "the temp file must be swept");
    assert_eq!(
        report.orphan_files, 1,
        "the unreferenced original must be swept"
    );
    assert!(
        library.store().exists(&kept, FileKind::Original),
        "referenced files stay"
    );
    assert!(
        library.store().exists(&kept, FileKind::Thumbnail),
        "their renditions stay"
    );
    assert!(!library.store().exists(&orphan, FileKind::Original));
}

#[test]
fn no_sweep_happens_while_another_process_has_the_library_open() {
    let dir = tempfile::tempdir().unwrap();
    let first = Library::open(dir.path()).unwrap();
    let in_flight = first.store().temp_path();
    std::fs::write(&in_flight, b"being written").unwrap();
    let second = Library::open(dir.path()).unwrap();
    assert_eq!(second.sweep_report().partial_files, 0);
    assert!(
        in_flight.exists(),
        "another writer's temp file must not be touched"
    );
}

#[test]
fn events_are_found_by_id_or_name_and_missing_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path()).unwrap();
    let (event, created) = library
        .write(|tx| events::find_or_create_local(tx, "Gala 2026", "now"))
        .unwrap();
    assert!(created);
    let (again, created_again) = library
        .write(|tx| events::find_or_create_local(tx, "Gala 2026", "now"))
        .unwrap();
    assert!(!created_again, "same name reuses the event");
    assert_eq!(again.id, event.id);
    let by_id = library
        .read(|c| events::find(c, &event.id.to_string()))
        .unwrap();
    assert_eq!(by_id.name, "Gala 2026");
    let err = library.read(|c| events::find(c, "Nope")).unwrap_err();
    assert!(err.to_string().contains("\"Nope\""), "{err}");
}

#[test]
fn a_page_of_one_status_lists_dated_items_by_capture_time_then_undated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path()).unwrap();
    let (event, _) = library
        .write(|tx| events::find_or_create_local(tx, "Paged", "2026-11-22T08:00:00Z"))
        .unwrap();
    library
        .write(|tx| {
            for n in 0..10u8 {
                let mut item = new_media(event.id, &sha(n + 1));
                // Odd ones are undated; even ones dated in reverse order.
                item.captured_at = (n % 2 == 0).then(|| format!("2024-06-01T14:00:{:02}", 59 - n));
                item.status = if n == 8 {
                    Status::Hidden
                } else {
                    Status::Pending
                };
                media::insert_if_new(tx, &item)?;
            }
            Ok(())
        })
        .unwrap();
    let page = |offset, limit| {
        library
            .read(|conn| {
                media::list(
                    conn,
                    event.id,
                    &media::MediaFilter {
                        status: Some(Status::Pending),
                        limit: Some(limit),
                        offset: Some(offset),
                        ..media::MediaFilter::default()
                    },
                )
            })
            .unwrap()
            .into_iter()
            .map(|row| row.record.captured_at.clone())
            .collect::<Vec<_>>()
    };
    let first = page(0, 5);
    assert_eq!(
        first,
        vec![
            Some("2024-06-01T14:00:53".to_owned()),
            Some("2024-06-01T14:00:55".to_owned()),
            Some("2024-06-01T14:00:57".to_owned()),
            Some("2024-06-01T14:00:59".to_owned()),
            None,
        ],
        "the hidden item is filtered out; dated first, oldest first"
    );
    assert_eq!(page(5, 5), vec![None; 4], "then the undated ones");
}
