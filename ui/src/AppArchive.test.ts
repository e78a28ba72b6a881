// @vitest-environment jsdom
/**
 * Export before expiry in the shell, with a fake `KliktApi` and platform:
 * the event header's Export…, Archive now and menu, export and archive
 * jobs in the task list and toasts, forgetting an event, the archive
 * settings, and the plan-end notifications.
 */
import { describe, expect, it, vi } from 'vitest';

import type { JobFinished } from './lib/bindings/JobFinished';
import { appShell } from './lib/shell/testing/app';
import { all, click, one, settle, type } from './lib/shell/testing/dom';
import { exportReport, fakeApi, localEvent, verifyReport, type Fake } from './lib/shell/testing/fakeApi';

vi.mock('./lib/library/LibraryView.svelte', async () => import('./lib/shell/testing/LibraryStub.svelte'));

const { show, restart } = appShell();

const DAY = 86_400_000;
/** A plan end `days` whole days (and an hour) from now. */
const inDays = (days: number) => new Date(Date.now() + days * DAY + 3_600_000).toISOString();

const finished = (overrides: Partial<JobFinished>): JobFinished => ({
  job: 1,
  kind: 'export',
  outcome: 'done',
  event_id: 1,
  report: null,
  error: null,
  elapsed_ms: 2_000,
  ...overrides,
});

const archiveReport = (verify = verifyReport()): JobFinished['report'] => ({
  kind: 'archive',
  report: { pull: null, export: exportReport({ messages: 0 }), verify },
});

describe('export from the event header', () => {
  it('opens the export dialog, runs the export as a job and reports it in the dialog and a toast', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding', { media_count: 1024 })] });
    fake.picks.folder = '/backup/Wedding';
    const root = await show(fake);

    await click(one(root, 'export-open'));
    const dialog = one(document.body, 'export-dialog');
    expect(dialog.textContent).toContain('Export “Wedding”');
    await click(one(dialog, 'export-choose'));
    await click(one(dialog, 'export-start'));
    expect(fake.called('startExport')).toHaveLength(1);

    fake.emitProgress({
      job: 1, kind: 'export', phase: 'files', done: 10, total: 1024, bytes_done: 30_000_000,
      bytes_total: 3_100_000_000, current: null, elapsed_ms: 1_000,
    });
    await settle();
    const strip = one(root, 'job-progress');
    expect(strip.dataset.jobKind).toBe('export');
    expect(strip.textContent).toContain('Exporting “Wedding”');
    expect(strip.textContent).toContain('Copying files');

    fake.emitFinished(finished({ report: { kind: 'export', report: exportReport() } }));
    await settle();

    expect(all(root, 'job-progress')).toHaveLength(0);
    const toast = one(root, 'toast');
    expect(toast.dataset.outcome).toBe('done');
    expect(toast.textContent).toContain('Exported “Wedding”');
    expect(toast.textContent).toContain('Exported 1,024 files (3.1 GB) to /backup/Wedding');
    expect(one(dialog, 'export-report').dataset.outcome).toBe('done');

    await click(one(dialog, 'export-close'));
    expect(all(document.body, 'export-dialog')).toHaveLength(0);
  });

  it('keeps a toast on screen when files could not be exported', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding')] });
    const root = await show(fake);
    fake.emitFinished(
      finished({
        report: {
          kind: 'export',
          report: exportReport({ failed: [{ media_id: 3, original_name: '<b>x</b>.jpg', reason: 'Unreadable.' }] }),
        },
      }),
    );
    await settle();

    const toast = one(root, 'toast');
    expect(toast.dataset.outcome).toBe('failed');
    expect(toast.textContent).toContain('<b>x</b>.jpg: Unreadable.');
    expect(toast.querySelectorAll('b')).toHaveLength(0);
  });
});

describe('archive now', () => {
  it('is offered for linked events only, and emphasized once the server deletes the event within 14 days', async () => {
    const fake = fakeApi({
      events: [
        localEvent(1, 'Soon', { remote_id: 'a', expires_at: inDays(-20), backup_until: inDays(10) }),
        // Uploads close in 2 days, but nothing is deleted for 40: no hurry.
        localEvent(2, 'Later', { remote_id: 'b', expires_at: inDays(2), backup_until: inDays(40) }),
        localEvent(3, 'Card dump'),
      ],
    });
    const root = await show(fake);

    const soon = one(root, 'archive-now');
    expect(soon.dataset.emphasized).toBe('true');
    expect(soon.classList.contains('primary')).toBe(true);
    expect(soon.title).toContain('The server deletes this event in 10 days');

    await click(all(root, 'event-row')[1]!);
    expect(one(root, 'archive-now').dataset.emphasized).toBe('false');
    await click(all(root, 'event-row')[2]!);
    expect(all(root, 'archive-now')).toHaveLength(0);
    expect(all(root, 'export-open')).toHaveLength(1);
  });

  it('asks for a folder, starts the archive and shows it verified', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding', { remote_id: 'r1', backup_until: inDays(3) })] });
    const root = await show(fake);

    await click(one(root, 'archive-now'));
    expect(fake.called('startArchive')).toEqual([]);

    fake.picks.folder = '/backup';
    await click(one(root, 'archive-now'));
    expect(fake.called('startArchive')).toEqual([[1, '/backup']]);
    expect((one(root, 'archive-now') as HTMLButtonElement).disabled).toBe(true);
    expect((one(root, 'sync-button') as HTMLButtonElement).disabled).toBe(true);

    fake.emitProgress({
      job: 1, kind: 'archive', phase: 'verify', done: 3, total: 10, bytes_done: 0, bytes_total: 0, current: null, elapsed_ms: 500,
    });
    await settle();
    expect(one(root, 'job-progress').textContent).toContain('Archiving “Wedding”');
    expect(one(root, 'job-phase').textContent).toBe('Verifying the copy');

    fake.emitFinished(finished({ kind: 'archive', report: archiveReport() }));
    await settle();
    const toast = one(root, 'toast');
    expect(toast.dataset.outcome).toBe('done');
    expect(toast.textContent).toContain('Archived “Wedding”');
    expect(toast.textContent).toContain('Verified: all 1,024 files intact');
    expect((one(root, 'archive-now') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows an automatic archive the app started by itself, and keeps a failed check on screen', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding', { remote_id: 'r1' })] });
    const root = await show(fake);

    fake.emitProgress({
      job: 7, kind: 'archive', phase: 'changes', done: 0, total: 0, bytes_done: 0, bytes_total: 0, current: null, elapsed_ms: 100,
    });
    await settle();
    expect(one(root, 'job-progress').textContent).toContain('Archiving');

    fake.emitFinished(finished({ job: 7, kind: 'archive', report: archiveReport(verifyReport({ missing: ['Sam/0001.jpg'] })) }));
    await settle();
    const toast = one(root, 'toast');
    expect(toast.dataset.outcome).toBe('failed');
    expect(toast.textContent).toContain('Archived “Wedding”');
    expect(toast.textContent).toContain('Verification: 1 file missing:');
    expect(toast.textContent).toContain('Sam/0001.jpg');
  });
});

describe('forget', () => {
  it('forgets the event after its name is typed, says so, and goes back to the list without it', async () => {
    const fake = fakeApi({ events: [localEvent(2, 'Party'), localEvent(1, 'Wedding', { media_count: 12 })] });
    const root = await show(fake);
    await click(all(root, 'event-row')[1]!);
    expect(one(root, 'event-title').textContent).toBe('Wedding');

    await click(one(root, 'event-menu'));
    await click(one(root, 'forget-open'));
    const dialog = one(document.body, 'forget-dialog');
    expect(one(dialog, 'forget-no-export').textContent).toContain('No verified export');
    await type(one(dialog, 'forget-name'), 'Wedding');
    await click(one(dialog, 'forget-confirm'));

    expect(fake.called('forgetEvent')).toEqual([[1]]);
    expect(all(document.body, 'forget-dialog')).toHaveLength(0);
    expect(all(root, 'event-row').map((el) => el.dataset.eventName)).toEqual(['Party']);
    expect(one(root, 'event-title').textContent).toBe('Party');
    expect(document.activeElement).toBe(one(root, 'event-row'));
    const toast = one(root, 'toast');
    expect(toast.textContent).toContain('Forgot “Wedding”');
    expect(toast.textContent).toContain('12 photos and videos removed');
  });

  it('leaves the event alone when the dialog is cancelled', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding')] });
    const root = await show(fake);
    await click(one(root, 'event-menu'));
    await click(one(root, 'forget-open'));
    await click(Array.from(one(document.body, 'forget-dialog').querySelectorAll('button')).find((b) => b.textContent === 'Cancel')!);

    expect(all(document.body, 'forget-dialog')).toHaveLength(0);
    expect(fake.called('forgetEvent')).toEqual([]);
    expect(all(root, 'event-row')).toHaveLength(1);
  });
});

describe('archive settings', () => {
  it('turns automatic archiving on with the days and a folder', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding', { remote_id: 'r1' })] });
    const root = await show(fake);
    await click(one(root, 'event-menu'));
    await click(one(root, 'archive-settings-open'));
    const dialog = one(document.body, 'archive-settings-dialog');

    await click(one(dialog, 'archive-auto'));
    await click(one(dialog, 'archive-settings-save'));
    expect(all(dialog, 'archive-settings-error').map((el) => el.textContent)).toEqual(['Choose where automatic archives go.']);
    expect(fake.called('setArchiveSettings')).toEqual([]);

    fake.picks.folder = '/backup/Klikt';
    await click(one(dialog, 'archive-folder-choose'));
    await type(one(dialog, 'archive-days'), '10');
    await click(one(dialog, 'archive-settings-save'));

    expect(fake.called('setArchiveSettings')).toEqual([[{ auto_archive: true, days_before: 10, folder: '/backup/Klikt' }]]);
    expect(one(dialog, 'archive-settings-saved').textContent).toBe('Settings saved.');
    expect(one(dialog, 'archive-folder').textContent).toBe('/backup/Klikt');
  });
});

describe('deletion notifications', () => {
  const expiring = (days: number) =>
    fakeApi({
      events: [
        // Uploads closed a month before the deletion the notices count down to.
        localEvent(1, 'Wedding', { remote_id: 'r1', expires_at: inDays(days - 30), backup_until: inDays(days) }),
        localEvent(2, 'Card dump', { backup_until: inDays(days) }),
      ],
    });
  const planNotices = (fake: Fake) => fake.platform.notifications.filter((n) => n.title.startsWith('The server deletes'));

  it('notifies once as a linked event reaches 7 days left, naming it and Archive now', async () => {
    const fake = expiring(6);
    await show(fake);

    expect(planNotices(fake)).toEqual([
      {
        title: 'The server deletes “Wedding” in 6 days',
        body: 'Archive now to keep a verified copy of every photo and message: open the event in Klikt and choose “Archive now”.',
      },
    ]);

    await restart(fake);
    expect(planNotices(fake)).toHaveLength(1);
  });

  it('notifies again at the next level, and not for a plan far off', async () => {
    const far = expiring(30);
    await show(far);
    expect(planNotices(far)).toEqual([]);

    const fake = expiring(10);
    await restart(fake);
    expect(planNotices(fake).map((n) => n.title)).toEqual(['The server deletes “Wedding” in 10 days']);

    fake.state.events = [
      localEvent(1, 'Wedding', { remote_id: 'r1', backup_until: new Date(Date.now() + 5.5 * 3_600_000).toISOString() }),
    ];
    await restart(fake);
    expect(planNotices(fake).map((n) => n.title)).toEqual([
      'The server deletes “Wedding” in 10 days',
      'The server deletes “Wedding” in 5 hours',
    ]);
  });
});
