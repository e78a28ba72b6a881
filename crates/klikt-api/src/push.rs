//! Pushing the outbox: moderation decisions go to the server in batches, each
//! under an idempotency key stored with its entries before the request is
//! sent, so a retry after a lost answer (or a crash) is the same request and
//! the server applies nothing twice. Every answer is recorded: applied,
//! conflict (someone else's change won; listed for the organizer), gone.

use std::collections::HashMap;

use klikt_library::tables::{
    conflicts, decisions, events, media, messages, outbox, remote_media, tombstones,
};
use klikt_library::Status;
use klikt_remote::RemoteError;
use klikt_wire::{
    Action, Decision, DecisionId, DecisionResult, EventId, ItemId, ItemType, ModerationRequest,
    TombstoneReason,
};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ApiError;
use crate::pull::feed::{bury, Effects};
use crate::pull::{reason_text, status};
use crate::{now_iso, Klikt};

/// Decisions per request (the protocol's maximum).
const BATCH: i64 = klikt_wire::limits::MAX_DECISIONS as i64;

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PushReport {
    pub sent: u64,
    pub applied: u64,
    pub conflicts: u64,
    pub gone: u64,
    /// Moved to the dead letters (the server will never take them).
    pub dead: u64,
    /// Still waiting (only after an error).
    pub pending: u64,
}

fn action(name: &str) -> Action {
    match name {
        "approve" => Action::Approve,
        "hide" => Action::Hide,
        "delete" => Action::Delete,
        _ => Action::Restore,
    }
}

impl Klikt {
    /// Sends the event's pending moderation decisions to its server.
    pub async fn push(&self, event: &str) -> Result<PushReport, ApiError> {
        let (event_id, link) = self.library.read(|conn| {
            let event = events::find(conn, event)?;
            Ok((event.id, events::link(conn, event.id)?))
        })?;
        let Some(link) = link else {
            return Err(ApiError::InvalidInput(
                "this is a local event: its decisions stay here, there is nothing to push".into(),
            ));
        };
        let client = self.connect()?;
        let remote_event = EventId::new(link.remote_id.clone());
        let mut report = PushReport::default();
        loop {
            let batch = self.library.write(|tx| {
                let (key, entries) = outbox::next_batch(tx, event_id, BATCH)?;
                if entries.is_empty() {
                    return Ok(None);
                }
                let key = match key {
                    Some(key) => key,
                    None => {
                        let key = klikt_remote::new_idempotency_key();
                        let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
                        outbox::assign_batch(tx, &ids, &key)?;
                        key
                    }
                };
                Ok(Some((key, entries)))
            })?;
            let Some((key, entries)) = batch else { break };
            let request = ModerationRequest {
                decisions: entries
                    .iter()
                    .map(|e| Decision {
                        decision_id: DecisionId::new(format!("o{}", e.id)),
                        target: if e.target == "message" {
                            ItemType::Message
                        } else {
                            ItemType::Media
                        },
                        id: ItemId::new(e.remote_id.clone()),
                        action: action(&e.action),
                        base_version: e.base_version.max(0) as u64,
                    })
                    .collect(),
            };
            report.sent += entries.len() as u64;
            match client.moderate(&remote_event, &key, &request).await {
                Ok(response) => {
                    let now = now_iso();
                    let by_decision: HashMap<String, &outbox::Entry> =
                        entries.iter().map(|e| (format!("o{}", e.id), e)).collect();
                    let effects = self.library.write(|tx| {
                        let mut effects = Effects::default();
                        for result in &response.results {
                            let Some(entry) = by_decision.get(result.decision_id().as_str()) else {
                                continue;
                            };
                            record_result(tx, entry, result, &now, &mut report, &mut effects)?;
                        }
                        effects.keep_unused_only(tx);
                        Ok(effects)
                    })?;
                    effects.purge_files(self)?;
                }
                Err(RemoteError::EventGone { code, .. }) => {
                    let reason = match code.as_deref() {
                        Some("event_expired") => {
                            "the event's plan has ended: the server takes no more moderation"
                        }
                        _ => "the server no longer has this event",
                    };
                    let now = now_iso();
                    let dead = self.library.write(|tx| {
                        let dead = outbox::kill_all(tx, event_id, reason)?;
                        for decision in &dead {
                            decisions::set_sync_state(tx, *decision, "dead", Some(&now))?;
                        }
                        Ok(dead.len() as u64)
                    })?;
                    report.dead += dead;
                    break;
                }
                Err(error) => {
                    // Entries stay, with their key: the next push resends them.
                    let message = error.to_string();
                    self.library
                        .write(|tx| outbox::note_failure(tx, &key, &message))?;
                    return Err(error.into());
                }
            }
        }
        Ok(report)
    }
}

fn record_result(
    tx: &Transaction<'_>,
    entry: &outbox::Entry,
    result: &DecisionResult,
    now: &str,
    report: &mut PushReport,
    effects: &mut Effects,
) -> Result<(), klikt_library::LibraryError> {
    outbox::remove(tx, entry.id)?;
    let newer_waits = outbox::has_pending(tx, entry.event_id, &entry.target, &entry.remote_id)?;
    match result {
        DecisionResult::Applied {
            version, status: s, ..
        } => {
            report.applied += 1;
            decisions::set_sync_state(tx, entry.decision_id, "synced", Some(now))?;
            let s = status(*s);
            if s == Status::Deleted {
                return bury_item(
                    tx,
                    entry,
                    TombstoneReason::Moderation,
                    *version,
                    now,
                    effects,
                );
            }
            note_server_status(tx, entry, *version as i64, s)?;
        }
        DecisionResult::Conflict {
            current_version,
            current_status,
            ..
        } => {
            report.conflicts += 1;
            decisions::set_sync_state(tx, entry.decision_id, "conflict", Some(now))?;
            let s = status(*current_status);
            conflicts::record(
                tx,
                &conflicts::Conflict {
                    id: 0,
                    event_id: entry.event_id,
                    decision_id: entry.decision_id,
                    target: entry.target.clone(),
                    item_id: entry.item_id,
                    remote_id: entry.remote_id.clone(),
                    wanted: entry.action.clone(),
                    server_status: Some(s.to_string()),
                    server_version: Some(*current_version as i64),
                    recorded_at: now.to_owned(),
                },
            )?;
            if s == Status::Deleted {
                return bury_item(
                    tx,
                    entry,
                    TombstoneReason::Moderation,
                    *current_version,
                    now,
                    effects,
                );
            }
            note_server_status(tx, entry, *current_version as i64, s)?;
            if !newer_waits {
                // The other change wins: show what the server has.
                if entry.target == "message" {
                    messages::set_status(tx, entry.item_id, s, None)?;
                } else {
                    media::set_status(tx, entry.item_id, s, None)?;
                }
            }
        }
        DecisionResult::Gone { reason, .. } => {
            report.gone += 1;
            decisions::set_sync_state(tx, entry.decision_id, "gone", Some(now))?;
            let reason = reason.unwrap_or(TombstoneReason::Moderation);
            return bury_item(tx, entry, reason, 0, now, effects);
        }
    }
    Ok(())
}

/// What the server now holds for the item (so a later decision that matches
/// it sends nothing).
fn note_server_status(
    tx: &Transaction<'_>,
    entry: &outbox::Entry,
    version: i64,
    status: Status,
) -> Result<(), klikt_library::LibraryError> {
    if entry.target == "message" {
        return messages::set_server_status(tx, entry.item_id, version, status);
    }
    remote_media::set_server_status(tx, entry.event_id, &entry.remote_id, version, status)?;
    media::set_remote_version(tx, entry.item_id, version)
}

/// The server deleted the item (our delete applied, or it was gone already):
/// carry it out here as a tombstone from the feed would.
fn bury_item(
    tx: &Transaction<'_>,
    entry: &outbox::Entry,
    reason: TombstoneReason,
    version: u64,
    now: &str,
    effects: &mut Effects,
) -> Result<(), klikt_library::LibraryError> {
    let reason = reason_text(reason);
    bury(
        tx,
        &tombstones::Tombstone {
            event_id: entry.event_id,
            target: entry.target.clone(),
            remote_id: entry.remote_id.clone(),
            version: version as i64,
            reason: reason.into(),
            removed_at: now.to_owned(),
            recorded_at: now.to_owned(),
        },
        effects,
    )
}

/// An outbox entry as `klikt outbox` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutboxItem {
    pub item_id: i64,
    pub remote_id: String,
    pub action: String,
    pub base_version: i64,
    /// `pending` (to send, or sent and waiting for the answer) or `dead`.
    pub state: String,
    pub sent: bool,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub dead_reason: Option<String>,
    pub created_at: String,
}

/// A decision the server did not take, as `klikt conflicts` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConflictItem {
    /// `media` or `message`.
    pub target: String,
    pub item_id: i64,
    pub remote_id: String,
    /// The action the organizer wanted.
    pub wanted: String,
    /// What the server has instead.
    pub server_status: Option<String>,
    pub recorded_at: String,
}

impl Klikt {
    /// The event's outbox: decisions waiting for the server, then dead letters.
    pub fn outbox(&self, event: &str) -> Result<Vec<OutboxItem>, ApiError> {
        Ok(self.library.read(|conn| {
            let event = events::find(conn, event)?;
            Ok(outbox::list(conn, event.id)?
                .into_iter()
                .map(|e| OutboxItem {
                    item_id: e.item_id,
                    remote_id: e.remote_id,
                    action: e.action,
                    base_version: e.base_version,
                    state: e.state,
                    sent: e.batch_key.is_some(),
                    attempts: e.attempts,
                    last_error: e.last_error,
                    dead_reason: e.dead_reason,
                    created_at: e.created_at,
                })
                .collect())
        })?)
    }

    /// Where the event stands with the server: what waits, what was refused,
    /// when it last moved.
    pub fn sync_status(&self, event: &str) -> Result<crate::SyncStatus, ApiError> {
        let (row, linked, last_pushed_at) = self.library.read(|conn| {
            let row = events::find(conn, event)?;
            let linked = events::link(conn, row.id)?.is_some();
            let last = decisions::last_synced_at(conn, row.id)?;
            Ok((row, linked, last))
        })?;
        let key = row.id.to_string();
        let (dead, pending): (Vec<_>, Vec<_>) = self
            .outbox(&key)?
            .into_iter()
            .partition(|item| item.state == "dead");
        Ok(crate::SyncStatus {
            event_id: row.id,
            linked,
            pending: i64::try_from(pending.len()).unwrap_or(i64::MAX),
            dead,
            conflicts: self.conflicts(&key)?,
            last_pulled_at: row.last_pulled_at,
            last_pushed_at,
        })
    }

    /// The event's conflicts the organizer has not decided again.
    pub fn conflicts(&self, event: &str) -> Result<Vec<ConflictItem>, ApiError> {
        Ok(self.library.read(|conn| {
            let event = events::find(conn, event)?;
            Ok(conflicts::open(conn, event.id)?
                .into_iter()
                .map(|c| ConflictItem {
                    target: c.target,
                    item_id: c.item_id,
                    remote_id: c.remote_id,
                    wanted: c.wanted,
                    server_status: c.server_status,
                    recorded_at: c.recorded_at,
                })
                .collect())
        })?)
    }

    /// Settles the open conflicts of one item in favour of the server: the
    /// library already shows the server's state, so nothing else changes.
    /// Returns how many conflicts were settled (0: none was open).
    pub fn keep_server_state(
        &self,
        event: &str,
        target: &str,
        item_id: i64,
    ) -> Result<u64, ApiError> {
        if target != "media" && target != "message" {
            return Err(ApiError::InvalidInput(format!(
                "a conflict is about `media` or a `message`, not {target:?}"
            )));
        }
        let now = now_iso();
        Ok(self.library.write(|tx| {
            let event = events::find(tx, event)?;
            conflicts::resolve_item(tx, event.id, target, item_id, &now)
        })?)
    }

    /// Pull, then push: the library and the server agree afterwards (but for
    /// conflicts, which the organizer decides again).
    pub async fn sync(
        &self,
        event: &str,
        options: &crate::PullOptions,
        progress: crate::PullObserver<'_>,
        cancel: &std::sync::atomic::AtomicBool,
    ) -> Result<(crate::PullReport, PushReport), ApiError> {
        let pulled = self.pull(event, options, progress, cancel).await?;
        let pushed = self.push(event).await?;
        Ok((pulled, pushed))
    }
}
