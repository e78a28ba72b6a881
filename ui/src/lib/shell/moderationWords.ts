/**
 * Moderation actions and statuses in words, for the sync panel's conflicts
 * and dead letters (the backend reports them as `approve`, `hidden`…).
 */

import type { Moderation } from '../bindings/Moderation';
import { locale, translate, type Locale } from '../i18n/index.svelte';

const ACTIONS = ['approve', 'hide', 'delete', 'restore'] as const satisfies readonly Moderation[];
const STATUSES = ['pending', 'approved', 'hidden', 'deleted'] as const;

/** The action as a `Moderation` the API takes, or null for anything else. */
export function asModeration(action: string): Moderation | null {
  return (ACTIONS as readonly string[]).includes(action) ? (action as Moderation) : null;
}

/** "approve" → "Approve" / "Approuver"; an unknown action as it is. */
export function actionWord(action: string, lang: Locale = locale()): string {
  const known = asModeration(action);
  return known ? translate(lang, `shell.action.${known}`) : action;
}

/** "hidden" → "hidden" / "masquée"; null (the server has no such item) → "nothing". */
export function statusWord(status: string | null, lang: Locale = locale()): string {
  if (status === null) return translate(lang, 'shell.status.none');
  const known = (STATUSES as readonly string[]).includes(status)
    ? (status as (typeof STATUSES)[number])
    : null;
  return known ? translate(lang, `shell.status.${known}`) : status;
}
