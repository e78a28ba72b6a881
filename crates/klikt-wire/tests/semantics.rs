//! Shape details of the wire types beyond the doc examples.

use klikt_wire::*;

#[test]
fn changes_page_parses_into_the_tagged_variants() {
    let page: ChangesPage = serde_json::from_str(
        r#"{"changes":[{"kind":"tombstone","target":"message","id":"msg_1","version":3,"reason":"uploader","removed_at":"2026-06-15T08:02:00Z"},{"kind":"reset"}],"next_cursor":"c_1","has_more":false}"#,
    )
    .unwrap();
    match &page.changes[0] {
        Change::Tombstone(t) => {
            assert_eq!(t.target, ItemType::Message);
            assert_eq!(t.reason, TombstoneReason::Uploader);
        }
        other => panic!("{other:?}"),
    }
    assert!(!page.is_reset(), "reset must come alone");
    let reset: ChangesPage = serde_json::from_str(
        r#"{"changes":[{"kind":"reset"}],"next_cursor":"c_0","has_more":true}"#,
    )
    .unwrap();
    assert!(reset.is_reset());
}

fn err_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
    serde_json::from_str::<T>(json).unwrap_err().to_string()
}

#[test]
fn unknown_enum_values_fail_clearly() {
    let e = err_of::<ChangesPage>(
        r#"{"changes":[{"kind":"sticker","id":"x"}],"next_cursor":"c","has_more":false}"#,
    );
    assert!(e.contains("unknown variant `sticker`"), "{e}");
    let e = err_of::<Decision>(
        r#"{"decision_id":"d","target":"media","id":"m","action":"publish","base_version":1}"#,
    );
    assert!(
        e.contains("unknown variant `publish`") && e.contains("approve"),
        "{e}"
    );
    let e = err_of::<Tombstone>(
        r#"{"target":"media","id":"m","version":1,"reason":"gdpr","removed_at":"2026-06-15T08:02:00Z"}"#,
    );
    assert!(e.contains("unknown variant `gdpr`"), "{e}");
    let e =
        err_of::<ModerationResponse>(r#"{"results":[{"outcome":"skipped","decision_id":"d"}]}"#);
    assert!(e.contains("unknown variant `skipped`"), "{e}");
    let e = err_of::<Event>(
        r#"{"id":"e","name":"n","date":"2026-06-14","share_url":"u","moderation_mode":"none","plan_name":"p","expires_at":"2026-09-14T00:00:00Z","backup_until":"2026-10-14T00:00:00Z","media_count":0,"total_bytes":0}"#,
    );
    assert!(e.contains("unknown variant `none`"), "{e}");
    let e = err_of::<Media>(
        r#"{"id":"m","version":1,"media_kind":"photo","mime":"image/jpeg","original_name":"a.jpg","uploader_name":"u","uploaded_at":"2026-06-14T21:17:42Z","size":1,"sha256":"00","status":"Approved"}"#,
    );
    assert!(e.contains("unknown variant `Approved`"), "{e}");
}

#[test]
fn unknown_fields_are_ignored_and_null_optionals_accepted() {
    let p: Problem = serde_json::from_str(r#"{"title":"Too Many Requests","status":429,"detail":null,"code":"rate_limited","retry_hint":5}"#).unwrap();
    assert_eq!(p.type_, "about:blank");
    assert_eq!(p.code.as_deref(), Some(codes::RATE_LIMITED));
    assert_eq!(p.to_string(), "429 Too Many Requests (rate_limited)");
}

#[test]
fn paths_headers_and_etags() {
    let e = EventId::new("evt_7Hq2Lk");
    assert_eq!(paths::event_changes(&e), "/v1/events/evt_7Hq2Lk/changes");
    assert_eq!(
        paths::event_changes_query(&e, Some(&Cursor::new("c/1+")), Some(50)),
        "/v1/events/evt_7Hq2Lk/changes?cursor=c%2F1%2B&limit=50"
    );
    assert_eq!(
        paths::event_changes_query(&e, None, None),
        "/v1/events/evt_7Hq2Lk/changes"
    );
    assert_eq!(
        paths::event_moderation(&e),
        "/v1/events/evt_7Hq2Lk/moderation"
    );
    assert_eq!(paths::event_uploads(&e), "/v1/events/evt_7Hq2Lk/uploads");
    assert_eq!(
        paths::media_original(&ItemId::new("med_3xT9")),
        "/v1/media/med_3xT9/original"
    );
    assert_eq!(
        paths::media_preview(&ItemId::new("med_3xT9")),
        "/v1/media/med_3xT9/preview"
    );
    assert_eq!(paths::current_session(), "/v1/sessions/current");
    assert_eq!(headers::IDEMPOTENCY_KEY, "Idempotency-Key");
    assert_eq!(etag_for_sha256("ab12"), "\"ab12\"");
    assert_eq!(
        serde_json::to_string(&Cursor::new("c_1")).unwrap(),
        "\"c_1\""
    );
}
