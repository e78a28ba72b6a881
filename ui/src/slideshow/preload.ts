/**
 * Decodes the next slides' images before they are due, so a slide change
 * never waits on the disk or the decoder. A load that fails or takes longer
 * than the timeout is reported (the player skips that slide): the show never
 * stalls on one bad file.
 */

import { mediaUrl } from '../lib/mediaUrl';
import type { PlayItem } from './deck';

/** Loads and decodes one image; rejects when it cannot be shown. */
export type LoadImage = (url: string) => Promise<unknown>;

export type LoadState = 'pending' | 'ready' | 'failed';

/** The browser's way: an off-screen image, decoded ahead of use. */
export const decodeImage: LoadImage = async (url) => {
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  await img.decode();
  // Keeping the element keeps its decoded bitmap warm until the slide shows.
  return img;
};

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`image not decoded within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** Rejects with a TimeoutError when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The URL a photo slide shows: always the display rendition, never the original. */
export const slideImageUrl = (item: Pick<PlayItem, 'id'>): string => mediaUrl('display', item.id);

interface Entry {
  state: LoadState;
  done: Promise<LoadState>;
  /** Whatever the loader returned (the decoded image), held while wanted. */
  handle: unknown;
}

export interface PreloaderOptions {
  load?: LoadImage;
  timeoutMs?: number;
  urlOf?: (item: PlayItem) => string;
  /** Called once per failed or timed-out load. */
  onFailed?: (item: PlayItem, error: unknown) => void;
}

export class Preloader {
  private readonly load: LoadImage;
  private readonly timeoutMs: number;
  private readonly urlOf: (item: PlayItem) => string;
  private readonly onFailed: (item: PlayItem, error: unknown) => void;
  private entries = new Map<string, Entry>();

  constructor(options: PreloaderOptions = {}) {
    this.load = options.load ?? decodeImage;
    this.timeoutMs = options.timeoutMs ?? 8000;
    this.urlOf = options.urlOf ?? slideImageUrl;
    this.onFailed = options.onFailed ?? (() => {});
  }

  /**
   * Starts loading the photos among `items` and forgets every other entry
   * except those in `keep` (the slide on screen): a later pass loads again,
   * which also retries an image that failed earlier.
   */
  want(items: readonly PlayItem[], keep: readonly (PlayItem | null)[] = []): void {
    const wanted = new Set<string>();
    for (const item of [...items, ...keep]) if (item) wanted.add(item.key);
    for (const key of [...this.entries.keys()]) {
      if (!wanted.has(key)) this.entries.delete(key);
    }
    for (const item of items) this.start(item);
  }

  /** 'ready' for message cards (nothing to load); the image's state otherwise. */
  state(item: PlayItem): LoadState {
    if (item.kind !== 'photo') return 'ready';
    return this.entries.get(item.key)?.state ?? 'pending';
  }

  /** Resolves when the item's load has settled (bounded by the timeout). */
  settled(item: PlayItem): Promise<LoadState> {
    if (item.kind !== 'photo') return Promise.resolve('ready');
    return this.start(item).done;
  }

  private start(item: PlayItem): Entry {
    const existing = this.entries.get(item.key);
    if (existing) return existing;
    const entry: Entry = { state: 'pending', done: Promise.resolve('pending'), handle: null };
    if (item.kind !== 'photo') {
      entry.state = 'ready';
      entry.done = Promise.resolve('ready');
    } else {
      let attempt: Promise<unknown>;
      try {
        attempt = this.load(this.urlOf(item));
      } catch (error) {
        attempt = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      entry.done = withTimeout(attempt, this.timeoutMs).then(
        (handle) => {
          entry.state = 'ready';
          entry.handle = handle;
          return 'ready' as const;
        },
        (error: unknown) => {
          entry.state = 'failed';
          this.onFailed(item, error);
          return 'failed' as const;
        },
      );
    }
    this.entries.set(item.key, entry);
    return entry;
  }
}
