import { afterEach, describe, expect, it } from 'vitest';

import { setLocale } from '../i18n/index.svelte';
import {
  DEFAULT_TEMPLATE,
  defaultForm,
  defaultZipName,
  destinationKind,
  destinationOf,
  examplePath,
  exampleQuery,
  nameFields,
  parseTemplate,
  renderName,
  requestOf,
  safeComponent,
  SAMPLE_FIELDS,
  templateError,
  validate,
  withZipExtension,
  type ExportForm,
} from './exportForm';
import { collection, exportRequest } from './testing/fakeApi';

afterEach(() => setLocale('en'));

const form = (overrides: Partial<ExportForm> = {}): ExportForm => ({
  ...defaultForm(),
  folder: '/backup/Wedding',
  ...overrides,
});

const item = {
  id: 37,
  original_name: 'IMG_0042.HEIC',
  mime: 'image/heic',
  uploader: 'Chloé',
  captured_at: '2026-05-12T18:42:07+02:00',
  uploaded_at: '2026-05-12T19:00:00Z',
  imported_at: '2026-05-13T08:00:00Z',
};

describe('the name template', () => {
  it('takes the default and every placeholder, with {{ and }} as literal braces', () => {
    expect(templateError(DEFAULT_TEMPLATE)).toBeNull();
    expect(templateError('{id}-{original}.{ext}')).toBeNull();
    expect(parseTemplate('{{{seq}}}.{ext}')).toEqual({
      ok: true,
      parts: [{ text: '{' }, { field: 'seq' }, { text: '}.' }, { field: 'ext' }],
    });
  });

  it('names an unknown placeholder and lists the known ones', () => {
    expect(parseTemplate('{date}_{camera}.{ext}')).toEqual({ ok: false, problem: { kind: 'unknown', name: 'camera' } });
    expect(templateError('{date}_{camera}.{ext}')).toBe(
      '{camera} is not a placeholder. Use {date} {time} {uploader} {seq} {ext} {original} {id}.',
    );
    expect(templateError('{}.{ext}')).toContain('{} is not a placeholder');
    expect(templateError('{Date}.{ext}')).toContain('{Date} is not a placeholder');
  });

  it('refuses an unbalanced brace, a path separator and an empty template', () => {
    for (const bad of ['{date', 'date}', '{da{te}.jpg', '}{']) {
      expect(parseTemplate(bad)).toEqual({ ok: false, problem: { kind: 'unbalanced' } });
    }
    expect(templateError('{date}/{seq}.{ext}')).toBe('A file name cannot contain / or \\.');
    expect(templateError('{date}\\{seq}')).toBe('A file name cannot contain / or \\.');
    expect(templateError('   ')).toBe('Give the files a name template.');
  });

  it('says what is wrong in French too', () => {
    setLocale('fr');
    expect(templateError('{camera}')).toContain('{camera} n’est pas une variable');
  });
});

describe('the example name', () => {
  it('fills the default template from the first file, as the backend names it', () => {
    const fields = nameFields(item, 1);
    expect(fields).toEqual({
      date: '2026-05-12',
      time: '18-42-07',
      uploader: 'Chloé',
      seq: 1,
      ext: 'heic',
      original: 'IMG_0042',
      id: 37,
    });
    expect(renderName(DEFAULT_TEMPLATE, fields)).toBe('2026-05-12_18-42-07_Chloé_0001.heic');
    expect(renderName('{original} ({id}) {{{seq}}}.{ext}', fields)).toBe('IMG_0042 (37) {0001}.heic');
  });

  it('falls back to the upload time, the MIME type and “guest”, as the backend does', () => {
    const fields = nameFields({ ...item, captured_at: null, original_name: 'photo', mime: 'image/jpeg', uploader: null }, 12);
    expect(renderName(DEFAULT_TEMPLATE, fields)).toBe('2026-05-12_19-00-00_guest_0012.jpeg');
    const unparsable = nameFields({ ...item, captured_at: 'sometime', uploaded_at: null }, 1);
    expect(unparsable.date).toBe('2026-05-13');
    expect(nameFields({ ...item, original_name: 'clip.quicktime-movie' }, 1).ext).toBe('heic');
  });

  it('renders the backend’s stand-ins for fields with nothing in them', () => {
    const empty = { date: '', time: '', uploader: '   ', seq: 42, ext: '', original: '', id: 7 };
    expect(renderName(DEFAULT_TEMPLATE, empty)).toBe('undated_00-00-00_guest_0042.bin');
    expect(renderName('{original}-{id}', empty)).toBe('untitled-7');
    expect(renderName('{uploader}', { ...empty, uploader: '...' })).toBe('guest');
    expect(renderName('..', SAMPLE_FIELDS)).toBe('file_0001.jpg');
    expect(renderName('{seq}', { ...SAMPLE_FIELDS, seq: 12345 })).toBe('12345');
    expect(renderName('}}{{', SAMPLE_FIELDS)).toBe('}{');
  });

  it('prefixes a Windows device name only at the start of the name', () => {
    const con = { ...SAMPLE_FIELDS, original: 'con' };
    expect(renderName('{original}.{ext}', con)).toBe('_con.jpg');
    expect(renderName('{seq}_{original}.{ext}', con)).toBe('0001_con.jpg');
    expect(renderName('{uploader}.{ext}', { ...SAMPLE_FIELDS, uploader: 'LPT1' })).toBe('_LPT1.jpg');
    expect(renderName('{uploader}_{seq}.{ext}', { ...SAMPLE_FIELDS, uploader: 'LPT1' })).toBe('LPT1_0001.jpg');
    for (const [raw, safe] of [['CON', '_CON'], ['nul.tar.gz', '_nul.tar.gz'], ['Com¹.jpg', '_Com¹.jpg'], ['aux .txt', '_aux .txt'], ['CONSOLE.txt', 'CONSOLE.txt'], ['LPT10', 'LPT10']]) {
      expect(safeComponent(raw!, 'x')).toBe(safe);
    }
  });

  it('shows the layout’s folder before the first file’s name', () => {
    const fields = nameFields(item, 1);
    expect(examplePath('{seq}.{ext}', 'flat', fields)).toBe('0001.heic');
    expect(examplePath('{seq}.{ext}', 'by_uploader', fields)).toBe('Chloé/0001.heic');
    expect(examplePath('{seq}.{ext}', 'by_uploader', { ...fields, uploader: '' })).toBe('guest/0001.heic');
    expect(examplePath('{seq}.{ext}', 'by_day', fields)).toBe('2026-05-12/0001.heic');
    expect(examplePath('{seq}.{ext}', 'by_day', { ...fields, date: '' })).toBe('undated/0001.heic');
    expect(examplePath('{x}', 'by_day', fields)).toBeNull();
  });

  it('keeps a guest’s name from adding folders or hidden characters', () => {
    const fields = nameFields({ ...item, uploader: '../../etc/\u202Epasswd' }, 1);
    const name = renderName('{uploader}_{seq}.{ext}', fields)!;
    expect(name).not.toContain('/');
    expect(name).not.toContain('\u202E');
    expect(name).toBe('.._.._etc_passwd_0001.heic');
    expect(renderName(DEFAULT_TEMPLATE, { ...SAMPLE_FIELDS, uploader: '../../etc/CON\u202E' })).toBe(
      '2026-06-20_18-42-07_.._.._etc_CON_0001.jpg',
    );
    expect(safeComponent(' .. ', 'x')).toBe('x');
    expect(safeComponent('a<b>:c?.', 'x')).toBe('a_b__c_');
  });

  it('has no example for a template with a problem', () => {
    expect(renderName('{camera}', SAMPLE_FIELDS)).toBeNull();
  });

  it('asks for the first item of the selection', () => {
    const collections = [collection(4, 1, 'Best of'), collection(5, 1, 'Speeches')];
    expect(exampleQuery(form(), collections)).toEqual({ limit: 1 });
    expect(exampleQuery(form({ selection: 'approved' }), collections)).toEqual({ limit: 1, status: 'approved' });
    expect(exampleQuery(form({ selection: 'picked' }), collections)).toEqual({ limit: 1, flag: 'picked' });
    expect(exampleQuery(form({ selection: 'favorites' }), collections)).toEqual({ limit: 1, favorite: true });
    expect(exampleQuery(form({ selection: 'collection', collection: 'Speeches' }), collections)).toEqual({
      limit: 1,
      collection: 5,
      sort: 'manual',
    });
    expect(exampleQuery(form({ selection: 'collection', collection: '' }), collections)).toBeNull();
  });
});

describe('the destination', () => {
  it('is a ZIP file when the path ends in .zip, in any case, else a folder', () => {
    expect(destinationKind('/backup/wedding.zip')).toBe('zip');
    expect(destinationKind('C:\\Backup\\Wedding.ZIP')).toBe('zip');
    expect(destinationKind('/backup/Wedding')).toBe('folder');
    expect(destinationKind('/backup/zip')).toBe('folder');
  });

  it('adds .zip to a save dialog’s name that lacks it', () => {
    expect(withZipExtension('/backup/wedding')).toBe('/backup/wedding.zip');
    expect(withZipExtension('/backup/wedding.Zip')).toBe('/backup/wedding.Zip');
    expect(defaultZipName('Mia & Sam: 12/05')).toBe('Mia & Sam_ 12_05.zip');
  });

  it('is the chosen folder or ZIP file, whichever kind is selected', () => {
    const both = form({ folder: '/backup/Wedding', zip: '/backup/wedding.zip' });
    expect(destinationOf(both)).toBe('/backup/Wedding');
    expect(destinationOf({ ...both, destinationKind: 'zip' })).toBe('/backup/wedding.zip');
    expect(destinationOf(form({ destinationKind: 'zip', zip: '' }))).toBe('');
  });

  it('must be chosen, and a folder must not look like a ZIP file', () => {
    expect(validate(form({ folder: '' })).destination).toBe('Choose the folder to export into.');
    expect(validate(form({ destinationKind: 'zip' })).destination).toBe('Choose where to save the ZIP file.');
    expect(validate(form({ folder: '/backup/old.zip' })).destination).toContain('would be written as a ZIP file');
    expect(validate(form())).toEqual({});
  });
});

describe('the request', () => {
  it('defaults to everything, flat, with the gallery, the default template sent as null', () => {
    expect(requestOf(form(), 3)).toEqual({
      ok: true,
      request: exportRequest({ event: '3' }),
    });
  });

  it('carries every option as chosen', () => {
    const result = requestOf(
      form({
        selection: 'collection',
        collection: 'Best of',
        template: '{id}.{ext}',
        layout: 'by_uploader',
        stripLocation: true,
        gallery: false,
        destinationKind: 'zip',
        zip: '/backup/best',
      }),
      3,
    );
    expect(result).toEqual({
      ok: true,
      request: {
        event: '3',
        to: '/backup/best.zip',
        only: { kind: 'collection', name: 'Best of' },
        template: '{id}.{ext}',
        layout: 'by_uploader',
        strip_location: true,
        gallery: false,
      },
    });
  });

  it('names each selection and layout as the backend does', () => {
    for (const selection of ['all', 'approved', 'picked', 'favorites'] as const) {
      const result = requestOf(form({ selection }), 1);
      expect(result.ok && result.request.only).toEqual({ kind: selection });
    }
    for (const layout of ['flat', 'by_uploader', 'by_day'] as const) {
      const result = requestOf(form({ layout }), 1);
      expect(result.ok && result.request.layout).toBe(layout);
    }
  });

  it('is refused with every problem in words', () => {
    expect(requestOf(form({ selection: 'collection', template: '{x}', folder: '' }), 1)).toEqual({
      ok: false,
      errors: {
        template: '{x} is not a placeholder. Use {date} {time} {uploader} {seq} {ext} {original} {id}.',
        collection: 'Choose the collection to export.',
        destination: 'Choose the folder to export into.',
      },
    });
  });
});
