import { describe, expect, it } from 'vitest';

import { confirmsName, forgottenLines, losses } from './forget';
import { forgetPreview, localEvent } from './testing/fakeApi';

describe('confirmsName', () => {
  it('takes the exact name, spaces around it aside', () => {
    expect(confirmsName('Mia & Sam', 'Mia & Sam')).toBe(true);
    expect(confirmsName('  Mia & Sam ', 'Mia & Sam')).toBe(true);
    expect(confirmsName('Fe\u0302te', 'Fête')).toBe(true);
  });

  it('refuses anything else, and an empty name', () => {
    expect(confirmsName('mia & sam', 'Mia & Sam')).toBe(false);
    expect(confirmsName('Mia', 'Mia & Sam')).toBe(false);
    expect(confirmsName('', '')).toBe(false);
  });
});

describe('losses', () => {
  it('counts what would be lost, unsent decisions only when there are some', () => {
    const event = localEvent(1, 'Wedding', { media_count: 240, total_bytes: 1_200_000_000 });
    expect(losses(forgetPreview(event, { message_count: 1 }), 'en')).toEqual([
      '240 photos and videos',
      '1 guest message',
      '1.2 GB of files',
    ]);
    expect(losses(forgetPreview(event, { unsent_decisions: 3 }), 'fr')).toContain(
      '3 décisions pas encore envoyées au serveur, perdues avec lui',
    );
  });

  it('says what was removed once done', () => {
    expect(forgottenLines({ event_name: 'W', media_removed: 1, messages_removed: 4, bytes_freed: 2_000_000 }, 'en')).toEqual([
      '1 photo or video removed',
      '4 guest messages removed',
      '2.0 MB freed',
    ]);
  });
});
