/**
 * Translated words for an item's state, shared by tiles, the loupe, compare
 * and the messages panel, and the date format of the library.
 */

import type { Flag } from '../bindings/Flag';
import type { MediaItem } from '../bindings/MediaItem';
import type { Status } from '../bindings/Status';
import { placeholderFor } from '../format';
import { locale, t, type MessageKey } from '../i18n/index.svelte';

const STATUS: Record<Status, MessageKey> = {
  pending: 'library.status.pending',
  approved: 'library.status.approved',
  hidden: 'library.status.hidden',
  deleted: 'library.status.deleted',
};

const FLAG: Record<Flag, MessageKey> = {
  none: 'library.flag.none',
  picked: 'library.flag.picked',
  rejected: 'library.flag.rejected',
};

export const statusText = (status: Status): string => t(STATUS[status]);
export const flagText = (flag: Flag): string => t(FLAG[flag]);
export const ratingText = (rating: number): string =>
  rating > 0 ? t('library.rating', { count: rating }) : t('library.rating.none');

/** What a tile without a picture says, and the file type it shows. */
export function placeholderText(
  item: Pick<MediaItem, 'kind' | 'mime' | 'preview'>,
): { label: string; format: string | null; icon: 'video' | 'photo' } {
  const { format, icon } = placeholderFor(item);
  let key: MessageKey;
  if (item.kind === 'video') key = 'library.placeholder.video';
  else if (item.preview === 'no_decoder') key = 'library.placeholder.noDecoder';
  else if (item.preview === 'placeholder') key = 'library.placeholder.pending';
  else key = 'library.placeholder.missing';
  return { label: t(key), format, icon };
}

/** "12 May 2026, 14:03" in the UI's language; the text itself when it does not parse. */
export function dateTime(iso: string | null): string {
  if (!iso) return t('library.meta.unknown');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale() === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/** Latitude and longitude as text (no map: nothing leaves the machine). */
export function coordinates(lat: number | null, lon: number | null): string | null {
  if (lat === null || lon === null) return null;
  const tag = locale() === 'fr' ? 'fr-FR' : 'en-GB';
  const fmt = (n: number) => n.toLocaleString(tag, { maximumFractionDigits: 5, minimumFractionDigits: 5 });
  return `${fmt(lat)}, ${fmt(lon)}`;
}
