/**
 * An in-memory `KliktApi` for component tests: a few hundred media items,
 * guest messages, collections and an undo log, with the backend's rules that
 * the library view relies on (filters, orders, trash, restore, undo). Every
 * call is recorded in `calls`; `fail` makes the next call of a command reject
 * and `delay` slows calls down to test ordering.
 */

import type { KliktApi } from '../../api';
import type { CollectionSummary } from '../../bindings/CollectionSummary';
import type { Curation } from '../../bindings/Curation';
import type { DecisionReport } from '../../bindings/DecisionReport';
import type { EventSummary } from '../../bindings/EventSummary';
import type { IpcError } from '../../bindings/IpcError';
import type { LogEntry } from '../../bindings/LogEntry';
import type { MediaItem } from '../../bindings/MediaItem';
import type { MediaQuery } from '../../bindings/MediaQuery';
import type { MessageItem } from '../../bindings/MessageItem';
import type { Moderation } from '../../bindings/Moderation';
import type { Position } from '../../bindings/Position';
import type { Status } from '../../bindings/Status';

export interface Call {
  command: string;
  args: unknown[];
}

export interface FakeOptions {
  /** Media items in event 1 (ids 1..count). */
  count?: number;
  /** Changes to individual items, by id. */
  overrides?: Record<number, Partial<MediaItem>>;
  messages?: MessageItem[];
}

export interface Fake {
  api: KliktApi;
  items: Map<number, MediaItem>;
  messages: MessageItem[];
  collections: Map<number, { summary: CollectionSummary; ids: number[] }>;
  calls: Call[];
  /** Calls of one command. */
  callsOf(command: keyof KliktApi): unknown[][];
  /** The next call of `command` rejects with `error`. */
  fail(command: keyof KliktApi, error: IpcError): void;
  /** Milliseconds each call of `command` waits, from its arguments. */
  delay: Partial<Record<keyof KliktApi, (...args: unknown[]) => number>>;
}

export function fakeEvent(overrides: Partial<EventSummary> = {}): EventSummary {
  return {
    id: 1,
    name: 'Wedding',
    remote_id: null,
    created_at: '2026-05-12T10:00:00Z',
    media_count: 0,
    pending_count: 0,
    total_bytes: 0,
    server_state: 'active',
    expires_at: null,
    last_pulled_at: null,
    backup_until: null,
    ...overrides,
  };
}

export function fakeItem(id: number, overrides: Partial<MediaItem> = {}): MediaItem {
  const minute = String(id % 60).padStart(2, '0');
  const hour = String(10 + Math.floor(id / 60) % 12).padStart(2, '0');
  return {
    id,
    event_id: 1,
    remote_id: null,
    kind: 'photo',
    mime: 'image/jpeg',
    original_name: `IMG_${id}.jpg`,
    uploader: id % 3 === 0 ? 'Chloé' : 'Sam',
    caption: null,
    uploaded_at: `2026-05-12T${hour}:${minute}:30Z`,
    captured_at: `2026-05-12T${hour}:${minute}:00Z`,
    imported_at: '2026-05-12T20:00:00Z',
    width: 4000,
    height: 3000,
    orientation: 1,
    camera_make: 'Fujifilm',
    camera_model: 'X-T5',
    gps_lat: null,
    gps_lon: null,
    size: 2_400_000,
    sha256: 'ab'.repeat(32),
    status: 'pending',
    flag: 'none',
    rating: 0,
    favorite: false,
    preview: 'ready',
    original_path: `/lib/${id}.jpg`,
    thumbnail_path: `/lib/${id}.thumb.jpg`,
    display_path: `/lib/${id}.display.jpg`,
    ...overrides,
  };
}

export function createFake(options: FakeOptions = {}): Fake {
  const count = options.count ?? 300;
  const items = new Map<number, MediaItem>();
  for (let id = 1; id <= count; id += 1) {
    items.set(id, fakeItem(id, options.overrides?.[id]));
  }
  const messages: MessageItem[] = options.messages ?? [];
  const collections = new Map<number, { summary: CollectionSummary; ids: number[] }>();
  // What a restore from the trash goes back to.
  const trashedFrom = new Map<number, Status>();
  // `command` groups the entries of one call: undo reverses a bulk decision whole.
  const log: { entry: LogEntry; undo: () => void; command: number }[] = [];
  let currentCommand = 0;
  const calls: Call[] = [];
  const failures = new Map<string, IpcError>();
  const delay: Fake['delay'] = {};
  let nextCollection = 1;
  let nextLog = 1;

  const record = async <T>(command: keyof KliktApi, args: unknown[], run: () => T): Promise<T> => {
    calls.push({ command, args });
    currentCommand += 1;
    const wait = delay[command]?.(...args) ?? 0;
    await new Promise((resolve) => setTimeout(resolve, wait));
    const failure = failures.get(command);
    if (failure) {
      failures.delete(command);
      throw failure;
    }
    return run();
  };

  const report = (): DecisionReport => ({ changed: 0, unchanged: 0, skipped: [], pending_sync: 0 });

  const logEntry = (target: string, itemId: number, action: string, undo: () => void) => {
    const entry: LogEntry = {
      id: nextLog++,
      item_id: itemId,
      target,
      remote_id: null,
      action,
      before: '',
      after: '',
      decided_at: '2026-05-12T21:00:00Z',
      undoes: null,
      sync_state: 'local',
      synced_at: null,
    };
    log.push({ entry, undo, command: currentCommand });
  };

  const select = (query: MediaQuery = {}): MediaItem[] => {
    let list = [...items.values()].filter((item) => {
      if (query.status ? item.status !== query.status : item.status === 'deleted') return false;
      if (query.flag && item.flag !== query.flag) return false;
      if (query.min_rating && item.rating < query.min_rating) return false;
      if (query.favorite !== undefined && item.favorite !== query.favorite) return false;
      if (query.kind && item.kind !== query.kind) return false;
      if (query.uploader !== undefined && item.uploader !== query.uploader) return false;
      if (query.has_message !== undefined && (item.caption !== null) !== query.has_message) return false;
      return true;
    });
    if (query.collection !== undefined) {
      const order = collections.get(query.collection)?.ids ?? [];
      const inCollection = new Set(order);
      list = list.filter((item) => inCollection.has(item.id));
      if (query.sort === 'manual' || query.sort === undefined) {
        list.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
        return list;
      }
    }
    const key = query.sort === 'uploaded' ? 'uploaded_at' : 'captured_at';
    list.sort((a, b) => (a[key] ?? '').localeCompare(b[key] ?? '') || a.id - b.id);
    return list;
  };

  const summary = (id: number) => {
    const c = collections.get(id);
    if (!c) throw { code: 'not_found', message: `There is no collection ${id}.` } satisfies IpcError;
    return { ...c.summary, item_count: c.ids.length };
  };

  const api: KliktApi = {
    account: () => record('account', [], () => null),
    login: () => record('login', [], () => {
      throw { code: 'unsupported', message: 'not in the fake' };
    }),
    logout: () => record('logout', [], () => null),
    remoteEvents: () => record('remoteEvents', [], () => []),
    startDemo: () => record('startDemo', [], () => {
      throw { code: 'unsupported', message: 'not in the fake' };
    }),
    osLocale: () => record('osLocale', [], () => 'en-GB'),
    events: () => record('events', [], () => [fakeEvent({ media_count: items.size })]),
    media: (event, query) =>
      record('media', [event, query], () => {
        const list = select(query);
        const offset = query?.offset ?? 0;
        const end = query?.limit === undefined ? list.length : offset + query.limit;
        return list.slice(offset, end).map((item) => ({ ...item }));
      }),
    mediaIds: (event, query) => record('mediaIds', [event, query], () => select(query).map((i) => i.id)),
    mediaItem: (id) =>
      record('mediaItem', [id], () => {
        const item = items.get(id);
        if (!item) throw { code: 'not_found', message: `There is no media item ${id}.` };
        return { ...item };
      }),
    uploaders: (event) =>
      record('uploaders', [event], () => {
        const counts = new Map<string, number>();
        for (const item of items.values()) {
          if (item.uploader && item.status !== 'deleted') {
            counts.set(item.uploader, (counts.get(item.uploader) ?? 0) + 1);
          }
        }
        return [...counts].map(([uploader, n]) => ({ uploader, count: n }));
      }),
    messages: (event) => record('messages', [event], () => messages.map((m) => ({ ...m }))),
    moderate: (event, ids, action) =>
      record('moderate', [event, ids, action], () => {
        const out = report();
        for (const id of ids) {
          const item = items.get(id);
          if (!item) {
            out.skipped.push({ name: String(id), reason: `no media item ${id} in this event` });
            continue;
          }
          const before = item.status;
          const after = nextStatus(action, before, trashedFrom.get(id));
          if (after === null) {
            out.skipped.push({ name: String(id), reason: 'it is in the trash; restore it first' });
            continue;
          }
          if (after === before) {
            out.unchanged += 1;
            continue;
          }
          if (after === 'deleted') trashedFrom.set(id, before);
          item.status = after;
          out.changed += 1;
          logEntry('media', id, action, () => {
            item.status = before;
          });
        }
        return out;
      }),
    moderateMessages: (event, ids, action) =>
      record('moderateMessages', [event, ids, action], () => {
        const out = report();
        for (const id of ids) {
          const message = messages.find((m) => m.id === id);
          const after = message && nextStatus(action, message.status, 'pending');
          if (!message || !after) {
            out.skipped.push({ name: String(id), reason: 'cannot' });
            continue;
          }
          const before = message.status;
          message.status = after;
          out.changed += 1;
          logEntry('message', id, action, () => {
            message.status = before;
          });
        }
        return out;
      }),
    curate: (ids, change) =>
      record('curate', [ids, change], () => {
        const out = report();
        for (const id of ids) {
          const item = items.get(id);
          if (!item) {
            out.skipped.push({ name: String(id), reason: `no media item ${id}` });
            continue;
          }
          const before = { flag: item.flag, rating: item.rating, favorite: item.favorite };
          applyCuration(item, change);
          out.changed += 1;
          logEntry('media', id, change.kind, () => Object.assign(item, before));
        }
        return out;
      }),
    keepServerState: (event, target, itemId) => record('keepServerState', [event, target, itemId], () => 0),
    undo: (event) =>
      record('undo', [event], () => {
        const undone: LogEntry[] = [];
        const group = log.at(-1)?.command;
        while (log.length > 0 && log.at(-1)?.command === group) {
          const last = log.pop();
          if (!last) break;
          last.undo();
          undone.push(last.entry);
        }
        return undone;
      }),
    decisionLog: (event, limit) =>
      record('decisionLog', [event, limit], () => log.slice(-limit).map((l) => l.entry)),
    collections: (event) =>
      record('collections', [event], () => [...collections.keys()].map(summary)),
    createCollection: (event, name) =>
      record('createCollection', [event, name], () => {
        const id = nextCollection++;
        collections.set(id, {
          summary: { id, event_id: 1, name, created_at: '2026-05-12T21:00:00Z', item_count: 0 },
          ids: [],
        });
        logEntry('collection', id, 'collection_create', () => collections.delete(id));
        return summary(id);
      }),
    renameCollection: (event, collection, name) =>
      record('renameCollection', [event, collection, name], () => {
        const c = collections.get(collection);
        if (c) c.summary = { ...c.summary, name };
        return summary(collection);
      }),
    deleteCollection: (event, collection) =>
      record('deleteCollection', [event, collection], () => {
        const gone = summary(collection);
        collections.delete(collection);
        return gone;
      }),
    addToCollection: (event, collection, ids) =>
      record('addToCollection', [event, collection, ids], () => {
        const c = collections.get(collection);
        const out = report();
        for (const id of ids) {
          if (c && !c.ids.includes(id)) {
            c.ids.push(id);
            out.changed += 1;
          } else out.unchanged += 1;
        }
        return out;
      }),
    removeFromCollection: (event, collection, ids) =>
      record('removeFromCollection', [event, collection, ids], () => {
        const c = collections.get(collection);
        const out = report();
        if (c) {
          c.ids = c.ids.filter((id) => !ids.includes(id));
          out.changed = ids.length;
        }
        return out;
      }),
    moveInCollection: (event, collection, id, to: Position) =>
      record('moveInCollection', [event, collection, id, to], () => {
        const c = collections.get(collection);
        if (!c) throw { code: 'not_found', message: 'no such collection' };
        const without = c.ids.filter((each) => each !== id);
        let index: number;
        if (to.kind === 'index') index = to.value;
        else {
          const at = without.indexOf(to.value);
          index = to.kind === 'before' ? at : at + 1;
        }
        without.splice(Math.max(0, Math.min(without.length, index)), 0, id);
        c.ids = without;
        const out = report();
        out.changed = 1;
        return out;
      }),
    syncStatus: () => record('syncStatus', [], () => {
      throw { code: 'unsupported', message: 'not in the fake' };
    }),
    push: () => record('push', [], () => {
      throw { code: 'unsupported', message: 'not in the fake' };
    }),
    startPull: () => record('startPull', [], () => 0),
    startSync: () => record('startSync', [], () => 0),
    startImport: () => record('startImport', [], () => 0),
    cancelJob: () => record('cancelJob', [], () => false),
    startExport: (request) => record('startExport', [request], () => 0),
    startArchive: (event, folder) => record('startArchive', [event, folder], () => 0),
    verifyExport: (path) =>
      record('verifyExport', [path], () => ({ path, event_name: 'Wedding', checked: 0, missing: [], altered: [] })),
    forgetPreview: (event) =>
      record('forgetPreview', [event], () => ({
        event_id: 1,
        event_name: 'Wedding',
        media_count: items.size,
        message_count: messages.length,
        bytes: 0,
        unsent_decisions: 0,
        verified_export: null,
      })),
    forgetEvent: (event) =>
      record('forgetEvent', [event], () => ({
        event_name: 'Wedding',
        media_removed: items.size,
        messages_removed: messages.length,
        bytes_freed: 0,
      })),
    archiveSettings: () => record('archiveSettings', [], () => ({ auto_archive: false, days_before: 7, folder: null })),
    setArchiveSettings: (settings) => record('setArchiveSettings', [settings], () => settings),
    slideshowSettings: (event) =>
      record('slideshowSettings', [event], () => ({
        source: 'approved' as const,
        collection: null,
        order: 'chronological' as const,
        interval_seconds: 6,
        transition: 'crossfade' as const,
        show_caption: true,
        show_qr: true,
        show_logo: true,
        logo_corner: 'top_right' as const,
        show_messages: true,
        message_every: 5,
        videos_muted: true,
        video_max_seconds: 60,
        live: true,
        live_interval_seconds: 15,
        monitor: null,
      })),
    setSlideshowSettings: (event, settings) => record('setSlideshowSettings', [event, settings], () => settings),
    monitors: () => record('monitors', [], () => []),
    openSlideshow: (event) => record('openSlideshow', [event], () => null),
    saveShareQr: (event, path) => record('saveShareQr', [event, path], () => null),
    slideshowLogo: (event) => record('slideshowLogo', [event], () => null),
    setSlideshowLogo: (event, path) => record('setSlideshowLogo', [event, path], () => 'v1'),
    removeSlideshowLogo: (event) => record('removeSlideshowLogo', [event], () => null),
    shareQrSvg: (event) =>
      record('shareQrSvg', [event], () => {
        throw { code: 'invalid_input', message: 'a local event has no share URL' } satisfies IpcError;
      }),
    onLiveStatus: async () => () => {},
    onJobProgress: async () => () => {},
    onJobFinished: async () => () => {},
  };

  return {
    api,
    items,
    messages,
    collections,
    calls,
    callsOf: (command) => calls.filter((c) => c.command === command).map((c) => c.args),
    fail: (command, error) => failures.set(command, error),
    delay,
  };
}

/** The status a moderation leads to; null when the trash refuses it. */
function nextStatus(action: Moderation, before: Status, trashedFrom: Status | undefined): Status | null {
  if (action === 'delete') return 'deleted';
  if (before === 'deleted') return action === 'restore' ? (trashedFrom ?? 'pending') : null;
  if (action === 'restore') return before === 'hidden' ? 'pending' : before;
  return action === 'approve' ? 'approved' : 'hidden';
}

function applyCuration(item: MediaItem, change: Curation): void {
  if (change.kind === 'flag') item.flag = change.value;
  else if (change.kind === 'rating') item.rating = change.value;
  else item.favorite = change.value;
}
