import { describe, expect, it } from 'vitest';

import { fractionDone, phaseWord, rateAndEta, timeLeft, transferRate } from './progress';

const p = (done: number, total: number, bytes_done: number, bytes_total: number, elapsed_ms: number) => ({
  done,
  total,
  bytes_done,
  bytes_total,
  elapsed_ms,
});

describe('fractionDone', () => {
  it('goes by bytes when the byte total is known, else by items', () => {
    expect(fractionDone(p(1, 10, 50, 100, 1000))).toBe(0.5);
    expect(fractionDone(p(3, 12, 0, 0, 1000))).toBe(0.25);
  });

  it('is unknown before the total is (an indeterminate bar)', () => {
    expect(fractionDone(p(5, 0, 0, 0, 1000))).toBeNull();
  });
});

describe('transferRate', () => {
  it('is bytes per second so far', () => {
    expect(transferRate({ bytes_done: 24_800_000, elapsed_ms: 2000 })).toBe(12_400_000);
  });

  it('is unknown before anything moved', () => {
    expect(transferRate({ bytes_done: 0, elapsed_ms: 2000 })).toBeNull();
    expect(transferRate({ bytes_done: 10, elapsed_ms: 0 })).toBeNull();
  });
});

describe('timeLeft', () => {
  it('extrapolates the pace so far, by bytes or by items', () => {
    expect(timeLeft(p(1, 4, 25, 100, 10_000))).toBe(30_000);
    expect(timeLeft(p(10, 40, 0, 0, 5_000))).toBe(15_000);
  });

  it('is unknown without a pace', () => {
    expect(timeLeft(p(0, 40, 0, 0, 5_000))).toBeNull();
    expect(timeLeft(p(0, 0, 0, 0, 0))).toBeNull();
  });
});

describe('rateAndEta', () => {
  it('reads as rate and time left in either language', () => {
    const halfway = p(5, 10, 62_000_000, 124_000_000, 5_000);
    expect(rateAndEta(halfway, 'en')).toBe('12 MB/s · 5 s left');
    expect(rateAndEta(p(5, 10, 62_000_000, 124_000_000, 60_000), 'en')).toBe('1.0 MB/s · 1 min left');
    expect(rateAndEta(halfway, 'fr')).toBe('12 Mo/s · encore 5 s');
  });

  it('shows what is known and nothing else', () => {
    expect(rateAndEta(p(10, 40, 0, 0, 5_000), 'en')).toBe('15 s left');
    expect(rateAndEta(p(0, 0, 0, 0, 0), 'en')).toBe('');
    expect(rateAndEta(p(10, 10, 100, 100, 5_000), 'en')).toBe('20 bytes/s');
  });
});

describe('phaseWord', () => {
  it('says files are imported by an import and copied by an export or an archive', () => {
    expect(phaseWord('import', 'files', 'en')).toBe('Importing files');
    expect(phaseWord('export', 'files', 'en')).toBe('Copying files');
    expect(phaseWord('archive', 'files', 'fr')).toBe('Copie des fichiers');
  });

  it('names an archive’s pull and its check, and leaves an unknown phase as it came', () => {
    expect(phaseWord('archive', 'changes', 'en')).toBe('Reading changes');
    expect(phaseWord('archive', 'originals', 'en')).toBe('Downloading originals');
    expect(phaseWord('archive', 'verify', 'en')).toBe('Verifying the copy');
    expect(phaseWord('export', 'gallery', 'en')).toBe('gallery');
  });
});
