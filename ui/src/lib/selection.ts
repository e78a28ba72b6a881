/** Which event the window shows as the event list changes. */

import type { EventSummary } from './bindings/EventSummary';

/**
 * Keeps the current event when it still exists (a refresh must not jump
 * elsewhere), else falls back to the first one (the list is newest first).
 */
export function pickEvent(
  events: readonly EventSummary[],
  currentId: number | null,
): EventSummary | null {
  return events.find((event) => event.id === currentId) ?? events[0] ?? null;
}

/** The event `step` places away from `currentId`, clamped to the list (arrow keys). */
export function stepEvent(
  events: readonly EventSummary[],
  currentId: number | null,
  step: number,
): EventSummary | null {
  if (events.length === 0) return null;
  const index = events.findIndex((event) => event.id === currentId);
  if (index === -1) return events[0] ?? null;
  const next = Math.min(events.length - 1, Math.max(0, index + step));
  return events[next] ?? null;
}
