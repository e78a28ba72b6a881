import { describe, expect, it } from 'vitest';

import type { EventRow } from './eventRows';
import { ExpiryNotifier, NOTICES_KEY } from './expiryNotices';
import { localEvent } from './testing/fakeApi';

const DAY = 86_400_000;
const start = new Date('2026-06-01T12:00:00Z');
const later = (days: number) => new Date(start.getTime() + days * DAY);
const planEnd = later(20).toISOString();

function memory(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

const linked = (id: number, name: string, expiresAt: string | null = planEnd): EventRow => ({
  kind: 'local',
  event: localEvent(id, name, { remote_id: `r${id}`, expires_at: expiresAt }),
  remote: null,
  expiresAt,
});

describe('ExpiryNotifier', () => {
  it('notifies at 14, 7 and 1 days left, once per level', () => {
    const notifier = new ExpiryNotifier(memory());
    const rows = [linked(1, 'Wedding')];
    const levels = (days: number) => notifier.due(rows, later(days), 'en').map((n) => n.level);

    expect(levels(0)).toEqual([]);
    expect(levels(5)).toEqual([]);
    expect(levels(6)).toEqual(['14']);
    expect(levels(6.5)).toEqual([]);
    expect(levels(10)).toEqual([]);
    expect(levels(13)).toEqual(['7']);
    expect(levels(19.5)).toEqual(['1']);
    expect(levels(19.9)).toEqual([]);
    expect(levels(25)).toEqual([]);
  });

  it('names the event, the time left and Archive now', () => {
    const [notice] = new ExpiryNotifier(memory()).due([linked(1, '<b>Mia & Sam</b>')], later(13), 'en');
    expect(notice).toEqual({
      eventId: 1,
      level: '7',
      title: 'The plan for “<b>Mia & Sam</b>” ends in 7 days',
      body: 'Archive now to keep a verified copy of every photo and message: open the event in Klikt and choose “Archive now”.',
    });
    const [fr] = new ExpiryNotifier(memory()).due([linked(1, 'Mariage')], later(19), 'fr');
    expect(fr?.title).toBe('La formule de «\u00a0Mariage\u00a0» se termine demain');
    expect(fr?.body).toContain('Archiver maintenant');
  });

  it('remembers across restarts, per event', () => {
    const storage = memory();
    new ExpiryNotifier(storage).due([linked(1, 'Wedding')], later(13), 'en');
    expect(JSON.parse(storage.data.get(NOTICES_KEY)!)).toEqual({ 1: ['7'] });

    const restarted = new ExpiryNotifier(storage);
    expect(restarted.due([linked(1, 'Wedding'), linked(2, 'Party')], later(13), 'en').map((n) => n.eventId)).toEqual([2]);
    expect(restarted.due([linked(1, 'Wedding'), linked(2, 'Party')], later(19.5), 'en').map((n) => [n.eventId, n.level])).toEqual([
      [1, '1'],
      [2, '1'],
    ]);
  });

  it('stays quiet for local-only, ended, gone and undated events', () => {
    const notifier = new ExpiryNotifier(memory());
    const local: EventRow = { kind: 'local', event: localEvent(3, 'Card'), remote: null, expiresAt: planEnd };
    const gone = linked(4, 'Gone');
    if (gone.kind === 'local') gone.event.server_state = 'gone';
    const rows = [local, gone, linked(5, 'Undated', null), linked(6, 'Ended', later(-1).toISOString())];
    expect(notifier.due(rows, later(13), 'en')).toEqual([]);
  });

  it('still notifies once per run without storage, and ignores what it cannot read', () => {
    const notifier = new ExpiryNotifier(null);
    expect(notifier.due([linked(1, 'Wedding')], later(13), 'en')).toHaveLength(1);
    expect(notifier.due([linked(1, 'Wedding')], later(13), 'en')).toHaveLength(0);
    const broken = new ExpiryNotifier(memory({ [NOTICES_KEY]: 'not json' }));
    expect(broken.due([linked(1, 'Wedding')], later(13), 'en')).toHaveLength(1);
  });
});
