/**
 * The grid's items, loaded a page at a time as rows scroll into view.
 *
 * The order comes from `mediaIds` (every matching id, cheap); the items come
 * from `media` pages by offset and are cached by id, so a decision updates one
 * cached item and a reorder needs no refetch. A page is fetched when any id in
 * it is missing from the cache and it is not already on its way; answers for
 * an older query (`reset`) are dropped.
 */

import type { MediaItem } from '../bindings/MediaItem';

export const PAGE_SIZE = 200;

/** Fetches `limit` items from `offset` of the current query. */
export type FetchPage = (offset: number, limit: number) => Promise<MediaItem[]>;

/** Page numbers covering items `start` (inclusive) to `end` (exclusive). */
export function pagesForRange(start: number, end: number, pageSize = PAGE_SIZE): number[] {
  if (end <= start || pageSize <= 0) return [];
  const first = Math.floor(Math.max(0, start) / pageSize);
  const last = Math.floor((end - 1) / pageSize);
  const pages: number[] = [];
  for (let page = first; page <= last; page += 1) pages.push(page);
  return pages;
}

export class PageCache {
  private items = new Map<number, MediaItem>();
  private inflight = new Set<number>();
  private generation = 0;
  private fetchPage: FetchPage;
  /** Every matching id in order; until `mediaIds` answers, the first page's ids. */
  ids: readonly number[] = [];
  /** Whether `ids` is the full list (not just the first page's). */
  idsKnown = false;

  constructor(
    fetchPage: FetchPage,
    readonly pageSize = PAGE_SIZE,
  ) {
    this.fetchPage = fetchPage;
  }

  /** A new query: forget everything, and ignore answers still on their way. */
  reset(fetchPage: FetchPage): void {
    this.fetchPage = fetchPage;
    this.generation += 1;
    this.items.clear();
    this.inflight.clear();
    this.ids = [];
    this.idsKnown = false;
  }

  /** The full id list, from `mediaIds`. */
  setIds(ids: readonly number[]): void {
    this.ids = ids;
    this.idsKnown = true;
  }

  get(id: number): MediaItem | undefined {
    return this.items.get(id);
  }

  /** Replaces a cached item (after a decision); ignored if the item is not cached. */
  update(item: MediaItem): void {
    if (this.items.has(item.id)) this.items.set(item.id, item);
  }

  /** Adds or replaces an item whatever its page (an item fetched on its own). */
  put(item: MediaItem): void {
    this.items.set(item.id, item);
  }

  /** Drops items so the next `ensure` refetches their pages (e.g. after a bulk restore). */
  forget(ids: Iterable<number>): void {
    for (const id of ids) this.items.delete(id);
  }

  /** Cached items among `ids`. */
  cached(ids: readonly number[]): MediaItem[] {
    const out: MediaItem[] = [];
    for (const id of ids) {
      const item = this.items.get(id);
      if (item) out.push(item);
    }
    return out;
  }

  /** Pages over `start..end` that hold an uncached id and are not being fetched. */
  missingPages(start: number, end: number): number[] {
    const count = this.ids.length;
    return pagesForRange(start, Math.min(end, count), this.pageSize).filter((page) => {
      if (this.inflight.has(page)) return false;
      const to = Math.min(count, (page + 1) * this.pageSize);
      for (let i = page * this.pageSize; i < to; i += 1) {
        const id = this.ids[i];
        if (id !== undefined && !this.items.has(id)) return true;
      }
      return false;
    });
  }

  /**
   * Fetches the missing pages of `start..end`. Resolves true when something
   * new arrived for the current query (the grid should re-read).
   */
  async ensure(start: number, end: number): Promise<boolean> {
    const pages = this.missingPages(start, end);
    if (pages.length === 0) return false;
    const results = await Promise.all(pages.map((page) => this.load(page)));
    return results.some(Boolean);
  }

  /**
   * Fetches one page (also before the id list is known: the first page is
   * what the grid paints first). Resolves false when a newer query replaced
   * this one meanwhile.
   */
  async load(page: number): Promise<boolean> {
    const generation = this.generation;
    this.inflight.add(page);
    try {
      const items = await this.fetchPage(page * this.pageSize, this.pageSize);
      if (generation !== this.generation) return false;
      for (const item of items) this.items.set(item.id, item);
      if (!this.idsKnown && page === 0) this.ids = items.map((item) => item.id);
      return true;
    } finally {
      if (generation === this.generation) this.inflight.delete(page);
    }
  }
}
