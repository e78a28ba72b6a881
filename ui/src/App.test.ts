// @vitest-environment jsdom
import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import App from './App.svelte';
import type { KliktApi } from './lib/api';
import type { EventSummary } from './lib/bindings/EventSummary';
import type { IpcError } from './lib/bindings/IpcError';
import type { MediaItem } from './lib/bindings/MediaItem';

beforeAll(() => {
  // jsdom has no layout; `bind:clientWidth` needs the observer to exist.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

let app: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

function event(id: number, name: string, media_count = 0): EventSummary {
  return {
    id,
    name,
    remote_id: null,
    created_at: '2026-05-12T10:00:00Z',
    media_count,
    pending_count: 0,
    total_bytes: 1_500_000,
    server_state: 'active',
    expires_at: null,
    last_pulled_at: null,
  };
}

function photo(id: number, overrides: Partial<MediaItem> = {}): MediaItem {
  return {
    id,
    event_id: 1,
    remote_id: null,
    kind: 'photo',
    mime: 'image/jpeg',
    original_name: `IMG_${id}.jpg`,
    uploader: null,
    caption: null,
    uploaded_at: null,
    captured_at: null,
    imported_at: '2026-05-12T10:00:00Z',
    width: 4000,
    height: 3000,
    orientation: 1,
    camera_make: null,
    camera_model: null,
    gps_lat: null,
    gps_lon: null,
    size: 1000,
    sha256: 'ab'.repeat(32),
    status: 'approved',
    flag: 'none',
    rating: 0,
    favorite: false,
    preview: 'ready',
    original_path: `/lib/${id}`,
    thumbnail_path: `/lib/${id}.thumb.jpg`,
    display_path: `/lib/${id}.display.jpg`,
    ...overrides,
  };
}

function fakeApi(
  events: EventSummary[] | IpcError,
  media: Record<number, MediaItem[] | IpcError> = {},
): KliktApi {
  const answer = <T>(value: T | IpcError): Promise<T> =>
    Array.isArray(value) ? Promise.resolve(value as T) : Promise.reject(value);
  return {
    events: () => answer(events),
    media: (id) => answer(media[Number(id)] ?? []),
  };
}

async function show(api: KliktApi): Promise<HTMLElement> {
  const target = document.createElement('div');
  document.body.append(target);
  app = mount(App, { target, props: { api } });
  for (let i = 0; i < 5; i += 1) {
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  flushSync();
  return target;
}

const all = (root: HTMLElement, testId: string) =>
  Array.from(root.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`));

describe('App', () => {
  it('lists events and shows the first event as a grid of thumbnails', async () => {
    const root = await show(
      fakeApi([event(1, 'Wedding', 2), event(2, 'Party', 0)], {
        1: [photo(10), photo(11, { kind: 'video', mime: 'video/mp4', thumbnail_path: null, preview: 'placeholder' })],
      }),
    );

    expect(all(root, 'event-name').map((el) => el.textContent)).toEqual(['Wedding', 'Party']);
    expect(all(root, 'event-count').map((el) => el.textContent)).toEqual(['2', '0']);
    expect(all(root, 'event-title')[0]?.textContent).toBe('Wedding');
    const thumbs = all(root, 'thumb') as HTMLImageElement[];
    expect(thumbs.map((img) => img.getAttribute('src'))).toEqual([
      'klikt-media://localhost/thumbnail/10',
    ]);
    expect(thumbs[0]?.getAttribute('loading')).toBe('lazy');
    expect(all(root, 'thumb-placeholder')[0]?.textContent).toContain('Video');
    expect(all(root, 'tile').map((el) => el.title)).toEqual(['IMG_10.jpg', 'IMG_11.jpg']);
  });

  it('renders guest-supplied names and captions as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    const root = await show(
      fakeApi([event(1, hostile, 1)], {
        1: [photo(10, { original_name: hostile, caption: hostile })],
      }),
    );

    expect(root.querySelectorAll('b')).toHaveLength(0);
    expect(root.querySelectorAll('img:not([data-testid="thumb"])')).toHaveLength(0);
    expect(all(root, 'event-name')[0]?.textContent).toBe(hostile);
    expect(all(root, 'tile-name')[0]?.textContent).toBe(hostile);
    expect((all(root, 'thumb')[0] as HTMLImageElement).alt).toBe(hostile);
  });

  it('switches the grid when another event is picked', async () => {
    const root = await show(
      fakeApi([event(1, 'Wedding', 1), event(2, 'Party', 2)], {
        1: [photo(10)],
        2: [photo(20), photo(21)],
      }),
    );

    all(root, 'event-item')[1]?.click();
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();

    expect(all(root, 'event-title')[0]?.textContent).toBe('Party');
    expect(all(root, 'thumb').map((img) => img.getAttribute('src'))).toEqual([
      'klikt-media://localhost/thumbnail/20',
      'klikt-media://localhost/thumbnail/21',
    ]);
    expect(all(root, 'event-item')[1]?.getAttribute('aria-current')).toBe('true');
  });

  it('tells how to import when the library has no events', async () => {
    const root = await show(fakeApi([]));

    expect(all(root, 'empty-state')[0]?.textContent).toContain(
      'Import photos with klikt import PATH --event NAME',
    );
  });

  it('says so when an event has no media', async () => {
    const root = await show(fakeApi([event(1, 'Quiet', 0)], { 1: [] }));

    expect(all(root, 'empty-state')[0]?.textContent).toContain('No photos in this event yet');
  });

  it('shows a library error in words', async () => {
    const root = await show(
      fakeApi({ code: 'library_too_new', message: 'This library was made by a newer Klikt; update Klikt.' }),
    );

    expect(all(root, 'error-message')[0]?.textContent).toBe(
      'This library was made by a newer Klikt; update Klikt.',
    );
    expect(all(root, 'error')[0]?.textContent).toContain('library_too_new');
  });

  it('shows an error listing one event without losing the sidebar', async () => {
    const root = await show(
      fakeApi([event(1, 'Wedding', 3)], { 1: { code: 'database', message: 'The database is locked.' } }),
    );

    expect(all(root, 'event-item')).toHaveLength(1);
    expect(all(root, 'error-message')[0]?.textContent).toBe('The database is locked.');
  });

  it('renders a window of tiles, not one node per item, for 10,000 photos', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => photo(i + 1));
    const root = await show(fakeApi([event(1, 'Festival', many.length)], { 1: many }));

    const tiles = all(root, 'tile');
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.length).toBeLessThan(100);
    expect(all(root, 'event-meta')[0]?.textContent).toContain('10,000 photos');
  });
});
