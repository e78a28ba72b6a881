/**
 * The app's IPC commands (src-tauri/src/commands.rs), typed with the ts-rs
 * bindings of klikt-api. Every failure is turned into an `IpcError`, so
 * components only ever show `{code, message}`.
 *
 * `event` arguments take an event's local id (as a number or string) or its
 * name; `collection` arguments take a collection's id.
 */

import { invoke as tauriInvoke, isTauri } from '@tauri-apps/api/core';
import { listen as tauriListen, type UnlistenFn } from '@tauri-apps/api/event';

import type { AccountInfo } from './bindings/AccountInfo';
import type { ArchiveSettings } from './bindings/ArchiveSettings';
import type { CollectionSummary } from './bindings/CollectionSummary';
import type { Curation } from './bindings/Curation';
import type { DecisionReport } from './bindings/DecisionReport';
import type { DemoInfo } from './bindings/DemoInfo';
import type { EventSummary } from './bindings/EventSummary';
import type { ExportRequest } from './bindings/ExportRequest';
import type { ForgetPreview } from './bindings/ForgetPreview';
import type { ForgetReport } from './bindings/ForgetReport';
import type { IpcError } from './bindings/IpcError';
import type { JobFinished } from './bindings/JobFinished';
import type { JobProgress } from './bindings/JobProgress';
import type { LiveStatus } from './bindings/LiveStatus';
import type { LogEntry } from './bindings/LogEntry';
import type { MediaItem } from './bindings/MediaItem';
import type { MediaQuery } from './bindings/MediaQuery';
import type { MessageItem } from './bindings/MessageItem';
import type { Moderation } from './bindings/Moderation';
import type { MonitorInfo } from './bindings/MonitorInfo';
import type { Position } from './bindings/Position';
import type { PushReport } from './bindings/PushReport';
import type { RemoteEventSummary } from './bindings/RemoteEventSummary';
import type { SlideshowSettings } from './bindings/SlideshowSettings';
import type { SyncStatus } from './bindings/SyncStatus';
import type { UploaderCount } from './bindings/UploaderCount';
import type { VerifyReport } from './bindings/VerifyReport';

export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;
export type Listen = <T>(event: string, handler: (payload: T) => void) => Promise<UnlistenFn>;

type EventKey = string | number;

/** The names of the events the backend emits for long jobs. */
export const JOB_PROGRESS_EVENT = 'job-progress';
export const JOB_FINISHED_EVENT = 'job-finished';
/** The name of the event the live loop reports the running show's state with. */
export const LIVE_STATUS_EVENT = 'live-status';

export interface KliktApi {
  // Account
  /** The account the library is signed in to, or null. */
  account(): Promise<AccountInfo | null>;
  login(serverUrl: string, email: string, password: string): Promise<AccountInfo>;
  /** Signs out: the tokens leave the keyring. Returns the account that was signed in. */
  logout(): Promise<AccountInfo | null>;
  /** The signed-in account's events on the server. */
  remoteEvents(): Promise<RemoteEventSummary[]>;
  /** Starts the embedded reference server with the demo event and signs in to it. */
  startDemo(): Promise<DemoInfo>;
  /** The OS locale, e.g. `fr-FR` (the webview's own may differ). */
  osLocale(): Promise<string>;

  // Library
  events(): Promise<EventSummary[]>;
  /** A page of an event's media, filtered and sorted by `query`. */
  media(event: EventKey, query?: MediaQuery): Promise<MediaItem[]>;
  /** The ids of every item matching `query` (no page), in the same order as `media`. */
  mediaIds(event: EventKey, query?: MediaQuery): Promise<number[]>;
  mediaItem(id: number): Promise<MediaItem>;
  /** Guests who uploaded to the event, for the uploader filter. */
  uploaders(event: EventKey): Promise<UploaderCount[]>;
  messages(event: EventKey): Promise<MessageItem[]>;

  // Decisions (each is committed to SQLite before the promise resolves)
  moderate(event: EventKey, ids: number[], action: Moderation): Promise<DecisionReport>;
  moderateMessages(event: EventKey, ids: number[], action: Moderation): Promise<DecisionReport>;
  curate(ids: number[], change: Curation): Promise<DecisionReport>;
  /**
   * Undoes the event's last decision — all of it when it was a bulk one.
   * Returns the decisions undone, newest first; empty when there was nothing.
   */
  undo(event: EventKey): Promise<LogEntry[]>;
  decisionLog(event: EventKey, limit: number): Promise<LogEntry[]>;

  // Collections
  collections(event: EventKey): Promise<CollectionSummary[]>;
  createCollection(event: EventKey, name: string): Promise<CollectionSummary>;
  renameCollection(event: EventKey, collection: number, name: string): Promise<CollectionSummary>;
  deleteCollection(event: EventKey, collection: number): Promise<CollectionSummary>;
  addToCollection(event: EventKey, collection: number, ids: number[]): Promise<DecisionReport>;
  removeFromCollection(event: EventKey, collection: number, ids: number[]): Promise<DecisionReport>;
  moveInCollection(
    event: EventKey,
    collection: number,
    id: number,
    to: Position,
  ): Promise<DecisionReport>;

  // Slideshow
  /** The event's slideshow settings (defaults until first saved). */
  slideshowSettings(event: EventKey): Promise<SlideshowSettings>;
  /** Checks and saves them; rejects with `invalid_input` in words. */
  setSlideshowSettings(event: EventKey, settings: SlideshowSettings): Promise<SlideshowSettings>;
  /** The displays the show can open on; `current` marks the main window's. */
  monitors(): Promise<MonitorInfo[]>;
  /** Opens the show full screen on `settings.monitor` (the main window's when null). */
  openSlideshow(event: EventKey): Promise<null>;
  /** The SVG text of the event's share-URL QR code; fails in words for a local event. */
  shareQrSvg(event: EventKey): Promise<string>;
  /** Writes the QR code for print to `path` (from the save dialog): SVG or PNG by its extension. */
  saveShareQr(event: EventKey, path: string): Promise<null>;
  /** The version of the event's slideshow logo, or null when it has none. */
  slideshowLogo(event: EventKey): Promise<string | null>;
  /** Makes the image at `path` (from the open dialog) the show's logo; rejects in words naming the file. Returns its version. */
  setSlideshowLogo(event: EventKey, path: string): Promise<string>;
  removeSlideshowLogo(event: EventKey): Promise<null>;
  /** The running show's live state; `null` when the show closed. */
  onLiveStatus(handler: (status: LiveStatus | null) => void): Promise<UnlistenFn>;

  // Sync
  syncStatus(event: EventKey): Promise<SyncStatus>;
  /** "Keep the server's": settles an item's conflict without deciding again. */
  keepServerState(event: EventKey, target: string, itemId: number): Promise<number>;
  push(event: EventKey): Promise<PushReport>;

  // Export before expiry
  /** Checks an export (folder or ZIP) against its manifest and checksums. */
  verifyExport(path: string): Promise<VerifyReport>;
  /** What forgetting the event would remove, and its newest verified export. */
  forgetPreview(event: EventKey): Promise<ForgetPreview>;
  /** Removes the event and the files only it uses from the library. */
  forgetEvent(event: EventKey): Promise<ForgetReport>;
  archiveSettings(): Promise<ArchiveSettings>;
  /** Checks and saves them; rejects with `invalid_input` in words. */
  setArchiveSettings(settings: ArchiveSettings): Promise<ArchiveSettings>;

  // Long jobs: each returns its job id at once; progress and the end arrive
  // as `job-progress` / `job-finished` events (see `onJobProgress`).
  startPull(event: EventKey): Promise<number>;
  startSync(event: EventKey): Promise<number>;
  /** Imports files, folders and ZIP archives into the local event `eventName`. */
  startImport(paths: string[], eventName: string): Promise<number>;
  /** Copies the event's items out (folder or ZIP, `request.to`); a job of kind `export`. */
  startExport(request: ExportRequest): Promise<number>;
  /**
   * Pulls the event (when linked and the server answers), exports
   * everything with the gallery into a new folder for it inside `folder`,
   * then verifies it; a job of kind `archive`.
   */
  startArchive(event: EventKey, folder: string): Promise<number>;
  /** False when the job had already ended. */
  cancelJob(job: number): Promise<boolean>;
  onJobProgress(handler: (progress: JobProgress) => void): Promise<UnlistenFn>;
  onJobFinished(handler: (finished: JobFinished) => void): Promise<UnlistenFn>;
}

const tauriListenPayload: Listen = (event, handler) =>
  tauriListen(event, (message) => handler(message.payload as never));

export function createApi(invoke: Invoke = tauriInvoke, listen: Listen = tauriListenPayload): KliktApi {
  const call = async <T>(command: string, args?: Record<string, unknown>): Promise<T> => {
    try {
      return await invoke<T>(command, args);
    } catch (error) {
      throw toIpcError(error);
    }
  };
  const key = (event: EventKey) => String(event);
  return {
    account: () => call('account'),
    login: (server_url, email, password) => call('login', { server_url, email, password }),
    logout: () => call('logout'),
    remoteEvents: () => call('remote_events'),
    startDemo: () => call('start_demo'),
    osLocale: () => call('os_locale'),

    events: () => call('events'),
    media: (event, query) => call('media', { event: key(event), query: query ?? null }),
    mediaIds: (event, query) => call('media_ids', { event: key(event), query: query ?? null }),
    mediaItem: (id) => call('media_item', { id }),
    uploaders: (event) => call('uploaders', { event: key(event) }),
    messages: (event) => call('messages', { event: key(event) }),

    moderate: (event, ids, action) => call('moderate', { event: key(event), ids, action }),
    moderateMessages: (event, ids, action) =>
      call('moderate_messages', { event: key(event), ids, action }),
    curate: (ids, change) => call('curate', { ids, change }),
    undo: (event) => call('undo', { event: key(event) }),
    decisionLog: (event, limit) => call('decision_log', { event: key(event), limit }),

    collections: (event) => call('collections', { event: key(event) }),
    createCollection: (event, name) => call('create_collection', { event: key(event), name }),
    renameCollection: (event, collection, name) =>
      call('rename_collection', { event: key(event), collection, name }),
    deleteCollection: (event, collection) =>
      call('delete_collection', { event: key(event), collection }),
    addToCollection: (event, collection, ids) =>
      call('add_to_collection', { event: key(event), collection, ids }),
    removeFromCollection: (event, collection, ids) =>
      call('remove_from_collection', { event: key(event), collection, ids }),
    moveInCollection: (event, collection, id, to) =>
      call('move_in_collection', { event: key(event), collection, id, to }),

    slideshowSettings: (event) => call('slideshow_settings', { event: key(event) }),
    setSlideshowSettings: (event, settings) =>
      call('set_slideshow_settings', { event: key(event), settings }),
    monitors: () => call('monitors'),
    openSlideshow: (event) => call('open_slideshow', { event: key(event) }),
    saveShareQr: (event, path) => call('save_share_qr', { event: key(event), path }),
    shareQrSvg: (event) => call('share_qr_svg', { event: key(event) }),
    slideshowLogo: (event) => call('slideshow_logo', { event: key(event) }),
    setSlideshowLogo: (event, path) => call('set_slideshow_logo', { event: key(event), path }),
    removeSlideshowLogo: (event) => call('remove_slideshow_logo', { event: key(event) }),
    onLiveStatus: (handler) => listen(LIVE_STATUS_EVENT, handler),

    syncStatus: (event) => call('sync_status', { event: key(event) }),
    keepServerState: (event, target, item_id) =>
      call('keep_server_state', { event: key(event), target, item_id }),
    push: (event) => call('push', { event: key(event) }),

    verifyExport: (path) => call('verify_export', { path }),
    forgetPreview: (event) => call('forget_preview', { event: key(event) }),
    forgetEvent: (event) => call('forget_event', { event: key(event) }),
    archiveSettings: () => call('archive_settings'),
    setArchiveSettings: (settings) => call('set_archive_settings', { settings }),

    startPull: (event) => call('start_pull', { event: key(event) }),
    startSync: (event) => call('start_sync', { event: key(event) }),
    startImport: (paths, event_name) => call('start_import', { paths, event_name }),
    startExport: (request) => call('start_export', { request }),
    startArchive: (event, folder) => call('start_archive', { event: key(event), folder }),
    cancelJob: (job) => call('cancel_job', { job }),
    onJobProgress: (handler) => listen(JOB_PROGRESS_EVENT, handler),
    onJobFinished: (handler) => listen(JOB_FINISHED_EVENT, handler),
  };
}

/** Anything a command rejected with, as `{code, message}`. */
export function toIpcError(error: unknown): IpcError {
  if (isIpcError(error)) {
    return { code: error.code, message: error.message };
  }
  if (!isTauri()) {
    return {
      code: 'no_bridge',
      message: 'This page talks to the Klikt desktop app and cannot run in a plain browser.',
    };
  }
  if (typeof error === 'string' && error.length > 0) {
    return { code: 'ipc', message: error };
  }
  if (error instanceof Error && error.message.length > 0) {
    return { code: 'ipc', message: error.message };
  }
  return { code: 'unknown', message: 'Something went wrong, and Klikt could not tell what.' };
}

function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string';
}
