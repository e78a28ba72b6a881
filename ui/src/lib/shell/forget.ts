/**
 * Forgetting an event, apart from the dialog: what would be lost, in
 * words, and whether the name the organizer typed confirms it.
 */

import type { ForgetPreview } from '../bindings/ForgetPreview';
import type { ForgetReport } from '../bindings/ForgetReport';
import { formatBytes } from '../format';
import { locale, translate, type Locale } from '../i18n/index.svelte';

/** True when `typed` is the event's name (surrounding spaces and Unicode forms aside). */
export function confirmsName(typed: string, name: string): boolean {
  const norm = (text: string) => text.normalize('NFC').trim();
  return norm(typed).length > 0 && norm(typed) === norm(name);
}

/** What forgetting removes from this computer, a line each; unsent decisions only when there are some. */
export function losses(preview: ForgetPreview, lang: Locale = locale()): string[] {
  const lines = [
    translate(lang, 'forget.media', { count: preview.media_count }),
    translate(lang, 'forget.messages', { count: preview.message_count }),
    translate(lang, 'forget.size', { size: formatBytes(preview.bytes, lang) }),
  ];
  if (preview.unsent_decisions > 0) {
    lines.push(translate(lang, 'forget.unsent', { count: preview.unsent_decisions }));
  }
  return lines;
}

/** The toast's lines once it is done. */
export function forgottenLines(report: ForgetReport, lang: Locale = locale()): string[] {
  return [
    translate(lang, 'forget.removed', { count: report.media_removed }),
    translate(lang, 'forget.removed_messages', { count: report.messages_removed }),
    translate(lang, 'forget.freed', { size: formatBytes(report.bytes_freed, lang) }),
  ];
}
