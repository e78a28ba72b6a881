/**
 * Words and numbers as the UI shows them, in the UI's language.
 *
 * Every function takes the language as its last argument and defaults to
 * the current one (`locale()`), so a template that calls it re-renders when
 * the organizer switches language. Numbers, dates and durations go through
 * `Intl`; only the byte units and media words come from the catalogues.
 */

import type { MediaItem } from './bindings/MediaItem';
import { locale, translate, type Locale } from './i18n/index.svelte';

/**
 * The `Intl` tag for a UI language. English dates read day-month-year
 * ("12 May 2026"), as they always have in Klikt, so English is British here.
 */
export function intlTag(lang: Locale): string {
  return lang === 'fr' ? 'fr-FR' : 'en-GB';
}

/** A count with the language's digit grouping ("12,345", "12 345"). */
export function formatNumber(value: number, lang: Locale = locale()): string {
  return new Intl.NumberFormat(intlTag(lang)).format(value);
}

/** `count` followed by the word, singular or plural (English words only; kept for callers that pass their own). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** "12 photos · 2 videos", "1 photo", "Empty". */
export function mediaSummary(
  items: readonly Pick<MediaItem, 'kind'>[],
  lang: Locale = locale(),
): string {
  const videos = items.filter((item) => item.kind === 'video').length;
  const photos = items.length - videos;
  const parts: string[] = [];
  if (photos > 0) parts.push(translate(lang, 'common.photos', { count: photos }));
  if (videos > 0) parts.push(translate(lang, 'common.videos', { count: videos }));
  return parts.length > 0 ? parts.join(' · ') : translate(lang, 'common.empty');
}

const UNITS: Record<Locale, readonly string[]> = {
  en: ['KB', 'MB', 'GB', 'TB'],
  // The French "octet": ko, Mo, Go, To.
  fr: ['ko', 'Mo', 'Go', 'To'],
};

/** Decimal units, as file managers on Linux and macOS show sizes. */
export function formatBytes(bytes: number, lang: Locale = locale()): string {
  if (!Number.isFinite(bytes) || bytes < 1000) {
    const count = Math.max(0, Math.round(bytes || 0));
    return translate(lang, 'common.bytes', { count });
  }
  const units = UNITS[lang];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  const number = new Intl.NumberFormat(intlTag(lang), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
  return `${number} ${units[unit]}`;
}

/** "12 May 2026" for an ISO 8601 timestamp; the text itself when it does not parse. */
export function formatDate(iso: string, lang: Locale = locale()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return date.toLocaleDateString(intlTag(lang), { day: 'numeric', month: 'short', year: 'numeric' });
}

/** "12 May 2026, 10:00" in the local time zone; the text itself when it does not parse. */
export function formatDateTime(iso: string, lang: Locale = locale()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return date.toLocaleString(intlTag(lang), { dateStyle: 'medium', timeStyle: 'short' });
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "in 5 days", "3 hours ago", "tomorrow": the gap between `then` and `now`
 * in its largest whole unit (years, months from 60 days on, days, hours, minutes).
 */
export function formatRelative(then: Date, now: Date, lang: Locale = locale()): string {
  const diff = then.getTime() - now.getTime();
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(intlTag(lang), { numeric: 'auto' });
  // Round toward zero so "in 5 days" means at least five whole days.
  const whole = (unit: number) => Math.trunc(diff / unit);
  // Far-off dates read better in months or years than in hundreds of days.
  if (abs >= 365 * DAY) return rtf.format(whole(365 * DAY), 'year');
  if (abs >= 60 * DAY) return rtf.format(whole(30 * DAY), 'month');
  if (abs >= DAY) return rtf.format(whole(DAY), 'day');
  if (abs >= HOUR) return rtf.format(whole(HOUR), 'hour');
  if (abs >= MINUTE) return rtf.format(whole(MINUTE), 'minute');
  return rtf.format(0, 'second');
}

/** A duration as one or two units: "45 s", "3 min", "1 h 5 min". */
export function formatDuration(ms: number, lang: Locale = locale()): string {
  const seconds = Math.max(0, Math.round(ms / SECOND));
  if (seconds < 60) return translate(lang, 'common.duration.s', { count: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return translate(lang, 'common.duration.min', { count: minutes });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const h = translate(lang, 'common.duration.h', { count: hours });
  return rest === 0 ? h : `${h} ${translate(lang, 'common.duration.min', { count: rest })}`;
}

export interface Placeholder {
  /** What the tile says instead of a picture. */
  label: string;
  /** The file type, e.g. "HEIC" or "MP4", when the MIME type names one. */
  format: string | null;
  icon: 'video' | 'photo';
}

/** What a tile without a thumbnail shows, by kind and `preview` state. */
export function placeholderFor(
  item: Pick<MediaItem, 'kind' | 'mime' | 'preview'>,
  lang: Locale = locale(),
): Placeholder {
  const format = formatName(item.mime);
  if (item.kind === 'video') {
    return { label: translate(lang, 'common.preview.video'), format, icon: 'video' };
  }
  switch (item.preview) {
    case 'no_decoder':
      return { label: translate(lang, 'common.preview.none'), format, icon: 'photo' };
    case 'placeholder':
      return { label: translate(lang, 'common.preview.pending'), format, icon: 'photo' };
    default:
      // Marked ready but the file could not be loaded.
      return { label: translate(lang, 'common.preview.missing'), format, icon: 'photo' };
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
