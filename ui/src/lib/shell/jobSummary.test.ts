import { describe, expect, it } from 'vitest';

import type { JobFinished } from '../bindings/JobFinished';
import type { PullReport } from '../bindings/PullReport';
import { changedLibrary, jobSummary, pushLines } from './jobSummary';

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
