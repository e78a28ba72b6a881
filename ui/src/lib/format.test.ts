import { describe, expect, it } from 'vitest';

import { formatBytes, formatDate, mediaSummary, placeholderFor, plural } from './format';

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
});

describe('formatDate', () => {
  it('shows a day, or the text when it is not a date', () => {
    expect(formatDate('2026-05-12T10:00:00Z')).toBe('12 May 2026');
    expect(formatDate('not a date')).toBe('not a date');
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
});
