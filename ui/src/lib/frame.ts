/**
 * Waiting for what the organizer sees: `painted()` resolves after Svelte has
 * updated the DOM and the browser has rendered the frame that shows it. A
 * requestAnimationFrame callback runs just before the frame's style, layout
 * and paint, and a message posted from it is handled once that rendering is
 * done (a task, after the frame). The library's and the slideshow's
 * performance marks both end here.
 */

import { tick } from 'svelte';

export async function painted(): Promise<void> {
  await tick();
  await new Promise<void>((resolve) => {
    if (typeof requestAnimationFrame !== 'function' || typeof MessageChannel !== 'function') {
      setTimeout(resolve, 0);
      return;
    }
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  });
}
