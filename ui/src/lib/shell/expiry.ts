/**
 * How close a linked event is to being deleted from the server (its
 * `backup_until`, not `expires_at`, when uploads merely close and
 * everything can still be pulled): the warning level the event list, the
 * "Archive now" button and the notifications use (14, 7 and 1 days
 * before, then expired) and the words for it.
 */

import { formatRelative } from '../format';
import { locale, type Locale } from '../i18n/index.svelte';

export type ExpiryLevel = 'none' | '14' | '7' | '1' | 'expired';

export interface ExpiryWarning {
  level: ExpiryLevel;
  /** "in 5 days", "2 days ago"; empty when there is no end date. */
  relative: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The warning for an event the server deletes at `deletesAt` (ISO 8601),
 * as seen at `now`.
 * A level holds while at most that many days are left: 14 days and 1 hour
 * left is `none`, exactly 14 days is `14`, 20 hours is `1`.
 */
export function expiryWarning(
  deletesAt: string | null | undefined,
  now: Date,
  lang: Locale = locale(),
): ExpiryWarning {
  if (!deletesAt) return { level: 'none', relative: '' };
  const end = new Date(deletesAt);
  if (Number.isNaN(end.getTime())) return { level: 'none', relative: '' };
  const left = end.getTime() - now.getTime();
  const relative = formatRelative(end, now, lang);
  if (left <= 0) return { level: 'expired', relative };
  if (left <= DAY_MS) return { level: '1', relative };
  if (left <= 7 * DAY_MS) return { level: '7', relative };
  if (left <= 14 * DAY_MS) return { level: '14', relative };
  return { level: 'none', relative };
}
