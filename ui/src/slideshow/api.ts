/**
 * The commands the slideshow window may call (its capability grants only
 * these): read the deck and the settings, and learn where videos play
 * from. Images come through the `klikt-media` scheme: `mediaUrl('display',
 * id)` for photos and `qrUrl(eventId)` for the event's QR code (PNG). Videos
 * come from the app's loopback server (`src-tauri/src/video_server.rs`):
 * WebKitGTK cannot play media from a custom scheme.
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
  /** `http://127.0.0.1:PORT/SECRET`; a video plays from `${base}/${mediaId}`. */
  videoBaseUrl(): Promise<string>;
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
    videoBaseUrl: () => call('video_base_url'),
  };
}

/** The event's share-URL QR code as a PNG, served by the media scheme. */
export function qrUrl(eventId: number, page: PageLocation = currentPage()): string {
  return `${mediaOrigin(page)}/qr/${eventId}`;
}
