import { describe, expect, it } from 'vitest';

import {
  EMPTY_SELECTION,
  clearSelection,
  click,
  moveTo,
  prune,
  selectAll,
  targets,
  type Selection,
} from './selection';

const ids = [10, 11, 12, 13, 14, 15];
const selected = (s: Selection) => [...s.selected].sort((a, b) => a - b);

describe('selection', () => {
  it('selects one item and makes it current on a plain click', () => {
    const s = click(EMPTY_SELECTION, ids, 12);
    expect(selected(s)).toEqual([12]);
    expect(s.current).toBe(12);
  });

  it('selects the range from the last click on shift+click, either way', () => {
    const down = click(click(EMPTY_SELECTION, ids, 11), ids, 14, { range: true });
    expect(selected(down)).toEqual([11, 12, 13, 14]);
    expect(down.current).toBe(14);
    const up = click(click(EMPTY_SELECTION, ids, 14), ids, 11, { range: true });
    expect(selected(up)).toEqual([11, 12, 13, 14]);
  });

  it('re-anchors nothing on shift+click, so a second shift+click changes the same range', () => {
    let s = click(EMPTY_SELECTION, ids, 12);
    s = click(s, ids, 15, { range: true });
    s = click(s, ids, 10, { range: true });
    expect(selected(s)).toEqual([10, 11, 12]);
  });

  it('toggles items in and out on ctrl/cmd+click, keeping the lone current one', () => {
    let s = click(EMPTY_SELECTION, ids, 10);
    s = click(s, ids, 13, { toggle: true });
    expect(selected(s)).toEqual([10, 13]);
    s = click(s, ids, 10, { toggle: true });
    expect(selected(s)).toEqual([13]);
    s = clearSelection(s);
    s = click(s, ids, 15, { toggle: true });
    expect(selected(s)).toEqual([13, 15]);
  });

  it('adds a shift range to the selection with ctrl held too', () => {
    let s = click(EMPTY_SELECTION, ids, 10);
    s = click(s, ids, 14, { toggle: true });
    s = click(s, ids, 15, { range: true, toggle: true });
    expect(selected(s)).toEqual([10, 14, 15]);
  });

  it('selects every id on select-all and keeps the current item', () => {
    const s = selectAll(click(EMPTY_SELECTION, ids, 13), ids);
    expect(selected(s)).toEqual(ids);
    expect(s.current).toBe(13);
  });

  it('clears the selection on Esc but keeps the current item', () => {
    const s = clearSelection(selectAll(click(EMPTY_SELECTION, ids, 13), ids));
    expect(s.selected.size).toBe(0);
    expect(s.current).toBe(13);
  });

  it('moves the single selection with the arrows, or extends it with shift', () => {
    let s = moveTo(click(EMPTY_SELECTION, ids, 11), ids, 12);
    expect(selected(s)).toEqual([12]);
    s = moveTo(s, ids, 13, true);
    s = moveTo(s, ids, 14, true);
    expect(selected(s)).toEqual([12, 13, 14]);
    expect(s.current).toBe(14);
  });

  it('aims a decision at the selection in list order when several are selected, else at the current item', () => {
    let s = click(EMPTY_SELECTION, ids, 14);
    expect(targets(s, ids)).toEqual([14]);
    s = click(s, ids, 11, { toggle: true });
    expect(targets(s, ids)).toEqual([11, 14]);
    expect(targets(clearSelection(s), ids)).toEqual([11]);
    expect(targets(EMPTY_SELECTION, ids)).toEqual([]);
  });

  it('forgets ids that left the listing', () => {
    const s = prune(selectAll(click(EMPTY_SELECTION, ids, 15), ids), [10, 11]);
    expect(selected(s)).toEqual([10, 11]);
    expect(s.current).toBeNull();
  });
});
