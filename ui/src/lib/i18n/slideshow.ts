/** Messages of the venue slideshow window (see index.svelte.ts). */

import type { Translation } from './index.svelte';

export const en = {
  'slideshow.title': 'Slideshow',
  'slideshow.waiting': 'Waiting for approved photos',
  'slideshow.waiting_hint': 'Photos appear here as soon as they are approved.',
  'slideshow.scan': 'Scan to share your photos',
  'slideshow.qr_alt': 'QR code to share your photos',
  'slideshow.photo_by': 'Photo by {name}',
  'slideshow.message_by': '— {name}',
  'slideshow.message_anonymous': 'A guest',
  'slideshow.paused': 'Paused',
  'slideshow.offline': 'Cannot reach the library: showing the photos already loaded',
} as const;

export const fr: Translation<typeof en> = {
  'slideshow.title': 'Diaporama',
  'slideshow.waiting': 'En attente de photos approuvées',
  'slideshow.waiting_hint': 'Les photos apparaissent ici dès qu’elles sont approuvées.',
  'slideshow.scan': 'Scannez pour partager vos photos',
  'slideshow.qr_alt': 'QR code pour partager vos photos',
  'slideshow.photo_by': 'Photo de {name}',
  'slideshow.message_by': '— {name}',
  'slideshow.message_anonymous': 'Un invité',
  'slideshow.paused': 'En pause',
  'slideshow.offline': 'Bibliothèque injoignable : les photos déjà chargées continuent',
};
