//! Runs `klikt_api` jobs off the UI thread and forwards their progress and
//! end to the window as the `job-progress` and `job-finished` events the UI's
//! `api.ts` listens to. What a job reports is `klikt_api`'s; this is only the
//! spawning and the emitting.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use klikt_api::{
    IpcError, JobFinished, JobKind, JobProgress, JobTicket, Jobs, Klikt, ProgressGate,
};
use tauri::{AppHandle, Emitter, Runtime};

pub const PROGRESS_EVENT: &str = "job-progress";
pub const FINISHED_EVENT: &str = "job-finished";

/// At most ten progress events a second per job.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// What a job body gets: the library, its ticket, and a progress sink.
pub type Emit = Arc<dyn Fn(JobProgress) + Send + Sync>;

/// Registers a job of `kind`, runs `body` on the async runtime and returns
/// the job's id at once.
pub fn spawn<R, F, Fut>(
    app: &AppHandle<R>,
    jobs: &Arc<Jobs>,
    klikt: Arc<Klikt>,
    kind: JobKind,
    body: F,
) -> u64
where
    R: Runtime,
    F: FnOnce(Arc<Klikt>, JobTicket, Emit) -> Fut + Send + 'static,
    Fut: Future<Output = JobFinished> + Send + 'static,
{
    let ticket = jobs.start(kind);
    let id = ticket.id;
    let emit = progress_sink(app.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let finished = body(klikt, ticket, emit).await;
        if let Err(err) = app.emit(FINISHED_EVENT, &finished) {
            eprintln!("klikt-desktop: could not report the end of job {id}: {err}");
        }
        // A pull, sync or import may have changed what the show may display.
        crate::slideshow_window::deck_changed(&app, ());
    });
    id
}

/// Runs blocking `body` (an import reads and renders files) on the blocking pool.
pub fn spawn_blocking<R, F>(
    app: &AppHandle<R>,
    jobs: &Arc<Jobs>,
    klikt: Arc<Klikt>,
    kind: JobKind,
    body: F,
) -> u64
where
    R: Runtime,
    F: FnOnce(&Klikt, &JobTicket, &(dyn Fn(JobProgress) + Send + Sync)) -> JobFinished
        + Send
        + 'static,
{
    spawn(
        app,
        jobs,
        klikt,
        kind,
        move |klikt, ticket, emit| async move {
            let id = ticket.id;
            let kind = ticket.kind;
            tauri::async_runtime::spawn_blocking(move || body(&klikt, &ticket, &*emit))
                .await
                .unwrap_or_else(|err| crashed(id, kind, &err.to_string()))
        },
    )
}

fn progress_sink<R: Runtime>(app: AppHandle<R>) -> Emit {
    let gate = ProgressGate::new(PROGRESS_EVERY);
    Arc::new(move |progress: JobProgress| {
        if gate.admit(&progress) {
            // A lost progress event only delays the bar; the end is reported separately.
            let _ = app.emit(PROGRESS_EVENT, &progress);
        }
    })
}

/// The report of a job whose task panicked: failed, with the reason.
fn crashed(job: u64, kind: JobKind, reason: &str) -> JobFinished {
    JobFinished {
        job,
        kind,
        outcome: klikt_api::JobOutcome::Failed,
        event_id: None,
        report: None,
        error: Some(IpcError {
            code: "internal".to_owned(),
            message: format!("the job stopped unexpectedly: {reason}"),
        }),
        elapsed_ms: 0,
    }
}

/// "Archive now" (or an automatic archive): the pull is async, the export
/// and verification read and write files, so the whole job runs on the
/// blocking pool with the pull driven from there.
pub fn start_archive<R: Runtime>(
    app: &AppHandle<R>,
    jobs: &Arc<Jobs>,
    klikt: Arc<Klikt>,
    event: String,
    folder: std::path::PathBuf,
) -> u64 {
    spawn_blocking(
        app,
        jobs,
        klikt,
        JobKind::Archive,
        move |klikt, ticket, emit| {
            tauri::async_runtime::block_on(klikt.run_archive_job(ticket, &event, &folder, emit))
        },
    )
}

/// Starts an archive job for each event within the organizer's chosen
/// number of days of its plan's end (when automatic archiving is on); run
/// once at startup.
pub fn start_due_archives<R: Runtime>(app: &AppHandle<R>, jobs: &Arc<Jobs>, klikt: Arc<Klikt>) {
    let due = match klikt.events_due_for_archive() {
        Ok(due) => due,
        Err(err) => {
            eprintln!("klikt-desktop: could not check for events to archive: {err}");
            return;
        }
    };
    let Some(folder) = due.folder else {
        return;
    };
    for event_id in due.events {
        start_archive(
            app,
            jobs,
            klikt.clone(),
            event_id.to_string(),
            folder.clone(),
        );
    }
}
