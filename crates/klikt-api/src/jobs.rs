//! Long-running work a front end starts, watches and may cancel: import,
//! pull, sync. The desktop app runs each job off its UI thread and forwards
//! the progress and the end as events; this module owns what a job reports
//! and the registry of cancel switches, so the app's side stays one line per
//! command.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    ApiError, ExportProgress, ExportReport, ExportRequest, ImportProgress, ImportReport,
    ImportRequest, IpcError, Klikt, PullOptions, PullProgress, PullReport, PushReport,
    VerifyReport,
};

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JobKind {
    Import,
    Pull,
    Sync,
    Export,
    /// Pull (when the server is there), export everything, verify.
    Archive,
}

/// Where a running job is. Rates and time left are derived by the front end
/// from `bytes_done`/`done` over `elapsed_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JobProgress {
    pub job: u64,
    pub kind: JobKind,
    /// `files` for an import; `changes` then `originals` for a pull or sync.
    pub phase: String,
    pub done: u64,
    pub total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// The file just finished (imports).
    pub current: Option<String>,
    pub elapsed_ms: u64,
}

/// How a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JobOutcome {
    Done,
    Cancelled,
    Failed,
}

/// What a finished job did, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind", content = "report")]
#[ts(export)]
pub enum JobReport {
    Import(ImportReport),
    Pull(PullReport),
    Sync {
        pull: PullReport,
        push: PushReport,
    },
    Export(ExportReport),
    Archive {
        /// None when the event is local or the server could not be reached.
        pull: Option<PullReport>,
        export: ExportReport,
        verify: VerifyReport,
    },
}

/// The end of a job: its report, or the error that stopped it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JobFinished {
    pub job: u64,
    pub kind: JobKind,
    pub outcome: JobOutcome,
    /// The local event the job worked on, when it got that far.
    pub event_id: Option<i64>,
    pub report: Option<JobReport>,
    pub error: Option<IpcError>,
    pub elapsed_ms: u64,
}

/// The jobs under way and their cancel switches.
#[derive(Debug, Default)]
pub struct Jobs {
    next: AtomicU64,
    running: Mutex<HashMap<u64, (JobKind, Arc<AtomicBool>)>>,
}

/// A registered job: its id and cancel switch. Dropping it unregisters the job.
#[derive(Debug)]
pub struct JobTicket {
    pub id: u64,
    pub kind: JobKind,
    cancel: Arc<AtomicBool>,
    started: Instant,
    jobs: Arc<Jobs>,
}

impl Jobs {
    pub fn new() -> Arc<Jobs> {
        Arc::new(Jobs::default())
    }

    /// Registers a new job of `kind`.
    pub fn start(self: &Arc<Self>, kind: JobKind) -> JobTicket {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let cancel = Arc::new(AtomicBool::new(false));
        self.lock().insert(id, (kind, cancel.clone()));
        JobTicket {
            id,
            kind,
            cancel,
            started: Instant::now(),
            jobs: self.clone(),
        }
    }

    /// Asks job `id` to stop; false when no such job runs (it already ended).
    pub fn cancel(&self, id: u64) -> bool {
        match self.lock().get(&id) {
            Some((_, cancel)) => {
                cancel.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// The ids and kinds of the jobs under way.
    pub fn running(&self) -> Vec<(u64, JobKind)> {
        let mut list: Vec<_> = self.lock().iter().map(|(id, (k, _))| (*id, *k)).collect();
        list.sort_unstable_by_key(|(id, _)| *id);
        list
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, (JobKind, Arc<AtomicBool>)>> {
        // A panic while holding this lock cannot leave the map half-updated
        // (each operation is one insert/remove/get), so a poisoned lock is safe.
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for JobTicket {
    fn drop(&mut self) {
        self.jobs.lock().remove(&self.id);
    }
}

impl JobTicket {
    pub fn cancel_flag(&self) -> &AtomicBool {
        &self.cancel
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn progress_of_pull(&self, p: &PullProgress) -> JobProgress {
        let (done, total) = if p.phase == "changes" {
            (p.changes, 0)
        } else {
            (p.items_done, p.items_total)
        };
        JobProgress {
            job: self.id,
            kind: self.kind,
            phase: p.phase.clone(),
            done,
            total,
            bytes_done: p.bytes_done,
            bytes_total: p.bytes_total,
            current: None,
            elapsed_ms: self.elapsed_ms(),
        }
    }

    fn progress_of_export(&self, phase: &str, p: &ExportProgress) -> JobProgress {
        JobProgress {
            job: self.id,
            kind: self.kind,
            phase: phase.to_owned(),
            done: p.done,
            total: p.total,
            bytes_done: p.bytes_done,
            bytes_total: p.bytes_total,
            current: p.current.clone(),
            elapsed_ms: self.elapsed_ms(),
        }
    }

    fn progress_of_import(&self, p: &ImportProgress) -> JobProgress {
        JobProgress {
            job: self.id,
            kind: self.kind,
            phase: "files".to_owned(),
            done: p.done,
            total: p.total,
            bytes_done: p.bytes_done,
            bytes_total: 0,
            current: Some(p.current.clone()),
            elapsed_ms: self.elapsed_ms(),
        }
    }

    fn finished(&self, result: Result<(JobReport, bool, i64), ApiError>) -> JobFinished {
        let (outcome, event_id, report, error) = match result {
            Ok((report, cancelled, event_id)) => {
                let outcome = if cancelled {
                    JobOutcome::Cancelled
                } else {
                    JobOutcome::Done
                };
                (outcome, Some(event_id), Some(report), None)
            }
            Err(err) => (JobOutcome::Failed, None, None, Some(IpcError::from(err))),
        };
        JobFinished {
            job: self.id,
            kind: self.kind,
            outcome,
            event_id,
            report,
            error,
            elapsed_ms: self.elapsed_ms(),
        }
    }
}

impl Klikt {
    /// Runs an import as job `ticket`, calling `emit` with its progress.
    pub fn run_import_job(
        &self,
        ticket: &JobTicket,
        request: &ImportRequest,
        emit: &(dyn Fn(JobProgress) + Send + Sync),
    ) -> JobFinished {
        let result = self
            .import(
                request,
                &mut |p| emit(ticket.progress_of_import(p)),
                ticket.cancel_flag(),
            )
            .map(|r| {
                let (cancelled, event_id) = (r.cancelled, r.event_id);
                (JobReport::Import(r), cancelled, event_id)
            });
        ticket.finished(result)
    }

    /// Pulls `event` as job `ticket`, calling `emit` with its progress.
    pub async fn run_pull_job(
        &self,
        ticket: &JobTicket,
        event: &str,
        emit: &(dyn Fn(JobProgress) + Send + Sync),
    ) -> JobFinished {
        let observe = |p: &PullProgress| emit(ticket.progress_of_pull(p));
        let result = self
            .pull(
                event,
                &PullOptions::default(),
                &observe,
                ticket.cancel_flag(),
            )
            .await
            .map(|r| {
                let (cancelled, event_id) = (r.cancelled, r.event_id);
                (JobReport::Pull(r), cancelled, event_id)
            });
        ticket.finished(result)
    }

    /// Pulls then pushes `event` as job `ticket`.
    pub async fn run_sync_job(
        &self,
        ticket: &JobTicket,
        event: &str,
        emit: &(dyn Fn(JobProgress) + Send + Sync),
    ) -> JobFinished {
        let observe = |p: &PullProgress| emit(ticket.progress_of_pull(p));
        let result = self
            .sync(
                event,
                &PullOptions::default(),
                &observe,
                ticket.cancel_flag(),
            )
            .await
            .map(|(pull, push)| {
                let (cancelled, event_id) = (pull.cancelled, pull.event_id);
                (JobReport::Sync { pull, push }, cancelled, event_id)
            });
        ticket.finished(result)
    }
}

impl Klikt {
    /// Exports as job `ticket`, calling `emit` with its progress.
    pub fn run_export_job(
        &self,
        ticket: &JobTicket,
        request: &ExportRequest,
        emit: &(dyn Fn(JobProgress) + Send + Sync),
    ) -> JobFinished {
        let result = self
            .export(
                request,
                &mut |p| emit(ticket.progress_of_export("files", p)),
                ticket.cancel_flag(),
            )
            .map(|r| {
                let (cancelled, event_id) = (r.cancelled, r.event_id);
                (JobReport::Export(r), cancelled, event_id)
            });
        ticket.finished(result)
    }

    /// "Archive now" as job `ticket`: pull, export with a gallery, verify.
    pub async fn run_archive_job(
        &self,
        ticket: &JobTicket,
        event: &str,
        folder: &Path,
        emit: &(dyn Fn(JobProgress) + Send + Sync),
    ) -> JobFinished {
        let on_pull = |p: &PullProgress| emit(ticket.progress_of_pull(p));
        let mut on_export = |p: &ExportProgress| emit(ticket.progress_of_export("files", p));
        let result = self
            .archive(
                event,
                folder,
                &on_pull,
                &mut on_export,
                ticket.cancel_flag(),
            )
            .await
            .map(|done| {
                let (cancelled, event_id) = (done.export.cancelled, done.export.event_id);
                let report = JobReport::Archive {
                    pull: done.pull,
                    export: done.export,
                    verify: done.verify,
                };
                (report, cancelled, event_id)
            });
        ticket.finished(result)
    }
}

/// Lets through at most one progress report per `every`, and always the
/// first and the last of each phase, so a fast import of small files does
/// not flood the UI with thousands of events a second.
#[derive(Debug)]
pub struct ProgressGate {
    every: std::time::Duration,
    last: Mutex<Option<(Instant, String)>>,
}

impl ProgressGate {
    pub fn new(every: std::time::Duration) -> Self {
        ProgressGate {
            every,
            last: Mutex::new(None),
        }
    }

    /// Whether `progress` should be reported now.
    pub fn admit(&self, progress: &JobProgress) -> bool {
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let finished_phase = progress.total > 0 && progress.done >= progress.total;
        let due = match last.as_ref() {
            None => true,
            Some((at, phase)) => {
                *phase != progress.phase || finished_phase || now.duration_since(*at) >= self.every
            }
        };
        if due {
            *last = Some((now, progress.phase.clone()));
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(phase: &str, done: u64, total: u64) -> JobProgress {
        JobProgress {
            job: 1,
            kind: JobKind::Import,
            phase: phase.to_owned(),
            done,
            total,
            bytes_done: 0,
            bytes_total: 0,
            current: None,
            elapsed_ms: 0,
        }
    }

    #[test]
    fn the_gate_passes_the_first_report_a_new_phase_and_the_last_but_not_a_burst() {
        let gate = ProgressGate::new(std::time::Duration::from_secs(3600));
        assert!(gate.admit(&progress("changes", 1, 0)), "the first report");
        assert!(
            !gate.admit(&progress("changes", 2, 0)),
            "a burst is held back"
        );
        assert!(gate.admit(&progress("originals", 0, 10)), "a new phase");
        assert!(!gate.admit(&progress("originals", 5, 10)));
        assert!(
            gate.admit(&progress("originals", 10, 10)),
            "the end of a phase"
        );
    }

    #[test]
    fn cancelling_sets_the_jobs_switch_and_an_ended_job_cannot_be_cancelled() {
        let jobs = Jobs::new();
        let ticket = jobs.start(JobKind::Pull);
        assert_eq!(jobs.running(), vec![(ticket.id, JobKind::Pull)]);
        assert!(jobs.cancel(ticket.id));
        assert!(ticket.cancel_flag().load(Ordering::SeqCst));
        let id = ticket.id;
        drop(ticket);
        assert!(!jobs.cancel(id), "the job ended");
        assert!(jobs.running().is_empty());
    }
}
