import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import type { IngestJob } from '../../domain/ingest-job.js';
import type { IngestJobRecords } from '../../ports/ingest-jobs.js';
import { openPostgres, type PostgresDatabase } from './connection.js';
import { createPostgresIngestJobs } from './ingest-jobs.js';

/**
 * Ingest job records as two processes (two pools on one schema) see them: who may run a job,
 * what a cancel does in each state, and that a runner given up for lost writes nothing.
 */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('ingest job records in PostgreSQL', () => {
  const schema = freshSchema();
  let one: PostgresDatabase;
  let two: PostgresDatabase;
  let a: IngestJobRecords;
  let b: IngestJobRecords;
  let n = 0;
  beforeAll(async () => {
    one = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 3 });
    two = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 3 });
    a = createPostgresIngestJobs(one);
    b = createPostgresIngestJobs(two);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await dropSchema(schema);
  });

  const progress = { filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0, records: 0, recordsPerSecond: 0, bytesPerSecond: 0 };
  const at = '2026-03-01T10:00:00.000Z';
  const live = { at, staleSeconds: 3_600 };
  const added = async (keep = 100): Promise<IngestJob> => {
    n += 1;
    const job: IngestJob = { id: `job-${n}`, paths: [`inbox/folder-${n}`], force: false, status: 'queued', createdAt: at, startedBy: 'admin-1', progress };
    await a.add(job, { resolvedPaths: [`/srv/inbox/folder-${n}`], keep });
    return job;
  };

  it('adds a queued job that the other process reads back, newest first', async () => {
    const first = await added();
    const second = await added();
    expect(await b.get(first.id)).toEqual(first);
    expect((await b.list(2)).map((job) => job.id)).toEqual([second.id, first.id]);
    expect(await b.get('nothing')).toBeUndefined();
    expect(await b.countUnfinished()).toBeGreaterThanOrEqual(2);
  });

  it('lets one runner claim a job; the other is told it runs elsewhere, and the paths are the resolved ones', async () => {
    const job = await added();
    const claim = await a.claim(job.id, 'runner-a', live);
    expect(claim).toMatchObject({ taken: true, resolvedPaths: [`/srv/inbox/folder-${n}`], carried: { added: 0, updated: 0, deleted: 0, skipped: 0 } });
    expect(claim.taken && claim.job).toMatchObject({ status: 'running', startedAt: at });
    expect(await b.claim(job.id, 'runner-b', live)).toEqual({ taken: false, why: 'running-elsewhere' });

    const moved = { ...progress, filesTotal: 2, records: 5, currentFile: 'a.xml' };
    expect(await a.heartbeat(job.id, 'runner-a', { progress: moved, carried: { added: 3, updated: 0, deleted: 0, skipped: 1 } })).toBe('running');
    expect((await b.get(job.id))?.progress).toEqual(moved);

    const totals = { added: 5, updated: 0, deleted: 0, skipped: 1 };
    expect(await b.finish(job.id, 'runner-b', { status: 'done', at, progress: moved, totals })).toBeUndefined();
    const ended = await a.finish(job.id, 'runner-a', { status: 'done', at, progress: moved, totals, recheck: { checked: 2, raised: 0 } });
    expect(ended).toMatchObject({ status: 'done', finishedAt: at, totals, recheck: { checked: 2, raised: 0 } });
    expect(await b.get(job.id)).toEqual(ended);
    expect(await b.claim(job.id, 'runner-b', live)).toEqual({ taken: false, why: 'finished' });
  });

  it('cancels a queued job at once, so it is never claimed', async () => {
    const job = await added();
    const cancelled = await b.cancel(job.id, { at, staleSeconds: 60, staleError: 'stale' });
    expect(cancelled).toMatchObject({ change: 'cancelled', was: 'queued', job: { status: 'cancelled', finishedAt: at } });
    expect(cancelled?.job.error).toBeUndefined();
    expect(await a.claim(job.id, 'runner-a', live)).toEqual({ taken: false, why: 'cancelled' });
    expect(await b.cancel(job.id, { at, staleSeconds: 60, staleError: 'stale' })).toMatchObject({ change: 'none', was: 'cancelled' });
    expect(await b.cancel('nothing', { at, staleSeconds: 60, staleError: 'stale' })).toBeUndefined();
  });

  it('asks the runner of a running job to stop; it stays running until the runner writes its end', async () => {
    const job = await added();
    await a.claim(job.id, 'runner-a', live);
    expect(await b.cancel(job.id, { at, staleSeconds: 3_600, staleError: 'stale' })).toMatchObject({ change: 'asked', was: 'running', job: { status: 'running' } });
    expect(await a.heartbeat(job.id, 'runner-a')).toBe('cancel-requested');
    expect(await a.finish(job.id, 'runner-a', { status: 'cancelled', at, progress, totals: { added: 1, updated: 0, deleted: 0, skipped: 0 } })).toMatchObject({ status: 'cancelled' });
    expect(await b.get(job.id)).toMatchObject({ status: 'cancelled', totals: { added: 1 } });
  });

  it('a cancel asked of a runner given up for lost is ended by the next claim, which alone says it ended the job', async () => {
    const job = await added();
    await a.claim(job.id, 'silent', live);
    expect(await b.cancel(job.id, { at, staleSeconds: 3_600, staleError: 'stale' })).toMatchObject({ change: 'asked' });
    expect(await b.requeueStale(0)).toEqual([job.id]);
    const first = await b.claim(job.id, 'rescuer', live);
    expect(first).toMatchObject({ taken: false, why: 'cancelled', ended: { id: job.id, status: 'cancelled', finishedAt: at } });
    expect(first.taken === false && first.ended).toEqual(await a.get(job.id));
    // The other request for the job (the sweep queued one more) finds it ended already.
    expect(await a.claim(job.id, 'third', live)).toEqual({ taken: false, why: 'cancelled' });
  });

  it('hands a job back to the queue, or cancels it if a cancel was asked meanwhile', async () => {
    const job = await added();
    await a.claim(job.id, 'runner-a', live);
    const carried = { added: 4, updated: 0, deleted: 0, skipped: 0 };
    expect(await a.release(job.id, 'runner-a', { progress, carried, at })).toEqual({ state: 'queued' });
    expect(await a.release(job.id, 'runner-a', { progress, carried, at })).toEqual({ state: 'lost' });
    const again = await b.claim(job.id, 'runner-b', live);
    expect(again).toMatchObject({ taken: true, carried, job: { startedAt: at } });

    await a.cancel(job.id, { at, staleSeconds: 3_600, staleError: 'stale' });
    const released = await b.release(job.id, 'runner-b', { progress, carried, at, totals: carried });
    expect(released).toMatchObject({ state: 'cancelled', job: { status: 'cancelled', totals: carried, finishedAt: at } });
    expect(released.state === 'cancelled' && released.job).toEqual(await a.get(job.id));
  });

  it('a runner not heard from is given up: its job is queued again, taken over, and its late writes change nothing', async () => {
    const job = await added();
    await a.claim(job.id, 'silent', live);
    // Not stale yet by an hour's measure; stale by "anything older than now".
    expect(await b.requeueStale(3_600)).not.toContain(job.id);
    expect(await b.requeueStale(0)).toEqual([job.id]);
    expect(await b.get(job.id)).toMatchObject({ status: 'queued' });
    expect(await b.claim(job.id, 'rescuer', live)).toMatchObject({ taken: true });
    expect(await a.heartbeat(job.id, 'silent', { progress, carried: { added: 9, updated: 0, deleted: 0, skipped: 0 } })).toBe('lost');
    expect(await a.finish(job.id, 'silent', { status: 'failed', at, progress, error: 'late' })).toBeUndefined();
    expect(await b.get(job.id)).toMatchObject({ status: 'running' });

    // A claim may also take over a stale runner directly (a retry from the queue).
    expect(await a.claim(job.id, 'third', { at, staleSeconds: 0 })).toMatchObject({ taken: true });
    expect(await b.heartbeat(job.id, 'rescuer')).toBe('lost');
  });

  it('cancels a running job whose runner is silent at once, saying so', async () => {
    const job = await added();
    await a.claim(job.id, 'silent', live);
    await a.heartbeat(job.id, 'silent', { progress: { ...progress, etaSeconds: 4, currentFile: 'x.xml' }, carried: { added: 0, updated: 0, deleted: 0, skipped: 0 } });
    const cancelled = await b.cancel(job.id, { at, staleSeconds: 0, staleError: 'its worker was not answering' });
    expect(cancelled).toMatchObject({ change: 'cancelled', was: 'running', job: { status: 'cancelled', error: 'its worker was not answering' } });
    expect(cancelled?.job.progress.currentFile).toBeUndefined();
    expect(cancelled?.job.progress.etaSeconds).toBeUndefined();
  });

  it('fails a job that could not be queued, stores an error holding NUL, and keeps the newest finished jobs only', async () => {
    const lost = await added();
    const failed = await b.failQueued(lost.id, 'no queue', at);
    expect(failed).toMatchObject({ status: 'failed', error: 'no queue', finishedAt: at });
    expect(await a.get(lost.id)).toEqual(failed);
    expect(await b.failQueued(lost.id, 'no queue', at)).toBeUndefined();

    const odd = await added();
    await a.claim(odd.id, 'r', live);
    expect(await a.finish(odd.id, 'r', { status: 'failed', at, progress, error: 'bad byte \u0000 in x.xml' })).toMatchObject({ error: 'bad byte \uFFFD in x.xml' });
    expect((await b.get(odd.id))?.error).toBe('bad byte \uFFFD in x.xml');

    const unfinished = await b.countUnfinished();
    // Keep 3: the two newest others and the new one; finished ones beyond go, unfinished ones stay.
    const newest = await added(3);
    const kept = await b.list(1_000);
    expect(kept.filter((job) => job.status !== 'queued' && job.status !== 'running').map((job) => job.id)).toEqual([odd.id, lost.id]);
    expect(kept[0]?.id).toBe(newest.id);
    expect(await b.countUnfinished()).toBe(unfinished + 1);
  });
});

if (POSTGRES_SKIP_REASON !== '') {
  describe('ingest job records in PostgreSQL', () => {
    it.skip(POSTGRES_SKIP_REASON, () => undefined);
  });
}
