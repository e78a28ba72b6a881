/**
 * The commands the slideshow window may call (its capability grants only
 * these): read the deck and the settings, and learn where videos play
 * from; and the one event it hears, `deck-changed` (a decision, an undo or
 * a pull may have changed the deck: re-read it now). Images come through
 * the `klikt-media` scheme: `mediaUrl('display', id)` for photos,
 * `qrUrl(eventId)` for the event's QR code and `logoUrl(eventId, version)`
 * for its logo (PNGs). Videos
 * come from the app's loopback server (`src-tauri/src/video_server.rs`):
 * WebKitGTK cannot play media from a custom scheme.
 */

import { invoke as tauriInvoke } from '@tauri-apps/api/core';
import { listen as tauriListen } from '@tauri-apps/api/event';

import { toIpcError, type Invoke, type Listen } from '../lib/api';
import type { SlideDeck } from '../lib/bindings/SlideDeck';
import type { SlideshowSettings } from '../lib/bindings/SlideshowSettings';
import { currentPage, mediaOrigin, type PageLocation } from '../lib/mediaUrl';

export interface SlideshowApi {
  /** Approved items of the settings' source, and approved messages; re-read it often (cheap). */
  slideDeck(event: number): Promise<SlideDeck>;
  slideshowSettings(event: number): Promise<SlideshowSettings>;
  /** `http://127.0.0.1:PORT/SECRET`; a video plays from `${base}/${mediaId}`. */
  videoBaseUrl(): Promise<string>;
  /** Calls `handler` whenever the backend committed something the deck may reflect; resolves to the unlisten. */
  onDeckChanged(handler: () => void): Promise<() => void>;
}

/** What the backend emits to the show after a decision, an undo or a pull (src-tauri slideshow_window.rs). */
export const DECK_CHANGED_EVENT = 'deck-changed';

const tauriListenPayload: Listen = (event, handler) =>
  tauriListen(event, (message) => handler(message.payload as never));

export function createSlideshowApi(invoke: Invoke = tauriInvoke, listen: Listen = tauriListenPayload): SlideshowApi {
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
    videoBaseUrl: () => call('video_base_url'),
    onDeckChanged: (handler) => listen(DECK_CHANGED_EVENT, () => handler()),
  };
}

/** The event's logo (a PNG the library made); `version` (the deck's `logo`) makes a new logo a new URL. */
export function logoUrl(eventId: number, version: string, page: PageLocation = currentPage()): string {
  return `${mediaOrigin(page)}/logo/${eventId}?v=${encodeURIComponent(version)}`;
}

/** The event's share-URL QR code as a PNG, served by the media scheme. */
export function qrUrl(eventId: number, page: PageLocation = currentPage()): string {
  return `${mediaOrigin(page)}/qr/${eventId}`;
}
