//! Exports against a real library of corpus photos: complete, byte for byte,
//! resumable, verifiable, safe with hostile guest names; and forget.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicBool;

use klikt_api::export::manifest::Manifest;
use klikt_api::{
    Curation, ExportLayout, ExportReport, ExportRequest, ExportSelection, ImportRequest, Klikt,
    Status,
};
use sha2::{Digest, Sha256};

fn corpus(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(relative)
}

/// Guest names that try to leave the export folder or break on Windows.
const HOSTILE: [&str; 6] = [
    "../../x",
    "CON",
    "a/b",
    "Ann\u{202E}gpj.exe",
    "Zoë\u{0}\u{7}",
    // 300 bytes: 150 two-byte characters.
    "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé",
];

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    klikt: Klikt,
}

/// A library with event "Party": the orientation set and the camera JPEGs
/// (some with GPS), approved, with hostile uploader names and guest messages
/// (written into the database as a pull would).
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let library = root.join("library");
    {
        let klikt = Klikt::open(&library).expect("library");
        let mut paths = vec![corpus("jpg/orientation")];
        for camera in ["Canon_40D.jpg", "Nikon_D70.jpg", "Kodak_CX7530.jpg"] {
            paths.push(corpus(&format!("jpg/{camera}")));
        }
        paths.push(corpus("jpg/tests/45-gps_ifd.jpg"));
        paths.extend(
            std::fs::read_dir(corpus("jpg/mobile"))
                .expect("mobile photos")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
                .take(2),
        );
        let request = ImportRequest {
            event_name: "Party".into(),
            paths,
            status: Status::Approved,
        };
        klikt
            .import(&request, &mut |_| {}, &AtomicBool::new(false))
            .expect("import");
    }
    let db = rusqlite::Connection::open(library.join("library.db")).expect("db");
    let ids: Vec<i64> = db
        .prepare("SELECT id FROM media ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("ids");
    for (id, name) in ids.iter().zip(HOSTILE.iter().cycle()) {
        db.execute(
            "UPDATE media SET uploader = ?2 WHERE id = ?1",
            rusqlite::params![id, name],
        )
        .expect("uploader");
    }
    db.execute(
        "INSERT INTO messages (event_id, author, body, created_at, status) VALUES
           (1, 'Grandma Rose', 'So happy for you both!', '2025-06-01T20:00:00Z', 'approved'),
           (1, '=cmd|'' /C calc''!A0', '<script>alert(1)</script> +1 for the cake', '2025-06-01T21:00:00Z', 'approved'),
           (1, 'Troll', 'hidden message', '2025-06-01T22:00:00Z', 'hidden')",
        [],
    )
    .expect("messages");
    drop(db);
    let klikt = Klikt::open(&library).expect("library again");
    Fixture {
        _dir: dir,
        root,
        klikt,
    }
}

fn request(to: PathBuf) -> ExportRequest {
    ExportRequest {
        event: "Party".into(),
        to,
        only: ExportSelection::All,
        template: None,
        layout: ExportLayout::Flat,
        strip_location: false,
        gallery: false,
    }
}

fn export(klikt: &Klikt, request: &ExportRequest) -> ExportReport {
    klikt
        .export(request, &mut |_| {}, &AtomicBool::new(false))
        .expect("export")
}

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("read exported file");
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn manifest(dir: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
        .expect("manifest parses")
}

#[test]
fn a_folder_export_holds_every_original_byte_for_byte_with_manifest_and_sums() {
    let f = fixture();
    let to = f.root.join("out");
    let report = export(&f.klikt, &request(to.clone()));
    let items = f.klikt.media("Party", &Default::default()).expect("items");
    assert_eq!(report.files as usize, items.len());
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.messages, 3, "all messages for --only all");

    let manifest = manifest(&to);
    assert_eq!(manifest.items.len(), items.len());
    let originals: HashSet<&str> = items.iter().map(|i| i.sha256.as_str()).collect();
    for item in &manifest.items {
        assert_eq!(sha256(&to.join(&item.path)), item.sha256, "{}", item.path);
        assert!(
            originals.contains(item.sha256.as_str()),
            "an original, unchanged"
        );
        assert_eq!(item.status, "approved");
    }
    let sums = std::fs::read_to_string(to.join("SHA256SUMS")).expect("sums");
    assert_eq!(
        sums.lines().count(),
        manifest.items.len() + 3,
        "items, 2 message files, manifest"
    );
    // The checksum file is in sha256sum's own format.
    let checked = std::process::Command::new("sha256sum")
        .args(["--check", "--quiet", "SHA256SUMS"])
        .current_dir(&to)
        .status()
        .expect("sha256sum");
    assert!(checked.success(), "sha256sum -c accepts the export");

    let verify = f.klikt.verify_export(&to).expect("verify");
    assert!(verify.ok(), "{verify:?}");
    assert_eq!(verify.checked, sums.lines().count() as u64);
}

/// Flips one byte in the middle of `path` (the store keeps originals read-only).
fn flip_a_byte(path: &Path) {
    let mut perms = std::fs::metadata(path).expect("original").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(path, perms).expect("writable");
    let mut bytes = std::fs::read(path).expect("read original");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(path, bytes).expect("damage the original");
}

#[test]
fn a_damaged_original_is_a_failed_item_that_names_it_in_a_folder_and_a_zip() {
    let f = fixture();
    let items = f.klikt.media("Party", &Default::default()).expect("items");
    let victim = &items[1];
    flip_a_byte(Path::new(&victim.original_path));
    for to in ["out", "out.zip", "stripped", "stripped.zip"] {
        let mut request = request(f.root.join(to));
        // Location-free copies read the original whole and are checked too.
        request.strip_location = to.starts_with("stripped");
        {
            let report = export(&f.klikt, &request);
            assert_eq!(
                report.failed.len(),
                1,
                "{}: the damaged original is reported, not copied as is: {:?}",
                request.to.display(),
                report.failed
            );
            let failure = &report.failed[0];
            assert_eq!(failure.media_id, victim.id);
            assert_eq!(failure.original_name, victim.original_name);
            assert!(
                failure.reason.contains("damaged") && failure.reason.contains(&victim.sha256),
                "the reason says what is wrong: {}",
                failure.reason
            );
            assert_eq!(
                report.files as usize,
                items.len() - 1,
                "the rest is exported"
            );
            assert!(
                !read_manifest(&request.to)
                    .items
                    .iter()
                    .any(|item| item.media_id == victim.id),
                "the manifest lists no copy of the damaged original"
            );
        }
    }
}

#[test]
fn hostile_uploader_names_stay_inside_the_export_in_every_layout() {
    let f = fixture();
    for (layout, name) in [
        (ExportLayout::Flat, "flat"),
        (ExportLayout::ByUploader, "by-uploader"),
        (ExportLayout::ByDay, "by-day"),
    ] {
        let to = f.root.join(name);
        let mut req = request(to.clone());
        req.layout = layout;
        req.template = Some("{uploader}_{original}_{seq}.{ext}".into());
        let report = export(&f.klikt, &req);
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        let manifest = manifest(&to);
        let mut seen = HashSet::new();
        for item in &manifest.items {
            let path = Path::new(&item.path);
            assert!(
                path.components().all(|c| matches!(c, Component::Normal(_))),
                "{name}: {:?} is a plain relative path",
                item.path
            );
            for part in path.components() {
                let part = part.as_os_str().to_str().expect("utf-8");
                assert!(part.len() <= 255, "{name}: {part:?} fits a file name");
                assert!(
                    !part.chars().any(|c| c.is_control() || c == '\u{202E}'),
                    "{part:?}"
                );
                assert!(!part.eq_ignore_ascii_case("con"), "{part:?}");
            }
            assert!(
                seen.insert(item.path.to_lowercase()),
                "{name}: {} twice",
                item.path
            );
            assert!(to.join(path).is_file(), "{name}: {} written", item.path);
        }
        // Nothing was written next to the export.
        let beside: Vec<_> = std::fs::read_dir(&f.root)
            .expect("root")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !["library", "flat", "by-uploader", "by-day"].contains(&n.as_str()))
            .collect();
        assert!(beside.is_empty(), "escaped files: {beside:?}");
    }
}

#[test]
fn rerunning_the_same_export_keeps_what_is_there_and_redoes_what_is_damaged() {
    let f = fixture();
    let to = f.root.join("out");
    let first = export(&f.klikt, &request(to.clone()));
    let victim = manifest(&to).items[2].path.clone();
    std::fs::write(to.join(&victim), b"half a file").expect("damage");
    std::fs::remove_file(to.join("manifest.json")).expect("as if interrupted before the end");
    std::fs::write(to.join(".klikt-partial-x.jpg"), b"left by a crash").expect("leftover");

    let second = export(&f.klikt, &request(to.clone()));
    assert_eq!(second.files, first.files);
    assert_eq!(
        second.skipped,
        first.files - 1,
        "only the damaged file was copied again"
    );
    assert!(
        !to.join(".klikt-partial-x.jpg").exists(),
        "leftovers of a crash are removed"
    );
    assert!(f.klikt.verify_export(&to).expect("verify").ok());
}

#[test]
fn exporting_into_the_same_folder_again_removes_only_what_earlier_exports_wrote_and_the_new_one_does_not_hold(
) {
    let f = fixture();
    let to = f.root.join("out");
    let mut everything = request(to.clone());
    everything.layout = ExportLayout::ByUploader;
    export(&f.klikt, &everything);
    let earlier = manifest(&to);
    std::fs::write(to.join("notes.txt"), b"the organizer's own file").expect("own file");

    // Only one favorite is wanted now, in a flat folder; the first try is
    // stopped before it copies anything (its manifest is gone by then).
    let keep = earlier.items[3].media_id;
    f.klikt
        .curate(keep, Curation::Favorite(true))
        .expect("favorite");
    let mut favorites = request(to.clone());
    favorites.only = ExportSelection::Favorites;
    let stopped = f
        .klikt
        .export(&favorites, &mut |_| {}, &AtomicBool::new(true))
        .expect("stopped export");
    assert!(stopped.cancelled);
    assert!(!to.join("manifest.json").exists());
    export(&f.klikt, &favorites);

    let now = manifest(&to);
    assert_eq!(now.items.len(), 1);
    assert_eq!(now.items[0].media_id, keep);
    let mut expected: Vec<String> = now
        .items
        .iter()
        .map(|i| i.path.clone())
        .chain(now.files.iter().map(|f| f.path.clone()))
        .chain(["manifest.json", "SHA256SUMS", "notes.txt"].map(String::from))
        .collect();
    expected.sort();
    let mut found: Vec<String> = walkdir::WalkDir::new(&to)
        .min_depth(1)
        .into_iter()
        .map(|e| e.expect("entry"))
        .map(|e| {
            let relative = e.path().strip_prefix(&to).expect("inside");
            assert!(
                !e.file_type().is_dir(),
                "no folder is left behind: {}",
                relative.display()
            );
            relative.to_string_lossy().into_owned()
        })
        .collect();
    found.sort();
    assert_eq!(
        found, expected,
        "the earlier export's files are gone, the organizer's own file stays"
    );
    assert!(f.klikt.verify_export(&to).expect("verify").ok());
}

#[test]
fn every_original_is_fingerprinted_with_blake3_as_it_enters_the_library() {
    let f = fixture();
    let items = f.klikt.media("Party", &Default::default()).expect("items");
    let db = rusqlite::Connection::open(f.root.join("library/library.db")).expect("db");
    for item in &items {
        let recorded: Option<String> = db
            .query_row("SELECT blake3 FROM media WHERE id = ?1", [item.id], |r| {
                r.get(0)
            })
            .expect("row");
        let bytes = std::fs::read(&item.original_path).expect("original");
        assert_eq!(
            recorded.as_deref(),
            Some(blake3::hash(&bytes).to_hex().as_str()),
            "{}",
            item.original_name
        );
    }
}

/// Every `src` and `href` in `html`, unescaped and percent-decoded.
fn links_in(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            let value = &rest[..rest.find('"').expect("closed attribute")];
            let value = html_escape::decode_html_entities(value);
            let decoded = percent_encoding::percent_decode_str(&value)
                .decode_utf8()
                .expect("UTF-8 link");
            links.push(decoded.into_owned());
        }
    }
    links
}

#[test]
fn the_gallery_links_only_files_inside_the_export_and_every_link_resolves() {
    let f = fixture();
    let to = f.root.join("gallery-out");
    let mut req = request(to.clone());
    req.layout = ExportLayout::ByUploader;
    req.gallery = true;
    let report = export(&f.klikt, &req);
    let html = std::fs::read_to_string(to.join("index.html")).expect("index.html");
    assert!(!html.contains("<script"), "no script in the gallery");
    let links = links_in(&html);
    let figures = html.matches("<figure").count();
    assert_eq!(figures as u64, report.files, "one tile per exported item");
    assert!(
        links.len() as u64 > report.files,
        "each tile links its original and shows a thumbnail: {links:?}"
    );
    let root = to.canonicalize().expect("export folder");
    for link in &links {
        assert!(
            !link.contains("://") && !link.starts_with('/') && !link.split('/').any(|c| c == ".."),
            "a link that could leave the export folder: {link:?}"
        );
        let target = to.join(link).canonicalize().unwrap_or_else(|e| {
            panic!("the gallery links {link:?}, which is not in the export: {e}")
        });
        assert!(target.starts_with(&root) && target.is_file(), "{link:?}");
    }
}

#[test]
fn files_another_tools_sums_or_manifest_list_are_never_removed() {
    let f = fixture();
    let to = f.root.join("downloads");
    std::fs::create_dir_all(&to).expect("folder");
    std::fs::write(to.join("debian.iso"), b"not klikt's").expect("iso");
    let iso_sum = format!("{}  debian.iso\n", "ab".repeat(32));
    std::fs::write(to.join("SHA256SUMS"), iso_sum).expect("sums");
    std::fs::write(
        to.join("manifest.json"),
        br#"{"items":[{"path":"debian.iso"}],"files":[]}"#,
    )
    .expect("another manifest");
    export(&f.klikt, &request(to.clone()));
    export(&f.klikt, &request(to.clone()));
    assert_eq!(
        std::fs::read(to.join("debian.iso")).expect("still there"),
        b"not klikt's"
    );
}

#[test]
fn verify_names_an_altered_and_a_missing_file() {
    let f = fixture();
    for to in [f.root.join("out"), f.root.join("out.zip")] {
        export(&f.klikt, &request(to.clone()));
        let items = manifest_of(&to);
        let (altered, missing) = (items[0].clone(), items[1].clone());
        if to.is_dir() {
            let mut bytes = std::fs::read(to.join(&altered)).expect("read");
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x01;
            std::fs::write(to.join(&altered), bytes).expect("flip a byte");
            std::fs::remove_file(to.join(&missing)).expect("remove");
        } else {
            rewrite_zip(&to, &altered, &missing);
        }
        let report = f.klikt.verify_export(&to).expect("verify");
        assert_eq!(report.altered, vec![altered.clone()], "{}", to.display());
        assert_eq!(report.missing, vec![missing.clone()], "{}", to.display());
        assert!(!report.ok());
    }
}

/// The items' paths of a folder or ZIP export.
fn manifest_of(to: &Path) -> Vec<String> {
    read_manifest(to)
        .items
        .into_iter()
        .map(|i| i.path)
        .collect()
}

/// The manifest of a folder or ZIP export.
fn read_manifest(to: &Path) -> Manifest {
    if to.is_dir() {
        manifest(to)
    } else {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(to).expect("zip")).expect("zip");
        let entry = archive.by_name("manifest.json").expect("manifest entry");
        serde_json::from_reader(entry).expect("manifest parses")
    }
}

/// Copies a ZIP, flipping a byte of `altered` and leaving `missing` out.
fn rewrite_zip(path: &Path, altered: &str, missing: &str) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).expect("zip")).expect("zip");
    let damaged = path.with_extension("damaged.zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(&damaged).expect("create"));
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let name = entry.name().expect("entry name").into_owned();
        if name == missing {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read entry");
        if name == altered {
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x01;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish");
    std::fs::rename(damaged, path).expect("replace");
}

#[test]
fn a_zip_export_is_complete_stored_and_passes_unzip_t() {
    let f = fixture();
    let to = f.root.join("party.zip");
    let mut req = request(to.clone());
    req.gallery = true;
    let report = export(&f.klikt, &req);
    assert!(report.zip && report.failed.is_empty());
    assert!(to.is_file());
    assert!(
        !f.root.join("party.zip.partial").exists(),
        "no partial left"
    );
    let tested = std::process::Command::new("unzip")
        .args(["-tq"])
        .arg(&to)
        .status()
        .expect("unzip (apt install unzip)");
    assert!(tested.success(), "unzip -t");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&to).expect("zip")).expect("zip");
    for index in 0..archive.len() {
        let entry = archive.by_index(index).expect("entry");
        let name = entry.name().expect("entry name").into_owned();
        if name.ends_with(".jpg") && !name.starts_with("gallery/") {
            assert_eq!(
                entry.compression(),
                zip::CompressionMethod::Stored,
                "{name}"
            );
        }
    }
    assert!(archive.by_name("index.html").is_ok(), "the gallery");
    assert!(f.klikt.verify_export(&to).expect("verify").ok());
}

#[test]
fn strip_location_removes_gps_from_the_copies_only() {
    let f = fixture();
    let to = f.root.join("shared");
    let mut req = request(to.clone());
    req.strip_location = true;
    export(&f.klikt, &req);
    let manifest = manifest(&to);
    let stripped: Vec<_> = manifest
        .items
        .iter()
        .filter(|i| i.location_removed)
        .collect();
    assert!(
        !stripped.is_empty(),
        "the corpus photos with GPS were stripped"
    );
    for item in &manifest.items {
        let bytes = std::fs::read(to.join(&item.path)).expect("read");
        let meta = klikt_media::read_metadata(&bytes);
        assert_eq!(meta.gps_lat, None, "{} has no latitude", item.path);
        if item.location_removed {
            assert_ne!(item.sha256, item.original_sha256);
        }
    }
    // The library's originals keep their location.
    let with_gps = f
        .klikt
        .media("Party", &Default::default())
        .expect("items")
        .into_iter()
        .filter(|i| i.gps_lat.is_some())
        .count();
    assert!(with_gps > 0);
    assert!(f.klikt.verify_export(&to).expect("verify").ok());
}

#[test]
fn messages_are_a_neutralized_csv_and_escaped_html_and_follow_the_selection() {
    let f = fixture();
    let to = f.root.join("out");
    let mut req = request(to.clone());
    req.only = ExportSelection::Approved;
    let report = export(&f.klikt, &req);
    assert_eq!(
        report.messages, 2,
        "only approved messages with --only approved"
    );
    let csv = std::fs::read_to_string(to.join("messages.csv")).expect("csv");
    assert!(
        csv.contains("'=cmd|"),
        "a formula author is neutralized: {csv}"
    );
    assert!(!csv.contains("hidden message"));
    let html = std::fs::read_to_string(to.join("messages.html")).expect("html");
    assert!(!html.contains("<script>alert"), "guest HTML is text");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn a_collection_export_follows_its_manual_order() {
    let f = fixture();
    let items = f.klikt.media("Party", &Default::default()).expect("items");
    f.klikt
        .create_collection("Party", "Album")
        .expect("collection");
    let chosen: Vec<i64> = items.iter().rev().take(3).map(|i| i.id).collect();
    f.klikt
        .add_to_collection("Party", "Album", &chosen)
        .expect("add");
    let to = f.root.join("album");
    let mut req = request(to.clone());
    req.only = ExportSelection::Collection("Album".into());
    export(&f.klikt, &req);
    let manifest = manifest(&to);
    let order: Vec<i64> = manifest.items.iter().map(|i| i.media_id).collect();
    assert_eq!(order, chosen);
    assert!(manifest
        .items
        .iter()
        .all(|i| i.collections == vec!["Album".to_owned()]));
}

#[test]
fn a_cancelled_zip_export_leaves_nothing_that_looks_like_an_archive() {
    let f = fixture();
    let to = f.root.join("party.zip");
    let report = f
        .klikt
        .export(&request(to.clone()), &mut |_| {}, &AtomicBool::new(true))
        .expect("export");
    assert!(report.cancelled);
    assert!(!to.exists() && !f.root.join("party.zip.partial").exists());
}

#[test]
fn forget_removes_the_event_entirely_and_leaves_no_trace_in_the_database_or_wal() {
    let f = fixture();
    let marker = "Grandma Rose";
    let preview = f.klikt.forget_preview("Party").expect("preview");
    assert!(preview.media_count > 0 && preview.message_count == 3);
    assert!(preview.verified_export.is_none(), "nothing exported yet");
    let to = f.root.join("out");
    export(&f.klikt, &request(to.clone()));
    assert!(f.klikt.verify_export(&to).expect("verify").ok());
    let preview = f.klikt.forget_preview("Party").expect("preview");
    let verified = preview
        .verified_export
        .expect("a verified export is reported");
    assert_eq!(
        verified.destination,
        std::fs::canonicalize(&to).expect("path")
    );

    let store_files_before = files_under(&f.root.join("library/store"));
    assert!(store_files_before > 0);
    let report = f.klikt.forget("Party").expect("forget");
    assert_eq!(report.media_removed, preview.media_count);
    assert!(f.klikt.events().expect("events").is_empty());
    assert_eq!(
        files_under(&f.root.join("library/store")),
        0,
        "originals and renditions gone"
    );
    for file in ["library.db", "library.db-wal"] {
        let path = f.root.join("library").join(file);
        let bytes = std::fs::read(&path).unwrap_or_default();
        let found = bytes.windows(marker.len()).any(|w| w == marker.as_bytes());
        assert!(!found, "{file} still holds a guest's name");
    }
    // The export made before stays: forgetting is about the library only.
    assert!(to.join("manifest.json").is_file());
}

#[test]
fn forget_counts_only_a_verified_export_of_everything_that_is_still_there() {
    let f = fixture();
    let verified = |klikt: &Klikt| {
        klikt
            .forget_preview("Party")
            .expect("preview")
            .verified_export
    };
    // Exports that pass verify but would not bring the event back.
    let mut approved = request(f.root.join("approved"));
    approved.only = ExportSelection::Approved;
    let mut stripped = request(f.root.join("stripped"));
    stripped.strip_location = true;
    for partial in [approved, stripped] {
        let report = export(&f.klikt, &partial);
        assert!(report.failed.is_empty());
        assert!(f.klikt.verify_export(&partial.to).expect("verify").ok());
        assert!(
            verified(&f.klikt).is_none(),
            "{}: a selection or changed copies are not the whole event",
            partial.to.display()
        );
    }

    let items = f.klikt.media("Party", &Default::default()).expect("items");
    let original = PathBuf::from(&items[0].original_path);
    let intact = std::fs::read(&original).expect("original");
    flip_a_byte(&original);
    let with_failure = request(f.root.join("with-failure"));
    assert_eq!(export(&f.klikt, &with_failure).failed.len(), 1);
    assert!(
        f.klikt
            .verify_export(&with_failure.to)
            .expect("verify")
            .ok(),
        "what it holds is intact"
    );
    assert!(
        verified(&f.klikt).is_none(),
        "an export that failed an item lacks that item"
    );
    std::fs::write(&original, intact).expect("repair the original");

    let whole = request(f.root.join("whole"));
    assert!(export(&f.klikt, &whole).failed.is_empty());
    assert!(
        verified(&f.klikt).is_none(),
        "not verified yet: the export's own word is not enough"
    );
    assert!(f.klikt.verify_export(&whole.to).expect("verify").ok());
    let found = verified(&f.klikt).expect("a whole, verified export counts");
    assert_eq!(
        found.destination,
        std::fs::canonicalize(&whole.to).expect("path"),
        "the confirmation names it"
    );

    std::fs::rename(&whole.to, f.root.join("moved")).expect("move the export away");
    assert!(
        verified(&f.klikt).is_none(),
        "an export no longer where it was written protects nothing"
    );
}

fn files_under(dir: &Path) -> usize {
    walk_count(dir)
}

fn walk_count(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| e.expect("entry").path())
        .map(|p| if p.is_dir() { walk_count(&p) } else { 1 })
        .sum()
}

/// Archiving is async (it may pull first); these tests drive it by hand.
fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn archive_now_exports_everything_with_a_gallery_into_its_own_folder_and_verifies() {
    let f = fixture();
    let folder = f.root.join("archives");
    let runtime = current_thread_runtime();
    let done = runtime
        .block_on(f.klikt.archive(
            "Party",
            &folder,
            &|_| {},
            &mut |_| {},
            &AtomicBool::new(false),
        ))
        .expect("archive");
    assert!(done.pull.is_none(), "a local event is not pulled");
    assert!(done.verify.ok(), "{:?}", done.verify);
    let to = folder.join("Party (Klikt archive)");
    assert_eq!(done.export.destination, to);
    assert!(to.join("index.html").is_file(), "with the gallery");
    assert_eq!(
        done.verify.checked,
        std::fs::read_to_string(to.join("SHA256SUMS"))
            .expect("sums")
            .lines()
            .count() as u64
    );
    let preview = f.klikt.forget_preview("Party").expect("preview");
    assert!(
        preview.verified_export.is_some(),
        "the archive counts as a verified export"
    );
}

#[test]
fn a_second_archive_of_the_same_event_is_refused_while_the_first_runs() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let f = fixture();
    let folder = f.root.join("archives");
    let runtime = current_thread_runtime();
    let mut second = None;
    let first = runtime
        .block_on(f.klikt.archive(
            "Party",
            &folder,
            &|_| {},
            &mut |progress| {
                if second.is_some() || progress.done == 0 {
                    return;
                }
                // The first archive is exporting: a second one (as the
                // 6-hourly check would start beside "Archive now") is
                // refused before it touches anything, so one poll decides.
                let attempt = std::pin::pin!(f.klikt.archive(
                    "Party",
                    &folder,
                    &|_| {},
                    &mut |_| {},
                    &AtomicBool::new(false),
                ))
                .poll(&mut Context::from_waker(Waker::noop()));
                second = Some(match attempt {
                    Poll::Ready(Err(err)) => (err.code(), err.to_string()),
                    Poll::Ready(Ok(_)) => ("ok", String::new()),
                    Poll::Pending => ("pending", String::new()),
                });
            },
            &AtomicBool::new(false),
        ))
        .expect("the first archive");
    assert!(first.verify.ok());
    let (code, message) = second.expect("tried during the export");
    assert_eq!(code, "busy", "{message}");
    assert!(
        message.contains("Party") && message.contains("already being archived"),
        "says which event and why: {message}"
    );
    let again = runtime.block_on(f.klikt.archive(
        "Party",
        &folder,
        &|_| {},
        &mut |_| {},
        &AtomicBool::new(false),
    ));
    assert!(again.is_ok(), "free again once the first has finished");
}

#[test]
fn automatic_archiving_counts_down_to_the_deletion_of_the_originals() {
    let f = fixture();
    let days = chrono::Duration::days;
    let now = chrono::Utc::now();
    let iso = |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339();
    let db = rusqlite::Connection::open(f.root.join("library/library.db")).expect("db");
    // Two linked events: uploads closed long ago but deletion is a month
    // away; uploads close in 3 days and deletion follows in 3 days more.
    for (name, expires, deleted) in [
        ("Closed", now - days(10), now + days(30)),
        ("Soon", now + days(3), now + days(6)),
    ] {
        db.execute(
            "INSERT INTO events (name, created_at, remote_id, server_url, server_state, expires_at, backup_until)
             VALUES (?1, ?2, ?1, 'http://server.invalid', 'active', ?3, ?4)",
            rusqlite::params![name, iso(now), iso(expires), iso(deleted)],
        )
        .expect("linked event");
    }
    drop(db);
    let mut settings = f.klikt.archive_settings().expect("defaults");
    settings.auto_archive = true;
    settings.days_before = 7;
    settings.folder = Some(f.root.join("archives"));
    f.klikt.set_archive_settings(&settings).expect("on");
    let due = f.klikt.events_due_for_archive().expect("due");
    let names: Vec<String> = f
        .klikt
        .events()
        .expect("events")
        .into_iter()
        .filter(|e| due.events.contains(&e.id))
        .map(|e| e.name)
        .collect();
    assert_eq!(
        names,
        vec!["Soon".to_owned()],
        "due 7 days before deletion, whenever uploads closed"
    );
}

#[test]
fn automatic_archiving_needs_a_folder_and_a_sane_number_of_days() {
    let f = fixture();
    let mut settings = f.klikt.archive_settings().expect("defaults");
    assert!(!settings.auto_archive);
    settings.auto_archive = true;
    assert!(
        f.klikt.set_archive_settings(&settings).is_err(),
        "no folder"
    );
    settings.folder = Some(f.root.join("archives"));
    settings.days_before = 0;
    assert!(f.klikt.set_archive_settings(&settings).is_err(), "0 days");
    settings.days_before = 7;
    f.klikt.set_archive_settings(&settings).expect("valid");
    assert_eq!(f.klikt.archive_settings().expect("stored"), settings);
    // A local event has no plan to end: never due.
    let due = f.klikt.events_due_for_archive().expect("due");
    assert!(due.events.is_empty());
    assert_eq!(due.folder, settings.folder, "on: the setting's folder");
}
