// @vitest-environment jsdom
/** The slideshow's IPC wrappers (api.ts), with the argument names the Rust side declares. */
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';

import { createApi, LIVE_STATUS_EVENT, type Listen } from '../api';
import type { LiveStatus } from '../bindings/LiveStatus';
import { slideshowSettings } from './testing/fakeApi';
import { fakeTauriPage, recordIpc } from './testing/ipc';

fakeTauriPage();

describe('slideshow commands', () => {
  it('sends the slideshow’s commands with the argument names the Rust side declares', async () => {
    const calls = recordIpc((command) => (command === 'share_qr_svg' ? '<svg/>' : null));
    const api = createApi();
    const settings = slideshowSettings({ monitor: 'HDMI-1' });

    await api.slideshowSettings(3);
    await api.setSlideshowSettings('Wedding', settings);
    await api.monitors();
    await api.openSlideshow(3);
    expect(await api.shareQrSvg(3)).toBe('<svg/>');
    await api.slideshowLogo(3);
    await api.setSlideshowLogo(3, '/home/anna/logo.png');
    await api.removeSlideshowLogo(3);

    expect(calls).toEqual([
      ['slideshow_settings', { event: '3' }],
      ['set_slideshow_settings', { event: 'Wedding', settings }],
      ['monitors', {}],
      ['open_slideshow', { event: '3' }],
      ['share_qr_svg', { event: '3' }],
      ['slideshow_logo', { event: '3' }],
      ['set_slideshow_logo', { event: '3', path: '/home/anna/logo.png' }],
      ['remove_slideshow_logo', { event: '3' }],
    ]);
  });

  it('passes a refused save on as {code, message}', async () => {
    mockIPC(() => {
      throw { code: 'invalid_input', message: 'a slide stays 1 to 600 seconds, not 0' };
    });
    await expect(createApi().setSlideshowSettings(3, slideshowSettings({ interval_seconds: 0 }))).rejects.toEqual({
      code: 'invalid_input',
      message: 'a slide stays 1 to 600 seconds, not 0',
    });
  });

  it('listens to live-status, payload and null alike', async () => {
    const handlers: Record<string, (payload: unknown) => void> = {};
    const listen: Listen = async (event, handler) => {
      handlers[event] = handler as (payload: unknown) => void;
      return () => {};
    };
    const seen: Array<LiveStatus | null> = [];
    await createApi(async () => null as never, listen).onLiveStatus((s) => seen.push(s));

    const status: LiveStatus = {
      event_id: 3,
      state: 'live',
      last_ok_at: null,
      last_error: null,
      new_items: 0,
      changes: 0,
      awaiting_moderation: 1,
    };
    handlers[LIVE_STATUS_EVENT]!(status);
    handlers[LIVE_STATUS_EVENT]!(null);
    expect(LIVE_STATUS_EVENT).toBe('live-status');
    expect(seen).toEqual([status, null]);
  });
});
