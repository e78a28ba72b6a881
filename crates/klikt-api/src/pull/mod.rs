//! Pulling a linked event from its Klikt server: the change feed into the
//! library ([`feed`]), then every original not here yet ([`fetch`]),
//! downloaded concurrently, hash-verified and rendered as in an import.
//!
//! A pull can stop anywhere (crash, kill, cancel, lost network) and the next
//! one carries on: the feed cursor is committed with the page it ends, and a
//! partial download resumes from its bytes on disk.

pub(crate) mod feed;
mod fetch;

use std::sync::atomic::AtomicBool;

use klikt_library::tables::events::{self, EventRow, RemoteEvent};
use klikt_library::Status;
use klikt_remote::{Client, RemoteError};
use klikt_wire::{Event, ItemStatus, ModerationMode};

use crate::dto::{PullOptions, PullProgress, PullReport};
use crate::error::ApiError;
use crate::{now_iso, Klikt};

/// Progress callback of a pull; called often, from the pulling task.
pub type PullObserver<'a> = &'a (dyn Fn(&PullProgress) + Send + Sync);

impl Klikt {
    /// Pulls the event `key` (local id, name, or the server's event id) from
    /// the signed-in account's server: the first pull fetches everything,
    /// later ones only what changed. Deletions on the server purge the local
    /// bytes. Setting `cancel` stops after the downloads under way; what is
    /// done stays done.
    pub async fn pull(
        &self,
        key: &str,
        options: &PullOptions,
        progress: PullObserver<'_>,
        cancel: &AtomicBool,
    ) -> Result<PullReport, ApiError> {
        let client = self.connect()?;
        let event = self.resolve_remote_event(&client, key).await?;
        let link = self
            .library
            .read(|conn| events::link(conn, event.id))?
            .ok_or_else(|| {
                ApiError::InvalidInput(format!(
                    "\"{}\" is a local event; only events from a Klikt server can be pulled",
                    event.name
                ))
            })?;
        if link.server_url != client.server() {
            return Err(ApiError::InvalidInput(format!(
                "\"{}\" comes from {}, but you are signed in to {}; sign in there to pull it",
                event.name,
                link.server_url,
                client.server()
            )));
        }
        let mut report = PullReport {
            event_id: event.id,
            event_name: event.name.clone(),
            remote_id: link.remote_id.clone(),
            changes: 0,
            downloaded: 0,
            bytes_downloaded: 0,
            reused: 0,
            purged: 0,
            messages: 0,
            failed: Vec::new(),
            server_state: link.server_state.clone(),
            cancelled: false,
        };

        let pulled = async {
            feed::read(self, &client, &link, progress, cancel, &mut report).await?;
            if !report.cancelled {
                fetch::run(self, &client, &link, options, progress, cancel, &mut report).await?;
            }
            Ok::<(), ApiError>(())
        }
        .await;
        match pulled {
            Ok(()) => {}
            Err(ApiError::Remote(RemoteError::EventGone { .. })) => {
                // The server deleted the event (past backup_until, or by its
                // owner): stop syncing it and keep every local copy.
                self.library
                    .write(|tx| events::set_server_state(tx, event.id, "gone"))?;
            }
            Err(other) => return Err(other),
        }
        let now = now_iso();
        let link = self.library.write(|tx| {
            events::set_last_pulled(tx, event.id, &now)?;
            events::link(tx, event.id)
        })?;
        if let Some(link) = link {
            report.server_state = link.server_state;
            report.event_name = self
                .library
                .read(|conn| events::get(conn, event.id))?
                .map(|row| row.name)
                .unwrap_or(report.event_name);
        }
        Ok(report)
    }

    /// The library's event for `key`; an event only the server has yet is
    /// added to the library (linked, still empty).
    async fn resolve_remote_event(&self, client: &Client, key: &str) -> Result<EventRow, ApiError> {
        match self.library.read(|conn| events::find(conn, key)) {
            Ok(event) => return Ok(event),
            Err(klikt_library::LibraryError::NotFound(_)) => {}
            Err(other) => return Err(other.into()),
        }
        let listed = client.events().await?;
        let matching: Vec<&Event> = listed
            .iter()
            .filter(|e| e.id.as_str() == key || e.name == key)
            .collect();
        let found = match matching.as_slice() {
            [one] => *one,
            [] => {
                return Err(ApiError::NotFound(format!(
                    "no event {key:?} in the library or on {} (see `klikt events --remote`)",
                    client.server()
                )))
            }
            many => {
                return Err(ApiError::InvalidInput(format!(
                "{} events on {} are named {key:?}; use the event id (see `klikt events --remote`)",
                many.len(),
                client.server()
            )))
            }
        };
        let now = now_iso();
        let server = client.server().to_owned();
        Ok(self
            .library
            .write(|tx| events::upsert_linked(tx, &server, &remote_event(found), &now))?)
    }
}

/// The library's record of a server event.
pub(crate) fn remote_event(event: &Event) -> RemoteEvent {
    RemoteEvent {
        remote_id: event.id.to_string(),
        name: event.name.clone(),
        event_date: Some(event.date.to_string()),
        share_url: event.share_url.clone(),
        moderation_mode: match event.moderation_mode {
            ModerationMode::Pre => "pre",
            ModerationMode::Post => "post",
        }
        .to_owned(),
        plan_name: event.plan_name.clone(),
        expires_at: iso(&event.expires_at),
        backup_until: iso(&event.backup_until),
        media_count: event.media_count as i64,
        total_bytes: event.total_bytes as i64,
    }
}

pub(crate) fn iso(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(crate) fn reason_text(reason: klikt_wire::TombstoneReason) -> &'static str {
    use klikt_wire::TombstoneReason as R;
    match reason {
        R::Moderation => "moderation",
        R::RemovalRequest => "removal_request",
        R::Uploader => "uploader",
        R::Retention => "retention",
    }
}

pub(crate) fn status(status: ItemStatus) -> Status {
    match status {
        ItemStatus::Pending => Status::Pending,
        ItemStatus::Approved => Status::Approved,
        ItemStatus::Hidden => Status::Hidden,
        ItemStatus::Deleted => Status::Deleted,
    }
}
