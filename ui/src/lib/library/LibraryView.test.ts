// @vitest-environment jsdom
import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { setLocale } from '../i18n/index.svelte';
import LibraryView from './LibraryView.svelte';
import { createFake, fakeEvent, type Fake, type FakeOptions } from './testing/fakeApi';

beforeAll(() => {
  // jsdom has no layout; `bind:clientWidth` needs the observer to exist.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  setLocale('en');
});

let view: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.replaceChildren();
});

async function settle(rounds = 8) {
  for (let i = 0; i < rounds; i += 1) {
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  flushSync();
}

async function open(options: FakeOptions = {}) {
  const fake = createFake(options);
  const onChanged = vi.fn();
  const target = document.createElement('div');
  document.body.append(target);
  view = mount(LibraryView, {
    target,
    props: { api: fake.api, event: fakeEvent({ media_count: options.count ?? 300 }), onChanged },
  });
  await settle();
  return { fake, onChanged, root: target };
}

const byTestId = (testId: string) =>
  Array.from(document.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`));
const one = (testId: string) => {
  const found = byTestId(testId);
  expect(found, testId).toHaveLength(1);
  return found[0] as HTMLElement;
};
const tile = (id: number) => {
  const el = document.querySelector<HTMLElement>(`[data-testid="tile"][data-media-id="${id}"]`);
  if (!el) throw new Error(`tile ${id} is not rendered`);
  return el;
};
const currentId = () => Number(document.querySelector<HTMLElement>('[data-current="true"]')?.dataset.mediaId);

function press(key: string, init: KeyboardEventInit = {}) {
  const target = document.activeElement ?? document.body;
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  flushSync();
}

function clickTile(id: number, init: MouseEventInit = {}) {
  tile(id).dispatchEvent(new MouseEvent('click', { bubbles: true, ...init }));
  flushSync();
}

function choose(testId: string, value: string) {
  const select = one(testId) as HTMLSelectElement;
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}

const calls = (fake: Fake, command: Parameters<Fake['callsOf']>[0]) => fake.callsOf(command);

describe('LibraryView', () => {
  it('paints the first page and counts every match, asking for ids and the first page together', async () => {
    const { fake } = await open({ count: 300 });

    expect(fake.calls.slice(0, 2).map((c) => c.command).sort()).toEqual(['media', 'mediaIds']);
    expect(calls(fake, 'media')[0]?.[1]).toEqual({ sort: 'captured', offset: 0, limit: 200 });
    expect(one('match-count').textContent?.trim()).toBe('300 matches');
    const tiles = byTestId('tile');
    // Virtualized: a screenful of tiles, not 300.
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.length).toBeLessThan(100);
    expect(tiles[0]?.dataset).toMatchObject({ mediaId: '1', status: 'pending', flag: 'none', rating: '0', favorite: 'false' });
    expect(currentId()).toBe(1);
    expect(one('library').getAttribute('aria-label')).toBe('Photos of Wedding');
  });

  it('picks the current photo with P and shows it only once the backend stored it', async () => {
    const { fake, onChanged } = await open();

    press('p');
    expect(tile(1).dataset.flag).toBe('none');
    await settle();

    expect(calls(fake, 'curate')).toEqual([[[1], { kind: 'flag', value: 'picked' }]]);
    expect(tile(1).dataset.flag).toBe('picked');
    expect(fake.items.get(1)?.flag).toBe('picked');
    // The shell hears of it once the tile has been painted.
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it('rates, favorites, approves, hides and trashes from the keyboard', async () => {
    const { fake } = await open();

    press('4');
    press('f');
    press('a');
    await settle();
    expect(tile(1).dataset).toMatchObject({ rating: '4', favorite: 'true', status: 'approved' });

    press('h');
    await settle();
    expect(tile(1).dataset.status).toBe('hidden');
    press('Delete');
    await settle();
    expect(tile(1).dataset.status).toBe('deleted');
    press('r');
    await settle();
    // Restored to what it was before the trash, as the backend says.
    expect(tile(1).dataset.status).toBe('hidden');
    expect(calls(fake, 'moderate').map((c) => c[2])).toEqual(['approve', 'hide', 'delete', 'restore']);
  });

  it('keeps decisions in the order they were typed, even when the first answer is slower', async () => {
    const { fake } = await open();
    fake.delay.curate = (_ids, change) => ((change as { value: string }).value === 'picked' ? 30 : 0);

    press('p');
    press('x');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await settle();

    expect(calls(fake, 'curate').map((c) => (c[1] as { value: string }).value)).toEqual(['picked', 'rejected']);
    expect(fake.items.get(1)?.flag).toBe('rejected');
    expect(tile(1).dataset.flag).toBe('rejected');
  });

  it('moves to the next photo after a decision when auto-advance is on', async () => {
    const { fake } = await open();
    const toggle = one('auto-advance') as HTMLInputElement;
    toggle.click();
    flushSync();
    expect(toggle.checked).toBe(true);

    document.body.focus();
    press('p');
    press('x');
    await settle();

    expect(calls(fake, 'curate')).toEqual([
      [[1], { kind: 'flag', value: 'picked' }],
      [[2], { kind: 'flag', value: 'rejected' }],
    ]);
    expect(currentId()).toBe(3);
    expect(tile(2).dataset.flag).toBe('rejected');
  });

  it('auto-advances while Caps Lock is on, with the switch off', async () => {
    await open();

    press('P', { modifierCapsLock: true } as KeyboardEventInit);
    await settle();

    expect(tile(1).dataset.flag).toBe('picked');
    expect(currentId()).toBe(2);
  });

  it('stays on the photo when auto-advance is off, and moves with the arrows', async () => {
    await open();

    press('p');
    await settle();
    expect(currentId()).toBe(1);
    press('ArrowRight');
    press('ArrowRight');
    press('ArrowLeft');
    expect(currentId()).toBe(2);
    expect(tile(2).getAttribute('aria-selected')).toBe('true');
  });

  it('shows a failed decision in words and leaves the tile as it was', async () => {
    const { fake } = await open();
    fake.fail('curate', { code: 'io', message: 'The library disk is full.' });

    press('p');
    await settle();

    expect(one('decision-error').getAttribute('role')).toBe('alert');
    expect(one('decision-error').textContent).toContain('The library disk is full.');
    expect(tile(1).dataset.flag).toBe('none');
  });

  it('undoes the last decision with Ctrl+Z and shows the photo as it was', async () => {
    const { fake } = await open();

    press('p');
    await settle();
    press('z', { ctrlKey: true });
    await settle();

    expect(calls(fake, 'undo')).toHaveLength(1);
    expect(tile(1).dataset.flag).toBe('none');

    press('z', { metaKey: true });
    await settle();
    expect(one('library-notice').textContent).toBe('There is nothing to undo.');
  });

  it('applies a key decision and the bulk bar to every selected photo', async () => {
    const { fake } = await open();

    clickTile(2);
    clickTile(5, { shiftKey: true });
    clickTile(8, { ctrlKey: true });
    expect(one('bulk-bar').textContent).toContain('5 selected');

    press('a');
    await settle();
    expect(calls(fake, 'moderate')).toEqual([[1, [2, 3, 4, 5, 8], 'approve']]);
    for (const id of [2, 3, 4, 5, 8]) expect(tile(id).dataset.status).toBe('approved');
    expect(tile(6).dataset.status).toBe('pending');

    const reject = Array.from(one('bulk-bar').querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Reject');
    reject?.click();
    await settle();
    expect(calls(fake, 'curate')).toEqual([[[2, 3, 4, 5, 8], { kind: 'flag', value: 'rejected' }]]);
    expect(tile(8).dataset.flag).toBe('rejected');
  });

  it('selects every match with Ctrl+A, without loading them, and clears with Esc', async () => {
    const { fake } = await open({ count: 300 });

    press('a', { ctrlKey: true });
    expect(one('bulk-bar').textContent).toContain('300 selected');
    expect(calls(fake, 'media')).toHaveLength(1);

    press('Escape');
    expect(byTestId('bulk-bar')).toHaveLength(0);
    expect(document.querySelectorAll('[data-testid="tile"][aria-selected="true"]')).toHaveLength(0);
  });

  it('shows a hostile caption in the loupe as text, never as markup', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await open({ overrides: { 1: { caption: hostile, uploader: '<b>Eve</b>' } } });

    press(' ');
    await settle();

    expect(one('loupe-caption').textContent).toBe(hostile);
    expect(one('loupe-uploader').textContent).toBe('<b>Eve</b>');
    expect(document.querySelectorAll('img[src="x"]')).toHaveLength(0);
    expect(document.querySelectorAll('b')).toHaveLength(0);
    for (const img of Array.from(one('loupe').querySelectorAll('img'))) {
      expect(img.getAttribute('src')).toBe('klikt-media://localhost/display/1');
    }
  });

  it('opens the loupe on Space, steps with the arrows, decides there, and closes on Esc', async () => {
    const { fake } = await open();

    press(' ');
    await settle();
    expect(one('loupe').dataset.mediaId).toBe('1');
    press('ArrowRight');
    await settle();
    expect(one('loupe').dataset.mediaId).toBe('2');
    press('3');
    await settle();
    expect(calls(fake, 'curate')).toEqual([[[2], { kind: 'rating', value: 3 }]]);
    expect(one('loupe').textContent).toContain('3 stars');

    press('Escape');
    expect(byTestId('loupe')).toHaveLength(0);
  });

  it('compares the selection and applies keys to the pane clicked', async () => {
    const { fake } = await open();

    clickTile(3);
    clickTile(4, { ctrlKey: true });
    press('c');
    await settle();
    const panes = Array.from(one('compare').querySelectorAll<HTMLElement>('[data-testid="compare-pane"]'));
    expect(panes.map((p) => p.dataset.mediaId)).toEqual(['3', '4']);

    panes[0]?.click();
    flushSync();
    document.body.focus();
    press('x');
    await settle();
    expect(calls(fake, 'curate')).toEqual([[[3], { kind: 'flag', value: 'rejected' }]]);
    expect(one('compare').querySelector('[data-media-id="3"] [data-testid="compare-flag"]')?.textContent).toBe('Rejected');
  });

  it('lists every key in the help overlay and closes it with Esc', async () => {
    await open();

    press('?', { shiftKey: true });
    const help = one('help-overlay');
    for (const text of ['Pick', 'Reject', 'Undo the last decision', 'Compare the selected photos (2 to 4)']) {
      expect(help.textContent).toContain(text);
    }
    press('Escape');
    expect(byTestId('help-overlay')).toHaveLength(0);
  });

  it('turns the filters into the query and says when the trash is empty', async () => {
    const { fake } = await open();

    choose('filter-status', 'deleted');
    await settle();

    expect(calls(fake, 'mediaIds').at(-1)?.[1]).toEqual({ status: 'deleted', sort: 'captured' });
    expect(one('library-empty').textContent).toContain('The trash is empty');
    expect(one('match-count').textContent?.trim()).toBe('0 matches');

    choose('filter-status', 'all');
    choose('filter-rating', '3');
    await settle();
    expect(one('library-empty').textContent).toContain('No photos match these filters');
  });

  it('ignores keys typed in a text field', async () => {
    const { fake } = await open();

    one('new-collection').click();
    flushSync();
    const input = one('new-collection-name');
    input.focus();
    press('p');
    await settle();
    expect(calls(fake, 'curate')).toHaveLength(0);
  });

  it('moderates guest messages and shows their text as plain text', async () => {
    const { fake } = await open({
      messages: [
        { id: 7, event_id: 1, remote_id: null, author: '<i>Eve</i>', body: '<script>x()</script> Bravo !', created_at: '2026-05-12T18:00:00Z', status: 'pending' },
      ],
    });

    one('messages-tab').click();
    await settle();
    const row = one('message-row');
    expect(row.dataset).toMatchObject({ messageId: '7', status: 'pending' });
    expect(row.textContent).toContain('<script>x()</script> Bravo !');
    expect(one('messages-panel').querySelectorAll('i, script')).toHaveLength(0);

    const hide = Array.from(row.querySelectorAll('button')).find((b) => b.textContent === 'Hide');
    hide?.click();
    await settle();
    expect(calls(fake, 'moderateMessages')).toEqual([[1, [7], 'hide']]);
    expect(one('message-row').dataset.status).toBe('hidden');
  });

  it('creates a collection, adds the selection, shows it in manual order and reorders with Alt+arrows', async () => {
    const { fake } = await open();

    one('new-collection').click();
    flushSync();
    const input = one('new-collection-name') as HTMLInputElement;
    input.value = 'Best of';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.form?.requestSubmit();
    await settle();
    expect(calls(fake, 'createCollection')).toEqual([[1, 'Best of']]);
    const row = one('collection-row');
    expect(row.textContent).toContain('Best of');

    clickTile(1);
    clickTile(3, { shiftKey: true });
    row.querySelector<HTMLButtonElement>('button[aria-label="Add the selection to Best of"]')?.click();
    await settle();
    expect(calls(fake, 'addToCollection')).toEqual([[1, 1, [1, 2, 3]]]);
    expect(one('collection-row').textContent).toContain('3');

    one('collection-row').querySelector<HTMLButtonElement>('button')?.click();
    await settle();
    expect(calls(fake, 'mediaIds').at(-1)?.[1]).toEqual({ collection: 1, sort: 'manual' });
    expect(byTestId('tile').map((t) => t.dataset.mediaId)).toEqual(['1', '2', '3']);

    clickTile(1);
    document.body.focus();
    press('ArrowRight', { altKey: true });
    await settle();
    expect(calls(fake, 'moveInCollection')).toEqual([[1, 1, 1, { kind: 'after', value: 2 }]]);
    expect(byTestId('tile').map((t) => t.dataset.mediaId)).toEqual(['2', '1', '3']);
    expect(currentId()).toBe(1);
  });

  it('leaves the benchmark its open, commit and key-to-visible measures', async () => {
    performance.clearMeasures();
    await open();
    press('p');
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 40));

    for (const name of ['klikt:open', 'klikt:commit', 'klikt:key-to-visible']) {
      expect(performance.getEntriesByName(name, 'measure'), name).toHaveLength(1);
    }
  });

  it('shows a loading error in words with a retry', async () => {
    const fake = createFake();
    fake.fail('media', { code: 'library_locked', message: 'Another Klikt has the library open.' });
    const target = document.createElement('div');
    document.body.append(target);
    view = mount(LibraryView, { target, props: { api: fake.api, event: fakeEvent() } });
    await settle();

    const alert = target.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('Another Klikt has the library open.');
    alert?.querySelector('button')?.click();
    await settle();
    expect(byTestId('tile').length).toBeGreaterThan(0);
  });

  it('speaks French when the UI does', async () => {
    setLocale('fr');
    try {
      await open({ count: 2 });
      expect(one('match-count').textContent?.trim()).toBe('2 résultats');
      expect(one('messages-tab').textContent).toBe('Messages des invités');
    } finally {
      setLocale('en');
    }
  });
});
