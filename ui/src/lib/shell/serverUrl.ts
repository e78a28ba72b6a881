/**
 * The server address as the organizer types it, made into a URL: "klikt.app"
 * means https://klikt.app (organizers rarely type the scheme), and a
 * trailing slash is dropped so the same server is always spelled the same.
 */
export function normalizeServerUrl(input: string): string {
  let url = input.trim();
  if (url === '') return url;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `https://${url}`;
  return url.replace(/\/+$/, '');
}
