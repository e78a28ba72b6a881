/** Words and numbers as the UI shows them. */

import type { MediaItem } from './bindings/MediaItem';

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** "12 photos · 2 videos", "1 photo", "Empty". */
export function mediaSummary(items: readonly Pick<MediaItem, 'kind'>[]): string {
  const videos = items.filter((item) => item.kind === 'video').length;
  const photos = items.length - videos;
  const parts: string[] = [];
  if (photos > 0) parts.push(plural(photos, 'photo'));
  if (videos > 0) parts.push(plural(videos, 'video'));
  return parts.length > 0 ? parts.join(' · ') : 'Empty';
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, as file managers on Linux and macOS show sizes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) {
    return plural(Math.max(0, Math.round(bytes || 0)), 'byte');
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** "12 May 2026" for an ISO 8601 timestamp; the text itself when it does not parse. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

export interface Placeholder {
  /** What the tile says instead of a picture. */
  label: string;
  /** The file type, e.g. "HEIC" or "MP4", when the MIME type names one. */
  format: string | null;
  icon: 'video' | 'photo';
}

/** What a tile without a thumbnail shows, by kind and `preview` state. */
export function placeholderFor(item: Pick<MediaItem, 'kind' | 'mime' | 'preview'>): Placeholder {
  const format = formatName(item.mime);
  if (item.kind === 'video') {
    return { label: 'Video', format, icon: 'video' };
  }
  switch (item.preview) {
    case 'no_decoder':
      return { label: 'No preview', format, icon: 'photo' };
    case 'placeholder':
      return { label: 'Preview pending', format, icon: 'photo' };
    default:
      // Marked ready but the file could not be loaded.
      return { label: 'Preview missing', format, icon: 'photo' };
  }
}

function formatName(mime: string): string | null {
  const subtype = mime.split('/')[1]?.split(/[;+]/)[0]?.trim();
  if (!subtype) return null;
  const known: Record<string, string> = {
    jpeg: 'JPEG',
    quicktime: 'MOV',
    'x-msvideo': 'AVI',
    'x-matroska': 'MKV',
    'heic-sequence': 'HEIC',
    'heif-sequence': 'HEIF',
  };
  return known[subtype] ?? subtype.replace(/^x-/, '').toUpperCase();
}
