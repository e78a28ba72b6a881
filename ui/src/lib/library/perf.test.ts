import { afterEach, describe, expect, it } from 'vitest';

import { KEEP, measure } from './perf';

afterEach(() => performance.clearMeasures('klikt:test'));

describe('perf measures', () => {
  it('keep only the most recent measures of a name, so thousands of decisions do not grow memory', () => {
    for (let i = 0; i < KEEP * 2 + 1; i += 1) measure('klikt:test', i, i + 1);

    const kept = performance.getEntriesByName('klikt:test', 'measure');
    expect(kept.length).toBeGreaterThanOrEqual(KEEP);
    expect(kept.length).toBeLessThanOrEqual(KEEP * 2);
    expect(kept.at(-1)?.startTime).toBe(KEEP * 2);
    expect(kept[0]?.startTime).toBe(KEEP * 2 + 1 - kept.length);
  });
});
