/**
 * The event list's rows: the library's local events merged with the
 * signed-in account's events on the server. A remote event already pulled
 * (its `local_id`, or a local event carrying its `remote_id`) joins that
 * local event's row; the others get a row of their own, to pull.
 */

import type { EventSummary } from '../bindings/EventSummary';
import type { RemoteEventSummary } from '../bindings/RemoteEventSummary';

export type EventRow =
  | {
      kind: 'local';
      event: EventSummary;
      /** The server's view of it, when signed in and listed there. */
      remote: RemoteEventSummary | null;
      /** When uploads close (the album turns read-only; it can still be pulled). */
      expiresAt: string | null;
      /**
       * When the server deletes the event and its originals: what expiry
       * warnings and archiving count down to. Both dates are the server's
       * when it is listed there, else the library's.
       */
      deletesAt: string | null;
    }
  | { kind: 'remote'; remote: RemoteEventSummary; expiresAt: string | null; deletesAt: string | null };

/** Local events first, in the library's order (newest first), then events still on the server only. */
export function mergeEvents(
  local: readonly EventSummary[],
  remote: readonly RemoteEventSummary[],
): EventRow[] {
  const linked = new Set<RemoteEventSummary>();
  const rows: EventRow[] = local.map((event) => {
    const match =
      remote.find((r) => r.local_id === event.id) ??
      (event.remote_id !== null ? remote.find((r) => r.remote_id === event.remote_id) : undefined) ??
      null;
    if (match) linked.add(match);
    return {
      kind: 'local',
      event,
      remote: match,
      expiresAt: match?.expires_at ?? event.expires_at,
      deletesAt: match?.backup_until ?? event.backup_until,
    };
  });
  for (const r of remote) {
    if (!linked.has(r)) rows.push({ kind: 'remote', remote: r, expiresAt: r.expires_at, deletesAt: r.backup_until });
  }
  return rows;
}
