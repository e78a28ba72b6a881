/**
 * URLs of rendition files, served by the app's `klikt-media` URI scheme
 * (src-tauri/src/media_protocol.rs). Like Tauri's `convertFileSrc`, but the
 * URL carries a media id, never a file path.
 */

export const MEDIA_SCHEME = 'klikt-media';

export type Rendition = 'thumbnail' | 'display';

/** Where the page runs: enough to tell how the webview spells custom schemes. */
export interface PageLocation {
  protocol: string;
  hostname: string;
  userAgent: string;
}

/**
 * The URL of one rendition of a media item.
 *
 * Linux and macOS webviews load custom schemes as `klikt-media://localhost/…`;
 * WebView2 (Windows) and Android only allow them as
 * `http(s)://klikt-media.localhost/…`.
 */
export function mediaUrl(
  rendition: Rendition,
  mediaId: number | bigint,
  page: PageLocation = currentPage(),
): string {
  return `${mediaOrigin(page)}/${rendition}/${String(mediaId)}`;
}

export function mediaOrigin(page: PageLocation): string {
  const servedAsLocalhostHttp =
    (page.protocol === 'http:' || page.protocol === 'https:') &&
    page.hostname.endsWith('.localhost');
  if (servedAsLocalhostHttp) {
    // The app itself is served as http(s)://tauri.localhost: follow its scheme.
    return `${page.protocol}//${MEDIA_SCHEME}.localhost`;
  }
  if (/Windows|Android/i.test(page.userAgent)) {
    // E.g. the Vite dev server on Windows: WebView2's default is http.
    return `http://${MEDIA_SCHEME}.localhost`;
  }
  return `${MEDIA_SCHEME}://localhost`;
}

export function currentPage(): PageLocation {
  return {
    protocol: globalThis.location?.protocol ?? '',
    hostname: globalThis.location?.hostname ?? '',
    userAgent: globalThis.navigator?.userAgent ?? '',
  };
}
