/** Dragging tiles: onto a collection in the sidebar, or within a collection's order. */

/** The data type of dragged tiles: a JSON array of media ids. */
export const DRAG_TYPE = 'application/x-klikt-media';

/** The ids carried by a drag, or null when it carries no tiles. */
export function draggedIds(data: DataTransfer | null): number[] | null {
  const raw = data?.getData(DRAG_TYPE);
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.every((n) => Number.isInteger(n)) ? (parsed as number[]) : null;
  } catch {
    return null;
  }
}

/** Whether a drag carries tiles (during dragover only the types are readable). */
export function carriesTiles(data: DataTransfer | null): boolean {
  return Boolean(data && Array.from(data.types).includes(DRAG_TYPE));
}
