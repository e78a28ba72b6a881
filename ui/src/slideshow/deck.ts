/**
 * The slideshow's play order, as pure logic (no DOM, no timers).
 *
 * A `Player` is built from the deck the Rust side returns and refreshed with
 * every re-read of it. It hands out slides one at a time:
 *
 * - chronological and manual orders loop through the deck's base order;
 * - shuffle deals a shuffled deck, never repeating a slide before the deck
 *   is exhausted, and reshuffles at each end without dealing the slide just
 *   shown first again;
 * - a message card comes after every `message_every` photos when
 *   `show_messages`, rotating through the messages;
 * - after a refresh, slides that left the deck (hidden, deleted, unapproved)
 *   are dropped before their turn, from the queue and from the history, and
 *   new slides jump the queue in arrival order; a refresh never makes a slide
 *   repeat;
 * - `previous()` / `next()` walk back and forth through what was shown.
 *
 * Videos take a photo's place in every order ("photos" below means both);
 * how long one stays on screen is the player component's business.
 */

import type { Slide } from '../lib/bindings/Slide';
import type { SlideDeck } from '../lib/bindings/SlideDeck';
import type { SlideshowSettings } from '../lib/bindings/SlideshowSettings';

export interface PlayItem {
  /** Unique across kinds: `photo:12`, `video:4`, `message:3`. */
  key: string;
  kind: Slide['kind'];
  id: number;
  slide: Slide;
}

export type Random = () => number;

export interface PlayerOptions {
  /** A number in [0, 1); `seededRandom(seed)` in tests. */
  random?: Random;
  /** How many shown slides `previous()` can go back through. */
  historyLimit?: number;
}

export const itemKey = (slide: Pick<Slide, 'kind' | 'id'>): string => `${slide.kind}:${slide.id}`;

const toItem = (slide: Slide): PlayItem => ({ key: itemKey(slide), kind: slide.kind, id: slide.id, slide });

/** Whether a slide can go on screen now: showable photos and videos. */
export function playable(slide: Slide): boolean {
  return slide.showable && slide.kind !== 'message';
}

/** A small deterministic generator (mulberry32) for reproducible shuffles. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const arrivalTime = (slide: Slide): number => {
  const parsed = slide.arrived_at ? Date.parse(slide.arrived_at) : NaN;
  return Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
};

export class Player {
  private readonly random: Random;
  private readonly historyLimit: number;

  private settings: SlideshowSettings | null = null;
  /** Present photos by key, and their base order. */
  private photos = new Map<string, PlayItem>();
  private baseOrder: string[] = [];
  private messages: PlayItem[] = [];
  private messageTurn = 0;

  /** The rest of the current pass through the deck (not yet dealt). */
  private cycle: string[] = [];
  /** Dealt but not yet shown: what `upcoming()` returns, in order. */
  private queue: PlayItem[] = [];
  /** How many items at the head of `queue` jumped it (new arrivals). */
  private jumped = 0;
  private photosSinceMessage = 0;
  private lastDealtPhoto: string | null = null;

  private history: PlayItem[] = [];
  private cursor = -1;
  private initialized = false;

  constructor(deck: SlideDeck | null = null, options: PlayerOptions = {}) {
    this.random = options.random ?? Math.random;
    this.historyLimit = options.historyLimit ?? 200;
    if (deck) this.refresh(deck);
  }

  /** Photos and videos that can play now (unshowable items excluded). */
  get photoCount(): number {
    return this.baseOrder.length;
  }

  /** Nothing at all to show (no photo, and no message card to show). */
  get empty(): boolean {
    return this.baseOrder.length === 0 && this.activeMessages().length === 0;
  }

  /** The slide on screen, or null before the first `next()`. */
  current(): PlayItem | null {
    return this.history[this.cursor] ?? null;
  }

  /** Whether the item is still in the deck. */
  has(key: string): boolean {
    return this.find(key) !== null;
  }

  /** The item as of the last refresh (its caption may have changed), or null when gone. */
  find(key: string): PlayItem | null {
    return this.photos.get(key) ?? this.activeMessages().find((m) => m.key === key) ?? null;
  }

  /** Applies a fresh read of the deck (see the module comment). */
  refresh(deck: SlideDeck): void {
    const previousSettings = this.settings;
    this.settings = deck.settings;
    const firstRead = !this.initialized;
    this.initialized = true;

    const nextPhotos = new Map<string, PlayItem>();
    for (const slide of deck.slides) {
      if (!playable(slide)) continue;
      const item = toItem(slide);
      if (!nextPhotos.has(item.key)) nextPhotos.set(item.key, item);
    }
    const arrived = firstRead
      ? []
      : [...nextPhotos.values()].filter((item) => !this.photos.has(item.key));

    this.photos = nextPhotos;
    this.baseOrder = [...nextPhotos.keys()];
    this.messages = deck.messages.filter((m) => m.kind === 'message').map(toItem);
    if (this.messageTurn >= this.messages.length) this.messageTurn = 0;

    // Refresh the slide objects (a caption may have changed) and drop the gone.
    const alive = (item: PlayItem): PlayItem | null => this.find(item.key);
    const keptQueue: PlayItem[] = [];
    let keptJumped = 0;
    this.queue.forEach((item, index) => {
      const now = alive(item);
      if (!now) return;
      keptQueue.push(now);
      if (index < this.jumped) keptJumped += 1;
    });
    this.queue = keptQueue;
    this.jumped = keptJumped;
    this.cycle = this.cycle.filter((key) => this.photos.has(key));

    const current = this.current();
    const keptHistory: PlayItem[] = [];
    let cursor = -1;
    this.history.forEach((item, index) => {
      const now = alive(item);
      if (now) keptHistory.push(now);
      if (index <= this.cursor) cursor = keptHistory.length - 1;
    });
    this.history = keptHistory;
    // When the current slide went, the cursor rests on the one before it, and
    // `next()` moves on from there.
    this.cursor = current && alive(current) ? cursor : Math.min(cursor, keptHistory.length - 1);

    // The order changed: deal the rest of this pass in the new order.
    if (previousSettings && previousSettings.order !== deck.settings.order) {
      const remaining = new Set(this.cycle);
      this.cycle = this.arrange(this.baseOrder.filter((key) => remaining.has(key)));
    } else if (previousSettings && deck.settings.order !== 'shuffle') {
      // A manual reorder (or a changed date) keeps the pass, in the new order.
      const remaining = new Set(this.cycle);
      this.cycle = this.baseOrder.filter((key) => remaining.has(key));
    }

    // New arrivals are shown next, oldest first, after earlier arrivals still waiting.
    if (arrived.length > 0) {
      const ordered = arrived
        .map((item, index) => ({ item, index }))
        .sort((a, b) => arrivalTime(a.item.slide) - arrivalTime(b.item.slide) || a.index - b.index)
        .map(({ item }) => item);
      this.queue.splice(this.jumped, 0, ...ordered);
      this.jumped += ordered.length;
    }
  }

  /** The next `count` slides, without moving (what to preload). */
  upcoming(count: number): PlayItem[] {
    if (this.cursor < this.history.length - 1) {
      // Walking forward through history: those are next.
      return this.history.slice(this.cursor + 1, this.cursor + 1 + count);
    }
    while (this.queue.length < count) {
      const item = this.deal();
      if (!item) break;
      this.queue.push(item);
    }
    return this.queue.slice(0, count);
  }

  /** Moves to the next slide and returns it; null when there is nothing to show. */
  next(): PlayItem | null {
    if (this.cursor < this.history.length - 1) {
      this.cursor += 1;
      return this.history[this.cursor] ?? null;
    }
    const [item] = this.upcoming(1);
    if (!item) return null;
    this.queue.shift();
    if (this.jumped > 0) this.jumped -= 1;
    this.history.push(item);
    if (this.history.length > this.historyLimit) {
      this.history.splice(0, this.history.length - this.historyLimit);
    }
    this.cursor = this.history.length - 1;
    return item;
  }

  /** Moves back through what was shown; stays on the first one kept. */
  previous(): PlayItem | null {
    if (this.cursor > 0) this.cursor -= 1;
    return this.current();
  }

  /**
   * Drops an item that cannot be shown (its image failed to load) from what
   * is queued; it is tried again on a later pass.
   */
  skip(key: string): void {
    const before = this.cursor < this.history.length - 1 ? this.history.length : -1;
    const index = this.queue.findIndex((item) => item.key === key);
    if (index >= 0) {
      this.queue.splice(index, 1);
      if (index < this.jumped) this.jumped -= 1;
    }
    if (before >= 0) {
      // Forward history holding a broken slide: forget it there too.
      const keep = this.history.filter((item, i) => i <= this.cursor || item.key !== key);
      this.history = keep;
    }
  }

  private activeMessages(): PlayItem[] {
    return this.settings?.show_messages ? this.messages : [];
  }

  /** The next slide of the endless sequence: a message card when due, else a photo. */
  private deal(): PlayItem | null {
    const messages = this.activeMessages();
    const every = Math.max(1, this.settings?.message_every ?? 1);
    if (messages.length > 0 && (this.photosSinceMessage >= every || this.baseOrder.length === 0)) {
      const message = messages[this.messageTurn % messages.length] ?? null;
      this.messageTurn = (this.messageTurn + 1) % messages.length;
      this.photosSinceMessage = 0;
      return message;
    }
    if (this.baseOrder.length === 0) return null;
    if (this.cycle.length === 0) this.cycle = this.newPass();
    const key = this.cycle.shift();
    const item = key === undefined ? null : (this.photos.get(key) ?? null);
    if (!item) return null;
    this.lastDealtPhoto = item.key;
    this.photosSinceMessage += 1;
    return item;
  }

  private newPass(): string[] {
    return this.arrange(this.baseOrder.slice());
  }

  private arrange(keys: string[]): string[] {
    if (this.settings?.order !== 'shuffle') return keys;
    const pass = shuffled(keys, this.random);
    if (pass.length > 1 && pass[0] === this.lastDealtPhoto) {
      // Never deal the slide just shown first again: swap it with another.
      const j = 1 + Math.floor(this.random() * (pass.length - 1));
      [pass[0], pass[j]] = [pass[j] as string, pass[0] as string];
    }
    return pass;
  }
}
