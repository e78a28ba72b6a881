import { describe, expect, it } from 'vitest';

import { catalogKeys, matchLocale, translate } from './index.svelte';

describe('translations', () => {
  it('have the same keys in English and French', () => {
    expect(catalogKeys('fr')).toEqual(catalogKeys('en'));
  });

  it('keep every placeholder of the English message in French', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of catalogKeys('en')) {
      const en = translate('en', key as never, {});
      const fr = translate('fr', key as never, {});
      expect(placeholders(fr), key).toEqual(placeholders(en));
    }
  });
});

describe('matchLocale', () => {
  it('follows a French OS locale in any spelling', () => {
    for (const tag of ['fr', 'fr-FR', 'fr_CA.UTF-8', 'FR-be']) {
      expect(matchLocale(tag)).toBe('fr');
    }
  });

  it('falls back to English for anything else', () => {
    for (const tag of ['de-DE', '', 'C', 'POSIX', null, undefined]) {
      expect(matchLocale(tag)).toBe('en');
    }
  });
});
