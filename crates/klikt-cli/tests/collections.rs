//! Collections as an organizer curates them with `klikt collection …`: a
//! local event imported from the sample corpus, every command a fresh
//! process (so every read reopens the library).

mod common;

use std::path::Path;
use std::process::Output;

use common::{corpus, json, klikt, run};
use serde_json::Value;

const EVENT: &str = "Picks";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A library with a local event of four photos; returns their ids.
fn event_of_four() -> (tempfile::TempDir, Vec<i64>) {
    let lib = tempfile::tempdir().unwrap();
    let imported = run(klikt(lib.path())
        .args(["import", "--event", EVENT])
        .arg(corpus().join("jpg/Canon_40D.jpg"))
        .arg(corpus().join("jpg/Nikon_D70.jpg"))
        .arg(corpus().join("jpg/orientation/landscape_1.jpg"))
        .arg(corpus().join("jpg/orientation/portrait_1.jpg")));
    assert!(imported.status.success(), "import: {}", stderr(&imported));
    let listed = json(&run(klikt(lib.path()).args(["ls", EVENT, "--json"])));
    let ids: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "four photos imported");
    (lib, ids)
}

/// Runs `klikt collection ARGS…` and expects it to succeed.
fn collection(lib: &Path, args: &[&str]) -> Output {
    let out = run(klikt(lib).arg("collection").args(args));
    assert!(
        out.status.success(),
        "collection {args:?}: {}",
        stderr(&out)
    );
    out
}

/// Runs `klikt collection ARGS…` and expects it to fail; returns stderr.
fn collection_fails(lib: &Path, args: &[&str]) -> String {
    let out = run(klikt(lib).arg("collection").args(args));
    assert!(!out.status.success(), "collection {args:?} should fail");
    stderr(&out)
}

fn add(lib: &Path, name: &str, ids: &[i64]) -> Value {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let mut args = vec!["add", EVENT, name];
    args.extend(ids.iter().map(String::as_str));
    args.push("--json");
    json(&collection(lib, &args))
}

/// The media ids of a collection, in its order.
fn items(lib: &Path, name: &str) -> Vec<i64> {
    json(&collection(lib, &["ls", EVENT, name, "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// The collections of the event as (name, item count).
fn collections(lib: &Path) -> Vec<(String, i64)> {
    json(&collection(lib, &["ls", EVENT, "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["item_count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn log(lib: &Path) -> Vec<Value> {
    let out = run(klikt(lib).args(["log", EVENT, "--json"]));
    assert!(out.status.success(), "log: {}", stderr(&out));
    json(&out).as_array().unwrap().clone()
}

fn undo(lib: &Path) {
    let out = run(klikt(lib).args(["undo", EVENT]));
    assert!(out.status.success(), "undo: {}", stderr(&out));
}

fn id(n: i64) -> String {
    n.to_string()
}

#[test]
fn items_keep_the_order_they_were_added_and_moved_into_across_runs() {
    let (lib, ids) = event_of_four();
    let lib = lib.path();
    let [a, b, c, d] = ids[..] else { panic!() };
    collection(lib, &["create", EVENT, "Best"]);
    let report = add(lib, "Best", &[c, a, d, b]);
    assert_eq!(report["changed"], 4, "{report}");
    assert_eq!(
        items(lib, "Best"),
        vec![c, a, d, b],
        "appended in the order given"
    );

    collection(lib, &["move", EVENT, "Best", &id(b), "--before", &id(c)]);
    assert_eq!(items(lib, "Best"), vec![b, c, a, d], "moved to the front");
    collection(lib, &["move", EVENT, "Best", &id(b), "--after", &id(a)]);
    assert_eq!(items(lib, "Best"), vec![c, a, b, d], "moved between two");
    collection(lib, &["move", EVENT, "Best", &id(d), "--to", "1"]);
    assert_eq!(
        items(lib, "Best"),
        vec![d, c, a, b],
        "--to 1 is the first place"
    );
    collection(lib, &["move", EVENT, "Best", &id(d), "--to", "99"]);
    assert_eq!(items(lib, "Best"), vec![c, a, b, d], "past the end is last");

    // Many moves into the same gap force a renumbering; the order holds.
    for round in 0..40 {
        let item = if round % 2 == 0 { b } else { d };
        collection(lib, &["move", EVENT, "Best", &id(item), "--after", &id(c)]);
    }
    assert_eq!(items(lib, "Best"), vec![c, d, b, a]);

    collection(lib, &["remove", EVENT, "Best", &id(c), &id(b)]);
    assert_eq!(
        items(lib, "Best"),
        vec![d, a],
        "the others keep their order"
    );
    let everything = json(&run(klikt(lib).args(["ls", EVENT, "--json"])));
    assert_eq!(
        everything.as_array().unwrap().len(),
        4,
        "removed media stay in the event"
    );
}

#[test]
fn adding_an_item_already_in_the_collection_changes_nothing() {
    let (lib, ids) = event_of_four();
    let lib = lib.path();
    collection(lib, &["create", EVENT, "Best"]);
    add(lib, "Best", &[ids[0], ids[1]]);
    let entries = log(lib).len();

    let report = add(lib, "Best", &[ids[1], ids[0], ids[1]]);
    assert_eq!(
        (report["changed"].as_i64(), report["unchanged"].as_i64()),
        (Some(0), Some(3)),
        "{report}"
    );
    assert_eq!(items(lib, "Best"), vec![ids[0], ids[1]], "not moved");
    assert_eq!(log(lib).len(), entries, "nothing changed, nothing logged");

    let report = add(lib, "Best", &[ids[2], ids[0]]);
    assert_eq!(
        (report["changed"].as_i64(), report["unchanged"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(items(lib, "Best"), vec![ids[0], ids[1], ids[2]]);
}

#[test]
fn collections_are_listed_by_name_with_their_counts_and_names_are_unique() {
    let (lib, ids) = event_of_four();
    let lib = lib.path();
    assert_eq!(collections(lib), Vec::<(String, i64)>::new(), "none yet");
    collection(lib, &["create", EVENT, "Slideshow"]);
    collection(lib, &["create", EVENT, "Album"]);
    add(lib, "Album", &ids[..3]);
    assert_eq!(
        collections(lib),
        vec![("Album".to_owned(), 3), ("Slideshow".to_owned(), 0)]
    );
    let text = String::from_utf8_lossy(&collection(lib, &["ls", EVENT]).stdout).into_owned();
    assert!(
        text.contains("Album") && text.contains("Slideshow"),
        "{text}"
    );

    let err = collection_fails(lib, &["create", EVENT, "Album"]);
    assert!(
        err.contains("\"Album\""),
        "the error names the taken name: {err}"
    );
    let err = collection_fails(lib, &["rename", EVENT, "Slideshow", "Album"]);
    assert!(err.contains("\"Album\""), "{err}");
    collection_fails(lib, &["create", EVENT, ""]);
    collection_fails(lib, &["create", EVENT, &"x".repeat(201)]);

    // Another event may use the same name.
    let imported = run(klikt(lib)
        .args(["import", "--event", "Other"])
        .arg(corpus().join("jpg/Canon_40D.jpg")));
    assert!(imported.status.success(), "{}", stderr(&imported));
    let out = run(klikt(lib).args(["collection", "create", "Other", "Album"]));
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn unknown_events_collections_and_items_are_clear_errors_naming_them() {
    let (lib, ids) = event_of_four();
    let lib = lib.path();
    collection(lib, &["create", EVENT, "Best"]);
    add(lib, "Best", &[ids[0]]);

    let err = collection_fails(lib, &["add", EVENT, "Nope", &id(ids[1])]);
    assert!(err.contains("\"Nope\"") && err.contains(EVENT), "{err}");
    let err = collection_fails(lib, &["ls", "Ghost", "Best"]);
    assert!(err.contains("\"Ghost\""), "{err}");
    for args in [
        vec!["rename", EVENT, "Nope", "New"],
        vec!["delete", EVENT, "Nope"],
        vec!["ls", EVENT, "Nope"],
    ] {
        let err = collection_fails(lib, &args);
        assert!(err.contains("\"Nope\""), "{args:?}: {err}");
    }

    // Unknown media are skipped by name; the rest of the batch is added.
    let out = run(klikt(lib).args(["collection", "add", EVENT, "Best", "999999", &id(ids[1])]));
    assert!(!out.status.success(), "a skipped id fails the command");
    assert!(stderr(&out).contains("999999"), "{}", stderr(&out));
    assert_eq!(items(lib, "Best"), vec![ids[0], ids[1]]);

    let err = collection_fails(lib, &["remove", EVENT, "Best", &id(ids[3])]);
    assert!(err.contains(&id(ids[3])), "{err}");
    let err = collection_fails(lib, &["move", EVENT, "Best", &id(ids[3]), "--to", "1"]);
    assert!(err.contains(&id(ids[3])) && err.contains("Best"), "{err}");
    let err = collection_fails(
        lib,
        &["move", EVENT, "Best", &id(ids[0]), "--after", &id(ids[3])],
    );
    assert!(err.contains(&id(ids[3])), "{err}");
    collection_fails(lib, &["move", EVENT, "Best", &id(ids[0]), "--to", "0"]);
    assert_eq!(items(lib, "Best"), vec![ids[0], ids[1]], "nothing moved");
}

#[test]
fn every_change_is_recorded_in_the_log_as_a_local_collection_decision() {
    let (lib, ids) = event_of_four();
    let lib = lib.path();
    let created = json(&collection(lib, &["create", EVENT, "Best", "--json"]));
    let cid = created["id"].as_i64().unwrap();
    add(lib, "Best", &[ids[0], ids[1], ids[2]]);
    collection(lib, &["move", EVENT, "Best", &id(ids[2]), "--to", "1"]);
    collection(lib, &["remove", EVENT, "Best", &id(ids[0])]);
    collection(lib, &["rename", EVENT, "Best", "Top"]);
    collection(lib, &["delete", EVENT, "Top"]);

    let log = log(lib);
    let actions: Vec<&str> = log
        .iter()
        .rev()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "collection_create",
            "collection_add",
            "collection_move",
            "collection_remove",
            "collection_rename",
            "collection_delete"
        ]
    );
    for entry in &log {
        assert_eq!(entry["target"], "collection", "{entry}");
        assert_eq!(entry["item_id"], cid, "the item is the collection: {entry}");
        assert_eq!(entry["sync_state"], "local", "never sent: {entry}");
    }
    let by_action = |a: &str| log.iter().find(|e| e["action"] == a).unwrap();
    assert_eq!(by_action("collection_create")["after"], "Best");
    assert_eq!(
        by_action("collection_add")["after"],
        format!("{},{},{}", ids[0], ids[1], ids[2])
    );
    assert_eq!(
        (
            by_action("collection_move")["before"].as_str().unwrap(),
            by_action("collection_move")["after"].as_str().unwrap()
        ),
        (
            format!("{}@3", ids[2]).as_str(),
            format!("{}@1", ids[2]).as_str()
        )
    );
    assert_eq!(
        by_action("collection_remove")["before"],
        format!("{}@2", ids[0])
    );
    assert_eq!(
        (
            by_action("collection_rename")["before"].as_str(),
            by_action("collection_rename")["after"].as_str()
        ),
        (Some("Best"), Some("Top"))
    );
    let text = String::from_utf8_lossy(&run(klikt(lib).args(["log", EVENT])).stdout).into_owned();
    assert!(text.contains("collection_rename"), "{text}");
}

#[test]
fn undo_reverts_collection_changes_newest_first() {
    let (lib, ids) = event_of_four();
    let lib = lib.path();
    let [a, b, c, d] = ids[..] else { panic!() };
    collection(lib, &["create", EVENT, "Best"]);
    add(lib, "Best", &[a, b, c, d]);
    collection(lib, &["move", EVENT, "Best", &id(d), "--to", "1"]);
    collection(lib, &["remove", EVENT, "Best", &id(a), &id(c)]);
    collection(lib, &["rename", EVENT, "Best", "Top"]);
    assert_eq!(items(lib, "Top"), vec![d, b]);

    undo(lib);
    assert_eq!(
        collections(lib),
        vec![("Best".to_owned(), 2)],
        "rename undone"
    );
    undo(lib);
    assert_eq!(
        items(lib, "Best"),
        vec![d, a, b, c],
        "removed items back in place"
    );
    undo(lib);
    assert_eq!(items(lib, "Best"), vec![a, b, c, d], "move undone");
    undo(lib);
    assert_eq!(items(lib, "Best"), Vec::<i64>::new(), "add undone");
    undo(lib);
    assert_eq!(
        collections(lib),
        vec![],
        "creation undone: the collection is gone"
    );

    let log = log(lib);
    assert_eq!(log.len(), 10, "five changes and five undos are logged");
    assert_eq!(
        log[0]["undoes"], log[9]["id"],
        "the last undo undid the creation"
    );
    let out = run(klikt(lib).args(["undo", EVENT]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nothing to undo"));
}

#[test]
fn undoing_a_delete_brings_the_collection_back_with_its_items_in_order() {
    let (lib, ids) = event_of_four();
    let lib = lib.path();
    collection(lib, &["create", EVENT, "Best"]);
    add(lib, "Best", &[ids[3], ids[1], ids[2]]);
    collection(lib, &["delete", EVENT, "Best"]);
    assert_eq!(collections(lib), Vec::<(String, i64)>::new());
    let err = collection_fails(lib, &["ls", EVENT, "Best"]);
    assert!(err.contains("\"Best\""), "{err}");

    undo(lib);
    assert_eq!(collections(lib), vec![("Best".to_owned(), 3)]);
    assert_eq!(items(lib, "Best"), vec![ids[3], ids[1], ids[2]]);
    // Earlier decisions can still be undone after it.
    undo(lib);
    assert_eq!(items(lib, "Best"), Vec::<i64>::new());
}

#[test]
fn trashed_media_cannot_be_added_until_restored() {
    let (lib, ids) = event_of_four();
    let lib = lib.path();
    collection(lib, &["create", EVENT, "Best"]);
    let out = run(klikt(lib).args(["moderate", EVENT, "--delete", &id(ids[0])]));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(klikt(lib).args(["collection", "add", EVENT, "Best", &id(ids[0])]));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("trash"), "{}", stderr(&out));
    assert_eq!(items(lib, "Best"), Vec::<i64>::new());
}
