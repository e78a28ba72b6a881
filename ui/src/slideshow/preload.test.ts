import { afterEach, describe, expect, it, vi } from 'vitest';

import { Player, type PlayItem } from './deck';
import { Preloader, TimeoutError, withTimeout, type LoadImage } from './preload';
import { deckOf, message } from './testing/fixtures';

afterEach(() => {
  vi.useRealTimers();
});

const item = (id: number): PlayItem => ({ key: `photo:${id}`, kind: 'photo', id, slide: deckOf([id]).slides[0]! });

/** A loader whose loads the test settles by hand. */
function manualLoader() {
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const load: LoadImage = (url) =>
    new Promise<void>((resolve, reject) => {
      pending.set(url, { resolve, reject });
    });
  return { load, pending, urls: () => [...pending.keys()] };
}

describe('Preloader', () => {
  it('loads the display rendition of the wanted photos, once each', () => {
    const loader = manualLoader();
    const spy = vi.fn(loader.load);
    const preloader = new Preloader({ load: spy });
    preloader.want([item(1), item(2)]);
    preloader.want([item(1), item(2)]);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(loader.urls().map((u) => u.replace(/^.*\/\/[^/]+/, ''))).toEqual(['/display/1', '/display/2']);
  });

  it('reports a photo whose image fails, and marks it failed', async () => {
    const onFailed = vi.fn();
    const preloader = new Preloader({ load: () => Promise.reject(new Error('404')), onFailed });
    preloader.want([item(1)]);
    expect(await preloader.settled(item(1))).toBe('failed');
    expect(preloader.state(item(1))).toBe('failed');
    expect(onFailed).toHaveBeenCalledTimes(1);
    expect(onFailed.mock.calls[0]?.[0]).toMatchObject({ key: 'photo:1' });
  });

  it('gives up on an image that takes longer than the timeout', async () => {
    vi.useFakeTimers();
    const onFailed = vi.fn();
    const preloader = new Preloader({ load: () => new Promise(() => {}), timeoutMs: 3000, onFailed });
    preloader.want([item(1)]);
    const settled = preloader.settled(item(1));
    await vi.advanceTimersByTimeAsync(2999);
    expect(preloader.state(item(1))).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled).toBe('failed');
    expect(onFailed.mock.calls[0]?.[1]).toBeInstanceOf(TimeoutError);
  });

  it('survives a loader that throws synchronously', async () => {
    const preloader = new Preloader({
      load: () => {
        throw new Error('boom');
      },
    });
    preloader.want([item(1)]);
    expect(await preloader.settled(item(1))).toBe('failed');
  });

  it('treats message cards as ready without loading anything', async () => {
    const load = vi.fn(() => Promise.resolve());
    const preloader = new Preloader({ load });
    const card: PlayItem = { key: 'message:5', kind: 'message', id: 5, slide: message(5, 'hi') };
    preloader.want([card]);
    expect(preloader.state(card)).toBe('ready');
    expect(await preloader.settled(card)).toBe('ready');
    expect(load).not.toHaveBeenCalled();
  });

  it('forgets what is no longer wanted, so a later pass retries a failed image', async () => {
    let fail = true;
    const load = vi.fn(() => (fail ? Promise.reject(new Error('busy')) : Promise.resolve()));
    const preloader = new Preloader({ load });
    preloader.want([item(1)]);
    expect(await preloader.settled(item(1))).toBe('failed');
    preloader.want([item(2)]);
    fail = false;
    preloader.want([item(1)]);
    expect(await preloader.settled(item(1))).toBe('ready');
  });

  it('lets the player skip a failed slide instead of stalling on it', async () => {
    const player = new Player(deckOf([1, 2, 3]));
    const preloader = new Preloader({
      load: (url) => (url.endsWith('/2') ? Promise.reject(new Error('corrupt')) : Promise.resolve()),
      onFailed: (failed) => player.skip(failed.key),
    });
    player.next();
    const upcoming = player.upcoming(2);
    preloader.want(upcoming);
    await Promise.all(upcoming.map((u) => preloader.settled(u)));
    expect(player.upcoming(1).map((u) => u.id)).toEqual([3]);
  });
});

describe('withTimeout', () => {
  it('passes a value through in time', async () => {
    await expect(withTimeout(Promise.resolve(4), 10)).resolves.toBe(4);
  });

  it('rejects late ones', async () => {
    vi.useFakeTimers();
    const late = withTimeout(new Promise(() => {}), 50);
    const expectation = expect(late).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(50);
    await expectation;
  });
});
