// A minimal W3C WebDriver client over Node's fetch: just what the Klikt
// window tests need, so the e2e suite has no npm dependencies.

import { writeFile } from 'node:fs/promises';

/** The W3C element key; WebKitWebDriver rejects any other. */
export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriver {
  /** Starts the app under tauri-driver and returns a session on its window. */
  static async start(serverUrl, application) {
    const driver = new WebDriver(serverUrl, null);
    const value = await driver.request('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application } } },
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

  click(element) {
    return this.session('POST', `/element/${element[ELEMENT]}/click`, {});
  }

  text(element) {
    return this.session('GET', `/element/${element[ELEMENT]}/text`);
  }

  title() {
    return this.session('GET', '/title');
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
