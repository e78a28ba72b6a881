/**
 * The app shell mounted with a fake `KliktApi` and platform, for the shell's
 * tests: call `appShell()` once at a test file's top level (after mocking
 * the library view). ResizeObserver is stubbed for jsdom; after each test
 * the app is unmounted and the page, language and storage reset.
 */
import { beforeAll } from 'vitest';

import App from '../../../App.svelte';
import { settle } from './dom';
import type { Fake } from './fakeApi';
import { mountedEach } from './mount';

export interface AppShell {
  /** Mounts the app on `fake` and lets it start. */
  show(fake: Fake): Promise<HTMLElement>;
  /** Unmounts the app and empties the page, as the desktop app's window closing. */
  close(): void;
  /** Closes the app and mounts it again on `fake`, as a restart of the desktop app. */
  restart(fake: Fake): Promise<HTMLElement>;
}

export function appShell(): AppShell {
  const page = mountedEach();

  beforeAll(() => {
    globalThis.ResizeObserver ??= class {
      observe() {}
      unobserve() {}
      disconnect() {}
    };
  });

  async function show(fake: Fake): Promise<HTMLElement> {
    const target = page.put(App, { api: fake.api, platform: fake.platform });
    await settle();
    return target;
  }

  return {
    show,
    close: page.clear,
    restart(fake) {
      page.clear();
      return show(fake);
    },
  };
}
