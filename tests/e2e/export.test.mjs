// End-to-end: exporting and forgetting from the real window (run after the
// culling suite pulled the server's event). The export dialog writes a
// folder with a gallery, reports it, and its Verify passes (and so does
// `klikt verify` beside the app); forgetting an event asks for its name and
// leaves nothing of it in the library.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';

import { WebDriver, env, screenshotOnFailure, waitFor } from './webdriver.mjs';

const EVENT_NAME = env('E2E_SERVER_EVENT_NAME');
const ARTIFACTS = env('E2E_ARTIFACTS');
const OUT = env('E2E_OUT');
const FORGET_NAME = 'E2E Forget Me';

let driver;
const check = screenshotOnFailure(() => driver, ARTIFACTS);
const testid = (id) => `[data-testid="${id}"]`;

function klikt(...args) {
  return execFileSync(env('E2E_KLIKT'), ['--library', env('E2E_LIBRARY'), ...args]).toString();
}

async function click(css, what = css) {
  const element = await waitFor(what, () => driver.find(css));
  await driver.click(element);
}

async function openEvent(name) {
  await click(`${testid('event-row')}[data-event-name="${name}"]`, `the event ${name}`);
}

describe('exporting and forgetting in the app', () => {
  before(async () => {
    // An event of its own to forget, imported beside the app before it starts.
    execFileSync(env('E2E_KLIKT'), [
      '--library', env('E2E_LIBRARY'), 'import', '--event', FORGET_NAME,
      join(env('E2E_CORPUS'), 'jpg/orientation/landscape_2.jpg'),
      join(env('E2E_CORPUS'), 'jpg/orientation/portrait_2.jpg'),
    ]);
    driver = await WebDriver.start(env('E2E_WEBDRIVER_URL'), env('E2E_APP'));
  });

  after(async () => {
    await driver?.quit();
  });

  check('exports the event to a folder with a gallery, reports it, and Verify passes', async () => {
    await openEvent(EVENT_NAME);
    await click(testid('export-open'));
    await waitFor('the export dialog', () => driver.find(testid('export-dialog')));
    const to = join(mkdtempSync(join(tmpdir(), 'klikt-e2e-export-')), 'Garden party');
    await driver.type(await driver.find(testid('export-destination')), to);
    await click(testid('export-start'));
    const report = await waitFor('the export report', () => driver.find(testid('export-report')), {
      timeoutMs: 60000,
    });
    assert.ok(report);
    const files = Number(
      await driver.execute(`return document.querySelector('[data-testid="export-report-files"]').textContent;`),
    );
    const local = JSON.parse(klikt('ls', EVENT_NAME, '--json'));
    assert.equal(files, local.filter((i) => i.status !== 'deleted').length, 'every item not in the trash');
    await driver.screenshot(join(OUT, 'export.png'));
    await click(testid('export-verify'));
    await waitFor('Verify says OK', () => driver.find(testid('export-verify-ok')), { timeoutMs: 60000 });

    const manifest = JSON.parse(readFileSync(join(to, 'manifest.json'), 'utf8'));
    assert.equal(manifest.items.length, files);
    assert.ok(existsSync(join(to, 'index.html')), 'the gallery (on by default)');
    klikt('verify', to); // throws on a non-zero exit
  });

  check('forgetting an event asks for its name, then nothing of it is left', async () => {
    await driver.execute(`location.reload()`);
    await openEvent(FORGET_NAME);
    await click(testid('event-menu'));
    await click(testid('forget-open'));
    const confirm = await waitFor('the forget dialog', () => driver.find(testid('forget-confirm')));
    const enabled = () => driver.execute(`return !document.querySelector('[data-testid="forget-confirm"]').disabled;`);
    assert.equal(await enabled(), false, 'not before the name is typed');
    const dialogText = await driver.execute(`return document.querySelector('[data-testid="forget-confirm"]').closest('form, dialog, section')?.innerText ?? '';`);
    assert.match(dialogText, /2/, 'it names what will be lost (2 photos)');
    await driver.type(await driver.find(testid('forget-name')), FORGET_NAME);
    await waitFor('the confirm button enabled', async () => ((await enabled()) ? true : null));
    await driver.click(confirm);
    await waitFor('the event gone from the list', async () =>
      (await driver.find(`${testid('event-row')}[data-event-name="${FORGET_NAME}"]`)) ? null : true,
    );
    const events = JSON.parse(klikt('events', '--json'));
    assert.ok(!events.some((e) => e.name === FORGET_NAME), 'gone from the library too');
  });
});
