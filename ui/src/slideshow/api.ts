/**
 * The commands the slideshow window may call (its capability grants only
 * these): read the deck and the settings. Media come through the
 * `klikt-media` scheme: `mediaUrl('display', id)` for photos and
 * `qrUrl(eventId)` for the event's QR code (PNG).
 */

import { invoke as tauriInvoke } from '@tauri-apps/api/core';

import { toIpcError, type Invoke } from '../lib/api';
import type { SlideDeck } from '../lib/bindings/SlideDeck';
import type { SlideshowSettings } from '../lib/bindings/SlideshowSettings';
import { currentPage, mediaOrigin, type PageLocation } from '../lib/mediaUrl';

export interface SlideshowApi {
  /** Approved items of the settings' source, and approved messages; re-read it often (cheap). */
  slideDeck(event: number): Promise<SlideDeck>;
  slideshowSettings(event: number): Promise<SlideshowSettings>;
}

export function createSlideshowApi(invoke: Invoke = tauriInvoke): SlideshowApi {
  const call = async <T>(command: string, args?: Record<string, unknown>): Promise<T> => {
    try {
      return await invoke<T>(command, args);
    } catch (error) {
      throw toIpcError(error);
    }
  };
  return {
    slideDeck: (event) => call('slide_deck', { event: String(event) }),
    slideshowSettings: (event) => call('slideshow_settings', { event: String(event) }),
  };
}

/** The event's share-URL QR code as a PNG, served by the media scheme. */
export function qrUrl(eventId: number, page: PageLocation = currentPage()): string {
  return `${mediaOrigin(page)}/qr/${eventId}`;
}
