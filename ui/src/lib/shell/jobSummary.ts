/**
 * The words for a finished job (toast and desktop notification): a title
 * saying what ended and how, and detail lines with the report's counts and
 * each rejected or failed file with its reason.
 */

import type { JobFinished } from '../bindings/JobFinished';
import type { PullReport } from '../bindings/PullReport';
import type { PushReport } from '../bindings/PushReport';
import type { Rejection } from '../bindings/Rejection';
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
  const name =
    report?.kind === 'sync' ? report.report.pull.event_name : (report?.report.event_name ?? '');

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
  }
  return { title, lines };
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
  key: 'shell.report.rejected' | 'shell.report.failed',
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
  }
}
