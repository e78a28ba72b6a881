// Drives bench/slideshow_soak.sh's run: opens the show on the "Soak" event
// at 1 s a slide with live mode on, cuts the server at 40% and brings it
// back at 60%, samples memory and open files, then prints a Markdown report
// of how late slides were and whether memory and files stayed flat.

import { execSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { WebDriver, waitFor } from '../tests/e2e/webdriver.mjs';

const SLIDES = Number(process.env.SOAK_SLIDES ?? 1000);
const OUT = process.env.SOAK_OUT;

const pids = (pattern) =>
  execSync(`pgrep -f '${pattern}' || true`).toString().split(/\s+/).filter(Boolean).map(Number);
const rssKb = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};
const fds = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
};

const driver = await WebDriver.start(process.env.SOAK_WEBDRIVER_URL, process.env.SOAK_APP);
const main = await driver.windowHandle();
const invoke = (name, args) =>
  driver.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done({ ok: true, v }), (e) => done({ ok: false, e }));`,
    name,
    args,
  );
try {
  const eventId = await waitFor('the pulled event', () =>
    driver.execute(`return document.querySelector('[data-testid="event-row"]')?.dataset.eventId ?? null;`),
  );
  const settings = await invoke('slideshow_settings', { event: eventId });
  const saved = await invoke('set_slideshow_settings', {
    event: eventId,
    settings: { ...settings.v, interval_seconds: 1, transition: 'crossfade', live: true, live_interval_seconds: 5 },
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  const opened = await invoke('open_slideshow', { event: eventId });
  if (!opened.ok) throw new Error(JSON.stringify(opened));
  const show = await waitFor('the slideshow window', async () =>
    (await driver.windowHandles()).find((h) => h !== main) ?? null,
  );
  await driver.switchTo(show);
  await waitFor('a slide', () => driver.execute(`return !!document.querySelector('[data-testid="slide"][data-current="true"]');`));

  const count = () => driver.execute(`return performance.getEntriesByName('klikt:slide-late', 'measure').length;`);
  const samples = [];
  let cut = false;
  let restored = false;
  const started = Date.now();
  for (;;) {
    const shown = await count();
    // pgrep's own shell matches the pattern too and is gone by now: only live web processes.
    const web = pids('WebKitWebProcess').filter((pid) => rssKb(pid) > 0);
    const app = pids('release/klikt-desktop');
    samples.push({
      t: Math.round((Date.now() - started) / 1000),
      shown,
      webviewRssKb: web.map(rssKb),
      webviewFds: web.map(fds),
      appRssKb: app.map(rssKb),
      appFds: app.map(fds),
    });
    if (!cut && shown >= SLIDES * 0.4) {
      execSync(`kill "$(cat "${process.env.SOAK_SERVER_PIDFILE}")"`);
      cut = true;
      console.error(`# ${shown} slides: server stopped`);
    }
    if (cut && !restored && shown >= SLIDES * 0.6) {
      spawn('sh', ['-c', `${process.env.SOAK_SERVER_CMD} >/dev/null 2>&1`], { detached: true, stdio: 'ignore' }).unref();
      restored = true;
      console.error(`# ${shown} slides: server back`);
    }
    if (shown >= SLIDES) break;
    if (Date.now() - started > (SLIDES * 3 + 120) * 1000) throw new Error(`stalled: ${shown} slides`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  // Each slide's due time (ms since the window opened) and lateness, to tell
  // when an outlier happened (the server cut, a sample, a deck re-read).
  const measures = await driver.execute(
    `return performance.getEntriesByName('klikt:slide-late', 'measure').map((m) => [Math.round(m.startTime), m.duration]);`,
  );
  const late = measures.map(([, duration]) => duration);
  await driver.screenshot(join(OUT, 'show.png'));
  await driver.switchTo(main);
  const chip = await driver.execute(`return document.querySelector('[data-testid="live-chip"]')?.dataset.state ?? null;`);
  writeFileSync(join(OUT, 'samples.json'), JSON.stringify({ late: measures, samples }, null, 2));

  const sorted = [...late].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  // Skip the first minute (the webview warms its caches), compare with the end.
  const warm = samples.find((s) => s.t >= 60) ?? samples[0];
  const last = samples[samples.length - 1];
  const mb = (kb) => (kb / 1024).toFixed(1);
  console.log(`Slideshow soak: ${late.length} slides at 1 s, live every 5 s, server cut at 40% and back at 60%; ${last.t} s\n`);
  console.log('| measure | target | result |');
  console.log('| --- | --- | --- |');
  console.log(`| slide shown after due, p50 / p95 / p99 / max | ≤ 50 ms | ${at(0.5)} / ${at(0.95)} / ${at(0.99)} / ${sorted[sorted.length - 1]} ms |`);
  console.log(`| slides later than 50 ms | 0 | ${late.filter((x) => x > 50).length} of ${late.length} |`);
  console.log(`| webview memory (RSS, all web processes) at 1 min → end | | ${mb(sum(warm.webviewRssKb))} → ${mb(sum(last.webviewRssKb))} MB |`);
  // Per web process, in start order (the main window's starts first, the
  // show's second). Decoded images come and go, so single samples saw-tooth
  // by several MB: the trend is the median of minutes 1–3 against the median
  // of the last 2 minutes; the single samples and the range are printed too.
  const median = (xs) => {
    const ys = [...xs].sort((a, b) => a - b);
    return ys.length ? ys[Math.floor(ys.length / 2)] : 0;
  };
  const early = samples.filter((s) => s.t >= 60 && s.t < 180);
  const tail = samples.filter((s) => s.t >= last.t - 120);
  const names = ['main window', 'slideshow'];
  for (let i = 0; i < Math.max(...samples.map((s) => s.webviewRssKb.length)); i += 1) {
    const of = (list) => list.map((s) => s.webviewRssKb[i] ?? 0).filter((kb) => kb > 0);
    const after = of(samples.filter((s) => s.t >= 60));
    if (after.length === 0) continue;
    const growth = median(of(tail)) - median(of(early));
    console.log(
      `| ${names[i] ?? `web process ${i}`} webview RSS, median of minutes 1–3 → of the last 2 min (growth) | within 10 MB | ` +
        `${mb(median(of(early)))} → ${mb(median(of(tail)))} MB (${growth >= 0 ? '+' : ''}${mb(growth)}) |`,
    );
    console.log(
      `| ${names[i] ?? `web process ${i}`} webview RSS, at 1 min → end (range after 1 min) | | ` +
        `${mb(warm.webviewRssKb[i] ?? 0)} → ${mb(last.webviewRssKb[i] ?? 0)} MB (${mb(Math.min(...after))}–${mb(Math.max(...after))}) |`,
    );
  }
  console.log(`| webview memory max during the run | | ${mb(Math.max(...samples.map((s) => sum(s.webviewRssKb))))} MB |`);
  console.log(`| app memory (RSS) at 1 min → end | | ${mb(sum(warm.appRssKb))} → ${mb(sum(last.appRssKb))} MB |`);
  console.log(`| open files: app, webviews at 1 min → end | flat | ${sum(warm.appFds)}, ${sum(warm.webviewFds)} → ${sum(last.appFds)}, ${sum(last.webviewFds)} |`);
  console.log(`| organizer's chip at the end (server back) | live | ${chip} |`);
  const outliers = measures
    .map(([due, duration], index) => ({ index, due, duration }))
    .filter((m) => m.duration > 50);
  for (const m of outliers) {
    console.log(`\nslide ${m.index + 1}: ${m.duration.toFixed(1)} ms late, due ${(m.due / 1000).toFixed(1)} s after the show opened`);
  }
} finally {
  await driver.quit();
}
