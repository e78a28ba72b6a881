import { describe, expect, it } from 'vitest';

import type { EventSummary } from './bindings/EventSummary';
import { pickEvent, rememberedEvent, rememberEvent, stepEvent } from './selection';

const event = (id: number): EventSummary => ({
  id,
  name: `Event ${id}`,
  remote_id: null,
  created_at: '2026-05-12T10:00:00Z',
  media_count: 0,
  pending_count: 0,
  total_bytes: 0,
  server_state: 'active',
  expires_at: null,
  last_pulled_at: null,
  backup_until: null,
});
const events = [event(3), event(2), event(1)];

describe('pickEvent', () => {
  it('keeps the shown event across a refresh', () => {
    expect(pickEvent(events, 2)?.id).toBe(2);
  });

  it('falls back to the newest event when the shown one is gone or none was shown', () => {
    expect(pickEvent(events, 99)?.id).toBe(3);
    expect(pickEvent(events, null)?.id).toBe(3);
  });

  it('shows nothing in an empty library', () => {
    expect(pickEvent([], 2)).toBeNull();
  });
});

describe('stepEvent', () => {
  it('moves by the step and stops at either end', () => {
    expect(stepEvent(events, 3, 1)?.id).toBe(2);
    expect(stepEvent(events, 2, -1)?.id).toBe(3);
    expect(stepEvent(events, 1, 1)?.id).toBe(1);
    expect(stepEvent(events, 3, -1)?.id).toBe(3);
  });

  it('starts at the top when nothing is selected', () => {
    expect(stepEvent(events, null, 1)?.id).toBe(3);
    expect(stepEvent([], null, 1)).toBeNull();
  });
});

describe('rememberEvent', () => {
  const memory = () => {
    const map = new Map<string, string>();
    return {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
  };

  it('brings back the event that was open', () => {
    const storage = memory();
    expect(rememberedEvent(storage)).toBeNull();
    rememberEvent(7, storage);
    expect(rememberedEvent(storage)).toBe(7);
    rememberEvent(null, storage);
    expect(rememberedEvent(storage)).toBeNull();
  });

  it('ignores what it did not write, and storage that fails', () => {
    const storage = memory();
    storage.setItem('klikt.lastEvent', 'Wedding');
    expect(rememberedEvent(storage)).toBeNull();
    const full = { setItem: () => { throw new Error('quota'); }, removeItem: () => {} };
    expect(() => rememberEvent(3, full)).not.toThrow();
    expect(rememberedEvent(null)).toBeNull();
  });
});
