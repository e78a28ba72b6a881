import { describe, expect, it } from 'vitest';

import { afterDecision, move, step } from './navigation';

const ids = [1, 2, 3, 4, 5, 6, 7];

describe('move', () => {
  it('goes left and right by one, clamped to the list', () => {
    expect(move(ids, 3, 'right', 3)).toBe(4);
    expect(move(ids, 3, 'left', 3)).toBe(2);
    expect(move(ids, 1, 'left', 3)).toBe(1);
    expect(move(ids, 7, 'right', 3)).toBe(7);
  });

  it('goes up and down by a row of the grid', () => {
    expect(move(ids, 2, 'down', 3)).toBe(5);
    expect(move(ids, 5, 'up', 3)).toBe(2);
  });

  it('stays on the top row going up, and lands on the last item below a short last row', () => {
    expect(move(ids, 2, 'up', 3)).toBe(2);
    expect(move(ids, 6, 'down', 3)).toBe(7);
  });

  it('starts at the first item when there is no current one', () => {
    expect(move(ids, null, 'down', 3)).toBe(1);
    expect(move([], null, 'down', 3)).toBeNull();
  });
});

describe('auto-advance', () => {
  it('moves to the next item after a decision on the current one', () => {
    expect(afterDecision(ids, 3, [3], true)).toBe(4);
  });

  it('stays put when auto-advance is off', () => {
    expect(afterDecision(ids, 3, [3], false)).toBe(3);
  });

  it('stays put after a decision on a selection of several', () => {
    expect(afterDecision(ids, 3, [3, 4], true)).toBe(3);
  });

  it('stays on the last item', () => {
    expect(afterDecision(ids, 7, [7], true)).toBe(7);
    expect(step(ids, 7, 1)).toBe(7);
  });
});
