// Drives the real window for bench/app_grid.sh and prints a Markdown table of
// the UI's performance measures: `klikt:open` (event opened → first page of
// the grid painted), `klikt:commit` (a culling key's command, invoke to
// resolve, i.e. committed in SQLite), `klikt:key-to-visible` (keydown → the
// changed tile painted).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Keys, WebDriver, waitFor } from '../tests/e2e/webdriver.mjs';

const OPENS = Number(process.env.OPENS ?? 10);
const KEYS = Number(process.env.KEYS ?? 300);
const EVENT_ID = process.env.BENCH_EVENT_ID;
const OUT = process.env.BENCH_OUT;

const driver = await WebDriver.start(process.env.BENCH_WEBDRIVER_URL, process.env.BENCH_APP);
try {
  const row = (id) => `[data-testid="event-row"][data-event-id="${id}"]`;
  const other = await waitFor('the small event', () =>
    driver.execute(`
      const rows = [...document.querySelectorAll('[data-testid="event-row"]')];
      return rows.map((r) => r.dataset.eventId).find((id) => id !== arguments[0]) ?? null;
    `, EVENT_ID),
  );
  const measures = (name) =>
    driver.execute(`return performance.getEntriesByName(arguments[0], 'measure').map((m) => m.duration);`, name);

  const opens = [];
  for (let i = 0; i < OPENS; i++) {
    await driver.click(await waitFor('small event row', () => driver.find(row(other))));
    await new Promise((r) => setTimeout(r, 300));
    const before = (await measures('klikt:open')).length;
    await driver.click(await waitFor('big event row', () => driver.find(row(EVENT_ID))));
    await waitFor('the grid painted', async () => (await measures('klikt:open')).length > before, {
      timeoutMs: 30000,
    });
    // Only the big event's opens (the small one's are measured too).
    opens.push((await measures('klikt:open')).at(-1));
    await new Promise((r) => setTimeout(r, 300));
  }
  await driver.screenshot(join(OUT, 'grid.png'));

  await driver.execute(`document.querySelector('[data-testid="grid"]')?.focus();`);
  const cycle = ['p', 'x', 'u', '3', '0', 'a', 'h', Keys.ArrowRight];
  for (let i = 0; i < KEYS; i++) {
    await driver.press(cycle[i % cycle.length]);
  }
  await new Promise((r) => setTimeout(r, 500));

  // The same keys dispatched inside the page (no WebDriver round trip between
  // them), timed by the page itself: keydown → the tile's DOM changed → the
  // next frame rendered. Splits the frame's cost from the decision's.
  const probe = await driver.executeAsync(`
    const done = arguments[arguments.length - 1];
    const rounds = arguments[0];
    const keys = ['1', '2', '3', '4', '5', '0'];
    const out = { dom: [], painted: [] };
    const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
      const c = new MessageChannel();
      c.port1.onmessage = () => { c.port1.close(); resolve(); };
      c.port2.postMessage(null);
    }));
    (async () => {
      for (let i = 0; i < rounds; i++) {
        const tile = document.querySelector('[data-testid="tile"][data-current="true"]');
        if (!tile) break;
        const key = keys[i % keys.length];
        if (tile.dataset.rating === key) continue;
        const changed = new Promise((resolve) => {
          const mo = new MutationObserver(() => {
            const now = document.querySelector('[data-testid="tile"][data-current="true"]');
            if (now && now.dataset.rating === key) { mo.disconnect(); resolve(performance.now()); }
          });
          mo.observe(document.querySelector('[data-testid="grid"]'), { attributes: true, subtree: true });
        });
        const t0 = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        const t1 = await changed;
        await afterFrame();
        const t2 = performance.now();
        out.dom.push(t1 - t0);
        out.painted.push(t2 - t0);
        await new Promise((r) => setTimeout(r, 30));
      }
      done(out);
    })();
  `, 120);

  const results = {
    open: opens,
    probeDom: probe.dom,
    probePainted: probe.painted,
    commit: await measures('klikt:commit'),
    keyToVisible: await measures('klikt:key-to-visible'),
  };
  await writeFile(join(OUT, 'marks.json'), JSON.stringify(results, null, 2));
  const stat = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q) => s[Math.min(s.length - 1, Math.floor(s.length * q))];
    return s.length ? { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] } : null;
  };
  const line = (name, target, xs) => {
    const s = stat(xs);
    const f = (v) => `${v.toFixed(1)} ms`;
    return s
      ? `| ${name} | ${target} | ${s.n} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.max)} |`
      : `| ${name} | ${target} | 0 | – | – | – |`;
  };
  console.log(`Window benchmark, ${process.env.BENCH_N} items, ${process.env.BENCH_PROFILE} build\n`);
  console.log('| measure | target | samples | p50 | p95 | max |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(line('open → grid painted', '≤ 300 ms', results.open));
  console.log(line('key → committed', '≤ 5 ms', results.commit));
  console.log(line('key → tile painted', '≤ 16 ms', results.keyToVisible));
  console.log(line('in-page key → tile DOM updated', '', results.probeDom));
  console.log(line('in-page key → frame rendered', '≤ 16 ms', results.probePainted));
} finally {
  await driver.quit();
}
