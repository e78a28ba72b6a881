// End-to-end: the venue slideshow in its own window, against the reference
// server the earlier suites pulled from (tests/e2e/run.sh). Only approved
// photos appear; opening the show again while it runs replaces its window
// and keeps live mode going; the photo next in line, hidden less than a
// second before its turn, never appears; in live mode a guest's new upload,
// once approved in the main window, comes within the next two slides; a guest video plays to its end in the show and one
// that cannot be played is skipped; stopping the server does not stop the show,
// and when it comes back the show catches up with what was uploaded meanwhile.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';

import { WebDriver, env, screenshotOnFailure, waitFor } from './webdriver.mjs';

const EVENT_NAME = env('E2E_SERVER_EVENT_NAME');
const OUT = env('E2E_OUT');
const ARTIFACTS = env('E2E_ARTIFACTS');

let driver;
const check = screenshotOnFailure(() => driver, ARTIFACTS);
let mainHandle;
let showHandle;
/** The reference server this suite starts again after stopping run.sh's. */
let revived = null;

function localItems() {
  const out = execFileSync(env('E2E_KLIKT'), ['--library', env('E2E_LIBRARY'), 'ls', EVENT_NAME, '--json']);
  return JSON.parse(out.toString());
}

/** Calls an app command from the main window (the page's own IPC bridge). */
async function command(name, args) {
  await driver.switchTo(mainHandle);
  return driver.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
       .then((value) => done({ ok: true, value }), (error) => done({ ok: false, error }));`,
    name,
    args,
  );
}

/** The slide shown now in the slideshow window: `{kind, id}` or null. */
async function currentSlide() {
  await driver.switchTo(showHandle);
  return driver.execute(`
    const el = document.querySelector('[data-testid="slide"][data-current="true"]');
    return el ? { kind: el.dataset.kind, id: Number(el.dataset.id) } : null;
  `);
}

/** The next `count` distinct slide changes, as they happen. */
async function watchSlides(count, { timeoutMs = 60000 } = {}) {
  const seen = [];
  let last = await currentSlide();
  const deadline = Date.now() + timeoutMs;
  while (seen.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${seen.length} slide changes in ${timeoutMs} ms: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 150));
    const now = await currentSlide();
    if (now && (!last || now.id !== last.id || now.kind !== last.kind)) {
      seen.push(now);
      last = now;
    }
  }
  return seen;
}

/** The slide queued after the one on screen (the window's `data-next`): `{kind, id}` or null. */
async function nextSlide() {
  await driver.switchTo(showHandle);
  return driver.execute(`
    const key = document.querySelector('[data-testid="slideshow"]')?.dataset.next ?? '';
    const [kind, id] = key.split(':');
    return id ? { kind, id: Number(id) } : null;
  `);
}

/** Waits until the backend's deck holds `id`: from then on the show has it, and counting slides is fair. */
async function waitForDeckToHold(eventId, id) {
  await waitFor(`the deck to hold ${id}`, async () => {
    const deck = await command('slide_deck', { event: String(eventId) });
    return deck.ok && deck.value.slides.some((s) => s.id === id) ? deck.value : { ok: false, deck };
  }, { timeoutMs: 30000 });
}

/** After `id` was approved: it is on screen now or within the next two slides. */
async function assertShownWithinTwo(eventId, id) {
  await waitForDeckToHold(eventId, id);
  const now = await currentSlide();
  const next = await watchSlides(2);
  assert.ok(
    now?.id === id || next.some((s) => s.id === id),
    `${id} is not on screen nor in the next two slides: ${JSON.stringify({ now, next })}`,
  );
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('the venue slideshow', () => {
  let approved = [];

  before(async () => {
    driver = await WebDriver.start(env('E2E_WEBDRIVER_URL'), env('E2E_APP'));
    mainHandle = await driver.windowHandle();
  });

  after(async () => {
    await driver?.quit();
    revived?.kill();
  });

  check('opens in its own full-screen window and shows only approved photos', async () => {
    await waitFor('the main window', () => driver.find('[data-testid="event-row"]'));
    const items = localItems();
    const eventId = items[0].event_id;
    // Approve all but two: one left pending (the culling suite left some), one hidden.
    const pending = items.find((i) => i.status === 'pending').id;
    const [hidden, ...rest] = items.map((i) => i.id).filter((id) => id !== pending);
    let result = await command('moderate', { event: String(eventId), ids: rest, action: 'approve' });
    assert.ok(result.ok, JSON.stringify(result));
    result = await command('moderate', { event: String(eventId), ids: [hidden], action: 'hide' });
    assert.ok(result.ok, JSON.stringify(result));
    approved = localItems().filter((i) => i.status === 'approved').map((i) => i.id);
    assert.deepEqual([...approved].sort(), [...rest].sort());
    const settings = await command('slideshow_settings', { event: String(eventId) });
    result = await command('set_slideshow_settings', {
      event: String(eventId),
      settings: { ...settings.value, interval_seconds: 2, transition: 'cut', show_messages: false, live: true, live_interval_seconds: 5 },
    });
    assert.ok(result.ok, JSON.stringify(result));
    result = await command('open_slideshow', { event: String(eventId) });
    assert.ok(result.ok, JSON.stringify(result));

    showHandle = await waitFor('the slideshow window', async () => {
      const handles = await driver.windowHandles();
      return handles.find((h) => h !== mainHandle) ?? null;
    });
    await driver.switchTo(showHandle);
    await waitFor('a slide', () => currentSlide());
    const shown = await watchSlides(approved.length + 1);
    for (const slide of shown) {
      assert.equal(slide.kind, 'photo');
      assert.ok(approved.includes(slide.id), `slide ${slide.id} is approved (${approved}); never ${pending} or ${hidden}`);
    }
    await driver.screenshot(join(OUT, 'slideshow.png'));
  });

  check('opening the show again while it runs replaces its window and keeps live mode', async () => {
    const eventId = localItems()[0].event_id;
    const oldHandle = showHandle;
    // Twice in a row: the second opening finds the first one's window still there.
    for (let i = 0; i < 2; i += 1) {
      const result = await command('open_slideshow', { event: String(eventId) });
      assert.ok(result.ok, `opening again must not fail (a window label still taken?): ${JSON.stringify(result)}`);
    }
    showHandle = await waitFor('the new slideshow window, alone', async () => {
      const handles = await driver.windowHandles();
      const others = handles.filter((h) => h !== mainHandle);
      return others.length === 1 && others[0] !== oldHandle ? others[0] : { ok: false, handles };
    });
    await waitFor('a slide in the new window', () => currentSlide());
    const shown = await watchSlides(2);
    assert.equal(shown.length, 2, 'the new show plays');
    // The replaced window's end must not stop the new show's live loop: a
    // round after the old window is gone still reaches the organizer.
    // (Were it stopped, the old window's end would have taken the chip away
    // for good, seconds ago by now.)
    await driver.switchTo(mainHandle);
    await waitFor('the organizer\'s chip, live', async () => {
      const state = await driver.execute(
        `return document.querySelector('[data-testid="live-chip"]')?.dataset.state ?? null;`,
      );
      return state === 'live' ? state : { ok: false, state };
    }, { timeoutMs: 30000 });
  });

  check('the photo next in line, hidden less than a second before its turn, never appears', async () => {
    const eventId = localItems()[0].event_id;
    // Right after a change, the next slide is due in 2 s (interval 2, cut).
    await watchSlides(1);
    await sleep(800);
    const victim = await nextSlide();
    assert.ok(victim && approved.includes(victim.id), `the next slide is an approved photo: ${JSON.stringify(victim)}`);
    const result = await command('moderate', { event: String(eventId), ids: [victim.id], action: 'hide' });
    assert.ok(result.ok, JSON.stringify(result));
    approved = approved.filter((id) => id !== victim.id);
    const shown = await watchSlides(approved.length * 2);
    assert.ok(shown.every((s) => s.id !== victim.id), `the hidden photo ${victim.id} appeared: ${JSON.stringify(shown)}`);
  });

  check('a new upload, approved in the main window, is shown within the next two slides', async () => {
    execFileSync(env('E2E_KLIKT_SERVER'), [
      'simulate', 'upload', '--data', env('E2E_SERVER_DATA'), '--event', env('E2E_SERVER_EVENT'),
      '--uploader', 'Late Guest', join(env('E2E_CORPUS'), 'jpg/orientation/landscape_4.jpg'),
    ]);
    const arrived = await waitFor('the live pull to bring the upload', () => {
      const item = localItems().find((i) => i.uploader === 'Late Guest');
      return item ?? null;
    }, { timeoutMs: 30000 });
    assert.equal(arrived.status, 'pending', 'pre-moderation: it waits for the organizer');
    const result = await command('moderate', { event: String(arrived.event_id), ids: [arrived.id], action: 'approve' });
    assert.ok(result.ok, JSON.stringify(result));
    // The approval tells the show to re-read its deck at once; the new photo
    // jumps the queue: once the deck holds it, it is on screen within two slides.
    await assertShownWithinTwo(arrived.event_id, arrived.id);
  });

  check('a guest video plays to its end; one that cannot be played is skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klikt-video-'));
    const good = join(dir, 'toast.mp4');
    // 3 s of H.264 in MP4, what phones upload.
    execFileSync('ffmpeg', [
      '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=3:size=640x360:rate=25',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', good,
    ]);
    // Sniffs as MP4 (its `ftyp` box is real) but the rest is noise: no player can decode it.
    const broken = join(dir, 'broken.mp4');
    writeFileSync(broken, Buffer.concat([readFileSync(good).subarray(0, 32), Buffer.alloc(4000, 0x5a)]));
    for (const [uploader, file] of [['Video Guest', good], ['Broken Video', broken]]) {
      execFileSync(env('E2E_KLIKT_SERVER'), [
        'simulate', 'upload', '--data', env('E2E_SERVER_DATA'), '--event', env('E2E_SERVER_EVENT'),
        '--uploader', uploader, file,
      ]);
    }
    const [video, bad] = await waitFor('the live pull to bring both videos', () => {
      const items = localItems();
      const found = ['Video Guest', 'Broken Video'].map((name) => items.find((i) => i.uploader === name));
      return found.every(Boolean) ? found : null;
    }, { timeoutMs: 30000 });
    const result = await command('moderate', { event: String(video.event_id), ids: [video.id, bad.id], action: 'approve' });
    assert.ok(result.ok, JSON.stringify(result));

    // Watch for the video: on screen, playing (time advancing), then gone once it ended.
    await driver.switchTo(showHandle);
    const seen = [];
    let played = 0;
    let videoSeenAt = null;
    let videoLeftAt = null;
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline && videoLeftAt === null) {
      const now = await driver.execute(`
        const el = document.querySelector('[data-testid="slide"][data-current="true"]');
        if (!el) return null;
        const v = el.querySelector('video');
        return { kind: el.dataset.kind, id: Number(el.dataset.id), time: v ? v.currentTime : null };
      `);
      if (now) {
        if (seen.at(-1)?.id !== now.id || seen.at(-1)?.kind !== now.kind) seen.push({ kind: now.kind, id: now.id });
        if (now.kind === 'video' && now.id === video.id) {
          videoSeenAt ??= Date.now();
          played = Math.max(played, now.time ?? 0);
        } else if (videoSeenAt !== null) {
          videoLeftAt = Date.now();
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(videoSeenAt !== null, `the video ${video.id} was never shown: ${JSON.stringify(seen)}`);
    assert.ok(played > 1, `the video played (${played} s reached)`);
    assert.ok(videoLeftAt !== null, 'the show moved on after the video');
    // It ran to its end (3 s) rather than the 2 s photo interval.
    assert.ok(videoLeftAt - videoSeenAt >= 2500, `the video stayed ${videoLeftAt - videoSeenAt} ms`);
    const more = await watchSlides(6);
    assert.ok(
      [...seen, ...more].every((s) => s.id !== bad.id || s.kind !== 'video'),
      `the unplayable video ${bad.id} was put on screen: ${JSON.stringify([...seen, ...more])}`,
    );
  });

  check('stopping the server does not stop the show', async () => {
    execFileSync('sh', ['-c', `kill "$(cat "${env('E2E_SERVER_PIDFILE')}")"`]);
    const shown = await watchSlides(4);
    assert.equal(shown.length, 4, 'slides keep changing with the server gone');
    await driver.switchTo(mainHandle);
    await waitFor('the organizer sees offline', async () => {
      const state = await driver.execute(
        `return document.querySelector('[data-testid="live-chip"]')?.dataset.state ?? null;`,
      );
      return state === 'offline' ? state : { ok: false, state };
    }, { timeoutMs: 30000 });
    await driver.switchTo(showHandle);
    const audience = await driver.execute(`return document.body.innerText;`);
    assert.doesNotMatch(audience, /error|offline|failed/i, 'nothing for the audience to see');
  });

  check('when the server comes back the show catches up with uploads made meanwhile', async () => {
    // A guest uploads while the venue is offline (straight into the server's data folder).
    execFileSync(env('E2E_KLIKT_SERVER'), [
      'simulate', 'upload', '--data', env('E2E_SERVER_DATA'), '--event', env('E2E_SERVER_EVENT'),
      '--uploader', 'Offline Guest', join(env('E2E_CORPUS'), 'jpg/orientation/landscape_7.jpg'),
    ]);
    const address = new URL(env('E2E_SERVER_URL')).host;
    revived = spawn(env('E2E_KLIKT_SERVER'), ['serve', '--data', env('E2E_SERVER_DATA'), '--listen', address], {
      stdio: 'ignore',
    });
    const arrived = await waitFor('the next live pull to bring the upload', () => {
      const item = localItems().find((i) => i.uploader === 'Offline Guest');
      return item ?? null;
    }, { timeoutMs: 30000 });
    await driver.switchTo(mainHandle);
    await waitFor('the organizer sees live again, with the upload awaiting moderation', async () => {
      const chip = await driver.execute(`
        const el = document.querySelector('[data-testid="live-chip"]');
        return el ? { state: el.dataset.state, text: el.innerText } : null;
      `);
      return chip?.state === 'live' && /\b[1-9]/.test(chip.text) ? chip : { ok: false, chip };
    }, { timeoutMs: 30000 });
    const result = await command('moderate', { event: String(arrived.event_id), ids: [arrived.id], action: 'approve' });
    assert.ok(result.ok, JSON.stringify(result));
    await assertShownWithinTwo(arrived.event_id, arrived.id);
  });
});
