//! Importing real photos from the shared corpus into a real library folder.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use klikt_api::{ImportReport, ImportRequest, Klikt, MediaQuery, Status};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn import(klikt: &Klikt, event: &str, paths: Vec<PathBuf>) -> ImportReport {
    let request = ImportRequest {
        event_name: event.into(),
        paths,
        status: Status::Pending,
    };
    klikt
        .import(&request, &mut |_| {}, &AtomicBool::new(false))
        .expect("import runs to the end")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir);
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_corpus_file_is_imported_or_rejected_with_a_reason() {
    let lib = tempfile::tempdir().unwrap();
    let klikt = Klikt::open(lib.path()).unwrap();
    let report = import(&klikt, "Corpus", vec![corpus()]);

    let total = files_under(&corpus()).len() as u64;
    assert_eq!(
        report.imported + report.duplicates + report.rejected.len() as u64,
        total,
        "every file must be accounted for: {report:#?}"
    );
    for rejection in &report.rejected {
        assert!(
            !rejection.reason.trim().is_empty(),
            "{} was rejected without a reason",
            rejection.name
        );
    }
    let rejected: HashSet<String> = report
        .rejected
        .iter()
        .map(|r| {
            Path::new(&r.name)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        rejected.contains("corrupted.jpg"),
        "a truncated JPEG is rejected: {rejected:?}"
    );
    assert!(
        rejected.contains("README.md"),
        "a text file is not media: {rejected:?}"
    );

    let items = klikt.media("Corpus", &MediaQuery::default()).unwrap();
    assert_eq!(items.len() as u64, report.imported);
    for item in &items {
        assert!(
            Path::new(&item.original_path).is_file(),
            "{}: the row's original must exist",
            item.original_name
        );
        for rendition in [&item.thumbnail_path, &item.display_path]
            .into_iter()
            .flatten()
        {
            assert!(
                Path::new(rendition).is_file(),
                "{}: rendition missing",
                item.original_name
            );
        }
    }
    let heic = items
        .iter()
        .find(|i| i.original_name == "iphone_13_pro_max.HEIC")
        .expect("the iPhone HEIC is imported even without a decoder");
    assert_eq!(
        heic.mime, "image/heif",
        "type comes from the content, not the .HEIC name"
    );
}

#[test]
fn importing_the_same_files_again_changes_nothing() {
    let lib = tempfile::tempdir().unwrap();
    let klikt = Klikt::open(lib.path()).unwrap();
    let photos = corpus().join("jpg/orientation");
    let first = import(&klikt, "Twice", vec![photos.clone()]);
    let store_before = files_under(&lib.path().join("store"));
    let items_before = klikt.media("Twice", &MediaQuery::default()).unwrap();

    let second = import(&klikt, "Twice", vec![photos]);
    assert_eq!(first.imported, 16, "the orientation set has 16 photos");
    assert_eq!(second.imported, 0, "nothing new the second time");
    assert_eq!(second.duplicates, 16, "all recognised as already there");
    assert_eq!(
        klikt.media("Twice", &MediaQuery::default()).unwrap(),
        items_before,
        "rows are unchanged"
    );
    assert_eq!(
        files_under(&lib.path().join("store")),
        store_before,
        "store is unchanged"
    );
}

#[test]
fn the_same_photo_in_two_events_is_stored_once() {
    let lib = tempfile::tempdir().unwrap();
    let klikt = Klikt::open(lib.path()).unwrap();
    let photo = corpus().join("jpg/Canon_40D.jpg");
    import(&klikt, "A", vec![photo.clone()]);
    import(&klikt, "B", vec![photo]);
    let a = klikt.media("A", &MediaQuery::default()).unwrap();
    let b = klikt.media("B", &MediaQuery::default()).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1);
    assert_ne!(a[0].id, b[0].id, "each event has its own row");
    assert_eq!(
        a[0].original_path, b[0].original_path,
        "one copy of the bytes"
    );
}

#[test]
fn zip_archives_are_imported_by_content_and_entry_names_never_become_paths() {
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("guests.upload"); // no .zip extension on purpose
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("../../../../tmp/evil.jpg", options).unwrap();
        zip.write_all(&std::fs::read(corpus().join("jpg/Nikon_D70.jpg")).unwrap())
            .unwrap();
        zip.start_file("album/notes.txt", options).unwrap();
        zip.write_all(b"not a photo").unwrap();
        zip.start_file("album/sub/Canon_40D.jpg", options).unwrap();
        zip.write_all(&std::fs::read(corpus().join("jpg/Canon_40D.jpg")).unwrap())
            .unwrap();
        zip.finish().unwrap();
    }
    let lib = tempfile::tempdir().unwrap();
    let klikt = Klikt::open(lib.path()).unwrap();
    let report = import(&klikt, "Zip", vec![archive.clone()]);

    assert_eq!(report.imported, 2, "{report:#?}");
    assert_eq!(report.rejected.len(), 1, "{report:#?}");
    assert!(
        report.rejected[0]
            .name
            .ends_with("guests.upload › album/notes.txt"),
        "the rejection names the archive and the entry: {}",
        report.rejected[0].name
    );
    let names: HashSet<String> = klikt
        .media("Zip", &MediaQuery::default())
        .unwrap()
        .into_iter()
        .map(|i| {
            assert!(i.original_path.starts_with(lib.path().to_str().unwrap()));
            i.original_name
        })
        .collect();
    assert_eq!(
        names,
        HashSet::from(["evil.jpg".to_string(), "Canon_40D.jpg".to_string()]),
        "only the last name component is kept, as text"
    );
    assert!(!Path::new("/tmp/evil.jpg").exists() || !work.path().join("evil.jpg").exists());
}

#[test]
fn a_bad_file_in_a_batch_does_not_stop_the_others() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("empty.jpg"), b"").unwrap();
    std::fs::write(
        work.path().join("truncated.jpg"),
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
    )
    .unwrap();
    std::fs::copy(
        corpus().join("jpg/Pentax_K10D.jpg"),
        work.path().join("good.jpg"),
    )
    .unwrap();
    let lib = tempfile::tempdir().unwrap();
    let klikt = Klikt::open(lib.path()).unwrap();
    let report = import(&klikt, "Mixed", vec![work.path().to_path_buf()]);
    assert_eq!(report.imported, 1, "{report:#?}");
    let names: Vec<&str> = report.rejected.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{report:#?}");
    assert!(names.iter().any(|n| n.ends_with("empty.jpg")));
    assert!(names.iter().any(|n| n.ends_with("truncated.jpg")));
}

#[test]
fn media_lists_expose_exif_and_upright_dimensions() {
    let lib = tempfile::tempdir().unwrap();
    let klikt = Klikt::open(lib.path()).unwrap();
    import(&klikt, "Exif", vec![corpus().join("jpg/orientation")]);
    let items = klikt.media("Exif", &MediaQuery::default()).unwrap();
    let landscape: Vec<_> = items
        .iter()
        .filter(|i| i.original_name.starts_with("landscape_"))
        .collect();
    assert_eq!(landscape.len(), 8);
    for item in landscape {
        assert!(
            item.width > item.height,
            "{} must be landscape as displayed, got {:?}×{:?}",
            item.original_name,
            item.width,
            item.height
        );
    }
}
