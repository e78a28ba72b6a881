/**
 * The desktop webview, faked for the IPC wrappers' tests: `isTauri` set
 * (the webview sets it; `mockIPC` only fakes the bridge itself) and the
 * bridge's mocks cleared after each test.
 */
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, beforeEach } from 'vitest';

/** Call once at a test file's top level; returns the page, for a test that takes `isTauri` away. */
export function fakeTauriPage(): { isTauri?: boolean } {
  const page = globalThis as { isTauri?: boolean };
  beforeEach(() => {
    page.isTauri = true;
  });
  afterEach(() => {
    clearMocks();
    delete page.isTauri;
  });
  return page;
}

/** Answers every command with `reply(command)` and records each call, command and arguments. */
export function recordIpc(reply: (command: string) => unknown): Array<[string, unknown]> {
  const calls: Array<[string, unknown]> = [];
  mockIPC((command, args) => {
    calls.push([command, args]);
    return reply(command);
  });
  return calls;
}
