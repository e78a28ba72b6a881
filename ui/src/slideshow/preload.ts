/**
 * Decodes the next slides' images before they are due, so a slide change
 * never waits on the disk or the decoder, and checks that the next videos
 * can play (their first frame decodes). A load that fails or takes longer
 * than the timeout is reported (the player skips that slide): the show never
 * stalls on one bad file, and never on a video the platform cannot play.
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

/**
 * The browser's way for a video: an off-screen, muted element that must
 * decode its first frame. The element is let go once it has (a video
 * pipeline is heavy; the slide opens its own, from the local disk).
 */
export const probeVideo: LoadImage = (url) =>
  new Promise<void>((resolve, reject) => {
    const video = document.createElement('video');
    const release = () => {
      video.removeAttribute('src');
      video.load();
    };
    video.muted = true;
    video.preload = 'auto';
    video.addEventListener(
      'loadeddata',
      () => {
        release();
        resolve();
      },
      { once: true },
    );
    video.addEventListener(
      'error',
      () => {
        const reason = video.error?.message || `media error ${video.error?.code ?? 'unknown'}`;
        release();
        reject(new Error(`video cannot be played: ${reason}`));
      },
      { once: true },
    );
    video.src = url;
  });

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

/**
 * The URL a video slide plays (the original, streamed in ranges by the app's
 * video server at `base`); `null` while the server's address is unknown.
 */
export const slideVideoUrl = (item: Pick<PlayItem, 'id'>, base: string | null): string | null =>
  base === null ? null : `${base}/${item.id}`;

/** Message cards have nothing to load. */
const needsLoad = (item: PlayItem): boolean => item.kind !== 'message';

interface Entry {
  state: LoadState;
  done: Promise<LoadState>;
  /** Whatever the loader returned (the decoded image), held while wanted. */
  handle: unknown;
}

export interface PreloaderOptions {
  load?: LoadImage;
  /** Checks a video can play (`probeVideo`; tests pass a fake). */
  loadVideo?: LoadImage;
  timeoutMs?: number;
  /** Where a photo's image or a video is loaded from; `null`: not playable now. */
  urlOf?: (item: PlayItem) => string | null;
  /** Called once per failed or timed-out load. */
  onFailed?: (item: PlayItem, error: unknown) => void;
}

export class Preloader {
  private readonly load: LoadImage;
  private readonly loadVideo: LoadImage;
  private readonly timeoutMs: number;
  private readonly urlOf: (item: PlayItem) => string | null;
  private readonly onFailed: (item: PlayItem, error: unknown) => void;
  private entries = new Map<string, Entry>();

  constructor(options: PreloaderOptions = {}) {
    this.load = options.load ?? decodeImage;
    this.loadVideo = options.loadVideo ?? probeVideo;
    this.timeoutMs = options.timeoutMs ?? 8000;
    this.urlOf = options.urlOf ?? slideImageUrl;
    this.onFailed = options.onFailed ?? (() => {});
  }

  /**
   * Starts loading the photos and videos among `items` and forgets every other entry
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

  /** 'ready' for message cards (nothing to load); the image's or video's state otherwise. */
  state(item: PlayItem): LoadState {
    if (!needsLoad(item)) return 'ready';
    return this.entries.get(item.key)?.state ?? 'pending';
  }

  /** Resolves when the item's load has settled (bounded by the timeout). */
  settled(item: PlayItem): Promise<LoadState> {
    if (!needsLoad(item)) return Promise.resolve('ready');
    return this.start(item).done;
  }

  private start(item: PlayItem): Entry {
    const existing = this.entries.get(item.key);
    if (existing) return existing;
    const entry: Entry = { state: 'pending', done: Promise.resolve('pending'), handle: null };
    if (!needsLoad(item)) {
      entry.state = 'ready';
      entry.done = Promise.resolve('ready');
    } else {
      const load = item.kind === 'video' ? this.loadVideo : this.load;
      let attempt: Promise<unknown>;
      try {
        const url = this.urlOf(item);
        attempt = url === null ? Promise.reject(new Error('no URL to load it from')) : load(url);
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
