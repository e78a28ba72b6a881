/**
 * What a running job's progress means to a person: the fraction done, the
 * transfer rate and the time left, derived from `JobProgress` (the backend
 * only reports counts and the elapsed time).
 */

import type { JobKind } from '../bindings/JobKind';
import type { JobProgress } from '../bindings/JobProgress';
import { formatBytes, formatDuration } from '../format';
import { locale, translate, type Locale } from '../i18n/index.svelte';

type Counts = Pick<JobProgress, 'done' | 'total' | 'bytes_done' | 'bytes_total' | 'elapsed_ms'>;

/** 0..1, or null when the total is not known yet (an indeterminate bar). */
export function fractionDone(p: Counts): number | null {
  if (p.bytes_total > 0) return clamp01(p.bytes_done / p.bytes_total);
  if (p.total > 0) return clamp01(p.done / p.total);
  return null;
}

/** Bytes per second so far, or null before anything moved. */
export function transferRate(p: Pick<Counts, 'bytes_done' | 'elapsed_ms'>): number | null {
  if (p.bytes_done <= 0 || p.elapsed_ms <= 0) return null;
  return p.bytes_done / (p.elapsed_ms / 1000);
}

/**
 * Milliseconds left at the pace so far: by bytes when the job knows its byte
 * total (transfers), else by items. Null until there is a pace to go by.
 */
export function timeLeft(p: Counts): number | null {
  if (p.elapsed_ms <= 0) return null;
  if (p.bytes_total > 0 && p.bytes_done > 0) {
    return (Math.max(0, p.bytes_total - p.bytes_done) * p.elapsed_ms) / p.bytes_done;
  }
  if (p.total > 0 && p.done > 0) {
    return (Math.max(0, p.total - p.done) * p.elapsed_ms) / p.done;
  }
  return null;
}

/** "12 MB/s · 1 min left", or whichever half is known, or "". */
export function rateAndEta(p: Counts, lang: Locale = locale()): string {
  const parts: string[] = [];
  const rate = transferRate(p);
  if (rate !== null) parts.push(translate(lang, 'shell.job.rate', { size: formatBytes(rate, lang) }));
  const left = timeLeft(p);
  if (left !== null && fractionDone(p) !== 1) {
    parts.push(translate(lang, 'shell.job.left', { time: formatDuration(left, lang) }));
  }
  return parts.join(' · ');
}

/** What a job is doing in `phase`, in words: files are imported by an import, copied by an export. */
export function phaseWord(kind: JobKind, phase: string, lang: Locale = locale()): string {
  switch (phase) {
    case 'files':
      return translate(lang, kind === 'import' ? 'shell.job.phase.files' : 'shell.job.phase.copying');
    case 'changes':
      return translate(lang, 'shell.job.phase.changes');
    case 'originals':
      return translate(lang, 'shell.job.phase.originals');
    case 'verify':
      return translate(lang, 'shell.job.phase.verify');
    default:
      return phase;
  }
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
