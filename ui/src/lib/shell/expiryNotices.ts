/**
 * Desktop notifications as a linked event nears its deletion from the
 * server (`backup_until`: after it the originals are gone; the earlier
 * close of uploads loses nothing): one when it reaches 14, 7 and 1 days
 * left, each once per event and level. Which
 * were shown is remembered in the webview's local storage, so a restart
 * does not repeat them (and in memory, for a run without storage).
 */

import { locale, translate, type Locale } from '../i18n/index.svelte';
import { safeStorage } from '../storage';
import type { EventRow } from './eventRows';
import { expiryWarning, type ExpiryLevel } from './expiry';

export type NoticeLevel = Extract<ExpiryLevel, '14' | '7' | '1'>;
const NOTICE_LEVELS: readonly ExpiryLevel[] = ['14', '7', '1'];

export interface ExpiryNotice {
  eventId: number;
  level: NoticeLevel;
  title: string;
  body: string;
}

export const NOTICES_KEY = 'klikt.expiryNotices';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export class ExpiryNotifier {
  /** Levels already notified, by event id. */
  private shown: Record<string, string[]>;

  constructor(private readonly storage: Store | null = safeStorage()) {
    this.shown = read(storage);
  }

  /**
   * The notices due at `now` for the library's linked events, each
   * recorded as shown: the next call does not return it again.
   */
  due(rows: readonly EventRow[], now: Date, lang: Locale = locale()): ExpiryNotice[] {
    const notices: ExpiryNotice[] = [];
    for (const row of rows) {
      if (row.kind !== 'local') continue;
      const event = row.event;
      // A local-only event has no plan; a gone one has nothing left to
      // archive from. One whose uploads closed (`expired`) still has
      // everything to pull until it is deleted: that is when it matters most.
      if (event.remote_id === null || event.server_state === 'gone') continue;
      const warning = expiryWarning(row.deletesAt, now, lang);
      if (!NOTICE_LEVELS.includes(warning.level)) continue;
      const key = String(event.id);
      const seen = this.shown[key] ?? [];
      if (seen.includes(warning.level)) continue;
      this.shown[key] = [...seen, warning.level];
      notices.push({
        eventId: event.id,
        level: warning.level as NoticeLevel,
        title: translate(lang, 'archive.expiry.title', { name: event.name, when: warning.relative }),
        body: translate(lang, 'archive.expiry.body'),
      });
    }
    if (notices.length > 0) write(this.storage, this.shown);
    return notices;
  }
}

function read(storage: Store | null): Record<string, string[]> {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(NOTICES_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const shown: Record<string, string[]> = {};
    for (const [id, levels] of Object.entries(parsed)) {
      if (Array.isArray(levels)) shown[id] = levels.filter((l): l is string => typeof l === 'string');
    }
    return shown;
  } catch {
    return {};
  }
}

function write(storage: Store | null, shown: Record<string, string[]>): void {
  try {
    storage?.setItem(NOTICES_KEY, JSON.stringify(shown));
  } catch {
    // Private mode or a full quota: remembered for this run only.
  }
}
