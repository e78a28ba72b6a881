/**
 * The jobs the shell knows about: running ones with their latest progress
 * (for the progress area), and what to do when each ends (refresh, open the
 * event, toast, notify). Fed by `api.onJobProgress` / `api.onJobFinished`.
 *
 * A job can report progress, or even finish, before the command that
 * started it has returned its id; so progress for an unknown id creates
 * the entry, and the end of a job nobody tracked yet waits while a start
 * command is still out (`begin`…`track`/`abandon`). A job no start command
 * here accounts for (the page was reloaded mid-job) ends like any other.
 */

import type { JobFinished } from '../bindings/JobFinished';
import type { JobKind } from '../bindings/JobKind';
import type { JobProgress } from '../bindings/JobProgress';

export interface RunningJob {
  id: number;
  kind: JobKind;
  /** What the job works on, as the organizer named it (event name, folder). */
  label: string;
  /** The local event it works on, when known at the start. */
  eventId: number | null;
  /** The server's event it pulls, for a pull of an event not in the library yet. */
  remoteId: string | null;
  progress: JobProgress | null;
  cancelling: boolean;
}

export interface JobIntent {
  kind: JobKind;
  label: string;
  eventId?: number | null;
  remoteId?: string | null;
  /** Open the job's event when it ends well (the demo, an import). */
  openWhenDone?: boolean;
  /** Also told of the end, after the shell's own handling (a dialog following its job). */
  onEnd?: (finished: JobFinished) => void;
}

export type FinishHandler = (finished: JobFinished, intent: JobIntent) => void;

export class Jobs {
  running = $state<RunningJob[]>([]);

  /** Finished jobs whose start had not been tracked yet (a very quick job). */
  private early = new Map<number, JobFinished>();
  private intents = new Map<number, JobIntent>();
  /** Start commands sent whose job id has not come back yet. */
  private starting = 0;

  constructor(private readonly onFinish: FinishHandler) {}

  /** Call before sending a start command; then `track` its id, or `abandon` if it failed. */
  begin(): void {
    this.starting += 1;
  }

  /** The start command failed: no job id will come. */
  abandon(): void {
    this.starting = Math.max(0, this.starting - 1);
    this.flushUnclaimed();
  }

  /**
   * Sends a start command and tracks the job it returns (`begin`, then
   * `track` or `abandon`). Rejects with the command's error.
   */
  async start(command: () => Promise<number>, intent: JobIntent): Promise<number> {
    this.begin();
    let id: number;
    try {
      id = await command();
    } catch (error) {
      this.abandon();
      throw error;
    }
    this.track(id, intent);
    return id;
  }

  /** Records a job this window started, from the id its start command returned. */
  track(id: number, intent: JobIntent): void {
    this.starting = Math.max(0, this.starting - 1);
    const finished = this.early.get(id);
    if (finished) {
      this.early.delete(id);
      this.end(finished, intent);
      this.flushUnclaimed();
      return;
    }
    this.flushUnclaimed();
    this.intents.set(id, intent);
    const existing = this.running.find((job) => job.id === id);
    if (existing) {
      existing.label = intent.label;
      existing.eventId = intent.eventId ?? null;
      existing.remoteId = intent.remoteId ?? null;
    } else {
      this.running.push({
        id,
        kind: intent.kind,
        label: intent.label,
        eventId: intent.eventId ?? null,
        remoteId: intent.remoteId ?? null,
        progress: null,
        cancelling: false,
      });
    }
  }

  progress(p: JobProgress): void {
    const job = this.running.find((j) => j.id === p.job);
    if (job) {
      job.progress = p;
    } else {
      this.running.push({ id: p.job, kind: p.kind, label: '', eventId: null, remoteId: null, progress: p, cancelling: false });
    }
  }

  finished(f: JobFinished): void {
    const index = this.running.findIndex((j) => j.id === f.job);
    if (index !== -1) this.running.splice(index, 1);
    const intent = this.intents.get(f.job);
    if (intent) {
      this.intents.delete(f.job);
      this.end(f, intent);
    } else if (this.starting > 0) {
      // Its start command may not have returned yet: `track` will handle it.
      this.early.set(f.job, f);
    } else {
      this.onFinish(f, { kind: f.kind, label: '' });
    }
  }

  private end(f: JobFinished, intent: JobIntent): void {
    this.onFinish(f, intent);
    intent.onEnd?.(f);
  }

  /** Once no start command is out, ends kept for one belong to nobody here: end them. */
  private flushUnclaimed(): void {
    if (this.starting > 0) return;
    for (const [id, f] of this.early) {
      this.early.delete(id);
      this.onFinish(f, { kind: f.kind, label: '' });
    }
  }

  markCancelling(id: number): void {
    const job = this.running.find((j) => j.id === id);
    if (job) job.cancelling = true;
  }

  /** The job `id` while it runs. */
  find(id: number | null): RunningJob | undefined {
    return id === null ? undefined : this.running.find((j) => j.id === id);
  }

  /** True while a job of `kinds` runs on the local event `eventId` (an archive pulls too). */
  busy(eventId: number, kinds: readonly JobKind[] = ['pull', 'sync', 'archive']): boolean {
    return this.running.some((j) => j.eventId === eventId && kinds.includes(j.kind));
  }

  /** True while a pull of the server's event `remoteId` runs. */
  pulling(remoteId: string): boolean {
    return this.running.some((j) => j.remoteId === remoteId);
  }
}
