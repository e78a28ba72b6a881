import { describe, expect, it } from 'vitest';

import { normalizeServerUrl } from './serverUrl';

describe('normalizeServerUrl', () => {
  it('assumes https when the scheme is left out', () => {
    expect(normalizeServerUrl(' klikt.app ')).toBe('https://klikt.app');
    expect(normalizeServerUrl('klikt.example:8443/api/')).toBe('https://klikt.example:8443/api');
  });

  it('keeps a scheme that was typed, dropping trailing slashes', () => {
    expect(normalizeServerUrl('http://127.0.0.1:4000/')).toBe('http://127.0.0.1:4000');
    expect(normalizeServerUrl('HTTPS://Klikt.app')).toBe('HTTPS://Klikt.app');
  });

  it('leaves an empty field empty (the form asks for it)', () => {
    expect(normalizeServerUrl('   ')).toBe('');
  });
});
