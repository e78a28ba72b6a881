// End-to-end: a first run. A new, empty library with no account shows the
// welcome screen; "Try the demo event" starts the reference server embedded
// in the app, signs in to it and pulls the demo event, whose photos then
// show in the grid. Run with tests/e2e/run.sh.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { WebDriver, env, waitFor } from './webdriver.mjs';

let driver;


describe('the demo event on a first run', () => {
  before(async () => {
    const library = mkdtempSync(join(tmpdir(), 'klikt-e2e-demo-'));
    driver = await WebDriver.start(env('E2E_WEBDRIVER_URL'), env('E2E_APP'), ['--library', library]);
  });

  after(async () => {
    await driver?.quit();
  });

  it('starts from the welcome screen, runs the demo and shows its photos', async () => {
    try {
      const start = await waitFor('the demo button on the welcome screen', () =>
        driver.find('[data-testid="welcome"] [data-testid="demo-start"]'),
      );
      await driver.click(start);
      const row = await waitFor(
        'the demo event in the list',
        () => driver.find('[data-testid="event-row"][data-event-name^="Demo"]'),
        { timeoutMs: 60000 },
      );
      await driver.click(row);
      const count = await waitFor(
        'the demo photos in the grid',
        async () => {
          // Loaded and decoded, not just in the DOM.
          const n = await driver.execute(
            `return [...document.querySelectorAll('[data-testid="tile"] img[data-testid="thumb"]')]
               .filter((img) => img.complete && img.naturalWidth > 0).length;`,
          );
          return n >= 12 ? n : null;
        },
        { timeoutMs: 60000 },
      );
      assert.equal(count, 12, 'ten sample photos and two captioned guest uploads');
      const account = await driver.execute(
        `return document.querySelector('[data-testid="account-menu"]')?.textContent ?? '';`,
      );
      assert.match(account, /demo@klikt\.localhost/, 'signed in to the demo server');
      await driver.painted();
      await driver.screenshot(join(env('E2E_OUT'), 'demo.png'));
    } catch (error) {
      await driver.screenshot(join(env('E2E_ARTIFACTS'), 'demo-failure.png')).catch(() => {});
      throw error;
    }
  });
});
