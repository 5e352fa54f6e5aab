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
});
