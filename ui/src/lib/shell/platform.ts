/**
 * What the shell asks of the desktop beyond Klikt's own commands: file
 * pickers (dialog plugin), desktop notifications (notification plugin) and
 * whether the window has focus. Behind an interface so tests pass a fake.
 */

import { open, save } from '@tauri-apps/plugin-dialog';
import { isPermissionGranted, requestPermission, sendNotification } from '@tauri-apps/plugin-notification';

export interface Platform {
  /** A folder's path, or null when the organizer cancelled. */
  pickFolder(title: string): Promise<string | null>;
  /** Files' paths (photos, videos, ZIP archives), or null when cancelled. */
  pickFiles(title: string, filterName: string): Promise<string[] | null>;
  /** One image file's path (the slideshow's logo), or null when cancelled. */
  pickImage(title: string, filterName: string): Promise<string | null>;
  /** Where to save a file (the QR code for print), or null when cancelled. */
  pickSavePath(title: string, defaultName: string): Promise<string | null>;
  /** Where to write a ZIP file (an export), or null when cancelled. */
  pickZipPath(title: string, defaultName: string): Promise<string | null>;
  /** Shows a desktop notification; never fails (no permission, no daemon: nothing shown). */
  notify(title: string, body: string): Promise<void>;
  windowFocused(): boolean;
}

/** What the importer reads (klikt-library's import): photos, videos and ZIP archives. */
export const IMPORT_EXTENSIONS = [
  'jpg', 'jpeg', 'png', 'heic', 'heif', 'webp', 'gif', 'tif', 'tiff', 'avif', 'dng',
  'mp4', 'mov', 'm4v', 'avi', 'mkv', 'webm', '3gp',
  'zip',
];

/** What a logo may be (klikt-media's logo_png reads these by content, not name). */
export const LOGO_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'tif', 'tiff'];

export const tauriPlatform: Platform = {
  async pickFolder(title) {
    const picked = await open({ directory: true, multiple: false, title });
    return typeof picked === 'string' ? picked : null;
  },
  async pickFiles(title, filterName) {
    const picked = await open({
      multiple: true,
      directory: false,
      title,
      filters: [{ name: filterName, extensions: IMPORT_EXTENSIONS }],
    });
    if (picked === null) return null;
    const list = Array.isArray(picked) ? picked : [picked];
    return list.length > 0 ? list : null;
  },
  async pickImage(title, filterName) {
    const picked = await open({
      multiple: false,
      directory: false,
      title,
      filters: [{ name: filterName, extensions: LOGO_EXTENSIONS }],
    });
    return typeof picked === 'string' ? picked : null;
  },
  async pickSavePath(title, defaultName) {
    const picked = await save({
      title,
      defaultPath: defaultName,
      filters: [
        { name: 'SVG', extensions: ['svg'] },
        { name: 'PNG', extensions: ['png'] },
      ],
    });
    return typeof picked === 'string' ? picked : null;
  },
  async pickZipPath(title, defaultName) {
    const picked = await save({ title, defaultPath: defaultName, filters: [{ name: 'ZIP', extensions: ['zip'] }] });
    return typeof picked === 'string' ? picked : null;
  },
  async notify(title, body) {
    try {
      let granted = await isPermissionGranted();
      if (!granted) granted = (await requestPermission()) === 'granted';
      if (granted) sendNotification({ title, body });
    } catch {
      // A notification is a courtesy: the toast in the window says the same.
    }
  },
  windowFocused() {
    return typeof document === 'undefined' || document.hasFocus();
  },
};

/** The last part of a path, for the default event name of a folder import. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter((part) => part.length > 0);
  return parts[parts.length - 1] ?? '';
}
