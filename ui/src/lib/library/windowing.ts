/**
 * Windowed rendering for the thumbnail grid: which tiles to put in the DOM for
 * a scroll position, so an event of 10,000 photos renders a few screens of
 * tiles instead of 10,000 nodes. Pure functions; the grid component only
 * measures and applies them.
 */

export interface GridOptions {
  /** Smallest tile width in px; the grid adds columns as soon as they fit. */
  minTileWidth: number;
  /** Space between tiles, both ways, in px. */
  gap: number;
  /** Height of the file-name line under each image, in px. */
  captionHeight: number;
}

export interface GridMetrics {
  columns: number;
  /** Width (and image height: tiles are square) of one tile, in px. */
  tileSize: number;
  /** Distance from one row's top to the next row's top, in px. */
  rowPitch: number;
  gap: number;
}

export interface VisibleRange {
  /** Index of the first item to render. */
  start: number;
  /** One past the last item to render. */
  end: number;
  /** Where the first rendered row starts, from the top of the content, in px. */
  offsetTop: number;
  /** Height of all rows together, in px, so the scrollbar reflects every item. */
  totalHeight: number;
}

/** Lays out `width` px of content into as many columns of at least `minTileWidth` as fit. */
export function gridMetrics(width: number, options: GridOptions): GridMetrics {
  const { minTileWidth, gap, captionHeight } = options;
  const usable = Math.max(0, width);
  const columns = Math.max(1, Math.floor((usable + gap) / (minTileWidth + gap)));
  const tileSize = Math.max(0, (usable - gap * (columns - 1)) / columns);
  return { columns, tileSize, rowPitch: tileSize + captionHeight + gap, gap };
}

/**
 * The items to render for a viewport of `viewportHeight` px scrolled
 * `scrollTop` px into the content, plus `overscanRows` rows either side so
 * fast scrolling does not show blank space.
 */
export function visibleRange(
  itemCount: number,
  metrics: GridMetrics,
  scrollTop: number,
  viewportHeight: number,
  overscanRows = 2,
): VisibleRange {
  const count = Math.max(0, Math.floor(itemCount));
  const rows = Math.ceil(count / metrics.columns);
  if (rows === 0 || metrics.rowPitch <= 0) {
    return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  }
  const totalHeight = rows * metrics.rowPitch - metrics.gap;
  const top = Math.max(0, scrollTop);
  const bottom = top + Math.max(0, viewportHeight);
  const firstRow = clamp(Math.floor(top / metrics.rowPitch) - overscanRows, 0, rows - 1);
  const endRow = clamp(Math.ceil(bottom / metrics.rowPitch) + overscanRows, firstRow + 1, rows);
  return {
    start: firstRow * metrics.columns,
    end: Math.min(count, endRow * metrics.columns),
    offsetTop: firstRow * metrics.rowPitch,
    totalHeight,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
