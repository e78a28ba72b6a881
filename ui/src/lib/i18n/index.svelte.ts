/**
 * English and French for every string the UI shows.
 *
 * Each area of the UI keeps its own catalogue (`common.ts`, `shell.ts`,
 * `library.ts`, `archive.ts`…): an `en` object, and an `fr` object typed with the same keys,
 * so a missing translation fails `npm run check`. Messages are plain text
 * with `{name}` placeholders; a message that depends on a count is
 * `{ one, other }` and picks its form with `Intl.PluralRules`.
 *
 * The language follows the OS locale until the organizer picks one, which is
 * remembered in the webview's local storage.
 */

import * as archive from './archive';
import * as common from './common';
import * as library from './library';
import * as shell from './shell';
import * as slideshow from './slideshow';

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

export type Plural = { one: string; other: string };
export type Message = string | Plural;
export type Catalog = Record<string, Message>;
/** A translation of `C`: the same keys, each a message. */
export type Translation<C extends Catalog> = { [K in keyof C]: Message };

const catalogs: Record<Locale, Catalog> = {
  en: { ...common.en, ...shell.en, ...library.en, ...slideshow.en, ...archive.en },
  fr: { ...common.fr, ...shell.fr, ...library.fr, ...slideshow.fr, ...archive.fr },
};

export type MessageKey =
  | keyof typeof common.en
  | keyof typeof shell.en
  | keyof typeof library.en
  | keyof typeof slideshow.en
  | keyof typeof archive.en;

const STORAGE_KEY = 'klikt.locale';

let current = $state<Locale>('en');

/** The language the UI speaks now (reactive). */
export function locale(): Locale {
  return current;
}

/** Switches the language and remembers the choice. */
export function setLocale(next: Locale): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode or no storage: the choice lasts for this run only.
  }
}

/** The supported language closest to a BCP 47 tag (`fr-CA` → `fr`); English otherwise. */
export function matchLocale(tag: string | null | undefined): Locale {
  const language = (tag ?? '').toLowerCase().split(/[-_.@]/)[0];
  return LOCALES.find((l) => l === language) ?? 'en';
}

/** The organizer's saved choice, else the OS locale. Call once at start-up. */
export function initLocale(osLocale: string | null | undefined): Locale {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    saved = null;
  }
  current = saved && (LOCALES as readonly string[]).includes(saved) ? (saved as Locale) : matchLocale(osLocale);
  return current;
}

/** The message `key` in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return translate(current, key, params);
}

/** `t` for a given language (tests, and text that must not follow the switch). */
export function translate(
  lang: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const message = catalogs[lang][key] ?? catalogs.en[key] ?? key;
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const count = typeof params.count === 'number' ? params.count : 0;
    text = new Intl.PluralRules(lang).select(count) === 'one' ? message.one : message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(lang).format(value) : value;
  });
}

/** Every key of every catalogue, per language (for the completeness test). */
export function catalogKeys(lang: Locale): string[] {
  return Object.keys(catalogs[lang]).sort();
}
