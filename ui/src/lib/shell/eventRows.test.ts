import { describe, expect, it } from 'vitest';

import { mergeEvents } from './eventRows';
import { localEvent, remoteEvent } from './testing/fakeApi';

describe('mergeEvents', () => {
  it('joins a pulled server event to its local event, by local_id or remote_id', () => {
    const rows = mergeEvents(
      [localEvent(1, 'Wedding', { remote_id: 'r1' }), localEvent(2, 'Party', { remote_id: 'r2' })],
      [
        remoteEvent('r1', 'Wedding', {
          local_id: 1,
          expires_at: '2026-07-01T00:00:00Z',
          backup_until: '2026-09-01T00:00:00Z',
        }),
        remoteEvent('r2', 'Party', { local_id: null }),
      ],
    );

    expect(rows.map((r) => r.kind)).toEqual(['local', 'local']);
    expect(rows[0]).toMatchObject({
      remote: { remote_id: 'r1' },
      expiresAt: '2026-07-01T00:00:00Z',
      deletesAt: '2026-09-01T00:00:00Z',
    });
    expect(rows[1]).toMatchObject({ remote: { remote_id: 'r2' } });
  });

  it('lists server events not pulled yet after the local ones', () => {
    const rows = mergeEvents([localEvent(1, 'Card dump')], [remoteEvent('r5', 'Birthday')]);

    expect(rows.map((r) => (r.kind === 'local' ? r.event.name : r.remote.name))).toEqual(['Card dump', 'Birthday']);
    expect(rows[1]).toMatchObject({ kind: 'remote', expiresAt: '2099-01-01T00:00:00Z', deletesAt: '2099-02-01T00:00:00Z' });
  });

  it('keeps the library’s dates when the server is not listed (signed out)', () => {
    const rows = mergeEvents(
      [localEvent(1, 'Wedding', { remote_id: 'r1', expires_at: '2026-08-01T00:00:00Z', backup_until: '2026-10-01T00:00:00Z' })],
      [],
    );

    expect(rows).toEqual([
      expect.objectContaining({
        kind: 'local',
        remote: null,
        expiresAt: '2026-08-01T00:00:00Z',
        deletesAt: '2026-10-01T00:00:00Z',
      }),
    ]);
  });
});
