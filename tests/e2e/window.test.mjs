// End-to-end: the real Klikt window (release-like build with the embedded
// frontend) driven through tauri-driver + WebKitWebDriver under Xvfb.
// Run it with tests/e2e/run.sh, which builds, imports a library and sets:
//   E2E_WEBDRIVER_URL  tauri-driver's address
//   E2E_APP            the klikt-desktop binary
//   E2E_EVENT          the name of the event imported from the corpus
//   E2E_EXPECTED       how many photos were imported into it
//   E2E_NO_PREVIEW_EVENT (optional) an event whose single photo has no decoder
//   E2E_OUT            where to keep the screenshot of the window
//   E2E_ARTIFACTS      where to put screenshots of failures

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';

import { WebDriver, env, screenshotOnFailure, waitFor } from './webdriver.mjs';

const EVENT = env('E2E_EVENT');
const EXPECTED = Number(env('E2E_EXPECTED'));
const NO_PREVIEW_EVENT = process.env.E2E_NO_PREVIEW_EVENT ?? '';
const OUT = env('E2E_OUT');
const ARTIFACTS = env('E2E_ARTIFACTS');

let driver;
const check = screenshotOnFailure(() => driver, ARTIFACTS);


/** Clicks (a real WebDriver click) the event list's row of the event named `name`. */
async function openEvent(name) {
  const rows = await waitFor(`the row of ${JSON.stringify(name)}`, async () => {
    const index = await driver.execute(
      `return [...document.querySelectorAll('[data-testid="event-row"]')]
         .findIndex((row) => row.dataset.eventName === arguments[0]);`,
      name,
    );
    return index >= 0 ? { index, rows: await driver.findAll('[data-testid="event-row"]') } : null;
  });
  await driver.click(rows.rows[rows.index]);
  await waitFor(`"${name}" to be the shown event`, () =>
    driver.execute(
      `return document.querySelector('[data-testid="event-row"][aria-current="true"]')?.dataset.eventName === arguments[0]
          || document.querySelector('[data-testid="event-row"].selected')?.dataset.eventName === arguments[0];`,
      name,
    ),
  );
}


/**
 * State of the grid's thumbnails; scrolls the first one still loading into
 * view, since `loading="lazy"` images below the fold wait for that.
 */
const THUMB_STATE = `
  const thumbs = [...document.querySelectorAll('img[data-testid="thumb"]')];
  const pending = thumbs.filter((img) => !(img.complete && img.naturalWidth > 0));
  pending[0]?.scrollIntoView({ block: 'nearest' });
  return {
    count: thumbs.length,
    loaded: thumbs.length - pending.length,
    broken: thumbs.filter((img) => img.complete && img.naturalWidth === 0 && img.currentSrc).length,
    placeholders: document.querySelectorAll('[data-testid="thumb-placeholder"]').length,
    srcs: thumbs.map((img) => img.getAttribute('src')),
    widths: thumbs.map((img) => img.naturalWidth),
  };
`;

describe('Klikt window', () => {
  before(async () => {
    await mkdir(OUT, { recursive: true });
    await mkdir(ARTIFACTS, { recursive: true });
    driver = await WebDriver.start(env('E2E_WEBDRIVER_URL'), env('E2E_APP'));
  });

  after(async () => {
    await driver?.quit();
  });

  check('opens one window titled Klikt, without the global Tauri object', async () => {
    assert.equal(await driver.title(), 'Klikt', 'the document title names the app');
    const globals = await driver.execute(
      'return { tauri: typeof window.__TAURI__, isTauri: window.isTauri === true };',
    );
    assert.deepEqual(
      globals,
      { tauri: 'undefined', isTauri: true },
      'withGlobalTauri is off; the IPC bridge is only reachable through the bundled module',
    );
  });

  check('lists the imported event with its media count', async () => {
    const events = await waitFor('the event list', async () => {
      const list = await driver.execute(`
        return [...document.querySelectorAll('[data-testid="event-row"]')].map((row) => ({
          name: row.dataset.eventName,
          count: row.querySelector('[data-testid="event-count"]')?.textContent ?? '',
        }));
      `);
      return list.length > 0 ? list : null;
    });
    const event = events.find((e) => e.name === EVENT);
    assert.ok(event, `the sidebar lists ${EVENT}; it shows ${JSON.stringify(events)}`);
    assert.equal(Number(event.count.replace(/\D/g, '')), EXPECTED, 'the count is the number of imported photos');
  });

  check("shows every imported photo's thumbnail, loaded through klikt-media", async () => {
    await openEvent(EVENT);
    const state = await waitFor(`${EXPECTED} loaded thumbnails`, async () => {
      const s = await driver.execute(THUMB_STATE);
      return { ...s, ok: s.count === EXPECTED && s.loaded === EXPECTED };
    });
    assert.equal(state.placeholders, 0, 'every corpus JPEG has a preview');
    assert.ok(
      state.srcs.every((src) => /^klikt-media:\/\/localhost\/thumbnail\/\d+$/.test(src)),
      `thumbnails come from the media scheme by id: ${state.srcs.join(', ')}`,
    );
    assert.ok(state.widths.every((w) => w > 0), 'every thumbnail decoded to a real image');

    await driver.execute(`document.querySelector('[data-testid="grid"]').scrollTop = 0;`);
    await driver.painted();
    const file = await driver.screenshot(join(OUT, 'window.png'));
    console.log(`# screenshot of the window: ${file}`);
  });

  check('answers unknown or malformed media URLs with an error, not a file', async () => {
    const results = await driver.executeAsync(`
      const done = arguments[arguments.length - 1];
      const load = (src) => new Promise((resolve) => {
        const img = new Image();
        img.onload = () => resolve('loaded');
        img.onerror = () => resolve('error');
        img.src = src;
      });
      Promise.all([
        'klikt-media://localhost/thumbnail/999999999',
        'klikt-media://localhost/thumbnail/..%2F..%2F..%2Fetc%2Fpasswd',
        'klikt-media://localhost/original/1',
      ].map(load)).then(done);
    `);
    assert.deepEqual(results, ['error', 'error', 'error'], 'no image for ids or paths it does not know');
  });

  check('shows a placeholder tile for a photo Klikt cannot decode', { skip: !NO_PREVIEW_EVENT }, async () => {
    await openEvent(NO_PREVIEW_EVENT);
    const tiles = await waitFor('one tile', async () => {
      const t = await driver.execute(`
        return [...document.querySelectorAll('[data-testid="tile"]')].map((tile) => ({
          thumb: !!tile.querySelector('[data-testid="thumb"]'),
          placeholder: tile.querySelector('[data-testid="thumb-placeholder"]')?.textContent.trim() ?? null,
        }));
      `);
      return t.length === 1 ? t : null;
    });
    assert.equal(tiles[0].thumb, false, 'no <img> for a photo without a thumbnail');
    assert.match(tiles[0].placeholder ?? '', /No preview/, 'the tile says why there is no picture');
    await driver.painted();
    await driver.screenshot(join(OUT, 'placeholder.png'));
  });
});
