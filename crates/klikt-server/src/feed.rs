//! The change feed of an event: every change takes the next value of a
//! server-wide sequence; an item has one row, moved to the new sequence
//! value on each change, so reading from the start is a snapshot (one
//! upsert per live item, the tombstones, the event). Cursors are opaque:
//! the sequence value plus a tag binding it to the event and this database,
//! so a malformed, foreign or other-event cursor is answered with a reset.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use klikt_wire::{limits, Change, ChangesPage, Cursor, ItemType};
use rusqlite::{params, Connection};

use crate::auth::require_account;
use crate::error::Result;
use crate::events::{load_owned, EventRow};
use crate::http::{query_pairs, AppState};
use crate::ids;
use crate::items::{tombstone, MediaRow, MessageRow};
use crate::problem::ApiError;
use crate::store::Store;

/// `meta` key of the random salt that ties cursors to this database.
pub(crate) const META_CURSOR_SALT: &str = "cursor_salt";

/// Records that an item (`target` = `media`, `message` or `event`) changed.
/// Call inside the write transaction that made the change.
pub(crate) fn record(conn: &Connection, event_id: &str, target: &str, item_id: &str) -> Result<()> {
    // Cached statements: a moderation batch records hundreds of changes.
    conn.prepare_cached(
        "DELETE FROM changes WHERE event_id = ?1 AND target = ?2 AND item_id = ?3",
    )?
    .execute(params![event_id, target, item_id])?;
    conn.prepare_cached("INSERT INTO changes (event_id, target, item_id) VALUES (?1, ?2, ?3)")?
        .execute(params![event_id, target, item_id])?;
    Ok(())
}

fn cursor_tag(salt: &str, event_id: &str, seq: i64) -> String {
    let digest = ids::sha256_hex(format!("{salt}|{event_id}|{seq}").as_bytes());
    digest[..16].to_owned()
}

/// The cursor after `seq` in `event_id`'s feed (0 = its beginning).
pub(crate) fn encode_cursor(salt: &str, event_id: &str, seq: i64) -> Cursor {
    Cursor::new(format!("c_{seq}_{}", cursor_tag(salt, event_id, seq)))
}

/// The sequence value of a cursor, if it is one of ours for this event.
pub(crate) fn decode_cursor(salt: &str, event_id: &str, cursor: &str) -> Option<i64> {
    let rest = cursor.strip_prefix("c_")?;
    let (seq, tag) = rest.split_once('_')?;
    let seq: i64 = seq.parse().ok().filter(|s| *s >= 0)?;
    (cursor_tag(salt, event_id, seq) == tag).then_some(seq)
}

fn cursor_salt(conn: &Connection) -> Result<String> {
    Ok(Store::meta(conn, META_CURSOR_SALT)?.unwrap_or_default())
}

/// One page of `event`'s feed after `cursor`.
pub(crate) fn read_page(
    conn: &Connection,
    event: &EventRow,
    cursor: Option<&str>,
    limit: u32,
    public_url: &str,
) -> Result<ChangesPage> {
    let salt = cursor_salt(conn)?;
    let after = match cursor {
        None => 0,
        Some(c) => match decode_cursor(&salt, &event.id, c) {
            Some(seq) => seq,
            None => {
                return Ok(ChangesPage {
                    changes: vec![Change::Reset],
                    next_cursor: encode_cursor(&salt, &event.id, 0),
                    has_more: true,
                })
            }
        },
    };
    let mut stmt = conn.prepare_cached(
        "SELECT seq, target, item_id FROM changes
         WHERE event_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(params![event.id, after, i64::from(limit) + 1], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let has_more = rows.len() > limit as usize;
    let mut changes = Vec::with_capacity(rows.len().min(limit as usize));
    let mut last = after;
    for (seq, target, item_id) in rows.into_iter().take(limit as usize) {
        last = seq;
        let change = match target.as_str() {
            "media" => MediaRow::load(conn, &item_id)?.map(|m| {
                if m.deleted_at.is_some() {
                    Change::Tombstone(tombstone(
                        ItemType::Media,
                        &m.id,
                        m.version,
                        m.deleted_reason,
                        m.deleted_at,
                    ))
                } else {
                    Change::Media(m.to_wire())
                }
            }),
            "message" => MessageRow::load(conn, &item_id)?.map(|m| {
                if m.deleted_at.is_some() {
                    Change::Tombstone(tombstone(
                        ItemType::Message,
                        &m.id,
                        m.version,
                        m.deleted_reason,
                        m.deleted_at,
                    ))
                } else {
                    Change::Message(m.to_wire())
                }
            }),
            _ => Some(Change::Event(event.to_wire(conn, public_url)?)),
        };
        changes.extend(change);
    }
    Ok(ChangesPage {
        changes,
        next_cursor: encode_cursor(&salt, &event.id, last),
        has_more,
    })
}

/// Parses `limit`: default 100, clamped to 1000, `0` or a non-number is 400.
fn parse_limit(value: Option<&str>) -> Result<u32, ApiError> {
    match value {
        None => Ok(limits::CHANGES_DEFAULT_LIMIT),
        Some(v) => match v.parse::<u64>() {
            Ok(0) | Err(_) => Err(ApiError::validation(format!(
                "limit must be a whole number from 1 to {} (got {v:?})",
                limits::CHANGES_MAX_LIMIT
            ))),
            Ok(n) => Ok(u32::try_from(n.min(u64::from(limits::CHANGES_MAX_LIMIT)))
                .unwrap_or(limits::CHANGES_MAX_LIMIT)),
        },
    }
}

/// `GET /v1/events/{id}/changes?cursor=C&limit=N`.
pub(crate) async fn changes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<ChangesPage>, ApiError> {
    let pairs = query_pairs(query.as_deref().unwrap_or(""));
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let cursor = get("cursor");
    let limit_value = get("limit");
    let public_url = state.public_url.clone();
    let page = state
        .db(move |conn| {
            let account = require_account(conn, &headers)?;
            let event = load_owned(conn, account, &id)?;
            let limit = parse_limit(limit_value.as_deref())?;
            Ok(read_page(
                conn,
                &event,
                cursor.as_deref(),
                limit,
                &public_url,
            )?)
        })
        .await?;
    Ok(Json(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_only_for_its_own_event_and_salt() {
        let c = encode_cursor("salt", "evt_a", 42);
        assert_eq!(decode_cursor("salt", "evt_a", c.as_str()), Some(42));
        assert_eq!(
            decode_cursor("salt", "evt_b", c.as_str()),
            None,
            "other event"
        );
        assert_eq!(
            decode_cursor("pepper", "evt_a", c.as_str()),
            None,
            "other database"
        );
        assert_eq!(
            decode_cursor("salt", "evt_a", "c_42_junk"),
            None,
            "forged tag"
        );
        assert!(
            c.as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
            "cursors are URL-safe"
        );
    }

    #[test]
    fn limit_defaults_clamps_and_refuses_zero_or_junk() {
        assert_eq!(parse_limit(None).ok(), Some(100));
        assert_eq!(parse_limit(Some("5000")).ok(), Some(1000));
        assert!(parse_limit(Some("0")).is_err());
        assert!(parse_limit(Some("ten")).is_err());
        assert!(parse_limit(Some("-1")).is_err());
    }
}
