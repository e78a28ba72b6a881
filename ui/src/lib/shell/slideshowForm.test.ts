import { afterEach, describe, expect, it } from 'vitest';

import type { SlideshowSettings } from '../bindings/SlideshowSettings';
import { setLocale } from '../i18n/index.svelte';
import { formOf, ordersFor, qrCommand, settingsOf, validate, withSource, type SlideshowForm } from './slideshowForm';
import { slideshowSettings } from './testing/fakeApi';

afterEach(() => setLocale('en'));

const form = (overrides: Partial<SlideshowForm> = {}): SlideshowForm => ({
  ...formOf(slideshowSettings()),
  ...overrides,
});

describe('slideshow form', () => {
  it('gives back the settings it was made from, unchanged', () => {
    const settings: SlideshowSettings[] = [
      slideshowSettings(),
      slideshowSettings({
        source: 'collection',
        collection: 7,
        order: 'manual',
        interval_seconds: 600,
        transition: 'ken_burns',
        show_caption: false,
        show_qr: false,
        show_messages: false,
        message_every: 1,
        videos_muted: false,
        video_max_seconds: 1,
        live: false,
        live_interval_seconds: 3600,
        monitor: 'HDMI-1',
      }),
    ];
    for (const s of settings) {
      expect(settingsOf(formOf(s))).toEqual({ ok: true, settings: s });
    }
  });

  it('keeps "this screen" as no monitor, and a named screen by name', () => {
    expect(formOf(slideshowSettings()).monitor).toBe('');
    const named = settingsOf(form({ monitor: 'HDMI-1' }));
    expect(named.ok && named.settings.monitor).toBe('HDMI-1');
  });

  it('drops the collection when the show draws from another source', () => {
    const result = settingsOf(form({ source: 'picks', collection: '3' }));
    expect(result).toMatchObject({ ok: true, settings: { source: 'picks', collection: null } });
  });

  it('offers the collection’s own order only with a collection, and leaves it with the collection', () => {
    expect(ordersFor('approved')).toEqual(['chronological', 'shuffle']);
    expect(ordersFor('collection')).toContain('manual');
    const leaving = withSource(form({ source: 'collection', collection: '3', order: 'manual' }), 'favorites');
    expect(leaving).toMatchObject({ source: 'favorites', order: 'chronological' });
    expect(withSource(form({ order: 'shuffle' }), 'picks').order).toBe('shuffle');
  });

  it('accepts the limits the backend accepts', () => {
    expect(validate(form({ interval: 2, liveInterval: 5, messageEvery: 1, videoMax: 1 }))).toEqual({});
    expect(validate(form({ interval: 600, liveInterval: 3600 }))).toEqual({});
  });

  it('says in words what is wrong with each field', () => {
    const errors = validate(
      form({
        source: 'collection',
        collection: '',
        interval: 0,
        messageEvery: 0,
        videoMax: null,
        liveInterval: 4,
      }),
    );
    expect(errors).toEqual({
      collection: 'Choose the collection to show.',
      interval: 'A photo stays a whole number of seconds, from 1 to 600.',
      messageEvery: 'A message card comes after a whole number of photos, at least 1.',
      videoMax: 'Videos play a whole number of seconds, at least 1.',
      liveInterval: 'Live mode checks every 5 to 3,600 seconds, in whole seconds.',
    });
    expect(settingsOf(form({ interval: 601 }))).toMatchObject({ ok: false, errors: { interval: expect.any(String) } });
    expect(validate(form({ interval: 2.5 })).interval).toBeDefined();
    expect(validate(form({ liveInterval: 3601 })).liveInterval).toBeDefined();
  });

  it('refuses the collection’s order without a collection', () => {
    expect(validate(form({ source: 'approved', order: 'manual' }))).toEqual({
      order: 'The collection’s order needs a collection: choose one, or another order.',
    });
  });

  it('speaks French when the organizer does', () => {
    setLocale('fr');
    expect(validate(form({ interval: 0, source: 'collection', collection: '' }))).toEqual({
      interval: 'Une photo reste un nombre entier de secondes, de 1 à 600.',
      collection: 'Choisissez la collection à afficher.',
    });
    expect(validate(form({ liveInterval: 1 })).liveInterval).toBe(
      'Le mode direct interroge le serveur toutes les 5 à 3\u202f600 secondes, en secondes entières.',
    );
    expect(validate(form({ order: 'manual' })).order).toContain('L’ordre de la collection');
  });

  it('writes a CLI line that a shell reads as one event name, whatever the name', () => {
    expect(qrCommand('Wedding')).toBe('klikt qr Wedding --out qr.svg');
    expect(qrCommand('Anna & Tom’s $(party)')).toBe("klikt qr 'Anna & Tom’s $(party)' --out qr.svg");
    expect(qrCommand("Bob's")).toBe("klikt qr 'Bob'\\''s' --out qr.svg");
  });
});
