import { describe, expect, it } from 'vitest';

import { actionWord, asModeration, statusWord } from './moderationWords';

describe('moderation words', () => {
  it('accepts only the actions the API takes', () => {
    expect(asModeration('hide')).toBe('hide');
    expect(asModeration('curate')).toBeNull();
  });

  it('names actions and statuses in either language, unknown ones as they are', () => {
    expect(actionWord('restore', 'en')).toBe('Restore');
    expect(actionWord('approve', 'fr')).toBe('Approuver');
    expect(actionWord('rotate', 'fr')).toBe('rotate');
    expect(statusWord('hidden', 'fr')).toBe('masqué');
    expect(statusWord(null, 'en')).toBe('nothing');
    expect(statusWord('archived', 'en')).toBe('archived');
  });
});
