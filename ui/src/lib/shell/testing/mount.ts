/**
 * Components mounted into the page for a test file's tests: call
 * `mountedEach()` once at the file's top level. After each test it unmounts
 * what was mounted, empties the page, and puts back English and an empty
 * local storage.
 */
import { mount, unmount, type Component } from 'svelte';
import { afterEach } from 'vitest';

import { setLocale } from '../../i18n/index.svelte';

export interface Mounted {
  /** Mounts `component` with `props` into a new element of the page; returns that element. */
  put<Props extends Record<string, any>>(component: Component<Props>, props: Props): HTMLElement;
  /** Unmounts what was mounted and empties the page, as before a restart. */
  clear(): void;
}

export function mountedEach(): Mounted {
  let shown: ReturnType<typeof mount> | null = null;

  function clear(): void {
    if (shown) unmount(shown);
    shown = null;
    document.body.innerHTML = '';
  }

  afterEach(() => {
    clear();
    setLocale('en');
    localStorage.clear();
  });

  return {
    put(component, props) {
      const target = document.createElement('div');
      document.body.append(target);
      shown = mount(component, { target, props });
      return target;
    },
    clear,
  };
}
