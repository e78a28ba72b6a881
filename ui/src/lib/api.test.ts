// @vitest-environment jsdom
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';

import { createApi, JOB_FINISHED_EVENT, JOB_PROGRESS_EVENT, toIpcError } from './api';
import { fakeTauriPage, recordIpc } from './shell/testing/ipc';

const page = fakeTauriPage();

describe('createApi', () => {
  it('calls the commands by name with the argument names the Rust side declares', async () => {
    const calls = recordIpc(() => []);

    const api = createApi();
    await api.events();
    await api.media(7);
    await api.media('Wedding', { status: 'approved' });

    expect(calls).toEqual([
      ['events', {}],
      ['media', { event: '7', query: null }],
      ['media', { event: 'Wedding', query: { status: 'approved' } }],
    ]);
  });

  it('sends the shell’s commands with the argument names the Rust side declares', async () => {
    const calls = recordIpc((command) => (command === 'start_pull' || command === 'start_import' ? 3 : null));

    const api = createApi();
    await api.account();
    await api.login('https://klikt.example', 'me@example.com', 'secret');
    await api.startDemo();
    expect(await api.startPull('remote-1')).toBe(3);
    await api.startSync(4);
    await api.startImport(['/photos/Wedding'], 'Wedding');
    await api.cancelJob(3);
    await api.syncStatus(4);
    await api.push(4);
    await api.moderate(4, [12], 'approve');

    expect(calls).toEqual([
      ['account', {}],
      ['login', { server_url: 'https://klikt.example', email: 'me@example.com', password: 'secret' }],
      ['start_demo', {}],
      ['start_pull', { event: 'remote-1' }],
      ['start_sync', { event: '4' }],
      ['start_import', { paths: ['/photos/Wedding'], event_name: 'Wedding' }],
      ['cancel_job', { job: 3 }],
      ['sync_status', { event: '4' }],
      ['push', { event: '4' }],
      ['moderate', { event: '4', ids: [12], action: 'approve' }],
    ]);
  });

  it('hands job progress and ends to their listeners with the payload only', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const { emit } = await import('@tauri-apps/api/event');
    const api = createApi();
    const progress: unknown[] = [];
    const ends: unknown[] = [];
    const stopProgress = await api.onJobProgress((p) => progress.push(p));
    await api.onJobFinished((f) => ends.push(f));

    await emit(JOB_PROGRESS_EVENT, { job: 1, done: 2 });
    await emit(JOB_FINISHED_EVENT, { job: 1, outcome: 'done' });
    stopProgress();
    await emit(JOB_PROGRESS_EVENT, { job: 1, done: 3 });

    expect(progress).toEqual([{ job: 1, done: 2 }]);
    expect(ends).toEqual([{ job: 1, outcome: 'done' }]);
  });

  it('passes {code, message} errors through as they are', async () => {
    mockIPC(() => {
      throw { code: 'library_too_new', message: 'This library was made by a newer Klikt.' };
    });

    await expect(createApi().events()).rejects.toEqual({
      code: 'library_too_new',
      message: 'This library was made by a newer Klikt.',
    });
  });
});

describe('toIpcError', () => {
  it('keeps only code and message of an IpcError', () => {
    expect(toIpcError({ code: 'not_found', message: 'No event "x".', extra: 1 })).toEqual({
      code: 'not_found',
      message: 'No event "x".',
    });
  });

  it('wraps plain strings and Errors the bridge itself may reject with', () => {
    expect(toIpcError('command media not allowed')).toEqual({
      code: 'ipc',
      message: 'command media not allowed',
    });
    expect(toIpcError(new Error('boom'))).toEqual({ code: 'ipc', message: 'boom' });
    expect(toIpcError(undefined).code).toBe('unknown');
  });

  it('says so when the page is opened outside the desktop app', () => {
    delete page.isTauri;
    expect(toIpcError(new TypeError("Cannot read properties of undefined (reading 'invoke')"))).toEqual(
      expect.objectContaining({ code: 'no_bridge' }),
    );
  });
});
