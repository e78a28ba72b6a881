import { describe, expect, it } from 'vitest';

import { baseName, IMPORT_EXTENSIONS } from './platform';

describe('baseName', () => {
  it('is the folder’s own name, on any system', () => {
    expect(baseName('/home/me/Pictures/Wedding')).toBe('Wedding');
    expect(baseName('/media/card/Summer party/')).toBe('Summer party');
    expect(baseName('C:\\Users\\me\\Photos\\Fête')).toBe('Fête');
    expect(baseName('/')).toBe('');
  });
});

describe('IMPORT_EXTENSIONS', () => {
  it('offers photos, videos and ZIP archives, without dots', () => {
    for (const ext of ['jpg', 'heic', 'mp4', 'mov', 'zip']) expect(IMPORT_EXTENSIONS).toContain(ext);
    expect(IMPORT_EXTENSIONS.every((ext) => !ext.startsWith('.') && ext === ext.toLowerCase())).toBe(true);
  });
});
