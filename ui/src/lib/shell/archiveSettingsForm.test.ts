import { describe, expect, it } from 'vitest';

import { archiveFormOf, archiveSettingsOf, validateArchive } from './archiveSettingsForm';

describe('archive settings form', () => {
  it('round-trips the settings', () => {
    const settings = { auto_archive: true, days_before: 10, folder: '/backup/Klikt' };
    expect(archiveSettingsOf(archiveFormOf(settings))).toEqual({ ok: true, settings });
    expect(archiveSettingsOf(archiveFormOf({ auto_archive: false, days_before: 7, folder: null }))).toEqual({
      ok: true,
      settings: { auto_archive: false, days_before: 7, folder: null },
    });
  });

  it('wants whole days in range, and a folder when archiving runs by itself', () => {
    expect(validateArchive({ auto: true, days: 0, folder: '' })).toEqual({
      days: 'A whole number of days, from 1 to 60.',
      folder: 'Choose where automatic archives go.',
    });
    expect(validateArchive({ auto: false, days: 2.5, folder: '' })).toEqual({ days: 'A whole number of days, from 1 to 60.' });
    expect(validateArchive({ auto: false, days: null, folder: '' }).days).toBeDefined();
    expect(validateArchive({ auto: false, days: 14, folder: '' })).toEqual({});
  });
});
