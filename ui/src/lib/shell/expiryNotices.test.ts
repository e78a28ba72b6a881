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

/** A linked event the server deletes at `deletesAt`; its uploads closed 30 days before. */
const linked = (id: number, name: string, deletesAt: string | null = planEnd): EventRow => {
  const expiresAt = deletesAt === null ? null : new Date(new Date(deletesAt).getTime() - 30 * DAY).toISOString();
  return {
    kind: 'local',
    event: localEvent(id, name, { remote_id: `r${id}`, expires_at: expiresAt, backup_until: deletesAt }),
    remote: null,
    expiresAt,
    deletesAt,
  };
};

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

  it('counts down to the deletion of the originals, not to the close of uploads', () => {
    const notifier = new ExpiryNotifier(memory());
    // Uploads close in 3 days; the server deletes everything 60 days later.
    const closing: EventRow = {
      kind: 'local',
      event: localEvent(7, 'Reunion', { remote_id: 'r7' }),
      remote: null,
      expiresAt: later(3).toISOString(),
      deletesAt: later(63).toISOString(),
    };
    expect(notifier.due([closing], start, 'en')).toEqual([]);
    expect(notifier.due([closing], later(10), 'en'), 'uploads closed, nothing lost yet').toEqual([]);
    expect(notifier.due([closing], later(56), 'en').map((n) => n.level)).toEqual(['7']);
  });

  it('still warns once uploads have closed on the server (the originals are not deleted yet)', () => {
    const closed = linked(8, 'Closed');
    if (closed.kind === 'local') closed.event.server_state = 'expired';
    expect(new ExpiryNotifier(memory()).due([closed], later(13), 'en').map((n) => n.level)).toEqual(['7']);
  });

  it('names the event, the time left and Archive now', () => {
    const [notice] = new ExpiryNotifier(memory()).due([linked(1, '<b>Mia & Sam</b>')], later(13), 'en');
    expect(notice).toEqual({
      eventId: 1,
      level: '7',
      title: 'The server deletes “<b>Mia & Sam</b>” in 7 days',
      body: 'Archive now to keep a verified copy of every photo and message: open the event in Klikt and choose “Archive now”.',
    });
    const [fr] = new ExpiryNotifier(memory()).due([linked(1, 'Mariage')], later(19), 'fr');
    expect(fr?.title).toBe('Le serveur supprime «\u00a0Mariage\u00a0» demain');
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
    const local: EventRow = { kind: 'local', event: localEvent(3, 'Card'), remote: null, expiresAt: planEnd, deletesAt: planEnd };
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
