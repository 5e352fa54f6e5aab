import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import { JOB_KINDS, type WorkQueue } from '../../ports/work-queue.js';
import { openPgWorkQueue } from './work-queue.js';

/**
 * Workers started together on a new database (bench/scaling/ingest.ts starts 2 and 4 at once):
 * each opens the queue, and the first to get there makes its tables. pg-boss's createQueue takes
 * no lock; before the queues were made under an advisory lock, some of them failed with
 * "deadlock detected" and never exited.
 */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('the PostgreSQL work queue', () => {
  const schema = `${freshSchema()}_queue`;
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('four processes opening a new queue at once all start, and see one set of queues', async () => {
    const options = { url: POSTGRES_URL, schema, expireSeconds: 60, retryLimit: 1, retryDelaySeconds: 1, pollSeconds: 1, maintenanceSeconds: 60 };
    const opened = await Promise.allSettled(Array.from({ length: 4 }, () => openPgWorkQueue(options)));
    const queues = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      expect(opened.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
      expect(queues).toHaveLength(4);
      // A job sent through one is counted by all: one queue per kind, shared.
      await queues[0]?.submit('recheck-articles', { actor: 'system' }, { key: 'library' });
      for (const queue of queues) {
        const counts = await queue.counts();
        expect(Object.keys(counts).sort()).toEqual([...JOB_KINDS].sort());
        expect(counts['recheck-articles'].waiting).toBe(1);
      }
    } finally {
      await Promise.all(queues.map((q: WorkQueue) => q.stop({ graceful: false })));
    }
  });

  it("cancels a lost run's entries of an ingest job, and a late finish of that run leaves them cancelled", async () => {
    const options = { url: POSTGRES_URL, schema, expireSeconds: 60, retryLimit: 1, retryDelaySeconds: 1, pollSeconds: 0.5, maintenanceSeconds: 60 };
    const queue = await openPgWorkQueue(options);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let taken = () => {};
    const running = new Promise<void>((resolve) => (taken = resolve));
    try {
      await queue.submit('ingest-request', { jobId: 'job-lost' });
      await queue.submit('ingest-request', { jobId: 'job-other' });
      // The "lost" run: taken, then silent until released.
      await queue.work('ingest-request', async (job) => {
        if (job.data.jobId !== 'job-lost') return;
        taken();
        await held;
      });
      await running;
      expect((await queue.counts())['ingest-request'].active).toBe(1);

      expect(await queue.cancelLostRuns('job-lost')).toBe(1);
      expect(await queue.cancelLostRuns('job-lost')).toBe(0);
      expect(await queue.cancelLostRuns('job-nobody')).toBe(0);
      const after = (await queue.counts())['ingest-request'];
      expect(after).toMatchObject({ active: 0, cancelled: 1 });

      // The silent run wakes and finishes: pg-boss's complete() no longer touches the entry.
      release();
      await expect.poll(async () => (await queue.counts())['ingest-request'].completed, { timeout: 10_000 }).toBe(1); // job-other
      expect((await queue.counts())['ingest-request']).toMatchObject({ active: 0, cancelled: 1, completed: 1 });
    } finally {
      release();
      await queue.stop({ graceful: false });
    }
  });
  it("gives the queue's own connections store.lockTimeoutMs and store.statementTimeoutMs: a lock left held fails a count or a submit with the error naming the setting", async () => {
    const options = { url: POSTGRES_URL, schema, expireSeconds: 60, retryLimit: 1, retryDelaySeconds: 1, pollSeconds: 1, maintenanceSeconds: 60 };
    const waitsForLocks = await openPgWorkQueue({ ...options, lockTimeoutMs: 300 });
    const runsBriefly = await openPgWorkQueue({ ...options, lockTimeoutMs: 0, statementTimeoutMs: 300 });
    // A transaction left open in psql, holding the queue's job table.
    const holder = new pg.Client({ connectionString: POSTGRES_URL });
    await holder.connect();
    try {
      expect((await holder.query<{ lock_timeout: string }>('SHOW lock_timeout')).rows[0]?.lock_timeout).toBe('0'); // the server's own: wait forever
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${schema}.job IN ACCESS EXCLUSIVE MODE`);

      await expect(waitsForLocks.counts()).rejects.toMatchObject({
        code: 'database-locked',
        message: expect.stringMatching(new RegExp(`^a statement on PostgreSQL .*\\(${schema}\\) waited longer than store\\.lockTimeoutMs for a lock another session holds`)),
      });
      await expect(waitsForLocks.submit('recheck-articles', { actor: 'system' }, { key: 'library' })).rejects.toMatchObject({
        code: 'database-locked',
        message: expect.stringMatching(/store\.lockTimeoutMs/),
      });
      // Without a lock timeout of its own, the statement timeout ends the wait.
      await expect(runsBriefly.counts()).rejects.toMatchObject({ code: 'service-failed', message: expect.stringMatching(/statement timeout \(store\.statementTimeoutMs/) });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    try {
      // The lock gone, the same connections work: nothing was left broken.
      expect((await waitsForLocks.counts())['recheck-articles']).toMatchObject({ active: 0 });
      expect((await runsBriefly.counts())['recheck-articles']).toMatchObject({ active: 0 });
    } finally {
      await Promise.all([waitsForLocks, runsBriefly].map((q: WorkQueue) => q.stop({ graceful: false })));
    }
  });
});
