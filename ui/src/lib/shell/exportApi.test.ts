// @vitest-environment jsdom
/** The export, archive and forget IPC wrappers (api.ts), with the argument names the Rust side declares. */
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';

import { createApi } from '../api';
import type { ExportRequest } from '../bindings/ExportRequest';
import { fakeTauriPage, recordIpc } from './testing/ipc';

fakeTauriPage();

describe('export commands', () => {
  it('sends export, archive, verify, forget and the archive settings with the Rust argument names', async () => {
    const calls = recordIpc((command) => (command.startsWith('start_') ? 9 : null));
    const api = createApi();
    const request: ExportRequest = {
      event: '3',
      to: '/backup/wedding.zip',
      only: { kind: 'collection', name: 'Best of' },
      template: null,
      layout: 'by_day',
      strip_location: true,
      gallery: false,
    };
    const settings = { auto_archive: true, days_before: 7, folder: '/backup' };

    expect(await api.startExport(request)).toBe(9);
    expect(await api.startArchive(3, '/backup')).toBe(9);
    await api.verifyExport('/backup/wedding.zip');
    await api.forgetPreview(3);
    await api.forgetEvent('Wedding');
    await api.archiveSettings();
    await api.setArchiveSettings(settings);

    expect(calls).toEqual([
      ['start_export', { request }],
      ['start_archive', { event: '3', folder: '/backup' }],
      ['verify_export', { path: '/backup/wedding.zip' }],
      ['forget_preview', { event: '3' }],
      ['forget_event', { event: 'Wedding' }],
      ['archive_settings', {}],
      ['set_archive_settings', { settings }],
    ]);
  });

  it('turns a refused export into {code, message}', async () => {
    mockIPC(() => {
      throw { code: 'invalid_input', message: 'The folder is not empty.' };
    });
    await expect(createApi().startExport({} as ExportRequest)).rejects.toEqual({
      code: 'invalid_input',
      message: 'The folder is not empty.',
    });
  });
});
