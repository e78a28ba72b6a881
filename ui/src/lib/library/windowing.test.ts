import { describe, expect, it } from 'vitest';

import { gridMetrics, visibleRange, type GridOptions } from './windowing';

const OPTIONS: GridOptions = { minTileWidth: 160, gap: 10, captionHeight: 20 };

describe('gridMetrics', () => {
  it('fits as many columns of at least the minimum width as the width allows', () => {
    // 5 tiles of 160 + 4 gaps of 10 = 840: exactly five columns.
    expect(gridMetrics(840, OPTIONS).columns).toBe(5);
    expect(gridMetrics(839, OPTIONS).columns).toBe(4);
  });

  it('stretches tiles to fill the row', () => {
    const metrics = gridMetrics(1000, OPTIONS);
    const rowWidth = metrics.columns * metrics.tileSize + (metrics.columns - 1) * OPTIONS.gap;
    expect(rowWidth).toBeCloseTo(1000);
    expect(metrics.tileSize).toBeGreaterThanOrEqual(OPTIONS.minTileWidth);
  });

  it('keeps one column when the window is narrower than a tile, or not measured yet', () => {
    expect(gridMetrics(100, OPTIONS).columns).toBe(1);
    expect(gridMetrics(0, OPTIONS)).toMatchObject({ columns: 1, tileSize: 0 });
    expect(gridMetrics(-48, OPTIONS)).toMatchObject({ columns: 1, tileSize: 0 });
  });

  it('puts square images, the caption and the gap in one row pitch', () => {
    const metrics = gridMetrics(840, OPTIONS);
    expect(metrics.rowPitch).toBe(160 + 20 + 10);
  });
});

describe('visibleRange', () => {
  const metrics = gridMetrics(840, OPTIONS); // 5 columns, 190 px rows

  it('renders a few screens of tiles, not all 10,000', () => {
    const range = visibleRange(10_000, metrics, 0, 800);
    expect(range.start).toBe(0);
    // ceil(800 / 190) = 5 rows on screen + 2 overscan rows = 7 rows of 5.
    expect(range.end).toBe(35);
  });

  it('sizes the content for every row so the scrollbar is honest', () => {
    const range = visibleRange(10_000, metrics, 0, 800);
    expect(range.totalHeight).toBe(2000 * 190 - 10);
  });

  it('follows the scroll position, with overscan rows above and below', () => {
    const range = visibleRange(10_000, metrics, 190 * 100, 800);
    expect(range.start).toBe(98 * 5);
    expect(range.end).toBe(107 * 5);
    expect(range.offsetTop).toBe(98 * 190);
  });

  it('renders the last, partial row at the bottom', () => {
    const range = visibleRange(10_003, metrics, 1e9, 800);
    expect(range.end).toBe(10_003);
    expect(range.start).toBeLessThan(10_003);
    expect(range.start % metrics.columns).toBe(0);
  });

  it('renders everything for a small event', () => {
    expect(visibleRange(12, metrics, 0, 800)).toMatchObject({ start: 0, end: 12 });
  });

  it('renders nothing for an empty event', () => {
    expect(visibleRange(0, metrics, 0, 800)).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
  });

  it('treats a negative scroll (padding above the grid) as the top', () => {
    expect(visibleRange(100, metrics, -24, 800)).toMatchObject({ start: 0, offsetTop: 0 });
  });

  it('still renders the first rows before the viewport is measured', () => {
    const range = visibleRange(10_000, metrics, 0, 0);
    expect(range.end).toBeGreaterThan(0);
    expect(range.end).toBeLessThanOrEqual(3 * metrics.columns);
  });
});
