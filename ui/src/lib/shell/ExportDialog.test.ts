// @vitest-environment jsdom
/**
 * The export dialog on the fake API: the request it starts, the template's
 * problems and example as typed, the job it follows, and its report with
 * Verify. Guest text (file names, reasons, paths) must stay text.
 */
import { describe, expect, it } from 'vitest';

import type { JobFinished } from '../bindings/JobFinished';
import type { MediaQuery } from '../bindings/MediaQuery';
import { setLocale } from '../i18n/index.svelte';
import { fakeItem } from '../library/testing/fakeApi';
import ExportDialog from './ExportDialog.svelte';
import { Jobs, type RunningJob } from './jobs.svelte';
import { all, choose, click, one, settle, type } from './testing/dom';
import { collection, exportReport, exportRequest, fakeApi, localEvent, verifyReport, type Fake } from './testing/fakeApi';
import { mountedEach } from './testing/mount';

const page = mountedEach();

const wedding = localEvent(1, 'Wedding', { media_count: 40, remote_id: 'r1' });

async function open(fake: Fake = fakeApi({ events: [wedding], collections: { 1: [collection(4, 1, 'Best of')] } })) {
  const jobs = new Jobs(() => {});
  await fake.api.onJobProgress((p) => jobs.progress(p));
  await fake.api.onJobFinished((f) => jobs.finished(f));
  const cancelled: RunningJob[] = [];
  let closed = 0;
  page.put(ExportDialog, {
    api: fake.api,
    platform: fake.platform,
    jobs,
    event: wedding,
    oncanceljob: (job: RunningJob) => cancelled.push(job),
    onclose: () => (closed += 1),
  });
  await settle();
  return { fake, jobs, cancelled, closed: () => closed, dialog: one(document.body, 'export-dialog') };
}

const ended = (overrides: Partial<JobFinished> = {}): JobFinished => ({
  job: 1,
  kind: 'export',
  outcome: 'done',
  event_id: 1,
  report: { kind: 'export', report: exportReport() },
  error: null,
  elapsed_ms: 42_000,
  ...overrides,
});

describe('export dialog', () => {
  it('takes a destination typed or pasted instead of picked', async () => {
    const { fake, dialog } = await open();
    const field = one(dialog, 'export-destination') as HTMLInputElement;
    field.value = '/media/usb/Wedding';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await click(one(dialog, 'export-start'));
    const [[request]] = fake.called('startExport') as [[{ to: string }]];
    expect(request.to).toBe('/media/usb/Wedding');
  });

  it('starts the export with the default request once a folder is chosen', async () => {
    const { fake, dialog } = await open();
    fake.picks.folder = '/backup/Wedding';

    await click(one(dialog, 'export-choose'));
    expect((one(dialog, 'export-destination') as HTMLInputElement).value).toBe('/backup/Wedding');
    await click(one(dialog, 'export-start'));

    expect(fake.called('startExport')).toEqual([[exportRequest()]]);
    expect(all(dialog, 'export-progress')).toHaveLength(1);
  });

  it('sends every option as chosen: a collection, a template, by day, no location, no gallery, a ZIP file', async () => {
    const { fake, dialog } = await open();
    fake.picks.zipPath = '/backup/wedding-best';

    await choose(one(dialog, 'export-selection'), 'collection');
    await choose(one(dialog, 'export-collection'), 'Best of');
    await type(one(dialog, 'export-template'), '{seq}_{original}.{ext}');
    await choose(one(dialog, 'export-layout'), 'by_day');
    await click(one(dialog, 'export-strip-location'));
    await click(one(dialog, 'export-gallery'));
    await click(one(dialog, 'export-dest-zip'));
    expect(one(dialog, 'export-choose').textContent?.trim()).toBe('Choose ZIP file…');
    await click(one(dialog, 'export-choose'));
    expect((one(dialog, 'export-destination') as HTMLInputElement).value).toBe('/backup/wedding-best.zip');
    await click(one(dialog, 'export-start'));

    expect(fake.called('startExport')).toEqual([
      [
        {
          event: '1',
          to: '/backup/wedding-best.zip',
          only: { kind: 'collection', name: 'Best of' },
          template: '{seq}_{original}.{ext}',
          layout: 'by_day',
          strip_location: true,
          gallery: false,
        },
      ],
    ]);
  });

  it('says what is missing instead of starting', async () => {
    const { fake, dialog } = await open();
    await choose(one(dialog, 'export-selection'), 'collection');
    await click(one(dialog, 'export-start'));

    expect(fake.called('startExport')).toEqual([]);
    expect(one(dialog, 'export-collection-error').textContent).toBe('Choose the collection to export.');
    expect(one(dialog, 'export-destination-error').textContent).toBe('Choose the folder to export into.');
    expect(one(dialog, 'export-collection').getAttribute('aria-invalid')).toBe('true');
  });

  it('flags an unknown placeholder as it is typed, and shows the first file’s name otherwise', async () => {
    const queries: unknown[] = [];
    const first = fakeItem(7, { original_name: 'DSC_0007.JPG', uploader: '<b>Chloé</b>', captured_at: '2026-05-12T21:05:09Z' });
    const fake = fakeApi(
      { events: [wedding] },
      {
        media: async (_event: string | number, query?: MediaQuery) => {
          queries.push(query);
          return query?.status === 'approved' ? [first] : [];
        },
      },
    );
    const { dialog } = await open(fake);

    expect(one(dialog, 'export-example').textContent?.trim()).toBe('For example: 2026-06-20_18-42-07_Alex_0001.jpg');
    await choose(one(dialog, 'export-selection'), 'approved');
    expect(queries).toContainEqual({ limit: 1, status: 'approved' });
    expect(one(dialog, 'export-example').textContent?.trim()).toBe('First file: 2026-05-12_21-05-09__b_Chloé__b__0001.jpg');
    expect(dialog.querySelectorAll('b')).toHaveLength(0);

    await type(one(dialog, 'export-template'), '{date}_{camera}.{ext}');
    expect(one(dialog, 'export-template-error').textContent).toBe(
      '{camera} is not a placeholder. Use {date} {time} {uploader} {seq} {ext} {original} {id}.',
    );
    expect(one(dialog, 'export-template').getAttribute('aria-invalid')).toBe('true');
    expect(all(dialog, 'export-example')).toHaveLength(0);

    await click(one(dialog, 'export-template-reset'));
    expect((one(dialog, 'export-template') as HTMLInputElement).value).toBe('{date}_{time}_{uploader}_{seq}.{ext}');
    expect(all(dialog, 'export-template-error')).toHaveLength(0);
  });

  it('shows the backend’s refusal to start in its words, and stays on the form', async () => {
    const fake = fakeApi(
      { events: [wedding] },
      { startExport: () => Promise.reject({ code: 'invalid_input', message: 'The folder is not empty.' }) },
    );
    fake.picks.folder = '/home/me';
    const { dialog } = await open(fake);
    await click(one(dialog, 'export-choose'));
    await click(one(dialog, 'export-start'));

    expect(one(dialog, 'export-failure').textContent).toContain('The folder is not empty.');
    expect(all(dialog, 'export-start')).toHaveLength(1);
  });

  it('follows the job with rate and time left, and cancels it', async () => {
    const { fake, dialog, cancelled } = await open();
    fake.picks.folder = '/backup/Wedding';
    await click(one(dialog, 'export-choose'));
    await click(one(dialog, 'export-start'));

    fake.emitProgress({
      job: 1, kind: 'export', phase: 'files', done: 256, total: 1024, bytes_done: 800_000_000,
      bytes_total: 3_200_000_000, current: 'Sam/2026-05-12_21-05-09_Sam_0256.jpg', elapsed_ms: 10_000,
    });
    await settle();

    const progress = one(dialog, 'export-progress');
    expect(one(progress, 'job-phase').textContent).toBe('Copying files');
    expect(one(progress, 'job-counts').textContent).toBe('256 of 1,024');
    expect(one(progress, 'job-rate').textContent).toBe('80 MB/s · 30 s left');
    expect(progress.textContent).toContain('Sam/2026-05-12_21-05-09_Sam_0256.jpg');

    await click(one(dialog, 'export-cancel'));
    expect(cancelled.map((job) => job.id)).toEqual([1]);
  });

  it('reports files, size, what was there, where, and each failure as text', async () => {
    const { fake, dialog } = await open();
    fake.picks.folder = '/backup/Wedding';
    await click(one(dialog, 'export-choose'));
    await click(one(dialog, 'export-start'));

    const hostile = '<img src=x onerror=alert(1)>.jpg';
    fake.emitFinished(
      ended({
        report: {
          kind: 'export',
          report: exportReport({
            skipped: 10,
            failed: [
              { media_id: 9, original_name: hostile, reason: 'The original is <b>missing</b> from the library.' },
              { media_id: 12, original_name: 'IMG_12.heic', reason: 'Permission denied.' },
            ],
          }),
        },
      }),
    );
    await settle();

    const report = one(dialog, 'export-report');
    expect(report.dataset.outcome).toBe('done');
    expect(report.textContent).toContain('Export finished');
    expect(one(report, 'export-report-files').textContent).toBe('1,024');
    expect(one(report, 'export-report-bytes').textContent).toBe('3.1 GB');
    expect(one(report, 'export-report-skipped').textContent).toBe('10');
    expect(one(report, 'export-report-where').textContent).toBe('/backup/Wedding');
    expect(report.textContent).toContain('2 items could not be exported:');
    const failures = all(report, 'export-failure');
    expect(failures.map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      `${hostile} The original is <b>missing</b> from the library.`,
      'IMG_12.heic Permission denied.',
    ]);
    expect(report.querySelectorAll('img, b')).toHaveLength(0);
  });

  it('verifies the export: OK, or the missing and altered paths', async () => {
    const { fake, dialog } = await open();
    fake.picks.folder = '/backup/Wedding';
    await click(one(dialog, 'export-choose'));
    await click(one(dialog, 'export-start'));
    fake.emitFinished(ended());
    await settle();

    await click(one(dialog, 'export-verify'));
    expect(fake.called('verifyExport')).toEqual([['/backup/Wedding']]);
    expect(one(dialog, 'export-verify-ok').textContent).toBe('Verified: all 1,024 files match their checksums.');

    fake.state.verify['/backup/Wedding'] = verifyReport({
      missing: ['Sam/0001.jpg'],
      altered: ['<i>Chloé</i>/0002.jpg', 'index.html'],
    });
    await click(one(dialog, 'export-verify'));
    expect(all(dialog, 'export-verify-ok')).toHaveLength(0);
    const problems = one(dialog, 'export-verify-problems');
    expect(problems.textContent).toContain('1 file is missing:');
    expect(problems.textContent).toContain('2 files were altered:');
    expect(all(problems, 'export-verify-missing').map((el) => el.textContent)).toEqual(['Sam/0001.jpg']);
    expect(all(problems, 'export-verify-altered').map((el) => el.textContent)).toEqual(['<i>Chloé</i>/0002.jpg', 'index.html']);
    expect(problems.querySelectorAll('i')).toHaveLength(0);
  });

  it('says an export was cancelled or failed, without Verify', async () => {
    const { fake, dialog } = await open();
    fake.picks.folder = '/backup/Wedding';
    await click(one(dialog, 'export-choose'));
    await click(one(dialog, 'export-start'));
    fake.emitFinished(
      ended({ outcome: 'failed', report: null, error: { code: 'io', message: 'No space left on the disk.' } }),
    );
    await settle();

    const report = one(dialog, 'export-report');
    expect(report.dataset.outcome).toBe('failed');
    expect(report.textContent).toContain('The export failed');
    expect(report.textContent).toContain('No space left on the disk.');
    expect(all(dialog, 'export-verify')).toHaveLength(0);
  });

  it('says what stays of a cancelled export: a folder to finish, a ZIP file removed', async () => {
    const { fake, dialog } = await open();
    fake.picks.folder = '/backup/Wedding';
    await click(one(dialog, 'export-choose'));
    await click(one(dialog, 'export-start'));
    fake.emitFinished(
      ended({ outcome: 'cancelled', report: { kind: 'export', report: exportReport({ files: 300, cancelled: true }) } }),
    );
    await settle();

    const report = one(dialog, 'export-report');
    expect(report.dataset.outcome).toBe('cancelled');
    expect(report.textContent).toContain('Export cancelled');
    expect(one(report, 'export-report-cancelled').textContent).toContain('exporting again to the same place goes on');
    expect(one(report, 'export-report-files').textContent).toBe('300');
    expect(all(dialog, 'export-verify')).toHaveLength(0);
  });

  it('says a cancelled ZIP export left nothing behind', async () => {
    const { fake, dialog } = await open();
    fake.picks.folder = '/backup/Wedding';
    await click(one(dialog, 'export-choose'));
    await click(one(dialog, 'export-start'));
    fake.emitFinished(
      ended({ outcome: 'cancelled', report: { kind: 'export', report: exportReport({ zip: true, cancelled: true }) } }),
    );
    await settle();
    expect(one(dialog, 'export-report-cancelled').textContent?.trim()).toBe('The unfinished ZIP file was removed.');
  });

  it('speaks French', async () => {
    setLocale('fr');
    const { dialog } = await open();
    expect(dialog.textContent).toContain('Exporter «\u00a0Wedding\u00a0»');
    expect(one(dialog, 'export-start').textContent?.trim()).toBe('Exporter');
  });
});
