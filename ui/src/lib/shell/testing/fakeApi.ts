/**
 * A `KliktApi` and `Platform` for the shell's component tests: an in-memory
 * library and server, a log of every call, and hooks to emit job progress
 * and ends as the backend would. Any method can be replaced per test.
 */

import type { KliktApi } from '../../api';
import type { AccountInfo } from '../../bindings/AccountInfo';
import type { ArchiveSettings } from '../../bindings/ArchiveSettings';
import type { CollectionSummary } from '../../bindings/CollectionSummary';
import type { EventSummary } from '../../bindings/EventSummary';
import type { ExportReport } from '../../bindings/ExportReport';
import type { ExportRequest } from '../../bindings/ExportRequest';
import type { ForgetPreview } from '../../bindings/ForgetPreview';
import type { IpcError } from '../../bindings/IpcError';
import type { JobFinished } from '../../bindings/JobFinished';
import type { JobProgress } from '../../bindings/JobProgress';
import type { LiveStatus } from '../../bindings/LiveStatus';
import type { MonitorInfo } from '../../bindings/MonitorInfo';
import type { RemoteEventSummary } from '../../bindings/RemoteEventSummary';
import type { SlideshowSettings } from '../../bindings/SlideshowSettings';
import type { SyncStatus } from '../../bindings/SyncStatus';
import type { VerifyReport } from '../../bindings/VerifyReport';
import type { Platform } from '../platform';

export function localEvent(id: number, name: string, overrides: Partial<EventSummary> = {}): EventSummary {
  return {
    id,
    name,
    remote_id: null,
    created_at: '2026-05-12T10:00:00Z',
    media_count: 0,
    pending_count: 0,
    total_bytes: 1_500_000,
    server_state: 'active',
    expires_at: null,
    last_pulled_at: null,
    backup_until: null,
    ...overrides,
  };
}

export function remoteEvent(
  remote_id: string,
  name: string,
  overrides: Partial<RemoteEventSummary> = {},
): RemoteEventSummary {
  return {
    remote_id,
    name,
    date: null,
    share_url: `https://klikt.example/e/${remote_id}`,
    moderation_mode: 'pre',
    plan_name: 'Party',
    expires_at: '2099-01-01T00:00:00Z',
    backup_until: '2099-02-01T00:00:00Z',
    media_count: 12,
    total_bytes: 24_000_000,
    local_id: null,
    ...overrides,
  };
}

export const ACCOUNT: AccountInfo = {
  server_url: 'https://klikt.example',
  email: 'organizer@example.com',
  signed_in_at: '2026-05-12T10:00:00Z',
};

export function syncStatus(event_id: number, overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    event_id,
    linked: true,
    pending: 0,
    dead: [],
    conflicts: [],
    last_pulled_at: null,
    last_pushed_at: null,
    ...overrides,
  };
}

/** The backend's defaults for an event never shown. */
export function slideshowSettings(overrides: Partial<SlideshowSettings> = {}): SlideshowSettings {
  return {
    source: 'approved',
    collection: null,
    order: 'chronological',
    interval_seconds: 6,
    transition: 'crossfade',
    show_caption: true,
    show_qr: true,
    show_logo: true,
    logo_corner: 'top_right',
    show_messages: true,
    message_every: 5,
    videos_muted: true,
    video_max_seconds: 60,
    live: true,
    live_interval_seconds: 15,
    monitor: null,
    ...overrides,
  };
}

export function monitor(name: string, overrides: Partial<MonitorInfo> = {}): MonitorInfo {
  return { name, width: 1920, height: 1080, x: 0, y: 0, scale_factor: 1, current: false, ...overrides };
}

export function collection(id: number, event_id: number, name: string, item_count = 3): CollectionSummary {
  return { id, event_id, name, created_at: '2026-05-12T10:00:00Z', item_count };
}

export function exportReport(overrides: Partial<ExportReport> = {}): ExportReport {
  return {
    event_id: 1,
    event_name: 'Wedding',
    destination: '/backup/Wedding',
    zip: false,
    files: 1024,
    bytes: 3_100_000_000,
    skipped: 0,
    failed: [],
    messages: 12,
    cancelled: false,
    elapsed_ms: 42_000,
    ...overrides,
  };
}

/** The request the export form's defaults make for event 1, "Wedding", to /backup: everything, flat, with the gallery. */
export function exportRequest(overrides: Partial<ExportRequest> = {}): ExportRequest {
  return {
    event: '1',
    to: '/backup/Wedding',
    only: { kind: 'all' },
    template: null,
    layout: 'flat',
    strip_location: false,
    gallery: true,
    ...overrides,
  };
}

export function verifyReport(overrides: Partial<VerifyReport> = {}): VerifyReport {
  return { path: '/backup/Wedding', event_name: 'Wedding', checked: 1024, missing: [], altered: [], ...overrides };
}

/** What the backend would say before forgetting `event`: its counts, no unsent decisions, no export. */
export function forgetPreview(event: EventSummary, overrides: Partial<ForgetPreview> = {}): ForgetPreview {
  return {
    event_id: event.id,
    event_name: event.name,
    media_count: event.media_count,
    message_count: 0,
    bytes: event.total_bytes,
    unsent_decisions: 0,
    verified_export: null,
    ...overrides,
  };
}

export interface FakeState {
  account: AccountInfo | null;
  events: EventSummary[];
  remote: RemoteEventSummary[];
  sync: Record<number, SyncStatus>;
  osLocale: string;
  /** Saved slideshow settings, by event id (defaults otherwise). */
  slideshow: Record<number, SlideshowSettings>;
  /** Slideshow logos' versions, by event id (none otherwise). */
  logos: Record<number, string>;
  monitors: MonitorInfo[];
  /** Collections by event id. */
  collections: Record<number, CollectionSummary[]>;
  archiveSettings: ArchiveSettings;
  /** What `forgetPreview` answers, by event id (`forgetPreview(event)` otherwise). */
  forget: Record<number, ForgetPreview>;
  /** What `verifyExport` answers, by path (all intact otherwise). */
  verify: Record<string, VerifyReport>;
}

export interface Fake {
  api: KliktApi;
  platform: Platform & { notifications: Array<{ title: string; body: string }>; focused: boolean };
  state: FakeState;
  /** Every call as `[method, ...args]`. */
  calls: Array<[string, ...unknown[]]>;
  called(method: keyof KliktApi): unknown[][];
  emitProgress(progress: JobProgress): void;
  emitFinished(finished: JobFinished): void;
  emitLive(status: LiveStatus | null): void;
  /** The paths the next file picker returns (null: cancelled). */
  picks: {
    folder: string | null;
    files: string[] | null;
    image: string | null;
    savePath: string | null;
    zipPath: string | null;
  };
}

const notFound = (what: string): IpcError => ({ code: 'not_found', message: `No event ${what}.` });

export function fakeApi(initial: Partial<FakeState> = {}, overrides: Partial<KliktApi> = {}): Fake {
  const state: FakeState = {
    account: null,
    events: [],
    remote: [],
    sync: {},
    osLocale: 'en-US',
    slideshow: {},
    logos: {},
    monitors: [monitor('eDP-1', { current: true }), monitor('HDMI-1', { x: 1920 })],
    collections: {},
    archiveSettings: { auto_archive: false, days_before: 7, folder: null },
    forget: {},
    verify: {},
    ...initial,
  };
  const calls: Array<[string, ...unknown[]]> = [];
  const progressHandlers: Array<(p: JobProgress) => void> = [];
  const finishedHandlers: Array<(f: JobFinished) => void> = [];
  const liveHandlers: Array<(s: LiveStatus | null) => void> = [];
  let nextJob = 1;

  const log =
    <A extends unknown[], R>(name: string, body: (...args: A) => R) =>
    (...args: A): R => {
      calls.push([name, ...args]);
      return body(...args);
    };
  const unsupported = (name: string) => () => Promise.reject({ code: 'internal', message: `${name} is not faked` });
  const eventId = (key: string | number) => {
    const found = state.events.find((e) => String(e.id) === String(key) || e.name === key);
    if (!found) throw notFound(String(key));
    return found.id;
  };

  const base: KliktApi = {
    account: log('account', async () => state.account),
    login: log('login', async (server_url: string, email: string) => {
      state.account = { server_url, email, signed_in_at: '2026-05-12T10:00:00Z' };
      return state.account;
    }),
    logout: log('logout', async () => {
      const was = state.account;
      state.account = null;
      return was;
    }),
    remoteEvents: log('remoteEvents', async () => {
      if (!state.account) throw { code: 'not_signed_in', message: 'Sign in first.' };
      return state.remote;
    }),
    startDemo: log('startDemo', async () => {
      state.account = { server_url: 'http://127.0.0.1:4000', email: 'demo@klikt.app', signed_in_at: '2026-05-12T10:00:00Z' };
      return { account: state.account, remote_id: 'demo-1', event_name: 'Demo wedding' };
    }),
    osLocale: log('osLocale', async () => state.osLocale),
    events: log('events', async () => state.events),
    media: log('media', async () => []),
    mediaIds: log('mediaIds', async () => []),
    mediaItem: unsupported('mediaItem'),
    uploaders: log('uploaders', async () => []),
    messages: log('messages', async () => []),
    moderate: log('moderate', async (_event: string | number, ids: number[]) => ({
      changed: ids.length,
      unchanged: 0,
      skipped: [],
      pending_sync: ids.length,
    })),
    moderateMessages: unsupported('moderateMessages'),
    curate: unsupported('curate'),
    undo: log('undo', async () => []),
    decisionLog: log('decisionLog', async () => []),
    collections: log('collections', async (event: string | number) => state.collections[eventId(event)] ?? []),
    createCollection: unsupported('createCollection'),
    renameCollection: unsupported('renameCollection'),
    deleteCollection: unsupported('deleteCollection'),
    addToCollection: unsupported('addToCollection'),
    removeFromCollection: unsupported('removeFromCollection'),
    moveInCollection: unsupported('moveInCollection'),
    syncStatus: log('syncStatus', async (event: string | number) => {
      const id = eventId(event);
      return state.sync[id] ?? syncStatus(id, { linked: state.events.find((e) => e.id === id)?.remote_id != null });
    }),
    slideshowSettings: log('slideshowSettings', async (event: string | number) => {
      return state.slideshow[eventId(event)] ?? slideshowSettings();
    }),
    setSlideshowSettings: log('setSlideshowSettings', async (event: string | number, settings: SlideshowSettings) => {
      state.slideshow[eventId(event)] = settings;
      return settings;
    }),
    monitors: log('monitors', async () => state.monitors),
    openSlideshow: log('openSlideshow', async (event: string | number) => {
      eventId(event);
      return null;
    }),
    saveShareQr: log('saveShareQr', async () => null),
    slideshowLogo: log('slideshowLogo', async (event: string | number) => state.logos[eventId(event)] ?? null),
    setSlideshowLogo: log('setSlideshowLogo', async (event: string | number, path: string) => {
      if (!/\.(png|jpe?g|webp|gif|tiff?)$/i.test(path)) {
        throw { code: 'invalid_input', message: `${path}: cannot be used as the logo: not an image` } satisfies IpcError;
      }
      const id = eventId(event);
      const version = `v${Object.keys(state.logos).length + 1}-${path.length}`;
      state.logos[id] = version;
      return version;
    }),
    removeSlideshowLogo: log('removeSlideshowLogo', async (event: string | number) => {
      delete state.logos[eventId(event)];
      return null;
    }),
    shareQrSvg: log('shareQrSvg', async (event: string | number) => {
      const id = eventId(event);
      if (state.events.find((e) => e.id === id)?.remote_id == null) {
        throw { code: 'invalid_input', message: 'a local event has no share URL' } satisfies IpcError;
      }
      return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><rect width="7" height="7"/></svg>';
    }),
    onLiveStatus: log('onLiveStatus', async (handler: (s: LiveStatus | null) => void) => {
      liveHandlers.push(handler);
      return () => liveHandlers.splice(liveHandlers.indexOf(handler), 1);
    }),
    keepServerState: log('keepServerState', async () => 1),
    push: log('push', async () => ({ sent: 0, applied: 0, conflicts: 0, gone: 0, dead: 0, pending: 0 })),
    startPull: log('startPull', async () => nextJob++),
    startSync: log('startSync', async () => nextJob++),
    startImport: log('startImport', async () => nextJob++),
    startExport: log('startExport', async () => nextJob++),
    startArchive: log('startArchive', async (event: string | number) => {
      eventId(event);
      return nextJob++;
    }),
    verifyExport: log('verifyExport', async (path: string) => state.verify[path] ?? verifyReport({ path })),
    forgetPreview: log('forgetPreview', async (event: string | number) => {
      const id = eventId(event);
      return state.forget[id] ?? forgetPreview(state.events.find((e) => e.id === id)!);
    }),
    forgetEvent: log('forgetEvent', async (event: string | number) => {
      const id = eventId(event);
      const gone = state.events.find((e) => e.id === id)!;
      state.events = state.events.filter((e) => e.id !== id);
      return { event_name: gone.name, media_removed: gone.media_count, messages_removed: 0, bytes_freed: gone.total_bytes };
    }),
    archiveSettings: log('archiveSettings', async () => state.archiveSettings),
    setArchiveSettings: log('setArchiveSettings', async (settings: ArchiveSettings) => {
      state.archiveSettings = settings;
      return settings;
    }),
    cancelJob: log('cancelJob', async () => true),
    onJobProgress: log('onJobProgress', async (handler: (p: JobProgress) => void) => {
      progressHandlers.push(handler);
      return () => progressHandlers.splice(progressHandlers.indexOf(handler), 1);
    }),
    onJobFinished: log('onJobFinished', async (handler: (f: JobFinished) => void) => {
      finishedHandlers.push(handler);
      return () => finishedHandlers.splice(finishedHandlers.indexOf(handler), 1);
    }),
  };
  // Overrides are logged too, so tests can count calls whatever answers them.
  const api = { ...base } as KliktApi;
  for (const [name, body] of Object.entries(overrides)) {
    (api as unknown as Record<string, unknown>)[name] = log(name, body as (...args: unknown[]) => unknown);
  }

  const picks: Fake['picks'] = { folder: null, files: null, image: null, savePath: null, zipPath: null };
  const notifications: Array<{ title: string; body: string }> = [];
  const platform: Fake['platform'] = {
    notifications,
    focused: true,
    pickFolder: async () => picks.folder,
    pickFiles: async () => picks.files,
    pickImage: async () => picks.image,
    pickSavePath: async () => picks.savePath,
    pickZipPath: async () => picks.zipPath,
    notify: async (title, body) => {
      notifications.push({ title, body });
    },
    windowFocused: () => platform.focused,
  };

  return {
    api,
    platform,
    state,
    calls,
    picks,
    called: (method) => calls.filter(([name]) => name === method).map(([, ...args]) => args),
    emitProgress: (p) => progressHandlers.forEach((h) => h(p)),
    emitFinished: (f) => finishedHandlers.forEach((h) => h(f)),
    emitLive: (status) => liveHandlers.forEach((h) => h(status)),
  };
}
