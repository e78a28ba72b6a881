/** Messages shared by every area: actions, states, units (see index.svelte.ts). */

import type { Translation } from './index.svelte';

export const en = {
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.retry': 'Try again',
  'common.loading': 'Loading…',
  'common.language': 'Language',
  'common.language.en': 'English',
  'common.language.fr': 'Français',
  'common.error_code': 'Error code:',
  'common.empty': 'Empty',
  'common.photos': { one: '{count} photo', other: '{count} photos' },
  'common.videos': { one: '{count} video', other: '{count} videos' },
  'common.items': { one: '{count} item', other: '{count} items' },
  'common.bytes': { one: '{count} byte', other: '{count} bytes' },
  'common.preview.video': 'Video',
  'common.preview.none': 'No preview',
  'common.preview.pending': 'Preview pending',
  'common.preview.missing': 'Preview missing',
  'common.duration.s': '{count} s',
  'common.duration.min': '{count} min',
  'common.duration.h': '{count} h',
} as const;

export const fr: Translation<typeof en> = {
  'common.cancel': 'Annuler',
  'common.close': 'Fermer',
  'common.retry': 'Réessayer',
  'common.loading': 'Chargement…',
  'common.language': 'Langue',
  'common.language.en': 'English',
  'common.language.fr': 'Français',
  'common.error_code': 'Code d’erreur :',
  'common.empty': 'Vide',
  'common.photos': { one: '{count} photo', other: '{count} photos' },
  'common.videos': { one: '{count} vidéo', other: '{count} vidéos' },
  'common.items': { one: '{count} élément', other: '{count} éléments' },
  'common.bytes': { one: '{count} octet', other: '{count} octets' },
  'common.preview.video': 'Vidéo',
  'common.preview.none': 'Pas d’aperçu',
  'common.preview.pending': 'Aperçu en préparation',
  'common.preview.missing': 'Aperçu introuvable',
  'common.duration.s': '{count} s',
  'common.duration.min': '{count} min',
  'common.duration.h': '{count} h',
};
