import { describe, expect, it } from 'vitest';
import type { PostingsBuildProgress, PostingsIndex } from '../ports/store.js';
import { createPostingsJobs, type PostingsJobEvent } from './postings-jobs.js';

/**
 * The job's own clock: each progress report carries the time since the job started, which the
 * admin page turns into "about … left". (Routes, events, audit and cancel are tested through the
 * server in test/server/postings-index.test.ts.)
 */
describe('postings jobs: elapsed time in the progress', () => {
  it('measures from the start of the job with the monotonic clock, report by report', async () => {
    let clock = 1_000;
    let audited = 0;
    let report: ((p: PostingsBuildProgress) => void) | undefined;
    let finish: (() => void) | undefined;
    const postings: PostingsIndex = {
      build: (onProgress) => {
        report = onProgress;
        return new Promise((resolve) => {
          finish = () => resolve({ builtAt: '2026-12-05T12:00:09.000Z', passages: 10, newer: 0, removed: 0, newerLimit: 50_000, terms: 5, bytes: 100, elapsedMs: 9_000 });
        });
      },
      drop: async () => {},
      state: async () => undefined,
    };
    const jobs = createPostingsJobs({
      postings,
      now: () => new Date('2026-12-05T12:00:00.000Z'),
      elapsedMs: () => clock,
      newId: () => 'job-1',
      audit: { append: async (entry) => ({ ...entry, seq: (audited += 1) }) },
      progressIntervalMs: 0,
    });
    const started = await jobs.start({ action: 'build', startedBy: 'admin' });
    expect(started.progress).toEqual({ done: 0, total: 0, terms: 0, elapsedMs: 0 });
    const events: PostingsJobEvent[] = [];
    jobs.watch('job-1', (event) => events.push(event));
    await new Promise((resolve) => setImmediate(resolve));

    clock = 3_500;
    report!({ done: 250, total: 1_000, terms: 2 });
    clock = 10_000;
    report!({ done: 1_000, total: 1_000, terms: 5 });
    expect(events.map((e) => e.job.progress)).toEqual([
      { done: 250, total: 1_000, terms: 2, elapsedMs: 2_500 },
      { done: 1_000, total: 1_000, terms: 5, elapsedMs: 9_000 },
    ]);
    expect(jobs.latest()?.progress.elapsedMs).toBe(9_000);
    finish!();
    await jobs.close();
    expect(jobs.get('job-1')).toMatchObject({ status: 'done', progress: { elapsedMs: 9_000 } });
    expect(audited).toBe(2);
  });
});
