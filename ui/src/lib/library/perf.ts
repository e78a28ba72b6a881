/**
 * Performance marks the benchmark reads in the real window (never asserted in
 * tests): `klikt:open` (event opened → first tiles painted), and per keyboard
 * decision `klikt:commit` (the IPC call) and `klikt:key-to-visible` (keydown →
 * updated tile painted). Only the last measures of each name are kept, so
 * thousands of decisions do not grow memory.
 */

/** Measures kept per name (the bench reads them with getEntriesByName). */
export const KEEP = 500;

const perf = (): Performance | null =>
  typeof performance !== 'undefined' && typeof performance.mark === 'function' ? performance : null;


/** Replaces the mark `name` (one of each is enough: measures use timestamps). */
export function mark(name: string): number {
  const p = perf();
  if (!p) return 0;
  p.clearMarks(name);
  p.mark(name);
  return p.now();
}

export function now(): number {
  return perf()?.now() ?? 0;
}

/** Records the measure `name` from `start` to `end` (timestamps), keeping the last KEEP. */
export function measure(name: string, start: number, end: number = now()): void {
  const p = perf();
  if (!p || typeof p.measure !== 'function') return;
  try {
    p.measure(name, { start, end });
    trim(p, name);
  } catch {
    // An engine without User Timing L3 options: the bench cannot run there anyway.
  }
}

/** Measures between two marks by name (open). */
export function measureMarks(name: string, startMark: string, endMark: string): void {
  const p = perf();
  if (!p) return;
  try {
    p.clearMarks(endMark);
    p.mark(endMark);
    p.measure(name, startMark, endMark);
    trim(p, name);
  } catch {
    // The start mark was cleared (another event opened meanwhile): nothing to measure.
  }
}

function trim(p: Performance, name: string): void {
  const entries = p.getEntriesByName(name, 'measure');
  // Trim in batches, not on every decision: re-recording 500 entries is the cost.
  if (entries.length <= KEEP * 2) return;
  const keep = entries.slice(-KEEP).map((e) => ({ start: e.startTime, end: e.startTime + e.duration }));
  p.clearMeasures(name);
  for (const { start, end } of keep) p.measure(name, { start, end });
}
