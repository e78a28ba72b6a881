/**
 * The export dialog's form, apart from the component: the name template
 * (checked as the backend checks it, and filled in for an example name),
 * the destination (a folder, or a ZIP file) and the `ExportRequest` the
 * form describes. The backend still has the last word; its refusal is
 * shown as it comes.
 */

import type { CollectionSummary } from '../bindings/CollectionSummary';
import type { ExportLayout } from '../bindings/ExportLayout';
import type { ExportRequest } from '../bindings/ExportRequest';
import type { ExportSelection } from '../bindings/ExportSelection';
import type { MediaItem } from '../bindings/MediaItem';
import type { MediaQuery } from '../bindings/MediaQuery';
import { t } from '../i18n/index.svelte';

/** The backend's default (klikt-api `DEFAULT_TEMPLATE`); sent as null. */
export const DEFAULT_TEMPLATE = '{date}_{time}_{uploader}_{seq}.{ext}';
export const PLACEHOLDERS = ['date', 'time', 'uploader', 'seq', 'ext', 'original', 'id'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export type SelectionKind = ExportSelection['kind'];
export const SELECTIONS: readonly SelectionKind[] = ['all', 'approved', 'picked', 'favorites', 'collection'];
export const LAYOUTS: readonly ExportLayout[] = ['flat', 'by_uploader', 'by_day'];
export type DestinationKind = 'folder' | 'zip';

/** What the dialog's fields hold. */
export interface ExportForm {
  selection: SelectionKind;
  /** The collection's name (exports name their collection); '' when none is chosen. */
  collection: string;
  template: string;
  layout: ExportLayout;
  stripLocation: boolean;
  gallery: boolean;
  destinationKind: DestinationKind;
  /** The folder chosen in the open dialog; '' until one is. */
  folder: string;
  /** The ZIP file chosen in the save dialog; '' until one is. */
  zip: string;
}

export function defaultForm(): ExportForm {
  return {
    selection: 'all',
    collection: '',
    template: DEFAULT_TEMPLATE,
    layout: 'flat',
    stripLocation: false,
    gallery: true,
    destinationKind: 'folder',
    folder: '',
    zip: '',
  };
}

// ----- Name template -------------------------------------------------------

export type TemplatePart = { text: string } | { field: Placeholder };

export type TemplateProblem =
  | { kind: 'empty' }
  | { kind: 'separator' }
  | { kind: 'unbalanced' }
  | { kind: 'unknown'; name: string };

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; problem: TemplateProblem };

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);

/**
 * The template as literal text and placeholders: `{name}` is a placeholder,
 * `{{` and `}}` a literal brace. A name is one path component, so neither
 * `/` nor `\` may appear.
 */
export function parseTemplate(template: string): ParsedTemplate {
  if (template.trim().length === 0) return { ok: false, problem: { kind: 'empty' } };
  if (/[/\\]/.test(template)) return { ok: false, problem: { kind: 'separator' } };
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    const next = template[i + 1];
    if ((c === '{' && next === '{') || (c === '}' && next === '}')) {
      text += c;
      i += 2;
    } else if (c === '{') {
      const end = template.indexOf('}', i + 1);
      const name = end === -1 ? '' : template.slice(i + 1, end);
      if (end === -1 || name.includes('{')) return { ok: false, problem: { kind: 'unbalanced' } };
      if (!isPlaceholder(name)) return { ok: false, problem: { kind: 'unknown', name } };
      if (text) parts.push({ text });
      text = '';
      parts.push({ field: name });
      i = end + 1;
    } else if (c === '}') {
      return { ok: false, problem: { kind: 'unbalanced' } };
    } else {
      text += c;
      i += 1;
    }
  }
  if (text) parts.push({ text });
  return { ok: true, parts };
}

/** The template's problem in words, or null when the backend will take it. */
export function templateError(template: string): string | null {
  const parsed = parseTemplate(template);
  if (parsed.ok) return null;
  const list = PLACEHOLDERS.map((p) => `{${p}}`).join(' ');
  switch (parsed.problem.kind) {
    case 'empty':
      return t('export.template.error.empty');
    case 'separator':
      return t('export.template.error.separator');
    case 'unbalanced':
      return t('export.template.error.unbalanced');
    case 'unknown':
      return t('export.template.error.unknown', { placeholder: `{${parsed.problem.name}}`, list });
  }
}

/**
 * What one file's placeholders stand for, before cleaning: an empty value
 * takes the backend's stand-in (`undated`, `00-00-00`, `guest`, `bin`,
 * `untitled`) when the name is made.
 */
export interface NameFields {
  /** YYYY-MM-DD; '' when the item has no usable date. */
  date: string;
  /** HH-MM-SS; '' when the item has no usable time. */
  time: string;
  uploader: string;
  /** 1-based position in the export. */
  seq: number;
  /** Lowercase, without the dot. */
  ext: string;
  /** The original file name without its extension. */
  original: string;
  id: number;
}

const STAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})/;

/**
 * The fields of `item` as the `seq`-th file of the export, as klikt-api's
 * export plans them: the capture time, else the upload time, else the
 * import time, as written (the guest's local time); the extension after
 * the name's last dot (up to 8 characters), else the MIME subtype.
 */
export function nameFields(
  item: Pick<MediaItem, 'id' | 'original_name' | 'mime' | 'uploader' | 'captured_at' | 'uploaded_at' | 'imported_at'>,
  seq: number,
): NameFields {
  const stamp = [item.captured_at, item.uploaded_at, item.imported_at]
    .map((when) => STAMP.exec(when ?? ''))
    .find((m) => m !== null);
  const dot = item.original_name.lastIndexOf('.');
  const fromName = dot === -1 ? '' : item.original_name.slice(dot + 1);
  const ext = fromName !== '' && fromName.length <= 8 ? fromName : (item.mime.split('/').pop() ?? '');
  return {
    date: stamp ? stamp[1]! : '',
    time: stamp ? `${stamp[2]}-${stamp[3]}-${stamp[4]}` : '',
    uploader: item.uploader ?? '',
    seq,
    ext: ext.toLowerCase(),
    original: dot === -1 ? item.original_name : item.original_name.slice(0, dot),
    id: item.id,
  };
}

/** A stand-in first file, for an example when the selection is empty. */
export const SAMPLE_FIELDS: NameFields = {
  date: '2026-06-20',
  time: '18-42-07',
  uploader: 'Alex',
  seq: 1,
  ext: 'jpg',
  original: 'IMG_0420',
  id: 420,
};

/** What a field that cleans to nothing becomes (klikt-api `names::render`). */
const STAND_IN: Record<Exclude<Placeholder, 'seq' | 'id'>, string> = {
  date: 'undated',
  time: '00-00-00',
  uploader: 'guest',
  ext: 'bin',
  original: 'untitled',
};

/**
 * A file name from the template, or null when the template has a problem.
 * Guest text is made one safe path component, as the backend does (all but
 * its 255-byte cut, which an example rarely reaches).
 */
export function renderName(template: string, fields: NameFields): string | null {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return null;
  const seq = String(fields.seq).padStart(4, '0');
  const ext = cleanField(fields.ext.replace(/^\./, '').toLowerCase(), STAND_IN.ext);
  const value = (field: Placeholder): string => {
    switch (field) {
      case 'seq':
        return seq;
      case 'id':
        return String(fields.id);
      case 'ext':
        return ext;
      default:
        return cleanField(fields[field], STAND_IN[field]);
    }
  };
  const raw = parsed.parts.map((part) => ('text' in part ? part.text : value(part.field))).join('');
  return safeComponent(raw, `file_${seq}.${ext}`);
}

/**
 * The first file's path inside the export: its name, in the layout's
 * folder (the guest's name, or the day) when there is one.
 */
export function examplePath(template: string, layout: ExportLayout, fields: NameFields): string | null {
  const name = renderName(template, fields);
  if (name === null) return null;
  if (layout === 'by_uploader') return `${safeComponent(fields.uploader, STAND_IN.uploader)}/${name}`;
  if (layout === 'by_day') return `${fields.date || STAND_IN.date}/${name}`;
  return name;
}

/** Control and bidi characters: removed from names (they could disguise one). */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g;

/** Windows device names, which no file may be called, whatever its extension. */
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** A field's characters made safe, trimmed; `fallback` when nothing is left. */
function cleanField(raw: string, fallback: string): string {
  const cleaned = raw
    .normalize('NFC')
    .replace(HIDDEN, '')
    .replace(/[<>:"/\\|?*]/g, '_')
    .replace(/^ +/, '')
    .replace(/[ .]+$/, '');
  return cleaned === '' ? fallback : cleaned;
}

/** Text as one file name on any system (see klikt-api `names::safe_component`). */
export function safeComponent(raw: string, fallback: string): string {
  let cleaned = cleanField(raw, '');
  if (/^\.*$/.test(cleaned)) cleaned = cleanField(fallback, '_');
  const stem = (cleaned.split('.')[0] ?? '').replace(/ +$/, '');
  return DEVICE.test(stem) ? `_${cleaned}` : cleaned;
}

// ----- Destination -----------------------------------------------------------

/** A path ending in `.zip` is written as a ZIP file; anything else as a folder. */
export function destinationKind(path: string): DestinationKind {
  return /\.zip$/i.test(path.trim()) ? 'zip' : 'folder';
}

/** The save dialog's path with `.zip` added when the organizer typed a name without it. */
export function withZipExtension(path: string): string {
  return destinationKind(path) === 'zip' ? path : `${path}.zip`;
}

/** The save dialog's suggested name: the event's name, safe as a file name. */
export function defaultZipName(eventName: string): string {
  return `${safeComponent(eventName, 'klikt-export')}.zip`;
}

/** Where the export goes as the form stands; '' until chosen. */
export function destinationOf(form: ExportForm): string {
  return form.destinationKind === 'zip' ? (form.zip ? withZipExtension(form.zip) : '') : form.folder;
}

// ----- The request -----------------------------------------------------------

export type ExportField = 'template' | 'collection' | 'destination';
export type ExportErrors = Partial<Record<ExportField, string>>;
export type ExportResult = { ok: true; request: ExportRequest } | { ok: false; errors: ExportErrors };

export function selectionOf(form: ExportForm): ExportSelection {
  return form.selection === 'collection' ? { kind: 'collection', name: form.collection } : { kind: form.selection };
}

/** The form's errors in the current language; empty when the export can start. */
export function validate(form: ExportForm): ExportErrors {
  const errors: ExportErrors = {};
  const template = templateError(form.template);
  if (template) errors.template = template;
  if (form.selection === 'collection' && form.collection === '') {
    errors.collection = t('export.error.collection');
  }
  const to = destinationOf(form);
  if (to === '') {
    errors.destination = t(form.destinationKind === 'zip' ? 'export.error.no_zip' : 'export.error.no_folder');
  } else if (form.destinationKind === 'folder' && destinationKind(to) === 'zip') {
    // The backend would write a ZIP file of that name instead.
    errors.destination = t('export.error.folder_zip');
  }
  return errors;
}

/** The request for the event `eventId`, or why the export cannot start. */
export function requestOf(form: ExportForm, eventId: number): ExportResult {
  const errors = validate(form);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    request: {
      event: String(eventId),
      to: destinationOf(form),
      only: selectionOf(form),
      template: form.template === DEFAULT_TEMPLATE ? null : form.template,
      layout: form.layout,
      strip_location: form.stripLocation,
      gallery: form.gallery,
    },
  };
}

/**
 * The media listing whose first item is the export's first file, for the
 * example name; null when the chosen collection is not (or no longer) listed.
 */
export function exampleQuery(form: ExportForm, collections: readonly CollectionSummary[]): MediaQuery | null {
  const first: MediaQuery = { limit: 1 };
  switch (form.selection) {
    case 'all':
      return first;
    case 'approved':
      return { ...first, status: 'approved' };
    case 'picked':
      return { ...first, flag: 'picked' };
    case 'favorites':
      return { ...first, favorite: true };
    case 'collection': {
      const found = collections.find((c) => c.name === form.collection);
      return found ? { ...first, collection: found.id, sort: 'manual' } : null;
    }
  }
}
