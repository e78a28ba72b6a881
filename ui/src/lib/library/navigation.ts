/**
 * Where the current item goes: arrow keys over the grid's rows and columns,
 * and auto-advance after a decision. Pure functions over the ordered ids.
 */

export type Direction = 'left' | 'right' | 'up' | 'down';

/** The id `delta` places from `current`, clamped to the list; the first id when there is none. */
export function step(ids: readonly number[], current: number | null, delta: number): number | null {
  if (ids.length === 0) return null;
  const index = current === null ? -1 : ids.indexOf(current);
  if (index === -1) return ids[0] ?? null;
  const next = Math.min(ids.length - 1, Math.max(0, index + delta));
  return ids[next] ?? null;
}

/** Arrow keys: left/right by one, up/down by a row of `columns`. */
export function move(
  ids: readonly number[],
  current: number | null,
  direction: Direction,
  columns: number,
): number | null {
  const row = Math.max(1, Math.floor(columns));
  if (ids.length === 0) return null;
  const index = current === null ? -1 : ids.indexOf(current);
  if (index === -1) return ids[0] ?? null;
  switch (direction) {
    case 'left':
      return step(ids, current, -1);
    case 'right':
      return step(ids, current, 1);
    case 'up':
      // The top row has nowhere to go up: stay, as file managers do.
      return index - row >= 0 ? (ids[index - row] ?? null) : current;
    case 'down':
      // Below a short last row, land on the last item.
      return index + row < ids.length ? (ids[index + row] ?? null) : (ids[ids.length - 1] ?? null);
  }
}

/**
 * The current item after a decision on `decided`: the next one when
 * auto-advance is on and the decision was on the current item; the last item
 * stays current.
 */
export function afterDecision(
  ids: readonly number[],
  current: number | null,
  decided: readonly number[],
  autoAdvance: boolean,
): number | null {
  if (!autoAdvance || current === null) return current;
  if (decided.length !== 1 || decided[0] !== current) return current;
  return step(ids, current, 1);
}
