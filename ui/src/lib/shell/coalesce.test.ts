import { describe, expect, it } from 'vitest';

import { coalesce } from './coalesce';

describe('coalesce', () => {
  it('collapses calls made during a run into one more run', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const refresh = coalesce(async () => {
      runs += 1;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    });

    const first = refresh();
    void refresh();
    void refresh();
    const last = refresh();
    release();
    await Promise.all([first, last]);

    expect(runs).toBe(2);
  });

  it('runs again for a call after the last run ended', async () => {
    let runs = 0;
    const refresh = coalesce(async () => {
      runs += 1;
    });
    await refresh();
    await refresh();
    expect(runs).toBe(2);
  });

  it('recovers after a failed run', async () => {
    let fail = true;
    const refresh = coalesce(async () => {
      if (fail) throw new Error('offline');
    });
    await expect(refresh()).rejects.toThrow('offline');
    fail = false;
    await expect(refresh()).resolves.toBeUndefined();
  });
});
