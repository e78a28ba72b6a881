/** The slideshow window's own controls (full screen, close), via Tauri. */

import { getCurrentWindow } from '@tauri-apps/api/window';

export interface WindowControl {
  toggleFullscreen(): Promise<void>;
  close(): Promise<void>;
}

export const tauriWindow: WindowControl = {
  async toggleFullscreen() {
    try {
      const win = getCurrentWindow();
      await win.setFullscreen(!(await win.isFullscreen()));
    } catch {
      // Outside Tauri, or the window manager refused: the show goes on as it is.
    }
  },
  async close() {
    try {
      await getCurrentWindow().close();
    } catch {
      // Outside Tauri: nothing to close.
    }
  },
};

/** The event id from `slideshow.html?event=<id>`, or null when missing or malformed. */
export function eventIdFrom(search: string): number | null {
  const raw = new URLSearchParams(search).get('event');
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  const id = Number(raw.trim());
  return Number.isSafeInteger(id) ? id : null;
}
