//! Reading a linked event's change feed into the library, one transaction
//! per page, the cursor committed with the page it ends. Applying is
//! idempotent by version, so a page replayed after a crash changes nothing.

use std::sync::atomic::{AtomicBool, Ordering};

use klikt_library::tables::events::{self, Link};
use klikt_library::tables::{decisions, media, messages, outbox, remote_media, tombstones};
use klikt_library::{MediaKind, Sha256Hex};
use klikt_remote::Client;
use klikt_wire::{Change, ChangesPage, Cursor, EventId, ItemType};
use rusqlite::Transaction;

use super::{iso, reason_text, remote_event, status, PullObserver};
use crate::dto::{PullProgress, PullReport};
use crate::error::ApiError;
use crate::{now_iso, Klikt};

/// Changes asked for per page (the protocol's maximum).
const PAGE: u32 = 1000;

/// What applying changes did beyond their rows.
#[derive(Default)]
pub(crate) struct Effects {
    /// Bytes no row refers to any more: to delete once the page is committed.
    pub purge: Vec<Sha256Hex>,
    pub purged_items: u64,
    pub messages: u64,
}

pub(super) async fn read(
    klikt: &Klikt,
    client: &Client,
    link: &Link,
    progress: PullObserver<'_>,
    cancel: &AtomicBool,
    report: &mut PullReport,
) -> Result<(), ApiError> {
    let event = EventId::new(link.remote_id.clone());
    let mut cursor = link.feed_cursor.clone().map(Cursor::new);
    let mut reset = link.reset_replay;
    loop {
        if cancel.load(Ordering::Relaxed) {
            report.cancelled = true;
            return Ok(());
        }
        let page = client.changes(&event, cursor.as_ref(), PAGE).await?;
        let now = now_iso();
        if page.is_reset() {
            // Replay the whole feed; stamp what it mentions (see Reset).
            let replay = chrono::Utc::now().timestamp_millis();
            reset = Some(replay);
            klikt.library.write(|tx| {
                events::set_feed_position(tx, link.event_id, page.next_cursor.as_str(), reset)
            })?;
            cursor = Some(page.next_cursor);
            continue;
        }
        let effects = klikt.library.write(|tx| {
            let mut effects = apply(tx, link, &page, reset, &now)?;
            if !page.has_more {
                if let Some(replay) = reset.take() {
                    end_reset_replay(tx, link, replay, &now)?;
                }
            }
            events::set_feed_position(tx, link.event_id, page.next_cursor.as_str(), reset)?;
            effects.keep_unused_only(tx);
            Ok(effects)
        })?;
        effects.purge_files(klikt)?;
        report.changes += page.changes.len() as u64;
        report.purged += effects.purged_items;
        report.messages += effects.messages;
        progress(&PullProgress {
            phase: "changes".into(),
            changes: report.changes,
            items_done: 0,
            items_total: 0,
            bytes_done: 0,
            bytes_total: 0,
        });
        let has_more = page.has_more;
        cursor = Some(page.next_cursor);
        if !has_more {
            return Ok(());
        }
    }
}

impl Effects {
    /// Keeps in `purge` only the bytes no row (of any event) still uses.
    pub(crate) fn keep_unused_only(&mut self, tx: &Transaction<'_>) {
        self.purge
            .retain(|sha| !media::sha_in_use(tx, sha.as_str()).unwrap_or(true));
    }

    /// Deletes the purged bytes, after the transaction that dropped their
    /// rows committed (a crash in between leaves orphans the sweep removes).
    pub(crate) fn purge_files(&self, klikt: &Klikt) -> Result<(), ApiError> {
        for sha in &self.purge {
            klikt.library.store().remove_all(sha)?;
        }
        Ok(())
    }
}

fn apply(
    tx: &Transaction<'_>,
    link: &Link,
    page: &ChangesPage,
    reset: Option<i64>,
    now: &str,
) -> Result<Effects, klikt_library::LibraryError> {
    let event_id = link.event_id;
    let mut effects = Effects::default();
    for change in &page.changes {
        match change {
            Change::Media(item) => {
                if tombstones::reason(tx, event_id, item.id.as_str())?.is_some() {
                    continue; // a tombstone is final
                }
                let record = remote_media::RemoteMedia {
                    event_id,
                    remote_id: item.id.to_string(),
                    version: item.version as i64,
                    kind: match item.media_kind {
                        klikt_wire::MediaKind::Photo => MediaKind::Photo,
                        klikt_wire::MediaKind::Video => MediaKind::Video,
                    },
                    mime: item.mime.clone(),
                    original_name: item.original_name.clone(),
                    uploader: item.uploader_name.clone(),
                    caption: item.caption.clone(),
                    uploaded_at: iso(&item.uploaded_at),
                    size: item.size as i64,
                    sha256: item.sha256.to_ascii_lowercase(),
                    status: status(item.status),
                };
                remote_media::upsert(tx, &record, reset)?;
                media::apply_remote_update(
                    tx,
                    event_id,
                    item.id.as_str(),
                    &media::RemoteUpdate {
                        version: record.version,
                        status: record.status,
                        uploader: &record.uploader,
                        caption: record.caption.as_deref(),
                    },
                )?;
            }
            Change::Message(message) => {
                if tombstones::reason(tx, event_id, message.id.as_str())?.is_some() {
                    continue;
                }
                let created_at = iso(&message.created_at);
                let changed = messages::upsert_remote(
                    tx,
                    event_id,
                    &messages::RemoteMessage {
                        remote_id: message.id.as_str(),
                        version: message.version as i64,
                        author: &message.author,
                        body: &message.body,
                        created_at: &created_at,
                        status: status(message.status),
                    },
                    reset,
                )?;
                effects.messages += u64::from(changed);
            }
            Change::Event(event) => {
                events::upsert_linked(tx, &link.server_url, &remote_event(event), now)?;
                if iso(&event.expires_at).as_str() <= now {
                    events::set_server_state(tx, event_id, "expired")?;
                }
            }
            Change::Tombstone(tombstone) => {
                let target = match tombstone.target {
                    ItemType::Media => "media",
                    ItemType::Message => "message",
                };
                let reason = reason_text(tombstone.reason);
                bury(
                    tx,
                    &tombstones::Tombstone {
                        event_id,
                        target: target.into(),
                        remote_id: tombstone.id.to_string(),
                        version: tombstone.version as i64,
                        reason: reason.into(),
                        removed_at: iso(&tombstone.removed_at),
                        recorded_at: now.into(),
                    },
                    &mut effects,
                )?;
            }
            // `ChangesPage::is_reset` pages never get here, and the client
            // rejects a page holding a reset among other changes.
            Change::Reset => {}
        }
    }
    Ok(effects)
}

/// Records a deletion by the server and carries it out locally. Retention
/// (the plan ended) keeps the local copies: the organizer's copy is theirs.
/// Every other reason removes the row, and the bytes once nothing uses them.
pub(crate) fn bury(
    tx: &Transaction<'_>,
    tombstone: &tombstones::Tombstone,
    effects: &mut Effects,
) -> Result<(), klikt_library::LibraryError> {
    let event_id = tombstone.event_id;
    let remote_id = tombstone.remote_id.as_str();
    tombstones::record(tx, tombstone)?;
    if tombstone.reason == "retention" {
        remote_media::remove(tx, event_id, remote_id)?;
        events::set_server_state(tx, event_id, "expired")?;
        return Ok(());
    }
    if tombstone.target == "message" {
        if messages::delete_remote(tx, event_id, remote_id)? {
            effects.messages += 1;
        }
        return Ok(());
    }
    // Decisions still waiting for it can never apply: a tombstone wins.
    for decision in outbox::remove_item(tx, event_id, remote_id)? {
        decisions::set_sync_state(tx, decision, "gone", Some(&tombstone.recorded_at))?;
    }
    let announced = remote_media::sha_of(tx, event_id, remote_id)?;
    remote_media::remove(tx, event_id, remote_id)?;
    let mut shas: Vec<String> = announced.into_iter().collect();
    if let Some(row) = media::find_remote(tx, event_id, remote_id)? {
        if let Some(sha) = media::delete(tx, row.id)? {
            shas.push(sha);
        }
        effects.purged_items += 1;
    }
    for sha in shas {
        // A partial download of it must go too, even with no row.
        if let Ok(sha) = Sha256Hex::parse(&sha) {
            effects.purge.push(sha);
        }
    }
    Ok(())
}

/// The end of a reset replay: what the server held before and did not
/// mention again is gone from it. Treated as retention, so local copies stay.
fn end_reset_replay(
    tx: &Transaction<'_>,
    link: &Link,
    replay: i64,
    now: &str,
) -> Result<(), klikt_library::LibraryError> {
    let unmentioned_media = remote_media::not_seen_in_reset(tx, link.event_id, replay)?;
    let unmentioned_messages = messages::not_seen_in_reset(tx, link.event_id, replay)?;
    let mut ignored = Effects::default();
    for (target, remote_id) in unmentioned_media
        .into_iter()
        .map(|id| ("media", id))
        .chain(unmentioned_messages.into_iter().map(|id| ("message", id)))
    {
        bury(
            tx,
            &tombstones::Tombstone {
                event_id: link.event_id,
                target: target.into(),
                remote_id,
                version: 0,
                reason: "retention".into(),
                removed_at: now.into(),
                recorded_at: now.into(),
            },
            &mut ignored,
        )?;
    }
    Ok(())
}
