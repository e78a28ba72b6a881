/** The webview's local storage, or null where it is unavailable (private mode, a test without a DOM). */
export function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
