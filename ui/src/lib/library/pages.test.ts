import { describe, expect, it } from 'vitest';

import type { MediaItem } from '../bindings/MediaItem';
import { PageCache, pagesForRange } from './pages';
import { fakeItem } from './testing/fakeApi';

const all = Array.from({ length: 1000 }, (_, i) => fakeItem(i + 1));

function source() {
  const calls: [number, number][] = [];
  const fetch = async (offset: number, limit: number): Promise<MediaItem[]> => {
    calls.push([offset, limit]);
    return all.slice(offset, offset + limit);
  };
  return { calls, fetch };
}

describe('pagesForRange', () => {
  it('covers a range with the pages it overlaps', () => {
    expect(pagesForRange(0, 10, 100)).toEqual([0]);
    expect(pagesForRange(95, 205, 100)).toEqual([0, 1, 2]);
    expect(pagesForRange(100, 200, 100)).toEqual([1]);
    expect(pagesForRange(5, 5, 100)).toEqual([]);
  });
});

describe('PageCache', () => {
  it('uses the first page as the order until the full id list arrives', async () => {
    const { fetch } = source();
    const cache = new PageCache(fetch, 100);
    await cache.load(0);
    expect(cache.ids).toHaveLength(100);
    expect(cache.idsKnown).toBe(false);
    cache.setIds(all.map((item) => item.id));
    expect(cache.ids).toHaveLength(1000);
  });

  it('fetches only the pages a visible range needs, once each', async () => {
    const { calls, fetch } = source();
    const cache = new PageCache(fetch, 100);
    cache.setIds(all.map((item) => item.id));
    await cache.ensure(150, 260);
    expect(calls).toEqual([
      [100, 100],
      [200, 100],
    ]);
    expect(await cache.ensure(120, 290)).toBe(false);
    expect(calls).toHaveLength(2);
    expect(cache.get(150)?.original_name).toBe('IMG_150.jpg');
    expect(cache.get(50)).toBeUndefined();
  });

  it('does not fetch a page twice while it is on its way', async () => {
    const { calls, fetch } = source();
    const cache = new PageCache(fetch, 100);
    cache.setIds(all.map((item) => item.id));
    const first = cache.ensure(0, 50);
    const second = cache.ensure(10, 60);
    await Promise.all([first, second]);
    expect(calls).toEqual([[0, 100]]);
  });

  it('drops an answer for a query that was replaced meanwhile', async () => {
    let release: (items: MediaItem[]) => void = () => {};
    const slow = () => new Promise<MediaItem[]>((resolve) => (release = resolve));
    const cache = new PageCache(slow, 100);
    cache.setIds([1, 2, 3]);
    const pending = cache.ensure(0, 3);
    cache.reset(source().fetch);
    release(all.slice(0, 3));
    expect(await pending).toBe(false);
    expect(cache.get(1)).toBeUndefined();
  });

  it('keeps items across a reorder and refetches forgotten ones', async () => {
    const { calls, fetch } = source();
    const cache = new PageCache(fetch, 100);
    cache.setIds(all.map((item) => item.id));
    await cache.ensure(0, 10);
    cache.setIds([...cache.ids].reverse());
    expect(cache.missingPages(990, 1000)).toEqual([]);
    cache.forget([5]);
    expect(cache.missingPages(990, 1000)).toEqual([9]);
    expect(calls).toHaveLength(1);
  });

  it('retries a page whose fetch failed', async () => {
    let fail = true;
    const cache = new PageCache(async (offset, limit) => {
      if (fail) throw { code: 'io', message: 'disk' };
      return all.slice(offset, offset + limit);
    }, 100);
    cache.setIds([1, 2]);
    await expect(cache.ensure(0, 2)).rejects.toEqual({ code: 'io', message: 'disk' });
    fail = false;
    expect(await cache.ensure(0, 2)).toBe(true);
  });

  it('updates a cached item in place after a decision', async () => {
    const cache = new PageCache(source().fetch, 100);
    await cache.load(0);
    cache.update({ ...all[0]!, flag: 'picked' });
    expect(cache.get(1)?.flag).toBe('picked');
    cache.update({ ...all[500]!, flag: 'picked' });
    expect(cache.get(501)).toBeUndefined();
  });
});
