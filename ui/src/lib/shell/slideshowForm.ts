/**
 * The slideshow dialog's form, apart from the component: settings → form
 * fields, and form fields → settings or errors in words. The checks mirror
 * the backend's (klikt-api `SlideshowSettings::check`), so the organizer
 * hears about a wrong number before saving; the backend still has the last
 * word and its refusal is shown as it comes.
 */

import type { SlideOrder } from '../bindings/SlideOrder';
import type { SlideSource } from '../bindings/SlideSource';
import type { SlideshowSettings } from '../bindings/SlideshowSettings';
import type { LogoCorner } from '../bindings/LogoCorner';
import type { Transition } from '../bindings/Transition';
import { t } from '../i18n/index.svelte';

/** The limits the backend enforces, in seconds. */
export const INTERVAL = { min: 1, max: 600 } as const;
export const LIVE_INTERVAL = { min: 5, max: 3600 } as const;
export const DEFAULT_LIVE_INTERVAL = 15;

export const SOURCES: readonly SlideSource[] = ['approved', 'picks', 'favorites', 'collection'];
export const TRANSITIONS: readonly Transition[] = ['cut', 'crossfade', 'ken_burns'];
export const LOGO_CORNERS: readonly LogoCorner[] = ['top_left', 'top_right', 'bottom_left', 'bottom_right'];

/**
 * What the dialog's fields hold. Numbers are what a number input gives:
 * `null` when empty or not a number.
 */
export interface SlideshowForm {
  /** A monitor's name; '' is the main window's screen. */
  monitor: string;
  source: SlideSource;
  /** A collection id as the select's value; '' when none is chosen. */
  collection: string;
  order: SlideOrder;
  interval: number | null;
  transition: Transition;
  showCaption: boolean;
  showQr: boolean;
  /** Whether the event's logo (when one was chosen) is on screen, and where. */
  showLogo: boolean;
  logoCorner: LogoCorner;
  showMessages: boolean;
  messageEvery: number | null;
  videosMuted: boolean;
  videoMax: number | null;
  live: boolean;
  liveInterval: number | null;
}

export type FormField = 'collection' | 'order' | 'interval' | 'messageEvery' | 'videoMax' | 'liveInterval';
export type FormErrors = Partial<Record<FormField, string>>;

export type FormResult = { ok: true; settings: SlideshowSettings } | { ok: false; errors: FormErrors };

export function formOf(settings: SlideshowSettings): SlideshowForm {
  return {
    monitor: settings.monitor ?? '',
    source: settings.source,
    collection: settings.collection === null ? '' : String(settings.collection),
    order: settings.order,
    interval: settings.interval_seconds,
    transition: settings.transition,
    showCaption: settings.show_caption,
    showQr: settings.show_qr,
    showLogo: settings.show_logo,
    logoCorner: settings.logo_corner,
    showMessages: settings.show_messages,
    messageEvery: settings.message_every,
    videosMuted: settings.videos_muted,
    videoMax: settings.video_max_seconds,
    live: settings.live,
    liveInterval: settings.live_interval_seconds,
  };
}

/** The orders that make sense for a source: a collection's own order only with a collection. */
export function ordersFor(source: SlideSource): SlideOrder[] {
  return source === 'collection' ? ['chronological', 'shuffle', 'manual'] : ['chronological', 'shuffle'];
}

const whole = (n: number | null): n is number => n !== null && Number.isInteger(n);
const within = (n: number | null, min: number, max = Number.MAX_SAFE_INTEGER): n is number =>
  whole(n) && n >= min && n <= max;

/** The form's errors in the current language; empty when it can be saved. */
export function validate(form: SlideshowForm): FormErrors {
  const errors: FormErrors = {};
  if (form.source === 'collection' && !/^\d+$/.test(form.collection)) {
    errors.collection = t('shell.slideshow.error.collection');
  }
  if (form.order === 'manual' && form.source !== 'collection') {
    errors.order = t('shell.slideshow.error.order');
  }
  if (!within(form.interval, INTERVAL.min, INTERVAL.max)) {
    errors.interval = t('shell.slideshow.error.interval', INTERVAL);
  }
  if (!within(form.messageEvery, 1)) {
    errors.messageEvery = t('shell.slideshow.error.message_every');
  }
  if (!within(form.videoMax, 1)) {
    errors.videoMax = t('shell.slideshow.error.video_max');
  }
  if (!within(form.liveInterval, LIVE_INTERVAL.min, LIVE_INTERVAL.max)) {
    errors.liveInterval = t('shell.slideshow.error.live_interval', LIVE_INTERVAL);
  }
  return errors;
}

/** The settings the form describes, or why it cannot be saved. */
export function settingsOf(form: SlideshowForm): FormResult {
  const errors = validate(form);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const collection = form.source === 'collection' ? Number(form.collection) : null;
  return {
    ok: true,
    settings: {
      source: form.source,
      collection,
      order: form.order,
      interval_seconds: form.interval!,
      transition: form.transition,
      show_caption: form.showCaption,
      show_qr: form.showQr,
      show_logo: form.showLogo,
      logo_corner: form.logoCorner,
      show_messages: form.showMessages,
      message_every: form.messageEvery!,
      videos_muted: form.videosMuted,
      video_max_seconds: form.videoMax!,
      live: form.live,
      live_interval_seconds: form.liveInterval!,
      monitor: form.monitor === '' ? null : form.monitor,
    },
  };
}

/**
 * The form after the source changed: the collection's own order goes with
 * the collection, back to chronological.
 */
export function withSource(form: SlideshowForm, source: SlideSource): SlideshowForm {
  const order = ordersFor(source).includes(form.order) ? form.order : 'chronological';
  return { ...form, source, order };
}

/** The CLI line that saves the event's QR code for print (the app cannot write files). */
export function qrCommand(eventName: string): string {
  // Single quotes keep a shell from reading anything in the name; a quote inside is closed and escaped.
  const quoted = /^[\w.-]+$/.test(eventName) ? eventName : `'${eventName.replace(/'/g, `'\\''`)}'`;
  return `klikt qr ${quoted} --out qr.svg`;
}
