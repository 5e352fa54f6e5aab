import { describe, expect, it } from 'vitest';
import { buildSecondsLeft, toPostingsJob } from '../../web/src/pages/admin/postings-job.js';

describe("the admin page's postings build estimate", () => {
  const progress = (done: number, total: number, elapsedMs: number) => ({ done, total, terms: 0, elapsedMs });

  it('goes by the pace so far: a quarter read in 30 s leaves 90 s', () => {
    expect(buildSecondsLeft(progress(250, 1_000, 30_000))).toBe(90);
    expect(buildSecondsLeft(progress(1_000, 1_000, 30_000))).toBe(0);
    // Read past the total (occurrences of deleted passages): nothing left, never negative.
    expect(buildSecondsLeft(progress(1_200, 1_000, 30_000))).toBe(0);
  });

  it('gives no estimate before there is a pace to go by', () => {
    expect(buildSecondsLeft(progress(0, 1_000, 30_000))).toBeUndefined();
    expect(buildSecondsLeft(progress(500, 0, 30_000))).toBeUndefined();
    expect(buildSecondsLeft(progress(500, 1_000, 1_999))).toBeUndefined();
  });

  it("reads the elapsed time from the server's job, zero when an older server leaves it out", () => {
    const job = { id: 'j', action: 'build', status: 'running', startedBy: 'a', startedAt: 't', progress: { done: 5, total: 10, terms: 1 } };
    expect(toPostingsJob(job)?.progress).toEqual({ done: 5, total: 10, terms: 1, elapsedMs: 0 });
    expect(toPostingsJob({ ...job, progress: { ...job.progress, elapsedMs: 2_500 } })?.progress.elapsedMs).toBe(2_500);
  });
});
