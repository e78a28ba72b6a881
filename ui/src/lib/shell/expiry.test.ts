import { describe, expect, it } from 'vitest';

import { expiryWarning } from './expiry';

const now = new Date('2026-06-01T12:00:00Z');
const after = (ms: number) => new Date(now.getTime() + ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('expiryWarning', () => {
  it('stays quiet while more than 14 days are left', () => {
    expect(expiryWarning(after(40 * DAY), now, 'en')).toEqual({ level: 'none', relative: 'in 40 days' });
    expect(expiryWarning(after(14 * DAY + HOUR), now, 'en').level).toBe('none');
  });

  it('warns at 14, 7 and 1 days left', () => {
    expect(expiryWarning(after(14 * DAY), now, 'en').level).toBe('14');
    expect(expiryWarning(after(8 * DAY), now, 'en').level).toBe('14');
    expect(expiryWarning(after(7 * DAY), now, 'en').level).toBe('7');
    expect(expiryWarning(after(5 * DAY + HOUR), now, 'en')).toEqual({ level: '7', relative: 'in 5 days' });
    expect(expiryWarning(after(DAY), now, 'en')).toEqual({ level: '1', relative: 'tomorrow' });
    expect(expiryWarning(after(3 * HOUR), now, 'en')).toEqual({ level: '1', relative: 'in 3 hours' });
  });

  it('says expired once the end has passed', () => {
    expect(expiryWarning(after(-2 * DAY), now, 'en')).toEqual({ level: 'expired', relative: '2 days ago' });
    expect(expiryWarning(now.toISOString(), now, 'en').level).toBe('expired');
  });

  it('speaks French', () => {
    expect(expiryWarning(after(5 * DAY + HOUR), now, 'fr').relative).toBe('dans 5 jours');
    expect(expiryWarning(after(-DAY), now, 'fr').relative).toBe('hier');
  });

  it('has nothing to say without a date, or with one that does not parse', () => {
    expect(expiryWarning(null, now, 'en')).toEqual({ level: 'none', relative: '' });
    expect(expiryWarning('soon', now, 'en')).toEqual({ level: 'none', relative: '' });
  });
});
