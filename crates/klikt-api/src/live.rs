//! Live mode for the slideshow: while the show runs, the event is pulled
//! every few seconds so new approved uploads reach the deck. A failed round
//! (the venue's network is down) is not an error for the audience: the state
//! turns `offline`, the show loops what it has, and the next round tries
//! again; when the network returns the pull catches up from its cursor.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use klikt_library::tables::events;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{now_iso, Klikt, PullOptions, RetryPolicy};

/// What the organizer's status chip shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LiveStatus {
    pub event_id: Option<i64>,
    /// `live` (the last round reached the server) or `offline`.
    pub state: String,
    pub last_ok_at: Option<String>,
    /// Why the last round failed, for the organizer (never the audience).
    pub last_error: Option<String>,
    /// New items the last successful round brought.
    pub new_items: u64,
    /// Feed changes the last round read (new items, decisions made on the
    /// server, deletions): when any, the show re-reads its deck at once.
    pub changes: u64,
    /// Items waiting for moderation (pre-moderation: new uploads wait here).
    pub awaiting_moderation: i64,
}

impl Klikt {
    /// One live round: a quiet pull of `event`.
    pub async fn live_round(&self, event: &str, previous: &LiveStatus) -> LiveStatus {
        let cancel = AtomicBool::new(false);
        let options = PullOptions::default();
        // A few quick retries only: the next round comes in seconds anyway.
        let brief = self.with_retry_policy(RetryPolicy::brief());
        let pull = brief.pull(event, &options, &|_| {}, &cancel);
        // No timeout of our own: the client's connect and stall timeouts end a
        // round on a dead network, and a long round (many new uploads)
        // must not be cut short.
        let outcome = pull.await.map_err(|e| e.to_string());
        // Resolved as every command resolves an event key; the pending count
        // is the event list's.
        let awaiting = self
            .library
            .read(|conn| events::find(conn, event))
            .ok()
            .and_then(|row| {
                let stats = self.events().ok()?;
                stats
                    .into_iter()
                    .find(|e| e.id == row.id)
                    .map(|e| (e.id, e.pending_count))
            });
        let (event_id, awaiting_moderation) = match awaiting {
            Some((id, pending)) => (Some(id), pending),
            None => (previous.event_id, previous.awaiting_moderation),
        };
        match outcome {
            Ok(report) => LiveStatus {
                event_id: Some(report.event_id),
                state: "live".to_owned(),
                last_ok_at: Some(now_iso()),
                last_error: None,
                new_items: report.downloaded + report.reused,
                changes: report.changes,
                awaiting_moderation,
            },
            Err(error) => LiveStatus {
                event_id,
                state: "offline".to_owned(),
                last_ok_at: previous.last_ok_at.clone(),
                last_error: Some(error),
                new_items: 0,
                changes: 0,
                awaiting_moderation,
            },
        }
    }

    /// Runs live rounds every `every` until `stop` is set, reporting each
    /// round's status. Returns the last status.
    pub async fn run_live(
        &self,
        event: &str,
        every: Duration,
        stop: &AtomicBool,
        report: &(dyn Fn(&LiveStatus) + Send + Sync),
    ) -> LiveStatus {
        let mut status = LiveStatus {
            event_id: None,
            state: "offline".to_owned(),
            last_ok_at: None,
            last_error: None,
            new_items: 0,
            changes: 0,
            awaiting_moderation: 0,
        };
        while !stop.load(Ordering::SeqCst) {
            status = self.live_round(event, &status).await;
            report(&status);
            // Sleep in short steps so a stop is seen within a second.
            let mut waited = Duration::ZERO;
            while waited < every && !stop.load(Ordering::SeqCst) {
                let step = Duration::from_millis(250).min(every - waited);
                tokio::time::sleep(step).await;
                waited += step;
            }
        }
        status
    }
}
