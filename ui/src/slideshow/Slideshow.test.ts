// @vitest-environment jsdom
import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import type { SlideDeck } from '../lib/bindings/SlideDeck';
import { setLocale } from '../lib/i18n/index.svelte';
import type { SlideshowApi } from './api';
import { seededRandom } from './deck';
import type { LoadImage } from './preload';
import Slideshow from './Slideshow.svelte';
import { deckOf, message, photo } from './testing/fixtures';
import type { WindowControl } from './window';

beforeAll(() => {
  setLocale('en');
});

let view: ReturnType<typeof mount> | null = null;
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.replaceChildren();
  vi.useRealTimers();
});

/** A deck the test edits between reads; `failing` makes every read reject. */
function fakeApi(initial: SlideDeck) {
  const state = { deck: initial, failing: false, reads: 0, videoServer: true, readDelayMs: 0 };
  const deckListeners = new Set<() => void>();
  /** What the backend does after committing a decision: tells the show its deck changed. */
  const emitDeckChanged = () => deckListeners.forEach((listener) => listener());
  const api: SlideshowApi = {
    slideDeck: vi.fn(async () => {
      state.reads += 1;
      if (state.failing) throw { code: 'io', message: 'library unreachable' };
      // The database answers as of when the read began, however long it takes.
      const snapshot = structuredClone(state.deck);
      if (state.readDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.readDelayMs));
      return snapshot;
    }),
    slideshowSettings: vi.fn(async () => structuredClone(state.deck.settings)),
    videoBaseUrl: vi.fn(async () => {
      if (!state.videoServer) throw { code: 'io', message: 'could not listen on the loopback interface' };
      return 'http://127.0.0.1:9/s3cret';
    }),
    onDeckChanged: vi.fn(async (listener: () => void) => {
      deckListeners.add(listener);
      return () => deckListeners.delete(listener);
    }),
  };
  return { api, state, emitDeckChanged };
}

interface OpenOptions {
  videoServer?: boolean;
  loadImage?: LoadImage;
  loadVideo?: LoadImage;
  refreshMs?: number;
}

async function open(deck: SlideDeck, options: OpenOptions = {}) {
  const fake = fakeApi(deck);
  fake.state.videoServer = options.videoServer ?? true;
  const windowControl: WindowControl = {
    toggleFullscreen: vi.fn(async () => {}),
    close: vi.fn(async () => {}),
  };
  const target = document.createElement('div');
  document.body.append(target);
  view = mount(Slideshow, {
    target,
    props: {
      api: fake.api,
      eventId: 7,
      loadImage: options.loadImage ?? (async () => {}),
      loadVideo: options.loadVideo ?? (async () => {}),
      afterPaint: () => tick(),
      windowControl,
      refreshMs: options.refreshMs ?? 5000,
      random: seededRandom(1),
    },
  });
  await advance(0);
  return { ...fake, windowControl };
}

async function advance(ms: number) {
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 4; i += 1) await vi.advanceTimersByTimeAsync(0);
  flushSync();
}

const byTestId = (id: string) => Array.from(document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));
const shown = () => {
  const current = document.querySelectorAll<HTMLElement>('[data-testid="slide"][data-current="true"]');
  expect(current.length).toBeLessThanOrEqual(1);
  const el = current[0];
  return el ? `${el.dataset.kind}:${el.dataset.id}` : null;
};
const press = (key: string) => {
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
};
const root = () => byTestId('slideshow')[0] as HTMLElement;

/** Steps through `ms` in small increments, collecting every slide seen on screen. */
async function watch(ms: number, step = 250): Promise<string[]> {
  const seen: string[] = [];
  for (let t = 0; t < ms; t += step) {
    await advance(step);
    const now = shown();
    if (now && seen.at(-1) !== now) seen.push(now);
  }
  return seen;
}

describe('Slideshow', () => {
  it('shows the first photo, then advances every interval, looping', async () => {
    await open(deckOf([1, 2, 3], { interval_seconds: 5 }));
    expect(shown()).toBe('photo:1');
    await advance(5000);
    expect(shown()).toBe('photo:2');
    await advance(5000);
    expect(shown()).toBe('photo:3');
    await advance(5000);
    expect(shown()).toBe('photo:1');
  });

  it('shows the display rendition', async () => {
    await open(deckOf([4]));
    const img = document.querySelector<HTMLImageElement>('[data-current="true"] img');
    expect(img?.getAttribute('src')).toMatch(/\/display\/4$/);
  });

  it('pauses and resumes on Space, with a Paused indicator', async () => {
    await open(deckOf([1, 2, 3], { interval_seconds: 5 }));
    press(' ');
    await advance(0);
    expect(root().dataset.paused).toBe('true');
    expect(byTestId('paused')).toHaveLength(1);
    await advance(30_000);
    expect(shown()).toBe('photo:1');
    press(' ');
    await advance(0);
    expect(root().dataset.paused).toBe('false');
    expect(byTestId('paused')).toHaveLength(0);
    await advance(5000);
    expect(shown()).toBe('photo:2');
  });

  it('goes back and forth with the arrow keys', async () => {
    await open(deckOf([1, 2, 3], { interval_seconds: 5 }));
    press('ArrowRight');
    await advance(0);
    expect(shown()).toBe('photo:2');
    press('ArrowRight');
    await advance(0);
    expect(shown()).toBe('photo:3');
    press('ArrowLeft');
    await advance(0);
    expect(shown()).toBe('photo:2');
    press('ArrowRight');
    await advance(0);
    expect(shown()).toBe('photo:3');
  });

  it('never shows a slide removed from the deck', async () => {
    const { state } = await open(deckOf([1, 2, 3, 4], { interval_seconds: 5 }), { refreshMs: 1000 });
    await advance(2000);
    state.deck = deckOf([1, 3, 4], { interval_seconds: 5 });
    const seen = await watch(30_000);
    expect(seen).not.toContain('photo:2');
    expect(seen).toContain('photo:3');
  });

  it('takes a removed slide off the screen at the next read', async () => {
    const { state } = await open(deckOf([1, 2, 3], { interval_seconds: 60 }), { refreshMs: 1000 });
    expect(shown()).toBe('photo:1');
    state.deck = deckOf([2, 3], { interval_seconds: 60 });
    await advance(1000);
    expect(shown()).toBe('photo:2');
    expect(document.querySelector('[data-testid="slide"][data-id="1"]')).toBeNull();
  });

  it('drops a slide hidden just before its turn as soon as the backend says the deck changed', async () => {
    // No periodic re-read comes in time: only the change event can save it.
    const { state, emitDeckChanged } = await open(deckOf([1, 2, 3], { interval_seconds: 5 }), { refreshMs: 600_000 });
    expect(shown()).toBe('photo:1');
    expect(root().dataset.next, 'photo 2 is queued and decoded').toBe('photo:2');
    await advance(4500);
    state.deck = deckOf([1, 3], { interval_seconds: 5 });
    emitDeckChanged();
    const seen = await watch(20_000);
    expect(seen.slice(0, 2), 'the next slide is the one after the hidden one').toEqual(['photo:1', 'photo:3']);
    expect(seen).not.toContain('photo:2');
  });

  it('holds a slide due while a change is being read until the new deck is in', async () => {
    const { state, emitDeckChanged } = await open(deckOf([1, 2, 3], { interval_seconds: 5 }), { refreshMs: 600_000 });
    await advance(4900);
    // The re-read is slow (a busy library) and ends after photo 2 was due.
    state.readDelayMs = 300;
    state.deck = deckOf([1, 3], { interval_seconds: 5 });
    emitDeckChanged();
    await advance(100);
    expect(shown(), 'the due slide waits for the re-read').toBe('photo:1');
    await advance(200);
    expect(shown()).toBe('photo:3');
    expect(await watch(20_000)).not.toContain('photo:2');
  });

  it('never lets an older read bring back a slide a newer read removed', async () => {
    const { state, emitDeckChanged } = await open(deckOf([1, 2, 3], { interval_seconds: 5 }), { refreshMs: 4000 });
    await advance(3500);
    // The periodic read starts (slowly, ending just before photo 2 is due)
    // with photo 2 still in; then photo 2 is hidden and the change read is quick.
    state.readDelayMs = 800;
    await advance(500);
    state.readDelayMs = 0;
    state.deck = deckOf([1, 3], { interval_seconds: 5 });
    emitDeckChanged();
    const seen = await watch(20_000);
    expect(seen).not.toContain('photo:2');
  });

  it('shows a new photo next', async () => {
    const { state } = await open(deckOf([1, 2, 3], { interval_seconds: 5 }), { refreshMs: 1000 });
    await advance(1000);
    state.deck = deckOf([1, 2, 3, 9], { interval_seconds: 5 });
    await advance(4000);
    expect(shown()).toBe('photo:9');
    await advance(5000);
    expect(shown()).toBe('photo:2');
  });

  it('keeps the show going when the deck cannot be read, with only a tiny dot', async () => {
    const { state } = await open(deckOf([1, 2], { interval_seconds: 5 }), { refreshMs: 1000 });
    state.failing = true;
    const seen = await watch(20_000);
    expect(seen).toEqual(['photo:1', 'photo:2', 'photo:1', 'photo:2', 'photo:1']);
    expect(byTestId('offline')).toHaveLength(1);
    expect(root().textContent).not.toMatch(/unreachable|error/i);
    state.failing = false;
    await advance(1000);
    expect(byTestId('offline')).toHaveLength(0);
  });

  it('skips a photo whose image cannot be loaded', async () => {
    const loadImage: LoadImage = (url) => (url.endsWith('/2') ? Promise.reject(new Error('corrupt')) : Promise.resolve());
    await open(deckOf([1, 2, 3], { interval_seconds: 5 }), { loadImage });
    const seen = await watch(20_000);
    expect(seen).not.toContain('photo:2');
    expect(seen.slice(0, 4)).toEqual(['photo:1', 'photo:3', 'photo:1', 'photo:3']);
  });

  it('does not stall on an image that never loads', async () => {
    const loadImage: LoadImage = (url) => (url.endsWith('/2') ? new Promise(() => {}) : Promise.resolve());
    await open(deckOf([1, 2, 3], { interval_seconds: 5 }), { loadImage });
    const seen = await watch(40_000);
    expect(seen).not.toContain('photo:2');
    expect(seen.filter((s) => s === 'photo:3').length).toBeGreaterThanOrEqual(2);
  });

  it('shows guest strings as text, never as markup', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await open(
      deckOf([photo(1, { text: evil, name: '<b>Mallory</b>' })], { show_messages: true, message_every: 1 }, [
        message(50, evil, '<script>x</script>'),
      ]),
    );
    expect(byTestId('slide-caption')[0]?.textContent).toBe(evil);
    expect(byTestId('slide-uploader')[0]?.textContent).toBe('Photo by <b>Mallory</b>');
    expect(document.querySelector('img[src="x"], b, script')).toBeNull();
    press('ArrowRight');
    await advance(0);
    expect(shown()).toBe('message:50');
    const card = byTestId('message-card')[0];
    expect(card?.textContent).toContain(evil);
    expect(card?.textContent).toContain('<script>x</script>');
    expect(document.querySelector('img[src="x"], b, script')).toBeNull();
  });

  it('hides captions when show_caption is off', async () => {
    await open(deckOf([photo(1, { text: 'hello', name: 'Ana' })], { show_caption: false }));
    expect(byTestId('slide-caption')).toHaveLength(0);
    expect(byTestId('slide-uploader')).toHaveLength(0);
  });

  it('interleaves message cards with their author', async () => {
    await open(
      deckOf([1, 2], { interval_seconds: 5, show_messages: true, message_every: 2 }, [message(50, 'Congrats!', 'Ana')]),
    );
    const seen = [shown(), ...(await watch(15_000, 5000))];
    expect(seen).toEqual(['photo:1', 'photo:2', 'message:50', 'photo:1']);
  });

  it('shows the QR code and the share host in a corner', async () => {
    await open(deckOf([1], { show_qr: true }, [], 'https://klikt.example/e/abc'));
    const qr = byTestId('qr');
    expect(qr).toHaveLength(1);
    expect(qr[0]?.getAttribute('src')).toMatch(/\/qr\/7$/);
    expect(root().textContent).toContain('Scan to share your photos');
    expect(root().textContent).toContain('klikt.example');
  });

  it('hides the QR code when turned off or without a share URL', async () => {
    await open(deckOf([1], { show_qr: false }));
    expect(byTestId('qr')).toHaveLength(0);
    unmount(view!);
    view = null;
    await open(deckOf([1], { show_qr: true }, [], null));
    expect(byTestId('qr')).toHaveLength(0);
  });

  it('shows the event logo in the chosen corner, from the media scheme by event id', async () => {
    await open(deckOf([1], { show_logo: true, logo_corner: 'bottom_left' }, [], null, 'v1'));
    const logo = byTestId('logo');
    expect(logo).toHaveLength(1);
    expect(logo[0]?.getAttribute('src'), 'by event id and version, never a file path').toMatch(/\/logo\/7\?v=v1$/);
    expect(logo[0]?.dataset.corner).toBe('bottom_left');
    expect(logo[0]?.getAttribute('alt'), 'decorative: nothing to read out').toBe('');
  });

  it('shows a replaced logo at once and drops a removed one', async () => {
    const { state, emitDeckChanged } = await open(deckOf([1], {}, [], null, 'v1'), { refreshMs: 600_000 });
    state.deck = deckOf([1], {}, [], null, 'v2');
    emitDeckChanged();
    await advance(0);
    expect(byTestId('logo')[0]?.getAttribute('src')).toMatch(/\?v=v2$/);
    state.deck = deckOf([1], {}, [], null, null);
    emitDeckChanged();
    await advance(0);
    expect(byTestId('logo')).toHaveLength(0);
  });

  it('hides the logo when turned off, when there is none, or when it cannot load', async () => {
    await open(deckOf([1], { show_logo: false }, [], null, 'v1'));
    expect(byTestId('logo')).toHaveLength(0);
    unmount(view!);
    view = null;
    await open(deckOf([1], { show_logo: true }, [], null, null));
    expect(byTestId('logo')).toHaveLength(0);
    unmount(view!);
    view = null;
    await open(deckOf([1], { show_logo: true }, [], null, 'v1'));
    byTestId('logo')[0]?.dispatchEvent(new Event('error'));
    await advance(0);
    expect(byTestId('logo'), 'a broken image is no broken icon on the venue screen').toHaveLength(0);
  });

  it('waits calmly on an empty deck, then starts when a photo is approved', async () => {
    const { state } = await open(deckOf([]), { refreshMs: 1000 });
    expect(byTestId('waiting')).toHaveLength(1);
    expect(root().textContent).toContain('Waiting for approved photos');
    expect(byTestId('qr')).toHaveLength(1);
    expect(shown()).toBeNull();
    state.deck = deckOf([5]);
    await advance(1000);
    expect(byTestId('waiting')).toHaveLength(0);
    expect(shown()).toBe('photo:5');
  });

  it('shows the waiting screen, not a black one, when the first read fails', async () => {
    const fake = fakeApi(deckOf([1]));
    fake.state.failing = true;
    const target = document.createElement('div');
    document.body.append(target);
    view = mount(Slideshow, {
      target,
      props: { api: fake.api, eventId: 7, loadImage: async () => {}, afterPaint: () => tick(), refreshMs: 1000 },
    });
    await advance(0);
    expect(byTestId('waiting')).toHaveLength(1);
    expect(byTestId('offline')).toHaveLength(1);
    fake.state.failing = false;
    await advance(1000);
    expect(byTestId('waiting')).toHaveLength(0);
    expect(shown()).toBe('photo:1');
  });

  it('goes back to waiting when every photo is removed', async () => {
    const { state } = await open(deckOf([1, 2]), { refreshMs: 1000 });
    state.deck = deckOf([]);
    await advance(1000);
    expect(shown()).toBeNull();
    expect(byTestId('slide')).toHaveLength(0);
    expect(byTestId('waiting')).toHaveLength(1);
  });

  it('marks only the slide on screen as current during a crossfade', async () => {
    await open(deckOf([1, 2], { interval_seconds: 5, transition: 'crossfade' }));
    await advance(5000);
    expect(byTestId('slide').length).toBe(2);
    expect(shown()).toBe('photo:2');
    await advance(2000);
    expect(byTestId('slide').length).toBe(1);
  });

  it('ends a crossfade within half the interval, so at 1 s a slide is alone before the next comes', async () => {
    await open(deckOf([1, 2, 3], { interval_seconds: 1, transition: 'crossfade' }));
    expect(root().style.getPropertyValue('--fade')).toBe('500ms');
    await advance(1000);
    expect(shown()).toBe('photo:2');
    expect(byTestId('slide').length, 'fading in over photo 1').toBe(2);
    await advance(700);
    expect(byTestId('slide').length, 'photo 1 let go before photo 3 is due').toBe(1);
  });

  it('toggles full screen on F and closes on Escape', async () => {
    const { windowControl } = await open(deckOf([1]));
    press('f');
    press('Escape');
    await advance(0);
    expect(windowControl.toggleFullscreen).toHaveBeenCalledTimes(1);
    expect(windowControl.close).toHaveBeenCalledTimes(1);
  });

  it('hides the cursor after 2 s without movement', async () => {
    await open(deckOf([1]));
    await advance(2000);
    expect(root().classList.contains('cursor-hidden')).toBe(true);
    window.dispatchEvent(new MouseEvent('mousemove'));
    await advance(0);
    expect(root().classList.contains('cursor-hidden')).toBe(false);
  });
});

describe('Slideshow videos', () => {
  const video = (id: number) => photo(id, { kind: 'video' });
  const onScreen = () => document.querySelector<HTMLVideoElement>('[data-current="true"] video');
  let play: ReturnType<typeof vi.fn<() => Promise<void>>>;
  let pause: ReturnType<typeof vi.fn<() => void>>;

  beforeEach(() => {
    // jsdom has no media pipeline: record what the show asks of it.
    play = vi.fn<() => Promise<void>>(async () => {});
    pause = vi.fn<() => void>();
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(play);
    vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(pause);
    vi.spyOn(HTMLMediaElement.prototype, 'load').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Plays `ms` of the video on screen, reporting progress like a real player. */
  async function playFor(ms: number) {
    for (let t = 0; t < ms; t += 1000) {
      onScreen()?.dispatchEvent(new Event('timeupdate'));
      await advance(1000);
    }
  }

  it('plays a video from the app video URL, muted by default, to its end', async () => {
    await open(deckOf([1, video(2), 3], { interval_seconds: 5, video_max_seconds: 60 }));
    await advance(5000);
    expect(shown()).toBe('video:2');
    const el = onScreen();
    expect(el?.getAttribute('src')).toBe('http://127.0.0.1:9/s3cret/2');
    expect(el?.muted).toBe(true);
    expect(play).toHaveBeenCalled();
    await playFor(20_000);
    expect(shown()).toBe('video:2');
    el?.dispatchEvent(new Event('ended'));
    await advance(0);
    expect(shown()).toBe('photo:3');
  });

  it('plays with sound when the event says so', async () => {
    await open(deckOf([video(2)], { videos_muted: false }));
    expect(onScreen()?.muted).toBe(false);
  });

  it('cuts a long video at the maximum length', async () => {
    await open(deckOf([video(2), 3], { interval_seconds: 5, video_max_seconds: 12 }));
    expect(shown()).toBe('video:2');
    await playFor(11_000);
    expect(shown()).toBe('video:2');
    await playFor(1000);
    expect(shown()).toBe('photo:3');
    await advance(5000);
    expect(shown()).toBe('video:2');
  });

  it('skips a video that cannot be played, without waiting its turn out', async () => {
    const loadVideo: LoadImage = async () => {
      throw new Error('no decoder for this stream');
    };
    await open(deckOf([1, video(2), 3], { interval_seconds: 5 }), { loadVideo });
    expect(await watch(14_000)).toEqual(['photo:1', 'photo:3', 'photo:1']);
  });

  it('skips videos, and plays the photos, when the video server cannot start', async () => {
    const loadVideo = vi.fn<LoadImage>(async () => {});
    await open(deckOf([1, video(2), 3], { interval_seconds: 5 }), { loadVideo, videoServer: false });
    expect(await watch(14_000)).toEqual(['photo:1', 'photo:3', 'photo:1']);
    expect(loadVideo).not.toHaveBeenCalled();
  });

  it('moves on when a playing video fails or stops making progress', async () => {
    await open(deckOf([video(2), 3, video(4)], { interval_seconds: 5, video_max_seconds: 60 }));
    expect(shown()).toBe('video:2');
    onScreen()?.dispatchEvent(new Event('error'));
    await advance(0);
    expect(shown()).toBe('photo:3');
    await advance(5000);
    expect(shown()).toBe('video:4');
    // No progress reported: given up well before the 60 s maximum.
    await advance(10_000);
    expect(shown()).toBe('video:2');
  });

  it('pauses the video with the show on Space', async () => {
    await open(deckOf([video(2), 3]));
    pause.mockClear();
    press(' ');
    await advance(0);
    expect(pause).toHaveBeenCalled();
    await advance(120_000);
    expect(shown()).toBe('video:2');
  });
});
