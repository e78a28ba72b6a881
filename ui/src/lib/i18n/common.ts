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
} as const;

export const fr: Translation<typeof en> = {
  'common.cancel': 'Annuler',
  'common.close': 'Fermer',
  'common.retry': 'Réessayer',
  'common.loading': 'Chargement…',
  'common.language': 'Langue',
  'common.language.en': 'English',
  'common.language.fr': 'Français',
};
