/**
 * When slides change, and how late they were.
 *
 * The scheduler arms one `setTimeout` per slide, counted from the moment the
 * previous slide was shown: a busy webview (or a throttled background tab)
 * delays the change but never makes slides pile up or flash by to catch up.
 *
 * The bench reads `klikt:slide-late` measures: from the moment a slide was
 * due (`klikt:slide:due`) to the frame that shows it. "Due" is the time the
 * timer was armed for, not when its callback ran: a timer the busy webview
 * runs late is part of the lateness the audience sees, so it must count.
 * Only the last KEEP are kept, so a show running for hours does not grow
 * memory.
 */

export const DUE_MARK = 'klikt:slide:due';
export const LATE_MEASURE = 'klikt:slide-late';
export const KEEP = 2000;

export interface SchedulerOptions {
  /** The wall clock (fake timers move it in tests). */
  now?: () => number;
  /** The User Timing clock the due time is given in (`performance.now`); tests pass their own. */
  perfNow?: () => number;
}

/**
 * Shows the next slide. `dueAt` is when the slide was scheduled to appear,
 * on the `performance.now()` clock (for `markDue`).
 */
export type OnDue = (dueAt: number) => Promise<void> | void;

export class Scheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = 0;
  /** `dueAt` on the performance clock, for the late measures. */
  private duePerf = 0;
  private remaining: number | null = null;
  private running = false;
  private firing = false;
  /** A one-off length for the slide being shown while `firing` (see `holdCurrent`). */
  private slideMs: number | null = null;
  private readonly now: () => number;
  private readonly perfNow: () => number;

  /** `onDue` shows the next slide; the next one is armed once it resolves. */
  constructor(
    private readonly onDue: OnDue,
    private intervalMs: number,
    options: SchedulerOptions = {},
  ) {
    this.now = options.now ?? (() => Date.now());
    this.perfNow = options.perfNow ?? performanceNow;
  }

  get paused(): boolean {
    return this.remaining !== null;
  }

  /** Starts counting a full interval from now (after a slide was shown by hand, too). */
  restart(): void {
    this.running = true;
    this.slideMs = null;
    if (this.paused) {
      this.remaining = this.intervalMs;
      return;
    }
    this.arm(this.intervalMs);
  }

  /**
   * The slide just shown stays `ms` instead of the interval (a video's
   * length); the interval applies again from the slide after it.
   */
  holdCurrent(ms: number): void {
    if (!this.running) return;
    if (this.firing) {
      this.slideMs = ms;
    } else if (this.paused) {
      this.remaining = ms;
    } else {
      this.arm(ms);
    }
  }

  setInterval(ms: number): void {
    if (ms === this.intervalMs) return;
    const elapsed = this.intervalMs - (this.dueAt - this.now());
    this.intervalMs = ms;
    if (this.running && !this.paused && this.timer !== null) this.arm(Math.max(0, ms - elapsed));
  }

  pause(): void {
    if (this.paused) return;
    this.remaining = this.timer !== null ? Math.max(0, this.dueAt - this.now()) : this.intervalMs;
    this.clear();
  }

  resume(): void {
    if (!this.paused) return;
    const remaining = this.remaining ?? this.intervalMs;
    this.remaining = null;
    if (this.running && !this.firing) this.arm(remaining);
  }

  /** Pauses or resumes; returns whether the show is now paused. */
  toggle(): boolean {
    if (this.paused) this.resume();
    else this.pause();
    return this.paused;
  }

  stop(): void {
    this.running = false;
    this.clear();
  }

  private arm(ms: number): void {
    this.clear();
    this.dueAt = this.now() + ms;
    this.duePerf = this.perfNow() + ms;
    this.timer = setTimeout(() => void this.fire(), ms);
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async fire(): Promise<void> {
    this.timer = null;
    this.firing = true;
    try {
      await this.onDue(this.duePerf);
    } catch {
      // A failing slide change must not end the show: try again next interval.
    } finally {
      this.firing = false;
    }
    const held = this.slideMs;
    this.slideMs = null;
    if (this.running && !this.paused && this.timer === null) this.arm(held ?? this.intervalMs);
    else if (this.paused && held !== null) this.remaining = held;
  }
}

const perf = (): Performance | null =>
  typeof performance !== 'undefined' && typeof performance.mark === 'function' ? performance : null;

function performanceNow(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Marks the moment a slide was due (`dueAt`, from the scheduler; now when
 * absent); returns that timestamp (0 without User Timing).
 */
export function markDue(dueAt?: number): number {
  const p = perf();
  if (!p) return 0;
  try {
    p.clearMarks(DUE_MARK);
    const options = dueAt === undefined ? undefined : { startTime: dueAt };
    return p.mark(DUE_MARK, options)?.startTime ?? dueAt ?? p.now();
  } catch {
    return dueAt ?? 0;
  }
}

/** Records `klikt:slide-late` from `due` to now, keeping the last KEEP. */
export function measureLate(due: number): void {
  const p = perf();
  if (!p || typeof p.measure !== 'function') return;
  try {
    p.measure(LATE_MEASURE, { start: due, end: p.now() });
    const entries = p.getEntriesByName(LATE_MEASURE, 'measure');
    // Trim in batches: re-recording the kept entries is the cost.
    if (entries.length <= KEEP + KEEP / 4) return;
    const keep = entries.slice(-KEEP).map((e) => ({ start: e.startTime, end: e.startTime + e.duration }));
    p.clearMeasures(LATE_MEASURE);
    for (const { start, end } of keep) p.measure(LATE_MEASURE, { start, end });
  } catch {
    // An engine without User Timing L3 options: the bench cannot run there anyway.
  }
}
