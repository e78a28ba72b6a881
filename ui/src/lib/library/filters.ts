/**
 * The filters bar's state and how it becomes a `MediaQuery`. Pure: the bar
 * edits a `Filters` value, the view turns it into the query it sends, and
 * `matches` tells whether an item changed by a decision still belongs in the
 * listing (so the view can offer a refresh instead of making tiles vanish
 * under the organizer's cursor).
 */

import type { MediaItem } from '../bindings/MediaItem';
import type { MediaQuery } from '../bindings/MediaQuery';

export const STATUS_FILTERS = ['all', 'pending', 'approved', 'hidden', 'deleted'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const FLAG_FILTERS = ['any', 'picked', 'rejected', 'none'] as const;
export type FlagFilter = (typeof FLAG_FILTERS)[number];

export const TRISTATE = ['any', 'yes', 'no'] as const;
export type Tristate = (typeof TRISTATE)[number];

export const KIND_FILTERS = ['any', 'photo', 'video'] as const;
export type KindFilter = (typeof KIND_FILTERS)[number];

export const SORTS = ['captured', 'uploaded', 'manual'] as const;
export type SortFilter = (typeof SORTS)[number];

export interface Filters {
  /** `all` is everything but the trash; `deleted` is the trash. */
  status: StatusFilter;
  flag: FlagFilter;
  /** 0 for any rating, else at least this many stars. */
  minRating: number;
  favorite: Tristate;
  kind: KindFilter;
  /** The uploader's name as `uploaders` lists it; null for anyone. */
  uploader: string | null;
  collection: number | null;
  message: Tristate;
  /** `manual` (a collection's own order) only means something with a collection. */
  sort: SortFilter;
}

export const DEFAULT_FILTERS: Filters = Object.freeze({
  status: 'all',
  flag: 'any',
  minRating: 0,
  favorite: 'any',
  kind: 'any',
  uploader: null,
  collection: null,
  message: 'any',
  sort: 'captured',
});

/** The query for `media`/`mediaIds` (without paging). */
export function toQuery(filters: Filters): MediaQuery {
  const query: MediaQuery = {};
  if (filters.status !== 'all') query.status = filters.status;
  if (filters.flag !== 'any') query.flag = filters.flag;
  const stars = Math.round(filters.minRating);
  if (stars >= 1) query.min_rating = Math.min(5, stars);
  if (filters.favorite !== 'any') query.favorite = filters.favorite === 'yes';
  if (filters.kind !== 'any') query.kind = filters.kind;
  if (filters.uploader !== null) query.uploader = filters.uploader;
  if (filters.collection !== null) query.collection = filters.collection;
  if (filters.message !== 'any') query.has_message = filters.message === 'yes';
  query.sort = effectiveSort(filters);
  return query;
}

/** The order actually used: manual order without a collection falls back to capture time. */
export function effectiveSort(filters: Filters): SortFilter {
  return filters.sort === 'manual' && filters.collection === null ? 'captured' : filters.sort;
}

/**
 * Filters showing one collection, in its manual order (a click in the
 * collections sidebar); leaving a collection leaves its manual order too.
 */
export function withCollection(filters: Filters, collection: number | null): Filters {
  if (collection === null) {
    return {
      ...filters,
      collection: null,
      sort: filters.sort === 'manual' ? 'captured' : filters.sort,
    };
  }
  return { ...filters, collection, sort: 'manual' };
}

/** Whether any filter narrows the listing (for the empty state's wording). */
export function isNarrowed(filters: Filters): boolean {
  return (
    filters.status !== 'all' ||
    filters.flag !== 'any' ||
    filters.minRating > 0 ||
    filters.favorite !== 'any' ||
    filters.kind !== 'any' ||
    filters.uploader !== null ||
    filters.collection !== null ||
    filters.message !== 'any'
  );
}

/**
 * Whether `item` still matches the filters, judged on the fields a decision
 * can change (collection membership is not on the item, so it is not judged).
 */
export function matches(
  item: Pick<MediaItem, 'status' | 'flag' | 'rating' | 'favorite'>,
  filters: Filters,
): boolean {
  if (filters.status === 'all' ? item.status === 'deleted' : item.status !== filters.status) {
    return false;
  }
  if (filters.flag !== 'any' && item.flag !== filters.flag) return false;
  if (filters.minRating > 0 && item.rating < filters.minRating) return false;
  if (filters.favorite !== 'any' && item.favorite !== (filters.favorite === 'yes')) return false;
  return true;
}
