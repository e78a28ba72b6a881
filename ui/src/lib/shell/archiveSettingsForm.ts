/**
 * The archive settings dialog's form, apart from the component: settings →
 * fields, and fields → settings or errors in words. The backend still has
 * the last word and its refusal is shown as it comes.
 */

import type { ArchiveSettings } from '../bindings/ArchiveSettings';
import { t } from '../i18n/index.svelte';

/** How many days before a plan's end an automatic archive may run. */
export const DAYS_BEFORE = { min: 1, max: 60 } as const;

export interface ArchiveForm {
  auto: boolean;
  /** What a number input gives: null when empty or not a number. */
  days: number | null;
  /** '' until a folder is chosen. */
  folder: string;
}

export type ArchiveErrors = Partial<Record<'days' | 'folder', string>>;
export type ArchiveResult = { ok: true; settings: ArchiveSettings } | { ok: false; errors: ArchiveErrors };

export function archiveFormOf(settings: ArchiveSettings): ArchiveForm {
  return { auto: settings.auto_archive, days: settings.days_before, folder: settings.folder ?? '' };
}

/** The form's errors; a folder is needed only when archiving runs by itself. */
export function validateArchive(form: ArchiveForm): ArchiveErrors {
  const errors: ArchiveErrors = {};
  const days = form.days;
  if (days === null || !Number.isInteger(days) || days < DAYS_BEFORE.min || days > DAYS_BEFORE.max) {
    errors.days = t('archive.settings.error.days', DAYS_BEFORE);
  }
  if (form.auto && form.folder.trim() === '') errors.folder = t('archive.settings.error.folder');
  return errors;
}

export function archiveSettingsOf(form: ArchiveForm): ArchiveResult {
  const errors = validateArchive(form);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: { auto_archive: form.auto, days_before: form.days!, folder: form.folder.trim() === '' ? null : form.folder },
  };
}
