import { describe, expect, it } from 'vitest';

import { DecisionQueue } from './queue';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DecisionQueue', () => {
  it('runs decisions one after the other, in the order they were made', async () => {
    const queue = new DecisionQueue();
    const log: string[] = [];
    const slow = queue.enqueue(async () => {
      log.push('P start');
      await wait(15);
      log.push('P end');
    });
    const fast = queue.enqueue(async () => {
      log.push('X start');
      log.push('X end');
    });
    await Promise.all([slow, fast]);
    expect(log).toEqual(['P start', 'P end', 'X start', 'X end']);
  });

  it('goes on after a failed decision', async () => {
    const queue = new DecisionQueue();
    const failed = queue.enqueue(async () => {
      throw new Error('no');
    });
    const next = queue.enqueue(async () => 'stored');
    await expect(failed).rejects.toThrow('no');
    expect(await next).toBe('stored');
    await queue.idle();
    expect(queue.pending).toBe(0);
  });
});
