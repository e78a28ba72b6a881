//! The organizer's decisions: moderation (approve, hide, delete, restore) and
//! curation (flag, rating, favorite) of media, each committed to SQLite with
//! its audit-log entry before it is confirmed, and, for items of a server
//! event, an outbox entry in the same transaction. Undo replays a decision's
//! `before`.

use klikt_library::tables::{conflicts, decisions, events, media, messages, outbox};
use klikt_library::{Flag, LibraryError, Status};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ApiError;
use crate::{now_iso, Klikt};

/// A moderation decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Moderation {
    Approve,
    Hide,
    /// To the event's trash: hidden everywhere, restorable until the server
    /// confirms the deletion (or, for a local event, the trash is emptied).
    Delete,
    /// Out of the trash, or undoes a hide.
    Restore,
}

impl Moderation {
    fn as_str(self) -> &'static str {
        match self {
            Moderation::Approve => "approve",
            Moderation::Hide => "hide",
            Moderation::Delete => "delete",
            Moderation::Restore => "restore",
        }
    }
}

/// A curation decision (local; exported later, never sent to the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
#[ts(export)]
pub enum Curation {
    Flag(Flag),
    Rating(u8),
    Favorite(bool),
}

/// Which items of an event a bulk decision is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Media items by local id.
    Ids(Vec<i64>),
    /// Media items matching a filter.
    Where(media::Selector),
    /// Guest messages by local id (approve, hide, delete, restore).
    Messages(Vec<i64>),
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DecisionReport {
    /// Items whose state changed.
    pub changed: u64,
    /// Items that already were in that state.
    pub unchanged: u64,
    /// Items the decision could not apply to, with the reason.
    pub skipped: Vec<crate::Rejection>,
    /// Decisions now waiting in the outbox for the server.
    pub pending_sync: u64,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LogEntry {
    pub id: i64,
    pub item_id: i64,
    pub target: String,
    pub remote_id: Option<String>,
    pub action: String,
    pub before: String,
    pub after: String,
    pub decided_at: String,
    /// The decision this one undid, for an undo.
    pub undoes: Option<i64>,
    /// `local`, `pending`, `synced`, `conflict`, `gone`, `dead`, `superseded`.
    pub sync_state: String,
    pub synced_at: Option<String>,
}

impl From<decisions::Decision> for LogEntry {
    fn from(d: decisions::Decision) -> Self {
        LogEntry {
            id: d.id,
            item_id: d.item_id,
            target: d.target,
            remote_id: d.remote_id,
            action: d.action,
            before: d.before,
            after: d.after,
            decided_at: d.decided_at,
            undoes: d.undoes,
            sync_state: d.sync_state,
            synced_at: d.synced_at,
        }
    }
}

/// The status a restore out of a hide gives: what a new upload gets.
fn restored_status(link: Option<&events::Link>) -> Status {
    match link.and_then(|l| l.moderation_mode.as_deref()) {
        Some("post") => Status::Approved,
        _ => Status::Pending,
    }
}

/// The protocol action that makes the server's status `wanted`.
fn action_for(wanted: Status) -> &'static str {
    match wanted {
        Status::Approved => "approve",
        Status::Hidden => "hide",
        Status::Deleted => "delete",
        Status::Pending => "restore",
    }
}

impl Klikt {
    /// Applies a moderation decision to the selected media of `event`.
    pub fn moderate(
        &self,
        event: &str,
        selection: &Selection,
        decision: Moderation,
    ) -> Result<DecisionReport, ApiError> {
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let mark = decisions::newest_id(tx)?;
            let event = events::find(tx, event)?;
            let link = events::link(tx, event.id)?;
            let (target, ids) = match selection {
                Selection::Ids(ids) => (Target::Media, ids.clone()),
                Selection::Where(selector) => {
                    (Target::Media, media::select_ids(tx, event.id, selector)?)
                }
                Selection::Messages(ids) => (Target::Message, ids.clone()),
            };
            let mut report = DecisionReport {
                changed: 0,
                unchanged: 0,
                skipped: Vec::new(),
                pending_sync: 0,
            };
            for id in ids {
                let Some(item) = Item::load(tx, target, id)?.filter(|i| i.event_id == event.id)
                else {
                    report.skipped.push(crate::Rejection {
                        name: id.to_string(),
                        reason: format!("no {} {id} in this event", target.noun()),
                    });
                    continue;
                };
                let before = item.status;
                let after = match (decision, before) {
                    (Moderation::Delete, _) => Status::Deleted,
                    (_, Status::Deleted) if decision != Moderation::Restore => {
                        report.skipped.push(crate::Rejection {
                            name: id.to_string(),
                            reason: "it is in the trash; restore it first".into(),
                        });
                        continue;
                    }
                    (Moderation::Restore, Status::Deleted) => {
                        item.trashed_from(tx)?.unwrap_or(Status::Pending)
                    }
                    (Moderation::Restore, Status::Hidden) => restored_status(link.as_ref()),
                    (Moderation::Restore, other) => other,
                    (Moderation::Approve, _) => Status::Approved,
                    (Moderation::Hide, _) => Status::Hidden,
                };
                if after == before {
                    report.unchanged += 1;
                    continue;
                }
                let synced = record_status(
                    tx,
                    link.as_ref(),
                    &item,
                    decision.as_str(),
                    after,
                    None,
                    &now,
                )?;
                report.changed += 1;
                report.pending_sync += u64::from(synced);
            }
            decisions::group_since(tx, mark)?;
            Ok(report)
        })?)
    }

    /// Applies a curation decision to one media item.
    pub fn curate(&self, media_id: i64, change: Curation) -> Result<DecisionReport, ApiError> {
        let report = self.curate_many(&[media_id], change)?;
        match report.skipped.first() {
            Some(skip) => Err(ApiError::NotFound(skip.reason.clone())),
            None => Ok(report),
        }
    }

    /// Applies a curation decision to each of `media_ids`, all in one
    /// transaction, each with its audit-log entry. Unknown ids are skipped
    /// with the reason.
    pub fn curate_many(
        &self,
        media_ids: &[i64],
        change: Curation,
    ) -> Result<DecisionReport, ApiError> {
        if let Curation::Rating(stars) = change {
            if stars > 5 {
                return Err(ApiError::InvalidInput(format!(
                    "a rating is 0 to 5 stars, not {stars}"
                )));
            }
        }
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let mark = decisions::newest_id(tx)?;
            let mut report = DecisionReport {
                changed: 0,
                unchanged: 0,
                skipped: Vec::new(),
                pending_sync: 0,
            };
            for &media_id in media_ids {
                let Some(row) = media::get(tx, media_id)? else {
                    report.skipped.push(crate::Rejection {
                        name: media_id.to_string(),
                        reason: format!("no media item {media_id}"),
                    });
                    continue;
                };
                let (action, before, after) = match change {
                    Curation::Flag(flag) => ("flag", row.flag.to_string(), flag.to_string()),
                    Curation::Rating(n) => ("rating", row.rating.to_string(), n.to_string()),
                    Curation::Favorite(on) => {
                        ("favorite", row.favorite.to_string(), on.to_string())
                    }
                };
                if before == after {
                    report.unchanged += 1;
                    continue;
                }
                apply_curation(tx, media_id, change)?;
                decisions::insert(
                    tx,
                    &decisions::NewDecision {
                        event_id: row.record.event_id,
                        target: "media",
                        item_id: media_id,
                        remote_id: row.record.remote_id.as_deref(),
                        action,
                        before: &before,
                        after: &after,
                        decided_at: &now,
                        undoes: None,
                        sync_state: "local",
                    },
                )?;
                report.changed += 1;
            }
            decisions::group_since(tx, mark)?;
            Ok(report)
        })?)
    }

    /// Undoes the event's most recent decision not undone yet — all of it
    /// when it was a bulk decision. Returns the decisions undone, newest
    /// first; empty when there is nothing to undo.
    pub fn undo(&self, event: &str) -> Result<Vec<LogEntry>, ApiError> {
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let event = events::find(tx, event)?;
            let Some(last) = decisions::last_undoable(tx, event.id)? else {
                return Ok(Vec::new());
            };
            let group = match last.batch {
                Some(batch) => decisions::undoable_in_batch(tx, event.id, batch)?,
                None => vec![last],
            };
            let mark = decisions::newest_id(tx)?;
            for decision in &group {
                undo_one(tx, &event, decision, &now)?;
            }
            decisions::group_since(tx, mark)?;
            Ok(group.into_iter().map(LogEntry::from).collect())
        })?)
    }

    /// The event's guest messages, oldest first (trashed ones left out).
    pub fn messages(&self, event: &str) -> Result<Vec<crate::dto::MessageItem>, ApiError> {
        Ok(self.library.read(|conn| {
            let event = events::find(conn, event)?;
            Ok(messages::list(conn, event.id)?
                .into_iter()
                .map(|m| crate::dto::MessageItem {
                    id: m.id,
                    event_id: m.event_id,
                    remote_id: m.remote_id,
                    author: m.author,
                    body: m.body,
                    created_at: m.created_at,
                    status: m.status,
                })
                .collect())
        })?)
    }

    /// The event's decisions, newest first.
    pub fn decision_log(&self, event: &str, limit: i64) -> Result<Vec<LogEntry>, ApiError> {
        Ok(self.library.read(|conn| {
            let event = events::find(conn, event)?;
            Ok(decisions::list(conn, event.id, limit)?
                .into_iter()
                .map(LogEntry::from)
                .collect())
        })?)
    }
}

/// Reverses one decision of `event` (writing the undo's own log entry).
fn undo_one(
    tx: &Transaction<'_>,
    event: &events::EventRow,
    last: &decisions::Decision,
    now: &str,
) -> Result<(), LibraryError> {
    if last.target == "collection" {
        crate::collections::undo(tx, last, now)?;
        return Ok(());
    }
    let target = if last.target == "message" {
        Target::Message
    } else {
        Target::Media
    };
    let Some(item) = Item::load(tx, target, last.item_id)? else {
        return Err(LibraryError::Invalid(
            "the last decision was about an item the server has deleted since; it cannot be undone"
                .into(),
        ));
    };
    match last.action.as_str() {
        "flag" | "rating" | "favorite" => {
            let change = match last.action.as_str() {
                "flag" => Curation::Flag(last.before.parse()?),
                "rating" => Curation::Rating(last.before.parse().map_err(|_| {
                    LibraryError::Invalid(format!("bad rating {:?} in the log", last.before))
                })?),
                _ => Curation::Favorite(last.before == "true"),
            };
            apply_curation(tx, item.id, change)?;
            decisions::insert(
                tx,
                &decisions::NewDecision {
                    event_id: event.id,
                    target: "media",
                    item_id: item.id,
                    remote_id: item.remote_id.as_deref(),
                    action: &last.action,
                    before: &last.after,
                    after: &last.before,
                    decided_at: now,
                    undoes: Some(last.id),
                    sync_state: "local",
                },
            )?;
        }
        _ => {
            let link = events::link(tx, event.id)?;
            let back: Status = last.before.parse()?;
            record_status(tx, link.as_ref(), &item, "undo", back, Some(last.id), now)?;
        }
    }
    Ok(())
}

fn apply_curation(tx: &Transaction<'_>, id: i64, change: Curation) -> Result<(), LibraryError> {
    match change {
        Curation::Flag(flag) => media::set_flag(tx, id, flag),
        Curation::Rating(n) => media::set_rating(tx, id, n),
        Curation::Favorite(on) => media::set_favorite(tx, id, on),
    }
}

/// What a moderation decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Media,
    Message,
}

impl Target {
    fn as_str(self) -> &'static str {
        match self {
            Target::Media => "media",
            Target::Message => "message",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Target::Media => "media item",
            Target::Message => "guest message",
        }
    }
}

/// A media item or a guest message, as moderation sees it.
struct Item {
    target: Target,
    id: i64,
    event_id: i64,
    status: Status,
    remote_id: Option<String>,
    remote_version: Option<i64>,
}

impl Item {
    fn load(tx: &Transaction<'_>, target: Target, id: i64) -> Result<Option<Item>, LibraryError> {
        Ok(match target {
            Target::Media => media::get(tx, id)?.map(|row| Item {
                target,
                id,
                event_id: row.record.event_id,
                status: row.record.status,
                remote_id: row.record.remote_id,
                remote_version: row.record.remote_version,
            }),
            Target::Message => messages::get(tx, id)?.map(|row| Item {
                target,
                id,
                event_id: row.event_id,
                status: row.status,
                remote_id: row.remote_id,
                remote_version: row.remote_version,
            }),
        })
    }

    fn trashed_from(&self, tx: &Transaction<'_>) -> Result<Option<Status>, LibraryError> {
        match self.target {
            Target::Media => media::trashed_from(tx, self.id),
            Target::Message => messages::trashed_from(tx, self.id),
        }
    }

    fn set_status(
        &self,
        tx: &Transaction<'_>,
        status: Status,
        trashed_from: Option<Status>,
    ) -> Result<(), LibraryError> {
        match self.target {
            Target::Media => media::set_status(tx, self.id, status, trashed_from),
            Target::Message => messages::set_status(tx, self.id, status, trashed_from),
        }
    }
}

/// Sets an item's status, logs the decision, and (for a server item) makes
/// the outbox say what the server must do so its status matches. Returns
/// whether something now waits to be sent.
fn record_status(
    tx: &Transaction<'_>,
    link: Option<&events::Link>,
    item: &Item,
    action: &str,
    after: Status,
    undoes: Option<i64>,
    now: &str,
) -> Result<bool, LibraryError> {
    let before = item.status;
    let trashed_from = if after == Status::Deleted {
        Some(if before == Status::Deleted {
            item.trashed_from(tx)?.unwrap_or(Status::Pending)
        } else {
            before
        })
    } else {
        None
    };
    item.set_status(tx, after, trashed_from)?;
    let event_id = item.event_id;
    let target = item.target.as_str();
    let remote = match (link, item.remote_id.as_deref()) {
        (Some(link), Some(remote_id)) if link.server_state != "gone" => Some(remote_id),
        _ => None,
    };
    if remote.is_some() {
        // Only the newest decision on an item is sent (coalescing).
        decisions::supersede_pending(tx, event_id, item.id, target)?;
    }
    let decision = decisions::insert(
        tx,
        &decisions::NewDecision {
            event_id,
            target,
            item_id: item.id,
            remote_id: item.remote_id.as_deref(),
            action,
            before: before.as_str(),
            after: after.as_str(),
            decided_at: now,
            undoes,
            sync_state: if remote.is_some() { "pending" } else { "local" },
        },
    )?;
    conflicts::resolve_item(tx, event_id, target, item.id, now)?;
    let Some(remote_id) = remote else {
        return Ok(false);
    };
    // Always sent, even when the last pull says the server already has this
    // status: the server may have changed since, and only its answer (with
    // the base version) tells applied from conflict truthfully.
    outbox::put(
        tx,
        &outbox::Want {
            event_id,
            target,
            item_id: item.id,
            remote_id,
            action: action_for(after),
            base_version: item.remote_version.unwrap_or(0),
            decision_id: decision,
            now,
        },
    )?;
    Ok(true)
}
