/**
 * Decisions in the order they were made. Each decision waits for the one
 * before it, so a fast typist pressing P then X ends with the item rejected,
 * whatever order the IPC answers would otherwise arrive in. A failure does
 * not stop the queue: the next decision still runs.
 */

export class DecisionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Runs `task` after every task enqueued before it has settled. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const run = this.tail.then(task, task);
    this.tail = run.then(
      () => {
        this.waiting -= 1;
      },
      () => {
        this.waiting -= 1;
      },
    );
    return run;
  }

  /** Decisions made but not yet stored. */
  get pending(): number {
    return this.waiting;
  }

  /** Resolves once every decision enqueued so far has settled. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
