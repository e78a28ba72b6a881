import { describe, expect, it } from 'vitest';

import type { JobFinished } from '../bindings/JobFinished';
import type { JobProgress } from '../bindings/JobProgress';
import { Jobs, type JobIntent } from './jobs.svelte';

const progress = (job: number, done: number): JobProgress => ({
  job,
  kind: 'pull',
  phase: 'originals',
  done,
  total: 10,
  bytes_done: 0,
  bytes_total: 0,
  current: null,
  elapsed_ms: 100,
});
const end = (job: number): JobFinished => ({
  job,
  kind: 'pull',
  outcome: 'done',
  event_id: 4,
  report: null,
  error: null,
  elapsed_ms: 100,
});

function jobs() {
  const ended: Array<[number, JobIntent]> = [];
  return { ended, jobs: new Jobs((f, intent) => ended.push([f.job, intent])) };
}

describe('Jobs', () => {
  it('follows a tracked job from start to end', () => {
    const { jobs: j, ended } = jobs();
    j.begin();
    j.track(1, { kind: 'pull', label: 'Wedding', eventId: 4 });
    j.progress(progress(1, 3));

    expect(j.running).toHaveLength(1);
    expect(j.running[0]).toMatchObject({ label: 'Wedding', progress: { done: 3 } });
    expect(j.busy(4)).toBe(true);
    expect(j.busy(5)).toBe(false);

    j.finished(end(1));
    expect(j.running).toHaveLength(0);
    expect(ended).toEqual([[1, { kind: 'pull', label: 'Wedding', eventId: 4 }]]);
  });

  it('shows progress that arrives before the start command returned', () => {
    const { jobs: j } = jobs();
    j.begin();
    j.progress(progress(2, 1));
    j.track(2, { kind: 'pull', label: 'Party', remoteId: 'r2' });

    expect(j.running).toHaveLength(1);
    expect(j.running[0]).toMatchObject({ label: 'Party', progress: { done: 1 } });
    expect(j.pulling('r2')).toBe(true);
  });

  it('ends a job once, even when it ended before its start command returned', () => {
    const { jobs: j, ended } = jobs();
    j.begin();
    j.progress(progress(3, 1));
    j.finished(end(3));
    expect(ended).toEqual([]);

    j.track(3, { kind: 'pull', label: 'Quick', openWhenDone: true });
    expect(j.running).toHaveLength(0);
    expect(ended).toEqual([[3, { kind: 'pull', label: 'Quick', openWhenDone: true }]]);
  });

  it('ends a job no start command here accounts for, as soon as none is out', () => {
    const { jobs: j, ended } = jobs();
    j.progress(progress(5, 1));
    j.finished(end(5));
    expect(j.running).toHaveLength(0);
    expect(ended).toEqual([[5, { kind: 'pull', label: '' }]]);

    j.begin();
    j.finished(end(6));
    expect(ended).toHaveLength(1);
    j.abandon();
    expect(ended).toEqual([
      [5, { kind: 'pull', label: '' }],
      [6, { kind: 'pull', label: '' }],
    ]);
  });

  it('starts a job, tracks it and tells its intent of the end, even a very quick one', async () => {
    const { jobs: j, ended } = jobs();
    const told: number[] = [];
    const id = await j.start(async () => {
      // The job ends before its start command returns.
      j.finished(end(7));
      return 7;
    }, { kind: 'export', label: 'Wedding', eventId: 4, onEnd: (f) => told.push(f.job) });

    expect(id).toBe(7);
    expect(ended.map(([job]) => job)).toEqual([7]);
    expect(told).toEqual([7]);

    await j.start(async () => 8, { kind: 'archive', label: 'Wedding', eventId: 4, onEnd: (f) => told.push(f.job) });
    expect(j.find(8)?.kind).toBe('archive');
    expect(j.busy(4)).toBe(true);
    expect(j.busy(4, ['export'])).toBe(false);
    j.finished(end(8));
    expect(told).toEqual([7, 8]);
    expect(j.find(8)).toBeUndefined();
  });

  it('rethrows a refused start and leaves nothing waiting for it', async () => {
    const { jobs: j, ended } = jobs();
    await expect(
      j.start(() => Promise.reject({ code: 'busy', message: 'An export already runs.' }), { kind: 'export', label: 'W' }),
    ).rejects.toEqual({ code: 'busy', message: 'An export already runs.' });
    j.finished(end(9));
    expect(ended).toEqual([[9, { kind: 'pull', label: '' }]]);
  });
});
