import { describe, expect, it } from 'vitest';

import { mediaUrl, type PageLocation } from './mediaUrl';

const linuxApp: PageLocation = {
  protocol: 'tauri:',
  hostname: 'localhost',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15',
};
const windowsApp: PageLocation = {
  protocol: 'http:',
  hostname: 'tauri.localhost',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/140.0',
};

describe('mediaUrl', () => {
  it('uses the custom scheme on Linux and macOS', () => {
    expect(mediaUrl('thumbnail', 42, linuxApp)).toBe('klikt-media://localhost/thumbnail/42');
    expect(mediaUrl('display', 7, linuxApp)).toBe('klikt-media://localhost/display/7');
  });

  it('uses http://klikt-media.localhost on Windows', () => {
    expect(mediaUrl('thumbnail', 42, windowsApp)).toBe('http://klikt-media.localhost/thumbnail/42');
  });

  it('follows the app when it is served over https on Windows', () => {
    const https = { ...windowsApp, protocol: 'https:' };
    expect(mediaUrl('thumbnail', 1, https)).toBe('https://klikt-media.localhost/thumbnail/1');
  });

  it('tells Windows by its user agent under the Vite dev server', () => {
    const dev = { ...windowsApp, hostname: 'localhost' };
    expect(mediaUrl('thumbnail', 1, dev)).toBe('http://klikt-media.localhost/thumbnail/1');
    const linuxDev = { ...linuxApp, protocol: 'http:' };
    expect(mediaUrl('thumbnail', 1, linuxDev)).toBe('klikt-media://localhost/thumbnail/1');
  });

  it('accepts bigint ids', () => {
    expect(mediaUrl('thumbnail', 9007199254740993n, linuxApp)).toBe(
      'klikt-media://localhost/thumbnail/9007199254740993',
    );
  });
});
