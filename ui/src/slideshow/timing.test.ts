import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { KEEP, LATE_MEASURE, markDue, measureLate, Scheduler } from './timing';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('fires every interval once started', async () => {
    const onDue = vi.fn();
    const scheduler = new Scheduler(onDue, 1000);
    scheduler.restart();
    await vi.advanceTimersByTimeAsync(3500);
    expect(onDue).toHaveBeenCalledTimes(3);
    scheduler.stop();
  });

  it('counts the next interval from when the slide was shown, without catching up', async () => {
    let finish: () => void = () => {};
    const onDue = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const scheduler = new Scheduler(onDue, 1000);
    scheduler.restart();
    await vi.advanceTimersByTimeAsync(1000);
    expect(onDue).toHaveBeenCalledTimes(1);
    // The slide change takes 5 s (a busy webview): no burst of changes after it.
    await vi.advanceTimersByTimeAsync(5000);
    expect(onDue).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(999);
    expect(onDue).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(onDue).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('holds a slide shown on time for its own length, then goes back to the interval', async () => {
    const onDue = vi.fn();
    // The first slide due is a 5 s video.
    const wrapped: Scheduler = new Scheduler(() => {
      onDue();
      if (onDue.mock.calls.length === 1) wrapped.holdCurrent(5000);
    }, 1000);
    wrapped.restart();
    await vi.advanceTimersByTimeAsync(1000);
    expect(onDue).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(4999);
    expect(onDue).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(onDue).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(onDue).toHaveBeenCalledTimes(3);
    wrapped.stop();
  });

  it('holds a slide shown by hand from the moment it is held', async () => {
    const onDue = vi.fn();
    const scheduler = new Scheduler(onDue, 1000);
    scheduler.restart();
    await vi.advanceTimersByTimeAsync(500);
    scheduler.restart();
    scheduler.holdCurrent(3000);
    await vi.advanceTimersByTimeAsync(2999);
    expect(onDue).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(onDue).toHaveBeenCalledTimes(1);
    scheduler.stop();
  });

  it('pauses and resumes with the time that was left', async () => {
    const onDue = vi.fn();
    const scheduler = new Scheduler(onDue, 1000);
    scheduler.restart();
    await vi.advanceTimersByTimeAsync(600);
    expect(scheduler.toggle()).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(onDue).not.toHaveBeenCalled();
    expect(scheduler.toggle()).toBe(false);
    await vi.advanceTimersByTimeAsync(399);
    expect(onDue).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(onDue).toHaveBeenCalledTimes(1);
    scheduler.stop();
  });

  it('keeps going after a failing slide change', async () => {
    const onDue = vi.fn(() => Promise.reject(new Error('oops')));
    const scheduler = new Scheduler(onDue, 1000);
    scheduler.restart();
    await vi.advanceTimersByTimeAsync(2000);
    expect(onDue).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('applies a new interval to the slide on screen', async () => {
    const onDue = vi.fn();
    const scheduler = new Scheduler(onDue, 10_000);
    scheduler.restart();
    await vi.advanceTimersByTimeAsync(1000);
    scheduler.setInterval(3000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(onDue).toHaveBeenCalledTimes(1);
    scheduler.stop();
  });
});

describe('due times', () => {
  it('gives the time a slide was scheduled for, not when its late timer ran', async () => {
    // The performance clock follows the fake wall clock, plus however long
    // the webview was blocked: a blocked event loop runs the timer late.
    let blocked = 0;
    const perfNow = () => Date.now() + blocked;
    const dues: number[] = [];
    const scheduler = new Scheduler((dueAt) => void dues.push(dueAt), 1000, { perfNow });
    const armedAt = perfNow();
    scheduler.restart();
    // The timer comes 300 ms after its time (the page was busy).
    blocked = 300;
    await vi.advanceTimersByTimeAsync(1000);
    expect(dues, 'one slide came due').toHaveLength(1);
    expect(dues[0], 'the due time is the one armed for, so the 300 ms count as late').toBe(armedAt + 1000);
    scheduler.stop();
  });

  it('measures lateness from the due time it is given', async () => {
    vi.useRealTimers();
    performance.clearMeasures(LATE_MEASURE);
    // A fresh test worker's clock may not have run 250 ms yet, and User Timing
    // refuses a start before the time origin: let it get there first.
    const originWait = 260 - performance.now();
    if (originWait > 0) await new Promise((resolve) => setTimeout(resolve, originWait));
    // A slide due 250 ms ago (its timer ran late) is being painted only now.
    const dueAt = performance.now() - 250;
    expect(markDue(dueAt), 'the mark sits at the scheduled time').toBe(dueAt);
    measureLate(dueAt);
    const [late] = performance.getEntriesByName(LATE_MEASURE, 'measure');
    expect(late?.startTime).toBe(dueAt);
    expect(late!.duration, 'the late timer is part of the lateness').toBeGreaterThanOrEqual(250);
    performance.clearMeasures(LATE_MEASURE);
  });
});

describe('late measures', () => {
  it('keeps only the last KEEP measures', () => {
    vi.useRealTimers();
    performance.clearMeasures(LATE_MEASURE);
    for (let i = 0; i < KEEP * 1.5; i += 1) measureLate(markDue());
    const kept = performance.getEntriesByName(LATE_MEASURE, 'measure').length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(KEEP * 1.25);
    performance.clearMeasures(LATE_MEASURE);
  });
});
