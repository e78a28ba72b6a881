/**
 * The app's IPC commands (src-tauri/src/commands.rs), typed with the ts-rs
 * bindings of klikt-api. Every failure is turned into an `IpcError`, so
 * components only ever show `{code, message}`.
 */

import { invoke as tauriInvoke, isTauri } from '@tauri-apps/api/core';

import type { EventSummary } from './bindings/EventSummary';
import type { IpcError } from './bindings/IpcError';
import type { MediaItem } from './bindings/MediaItem';
import type { MediaQuery } from './bindings/MediaQuery';

export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;

export interface KliktApi {
  events(): Promise<EventSummary[]>;
  /** `event` is an event's id or name. */
  media(event: string | number, query?: MediaQuery): Promise<MediaItem[]>;
}

export function createApi(invoke: Invoke = tauriInvoke): KliktApi {
  const call = async <T>(command: string, args?: Record<string, unknown>): Promise<T> => {
    try {
      return await invoke<T>(command, args);
    } catch (error) {
      throw toIpcError(error);
    }
  };
  return {
    events: () => call<EventSummary[]>('events'),
    media: (event, query) =>
      call<MediaItem[]>('media', { event: String(event), query: query ?? null }),
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
