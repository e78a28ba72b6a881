//! Moderation decisions made offline, carried to the reference server by
//! `klikt push` exactly once (real server on loopback, real keyring).

mod common;

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::remote::*;
use common::{corpus, json, klikt, run};
use klikt_server::admin;
use klikt_server::Faults;
use klikt_wire::{Action, ItemStatus, ModerationMode};

/// A pulled event of `n` photos; returns the fixture and local id → remote id.
fn pulled(
    moderation: ModerationMode,
    n: usize,
) -> (Fixture, tempfile::TempDir, Vec<(i64, String)>) {
    let photos = tempfile::tempdir().unwrap();
    let sources: Vec<_> = std::fs::read_dir(corpus().join("jpg/orientation"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    for (i, source) in sources.iter().cycle().take(n).enumerate() {
        // A distinct comment per copy: distinct bytes, the same picture.
        let bytes = std::fs::read(source).unwrap();
        let comment = format!("copy {i}");
        let mut out = bytes[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(comment.as_bytes());
        out.extend_from_slice(&bytes[2..]);
        std::fs::write(photos.path().join(format!("{i:03}.jpg")), out).unwrap();
    }
    let fx = fixture_with(photos.path(), moderation, |_| {});
    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    let ids = fx
        .items()
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap(),
                i["remote_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (fx, photos, ids)
}

fn moderate(fx: &Fixture, flag: &str, ids: &[i64]) {
    let mut cmd = klikt(fx.lib());
    cmd.args(["moderate", fx.event.as_str(), flag]);
    for id in ids {
        cmd.arg(id.to_string());
    }
    let out = run(&mut cmd);
    assert!(out.status.success(), "moderate: {}", stderr(&out));
}

fn push(fx: &Fixture) -> serde_json::Value {
    let out = run(klikt(fx.lib()).args(["push", fx.event.as_str(), "--json"]));
    assert!(out.status.success(), "push: {}", stderr(&out));
    json(&out)
}

fn server_status(fx: &Fixture) -> HashMap<String, (ItemStatus, bool)> {
    admin::inspect(fx.data(), &fx.event)
        .unwrap()
        .media
        .into_iter()
        .map(|m| (m.id.to_string(), (m.status, m.deleted)))
        .collect()
}

fn applied_on_server(fx: &Fixture) -> Vec<(String, Action)> {
    admin::inspect(fx.data(), &fx.event)
        .unwrap()
        .decisions
        .into_iter()
        .map(|d| (d.id.to_string(), d.action))
        .collect()
}

#[test]
fn decisions_made_before_a_push_coalesce_and_reach_the_server_once() {
    let (fx, _photos, ids) = pulled(ModerationMode::Post, 4);
    let (a, b, c) = (&ids[0], &ids[1], &ids[2]);
    moderate(&fx, "--approve", &[a.0]); // already approved: no decision at all
    moderate(&fx, "--hide", &[a.0]);
    moderate(&fx, "--hide", &[b.0]);
    moderate(&fx, "--approve", &[b.0]); // coalesces with the hide: only approve goes
    moderate(&fx, "--delete", &[c.0]);

    let report = push(&fx);
    assert_eq!(report["applied"], 3, "{report}");
    let applied = applied_on_server(&fx);
    assert_eq!(
        applied,
        vec![
            (a.1.clone(), Action::Hide),
            (b.1.clone(), Action::Approve),
            (c.1.clone(), Action::Delete)
        ],
        "only each item's final decision, each once"
    );
    let server = server_status(&fx);
    assert_eq!(server[&a.1], (ItemStatus::Hidden, false));
    assert_eq!(server[&b.1].0, ItemStatus::Approved);
    assert!(server[&c.1].1, "deleted on the server");

    // The deleted item left the trash: its row and bytes are gone here.
    let items = fx.items();
    assert_eq!(items.len(), 3);
    let outbox = json(&run(klikt(fx.lib()).args([
        "outbox",
        fx.event.as_str(),
        "--json",
    ])));
    assert_eq!(outbox, serde_json::json!([]));
    // A second push sends nothing.
    assert_eq!(push(&fx)["sent"], 0);
    assert_eq!(applied_on_server(&fx).len(), 3);
}

#[test]
fn answers_lost_after_the_server_applied_a_batch_are_retried_without_applying_twice() {
    let (fx, _photos, ids) = pulled(ModerationMode::Post, 6);
    let hide: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
    moderate(&fx, "--hide", &hide);
    // Half of the answers are cut mid-body, some are 503 or 429: the client
    // retries with the same key until one answer gets through.
    fx.server.set_faults(Faults {
        reset_rate: 0.5,
        error_rate: 0.2,
        rate_limit_every: 4,
        rate_limit_burst: 1,
        retry_after: 1,
        ..Faults::none()
    });
    let report = push(&fx);
    fx.server.set_faults(Faults::none());
    assert_eq!(report["applied"], 6, "{report}");
    let applied = applied_on_server(&fx);
    assert_eq!(
        applied.len(),
        6,
        "each decision applied exactly once: {applied:?}"
    );
    assert!(server_status(&fx)
        .values()
        .all(|(status, _)| *status == ItemStatus::Hidden));
}

#[test]
fn killing_a_push_and_pushing_again_applies_every_decision_once() {
    let (fx, _photos, ids) = pulled(ModerationMode::Post, 8);
    let all: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
    moderate(&fx, "--hide", &all);
    fx.server.set_faults(Faults {
        latency_ms: 400,
        ..Faults::none()
    });
    let mut child = klikt(fx.lib())
        .args(["push", fx.event.as_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed while the request is on its way (the batch key is committed).
    std::thread::sleep(Duration::from_millis(250));
    child.kill().unwrap();
    child.wait().unwrap();
    // Let the server finish the request it may have received.
    let started = Instant::now();
    while applied_on_server(&fx).is_empty() && started.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(50));
    }
    fx.server.set_faults(Faults::none());

    let report = push(&fx);
    assert_eq!(report["applied"], 8, "{report}");
    assert_eq!(applied_on_server(&fx).len(), 8, "nothing applied twice");
    let outbox = json(&run(klikt(fx.lib()).args([
        "outbox",
        fx.event.as_str(),
        "--json",
    ])));
    assert_eq!(outbox, serde_json::json!([]), "the outbox is empty");
}

#[test]
fn another_moderators_hide_wins_over_an_approve_and_is_listed_as_a_conflict() {
    let (fx, _photos, ids) = pulled(ModerationMode::Pre, 3);
    let (item, remote) = &ids[0];
    admin::simulate_moderate(
        fx.data(),
        &klikt_wire::ItemId::new(remote.clone()),
        ItemStatus::Hidden,
    )
    .unwrap();
    moderate(&fx, "--approve", &[*item]);

    let report = push(&fx);
    assert_eq!(report["conflicts"], 1, "{report}");
    assert_eq!(server_status(&fx)[remote].0, ItemStatus::Hidden);
    let conflicts = json(&run(klikt(fx.lib()).args([
        "conflicts",
        fx.event.as_str(),
        "--json",
    ])));
    let list = conflicts.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["item_id"], *item);
    assert_eq!(list[0]["wanted"], "approve");
    assert_eq!(list[0]["server_status"], "hidden");
    // The library shows what the server has.
    let local = fx.items().into_iter().find(|i| i["id"] == *item).unwrap();
    assert_eq!(local["status"], "hidden");

    // Deciding again settles the conflict, and this time it applies.
    moderate(&fx, "--approve", &[*item]);
    let report = push(&fx);
    assert_eq!(report["applied"], 1, "{report}");
    assert_eq!(server_status(&fx)[remote].0, ItemStatus::Approved);
    let conflicts = json(&run(klikt(fx.lib()).args([
        "conflicts",
        fx.event.as_str(),
        "--json",
    ])));
    assert_eq!(conflicts, serde_json::json!([]));
}

#[test]
fn keeping_the_servers_state_settles_a_conflict_without_sending_anything() {
    let (fx, _photos, ids) = pulled(ModerationMode::Pre, 2);
    let (item, remote) = &ids[0];
    admin::simulate_moderate(
        fx.data(),
        &klikt_wire::ItemId::new(remote.clone()),
        ItemStatus::Hidden,
    )
    .unwrap();
    moderate(&fx, "--approve", &[*item]);
    assert_eq!(push(&fx)["conflicts"], 1);

    run(klikt(fx.lib()).args(["conflicts", fx.event.as_str(), "--keep", &item.to_string()]));

    let conflicts = json(&run(klikt(fx.lib()).args([
        "conflicts",
        fx.event.as_str(),
        "--json",
    ])));
    assert_eq!(conflicts, serde_json::json!([]), "settled");
    let report = push(&fx);
    assert_eq!(report["sent"], 0, "nothing to send: {report}");
    assert_eq!(
        server_status(&fx)[remote].0,
        ItemStatus::Hidden,
        "the server's hide stands"
    );
    let again = klikt(fx.lib())
        .args(["conflicts", fx.event.as_str(), "--keep", &item.to_string()])
        .output()
        .unwrap();
    assert!(!again.status.success(), "no conflict is left to keep");
    assert!(String::from_utf8_lossy(&again.stderr).contains("no open conflict"));
}

#[test]
fn after_the_plan_ends_pending_decisions_move_to_the_dead_letters_with_the_reason() {
    let (fx, _photos, ids) = pulled(ModerationMode::Post, 2);
    moderate(&fx, "--hide", &[ids[0].0]);
    admin::simulate_expire(fx.data(), &fx.event, false).unwrap();
    let report = push(&fx);
    assert_eq!(report["dead"], 1, "{report}");
    let outbox = json(&run(klikt(fx.lib()).args([
        "outbox",
        fx.event.as_str(),
        "--json",
    ])));
    let entries = outbox.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["state"], "dead");
    assert!(entries[0]["dead_reason"]
        .as_str()
        .unwrap()
        .contains("ended"));
    assert!(applied_on_server(&fx).is_empty());
}

#[test]
fn undo_reverts_the_last_decision_and_the_log_records_both() {
    let (fx, _photos, ids) = pulled(ModerationMode::Post, 2);
    let item = ids[0].0;
    moderate(&fx, "--hide", &[item]);
    let out = run(klikt(fx.lib()).args(["undo", fx.event.as_str()]));
    assert!(out.status.success(), "{}", stderr(&out));
    let local = fx.items().into_iter().find(|i| i["id"] == item).unwrap();
    assert_eq!(local["status"], "approved");
    // Hidden then un-hidden before a push: only the final state is sent.
    let report = push(&fx);
    assert_eq!(
        (report["sent"].as_i64(), report["applied"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(server_status(&fx)[&ids[0].1].0, ItemStatus::Approved);
    let log = json(&run(klikt(fx.lib()).args([
        "log",
        fx.event.as_str(),
        "--json",
    ])));
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["undoes"], log[1]["id"]);
    assert_eq!(
        (log[1]["before"].as_str(), log[1]["after"].as_str()),
        (Some("approved"), Some("hidden"))
    );
}

#[test]
fn a_local_events_trash_keeps_items_restorable_until_it_is_emptied() {
    let lib = tempfile::tempdir().unwrap();
    let imported = run(klikt(lib.path())
        .args(["import", "--event", "Local", "--status", "approved"])
        .arg(corpus().join("jpg/Canon_40D.jpg"))
        .arg(corpus().join("jpg/Nikon_D70.jpg")));
    assert!(imported.status.success(), "{}", stderr(&imported));
    let listed = json(&run(klikt(lib.path()).args(["ls", "Local", "--json"])));
    let first = listed[0]["id"].as_i64().unwrap();
    let original = listed[0]["original_path"].as_str().unwrap().to_owned();

    let moderate = |flag: &str| {
        let out = run(klikt(lib.path()).args(["moderate", "Local", flag, &first.to_string()]));
        assert!(out.status.success(), "{}", stderr(&out));
    };
    moderate("--delete");
    let count = |lib: &std::path::Path| {
        json(&run(klikt(lib).args(["ls", "Local", "--json"])))
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(lib.path()), 1, "a trashed item is hidden from views");
    moderate("--restore");
    assert_eq!(count(lib.path()), 2, "restored with its status");
    moderate("--delete");
    let out = run(klikt(lib.path()).args(["trash", "empty", "Local"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !std::path::Path::new(&original).exists(),
        "the bytes are gone"
    );
    assert_eq!(count(lib.path()), 1);
}

#[test]
fn curation_is_recorded_in_the_log_and_undone_in_order() {
    let lib = tempfile::tempdir().unwrap();
    let imported = run(klikt(lib.path())
        .args(["import", "--event", "Cull"])
        .arg(corpus().join("jpg/Canon_40D.jpg")));
    assert!(imported.status.success());
    let id = json(&run(klikt(lib.path()).args(["ls", "Cull", "--json"])))[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    for args in [
        vec!["flag", &id, "picked"],
        vec!["rate", &id, "4"],
        vec!["favorite", &id, "on"],
    ] {
        let out = run(klikt(lib.path()).args(&args));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let item = json(&run(klikt(lib.path()).args(["show", &id, "--json"])));
    assert_eq!(
        (
            item["flag"].as_str(),
            item["rating"].as_i64(),
            item["favorite"].as_bool()
        ),
        (Some("picked"), Some(4), Some(true))
    );
    let out = run(klikt(lib.path()).args(["rate", &id, "6"]));
    assert!(!out.status.success(), "a rating above 5 is refused");

    for _ in 0..2 {
        assert!(run(klikt(lib.path()).args(["undo", "Cull"]))
            .status
            .success());
    }
    let item = json(&run(klikt(lib.path()).args(["show", &id, "--json"])));
    assert_eq!(
        (
            item["flag"].as_str(),
            item["rating"].as_i64(),
            item["favorite"].as_bool()
        ),
        (Some("picked"), Some(0), Some(false))
    );
}

#[test]
fn a_pull_never_undoes_a_decision_still_waiting_in_the_outbox() {
    let (fx, _photos, ids) = pulled(ModerationMode::Pre, 2);
    let (item, remote) = &ids[0];
    moderate(&fx, "--hide", &[*item]);
    // Meanwhile another moderator approves it on the server.
    admin::simulate_moderate(
        fx.data(),
        &klikt_wire::ItemId::new(remote.clone()),
        ItemStatus::Approved,
    )
    .unwrap();
    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    let local = fx.items().into_iter().find(|i| i["id"] == *item).unwrap();
    assert_eq!(local["status"], "hidden", "the organizer's decision stands");

    // Pushed, the hide wins over the other approve (the more restrictive).
    let report = push(&fx);
    assert_eq!(report["applied"], 1, "{report}");
    assert_eq!(server_status(&fx)[remote].0, ItemStatus::Hidden);
}

#[test]
fn guest_messages_are_pulled_moderated_offline_and_pushed() {
    let (fx, _photos, _) = pulled(ModerationMode::Pre, 1);
    let kind =
        admin::simulate_message(fx.data(), &fx.event, "Uncle Joe", "Congratulations!").unwrap();
    let rude = admin::simulate_message(fx.data(), &fx.event, "Troll", "<script>alert(1)</script>")
        .unwrap();
    let (out, _) = fx.pull();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = json(&run(klikt(fx.lib()).args([
        "messages",
        fx.event.as_str(),
        "--json",
    ])));
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let local = |remote: &klikt_wire::ItemId| {
        listed
            .iter()
            .find(|m| m["remote_id"] == remote.as_str())
            .and_then(|m| m["id"].as_i64())
            .unwrap()
    };
    assert_eq!(
        listed[1]["body"], "<script>alert(1)</script>",
        "kept as text"
    );

    let moderate_messages = |flag: &str, id: i64| {
        let out = run(klikt(fx.lib()).args([
            "moderate",
            fx.event.as_str(),
            flag,
            "--messages",
            &id.to_string(),
        ]));
        assert!(out.status.success(), "{}", stderr(&out));
    };
    moderate_messages("--approve", local(&kind));
    moderate_messages("--delete", local(&rude));
    let report = push(&fx);
    assert_eq!(report["applied"], 2, "{report}");

    let inspected = admin::inspect(fx.data(), &fx.event).unwrap();
    let on_server = |id: &klikt_wire::ItemId| {
        inspected
            .messages
            .iter()
            .find(|m| &m.id == id)
            .map(|m| (m.status, m.deleted))
            .unwrap()
    };
    assert_eq!(on_server(&kind).0, ItemStatus::Approved);
    assert!(on_server(&rude).1, "deleted on the server");
    let listed = json(&run(klikt(fx.lib()).args([
        "messages",
        fx.event.as_str(),
        "--json",
    ])));
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "the deleted one is gone here too"
    );
}
