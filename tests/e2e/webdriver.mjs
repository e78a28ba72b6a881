// A minimal W3C WebDriver client over Node's fetch: just what the Klikt
// window tests need, so the e2e suite has no npm dependencies.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';

/** The W3C element key; WebKitWebDriver rejects any other. */
export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriver {
  /** Starts the app under tauri-driver and returns a session on its window. */
  static async start(serverUrl, application, args = []) {
    const driver = new WebDriver(serverUrl, null);
    const value = await driver.request('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
    });
    driver.sessionId = value.sessionId;
    return driver;
  }

  constructor(serverUrl, sessionId) {
    this.serverUrl = serverUrl.replace(/\/$/, '');
    this.sessionId = sessionId;
  }

  async request(method, path, body) {
    const response = await fetch(`${this.serverUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let payload;
    try {
      payload = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok || payload?.value?.error) {
      const { error, message } = payload?.value ?? {};
      throw new Error(`${method} ${path}: ${error ?? response.status}: ${message ?? text.slice(0, 200)}`);
    }
    return payload.value;
  }

  session(method, path, body) {
    return this.request(method, `/session/${this.sessionId}${path}`, body);
  }

  /** Runs `script` (a function body) in the page and returns its result. */
  execute(script, ...args) {
    return this.session('POST', '/execute/sync', { script, args });
  }

  /** Like `execute`, but the script calls `arguments[arguments.length - 1](result)` when done. */
  executeAsync(script, ...args) {
    return this.session('POST', '/execute/async', { script, args });
  }

  async findAll(css) {
    return this.session('POST', '/elements', { using: 'css selector', value: css });
  }

  /** The first element matching `css`, or null. */
  async find(css) {
    const all = await this.findAll(css);
    return all[0] ?? null;
  }

  /** Types `text` into an input as a user would (focus, key events, input events). */
  async type(element, text) {
    await this.session('POST', `/element/${element[ELEMENT]}/clear`, {});
    return this.session('POST', `/element/${element[ELEMENT]}/value`, { text });
  }

  /**
   * Presses keys on the focused element through the Actions API: real key
   * events in order. Each entry is a key (`'p'`, `Keys.ArrowRight`) or a
   * chord array (`[Keys.Control, 'z']`: modifiers held while the last key is pressed).
   */
  async press(...entries) {
    const actions = [];
    for (const entry of entries) {
      const chord = Array.isArray(entry) ? entry : [entry];
      for (const key of chord) actions.push({ type: 'keyDown', value: key });
      for (const key of [...chord].reverse()) actions.push({ type: 'keyUp', value: key });
    }
    await this.session('POST', '/actions', {
      actions: [{ type: 'key', id: 'keyboard', actions }],
    });
    return this.session('DELETE', '/actions');
  }

  click(element) {
    return this.session('POST', `/element/${element[ELEMENT]}/click`, {});
  }

  text(element) {
    return this.session('GET', `/element/${element[ELEMENT]}/text`);
  }

  windowHandle() {
    return this.session('GET', '/window');
  }

  windowHandles() {
    return this.session('GET', '/window/handles');
  }

  /** Makes the window `handle` the one later commands talk to. */
  switchTo(handle) {
    return this.session('POST', '/window', { handle });
  }

  title() {
    return this.session('GET', '/title');
  }

  /**
   * Resolves once the page has painted twice and images had time to decode,
   * so a screenshot shows the current DOM.
   */
  painted(settleMs = 400) {
    return this.executeAsync(
      `const done = arguments[arguments.length - 1];
       requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(true), arguments[0])));`,
      settleMs,
    );
  }

  async screenshot(file) {
    const png = await this.session('GET', '/screenshot');
    await writeFile(file, Buffer.from(png, 'base64'));
    return file;
  }

  async quit() {
    if (this.sessionId) {
      await this.session('DELETE', '');
      this.sessionId = null;
    }
  }
}

/** An E2E_* variable that tests/e2e/run.sh sets; fails in words without it. */
export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with tests/e2e/run.sh`);
  return value;
}

/**
 * `check(name, [options], body)`: a node:test `it` that leaves a screenshot
 * of the window (`getDriver()`'s) in `dir` when it fails.
 */
export function screenshotOnFailure(getDriver, dir) {
  return (name, ...rest) => {
    const body = rest.pop();
    const options = rest[0] ?? {};
    it(name, options, async () => {
      try {
        await body();
      } catch (error) {
        const driver = getDriver();
        if (driver?.sessionId) {
          await driver.painted().catch(() => {});
          const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
          try {
            await driver.screenshot(file);
            console.error(`# screenshot of the failure: ${file}`);
          } catch (shotError) {
            console.error(`# no screenshot: ${shotError.message}`);
          }
        }
        throw error;
      }
    });
  };
}

/** WebDriver's codes for keys that are not characters. */
export const Keys = {
  Enter: '\uE007',
  Escape: '\uE00C',
  Space: ' ',
  ArrowLeft: '\uE012',
  ArrowUp: '\uE013',
  ArrowRight: '\uE014',
  ArrowDown: '\uE015',
  Delete: '\uE017',
  Control: '\uE009',
  Shift: '\uE008',
};

/** Polls `probe` until it returns a truthy value; fails with `what` and the last value. */
export async function waitFor(what, probe, { timeoutMs = 15000, intervalMs = 150 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last && (typeof last !== 'object' || last.ok !== false)) {
      return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
