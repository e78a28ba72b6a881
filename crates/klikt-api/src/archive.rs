//! Archiving before expiry: "Archive now" (pull what the server has, export
//! everything with a gallery into a folder of its own, verify it), the
//! library-wide setting for doing that by itself near a plan's end, and
//! which events are due.
//!
//! "Expiry" here is the day the server deletes the event and its originals
//! (`backup_until`), not the earlier day uploads close (`expires_at`, after
//! which everything can still be pulled): that is the deadline an archive
//! has to beat.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Duration, Utc};
use klikt_library::tables::{events, exports, settings};

use crate::export::names::safe_component;
use crate::export::{
    ArchiveSettings, ExportLayout, ExportProgress, ExportReport, ExportRequest, ExportSelection,
    VerifyReport,
};
use crate::{ApiError, Klikt, PullObserver, PullOptions, PullReport};

const SETTINGS_KEY: &str = "archive";

/// What "Archive now" did.
pub struct Archived {
    /// None for a local event, or when the server could not be reached
    /// (the archive then holds what the library has).
    pub pull: Option<PullReport>,
    pub export: ExportReport,
    pub verify: VerifyReport,
}

/// What automatic archiving should start now.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DueArchives {
    /// Where the archives go (the setting's folder); None when it is off.
    pub folder: Option<PathBuf>,
    /// The events (by id) to archive.
    pub events: Vec<i64>,
}

/// The folder an archive of `event_name` goes to inside `folder`.
pub fn archive_folder(folder: &Path, event_name: &str) -> PathBuf {
    folder.join(format!(
        "{} (Klikt archive)",
        safe_component(event_name, "event")
    ))
}

/// When the server deletes `event` and its originals: `backup_until`, or,
/// for a row that has no such date, the earlier close of uploads (archiving
/// too early is harmless, too late is not).
fn deleted_at(event: &events::EventRow) -> Option<&str> {
    event
        .backup_until
        .as_deref()
        .or(event.expires_at.as_deref())
}

/// Whether an event deleted by the server at `deleted_at` is within `days`
/// of it at `now` and has no export finished since that window opened.
fn due(deleted_at: &str, days: u32, now: DateTime<Utc>, last_export: Option<&str>) -> bool {
    let Ok(deleted) = DateTime::parse_from_rfc3339(deleted_at) else {
        return false;
    };
    let window_opens = deleted.with_timezone(&Utc) - Duration::days(i64::from(days));
    if now < window_opens {
        return false;
    }
    last_export
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .is_none_or(|at| at.with_timezone(&Utc) < window_opens)
}

/// Held while an event is archived: an exclusive lock on
/// `locks/archive-ID.lock` in the library folder. Two archives of one event
/// at once (the 6-hourly automatic check and a click on "Archive now", or
/// the app and the CLI) would pull and export into the same folder
/// together; the second is refused instead. The system drops the lock when
/// the file closes, so a crashed archive never blocks the next.
struct ArchiveLock {
    _file: File,
}

impl ArchiveLock {
    fn take(library_dir: &Path, event: &events::EventRow) -> Result<ArchiveLock, ApiError> {
        let dir = library_dir.join("locks");
        let path = dir.join(format!("archive-{}.lock", event.id));
        let cannot =
            |e: std::io::Error| ApiError::Export(format!("cannot lock {}: {e}", path.display()));
        std::fs::create_dir_all(&dir).map_err(cannot)?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(cannot)?;
        match file.try_lock() {
            Ok(()) => Ok(ArchiveLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(ApiError::Busy(format!(
                "“{}” is already being archived; wait for that archive to finish (or cancel it) before starting another",
                event.name
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(cannot(e)),
        }
    }
}

impl Klikt {
    pub fn archive_settings(&self) -> Result<ArchiveSettings, ApiError> {
        let stored = self
            .library
            .read(|conn| settings::get(conn, SETTINGS_KEY))?;
        Ok(stored
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    pub fn set_archive_settings(
        &self,
        settings: &ArchiveSettings,
    ) -> Result<ArchiveSettings, ApiError> {
        if !(1..=60).contains(&settings.days_before) {
            return Err(ApiError::InvalidInput(
                "archive 1 to 60 days before a plan ends".to_owned(),
            ));
        }
        if settings.auto_archive && settings.folder.is_none() {
            return Err(ApiError::InvalidInput(
                "choose the folder automatic archives go to".to_owned(),
            ));
        }
        let json = serde_json::to_string(settings)
            .map_err(|e| ApiError::Internal(format!("archive settings: {e}")))?;
        self.library
            .write(|tx| settings::put(tx, SETTINGS_KEY, &json))?;
        Ok(settings.clone())
    }

    /// Linked events to archive by themselves now, and the folder the
    /// setting names for them (no events unless the setting is on).
    pub fn events_due_for_archive(&self) -> Result<DueArchives, ApiError> {
        let now = Utc::now();
        let settings = self.archive_settings()?;
        let folder = match settings.folder {
            Some(folder) if settings.auto_archive => folder,
            _ => return Ok(DueArchives::default()),
        };
        let events = self
            .library
            .read(|conn| {
                let mut out = Vec::new();
                for stats in events::list_with_stats(conn)? {
                    let event = stats.event;
                    let Some(deleted_at) = deleted_at(&event) else {
                        continue;
                    };
                    if event.remote_id.is_none() || event.server_state == "gone" {
                        continue;
                    }
                    let last = exports::latest(conn, event.id)?.map(|e| e.finished_at);
                    if due(deleted_at, settings.days_before, now, last.as_deref()) {
                        out.push(event.id);
                    }
                }
                Ok(out)
            })
            .map_err(ApiError::from)?;
        Ok(DueArchives {
            folder: Some(folder),
            events,
        })
    }

    /// Pulls `event` (when linked; a server that cannot be reached is not
    /// an error here), exports everything with a gallery into its own folder
    /// inside `folder`, then verifies the export. Refused with
    /// [`ApiError::Busy`] while another archive of the same event runs.
    pub async fn archive(
        &self,
        event: &str,
        folder: &Path,
        on_pull: PullObserver<'_>,
        on_export: &mut (dyn FnMut(&ExportProgress) + Send),
        cancel: &AtomicBool,
    ) -> Result<Archived, ApiError> {
        let row = self.library.read(|conn| events::find(conn, event))?;
        let _archiving = ArchiveLock::take(self.library.dir(), &row)?;
        let pull = if row.remote_id.is_some() {
            match self
                .pull(event, &PullOptions::default(), on_pull, cancel)
                .await
            {
                Ok(report) => Some(report),
                // Offline or expired server-side: archive what is here.
                Err(ApiError::Remote(_)) | Err(ApiError::NotSignedIn) => None,
                Err(other) => return Err(other),
            }
        } else {
            None
        };
        let request = ExportRequest {
            event: row.id.to_string(),
            to: archive_folder(folder, &row.name),
            only: ExportSelection::All,
            template: None,
            layout: ExportLayout::Flat,
            strip_location: false,
            gallery: true,
        };
        let export = self.export(&request, on_export, cancel)?;
        let verify = if export.cancelled {
            VerifyReport {
                path: request.to.clone(),
                event_name: export.event_name.clone(),
                checked: 0,
                missing: Vec::new(),
                altered: Vec::new(),
            }
        } else {
            self.verify_export(&request.to)?
        };
        Ok(Archived {
            pull,
            export,
            verify,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test time")
            .with_timezone(&Utc)
    }

    #[test]
    fn an_event_is_due_inside_the_window_until_it_has_an_export_from_the_window() {
        let expires = "2026-12-01T00:00:00Z";
        assert!(
            !due(expires, 7, at("2026-11-20T00:00:00Z"), None),
            "too early"
        );
        assert!(
            due(expires, 7, at("2026-11-25T00:00:00Z"), None),
            "in the window"
        );
        assert!(
            due(expires, 7, at("2026-12-05T00:00:00Z"), None),
            "after the end too"
        );
        assert!(
            due(
                expires,
                7,
                at("2026-11-25T00:00:00Z"),
                Some("2026-11-01T00:00:00Z")
            ),
            "an export from before the window is stale"
        );
        assert!(
            !due(
                expires,
                7,
                at("2026-11-25T00:00:00Z"),
                Some("2026-11-24T10:00:00Z")
            ),
            "archived in the window: done"
        );
        assert!(!due("not a date", 7, at("2026-11-25T00:00:00Z"), None));
    }

    fn linked(expires_at: Option<&str>, backup_until: Option<&str>) -> events::EventRow {
        events::EventRow {
            id: 1,
            name: "Wedding".to_owned(),
            remote_id: Some("ev_1".to_owned()),
            created_at: "2026-06-01T00:00:00Z".to_owned(),
            server_state: "active".to_owned(),
            expires_at: expires_at.map(str::to_owned),
            last_pulled_at: None,
            backup_until: backup_until.map(str::to_owned),
        }
    }

    #[test]
    fn the_window_counts_down_to_the_deletion_of_the_originals_not_the_close_of_uploads() {
        // Uploads closed a week ago; the server deletes everything in 30 days.
        let event = linked(Some("2026-11-18T00:00:00Z"), Some("2026-12-25T00:00:00Z"));
        let now = at("2026-11-25T00:00:00Z");
        let deleted = deleted_at(&event).expect("a date");
        assert_eq!(
            deleted, "2026-12-25T00:00:00Z",
            "backup_until, not expires_at"
        );
        assert!(
            !due(deleted, 7, now, None),
            "30 days before deletion is outside a 7-day window, though uploads have closed"
        );
        assert!(
            due(deleted, 7, at("2026-12-20T00:00:00Z"), None),
            "5 days before deletion"
        );
        assert_eq!(
            deleted_at(&linked(Some("2026-11-18T00:00:00Z"), None)),
            Some("2026-11-18T00:00:00Z"),
            "without a deletion date, the earlier close of uploads (never too late)"
        );
        assert_eq!(
            deleted_at(&linked(None, None)),
            None,
            "a local event has no plan"
        );
    }

    #[test]
    fn a_second_archive_of_the_same_event_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().expect("temp dir");
        let wedding = linked(None, None);
        let first = ArchiveLock::take(dir.path(), &wedding).expect("the first archive");
        let second = ArchiveLock::take(dir.path(), &wedding);
        assert!(
            matches!(&second, Err(ApiError::Busy(message)) if message.contains("Wedding")),
            "refused, naming the event"
        );
        let mut other = linked(None, None);
        other.id = 2;
        assert!(
            ArchiveLock::take(dir.path(), &other).is_ok(),
            "another event is not blocked"
        );
        drop(first);
        assert!(
            ArchiveLock::take(dir.path(), &wedding).is_ok(),
            "free again once the first ends"
        );
    }
}
