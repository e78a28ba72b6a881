// @vitest-environment jsdom
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';

import type { LiveStatus } from '../bindings/LiveStatus';
import { setLocale } from '../i18n/index.svelte';
import LiveChip from './LiveChip.svelte';
import { mountedEach } from './testing/mount';

const mounted = mountedEach();

const status = (overrides: Partial<LiveStatus> = {}): LiveStatus => ({
  event_id: 1,
  state: 'live',
  last_ok_at: '2025-06-01T12:00:00Z',
  last_error: null,
  new_items: 0,
  changes: 0,
  awaiting_moderation: 4,
  ...overrides,
});

function chip(value: LiveStatus): HTMLElement {
  const root = mounted.put(LiveChip, { status: value, now: new Date('2025-06-01T12:05:00Z') });
  flushSync();
  const el = root.querySelector<HTMLElement>('[data-testid="live-chip"]');
  expect(el, 'a running show has a chip').not.toBeNull();
  return el!;
}

describe('LiveChip', () => {
  it('says how many uploads await moderation while live', () => {
    expect(chip(status()).textContent).toContain('Live · 4 awaiting moderation');
  });

  it('keeps the last known moderation count when the venue goes offline', () => {
    const el = chip(status({ state: 'offline', last_error: 'the server did not answer' }));
    expect(el.dataset.state).toBe('offline');
    // The organizer still needs to know what waits for them while the network is down.
    expect(el.textContent).toContain('Offline · 4 awaiting moderation');
    expect(el.title, 'the tooltip says the show goes on and why live failed').toContain(
      'live mode retries quietly',
    );
    expect(el.title).toContain('Why: the server did not answer');
  });

  it('says the offline count in French too', () => {
    setLocale('fr');
    const el = chip(status({ state: 'offline', awaiting_moderation: 2 }));
    expect(el.textContent).toContain('Hors ligne · 2 en attente de modération');
  });
});
