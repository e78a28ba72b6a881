// End-to-end: an organizer signs in to the reference server from the real
// window, pulls an event, culls it with the keyboard, deletes and undoes,
// pushes, and the server has the decisions. Run with tests/e2e/run.sh, which
// seeds the server (pre-moderation: every item arrives pending) and sets the
// E2E_* variables read below.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';

import { Keys, WebDriver, env, screenshotOnFailure, waitFor } from './webdriver.mjs';

const SERVER_URL = env('E2E_SERVER_URL');
const SERVER_EVENT = env('E2E_SERVER_EVENT');
const SERVER_EVENT_NAME = env('E2E_SERVER_EVENT_NAME');
const XSS_CAPTION = env('E2E_XSS_CAPTION');
const ARTIFACTS = env('E2E_ARTIFACTS');
const OUT = env('E2E_OUT');

let driver;
const check = screenshotOnFailure(() => driver, ARTIFACTS);

/** The server's view of the event (`klikt-server inspect --json`). */
function inspectServer() {
  const out = execFileSync(env('E2E_KLIKT_SERVER'), [
    'inspect', '--data', env('E2E_SERVER_DATA'), '--event', SERVER_EVENT, '--json',
  ]);
  return JSON.parse(out.toString());
}

/** The library's view of the pulled event (`klikt ls --json`), read beside the running app. */
function localItems() {
  const out = execFileSync(env('E2E_KLIKT'), [
    '--library', env('E2E_LIBRARY'), 'ls', SERVER_EVENT_NAME, '--json',
  ]);
  return JSON.parse(out.toString());
}



const testid = (id) => `[data-testid="${id}"]`;

async function click(css, what = css) {
  const element = await waitFor(what, () => driver.find(css));
  await driver.click(element);
}

/** The grid's tiles as the DOM shows them. */
function tiles() {
  return driver.execute(`
    return [...document.querySelectorAll('[data-testid="tile"]')].map((t) => ({
      id: Number(t.dataset.mediaId),
      status: t.dataset.status,
      flag: t.dataset.flag,
      rating: Number(t.dataset.rating),
      current: t.dataset.current === 'true',
    }));
  `);
}

async function tile(id) {
  return (await tiles()).find((t) => t.id === id);
}

async function currentTile() {
  return waitFor('a current tile', async () => (await tiles()).find((t) => t.current));
}

/** Waits until tile `id` matches `expected` (a subset of its fields). */
function tileBecomes(id, expected) {
  return waitFor(`tile ${id} to be ${JSON.stringify(expected)}`, async () => {
    const t = await tile(id);
    const ok = t && Object.entries(expected).every(([k, v]) => t[k] === v);
    return ok ? t : { ok: false, tile: t };
  });
}

/** Focuses the grid so the culling keys go to it. */
async function focusGrid() {
  await driver.execute(`document.querySelector('[data-testid="grid"]')?.focus();`);
}

describe('culling a pulled event with the keyboard', () => {
  before(async () => {
    driver = await WebDriver.start(env('E2E_WEBDRIVER_URL'), env('E2E_APP'));
  });

  after(async () => {
    await driver?.quit();
  });

  check('signs in to the server with the form, the tokens going to the keyring', async () => {
    const form = await waitFor('the sign-in form or the sign-in button', async () =>
      (await driver.find(testid('signin-form'))) ?? (await driver.find(testid('signin-open'))),
    );
    if (!(await driver.find(testid('signin-form')))) await driver.click(form);
    await driver.type(await waitFor('server field', () => driver.find(testid('signin-server'))), SERVER_URL);
    await driver.type(await driver.find(testid('signin-email')), env('E2E_EMAIL'));
    await driver.type(await driver.find(testid('signin-password')), env('E2E_PASSWORD'));
    await click(testid('signin-submit'));
    await waitFor('the remote event in the list', () =>
      driver.find(`${testid('remote-event-row')}[data-remote-id="${SERVER_EVENT}"]`),
    );
    for (const file of readdirSync(env('E2E_LIBRARY')).filter((f) => f.includes('.db'))) {
      const bytes = readFileSync(join(env('E2E_LIBRARY'), file));
      assert.ok(!bytes.includes(env('E2E_PASSWORD')), `the password is not in ${file}`);
    }
  });

  check('pulls the event and opens it with every upload pending', async () => {
    await click(`${testid('remote-event-row')}[data-remote-id="${SERVER_EVENT}"] ${testid('pull-remote')}`);
    const row = await waitFor(
      'the pulled event in the list',
      () => driver.find(`${testid('event-row')}[data-event-name="${SERVER_EVENT_NAME}"]`),
      { timeoutMs: 60000 },
    );
    await waitFor('the pull to finish', () => driver.find(`${testid('toast')}[data-outcome="done"]`), {
      timeoutMs: 60000,
    });
    await driver.click(row);
    const shown = await waitFor('7 tiles', async () => {
      const t = await tiles();
      return t.length === 7 ? t : null;
    });
    assert.ok(shown.every((t) => t.status === 'pending'), 'pre-moderation: all pending');
  });

  check('culls with the keyboard: pick, approve, reject, hide, rate', async () => {
    await focusGrid();
    const first = await currentTile();
    await driver.press('p', 'a');
    await tileBecomes(first.id, { flag: 'picked', status: 'approved' });

    await driver.press(Keys.ArrowRight);
    const second = await waitFor('the next tile to be current', async () => {
      const c = await currentTile();
      return c.id !== first.id ? c : null;
    });
    await driver.press('x', 'h');
    await tileBecomes(second.id, { flag: 'rejected', status: 'hidden' });

    await driver.press(Keys.ArrowRight, '3');
    const third = await currentTile();
    await tileBecomes(third.id, { rating: 3 });
    // A decision is shown only once committed: the library already has it.
    const stored = localItems().find((i) => i.id === first.id);
    assert.equal(stored.status, 'approved');
    assert.equal(stored.flag, 'picked');
    await waitFor('the thumbnails decoded', () =>
      driver.execute(`
        const imgs = [...document.querySelectorAll('[data-testid="tile"] img[data-testid="thumb"]')];
        return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
      `),
    );
    await driver.painted();
    await driver.screenshot(join(OUT, 'library.png'));
  });

  check('deletes an item to the trash and brings it back with Ctrl+Z', async () => {
    await focusGrid();
    const target = await currentTile();
    await driver.press(Keys.Delete);
    await waitFor(`tile ${target.id} to leave the grid or show deleted`, async () => {
      const t = await tile(target.id);
      return !t || t.status === 'deleted';
    });
    assert.equal(localItems().find((i) => i.id === target.id)?.status ?? 'deleted', 'deleted');
    await driver.press([Keys.Control, 'z']);
    await tileBecomes(target.id, { status: 'pending' });
    assert.equal(localItems().find((i) => i.id === target.id).status, 'pending', 'undo is stored too');
  });

  check('pushes the decisions and the server has them', async () => {
    await waitFor('decisions waiting', async () => {
      const pending = await driver.execute(
        `return document.querySelector('[data-testid="sync-pending"]')?.textContent.trim();`,
      );
      return pending && Number(pending) > 0 ? pending : null;
    });
    await click(testid('push-button'));
    await waitFor('the outbox to empty', async () => {
      const pending = await driver.execute(
        `return document.querySelector('[data-testid="sync-pending"]')?.textContent.trim();`,
      );
      return pending === '0';
    });
    const local = localItems();
    const byRemote = new Map(inspectServer().media.map((m) => [m.id, m]));
    const statusOnServer = (status) =>
      local.filter((i) => i.status === status).map((i) => byRemote.get(i.remote_id)?.status);
    assert.deepEqual(statusOnServer('approved'), ['approved'], 'the approval arrived');
    assert.deepEqual(statusOnServer('hidden'), ['hidden'], 'the hide arrived');
    const deletedOnServer = [...byRemote.values()].filter((m) => m.deleted || m.status === 'deleted');
    assert.deepEqual(deletedOnServer, [], 'the undone delete never reached the server');
  });

  check('shows a guest caption that is HTML as text, running nothing', async () => {
    const xss = localItems().find((i) => i.caption === XSS_CAPTION);
    assert.ok(xss, 'the upload with the HTML caption was pulled');
    await click(`${testid('tile')}[data-media-id="${xss.id}"]`, 'the tile of the HTML-captioned upload');
    await focusGrid();
    await driver.press(Keys.Enter);
    const caption = await waitFor('the loupe caption', async () => {
      const c = await driver.execute(`
        const el = document.querySelector('[data-testid="loupe-caption"]');
        return el && { text: el.textContent.trim(), imgs: el.querySelectorAll('img').length };
      `);
      return c && c.text.length > 0 ? c : null;
    });
    assert.deepEqual(caption, { text: XSS_CAPTION, imgs: 0 });
    const injected = await driver.execute(
      `return [...document.querySelectorAll('img')].filter((i) => i.getAttribute('src') === 'x').length;`,
    );
    assert.equal(injected, 0, 'no element was made from the caption');
    await waitFor('the display rendition in the loupe', () =>
      driver.execute(`
        const img = document.querySelector('[data-testid="loupe"] img[data-testid="picture"]');
        return !!img && img.complete && img.naturalWidth > 0
          && img.getAttribute('src').startsWith('klikt-media://localhost/display/');
      `),
    );
    await driver.painted();
    await driver.screenshot(join(OUT, 'loupe.png'));
    await driver.press(Keys.Escape);
  });
});

describe('help and language', () => {
  before(async () => {
    driver = await WebDriver.start(env('E2E_WEBDRIVER_URL'), env('E2E_APP'));
  });

  after(async () => {
    await driver?.quit();
  });

  check('lists every culling key in the help overlay opened with ?', async () => {
    const row = await waitFor('the pulled event', () =>
      driver.find(`${testid('event-row')}[data-event-name="${SERVER_EVENT_NAME}"]`),
    );
    await driver.click(row);
    await waitFor('tiles', async () => ((await tiles()).length > 0 ? true : null));
    await focusGrid();
    await driver.press('?');
    const help = await waitFor('the help overlay', () =>
      driver.execute(`return document.querySelector('[data-testid="help-overlay"]')?.textContent ?? null;`),
    );
    for (const word of ['Pick', 'Reject', 'Approve', 'Hide', 'Undo']) {
      assert.match(help, new RegExp(word, 'i'), `the help names ${word}`);
    }
    await driver.painted();
    await driver.screenshot(join(OUT, 'help.png'));
    await driver.press(Keys.Escape);
  });

  check('switches every string to French and back', async () => {
    const select = await waitFor('the language switch', () => driver.find(testid('language-select')));
    await driver.click(select);
    await driver.execute(`
      const select = document.querySelector('[data-testid="language-select"]');
      select.value = 'fr';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    `);
    await waitFor('French on the push button', async () => {
      const text = await driver.execute(
        `return document.querySelector('[data-testid="push-button"]')?.textContent.trim() ?? '';`,
      );
      return /Envoyer/i.test(text) ? text : { ok: false, text };
    });
    assert.equal(await driver.execute('return document.documentElement.lang;'), 'fr');
    await driver.painted();
    await driver.screenshot(join(OUT, 'french.png'));
    await driver.execute(`
      const select = document.querySelector('[data-testid="language-select"]');
      select.value = 'en';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    `);
  });
});
