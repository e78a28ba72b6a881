/**
 * The words for a finished job (toast and desktop notification): a title
 * saying what ended and how, and detail lines with the report's counts and
 * each rejected or failed file with its reason.
 */

import type { ExportReport } from '../bindings/ExportReport';
import type { JobFinished } from '../bindings/JobFinished';
import type { JobReport } from '../bindings/JobReport';
import type { PullReport } from '../bindings/PullReport';
import type { PushReport } from '../bindings/PushReport';
import type { Rejection } from '../bindings/Rejection';
import type { VerifyReport } from '../bindings/VerifyReport';
import { formatBytes } from '../format';
import { locale, translate, type Locale } from '../i18n/index.svelte';

export interface Summary {
  title: string;
  lines: string[];
}

/** At most this many rejected files are named; the rest are counted. */
const MAX_NAMED = 5;

export function jobSummary(finished: JobFinished, lang: Locale = locale()): Summary {
  const tr = (key: Parameters<typeof translate>[1], params: Record<string, string | number> = {}) =>
    translate(lang, key, params);
  const report = finished.report;
  const name = report ? eventName(report) : '';

  const title =
    finished.outcome === 'failed'
      ? tr(`shell.job.failed.${finished.kind}`)
      : finished.outcome === 'cancelled'
        ? tr(`shell.job.cancelled.${finished.kind}`)
        : name
          ? tr(`shell.job.done.${finished.kind}`, { name })
          : tr(`shell.job.done.${finished.kind}.unnamed`);

  const lines: string[] = [];
  if (finished.error) lines.push(finished.error.message);
  if (report?.kind === 'import') {
    const r = report.report;
    lines.push(tr('shell.report.imported', { count: r.imported }));
    if (r.duplicates > 0) lines.push(tr('shell.report.duplicates', { count: r.duplicates }));
    if (r.without_preview > 0) lines.push(tr('shell.report.without_preview', { count: r.without_preview }));
    lines.push(...rejections(r.rejected, 'shell.report.rejected', lang));
  } else if (report?.kind === 'pull') {
    lines.push(...pullLines(report.report, lang));
  } else if (report?.kind === 'sync') {
    lines.push(...pullLines(report.report.pull, lang));
    lines.push(...pushLines(report.report.push, lang));
  } else if (report?.kind === 'export') {
    lines.push(...exportLines(report.report, lang));
  } else if (report?.kind === 'archive') {
    const { pull, export: written, verify } = report.report;
    if (pull) lines.push(...pullLines(pull, lang));
    else lines.push(translate(lang, 'shell.report.not_pulled'));
    lines.push(...exportLines(written, lang));
    lines.push(...verifyLines(verify, lang));
  }
  return { title, lines };
}

function eventName(report: JobReport): string {
  switch (report.kind) {
    case 'sync':
      return report.report.pull.event_name;
    case 'archive':
      return report.report.export.event_name;
    default:
      return report.report.event_name;
  }
}

/**
 * "Exported 1,024 files (3.1 GB) to …" (or, stopped early, what stays of
 * it), what was already there, and each file that failed.
 */
export function exportLines(r: ExportReport, lang: Locale = locale()): string[] {
  const size = formatBytes(r.bytes, lang);
  const lines = [
    r.cancelled
      ? r.zip
        ? translate(lang, 'shell.report.zip_removed', { path: r.destination })
        : translate(lang, 'shell.report.export_partial', { count: r.files, size, path: r.destination })
      : translate(lang, 'shell.report.exported', { count: r.files, size, path: r.destination }),
  ];
  if (r.skipped > 0) lines.push(translate(lang, 'shell.report.skipped', { count: r.skipped }));
  if (r.messages > 0) lines.push(translate(lang, 'shell.report.messages', { count: r.messages }));
  const failed = r.failed.map((f) => ({ name: f.original_name, reason: f.reason }));
  lines.push(...rejections(failed, 'shell.report.export_failed', lang));
  return lines;
}

/** "Verified: all 1,024 files intact", or the missing and altered paths. */
export function verifyLines(r: VerifyReport, lang: Locale = locale()): string[] {
  if (r.missing.length === 0 && r.altered.length === 0) {
    return [translate(lang, 'shell.report.verified', { count: r.checked })];
  }
  return [
    ...paths(r.missing, 'shell.report.verify_missing', lang),
    ...paths(r.altered, 'shell.report.verify_altered', lang),
  ];
}

function paths(
  list: readonly string[],
  key: 'shell.report.verify_missing' | 'shell.report.verify_altered',
  lang: Locale,
): string[] {
  if (list.length === 0) return [];
  const lines = [translate(lang, key, { count: list.length }), ...list.slice(0, MAX_NAMED)];
  if (list.length > MAX_NAMED) {
    lines.push(translate(lang, 'shell.report.more', { count: list.length - MAX_NAMED }));
  }
  return lines;
}

/**
 * Whether an ended job's report holds something the organizer must not
 * miss though the job itself succeeded: files an export could not write,
 * an archive whose check found missing or altered files. Its toast stays.
 */
export function needsAttention(finished: JobFinished): boolean {
  const report = finished.report;
  if (report?.kind === 'export') return report.report.failed.length > 0;
  if (report?.kind === 'archive') {
    const { export: written, verify } = report.report;
    return written.failed.length > 0 || verify.missing.length > 0 || verify.altered.length > 0;
  }
  return false;
}

function pullLines(r: PullReport, lang: Locale): string[] {
  const lines: string[] = [];
  if (r.downloaded > 0) {
    lines.push(
      translate(lang, 'shell.report.pulled', { count: r.downloaded, size: formatBytes(r.bytes_downloaded, lang) }),
    );
  } else if (r.reused === 0 && r.purged === 0 && r.messages === 0 && r.failed.length === 0) {
    lines.push(translate(lang, 'shell.report.nothing_new'));
  }
  if (r.reused > 0) lines.push(translate(lang, 'shell.report.reused', { count: r.reused }));
  if (r.purged > 0) lines.push(translate(lang, 'shell.report.purged', { count: r.purged }));
  if (r.messages > 0) lines.push(translate(lang, 'shell.report.messages', { count: r.messages }));
  if (r.server_state === 'expired') lines.push(translate(lang, 'shell.server_state.expired'));
  if (r.server_state === 'gone') lines.push(translate(lang, 'shell.server_state.gone'));
  lines.push(...rejections(r.failed, 'shell.report.failed', lang));
  return lines;
}

/** What a push did, in a line or a few (also used by the Push button). */
export function pushLines(r: PushReport, lang: Locale = locale()): string[] {
  const lines = [translate(lang, 'shell.report.pushed', { count: r.applied })];
  if (r.conflicts > 0) lines.push(translate(lang, 'shell.report.conflicts', { count: r.conflicts }));
  if (r.gone > 0) lines.push(translate(lang, 'shell.report.gone', { count: r.gone }));
  if (r.dead > 0) lines.push(translate(lang, 'shell.report.dead', { count: r.dead }));
  if (r.pending > 0) lines.push(translate(lang, 'shell.report.still_pending', { count: r.pending }));
  return lines;
}

function rejections(
  list: readonly Rejection[],
  key: 'shell.report.rejected' | 'shell.report.failed' | 'shell.report.export_failed',
  lang: Locale,
): string[] {
  if (list.length === 0) return [];
  const lines = [translate(lang, key, { count: list.length })];
  for (const r of list.slice(0, MAX_NAMED)) {
    lines.push(translate(lang, 'shell.report.reason', { name: r.name, reason: r.reason }));
  }
  if (list.length > MAX_NAMED) {
    lines.push(translate(lang, 'shell.report.more', { count: list.length - MAX_NAMED }));
  }
  return lines;
}

/**
 * Whether a finished job changed what the library view shows of its event
 * (new, removed or re-moderated items): only then is the view reloaded, so
 * a sync with nothing new does not reset the organizer's place in the grid.
 * Without a report (a job that failed part-way) it may have: reload.
 */
export function changedLibrary(finished: JobFinished): boolean {
  const report = finished.report;
  if (!report) return finished.outcome !== 'cancelled';
  const pulled = (r: PullReport) => r.changes > 0 || r.downloaded > 0 || r.purged > 0 || r.messages > 0;
  switch (report.kind) {
    case 'import':
      return report.report.imported > 0;
    case 'pull':
      return pulled(report.report);
    case 'sync': {
      const push = report.report.push;
      // Conflicts and gone items change the items' state as the grid shows it.
      return pulled(report.report.pull) || push.conflicts > 0 || push.gone > 0 || push.dead > 0;
    }
    case 'export':
      // An export only reads the library.
      return false;
    case 'archive':
      return report.report.pull !== null && pulled(report.report.pull);
  }
}
