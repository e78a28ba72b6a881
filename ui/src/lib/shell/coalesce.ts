/**
 * Runs an async refresh at most once at a time: calls made while it runs
 * collapse into one more run after it. Culling fires a change per key press;
 * the event list and sync status need reloading once, not per press.
 */
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    try {
      do {
        again = false;
        await run();
      } while (again);
    } finally {
      running = null;
    }
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = loop();
    return running;
  };
}
