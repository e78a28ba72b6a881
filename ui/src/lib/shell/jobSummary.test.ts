import { describe, expect, it } from 'vitest';

import type { JobFinished } from '../bindings/JobFinished';
import type { PullReport } from '../bindings/PullReport';
import { changedLibrary, jobSummary, needsAttention, pushLines } from './jobSummary';
import { exportReport, verifyReport } from './testing/fakeApi';

const pull = (overrides: Partial<PullReport> = {}): PullReport => ({
  event_id: 3,
  event_name: 'Wedding',
  remote_id: 'r1',
  changes: 40,
  downloaded: 12,
  bytes_downloaded: 36_000_000,
  reused: 0,
  purged: 2,
  messages: 0,
  failed: [],
  server_state: 'active',
  cancelled: false,
  ...overrides,
});

const finished = (overrides: Partial<JobFinished>): JobFinished => ({
  job: 1,
  kind: 'pull',
  outcome: 'done',
  event_id: 3,
  report: null,
  error: null,
  elapsed_ms: 1000,
  ...overrides,
});

describe('jobSummary', () => {
  it('tells what an import did, naming rejected files with their reason', () => {
    const rejected = Array.from({ length: 7 }, (_, i) => ({ name: `f${i}.txt`, reason: 'Not a photo or a video.' }));
    const summary = jobSummary(
      finished({
        kind: 'import',
        report: {
          kind: 'import',
          report: {
            event_id: 3, event_name: 'Card', event_created: true, imported: 1, duplicates: 4,
            rejected, without_preview: 2, cancelled: false,
          },
        },
      }),
      'en',
    );

    expect(summary.title).toBe('Imported into “Card”');
    expect(summary.lines).toEqual([
      '1 photo or video imported',
      '4 duplicates skipped',
      '2 without a preview',
      '7 files not imported:',
      'f0.txt: Not a photo or a video.',
      'f1.txt: Not a photo or a video.',
      'f2.txt: Not a photo or a video.',
      'f3.txt: Not a photo or a video.',
      'f4.txt: Not a photo or a video.',
      '…and 2 more',
    ]);
  });

  it('tells what a pull did, in French too', () => {
    const done = finished({ report: { kind: 'pull', report: pull({ server_state: 'expired' }) } });

    expect(jobSummary(done, 'en')).toEqual({
      title: 'Pulled “Wedding”',
      lines: [
        '12 new originals downloaded (36 MB)',
        '2 removed (deleted on the server)',
        'The plan ended on the server: guests can no longer upload, and your local copy stays.',
      ],
    });
    expect(jobSummary(done, 'fr').title).toBe('«\u00a0Wedding\u00a0» rapatrié');
    expect(jobSummary(done, 'fr').lines[0]).toBe('12 nouveaux originaux téléchargés (36 Mo)');
  });

  it('tells what a sync pulled and pushed', () => {
    const summary = jobSummary(
      finished({
        kind: 'sync',
        report: {
          kind: 'sync',
          report: { pull: pull({ downloaded: 0, bytes_downloaded: 0, purged: 0 }), push: { sent: 3, applied: 3, conflicts: 0, gone: 0, dead: 0, pending: 0 } },
        },
      }),
      'en',
    );
    expect(summary.title).toBe('Synced “Wedding”');
    expect(summary.lines).toEqual(['Nothing new on the server', '3 decisions taken by the server']);
  });

  it('gives a failure’s reason in the backend’s words', () => {
    const summary = jobSummary(
      finished({ outcome: 'failed', event_id: null, error: { code: 'remote', message: 'The server did not answer.' } }),
      'en',
    );
    expect(summary).toEqual({ title: 'The pull failed', lines: ['The server did not answer.'] });
  });

  it('says a cancelled job was cancelled', () => {
    expect(jobSummary(finished({ kind: 'import', outcome: 'cancelled' }), 'fr').title).toBe('Import annulé');
  });
});

describe('export and archive summaries', () => {
  it('tells where an export went, with its size, and names each file that failed', () => {
    const done = finished({
      kind: 'export',
      report: {
        kind: 'export',
        report: exportReport({
          destination: '/backup/Wedding.zip',
          skipped: 3,
          failed: [{ media_id: 9, original_name: '<b>IMG_9.jpg</b>', reason: 'The original is missing from the library.' }],
        }),
      },
    });

    expect(jobSummary(done, 'en')).toEqual({
      title: 'Exported “Wedding”',
      lines: [
        'Exported 1,024 files (3.1 GB) to /backup/Wedding.zip',
        '3 were already there, unchanged',
        '12 guest messages',
        '1 file not exported:',
        '<b>IMG_9.jpg</b>: The original is missing from the library.',
      ],
    });
    expect(jobSummary(done, 'fr').lines[0]).toBe('1\u202f024 fichiers exportés (3,1 Go) vers /backup/Wedding.zip');
    expect(needsAttention(done)).toBe(true);
    expect(changedLibrary(done)).toBe(false);
  });

  it('tells what an archive pulled, wrote and verified', () => {
    const done = finished({
      kind: 'archive',
      report: { kind: 'archive', report: { pull: pull({ downloaded: 0, purged: 0, changes: 0 }), export: exportReport(), verify: verifyReport() } },
    });
    expect(jobSummary(done, 'en')).toEqual({
      title: 'Archived “Wedding”',
      lines: ['Nothing new on the server', 'Exported 1,024 files (3.1 GB) to /backup/Wedding', '12 guest messages', 'Verified: all 1,024 files intact'],
    });
    expect(needsAttention(done)).toBe(false);
    expect(changedLibrary(done)).toBe(false);
    expect(jobSummary(done, 'fr').title).toBe('«\u00a0Wedding\u00a0» archivé');
  });

  it('says when an archive could not pull first, and lists what its check found wrong', () => {
    const done = finished({
      kind: 'archive',
      report: {
        kind: 'archive',
        report: {
          pull: null,
          export: exportReport({ messages: 0 }),
          verify: verifyReport({ missing: ['Sam/0001.jpg'], altered: ['Sam/0002.jpg', 'index.html'] }),
        },
      },
    });
    expect(jobSummary(done, 'en').lines).toEqual([
      'Not pulled first (the server did not answer): archived what is on this computer',
      'Exported 1,024 files (3.1 GB) to /backup/Wedding',
      'Verification: 1 file missing:',
      'Sam/0001.jpg',
      'Verification: 2 files altered:',
      'Sam/0002.jpg',
      'index.html',
    ]);
    expect(needsAttention(done)).toBe(true);
  });

  it('reloads the open event after an archive pulled something new', () => {
    const report = { pull: pull(), export: exportReport(), verify: verifyReport() };
    expect(changedLibrary(finished({ kind: 'archive', report: { kind: 'archive', report } }))).toBe(true);
  });

  it('says what stays of a cancelled export', () => {
    const cancelled = (zip: boolean) =>
      finished({
        kind: 'export',
        outcome: 'cancelled',
        report: { kind: 'export', report: exportReport({ zip, cancelled: true, files: 300, bytes: 900_000_000, messages: 0 }) },
      });
    expect(jobSummary(cancelled(false), 'en')).toEqual({
      title: 'Export cancelled',
      lines: ['300 files (900 MB) written to /backup/Wedding so far: exporting there again finishes it'],
    });
    expect(jobSummary(cancelled(true), 'en').lines).toEqual(['The unfinished ZIP file /backup/Wedding was removed']);
  });

  it('names unnamed, cancelled and failed exports and archives', () => {
    expect(jobSummary(finished({ kind: 'export' }), 'en').title).toBe('Export finished');
    expect(jobSummary(finished({ kind: 'archive', outcome: 'cancelled' }), 'en').title).toBe('Archive cancelled');
    expect(jobSummary(finished({ kind: 'archive', outcome: 'failed' }), 'fr').title).toBe('L’archivage a échoué');
  });
});

describe('pushLines', () => {
  it('mentions only what happened', () => {
    expect(pushLines({ sent: 5, applied: 2, conflicts: 1, gone: 1, dead: 1, pending: 0 }, 'en')).toEqual([
      '2 decisions taken by the server',
      '1 conflict to look at',
      '1 item gone from the server',
      '1 decision the server will never take',
    ]);
  });
});

describe('changedLibrary', () => {
  it('is true when a job brought, removed or re-moderated items', () => {
    expect(changedLibrary(finished({ report: { kind: 'pull', report: pull() } }))).toBe(true);
    expect(changedLibrary(finished({ outcome: 'failed' }))).toBe(true);
  });

  it('is false when nothing changed, so the grid keeps its place', () => {
    const quiet = pull({ changes: 0, downloaded: 0, purged: 0 });
    const push = { sent: 2, applied: 2, conflicts: 0, gone: 0, dead: 0, pending: 0 };
    expect(changedLibrary(finished({ report: { kind: 'pull', report: quiet } }))).toBe(false);
    expect(changedLibrary(finished({ kind: 'sync', report: { kind: 'sync', report: { pull: quiet, push } } }))).toBe(false);
    expect(changedLibrary(finished({ outcome: 'cancelled' }))).toBe(false);
  });
});
