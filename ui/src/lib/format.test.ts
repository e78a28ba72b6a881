import { describe, expect, it } from 'vitest';

import {
  formatBytes,
  formatDate,
  formatDuration,
  formatNumber,
  formatRelative,
  mediaSummary,
  placeholderFor,
  plural,
} from './format';

/** French groups digits with a narrow no-break space; tests spell it plainly. */
const spaces = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

describe('plural', () => {
  it('picks the word by count and groups thousands', () => {
    expect(plural(1, 'photo')).toBe('1 photo');
    expect(plural(0, 'photo')).toBe('0 photos');
    expect(plural(12_345, 'photo')).toBe('12,345 photos');
  });
});

describe('mediaSummary', () => {
  it('counts photos and videos apart', () => {
    const items = [{ kind: 'photo' }, { kind: 'video' }, { kind: 'photo' }] as const;
    expect(mediaSummary(items)).toBe('2 photos · 1 video');
    expect(mediaSummary([{ kind: 'photo' }])).toBe('1 photo');
    expect(mediaSummary([])).toBe('Empty');
  });

  it('speaks French, where zero and one are singular', () => {
    expect(mediaSummary([{ kind: 'photo' }, { kind: 'photo' }, { kind: 'video' }], 'fr')).toBe('2 photos · 1 vidéo');
    expect(mediaSummary([], 'fr')).toBe('Vide');
  });
});

describe('formatNumber', () => {
  it('groups digits the way each language does', () => {
    expect(formatNumber(12_345, 'en')).toBe('12,345');
    expect(spaces(formatNumber(12_345, 'fr'))).toBe('12 345');
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal below ten', () => {
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(24_300_000)).toBe('24 MB');
    expect(formatBytes(3_200_000_000)).toBe('3.2 GB');
  });

  it('never shows NaN', () => {
    expect(formatBytes(Number.NaN)).toBe('0 bytes');
  });

  it('uses French units and decimal commas in French', () => {
    expect(formatBytes(1, 'fr')).toBe('1 octet');
    expect(formatBytes(999, 'fr')).toBe('999 octets');
    expect(formatBytes(1500, 'fr')).toBe('1,5 ko');
    expect(formatBytes(3_200_000_000, 'fr')).toBe('3,2 Go');
  });
});

describe('formatDate', () => {
  it('shows a day, or the text when it is not a date', () => {
    expect(formatDate('2026-05-12T10:00:00Z')).toBe('12 May 2026');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('names the month in French', () => {
    expect(formatDate('2026-05-12T10:00:00Z', 'fr')).toBe('12 mai 2026');
  });
});

describe('formatRelative', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);

  it('uses the largest whole unit, ahead or behind', () => {
    expect(formatRelative(at(5 * 86_400_000 + 5_000), now, 'en')).toBe('in 5 days');
    expect(formatRelative(at(-3 * 3_600_000), now, 'en')).toBe('3 hours ago');
    expect(formatRelative(at(-5 * 60_000), now, 'fr')).toBe('il y a 5 minutes');
    expect(formatRelative(at(10_000), now, 'en')).toBe('now');
    expect(formatRelative(at(59 * 86_400_000), now, 'en')).toBe('in 59 days');
    expect(formatRelative(at(90 * 86_400_000), now, 'en')).toBe('in 3 months');
    expect(formatRelative(at(-800 * 86_400_000), now, 'fr')).toBe('il y a 2 ans');
  });
});

describe('formatDuration', () => {
  it('reads as seconds, minutes, or hours and minutes', () => {
    expect(formatDuration(44_600, 'en')).toBe('45 s');
    expect(formatDuration(150_000, 'en')).toBe('3 min');
    expect(formatDuration(65 * 60_000, 'fr')).toBe('1 h 5 min');
    expect(formatDuration(2 * 3_600_000, 'en')).toBe('2 h');
    expect(formatDuration(-5, 'en')).toBe('0 s');
  });
});

describe('placeholderFor', () => {
  it('says Video for videos, whatever their preview state', () => {
    expect(placeholderFor({ kind: 'video', mime: 'video/quicktime', preview: 'placeholder' })).toEqual(
      { label: 'Video', format: 'MOV', icon: 'video' },
    );
  });

  it('says No preview when no decoder could read the photo', () => {
    expect(placeholderFor({ kind: 'photo', mime: 'image/heic', preview: 'no_decoder' })).toEqual({
      label: 'No preview',
      format: 'HEIC',
      icon: 'photo',
    });
  });

  it('tells a pending preview from a missing one', () => {
    expect(placeholderFor({ kind: 'photo', mime: 'image/jpeg', preview: 'placeholder' }).label).toBe(
      'Preview pending',
    );
    expect(placeholderFor({ kind: 'photo', mime: 'image/jpeg', preview: 'ready' }).label).toBe(
      'Preview missing',
    );
  });

  it('speaks French', () => {
    expect(placeholderFor({ kind: 'video', mime: 'video/mp4', preview: 'ready' }, 'fr').label).toBe('Vidéo');
    expect(placeholderFor({ kind: 'photo', mime: 'image/heic', preview: 'no_decoder' }, 'fr').label).toBe(
      'Pas d’aperçu',
    );
  });
});
