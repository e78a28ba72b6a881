/** Which event the window shows as the event list changes, and across restarts. */

import type { EventSummary } from './bindings/EventSummary';
import { safeStorage } from './storage';

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

const LAST_EVENT_KEY = 'klikt.lastEvent';

/** The event that was open when the window last closed, if the webview kept it. */
export function rememberedEvent(storage: Pick<Storage, 'getItem'> | null = safeStorage()): number | null {
  const value = Number(storage?.getItem(LAST_EVENT_KEY) ?? Number.NaN);
  return Number.isInteger(value) ? value : null;
}

/** Remembers the open event for the next start (nothing when storage is unavailable). */
export function rememberEvent(
  id: number | null,
  storage: Pick<Storage, 'setItem' | 'removeItem'> | null = safeStorage(),
): void {
  try {
    if (id === null) storage?.removeItem(LAST_EVENT_KEY);
    else storage?.setItem(LAST_EVENT_KEY, String(id));
  } catch {
    // Private mode or a full quota: the next start opens the newest event.
  }
}
