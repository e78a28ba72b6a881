//! The JSON examples of docs/protocol.md, copied here, deserialize into the
//! wire types and round-trip; unknown enum values fail clearly.

use klikt_wire::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

const EX00_SIGN_IN_REQUEST: &str =
    r#"{"email": "anna@example.com", "password": "correct horse battery staple"}"#;

const EX01_SESSION: &str = r#"{
  "access_token": "at_9c1f2e7b4d",
  "refresh_token": "rt_51a0be93f2",
  "expires_in": 900
}"#;

const EX02_REFRESH_REQUEST: &str = r#"{"refresh_token": "rt_51a0be93f2"}"#;

const EX03_SESSION: &str = r#"{
  "access_token": "at_0d77a3c9e1",
  "refresh_token": "rt_e4b8c6d210",
  "expires_in": 900
}"#;

const EX04_EVENT_LIST: &str = r#"{
  "events": [
    {
      "id": "evt_7Hq2Lk",
      "name": "Anna & Tom",
      "date": "2026-06-14",
      "share_url": "https://klikt.app/e/evt_7Hq2Lk#s_Qm4x9Tz2",
      "moderation_mode": "pre",
      "plan_name": "Wedding",
      "expires_at": "2026-09-14T00:00:00Z",
      "backup_until": "2026-10-14T00:00:00Z",
      "media_count": 812,
      "total_bytes": 4831838208
    }
  ]
}"#;

const EX05_EVENT: &str = r#"{
  "id": "evt_7Hq2Lk",
  "name": "Anna & Tom",
  "date": "2026-06-14",
  "share_url": "https://klikt.app/e/evt_7Hq2Lk#s_Qm4x9Tz2",
  "moderation_mode": "post",
  "plan_name": "Wedding",
  "expires_at": "2026-09-14T00:00:00Z",
  "backup_until": "2026-10-14T00:00:00Z",
  "media_count": 812,
  "total_bytes": 4831838208
}"#;

const EX06_CHANGES_PAGE: &str = r#"{
  "changes": [
    {
      "kind": "media",
      "id": "med_3xT9",
      "version": 4,
      "media_kind": "photo",
      "mime": "image/heic",
      "original_name": "IMG_2041.HEIC",
      "uploader_name": "Grandma Rose",
      "caption": "First dance!",
      "uploaded_at": "2026-06-14T21:17:42Z",
      "size": 2811904,
      "sha256": "9f2c1e0b8a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615e4d3",
      "status": "approved"
    },
    {
      "kind": "message",
      "id": "msg_81Kp",
      "version": 1,
      "author": "Uncle Joe",
      "body": "Congratulations, you two!",
      "created_at": "2026-06-14T21:20:05Z",
      "status": "pending"
    },
    {
      "kind": "tombstone",
      "target": "media",
      "id": "med_2aQ7",
      "version": 6,
      "reason": "removal_request",
      "removed_at": "2026-06-15T08:02:00Z"
    }
  ],
  "next_cursor": "c_AAAAAAAB3w",
  "has_more": false
}"#;

const EX07_CHANGES_PAGE: &str = r#"{
  "changes": [
    {
      "kind": "event",
      "id": "evt_7Hq2Lk",
      "name": "Anna & Tom",
      "date": "2026-06-14",
      "share_url": "https://klikt.app/e/evt_7Hq2Lk#s_Qm4x9Tz2",
      "moderation_mode": "post",
      "plan_name": "Wedding Plus",
      "expires_at": "2026-12-14T00:00:00Z",
      "backup_until": "2027-01-14T00:00:00Z",
      "media_count": 813,
      "total_bytes": 4834650112
    }
  ],
  "next_cursor": "c_AAAAAAAB4A",
  "has_more": true
}"#;

const EX08_CHANGES_PAGE: &str = r#"{
  "changes": [{"kind": "reset"}],
  "next_cursor": "c_AAAAAAAAAA",
  "has_more": true
}"#;

const EX09_MODERATION_REQUEST: &str = r#"{
  "decisions": [
    {"decision_id": "d-1", "target": "media", "id": "med_3xT9", "action": "approve", "base_version": 4},
    {"decision_id": "d-2", "target": "media", "id": "med_7Lw2", "action": "approve", "base_version": 2},
    {"decision_id": "d-3", "target": "message", "id": "msg_81Kp", "action": "hide", "base_version": 1},
    {"decision_id": "d-4", "target": "media", "id": "med_2aQ7", "action": "delete", "base_version": 5}
  ]
}"#;

const EX10_MODERATION_RESPONSE: &str = r#"{
  "results": [
    {"outcome": "applied", "decision_id": "d-1", "version": 5, "status": "approved"},
    {"outcome": "conflict", "decision_id": "d-2", "current_version": 3, "current_status": "hidden"},
    {"outcome": "applied", "decision_id": "d-3", "version": 2, "status": "hidden"},
    {"outcome": "gone", "decision_id": "d-4", "reason": "removal_request"}
  ]
}"#;

const EX11_UPLOAD_RESPONSE: &str = r#"{
  "media": [
    {
      "id": "med_9Rv4",
      "version": 1,
      "media_kind": "video",
      "mime": "video/mp4",
      "original_name": "dance.mp4",
      "uploader_name": "Lena",
      "uploaded_at": "2026-06-14T22:41:09Z",
      "size": 48211904,
      "sha256": "0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0",
      "status": "pending"
    }
  ]
}"#;

const EX12_PROBLEM: &str = r#"{
  "type": "https://klikt.app/problems/event-expired",
  "title": "Event expired",
  "status": 410,
  "detail": "The plan of \"Anna & Tom\" ended on 2026-09-14; uploads and moderation are closed.",
  "code": "event_expired"
}"#;

const EX13_PROBLEM: &str = r#"{"type": "about:blank", "title": "Not Found", "status": 404}"#;

fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> T {
    let value: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    let back = serde_json::to_value(&value).unwrap();
    let original: Value = serde_json::from_str(json).unwrap();
    assert_eq!(back, original, "round trip changed the JSON");
    value
}

#[test]
fn every_doc_example_round_trips() {
    round_trip::<SignInRequest>(EX00_SIGN_IN_REQUEST);
    round_trip::<Session>(EX01_SESSION);
    round_trip::<RefreshRequest>(EX02_REFRESH_REQUEST);
    round_trip::<Session>(EX03_SESSION);
    round_trip::<EventList>(EX04_EVENT_LIST);
    round_trip::<Event>(EX05_EVENT);
    round_trip::<ChangesPage>(EX06_CHANGES_PAGE);
    round_trip::<ChangesPage>(EX07_CHANGES_PAGE);
    round_trip::<ChangesPage>(EX08_CHANGES_PAGE);
    round_trip::<ModerationRequest>(EX09_MODERATION_REQUEST);
    round_trip::<ModerationResponse>(EX10_MODERATION_RESPONSE);
    round_trip::<UploadResponse>(EX11_UPLOAD_RESPONSE);
    round_trip::<Problem>(EX12_PROBLEM);
    round_trip::<Problem>(EX13_PROBLEM);
}

#[test]
fn the_examples_here_are_the_examples_in_the_doc() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/protocol.md"
    ))
    .unwrap();
    let doc_values: Vec<Value> = doc
        .split("```json\n")
        .skip(1)
        .map(|rest| serde_json::from_str(rest.split("```").next().unwrap()).unwrap())
        .collect();
    let ours = [
        EX00_SIGN_IN_REQUEST,
        EX01_SESSION,
        EX02_REFRESH_REQUEST,
        EX03_SESSION,
        EX04_EVENT_LIST,
        EX05_EVENT,
        EX06_CHANGES_PAGE,
        EX07_CHANGES_PAGE,
        EX08_CHANGES_PAGE,
        EX09_MODERATION_REQUEST,
        EX10_MODERATION_RESPONSE,
        EX11_UPLOAD_RESPONSE,
        EX12_PROBLEM,
        EX13_PROBLEM,
    ];
    assert_eq!(
        doc_values.len(),
        ours.len(),
        "doc has a JSON example the tests do not cover"
    );
    for (doc_value, ours) in doc_values.iter().zip(ours) {
        let ours: Value = serde_json::from_str(ours).unwrap();
        assert_eq!(doc_value, &ours);
    }
}
