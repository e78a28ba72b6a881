/** Decks for tests: photos, messages and settings with sensible defaults. */

import type { Slide } from '../../lib/bindings/Slide';
import type { SlideDeck } from '../../lib/bindings/SlideDeck';
import type { SlideshowSettings } from '../../lib/bindings/SlideshowSettings';

export function photo(id: number, extra: Partial<Slide> = {}): Slide {
  return {
    kind: 'photo',
    id,
    name: null,
    text: null,
    taken_at: null,
    arrived_at: new Date(Date.UTC(2025, 5, 1, 12, 0, id)).toISOString(),
    width: 1600,
    height: 1067,
    showable: true,
    ...extra,
  };
}

export function message(id: number, text: string, name: string | null = 'Ana'): Slide {
  return { ...photo(id), kind: 'message', text, name, width: null, height: null };
}

export function settings(extra: Partial<SlideshowSettings> = {}): SlideshowSettings {
  return {
    source: 'approved',
    collection: null,
    order: 'chronological',
    interval_seconds: 5,
    transition: 'cut',
    show_caption: true,
    show_qr: true,
    show_logo: true,
    logo_corner: 'top_right',
    show_messages: false,
    message_every: 3,
    videos_muted: true,
    video_max_seconds: 30,
    live: false,
    live_interval_seconds: 60,
    monitor: null,
    ...extra,
  };
}

export function deckOf(
  slides: (Slide | number)[],
  extra: Partial<SlideshowSettings> = {},
  messages: Slide[] = [],
  shareUrl: string | null = 'https://klikt.example/e/abc',
  logo: string | null = null,
): SlideDeck {
  return {
    event_id: 7,
    event_name: 'Wedding',
    share_url: shareUrl,
    logo,
    settings: settings(extra),
    slides: slides.map((s) => (typeof s === 'number' ? photo(s) : s)),
    messages,
  };
}
