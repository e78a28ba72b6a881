// @vitest-environment jsdom
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createApi, toIpcError } from './api';

// The desktop webview sets `isTauri`; `mockIPC` only fakes the bridge itself.
const page = globalThis as { isTauri?: boolean };
beforeEach(() => {
  page.isTauri = true;
});
afterEach(() => {
  clearMocks();
  delete page.isTauri;
});

describe('createApi', () => {
  it('calls the commands by name with the argument names the Rust side declares', async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      return [];
    });

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
