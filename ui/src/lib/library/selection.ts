/**
 * Which tiles are selected and which one is current, over the ordered list of
 * matching ids (from `mediaIds`, so select-all and shift-ranges work on
 * 10,000 items without loading them). Pure: every function returns a new
 * state.
 *
 * The current item is where the keyboard acts; the selection is what bulk
 * actions act on. A key decision applies to the selection when more than one
 * item is selected, else to the current item.
 */

export interface Selection {
  readonly selected: ReadonlySet<number>;
  /** Where a shift-range starts. */
  readonly anchor: number | null;
  readonly current: number | null;
}

export const EMPTY_SELECTION: Selection = Object.freeze({
  selected: new Set<number>(),
  anchor: null,
  current: null,
});

export interface ClickModifiers {
  /** Shift: select from the anchor to here. */
  range?: boolean;
  /** Ctrl/Cmd: add or remove this one. */
  toggle?: boolean;
}

/** A click on `id` (plain, shift or ctrl/cmd). */
export function click(
  state: Selection,
  ids: readonly number[],
  id: number,
  modifiers: ClickModifiers = {},
): Selection {
  if (modifiers.range && state.anchor !== null) {
    const range = between(ids, state.anchor, id);
    if (range) {
      const selected = modifiers.toggle ? new Set(state.selected) : new Set<number>();
      for (const each of range) selected.add(each);
      return { selected, anchor: state.anchor, current: id };
    }
  }
  if (modifiers.toggle) {
    const selected = new Set(state.selected);
    // A lone current item counts as selected, so ctrl+click adds to it.
    if (selected.size === 0 && state.current !== null && state.current !== id) {
      selected.add(state.current);
    }
    if (selected.has(id)) {
      selected.delete(id);
      // The keyboard stays on a selected item rather than on one just let go.
      const last = [...selected].pop();
      return { selected, anchor: id, current: last ?? id };
    }
    selected.add(id);
    return { selected, anchor: id, current: id };
  }
  return { selected: new Set([id]), anchor: id, current: id };
}

/** Moves the current item (arrow keys); with `extend` (shift) the range grows from the anchor. */
export function moveTo(
  state: Selection,
  ids: readonly number[],
  id: number,
  extend = false,
): Selection {
  if (extend) {
    const anchor = state.anchor ?? state.current ?? id;
    return click({ ...state, anchor }, ids, id, { range: true });
  }
  return { selected: new Set([id]), anchor: id, current: id };
}

/** Ctrl+A. */
export function selectAll(state: Selection, ids: readonly number[]): Selection {
  return {
    selected: new Set(ids),
    anchor: state.anchor ?? ids[0] ?? null,
    current: state.current ?? ids[0] ?? null,
  };
}

/** Esc: nothing selected; the current item stays where the keyboard is. */
export function clearSelection(state: Selection): Selection {
  return { selected: new Set(), anchor: state.current, current: state.current };
}

/**
 * The ids a decision applies to, in list order: the selection when it holds
 * more than one item, else the current item.
 */
export function targets(state: Selection, ids: readonly number[]): number[] {
  if (state.selected.size > 1) {
    return ids.filter((id) => state.selected.has(id));
  }
  if (state.current !== null) return [state.current];
  const [only] = state.selected;
  return only === undefined ? [] : [only];
}

/** Forgets ids that left the listing (filters changed, list reloaded). */
export function prune(state: Selection, ids: readonly number[]): Selection {
  const present = new Set(ids);
  const selected = new Set([...state.selected].filter((id) => present.has(id)));
  const keep = (id: number | null) => (id !== null && present.has(id) ? id : null);
  return { selected, anchor: keep(state.anchor), current: keep(state.current) };
}

function between(ids: readonly number[], from: number, to: number): number[] | null {
  const a = ids.indexOf(from);
  const b = ids.indexOf(to);
  if (a === -1 || b === -1) return null;
  return ids.slice(Math.min(a, b), Math.max(a, b) + 1);
}
